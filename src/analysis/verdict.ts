// Decides whether the step fails, and says why in words a reviewer understands. Valgrind's
// findings, the program's own failure and the action's problems are kept apart: a crash or a
// failed test is never reported as a leak, and vice versa.
import type { FailCategory, Finding, ProgramOutcome, TestFailure, Verdict } from '../model.js'
import { describeFrame } from './location.js'
import { formatCount } from '../numbers.js'

export interface VerdictInput {
  findings: readonly Finding[]
  failOn: ReadonlySet<FailCategory>
  outcome: ProgramOutcome
  /** 'program' or a test runner; decides how a non-zero exit is worded. */
  subject: 'program' | 'tests'
  testFailures: readonly TestFailure[]
  /** Problems that make the run untrustworthy (e.g. valgrind wrote no usable XML). */
  problems: readonly string[]
  /**
   * valgrind or cargo failed to set the run up (bad option, no Cargo.toml, ...): the program's or
   * tests' exit statuses are consequences of it, so they are not reasons of their own.
   */
  setupProblems?: readonly string[]
  /** False when no error checker ran (tool: callgrind alone): nothing can be said about errors. */
  errorCheck?: boolean
  workspace: string
  /** Instruction-count regressions over the threshold, one sentence each (callgrind baselines). */
  regressions?: readonly string[]
}

const CATEGORY_WORDS: Record<FailCategory, [string, string]> = {
  errors: ['memory error', 'memory errors'],
  definite: ['definite leak', 'definite leaks'],
  indirect: ['indirect leak', 'indirect leaks'],
  possible: ['possible leak', 'possible leaks'],
  reachable: ['still-reachable finding', 'still-reachable findings']
}

/** "1 byte", "1,024 bytes": the count with thousands separators, and the word for it. */
export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`
}

/**
 * "2 memory errors, 1 definite leak (32 bytes in 2 blocks)" for a list of findings: findings are
 * counted as findings, bytes and blocks as valgrind's LEAK SUMMARY counts them (direct only).
 */
export function describeFindingCounts(findings: readonly Finding[]): string {
  // One pass: tens of thousands of findings are counted for the verdict and the headline.
  const counts = new Map<
    FailCategory | 'thread',
    { findings: number; bytes: number; blocks: number }
  >()
  for (const finding of findings) {
    // Helgrind and DRD report thread errors (races, lock misuse), not memory errors.
    const group =
      finding.category === 'errors' && finding.tool !== 'memcheck' ? 'thread' : finding.category
    let count = counts.get(group)
    if (count === undefined) counts.set(group, (count = { findings: 0, bytes: 0, blocks: 0 }))
    count.findings++
    count.bytes += finding.leak?.directBytes ?? 0
    count.blocks += finding.leak?.blocks ?? 0
  }
  const parts: string[] = []
  const threadErrors = counts.get('thread')?.findings ?? 0
  if (threadErrors > 0) parts.push(plural(threadErrors, 'thread error', 'thread errors'))
  for (const category of Object.keys(CATEGORY_WORDS) as FailCategory[]) {
    const count = counts.get(category)
    if (count === undefined) continue
    const [one, many] = CATEGORY_WORDS[category]
    let text = plural(count.findings, one, many)
    if (category !== 'errors') {
      text += ` (${plural(count.bytes, 'byte', 'bytes')} in ${plural(count.blocks, 'block', 'blocks')})`
    }
    parts.push(text)
  }
  return parts.join(', ')
}

function signalReason(
  outcome: ProgramOutcome,
  subject: VerdictInput['subject'],
  workspace: string
): string | undefined {
  if (outcome.signal === undefined) return undefined
  const where =
    outcome.signal.stack.length > 0
      ? ` in ${describeFrame(outcome.signal.stack[0], workspace)}`
      : ''
  const event = outcome.signal.event ? ` (${outcome.signal.event})` : ''
  const who = subject === 'program' ? 'The program' : 'A test process'
  return `${who} was killed by ${outcome.signal.name}${event}${where}.`
}

/** The first five names, then how many more. */
export function shortList(names: readonly string[]): string {
  return names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '')
}

export function decideVerdict(input: VerdictInput): Verdict {
  const setupProblems = input.setupProblems ?? []
  if (setupProblems.length > 0) {
    const reasons = [...setupProblems, ...input.problems]
    return { failed: true, reasons, headline: headlineOf(reasons), setupFailed: true }
  }
  const reasons: string[] = [...input.problems]
  const failing = input.findings.filter((f) => f.failing)
  if (failing.length > 0) {
    const failOn = [...input.failOn].join(', ')
    // With a baseline only new findings fail: say so, or "2 definite leaks" reads as all of them.
    const fresh = failing.some((f) => f.baseline === 'new') ? ' not in the baseline' : ''
    reasons.push(`Valgrind found ${describeFindingCounts(failing)}${fresh} (fail-on: ${failOn}).`)
  }
  reasons.push(...(input.regressions ?? []))
  const signal = signalReason(input.outcome, input.subject, input.workspace)
  if (signal !== undefined) reasons.push(signal)
  if (input.testFailures.length > 0) {
    const shown = shortList(
      input.testFailures.map((failure) => failure.test.name ?? failure.test.binary)
    )
    reasons.push(
      `${input.testFailures.length === 1 ? '1 test failed on its own' : `${input.testFailures.length} tests failed on their own`} (not a valgrind finding): ${shown}.`
    )
  } else if (
    signal === undefined &&
    !input.outcome.valgrindErrorExit &&
    input.outcome.exitCode !== null &&
    input.outcome.exitCode !== 0
  ) {
    const who = input.subject === 'program' ? 'The program' : 'The test command'
    const below = input.outcome.failedByValgrindBelow ?? []
    const toolchain = below.filter((process) => process.toolchain)
    const status = `${who} exited with status ${input.outcome.exitCode}`
    if (below.length === 0) {
      reasons.push(`${status}.`)
    } else if (toolchain.length === below.length) {
      // The build tools' own findings do not count, but valgrind's status failed them all the same.
      reasons.push(
        `${status} after valgrind's --error-exitcode failed ${plural(toolchain.length, 'process', 'processes')} of the build toolchain (${shortList(toolchain.map((process) => process.name))}): valgrind found errors in them, which are not the project's. Keep valgrind out of them (trace-children-skip) or set error-exitcode: 0.`
      )
    } else if (failing.length === 0) {
      // Only findings that do not fail (known to the baseline) made valgrind fail the tests. The
      // status stays a reason: a test that also failed on its own must not pass unseen.
      const project = below.filter((process) => !process.toolchain)
      reasons.push(
        `${status} after valgrind's --error-exitcode failed ${plural(project.length, 'process', 'processes')} it started (${shortList(project.map((process) => process.name))}) for findings that do not fail the step (known to the baseline). Commit valgrind suppressions for them (write-suppressions) or set error-exitcode: 0, so that the command's status is its own.`
      )
    }
    // Otherwise the findings that fail the step made valgrind fail the command's tests: the status
    // is their consequence, and the step fails on them already.
  }

  const failed = reasons.length > 0
  let headline: string
  if (failed) {
    headline = headlineOf(reasons)
  } else if (input.errorCheck === false) {
    const who = input.subject === 'program' ? 'the program' : 'the tests'
    headline = `Passed: ${who} ran under callgrind; no error check ran (tool: callgrind alone).`
  } else if (input.findings.length === 0) {
    headline = 'Passed: valgrind found no errors and no leaks.'
  } else if (input.findings.some((f) => f.baseline !== undefined)) {
    const known = input.findings.filter((f) => f.baseline === 'unchanged').length
    headline = `Passed: nothing new in fail-on (${[...input.failOn].join(', ') || 'none'}); ${describeFindingCounts(input.findings)} in all, ${known} of them already in the baseline.`
  } else {
    headline = `Passed: ${describeFindingCounts(input.findings)}, none of them in fail-on (${[...input.failOn].join(', ') || 'none'}).`
  }
  return { failed, reasons, headline }
}

function headlineOf(reasons: readonly string[]): string {
  const more = reasons.length - 1
  return more === 0
    ? `Failed: ${reasons[0]}`
    : `Failed: ${reasons[0].replace(/\.$/, '')}; and ${plural(more, 'more reason', 'more reasons')}.`
}
