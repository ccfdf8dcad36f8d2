// Finds and stops every process a run started, also those that left its process group or session
// (setsid, double fork): each carries a tracking variable in its environment, which /proc shows.
// The GitHub runner finds a job's orphans the same way (RUNNER_TRACKING_ID). A process that
// execs with an environment of its own drops the variable; while valgrind traces it, its command
// line still names the run's output directory (valgrind's --xml-file), and that finds it too.
// A process that leaves valgrind and rewrites its environment escapes both; the runner's own job
// cleanup is the last line.
import * as fs from 'node:fs'

/** The variable whose value marks a run's processes. */
export const TRACKING_VARIABLE = 'VALGRIND_ACTION_TRACKING_ID'

/**
 * Pids of live processes whose initial environment has `TRACKING_VARIABLE=<id>`, or whose command
 * line has an argument containing `argumentText` (when given).
 */
export function trackedProcesses(
  id: string,
  procDirectory = '/proc',
  argumentText?: string
): number[] {
  const needle = Buffer.from(`\0${TRACKING_VARIABLE}=${id}\0`)
  const argumentNeedle = argumentText !== undefined ? Buffer.from(argumentText) : undefined
  const pids: number[] = []
  let entries: string[]
  try {
    entries = fs.readdirSync(procDirectory)
  } catch {
    return pids
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      // A leading NUL lets the first variable match like every other one.
      const environ = Buffer.concat([
        Buffer.from([0]),
        fs.readFileSync(`${procDirectory}/${entry}/environ`)
      ])
      if (environ.includes(needle)) {
        pids.push(Number(entry))
        continue
      }
    } catch {
      // Gone, or another user's process: not ours.
      continue
    }
    if (argumentNeedle === undefined) continue
    try {
      if (fs.readFileSync(`${procDirectory}/${entry}/cmdline`).includes(argumentNeedle)) {
        pids.push(Number(entry))
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids
}

function signalEach(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // Already gone.
    }
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface StopResult {
  /** Processes found running when the stop began. */
  found: number
  /** Of those, how many were still running after the grace period and were killed. */
  killed: number
}

/**
 * Sends SIGTERM to every tracked process (valgrind then finishes its XML, leak check included),
 * and SIGKILL to those still running after `graceMs` (a program may ignore SIGTERM).
 */
export async function stopTrackedProcesses(
  id: string,
  graceMs: number,
  argumentText?: string
): Promise<StopResult> {
  const tracked = () => trackedProcesses(id, '/proc', argumentText)
  const found = tracked()
  if (found.length === 0) return { found: 0, killed: 0 }
  signalEach(found, 'SIGTERM')
  const deadline = Date.now() + graceMs
  let remaining = found
  while (Date.now() < deadline) {
    await delay(50)
    remaining = tracked()
    if (remaining.length === 0) return { found: found.length, killed: 0 }
  }
  // Children may have started during the grace period: kill what is there now.
  remaining = tracked()
  signalEach(remaining, 'SIGKILL')
  // A killed process is gone only once the kernel has torn it down (valgrind's large address
  // space takes a moment): the step must not end while one still runs.
  const killed = new Set(remaining)
  const settled = Date.now() + KILL_SETTLE_MS
  while (Date.now() < settled && tracked().some((pid) => killed.has(pid))) await delay(20)
  return { found: found.length, killed: remaining.length }
}

/** How long to wait, at most, for killed processes to be gone (well within the runner's 7.5 s). */
const KILL_SETTLE_MS = 1000
