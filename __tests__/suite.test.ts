// C and C++ suites, the pure parts: recognising ctest / meson test, the trace-children-skip and
// allocator-wrappers inputs, tying processes to tests and to the toolchain, and annotations
// grouped per line within GitHub's budget.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { collectFindings } from '../src/analysis/findings.js'
import { findingLocation } from '../src/analysis/location.js'
import type { Frame, ProcessRun, RawFinding } from '../src/model.js'
import {
  budgetedWarnings,
  buildAnnotations,
  fitAnnotations,
  omittedText
} from '../src/report/annotations.js'
import {
  attributeProcesses,
  ctestOptionsString,
  parseCtestTests,
  parseMesonTests,
  parseSuiteCommand
} from '../src/suite/index.js'
import {
  ctestFailures,
  mesonFailures,
  parseCtestAnalysisLog,
  parseCtestFailedLog,
  parseMesonTestLog,
  splitSuiteFailures,
  suiteLogStamps
} from '../src/suite/failures.js'
import { nestedValgrindProblem } from '../src/suite/report.js'
import { DEFAULT_TRACE_CHILDREN_SKIP, parseTraceChildrenSkip } from '../src/suite/toolchain.js'
import { globPattern } from '../src/glob-pattern.js'

const workspace = '/home/runner/work/demo/demo'
const build = `${workspace}/build`

function frame(fn: string, file: string, line: number): Frame {
  return {
    ip: '0x1',
    fn,
    dir: `${workspace}/${file.split('/').slice(0, -1).join('/')}`,
    file: file.split('/').pop(),
    line
  }
}

function invalidRead(caller: string): RawFinding {
  return {
    tool: 'memcheck',
    kind: 'InvalidRead',
    what: 'Invalid read of size 4',
    unique: '0x0',
    stack: [frame('suite_sum', 'src/suite.c', 16), frame(caller, 'tests/hits.c', 10)],
    auxStacks: [],
    notes: [],
    count: 1
  }
}

function processRun(
  pid: number,
  ppid: number,
  exe: string,
  args: string[],
  extra: Partial<ProcessRun> = {}
): ProcessRun {
  return {
    file: `/run/memcheck/${pid}.xml`,
    pid,
    ppid,
    exe,
    args,
    findings: [],
    finished: true,
    complete: true,
    started: true,
    suppressionCounts: [],
    warnings: [],
    ...extra
  }
}

describe('recognising the test driver', () => {
  it('takes ctest and meson test, and leaves dashboards and other commands alone', () => {
    expect(parseSuiteCommand(['ctest', '--test-dir', 'build', '-j2'])).toEqual({
      runner: 'ctest',
      args: ['--test-dir', 'build', '-j2']
    })
    expect(parseSuiteCommand(['/usr/bin/ctest'])?.runner).toBe('ctest')
    expect(parseSuiteCommand(['ctest', '-T', 'test'])).toBeUndefined()
    expect(parseSuiteCommand(['ctest', '-DExperimental'])).toBeUndefined()
    expect(parseSuiteCommand(['meson', 'test', '-C', 'build'])).toEqual({
      runner: 'meson',
      args: ['-C', 'build']
    })
    expect(parseSuiteCommand(['meson', 'compile'])).toBeUndefined()
    expect(parseSuiteCommand(['make', 'check'])).toBeUndefined()
  })

  it('refuses a meson --wrapper of its own, saying why', () => {
    expect(() => parseSuiteCommand(['meson', 'test', '--wrapper', 'gdb'])).toThrow(
      /runs each test under valgrind through that option.*Remove --wrapper/
    )
  })

  it('reads the tests ctest and meson list', () => {
    const ctest = JSON.stringify({
      kind: 'ctestInfo',
      tests: [
        {
          name: 'hit_1',
          command: [`${build}/hits`, '1'],
          properties: [{ name: 'WORKING_DIRECTORY', value: build }]
        },
        { name: 'no_command' }
      ]
    })
    expect(parseCtestTests(ctest)).toEqual([
      { name: 'hit_1', command: [`${build}/hits`, '1'], cwd: build }
    ])
    const meson = JSON.stringify([{ name: 'first', cmd: [`${build}/t`], workdir: null }])
    expect(parseMesonTests(meson)).toEqual([{ name: 'first', command: [`${build}/t`] }])
  })

  it("quotes valgrind's options for ctest's MemoryCheckCommandOptions", () => {
    expect(ctestOptionsString(['--xml=yes', '--suppressions=/a b/x.supp'])).toBe(
      '--xml=yes "--suppressions=/a b/x.supp"'
    )
    expect(() => ctestOptionsString(['--x="y"'])).toThrow(/double quote/)
  })
})

describe('tests that failed on their own', () => {
  it("reads ctest's LastTestsFailed log and meson's testlog.json", () => {
    expect(parseCtestFailedLog('6:clean_under_valgrind\n12:hit 3\n')).toEqual([
      'clean_under_valgrind',
      'hit 3'
    ])
    const log = [
      JSON.stringify({ name: 'hit_1', result: 'OK', returncode: 0 }),
      JSON.stringify({ name: 'hit_2', result: 'FAIL', returncode: 1 }),
      JSON.stringify({ name: 'slow', result: 'TIMEOUT', returncode: -15 }),
      'not json'
    ].join('\n')
    expect(parseMesonTestLog(log)).toEqual([
      {
        test: { binary: 'hit_2', name: 'hit_2', runner: 'meson' },
        exitCode: 1,
        message: 'meson test result FAIL'
      },
      {
        test: { binary: 'slow', name: 'slow', runner: 'meson' },
        exitCode: -15,
        message: 'meson test result TIMEOUT'
      }
    ])
  })

  it('ignores a failed-tests log the run did not rewrite, however recent (ctest writes none when every test passed)', () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-ctest-logs-'))
    const temporary = path.join(build, 'Testing', 'Temporary')
    fs.mkdirSync(temporary, { recursive: true })
    // The previous run, a moment ago: within the second of slack kept for coarse file times.
    fs.writeFileSync(path.join(temporary, 'LastTestsFailed.log'), '1:flaky\n')
    const before = suiteLogStamps('ctest', build)
    const since = Date.now() - 1000
    expect(ctestFailures(build, since, before)).toEqual([])
    fs.writeFileSync(path.join(temporary, 'LastTestsFailed.log'), '1:flaky\n2:other\n')
    expect(ctestFailures(build, since, before).map((failure) => failure.test.name)).toEqual([
      'flaky',
      'other'
    ])
    fs.rmSync(build, { recursive: true, force: true })
  })

  it('reads the log meson wrote in this run: testlog-valgrind.json under our --wrapper, not an old testlog.json', () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-meson-logs-'))
    const logs = path.join(build, 'meson-logs')
    fs.mkdirSync(logs)
    const entry = (name: string, result: string) => JSON.stringify({ name, result, returncode: 1 })
    const since = Date.now() - 1000
    fs.writeFileSync(path.join(logs, 'testlog.json'), entry('from_an_old_run', 'FAIL'))
    fs.utimesSync(
      path.join(logs, 'testlog.json'),
      new Date(since - 60_000),
      new Date(since - 60_000)
    )
    expect(mesonFailures(build, since)).toEqual([])
    fs.writeFileSync(path.join(logs, 'testlog-valgrind.json'), entry('asserts', 'FAIL'))
    fs.writeFileSync(path.join(logs, 'testlog-valgrind.txt'), 'not the JSON log')
    expect(mesonFailures(build, since).map((failure) => failure.test.name)).toEqual(['asserts'])
    fs.rmSync(build, { recursive: true, force: true })
  })
})

describe('trace-children-skip and allocator-wrappers', () => {
  it('defaults to compilers and linkers, extends or turns off', () => {
    expect(parseTraceChildrenSkip('')).toEqual(DEFAULT_TRACE_CHILDREN_SKIP)
    expect(parseTraceChildrenSkip('none')).toEqual([])
    const extended = parseTraceChildrenSkip('default, */python3*')
    expect(extended).toEqual([...DEFAULT_TRACE_CHILDREN_SKIP, '*/python3*'])
    expect(() => parseTraceChildrenSkip('none,*/cc1')).toThrow(/cannot be combined/)
    const toolchain = globPattern(DEFAULT_TRACE_CHILDREN_SKIP)
    for (const exe of [
      '/usr/bin/cc',
      '/usr/lib/gcc/x86_64-linux-gnu/12/cc1',
      '/usr/bin/ld',
      '/usr/bin/x86_64-linux-gnu-gcc-12'
    ])
      expect(toolchain?.test(exe)).toBe(true)
    for (const exe of [`${build}/hits`, '/usr/bin/make', '/bin/sh'])
      expect(toolchain?.test(exe)).toBe(false)
  })

  it("moves a leak's location out of the named wrappers to their caller", () => {
    const stack = [
      { ip: '0x1', fn: 'malloc', obj: '/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so' },
      frame('suite_xmalloc', 'src/suite.c', 6),
      frame('suite_make_buffer', 'src/suite.c', 21),
      frame('main', 'tests/leak.c', 6)
    ]
    expect(findingLocation(stack, workspace)?.line).toBe(6)
    expect(findingLocation(stack, workspace, undefined, globPattern(['suite_x*']))).toEqual({
      file: 'src/suite.c',
      line: 21,
      fn: 'suite_make_buffer'
    })
    // A stack made only of wrappers keeps its first frame.
    expect(
      findingLocation(stack.slice(0, 2), workspace, undefined, globPattern(['suite_x*']))?.line
    ).toBe(6)
  })
})

describe('tying processes to tests', () => {
  const tests = [
    { name: 'hit_1', command: [`${build}/hits`, '1'] },
    { name: 'hit_2', command: [`${build}/hits`, '2'] },
    { name: 'compiles', command: ['/usr/bin/cc', '-o', 'probe', `${workspace}/probe.c`] }
  ]
  const context = {
    workspace,
    workingDirectory: workspace,
    runner: 'ctest' as const,
    tests,
    toolchain: globPattern(DEFAULT_TRACE_CHILDREN_SKIP)
  }

  it('names each test process, its children, and keeps the compiler a test runs out', () => {
    const runs = attributeProcesses(
      [
        processRun(10, 1, `${build}/hits`, ['1']),
        processRun(11, 1, `${build}/hits`, ['2']),
        processRun(12, 11, '/bin/cat', ['x']),
        processRun(13, 11, `${build}/helper`, []),
        processRun(14, 1, '/usr/bin/cc', ['-o', 'probe', `${workspace}/probe.c`])
      ],
      context
    )
    expect(runs.map((r) => [r.pid, r.role, r.test?.name])).toEqual([
      [10, 'project', 'hit_1'],
      [11, 'project', 'hit_2'],
      [12, 'toolchain', 'hit_2'],
      [13, 'project', 'hit_2'],
      [14, 'toolchain', 'compiles']
    ])
    expect(runs[0].test).toEqual({ binary: 'build/hits', name: 'hit_1', runner: 'ctest' })
  })

  it("names each process's test by ctest's memory checker log: tests of the same command, a script's program", () => {
    const logOf = (n: number) => [`--log-file=${build}/Testing/Temporary/MemoryChecker.${n}.log`]
    const sameCommand = [
      { name: 'leak_default', command: [`${build}/t_leak`] },
      { name: 'leak_other_env', command: [`${build}/t_leak`] },
      { name: 'wrapped', command: ['/bin/sh', `${workspace}/tests/wrap.sh`, `${build}/t_leak`] }
    ]
    const runs = attributeProcesses(
      [
        processRun(20, 1, `${build}/t_leak`, [], { valgrindArgs: logOf(1) }),
        processRun(21, 1, `${build}/t_leak`, [], { valgrindArgs: logOf(2) }),
        processRun(22, 1, '/bin/sh', [`${workspace}/tests/wrap.sh`, `${build}/t_leak`], {
          valgrindArgs: logOf(3)
        }),
        processRun(23, 22, `${build}/t_leak`, [], { valgrindArgs: logOf(3) }),
        processRun(24, 22, '/bin/cat', [], { valgrindArgs: logOf(3) })
      ],
      {
        ...context,
        tests: sameCommand,
        testOfLogFile: new Map([
          [`${build}/Testing/Temporary/MemoryChecker.1.log`, 'leak_default'],
          [`${build}/Testing/Temporary/MemoryChecker.2.log`, 'leak_other_env'],
          [`${build}/Testing/Temporary/MemoryChecker.3.log`, 'wrapped']
        ])
      }
    )
    expect(runs.map((r) => [r.pid, r.role, r.test?.name])).toEqual([
      [20, 'project', 'leak_default'],
      [21, 'project', 'leak_other_env'],
      [22, 'project', 'wrapped'],
      [23, 'project', 'wrapped'],
      // Named by its test, still not the project's: cat lies outside the workspace.
      [24, 'toolchain', 'wrapped']
    ])
  })

  it("reads the memory checker log of each test from ctest's dynamic analysis log", () => {
    const log = [
      'Start testing: Dec 01 13:05 UTC',
      '----------------------------------------------------------',
      '1/2 Testing: leak default',
      '1/2 Test: leak default',
      'Command: "/usr/bin/valgrind" "--log-file=/b/Testing/Temporary/MemoryChecker.1.log" "--tool=memcheck" "/b/t_leak"',
      'Directory: /b',
      '2/2 Testing: other',
      '2/2 Test: other',
      'Command: "/usr/bin/valgrind" "--log-file=/b/Testing/Temporary/MemoryChecker.2.log" "/b/t_leak"',
      ''
    ].join('\n')
    expect([...parseCtestAnalysisLog(log)]).toEqual([
      ['/b/Testing/Temporary/MemoryChecker.1.log', 'leak default'],
      ['/b/Testing/Temporary/MemoryChecker.2.log', 'other']
    ])
  })

  it('recognises the header-only file of a skipped child and valgrind started by a test', () => {
    const runs = attributeProcesses(
      [
        processRun(20, 1, `${build}/hits`, ['1']),
        processRun(21, 20, `${build}/hits`, ['1'], {
          started: false,
          complete: false,
          finished: false
        }),
        processRun(22, 1, '/usr/bin/valgrind.bin', ['--error-exitcode=1', `${build}/hits`, '2'], {
          complete: false,
          finished: false
        })
      ],
      {
        ...context,
        tests: [
          {
            name: 'self',
            command: ['/usr/bin/valgrind', '--error-exitcode=1', `${build}/hits`, '2']
          }
        ]
      }
    )
    expect(runs.map((r) => [r.pid, r.role])).toEqual([
      [20, 'project'],
      [21, 'untraced'],
      [22, 'nested-valgrind']
    ])
    expect(runs[2].test?.name).toBe('self')
  })

  it("tells tests failed by valgrind's --error-exitcode from tests that failed on their own", () => {
    const counted = {
      valgrindArgs: ['--error-exitcode=1'],
      errorSummary: { errors: 2, contexts: 2, suppressed: 0, suppressedContexts: 0 }
    }
    const runs = [
      processRun(60, 1, `${build}/hits`, [], {
        ...counted,
        test: { binary: 'build/hits', name: 'leaky', runner: 'ctest' }
      }),
      processRun(61, 1, `${build}/hits`, [], {
        test: { binary: 'build/hits', name: 'broken', runner: 'ctest' }
      }),
      processRun(62, 1, `${build}/hits`, [], {
        ...counted,
        test: { binary: 'build/hits', name: 'meson_own', runner: 'meson' }
      })
    ]
    const failure = (name: string, exitCode: number | null) => ({
      test: { binary: name, name, runner: 'ctest' as const },
      exitCode
    })
    const split = splitSuiteFailures(
      [failure('leaky', null), failure('broken', null), failure('meson_own', 3)],
      runs
    )
    expect(split.byValgrind.map((t) => t.name)).toEqual(['leaky'])
    // meson gives the status: 3 is not valgrind's 1, so that test failed on its own.
    expect(split.own.map((f) => f.test.name)).toEqual(['broken', 'meson_own'])
  })

  it("finds a meson test's processes by its command when none is tied to it, and the programs below them", () => {
    const counted = {
      valgrindArgs: ['--error-exitcode=1'],
      errorSummary: { errors: 1, contexts: 1, suppressed: 0, suppressedContexts: 0 }
    }
    const meson = (name: string) => ({ binary: name, name, runner: 'meson' as const })
    const runs = [
      // Two tests of one command, another environment: both processes tied to the first.
      processRun(80, 1, `${build}/t_leak`, [], { ...counted, test: meson('leak') }),
      processRun(81, 1, `${build}/t_leak`, [], { ...counted, test: meson('leak') }),
      // A wrapper script's program, credited to the test whose command it is too.
      processRun(82, 1, '/bin/sh', [`${workspace}/wrap.sh`, `${build}/t_invalid`], {
        test: meson('wrapped')
      }),
      processRun(83, 82, `${build}/t_invalid`, [], { ...counted, test: meson('direct') })
    ]
    const tests = [
      { name: 'leak', command: [`${build}/t_leak`] },
      { name: 'leak env', command: [`${build}/t_leak`] },
      { name: 'wrapped', command: [`${workspace}/wrap.sh`, `${build}/t_invalid`] },
      { name: 'direct', command: [`${build}/t_invalid`] }
    ]
    const failed = (name: string, exitCode: number) => ({ test: meson(name), exitCode })
    const split = splitSuiteFailures(
      [failed('leak', 1), failed('leak env', 1), failed('wrapped', 1), failed('asserts', 3)],
      runs,
      tests
    )
    expect(split.byValgrind.map((t) => t.name)).toEqual(['leak', 'leak env', 'wrapped'])
    expect(split.own.map((f) => f.test.name)).toEqual(['asserts'])
  })

  it("says a ctest test that no valgrind ran for never started (ctest's Not Run)", () => {
    const missing = {
      test: { binary: 'missing', name: 'missing', runner: 'ctest' as const },
      exitCode: null
    }
    expect(
      splitSuiteFailures([missing], [], [{ name: 'missing', command: [`${build}/gone`] }])
    ).toEqual({
      own: [
        {
          ...missing,
          message:
            'never started under valgrind: ctest could not run it (a missing executable, a failed fixture); its output is in the log above'
        }
      ],
      byValgrind: []
    })
  })

  it('takes a test whose process died of a signal as failed on its own, errors counted or not', () => {
    const crashed = processRun(70, 1, `${build}/t_segv`, [], {
      valgrindArgs: ['--error-exitcode=1'],
      // The invalid read that led to the crash is an error too.
      errorSummary: { errors: 1, contexts: 1, suppressed: 0, suppressedContexts: 0 },
      fatalSignal: {
        signo: 11,
        signame: 'SIGSEGV',
        event: 'Access not within mapped region',
        stack: [frame('crash(int)', 'tests/t_segv.cpp', 3)]
      },
      test: { binary: 'build/t_segv', name: 't_segv', runner: 'ctest' }
    })
    const split = splitSuiteFailures(
      [{ test: { binary: 't_segv', name: 't_segv', runner: 'ctest' }, exitCode: null }],
      [crashed]
    )
    expect(split.byValgrind).toEqual([])
    expect(split.own).toEqual([
      {
        test: { binary: 't_segv', name: 't_segv', runner: 'ctest' },
        exitCode: null,
        signal: 'SIGSEGV',
        message: 'Access not within mapped region in crash(int) (t_segv.cpp:3)'
      }
    ])
    // abort() from an assert: the test's own frame, past the C library's.
    const aborted = processRun(71, 1, `${build}/t_abort`, [], {
      fatalSignal: {
        signo: 6,
        signame: 'SIGABRT',
        stack: [
          {
            ip: '0x1',
            fn: '__pthread_kill_implementation',
            file: 'pthread_kill.c',
            line: 44,
            obj: '/usr/lib/x86_64-linux-gnu/libc.so.6'
          },
          { ip: '0x2', fn: 'abort', obj: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
          { ...frame('main', 'tests/t_abort.c', 3), obj: `${build}/t_abort` }
        ]
      },
      test: { binary: 'build/t_abort', name: 't_abort', runner: 'ctest' }
    })
    const abortSplit = splitSuiteFailures(
      [{ test: { binary: 't_abort', name: 't_abort', runner: 'ctest' }, exitCode: null }],
      [aborted]
    )
    expect(abortSplit.own.map((f) => [f.signal, f.message])).toEqual([
      ['SIGABRT', 'in main (t_abort.c:3)']
    ])
  })

  it('says which tests run valgrind themselves, from the test list or the processes', () => {
    const selfTest = { name: 'self', command: ['/usr/bin/valgrind', `${build}/hits`] }
    const plain = { name: 'plain', command: [`${build}/hits`] }
    expect(nestedValgrindProblem([], [plain])).toBeUndefined()
    expect(nestedValgrindProblem([], [selfTest, plain])).toMatch(
      /^Your tests already run valgrind: 1 test starts valgrind in its command \(self\), .* Build without that option/
    )
    const [, nested] = attributeProcesses(
      [
        processRun(50, 1, `${build}/runner`, []),
        processRun(51, 50, '/usr/bin/valgrind.bin', ['./hits'])
      ],
      { workspace, workingDirectory: workspace, tests: [] }
    )
    expect(nestedValgrindProblem([nested])).toMatch(
      /^Your tests already run valgrind: 1 process started valgrind, /
    )
  })

  it('under make, names programs by their path in the workspace and keeps make and sh out', () => {
    const runs = attributeProcesses(
      [
        processRun(30, 1, 'make', ['check']),
        processRun(31, 30, '/bin/sh', ['-c', './build/hits 1']),
        processRun(32, 31, `${build}/hits`, ['1'])
      ],
      { workspace, workingDirectory: workspace, tests: [] }
    )
    expect(runs.map((r) => [r.role, r.test?.binary])).toEqual([
      ['toolchain', undefined],
      ['toolchain', undefined],
      ['project', 'build/hits']
    ])
    // A program the user names is under test wherever it lies.
    const [top] = attributeProcesses([processRun(40, 1, '/usr/bin/python3', ['t.py'])], {
      workspace,
      workingDirectory: workspace,
      tests: []
    })
    expect(top).toMatchObject({ role: 'project', test: { binary: '/usr/bin/python3' } })
  })
})

describe('annotations per line, within the budget', () => {
  const failOn = new Set(['definite', 'errors'] as const)

  function findingsOfTests(count: number) {
    const runs = Array.from({ length: count }, (_, index) =>
      processRun(100 + index, 1, `${build}/hits`, [String(index + 1)], {
        findings: [invalidRead(`site_${index + 1}`)],
        test: { binary: 'build/hits', name: `hit_${index + 1}`, runner: 'ctest' }
      })
    )
    return collectFindings(runs, { workspace, failOn })
  }

  it('gives a line reached from 12 call sites one annotation naming the first tests', () => {
    const findings = findingsOfTests(12)
    expect(findings).toHaveLength(12)
    const annotations = buildAnnotations(findings, workspace, 'failing')
    expect(annotations).toHaveLength(1)
    expect(annotations[0]).toMatchObject({
      level: 'error',
      file: 'src/suite.c',
      line: 16,
      findings: 12
    })
    expect(annotations[0].message).toContain(
      'Seen 12 times in 12 processes, by 12 tests.\nTests: hit_1, hit_2, hit_3, hit_4, hit_5 and 7 more'
    )
  })

  it('emits only what GitHub shows and says how many lines were left out', () => {
    const annotations = Array.from({ length: 14 }, (_, index) => ({
      level: (index < 12 ? 'error' : 'warning') as 'error' | 'warning',
      title: 't',
      message: 'm',
      file: 'a.c',
      line: index + 1,
      findings: 1
    }))
    const fitted = fitAnnotations(annotations, { errors: 9, warnings: 10 })
    expect(fitted.shown.filter((a) => a.level === 'error')).toHaveLength(9)
    expect(fitted.shown.filter((a) => a.level === 'warning')).toHaveLength(2)
    expect(fitted.omitted.map((a) => a.line)).toEqual([10, 11, 12])
    expect(omittedText(fitted.omitted)).toMatch(/^3 errors on 3 more lines not annotated/)
    expect(omittedText([])).toBeUndefined()
  })

  it('keeps the run warnings within 10, the last one counting the rest', () => {
    const warnings = Array.from({ length: 30 }, (_, index) => `w${index}`)
    const shown = budgetedWarnings(warnings)
    expect(shown).toHaveLength(10)
    expect(shown[9]).toBe('… and 21 more warnings: the job summary lists every one.')
    expect(budgetedWarnings(['a'])).toEqual(['a'])
  })
})
