// The domain model. Every output (annotations, job summary, terminal view, JSON report) is a view
// of these plain data types: valgrind's XML is parsed once into `ProcessRun`s, and locations,
// deduplication and the verdict are pure functions over them.

/** The four leak kinds of memcheck's LEAK SUMMARY, in the order valgrind prints them. */
export type LeakKind = 'definite' | 'indirect' | 'possible' | 'reachable'
export const LEAK_KINDS: readonly LeakKind[] = ['definite', 'indirect', 'possible', 'reachable']

/** The tools that check for errors; one of them runs at a time (callgrind profiles instead). */
export type ErrorTool = 'memcheck' | 'helgrind' | 'drd'
export const ERROR_TOOLS: readonly ErrorTool[] = ['memcheck', 'helgrind', 'drd']

/** Every tool the `tool` input can name: an error checker, callgrind, or one of each. */
export type ValgrindTool = ErrorTool | 'callgrind'
export const VALGRIND_TOOLS: readonly ValgrindTool[] = [...ERROR_TOOLS, 'callgrind']

/** What `fail-on` can name: a leak kind, or every non-leak error. */
export type FailCategory = LeakKind | 'errors'
export const FAIL_CATEGORIES: readonly FailCategory[] = [...LEAK_KINDS, 'errors']

/** One `<frame>` of a `<stack>`. Everything but `ip` is optional in valgrind's output. */
/**
 * One frame of a stack. Read-only: the parser gives identical frames as one shared object, so a
 * change to one would change every stack it is in.
 */
export interface Frame {
  readonly ip: string
  readonly obj?: string
  readonly fn?: string
  readonly dir?: string
  readonly file?: string
  readonly line?: number
}

/** A stack with the text that introduces it (`auxwhat`), e.g. "Block was alloc'd at". */
export interface LabeledStack {
  label: string
  frames: Frame[]
}

export interface LeakInfo {
  kind: LeakKind
  /** `<leakedbytes>`: for a block that owns indirectly lost blocks this includes them. */
  bytes: number
  /** Bytes of the blocks of this record itself (the "direct" number of the text). */
  directBytes: number
  /** Bytes of blocks reachable only through this record's blocks (0 when not shown). */
  indirectBytes: number
  /** `<leakedblocks>`: direct blocks only. */
  blocks: number
  /**
   * How many of valgrind's loss records this sums (several records can share one line, e.g.
   * `char *a = malloc(16), *b = malloc(16);`); absent means 1.
   */
  records?: number
}

/** One `<error>` of one process, as valgrind wrote it. */
export interface RawFinding {
  tool: string
  /** `<kind>`, kept as valgrind spells it (unknown kinds stay strings). */
  kind: string
  /** `<what>` or `<xwhat><text>`, trimmed. */
  what: string
  unique: string
  tid?: number
  threadName?: string
  /** The main stack (where the error happened, or where a leaked block was allocated). */
  stack: Frame[]
  /** Further stacks, each with the auxwhat that introduced it. */
  auxStacks: LabeledStack[]
  /** auxwhat lines not followed by a stack (e.g. "Address 0x… is on thread 1's stack"). */
  notes: string[]
  leak?: LeakInfo
  /** How often this error context occurred (`<errorcounts>`); 1 for leak records. */
  count: number
  /**
   * How many of valgrind's error contexts (`<unique>`s) were merged into this record because they
   * show the same kind, text and stack; absent means 1. ERROR SUMMARY counts contexts with it.
   */
  contexts?: number
  /** A paste-ready suppression, when run with `--gen-suppressions=all`. */
  suppression?: string
  /** The Rust test whose function shows in the stack (cargo test runs a whole binary per process). */
  test?: string
}

export interface FatalSignal {
  tid?: number
  signo: number
  signame: string
  event?: string
  siaddr?: string
  stack: Frame[]
}

export interface SizeAndBlocks {
  bytes: number
  blocks: number
}

/** Which test a process ran: a Rust test, a ctest or meson test, or the executable it ran. */
export interface TestIdentity {
  /**
   * The test binary: a nextest binary id (`mycrate::integration`), the binary's file name, or
   * for ctest / meson / other commands the executable relative to the workspace.
   */
  binary: string
  /** The test's full name (`tests::leaks_a_buffer`, a ctest or meson test name), when known. */
  name?: string
  /** Who named it: absent for cargo; `ctest` / `meson` tests; `program` when only the executable is known. */
  runner?: 'ctest' | 'meson' | 'program'
}

/** A test that failed by itself (panic, assertion, crash), apart from anything valgrind found. */
export interface TestFailure {
  test: TestIdentity
  exitCode: number | null
  signal?: string
  message?: string
}

/**
 * What a process was to the run. `toolchain`: its executable lies outside the workspace and it is
 * not a test (compilers, make, shells, cmake): its findings never fail the step. `untraced`: a
 * child that left valgrind (a `--trace-children-skip` match): valgrind wrote only the header of
 * its XML file. `nested-valgrind`: a test started valgrind itself.
 */
export type ProcessRole = 'project' | 'toolchain' | 'untraced' | 'nested-valgrind'
/** A `<clientmsg>`: what the program printed through VALGRIND_PRINTF(_BACKTRACE). */
export interface ClientMessage {
  tid?: number
  threadName?: string
  text: string
  /** Only VALGRIND_PRINTF_BACKTRACE carries a stack. */
  stack: Frame[]
}

/** Everything one valgrind XML file says about one process. */
export interface ProcessRun {
  /** Path of the XML file. */
  file: string
  protocolVersion?: number
  tool?: string
  valgrindVersion?: string
  pid?: number
  ppid?: number
  exe?: string
  args: string[]
  /** valgrind's own options (`<vargv>` args), e.g. to read `--errors-for-leak-kinds`. */
  valgrindArgs?: string[]
  findings: RawFinding[]
  fatalSignal?: FatalSignal
  /** A `<status><state>FINISHED` was seen. */
  finished: boolean
  /** A `<status>` was written: the client started under valgrind (a skipped child never does). */
  started?: boolean
  /** The document was read to `</valgrindoutput>` without a fatal parse error. */
  complete: boolean
  /** Protocol 6 `<leak_summary>`, when present. */
  leakSummary?: Record<LeakKind, SizeAndBlocks>
  /** Protocol 6 `<error_summary>`, when present. */
  errorSummary?: {
    errors: number
    contexts: number
    suppressed: number
    suppressedContexts: number
  }
  suppressionCounts: { name: string; count: number }[]
  /** Problems met while reading (truncation, malformed bytes), each naming the file. */
  warnings: string[]
  test?: TestIdentity
  /** Set for ctest, meson and other non-cargo runs (absent means `project`). */
  role?: ProcessRole
  /** VALGRIND_PRINTF(_BACKTRACE) messages, in order (at most a few hundred are kept). */
  clientMessages?: ClientMessage[]
  /** `<error>` records read, before merging and before dropping mid-run leak checks. */
  records?: number
  /**
   * Loss records of leak checks the program asked for mid-run (VALGRIND_DO_LEAK_CHECK), per kind.
   * They are not findings (only the final leak check counts) but valgrind counted them as errors.
   */
  midRunLeakRecords?: Partial<Record<LeakKind, number>>
}

/** Where a finding is shown in the pull request: a line of a file inside the workspace. */
export interface SourceLocation {
  /** Relative to the workspace, with `/` separators. */
  file: string
  line: number
  fn?: string
}

/** A finding after deduplication across processes. */
export interface Finding {
  /** Stable identity: tool, kind, location and stack. */
  key: string
  tool: string
  kind: string
  /** Leak kind, or 'errors' for everything else. */
  category: FailCategory
  what: string
  location?: SourceLocation
  stack: Frame[]
  auxStacks: LabeledStack[]
  notes: string[]
  /** Summed over the processes that hit it. */
  leak?: LeakInfo
  /** Occurrences summed over processes (`<errorcounts>`). */
  occurrences: number
  /** Distinct processes (XML files) that reported it. */
  processCount: number
  pids: number[]
  /** Tests that produced it (Rust runs). */
  tests: TestIdentity[]
  /** Names of the threads it happened on, when the program named them. */
  threadNames?: string[]
  suppression?: string
  /** True when `fail-on` names this finding's category (and, with a baseline, it is new). */
  failing: boolean
  /** Identity across commits (SARIF partialFingerprints, baseline matching): see analysis/identity. */
  fingerprint?: string
  /** With a baseline: whether the baseline had this finding. Unchanged findings never fail. */
  baseline?: 'new' | 'unchanged'
}

/** How the program (or test run) itself ended, apart from anything valgrind found. */
export interface ProgramOutcome {
  /** The exit status the step saw (possibly valgrind's `--error-exitcode`, see below). */
  exitCode: number | null
  /** A fatal signal valgrind saw in the client (from `<fatal_signal>`). */
  signal?: { name: string; pid?: number; stack: Frame[]; event?: string }
  /**
   * The exit status is valgrind's `--error-exitcode`, not the program's: the XML of the process
   * counts errors, and valgrind then replaces the program's own status (which is lost). For a test
   * command: every test process that ended non-zero did so through valgrind's status.
   */
  valgrindErrorExit: boolean
  /**
   * A program's status that is not valgrind's own, while valgrind's `--error-exitcode` failed
   * processes it started (`make check` exits 2 when a test does): those processes, named by test
   * or executable, and whether they belong to the build toolchain.
   */
  failedByValgrindBelow?: { name: string; toolchain: boolean }[]
}

export interface Verdict {
  failed: boolean
  /** One line per reason the step fails (empty when it passes). */
  reasons: string[]
  /** One line that sums it up, for the summary's first line and the log. */
  headline: string
  /**
   * Nothing was checked because valgrind or cargo failed to start the run (bad option, bad
   * suppressions file, no Cargo.toml, cargo-nextest missing): the CLI exits 2 for it.
   */
  setupFailed?: boolean
}
