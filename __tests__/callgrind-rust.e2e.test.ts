// Callgrind on the Rust fixture crate's tests through dist/index.js: one profile per test process
// (nextest), each row of the summary named after its test, with the count its file's totals: says.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { totalsOf } from './support/callgrind-file.js'
import { rustCrateDir } from './support/paths.js'
import { runAction, type ActionRun } from './support/run-action.js'

const crate = rustCrateDir
const env = { CARGO_TARGET_DIR: path.join(crate, 'target') }

describe('tool: callgrind with cargo nextest run', () => {
  let run: ActionRun
  beforeAll(async () => {
    // Only the passing tests: the profile is the point here, not the failures.
    run = await runAction(
      {
        command: "cargo nextest run -E 'test(clean_sum) | test(integration_clean)'",
        tool: 'callgrind',
        upload: 'false'
      },
      { workspace: crate, env }
    )
  })

  it('writes one profile per test process, none for listing', () => {
    const files = fs.readdirSync(run.outputs.profiles).filter((f) => f.startsWith('callgrind.out.'))
    const commands = files.map(
      (f) =>
        /^cmd: *(.*)$/m.exec(fs.readFileSync(path.join(run.outputs.profiles, f), 'utf8'))?.[1] ?? ''
    )
    expect(commands.every((cmd) => cmd.includes('--exact'))).toBe(true)
    expect(files.length).toBe(2)
  })

  it('outputs the total instructions, the sum of the files’ totals: lines', () => {
    const files = fs.readdirSync(run.outputs.profiles).filter((f) => f.startsWith('callgrind.out.'))
    const sum = files
      .map((f) => totalsOf(path.join(run.outputs.profiles, f)))
      .reduce((a, b) => a + b, 0)
    expect(Number(run.outputs.instructions)).toBe(sum)
    expect(run.exitCode).toBe(0)
  })

  it('names each test with its nextest binary id, as the memcheck findings do', () => {
    expect(run.summary).toContain('<code>tests::clean_sum (rust-crate)</code>')
    expect(run.summary).toContain('<code>integration_clean (rust-crate::integration)</code>')
  })

  it('names each row of the summary table after its test, with its own count', () => {
    for (const file of fs.readdirSync(run.outputs.profiles)) {
      const text = fs.readFileSync(path.join(run.outputs.profiles, file), 'utf8')
      const test = /--exact (\S+)/.exec(text)?.[1] ?? ''
      const count = totalsOf(path.join(run.outputs.profiles, file)).toLocaleString('en-US')
      expect(run.summary).toMatch(
        new RegExp(`<code>${test.replace(/[:]/g, '\\$&')}[^\\n]*\\| ${count} \\|`)
      )
    }
  })
})

describe('tool: callgrind alone on a failing test', () => {
  it('reports the test failure by name, not as a bare exit status', async () => {
    const run = await runAction(
      {
        command: "cargo nextest run -E 'test(panics_on_purpose)'",
        tool: 'callgrind',
        upload: 'false'
      },
      { workspace: crate, env }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain(
      '1 test failed on its own (not a valgrind finding): tests::panics_on_purpose.'
    )
    expect(Number(run.outputs.instructions)).toBeGreaterThan(0)
  })
})
