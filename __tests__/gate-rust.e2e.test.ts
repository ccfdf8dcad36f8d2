// End to end, valgrind's exit-status contract under cargo: --no-fail-fast is added so that every
// test runs, nextest marks the tests valgrind failed, and a test failed only by valgrind's status
// is not "a test that failed on its own". The fixture crate through dist/index.js.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { rustCrateDir } from './support/paths.js'
import { scratchCrate } from './support/scratch-crate.js'
import { runAction, type ActionRun } from './support/run-action.js'

const env = { CARGO_TARGET_DIR: path.join(rustCrateDir, 'target') }

describe('cargo nextest run, as the user wrote it (no --no-fail-fast), nextest running each test', () => {
  let run: ActionRun
  beforeAll(async () => {
    run = await runAction(
      { command: 'cargo nextest run', 'rust-isolation': 'per-test' },
      { workspace: rustCrateDir, env }
    )
  })

  it('runs every test: the action added --no-fail-fast', () => {
    expect(run.outputs.findings).toBe('3')
    // nextest reports on its stderr, which the action copies into its log (stdout) inside the fence.
    expect(run.stdout).toMatch(/PASS \[.*\] .*tests::clean_sum/)
  })

  it('nextest marks the tests in which valgrind found errors as failed', () => {
    expect(run.stdout).toMatch(/FAIL \[.*\] .*tests::leaks_a_buffer/)
    expect(run.stdout).toMatch(/FAIL \[.*\] .*tests::reads_freed_memory/)
  })

  it('blames only the panicking test on itself; the others are valgrind findings', () => {
    expect(run.failure).toContain(
      '1 test failed on its own (not a valgrind finding): tests::panics_on_purpose.'
    )
    expect(run.failure).not.toMatch(/on (its|their) own[^.]*leaks_a_buffer/)
    expect(run.stdout).toMatch(/valgrind's --error-exitcode failed 3 test process\(es\)/)
  })
})

describe('cargo nextest run in batches (rust-isolation: auto)', () => {
  let run: ActionRun
  beforeAll(async () => {
    run = await runAction({ command: 'cargo nextest run' }, { workspace: rustCrateDir, env })
  })

  it('runs every test', () => {
    expect(run.stdout).toMatch(/batch of \d+ tests/)
    expect(run.outputs.findings).toBe('3')
  })

  it("blames only the panicking test on itself (libtest's report), whatever valgrind's status", () => {
    expect(run.failure).toContain(
      '1 test failed on its own (not a valgrind finding): tests::panics_on_purpose.'
    )
    expect(run.failure).not.toMatch(/on (its|their) own[^.]*leaks_a_buffer/)
  })
})

describe('fail-on: none with a test that only leaks', () => {
  it("passes, even with --error-exitcode=1 in valgrind-args: valgrind's status follows fail-on", async () => {
    const run = await runAction(
      {
        command: "cargo nextest run -E 'test(=tests::leaks_a_buffer)'",
        'fail-on': 'none',
        'valgrind-args': '--error-exitcode=1'
      },
      { workspace: rustCrateDir, env }
    )
    expect(run.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.outputs['definitely-lost-bytes']).toBe('64')
  })
})

describe('a test that runs a program and checks its exit status (assert_cmd, a CLI)', () => {
  // `date` leaks a block inside glibc under valgrind: with valgrind's --error-exitcode on every
  // traced process, it exited 1 and the test's own assertion failed.
  let crate: string
  beforeAll(() => {
    crate = scratchCrate('runs_date', {
      'src/lib.rs': [
        '#[cfg(test)]',
        'mod tests {',
        '    #[test]',
        '    fn date_succeeds() {',
        '        let status = std::process::Command::new("date").status().unwrap();',
        '        assert!(status.success(), "date exited with {status}");',
        '    }',
        '}',
        ''
      ].join('\n')
    })
    execFileSync('cargo', ['test', '--no-run', '--offline', '--quiet'], {
      cwd: crate,
      stdio: 'ignore'
    })
  })
  afterAll(() => fs.rmSync(crate, { recursive: true, force: true }))

  it.each(['cargo test', 'cargo nextest run'])(
    '%s: the program keeps its own status, and its findings outside the workspace fail nothing',
    async (command) => {
      const run = await runAction({ command, upload: 'false' }, { workspace: crate })
      expect(run.stdout).not.toContain('date exited with')
      expect(run.failure).toBeUndefined()
      expect(run.exitCode).toBe(0)
      expect(run.outputs['definitely-lost-bytes']).toBe('0')
      // Checked all the same: shown apart, as the build toolchain of a C suite is.
      expect(run.summary).toMatch(/ of the build toolchain\)/)
    }
  )
})
