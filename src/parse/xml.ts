// Reads valgrind's XML output (protocol 4, 5 and 6; memcheck, helgrind, drd) into a ProcessRun,
// streaming: the file is read in chunks and never held whole, so memory depends on the number of
// distinct error contexts, not on the file's size. See tokenizer.ts for how malformed bytes are
// tolerated, reader.ts for what is kept, merge.ts for how repeated records become one finding.
import * as fs from 'node:fs'
import type { ProcessRun } from '../model.js'
import { ValgrindXmlReader } from './reader.js'
import { XmlTokenizer } from './tokenizer.js'

/** Chunk size for reading files: measured faster than 1 MiB chunks (it stays in the CPU cache). */
const READ_CHUNK_BYTES = 1 << 16

/**
 * Parses one valgrind XML file. Never throws on bad content: problems go to `run.warnings`, each
 * naming the file. Throws only when the file cannot be opened.
 */
export async function parseValgrindXmlFile(file: string): Promise<ProcessRun> {
  let handle: fs.promises.FileHandle
  try {
    handle = await fs.promises.open(file, 'r')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new Error(`Cannot read valgrind XML file '${file}': ${reason}`)
  }
  try {
    return await parseValgrindXml(
      handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }),
      file
    )
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/** Same as parseValgrindXmlFile, from any byte stream; `file` names the source in warnings. */
export async function parseValgrindXml(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string
): Promise<ProcessRun> {
  const reader = new ValgrindXmlReader(file)
  const tokenizer = new XmlTokenizer(reader)
  try {
    for await (const chunk of source) tokenizer.feed(chunk)
  } catch (error) {
    // A read error part-way (or a bug of ours) must not lose what was read: report and go on.
    reader.warn(`reading stopped early: ${(error as Error).message}`)
  }
  tokenizer.end()
  return reader.finish(tokenizer.bytesRead)
}
