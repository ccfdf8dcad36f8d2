// Annotations: one per file, line and kind. A faulty line that many tests reach from different
// call sites is one annotation naming the tests and processes that hit it, not one per stack.
// GitHub shows at most 10 error and 10 warning annotations per step (the step's own failure
// message is one of the errors), so only what will be shown is emitted, the most severe first
// (findings arrive sorted by `compareFindings`); the job summary keeps every finding.
import type { AnnotationMode } from '../config.js'
import type { FailCategory, Finding, LeakInfo } from '../model.js'
import { addLeaks } from '../analysis/leak-totals.js'
import { describeFrame } from '../analysis/location.js'
import {
  findingText,
  findingTitle,
  formatNumber,
  listNames,
  occurrenceText,
  stackLines,
  testLabel,
  threadText
} from './format.js'

export interface Annotation {
  level: 'error' | 'warning'
  title: string
  message: string
  file: string
  line: number
  /** The findings (distinct stacks) this annotation stands for. */
  findings: number
}

/** The per-level limit GitHub applies to annotations of one step. */
export const ANNOTATIONS_SHOWN_PER_LEVEL = 10

function plural(count: number, one: string, many: string): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`
}

/** Test names in natural order (`test2` before `test10`); one collator for every comparison. */
const byTestName = new Intl.Collator('en', { numeric: true }).compare

/**
 * How often and by whom a line was hit, in two lines: "Seen 14 times in 12 processes, by 12
 * tests." ("3 loss records in ..." for leaks) and "Tests: a, b, c, d, e and 7 more" (one line, without the names, when no test is known).
 */
export function hitText(findings: readonly Finding[]): string {
  if (findings.length === 1 && findings[0].tests.length === 0) return occurrenceText(findings[0])
  // One pass over the findings of a line (thousands of call paths can reach one line).
  let occurrences = 0
  let processCounts = 0
  let records = 0
  // Distinct processes: pids when every finding knows them, else the per-finding counts.
  const pids = new Set<number>()
  let knowsPids = true
  let leaks = true
  let programs = true
  const testNames = new Set<string>()
  for (const f of findings) {
    occurrences += f.occurrences
    processCounts += f.processCount
    records += f.leak?.records ?? 1
    for (const pid of f.pids) pids.add(pid)
    knowsPids &&= f.pids.length === f.processCount
    leaks &&= f.leak !== undefined
    for (const test of f.tests) {
      testNames.add(testLabel(test))
      programs &&= test.runner === 'program'
    }
  }
  const processes = knowsPids ? pids.size : processCounts
  const tests = [...testNames].sort(byTestName)
  const times = occurrences === 1 ? 'once' : `${formatNumber(occurrences)} times`
  const where = plural(processes, 'process', 'processes')
  // Leaks count valgrind's loss records, as occurrenceText does.
  const seen = leaks
    ? `${plural(records, 'loss record', 'loss records')} in ${where}`
    : `Seen ${times} in ${where}`
  if (tests.length === 0) return `${seen}.`
  const [one, many] = programs ? ['program', 'programs'] : ['test', 'tests']
  const label = tests.length === 1 ? one : many
  return `${seen}, by ${plural(tests.length, one, many)}.\n${label.charAt(0).toUpperCase()}${label.slice(1)}: ${listNames(tests)}`
}

function sumLeaks(findings: readonly Finding[]): LeakInfo | undefined {
  const leaks = findings.flatMap((f) => (f.leak !== undefined ? [f.leak] : []))
  if (leaks.length === 0) return undefined
  return leaks.reduce((sum, leak) => addLeaks(sum, leak))
}

/** The message of one finding, or of several on one line (the first one's stacks stand for all). */
export function annotationMessage(
  finding: Finding,
  workspace: string,
  group: readonly Finding[] = [finding]
): string {
  const lines: string[] = [findingText(finding)]
  const thread = threadText(finding)
  if (thread !== undefined) lines.push(thread)
  lines.push(...stackLines(finding.stack, workspace).map((line) => `   ${line}`))
  for (const aux of finding.auxStacks) {
    lines.push(aux.label)
    lines.push(...stackLines(aux.frames, workspace).map((line) => `   ${line}`))
  }
  lines.push(...finding.notes)
  if (group.length > 1) {
    lines.push(
      `${group.length} call paths reach this line; the stack above is one of them (the job summary shows each).`
    )
  }
  lines.push(hitText(group))
  return lines.join('\n')
}

/**
 * One annotation per file, line, level and kind, in the findings' severity order. `failing`
 * (the default) annotates only the kinds in fail-on: as errors, or as warnings when a baseline
 * already had them (they would fail the step without it); `all` adds the other kinds as warnings.
 */
export function buildAnnotations(
  findings: readonly Finding[],
  workspace: string,
  mode: AnnotationMode = 'all',
  failOn?: ReadonlySet<FailCategory>
): Annotation[] {
  if (mode === 'none') return []
  const groups = new Map<string, Finding[]>()
  const inFailOn = (finding: Finding): boolean =>
    finding.failing || (failOn?.has(finding.category) ?? false)
  for (const finding of findings) {
    if (finding.location === undefined) continue
    if (mode === 'failing' && !inFailOn(finding)) continue
    const key = `${finding.failing ? 'error' : 'warning'}\u0000${finding.location.file}\u0000${finding.location.line}\u0000${finding.tool}\u0000${finding.kind}`
    const group = groups.get(key) ?? []
    group.push(finding)
    groups.set(key, group)
  }
  const annotations: Annotation[] = []
  for (const group of groups.values()) {
    const first = group[0]
    const location = first.location as NonNullable<Finding['location']>
    // Title and message are made when read: of thousands of lines, GitHub shows 20, and the log
    // names 20 more by title.
    let title: string | undefined
    let message: string | undefined
    annotations.push({
      level: first.failing ? 'error' : 'warning',
      get title() {
        return (title ??= findingTitle({ ...first, leak: sumLeaks(group) }))
      },
      get message() {
        return (message ??= annotationMessage(first, workspace, group))
      },
      file: location.file,
      line: location.line,
      findings: group.length
    })
  }
  // Stable: errors before warnings, each in the findings' severity order.
  return [
    ...annotations.filter((a) => a.level === 'error'),
    ...annotations.filter((a) => a.level === 'warning')
  ]
}

export interface AnnotationBudget {
  /** Error annotations GitHub will still show (10, less the step's own failure message). */
  errors: number
  /** Warning annotations GitHub will still show (10, less the run's own warnings). */
  warnings: number
}

export interface FittedAnnotations {
  shown: Annotation[]
  omitted: Annotation[]
}

/** The annotations GitHub will show, most severe first; the rest are left out, not emitted. */
export function fitAnnotations(
  annotations: readonly Annotation[],
  budget: AnnotationBudget
): FittedAnnotations {
  const shown: Annotation[] = []
  const omitted: Annotation[] = []
  const left = { error: Math.max(0, budget.errors), warning: Math.max(0, budget.warnings) }
  for (const annotation of annotations) {
    if (left[annotation.level] > 0) {
      left[annotation.level] -= 1
      shown.push(annotation)
    } else {
      omitted.push(annotation)
    }
  }
  return { shown, omitted }
}

/**
 * The run's warnings as warning annotations: all of them when they fit GitHub's 10, else 9 and a
 * last one that says how many more the job summary lists.
 */
export function budgetedWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= ANNOTATIONS_SHOWN_PER_LEVEL) return [...warnings]
  const shown = warnings.slice(0, ANNOTATIONS_SHOWN_PER_LEVEL - 1)
  return [
    ...shown,
    `… and ${warnings.length - shown.length} more warnings: the job summary lists every one.`
  ]
}

/** One sentence on what was left out, for the log and the summary; undefined when nothing was. */
export function omittedText(omitted: readonly Annotation[]): string | undefined {
  if (omitted.length === 0) return undefined
  const errors = omitted.filter((a) => a.level === 'error').length
  const warnings = omitted.length - errors
  const parts = [
    ...(errors > 0 ? [plural(errors, 'error', 'errors')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning', 'warnings')] : [])
  ]
  return `${parts.join(' and ')} on ${plural(omitted.length, 'more line', 'more lines')} not annotated: GitHub shows ${ANNOTATIONS_SHOWN_PER_LEVEL} error and ${ANNOTATIONS_SHOWN_PER_LEVEL} warning annotations per step (the step's own failure message and warnings included). The job summary lists every finding.`
}

/** For the log: where a finding without a workspace frame happened. */
export function unlocatedDescription(finding: Finding, workspace: string): string {
  const top = finding.stack[0]
  return `${findingTitle(finding)}${top !== undefined ? ` at ${describeFrame(top, workspace)}` : ''}`
}
