// The run directory holds the files the verdict is read from (XML, profiles, the JSON report).
// Whoever can replace them decides the verdict. The command line runs on shared machines, in a
// shared /tmp, so it checks its output directory: ours (or root's), not group- or world-writable
// unless sticky like /tmp; one that someone else created first is refused, not used. The action's
// default is in RUNNER_TEMP, the runner's own per-job directory (in a container job it belongs to
// the runner's user, not to root inside the container, so the check would refuse it).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError, systemErrorText } from './errors.js'

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

/**
 * `mkdir -p`: creates `dir` and its missing parents (with `mode`). Not fs.mkdirSync's `recursive`:
 * where a parent exists but cannot hold directories, as in /proc, mkdir answers ENOENT, which
 * Node reads as a missing parent, and it spins forever at 100% CPU (the job would hang until its
 * timeout). Here each missing directory is made once, and the first failure is thrown.
 */
export function makeDirectories(dir: string, mode?: number): void {
  const absolute = path.resolve(dir)
  const missing: string[] = []
  for (let at = absolute; !fs.existsSync(at); at = path.dirname(at)) {
    missing.push(at)
    if (path.dirname(at) === at) break
  }
  for (const directory of missing.reverse()) {
    try {
      fs.mkdirSync(directory, { mode })
    } catch (error) {
      // Made meanwhile, or a dangling link (the check below says so).
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  if (!fs.statSync(absolute).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR' })
  }
}

/** makeDirectories for the output directory, failing with what to change. */
function makeOutputDirectory(dir: string): void {
  try {
    makeDirectories(dir, 0o700)
  } catch (error) {
    throw new InputError(
      `The output directory '${dir}' cannot be created (${systemErrorText(error)}). Use a directory this job can write (the 'output-directory' input, or --output-directory; the action's default is in RUNNER_TEMP).`
    )
  }
}

/** Creates `dir` (mode 0700) if needed and refuses it when another user could change its files. */
export function ensurePrivateDirectory(dir: string): void {
  makeOutputDirectory(dir)
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
  makeOutputDirectory(outputDirectory)
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  // mkdtemp: a fresh name, mode 0700.
  return fs.mkdtempSync(path.join(outputDirectory, `run-${stamp}-`))
}
