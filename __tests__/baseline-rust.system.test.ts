// Baselines on the Rust fixture crate (slow: two cargo builds and two nextest runs under memcheck
// and callgrind; runs with SYSTEM_TESTS=1). Two copies of the crate, base and head, each with an
// extra integration test file written here: the head fixes one leak, adds one, makes one test's
// loop 30% longer and another's 0.5% longer, and has lines added above everything. The crate's
// own leaks (leaks_a_buffer, integration_leaks) and its invalid read are kept.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type * as Sarif from 'sarif'
import { rustCrateDir } from './support/paths.js'
import { runAction, type ActionRun } from './support/run-action.js'
import { sarifSchemaErrors } from './support/sarif-schema.js'

const systemTests = process.env.SYSTEM_TESTS === '1' ? describe : describe.skip

function testFile(side: 'base' | 'head'): string {
  const head = side === 'head'
  const lines = [
    '// Written by __tests__/baseline-rust.system.test.ts for the baseline comparison.',
    ...(head
      ? Array.from({ length: 6 }, (_, i) => `// a line the pull request added (${i + 1})`)
      : []),
    'fn spin(n: u64) -> u64 {',
    '    let mut sum = 0u64;',
    '    for i in 0..n {',
    '        sum = std::hint::black_box(sum.wrapping_add(i));',
    '    }',
    '    sum',
    '}',
    '',
    '#[test]',
    'fn loop_grows() {',
    `    assert!(spin(${head ? 1_300_000 : 1_000_000}) > 0);`,
    '}',
    '',
    '#[test]',
    'fn loop_steady() {',
    `    assert!(spin(${head ? 1_005_000 : 1_000_000}) > 0);`,
    '}',
    '',
    '#[test]',
    'fn leak_fixed_in_head() {',
    '    let buffer = vec![2u8; 24];',
    head ? '    drop(buffer);' : '    std::mem::forget(buffer); // FIXED-LEAK',
    '}',
    '',
    '#[test]',
    'fn leak_added_in_head() {',
    '    let buffer = vec![3u8; 56];',
    head ? '    std::mem::forget(buffer); // NEW-LEAK' : '    drop(buffer);',
    '}',
    ''
  ]
  return lines.join('\n')
}

function copyCrate(side: 'base' | 'head'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vg-rust-${side}-`))
  for (const entry of ['Cargo.toml', 'Cargo.lock', 'src', 'tests']) {
    fs.cpSync(path.join(rustCrateDir, entry), path.join(dir, entry), { recursive: true })
  }
  if (side === 'head') {
    // Lines above the crate's own findings too: their identity must not move with them.
    const lib = path.join(dir, 'src', 'lib.rs')
    const added = Array.from({ length: 4 }, (_, i) => `// added by the pull request (${i + 1})`)
    fs.writeFileSync(lib, [...added, fs.readFileSync(lib, 'utf8')].join('\n'))
  }
  fs.writeFileSync(path.join(dir, 'tests', 'baseline.rs'), testFile(side))
  return dir
}

const inputs = {
  // Every test but the one that fails on purpose: the verdict is about findings and counts.
  command: "cargo nextest run -E 'not test(panics_on_purpose)'",
  tool: 'memcheck,callgrind',
  upload: 'false'
}

systemTests('baselines on the Rust fixture crate', () => {
  let baseRun: ActionRun
  let headRun: ActionRun
  beforeAll(async () => {
    const base = copyCrate('base')
    const head = copyCrate('head')
    baseRun = await runAction(inputs, { workspace: base })
    headRun = await runAction({ ...inputs, baseline: baseRun.outputs.report }, { workspace: head })
  }, 900000)

  it('finds the new leak new, the crate’s own findings still present and the fixed one fixed', () => {
    const report = JSON.parse(fs.readFileSync(headRun.outputs.report, 'utf8'))
    const byTest = (name: string) =>
      report.findings.filter((f: { tests: { name?: string }[] }) =>
        f.tests.some((t) => t.name === name)
      )
    expect(byTest('leak_added_in_head').map((f: { baseline: string }) => f.baseline)).toEqual([
      'new'
    ])
    for (const name of [
      'tests::leaks_a_buffer',
      'integration_leaks',
      'tests::reads_freed_memory'
    ]) {
      expect(byTest(name).map((f: { baseline: string }) => f.baseline)).toEqual(['unchanged'])
    }
    expect(report.baseline.fixed).toHaveLength(1)
    expect(report.baseline.fixed[0].tests[0].name).toBe('leak_fixed_in_head')
    expect(headRun.outputs['new-findings']).toBe('1')
    expect(headRun.outputs['fixed-findings']).toBe('1')
  })

  it('fails on the new leak and on the 30% loop only', () => {
    expect(headRun.exitCode).toBe(1)
    const reasons = (headRun.failure ?? '').split('\n')
    expect(reasons).toHaveLength(2)
    expect(reasons[0]).toMatch(
      /^Valgrind found 1 definite leak \(56 bytes in 1 block\) not in the baseline/
    )
    expect(reasons[1]).toMatch(
      /^loop_grows \(rust-crate::baseline\): [\d,]+ instructions, \+2\d\.\d\d% over/
    )
    expect(headRun.outputs.regressions).toBe('1')
    const steady = headRun.summary.split('\n').find((line) => line.includes('loop_steady'))
    expect(steady).toMatch(/\| \+0\.\d\d% \|$/)
    const errors = headRun.annotations.filter((a) => a.level === 'error')
    expect(errors.map((a) => a.file)).toEqual(['tests/baseline.rs'])
  })

  it('writes SARIF that validates and keeps the fingerprints of the findings that stayed', () => {
    const read = (run: ActionRun): Sarif.Log =>
      JSON.parse(fs.readFileSync(run.outputs['sarif-file'], 'utf8'))
    const before = read(baseRun)
    const after = read(headRun)
    expect(sarifSchemaErrors(before)).toEqual([])
    expect(sarifSchemaErrors(after)).toEqual([])
    const fingerprints = (log: Sarif.Log, file: string) =>
      (log.runs[0].results ?? [])
        .filter((r) => r.locations?.[0].physicalLocation?.artifactLocation?.uri === file)
        .map((r) => [
          r.locations?.[0].physicalLocation?.region?.startLine,
          Object.values(r.partialFingerprints ?? {})[0]
        ])
    // src/lib.rs got 4 lines at the top: same fingerprints, lines 4 further down.
    const libBefore = fingerprints(before, 'src/lib.rs')
    const libAfter = fingerprints(after, 'src/lib.rs')
    expect(libBefore.length).toBeGreaterThanOrEqual(2)
    expect(libAfter).toEqual(libBefore.map(([line, print]) => [(line as number) + 4, print]))
  })
})
