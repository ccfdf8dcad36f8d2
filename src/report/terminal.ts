// The command-line view: findings as a developer reads them in a terminal, colours on a TTY.
import type { Finding } from '../model.js'
import { LEAK_KINDS } from '../model.js'
import type { RunReport } from './report.js'
import {
  findingText,
  findingTitle,
  formatNumber,
  LEAK_KIND_WORDS,
  occurrenceText,
  stackLines,
  testLabel,
  testsText,
  threadText
} from './format.js'

export interface TerminalStyle {
  color: boolean
}

function paint(style: TerminalStyle, code: string, text: string): string {
  return style.color ? `\u001b[${code}m${text}\u001b[0m` : text
}

function findingBlock(finding: Finding, workspace: string, style: TerminalStyle): string[] {
  const mark = finding.failing ? paint(style, '1;31', 'error') : paint(style, '1;33', 'warning')
  const where = finding.location
    ? paint(style, '1', `${finding.location.file}:${finding.location.line}`)
    : '(no frame in the workspace)'
  const lines = [`${where}: ${mark}: ${findingTitle(finding)}`]
  // The title already carries the first line of `what`; a longer text (FishyValue) adds the rest.
  const rest = finding.what.trim().split('\n').slice(1).join(' ').trim()
  if (finding.leak === undefined && rest !== '') lines.push(`  ${rest}`)
  if (finding.leak !== undefined && (finding.leak.records ?? 1) > 1)
    lines.push(`  ${findingText(finding)}`)
  const thread = threadText(finding)
  if (thread !== undefined) lines.push(`  ${thread}`)
  lines.push(...stackLines(finding.stack, workspace).map((l) => `    ${l}`))
  for (const aux of finding.auxStacks) {
    lines.push(`  ${aux.label}`, ...stackLines(aux.frames, workspace).map((l) => `    ${l}`))
  }
  lines.push(...finding.notes.map((n) => `  ${n}`))
  const testList = testsText(finding)
  const tests = testList !== undefined ? ` ${testList}` : ''
  lines.push(paint(style, '2', `  ${occurrenceText(finding)}${tests}`))
  return lines
}

export function renderTerminal(report: RunReport, workspace: string, style: TerminalStyle): string {
  const out: string[] = []
  for (const finding of report.findings) out.push(...findingBlock(finding, workspace, style), '')
  for (const failure of report.testFailures) {
    out.push(
      `${paint(style, '1;31', 'test failed')}: ${testLabel(failure.test)} (${failure.signal ?? `exit status ${failure.exitCode}`})`
    )
  }
  for (const message of report.clientMessages) {
    const where = message.pid !== undefined ? ` (pid ${message.pid})` : ''
    out.push(`client message${where}: ${message.text}`)
    out.push(...stackLines(message.stack, workspace).map((l) => `    ${l}`))
  }
  const totals = report.leakTotals
  if (report.leaksUnchecked === true) {
    out.push(
      "Leak summary: not known: no process finished, and valgrind checks leaks at a process's exit"
    )
  } else if (totals !== undefined) {
    const leaks = LEAK_KINDS.map(
      (kind) =>
        `${LEAK_KIND_WORDS[kind]}: ${formatNumber(totals[kind].bytes)} bytes in ${formatNumber(totals[kind].blocks)} blocks`
    )
    out.push(`Leak summary: ${leaks.join('; ')}`)
  }
  if (report.toolchain !== undefined) {
    const names = report.toolchain.executables.map((e) => e.exe.split('/').pop() ?? e.exe)
    out.push(
      paint(
        style,
        '2',
        `Build toolchain (not counted): ${report.toolchain.processes} process(es) of ${[...new Set(names)].join(', ')} with ${report.toolchain.findings} record(s)`
      )
    )
  }
  if (report.profiles !== undefined) {
    out.push(
      `Callgrind: ${formatNumber(report.profiles.instructions)} instructions in ${report.profiles.rows.length} processes; profiles in ${report.profiles.directory}`
    )
  }
  if (report.baseline !== undefined) {
    const { newFindings, unchangedFindings, fixed, profiles, source } = report.baseline
    out.push(
      `Baseline ${source}: ${newFindings} new, ${unchangedFindings} still present, ${fixed.length} fixed${profiles !== undefined ? `; ${profiles.regressions} instruction-count regressions over ${profiles.thresholdPercent}%` : ''}`
    )
  }
  if (report.sarifFile !== undefined) out.push(`SARIF: ${report.sarifFile}`)
  for (const warning of report.warnings) out.push(paint(style, '33', `warning: ${warning}`))
  const verdict = report.verdict.failed
    ? paint(style, '1;31', report.verdict.headline)
    : paint(style, '1;32', report.verdict.headline)
  out.push(verdict)
  for (const reason of report.verdict.reasons.slice(1)) out.push(`  - ${reason}`)
  out.push(report.reportFile !== undefined ? `Report: ${report.reportFile}` : 'Report: not written')
  return out.join('\n') + '\n'
}
