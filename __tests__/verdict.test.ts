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
      'Passed: 1 possible leak (64 bytes), none of them in fail-on (definite, errors).'
    )
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
      'Valgrind found 1 memory error, 1 definite leak (100 bytes) (fail-on: definite, errors).',
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
})
