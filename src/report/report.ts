// The run's result as plain data: what the JSON report holds and what every view renders, and the
// functions that turn a process into its entries.
import type {
  ClientMessage,
  FailCategory,
  Finding,
  LeakKind,
  ProcessRole,
  ProcessRun,
  ProgramOutcome,
  SizeAndBlocks,
  TestFailure,
  TestIdentity,
  Verdict
} from '../model.js'
import type { ProfileRow } from '../callgrind/summary.js'
import type { ProfileComparison } from '../baseline/profiles.js'
import type { RunMode } from '../plan.js'
import { MAX_CLIENT_MESSAGES } from '../parse/reader.js'

export interface ProcessSummary {
  file: string
  /** project, toolchain (compilers, build tools: never fails the step) or nested-valgrind. */
  role?: ProcessRole
  pid?: number
  ppid?: number
  exe?: string
  args: string[]
  complete: boolean
  findings: number
  test?: TestIdentity
  fatalSignal?: string
}

export interface ProcessClientMessage extends ClientMessage {
  pid?: number
}

export interface ValgrindInfo {
  version?: string
  /** Where it came from: the runner, the cache, the package manager or a source build. */
  source?: string
  seconds?: number
}

export interface RunReport {
  schemaVersion: 1
  command: string
  mode: RunMode
  tool: string
  valgrind: ValgrindInfo
  verdict: Verdict
  outcome: ProgramOutcome
  /** The signal that cancelled the run (the runner's SIGINT or SIGTERM), when it was cancelled. */
  cancelled?: string
  failOn: FailCategory[]
  /**
   * Equal to valgrind's own LEAK SUMMARY, summed over processes; absent when no error checker ran
   * (tool: callgrind alone), since nothing measured leaks.
   */
  leakTotals?: Record<LeakKind, SizeAndBlocks>
  /**
   * Memcheck ran, but no process of the project finished (killed, cancelled): valgrind checks
   * leaks when a process exits, so the byte totals are not known (and not 0).
   */
  leaksUnchecked?: boolean
  /** Distinct findings whose category is in fail-on. */
  failingFindings: number
  findings: Finding[]
  processes: ProcessSummary[]
  /** Children that left valgrind (`trace-children-skip`): only their XML header was written. */
  untracedChildren?: number
  /** Processes of the build toolchain (outside the workspace, not a test), reported apart. */
  toolchain?: ToolchainReport
  testFailures: TestFailure[]
  /** cargo nextest in batches: how each test binary ran under valgrind, and why. */
  isolation?: string[]
  /** What the program printed through VALGRIND_PRINTF(_BACKTRACE), with the process. */
  clientMessages: ProcessClientMessage[]
  warnings: string[]
  runDirectory: string
  /**
   * Where the JSON report was written; absent when writing it failed (a warning says why). Not
   * part of the JSON itself.
   */
  reportFile?: string
  /** Where the error checker's XML files are (absent for a callgrind-only run). */
  xmlDirectory?: string
  /** The callgrind pass, when `tool` includes callgrind. */
  profiles?: ProfileReport
  /** The comparison with a baseline report, when one was given and found. */
  baseline?: BaselineResult
  /** The SARIF file written for code scanning. */
  sarifFile?: string
  /** The suppressions file written for `write-suppressions`. */
  suppressionsFile?: string
}

export interface BaselineResult {
  /** Where the baseline came from: a file, or the cache entry's key. */
  source: string
  newFindings: number
  unchangedFindings: number
  /** The baseline's findings that this run no longer has. */
  fixed: Finding[]
  /** Instruction counts against the baseline's (callgrind in both runs). */
  profiles?: ProfileComparison
  /** What could not be compared, and why. */
  notes: string[]
}

export interface ProfileReport {
  directory: string
  /** Total instructions (Ir) of every process. */
  instructions: number
  rows: ProfileRow[]
}

/** The toolchain's processes (compilers, make, shells, cmake): counted, never failing the step. */
export interface ToolchainReport {
  processes: number
  /** Executables with how many processes ran each, most first. */
  executables: { exe: string; processes: number; findings: number }[]
  /** Their records (errors and leak records), summed over processes. */
  findings: number
  leakTotals: Record<LeakKind, SizeAndBlocks>
}

/** What the JSON report says of one process. */
export function processSummary(run: ProcessRun): ProcessSummary {
  return {
    file: run.file,
    role: run.role,
    pid: run.pid,
    ppid: run.ppid,
    exe: run.exe,
    args: run.args,
    complete: run.complete,
    findings: run.findings.length,
    test: run.test,
    fatalSignal: run.fatalSignal?.signame
  }
}

/** Client messages of every process, in order, at most MAX_CLIENT_MESSAGES in all. */
export function reportedClientMessages(runs: readonly ProcessRun[]): ProcessClientMessage[] {
  const messages: ProcessClientMessage[] = []
  for (const run of runs) {
    for (const message of run.clientMessages ?? []) {
      if (messages.length >= MAX_CLIENT_MESSAGES) return messages
      messages.push(run.pid !== undefined ? { pid: run.pid, ...message } : { ...message })
    }
  }
  return messages
}
