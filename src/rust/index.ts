// Rust support: `cargo nextest run` and `cargo test` under valgrind. (Stub: being implemented.)
import type { Config } from '../config.js'
import type { Frame, ProcessRun, TestIdentity } from '../model.js'
import type { RunPlan, ValgrindInvocation } from '../plan.js'

/** A test that failed by itself (panic, assertion, crash), apart from anything valgrind found. */
export interface TestFailure {
  test: TestIdentity
  exitCode: number | null
  signal?: string
  message?: string
}

/** A plan for a cargo command, or undefined when `config.command` is not one. */
export async function planRustRun(
  _config: Config,
  _valgrind: ValgrindInvocation
): Promise<RunPlan | undefined> {
  return undefined
}

/** After the run: attribute each process to its test, drop list-phase processes, find failed tests. */
export async function finishRustRun(
  _plan: RunPlan,
  runs: ProcessRun[],
  _exitCode: number | null
): Promise<{ runs: ProcessRun[]; testFailures: TestFailure[]; notes: string[] }> {
  return { runs, testFailures: [], notes: [] }
}

/** Which test a process ran, from its argv (`<bin> --exact <name> ...`); 'list' for list-phase runs. */
export function testFromArgv(
  _exe: string,
  _args: readonly string[]
): TestIdentity | 'list' | undefined {
  return undefined
}

/** Frames of Rust's standard library, core, alloc, the test harness and allocator shims. */
export function isRustRuntimeFrame(frame: Frame): boolean {
  const fn = frame.fn ?? ''
  return (
    (frame.dir ?? '').startsWith('/rustc/') ||
    /^(std|core|alloc|test)::/.test(fn) ||
    /^<(std|core|alloc|test)::/.test(fn) ||
    /^__rust|^__rdl_|^__rg_|^rust_begin_unwind/.test(fn)
  )
}
