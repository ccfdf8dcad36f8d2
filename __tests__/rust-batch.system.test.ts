// nextest in batches, for real (cargo builds: a system test). The fixture crate's tests run three
// ways, and a user must read the same findings on the same lines, named after the same tests:
// batches (one valgrind per batch of a binary's tests), nextest's own run (one valgrind per test)
// and cargo test (one per binary). A batch with a crashing test still reports its mates' findings.
import * as path from 'node:path'
import type { Finding } from '../src/model.js'
import { exactNames } from '../src/rust/index.js'
import { lineOfMarker, rustCrateDir } from './support/paths.js'
import { runRust, type RustRun } from './support/rust-run.js'

const describeSystem = process.env.SYSTEM_TESTS === '1' ? describe : describe.skip
const crate = rustCrateDir
const markerLine = (file: string, marker: string): number =>
  lineOfMarker(path.join(crate, file), marker)

/** kind, bytes, file:line and test name: what must not depend on the mode. */
function byTest(findings: readonly Finding[]): string[] {
  return findings
    .map((finding) => {
      const where = finding.location ? `${finding.location.file}:${finding.location.line}` : '?'
      const bytes = finding.leak !== undefined ? ` ${finding.leak.bytes} bytes` : ''
      const tests = finding.tests.map((test) => test.name ?? '(no test)').join(', ')
      return `${finding.kind}${bytes} at ${where} in ${tests}`
    })
    .sort()
}

/** Every test each valgrind process ran (a batch names them after `--exact`), sorted. */
const testsRun = (run: RustRun): string[] =>
  run.runs.flatMap((r) => (r.test?.name !== undefined ? [r.test.name] : exactNames(r.args))).sort()

const LIBRARY_TESTS = [
  'tests::clean_should_panic',
  'tests::clean_sum',
  'tests::leaks_a_buffer',
  'tests::panics_on_purpose',
  'tests::reads_freed_memory'
]

const failedTests = (run: RustRun): string[] =>
  run.testFailures.map((failure) => `${failure.test.name} ${failure.signal ?? failure.exitCode}`)

describeSystem('the fixture crate in every mode', () => {
  let batch: RustRun
  let perTest: RustRun
  let cargoTest: RustRun
  beforeAll(async () => {
    const env = { RUST_BACKTRACE: '1' }
    batch = await runRust('cargo nextest run --no-fail-fast', env, crate, 'batch')
    perTest = await runRust('cargo nextest run --no-fail-fast', env, crate, 'per-test')
    cargoTest = await runRust('cargo test --no-fail-fast', env, crate)
  })

  it('reads the same findings, lines and test names', () => {
    const expected = [
      `InvalidRead at src/lib.rs:${markerLine('src/lib.rs', 'INVALID-READ')} in tests::reads_freed_memory`,
      `Leak_DefinitelyLost 40 bytes at tests/integration.rs:${markerLine('tests/integration.rs', 'LEAK-ALLOC')} in integration_leaks`,
      `Leak_DefinitelyLost 64 bytes at src/lib.rs:${markerLine('src/lib.rs', 'LEAK-ALLOC')} in tests::leaks_a_buffer`
    ]
    expect(byTest(batch.findings)).toEqual(expected)
    expect(byTest(perTest.findings)).toEqual(expected)
    expect(byTest(cargoTest.findings)).toEqual(expected)
  })

  it('names binaries by nextest binary id in both nextest modes', () => {
    const binaries = (run: RustRun) =>
      run.findings.flatMap((finding) => finding.tests.map((test) => test.binary)).sort()
    expect(binaries(batch)).toEqual(['rust-crate', 'rust-crate', 'rust-crate::integration'])
    expect(binaries(perTest)).toEqual(binaries(batch))
  })

  it('reports the panicking test, and only it, as failed; should_panic passes', () => {
    expect(failedTests(batch)).toEqual(['tests::panics_on_purpose 101'])
    expect(failedTests(perTest)).toEqual(['tests::panics_on_purpose 101'])
    expect(failedTests(cargoTest)).toEqual(['tests::panics_on_purpose 101'])
    expect(batch.testFailures[0].message).toContain('this test fails on purpose')
    expect(batch.exitCode).toBe(100)
  })

  it('runs every selected test exactly once, in fewer processes than tests', () => {
    const all = [...LIBRARY_TESTS, 'integration_clean', 'integration_leaks'].sort()
    expect(testsRun(batch)).toEqual(all)
    expect(testsRun(perTest)).toEqual(all)
    expect(perTest.runs).toHaveLength(7)
    expect(batch.runs.length).toBeLessThan(7)
  })
})

describeSystem('a batch with a crashing test', () => {
  let run: RustRun
  beforeAll(async () => {
    // --run-ignored all adds `crashes_on_purpose` (a SIGSEGV) to the batch of the library's tests.
    run = await runRust('cargo nextest run --run-ignored all -j 2', {}, crate, 'batch')
  })

  it("still reports every other test's findings, and the crashing test's own", () => {
    expect(byTest(run.findings).filter((line) => !line.startsWith('Leak_Possibly'))).toEqual(
      expect.arrayContaining([
        `InvalidRead at src/lib.rs:${markerLine('src/lib.rs', 'INVALID-READ')} in tests::reads_freed_memory`,
        `InvalidWrite at src/lib.rs:${markerLine('src/lib.rs', 'CRASH-WRITE')} in tests::crashes_on_purpose`,
        `Leak_DefinitelyLost 64 bytes at src/lib.rs:${markerLine('src/lib.rs', 'LEAK-ALLOC')} in tests::leaks_a_buffer`,
        `Leak_DefinitelyLost 40 bytes at tests/integration.rs:${markerLine('tests/integration.rs', 'LEAK-ALLOC')} in integration_leaks`
      ])
    )
  })

  it('reports the crash and the panic as test failures, once each', () => {
    expect(failedTests(run).sort()).toEqual([
      'tests::crashes_on_purpose SIGSEGV',
      'tests::panics_on_purpose 101'
    ])
    expect(run.notes.join('\n')).toContain('were run again test by test')
    // The crashed batch's own files are set aside, and said so: they are no listing runs.
    expect(run.notes.join('\n')).toMatch(/Set aside \d+ XML file\(s\) of the batch\(es\) run again/)
    expect(run.notes.join('\n')).not.toContain('of test listing')
    // libtest's line cut short by the crash is ended before the action's own words.
    expect(run.log).toContain('valgrind-action: the batch ended before its report')
    expect(run.log).not.toMatch(/\.\.\. valgrind-action:/)
  })

  it('re-ran the crashed batch test by test, not reporting the batch itself', () => {
    expect(testsRun(run)).toEqual(
      [
        ...LIBRARY_TESTS,
        'tests::crashes_on_purpose',
        'integration_clean',
        'integration_leaks'
      ].sort()
    )
    const crashed = run.runs.find((r) => r.fatalSignal !== undefined)
    expect(crashed?.test?.name).toBe('tests::crashes_on_purpose')
  })
})
