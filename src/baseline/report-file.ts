// Reads an earlier run's JSON report (this action's `report` output) as a baseline. What could be
// wrong with it is said in one sentence naming the file; nothing else about it is trusted.
import * as fs from 'node:fs'
import { InputError } from '../errors.js'
import type { Finding } from '../model.js'
import type { ProfileRow } from '../callgrind/summary.js'

/** The parts of a report a baseline needs. */
export interface BaselineReport {
  file: string
  /** How the summary names it: the file, or the cache entry it came from. */
  source: string
  findings: Finding[]
  /** The tools that run used (`memcheck,callgrind`), when the report says. */
  tools?: string[]
  /** The callgrind rows, when that run included callgrind. */
  profileRows?: ProfileRow[]
}

export function readBaselineReport(file: string): BaselineReport {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new InputError(
      `Input 'baseline': cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Give the path of an earlier run's JSON report (the 'report' output), or 'cache'.`
    )
  }
  return parseBaselineReport(text, file)
}

export function parseBaselineReport(text: string, file: string): BaselineReport {
  const notAReport = (why: string) =>
    new InputError(
      `Input 'baseline': '${file}' is not a valgrind-action JSON report (${why}). Give the file of an earlier run's 'report' output.`
    )
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw notAReport(`invalid JSON: ${(error as Error).message}`)
  }
  if (typeof data !== 'object' || data === null) throw notAReport('not a JSON object')
  const report = data as {
    schemaVersion?: unknown
    findings?: unknown
    profiles?: unknown
    tool?: unknown
  }
  if (report.schemaVersion !== 1)
    throw notAReport(`schemaVersion is ${String(report.schemaVersion)}, expected 1`)
  if (!Array.isArray(report.findings)) throw notAReport('no findings list')
  const findings = report.findings as Finding[]
  if (findings.some((finding) => typeof finding?.fingerprint !== 'string')) {
    throw new InputError(
      `Input 'baseline': the findings in '${file}' carry no fingerprints: it was written by an older version of this action. Make the baseline again with this version.`
    )
  }
  const profiles = report.profiles as { rows?: unknown } | undefined
  const profileRows = Array.isArray(profiles?.rows)
    ? (profiles.rows as ProfileRow[]).filter(
        (row) => typeof row?.profile?.totals === 'object' && row.profile.totals !== null
      )
    : undefined
  const tools = typeof report.tool === 'string' ? report.tool.split(',') : undefined
  return { file, source: file, findings, tools, profileRows }
}
