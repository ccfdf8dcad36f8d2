// A CMake test suite through the real entry point with `command: ctest`: many tests reaching one
// faulty line give one annotation naming them, the leak through the allocator wrapper is placed
// at its caller and reaches the pull request, the compiler a test runs stays out of the verdict
// and the byte outputs, and nothing is reported as "ends early". The full-size suite (12 call
// sites, meson test, make test) is in cpp-suite.system.test.ts.
import * as fs from 'node:fs'
import { runAction, type ActionRun } from './support/run-action.js'
import { cmakeSuiteWorkspace, hasTool, suiteLine } from './support/cmake-suite.js'
import type { RunReport } from '../src/report/report.js'
import { execFileSync } from 'node:child_process'

const faultyLine = suiteLine('src/suite.c', 'FAULTY-LINE')
const leakCaller = suiteLine('src/suite.c', 'LEAK-CALLER')

// CI installs cmake (.ci/run), and there a missing cmake fails these tests. Elsewhere they are
// skipped, saying so, when cmake is not installed.
const skipped = !process.env.CI && !hasTool('cmake')
if (skipped) {
  console.warn('cpp-suite.e2e.test.ts: cmake is not installed; skipping the ctest suite tests.')
}
const describeCmake = skipped ? describe.skip : describe

describeCmake('ctest suite', () => {
  let workspace: string
  let run: ActionRun
  let report: RunReport
  beforeAll(async () => {
    workspace = cmakeSuiteWorkspace(4)
    run = await runAction(
      {
        command: 'ctest --test-dir build -j2',
        'allocator-wrappers': 'suite_xmalloc',
        upload: 'false'
      },
      { workspace }
    )
    report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8')) as RunReport
  })

  it('gives the faulty line one annotation naming every test that hit it', () => {
    const onLine = run.annotations.filter((a) => a.file === 'src/suite.c' && a.line === faultyLine)
    expect(onLine).toHaveLength(1)
    expect(onLine[0].level).toBe('error')
    expect(onLine[0].title).toBe('Memcheck: Invalid read of size 4')
    expect(onLine[0].message).toContain(
      'Seen 4 times in 4 processes, by 4 tests.\nTests: hit_1, hit_2, hit_3 and hit_4'
    )
    expect(onLine[0].message).toContain('4 call paths reach this line')
  })

  it("places the wrapper's leak at its caller, among the annotations", () => {
    const leak = run.annotations.filter((a) => a.file === 'src/suite.c' && a.line === leakCaller)
    expect(leak).toEqual([
      expect.objectContaining({ level: 'error', title: 'Memcheck: 48 bytes definitely lost' })
    ])
    expect(leak[0].message).toMatch(
      /^1 loss record in 1 process, by 1 test\.\nTest: leak_wrapper$/m
    )
    // Only what GitHub shows: the failure message is one of the 10 error annotations.
    expect(run.annotations.map((a) => `${a.file}:${a.line}`)).toEqual([
      `src/suite.c:${faultyLine}`,
      `src/suite.c:${leakCaller}`
    ])
  })

  it("counts the project's processes only: the compiler test is clean and outside the totals", () => {
    expect(run.outputs['definitely-lost-bytes']).toBe('48')
    expect(run.outputs['still-reachable-bytes']).toBe('0')
    expect(run.outputs['indirectly-lost-bytes']).toBe('0')
    expect(run.outputs.findings).toBe('5')
    expect(report.findings.flatMap((f) => f.tests.map((t) => t.name))).not.toContain('compiles')
    // The compiler the test runs (CMake's C compiler: /usr/bin/cc here).
    expect(report.toolchain?.executables).toEqual([
      expect.objectContaining({ exe: expect.stringMatching(/\/(cc|gcc[-\d.]*)$/), processes: 1 })
    ])
    expect(run.summary).toMatch(/<summary>Build toolchain: 1 process \((cc|gcc[-\d.]*)\)/)
    expect(run.failure).toBe(
      'Valgrind found 4 memory errors, 1 definite leak (48 bytes in 1 block) (fail-on: definite, errors).'
    )
  })

  it('names the tests in the JSON report and the summary', () => {
    const tests = report.findings.map((f) => f.tests.map((t) => t.name).join(','))
    expect(tests.sort()).toEqual(['hit_1', 'hit_2', 'hit_3', 'hit_4', 'leak_wrapper'])
    expect(report.processes.find((p) => p.test?.name === 'clean_test')?.role).toBe('project')
    expect(run.summary).toContain('#### <code>hit_1</code>')
    expect(run.summary).toContain('Test: <code>leak_wrapper</code>')
  })

  it('reports no "ends early" warnings', () => {
    expect(run.stdout).not.toContain('ends early')
    expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([])
  })

  it('says ctest ran no test when its filters match none, not that valgrind wrote nothing', async () => {
    const none = await runAction(
      { command: 'ctest --test-dir build -R matches_no_test', upload: 'false' },
      { workspace }
    )
    expect(none.exitCode).toBe(1)
    expect(none.failure).toBe(
      `ctest ran no test under valgrind (no test process wrote valgrind's XML), so nothing was checked. Do the command's test filters match any test, and is '${workspace}/build' a configured build directory? ctest's own words are in the log above.`
    )
  })

  it('recognises tests that run valgrind themselves', async () => {
    execFileSync('cmake', ['-B', 'build', '-DSUITE_SELF_VALGRIND=ON'], {
      cwd: workspace,
      stdio: 'pipe'
    })
    const nested = await runAction(
      { command: 'ctest --test-dir build -R under_valgrind', upload: 'false' },
      { workspace }
    )
    expect(nested.exitCode).toBe(1)
    expect(nested.failure).toContain(
      'Your tests already run valgrind: 1 test starts valgrind in its command (clean_under_valgrind)'
    )
    expect(nested.failure).toContain('Build without that option')
    // ctest's memory-check step exits 16 for a failed test: the verdict names the test instead.
    expect(nested.failure).toContain(
      '1 test failed on its own (not a valgrind finding): clean_under_valgrind.'
    )
    expect(nested.failure).not.toContain('status 16')
    expect(nested.stdout).not.toContain('ends early')
  })
})
