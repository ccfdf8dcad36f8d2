// A run against its baseline: findings become new / still present / fixed, instruction counts are
// compared, and what fails the step because of it is worded. Pure: data in, data out.
import type { ProfileRow } from '../callgrind/summary.js'
import type { Finding } from '../model.js'
import { formatNumber } from '../report/format.js'
import type { BaselineResult } from '../report/report.js'
import { compareWithBaseline } from './findings.js'
import { compareProfiles } from './profiles.js'
import type { BaselineReport } from './report-file.js'

export interface BaselineInput {
  baseline: BaselineReport
  /** This run's findings, with fingerprints. */
  findings: Finding[]
  /** The error checker that ran now (memcheck, helgrind, drd), if any. */
  checker?: string
  /** This run's callgrind rows, when callgrind ran. */
  profileRows?: ProfileRow[]
  thresholdPercent: number
}

export interface AppliedBaseline {
  /** The findings marked new or unchanged; unchanged ones no longer fail. */
  findings: Finding[]
  result: BaselineResult
  /** One sentence per instruction-count regression over the threshold, for the verdict. */
  regressions: string[]
}

export function applyBaseline(input: BaselineInput): AppliedBaseline {
  const { baseline, checker } = input
  // Without an error check now, the baseline's findings are not "fixed": nobody looked.
  const compared = compareWithBaseline(
    input.findings,
    checker !== undefined ? baseline.findings : []
  )
  const result: BaselineResult = {
    source: baseline.source,
    newFindings: compared.newCount,
    unchangedFindings: compared.unchangedCount,
    fixed: compared.fixed,
    notes: []
  }
  if (checker !== undefined && baseline.tools !== undefined && !baseline.tools.includes(checker)) {
    result.notes.push(
      `The baseline's run did not use ${checker} (it ran ${baseline.tools.join(', ')}): every finding counts as new.`
    )
  }
  const regressions: string[] = []
  if (input.profileRows !== undefined) {
    if (baseline.profileRows === undefined || baseline.profileRows.length === 0) {
      result.notes.push(
        'The baseline has no callgrind profiles (its run did not include callgrind): instruction counts are not compared.'
      )
    } else {
      result.profiles = compareProfiles(
        baseline.profileRows,
        input.profileRows,
        input.thresholdPercent
      )
      for (const row of result.profiles.rows.filter((r) => r.regression)) {
        const growth = row.percent !== undefined ? `+${row.percent.toFixed(2)}%` : 'up from 0'
        regressions.push(
          `${row.label}: ${formatNumber(row.head ?? 0)} instructions, ${growth} over the baseline's ${formatNumber(row.base ?? 0)} (regression-threshold: ${input.thresholdPercent}%).`
        )
      }
    }
  }
  return { findings: compared.findings, result, regressions }
}
