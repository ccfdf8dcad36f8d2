// The job summary (GITHUB_STEP_SUMMARY) as Markdown: the verdict in one line, a table per kind,
// then every finding with its stacks in a collapsible block and links to the source lines.
import type { Finding, Frame, LeakKind } from '../model.js'
import { LEAK_KINDS } from '../model.js'
import { framePath, workspaceRelativePath } from '../analysis/location.js'
import { plural } from '../analysis/verdict.js'
import { renderProfileSection } from '../callgrind/summary.js'
import type { RunReport } from './report.js'
import { renderBaselineFindings, renderProfileComparison } from './baseline-summary.js'
import {
  codeHtml as code,
  escapeHtml,
  findingText,
  findingTitle,
  formatNumber,
  kindLabel,
  LEAK_KIND_WORDS,
  occurrenceText,
  testLabel,
  threadText,
  toolLabel,
  visibleFrames
} from './format.js'

export interface SummaryContext {
  workspace: string
  /** `https://github.com/owner/repo/blob/<sha>` when the run is on GitHub, for source links. */
  blobBaseUrl?: string
  /** Findings rendered in detail; the rest are counted (GitHub caps a summary at 1 MiB). */
  maxDetailedFindings?: number
  /** Characters of finding details at most (default 768 KiB). */
  maxDetailedBytes?: number
}

export function blobBaseUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA } = env
  if (!GITHUB_REPOSITORY || !GITHUB_SHA) return undefined
  return `${GITHUB_SERVER_URL || 'https://github.com'}/${GITHUB_REPOSITORY}/blob/${GITHUB_SHA}`
}

function sourceLink(file: string, line: number | undefined, context: SummaryContext): string {
  const label = line !== undefined ? `${file}:${line}` : file
  if (context.blobBaseUrl === undefined) return code(label)
  const anchor = line !== undefined ? `#L${line}` : ''
  return `<a href="${context.blobBaseUrl}/${file.split('/').map(encodeURIComponent).join('/')}${anchor}">${code(label)}</a>`
}

function frameHtml(frame: Frame, context: SummaryContext): string {
  const fn = code(frame.fn ?? '???')
  const inWorkspace = workspaceRelativePath(frame, context.workspace)
  if (inWorkspace !== undefined) return `${fn} ${sourceLink(inWorkspace, frame.line, context)}`
  const outside = framePath(frame)
  if (outside !== undefined)
    return `${fn} ${code(`${outside}${frame.line !== undefined ? `:${frame.line}` : ''}`)}`
  if (frame.obj !== undefined) return `${fn} in ${code(frame.obj)}`
  return fn
}

function stackHtml(frames: readonly Frame[], context: SummaryContext): string {
  const shown = visibleFrames(frames)
  const items = shown.map((frame) => `<li>${frameHtml(frame, context)}</li>`).join('')
  const more =
    frames.length > shown.length ? `<li>… ${frames.length - shown.length} more frames</li>` : ''
  return `<ol>${items}${more}</ol>`
}

function findingDetails(finding: Finding, context: SummaryContext): string {
  const icon = finding.failing ? '❌' : '⚠️'
  const state =
    finding.baseline === 'new'
      ? ' (new)'
      : finding.baseline === 'unchanged'
        ? ' (in the baseline)'
        : ''
  const where = finding.location
    ? ` at ${sourceLink(finding.location.file, finding.location.line, context)}`
    : ' (no frame in the workspace)'
  const lines = [
    `<details><summary>${icon} <b>${escapeHtml(findingTitle(finding))}</b>${where}${state}</summary>`,
    '',
    `<p>${escapeHtml(findingText(finding))}</p>`,
    stackHtml(finding.stack, context)
  ]
  const thread = threadText(finding)
  if (thread !== undefined) lines.splice(3, 0, `<p>${escapeHtml(thread)}</p>`)
  for (const aux of finding.auxStacks) {
    lines.push(`<p>${escapeHtml(aux.label)}</p>`, stackHtml(aux.frames, context))
  }
  for (const note of finding.notes) lines.push(`<p>${escapeHtml(note)}</p>`)
  const tests =
    finding.tests.length > 0
      ? ` ${finding.tests.length === 1 ? 'Test' : 'Tests'}: ${finding.tests.map((t) => code(testLabel(t))).join(', ')}.`
      : ''
  lines.push(`<p>${escapeHtml(occurrenceText(finding))}${tests}</p>`)
  if (finding.suppression !== undefined) {
    lines.push('<p>Suppression:</p>', '', '```', finding.suppression.trim(), '```', '')
  }
  lines.push('</details>')
  return lines.join('\n')
}

function kindTable(report: RunReport): string[] {
  const errorKinds = new Map<string, { findings: number; occurrences: number }>()
  for (const finding of report.findings) {
    if (finding.leak !== undefined) continue
    const key = `${toolLabel(finding.tool)}|${kindLabel(finding.kind)}`
    const row = errorKinds.get(key) ?? { findings: 0, occurrences: 0 }
    row.findings += 1
    row.occurrences += finding.occurrences
    errorKinds.set(key, row)
  }
  const leakFindings = (kind: LeakKind): number =>
    report.findings.filter((f) => f.leak?.kind === kind).length
  const leakTotals = report.leakTotals
  const hasLeakData =
    leakTotals !== undefined &&
    LEAK_KINDS.some((kind) => leakTotals[kind].bytes > 0 || leakFindings(kind) > 0)
  if (errorKinds.size === 0 && !hasLeakData) return []
  const rows = [
    '| Kind | Findings | Occurrences | Bytes | Blocks |',
    '| :--- | ---: | ---: | ---: | ---: |'
  ]
  for (const [key, row] of errorKinds) {
    const [tool, kind] = key.split('|')
    rows.push(
      `| ${tool}: ${escapeHtml(kind)} | ${formatNumber(row.findings)} | ${formatNumber(row.occurrences)} | | |`
    )
  }
  if (hasLeakData) {
    for (const kind of LEAK_KINDS) {
      const totals = leakTotals[kind]
      const failing = report.failOn.includes(kind) && totals.bytes > 0 ? ' ❌' : ''
      const label = LEAK_KIND_WORDS[kind].charAt(0).toUpperCase() + LEAK_KIND_WORDS[kind].slice(1)
      rows.push(
        `| Leak: ${label}${failing} | ${formatNumber(leakFindings(kind))} | | ${formatNumber(totals.bytes)} | ${formatNumber(totals.blocks)} |`
      )
    }
  }
  return rows
}

function valgrindStatusWords(report: RunReport): string {
  return report.mode === 'program'
    ? " (valgrind's --error-exitcode: it found errors and replaced the program's own status)"
    : " (from valgrind's --error-exitcode in the test processes where it found errors)"
}

/** VALGRIND_PRINTF(_BACKTRACE) messages, with their stacks: the program's own notes on the run. */
function clientMessageSection(report: RunReport, context: SummaryContext): string[] {
  if (report.clientMessages.length === 0) return []
  const out = [`### Client messages (${report.clientMessages.length})`, '']
  for (const message of report.clientMessages) {
    const who = [
      message.pid !== undefined ? `pid ${message.pid}` : undefined,
      message.tid !== undefined ? `thread ${message.tid}` : undefined,
      message.threadName
    ].filter((part) => part !== undefined)
    const stack = message.stack.length > 0 ? stackHtml(message.stack, context) : ''
    out.push(
      `- ${code(message.text)}${who.length > 0 ? ` (${escapeHtml(who.join(', '))})` : ''}${stack}`
    )
  }
  out.push('')
  return out
}

function groupByTest(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>()
  for (const finding of findings) {
    const names = finding.tests.length > 0 ? finding.tests.map(testLabel) : ['(not tied to a test)']
    for (const name of names) {
      const group = groups.get(name) ?? []
      group.push(finding)
      groups.set(name, group)
    }
  }
  return groups
}

export function renderSummary(report: RunReport, context: SummaryContext): string {
  const icon = report.verdict.failed ? '❌' : '✅'
  const tools = report.tool.split(',').map(toolLabel).join(' + ')
  const out: string[] = [`## ${icon} Valgrind ${tools}: ${escapeHtml(report.verdict.headline)}`, '']
  if (report.verdict.reasons.length > 1) {
    out.push(...report.verdict.reasons.map((reason) => `- ${escapeHtml(reason)}`), '')
  }
  const facts = [
    `valgrind ${report.valgrind.version ?? '(unknown version)'}${report.valgrind.source ? ` (${report.valgrind.source}${report.valgrind.seconds !== undefined ? `, ${report.valgrind.seconds.toFixed(1)} s` : ''})` : ''}`,
    `command ${code(report.command)}`,
    report.leakTotals === undefined && report.profiles !== undefined
      ? plural(report.profiles.rows.length, 'process profiled', 'processes profiled')
      : plural(report.processes.length, 'process', 'processes'),
    report.cancelled !== undefined
      ? `cancelled (${report.cancelled})`
      : report.outcome.signal
        ? `killed by ${report.outcome.signal.name}`
        : `exit status ${report.outcome.exitCode ?? 'unknown'}${report.outcome.valgrindErrorExit ? valgrindStatusWords(report) : ''}`
  ]
  out.push(facts.join(' · '), '')

  const table = kindTable(report)
  if (table.length > 0) out.push(...table, '')
  out.push(...renderBaselineFindings(report))

  if (report.testFailures.length > 0) {
    out.push('### Tests that failed on their own', '')
    for (const failure of report.testFailures) {
      const how = failure.signal
        ? `killed by ${failure.signal}`
        : `exit status ${failure.exitCode ?? 'unknown'}`
      out.push(
        `- ${code(testLabel(failure.test))}: ${how}${failure.message ? ` — ${escapeHtml(failure.message)}` : ''}`
      )
    }
    out.push('')
  }

  if (report.findings.length > 0) {
    const limit = context.maxDetailedFindings ?? 200
    // GitHub refuses a step summary over 1 MiB: leave room for the profile section and warnings.
    const budget = context.maxDetailedBytes ?? 768 * 1024
    out.push(`### Findings (${report.findings.length})`, '')
    let size = out.reduce((sum, line) => sum + line.length + 1, 0)
    const shown = new Set<Finding>()
    const render = (findings: readonly Finding[]): void => {
      for (const finding of findings) {
        if (shown.size >= limit || size >= budget) return
        const block = findingDetails(finding, context)
        size += block.length + 2
        out.push(block, '')
        shown.add(finding)
      }
    }
    if (report.findings.some((f) => f.tests.length > 0)) {
      for (const [test, findings] of groupByTest(report.findings)) {
        if (shown.size >= limit || size >= budget) break
        out.push(`#### ${code(test)}`, '')
        render(findings)
      }
    } else {
      render(report.findings)
    }
    const rest = report.findings.length - shown.size
    if (rest > 0) {
      out.push(
        `… and ${plural(rest, 'more finding', 'more findings')}: see the JSON report (${code(report.reportFile ?? report.runDirectory)}).`,
        ''
      )
    }
  }

  out.push(...clientMessageSection(report, context))

  out.push(...renderProfileComparison(report.baseline?.profiles))
  if (report.profiles !== undefined) {
    out.push(renderProfileSection(report.profiles.rows, { workspace: context.workspace }), '')
  }

  if (report.warnings.length > 0) {
    out.push('### Warnings', '', ...report.warnings.map((w) => `- ${escapeHtml(w)}`), '')
  }
  const incomplete = report.processes.filter((p) => !p.complete).length
  if (incomplete > 0) {
    out.push(
      `${plural(incomplete, 'XML file was', 'XML files were')} cut short; everything read before the cut is reported above, and the raw files are kept.`,
      ''
    )
  }
  return out.join('\n') + '\n'
}
