// Writes the files the engine makes (JSON report, SARIF log, suppressions) piece by piece, and
// never leaves half of one behind: a SARIF log cut short by a full disk would be uploaded to code
// scanning as it is, and a JSON report cut short would be read as a baseline.
import * as fs from 'node:fs'
import { systemErrorText } from '../errors.js'

/**
 * Writes `pieces` to `file` in order, each as soon as it is made, synchronously: a stream's
 * machinery cost more than the writes themselves, and writes handed to the thread pool measured
 * slower still (the engine waits for its files before it goes on). On failure the partial file is
 * removed and the error thrown.
 */
export async function writeTextFile(file: string, pieces: Iterable<string>): Promise<void> {
  // A file that cannot be opened was not written to: whatever is there stays.
  const descriptor = fs.openSync(file, 'w')
  let open = true
  try {
    // writeFileSync on a descriptor writes at its position, all of the text (write(2) may take less).
    for (const piece of pieces) fs.writeFileSync(descriptor, piece)
    open = false
    fs.closeSync(descriptor)
  } catch (error) {
    if (open) fs.closeSync(descriptor)
    await removePartial(file)
    throw error
  }
}

/**
 * Removes `file` after a failed write: a regular file, or a link the text went through (the link
 * goes; what it names keeps what reached it, and a device it names, /dev/full say, is untouched).
 */
async function removePartial(file: string): Promise<void> {
  const stat = await fs.promises.lstat(file).catch(() => undefined)
  if (stat?.isFile() === true || stat?.isSymbolicLink() === true) {
    await fs.promises.rm(file, { force: true }).catch(() => undefined)
  }
}

/**
 * The warning for a file that could not be written: which, why (the system's code and message),
 * and what the user is left without. Writing it costs that file only.
 */
export function notWrittenWarning(what: string, error: unknown, consequence: string): string {
  return `The ${what} was not written (${systemErrorText(error)}): ${consequence}. Everything else (annotations, summary, outputs, verdict) is reported.`
}
