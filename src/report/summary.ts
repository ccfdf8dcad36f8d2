// The job summary (GITHUB_STEP_SUMMARY) as Markdown: the verdict in one line, a table per kind,
// then every finding with its stacks in a collapsible block and links to the source lines.
import type { Finding, Frame, LeakKind } from '../model.js'
import { LEAK_KINDS } from '../model.js'
import { framePath, workspaceRelativePath } from '../analysis/location.js'
import { visibleFrames } from '../analysis/runtime-frames.js'
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
  testsText,
  threadText,
  toolLabel
} from './format.js'
import { codeFence, summaryUrl } from './escape.js'

export interface SummaryContext {
  workspace: string
  /** `https://github.com/owner/repo/blob/<sha>` when the run is on GitHub, for source links. */
  blobBaseUrl?: string
  /** Findings rendered in detail; the rest are counted (GitHub caps a summary at 1 MiB). */
  maxDetailedFindings?: number
  /** Bytes of the whole summary at most (default: GitHub's 1 MiB limit less a margin). */
  maxBytes?: number
  /** What the annotations left out (GitHub's per-step limit), when something was. */
  annotationNote?: string
}

/**
 * GitHub drops a step summary over 1 MiB entirely, so the summary stays below it with room to
 * spare for the newline `core.summary` adds. Every value is clipped (`SUMMARY_VALUE_LIMIT`), lists
 * of test failures and warnings are capped, and findings are detailed only while they fit.
 */
export const SUMMARY_MAX_BYTES = 1024 * 1024 - 8 * 1024
/** Test failures and warnings listed at most; the JSON report has them all. */
const LISTED_AT_MOST = 50
/** Bytes of one such list at most, so that the lists together leave room for the findings. */
const LIST_MAX_BYTES = 256 * 1024

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8') + 1

export function blobBaseUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA } = env
  if (!GITHUB_REPOSITORY || !GITHUB_SHA) return undefined
  return `${GITHUB_SERVER_URL || 'https://github.com'}/${GITHUB_REPOSITORY}/blob/${GITHUB_SHA}`
}

function sourceLink(file: string, line: number | undefined, context: SummaryContext): string {
  const label = line !== undefined ? `${file}:${line}` : file
  const base = context.blobBaseUrl !== undefined ? summaryUrl(context.blobBaseUrl) : undefined
  if (base === undefined) return code(label)
  const anchor = line !== undefined ? `#L${line}` : ''
  return `<a href="${base}/${file.split('/').map(encodeURIComponent).join('/')}${anchor}">${code(label)}</a>`
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
  const testList = testsText(finding, code)
  const tests = testList !== undefined ? ` ${testList}.` : ''
  lines.push(`<p>${escapeHtml(occurrenceText(finding))}${tests}</p>`)
  if (finding.suppression !== undefined) {
    lines.push('<p>Suppression:</p>', '', codeFence(finding.suppression.trim()), '')
  }
  lines.push('</details>')
  return lines.join('\n')
}

function kindTable(report: RunReport): string[] {
  // One pass over the findings; labels made once per tool and kind (a row is a pair of labels).
  const errorKinds = new Map<string, { findings: number; occurrences: number }>()
  const rowKeys = new Map<string, string>()
  const leakCounts = new Map<LeakKind, number>()
  for (const finding of report.findings) {
    if (finding.leak !== undefined) {
      leakCounts.set(finding.leak.kind, (leakCounts.get(finding.leak.kind) ?? 0) + 1)
      continue
    }
    const pair = `${finding.tool}\0${finding.kind}`
    let key = rowKeys.get(pair)
    if (key === undefined) {
      key = `${toolLabel(finding.tool)}\0${kindLabel(finding.kind)}`
      rowKeys.set(pair, key)
    }
    const row = errorKinds.get(key) ?? { findings: 0, occurrences: 0 }
    row.findings += 1
    row.occurrences += finding.occurrences
    errorKinds.set(key, row)
  }
  const leakFindings = (kind: LeakKind): number => leakCounts.get(kind) ?? 0
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
    const [tool, kind] = key.split('\0')
    rows.push(
      `| ${escapeHtml(tool)}: ${escapeHtml(kind)} | ${formatNumber(row.findings)} | ${formatNumber(row.occurrences)} | | |`
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
function clientMessageSection(
  report: RunReport,
  context: SummaryContext,
  reportFile: string
): string[] {
  if (report.clientMessages.length === 0) return []
  const items: string[] = []
  for (const message of report.clientMessages) {
    const who = [
      message.pid !== undefined ? `pid ${message.pid}` : undefined,
      message.tid !== undefined ? `thread ${message.tid}` : undefined,
      message.threadName
    ].filter((part) => part !== undefined)
    const stack = message.stack.length > 0 ? stackHtml(message.stack, context) : ''
    items.push(
      `- ${code(message.text)}${who.length > 0 ? ` (${escapeHtml(who.join(', '))})` : ''}${stack}`
    )
  }
  return [
    `### Client messages (${report.clientMessages.length})`,
    '',
    ...cappedList(items, 'client messages', reportFile),
    ''
  ]
}

/** The group of findings no test or program is known for. */
const UNTIED = '(not tied to a test)'

function groupByTest(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>()
  const add = (name: string, finding: Finding): void => {
    const group = groups.get(name)
    if (group === undefined) groups.set(name, [finding])
    else group.push(finding)
  }
  for (const finding of findings) {
    if (finding.tests.length === 0) add(UNTIED, finding)
    for (const test of finding.tests) add(testLabel(test), finding)
  }
  return groups
}

/** The build toolchain's processes, collapsed: counted, never failing the step. */
function toolchainSection(report: RunReport): string[] {
  const out: string[] = []
  const toolchain = report.toolchain
  if (toolchain !== undefined) {
    const leakedBytes = LEAK_KINDS.map((kind) => toolchain.leakTotals[kind].bytes).reduce(
      (a, b) => a + b
    )
    const names = toolchain.executables.slice(0, 4).map((e) => e.exe.split('/').pop() ?? e.exe)
    out.push(
      `<details><summary>Build toolchain: ${plural(toolchain.processes, 'process', 'processes')} (${escapeHtml(names.join(', '))}${toolchain.executables.length > 4 ? ', …' : ''}) with ${plural(toolchain.findings, 'record', 'records')}, not counted: compilers, build tools and shells outside the workspace, not the project's code</summary>`,
      '',
      '| Executable | Processes | Records |',
      '| :--- | ---: | ---: |',
      ...toolchain.executables
        .slice(0, LISTED_AT_MOST)
        .map(
          (e) => `| ${code(e.exe)} | ${formatNumber(e.processes)} | ${formatNumber(e.findings)} |`
        ),
      ...(toolchain.executables.length > LISTED_AT_MOST
        ? [`| … and ${formatNumber(toolchain.executables.length - LISTED_AT_MOST)} more | | |`]
        : []),
      '',
      `Leaks in these processes: ${LEAK_KINDS.map((kind) => `${LEAK_KIND_WORDS[kind]} ${formatNumber(toolchain.leakTotals[kind].bytes)} bytes`).join(', ')} (${formatNumber(leakedBytes)} bytes in all). The full records are in the JSON report's XML directory.`,
      '',
      '</details>',
      ''
    )
  }
  const untraced = report.untracedChildren ?? 0
  if (untraced > 0) {
    out.push(
      // A skipped exec and a forked child killed (SIGKILL) before valgrind could check it leave
      // the same file: valgrind's header alone.
      `${plural(untraced, 'child process', 'child processes')} wrote only valgrind's header to ${untraced === 1 ? 'its XML file' : 'their XML files'}, so nothing in ${untraced === 1 ? 'it' : 'them'} was checked: ${untraced === 1 ? 'it' : 'each'} ran a program valgrind does not follow (${code('trace-children-skip')}: compilers and linkers by default), or was killed (SIGKILL) before valgrind could check it.`,
      ''
    )
  }
  return out
}

/**
 * A list of at most `LISTED_AT_MOST` items and `LIST_MAX_BYTES`, then how many more there are and
 * where they are.
 */
function cappedList(items: readonly string[], what: string, where: string): string[] {
  const shown: string[] = []
  let size = 0
  for (const item of items.slice(0, LISTED_AT_MOST)) {
    // Each list keeps to its share of the summary's bytes (stacks of 2,000-character names).
    if (shown.length > 0 && size + bytes(item) > LIST_MAX_BYTES) break
    shown.push(item)
    size += bytes(item)
  }
  const rest = items.length - shown.length
  return rest > 0 ? [...shown, `- … and ${rest} more ${what}: see ${where}.`] : shown
}

export function renderSummary(report: RunReport, context: SummaryContext): string {
  const maxBytes = context.maxBytes ?? SUMMARY_MAX_BYTES
  // The JSON report, or the run directory when the report could not be written.
  const reportFile = code(report.reportFile ?? report.runDirectory)
  const icon = report.verdict.failed ? '❌' : '✅'
  const tools = report.tool
    .split(',')
    .map(toolLabel)
    .map((tool) => escapeHtml(tool))
    .join(' + ')
  const out: string[] = [`## ${icon} Valgrind ${tools}: ${escapeHtml(report.verdict.headline)}`, '']
  if (report.verdict.reasons.length > 1) {
    out.push(...report.verdict.reasons.map((reason) => `- ${escapeHtml(reason)}`), '')
  }
  const source = report.valgrind.source ? escapeHtml(report.valgrind.source) : undefined
  const facts = [
    `valgrind ${report.valgrind.version !== undefined ? escapeHtml(report.valgrind.version) : '(unknown version)'}${source ? ` (${source}${report.valgrind.seconds !== undefined ? `, ${report.valgrind.seconds.toFixed(1)} s` : ''})` : ''}`,
    `command ${code(report.command)}`,
    (report.leakTotals === undefined && report.profiles !== undefined
      ? plural(report.profiles.rows.length, 'process profiled', 'processes profiled')
      : plural(report.processes.length, 'process', 'processes')) +
      (report.toolchain !== undefined
        ? ` (${report.toolchain.processes} of the build toolchain)`
        : ''),
    report.cancelled !== undefined
      ? `cancelled (${escapeHtml(report.cancelled)})`
      : report.outcome.signal
        ? `killed by ${escapeHtml(report.outcome.signal.name)}`
        : `exit status ${report.outcome.exitCode ?? 'unknown'}${report.outcome.valgrindErrorExit ? valgrindStatusWords(report) : ''}`
  ]
  out.push(facts.join(' · '), '')

  const table = kindTable(report)
  if (table.length > 0) out.push(...table, '')
  if (report.leaksUnchecked === true) {
    out.push(
      "Leaks: not known. No process finished, and valgrind checks leaks at a process's exit; the byte outputs are empty.",
      ''
    )
  }
  out.push(...renderBaselineFindings(report))

  if (report.testFailures.length > 0) {
    out.push('### Tests that failed on their own', '')
    const items = report.testFailures.map((failure) => {
      const how = failure.signal
        ? `killed by ${escapeHtml(failure.signal)}`
        : `exit status ${failure.exitCode ?? 'unknown'}`
      return `- ${code(testLabel(failure.test))}: ${how}${failure.message ? ` — ${escapeHtml(failure.message)}` : ''}`
    })
    out.push(...cappedList(items, 'test failures', reportFile), '')
  }

  // Sections after the findings, rendered first so that the findings get the bytes left over.
  const tail: string[] = [
    ...(context.annotationNote !== undefined ? [escapeHtml(context.annotationNote), ''] : []),
    ...toolchainSection(report),
    ...clientMessageSection(report, context, reportFile),
    ...renderProfileComparison(report.baseline?.profiles)
  ]
  if (report.profiles !== undefined) {
    tail.push(renderProfileSection(report.profiles.rows, { workspace: context.workspace }), '')
  }
  if (report.isolation !== undefined) {
    const items = report.isolation.map((line) => `- ${escapeHtml(line)}`)
    tail.push(
      '<details><summary>How the tests ran under valgrind</summary>',
      '',
      ...cappedList(items, 'test binaries', reportFile),
      '',
      '</details>',
      ''
    )
  }
  if (report.warnings.length > 0) {
    const items = report.warnings.map((w) => `- ${escapeHtml(w)}`)
    tail.push('### Warnings', '', ...cappedList(items, 'warnings', reportFile), '')
  }
  const incomplete = report.processes.filter((p) => !p.complete).length
  if (incomplete > 0) {
    tail.push(
      `${plural(incomplete, 'XML file was', 'XML files were')} cut short; everything read before the cut is reported above, and the raw files are kept.`,
      ''
    )
  }

  if (report.findings.length > 0) {
    const limit = context.maxDetailedFindings ?? 200
    out.push(`### Findings (${report.findings.length})`, '')
    // Room for the closing "… and N more findings" line.
    const closing = 1024
    let size = [...out, ...tail].reduce((sum, line) => sum + bytes(line), closing)
    const shown = new Set<Finding>()
    let full = false
    const fits = (text: string): boolean => {
      if (full || shown.size >= limit || size + bytes(text) + 1 > maxBytes) full = true
      return !full
    }
    const render = (findings: readonly Finding[]): void => {
      for (const finding of findings) {
        const block = findingDetails(finding, context)
        if (!fits(block)) return
        size += bytes(block) + 1
        out.push(block, '')
        shown.add(finding)
      }
    }
    const groups = groupByTest(report.findings)
    // One program alone needs no heading of its own: the facts line names its command.
    const named = report.findings.some((f) => f.tests.some((t) => t.runner !== 'program'))
    if (groups.size > 1 || (named && !groups.has(UNTIED))) {
      for (const [test, findings] of groups) {
        const heading = `#### ${code(test)}`
        if (!fits(heading)) break
        size += bytes(heading) + 1
        out.push(heading, '')
        render(findings)
      }
    } else {
      render(report.findings)
    }
    const rest = report.findings.length - shown.size
    if (rest > 0) {
      out.push(
        `… and ${plural(rest, 'more finding', 'more findings')}: see the JSON report (${reportFile}).`,
        ''
      )
    }
  }
  out.push(...tail)
  return out.join('\n') + '\n'
}
