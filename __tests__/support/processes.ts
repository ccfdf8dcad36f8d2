// Processes as a test sees them after a run: which pids a program printed, is a pid still running?
import * as fs from 'node:fs'

/** A pid still runs (a zombie waiting for its parent to reap it does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** The pids a test program printed as `pid <n>` lines. */
export function printedPids(output: string): number[] {
  return [...output.matchAll(/^pid (\d+)$/gm)].map((match) => Number(match[1]))
}
