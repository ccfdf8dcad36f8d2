// Instruction counts against a baseline: per process (or test) base, head, change and percent.
// Callgrind's counts are exact and repeatable for the same binary and input (no sampling, no
// timer), so one run per side is enough and any growth is real: no statistics needed.
import { profileLabel, type ProfileRow } from '../callgrind/summary.js'

export interface ProfileDelta {
  /** What the row is recognised by: its test, or its program and arguments. */
  label: string
  /** Instructions in the baseline; absent for a row that appeared. */
  base?: number
  /** Instructions now; absent for a row that disappeared. */
  head?: number
  change?: number
  /** Change in percent of the base (absent when the base is 0 or a side is missing). */
  percent?: number
  /** Grew by more than the threshold. */
  regression: boolean
}

export interface ProfileComparison {
  /** Growth in percent above which a row fails the step. */
  thresholdPercent: number
  /** Rows on both sides, largest regression first; then rows that appeared, then disappeared. */
  rows: ProfileDelta[]
  regressions: number
}

function instructions(row: ProfileRow): number {
  return row.profile.totals.Ir ?? 0
}

/**
 * Labels made unique: a program that runs itself twice with the same arguments gives two rows of
 * one label, matched in pid order (`label #2`).
 */
function labelled(rows: readonly ProfileRow[]): Map<string, number> {
  const ordered = [...rows].sort((a, b) => (a.profile.pid ?? 0) - (b.profile.pid ?? 0))
  const result = new Map<string, number>()
  for (const row of ordered) {
    const label = profileLabel(row)
    let unique = label
    for (let n = 2; result.has(unique); n++) unique = `${label} #${n}`
    result.set(unique, instructions(row))
  }
  return result
}

export function compareProfiles(
  base: readonly ProfileRow[],
  head: readonly ProfileRow[],
  thresholdPercent: number
): ProfileComparison {
  const before = labelled(base)
  const after = labelled(head)
  const both: ProfileDelta[] = []
  const appeared: ProfileDelta[] = []
  for (const [label, count] of after) {
    const old = before.get(label)
    if (old === undefined) {
      appeared.push({ label, head: count, regression: false })
      continue
    }
    const change = count - old
    const percent = old > 0 ? (100 * change) / old : undefined
    both.push({
      label,
      base: old,
      head: count,
      change,
      percent,
      regression: percent !== undefined ? percent > thresholdPercent : change > 0
    })
  }
  const disappeared: ProfileDelta[] = [...before]
    .filter(([label]) => !after.has(label))
    .map(([label, count]) => ({ label, base: count, regression: false }))
  both.sort(
    (a, b) =>
      (b.percent ?? Infinity) - (a.percent ?? Infinity) ||
      (b.change ?? 0) - (a.change ?? 0) ||
      a.label.localeCompare(b.label)
  )
  const byLabel = (a: ProfileDelta, b: ProfileDelta) => a.label.localeCompare(b.label)
  return {
    thresholdPercent,
    rows: [...both, ...appeared.sort(byLabel), ...disappeared.sort(byLabel)],
    regressions: both.filter((row) => row.regression).length
  }
}
