// One annotation per located finding: `error` when fail-on names it, `warning` otherwise. GitHub
// shows at most 10 of each level per step, so the most severe come first (findings arrive sorted
// by `compareFindings`); the job summary keeps every finding.
import type { Finding } from '../model.js'
import { describeFrame } from '../analysis/location.js'
import {
  findingText,
  findingTitle,
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
}

/** The per-level limit GitHub applies to annotations of one step. */
export const ANNOTATIONS_SHOWN_PER_LEVEL = 10

export function annotationMessage(finding: Finding, workspace: string): string {
  const lines: string[] = [findingText(finding)]
  const thread = threadText(finding)
  if (thread !== undefined) lines.push(thread)
  lines.push(...stackLines(finding.stack, workspace).map((line) => `   ${line}`))
  for (const aux of finding.auxStacks) {
    lines.push(aux.label)
    lines.push(...stackLines(aux.frames, workspace).map((line) => `   ${line}`))
  }
  lines.push(...finding.notes)
  lines.push(occurrenceText(finding))
  if (finding.tests.length > 0) {
    lines.push(
      `${finding.tests.length === 1 ? 'Test' : 'Tests'}: ${finding.tests.map(testLabel).join(', ')}`
    )
  }
  return lines.join('\n')
}

export function buildAnnotations(findings: readonly Finding[], workspace: string): Annotation[] {
  const annotations: Annotation[] = []
  for (const finding of findings) {
    if (finding.location === undefined) continue
    annotations.push({
      level: finding.failing ? 'error' : 'warning',
      title: findingTitle(finding),
      message: annotationMessage(finding, workspace),
      file: finding.location.file,
      line: finding.location.line
    })
  }
  // Stable: errors before warnings, each in the findings' severity order.
  return [
    ...annotations.filter((a) => a.level === 'error'),
    ...annotations.filter((a) => a.level === 'warning')
  ]
}

/** For the log: where a finding without a workspace frame happened. */
export function unlocatedDescription(finding: Finding, workspace: string): string {
  const top = finding.stack[0]
  return `${findingTitle(finding)}${top !== undefined ? ` at ${describeFrame(top, workspace)}` : ''}`
}

/** How many annotations GitHub will not show on the pull request (beyond 10 per level). */
export function annotationsBeyondLimit(annotations: readonly Annotation[]): number {
  const errors = annotations.filter((a) => a.level === 'error').length
  const warnings = annotations.length - errors
  return (
    Math.max(0, errors - ANNOTATIONS_SHOWN_PER_LEVEL) +
    Math.max(0, warnings - ANNOTATIONS_SHOWN_PER_LEVEL)
  )
}
