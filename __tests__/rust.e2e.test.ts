// End to end for Rust: the fixture crate's tests through dist/index.js on Node 24, as a workflow
// step `command: cargo nextest run` / `cargo test` would run them. Asserts what a user sees: the
// annotations (file, line, title, test), the outputs, the failure message and the exit status.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { lineOfMarker, rustCrateDir } from './support/paths.js'
import { runAction, type ActionRun } from './support/run-action.js'

const crate = rustCrateDir
const markerLine = (file: string, marker: string): number =>
  lineOfMarker(path.join(crate, file), marker)
const env = { CARGO_TARGET_DIR: path.join(crate, 'target') }

function annotationsOf(run: ActionRun): string[] {
  return run.annotations
    .map(
      (a) => `${a.level} ${a.file}:${a.line} ${a.title} | ${/^Test: (.*)$/m.exec(a.message)?.[1]}`
    )
    .sort()
}

const leak = markerLine('src/lib.rs', 'LEAK-ALLOC')
const invalidRead = markerLine('src/lib.rs', 'INVALID-READ')
const integrationLeak = markerLine('tests/integration.rs', 'LEAK-ALLOC')

describe('command: cargo nextest run', () => {
  let run: ActionRun
  beforeAll(async () => {
    run = await runAction(
      { command: 'cargo nextest run --no-fail-fast' },
      { workspace: crate, env }
    )
  })

  it('annotates each finding on its line, naming the test that produced it', () => {
    expect(annotationsOf(run)).toEqual(
      [
        `error src/lib.rs:${invalidRead} Memcheck: Invalid read of size 8 | tests::reads_freed_memory (rust-crate)`,
        `error src/lib.rs:${leak} Memcheck: 64 bytes definitely lost | tests::leaks_a_buffer (rust-crate)`,
        `error tests/integration.rs:${integrationLeak} Memcheck: 40 bytes definitely lost | integration_leaks (rust-crate::integration)`
      ].sort()
    )
  })

  it('fails the step for the findings and, separately, for the panicking test', () => {
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('2 definite leaks (104 bytes in 2 blocks)')
    expect(run.failure).toContain('tests::panics_on_purpose')
  })

  it('says in the summary how each test binary ran under valgrind, and why', () => {
    expect(run.summary).toContain('How the tests ran under valgrind')
    expect(run.summary).toMatch(/rust-crate: batches of tests per valgrind process \(\d+ tests, /)
  })

  it('reports nothing from the standard library', () => {
    expect(run.outputs['possibly-lost-bytes']).toBe('0')
    expect(run.outputs['still-reachable-bytes']).toBe('0')
    expect(run.outputs.findings).toBe('3')
  })
})

describe('command: cargo test', () => {
  let run: ActionRun
  beforeAll(async () => {
    run = await runAction({ command: 'cargo test --no-fail-fast' }, { workspace: crate, env })
  })

  it('annotates the same lines, each with the test its stack shows', () => {
    expect(annotationsOf(run)).toEqual(
      [
        `error src/lib.rs:${invalidRead} Memcheck: Invalid read of size 8 | tests::reads_freed_memory (rust_crate)`,
        `error src/lib.rs:${leak} Memcheck: 64 bytes definitely lost | tests::leaks_a_buffer (rust_crate)`,
        `error tests/integration.rs:${integrationLeak} Memcheck: 40 bytes definitely lost | integration_leaks (integration)`
      ].sort()
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('tests::panics_on_purpose')
    // Its binary's status is valgrind's (the mates' findings): the panic's own is libtest's 101.
    expect(run.summary).toMatch(
      /<code>tests::panics_on_purpose \([^)]*\)<\/code>: exit status 101 — /
    )
  })
})

describe('command: cargo test, where only valgrind failed a test binary', () => {
  it("takes cargo's status 101 as following valgrind's, not as a reason of its own", async () => {
    const run = await runAction(
      { command: 'cargo test --test integration', upload: 'false' },
      { workspace: crate, env }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe(
      'Valgrind found 1 definite leak (40 bytes in 1 block) (fail-on: definite, errors).'
    )
    expect(run.summary).toContain(
      "exit status 101 (from valgrind's --error-exitcode in the test processes where it found errors)"
    )
  })
})

describe('a clean std-only selection of tests', () => {
  let run: ActionRun
  beforeAll(async () => {
    run = await runAction(
      { command: "cargo nextest run -E 'test(/clean/)'" },
      { workspace: crate, env: { ...env, RUST_BACKTRACE: '1' } }
    )
  })

  it('passes with no finding of any kind', () => {
    expect(run.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.annotations).toEqual([])
    expect(run.outputs.findings).toBe('0')
    for (const kind of ['definitely', 'indirectly', 'possibly']) {
      expect(run.outputs[`${kind}-lost-bytes`]).toBe('0')
    }
    expect(run.outputs['still-reachable-bytes']).toBe('0')
  })
})

/**
 * Live processes whose command line names the fixture crate's target directory and this run's
 * directory (valgrind's --xml-file, the runner script): other test files run the crate meanwhile.
 */
function crateProcesses(runDirectory: string): string[] {
  const target = path.join(crate, 'target')
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return []
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ')
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const zombie = stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z'
      const ours = cmdline.includes(target) && cmdline.includes(runDirectory)
      return ours && !zombie ? [`${entry} ${cmdline}`] : []
    } catch {
      return [] // gone meanwhile
    }
  })
}

describe('cancelled while its batches run', () => {
  it('stops every valgrind of the batches and fails saying it was cancelled', async () => {
    let seen = ''
    const run = await runAction(
      { command: 'cargo nextest run --no-fail-fast', upload: 'false' },
      {
        workspace: crate,
        env,
        // As the runner cancels: SIGINT to the action's node process, once the batches started.
        onSpawn: (node) =>
          node.stdout.on('data', (chunk: Buffer) => {
            const started = /valgrind process\(es\), \d+ at a time/
            const before = seen
            seen += chunk.toString()
            if (!started.test(before) && started.test(seen)) node.kill('SIGINT')
          })
      }
    )
    expect(seen).toMatch(/valgrind process\(es\), \d+ at a time/)
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/^The run was cancelled \(SIGINT\)/)
    expect(run.stdout).not.toContain('running its')
    const runDirectory = path.dirname(run.outputs['xml-dir'])
    expect(runDirectory).toContain('run-')
    expect(crateProcesses(runDirectory)).toEqual([])
  })
})
