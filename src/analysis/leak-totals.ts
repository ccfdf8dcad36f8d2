// Valgrind's own end-of-run summaries, reproduced from a ProcessRun: "LEAK SUMMARY" and
// "ERROR SUMMARY: E errors from C contexts (suppressed: S from SC)". Protocol 6 writes both into the
// XML; for protocols 4 and 5 they are derived from the records (rules in
// docs/valgrind-xml-and-nextest.md §4, checked against the text output of every sample).
// Leak sizes are added up here, wherever findings or processes are combined.
import {
  LEAK_KINDS,
  type LeakInfo,
  type LeakKind,
  type ProcessRun,
  type SizeAndBlocks
} from '../model.js'

/** Two leaks of one kind as one: bytes, blocks and loss records added up (the first's kind). */
export function addLeaks(sum: LeakInfo, leak: LeakInfo): LeakInfo {
  return {
    kind: sum.kind,
    bytes: sum.bytes + leak.bytes,
    directBytes: sum.directBytes + leak.directBytes,
    indirectBytes: sum.indirectBytes + leak.indirectBytes,
    blocks: sum.blocks + leak.blocks,
    records: (sum.records ?? 1) + (leak.records ?? 1)
  }
}

/**
 * LEAK SUMMARY per leak kind. From `<leak_summary>` when present (protocol 6); otherwise the sum
 * over loss records of their *direct* bytes: a definitely lost block's `<leakedbytes>` includes the
 * blocks only it pointed to, which valgrind counts as indirectly lost (and reports separately).
 * Without `--show-leak-kinds=all`, kinds that were not shown sum to zero here.
 */
export function leakTotals(run: ProcessRun): Record<LeakKind, SizeAndBlocks> {
  if (run.leakSummary) {
    const summary = run.leakSummary
    return {
      definite: { ...summary.definite },
      indirect: { ...summary.indirect },
      possible: { ...summary.possible },
      reachable: { ...summary.reachable }
    }
  }
  const totals = {} as Record<LeakKind, SizeAndBlocks>
  for (const kind of LEAK_KINDS) totals[kind] = { bytes: 0, blocks: 0 }
  for (const finding of run.findings) {
    if (!finding.leak) continue
    const total = totals[finding.leak.kind]
    total.bytes += finding.leak.directBytes
    total.blocks += finding.leak.blocks
  }
  return totals
}

/** The LEAK SUMMARY of a whole run: every process's, added up. */
export function sumLeakTotals(runs: readonly ProcessRun[]): Record<LeakKind, SizeAndBlocks> {
  const totals = Object.fromEntries(
    LEAK_KINDS.map((kind) => [kind, { bytes: 0, blocks: 0 }])
  ) as Record<LeakKind, SizeAndBlocks>
  for (const run of runs) {
    const perRun = leakTotals(run)
    for (const kind of LEAK_KINDS) {
      totals[kind].bytes += perRun[kind].bytes
      totals[kind].blocks += perRun[kind].blocks
    }
  }
  return totals
}

export interface ErrorSummary {
  errors: number
  contexts: number
  /** Suppressed errors (from `<suppcounts>` in protocols 4 and 5). */
  suppressed: number
  /** Suppressed contexts: only protocol 6 writes them. */
  suppressedContexts?: number
}

/** valgrind's default for `--errors-for-leak-kinds`. */
export const DEFAULT_ERRORS_FOR_LEAK_KINDS: readonly LeakKind[] = ['definite', 'possible']

const LEAK_KIND_NAMES: Readonly<Record<string, LeakKind>> = {
  definite: 'definite',
  indirect: 'indirect',
  possible: 'possible',
  reachable: 'reachable'
}

/**
 * The leak kinds that count as errors, from valgrind's options as given (the last
 * `--errors-for-leak-kinds=` wins; `all`, `none` or a comma list, as valgrind accepts them).
 */
export function errorsForLeakKinds(valgrindArgs: readonly string[] = []): LeakKind[] {
  let kinds: LeakKind[] = [...DEFAULT_ERRORS_FOR_LEAK_KINDS]
  for (const arg of valgrindArgs) {
    const match = /^--errors-for-leak-kinds=(.*)$/.exec(arg)
    if (!match) continue
    const value = match[1].trim()
    if (value === 'all') kinds = [...LEAK_KINDS]
    else if (value === 'none') kinds = []
    else {
      kinds = value
        .split(',')
        .map((name) => LEAK_KIND_NAMES[name.trim()])
        .filter((kind): kind is LeakKind => kind !== undefined)
    }
  }
  return kinds
}

/**
 * ERROR SUMMARY. From `<error_summary>` when present (protocol 6). Otherwise: every non-leak
 * context with its `<errorcounts>` count, plus one error and one context per loss record of a kind
 * in `--errors-for-leak-kinds` (read from the run's own valgrind options unless given).
 */
export function errorSummary(
  run: ProcessRun,
  options: { errorsForLeakKinds?: readonly LeakKind[] } = {}
): ErrorSummary {
  if (run.errorSummary) return { ...run.errorSummary }
  const counted = new Set(options.errorsForLeakKinds ?? errorsForLeakKinds(run.valgrindArgs))
  let errors = 0
  let contexts = 0
  for (const finding of run.findings) {
    const merged = finding.contexts ?? 1
    if (finding.leak) {
      if (!counted.has(finding.leak.kind)) continue
      errors += merged
      contexts += merged
    } else {
      errors += finding.count
      contexts += merged
    }
  }
  // Loss records of mid-run leak checks are no findings, but valgrind counted them as errors.
  for (const [kind, records] of Object.entries(run.midRunLeakRecords ?? {})) {
    if (!counted.has(kind as LeakKind)) continue
    errors += records
    contexts += records
  }
  const suppressed = run.suppressionCounts.reduce((sum, pair) => sum + pair.count, 0)
  return { errors, contexts, suppressed }
}
