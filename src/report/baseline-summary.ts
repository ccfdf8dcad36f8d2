// The job summary's comparison with a baseline: new / still present / fixed findings with counts,
// and instruction counts per process or test (largest regression first). Pure: report in, lines out.
import type { Finding } from '../model.js'
import type { ProfileComparison, ProfileDelta } from '../baseline/profiles.js'
import { codeHtml as code, escapeHtml, findingTitle, formatNumber } from './format.js'
import type { RunReport } from './report.js'

const LISTED = 50

function findingLine(finding: Finding, whose: string): string {
  const where = finding.location
    ? ` at ${code(`${finding.location.file}:${finding.location.line}`)}${whose}`
    : ''
  return `- ${escapeHtml(findingTitle(finding))}${where}`
}

/** `whose`: after a location of the baseline's commit, where the line may be another now. */
function listed(title: string, findings: readonly Finding[], whose = ''): string[] {
  if (findings.length === 0) return []
  const lines = [`<details><summary>${title} (${findings.length})</summary>`, '']
  lines.push(...findings.slice(0, LISTED).map((finding) => findingLine(finding, whose)))
  if (findings.length > LISTED) lines.push(`- … and ${findings.length - LISTED} more`)
  lines.push('', '</details>', '')
  return lines
}

export function renderBaselineFindings(report: RunReport): string[] {
  const baseline = report.baseline
  if (baseline === undefined) return []
  const fresh = report.findings.filter((f) => f.baseline === 'new')
  const still = report.findings.filter((f) => f.baseline === 'unchanged')
  const out = [
    '### Compared with the baseline',
    '',
    `Baseline: ${code(baseline.source)}. Only new findings in fail-on fail the step.`,
    '',
    '| Findings | Count |',
    '| :--- | ---: |',
    `| New | ${baseline.newFindings} |`,
    `| Still present | ${baseline.unchangedFindings} |`,
    `| Fixed | ${baseline.fixed.length} |`,
    ''
  ]
  out.push(...listed('New', fresh), ...listed('Still present', still))
  out.push(...listed('Fixed', baseline.fixed, " (the baseline's line)"))
  for (const note of baseline.notes) out.push(`${escapeHtml(note)}`, '')
  return out
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${formatNumber(value)}`
}

function deltaRow(row: ProfileDelta): string {
  const label = code(row.label)
  if (row.base === undefined) return `| ${label} (new) | | ${formatNumber(row.head ?? 0)} | | |`
  if (row.head === undefined) return `| ${label} (gone) | ${formatNumber(row.base)} | | | |`
  const percent =
    row.percent !== undefined ? `${row.percent > 0 ? '+' : ''}${row.percent.toFixed(2)}%` : ''
  return `| ${label}${row.regression ? ' ❌' : ''} | ${formatNumber(row.base)} | ${formatNumber(row.head)} | ${signed(row.change ?? 0)} | ${percent} |`
}

export function renderProfileComparison(comparison: ProfileComparison | undefined): string[] {
  if (comparison === undefined) return []
  const compared = comparison.rows.filter((r) => r.base !== undefined && r.head !== undefined)
  const out = [
    '### Instructions compared with the baseline',
    '',
    `${comparison.regressions} of ${compared.length} compared ${compared.length === 1 ? 'row' : 'rows'} grew by more than ${comparison.thresholdPercent}% (regression-threshold). Callgrind counts are exact, so every change is real. Rows that appeared or disappeared are listed, not failed.`,
    '',
    '| Process or test | Base Ir | Head Ir | Change | % |',
    '|---|--:|--:|--:|--:|'
  ]
  const rows = comparison.rows.slice(0, 100)
  out.push(...rows.map(deltaRow))
  if (comparison.rows.length > rows.length) {
    out.push(`| ${comparison.rows.length - rows.length} more rows | | | | |`)
  }
  out.push('')
  return out
}
