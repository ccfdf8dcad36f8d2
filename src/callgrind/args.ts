// Builds callgrind's own arguments. Pure: takes data, returns argv.
import { traceChildrenSkipArgs, valgrindFileOption } from '../valgrind/args.js'

/** The file name pattern of callgrind's outputs: `%p` makes one file per process. */
export const CALLGRIND_FILE_PREFIX = 'callgrind.out.'

export interface CallgrindArgsOptions {
  /** Where each process writes `callgrind.out.<pid>` (created by the caller). */
  outputDir: string
  traceChildren: boolean
  /** Children not to follow (compilers, linkers): `--trace-children-skip`. */
  traceChildrenSkip?: readonly string[]
  /** The user's `callgrind-args` (e.g. `--cache-sim=yes`, `--toggle-collect=fn`). */
  extraArgs: readonly string[]
}

/**
 * Arguments for a callgrind pass. No `--xml`: callgrind does not support it (it prints "Bad option"
 * and then runs anyway, leaving an empty XML file behind). Totals come from each out-file's header.
 */
export function callgrindArgs(options: CallgrindArgsOptions): string[] {
  return [
    '--tool=callgrind',
    // %p: one file per process; a child that execs gets its own pid's file.
    `--callgrind-out-file=${valgrindFileOption(options.outputDir, `${CALLGRIND_FILE_PREFIX}%p`)}`,
    `--trace-children=${options.traceChildren ? 'yes' : 'no'}`,
    ...traceChildrenSkipArgs(options.traceChildren, options.traceChildrenSkip),
    // Appended last so that the user's options win over ours.
    ...options.extraArgs
  ]
}
