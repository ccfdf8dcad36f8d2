// Test helpers around scripts/local-runner.js (which runs dist/index.js like a GitHub runner):
// workspaces with compiled fixture programs, and the marked lines the tests expect findings on.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fixturesDir, lineOfMarker } from './paths.js'

export { runAction, type ActionRun } from '../../scripts/local-runner.js'
export { repoRoot } from './paths.js'

const fixtureDirs = ['programs', 'c'].map((dir) => path.join(fixturesDir, dir))

/** The fixture source of a program: `<program>.c` or `.cpp` in one of the fixture folders. */
function fixtureSource(program: string): string {
  for (const dir of fixtureDirs) {
    const name = fs.readdirSync(dir).find((n) => n.replace(/\.(c|cpp)$/, '') === program)
    if (name !== undefined) return path.join(dir, name)
  }
  throw new Error(`no fixture program ${program} in ${fixtureDirs.join(' or ')}`)
}

/** A fresh workspace with the named fixture programs copied to src/ and compiled to build/. */
export function makeWorkspace(programs: string[]): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-workspace-'))
  fs.mkdirSync(path.join(workspace, 'src'))
  fs.mkdirSync(path.join(workspace, 'build'))
  for (const program of programs) {
    const fixture = fixtureSource(program)
    const source = path.basename(fixture)
    fs.copyFileSync(fixture, path.join(workspace, 'src', source))
    const compiler = source.endsWith('.cpp') ? 'g++' : 'gcc'
    execFileSync(
      compiler,
      ['-g', '-O0', '-o', path.join('build', program), path.join('src', source)],
      {
        cwd: workspace
      }
    )
  }
  return workspace
}

/** The line of a fixture source that carries a marker comment such as `LEAK-DEFINITE`. */
export function markerLine(program: string, marker: string): number {
  return lineOfMarker(fixtureSource(program), marker)
}
