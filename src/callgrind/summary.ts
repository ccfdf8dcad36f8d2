// The callgrind part of the job summary: instruction counts per process (or per test), heaviest
// first, then where the heaviest processes spend them. Pure: profiles in, Markdown out.
import * as path from 'node:path'
import type { TestIdentity } from '../model.js'
import { codeHtml, formatNumber, testLabel } from '../report/format.js'
import type { CallgrindProfile, FunctionCost } from './reader.js'

/** One process's profile, and the test it ran (Rust runs; filled in from `testFromArgv`). */
export interface ProfileRow {
  profile: CallgrindProfile
  test?: TestIdentity
}

export interface ProfileSectionOptions {
  /** Function files inside the workspace are shown relative to it. */
  workspace: string
  /** How many of the heaviest profiles get a table of their top functions (default 3). */
  topProfiles?: number
  /** Functions per table (default 10). */
  topFunctions?: number
  /** Process rows shown; the rest are summed in one line (default 50; summaries are capped at 1 MiB). */
  maxRows?: number
}

interface Column {
  title: string
  /** Events added up for the column; shown when the profiles have the first of them. */
  events: string[]
}

// Ir always; cache and branch figures when callgrind simulated them (`--cache-sim=yes`,
// `--branch-sim=yes`), grouped the way cachegrind's own summary groups them.
const COLUMNS: Column[] = [
  { title: 'Instructions (Ir)', events: ['Ir'] },
  { title: 'I1 misses', events: ['I1mr'] },
  { title: 'D1 misses', events: ['D1mr', 'D1mw'] },
  { title: 'LL misses', events: ['ILmr', 'DLmr', 'DLmw'] },
  { title: 'Branches', events: ['Bc', 'Bi'] },
  { title: 'Mispredicted', events: ['Bcm', 'Bim'] }
]

function sumEvents(costs: Record<string, number>, events: readonly string[]): number {
  return events.reduce((sum, event) => sum + (costs[event] ?? 0), 0)
}

function instructions(profile: CallgrindProfile): number {
  return profile.totals.Ir ?? 0
}

/** The total instruction count (Ir) of a run: every process added up. */
export function totalInstructions(profiles: readonly (ProfileRow | CallgrindProfile)[]): number {
  return profiles.reduce((sum, row) => sum + instructions('profile' in row ? row.profile : row), 0)
}

function cell(text: string): string {
  return codeHtml(text)
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** What a reader recognises a process by: its test, or its program and arguments. */
export function profileLabel(row: ProfileRow): string {
  if (row.test) return testLabel(row.test)
  const { exe, args, file } = row.profile
  if (exe === undefined) return path.basename(file)
  return shorten([path.basename(exe), ...args].join(' '), 80)
}

function processCell(row: ProfileRow): string {
  const pid = row.profile.pid !== undefined ? ` (pid ${row.profile.pid})` : ''
  return `${cell(profileLabel(row))}${pid}`
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : ''
}

/** Where a function lives: its source file inside the workspace, else its library. */
function functionPlace(fn: FunctionCost, workspace: string): string | undefined {
  if (fn.file !== undefined && path.isAbsolute(fn.file)) {
    const relative = path.relative(workspace, fn.file)
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      return relative.split(path.sep).join('/')
    }
  }
  if (fn.object !== undefined) return path.basename(fn.object)
  return fn.file !== undefined && fn.file !== '???' ? fn.file : undefined
}

function functionTable(row: ProfileRow, options: Required<ProfileSectionOptions>): string[] {
  const total = instructions(row.profile)
  const functions = [...row.profile.functions]
    .filter((fn) => (fn.self.Ir ?? 0) > 0)
    .sort((a, b) => (b.self.Ir ?? 0) - (a.self.Ir ?? 0) || a.name.localeCompare(b.name))
    .slice(0, options.topFunctions)
  if (functions.length === 0) return []
  const lines = [
    `<details><summary>Top functions of ${processCell(row)}: ${formatNumber(total)} instructions</summary>`,
    '',
    '| Function | Where | Self Ir | Self % | Inclusive Ir | Inclusive % |',
    '|---|---|--:|--:|--:|--:|'
  ]
  for (const fn of functions) {
    const place = functionPlace(fn, options.workspace)
    const self = fn.self.Ir ?? 0
    const inclusive = fn.inclusive.Ir ?? 0
    lines.push(
      `| ${cell(fn.name)} | ${place !== undefined ? cell(place) : ''} | ${formatNumber(self)} | ${percent(self, total)} | ${formatNumber(inclusive)} | ${percent(inclusive, total)} |`
    )
  }
  lines.push('', '</details>', '')
  return lines
}

/**
 * The Markdown section for the job summary: one row per process (or test) sorted by instruction
 * count, then the top functions (self and inclusive cost) of the heaviest profiles.
 */
export function renderProfileSection(
  profiles: readonly ProfileRow[],
  options: ProfileSectionOptions
): string {
  const settings: Required<ProfileSectionOptions> = {
    topProfiles: 3,
    topFunctions: 10,
    maxRows: 50,
    ...options
  }
  const out = ['### Callgrind', '']
  if (profiles.length === 0) {
    out.push('No callgrind profile was written (did the program start?).', '')
    return out.join('\n')
  }
  const rows = [...profiles].sort(
    (a, b) =>
      instructions(b.profile) - instructions(a.profile) ||
      profileLabel(a).localeCompare(profileLabel(b))
  )
  const total = totalInstructions(rows)
  const processes = rows.length === 1 ? '1 process' : `${rows.length} processes`
  out.push(`**${formatNumber(total)}** instructions in ${processes}.`, '')

  const columns = COLUMNS.filter((column) =>
    rows.some((row) => row.profile.events.includes(column.events[0]))
  )
  const label = rows.some((row) => row.test) ? 'Test or process' : 'Process'
  out.push(
    `| ${label} | ${columns.map((c) => c.title).join(' | ')} |`,
    `|---|${columns.map(() => '--:').join('|')}|`
  )
  for (const row of rows.slice(0, settings.maxRows)) {
    const values = columns.map((c) => formatNumber(sumEvents(row.profile.totals, c.events)))
    out.push(`| ${processCell(row)} | ${values.join(' | ')} |`)
  }
  const rest = rows.slice(settings.maxRows)
  if (rest.length > 0) {
    const values = columns.map((c) =>
      formatNumber(rest.reduce((sum, row) => sum + sumEvents(row.profile.totals, c.events), 0))
    )
    out.push(`| ${rest.length} more | ${values.join(' | ')} |`)
  }
  out.push('')
  for (const row of rows.slice(0, settings.topProfiles)) out.push(...functionTable(row, settings))
  return out.join('\n')
}
