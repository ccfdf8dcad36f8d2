// What the run says about processes that are not the project's: the toolchain's (counted apart)
// and valgrind started by the tests themselves. Pure.
import * as path from 'node:path'
import type { LeakKind, ProcessRun, SizeAndBlocks } from '../model.js'
import type { ToolchainReport } from '../report/report.js'
import { workspaceExecutable, type SuiteTest } from './attribute.js'
import { isValgrindExecutable } from './toolchain.js'
import { listNames } from '../report/format.js'

export function describeToolchain(
  runs: readonly ProcessRun[],
  leakTotals: Record<LeakKind, SizeAndBlocks>,
  workspace: string
): ToolchainReport {
  const byExe = new Map<string, { processes: number; findings: number }>()
  for (const run of runs) {
    const exe =
      run.exe === undefined
        ? '(unknown)'
        : path.isAbsolute(run.exe)
          ? (workspaceExecutable(run.exe, workspace) ?? run.exe)
          : run.exe
    const entry = byExe.get(exe) ?? { processes: 0, findings: 0 }
    entry.processes += 1
    entry.findings += run.findings.length
    byExe.set(exe, entry)
  }
  return {
    processes: runs.length,
    executables: [...byExe.entries()]
      .map(([exe, counts]) => ({ exe, ...counts }))
      .sort((a, b) => b.processes - a.processes || a.exe.localeCompare(b.exe)),
    findings: runs.reduce((sum, run) => sum + run.findings.length, 0),
    leakTotals
  }
}

/**
 * A test that starts valgrind itself (cJSON's -DENABLE_VALGRIND=ON, a MEMORYCHECK_COMMAND baked
 * into the test command) puts valgrind under valgrind, where the inner one cannot start.
 */
export function nestedValgrindProblem(
  runs: readonly ProcessRun[],
  tests: readonly SuiteTest[] = []
): string | undefined {
  const nested = runs.filter((run) => run.role === 'nested-valgrind')
  // The test list says it even when valgrind left no XML (it fails before writing one).
  const listed = tests.filter((test) => isValgrindExecutable(test.command[0] ?? ''))
  if (nested.length === 0 && listed.length === 0) return undefined
  const names = [
    ...new Set([
      ...listed.map((test) => test.name),
      ...nested.flatMap((run) => (run.test?.name !== undefined ? [run.test.name] : []))
    ])
  ]
  const who =
    listed.length > 0
      ? `${names.length === 1 ? '1 test starts valgrind in its command' : `${names.length} tests start valgrind in their commands`} (${listNames(names)})`
      : `${nested.length === 1 ? '1 process' : `${nested.length} processes`} started valgrind${names.length > 0 ? ` (tests: ${listNames(names)})` : ''}`
  return `Your tests already run valgrind: ${who}, and valgrind cannot run under this action's valgrind. Build without that option (e.g. cJSON's -DENABLE_VALGRIND=ON, or a valgrind command in the test's COMMAND) and let the action run the tests under valgrind.`
}
