// Merging of repeated `<error>` records: records of the same context (kind, what and the
// fn/file/line of every frame) become one finding with a count, so that memory grows with the
// number of distinct contexts, not with the file. `<errorcounts>` then gives valgrind's own count
// per non-leak error.
import type { RawFinding } from '../model.js'
import type { StringPool } from './pool.js'

export class FindingMerger {
  private readonly indexByContext = new Map<string, number>()
  /** Non-leak error uniques → finding index, to apply `<errorcounts>`. */
  private readonly indexByUnique = new Map<number | string, number>()
  /** Per finding: how many records were merged into it. */
  private readonly contexts: number[] = []
  /** Counts from the last `<errorcounts>` seen, per finding index. */
  private errorCounts: Map<number, number> | undefined

  /** `findings`: the run's list, which the merger appends to; `pool`: the reader's string pool. */
  constructor(
    private readonly findings: RawFinding[],
    private readonly pool: StringPool
  ) {}

  /** A complete record: a new finding, or merged into the finding of the same context. */
  add(finding: RawFinding): void {
    const key = this.contextKey(finding)
    let index = this.indexByContext.get(key)
    if (index === undefined) {
      index = this.findings.length
      this.findings.push(finding)
      this.contexts.push(1)
      this.indexByContext.set(key, index)
    } else {
      const merged = this.findings[index]
      merged.count += 1
      this.contexts[index] += 1
      if (merged.leak && finding.leak) {
        merged.leak.bytes += finding.leak.bytes
        merged.leak.directBytes += finding.leak.directBytes
        merged.leak.indirectBytes += finding.leak.indirectBytes
        merged.leak.blocks += finding.leak.blocks
        merged.leak.records = (merged.leak.records ?? 1) + 1
      }
    }
    if (finding.leak === undefined && finding.unique !== '') {
      this.indexByUnique.set(uniqueKey(finding.unique), index)
    }
  }

  /** An `<errorcounts>` begins. The spec allows several; each holds the counts so far. */
  startErrorCounts(): void {
    this.errorCounts = new Map()
  }

  /** One `<pair>` of `<errorcounts>`: the error `unique` was seen `count` times. */
  countErrors(unique: string, count: number): void {
    if (this.errorCounts === undefined) return
    const index = this.indexByUnique.get(uniqueKey(unique))
    if (index !== undefined) {
      this.errorCounts.set(index, (this.errorCounts.get(index) ?? 0) + count)
    }
  }

  /** At the end of the file: valgrind's counts where it gave them, and merged context counts. */
  finish(): void {
    if (this.errorCounts) {
      for (const [index, count] of this.errorCounts) {
        const finding = this.findings[index]
        if (!finding.leak) finding.count = count
      }
    }
    this.findings.forEach((finding, index) => {
      if (this.contexts[index] > 1) finding.contexts = this.contexts[index]
    })
  }

  /** Identity of an error context within one file: what valgrind shows, not where in memory. */
  private contextKey(finding: RawFinding): string {
    const pool = this.pool
    let key = finding.kind + '\n' + (finding.leak ? '' : finding.what)
    for (const frame of finding.stack) {
      key += `\n${pool.key(frame.fn ?? frame.obj ?? frame.ip)}|${pool.key(frame.file)}|${frame.line ?? ''}`
    }
    return key
  }
}

function uniqueKey(unique: string): number | string {
  const value = parseInt(unique, 16)
  return Number.isNaN(value) ? unique : value
}
