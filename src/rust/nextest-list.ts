// What `cargo nextest run …` would run, asked of nextest itself: the run's arguments turned into a
// `cargo nextest list --message-format json …` call (same build, filters, partition, profile), and
// that call's JSON read into the test binaries and the selected tests. Pure: words and text in.

/** `cargo nextest run` options that `list` does not accept, and whether each takes a value. */
const RUN_ONLY_OPTIONS = new Map<string, boolean>([
  ['--no-fail-fast', false],
  ['--fail-fast', false],
  ['--max-fail', true],
  ['-j', true],
  ['--test-threads', true],
  ['--retries', true],
  ['--no-capture', false],
  ['--nocapture', false],
  ['--failure-output', true],
  ['--success-output', true],
  ['--status-level', true],
  ['--final-status-level', true],
  ['--flaky-result', true],
  ['--hide-progress-bar', false],
  ['--show-progress', true],
  ['--max-progress-running', true],
  ['--no-input-handler', false],
  ['--no-output-indent', false],
  ['--no-tests', true],
  ['--stress-count', true],
  ['--stress-duration', true],
  ['--message-format', true],
  ['--message-format-version', true],
  ['--debugger', true],
  ['--tracer', true],
  ['-R', true],
  ['--rerun', true]
])

export interface ListCall {
  /** Arguments for `cargo`: `[+toolchain] [cargo options] nextest [options] list --message-format json …`. */
  args: string[]
  /** `-j N` / `--test-threads N` of the run, when given: how many test processes run at once. */
  testThreads?: number
}

/**
 * The `cargo nextest list` arguments for a run's arguments (`args` = the command without `cargo`;
 * `runAt` = index in `args` of the `run` word). Options list does not know are dropped, the rest
 * (build options, filters, `-E`, `--partition`, `--run-ignored`, `--profile`, archives) kept.
 */
export function listCallForRun(args: readonly string[], runAt: number): ListCall {
  const out = [...args.slice(0, runAt), 'list', '--message-format', 'json']
  let testThreads: number | undefined
  let index = runAt + 1
  while (index < args.length) {
    const word = args[index]
    if (word === '--') {
      out.push(...args.slice(index))
      break
    }
    const [name, inlineValue] = word.startsWith('--') ? splitOnce(word, '=') : [word, undefined]
    const takesValue = RUN_ONLY_OPTIONS.get(name)
    if (takesValue === undefined) {
      out.push(word)
      index++
      continue
    }
    const value = takesValue && inlineValue === undefined ? args[index + 1] : inlineValue
    if (name === '-j' || name === '--test-threads') {
      const threads = Number(value)
      if (Number.isInteger(threads) && threads > 0) testThreads = threads
    }
    index += takesValue && inlineValue === undefined ? 2 : 1
  }
  return { args: out, testThreads }
}

function splitOnce(word: string, separator: string): [string, string | undefined] {
  const at = word.indexOf(separator)
  return at === -1 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)]
}

export interface ListedTest {
  name: string
  ignored: boolean
}

/** One test binary with the tests the run selects. */
export interface TestSuite {
  binaryId: string
  binaryPath: string
  /** nextest runs a binary's tests in its package directory. */
  cwd: string
  packageName: string
  tests: ListedTest[]
}

export interface TestList {
  suites: TestSuite[]
  /** Directories nextest adds to the dynamic loader's path (dylib dependencies, linked paths). */
  libraryPaths: string[]
  /** The target directory, where the action keeps its timings between runs. */
  targetDirectory?: string
}

interface ListJson {
  'rust-build-meta'?: {
    'target-directory'?: string
    'base-output-directories'?: string[]
    'linked-paths'?: string[]
  }
  'rust-suites'?: Record<
    string,
    {
      'binary-id'?: string
      'binary-path'?: string
      cwd?: string
      'package-name'?: string
      status?: string
      testcases?: Record<string, { ignored?: boolean; 'filter-match'?: { status?: string } }>
    }
  >
}

/** Reads `cargo nextest list --message-format json`: the tests whose filter-match is `matches`. */
export function parseTestList(json: string): TestList {
  let parsed: ListJson
  try {
    parsed = JSON.parse(json) as ListJson
  } catch (error) {
    throw new Error(
      `Could not read the output of 'cargo nextest list --message-format json' (${(error as Error).message}).`
    )
  }
  const meta = parsed['rust-build-meta'] ?? {}
  const target = meta['target-directory']
  const libraryPaths: string[] = []
  if (target !== undefined) {
    for (const base of meta['base-output-directories'] ?? []) {
      libraryPaths.push(`${target}/${base}/deps`, `${target}/${base}`)
    }
  }
  libraryPaths.push(
    ...(meta['linked-paths'] ?? []).map((p) => (p.startsWith('/') ? p : `${target}/${p}`))
  )
  const suites: TestSuite[] = []
  for (const [key, suite] of Object.entries(parsed['rust-suites'] ?? {})) {
    if (suite.status !== undefined && suite.status !== 'listed') continue
    const tests = Object.entries(suite.testcases ?? {})
      .filter(([, test]) => test['filter-match']?.status === 'matches')
      .map(([name, test]) => ({ name, ignored: test.ignored === true }))
    if (tests.length === 0 || suite['binary-path'] === undefined) continue
    suites.push({
      binaryId: suite['binary-id'] ?? key,
      binaryPath: suite['binary-path'],
      cwd: suite.cwd ?? '.',
      packageName: suite['package-name'] ?? key,
      tests
    })
  }
  return { suites, libraryPaths, targetDirectory: target }
}
