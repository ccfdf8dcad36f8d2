// Builds valgrind's own arguments from the config. Pure: takes data, returns argv.
import * as path from 'node:path'
import type { Config } from '../config.js'

/** The error checker of a config: memcheck, helgrind or drd (callgrind runs as a separate pass). */
export function errorTool(
  config: Pick<Config, 'tools'>
): 'memcheck' | 'helgrind' | 'drd' | undefined {
  const tool = config.tools.find((t) => t !== 'callgrind')
  return tool as 'memcheck' | 'helgrind' | 'drd' | undefined
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
  tool: 'memcheck' | 'helgrind' | 'drd'
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
 * Arguments for an error-checking valgrind run that writes one XML file per process.
 * No `--error-exitcode`: it would replace the program's own exit status, and then "the program
 * failed" could not be told from "valgrind found errors". Findings come from the XML instead.
 */
export function errorCheckArgs(options: ErrorCheckOptions): string[] {
  const args = [
    `--tool=${options.tool}`,
    '--xml=yes',
    // %p: one file per process, children included; a forked child reopens its own file.
    `--xml-file=${path.join(options.xmlDir, '%p.xml')}`,
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
