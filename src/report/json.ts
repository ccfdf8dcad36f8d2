// The JSON report, written in pieces: one top-level field at a time and arrays one element at a
// time, so a report larger than the biggest string V8 can build (about 512 MiB: 6,000 errors with
// 500 frames each make more) is still written. A failed write removes the partial file.
import * as fs from 'node:fs'

/** Text is handed to the file in pieces of about this size. */
const CHUNK_CHARS = 1 << 20

/** The JSON text of `value` in pieces; top-level arrays one element per line. Pure. */
export function* jsonChunks(value: Record<string, unknown>): Generator<string> {
  let buffer = '{'
  let firstField = true
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || typeof field === 'function') continue
    buffer += `${firstField ? '' : ','}\n  ${JSON.stringify(key)}: `
    firstField = false
    if (Array.isArray(field) && field.length > 0) {
      buffer += '['
      for (let index = 0; index < field.length; index++) {
        buffer += `${index === 0 ? '' : ','}\n    ${JSON.stringify(field[index]) ?? 'null'}`
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

/**
 * Writes `value` as JSON to `file`. On failure the partial file is removed and the error thrown.
 * Each piece is written as soon as it is made, synchronously: a stream's machinery cost more than
 * the writes themselves, and the engine waits for the report before it goes on.
 */
export async function writeJsonFile(file: string, value: Record<string, unknown>): Promise<void> {
  let descriptor: number | undefined
  try {
    descriptor = fs.openSync(file, 'w')
    // writeFileSync on a descriptor writes at its position, all of the text (write(2) may take less).
    for (const chunk of jsonChunks(value)) fs.writeFileSync(descriptor, chunk)
  } catch (error) {
    await fs.promises.rm(file, { force: true }).catch(() => undefined)
    throw error
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor)
  }
}
