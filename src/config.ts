// Reads every input once, validates it, and returns one typed `Config` (as actions/checkout's
// input-helper does). Nothing else in the code reads inputs. Where inputs and the environment come
// from is passed in, so the GitHub Action (`core.getInput`) and the command line share the same
// validation.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  ERROR_TOOLS,
  FAIL_CATEGORIES,
  VALGRIND_TOOLS,
  type FailCategory,
  type ValgrindTool
} from './model.js'
import { InputError } from './errors.js'
import { findShellSyntax, joinShellWords, splitShellWords } from './shell-words.js'
import { RUST_ISOLATIONS, type RustIsolation } from './rust/batches.js'
import { parseTraceChildrenSkip } from './suite/toolchain.js'
import { defaultArtifactName, validateArtifactName } from './artifact-name.js'
import { formatVersionSpec, parseVersionSpec } from './install/version.js'
import { debuggerWaitOption } from './valgrind/args.js'

/** Which findings become annotations: those that fail the step, all of them, or none. */
export type AnnotationMode = 'failing' | 'all' | 'none'

export type InstallMode = 'auto' | 'always' | 'never'
export const INSTALL_MODES: readonly InstallMode[] = ['auto', 'always', 'never']

export interface Config {
  /** The program and its arguments, split like a POSIX shell splits words. */
  command: string[]
  /** The command exactly as the user wrote it (for messages). */
  commandLine: string
  workingDirectory: string
  /** The workspace that annotation paths are relative to. */
  workspace: string
  /** One or more tools; at most one of memcheck/helgrind/drd, plus optionally callgrind. */
  tools: ValgrindTool[]
  failOn: Set<FailCategory>
  suppressions: string[]
  trackOrigins: boolean
  traceChildren: boolean
  /** `--trace-children-skip` patterns: children valgrind does not follow (compilers, linkers). */
  traceChildrenSkip: string[]
  /** Function name patterns of the project's allocator wrappers: a leak is placed at their caller. */
  allocatorWrappers: string[]
  /** valgrind's `--error-exitcode` (0: not passed). */
  errorExitCode: number
  /** Extra valgrind arguments, appended last. */
  valgrindArgs: string[]
  annotations: AnnotationMode
  /** Apply the action's Rust standard library suppressions to cargo runs. */
  rustSuppressions: boolean
  /** nextest: batches of tests per valgrind process, one process per test, or chosen per suite. */
  rustIsolation: RustIsolation
  install: InstallMode
  /** `system`, a minimum like `>=3.22`, or an exact release like `3.26.0`. */
  valgrindVersion: string
  cache: boolean
  callgrindArgs: string[]
  upload: boolean
  /** The artifact's name: the `artifact-name` input, or one derived from the job and matrix. */
  artifactName: string
  retentionDays?: number
  /** Where the run directory (XML files, profiles, JSON report) is created. */
  outputDirectory: string
  /** Write a SARIF file for code scanning. */
  sarif: boolean
  /** What findings and instruction counts are compared with. */
  baseline: BaselineSource
  /**
   * Names this job (and matrix values, and step) in `baseline: cache` keys: like the default
   * artifact name, without the run attempt, so that a re-run finds what the default branch saved.
   */
  baselineCacheName: string
  /** Growth of a process's instruction count, in percent, above which the step fails. */
  regressionThreshold: number
  /** Where to write a suppressions file covering the current findings. */
  writeSuppressions?: string
}

export type BaselineSource =
  | { kind: 'none' }
  /** The default branch saves its report with @actions/cache; pull requests restore it. */
  | { kind: 'cache' }
  | { kind: 'file'; file: string }

/**
 * Every input of the action, as action.yml declares them (a test keeps the two the same). The CLI's
 * options map onto these names, and `InputReader` takes no other.
 */
export const INPUT_NAMES = [
  'command',
  'working-directory',
  'tool',
  'fail-on',
  'suppressions',
  'track-origins',
  'trace-children',
  'trace-children-skip',
  'allocator-wrappers',
  'error-exitcode',
  'valgrind-args',
  'annotations',
  'rust-suppressions',
  'rust-isolation',
  'install',
  'valgrind-version',
  'cache',
  'callgrind-args',
  'upload',
  'artifact-name',
  'retention-days',
  'matrix',
  'output-directory',
  'sarif',
  'baseline',
  'regression-threshold',
  'write-suppressions'
] as const
export type InputName = (typeof INPUT_NAMES)[number]

/** Returns the input's value, or '' when it was not given (like core.getInput). */
export type InputReader = (name: InputName) => string

export { InputError }

function parseBoolean(read: InputReader, name: InputName, fallback: boolean): boolean {
  const raw = read(name).trim()
  if (raw === '') return fallback
  if (/^(true|yes|on|1)$/i.test(raw)) return true
  if (/^(false|no|off|0)$/i.test(raw)) return false
  throw new InputError(`Input '${name}' must be true or false, got '${raw}'.`)
}

function parseAnnotations(raw: string): AnnotationMode {
  const value = raw.trim().toLowerCase()
  if (value === '' || value === 'failing' || /^(true|yes|on|1)$/.test(value)) return 'failing'
  if (value === 'all') return 'all'
  if (value === 'none' || /^(false|no|off|0)$/.test(value)) return 'none'
  throw new InputError(
    `Input 'annotations': unknown value '${raw}'. Accepted: failing (or true: the findings whose kind is in fail-on), all (every finding, warnings for the others), none (or false).`
  )
}

function listItems(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

export function parseFailOn(raw: string): Set<FailCategory> {
  const items = listItems(raw.toLowerCase())
  if (items.length === 0) throw new InputError(failOnHelp(`'fail-on' is empty`))
  if (items.length === 1 && items[0] === 'none') return new Set()
  const result = new Set<FailCategory>()
  for (const item of items) {
    if (item === 'none')
      throw new InputError(failOnHelp(`'none' cannot be combined with other values`))
    if (!(FAIL_CATEGORIES as readonly string[]).includes(item)) {
      throw new InputError(failOnHelp(`unknown value '${item}'`))
    }
    result.add(item as FailCategory)
  }
  return result
}

function failOnHelp(problem: string): string {
  return `Input 'fail-on': ${problem}. Accepted: a comma-separated list of ${FAIL_CATEGORIES.join(', ')}; or none.`
}

export function parseTools(raw: string): ValgrindTool[] {
  const items = listItems(raw.toLowerCase())
  const help = `Accepted: ${VALGRIND_TOOLS.join(', ')}, or a comma list of one of ${ERROR_TOOLS.join('/')} plus callgrind (e.g. memcheck,callgrind).`
  if (items.length === 0) {
    // Empty means the default; separators with nothing between them are a typo, not a choice.
    if (raw.trim() === '') return ['memcheck']
    throw new InputError(`Input 'tool': '${raw}' names no tool. ${help}`)
  }
  const tools: ValgrindTool[] = []
  for (const item of items) {
    if (!(VALGRIND_TOOLS as readonly string[]).includes(item)) {
      throw new InputError(`Input 'tool': unknown tool '${item}'. ${help}`)
    }
    if (!tools.includes(item as ValgrindTool)) tools.push(item as ValgrindTool)
  }
  if (tools.filter((tool) => tool !== 'callgrind').length > 1) {
    throw new InputError(`Input 'tool': '${raw}' names more than one error checker. ${help}`)
  }
  return tools
}

function parseRustIsolation(raw: string): RustIsolation {
  const value = raw.trim().toLowerCase()
  if (value === '') return 'auto'
  if ((RUST_ISOLATIONS as readonly string[]).includes(value)) return value as RustIsolation
  throw new InputError(
    `Input 'rust-isolation' must be one of ${RUST_ISOLATIONS.join(', ')}, got '${raw.trim()}'.`
  )
}

function parseInstall(raw: string): InstallMode {
  const value = raw.trim().toLowerCase() || 'auto'
  if (!(INSTALL_MODES as readonly string[]).includes(value)) {
    throw new InputError(
      `Input 'install': unknown value '${raw}'. Accepted: ${INSTALL_MODES.join(', ')}.`
    )
  }
  return value as InstallMode
}

function parseRetentionDays(raw: string): number | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  // Digits only: `1e1`, `0x10`, `7.0` and `+5` are numbers to JavaScript but not whole days.
  const days = /^\d{1,2}$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    throw new InputError(
      `Input 'retention-days': '${raw}' must be a whole number of days from 1 to 90.`
    )
  }
  return days
}

function parseErrorExitCode(raw: string): number {
  const value = raw.trim()
  if (value === '') return 1
  const code = Number(value)
  if (!/^\d+$/.test(value) || code > 255) {
    throw new InputError(
      `Input 'error-exitcode': '${raw}' is not an exit status. Accepted: a whole number from 1 to 255 (valgrind's status for a process in which it found errors), or 0 to pass none.`
    )
  }
  return code
}

/**
 * The action's own check, not the command line's (a developer may run it beside a GDB on
 * purpose): valgrind waiting for a debugger that never connects hangs a workflow step until its
 * timeout, deaf to everything but the runner's kill.
 */
export function assertNoDebuggerWait(config: Pick<Config, 'valgrindArgs' | 'callgrindArgs'>): void {
  for (const [name, args] of [
    ['valgrind-args', config.valgrindArgs],
    ['callgrind-args', config.callgrindArgs]
  ] as const) {
    const option = debuggerWaitOption(args)
    if (option !== undefined) {
      throw new InputError(
        `Input '${name}': ${option} makes valgrind stop and wait for a debugger to connect, and in a workflow none does: the step would hang until its timeout. Remove it; to debug a finding with GDB, run the command line (dist/cli.js) on your machine with ${option}.`
      )
    }
  }
}

function splitArgs(read: InputReader, name: InputName): string[] {
  try {
    return splitShellWords(read(name))
  } catch (error) {
    throw new InputError(`Input '${name}': ${(error as Error).message}`)
  }
}

function traceChildrenSkip(raw: string): string[] {
  try {
    return parseTraceChildrenSkip(raw)
  } catch (error) {
    throw new InputError(`Input 'trace-children-skip': ${(error as Error).message}`)
  }
}

function artifactName(read: InputReader, variables: EnvironmentVariables): string {
  const given = read('artifact-name').trim()
  if (given === '') return defaultArtifactName(variables, read('matrix'))
  validateArtifactName(given)
  return given
}

/**
 * The `command` input as argv. It is split into words like a shell splits them but not run by a
 * shell, so shell syntax would silently mean something else (`./a | grep x` passes `|` to ./a; a
 * multi-line command runs its first line with the others as arguments): it is refused, with the
 * `sh -c` form that runs it through a shell on purpose.
 */
export function parseCommand(commandLine: string): string[] {
  let command: string[]
  try {
    command = splitShellWords(commandLine)
  } catch (error) {
    throw new InputError(`Input 'command': ${(error as Error).message}`)
  }
  if (command.length === 0)
    throw new InputError(`Input 'command' holds no words: '${commandLine}'.`)
  const syntax =
    findShellSyntax(commandLine) ??
    (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command[0])
      ? `a variable assignment ('${command[0].split('=')[0]}=...'; use the step's env: instead)`
      : undefined)
  if (syntax !== undefined && command[0] === 'cargo') {
    // Through sh -c, cargo would run its tests natively: the action runs them under valgrind
    // only when cargo is the command itself.
    throw new InputError(
      `Input 'command' uses shell syntax, ${syntax}, but it is not run by a shell. Quote the word that holds it, as a shell would need too: a nextest filterset goes in quotes, -E 'test(name)'. Keep cargo the command itself (not sh -c '...'): the action runs each test under valgrind only then.`
    )
  }
  if (syntax !== undefined) {
    const multiLine = /[\r\n]/.test(commandLine)
    throw new InputError(
      `Input 'command' uses shell syntax, ${syntax}, but it is not run by a shell: its words go to the program as they are. To run it through a shell, say so:\n` +
        `  command: ${joinShellWords(['sh', multiLine ? '-ec' : '-c', commandLine])}\n` +
        `With trace-children on (the default), valgrind follows every program the shell starts.`
    )
  }
  return command
}

function parseBaseline(raw: string, workingDirectory: string): BaselineSource {
  const value = raw.trim()
  if (value === '') return { kind: 'none' }
  if (value.toLowerCase() === 'cache') return { kind: 'cache' }
  const file = path.resolve(workingDirectory, value)
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new InputError(
      `Input 'baseline': '${file}' is not a file. Accepted: the path of an earlier run's JSON report (the 'report' output, relative to the working directory), or 'cache'.`
    )
  }
  return { kind: 'file', file }
}

export function parseRegressionThreshold(raw: string): number {
  const value = raw.trim().replace(/%$/, '').trim()
  if (value === '') return 5
  const percent = Number(value)
  if (!Number.isFinite(percent) || percent < 0) {
    throw new InputError(
      `Input 'regression-threshold': '${raw}' is not a percentage. Accepted: a number of percent of zero or more, like 5 or 2.5%.`
    )
  }
  return percent
}

export type EnvironmentVariables = Readonly<Record<string, string | undefined>>

export interface ConfigEnvironment {
  /** GITHUB_WORKSPACE, or the current directory outside Actions. */
  workspace: string
  /** RUNNER_TEMP, or the OS temp directory outside Actions. */
  tempDirectory: string
  /**
   * The job's environment variables, which name the default artifact and the baseline cache
   * (GITHUB_JOB, GITHUB_ACTION, GITHUB_RUN_ATTEMPT). Absent: none are set.
   */
  variables?: EnvironmentVariables
}

export function readConfig(read: InputReader, env: ConfigEnvironment): Config {
  const variables = env.variables ?? {}
  const commandLine = read('command').trim()
  if (commandLine === '') {
    throw new InputError(
      `Input 'command' is required: the program to run under valgrind and its arguments, e.g. './build/mytool --selftest' or 'cargo nextest run'.`
    )
  }
  const command = parseCommand(commandLine)

  const workspace = path.resolve(env.workspace)
  const workingDirectory = path.resolve(workspace, read('working-directory').trim() || '.')
  if (!fs.existsSync(workingDirectory) || !fs.statSync(workingDirectory).isDirectory()) {
    throw new InputError(`Input 'working-directory': '${workingDirectory}' is not a directory.`)
  }

  const suppressions = listItems(read('suppressions')).map((file) =>
    path.resolve(workingDirectory, file)
  )
  for (const file of suppressions) {
    if (!fs.existsSync(file)) {
      throw new InputError(
        `Input 'suppressions': file '${file}' does not exist. Give paths relative to the working directory, separated by commas or newlines.`
      )
    }
  }

  const failOnRaw = read('fail-on')
  return {
    command,
    commandLine,
    workingDirectory,
    workspace,
    tools: parseTools(read('tool')),
    failOn: parseFailOn(failOnRaw.trim() === '' ? 'definite,errors' : failOnRaw),
    suppressions,
    trackOrigins: parseBoolean(read, 'track-origins', false),
    traceChildren: parseBoolean(read, 'trace-children', true),
    errorExitCode: parseErrorExitCode(read('error-exitcode')),
    valgrindArgs: splitArgs(read, 'valgrind-args'),
    traceChildrenSkip: traceChildrenSkip(read('trace-children-skip')),
    allocatorWrappers: listItems(read('allocator-wrappers')),
    annotations: parseAnnotations(read('annotations')),
    rustSuppressions: parseBoolean(read, 'rust-suppressions', true),
    rustIsolation: parseRustIsolation(read('rust-isolation')),
    install: parseInstall(read('install')),
    valgrindVersion: formatVersionSpec(parseVersionSpec(read('valgrind-version'))),
    cache: parseBoolean(read, 'cache', true),
    callgrindArgs: splitArgs(read, 'callgrind-args'),
    upload: parseBoolean(read, 'upload', true),
    artifactName: artifactName(read, variables),
    retentionDays: parseRetentionDays(read('retention-days')),
    outputDirectory: path.resolve(
      workspace,
      read('output-directory').trim() || path.join(env.tempDirectory, 'valgrind-action')
    ),
    sarif: parseBoolean(read, 'sarif', true),
    baseline: parseBaseline(read('baseline'), workingDirectory),
    baselineCacheName: defaultArtifactName(
      { ...variables, GITHUB_RUN_ATTEMPT: '1' },
      read('matrix')
    ),
    regressionThreshold: parseRegressionThreshold(read('regression-threshold')),
    writeSuppressions:
      read('write-suppressions').trim() !== ''
        ? path.resolve(workingDirectory, read('write-suppressions').trim())
        : undefined
  }
}
