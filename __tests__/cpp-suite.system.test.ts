// The full-size C suite (12 tests reaching one faulty line from different call sites, a leak
// through an allocator wrapper, a test that runs the compiler) through the real entry point, run
// by ctest, by meson test and by make (CMake's `make test`, a `make check`-style run). Slow (three
// builds, three suites under valgrind): SYSTEM_TESTS=1 only.
import * as fs from 'node:fs'
import { runAction, type ActionRun } from './support/run-action.js'
import { cmakeSuiteWorkspace, mesonSuiteWorkspace, suiteLine } from './support/cmake-suite.js'
import type { RunReport } from '../src/report/report.js'

const describeSystem = process.env.SYSTEM_TESTS ? describe : describe.skip
const faultyLine = suiteLine('src/suite.c', 'FAULTY-LINE')
const leakCaller = suiteLine('src/suite.c', 'LEAK-CALLER')

function reportOf(run: ActionRun): RunReport {
  return JSON.parse(fs.readFileSync(run.outputs.report, 'utf8')) as RunReport
}

function expectSuiteResult(run: ActionRun, who: RegExp): void {
  const onLine = run.annotations.filter((a) => a.file === 'src/suite.c' && a.line === faultyLine)
  expect(onLine).toHaveLength(1)
  expect(onLine[0].message).toMatch(who)
  const leak = run.annotations.filter((a) => a.file === 'src/suite.c' && a.line === leakCaller)
  expect(leak).toEqual([
    expect.objectContaining({ level: 'error', title: 'Memcheck: 48 bytes definitely lost' })
  ])
  expect(run.outputs['definitely-lost-bytes']).toBe('48')
  expect(run.outputs['indirectly-lost-bytes']).toBe('0')
  expect(run.outputs['still-reachable-bytes']).toBe('0')
  expect(run.stdout).not.toContain('ends early')
  expect(run.exitCode).toBe(1)
}

describeSystem('a C suite of 15 tests', () => {
  it('ctest: one annotation for 12 call sites, the tests named, the compiler kept out', async () => {
    const workspace = cmakeSuiteWorkspace(12)
    const run = await runAction(
      {
        command: 'ctest --test-dir build -j2',
        'allocator-wrappers': 'suite_xmalloc',
        upload: 'false'
      },
      { workspace }
    )
    expectSuiteResult(
      run,
      /Seen 12 times in 12 processes, by 12 tests\.\nTests: hit_1, hit_2, hit_3, hit_4, hit_5 and 7 more$/m
    )
    const report = reportOf(run)
    expect(report.findings).toHaveLength(13)
    expect(report.findings.flatMap((f) => f.tests.map((t) => t.name))).not.toContain('compiles')
    expect(run.failure).toBe(
      'Valgrind found 12 memory errors, 1 definite leak (48 bytes in 1 block) (fail-on: definite, errors).'
    )
  })

  it('meson test: the same result through --wrapper', async () => {
    const workspace = mesonSuiteWorkspace(12)
    const run = await runAction(
      { command: 'meson test -C mbuild', 'allocator-wrappers': 'suite_xmalloc', upload: 'false' },
      { workspace }
    )
    expectSuiteResult(
      run,
      /Seen 12 times in 12 processes, by 12 tests\.\nTests: hit_1, hit_2, hit_3, hit_4, hit_5 and 7 more$/m
    )
    expect(reportOf(run).toolchain?.processes).toBe(1)
    // meson writes testlog-valgrind.json under our --wrapper: read, it tells the tests valgrind's
    // status failed from tests failing on their own, so a baseline with every finding passes.
    const again = await runAction(
      {
        command: 'meson test -C mbuild',
        'allocator-wrappers': 'suite_xmalloc',
        upload: 'false',
        baseline: run.outputs.report
      },
      { workspace }
    )
    expect(again.failure).toBeUndefined()
    expect(again.exitCode).toBe(0)
    expect(again.outputs['new-findings']).toBe('0')
  })

  it('make test: make, sh, cmake and ctest traced but kept out; the programs named', async () => {
    const workspace = cmakeSuiteWorkspace(12)
    const run = await runAction(
      { command: 'make -C build test', 'allocator-wrappers': 'suite_xmalloc', upload: 'false' },
      { workspace }
    )
    expectSuiteResult(run, /Seen 12 times in 12 processes, by 1 program\.\nProgram: build\/hits$/m)
    const report = reportOf(run)
    const toolchain = report.toolchain?.executables.map((e) => e.exe.split('/').pop())
    expect(toolchain).toEqual(expect.arrayContaining(['ctest', 'make']))
    // make exits 2 because valgrind's status failed tests: the findings are the reason, not make.
    expect(report.verdict.reasons.join('\n')).not.toMatch(/exited with status/)
    expect(run.stdout).toMatch(/Exit status 2 follows valgrind's --error-exitcode in \d+ processes/)
    // The compiler test's cc was not traced at all (trace-children-skip).
    expect(report.untracedChildren).toBeGreaterThanOrEqual(1)
  })
})
