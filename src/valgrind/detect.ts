// Finds the valgrind on PATH and its version.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { ValgrindInfo } from '../report/report.js'
import { resolveExecutable, RunError } from './run.js'

export async function findValgrind(): Promise<ValgrindInfo & { executable: string }> {
  const executable = resolveExecutable('valgrind', process.cwd())
  if (executable === undefined) {
    throw new RunError(
      `valgrind was not found on PATH. Install it (Debian/Ubuntu: apt-get install valgrind).`
    )
  }
  const { stdout } = await promisify(execFile)(executable, ['--version'])
  return { executable, version: stdout.trim().replace(/^valgrind-/, ''), source: 'the runner' }
}
