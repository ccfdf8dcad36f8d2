// Workspaces holding the C test suite of __tests__/fixtures/cmake-suite, built with CMake or
// meson: many tests reach one faulty line, one leaks through an allocator wrapper, one compiles.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fixturesDir, lineOfMarker } from './paths.js'

export const suiteFixture = path.join(fixturesDir, 'cmake-suite')

/** Whether a tool answers `--version` here. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function copyFixture(): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-suite-'))
  fs.cpSync(suiteFixture, workspace, { recursive: true })
  return workspace
}

/** The suite configured and built with CMake in `<workspace>/build`, with `hits` faulty-line tests. */
export function cmakeSuiteWorkspace(hits: number): string {
  const workspace = copyFixture()
  const quiet = { cwd: workspace, stdio: 'pipe' as const }
  execFileSync('cmake', ['-S', '.', '-B', 'build', `-DSUITE_HITS=${hits}`], quiet)
  execFileSync('cmake', ['--build', 'build', '-j2'], quiet)
  return workspace
}

/** The suite set up and built with meson in `<workspace>/mbuild`. */
export function mesonSuiteWorkspace(hits: number): string {
  const workspace = copyFixture()
  const quiet = { cwd: workspace, stdio: 'pipe' as const }
  execFileSync('meson', ['setup', 'mbuild', `-Dhits=${hits}`], quiet)
  execFileSync('ninja', ['-C', 'mbuild'], quiet)
  return workspace
}

/** The line of a fixture file (relative to the suite) carrying a marker comment. */
export function suiteLine(file: string, marker: string): number {
  return lineOfMarker(path.join(suiteFixture, file), marker)
}
