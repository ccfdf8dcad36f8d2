// The JSON report, written in pieces: one top-level field at a time and arrays one element at a
// time, so a report larger than the biggest string V8 can build (about 512 MiB: 6,000 errors with
// 500 frames each make more) is still written. A failed write removes the partial file.
import type { RecordFields } from '../analysis/findings.js'
import type { Finding } from '../model.js'
import { writeTextFile } from './text-file.js'

/** Text is handed to the file in pieces of about this size. */
const CHUNK_CHARS = 1 << 20

/**
 * The JSON text of the elements of a top-level array, by the array's field, where the writer has
 * a faster way to make it than `JSON.stringify`: it must give the same text.
 */
export type ElementWriters = Readonly<Record<string, (element: never) => string>>

/** The JSON text of `value` in pieces; top-level arrays one element per line. Pure. */
export function* jsonChunks(
  value: Record<string, unknown>,
  writers: ElementWriters = {}
): Generator<string> {
  let buffer = '{'
  let firstField = true
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || typeof field === 'function') continue
    buffer += `${firstField ? '' : ','}\n  ${JSON.stringify(key)}: `
    firstField = false
    if (Array.isArray(field) && field.length > 0) {
      const write = (writers[key] ?? JSON.stringify) as (element: unknown) => string | undefined
      buffer += '['
      for (let index = 0; index < field.length; index++) {
        buffer += `${index === 0 ? '' : ','}\n    ${write(field[index]) ?? 'null'}`
        if (buffer.length >= CHUNK_CHARS) {
          yield buffer
          buffer = ''
        }
      }
      buffer += '\n  ]'
    } else {
      buffer += JSON.stringify(field) ?? 'null'
    }
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer
      buffer = ''
    }
  }
  yield `${buffer}\n}\n`
}

/** Writes `value` as JSON to `file`. On failure the partial file is removed and the error thrown. */
export async function writeJsonFile(
  file: string,
  value: Record<string, unknown>,
  writers: ElementWriters = {}
): Promise<void> {
  await writeTextFile(file, jsonChunks(value, writers))
}

/**
 * Characters of text a report keeps made ahead of the exit at most (the JSON report's findings,
 * SARIF's stacks, each): about 8,000 findings with 12-frame stacks. What comes later is written
 * after the run, as it would be without working ahead. Twice as much took 90 MB more at the peak
 * of a run of 60,000 findings, for little: valgrind takes 25 s there, the action ~1.5 s.
 */
export const AHEAD_TEXT_CHARS = 12_000_000

/**
 * The JSON text of findings, as `JSON.stringify(finding)` writes it. Most of a finding's text (its
 * key, message and stacks) comes from its first record, so it is made ahead: the engine hands in
 * each record with its key and place while valgrind still runs, and after the run only the fields
 * that sum the records up (occurrences, processes, tests, verdict, fingerprint) are written.
 */
export class FindingJsonWriter {
  private readonly prepared = new Map<string, { fields: RecordFields; text: string }>()
  private preparedChars = 0
  /** Findings written from text made ahead, and written whole (none made, or it did not match). */
  readonly counts = { reused: 0, whole: 0 }

  constructor(private readonly maxPreparedChars = AHEAD_TEXT_CHARS) {}

  /** Makes the text of the finding a record starts, as `collect` would make it. */
  prepare(fields: RecordFields): void {
    if (this.preparedChars >= this.maxPreparedChars || this.prepared.has(fields.key)) return
    const text = JSON.stringify(fields)
    this.prepared.set(fields.key, { fields, text })
    this.preparedChars += text.length
  }

  readonly finding = (finding: Finding): string => {
    const prepared = this.prepared.get(finding.key)
    if (prepared === undefined) return this.whole(finding)
    // The text made ahead is used only for the very same values, in the very same order: the
    // first record seen while following may not be the first one collected.
    const values = finding as unknown as Record<string, unknown>
    const preparedValues = prepared.fields as unknown as Record<string, unknown>
    const names = Object.keys(values)
    const preparedNames = Object.keys(preparedValues)
    for (let index = 0; index < preparedNames.length; index++) {
      const name = preparedNames[index]
      if (names[index] !== name || values[name] !== preparedValues[name]) return this.whole(finding)
    }
    const rest: Record<string, unknown> = {}
    for (let index = preparedNames.length; index < names.length; index++) {
      rest[names[index]] = values[names[index]]
    }
    const restText = JSON.stringify(rest)
    this.counts.reused++
    return restText === '{}' ? prepared.text : `${prepared.text.slice(0, -1)},${restText.slice(1)}`
  }

  private whole(finding: Finding): string {
    this.counts.whole++
    return JSON.stringify(finding)
  }
}
