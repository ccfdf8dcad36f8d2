// How the command and its processes ended, apart from what valgrind found in them: which process
// the command started, whether valgrind's --error-exitcode replaced a status, and the program's
// outcome for the verdict (which suite failures are the tests' own: suite/failures.ts).
import * as path from 'node:path'
import type { FatalSignal, ProcessRun, ProgramOutcome } from '../model.js'
import { errorExitCodeOf } from '../valgrind/args.js'
import type { ProcessExit } from '../valgrind/run.js'
import { errorSummary } from './leak-totals.js'
import { describeFrame, findingLocation } from './location.js'

/**
 * A process's XML is usable when valgrind saw the process finish (`<status>FINISHED`), or it holds
 * at least one record. A file closed without FINISHED is valgrind giving up at start-up.
 */
export function usableXml(run: ProcessRun): boolean {
  return run.finished || (run.records ?? run.findings.length) > 0
}

/**
 * The process the command started: the one whose parent is no other process of the run. When it
 * called exec, its last image (`<pid>.xml`; earlier images are `<pid>-<n>.xml`): the one whose
 * valgrind set the exit status.
 */
export function topProcess(runs: readonly ProcessRun[]): ProcessRun | undefined {
  const pids = new Set(runs.map((run) => run.pid).filter((pid) => pid !== undefined))
  const top = runs.find((run) => run.ppid === undefined || !pids.has(run.ppid)) ?? runs[0]
  if (top?.pid === undefined) return top
  const images = runs.filter((run) => run.pid === top.pid)
  return images.find((run) => path.basename(run.file) === `${top.pid}.xml`) ?? images.at(-1)
}

/**
 * valgrind's --error-exitcode replaced this status of the process: it is the code valgrind ran
 * with, and the process's XML counts errors (valgrind's ERROR SUMMARY, which is what it decides
 * by). A program returning that same code with no error counted keeps it as its own.
 */
export function statusFromValgrind(exitCode: number | null, run: ProcessRun | undefined): boolean {
  if (run === undefined || exitCode === null || exitCode === 0) return false
  return exitCode === errorExitCodeOf(run.valgrindArgs) && errorSummary(run).errors > 0
}

/**
 * The processes below the command that died of a signal, said when the command's own status (0,
 * say) would not show it: the command's own death is the verdict's. Undefined when none did.
 */
export function crashedChildrenWarning(
  runs: readonly ProcessRun[],
  top: ProcessRun | undefined,
  workspace: string
): string | undefined {
  const crashed = runs.filter(
    (run) =>
      run !== top && run.pid !== top?.pid && run.role === 'project' && run.fatalSignal !== undefined
  )
  if (crashed.length === 0) return undefined
  const shown = crashed.slice(0, 5).map((run) => {
    const signal = run.fatalSignal as FatalSignal
    // Where in the project's code, else where it stopped (abort inside libc).
    const placed = findingLocation(signal.stack, workspace)
    const frame = signal.stack.find((f) => f.fn !== undefined)
    const where =
      placed !== undefined
        ? ` in ${placed.fn ?? '???'} (${placed.file}:${placed.line})`
        : frame !== undefined
          ? ` in ${describeFrame(frame, workspace)}`
          : ''
    return `${run.test?.binary ?? run.exe ?? 'a process'} (pid ${run.pid ?? '?'}) by ${signal.signame}${where}`
  })
  const more = crashed.length > shown.length ? `; and ${crashed.length - shown.length} more` : ''
  return `${crashed.length === 1 ? '1 process' : `${crashed.length} processes`} the command started died of a signal: ${shown.join('; ')}${more}. The command's own status does not show it.`
}

/**
 * Processes below the top one whose exit status valgrind's --error-exitcode set: they ran to the
 * end (an image that exec'd sets no status) and their XML counts errors. A build tool or script
 * that runs them (make check, a test script) then fails because of what valgrind found in them.
 */
export function processesFailedByValgrind(
  runs: readonly ProcessRun[],
  top: ProcessRun | undefined
): ProcessRun[] {
  return runs.filter(
    (run) =>
      run !== top &&
      run.pid !== top?.pid &&
      run.finished &&
      errorExitCodeOf(run.valgrindArgs) !== undefined &&
      errorSummary(run).errors > 0
  )
}

/** How the program ended: the exit status, or the signal with the stack valgrind saw it at. */
export function programOutcome(
  exit: Pick<ProcessExit, 'exitCode' | 'signal'>,
  runs: readonly ProcessRun[],
  valgrindErrorExit = false
): ProgramOutcome {
  const outcome: ProgramOutcome = { exitCode: exit.exitCode, valgrindErrorExit }
  if (exit.signal !== null) {
    // The top process is the first one started; its fatal signal carries the stack.
    const withSignal = runs.filter((run) => run.fatalSignal?.signame === exit.signal)
    const top =
      withSignal.find(
        (run) => !runs.some((other) => other.pid !== undefined && other.pid === run.ppid)
      ) ?? withSignal[0]
    outcome.signal = {
      name: exit.signal,
      pid: top?.pid,
      stack: top?.fatalSignal?.stack ?? [],
      event: top?.fatalSignal?.event
    }
  }
  return outcome
}
