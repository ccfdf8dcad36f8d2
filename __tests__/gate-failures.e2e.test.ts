// End to end, no silent passes and no wrong blame: runs with no usable XML fail, valgrind's and
// cargo's own failures are named as theirs (the CLI exits 2 for them), callgrind alone claims
// nothing about errors, and a report or summary that cannot be written costs only itself.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { makeWorkspace, repoRoot, runAction, type ActionRun } from './support/run-action.js'
import { scratchCrate } from './support/scratch-crate.js'

let workspace: string
beforeAll(() => {
  workspace = makeWorkspace(['leaks', 'cut_early'])
  fs.mkdirSync(path.join(workspace, 'supp-dir'))
  fs.writeFileSync(
    path.join(workspace, 'bad.supp'),
    '{\n  broken\n  Memcheck:Leak\n  this is not a frame\n}\n'
  )
})

/** The command line, as a user runs it in the workspace; killed after 30 s (a hang fails). */
function runCli(args: string[]): SpawnSyncReturns<string> {
  const node = process.env.E2E_NODE ?? process.execPath
  return spawnSync(node, [path.join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 30_000
  })
}

/** For runs a regression would hang: killed after 30 s, so that the test fails instead. */
function killAfter30s(child: { kill: (signal: NodeJS.Signals) => boolean }): void {
  setTimeout(() => child.kill('SIGKILL'), 30_000).unref()
}

function expectNoStackTrace(run: ActionRun): void {
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
}

describe('no usable XML is never a pass', () => {
  it('valgrind-args --xml=no is refused before anything runs', async () => {
    const run = await runAction(
      { command: './build/leaks', 'valgrind-args': '--xml=no' },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain("valgrind-args turns valgrind's XML off (--xml=no)")
    expect(run.stdout).not.toContain('Running ./build/leaks')
  })

  it('an XML cut before its first record fails, saying nothing was checked in it', async () => {
    const run = await runAction({ command: './build/cut_early' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(
      /The XML of the program's own process \(pid \d+\) ends before its first record, so nothing was checked in it/
    )
    expect(run.failure).toContain('The program was killed by SIGKILL.')
  })
})

describe("valgrind's own failures are named as valgrind's, with its message", () => {
  it.each([
    [
      { suppressions: 'supp-dir' },
      /Valgrind says: FATAL: suppressions file ".*supp-dir" is a directory/
    ],
    [
      { suppressions: 'bad.supp' },
      /Valgrind says: FATAL: in suppressions file ".*bad\.supp" near line \d+: .*suppression/
    ],
    [{ 'valgrind-args': '--bogus-option=1' }, /Valgrind says: Unknown option: --bogus-option=1/],
    [{ 'valgrind-args': '--tool=bogus' }, /Valgrind says: failed to start tool 'bogus'/]
  ])('%j', async (inputs, message) => {
    const run = await runAction({ command: './build/leaks', ...inputs }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/^Valgrind failed to start, so nothing was checked\./)
    expect(run.failure).toMatch(message)
    // Not blamed on the program: its "exit status 1" was valgrind refusing to start.
    expect(run.failure).not.toContain('The program exited')
    expectNoStackTrace(run)
  })

  it('a program for another platform: valgrind cannot start its tool, and says so', async () => {
    // An ELF header for AArch64 (e_machine 0xB7): valgrind's launcher reads only the header to
    // pick the tool for the program's platform, and this x86-64 valgrind has none for it.
    const header = Buffer.alloc(64)
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header)
    header.writeUInt16LE(2, 16) // ET_EXEC
    header.writeUInt16LE(0xb7, 18) // EM_AARCH64
    const program = path.join(workspace, 'build', 'for-arm64')
    fs.writeFileSync(program, header, { mode: 0o755 })
    const run = await runAction({ command: './build/for-arm64' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe(
      "Valgrind failed to start, so nothing was checked. Valgrind says: failed to start tool 'memcheck' for platform 'arm64-linux': No such file or directory"
    )
    // Its status 1 is valgrind's: the program never ran.
    expect(run.failure).not.toContain('The program exited')
    expectNoStackTrace(run)
  })

  it('the CLI exits 2 for it, as its help says', () => {
    const result = runCli(['--valgrind-args=--bogus-option=1', './build/leaks'])
    expect(result.status).toBe(2)
    expect(result.stdout).toContain('Valgrind says: Unknown option: --bogus-option=1')
    expect(runCli(['--help']).stdout).toMatch(
      /Exit status:[\s\S]*2 for bad usage or a setup problem/
    )
  })
})

describe("cargo's own failures are named as cargo's", () => {
  it('no Cargo.toml', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-nocargo-'))
    const run = await runAction({ command: 'cargo test' }, { workspace: empty })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe(
      `Cargo failed: cargo found no Cargo.toml in ${empty} or any parent directory, so no test ran. Set 'working-directory' to your crate or workspace.`
    )
  })

  it('cargo-nextest not installed: says how to install it', async () => {
    const crate = scratchCrate('t', { 'src/lib.rs': '' })
    // A PATH with cargo and valgrind, without the directory cargo-nextest is installed in.
    const nextest = spawnSync('sh', ['-c', 'command -v cargo-nextest'], { encoding: 'utf8' })
    const nextestDir = path.dirname(nextest.stdout.trim())
    const pathWithout = (process.env.PATH ?? '')
      .split(':')
      .filter((dir) => dir !== nextestDir)
      .join(':')
    const run = await runAction(
      { command: 'cargo nextest run' },
      { workspace: crate, env: { PATH: pathWithout } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(
      /^Cargo failed: cargo-nextest is not installed \(cargo says: error: no such command: `nextest`\), so no test ran\. Install it in a step before this one, e\.g\. '- uses: taiki-e\/install-action@nextest'/
    )
    expect(run.failure).not.toMatch(/tests? failed on (its|their) own|Valgrind wrote no/)
  })
})

describe('tool: callgrind alone', () => {
  it('claims nothing about errors or leaks it never measured', async () => {
    const run = await runAction({ command: './build/leaks', tool: 'callgrind' }, { workspace })
    expect(run.exitCode).toBe(0)
    expect(run.summary).not.toMatch(/no errors and no leaks|0 processes/)
    expect(run.summary.split('\n')[0]).toBe(
      '## ✅ Valgrind Callgrind: Passed: the program ran under callgrind; no error check ran (tool: callgrind alone).'
    )
    expect(run.summary).toMatch(/· 1 process profiled ·/)
    for (const output of [
      'definitely-lost-bytes',
      'indirectly-lost-bytes',
      'possibly-lost-bytes',
      'still-reachable-bytes',
      'errors',
      'findings'
    ]) {
      expect(run.outputs[output]).toBe('')
    }
    expect(Number(run.outputs.instructions)).toBeGreaterThan(0)
  })
})

describe('never a step that hangs', () => {
  it.each([
    [{ 'valgrind-args': '--vgdb=full --vgdb-error=0' }, 'valgrind-args', '--vgdb-error=0'],
    [
      { tool: 'memcheck,callgrind', 'callgrind-args': '--vgdb-stop-at=startup' },
      'callgrind-args',
      '--vgdb-stop-at=startup'
    ]
  ])(
    'valgrind waiting for a debugger that never connects is refused before anything runs: %j',
    async (inputs, input, option) => {
      const run = await runAction(
        { command: './build/leaks', ...inputs },
        { workspace, onSpawn: killAfter30s }
      )
      expect(run.exitCode).toBe(1)
      expect(run.failure).toBe(
        `Input '${input}': ${option} makes valgrind stop and wait for a debugger to connect, and in a workflow none does: the step would hang until its timeout. Remove it; to debug a finding with GDB, run the command line (dist/cli.js) on your machine with ${option}.`
      )
      expect(run.stdout).not.toContain('Running ./build/leaks')
      expectNoStackTrace(run)
    }
  )
})

describe("an output-directory with valgrind's file specifiers in its name", () => {
  it('is used as it is written: %p and %q{HOME} are not expanded, for memcheck and callgrind', async () => {
    const outputDirectory = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'vg-pct-')),
      '100%p %q{HOME}'
    )
    const run = await runAction(
      { command: './build/leaks', tool: 'memcheck,callgrind', 'output-directory': outputDirectory },
      { workspace, onSpawn: killAfter30s }
    )
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs['xml-dir'].startsWith(`${outputDirectory}/`)).toBe(true)
    expect(
      fs.readdirSync(run.outputs['xml-dir']).filter((name) => name.endsWith('.xml'))
    ).toHaveLength(1)
    expect(fs.readdirSync(run.outputs.profiles).length).toBeGreaterThan(0)
    expect(Number(run.outputs.instructions)).toBeGreaterThan(0)
    expect(run.summary).not.toContain('failed to start')
    fs.rmSync(path.dirname(outputDirectory), { recursive: true, force: true })
  })
})

describe('places that cannot be made', () => {
  // Node's own recursive mkdir never returns for a path under /proc (100% CPU until the job's
  // timeout): a regression would hang there.
  it('an output-directory that cannot be made fails at once, saying what to change', async () => {
    const run = await runAction(
      { command: './build/leaks', 'output-directory': '/proc/valgrind-action-test/out' },
      { workspace, onSpawn: killAfter30s }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe(
      "The output directory '/proc/valgrind-action-test/out' cannot be created (ENOENT: no such file or directory, mkdir '/proc/valgrind-action-test'). Use a directory this job can write (the 'output-directory' input, or --output-directory; the action's default is in RUNNER_TEMP)."
    )
    expect(run.stdout).not.toContain('Running ./build/leaks')
    expectNoStackTrace(run)
  })

  it('the CLI exits 2 for it', () => {
    const result = runCli(['--output-directory', '/proc/x', './build/leaks'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("The output directory '/proc/x' cannot be created (ENOENT")
  })

  it('a write-suppressions place that cannot be made costs that file only', async () => {
    const run = await runAction(
      { command: './build/leaks', 'write-suppressions': '/proc/valgrind-action-test/x.supp' },
      { workspace, onSpawn: killAfter30s }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(run.stdout).toContain(
      "::warning::The suppressions file was not written (ENOENT: no such file or directory, mkdir '/proc/valgrind-action-test'): /proc/valgrind-action-test/x.supp is missing."
    )
    expectNoStackTrace(run)
  })
})

describe('nothing lost when a file cannot be written', () => {
  it('an unwritable GITHUB_STEP_SUMMARY costs the summary only', async () => {
    const run = await runAction(
      { command: './build/leaks' },
      { workspace, env: { GITHUB_STEP_SUMMARY: '/dev/full' } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(run.annotations.filter((a) => a.level === 'error')).toHaveLength(2)
    expect(run.stdout).toMatch(/::warning::The job summary was not written \(.*ENOSPC/)
    expectNoStackTrace(run)
  })

  /** Node options that send the writes of files named `name` to /dev/full (ENOSPC, a full disk). */
  const diskFullFor = (name: string): string[] => {
    const redirect = [
      "import fs from 'node:fs'",
      "import { syncBuiltinESMExports } from 'node:module'",
      'const open = fs.openSync',
      `fs.openSync = function (file, ...rest) { return open.call(this, String(file).endsWith(${JSON.stringify(name)}) ? '/dev/full' : file, ...rest) }`,
      'syncBuiltinESMExports()'
    ].join('\n')
    return ['--import', `data:text/javascript,${encodeURIComponent(redirect)}`]
  }

  it('an unwritable GITHUB_OUTPUT costs the outputs only', async () => {
    const run = await runAction(
      { command: './build/leaks' },
      { workspace, env: { GITHUB_OUTPUT: '/dev/full' } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe(
      'Valgrind found 2 definite leaks (116 bytes in 2 blocks) (fail-on: definite, errors).'
    )
    expect(run.annotations.filter((a) => a.level === 'error')).toHaveLength(2)
    const warning =
      "The step's outputs were not written (ENOSPC: no space left on device, write; GITHUB_OUTPUT is /dev/full): later steps read them as empty."
    expect(run.stdout).toContain(`::warning::${warning}`)
    expect(run.summary).toContain(warning)
    expect(run.summary).toContain('2 definite leaks')
    expectNoStackTrace(run)
  })

  it('a report the disk has no room for: everything else is reported, and says what was not written', async () => {
    const run = await runAction(
      { command: './build/leaks' },
      { workspace, nodeArgs: diskFullFor('report.json') }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs.report).toBe('')
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    // The two definite leaks (fail-on); the other kinds are in the summary (annotations: failing).
    expect(run.annotations).toHaveLength(2)
    expect(run.stdout).toMatch(/::warning::The JSON report was not written \(ENOSPC/)
    expect(run.summary).toContain('The JSON report was not written (ENOSPC')
    expect(fs.readdirSync(path.dirname(run.outputs['xml-dir']))).not.toContain('report.json')
  })

  it('a SARIF log the disk has no room for: no half log for code scanning, everything else reported', async () => {
    const run = await runAction(
      { command: './build/leaks' },
      { workspace, nodeArgs: diskFullFor('valgrind.sarif') }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs['sarif-file']).toBe('')
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(run.annotations.filter((a) => a.level === 'error')).toHaveLength(2)
    expect(run.stdout).toMatch(
      /::warning::The SARIF file was not written \(ENOSPC: no space left on device, write\): \S+valgrind\.sarif is missing, output 'sarif-file' is empty/
    )
    expect(run.summary).toContain('The SARIF file was not written (ENOSPC')
    const runDirectory = path.dirname(run.outputs['xml-dir'])
    expect(fs.readdirSync(runDirectory)).not.toContain('valgrind.sarif')
    // The JSON report, written after it, is whole and has no SARIF file to name.
    const report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8')) as Record<
      string,
      unknown
    >
    expect(report.sarifFile).toBeUndefined()
    expect(report.warnings).toEqual(
      expect.arrayContaining([expect.stringContaining('The SARIF file was not written')])
    )
    expectNoStackTrace(run)
  })

  it('a suppressions file the disk has no room for costs that file only', async () => {
    // A link to /dev/full: writing through it fails with ENOSPC. The link goes, /dev/full stays.
    const link = path.join(workspace, 'full.supp')
    fs.rmSync(link, { force: true })
    fs.symlinkSync('/dev/full', link)
    const run = await runAction(
      { command: './build/leaks', 'write-suppressions': 'full.supp' },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(run.outputs['sarif-file']).not.toBe('')
    expect(run.stdout).toMatch(
      /::warning::The suppressions file was not written \(ENOSPC: no space left on device, write\): \S*full\.supp is missing\./
    )
    expect(run.stdout).not.toContain('Wrote 2 suppressions')
    expect(fs.lstatSync(link, { throwIfNoEntry: false })).toBeUndefined()
    expect(fs.statSync('/dev/full').isCharacterDevice()).toBe(true)
    expectNoStackTrace(run)
  })
})
