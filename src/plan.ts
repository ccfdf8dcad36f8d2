// What the engine executes: a plain program wrapped in valgrind, or a cargo command into which
// valgrind is injected per test process. Planning is separate from running so that each mode
// (program, nextest, cargo test) and each tool pass (memcheck, callgrind) is a small function.
import type { Config } from './config.js'
import type { ValgrindTool } from './model.js'
import type { ProcessExit, RunOptions } from './valgrind/run.js'
import type { SuiteTest } from './suite/attribute.js'

export type RunMode = 'program' | 'nextest' | 'cargo-test' | 'ctest' | 'meson'

/** Cargo runs: their processes are tied to tests by the Rust runner's records. */
export function isRustMode(mode: RunMode): mode is 'nextest' | 'cargo-test' {
  return mode === 'nextest' || mode === 'cargo-test'
}

/** One valgrind pass: which tool, and valgrind's argv up to (not including) the program. */
export interface ValgrindInvocation {
  tool: ValgrindTool
  /** e.g. ['valgrind', '--tool=memcheck', '--xml=yes', '--xml-file=/run/memcheck/%p.xml', ...] */
  argv: string[]
  /** Where this pass's processes write their files (XML or callgrind.out.%p). */
  outputDir: string
  /** Variables valgrind itself needs in its environment (e.g. the exec launcher). */
  env?: Record<string, string>
}

export interface RunPlan {
  mode: RunMode
  /** The executable and its arguments. */
  command: string
  args: string[]
  /** Variables added to the environment of the process. */
  env: Record<string, string>
  cwd: string
  /** Explanations for the log (e.g. "valgrind runs each test through a nextest wrapper script"). */
  notes: string[]
  /**
   * Runs the plan itself instead of one process `command args` (nextest in batches: a listing
   * step, then many valgrind processes). The output goes through `options.write`.
   */
  execute?: (options: RunOptions) => Promise<ProcessExit>
  /** ctest / meson: the tests the driver listed before the run, to name each process's test. */
  suiteTests?: SuiteTest[]
  /** ctest's test directory or meson's build directory, where the driver logs failed tests. */
  suiteDirectory?: string
  /** The driver's logs there before the run (see suiteLogStamps): an unchanged one is not this run's. */
  suiteLogsBefore?: ReadonlyMap<string, string>
}

/** A plain program: valgrind's argv, then the user's command. */
export function planProgramRun(
  config: Pick<Config, 'command' | 'workingDirectory'>,
  valgrind: ValgrindInvocation
): RunPlan {
  const [valgrindExe, ...valgrindOptions] = valgrind.argv
  return {
    mode: 'program',
    command: valgrindExe,
    args: [...valgrindOptions, ...config.command],
    env: {},
    cwd: config.workingDirectory,
    notes: []
  }
}
