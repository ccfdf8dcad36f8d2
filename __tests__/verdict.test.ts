import { decideVerdict } from '../src/analysis/verdict.js'
import type { FailCategory, Finding } from '../src/model.js'

const failOn = new Set<FailCategory>(['definite', 'errors'])
const base = {
  failOn,
  subject: 'program' as const,
  testFailures: [],
  problems: [],
  workspace: '/ws'
}

function finding(category: FailCategory, bytes = 0): Finding {
  return {
    key: `${category}${bytes}`,
    tool: 'memcheck',
    kind: category === 'errors' ? 'InvalidRead' : 'Leak_DefinitelyLost',
    category,
    what: '',
    stack: [],
    auxStacks: [],
    notes: [],
    leak:
      category === 'errors'
        ? undefined
        : { kind: category, bytes, directBytes: bytes, indirectBytes: 0, blocks: 1 },
    occurrences: 1,
    processCount: 1,
    pids: [1],
    tests: [],
    failing: failOn.has(category)
  }
}

describe('decideVerdict', () => {
  it('passes a clean run', () => {
    const verdict = decideVerdict({
      ...base,
      findings: [],
      outcome: { exitCode: 0, valgrindErrorExit: false }
    })
    expect(verdict).toEqual({
      failed: false,
      reasons: [],
      headline: 'Passed: valgrind found no errors and no leaks.'
    })
  })

  it('passes findings outside fail-on and says so', () => {
    const verdict = decideVerdict({
      ...base,
      findings: [finding('possible', 64)],
      outcome: { exitCode: 0, valgrindErrorExit: false }
    })
    expect(verdict.failed).toBe(false)
    expect(verdict.headline).toBe(
      'Passed: 1 possible leak (64 bytes in 1 block), none of them in fail-on (definite, errors).'
    )
  })

  describe('a command whose status follows processes valgrind failed (make check)', () => {
    const exited = (below: { name: string; toolchain: boolean }[]) => ({
      exitCode: 2,
      valgrindErrorExit: false,
      failedByValgrindBelow: below
    })

    it('adds no reason of its own when valgrind failed the project’s tests: the findings are the reason', () => {
      const verdict = decideVerdict({
        ...base,
        findings: [finding('errors')],
        outcome: exited([
          { name: 'build/hits', toolchain: false },
          { name: 'ctest', toolchain: true }
        ])
      })
      expect(verdict.reasons).toEqual([
        'Valgrind found 1 memory error (fail-on: definite, errors).'
      ])
    })

    it('keeps the status as a reason when only known findings made valgrind fail the tests', () => {
      // A test that also failed on its own must not pass behind the baseline.
      const known = { ...finding('definite', 48), failing: false, baseline: 'unchanged' as const }
      const verdict = decideVerdict({
        ...base,
        findings: [known],
        outcome: exited([{ name: 'build/leaks', toolchain: false }])
      })
      expect(verdict.reasons).toEqual([
        "The program exited with status 2 after valgrind's --error-exitcode failed 1 process it started (build/leaks) for findings that do not fail the step (known to the baseline). Commit valgrind suppressions for them (write-suppressions) or set error-exitcode: 0, so that the command's status is its own."
      ])
    })

    it('fails, naming them and the way out, when only build tools were failed by valgrind', () => {
      const verdict = decideVerdict({
        ...base,
        findings: [],
        outcome: exited([{ name: 'sh', toolchain: true }])
      })
      expect(verdict.reasons).toEqual([
        "The program exited with status 2 after valgrind's --error-exitcode failed 1 process of the build toolchain (sh): valgrind found errors in them, which are not the project's. Keep valgrind out of them (trace-children-skip) or set error-exitcode: 0."
      ])
    })

    it('keeps the status as a reason when no process was failed by valgrind', () => {
      const verdict = decideVerdict({ ...base, findings: [], outcome: exited([]) })
      expect(verdict.reasons).toEqual(['The program exited with status 2.'])
    })
  })

  it('keeps findings, a crash, a failed test and an exit status as separate reasons', () => {
    const verdict = decideVerdict({
      ...base,
      subject: 'tests',
      findings: [finding('errors'), finding('definite', 100), finding('reachable', 8)],
      outcome: {
        exitCode: null,
        valgrindErrorExit: false,
        signal: { name: 'SIGABRT', stack: [{ ip: '0x1', fn: 'abort' }] }
      },
      testFailures: [{ test: { binary: 'crate', name: 'tests::panics' }, exitCode: 101 }]
    })
    expect(verdict.failed).toBe(true)
    expect(verdict.reasons).toEqual([
      'Valgrind found 1 memory error, 1 definite leak (100 bytes in 1 block) (fail-on: definite, errors).',
      'A test process was killed by SIGABRT in abort (0x1).',
      '1 test failed on its own (not a valgrind finding): tests::panics.'
    ])
    expect(verdict.headline).toMatch(
      /^Failed: Valgrind found 1 memory error.*\(fail-on: definite, errors\); and 2 more reasons\.$/
    )
  })

  it('fails on a problem even with nothing found', () => {
    const verdict = decideVerdict({
      ...base,
      findings: [],
      problems: ['Valgrind wrote no XML file'],
      outcome: { exitCode: 0, valgrindErrorExit: false }
    })
    expect(verdict.failed).toBe(true)
    expect(verdict.reasons).toEqual(['Valgrind wrote no XML file'])
  })

  it('does not blame the program for a status valgrind set, and says blocks, not findings', () => {
    const big = finding('definite', 1234567)
    big.leak = { ...big.leak!, blocks: 3, records: 2 }
    const verdict = decideVerdict({
      ...base,
      findings: [big],
      outcome: { exitCode: 1, valgrindErrorExit: true }
    })
    expect(verdict.reasons).toEqual([
      'Valgrind found 1 definite leak (1,234,567 bytes in 3 blocks) (fail-on: definite, errors).'
    ])
  })

  it('passes a status valgrind set for findings outside fail-on', () => {
    const verdict = decideVerdict({
      ...base,
      failOn: new Set<FailCategory>(),
      findings: [{ ...finding('definite', 16), failing: false }],
      outcome: { exitCode: 1, valgrindErrorExit: true }
    })
    expect(verdict.failed).toBe(false)
  })

  it("names valgrind's or cargo's setup failure alone: the exit status follows from it", () => {
    const verdict = decideVerdict({
      ...base,
      subject: 'tests',
      findings: [],
      setupProblems: ['Cargo failed: cargo-nextest is not installed'],
      outcome: { exitCode: 101, valgrindErrorExit: false }
    })
    expect(verdict).toMatchObject({
      failed: true,
      setupFailed: true,
      reasons: ['Cargo failed: cargo-nextest is not installed']
    })
  })

  it('callgrind alone claims nothing about errors or leaks', () => {
    const verdict = decideVerdict({
      ...base,
      findings: [],
      errorCheck: false,
      outcome: { exitCode: 0, valgrindErrorExit: false }
    })
    expect(verdict.headline).toBe(
      'Passed: the program ran under callgrind; no error check ran (tool: callgrind alone).'
    )
    expect(verdict.headline).not.toMatch(/no errors|no leaks/)
  })
})
