// Two builds of __tests__/fixtures/c/baseline.c in two workspaces, as a base commit and a pull
// request: the head is compiled with -DHEAD from a copy with lines inserted above every finding,
// so that nothing about a finding's identity may depend on its line number.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fixturesDir, lineOfMarker } from './paths.js'

export const BASELINE_SOURCE = path.join(fixturesDir, 'c', 'baseline.c')
/** Lines the head gets above the findings (after the includes). */
export const INSERTED_LINES = 7

export interface Build {
  workspace: string
  /** The source file inside the workspace. */
  source: string
}

function build(text: string, defines: string[]): Build {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-baseline-'))
  fs.mkdirSync(path.join(workspace, 'src'))
  fs.mkdirSync(path.join(workspace, 'build'))
  const source = path.join(workspace, 'src', 'baseline.c')
  fs.writeFileSync(source, text)
  execFileSync('gcc', ['-g', '-O0', ...defines, '-o', 'build/baseline', 'src/baseline.c'], {
    cwd: workspace
  })
  return { workspace, source }
}

export function baseBuild(): Build {
  return build(fs.readFileSync(BASELINE_SOURCE, 'utf8'), [])
}

/** The head: unrelated lines added above the findings, and -DHEAD. */
export function headBuild(): Build {
  const lines = fs.readFileSync(BASELINE_SOURCE, 'utf8').split('\n')
  const afterIncludes = lines.findIndex((line) => line.startsWith('#ifdef HEAD'))
  const added = Array.from(
    { length: INSERTED_LINES },
    (_, i) => `/* an unrelated line added by the pull request (${i + 1}) */`
  )
  lines.splice(afterIncludes, 0, ...added)
  return build(lines.join('\n'), ['-DHEAD'])
}

/** The line of a marker in a build's own copy of the source. */
export function lineIn(build: Build, marker: string): number {
  return lineOfMarker(build.source, marker)
}
