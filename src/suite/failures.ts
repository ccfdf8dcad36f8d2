// Which tests of a ctest or meson run failed on their own, from the logs the driver writes: the
// verdict names them ("1 test failed on its own: ...") instead of a bare exit status (ctest's
// memory-check step exits 16 when a test fails).
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { FatalSignal, ProcessRun, TestFailure, TestIdentity } from '../model.js'
import { errorSummary } from '../analysis/leak-totals.js'
import { statusFromValgrind } from '../analysis/outcome.js'
import { errorExitCodeOf } from '../valgrind/args.js'
import { sameArgs, type SuiteTest } from './attribute.js'

/** `Testing/Temporary/LastTestsFailed_<tag>.log`: one `<number>:<name>` line per failed test. */
export function parseCtestFailedLog(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\d+:(.+)$/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined)
}

/** `meson-logs/testlog*.json`: one JSON object per line with `name`, `result` and `returncode`. */
export function parseMesonTestLog(text: string): TestFailure[] {
  const failures: TestFailure[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let entry: { name?: unknown; result?: unknown; returncode?: unknown }
    try {
      entry = JSON.parse(line) as typeof entry
    } catch {
      continue
    }
    if (typeof entry.name !== 'string' || typeof entry.result !== 'string') continue
    if (['OK', 'SKIP', 'EXPECTEDFAIL'].includes(entry.result)) continue
    failures.push({
      test: { binary: entry.name, name: entry.name, runner: 'meson' },
      exitCode: typeof entry.returncode === 'number' ? entry.returncode : null,
      message: `meson test result ${entry.result}`
    })
  }
  return failures
}

/** The directory a ctest command runs its tests in: `--test-dir <dir>`, else the working directory. */
export function ctestDirectory(args: readonly string[], cwd: string): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--test-dir' && args[i + 1] !== undefined) return path.resolve(cwd, args[i + 1])
    if (args[i].startsWith('--test-dir=')) return path.resolve(cwd, args[i].slice(11))
  }
  return cwd
}

/** The driver's logs in a build directory as they were before the run: path to "mtime size". */
export type LogStamps = ReadonlyMap<string, string>

function stampOf(stats: fs.Stats): string {
  return `${stats.mtimeMs} ${stats.size}`
}

/**
 * The driver's logs as they are now (ctest's `Testing/Temporary/Last*.log`, meson's
 * `meson-logs/testlog*.json`), taken before the run: a log that is the same after it was not
 * written by it. ctest writes no failed-tests log when no test failed, or ran.
 */
export function suiteLogStamps(mode: 'ctest' | 'meson', directory: string): LogStamps {
  const [dir, pattern] =
    mode === 'ctest'
      ? [path.join(directory, 'Testing', 'Temporary'), /^Last.*\.log$/]
      : [path.join(directory, 'meson-logs'), /^testlog.*\.json$/]
  const stamps = new Map<string, string>()
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return stamps
  }
  for (const name of names) {
    if (!pattern.test(name)) continue
    try {
      stamps.set(path.join(dir, name), stampOf(fs.statSync(path.join(dir, name))))
    } catch {
      // Gone meanwhile.
    }
  }
  return stamps
}

/**
 * A log written by this run (ctest and meson leave the last run's logs in place): modified since
 * `since`, and changed from its stamp before the run when one was taken.
 */
function freshText(file: string, since: number, before?: LogStamps): string | undefined {
  try {
    const stats = fs.statSync(file)
    if (stats.mtimeMs < since || before?.get(file) === stampOf(stats)) return undefined
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** The tag of ctest's last dashboard run (`Testing/TAG`), which names its logs. */
function ctestTag(testDirectory: string): string | undefined {
  try {
    return fs
      .readFileSync(path.join(testDirectory, 'Testing', 'TAG'), 'utf8')
      .split('\n')[0]
      .trim()
  } catch {
    return undefined
  }
}

/** This run's ctest log `Last<kind>_<tag>.log`, else `Last<kind>.log`. */
function ctestLog(
  testDirectory: string,
  kind: string,
  since: number,
  before?: LogStamps
): string | undefined {
  const temporary = path.join(testDirectory, 'Testing', 'Temporary')
  const tag = ctestTag(testDirectory)
  return (
    (tag !== undefined
      ? freshText(path.join(temporary, `Last${kind}_${tag}.log`), since, before)
      : undefined) ?? freshText(path.join(temporary, `Last${kind}.log`), since, before)
  )
}

/**
 * Which test each memory checker log belongs to, from ctest's dynamic analysis log: ctest starts
 * every test's valgrind with `--log-file=.../MemoryChecker.<n>.log`, and valgrind hands its
 * options on to every process it traces, so each process of a test names its test, also when two
 * tests run the same command (with another environment) or a test's script runs another test's
 * program. Pure.
 */
export function parseCtestAnalysisLog(text: string): Map<string, string> {
  const testOf = new Map<string, string>()
  let test: string | undefined
  for (const line of text.split('\n')) {
    const named = /^\d+\/\d+ Test: (.*)$/.exec(line)
    if (named !== null) {
      test = named[1]
      continue
    }
    if (test !== undefined && line.startsWith('Command: ')) {
      const logFile = /"--log-file=([^"]*MemoryChecker\.\d+\.log)"/.exec(line)?.[1]
      if (logFile !== undefined) testOf.set(logFile, test)
      test = undefined
    }
  }
  return testOf
}

/** This run's memory checker logs and their tests (see parseCtestAnalysisLog). */
export function ctestTestsByLogFile(
  testDirectory: string,
  since: number,
  before?: LogStamps
): Map<string, string> {
  return parseCtestAnalysisLog(ctestLog(testDirectory, 'DynamicAnalysis', since, before) ?? '')
}

export function ctestFailures(
  testDirectory: string,
  since: number,
  before?: LogStamps
): TestFailure[] {
  const text = ctestLog(testDirectory, 'TestsFailed', since, before)
  return parseCtestFailedLog(text ?? '').map((name) => ({
    test: { binary: name, name, runner: 'ctest' },
    exitCode: null,
    message: 'failed under ctest (its output is in the log above)'
  }))
}

/**
 * Failures from this run's meson test log. Meson names the log after the wrapper it runs each
 * test with (`testlog-valgrind.json` for ours) or the test setup (`testlog-<setup>.json`), and
 * `testlog.json` without either: the newest of them written by this run is the one.
 */
export function mesonFailures(
  buildDirectory: string,
  since: number,
  before?: LogStamps
): TestFailure[] {
  const logs = path.join(buildDirectory, 'meson-logs')
  let newest: { file: string; mtimeMs: number } | undefined
  let names: string[]
  try {
    names = fs.readdirSync(logs)
  } catch {
    return []
  }
  for (const name of names) {
    if (!/^testlog(-.+)?\.json$/.test(name)) continue
    const file = path.join(logs, name)
    try {
      const stats = fs.statSync(file)
      const { mtimeMs } = stats
      if (before?.get(file) === stampOf(stats)) continue
      if (mtimeMs >= since && (newest === undefined || mtimeMs > newest.mtimeMs)) {
        newest = { file, mtimeMs }
      }
    } catch {
      // Gone meanwhile.
    }
  }
  const text = newest !== undefined ? freshText(newest.file, since, before) : undefined
  return text !== undefined ? parseMesonTestLog(text) : []
}

/**
 * The tests a ctest or meson run reports failed, split into those valgrind's --error-exitcode
 * failed (one of the test's processes counts errors: a valgrind finding, not a failure of the
 * test's own) and the rest. meson gives each test's status, compared as for a program; ctest's
 * log names the test only, so a test whose process counts errors is taken as failed by valgrind.
 */
export function splitSuiteFailures(
  failures: readonly TestFailure[],
  runs: readonly ProcessRun[],
  tests: readonly SuiteTest[] = []
): { own: TestFailure[]; byValgrind: TestIdentity[] } {
  const own: TestFailure[] = []
  const byValgrind: TestIdentity[] = []
  for (const failure of failures) {
    // The toolchain's too: a compiler a test runs counts errors of its own (kept out of the
    // verdict), and valgrind's status fails that test all the same.
    const processes = testProcessTree(failure.test, runs, tests)
    if (processes.length === 0 && failure.test.runner === 'ctest') {
      // No valgrind ever ran for it: ctest's "Not Run" (a missing executable, a failed fixture).
      own.push({
        ...failure,
        message:
          'never started under valgrind: ctest could not run it (a missing executable, a failed fixture); its output is in the log above'
      })
      continue
    }
    // A process that died of a signal crashed: valgrind's status never replaces a death by signal
    // (valgrind re-raises it), even when the bad access that led there counts as an error.
    const crashed = processes.find((run) => run.fatalSignal !== undefined)?.fatalSignal
    if (crashed !== undefined) {
      own.push({ ...failure, signal: crashed.signame, message: crashText(crashed) })
      continue
    }
    const valgrinds = processes.some((run) =>
      failure.exitCode !== null
        ? statusFromValgrind(failure.exitCode, run)
        : errorExitCodeOf(run.valgrindArgs) !== undefined && errorSummary(run).errors > 0
    )
    if (valgrinds) byValgrind.push(failure.test)
    else own.push(failure)
  }
  return { own, byValgrind }
}

/**
 * The processes of a test: those tied to it, or, when none is (meson names no test in a process:
 * two tests of one command with other environments are told apart by nothing), those running its
 * command; with every process below them, whoever it was credited to (a wrapper script's program
 * whose command is another test's too).
 */
function testProcessTree(
  identity: TestIdentity,
  runs: readonly ProcessRun[],
  tests: readonly SuiteTest[]
): ProcessRun[] {
  let roots = runs.filter((run) => run.test?.name === identity.name)
  const test = tests.find((candidate) => candidate.name === identity.name)
  if (roots.length === 0 && test !== undefined && test.command.length > 0) {
    const name = path.basename(test.command[0])
    roots = runs.filter(
      (run) =>
        run.exe !== undefined &&
        path.basename(run.exe) === name &&
        sameArgs(test.command.slice(1), run.args)
    )
  }
  const tree = new Set(roots)
  const pids = new Set(roots.flatMap((run) => (run.pid !== undefined ? [run.pid] : [])))
  let grew = true
  while (grew) {
    grew = false
    for (const run of runs) {
      if (tree.has(run) || run.pid === undefined) continue
      // A child of one of them, or another image of one (exec keeps the pid).
      if (pids.has(run.pid) || (run.ppid !== undefined && pids.has(run.ppid))) {
        tree.add(run)
        pids.add(run.pid)
        grew = true
      }
    }
  }
  return [...tree]
}

/** "Access not within mapped region in crash (t_segv.cpp:3)": how and where a process died. */
function crashText(signal: FatalSignal): string {
  // The program's own frame, past the C library's (abort, raise, pthread_kill) when it has one.
  const named = signal.stack.filter((f) => f.fn !== undefined)
  const frame = named.find((f) => f.obj === undefined || !SYSTEM_OBJECT.test(f.obj)) ?? named[0]
  const where =
    frame !== undefined
      ? `in ${frame.fn}${frame.file !== undefined ? ` (${frame.file}${frame.line !== undefined ? `:${frame.line}` : ''})` : ''}`
      : ''
  return (
    [signal.event, where].filter((part) => part !== undefined && part !== '').join(' ') ||
    signal.signame
  )
}

/** Shared objects of the system and valgrind's preloads: not where a test's own code crashed. */
const SYSTEM_OBJECT = /^\/(?:usr\/)?lib(?:exec|32|64)?\//
