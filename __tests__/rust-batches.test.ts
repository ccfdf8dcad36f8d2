// Planning of nextest runs in batches: which tests nextest selects, how they are spread over
// valgrind processes, and when a run or a test binary keeps one process per test. Pure, fast.
import * as os from 'node:os'
import {
  batchFailed,
  batchFinished,
  chooseIsolation,
  estimatedStartup,
  jobArguments,
  measuredTimings,
  nextestOwnRunReason,
  planJobs,
  type PlanInput
} from '../src/rust/batches.js'
import { listCallForRun, parseTestList, type TestSuite } from '../src/rust/nextest-list.js'
import { readConfig } from '../src/config.js'
import { cpuSecondsFromTimes } from '../src/rust/runner-script.js'

function suite(binaryId: string, count: number, ignored: number[] = []): TestSuite {
  return {
    binaryId,
    binaryPath: `/t/debug/deps/${binaryId}-0123456789abcdef`,
    cwd: '/crate',
    packageName: binaryId,
    tests: Array.from({ length: count }, (_, i) => ({
      name: `tests::t${String(i).padStart(3, '0')}`,
      ignored: ignored.includes(i)
    }))
  }
}

const MB = 1e6

function input(s: TestSuite, secondsPerTest?: number, requested = 'auto' as const): PlanInput {
  const timing = secondsPerTest !== undefined ? { secondsPerTest } : undefined
  return {
    suite: s,
    binaryBytes: 7 * MB,
    timing,
    choice: chooseIsolation(s, requested, 7 * MB, timing)
  }
}

describe('listCallForRun', () => {
  it('keeps the selection (filters, -E, --partition, ignored, profile, build options)', () => {
    const args = [
      '+nightly',
      'nextest',
      '--profile',
      'ci',
      'run',
      '--workspace',
      '-E',
      'test(/parse/)',
      '--partition',
      'hash:1/2',
      '--run-ignored',
      'all',
      'name_filter',
      '--',
      '--skip',
      'slow'
    ]
    expect(listCallForRun(args, 4).args).toEqual([
      '+nightly',
      'nextest',
      '--profile',
      'ci',
      'list',
      '--message-format',
      'json',
      ...args.slice(5)
    ])
  })

  it('drops what only a run knows, and reads the number of test threads', () => {
    const call = listCallForRun(
      [
        'nextest',
        'run',
        '--no-fail-fast',
        '-j',
        '3',
        '--retries=2',
        '--failure-output',
        'final',
        '--no-capture',
        '--lib'
      ],
      1
    )
    expect(call.args).toEqual(['nextest', 'list', '--message-format', 'json', '--lib'])
    expect(call.testThreads).toBe(3)
    expect(listCallForRun(['nextest', 'run', '--test-threads=4'], 1).testThreads).toBe(4)
  })
})

describe('parseTestList', () => {
  const json = JSON.stringify({
    'rust-build-meta': {
      'target-directory': '/t',
      'base-output-directories': ['debug'],
      'linked-paths': ['native/lib']
    },
    'rust-suites': {
      'my-crate': {
        'binary-id': 'my-crate',
        'binary-path': '/t/debug/deps/my_crate-1',
        cwd: '/src/my-crate',
        'package-name': 'my-crate',
        status: 'listed',
        testcases: {
          'tests::a': { ignored: false, 'filter-match': { status: 'matches' } },
          'tests::b': {
            ignored: false,
            'filter-match': { status: 'mismatch', reason: 'partition' }
          },
          'tests::slow': { ignored: true, 'filter-match': { status: 'matches' } }
        }
      },
      'my-crate::bin/tool': {
        'binary-id': 'my-crate::bin/tool',
        'binary-path': '/t/debug/deps/tool-2',
        cwd: '/src/my-crate',
        status: 'skipped',
        testcases: {}
      }
    }
  })

  it('keeps the tests nextest selected, with their ignored flag, per binary', () => {
    const list = parseTestList(json)
    expect(list.suites).toEqual([
      {
        binaryId: 'my-crate',
        binaryPath: '/t/debug/deps/my_crate-1',
        cwd: '/src/my-crate',
        packageName: 'my-crate',
        tests: [
          { name: 'tests::a', ignored: false },
          { name: 'tests::slow', ignored: true }
        ]
      }
    ])
    expect(list.libraryPaths).toEqual(['/t/debug/deps', '/t/debug', '/t/native/lib'])
    expect(list.targetDirectory).toBe('/t')
  })

  it('says what it could not read', () => {
    expect(() => parseTestList('   Compiling x')).toThrow(
      /cargo nextest list --message-format json/
    )
  })
})

describe('chooseIsolation (auto)', () => {
  it('batches small tests, saying why', () => {
    const choice = chooseIsolation(suite('a', 60), 'auto', 7 * MB, undefined)
    expect(choice.isolation).toBe('batch')
    expect(choice.reason).toContain('60 tests, no earlier timings')
    expect(choice.reason).toContain('7.0 MB binary')
  })

  it('isolates tests that an earlier run measured as long next to the start-up', () => {
    const startup = estimatedStartup(7 * MB)
    const heavy = chooseIsolation(suite('a', 60), 'auto', 7 * MB, {
      secondsPerTest: 10 * startup + 0.1
    })
    expect(heavy.isolation).toBe('per-test')
    expect(heavy.reason).toContain('earlier run')
    const light = chooseIsolation(suite('a', 60), 'auto', 7 * MB, { secondsPerTest: startup })
    expect(light.isolation).toBe('batch')
  })

  it('follows an explicit batch or per-test', () => {
    expect(chooseIsolation(suite('a', 2), 'per-test', MB, undefined).isolation).toBe('per-test')
    expect(chooseIsolation(suite('a', 2), 'batch', MB, { secondsPerTest: 100 }).isolation).toBe(
      'batch'
    )
  })
})

describe('planJobs', () => {
  const names = (jobs: { tests: string[] }[]) => jobs.map((job) => job.tests.length).sort()

  it('splits one binary of small tests into one batch per core, each test once', () => {
    const s = suite('a', 41)
    const jobs = planJobs([input(s)], 2)
    expect(names(jobs)).toEqual([20, 21])
    expect(jobs.flatMap((job) => job.tests).sort()).toEqual(s.tests.map((t) => t.name))
  })

  it('gives several binaries one batch each when they already fill the cores', () => {
    const jobs = planJobs([input(suite('a', 30)), input(suite('b', 5)), input(suite('c', 2))], 2)
    expect(jobs).toHaveLength(3)
    expect(jobs.map((job) => job.suite.binaryId).sort()).toEqual(['a', 'b', 'c'])
  })

  it('splits a long batch further so that no core waits on one (measured heavy tests)', () => {
    // 40 tests of 1 s in one binary and 200 tiny ones in another, on 2 cores.
    const jobs = planJobs([input(suite('heavy', 40), 1), input(suite('light', 200), 0.001)], 2)
    const heavyBatches = jobs.filter((job) => job.suite.binaryId === 'heavy')
    expect(heavyBatches.length).toBeGreaterThanOrEqual(2)
    expect(jobs.filter((job) => job.suite.binaryId === 'light')).toHaveLength(1)
    // Longest first.
    expect(jobs[0].suite.binaryId).toBe('heavy')
  })

  it('keeps tests an earlier run measured as tiny in one process: a second costs a start-up', () => {
    expect(planJobs([input(suite('a', 40), 0.001)], 2)).toHaveLength(1)
  })

  it('gives per-test suites one job per test', () => {
    const jobs = planJobs([input(suite('a', 3), undefined, 'per-test' as never)], 2)
    expect(jobs.map((job) => job.tests)).toEqual([
      ['tests::t000'],
      ['tests::t001'],
      ['tests::t002']
    ])
    expect(jobs.every((job) => job.isolated)).toBe(true)
  })

  it('asks for ignored tests only where a batch holds one', () => {
    const jobs = planJobs([input(suite('a', 4, [1]))], 2)
    const withIgnored = jobs.find((job) => job.tests.includes('tests::t001'))
    expect(withIgnored !== undefined && jobArguments(withIgnored)).toEqual([
      '--exact',
      'tests::t001',
      'tests::t003',
      '--test-threads=1',
      '--include-ignored'
    ])
    const other = jobs.find((job) => job !== withIgnored)
    expect(other !== undefined && jobArguments(other)).not.toContain('--include-ignored')
  })
})

describe('batchFinished', () => {
  const report = 'running 2 tests\ntest a ... ok\n\ntest result: FAILED. 1 passed; 1 failed\n'
  it('is true for a report that ended by itself, passed or failed', () => {
    expect(batchFinished(0, report)).toBe(true)
    expect(batchFinished(101, report)).toBe(true)
    // valgrind's --error-exitcode for findings: the tests still ran to the end.
    expect(batchFinished(99, report)).toBe(true)
    expect(batchFailed(report)).toBe(true)
    expect(batchFailed('test result: ok. 2 passed; 0 failed')).toBe(false)
  })
  it('is false for a crash, an abort, a kill, or an exit() inside a test', () => {
    expect(batchFinished(139, 'running 2 tests\ntest a ... ')).toBe(false)
    expect(batchFinished(134, report)).toBe(false)
    expect(batchFinished(undefined, report)).toBe(false)
    expect(batchFinished(0, 'running 2 tests\ntest a ... ')).toBe(false)
  })
})

describe('nextestOwnRunReason (auto)', () => {
  it('keeps nextest per test when the run relies on retries or terminating slow tests', () => {
    expect(nextestOwnRunReason('auto', ['cargo', 'nextest', 'run', '--retries', '2'], '')).toMatch(
      /--retries/
    )
    expect(
      nextestOwnRunReason(
        'auto',
        [],
        '[profile.default]\nslow-timeout = { period = "60s", terminate-after = 2 }\n'
      )
    ).toMatch(/terminate-after/)
    expect(nextestOwnRunReason('auto', [], '[profile.ci]\nretries = 3\n')).toMatch(/retries/)
  })

  it('keeps nextest per test when the repository serialises tests, judges leaks, or a cargo config sets [env]', () => {
    const groups =
      '[test-groups]\nserial = { max-threads = 1 }\n\n[[profile.default.overrides]]\nfilter = "test(shared_)"\ntest-group = "serial"\n'
    expect(nextestOwnRunReason('auto', [], groups)).toMatch(/test groups/)
    expect(nextestOwnRunReason('auto', [], '[profile.default]\ntest-threads = 1\n')).toMatch(
      /test-threads/
    )
    expect(
      nextestOwnRunReason('auto', [], '[profile.default]\ntest-threads = "num-cpus"\n')
    ).toBeUndefined()
    expect(
      nextestOwnRunReason(
        'auto',
        [],
        '[profile.default]\nleak-timeout = { period = "500ms", result = "fail" }\n'
      )
    ).toMatch(/leak-timeout/)
    expect(nextestOwnRunReason('auto', [], undefined, '[env]\nFIXTURES = "tests/data"\n')).toMatch(
      /\[env\]/
    )
    expect(
      nextestOwnRunReason('auto', [], undefined, '# [env]\n[build]\njobs = 2\n')
    ).toBeUndefined()
    expect(nextestOwnRunReason('batch', [], groups, '[env]\nA = "1"\n')).toBeUndefined()
  })

  it('keeps nextest per test for archive runs, even when batches are asked for', () => {
    expect(nextestOwnRunReason('batch', ['--archive-file', 'a.tar.zst'], undefined)).toMatch(
      /--archive-file/
    )
  })

  it('batches otherwise, and follows an explicit choice', () => {
    expect(nextestOwnRunReason('auto', [], '# retries = 3\n[profile.default]\n')).toBeUndefined()
    expect(nextestOwnRunReason('auto', [], undefined)).toBeUndefined()
    expect(nextestOwnRunReason('batch', ['--retries', '2'], 'retries = 2')).toBeUndefined()
    expect(nextestOwnRunReason('per-test', [], undefined)).toBe('rust-isolation: per-test')
  })
})

describe('measuredTimings', () => {
  it('is the work per test, start-up taken off', () => {
    const s = suite('a', 4)
    const job = { suite: s, tests: ['x', 'y'], includeIgnored: false, estimate: 1, isolated: false }
    expect(
      measuredTimings([
        { job, seconds: 2.5, startup: 0.5 },
        { job, seconds: 4.5, startup: 0.5 }
      ])
    ).toEqual({ a: { secondsPerTest: 1.5 } })
  })
})

describe('input rust-isolation', () => {
  const env = { workspace: os.tmpdir(), tempDirectory: os.tmpdir() }
  const read = (value: string) => (name: string) =>
    ({ command: 'cargo nextest run', 'rust-isolation': value })[name] ?? ''
  it('defaults to auto and accepts batch and per-test', () => {
    expect(readConfig(read(''), env).rustIsolation).toBe('auto')
    expect(readConfig(read('Per-Test'), env).rustIsolation).toBe('per-test')
  })
  it('refuses anything else, saying what is accepted', () => {
    expect(() => readConfig(read('fast'), env)).toThrow(
      "Input 'rust-isolation' must be one of auto, batch, per-test, got 'fast'."
    )
  })
})

describe('cpuSecondsFromTimes', () => {
  it("reads the children's user + system time of dash's and bash's `times`", () => {
    expect(cpuSecondsFromTimes('0m0.000000s 0m0.000000s\n0m1.190000s 0m0.020000s\n')).toBeCloseTo(
      1.21
    )
    expect(cpuSecondsFromTimes('0m0.001s 0m0.002s\n1m2.500s 0m0.500s\n')).toBeCloseTo(63)
    expect(cpuSecondsFromTimes('')).toBeUndefined()
  })
})
