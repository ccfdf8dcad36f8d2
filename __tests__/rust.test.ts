// Rust support, for real: the fixture crate's tests run under valgrind through the RunPlan that
// planRustRun returns (cargo nextest run and cargo test), then finishRustRun ties every finding to
// its test. What is asserted is what a user reads: the test, the file:line, the bytes, the exit.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { STATE_VARIABLE } from '../src/rust/index.js'
import { lineOfMarker, rustCrateDir } from './support/paths.js'
import { runRust, summarize, type RustRun } from './support/rust-run.js'
import { scratchCrate } from './support/scratch-crate.js'

const crate = rustCrateDir
const markerLine = (file: string, marker: string): number =>
  lineOfMarker(path.join(crate, file), marker)

const leakLine = markerLine('src/lib.rs', 'LEAK-ALLOC')
const invalidReadLine = markerLine('src/lib.rs', 'INVALID-READ')
const integrationLeakLine = markerLine('tests/integration.rs', 'LEAK-ALLOC')

describe('cargo nextest run under valgrind', () => {
  let result: RustRun
  beforeAll(async () => {
    // RUST_BACKTRACE=1 as many CI setups have it: the panicking test symbolizes a backtrace, whose
    // megabytes of std caches must not show up as findings.
    result = await runRust('cargo nextest run --no-fail-fast', { RUST_BACKTRACE: '1' })
  })

  it('passes the cargo command through with the tool config, and injects valgrind as the runner', () => {
    expect(result.plan.mode).toBe('nextest')
    expect(result.plan.command).toBe('cargo')
    expect(result.plan.args.slice(0, 3)).toEqual(['nextest', 'run', '--tool-config-file'])
    expect(result.plan.args.slice(-1)).toEqual(['--no-fail-fast'])
    const runnerVariables = Object.keys(result.plan.env).filter((key) => key.endsWith('_RUNNER'))
    expect(runnerVariables).toEqual(['CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER'])
    // Generated files live next to the XML directory, not in the user's repository.
    expect(result.plan.env[STATE_VARIABLE].startsWith(os.tmpdir())).toBe(true)
  })

  it('fails the step the way nextest does: exit 100 for a failed test', () => {
    expect(result.exitCode).toBe(100)
  })

  it('writes one XML file per test process and none for listing', () => {
    expect(result.xmlFiles).toHaveLength(7)
    for (const run of result.runs) expect(run.args).not.toContain('--list')
    expect(result.runs.map((run) => `${run.test?.binary} ${run.test?.name}`).sort()).toEqual([
      'rust-crate tests::clean_should_panic',
      'rust-crate tests::clean_sum',
      'rust-crate tests::leaks_a_buffer',
      'rust-crate tests::panics_on_purpose',
      'rust-crate tests::reads_freed_memory',
      'rust-crate::integration integration_clean',
      'rust-crate::integration integration_leaks'
    ])
  })

  it('ties each finding to its test, on the exact line of the crate', () => {
    expect(summarize(result.findings)).toEqual([
      `InvalidRead at src/lib.rs:${invalidReadLine} in rust-crate tests::reads_freed_memory`,
      `Leak_DefinitelyLost 40 bytes at tests/integration.rs:${integrationLeakLine} in rust-crate::integration integration_leaks`,
      `Leak_DefinitelyLost 64 bytes at src/lib.rs:${leakLine} in rust-crate tests::leaks_a_buffer`
    ])
    const invalidRead = result.findings.find((finding) => finding.kind === 'InvalidRead')
    expect(invalidRead?.what).toBe('Invalid read of size 8')
  })

  it('gives clean tests, and the panicking one, no findings of any kind', () => {
    for (const name of [
      'tests::clean_sum',
      'tests::clean_should_panic',
      'tests::panics_on_purpose',
      'integration_clean'
    ]) {
      const run = result.runs.find((candidate) => candidate.test?.name === name)
      expect(run?.findings).toEqual([])
    }
  })

  it('reports the panicking test as a test failure, apart from the findings', () => {
    expect(result.testFailures).toEqual([
      { test: { binary: 'rust-crate', name: 'tests::panics_on_purpose' }, exitCode: 101 }
    ])
  })
})

describe('cargo test under valgrind', () => {
  let result: RustRun
  beforeAll(async () => {
    result = await runRust('cargo test --no-fail-fast', { RUST_BACKTRACE: '0' })
  })

  it('runs cargo test itself with valgrind as the runner', () => {
    expect(result.plan.mode).toBe('cargo-test')
    expect(result.plan.args).toEqual(['test', '--no-fail-fast'])
    expect(result.exitCode).toBe(101)
  })

  it('runs each test binary (and the doctest) under valgrind once', () => {
    expect(result.runs.map((run) => run.test?.binary).sort()).toEqual([
      'doctest',
      'integration',
      'rust_crate'
    ])
  })

  it('names the test of each finding from its stack, on the exact line of the crate', () => {
    expect(summarize(result.findings)).toEqual([
      `InvalidRead at src/lib.rs:${invalidReadLine} in rust_crate tests::reads_freed_memory`,
      `Leak_DefinitelyLost 40 bytes at tests/integration.rs:${integrationLeakLine} in integration integration_leaks`,
      `Leak_DefinitelyLost 64 bytes at src/lib.rs:${leakLine} in rust_crate tests::leaks_a_buffer`
    ])
  })

  it('reports the panicking test by name, with its panic message', () => {
    expect(result.testFailures).toHaveLength(1)
    const [failure] = result.testFailures
    expect(failure.test).toEqual({ binary: 'rust_crate', name: 'tests::panics_on_purpose' })
    expect(failure.exitCode).toBe(101)
    expect(failure.message).toContain('this test fails on purpose')
    expect(failure.message).toContain('src/lib.rs:')
  })
})

describe('nextest timeouts and retries under valgrind', () => {
  // A crate of its own: its repository config makes nextest terminate a slow test and retry.
  let result: RustRun
  let workspace: string
  beforeAll(async () => {
    workspace = scratchCrate('timeouts', (crate) => ({
      '.config/nextest.toml': [
        // Only the endless test gets a timeout: the flaky one must not depend on the machine's speed.
        '[[profile.default.overrides]]',
        "filter = 'test(never_ends)'",
        'slow-timeout = { period = "3s", terminate-after = 1, grace-period = "60s" }',
        ''
      ].join('\n'),
      'src/lib.rs': [
        '#[test]',
        'fn never_ends() {',
        '    loop { std::thread::sleep(std::time::Duration::from_millis(50)); }',
        '}',
        '#[test]',
        'fn flaky() {',
        `    let marker = ${JSON.stringify(path.join(crate, 'flaky-ran-once'))};`,
        '    let first = std::fs::metadata(marker).is_err();',
        '    std::fs::write(marker, "x").unwrap();',
        '    assert!(!first, "fails on the first attempt only");',
        '}',
        ''
      ].join('\n')
    }))
    result = await runRust(
      'cargo nextest run --no-fail-fast --retries 1',
      { CARGO_TARGET_DIR: path.join(workspace, 'target') },
      workspace
    )
  })
  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))

  it('reports the terminated test as failed by SIGTERM, and its XML is complete', () => {
    expect(result.testFailures).toEqual([
      { test: { binary: 'timeouts', name: 'never_ends' }, exitCode: 143, signal: 'SIGTERM' }
    ])
    const terminated = result.runs.filter((run) => run.test?.name === 'never_ends')
    expect(terminated.length).toBeGreaterThanOrEqual(1)
    for (const run of terminated) {
      expect(run.complete).toBe(true)
      expect(run.fatalSignal?.signame).toBe('SIGTERM')
    }
  })

  it('does not count a test that passed on a retry as failed, and says it was flaky', () => {
    expect(result.runs.filter((run) => run.test?.name === 'flaky')).toHaveLength(2)
    expect(result.notes).toContain('timeouts flaky failed 1 time(s), then passed on a retry.')
  })
})
