// How the selected tests of a nextest run are spread over valgrind processes. Pure planning:
// suites, cores and what earlier runs measured in; jobs (one valgrind process each) out.
//
// Every valgrind process pays a start-up (reading the binary's debug info, about 0.5 s for a small
// Rust test binary) and an exit-time leak scan, whatever the test does. One process per test pays
// that per test; one process per binary runs the binary's tests one after the other (valgrind
// serializes a program's threads) and leaves the other cores idle. Batches take the middle way:
// each binary runs as a few processes, each with a share of its tests, enough to keep every core
// busy. A batch that does not finish its report (a crash, an abort) is run again test by test.
import type { TestSuite } from './nextest-list.js'

export type RustIsolation = 'auto' | 'batch' | 'per-test'
export const RUST_ISOLATIONS: readonly RustIsolation[] = ['auto', 'batch', 'per-test']

/** What an earlier run measured for one test binary (kept in the target directory). */
export interface SuiteTiming {
  /** Seconds of work per test under valgrind, start-up excluded. */
  secondsPerTest: number
}

/** A per-test process pays its start-up on top of the work; past this ratio of work to start-up,
 * isolation costs under 10% and balances the cores better than batches of unequal tests. */
export const PER_TEST_WORK_RATIO = 10
/** Work assumed per test when nothing was measured: most unit tests take milliseconds. */
const UNKNOWN_SECONDS_PER_TEST = 0.02

/** valgrind's start-up for a test binary, from its size (its debug info is most of it). */
export function estimatedStartup(binaryBytes: number): number {
  return 0.3 + (0.05 * binaryBytes) / 1e6
}

export interface SuiteChoice {
  binaryId: string
  isolation: 'batch' | 'per-test'
  /** Why, in words for the log and the summary. */
  reason: string
}

/** Per suite: batches or one process per test, and why. */
export function chooseIsolation(
  suite: TestSuite,
  requested: RustIsolation,
  binaryBytes: number,
  timing: SuiteTiming | undefined
): SuiteChoice {
  const base = { binaryId: suite.binaryId }
  const count = `${suite.tests.length} test${suite.tests.length === 1 ? '' : 's'}`
  if (requested === 'per-test') {
    return { ...base, isolation: 'per-test', reason: `${count}, rust-isolation: per-test` }
  }
  if (requested === 'batch') {
    return { ...base, isolation: 'batch', reason: `${count}, rust-isolation: batch` }
  }
  const startup = estimatedStartup(binaryBytes)
  const startupWords = `start-up ~${startup.toFixed(1)} s (${(binaryBytes / 1e6).toFixed(1)} MB binary)`
  if (suite.tests.length === 1) {
    return { ...base, isolation: 'per-test', reason: `1 test: its own process either way` }
  }
  if (timing !== undefined && timing.secondsPerTest >= PER_TEST_WORK_RATIO * startup) {
    return {
      ...base,
      isolation: 'per-test',
      reason: `${count} of ~${timing.secondsPerTest.toFixed(1)} s each in an earlier run, ${startupWords}: isolation costs little`
    }
  }
  const work =
    timing !== undefined
      ? `~${timing.secondsPerTest.toFixed(2)} s each in an earlier run`
      : 'no earlier timings'
  return {
    ...base,
    isolation: 'batch',
    reason: `${count}, ${work}, ${startupWords}: one start-up per test would dominate`
  }
}

/** One valgrind process: a test binary with some of its tests. */
export interface Job {
  suite: TestSuite
  tests: string[]
  /** Whether any test is `#[ignore]`d (the process then needs `--include-ignored`). */
  includeIgnored: boolean
  /** Estimated seconds, for scheduling the longest first. */
  estimate: number
  /** One test in its own process: a per-test suite, or a re-run after a batch crashed. */
  isolated: boolean
}

export interface PlanInput {
  suite: TestSuite
  choice: SuiteChoice
  binaryBytes: number
  timing?: SuiteTiming
}

function jobOf(suite: TestSuite, names: string[], estimate: number, isolated: boolean): Job {
  const ignored = new Set(suite.tests.filter((t) => t.ignored).map((t) => t.name))
  return {
    suite,
    tests: names,
    includeIgnored: names.some((name) => ignored.has(name)),
    estimate,
    isolated
  }
}

/** Each test in its own process. */
export function perTestJobs(suite: TestSuite, names: readonly string[], estimate: number): Job[] {
  return names.map((name) => jobOf(suite, [name], estimate, true))
}

/**
 * The jobs of a run, longest first. Batched suites start with one batch each. A batch is added to
 * the suite with the longest batches while fewer jobs than cores exist, or while its batches run
 * over 1.25 times the fair share per core (all work and start-ups / cores) — but, where an earlier
 * run measured the suite, only while its batches still hold more work than one start-up: tiny
 * tests gain nothing from a second process, which costs a start-up of CPU on a busy machine.
 */
export function planJobs(inputs: readonly PlanInput[], cores: number): Job[] {
  const jobs: Job[] = []
  type Batched = {
    input: PlanInput
    startup: number
    work: number
    batches: number
    measured: boolean
  }
  const batched: Batched[] = []
  let perTestCost = 0
  for (const input of inputs) {
    const startup = estimatedStartup(input.binaryBytes)
    const perTest = input.timing?.secondsPerTest ?? UNKNOWN_SECONDS_PER_TEST
    const names = input.suite.tests.map((t) => t.name)
    if (input.choice.isolation === 'per-test') {
      jobs.push(...perTestJobs(input.suite, names, startup + perTest))
      perTestCost += names.length * (startup + perTest)
    } else {
      const work = names.length * perTest
      batched.push({ input, startup, work, batches: 1, measured: input.timing !== undefined })
    }
  }
  const batchCost = (b: Batched) => b.startup + b.work / b.batches
  const worthSplitting = (b: Batched) =>
    b.batches < b.input.suite.tests.length && (!b.measured || b.work / b.batches >= b.startup)
  for (;;) {
    const splittable = batched.filter(worthSplitting)
    if (splittable.length === 0) break
    const longest = splittable.reduce((a, b) => (batchCost(b) > batchCost(a) ? b : a))
    const jobCount = jobs.length + batched.reduce((sum, b) => sum + b.batches, 0)
    const total = perTestCost + batched.reduce((sum, b) => sum + b.work + b.batches * b.startup, 0)
    const share = total / Math.max(1, cores)
    if (jobCount >= cores && batchCost(longest) <= 1.25 * share) break
    longest.batches++
  }
  for (const b of batched) {
    const names = b.input.suite.tests.map((t) => t.name)
    for (let index = 0; index < b.batches; index++) {
      // Every b-th test: neighbours (often alike in cost) land in different batches.
      const share = names.filter((_, i) => i % b.batches === index)
      jobs.push(jobOf(b.input.suite, share, batchCost(b), share.length === 1))
    }
  }
  return jobs.sort((a, b) => b.estimate - a.estimate)
}

/** The test binary's arguments for a job: exactly its tests, one at a time. */
export function jobArguments(job: Job): string[] {
  // --test-threads=1: one test at a time, as nextest runs them; valgrind serializes threads anyway.
  const args = ['--exact', ...job.tests, '--test-threads=1']
  if (job.includeIgnored) args.push('--include-ignored')
  return args
}

/**
 * Whether a batch's libtest report is complete: the process ended by itself (no signal: a shell
 * status under 128, whatever the code: 101 for failed tests, or a valgrind `--error-exitcode`) and
 * libtest printed its result line (an `exit()` inside a test ends the process without it).
 */
export function batchFinished(exitCode: number | undefined, stdout: string): boolean {
  return exitCode !== undefined && exitCode < 128 && /^test result: /m.test(stdout)
}

/** Whether libtest reported a failed test (the exit status may be valgrind's --error-exitcode). */
export function batchFailed(stdout: string): boolean {
  return /^test result: FAILED\./m.test(stdout)
}

/** Seconds of work per test measured by this run's jobs, per binary id. */
export function measuredTimings(
  results: readonly { job: Job; seconds: number; startup: number }[]
): Record<string, SuiteTiming> {
  const sums = new Map<string, { seconds: number; tests: number }>()
  for (const { job, seconds, startup } of results) {
    const sum = sums.get(job.suite.binaryId) ?? { seconds: 0, tests: 0 }
    sum.seconds += Math.max(0, seconds - startup)
    sum.tests += job.tests.length
    sums.set(job.suite.binaryId, sum)
  }
  return Object.fromEntries(
    [...sums].map(([id, sum]) => [id, { secondsPerTest: sum.seconds / Math.max(1, sum.tests) }])
  )
}

/**
 * Whether a whole nextest run should stay nextest's own (one process per test), before listing:
 * with `rust-isolation: per-test`, and in `auto` when the run relies on what only nextest's
 * scheduler does per test: retries (`--retries`, `retries =`), terminating slow tests
 * (`terminate-after`), test groups and serialised tests (`test-groups`, `threads-required`,
 * `test-threads`), failing leaky tests (`leak-timeout`) in the repository's nextest config, and
 * the environment a cargo config's `[env]` gives each test (batches start the test binaries
 * themselves). Undefined: batches may be used.
 */
export function nextestOwnRunReason(
  requested: RustIsolation,
  runArgs: readonly string[],
  repositoryConfig: string | undefined,
  cargoConfig?: string
): string | undefined {
  if (requested === 'per-test') return 'rust-isolation: per-test'
  if (runArgs.some((arg) => arg === '--archive-file' || arg.startsWith('--archive-file='))) {
    // nextest extracts an archive for the length of one command: a list's binaries are gone after it.
    return 'an --archive-file run: nextest extracts the test binaries for its own run only'
  }
  if (requested === 'batch') return undefined
  if (runArgs.some((arg) => arg === '--retries' || arg.startsWith('--retries='))) {
    return 'the command asks for --retries, which nextest applies per test process'
  }
  const config = (repositoryConfig ?? '').replace(/#.*$/gm, '')
  if (/\bterminate-after\s*=/.test(config)) {
    return "the repository's .config/nextest.toml terminates slow tests (terminate-after), which nextest does per test process"
  }
  if (/^\s*retries\s*=/m.test(config) || /[{,]\s*retries\s*=/.test(config)) {
    return "the repository's .config/nextest.toml sets retries, which nextest applies per test process"
  }
  if (/\btest-groups?\b|\bthreads-required\s*=|\btest-threads\s*=\s*-?\d/.test(config)) {
    return "the repository's .config/nextest.toml limits which tests run at once (test groups, threads-required or test-threads), which nextest's scheduler does per test process"
  }
  if (/\bleak-timeout\s*=/.test(config)) {
    return "the repository's .config/nextest.toml sets leak-timeout, which nextest judges per test process"
  }
  if (/^\s*\[env\]/m.test((cargoConfig ?? '').replace(/#.*$/gm, ''))) {
    return 'a cargo config sets [env], which nextest gives each test process it starts'
  }
  return undefined
}
