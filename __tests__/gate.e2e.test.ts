// End to end, the verdict and its numbers: valgrind's --error-exitcode contract, the final leak
// check only, byte totals that equal LEAK SUMMARY whatever the user shows, loss records of one
// line, client messages and thread names. Real valgrind on programs compiled here, through
// dist/index.js with a runner's environment.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { makeWorkspace, markerLine, runAction, type ActionRun } from './support/run-action.js'

function annotationAt(run: ActionRun, file: string, line: number) {
  return run.annotations.filter((a) => a.file === file && a.line === line)
}

// Every run starts at once (they are independent): the file takes as long as the slowest few.
const scenarios = {
  leaks: () => runAction({ command: './build/leaks' }, { workspace: makeWorkspace(['leaks']) }),
  leaksFailOnNone: () =>
    runAction(
      { command: './build/leaks', 'fail-on': 'none' },
      { workspace: makeWorkspace(['leaks']) }
    ),
  exit3: () =>
    runAction(
      { command: './build/exit3_reachable', 'valgrind-args': '--error-exitcode=3' },
      { workspace: makeWorkspace(['exit3_reachable']) }
    ),
  noErrorExitcode: () =>
    runAction(
      { command: './build/memory_errors', 'error-exitcode': '0' },
      { workspace: makeWorkspace(['memory_errors']) }
    ),
  midrun: () =>
    runAction(
      { command: './build/midrun_leak_check' },
      { workspace: makeWorkspace(['midrun_leak_check']) }
    ),
  showDefinite: () =>
    runAction(
      { command: './build/leaks', 'valgrind-args': '--show-leak-kinds=definite' },
      { workspace: makeWorkspace(['leaks']) }
    ),
  showNoReachable: () =>
    runAction(
      { command: './build/leaks', 'valgrind-args': '--show-reachable=no --show-possibly-lost=no' },
      { workspace: makeWorkspace(['leaks']) }
    ),
  failOnHidden: () =>
    runAction(
      {
        command: './build/leaks',
        'fail-on': 'definite,reachable',
        'valgrind-args': '--show-leak-kinds=definite'
      },
      { workspace: makeWorkspace(['leaks']) }
    ),
  twoOnALine: () =>
    runAction(
      { command: './build/two_on_a_line' },
      { workspace: makeWorkspace(['two_on_a_line']) }
    ),
  clientMessages: () =>
    runAction(
      { command: './build/client_messages' },
      { workspace: makeWorkspace(['client_messages']) }
    ),
  // A `make check`-style driver: the shell exits 2 because valgrind's status failed the test.
  scriptedTest: () =>
    runAction(
      { command: "sh -c './build/leaks || exit 2'" },
      { workspace: makeWorkspace(['leaks']) }
    )
}
type Scenario = keyof typeof scenarios
let started: Record<Scenario, Promise<ActionRun>>
beforeAll(() => {
  started = Object.fromEntries(
    Object.entries(scenarios).map(([name, start]) => [name, start()])
  ) as Record<Scenario, Promise<ActionRun>>
})

function vargvOf(run: ActionRun): string[] {
  const dir = run.outputs['xml-dir']
  const [file] = fs.readdirSync(dir).filter((name) => name.endsWith('.xml'))
  const xml = fs.readFileSync(path.join(dir, file), 'utf8')
  const vargv = /<vargv>([\s\S]*?)<\/vargv>/.exec(xml)?.[1] ?? ''
  return [...vargv.matchAll(/<arg>(.*?)<\/arg>/g)].map((match) => match[1])
}

describe("valgrind's --error-exitcode contract", () => {
  it('passes --error-exitcode=1 and --errors-for-leak-kinds from fail-on, and says valgrind set the status', async () => {
    const run = await started.leaks
    expect(vargvOf(run)).toEqual(
      expect.arrayContaining(['--errors-for-leak-kinds=definite', '--error-exitcode=1'])
    )
    expect(run.exitCode).toBe(1)
    // The status is valgrind's, for the definite leaks: not "the program exited with status 1".
    expect(run.failure).toBe(
      'Valgrind found 2 definite leaks (116 bytes in 2 blocks) (fail-on: definite, errors).'
    )
    expect(run.summary).toContain(
      "exit status 1 (valgrind's --error-exitcode: it found errors and replaced the program's own status)"
    )
  })

  it("a script's status that follows a test valgrind failed is no failure of its own", async () => {
    const run = await started.scriptedTest
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe(
      'Valgrind found 2 definite leaks (116 bytes in 2 blocks) (fail-on: definite, errors).'
    )
    expect(run.stdout).toContain(
      "Exit status 2 follows valgrind's --error-exitcode in 1 process the command started (build/leaks)"
    )
  })

  it('fail-on: none with a leaking program passes (valgrind counts no leak as an error)', async () => {
    const run = await started.leaksFailOnNone
    expect(vargvOf(run)).toContain('--errors-for-leak-kinds=none')
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('exit status 0')
  })

  it("a program's own status equal to --error-exitcode, with nothing valgrind counts, is the program's", async () => {
    const run = await started.exit3
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe('The program exited with status 3.')
    expect(run.summary).toContain('exit status 3')
    expect(run.summary).not.toContain('--error-exitcode')
    expect(run.outputs['still-reachable-bytes']).toBe('24')
  })

  it("error-exitcode: 0 passes none, so the program's status is its own", async () => {
    const run = await started.noErrorExitcode
    expect(vargvOf(run).some((arg) => arg.startsWith('--error-exitcode'))).toBe(false)
    expect(run.failure).toBe('Valgrind found 5 memory errors (fail-on: definite, errors).')
    expect(run.summary).toContain('exit status 0')
  })
})

describe('right numbers', () => {
  it('counts only the final leak check, not one the program asked for mid-run', async () => {
    const run = await started.midrun
    // valgrind reported the block as definitely lost mid-run (the raw XML says so)...
    const dir = run.outputs['xml-dir']
    const xml = fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]), 'utf8')
    expect(xml).toContain('Leak_DefinitelyLost')
    // ...but it was freed before the end: no leak.
    expect(run.exitCode).toBe(0)
    expect(run.outputs['definitely-lost-bytes']).toBe('0')
    expect(run.outputs.findings).toBe('0')
  })

  it.each([
    ['--show-leak-kinds=definite', 'showDefinite' as const],
    ['--show-reachable=no --show-possibly-lost=no', 'showNoReachable' as const]
  ])(
    'valgrind-args %s: byte outputs still equal LEAK SUMMARY, only what is shown narrows',
    async (_valgrindArgs, scenario) => {
      const run = await started[scenario]
      expect(run.outputs['definitely-lost-bytes']).toBe('116')
      expect(run.outputs['indirectly-lost-bytes']).toBe('16')
      expect(run.outputs['possibly-lost-bytes']).toBe('64')
      expect(run.outputs['still-reachable-bytes']).toBe('128')
      expect(run.summary).toMatch(/\| Leak: Still reachable \| 0 \| \| 128 \| 1 \|/)
      expect(annotationAt(run, 'src/leaks.c', markerLine('leaks', 'LEAK-REACHABLE'))).toHaveLength(
        0
      )
      expect(annotationAt(run, 'src/leaks.c', markerLine('leaks', 'LEAK-DEFINITE'))[0].level).toBe(
        'error'
      )
    }
  )

  it('a kind fail-on names is shown even when --show-leak-kinds leaves it out', async () => {
    const run = await started.failOnHidden
    const reachable = annotationAt(run, 'src/leaks.c', markerLine('leaks', 'LEAK-REACHABLE'))
    expect(reachable).toEqual([expect.objectContaining({ level: 'error' })])
    expect(run.failure).toContain('1 still-reachable finding (128 bytes in 1 block)')
  })

  it('two loss records from one line are one finding whose title, text and headline agree', async () => {
    const run = await started.twoOnALine
    const found = annotationAt(
      run,
      'src/two_on_a_line.c',
      markerLine('two_on_a_line', 'TWO-ALLOCS')
    )
    expect(found).toHaveLength(1)
    expect(found[0].title).toBe('Memcheck: 32 bytes definitely lost')
    expect(found[0].message).toMatch(
      /^32 bytes in 2 blocks are definitely lost in 2 loss records\n/
    )
    expect(found[0].message).toContain(
      '2 loss records in 1 process, by 1 program.\nProgram: build/two_on_a_line'
    )
    expect(found[0].message).not.toMatch(/16 bytes|Seen 2 times/)
    expect(run.failure).toBe(
      'Valgrind found 1 definite leak (32 bytes in 2 blocks) (fail-on: definite, errors).'
    )
    expect(run.summary).toMatch(/\| Leak: Definitely lost ❌ \| 1 \| \| 32 \| 2 \|/)
    // A plain command's process is a program, not a test, in the summary as in the annotation.
    expect(run.summary).toContain(
      '2 loss records in 1 process. Program: <code>build/two_on_a_line</code>.'
    )
  })
})

describe('shown, not dropped', () => {
  let run: ActionRun
  beforeAll(async () => {
    run = await started.clientMessages
  })

  it('shows client messages, with the backtrace of VALGRIND_PRINTF_BACKTRACE', () => {
    expect(run.stdout).toMatch(/Client message \(pid \d+\): checkpoint 1 reached/)
    expect(run.summary).toContain('### Client messages (2)')
    expect(run.summary).toContain('<code>checkpoint 1 reached</code>')
    const line = markerLine('client_messages', 'BACKTRACE')
    expect(run.summary).toMatch(
      new RegExp(
        `<code>state is odd</code> \\(pid \\d+, thread 1\\)<ol>.*src/client_messages.c:${line}`
      )
    )
    const report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8'))
    expect(report.clientMessages.map((m: { text: string }) => m.text)).toEqual([
      'checkpoint 1 reached',
      'state is odd'
    ])
  })

  it('names the thread and reads the stack like valgrind: at, then by', () => {
    const [write] = annotationAt(
      run,
      'src/client_messages.c',
      markerLine('client_messages', 'THREAD-WRITE')
    )
    expect(write.message).toContain('Thread: copier')
    expect(write.message).toMatch(
      /\n {3}at overrun \(src\/client_messages\.c:\d+\)\n {3}by worker \(src\/client_messages\.c:\d+\)/
    )
  })
})

describe("the project's programs wherever they were built", () => {
  const expectLeaksCounted = (run: ActionRun) => {
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain('Valgrind found 2 definite leaks (116 bytes in 2 blocks)')
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(run.annotations.map((a) => `${a.file}:${a.line}`)).toEqual(
      expect.arrayContaining([`src/leaks.c:${markerLine('leaks', 'LEAK-DEFINITE')}`])
    )
  }

  it('a test binary built outside the workspace (cmake -B $RUNNER_TEMP/build) is the project’s: its findings are in the workspace’s sources', async () => {
    const workspace = makeWorkspace(['leaks'])
    const outside = fs.mkdtempSync(path.join(path.dirname(workspace), 'vg-outbuild-'))
    fs.renameSync(path.join(workspace, 'build', 'leaks'), path.join(outside, 'leaks'))
    const run = await runAction(
      { command: `sh -c '${path.join(outside, 'leaks')}; exit 0'`, upload: 'false' },
      { workspace }
    )
    expectLeaksCounted(run)
    expect(run.summary).toContain(`Program: <code>${path.join(outside, 'leaks')}</code>`)
    fs.rmSync(outside, { recursive: true, force: true })
  })

  it('a program started by a relative path from another directory (make -C tests running ../build/leaks) is found in the workspace', async () => {
    const workspace = makeWorkspace(['leaks'])
    fs.mkdirSync(path.join(workspace, 'tests'))
    const run = await runAction(
      { command: "sh -c 'cd tests && ../build/leaks; exit 0'", upload: 'false' },
      { workspace }
    )
    expectLeaksCounted(run)
    expect(run.summary).toContain('Program: <code>build/leaks</code>')
  })
})
