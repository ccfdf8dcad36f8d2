// Builds valgrind's own arguments from the config. Pure: takes data, returns argv.
import * as path from 'node:path'
import type { Config } from '../config.js'
import { LEAK_KINDS, type ErrorTool, type FailCategory, type LeakKind } from '../model.js'

/** The error checker of a config: memcheck, helgrind or drd (callgrind runs as a separate pass). */
export function errorTool(config: Pick<Config, 'tools'>): ErrorTool | undefined {
  return config.tools.find((tool): tool is ErrorTool => tool !== 'callgrind')
}

/**
 * `--trace-children-skip=<patterns>` when children are traced. A skipped child runs natively,
 * with everything it starts: compilers and linkers cost most of a build-driven suite's time under
 * valgrind and their findings are nobody's bug here.
 */
export function traceChildrenSkipArgs(
  traceChildren: boolean,
  patterns: readonly string[] | undefined
): string[] {
  if (!traceChildren || patterns === undefined || patterns.length === 0) return []
  return [`--trace-children-skip=${patterns.join(',')}`]
}

export interface ErrorCheckOptions {
  tool: ErrorTool
  xmlDir: string
  trackOrigins: boolean
  traceChildren: boolean
  /** Children not to follow (compilers, linkers): `--trace-children-skip`. */
  traceChildrenSkip?: readonly string[]
  suppressions: readonly string[]
  extraArgs: readonly string[]
  /** Minimum stack depth; Rust needs deeper stacks to reach the test function. */
  numCallers?: number
}

/**
 * The value of a valgrind file option (`--xml-file`, `--callgrind-out-file`) for `name` in `dir`:
 * valgrind expands `%p`, `%n`, `%q{VAR}` there, so a `%` of the directory (an output-directory like
 * `reports/100%`) is doubled to stay itself. `name` keeps its own specifiers.
 */
export function valgrindFileOption(dir: string, name: string): string {
  return path.join(dir.replaceAll('%', '%%'), name)
}

/**
 * Arguments for an error-checking valgrind run that writes one XML file per process. Memcheck is
 * always asked for every leak kind, so that byte totals equal its LEAK SUMMARY; what the user's
 * `--show-leak-kinds` (and friends) leave out is filtered from the view instead (`leakShowOptions`).
 */
export function errorCheckArgs(options: ErrorCheckOptions): string[] {
  const args = [
    `--tool=${options.tool}`,
    '--xml=yes',
    // %p: one file per process, children included; a forked child reopens its own file.
    `--xml-file=${valgrindFileOption(options.xmlDir, '%p.xml')}`,
    `--trace-children=${options.traceChildren ? 'yes' : 'no'}`,
    // A forked child that does not exec is checked too (its own %p file). Without tracing, a
    // child would only write a half file before its exec leaves valgrind: keep it silent.
    `--child-silent-after-fork=${options.traceChildren ? 'no' : 'yes'}`,
    ...traceChildrenSkipArgs(options.traceChildren, options.traceChildrenSkip)
  ]
  if (options.tool === 'memcheck') {
    args.push('--leak-check=full', '--show-leak-kinds=all')
    if (options.trackOrigins) args.push('--track-origins=yes')
  }
  if (options.numCallers !== undefined) args.push(`--num-callers=${options.numCallers}`)
  for (const file of options.suppressions) args.push(`--suppressions=${file}`)
  // Appended last so that the user's options win over ours.
  args.push(...options.extraArgs)
  return args
}

/** The valgrind options that choose which leak kinds memcheck shows. */
const SHOW_OPTION = /^--show-(leak-kinds|reachable|possibly-lost)=(.*)$/

function leakKindSet(value: string): LeakKind[] | undefined {
  const text = value.trim()
  if (text === 'all') return [...LEAK_KINDS]
  if (text === 'none') return []
  const kinds = text.split(',').map((item) => item.trim())
  return kinds.every((kind) => (LEAK_KINDS as readonly string[]).includes(kind))
    ? (kinds as LeakKind[])
    : undefined
}

/**
 * Takes the user's `--show-leak-kinds=`, `--show-reachable=` and `--show-possibly-lost=` out of
 * valgrind's arguments and returns the leak kinds they show (valgrind's rules: applied in order on
 * top of its default, `definite,possible`; `--show-reachable=yes` shows all). `shown` is undefined
 * when the user gave none. Values valgrind would refuse stay in `args`, so it says so itself.
 */
export function leakShowOptions(extraArgs: readonly string[]): {
  args: string[]
  shown?: Set<LeakKind>
} {
  const args: string[] = []
  let shown: Set<LeakKind> | undefined
  for (const arg of extraArgs) {
    const match = SHOW_OPTION.exec(arg)
    const yes = match !== null && /^(yes|no)$/.test(match[2]) ? match[2] === 'yes' : undefined
    const kinds = match?.[1] === 'leak-kinds' ? leakKindSet(match[2]) : undefined
    if (match === null || (kinds === undefined && yes === undefined)) {
      args.push(arg)
      continue
    }
    shown ??= new Set<LeakKind>(['definite', 'possible'])
    if (kinds !== undefined) shown = new Set(kinds)
    else if (match[1] === 'reachable') {
      if (yes) shown = new Set(LEAK_KINDS)
      else shown.delete('reachable')
    } else if (yes) shown.add('possible')
    else shown.delete('possible')
  }
  return shown === undefined ? { args } : { args, shown }
}

/**
 * `--error-exitcode` and `--errors-for-leak-kinds` from the inputs, so that valgrind's status of a
 * process says what the verdict says: a test runner in the command then fails exactly the tests in
 * which valgrind found something `fail-on` names. Valgrind cannot leave non-leak errors out of its
 * status: when fail-on does not name `errors`, no status is asked for (`note` says why).
 */
export function exitStatusArgs(options: {
  tool: ErrorTool
  failOn: ReadonlySet<FailCategory>
  errorExitCode: number
}): { args: string[]; note?: string } {
  const args: string[] = []
  if (options.tool === 'memcheck') {
    const kinds = LEAK_KINDS.filter((kind) => options.failOn.has(kind))
    args.push(`--errors-for-leak-kinds=${kinds.length > 0 ? kinds.join(',') : 'none'}`)
  }
  if (options.errorExitCode === 0) return { args }
  if (!options.failOn.has('errors')) {
    const note =
      options.failOn.size === 0
        ? undefined
        : `valgrind's --error-exitcode is not passed: fail-on does not include 'errors', and valgrind's status cannot leave memory errors out. Processes keep their own exit status.`
    return note === undefined ? { args } : { args, note }
  }
  args.push(`--error-exitcode=${options.errorExitCode}`)
  return { args }
}

/** The last value of `--<name>=` among valgrind's options, as valgrind reads them (last wins). */
export function lastOption(valgrindArgs: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`
  let value: string | undefined
  for (const arg of valgrindArgs) if (arg.startsWith(prefix)) value = arg.slice(prefix.length)
  return value
}

/** valgrind's default --vgdb-error: never stop for a debugger. */
const VGDB_ERROR_NEVER = 999_999_999

/**
 * The option that makes valgrind stop and wait for a debugger (GDB through vgdb, or attached to
 * valgrind itself), or undefined: --vgdb-error=N (after N errors), --vgdb-stop-at=<event>,
 * --wait-for-gdb=yes. The last occurrence of an option wins, as in valgrind; --vgdb=no turns the
 * gdbserver, and its waiting, off.
 */
export function debuggerWaitOption(valgrindArgs: readonly string[]): string | undefined {
  if (lastOption(valgrindArgs, 'wait-for-gdb') === 'yes') return '--wait-for-gdb=yes'
  if (lastOption(valgrindArgs, 'vgdb') === 'no') return undefined
  const afterErrors = lastOption(valgrindArgs, 'vgdb-error')
  // Not a number: valgrind refuses it itself, with its own message.
  if (afterErrors !== undefined && /^\d+$/.test(afterErrors)) {
    if (Number(afterErrors) < VGDB_ERROR_NEVER) return `--vgdb-error=${afterErrors}`
  }
  const stopAt = lastOption(valgrindArgs, 'vgdb-stop-at')
  if (stopAt !== undefined && stopAt !== 'none') return `--vgdb-stop-at=${stopAt}`
  return undefined
}

/** The `--error-exitcode` valgrind ran with (from its own argv), when it replaces a status. */
export function errorExitCodeOf(valgrindArgs: readonly string[] | undefined): number | undefined {
  const value = Number(lastOption(valgrindArgs ?? [], 'error-exitcode'))
  return Number.isInteger(value) && value > 0 ? value : undefined
}
