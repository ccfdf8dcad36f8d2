// Words and numbers shared by every view (annotations, job summary, terminal).
import type { Finding, Frame, LeakKind, TestIdentity } from '../model.js'
import { describeFrame } from '../analysis/location.js'
import { visibleFrames } from '../analysis/runtime-frames.js'
import { clip, summaryText } from './escape.js'
import { formatCount } from '../numbers.js'

const TOOL_LABELS: Record<string, string> = {
  memcheck: 'Memcheck',
  helgrind: 'Helgrind',
  drd: 'DRD'
}

export function toolLabel(tool: string): string {
  return TOOL_LABELS[tool] ?? tool.charAt(0).toUpperCase() + tool.slice(1)
}

export const LEAK_KIND_WORDS: Record<LeakKind, string> = {
  definite: 'definitely lost',
  indirect: 'indirectly lost',
  possible: 'possibly lost',
  reachable: 'still reachable'
}

const KIND_LABELS: Record<string, string> = {
  Leak_DefinitelyLost: 'Definitely lost',
  Leak_IndirectlyLost: 'Indirectly lost',
  Leak_PossiblyLost: 'Possibly lost',
  Leak_StillReachable: 'Still reachable',
  UninitCondition: 'Uninitialised condition',
  UninitValue: 'Uninitialised value',
  SyscallParam: 'Syscall parameter',
  ConflictingAccess: 'Conflicting access (race)'
}

/** A readable name for a valgrind error kind: `InvalidRead` → `Invalid read`. */
export function kindLabel(kind: string): string {
  const known = KIND_LABELS[kind]
  if (known !== undefined) return known
  const words = kind
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function formatNumber(value: number): string {
  return formatCount(value)
}

export function formatBytes(bytes: number): string {
  return `${formatNumber(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`
}

/** `Memcheck: Invalid read of size 4`, `Memcheck: 100 bytes definitely lost`. */
export function findingTitle(finding: Finding): string {
  if (finding.leak !== undefined) {
    const { bytes, directBytes, indirectBytes, kind } = finding.leak
    const split =
      indirectBytes > 0
        ? ` (${formatNumber(directBytes)} direct, ${formatNumber(indirectBytes)} indirect)`
        : ''
    return `${toolLabel(finding.tool)}: ${formatBytes(bytes)}${split} ${LEAK_KIND_WORDS[kind]}`
  }
  return `${toolLabel(finding.tool)}: ${firstLine(finding.what)}`
}

/**
 * The finding's text. Valgrind's own, except for a leak that sums several loss records (blocks
 * allocated on one line by different calls, or the same leak in several processes): that text is
 * written from the sums, so it agrees with the title.
 */
export function findingText(finding: Finding): string {
  const leak = finding.leak
  if (leak === undefined || (leak.records ?? 1) <= 1) return finding.what.trim()
  const split =
    leak.indirectBytes > 0
      ? ` (${formatNumber(leak.directBytes)} direct, ${formatNumber(leak.indirectBytes)} indirect)`
      : ''
  return `${formatNumber(leak.bytes)}${split} bytes in ${formatNumber(leak.blocks)} ${leak.blocks === 1 ? 'block' : 'blocks'} are ${LEAK_KIND_WORDS[leak.kind]} in ${formatNumber(leak.records ?? 1)} loss records`
}

/** "Thread: worker" when the program named the thread(s) the finding happened on. */
export function threadText(finding: Finding): string | undefined {
  const names = finding.threadNames ?? []
  if (names.length === 0) return undefined
  return `${names.length === 1 ? 'Thread' : 'Threads'}: ${names.join(', ')}`
}

export function firstLine(text: string): string {
  // Not split('\n'): only the first line is wanted, and a text can have many.
  const end = text.indexOf('\n')
  return (end === -1 ? text : text.slice(0, end)).trim()
}

/** A stack as valgrind prints it: `at fn (file:line)` for the first frame, `by ...` after. */
export function stackLines(frames: readonly Frame[], workspace: string): string[] {
  return visibleFrames(frames).map(
    (frame, index) => `${index === 0 ? 'at' : 'by'} ${describeFrame(frame, workspace)}`
  )
}

export function testLabel(test: TestIdentity): string {
  // ctest and meson test names are unique in their suite: the executable would only repeat.
  if (test.runner === 'ctest' || test.runner === 'meson') return test.name ?? test.binary
  return test.name !== undefined ? `${test.name} (${test.binary})` : test.binary
}

/** Names, the first `shown` of them, then "and N more": `a, b and c`, `a, b, c, d, e and 7 more`. */
export function listNames(names: readonly string[], shown = 5): string {
  if (names.length <= shown) {
    return names.length <= 1
      ? (names[0] ?? '')
      : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
  }
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`
}

/** Test names listed with a finding at most; the JSON report has them all. */
export const TESTS_LISTED = 20

/** What a finding's tests are called: "Test(s)", or "Program(s)" when the command runs no suite. */
export function testsLabel(tests: readonly TestIdentity[]): string {
  const programs = tests.length > 0 && tests.every((test) => test.runner === 'program')
  return `${programs ? 'Program' : 'Test'}${tests.length === 1 ? '' : 's'}`
}

/**
 * `Tests: a (bin), b (bin)` (the first TESTS_LISTED, then "and N more"), or undefined when no test
 * is known. `name` renders each name (the job summary puts them in code spans).
 */
export function testsText(
  finding: Pick<Finding, 'tests'>,
  name: (label: string) => string = (label) => label
): string | undefined {
  if (finding.tests.length === 0) return undefined
  return `${testsLabel(finding.tests)}: ${listNames(
    finding.tests.map((test) => name(testLabel(test))),
    TESTS_LISTED
  )}`
}

export function occurrenceText(finding: Finding): string {
  const processes =
    finding.processCount === 1 ? '1 process' : `${formatNumber(finding.processCount)} processes`
  if (finding.leak !== undefined) {
    const records = finding.leak.records ?? 1
    return `${records === 1 ? '1 loss record' : `${formatNumber(records)} loss records`} in ${processes}.`
  }
  const times = finding.occurrences === 1 ? 'once' : `${formatNumber(finding.occurrences)} times`
  return `Seen ${times} in ${processes}.`
}

/** Characters of one value the job summary shows at most (a C++ template name can be 1 MB). */
export const SUMMARY_VALUE_LIMIT = 2000

/**
 * A value from the program, its debug information or the inputs, as job-summary text: clipped to
 * `limit` characters, then escaped for HTML, Markdown text and table cells alike (see escape.ts).
 */
export function escapeHtml(text: string, limit = SUMMARY_VALUE_LIMIT): string {
  return summaryText(clip(text, limit))
}

/** `<code>text</code>`, clipped and escaped. */
export function codeHtml(text: string, limit = SUMMARY_VALUE_LIMIT): string {
  return `<code>${escapeHtml(text, limit)}</code>`
}
