// Runs a plan and owns everything the program does to the log and the machine:
// - On GitHub the program's stdout and stderr come through pipes; the action copies them into the
//   log between `::stop-commands::<token>` and `::<token>::`, the closing fence always on a line of
//   its own. The streams the program is given reach the runner only through the action, so output
//   of a process it leaves behind (a daemon) cannot act as a workflow command once the fence is
//   closed. (A same-user process can still open /proc/<our pid>/fd/1 on purpose: SECURITY.md.)
// - The program gets the step's environment without the runner's internal variables.
// - After the command exits, the output is drained for a moment, the fence closed, and every
//   process the command left running is stopped (found by a tracking variable, see process-tree).
// - Cancellation (the runner's SIGINT/SIGTERM) stops the whole tree; valgrind finishes its XML.
// On a terminal (the CLI) the program keeps the TTY instead, so it keeps its colours.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { RunPlan } from '../plan.js'
import { programEnvironment } from './environment.js'
import { InterleavedLog } from './output-log.js'
import { stopTrackedProcesses, TRACKING_VARIABLE } from './process-tree.js'

export interface ProcessExit {
  exitCode: number | null
  /** Set when the process was ended by a signal, e.g. `SIGSEGV`. */
  signal: string | null
  /** Set when the run was cancelled: the signal the action received (`SIGINT`, `SIGTERM`). */
  cancelled?: string
  /** Processes the command left running after it exited, which the action stopped. */
  leftRunning: number
  /**
   * Of those, how many ignored SIGTERM and were killed (SIGKILL): valgrind could not finish their
   * XML, leak check included.
   */
  leftKilled?: number
  /** Bytes those processes wrote after the fence was closed, which the log does not show. */
  lateOutputBytes: number
  /**
   * The first bytes of the command's stderr, when it came through a pipe (not on a terminal):
   * where valgrind's launcher says why it could not start the tool for a program (it writes no
   * XML then, and its status is not the program's).
   */
  stderrHead?: string
}

/** Bytes of stderr kept for stderrHead: the launcher's message is one line, before anything else. */
const STDERR_HEAD_BYTES = 4096

/** A problem with the environment (valgrind or the program missing): a clear message, no stack. */
export class RunError extends Error {
  override name = 'RunError'
}

export interface RunOptions {
  /** Fence the output against workflow commands and copy it through pipes (GitHub Actions). */
  fenceCommands: boolean
  write: (text: string | Uint8Array) => void
  /** Aborted when the step is cancelled; the reason is the signal's name. */
  cancel?: AbortSignal
  /**
   * Text in the command line of every valgrind process of the run (its output directory): a
   * process that exec'd with an environment of its own, without the tracking variable, is still
   * found by it and stopped.
   */
  trackArgument?: string
}

/**
 * How long output may still arrive after the command exited: what is in the pipes already arrives
 * at once, this is for a child finishing its last write. Short, so a daemon costs little.
 */
export const DRAIN_MS = 500
/** How long processes get to exit after SIGTERM before SIGKILL (within the runner's 7.5 s). */
export const STOP_GRACE_MS = 3000

/** Waits for `promise`, at most `ms`; the timer does not outlive the wait. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

export async function executePlan(plan: RunPlan, options: RunOptions): Promise<ProcessExit> {
  const executable = resolveExecutable(plan.command, plan.cwd)
  if (executable.path === undefined) {
    throw new RunError(
      executable.problem === 'not found'
        ? `'${plan.command}' was not found on PATH. Install valgrind (the action's 'install' input does it on Debian and Ubuntu runners).`
        : `'${plan.command}' ${executable.problem} (${executable.candidate}).`
    )
  }
  const trackingId = randomUUID()
  const token = randomUUID().replace(/-/g, '')
  const capture = options.fenceCommands
  if (capture) options.write(`::stop-commands::${token}\n`)
  const log = new InterleavedLog(options.write)
  let fenceOpen = capture
  let lateOutputBytes = 0
  const stderrHead: Buffer[] = []
  let stderrHeadBytes = 0
  const closeFence = () => {
    if (!fenceOpen) return
    log.endLine()
    options.write(`::${token}::\n`)
    fenceOpen = false
  }

  const child = spawn(executable.path, plan.args, {
    cwd: plan.cwd,
    env: { ...programEnvironment(process.env), ...plan.env, [TRACKING_VARIABLE]: trackingId },
    stdio: ['inherit', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit']
  })
  const streamsEnded: Promise<void>[] = []
  for (const [name, stream] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr]
  ] as const) {
    if (stream === null) continue
    stream.on('data', (chunk: Buffer) => {
      if (name === 'stderr' && stderrHeadBytes < STDERR_HEAD_BYTES) {
        stderrHead.push(chunk.subarray(0, STDERR_HEAD_BYTES - stderrHeadBytes))
        stderrHeadBytes += chunk.length
      }
      if (fenceOpen) log.append(name, chunk)
      else lateOutputBytes += chunk.length
    })
    streamsEnded.push(
      new Promise((resolve) => {
        stream.on('close', resolve)
        stream.on('error', () => resolve())
      })
    )
  }

  let cancelled: string | undefined
  let stopping: Promise<unknown> | undefined
  const onCancel = () => {
    cancelled = String(options.cancel?.reason ?? 'SIGINT')
    // The direct child by pid too: right after spawn it may not carry the tracking variable yet.
    child.kill('SIGTERM')
    stopping ??= stopTrackedProcesses(trackingId, STOP_GRACE_MS, options.trackArgument).then(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
  }

  try {
    const exit = await new Promise<{ exitCode: number | null; signal: string | null }>(
      (resolve, reject) => {
        child.on('error', (error: NodeJS.ErrnoException) => {
          reject(new RunError(`Could not start '${plan.command}': ${error.message}`))
        })
        child.on('exit', (exitCode, signal) => resolve({ exitCode, signal }))
        if (options.cancel?.aborted) onCancel()
        else options.cancel?.addEventListener('abort', onCancel, { once: true })
      }
    )
    options.cancel?.removeEventListener('abort', onCancel)
    await stopping
    // Output already in the pipes arrives at once; a process still holding them gets DRAIN_MS.
    await waitAtMost(Promise.all(streamsEnded), DRAIN_MS)
    closeFence()
    // Whatever the command left running is stopped: it would otherwise keep valgrind and the
    // program going behind the next steps, and its XML would never be complete.
    const leftBehind = await stopTrackedProcesses(trackingId, STOP_GRACE_MS, options.trackArgument)
    await waitAtMost(Promise.all(streamsEnded), DRAIN_MS)
    child.stdout?.destroy()
    child.stderr?.destroy()
    return {
      ...exit,
      cancelled,
      leftRunning: leftBehind.found,
      leftKilled: leftBehind.killed,
      lateOutputBytes,
      stderrHead: capture ? Buffer.concat(stderrHead).toString('utf8') : undefined
    }
  } finally {
    options.cancel?.removeEventListener('abort', onCancel)
    closeFence()
  }
}

export type ExecutableLookup =
  | { path: string; problem?: undefined; candidate?: undefined }
  | {
      path?: undefined
      problem: 'not found' | 'is not executable' | 'is a directory'
      /** The file that exists but cannot be run, when there is one. */
      candidate?: string
    }

/**
 * Finds an executable the way a shell would: a path with a slash, or a name searched on PATH.
 * When nothing runnable is found, says why: missing, or there but a directory or without the
 * execute permission.
 */
export function resolveExecutable(
  name: string,
  cwd: string,
  pathVariable = process.env.PATH ?? ''
): ExecutableLookup {
  const candidates = name.includes('/')
    ? [path.resolve(cwd, name)]
    : pathVariable
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, name))
  let found: ExecutableLookup = { problem: 'not found' }
  for (const candidate of candidates) {
    let stat: fs.Stats
    try {
      stat = fs.statSync(candidate)
    } catch {
      continue // not here; try the next
    }
    if (stat.isDirectory()) {
      if (found.problem === 'not found') found = { problem: 'is a directory', candidate }
      continue
    }
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      return { path: candidate }
    } catch {
      found = { problem: 'is not executable', candidate }
    }
  }
  return found
}
