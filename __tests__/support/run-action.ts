// Test helpers around scripts/local-runner.js (which runs dist/index.js like a GitHub runner):
// workspaces with compiled fixture programs, and the marked lines the tests expect findings on.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { repoRoot } from '../../scripts/local-runner.js'

export { runAction, repoRoot, type ActionRun } from '../../scripts/local-runner.js'

export const programsDir = path.join(repoRoot, '__tests__', 'fixtures', 'programs')

function sourceName(program: string): string {
  const source = fs
    .readdirSync(programsDir)
    .find((name) => name.replace(/\.(c|cpp)$/, '') === program)
  if (source === undefined) throw new Error(`no fixture program ${program} in ${programsDir}`)
  return source
}

/** A fresh workspace with the named fixture programs copied to src/ and compiled to build/. */
export function makeWorkspace(programs: string[]): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-workspace-'))
  fs.mkdirSync(path.join(workspace, 'src'))
  fs.mkdirSync(path.join(workspace, 'build'))
  for (const program of programs) {
    const source = sourceName(program)
    fs.copyFileSync(path.join(programsDir, source), path.join(workspace, 'src', source))
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
  const lines = fs.readFileSync(path.join(programsDir, sourceName(program)), 'utf8').split('\n')
  const index = lines.findIndex((line) => new RegExp(`\\b${marker}(?![\\w-])`).test(line))
  if (index < 0) throw new Error(`marker ${marker} not in ${program}`)
  return index + 1
}
