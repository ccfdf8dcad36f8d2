// C and C++ test drivers: `ctest` and `meson test`, each test process under valgrind and every
// process tied to its test.
//
// ctest runs natively with its memory-check step (`-T memcheck`), its checker overridden to the
// action's valgrind and options (`--overwrite MemoryCheckCommand=...`): ctest keeps every
// feature (fixtures, -j, timeouts, labels, properties) and only the tests run under valgrind, not
// ctest itself. `meson test` takes valgrind as its documented `--wrapper`. Before the run, the
// driver lists its tests (`ctest --show-only=json-v1`, `meson introspect --tests`); afterwards
// each process is matched to a test by its command line (see attribute.ts).
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import type { Config } from '../config.js'
import type { RunPlan, ValgrindInvocation } from '../plan.js'
import { joinShellWords } from '../shell-words.js'
import { sameArgs, type SuiteTest } from './attribute.js'
import type { TestFailure, TestIdentity } from '../model.js'
import { parseSuiteCommand } from './command.js'
import { ctestDirectory, ctestFailures, mesonFailures, suiteLogStamps } from './failures.js'

export { attributeProcesses, type SuiteTest } from './attribute.js'

/** For a pass whose output names processes by command line (callgrind): the ctest / meson test it ran. */
export function suiteTestIdentifier(
  plan: RunPlan
): (exe: string, args: readonly string[]) => TestIdentity | undefined {
  const tests = plan.suiteTests ?? []
  const runner = plan.mode === 'meson' ? 'meson' : 'ctest'
  return (exe, args) => {
    const test =
      tests.find((t) => t.command[0] === exe && sameArgs(t.command.slice(1), args)) ??
      tests.find(
        (t) =>
          path.basename(t.command[0] ?? '') === path.basename(exe) &&
          sameArgs(t.command.slice(1), args)
      )
    return test !== undefined ? { binary: path.basename(exe), name: test.name, runner } : undefined
  }
}
export { parseSuiteCommand } from './command.js'

/** Tests run 10-50x slower under valgrind: meson's 30 s default timeout would kill many. */
export const MESON_TIMEOUT_MULTIPLIER = '10'

/**
 * ctest parses MemoryCheckCommandOptions into words itself: double quotes group a word with
 * spaces. A word holding a double quote cannot be passed.
 */
export function ctestOptionsString(options: readonly string[]): string {
  return options
    .map((option) => {
      if (option.includes('"')) {
        throw new Error(
          `The valgrind option ${option} contains a double quote, which ctest's MemoryCheckCommandOptions cannot carry.`
        )
      }
      return /\s/.test(option) ? `"${option}"` : option
    })
    .join(' ')
}

/** Reads `ctest --show-only=json-v1`: each test's name, command and working directory. */
export function parseCtestTests(json: string): SuiteTest[] {
  const data = JSON.parse(json) as {
    tests?: {
      name?: string
      command?: string[]
      properties?: { name: string; value: unknown }[]
    }[]
  }
  const tests: SuiteTest[] = []
  for (const test of data.tests ?? []) {
    if (typeof test.name !== 'string' || !Array.isArray(test.command)) continue
    const cwd = test.properties?.find((p) => p.name === 'WORKING_DIRECTORY')?.value
    tests.push({
      name: test.name,
      command: test.command.map(String),
      ...(typeof cwd === 'string' ? { cwd } : {})
    })
  }
  return tests
}

/** Reads `meson introspect --tests`. */
export function parseMesonTests(json: string): SuiteTest[] {
  const data = JSON.parse(json) as { name?: string; cmd?: string[]; workdir?: string | null }[]
  return data
    .filter((test) => typeof test.name === 'string' && Array.isArray(test.cmd))
    .map((test) => ({
      name: test.name as string,
      command: (test.cmd as string[]).map(String),
      ...(typeof test.workdir === 'string' ? { cwd: test.workdir } : {})
    }))
}

/** ctest options that print to stdout besides the JSON, or write files, when only listing. */
const CTEST_LISTING_DROPS = new Set([
  '-V',
  '-VV',
  '--verbose',
  '--extra-verbose',
  '--debug',
  '--output-on-failure',
  '-Q',
  '--quiet'
])
const CTEST_LISTING_DROPS_WITH_VALUE = new Set(['-O', '--output-log', '--output-junit'])

function ctestListingArgs(args: readonly string[]): string[] {
  const kept: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (CTEST_LISTING_DROPS.has(args[i])) continue
    if (CTEST_LISTING_DROPS_WITH_VALUE.has(args[i])) {
      i += 1
      continue
    }
    kept.push(args[i])
  }
  return [...kept, '--show-only=json-v1']
}

/** meson test's build directory: `-C <dir>` (or `-C<dir>`), else the working directory. */
function mesonBuildDirectory(args: readonly string[], cwd: string): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-C' && args[i + 1] !== undefined) return path.resolve(cwd, args[i + 1])
    if (args[i].startsWith('-C') && args[i].length > 2) return path.resolve(cwd, args[i].slice(2))
  }
  return cwd
}

async function listTests(
  program: string,
  args: string[],
  cwd: string,
  parse: (json: string) => SuiteTest[]
): Promise<{ tests: SuiteTest[]; note?: string }> {
  try {
    const { stdout } = await promisify(execFile)(program, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    })
    return { tests: parse(stdout) }
  } catch (error) {
    const reason = ((error as Error).message || String(error)).split('\n')[0]
    return {
      tests: [],
      note: `Could not list the tests with '${joinShellWords([program, ...args])}' (${reason}): processes are named by their executables instead of their tests.`
    }
  }
}

/**
 * ctest cannot take a command with a prefix (callgrind runs under `setarch -R`): a small
 * launcher script stands in for it.
 */
function ctestChecker(valgrind: ValgrindInvocation): { command: string; options: string[] } {
  const [first, ...rest] = valgrind.argv
  const valgrindAt = valgrind.argv.findIndex((word) => /valgrind[^/]*$/.test(path.basename(word)))
  if (valgrindAt <= 0) return { command: first, options: rest }
  const launcher = path.join(path.dirname(valgrind.outputDir), `ctest-${valgrind.tool}-valgrind`)
  fs.writeFileSync(
    launcher,
    `#!/bin/sh\nexec ${joinShellWords(valgrind.argv.slice(0, valgrindAt + 1))} "$@"\n`,
    { mode: 0o755 }
  )
  return { command: launcher, options: valgrind.argv.slice(valgrindAt + 1) }
}

/** A plan for `ctest ...` or `meson test ...`, or undefined for any other command. */
export async function planSuiteRun(
  config: Config,
  valgrind: ValgrindInvocation
): Promise<RunPlan | undefined> {
  const suite = parseSuiteCommand(config.command)
  if (suite === undefined) return undefined
  const cwd = config.workingDirectory
  if (suite.runner === 'ctest') {
    const listed = await listTests(
      config.command[0],
      ctestListingArgs(suite.args),
      cwd,
      parseCtestTests
    )
    const checker = ctestChecker(valgrind)
    return {
      mode: 'ctest',
      command: config.command[0],
      args: [
        '-T',
        'memcheck',
        '--overwrite',
        'MemoryCheckType=Valgrind',
        '--overwrite',
        `MemoryCheckCommand=${checker.command}`,
        '--overwrite',
        `MemoryCheckCommandOptions=${ctestOptionsString(checker.options)}`,
        ...suite.args
      ],
      env: {},
      cwd,
      notes: [
        `ctest runs each test (${listed.tests.length} listed) under valgrind through its memory-check step (-T memcheck, checker overridden to this action's valgrind); ctest itself runs natively.`,
        ...(listed.note !== undefined ? [listed.note] : [])
      ],
      suiteTests: listed.tests,
      suiteDirectory: ctestDirectory(suite.args, cwd),
      suiteLogsBefore: suiteLogStamps('ctest', ctestDirectory(suite.args, cwd))
    }
  }
  const listed = await listTests(
    config.command[0],
    // `meson test --benchmark` runs the benchmarks, which --tests does not list.
    [
      'introspect',
      suite.args.includes('--benchmark') ? '--benchmarks' : '--tests',
      mesonBuildDirectory(suite.args, cwd)
    ],
    cwd,
    parseMesonTests
  )
  const hasMultiplier = suite.args.some(
    (arg) => arg === '-t' || arg.startsWith('--timeout-multiplier')
  )
  return {
    mode: 'meson',
    command: config.command[0],
    args: [
      'test',
      '--wrapper',
      joinShellWords(valgrind.argv),
      ...(hasMultiplier ? [] : ['--timeout-multiplier', MESON_TIMEOUT_MULTIPLIER]),
      ...suite.args
    ],
    env: {},
    cwd,
    notes: [
      `meson test runs each test under valgrind through --wrapper${hasMultiplier ? '' : ` with --timeout-multiplier ${MESON_TIMEOUT_MULTIPLIER} (tests are much slower under valgrind; give -t to choose)`}.`,
      ...(listed.note !== undefined ? [listed.note] : [])
    ],
    suiteTests: listed.tests,
    suiteDirectory: mesonBuildDirectory(suite.args, cwd),
    suiteLogsBefore: suiteLogStamps('meson', mesonBuildDirectory(suite.args, cwd))
  }
}

/** The tests of a ctest or meson run that failed on their own (from the logs the driver wrote). */
export function suiteFailures(plan: RunPlan, since: number): TestFailure[] {
  if (plan.suiteDirectory === undefined) return []
  // A second of slack: file systems keep coarse modification times.
  if (plan.mode === 'ctest') {
    return ctestFailures(plan.suiteDirectory, since - 1000, plan.suiteLogsBefore)
  }
  if (plan.mode === 'meson') {
    return mesonFailures(plan.suiteDirectory, since - 1000, plan.suiteLogsBefore)
  }
  return []
}
