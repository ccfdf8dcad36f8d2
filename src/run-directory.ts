// The run directory holds the files the verdict is read from (XML, profiles, the JSON report).
// Whoever can replace them decides the verdict. The command line runs on shared machines, in a
// shared /tmp, so it checks its output directory: ours (or root's), not group- or world-writable
// unless sticky like /tmp; one that someone else created first is refused, not used. The action's
// default is in RUNNER_TEMP, the runner's own per-job directory (in a container job it belongs to
// the runner's user, not to root inside the container, so the check would refuse it).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'

/** Why another user could tamper with `dir`, or undefined when they cannot. */
export function sharedDirectoryProblem(
  stat: Pick<fs.Stats, 'uid' | 'mode'>,
  uid: number
): string | undefined {
  if (stat.uid !== uid && stat.uid !== 0) {
    return `belongs to another user (uid ${stat.uid}; you are uid ${uid})`
  }
  const writableByOthers = (stat.mode & 0o022) !== 0
  const sticky = (stat.mode & 0o1000) !== 0
  if (writableByOthers && !sticky) {
    return `can be written by other users (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`
  }
  return undefined
}

/** Creates `dir` (mode 0700) if needed and refuses it when another user could change its files. */
export function ensurePrivateDirectory(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const uid = process.getuid?.()
  if (uid === undefined) return // not POSIX: no owners to compare
  // The link itself too: in /tmp another user may have planted a symlink to their directory.
  for (const stat of [fs.lstatSync(dir), fs.statSync(dir)]) {
    const problem = sharedDirectoryProblem(stat, uid)
    if (problem !== undefined) {
      throw new InputError(
        `The output directory '${dir}' ${problem}: they could replace the run's files and so its verdict. Use a directory of your own (the 'output-directory' input, or --output-directory).`
      )
    }
  }
}

/** A new, empty directory for this run's files: XML, profiles, the JSON report. */
export function createRunDirectory(outputDirectory: string): string {
  fs.mkdirSync(outputDirectory, { recursive: true, mode: 0o700 })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  // mkdtemp: a fresh name, mode 0700.
  return fs.mkdtempSync(path.join(outputDirectory, `run-${stamp}-`))
}
