// What the engine executes: a plain program wrapped in valgrind, or a cargo command into which
// valgrind is injected per test process. Planning is separate from running so that each mode
// (program, nextest, cargo test) is a small function of the config.

export type RunMode = 'program' | 'nextest' | 'cargo-test'

export interface RunPlan {
  mode: RunMode
  /** The executable and its arguments. */
  command: string
  args: string[]
  /** Variables added to the environment of the process. */
  env: Record<string, string>
  cwd: string
  /** Where every valgrind process writes its XML (`%p.xml`). */
  xmlDir: string
  /** Explanations for the log (e.g. "valgrind runs each test through a nextest wrapper script"). */
  notes: string[]
}
