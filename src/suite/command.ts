// Recognises the C and C++ test drivers the action runs first-class: `ctest` and `meson test`.
// Pure: argv in, a description out. Every other command (`make check`, a script, a program) runs
// under valgrind as it is, its build tools traced but kept out of the verdict.
import * as path from 'node:path'
import { InputError } from '../errors.js'

export type SuiteRunner = 'ctest' | 'meson'

export interface SuiteCommand {
  runner: SuiteRunner
  /** The user's arguments after `ctest` / after `meson test`. */
  args: string[]
}

/**
 * ctest options that select a dashboard or a different action: with them ctest cannot also run
 * the memcheck step the action injects, so such a ctest runs traced as a plain command.
 */
const CTEST_DASHBOARD_OPTIONS = [
  '-T',
  '--test-action',
  '-D',
  '--dashboard',
  '-M',
  '--test-model',
  '-S',
  '-SP',
  '--script',
  '--script-new-process',
  '-N',
  '--show-only',
  '--build-and-test'
]

/** Short options whose value may be attached (`-DExperimental`, `-Tmemcheck`). */
const ATTACHED_VALUE_OPTIONS = ['-D', '-T', '-M']

function usesOption(args: readonly string[], names: readonly string[]): boolean {
  return args.some(
    (arg) =>
      names.some((name) => arg === name || arg.startsWith(`${name}=`)) ||
      ATTACHED_VALUE_OPTIONS.some((name) => arg.startsWith(name))
  )
}

/** `ctest ...` or `meson test ...`, or undefined for any other command. */
export function parseSuiteCommand(command: readonly string[]): SuiteCommand | undefined {
  const program = path.basename(command[0] ?? '')
  if (program === 'ctest') {
    const args = command.slice(1)
    if (usesOption(args, CTEST_DASHBOARD_OPTIONS)) return undefined
    return { runner: 'ctest', args }
  }
  if ((program === 'meson' || program === 'meson.py') && command[1] === 'test') {
    const args = command.slice(2)
    if (args.some((arg) => arg === '--wrapper' || arg.startsWith('--wrapper='))) {
      throw new InputError(
        `Input 'command': '${command.join(' ')}' gives meson test a --wrapper, but the action runs each test under valgrind through that option (meson takes one wrapper). Remove --wrapper; put valgrind options in 'valgrind-args'.`
      )
    }
    if (args.some((arg) => arg === '--gdb')) {
      throw new InputError(
        `Input 'command': meson test --gdb cannot run under valgrind. Remove --gdb.`
      )
    }
    return { runner: 'meson', args }
  }
  return undefined
}
