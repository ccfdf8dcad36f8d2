// Rust support: `cargo nextest run` and `cargo test` under valgrind, every finding tied to its test.
//
// Cargo is never run under valgrind. The plan sets cargo's target runner for the host triple
// (`CARGO_TARGET_<TRIPLE>_RUNNER`, honoured by cargo test and by every nextest version) to a
// generated script that runs each test binary under valgrind, except nextest's `--list` calls.
// A nextest command runs in batches by default (batch-run.ts: nextest lists the selected tests, the
// action starts the runner per batch of a binary's tests); in nextest's own run, one process per
// test. Each process writes its own `%p` XML file and leaves a small status record, from which
// `finishRustRun` learns which tests a process ran and which failed on their own. Why a runner and
// not a nextest wrapper script: docs/rust.md.
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Config } from '../config.js'
import type { Frame, ProcessRun, TestFailure, TestIdentity } from '../model.js'
import type { RunPlan, ValgrindInvocation } from '../plan.js'
import {
  defaultHostTriple,
  hostTripleFromRustcVersion,
  parseCargoTestCommand,
  runnerVariable,
  withNoFailFast,
  type CargoTestCommand
} from './command.js'
import { runBatches, CHOICES_FILE } from './batch-run.js'
import { nextestOwnRunReason, type SuiteChoice } from './batches.js'
import { listedTestInStack, listedTestName, testFromStack } from './frames.js'
import { errorSummary } from '../analysis/leak-totals.js'
import { errorExitCodeOf } from '../valgrind/args.js'
import { parseLibtestFailures } from './libtest-output.js'
import { parseStatusRecord, runnerScript, type TestProcessRecord } from './runner-script.js'
import { findingLocation } from '../analysis/location.js'
import { workspaceExecutable } from '../suite/attribute.js'

export { testFromStack } from './frames.js'
export { parseCargoTestCommand } from './command.js'

/** Carries the state directory from the plan to `finishRustRun` (and into the runner's env). */
export const STATE_VARIABLE = 'VALGRIND_ACTION_RUST_STATE'
/** The name nextest shows for the action's tool config file. */
const NEXTEST_TOOL_NAME = 'valgrind-action'
/** Deep enough to reach libtest's entry from a test's allocations (std adds ~30 frames). */
export const RUST_NUM_CALLERS = 50
/**
 * nextest's slow-test warning period, when the repository's config sets none: tests run 20-50x
 * slower under valgrind, so the default 60 s would flag almost every test as SLOW. Only a warning:
 * nothing is terminated unless the user's own config says `terminate-after`.
 */
export const NEXTEST_SLOW_TIMEOUT = '5m'

/** The suppressions shipped with the action, found from src/rust/ (tests) or dist/ (the bundle). */
export function bundledRustSuppressions(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url))
  return [path.join(here, '..', 'suppressions'), path.join(here, '..', '..', 'suppressions')]
    .map((dir) => path.join(dir, 'rust-std.supp'))
    .find((file) => fs.existsSync(file))
}

async function hostTriple(command: CargoTestCommand, cwd: string): Promise<string> {
  const args = command.toolchain !== undefined ? [command.toolchain, '-vV'] : ['-vV']
  try {
    const { stdout } = await promisify(execFile)('rustc', args, { cwd, encoding: 'utf8' })
    const triple = hostTripleFromRustcVersion(stdout)
    if (triple !== undefined) return triple
  } catch {
    // No rustc on PATH (e.g. a nextest archive run on a machine without a toolchain): guess below.
  }
  const guess = defaultHostTriple()
  if (guess === undefined) {
    throw new Error(
      `Could not find the Rust host triple: 'rustc -vV' failed and ${process.arch}/${process.platform} has no default. Install a Rust toolchain on this runner.`
    )
  }
  return guess
}

/** valgrind's argv with what Rust needs: deep stacks and the std suppressions (memcheck). */
function rustValgrindArgv(config: Config, valgrind: ValgrindInvocation): string[] {
  const [executable, ...options] = valgrind.argv
  const added: string[] = []
  if (valgrind.tool !== 'callgrind' && !options.some((o) => o.startsWith('--num-callers'))) {
    added.push(`--num-callers=${RUST_NUM_CALLERS}`)
  }
  if (config.rustSuppressions && valgrind.tool === 'memcheck') {
    const file = bundledRustSuppressions()
    if (file !== undefined) added.push(`--suppressions=${file}`)
  }
  // Before the other options, so that the user's own (given last) win.
  return [executable, ...added, ...options]
}

/** cargo splits a RUNNER variable on whitespace: the script's path must not contain any. */
function scriptDirectory(stateDir: string): string {
  if (!/\s/.test(stateDir)) return stateDir
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valgrind-action-runner-'))
  if (/\s/.test(dir)) {
    throw new Error(
      `Cannot place the Rust target runner: both '${stateDir}' and '${dir}' contain whitespace, which cargo's CARGO_TARGET_<triple>_RUNNER cannot carry. Set 'output-directory' (or TMPDIR) to a path without spaces.`
    )
  }
  return dir
}

/** The repository's `.config/nextest.toml`: the nearest one from the working directory up. */
function repositoryNextestConfig(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, '.config', 'nextest.toml')
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8')
    if (path.dirname(dir) === dir) return undefined
  }
}

/**
 * The cargo configs that apply in `cwd`, joined: `.cargo/config.toml` (or `.cargo/config`) in it
 * and every parent, as cargo reads them, then CARGO_HOME's.
 */
function cargoConfigs(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const dirs: string[] = []
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, '.cargo'))
    if (path.dirname(dir) === dir) break
  }
  const home =
    env.CARGO_HOME ?? (env.HOME !== undefined ? path.join(env.HOME, '.cargo') : undefined)
  if (home !== undefined && !dirs.includes(home)) dirs.push(home)
  const texts: string[] = []
  for (const dir of dirs) {
    for (const name of ['config.toml', 'config']) {
      try {
        texts.push(fs.readFileSync(path.join(dir, name), 'utf8'))
        break
      } catch {
        // None here.
      }
    }
  }
  return texts.join('\n')
}

/** A plan for a cargo command, or undefined when `config.command` is not one. */
export async function planRustRun(
  config: Config,
  valgrind: ValgrindInvocation
): Promise<RunPlan | undefined> {
  const command = parseCargoTestCommand(config.command)
  if (command === undefined) return undefined

  const stateDir = path.join(
    path.dirname(valgrind.outputDir),
    `rust-${path.basename(valgrind.outputDir)}`
  )
  fs.mkdirSync(stateDir, { recursive: true })
  fs.mkdirSync(valgrind.outputDir, { recursive: true })
  const runner = path.join(scriptDirectory(stateDir), 'runner.sh')
  const valgrindArgv = rustValgrindArgv(config, valgrind)
  fs.writeFileSync(runner, runnerScript({ mode: command.mode, valgrindArgv, stateDir }), {
    mode: 0o755
  })

  const env: Record<string, string> = { [STATE_VARIABLE]: stateDir }
  const notes: string[] = []
  if (config.rustSuppressions && valgrind.tool === 'memcheck' && !bundledRustSuppressions()) {
    notes.push(
      "The Rust std suppressions (suppressions/rust-std.supp, beside dist/) are missing, so std's own allocations (a 48-byte block per test process) show as findings: use the action's whole repository, not dist/ alone."
    )
  }
  const triples = [await hostTriple(command, config.workingDirectory), ...command.targets]
  for (const triple of new Set(triples)) {
    const variable = runnerVariable(triple)
    const previous = process.env[variable]
    if (previous !== undefined && previous !== '') {
      notes.push(
        `${variable} was '${previous}'; for this run it is valgrind-action's runner (a runner cannot be stacked under valgrind).`
      )
    }
    env[variable] = runner
  }

  const args = withNoFailFast(config.command, command).slice(1)
  if (command.mode === 'nextest') {
    const toolConfig = path.join(stateDir, 'nextest.toml')
    fs.writeFileSync(toolConfig, nextestToolConfig())
    args.splice(command.insertAt - 1, 0, '--tool-config-file', `${NEXTEST_TOOL_NAME}:${toolConfig}`)
  }
  // Batches: nextest selects the tests, the action runs them (see batch-run.ts). Not for
  // callgrind, whose point is a profile per test.
  const ownRun =
    command.mode === 'nextest' && valgrind.tool !== 'callgrind'
      ? nextestOwnRunReason(
          config.rustIsolation,
          config.command,
          repositoryNextestConfig(config.workingDirectory),
          cargoConfigs(config.workingDirectory)
        )
      : undefined
  if (command.mode === 'nextest' && valgrind.tool !== 'callgrind' && ownRun === undefined) {
    const batchRunner = path.join(path.dirname(runner), 'batch-runner.sh')
    fs.writeFileSync(batchRunner, runnerScript({ mode: 'cargo-test', valgrindArgv, stateDir }), {
      mode: 0o755
    })
    const userArgs = config.command.slice(1)
    notes.unshift(
      `rust-isolation: ${config.rustIsolation}. cargo nextest lists the selected tests; valgrind runs each test binary with batches of them (${batchRunner}), a batch that crashes is re-run test by test.`
    )
    const plan: RunPlan = {
      mode: command.mode,
      command: config.command[0],
      args: userArgs,
      env,
      cwd: config.workingDirectory,
      notes
    }
    // plan.env as the engine leaves it (it adds valgrind's own variables before running).
    plan.execute = (options) =>
      runBatches({
        command: config.command[0],
        args: userArgs,
        runAt: command.insertAt - 2,
        cwd: config.workingDirectory,
        env: plan.env,
        runner: batchRunner,
        stateDir,
        isolation: config.rustIsolation,
        write: options.write,
        cancel: options.cancel
      })
    return plan
  }
  const howItRuns =
    command.mode === 'nextest'
      ? `All tests: one valgrind process per test, run by nextest (${ownRun ?? 'callgrind profiles each test'}).`
      : 'One valgrind process per test binary, run by cargo test (its tests one after the other).'
  fs.writeFileSync(path.join(stateDir, CHOICES_FILE), JSON.stringify({ run: howItRuns }))
  notes.unshift(
    command.mode === 'nextest'
      ? `valgrind runs each test process of cargo nextest through the target runner ${runner} (${Object.keys(
          env
        )
          .filter((k) => k !== STATE_VARIABLE)
          .join(', ')}); listing tests runs without valgrind.`
      : `valgrind runs each test binary of cargo test through the target runner ${runner} (${Object.keys(
          env
        )
          .filter((k) => k !== STATE_VARIABLE)
          .join(', ')}); one process runs all tests of a binary.`
  )
  return {
    mode: command.mode,
    command: config.command[0],
    args,
    env,
    cwd: config.workingDirectory,
    notes
  }
}

/** The action's nextest tool config: lower precedence than the repository's `.config/nextest.toml`. */
export function nextestToolConfig(): string {
  return [
    '# Written by valgrind-action. Tool config files have lower precedence than the repository',
    '# config, so a slow-timeout set there (in the chosen profile or in [profile.default]) wins.',
    '[profile.default]',
    `slow-timeout = { period = "${NEXTEST_SLOW_TIMEOUT}" }`,
    ''
  ].join('\n')
}

/** The test binary's display name: `rust_crate-0123456789abcdef` → `rust_crate`. */
export function testBinaryName(exe: string): string {
  const base = path.basename(exe)
  if (base === 'rust_out' && path.basename(path.dirname(exe)).startsWith('rustdoctest')) {
    return 'doctest'
  }
  return base.replace(/-[0-9a-f]{16}$/, '')
}

/** Which test a process ran, from its argv (`<bin> --exact <name> ...`); 'list' for list-phase runs. */
export function testFromArgv(
  exe: string,
  args: readonly string[]
): TestIdentity | 'list' | undefined {
  if (args.includes('--list')) return 'list'
  if (exe === '') return undefined
  const identity: TestIdentity = { binary: testBinaryName(exe) }
  const names = exactNames(args)
  // A batch (several names) runs several tests: its findings are named from their stacks.
  if (names.length === 1) identity.name = names[0]
  return identity
}

/** The test names after `--exact` (one for a nextest process, several for a batch). */
export function exactNames(args: readonly string[]): string[] {
  const exact = args.indexOf('--exact')
  if (exact === -1) return []
  const names: string[] = []
  for (let index = exact + 1; index < args.length && !args[index].startsWith('-'); index++) {
    names.push(args[index])
  }
  return names
}

function readRecords(stateDir: string | undefined): TestProcessRecord[] {
  if (stateDir === undefined || !fs.existsSync(stateDir)) return []
  const records: TestProcessRecord[] = []
  for (const name of fs.readdirSync(stateDir)) {
    const match = /^(\d+)\.status$/.exec(name)
    if (match === null) continue
    const record = parseStatusRecord(
      Number(match[1]),
      fs.readFileSync(path.join(stateDir, name), 'utf8')
    )
    const stdout = path.join(stateDir, `${match[1]}.stdout`)
    if (fs.existsSync(stdout)) record.stdout = fs.readFileSync(stdout, 'utf8')
    records.push(record)
  }
  return records.sort((a, b) => a.pid - b.pid)
}

function recordIdentity(record: TestProcessRecord): TestIdentity {
  const fromArgv = testFromArgv(record.argv[0] ?? '', record.argv.slice(1))
  const identity: TestIdentity =
    fromArgv !== undefined && fromArgv !== 'list' ? fromArgv : { binary: 'unknown' }
  return record.binaryId !== undefined ? { ...identity, binary: record.binaryId } : identity
}

/** Ties each process to the test it ran; processes a test started inherit the test. */
/** The nextest binary id of each test binary path the runner started (from its status records). */
function binaryIdsByPath(records: readonly TestProcessRecord[]): Map<string, string> {
  const ids = new Map<string, string>()
  for (const record of records) {
    if (record.binaryId !== undefined && record.argv[0] !== undefined) {
      ids.set(record.argv[0], record.binaryId)
    }
  }
  return ids
}

/**
 * For a pass whose output names processes by command line (callgrind's `cmd:`): which test a
 * process ran, with nextest's binary id where the runner recorded one. 'list' for listing runs.
 */
export function testIdentifier(
  plan: RunPlan
): (exe: string, args: readonly string[]) => TestIdentity | 'list' | undefined {
  const ids = binaryIdsByPath(readRecords(plan.env[STATE_VARIABLE]))
  return (exe, args) => {
    const test = testFromArgv(exe, args)
    if (test === undefined || test === 'list') return test
    const binary = ids.get(exe)
    return binary !== undefined ? { ...test, binary } : test
  }
}

function attributeRuns(
  runs: readonly ProcessRun[],
  records: readonly TestProcessRecord[],
  workspace?: string
): ProcessRun[] {
  const recordByPid = new Map(records.map((record) => [record.pid, record]))
  const binaryIdByPath = binaryIdsByPath(records)
  const startedBinaries = new Set(records.map((record) => record.argv[0]))

  const identities = new Map<ProcessRun, TestIdentity>()
  /** The test binaries' own processes (the runner started them). */
  const testProcesses = new Set<ProcessRun>()
  const pending: ProcessRun[] = []
  for (const run of runs) {
    const parentRecord = run.ppid !== undefined ? recordByPid.get(run.ppid) : undefined
    const startedByRunner =
      parentRecord !== undefined || (run.exe !== undefined && startedBinaries.has(run.exe))
    const fromArgv = testFromArgv(run.exe ?? '', run.args)
    if (
      (startedByRunner || records.length === 0) &&
      fromArgv !== undefined &&
      fromArgv !== 'list'
    ) {
      const binaryId =
        parentRecord?.binaryId ?? (run.exe !== undefined ? binaryIdByPath.get(run.exe) : undefined)
      identities.set(run, binaryId !== undefined ? { ...fromArgv, binary: binaryId } : fromArgv)
      testProcesses.add(run)
    } else {
      pending.push(run)
    }
  }
  // Children a test spawned (valgrind traced them): the test of the nearest traced ancestor.
  let progress = true
  while (progress && pending.length > 0) {
    progress = false
    for (let index = pending.length - 1; index >= 0; index--) {
      const run = pending[index]
      const parent = runs.find((other) => other.pid !== undefined && other.pid === run.ppid)
      const inherited = parent !== undefined ? identities.get(parent) : undefined
      if (inherited !== undefined) {
        identities.set(run, inherited)
        pending.splice(index, 1)
        progress = true
      }
    }
  }
  return runs.map((run) => {
    const test = identities.get(run)
    const attributed = test !== undefined ? { ...run, test } : run
    // A program a test ran from outside the workspace (date, git, a compiler) is not the
    // project's, as under ctest: checked, shown apart, never failing the step, unless a finding
    // of it lies in the workspace's sources.
    return workspace !== undefined && isOutsideProgram(run, workspace, testProcesses)
      ? { ...attributed, role: 'toolchain' as const }
      : attributed
  })
}

/** A child of a test whose executable lies outside the workspace, none of its findings inside. */
function isOutsideProgram(
  run: ProcessRun,
  workspace: string,
  testProcesses: ReadonlySet<ProcessRun>
): boolean {
  if (testProcesses.has(run) || run.exe === undefined || !path.isAbsolute(run.exe)) return false
  if (workspaceExecutable(run.exe, workspace) !== undefined) return false
  return !run.findings.some((finding) => findingLocation(finding.stack, workspace) !== undefined)
}

/**
 * In a process that ran several tests (cargo test, a batch) name each finding's test from its
 * stacks; failing that, from its thread (libtest names a test's thread after the test, which the
 * kernel cuts to 15 bytes) when exactly one test of a batch has that name.
 */
function withFindingTests(run: ProcessRun): ProcessRun {
  const batch = exactNames(run.args)
  return {
    ...run,
    findings: run.findings.map((finding) => {
      if (finding.test !== undefined) return finding
      const stacks: Frame[][] = [finding.stack, ...finding.auxStacks.map((aux) => aux.frames)]
      for (const stack of stacks) {
        const test = testFromStack(stack)
        if (test !== undefined) return { ...finding, test: listedTestName(test, batch) }
      }
      const thread = finding.threadName
      if (thread !== undefined && thread !== '' && thread !== 'main') {
        const named = batch.filter((name) => name.startsWith(thread))
        if (named.length === 1) return { ...finding, test: named[0] }
      }
      // A thread the test spawned: its stack runs the test's closure, not libtest's entry.
      for (const stack of stacks) {
        const test = listedTestInStack(stack, batch)
        if (test !== undefined) return { ...finding, test }
      }
      return finding
    })
  }
}

/** Runs of batches that were run again test by test (and their children): not reported twice. */
function withoutSuperseded(
  runs: readonly ProcessRun[],
  records: readonly TestProcessRecord[]
): ProcessRun[] {
  const superseded = records.filter((record) => record.superseded)
  if (superseded.length === 0) return [...runs]
  // The runner starts valgrind in a pipeline (a subshell): match the batch by its command line.
  const dropped = new Set<ProcessRun>(
    superseded.flatMap((record) => runs.filter((run) => runOfRecord(record, [run]) === run))
  )
  let grew = true
  while (grew) {
    grew = false
    for (const run of runs) {
      if (dropped.has(run)) continue
      if ([...dropped].some((parent) => parent.pid !== undefined && parent.pid === run.ppid)) {
        dropped.add(run)
        grew = true
      }
    }
  }
  return runs.filter((run) => !dropped.has(run))
}

/** How each suite of a batched nextest run ran, and why (for the log and the summary). */
function isolationNotes(stateDir: string | undefined): string[] {
  if (stateDir === undefined) return []
  try {
    const { cores, choices, run } = JSON.parse(
      fs.readFileSync(path.join(stateDir, CHOICES_FILE), 'utf8')
    ) as { cores?: number; choices?: SuiteChoice[]; run?: string }
    if (run !== undefined) return [run]
    return (choices ?? []).map(
      (choice) =>
        `${choice.binaryId}: ${choice.isolation === 'batch' ? 'batches of tests per valgrind process' : 'one valgrind process per test'} (${choice.reason}; ${cores} at a time)`
    )
  } catch {
    return [] // the run did not get as far as choosing
  }
}

/** `SIGSEGV` for a shell status of 139 (valgrind re-raises the client's fatal signal). */
function signalOfStatus(code: number | undefined): string | undefined {
  if (code === undefined || code <= 128) return undefined
  const number = code - 128
  return Object.entries(os.constants.signals).find(([, value]) => value === number)?.[0]
}

function runOfRecord(
  record: TestProcessRecord,
  runs: readonly ProcessRun[]
): ProcessRun | undefined {
  return (
    runs.find((run) => run.ppid === record.pid) ??
    runs.find(
      (run) =>
        run.exe === record.argv[0] &&
        run.args.length === record.argv.length - 1 &&
        run.args.every((arg, index) => arg === record.argv[index + 1])
    )
  )
}

/**
 * The test process ended with valgrind's --error-exitcode because valgrind found errors in it
 * (counted in its XML), not by itself.
 */
function endedByValgrindStatus(record: TestProcessRecord, run: ProcessRun | undefined): boolean {
  return (
    run !== undefined &&
    record.exitCode !== undefined &&
    record.exitCode === errorExitCodeOf(run.valgrindArgs) &&
    errorSummary(run).errors > 0
  )
}

/** libtest's exit status when one of its tests failed. */
const LIBTEST_FAILED_STATUS = 101

const KILLED_MESSAGE =
  'No exit status was recorded: the test process was killed before valgrind finished (a nextest timeout or a cancelled run). Raise the timeouts for valgrind runs, see docs/rust.md.'

function processFailure(
  test: TestIdentity,
  record: TestProcessRecord,
  run: ProcessRun | undefined
): TestFailure {
  const signal = run?.fatalSignal?.signame ?? signalOfStatus(record.exitCode)
  const failure: TestFailure = { test, exitCode: record.exitCode ?? null }
  if (signal !== undefined) failure.signal = signal
  if (record.exitCode === undefined) failure.message = KILLED_MESSAGE
  return failure
}

/** nextest: one record per test attempt; a test failed when its last attempt failed. */
function nextestFailures(
  records: readonly TestProcessRecord[],
  runs: readonly ProcessRun[],
  notes: string[],
  failedByValgrind: TestIdentity[]
): TestFailure[] {
  const lastAttempt = new Map<string, TestProcessRecord>()
  const failedAttempts = new Map<string, number>()
  for (const record of records) {
    const test = recordIdentity(record)
    const key = `${test.binary}\u0000${test.name ?? ''}`
    if (record.exitCode !== 0) failedAttempts.set(key, (failedAttempts.get(key) ?? 0) + 1)
    const known = lastAttempt.get(key)
    if (known === undefined || (record.attempt ?? 0) >= (known.attempt ?? 0)) {
      lastAttempt.set(key, record)
    }
  }
  const failures: TestFailure[] = []
  for (const [key, record] of lastAttempt) {
    const test = recordIdentity(record)
    if (record.exitCode === 0) {
      const failed = failedAttempts.get(key) ?? 0
      if (failed > 0)
        notes.push(`${describeTest(test)} failed ${failed} time(s), then passed on a retry.`)
      continue
    }
    const run = runOfRecord(record, runs)
    if (endedByValgrindStatus(record, run)) failedByValgrind.push(test)
    else failures.push(processFailure(test, record, run))
  }
  return failures
}

/** cargo test: one record per test binary; libtest's report names the tests that failed. */
function cargoTestFailures(
  records: readonly TestProcessRecord[],
  runs: readonly ProcessRun[],
  failedByValgrind: TestIdentity[]
): TestFailure[] {
  const failures: TestFailure[] = []
  for (const record of records) {
    if (record.exitCode === 0) continue
    const binary = recordIdentity(record)
    const reported = parseLibtestFailures(record.stdout ?? '')
    // Every test passed: the status is valgrind's --error-exitcode for its findings, not a failure.
    if (reported.length === 0 && /^test result: ok\./m.test(record.stdout ?? '')) {
      // ... and cargo's own status (101) follows it: no reason of its own either.
      if (endedByValgrindStatus(record, runOfRecord(record, runs))) failedByValgrind.push(binary)
      continue
    }
    if (reported.length > 0) {
      // libtest exits 101 when a test failed; valgrind's --error-exitcode may have replaced it.
      const exitCode = endedByValgrindStatus(record, runOfRecord(record, runs))
        ? LIBTEST_FAILED_STATUS
        : (record.exitCode ?? null)
      for (const test of reported) {
        const failure: TestFailure = {
          test: { binary: binary.binary, name: test.name },
          exitCode
        }
        if (test.message !== undefined) failure.message = test.message
        failures.push(failure)
      }
      continue
    }
    // The binary ended before libtest reported (a crash): the fatal signal's stack names the test.
    const run = runOfRecord(record, runs)
    if (endedByValgrindStatus(record, run)) {
      failedByValgrind.push(binary)
      continue
    }
    const failure = processFailure(binary, record, run)
    const crashed =
      run?.fatalSignal !== undefined ? testFromStack(run.fatalSignal.stack) : undefined
    if (crashed !== undefined) failure.test = { ...binary, name: crashed }
    failures.push(failure)
  }
  return failures
}

function describeTest(test: TestIdentity): string {
  return test.name !== undefined ? `${test.binary} ${test.name}` : test.binary
}

/** After the run: attribute each process to its test, drop list-phase processes, find failed tests. */
export async function finishRustRun(
  plan: RunPlan,
  runs: ProcessRun[],
  exitCode: number | null,
  workspace?: string
): Promise<{
  runs: ProcessRun[]
  testFailures: TestFailure[]
  /** Test processes that ended with valgrind's --error-exitcode only (not failures of their own). */
  failedByValgrind: TestIdentity[]
  /** Status records found: 0 when cargo failed before any test ran. */
  testProcesses: number
  notes: string[]
  /** nextest in batches: how each test binary ran, and why. */
  isolation: string[]
}> {
  const notes: string[] = []
  const allRecords = readRecords(plan.env[STATE_VARIABLE])
  const records = allRecords.filter((record) => !record.superseded)
  const rerun = allRecords.length - records.length
  if (rerun > 0) {
    notes.push(
      `${rerun} batch(es) ended before their report (a crash or an abort) and were run again test by test; only the re-runs are reported.`
    )
  }
  const isolation = isolationNotes(plan.env[STATE_VARIABLE])

  const current = withoutSuperseded(runs, allRecords)
  const testRuns = current.filter((run) => testFromArgv(run.exe ?? '', run.args) !== 'list')
  if (current.length < runs.length) {
    notes.push(
      `Set aside ${runs.length - current.length} XML file(s) of the batch(es) run again test by test (kept in the XML directory).`
    )
  }
  if (testRuns.length < current.length) {
    notes.push(
      `Ignored ${current.length - testRuns.length} XML file(s) of test listing (--list) runs: listing is not testing.`
    )
  }
  const attributed = attributeRuns(testRuns, records, workspace).map((run) =>
    run.test?.name === undefined ? withFindingTests(run) : run
  )

  // Processes whose libtest report the runner kept (cargo test, batches) name failed tests from
  // it; nextest's own processes (one test each) from their status.
  const failedByValgrind: TestIdentity[] = []
  const withReport = records.filter((record) => record.stdout !== undefined)
  const testFailures = [
    ...cargoTestFailures(withReport, attributed, failedByValgrind),
    ...nextestFailures(
      records.filter((record) => record.stdout === undefined),
      attributed,
      notes,
      failedByValgrind
    )
  ]

  const unfinished = records.filter((record) => record.exitCode === undefined).length
  if (records.length > 0) {
    notes.push(
      `${records.length} ${plan.mode === 'nextest' ? 'test process(es)' : 'test binary run(s)'} ran under valgrind${unfinished > 0 ? `, ${unfinished} without a recorded exit status` : ''}; ${testFailures.length} test(s) failed on their own.`
    )
  } else if (exitCode !== 0) {
    notes.push(
      `cargo exited with status ${exitCode ?? 'unknown'} before any test ran under valgrind: see cargo's output above (a build error, or no test matched the filters).`
    )
  }
  if (failedByValgrind.length > 0) {
    notes.push(
      `valgrind's --error-exitcode failed ${failedByValgrind.length} test process(es) in which it found errors: ${failedByValgrind.map(describeTest).join(', ')}.`
    )
  }
  return {
    runs: attributed,
    testFailures,
    failedByValgrind,
    testProcesses: records.length,
    notes,
    isolation
  }
}
