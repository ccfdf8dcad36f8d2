// Runs a `cargo nextest run …` command in batches (rust-isolation auto/batch): nextest selects
// the tests (`cargo nextest list --message-format json` with the user's arguments, which also
// builds them), then the action runs each test binary under valgrind with batches of those tests,
// on every core, through the same target runner script that records each process. A batch that
// does not complete its libtest report is run again test by test. Planning is in batches.ts.
// Like executePlan, the batches own their processes: the tests get the step's environment without
// the runner's internal variables, every process carries the run's tracking variable (whatever a
// test leaves running is stopped at the end), and cancellation stops the running batches (valgrind
// finishes its XML) and starts no more.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { programEnvironment } from '../valgrind/environment.js'
import { stopTrackedProcesses, TRACKING_VARIABLE } from '../valgrind/process-tree.js'
import { DRAIN_MS, STOP_GRACE_MS, type ProcessExit } from '../valgrind/run.js'
import {
  batchFailed,
  batchFinished,
  chooseIsolation,
  estimatedStartup,
  jobArguments,
  measuredTimings,
  perTestJobs,
  planJobs,
  type Job,
  type PlanInput,
  type RustIsolation,
  type SuiteTiming
} from './batches.js'
import { listCallForRun, parseTestList, type TestList } from './nextest-list.js'
import { cpuSecondsFromTimes, parseStatusRecord } from './runner-script.js'

export interface BatchRunOptions {
  /** `cargo` (or `cargo-nextest`) and the user's arguments, `run` at `runAt`. */
  command: string
  args: string[]
  runAt: number
  cwd: string
  /** The target runner variables and the state directory variable. */
  env: Record<string, string>
  runner: string
  stateDir: string
  isolation: RustIsolation
  write: (text: string) => void
  /** Aborted when the step is cancelled; the reason is the signal's name. */
  cancel?: AbortSignal
}

/** Where the per-binary timings of earlier runs are kept, in the target directory. */
export const TIMINGS_FILE = path.join('valgrind-action', 'rust-timings.json')
/** What `finishRustRun` reads to say how each suite ran. */
export const CHOICES_FILE = 'isolation.json'

interface Captured {
  exitCode: number | null
  signal: string | null
  stdout: string
  stderr: string
  pid?: number
}

/** Waits for `promise`, at most `ms`; the timer does not outlive the wait. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

/**
 * Runs one process and collects its output. Ends when the process exits: output still in the pipes
 * arrives at once, a process it left holding them (a daemon) gets DRAIN_MS, then the pipes close.
 * `running` holds the child while it runs (for cancellation).
 */
function capture(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  running: Set<ReturnType<typeof spawn>>,
  streamStderr?: (text: string) => void
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => {
      if (streamStderr !== undefined) streamStderr(chunk.toString('utf8'))
      else stderr.push(chunk)
    })
    const closed = Promise.all(
      [child.stdout, child.stderr].map(
        (stream) =>
          new Promise<void>((done) => {
            stream.on('close', () => done())
            stream.on('error', () => done())
          })
      )
    )
    child.on('error', (error) => {
      running.delete(child)
      reject(new Error(`Could not start '${command}': ${error.message}`))
    })
    child.on('exit', (exitCode, signal) => {
      running.delete(child)
      void waitAtMost(closed, DRAIN_MS).then(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        resolve({
          exitCode,
          signal,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          pid: child.pid
        })
      })
    })
  })
}

function readTimings(targetDirectory: string | undefined): Record<string, SuiteTiming> {
  if (targetDirectory === undefined) return {}
  try {
    return JSON.parse(fs.readFileSync(path.join(targetDirectory, TIMINGS_FILE), 'utf8')) as Record<
      string,
      SuiteTiming
    >
  } catch {
    return {} // first run, or an unreadable file: plan without history
  }
}

function writeTimings(targetDirectory: string | undefined, timings: Record<string, SuiteTiming>) {
  if (targetDirectory === undefined) return
  try {
    const file = path.join(targetDirectory, TIMINGS_FILE)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify({ ...readTimings(targetDirectory), ...timings }, null, 1))
  } catch {
    // A read-only target directory: the next run plans without history.
  }
}

function binarySize(file: string): number {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}

/** The environment nextest gives a test process, as far as the list tells it. */
function testEnv(baseEnv: Record<string, string>, list: TestList, job: Job): NodeJS.ProcessEnv {
  const loaderPath = [...list.libraryPaths, baseEnv.LD_LIBRARY_PATH ?? '']
    .filter((p) => p !== '')
    .join(':')
  return {
    ...baseEnv,
    NEXTEST_BINARY_ID: job.suite.binaryId,
    CARGO_MANIFEST_DIR: job.suite.cwd,
    CARGO_PKG_NAME: job.suite.packageName,
    LD_LIBRARY_PATH: loaderPath
  }
}

function describeJob(job: Job): string {
  return job.tests.length === 1
    ? `${job.suite.binaryId} ${job.tests[0]}`
    : `${job.suite.binaryId}: batch of ${job.tests.length} tests`
}

/** Runs the nextest command in batches; the exit status is nextest's: 100 when a test failed. */
export async function runBatches(options: BatchRunOptions): Promise<ProcessExit> {
  const trackingId = randomUUID()
  const running = new Set<ReturnType<typeof spawn>>()
  let cancelled: string | undefined
  let stopping: Promise<unknown> | undefined
  const onCancel = () => {
    cancelled = String(options.cancel?.reason ?? 'SIGINT')
    for (const child of running) child.kill('SIGTERM')
    stopping ??= stopTrackedProcesses(trackingId, STOP_GRACE_MS)
  }
  if (options.cancel?.aborted) onCancel()
  else options.cancel?.addEventListener('abort', onCancel, { once: true })
  try {
    const exit = await runSelected(options, trackingId, running, () => cancelled !== undefined)
    await stopping
    // Whatever the tests left running is stopped, as executePlan does for a program.
    const leftBehind = await stopTrackedProcesses(trackingId, STOP_GRACE_MS)
    return {
      ...exit,
      cancelled,
      leftRunning: leftBehind.found,
      leftKilled: leftBehind.killed,
      lateOutputBytes: 0
    }
  } finally {
    options.cancel?.removeEventListener('abort', onCancel)
  }
}

async function runSelected(
  options: BatchRunOptions,
  trackingId: string,
  running: Set<ReturnType<typeof spawn>>,
  isCancelled: () => boolean
): Promise<{ exitCode: number | null; signal: string | null }> {
  const { write } = options
  const listCall = listCallForRun(options.args, options.runAt)
  write(`valgrind-action: selecting tests with ${options.command} ${listCall.args.join(' ')}\n`)
  const baseEnv = {
    ...programEnvironment(process.env),
    ...options.env,
    [TRACKING_VARIABLE]: trackingId
  }
  const listed = await capture(options.command, listCall.args, options.cwd, baseEnv, running, write)
  if (listed.exitCode !== 0 || isCancelled()) {
    return { exitCode: listed.exitCode, signal: listed.signal }
  }
  const list = parseTestList(listed.stdout)
  if (list.suites.length === 0) {
    // nextest's own answer to an empty selection (exit 4, NO_TESTS_RUN).
    write("valgrind-action: no test matches the command's filters: nothing ran under valgrind\n")
    return { exitCode: 4, signal: null }
  }
  const cores = listCall.testThreads ?? os.availableParallelism()
  const timings = readTimings(list.targetDirectory)
  const inputs: PlanInput[] = list.suites.map((suite) => {
    const binaryBytes = binarySize(suite.binaryPath)
    const timing = timings[suite.binaryId]
    return {
      suite,
      binaryBytes,
      timing,
      choice: chooseIsolation(suite, options.isolation, binaryBytes, timing)
    }
  })
  fs.writeFileSync(
    path.join(options.stateDir, CHOICES_FILE),
    JSON.stringify({ cores, choices: inputs.map((input) => input.choice) })
  )
  const queue = planJobs(inputs, cores)
  const tests = list.suites.reduce((sum, suite) => sum + suite.tests.length, 0)
  write(
    `valgrind-action: ${tests} test(s) in ${list.suites.length} binaries, ${queue.length} valgrind process(es), ${cores} at a time\n`
  )

  const results: { job: Job; seconds: number; startup: number }[] = []
  let failed = false
  const runJob = async (job: Job): Promise<void> => {
    const started = process.hrtime.bigint()
    const ran = await capture(
      options.runner,
      [job.suite.binaryPath, ...jobArguments(job)],
      job.suite.cwd,
      testEnv(baseEnv, list, job),
      running
    )
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const recordFile = path.join(options.stateDir, `${ran.pid}.status`)
    const record = fs.existsSync(recordFile)
      ? parseStatusRecord(ran.pid ?? 0, fs.readFileSync(recordFile, 'utf8'))
      : undefined
    const exitCode = record?.exitCode
    // Each stream ends its last line: a batch cut short (exit() mid-line, a crash) leaves
    // libtest's `test x ... ` unfinished, and the next words are not libtest's.
    const ended = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`)
    write(
      `──── ${describeJob(job)} (${seconds.toFixed(1)} s) ────\n${ended(ran.stdout)}${ended(ran.stderr)}`
    )
    // Stopped by a cancellation: its XML is reported as written, nothing is re-run or timed.
    if (isCancelled()) return
    if (!job.isolated && !batchFinished(exitCode, ran.stdout)) {
      // A crash, an abort or an exit() inside a test: its batch mates' results are unknown. Run
      // each test alone; the batch's own files and record are set aside (not reported twice).
      if (fs.existsSync(recordFile)) fs.appendFileSync(recordFile, 'superseded\n')
      write(
        `valgrind-action: the batch ended before its report (exit ${exitCode ?? ran.signal ?? 'unknown'}); running its ${job.tests.length} tests one by one\n`
      )
      queue.push(...perTestJobs(job.suite, job.tests, job.estimate / Math.max(1, job.tests.length)))
      return
    }
    // CPU time where the runner could record it: wall time on a busy machine says little.
    const cpu = fs.existsSync(`${recordFile}.cpu`)
      ? cpuSecondsFromTimes(fs.readFileSync(`${recordFile}.cpu`, 'utf8'))
      : undefined
    results.push({
      job,
      seconds: cpu ?? seconds,
      startup: estimatedStartup(binarySize(job.suite.binaryPath))
    })
    // A test failed (libtest says so), or a test alone crashed: nextest's status 100.
    if (!batchFinished(exitCode, ran.stdout) || batchFailed(ran.stdout)) failed = true
  }
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined && !isCancelled(); job = queue.shift()) {
      await runJob(job)
    }
  }
  // Workers take the next job as they finish one; re-runs join the same queue.
  do {
    await Promise.all(Array.from({ length: Math.min(cores, queue.length) }, worker))
  } while (queue.length > 0 && !isCancelled())
  if (isCancelled()) return { exitCode: failed ? 100 : 0, signal: null }
  writeTimings(list.targetDirectory, measuredTimings(results))
  return { exitCode: failed ? 100 : 0, signal: null }
}
