// The engine shared by the GitHub Action and the command line (as actions/cache shares one core
// between restore and save): plan, run, parse, decide. What differs between the two entry points —
// where messages go, whether output is fenced — is passed in as an `EngineHost`.
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Config } from './config.js'
import { InputError } from './config.js'
import { FindingCollector } from './analysis/findings.js'
import { sumLeakTotals } from './analysis/leak-totals.js'
import {
  processesFailedByValgrind,
  programOutcome,
  statusFromValgrind,
  topProcess,
  crashedChildrenWarning,
  usableXml
} from './analysis/outcome.js'
import { decideVerdict, plural, shortList } from './analysis/verdict.js'
import { SOURCE_WORDS, type InstallResult } from './install/index.js'
import type {
  ErrorTool,
  LeakKind,
  ProcessRun,
  ProgramOutcome,
  TestFailure,
  TestIdentity
} from './model.js'
import { callgrindArgs } from './callgrind/args.js'
import { noRandomizationPrefix } from './callgrind/aslr.js'
import { readCallgrindDirectory } from './callgrind/reader.js'
import { totalInstructions, type ProfileRow } from './callgrind/summary.js'
import {
  isRustMode,
  planProgramRun,
  type RunMode,
  type RunPlan,
  type ValgrindInvocation
} from './plan.js'
import { FindingJsonWriter, writeJsonFile } from './report/json.js'
import {
  processSummary,
  reportedClientMessages,
  type BaselineResult,
  type RunReport,
  type ValgrindInfo
} from './report/report.js'
import { finishRustRun, planRustRun, testIdentifier } from './rust/index.js'
import { parseCargoTestCommand } from './rust/command.js'
import { cargoSetupProblem } from './rust/setup.js'
import {
  attributeProcesses,
  planSuiteRun,
  suiteFailures,
  suiteTestIdentifier
} from './suite/index.js'
import { globPattern } from './glob-pattern.js'
import { describeToolchain, nestedValgrindProblem } from './suite/report.js'
import { ctestTestsByLogFile, splitSuiteFailures } from './suite/failures.js'
import {
  errorCheckArgs,
  errorTool,
  exitStatusArgs,
  leakShowOptions,
  valgrindFileOption
} from './valgrind/args.js'
import {
  dwarf5Advice,
  dwarfVersion,
  objectsWithoutLines,
  predatesDwarf5
} from './valgrind/dwarf.js'
import { installExecLauncher } from './valgrind/exec-launcher.js'
import {
  executePlan,
  resolveExecutable,
  RunError,
  STOP_GRACE_MS,
  type ProcessExit,
  type RunOptions
} from './valgrind/run.js'
import { createRunDirectory, makeDirectories } from './run-directory.js'
import { assignFingerprints, RecipeHashes } from './analysis/identity.js'
import { workspaceLineReader } from './analysis/source-lines.js'
import { applyBaseline } from './baseline/apply.js'
import { readBaselineReport, type BaselineReport } from './baseline/report-file.js'
import { suppressionsFile } from './baseline/suppressions.js'
import { buildSarif, omittedResultsText, SarifStacks, writeSarif } from './report/sarif.js'
import { notWrittenWarning, writeTextFile } from './report/text-file.js'
import { launcherRefusal, valgrindRefusal, xmlOptionProblem } from './valgrind/startup.js'
import { XmlDirectoryFollower } from './parse/directory.js'

/**
 * Messages (`info`, `warning`, and the messages of errors the engine throws) may carry data from
 * the program, its debug information or the inputs, line breaks included. The host escapes them
 * where they are written: the action's `info` and the CLI through `logLine`/`commandSafeText`
 * (report/escape.ts), the action's warnings and failures as workflow-command data, which
 * @actions/core percent-encodes so the text stays inside its one command line.
 */
export interface EngineHost {
  info(message: string): void
  warning(message: string): void
  /** Raw output, for the command fence and the program's output. */
  write(text: string | Uint8Array): void
  /** GitHub: the program's output goes through the action, between command fences. */
  fenceCommands: boolean
  /** Aborted (reason: the signal's name) when the run is cancelled. */
  cancel?: AbortSignal
  valgrind: ValgrindInfo & { executable: string }
}

/** The valgrind the install step found or installed, as the engine and the summary name it. */
export function valgrindFromInstall(result: InstallResult): EngineHost['valgrind'] {
  return {
    executable: result.valgrindPath,
    version: result.version,
    source: SOURCE_WORDS[result.source],
    seconds: result.seconds
  }
}

interface ErrorCheckInvocation {
  valgrind: ValgrindInvocation
  /** Leak kinds the user's show options leave in view (undefined: all). */
  shownLeakKinds?: Set<LeakKind>
  notes: string[]
}

function memcheckInvocation(
  config: Config,
  host: EngineHost,
  tool: ErrorTool,
  runDirectory: string,
  executable: string
): ErrorCheckInvocation {
  const outputDir = path.join(runDirectory, tool)
  // Memcheck is asked for every leak kind (byte totals must equal its LEAK SUMMARY); the user's
  // --show-leak-kinds and friends choose what is shown instead.
  const show = tool === 'memcheck' ? leakShowOptions(config.valgrindArgs) : undefined
  const status = exitStatusArgs({
    tool,
    failOn: config.failOn,
    errorExitCode: config.errorExitCode
  })
  const argv = [
    executable,
    ...errorCheckArgs({
      tool,
      xmlDir: outputDir,
      trackOrigins: config.trackOrigins,
      traceChildren: config.traceChildren,
      traceChildrenSkip: config.traceChildrenSkip,
      suppressions: config.suppressions,
      // The exit-status options first: the user's own valgrind-args, after them, win.
      // valgrind writes a suppression into the XML for every error it reports.
      extraArgs: [
        ...status.args,
        ...(config.writeSuppressions ? ['--gen-suppressions=all'] : []),
        ...(show?.args ?? config.valgrindArgs)
      ]
    })
  ]
  const xmlProblem = xmlOptionProblem(argv.slice(1), valgrindFileOption(outputDir, '%p.xml'))
  if (xmlProblem !== undefined) throw new InputError(xmlProblem)
  let env: Record<string, string> | undefined
  if (config.traceChildren) {
    // Every image of an exec'ing process keeps its own XML file (see exec-launcher.ts).
    const valgrind = resolveExecutable(executable, config.workingDirectory).path ?? executable
    env = installExecLauncher({
      scriptPath: path.join(runDirectory, `${tool}-exec-launcher.sh`),
      valgrind,
      xmlDirectory: outputDir,
      // A Rust test checks the status of what it runs (assert_cmd): valgrind's --error-exitcode
      // stays on the test processes, which nextest and cargo judge, not on their children.
      dropErrorExitcode: parseCargoTestCommand(config.command) !== undefined
    })
    if (env === undefined) {
      host.warning(
        `Could not run a script from ${runDirectory} (mounted noexec?): a traced process that calls exec overwrites the XML of the image it replaces. Set 'output-directory' to a directory that allows running files.`
      )
    }
  }
  return {
    valgrind: { tool, outputDir, env, argv },
    shownLeakKinds: show?.shown,
    notes: status.note !== undefined ? [status.note] : []
  }
}

async function planRun(config: Config, valgrind: ValgrindInvocation): Promise<RunPlan> {
  const rust = await planRustRun(config, valgrind)
  if (rust !== undefined) return rust
  const program = config.command[0]
  const lookup = resolveExecutable(program, config.workingDirectory)
  if (lookup.problem === 'not found') {
    throw new InputError(
      `Input 'command': the program '${program}' was not found (looked ${program.includes('/') ? `at ${path.resolve(config.workingDirectory, program)}` : 'on PATH'}, from working directory ${config.workingDirectory}). Build it before this step, or fix the path.`
    )
  }
  if (lookup.problem === 'is not executable') {
    throw new InputError(
      `Input 'command': '${lookup.candidate}' exists but is not executable. Make it executable (chmod +x) before this step, or name its interpreter first (e.g. 'sh ${program}', 'python3 ${program}').`
    )
  }
  if (lookup.problem === 'is a directory') {
    throw new InputError(
      `Input 'command': '${lookup.candidate}' is a directory, not a program. Name the program inside it.`
    )
  }
  const suite = await planSuiteRun(config, valgrind)
  if (suite !== undefined) return suite
  return planProgramRun(config, valgrind)
}

/** A plan that runs itself (nextest in batches): its output fenced like a program's. */
async function fenced(
  options: RunOptions,
  execute: (options: RunOptions) => Promise<ProcessExit>
): Promise<ProcessExit> {
  const token = randomUUID().replace(/-/g, '')
  if (options.fenceCommands) options.write(`::stop-commands::${token}\n`)
  try {
    return await execute(options)
  } finally {
    if (options.fenceCommands) options.write(`\n::${token}::\n`)
  }
}

interface PassResult {
  plan: RunPlan
  exit: ProcessExit
}

/** Plans and runs one valgrind pass (memcheck-like or callgrind) over the user's command. */
async function runPass(
  config: Config,
  host: EngineHost,
  valgrind: ValgrindInvocation,
  description: string
): Promise<PassResult> {
  // Cancelled before it began (e.g. while valgrind was being installed): start nothing.
  if (host.cancel?.aborted) throw new RunError('valgrind was not started.')
  fs.mkdirSync(valgrind.outputDir, { recursive: true })
  const plan = await planRun(config, valgrind)
  plan.env = { ...valgrind.env, ...plan.env }
  for (const note of plan.notes) host.info(note)
  host.info(`Running ${config.commandLine} under ${description} (files in ${valgrind.outputDir})`)
  const options: RunOptions = {
    fenceCommands: host.fenceCommands,
    write: host.write,
    cancel: host.cancel,
    // Unique to this run (run-<time>-<random>/<tool>), and in every valgrind's --xml-file.
    trackArgument: `=${valgrindFileOption(valgrind.outputDir, '')}`
  }
  const exit =
    plan.execute !== undefined
      ? await fenced(options, plan.execute)
      : await executePlan(plan, options)
  if (exit.cancelled !== undefined) {
    host.info(
      `Cancelled (${exit.cancelled}): valgrind and the program were stopped; reporting what valgrind wrote until then.`
    )
  }
  if (exit.leftRunning > 0) {
    const late =
      exit.lateOutputBytes > 0
        ? ` They wrote ${exit.lateOutputBytes} bytes after that, left out of the log.`
        : ''
    host.info(
      `${exit.leftRunning} process${exit.leftRunning === 1 ? '' : 'es'} started by the command ${exit.leftRunning === 1 ? 'was' : 'were'} still running after it exited; the action ended ${exit.leftRunning === 1 ? 'it' : 'them'} (SIGTERM, then SIGKILL if still running ${STOP_GRACE_MS / 1000} s later).${late}`
    )
  }
  return { plan, exit }
}

interface CheckResult {
  tool: ErrorTool
  mode: RunMode
  runs: ProcessRun[]
  exit: ProcessExit
  testFailures: TestFailure[]
  /** nextest in batches: how each test binary ran, and why. */
  isolation: string[]
  /** Test processes failed only by valgrind's --error-exitcode. */
  failedByValgrind: TestIdentity[]
  warnings: string[]
  problems: string[]
  /** valgrind or cargo failed to set the run up: nothing was checked. */
  setupProblems: string[]
  xmlDirectory: string
  /** Collects the findings (leak kinds the user's show options hide left out), with what was worked out of the records while valgrind ran. */
  collector: FindingCollector
  recipes: RecipeHashes
  /** With SARIF on: the results' stack texts, made while valgrind ran. */
  sarifStacks?: SarifStacks
  /** The findings' JSON report text, made ahead the same way. */
  findingJson: FindingJsonWriter
}

/** Why nothing usable came out of a pass: valgrind's or cargo's own failure, or a plain problem. */
async function noXmlProblem(
  config: Config,
  invocation: ValgrindInvocation,
  plan: RunPlan,
  exit: ProcessExit,
  testProcesses: number | undefined,
  top: ProcessRun | undefined
): Promise<{ setup?: string; problem?: string }> {
  if (isRustMode(plan.mode) && testProcesses === 0) {
    if (exit.exitCode !== 0 && exit.signal === null) {
      const cargo = await cargoSetupProblem({
        mode: plan.mode,
        command: config.command,
        cwd: config.workingDirectory
      })
      if (cargo !== undefined) return { setup: `Cargo failed: ${cargo}` }
      return {
        problem: `cargo exited with status ${exit.exitCode} before any test ran under valgrind, so nothing was checked: see cargo's output above (a build error, or no test matched the filters).`
      }
    }
    return {
      problem: `No test ran under valgrind (cargo ${exit.signal !== null ? `was killed by ${exit.signal}` : 'exited with status 0'}), so nothing was checked: do the test filters match any test?`
    }
  }
  // Start valgrind again with the same options (XML to a scratch file) to hear why it refused.
  const scratch = fs.mkdtempSync(path.join(path.dirname(invocation.outputDir), 'startup-'))
  const [executable, ...options] = invocation.argv
  const probe = options.map((option) =>
    option.startsWith('--xml-file=')
      ? `--xml-file=${valgrindFileOption(scratch, '%p.xml')}`
      : option
  )
  // It may refuse the program only (a binary for another platform): what its launcher said first,
  // when the command's own process wrote no XML at all.
  const refusal =
    (await valgrindRefusal(executable, probe, config.workingDirectory)) ??
    (plan.mode === 'program' && top === undefined ? launcherRefusal(exit.stderrHead) : undefined)
  fs.rmSync(scratch, { recursive: true, force: true })
  if (refusal !== undefined) {
    return {
      setup: `Valgrind failed to start, so nothing was checked. Valgrind says: ${refusal}`
    }
  }
  if (plan.mode === 'ctest' || plan.mode === 'meson') {
    // Valgrind starts: the driver ran no test under it (filters matching none, no build there).
    const driver = plan.mode === 'ctest' ? 'ctest' : 'meson test'
    return {
      problem: `${driver} ran no test under valgrind (no test process wrote valgrind's XML), so nothing was checked. Do the command's test filters match any test, and is ${plan.suiteDirectory !== undefined ? `'${plan.suiteDirectory}'` : 'its directory'} a configured build directory? ${driver}'s own words are in the log above.`
    }
  }
  if (top !== undefined && !usableXml(top)) {
    return {
      problem: `The XML of the program's own process${top.pid !== undefined ? ` (pid ${top.pid})` : ''} ends before its first record, so nothing was checked in it (${top.file} is kept).`
    }
  }
  return {
    problem: `Valgrind wrote no usable XML in ${invocation.outputDir} (no file, an empty one, or one cut before its first record), so nothing was checked. See valgrind's message in the log above.`
  }
}

async function runErrorCheck(
  config: Config,
  host: EngineHost,
  tool: ErrorTool,
  runDirectory: string
): Promise<CheckResult> {
  const invocation = memcheckInvocation(config, host, tool, runDirectory, host.valgrind.executable)
  const valgrind = invocation.valgrind
  for (const note of invocation.notes) host.info(note)
  const started = Date.now()
  // The XML is parsed while valgrind writes it, and each record's place, key and identity worked
  // out as it is read: after the run, only the rest is left to read, and findings to group.
  const follower = new XmlDirectoryFollower(valgrind.outputDir)
  const collector = new FindingCollector({
    workspace: config.workspace,
    failOn: config.failOn,
    shownLeakKinds: invocation.shownLeakKinds,
    allocatorWrappers: config.allocatorWrappers
  })
  const recipes = new RecipeHashes()
  const sarifStacks = config.sarif ? new SarifStacks(config.workspace) : undefined
  const findingJson = new FindingJsonWriter()
  follower.onFindings((records) => {
    for (const record of records) {
      findingJson.prepare(collector.prepare(record))
      recipes.prepare(record)
      sarifStacks?.prepare(record)
    }
  })
  follower.start()
  let pass: PassResult
  try {
    pass = await runPass(config, host, valgrind, `valgrind ${tool}`)
  } catch (error) {
    await follower.finish() // closes the files it holds open
    throw error
  }
  const parsed = await follower.finish()
  const { plan, exit } = pass
  let runs = parsed.runs
  let warnings = parsed.warnings
  let testFailures: TestFailure[] = []
  let isolation: string[] = []
  let failedByValgrind: TestIdentity[] = []
  let testProcesses: number | undefined
  const problems: string[] = []
  if (isRustMode(plan.mode)) {
    const finished = await finishRustRun(plan, runs, exit.exitCode, config.workspace)
    runs = finished.runs
    testFailures = finished.testFailures
    isolation = finished.isolation
    failedByValgrind = finished.failedByValgrind
    testProcesses = finished.testProcesses
    for (const note of [...finished.isolation, ...finished.notes]) host.info(note)
  } else {
    runs = attributeProcesses(runs, {
      workspace: config.workspace,
      workingDirectory: config.workingDirectory,
      runner: plan.mode === 'ctest' || plan.mode === 'meson' ? plan.mode : undefined,
      tests: plan.suiteTests ?? [],
      toolchain: globPattern(config.traceChildrenSkip),
      testOfLogFile:
        plan.mode === 'ctest' && plan.suiteDirectory !== undefined
          ? ctestTestsByLogFile(plan.suiteDirectory, started - 1000, plan.suiteLogsBefore)
          : undefined
    })
    // A skipped child's header-only file, or valgrind cut short by running under valgrind, is
    // not "the XML ends early (killed?)": those are explained once, below and in the summary.
    const explained = new Set(
      runs
        .filter((run) => run.role === 'untraced' || run.role === 'nested-valgrind')
        .flatMap((run) => run.warnings)
    )
    warnings = warnings.filter((warning) => !explained.has(warning))
    const split = splitSuiteFailures(suiteFailures(plan, started), runs, plan.suiteTests)
    testFailures = split.own
    failedByValgrind = split.byValgrind
    if (failedByValgrind.length > 0) {
      host.info(
        `valgrind's --error-exitcode failed ${failedByValgrind.length} test(s) in which it found errors: ${failedByValgrind.map((test) => test.name ?? test.binary).join(', ')}.`
      )
    }
    const nested = nestedValgrindProblem(runs, plan.suiteTests)
    if (nested !== undefined) problems.push(nested)
  }
  if (plan.mode === 'program') {
    const crashed = crashedChildrenWarning(runs, topProcess(runs), config.workspace)
    if (crashed !== undefined) warnings.push(crashed)
  }
  const killed = exit.leftKilled ?? 0
  if (killed > 0) {
    warnings.push(
      `${plural(killed, 'process', 'processes')} the command left running ignored SIGTERM and ${killed === 1 ? 'was' : 'were'} killed by the action (SIGKILL): valgrind could not finish checking ${killed === 1 ? 'it' : 'them'}, so ${killed === 1 ? 'its' : 'their'} leaks are unknown (${killed === 1 ? 'its XML file is' : 'their XML files are'} kept). Make the program stop its children on exit, or on SIGTERM.`
    )
  }
  const setupProblems: string[] = []
  const top = plan.mode === 'program' ? topProcess(parsed.runs) : undefined
  const topCut = top !== undefined && !usableXml(top)
  if (!parsed.runs.some(usableXml) || topCut) {
    const why = await noXmlProblem(config, valgrind, plan, exit, testProcesses, top)
    if (why.setup !== undefined) {
      setupProblems.push(why.setup)
      // The tests "failed" because valgrind or cargo could not run them: not failures of their own.
      testFailures = []
    }
    if (why.problem !== undefined) problems.push(why.problem)
  }
  return {
    tool,
    mode: plan.mode,
    runs,
    exit,
    testFailures,
    isolation,
    failedByValgrind,
    warnings,
    problems,
    setupProblems,
    xmlDirectory: valgrind.outputDir,
    collector,
    recipes,
    sarifStacks,
    findingJson
  }
}

interface ProfileResult {
  mode: RunMode
  exit: ProcessExit
  /** Tests that failed on their own under callgrind (used when no error check ran). */
  testFailures: TestFailure[]
  rows: ProfileRow[]
  warnings: string[]
  problems: string[]
  directory: string
}

async function runProfile(
  config: Config,
  host: EngineHost,
  runDirectory: string
): Promise<ProfileResult> {
  const outputDir = path.join(runDirectory, 'callgrind')
  // Address-space randomisation off, where the kernel allows it, for repeatable counts.
  const prefix = await noRandomizationPrefix()
  const valgrind: ValgrindInvocation = {
    tool: 'callgrind',
    outputDir,
    argv: [
      ...prefix,
      host.valgrind.executable,
      ...callgrindArgs({
        outputDir,
        traceChildren: config.traceChildren,
        traceChildrenSkip: config.traceChildrenSkip,
        extraArgs: config.callgrindArgs
      })
    ]
  }
  const { plan, exit } = await runPass(config, host, valgrind, 'valgrind callgrind')
  const profiles = await readCallgrindDirectory(outputDir)
  const testFailures = isRustMode(plan.mode)
    ? (await finishRustRun(plan, [], exit.exitCode)).testFailures
    : []
  const rows: ProfileRow[] = []
  // A plain program's processes are no tests, whatever their arguments look like.
  const identify =
    plan.suiteTests !== undefined
      ? suiteTestIdentifier(plan)
      : isRustMode(plan.mode)
        ? testIdentifier(plan)
        : () => undefined
  for (const profile of profiles) {
    const test = profile.exe !== undefined ? identify(profile.exe, profile.args) : undefined
    if (test === 'list') continue // nextest's list phase, if it ran under the runner
    rows.push({ profile, test })
  }
  const problems: string[] = []
  if (rows.length === 0) {
    problems.push(
      `Callgrind wrote no profile in ${outputDir}: it did not start, or the program never ran under it (see the log above).`
    )
  }
  return {
    mode: plan.mode,
    exit,
    testFailures,
    rows,
    warnings: profiles.flatMap((profile) => profile.warnings),
    problems,
    directory: outputDir
  }
}

/** Wording for a program failure seen only in the callgrind pass (the verdict has the first). */
function profileFailure(
  check: CheckResult | undefined,
  profile: ProfileResult
): string | undefined {
  if (check === undefined) return undefined
  const failed = (exit: ProcessExit) => exit.signal !== null || (exit.exitCode ?? 0) !== 0
  if (!failed(profile.exit) || failed(check.exit)) return undefined
  const how =
    profile.exit.signal !== null
      ? `was killed by ${profile.exit.signal}`
      : `exited with status ${profile.exit.exitCode}`
  return `Under callgrind, the ${profile.mode === 'program' ? 'program' : 'test command'} ${how}.`
}

/** What the engine compares with, resolved by the entry point (a file, or the Actions cache). */
export interface EngineOptions {
  baseline?: BaselineReport
  /** Said in the summary when a baseline was asked for but none is at hand (a cache miss). */
  baselineMissing?: string
}

export async function runEngine(
  config: Config,
  host: EngineHost,
  options: EngineOptions = {}
): Promise<RunReport> {
  // Read first: a bad baseline file is an input error, found before minutes of valgrind.
  const baseline =
    options.baseline ??
    (config.baseline.kind === 'file' ? readBaselineReport(config.baseline.file) : undefined)
  const runDirectory = createRunDirectory(config.outputDirectory)
  const checker = errorTool(config)
  const check =
    checker !== undefined ? await runErrorCheck(config, host, checker, runDirectory) : undefined
  // A cancelled run does not start its next pass.
  const profile =
    config.tools.includes('callgrind') && check?.exit.cancelled === undefined
      ? await runProfile(config, host, runDirectory)
      : undefined

  // One of the two passes ran: config validation guarantees at least one tool.
  const first = (check ?? profile) as CheckResult | ProfileResult
  const runs = check?.runs ?? []
  // Test failures of the error check when it ran: the callgrind pass would only repeat them.
  const testFailures = check?.testFailures ?? profile?.testFailures ?? []
  const cancelled = first.exit.cancelled
  const problems = [...(check?.problems ?? []), ...(profile?.problems ?? [])]
  if (cancelled !== undefined) {
    // First: it explains every other gap (a missing pass, incomplete XML).
    problems.unshift(
      `The run was cancelled (${cancelled}): valgrind and the program were stopped, and the findings are those valgrind had written by then.`
    )
  }
  const profileProblem = profile !== undefined ? profileFailure(check, profile) : undefined
  if (profileProblem !== undefined) problems.push(profileProblem)
  const warnings = [...(check?.warnings ?? []), ...(profile?.warnings ?? [])]

  // Compilers, build tools and shells a suite runs are not the project: their findings are
  // reported apart (collapsed in the summary) and never fail the step.
  const projectRuns = runs.filter((run) => run.role !== 'toolchain' && run.role !== 'untraced')
  const toolchainRuns = runs.filter((run) => run.role === 'toolchain')
  let findings =
    check !== undefined
      ? assignFingerprints(
          check.collector.collect(projectRuns),
          workspaceLineReader(config.workspace),
          check.recipes
        )
      : []
  let baselineResult: BaselineResult | undefined
  let regressions: string[] = []
  if (baseline !== undefined) {
    const applied = applyBaseline({
      baseline,
      findings,
      checker,
      profileRows: profile?.rows,
      thresholdPercent: config.regressionThreshold
    })
    findings = applied.findings
    baselineResult = applied.result
    regressions = applied.regressions
  }
  // The signal that ended a cancelled run is the action's, not the program's failure.
  const valgrindStatus =
    check === undefined || cancelled !== undefined
      ? false
      : first.mode === 'program'
        ? first.exit.signal === null && statusFromValgrind(first.exit.exitCode, topProcess(runs))
        : first.exit.exitCode !== 0 &&
          testFailures.length === 0 &&
          check.failedByValgrind.length > 0
  const outcome: ProgramOutcome =
    cancelled !== undefined
      ? { exitCode: null, valgrindErrorExit: false }
      : programOutcome(first.exit, runs, valgrindStatus)
  if (valgrindStatus && first.mode === 'program') {
    host.info(
      `Exit status ${first.exit.exitCode} is valgrind's (--error-exitcode): it found errors, and replaced the program's own exit status.`
    )
  }
  if (
    first.mode === 'program' &&
    check !== undefined &&
    !valgrindStatus &&
    outcome.exitCode !== null &&
    outcome.exitCode !== 0 &&
    outcome.signal === undefined
  ) {
    // make check, a test script: the status may come from tests that valgrind's status failed.
    const below = processesFailedByValgrind(runs, topProcess(runs))
    if (below.length > 0) {
      outcome.failedByValgrindBelow = below.map((run) => ({
        name: run.test?.binary ?? path.basename(run.exe ?? run.file),
        toolchain: run.role === 'toolchain'
      }))
      host.info(
        `Exit status ${outcome.exitCode} follows valgrind's --error-exitcode in ${plural(below.length, 'process', 'processes')} the command started (${shortList([...new Set(outcome.failedByValgrindBelow.map((process) => process.name))])}): valgrind found errors there, and the command failed with them.`
      )
    }
  }
  const dwarf = dwarfWarning(host.valgrind.version, runs)
  if (dwarf !== undefined) warnings.push(dwarf)
  const verdict = decideVerdict({
    findings,
    failOn: config.failOn,
    outcome,
    subject: first.mode === 'program' ? 'program' : 'tests',
    testFailures,
    problems,
    setupProblems: check?.setupProblems,
    errorCheck: check !== undefined,
    workspace: config.workspace,
    regressions
  })

  const report: RunReport = {
    schemaVersion: 1,
    command: config.commandLine,
    mode: first.mode,
    tool: config.tools.join(','),
    valgrind: {
      version: host.valgrind.version,
      source: host.valgrind.source,
      seconds: host.valgrind.seconds
    },
    verdict,
    outcome,
    cancelled,
    failOn: [...config.failOn],
    leakTotals: check !== undefined ? sumLeakTotals(projectRuns) : undefined,
    leaksUnchecked:
      checker === 'memcheck' && !projectRuns.some((run) => run.finished) ? true : undefined,
    failingFindings: findings.filter((f) => f.failing).length,
    findings,
    processes: runs.filter((run) => run.role !== 'untraced').map(processSummary),
    untracedChildren: runs.filter((run) => run.role === 'untraced').length,
    toolchain:
      toolchainRuns.length > 0
        ? describeToolchain(toolchainRuns, sumLeakTotals(toolchainRuns), config.workspace)
        : undefined,
    testFailures,
    isolation: check !== undefined && check.isolation.length > 0 ? check.isolation : undefined,
    clientMessages: reportedClientMessages(runs),
    warnings,
    runDirectory,
    xmlDirectory: check?.xmlDirectory,
    profiles:
      profile !== undefined
        ? {
            directory: profile.directory,
            instructions: totalInstructions(profile.rows),
            rows: profile.rows
          }
        : undefined,
    baseline: baselineResult
  }
  if (baseline === undefined && options.baselineMissing !== undefined) {
    warnings.push(options.baselineMissing)
  }
  // An empty SARIF run closes every open alert: only a run that checked the program writes one.
  const checkedAll = runs.length > 0 && cancelled === undefined
  if (config.sarif && checker !== undefined && !checkedAll) {
    host.info(
      'SARIF not written: the error check did not run to the end, and an empty SARIF file would close open code scanning alerts.'
    )
  }
  if (config.sarif && checker !== undefined && checkedAll) {
    const sarif = buildSarif({
      findings,
      tools: [checker],
      failOn: config.failOn,
      workspace: config.workspace,
      valgrindVersion: host.valgrind.version,
      commandLine: config.commandLine,
      withBaseline: baseline !== undefined,
      problems,
      stacks: check?.sarifStacks
    })
    const sarifFile = path.join(runDirectory, 'valgrind.sarif')
    try {
      await writeSarif(sarifFile, sarif)
      report.sarifFile = sarifFile
      const results = sarif.runs.reduce((sum, run) => sum + (run.results?.length ?? 0), 0)
      const located = findings.filter((finding) => finding.location !== undefined).length
      if (located > results) host.info(`SARIF: ${omittedResultsText(located - results, results)}`)
    } catch (error) {
      report.warnings.push(
        notWrittenWarning(
          'SARIF file',
          error,
          `${sarifFile} is missing, output 'sarif-file' is empty, and this run has nothing for code scanning`
        )
      )
    }
  }
  if (config.writeSuppressions !== undefined) {
    const written = suppressionsFile(findings)
    try {
      makeDirectories(path.dirname(config.writeSuppressions))
      await writeTextFile(config.writeSuppressions, [written.text])
      report.suppressionsFile = config.writeSuppressions
      host.info(
        `Wrote ${written.written} suppressions to ${config.writeSuppressions}${written.missing > 0 ? ` (${written.missing} findings came without one from valgrind)` : ''}.`
      )
    } catch (error) {
      report.warnings.push(
        notWrittenWarning('suppressions file', error, `${config.writeSuppressions} is missing`)
      )
    }
  }
  const reportFile = path.join(runDirectory, 'report.json')
  try {
    await writeJsonFile(
      reportFile,
      { ...report },
      check !== undefined ? { findings: check.findingJson.finding } : {}
    )
    report.reportFile = reportFile
  } catch (error) {
    report.warnings.push(
      notWrittenWarning(
        'JSON report',
        error,
        `${reportFile} is missing, and output 'report' is empty`
      )
    )
  }
  return report
}

/** The DWARF 5 advice, when stacks lack lines in binaries valgrind cannot read. */
function dwarfWarning(
  version: string | undefined,
  runs: readonly ProcessRun[]
): string | undefined {
  // A valgrind that reads DWARF 5 needs no look at the frames (thousands) nor at the binaries.
  if (!predatesDwarf5(version)) return undefined
  const objects = objectsWithoutLines(runs)
  if (objects.length === 0) return undefined
  return dwarf5Advice(
    version,
    objects.map((obj) => ({ obj, dwarf: dwarfVersion(obj) }))
  )
}
