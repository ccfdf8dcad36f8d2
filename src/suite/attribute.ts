// Says what each process of a non-cargo run was: which test it belongs to, whether it is the
// project's or the toolchain's, a child that left valgrind, or valgrind started by a test. Pure:
// parsed runs and the suite's test list in, the same runs with `test` and `role` out.
import * as path from 'node:path'
import type { ProcessRun, TestIdentity } from '../model.js'
import { findingLocation } from '../analysis/location.js'
import { isBuildTool, isValgrindExecutable } from './toolchain.js'

/** One test as the test driver lists it (`ctest --show-only=json-v1`, `meson introspect --tests`). */
export interface SuiteTest {
  name: string
  /** The command the driver runs: the executable (usually an absolute path) and its arguments. */
  command: string[]
  /** Where it runs, when the driver says. */
  cwd?: string
}

export interface AttributionContext {
  workspace: string
  /** Where the user's command runs: relative executables are resolved from there. */
  workingDirectory: string
  /** ctest or meson: processes are named by the tests below; absent for other commands. */
  runner?: 'ctest' | 'meson'
  tests: readonly SuiteTest[]
  /**
   * The toolchain's executables (`trace-children-skip` patterns as one expression): a test whose
   * own command is the compiler checks the compiler, not the project.
   */
  toolchain?: RegExp
  /** ctest: each test's memory checker log (`--log-file` in valgrind's options) to its name. */
  testOfLogFile?: ReadonlyMap<string, string>
}

/** The test a ctest process belongs to, by the memory checker log in valgrind's options. */
function testByLogFile(run: ProcessRun, context: AttributionContext): SuiteTest | undefined {
  if (context.testOfLogFile === undefined || context.testOfLogFile.size === 0) return undefined
  for (const option of run.valgrindArgs ?? []) {
    if (!option.startsWith('--log-file=')) continue
    const name = context.testOfLogFile.get(option.slice('--log-file='.length))
    if (name !== undefined) return context.tests.find((test) => test.name === name)
  }
  return undefined
}

export function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, index) => arg === b[index])
}

/**
 * The process's executable as an absolute path (relative ones from the working directory, best
 * effort). A bare name (`make` as the user typed it) was found on PATH: it stays a bare name.
 */
function absoluteExe(run: ProcessRun, context: AttributionContext): string | undefined {
  if (run.exe === undefined || run.exe === '') return undefined
  if (!run.exe.includes('/')) return run.exe
  if (path.isAbsolute(run.exe)) return path.normalize(run.exe)
  // Relative to the directory the process ran in, which the XML does not say (make -C tests
  // running ../bin/t_leak): its frames' object file of the same name, absolute, does.
  const name = path.basename(run.exe)
  for (const finding of run.findings.slice(0, 50)) {
    for (const frame of finding.stack) {
      if (
        frame.obj !== undefined &&
        path.isAbsolute(frame.obj) &&
        path.basename(frame.obj) === name
      )
        return frame.obj
    }
  }
  return path.resolve(context.workingDirectory, run.exe)
}

/** The executable relative to the workspace, or undefined when it lies outside. */
export function workspaceExecutable(exe: string, workspace: string): string | undefined {
  if (!path.isAbsolute(exe)) return undefined
  const relative = path.relative(path.resolve(workspace), exe)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  return relative.split(path.sep).join('/')
}

/** The test whose command this process runs: exact executable and arguments, else the arguments alone. */
function matchTest(
  run: ProcessRun,
  exe: string | undefined,
  tests: readonly SuiteTest[],
  startedByDriver: boolean
): SuiteTest | undefined {
  const exact = tests.find(
    (test) =>
      exe !== undefined &&
      path.resolve(test.cwd ?? '/', test.command[0] ?? '') === exe &&
      sameArgs(test.command.slice(1), run.args)
  )
  if (exact !== undefined) return exact
  // The driver resolved the path differently (a symlink, a script valgrind shows by its
  // interpreter, Debian's valgrind -> valgrind.bin): the same name or the same arguments will do.
  const base = exe !== undefined ? path.basename(exe) : undefined
  const byName = tests.find(
    (test) =>
      base !== undefined &&
      path.basename(test.command[0] ?? '') === base &&
      sameArgs(test.command.slice(1), run.args)
  )
  if (byName !== undefined) return byName
  if (!startedByDriver) return undefined
  const byArgs = tests.filter(
    (test) => test.command.length > 1 && sameArgs(test.command.slice(1), run.args)
  )
  return byArgs.length === 1 ? byArgs[0] : undefined
}

export function attributeProcesses(
  runs: readonly ProcessRun[],
  context: AttributionContext
): ProcessRun[] {
  const pids = new Set(runs.flatMap((run) => (run.pid !== undefined ? [run.pid] : [])))
  const identities = new Map<ProcessRun, TestIdentity>()
  /** Processes below a ctest test's own, by its memory checker log: named, not made the project's. */
  const loggedIdentities = new Map<ProcessRun, TestIdentity>()
  const roles = new Map<ProcessRun, NonNullable<ProcessRun['role']>>()

  for (const run of runs) {
    // Valgrind writes the header of a forked child's file; when the child then execs a program
    // it does not trace (--trace-children-skip), the file ends there, before any <status>.
    if (!run.started && !run.complete && run.findings.length === 0) {
      roles.set(run, 'untraced')
      continue
    }
    if (run.exe !== undefined && isValgrindExecutable(run.exe)) roles.set(run, 'nested-valgrind')
    const exe = absoluteExe(run, context)
    // A process whose parent is not in the run was started by the driver (or is the command).
    const root = run.ppid === undefined || !pids.has(run.ppid)
    if (context.runner !== undefined) {
      const runner = context.runner
      const identity = (test: SuiteTest): TestIdentity => ({
        binary:
          (exe !== undefined ? workspaceExecutable(exe, context.workspace) : undefined) ??
          exe ??
          test.command[0] ??
          test.name,
        name: test.name,
        runner
      })
      // ctest names the test of every process (its memory checker log); the command says
      // whether the process is the test's own program, which alone makes it the project's.
      const logged = testByLogFile(run, context)
      const test = matchTest(run, exe, context.tests, root)
      if (test !== undefined) identities.set(run, identity(logged ?? test))
      else if (logged !== undefined) loggedIdentities.set(run, identity(logged))
    } else if (root && exe !== undefined && !isBuildTool(exe)) {
      // Another command: the program the user named is under test wherever it lies.
      identities.set(run, {
        binary: workspaceExecutable(exe, context.workspace) ?? exe,
        runner: 'program'
      })
    }
  }

  // Children, and images a test process exec'd (same pid), belong to the nearest test above them.
  const byPid = new Map<number, ProcessRun[]>()
  for (const run of runs) {
    if (run.pid !== undefined) byPid.set(run.pid, [...(byPid.get(run.pid) ?? []), run])
  }
  const inherited = (run: ProcessRun, seen: Set<number>): TestIdentity | undefined => {
    const own = identities.get(run)
    if (own !== undefined) return own
    const relatives = [
      ...(run.pid !== undefined ? (byPid.get(run.pid) ?? []) : []),
      ...(run.ppid !== undefined && !seen.has(run.ppid) ? (byPid.get(run.ppid) ?? []) : [])
    ]
    for (const relative of relatives) {
      const test = identities.get(relative)
      if (test !== undefined && relative !== run) return test
    }
    if (run.ppid === undefined || seen.has(run.ppid)) return undefined
    seen.add(run.ppid)
    for (const parent of byPid.get(run.ppid) ?? []) {
      const test = inherited(parent, seen)
      if (test !== undefined) return test
    }
    return undefined
  }

  return runs.map((run) => {
    const known = roles.get(run)
    if (known === 'untraced') return { ...run, role: known }
    const exe = absoluteExe(run, context)
    const inWorkspace = exe !== undefined ? workspaceExecutable(exe, context.workspace) : undefined
    const own = identities.get(run)
    const ancestor =
      own ??
      loggedIdentities.get(run) ??
      inherited(run, new Set(run.pid !== undefined ? [run.pid] : []))
    let test: TestIdentity | undefined = own
    if (test === undefined && inWorkspace !== undefined) {
      // The project's own program started by a test (ctest, meson) belongs to that test; under
      // other commands (make check, a script) it is named by its executable.
      test =
        context.runner !== undefined && ancestor !== undefined
          ? ancestor
          : { binary: inWorkspace, runner: 'program' }
    }
    const isToolchain =
      exe !== undefined && inWorkspace === undefined && context.toolchain?.test(exe) === true
    // Built outside the workspace (cmake -B $RUNNER_TEMP/build), a program of the project still
    // runs the workspace's code: a finding placed there makes it the project's. A compiler, a
    // shell or make never has one.
    const projectCode =
      !isToolchain &&
      own === undefined &&
      inWorkspace === undefined &&
      exe !== undefined &&
      run.findings.some(
        (finding) => findingLocation(finding.stack, context.workspace) !== undefined
      )
    if (projectCode) {
      test =
        context.runner !== undefined && ancestor !== undefined
          ? ancestor
          : { binary: exe, runner: 'program' }
    }
    const role =
      known ??
      (!isToolchain &&
      (own !== undefined || inWorkspace !== undefined || exe === undefined || projectCode)
        ? 'project'
        : 'toolchain')
    const result: ProcessRun = { ...run, role }
    const named = test ?? (role === 'toolchain' ? ancestor : undefined)
    if (named !== undefined) result.test = named
    return result
  })
}
