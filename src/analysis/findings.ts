// Turns per-process records into distinct findings: the same error (tool, kind, location, stack)
// reported by several processes is one finding that says how many processes hit it.
import type {
  FailCategory,
  Finding,
  LeakInfo,
  ProcessRun,
  RawFinding,
  SourceLocation,
  TestIdentity
} from '../model.js'
import { addLeaks } from './leak-totals.js'
import { findingLocation, workspaceLineCounter, type LineCounter } from './location.js'
import { globPattern } from '../glob-pattern.js'

export function findingCategory(raw: Pick<RawFinding, 'leak'>): FailCategory {
  return raw.leak?.kind ?? 'errors'
}

function frameKey(frame: RawFinding['stack'][number]): string {
  // Without a file/line, the function name (or object) identifies the frame; addresses are not
  // stable across processes (ASLR, different binaries), so `ip` is never part of the key.
  return `${frame.fn ?? ''}@${frame.file ?? frame.obj ?? ''}:${frame.line ?? ''}`
}

/**
 * The part of `what` that identifies an error: a race's read vs write, an access's size. Addresses
 * and thread numbers vary between processes; a leak's text (bytes, loss record numbers) too.
 */
function whatKey(raw: RawFinding): string {
  if (raw.leak !== undefined) return ''
  return raw.what.replace(/0x[0-9A-Fa-f]+/g, '0x').replace(/thread #\d+/g, 'thread #')
}

export function findingKey(raw: RawFinding, location: SourceLocation | undefined): string {
  return [
    raw.tool,
    raw.kind,
    whatKey(raw),
    location ? `${location.file}:${location.line}` : '-',
    raw.stack.map(frameKey).join('|')
  ].join('\u0000')
}

function addLeak(into: LeakInfo | undefined, leak: LeakInfo | undefined): LeakInfo | undefined {
  if (leak === undefined) return into
  if (into === undefined) return { ...leak }
  return addLeaks(into, leak)
}

function sameTest(a: TestIdentity, b: TestIdentity): boolean {
  return a.binary === b.binary && a.name === b.name
}

/** The test a record belongs to: the one named in its stack (cargo test), else its process's. */
function testOf(raw: RawFinding, run: ProcessRun): TestIdentity | undefined {
  if (raw.test !== undefined && run.test !== undefined)
    return { binary: run.test.binary, name: raw.test }
  return run.test
}

// Leaks and errors are ordered so that what fails the step and what costs most comes first:
// GitHub shows only the first 10 error and 10 warning annotations of a step.
const CATEGORY_ORDER: Record<FailCategory, number> = {
  errors: 0,
  definite: 1,
  possible: 2,
  indirect: 3,
  reachable: 4
}

/**
 * Orders file names as `localeCompare` does. Sorting thousands of findings compares the same file
 * with itself most of the time, which needs no collation.
 */
export function compareFileNames(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b)
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.failing !== b.failing) return a.failing ? -1 : 1
  if (a.category !== b.category) return CATEGORY_ORDER[a.category] - CATEGORY_ORDER[b.category]
  const bytes = (b.leak?.bytes ?? 0) - (a.leak?.bytes ?? 0)
  if (bytes !== 0) return bytes
  if (a.occurrences !== b.occurrences) return b.occurrences - a.occurrences
  const fileOrder = compareFileNames(a.location?.file ?? '\uffff', b.location?.file ?? '\uffff')
  if (fileOrder !== 0) return fileOrder
  if ((a.location?.line ?? 0) !== (b.location?.line ?? 0))
    return (a.location?.line ?? 0) - (b.location?.line ?? 0)
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

export interface CollectOptions {
  workspace: string
  failOn: ReadonlySet<FailCategory>
  /**
   * Leak kinds the user's --show-leak-kinds (or --show-reachable, --show-possibly-lost) leaves
   * out. Their records are not findings, unless fail-on names the kind: what fails the step is
   * always shown. Byte totals count them either way (they come from the records, not findings).
   */
  shownLeakKinds?: ReadonlySet<FailCategory>
  /** Function name patterns of the project's allocator wrappers (`allocator-wrappers`). */
  allocatorWrappers?: readonly string[]
  /** Lines per workspace file, to check a frame's line against (tests pass their own). */
  lineCount?: LineCounter
}

/**
 * What a finding takes from its first record, in the finding's own field order: worked out from
 * the record alone (its place in the workspace and the key records merge by), so ahead of time.
 */
export type RecordFields = Pick<
  Finding,
  'key' | 'tool' | 'kind' | 'category' | 'what' | 'location' | 'stack' | 'auxStacks' | 'notes'
>

/**
 * Turns records into findings. A record's place and key depend only on the record and the
 * options, so `prepare` can work them out ahead: the engine hands in each record as the XML
 * follower reads it, while valgrind still runs, and after the run collecting is mostly grouping.
 */
export class FindingCollector {
  private readonly wrappers: RegExp | undefined
  private readonly lineCount: LineCounter
  private readonly fields = new Map<RawFinding, RecordFields>()

  constructor(private readonly options: CollectOptions) {
    this.wrappers = globPattern(options.allocatorWrappers ?? [])
    this.lineCount = options.lineCount ?? workspaceLineCounter(options.workspace)
  }

  /** Works out a record's place and key now, for `collect` to find; returns its finding's fields. */
  prepare(raw: RawFinding): RecordFields {
    let fields = this.fields.get(raw)
    if (fields === undefined) {
      fields = this.fieldsOf(raw)
      this.fields.set(raw, fields)
    }
    return fields
  }

  private fieldsOf(raw: RawFinding): RecordFields {
    const location = findingLocation(
      raw.stack,
      this.options.workspace,
      this.lineCount,
      this.wrappers
    )
    return {
      key: findingKey(raw, location),
      tool: raw.tool,
      kind: raw.kind,
      category: findingCategory(raw),
      what: raw.what,
      location,
      stack: raw.stack,
      auxStacks: raw.auxStacks,
      notes: raw.notes
    }
  }

  collect(runs: readonly ProcessRun[]): Finding[] {
    const options = this.options
    const byKey = new Map<string, Finding>()
    const filesByKey = new Map<string, Set<string>>()
    const hidden = (raw: RawFinding): boolean =>
      raw.leak !== undefined &&
      options.shownLeakKinds !== undefined &&
      !options.shownLeakKinds.has(raw.leak.kind) &&
      !options.failOn.has(raw.leak.kind)
    for (const run of runs) {
      for (const raw of run.findings) {
        if (hidden(raw)) continue
        const fields = this.fields.get(raw) ?? this.fieldsOf(raw)
        const key = fields.key
        let finding = byKey.get(key)
        if (finding === undefined) {
          // Field by field, not spread (a spread makes a slower kind of object, thousands of
          // times), in fieldsOf's order: FindingJsonWriter reuses a record's text only for that.
          finding = {
            key,
            tool: fields.tool,
            kind: fields.kind,
            category: fields.category,
            what: fields.what,
            location: fields.location,
            stack: fields.stack,
            auxStacks: fields.auxStacks,
            notes: fields.notes,
            leak: undefined,
            occurrences: 0,
            processCount: 0,
            pids: [],
            tests: [],
            suppression: raw.suppression,
            failing: options.failOn.has(fields.category)
          }
          byKey.set(key, finding)
        }
        finding.leak = addLeak(finding.leak, raw.leak)
        finding.occurrences += raw.count
        if (raw.threadName !== undefined) {
          const names = (finding.threadNames ??= [])
          if (!names.includes(raw.threadName)) names.push(raw.threadName)
        }
        // A process is an XML file: pids can repeat (exec keeps the pid) or be unknown (truncated).
        const files = filesByKey.get(key) ?? new Set<string>()
        filesByKey.set(key, files)
        if (!files.has(run.file)) {
          files.add(run.file)
          finding.processCount = files.size
          if (run.pid !== undefined && !finding.pids.includes(run.pid)) finding.pids.push(run.pid)
        }
        const test = testOf(raw, run)
        if (test !== undefined && !finding.tests.some((t) => sameTest(t, test)))
          finding.tests.push(test)
      }
    }
    return [...byKey.values()].sort(compareFindings)
  }
}

export function collectFindings(runs: readonly ProcessRun[], options: CollectOptions): Finding[] {
  return new FindingCollector(options).collect(runs)
}
