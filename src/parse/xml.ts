// Reads valgrind's XML output (protocol 4, 5 and 6; memcheck, helgrind, drd) into a ProcessRun,
// streaming: the file is read in chunks and never held whole, so memory depends on the number of
// distinct error contexts, not on the file's size. See tokenizer.ts for how malformed bytes are
// tolerated, reader.ts for what is kept, merge.ts for how repeated records become one finding.
import * as fs from 'node:fs'
import type { ProcessRun, RawFinding } from '../model.js'
import { ValgrindXmlReader } from './reader.js'
import { XmlTokenizer } from './tokenizer.js'

/** Chunk size for reading files: measured faster than 1 MiB chunks (it stays in the CPU cache). */
export const READ_CHUNK_BYTES = 1 << 16

/** One document fed in pieces, as they arrive: from a stream, or from a file still being written. */
export class XmlDocumentParser {
  private readonly reader: ValgrindXmlReader
  private readonly tokenizer: XmlTokenizer

  /** `file` names the source in warnings. */
  constructor(file: string) {
    this.reader = new ValgrindXmlReader(file)
    this.tokenizer = new XmlTokenizer(this.reader)
  }

  get bytesRead(): number {
    return this.tokenizer.bytesRead
  }

  /** The document's end tag was read: nothing more is expected. */
  get documentEnded(): boolean {
    return this.reader.documentEnded
  }

  /** The findings of the records read so far (see ValgrindXmlReader.findings). */
  get findingsSoFar(): readonly RawFinding[] {
    return this.reader.findings
  }

  feed(chunk: Uint8Array): void {
    this.tokenizer.feed(chunk)
  }

  /** A read that failed part-way: what was read is kept, the problem is a warning. */
  readFailed(error: unknown): void {
    this.reader.warn(`reading stopped early: ${(error as Error).message}`)
  }

  finish(): ProcessRun {
    this.tokenizer.end()
    return this.reader.finish(this.tokenizer.bytesRead)
  }
}

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
  const parser = new XmlDocumentParser(file)
  try {
    for await (const chunk of source) parser.feed(chunk)
  } catch (error) {
    // A read error part-way (or a bug of ours) must not lose what was read: report and go on.
    parser.readFailed(error)
  }
  return parser.finish()
}
