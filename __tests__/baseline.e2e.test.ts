// End to end: two builds of one C program (base and head of a pull request) under real valgrind
// through dist/index.js. The head keeps a leak, fixes one, adds one, makes one loop 30% longer and
// another 0.5% longer, and has lines inserted above every finding. With the base's JSON report as
// `baseline`, only the new leak and the 30% loop may fail the step; the SARIF file validates
// against the schema and keeps the fingerprints of the findings that did not change.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type * as Sarif from 'sarif'
import {
  makeWorkspace,
  markerLine,
  repoRoot,
  runAction,
  type ActionRun
} from './support/run-action.js'
import {
  baseBuild,
  headBuild,
  INSERTED_LINES,
  lineIn,
  type Build
} from './support/baseline-builds.js'
import { sarifSchemaErrors } from './support/sarif-schema.js'

const inputs = { command: './build/baseline spawn', tool: 'memcheck,callgrind', upload: 'false' }

function readSarif(run: ActionRun): Sarif.Log {
  return JSON.parse(fs.readFileSync(run.outputs['sarif-file'], 'utf8'))
}

/** The SARIF result whose primary location is the marked line of a build. */
function resultAt(log: Sarif.Log, build: Build, marker: string): Sarif.Result | undefined {
  const line = lineIn(build, marker)
  return log.runs[0].results?.find(
    (r) => r.locations?.[0]?.physicalLocation?.region?.startLine === line
  )
}

let base: Build
let head: Build
let baseRun: ActionRun
let headRun: ActionRun

beforeAll(async () => {
  base = baseBuild()
  head = headBuild()
  baseRun = await runAction(inputs, { workspace: base.workspace })
  headRun = await runAction(
    { ...inputs, baseline: baseRun.outputs.report },
    { workspace: head.workspace }
  )
})

describe('findings against the base build', () => {
  it('fails on the new leak and on the loop over the threshold, nothing else', () => {
    expect(headRun.exitCode).toBe(1)
    expect(headRun.failure).toMatch(/1 definite leak \(56 bytes in 1 block\) not in the baseline/)
    expect(headRun.failure).toMatch(/baseline grows: [\d,]+ instructions, \+29\.\d\d% over/)
    expect(headRun.failure).not.toMatch(/steady/)
    expect(headRun.failure).not.toMatch(/40 bytes/)
    expect(headRun.outputs['new-findings']).toBe('1')
    expect(headRun.outputs['fixed-findings']).toBe('1')
    expect(headRun.outputs.errors).toBe('1')
    expect(headRun.outputs.regressions).toBe('1')
    // The base has no baseline: every definite leak fails it.
    expect(baseRun.failure).toMatch(/2 definite leaks \(64 bytes in 2 blocks\)/)
    expect(baseRun.outputs['new-findings']).toBe('')
  })

  it('annotates only the new leak as an error; the known one stays a warning', () => {
    const at = (marker: string) =>
      headRun.annotations.filter(
        (a) => a.file === 'src/baseline.c' && a.line === lineIn(head, marker)
      )
    expect(at('NEW-LEAK').map((a) => a.level)).toEqual(['error'])
    expect(at('KNOWN-LEAK').map((a) => a.level)).toEqual(['warning'])
    expect(headRun.annotations.filter((a) => a.level === 'error')).toHaveLength(1)
  })

  it('shows new, still present and fixed with counts, and the instruction counts largest regression first', () => {
    const summary = headRun.summary
    expect(summary).toContain('| New | 1 |')
    expect(summary).toContain('| Still present | 1 |')
    expect(summary).toContain('| Fixed | 1 |')
    expect(summary).toMatch(/Fixed \(1\)<\/summary>\n\n- Memcheck: 24 bytes definitely lost/)
    const rows = summary.split('\n').filter((line) => line.startsWith('| <code>baseline '))
    expect(rows[0]).toMatch(
      /^\| <code>baseline grows<\/code> ❌ \| 8,1\d\d,\d{3} \| 10,5\d\d,\d{3} \| \+2,\d{3},\d{3} \| \+29\.\d\d% \|$/
    )
    const steady = rows.find((row) => row.includes('baseline steady'))
    expect(steady).toMatch(/\| \+0\.49% \|$/)
    expect(steady).not.toContain('❌')
  })
})

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    expect(sarifSchemaErrors(readSarif(baseRun))).toEqual([])
    expect(sarifSchemaErrors(readSarif(headRun))).toEqual([])
  })

  it('places results on workspace-relative lines with a rule per kind that explains it', () => {
    const log = readSarif(headRun)
    expect(log.runs).toHaveLength(1)
    expect(log.runs[0].tool.driver.name).toBe('Valgrind Memcheck')
    const known = resultAt(log, head, 'KNOWN-LEAK')
    expect(known?.locations?.[0]?.physicalLocation?.artifactLocation).toEqual({
      uri: 'src/baseline.c',
      uriBaseId: '%SRCROOT%'
    })
    expect(known?.ruleId).toBe('Leak_DefinitelyLost')
    expect(known?.level).toBe('error')
    expect(known?.baselineState).toBe('unchanged')
    expect(resultAt(log, head, 'NEW-LEAK')?.baselineState).toBe('new')
    const rule = log.runs[0].tool.driver.rules?.find((r) => r.id === 'Leak_DefinitelyLost')
    expect(rule?.help?.text).toMatch(/Usual fix: Free the block/)
    // The stack as a code flow, outermost first, ending at the allocating function.
    const flow = known?.codeFlows?.[0].threadFlows[0].locations.map(
      (l) => l.location?.message?.text
    )
    expect(flow?.slice(-2)).toEqual(['keep_a_known_leak', 'malloc'])
    expect(flow).toContain('main')
  })

  it('keeps the fingerprint of an unchanged leak when lines are added above it', () => {
    const before = resultAt(readSarif(baseRun), base, 'KNOWN-LEAK')
    const after = resultAt(readSarif(headRun), head, 'KNOWN-LEAK')
    expect(lineIn(head, 'KNOWN-LEAK')).toBe(lineIn(base, 'KNOWN-LEAK') + INSERTED_LINES)
    expect(before?.partialFingerprints).toBeDefined()
    expect(after?.partialFingerprints).toEqual(before?.partialFingerprints)
    // The text of the source line, read from the workspace, is part of it (not '-').
    expect(Object.values(after?.partialFingerprints ?? {})[0]).toMatch(
      /^v1:[0-9a-f]{32}:[0-9a-f]{12}:1$/
    )
    const fixed = resultAt(readSarif(baseRun), base, 'FIXED-LEAK')
    const added = resultAt(readSarif(headRun), head, 'NEW-LEAK')
    const fingerprintsOf = (r?: Sarif.Result) => Object.values(r?.partialFingerprints ?? {})
    expect(fingerprintsOf(added)).not.toEqual(fingerprintsOf(fixed))
    expect(
      new Set([...fingerprintsOf(before), ...fingerprintsOf(fixed), ...fingerprintsOf(added)]).size
    ).toBe(3)
  })
})

describe('no SARIF from a run that checked nothing', () => {
  it('leaves sarif-file empty when valgrind wrote no XML: an empty run would close open alerts', async () => {
    const workspace = makeWorkspace(['clean'])
    // An unset %q{} variable makes valgrind refuse to start.
    const run = await runAction(
      {
        command: './build/clean',
        upload: 'false',
        'valgrind-args': '--log-file=/nonexistent-dir/x/%q{UNSET_VARIABLE_FOR_TEST}'
      },
      { workspace }
    )
    expect(run.failure).toContain('Valgrind failed to start, so nothing was checked')
    expect(run.outputs['sarif-file']).toBe('')
    expect(run.stdout).toContain('SARIF not written')
  })
})

describe('SARIF of a thread checker', () => {
  it('has a Helgrind run with a Race rule, the race on its line, and validates', async () => {
    const workspace = makeWorkspace(['race'])
    const run = await runAction(
      { command: './build/race', tool: 'helgrind', upload: 'false' },
      { workspace }
    )
    const log = readSarif(run)
    expect(sarifSchemaErrors(log)).toEqual([])
    expect(log.runs.map((r) => r.tool.driver.name)).toEqual(['Valgrind Helgrind'])
    const rule = log.runs[0].tool.driver.rules?.find((r) => r.id === 'Race')
    expect(rule?.help?.text).toMatch(/data race/)
    const lines = (log.runs[0].results ?? []).map(
      (r) => r.locations?.[0].physicalLocation?.region?.startLine
    )
    expect(lines).toContain(markerLine('race', 'RACE'))
    // The other thread's access, as a related location.
    expect(log.runs[0].results?.[0].relatedLocations?.length).toBeGreaterThan(0)
  })
})

describe('the command line', () => {
  it('compares with a baseline report too, and refuses cache there', () => {
    const cli = (args: string[]) =>
      spawnSync(
        process.env.E2E_NODE ?? process.execPath,
        [path.join(repoRoot, 'dist', 'cli.js'), ...args],
        {
          cwd: head.workspace,
          encoding: 'utf8'
        }
      )
    const result = cli(['--baseline', baseRun.outputs.report, './build/baseline', 'leaks'])
    expect(result.status).toBe(1)
    expect(result.stdout).toContain(`: 1 new, 1 still present, 1 fixed`)
    expect(result.stdout).toContain(
      'Failed: Valgrind found 1 definite leak (56 bytes in 1 block) not in the baseline'
    )
    const cache = cli(['--baseline', 'cache', './build/baseline'])
    expect(cache.status).toBe(2)
    expect(cache.stderr).toMatch(/--baseline cache works in GitHub Actions only/)
  })
})
