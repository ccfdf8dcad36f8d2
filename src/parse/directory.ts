// The XML files of one valgrind pass: each process writes `<pid>.xml` (`<pid>-<n>.xml` for the
// images it exec'd). Parsing them after the run costs as long as valgrind took to write them; the
// follower parses them while valgrind runs (valgrind keeps one core busy per process, the action's
// Node another), so that by the time the command exits little is left to read.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ProcessRun, RawFinding } from '../model.js'
import { parseValgrindXmlFile, READ_CHUNK_BYTES, XmlDocumentParser } from './xml.js'

export interface ParsedDirectory {
  /** One run per XML file, in file-name order. */
  runs: ProcessRun[]
  /** The runs' warnings, and files that could not be read. */
  warnings: string[]
}

/** The XML files in `dir`, sorted by name (image order within a pid); none when it is missing. */
function xmlFileNames(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((name) => name.endsWith('.xml'))
        .sort()
    : []
}

function addRun(parsed: ParsedDirectory, run: ProcessRun): void {
  parsed.runs.push(run)
  parsed.warnings.push(...run.warnings)
}

async function parseOne(file: string, parsed: ParsedDirectory): Promise<void> {
  try {
    addRun(parsed, await parseValgrindXmlFile(file))
  } catch (error) {
    parsed.warnings.push(`${file}: could not be read (${(error as Error).message}).`)
  }
}

/** Parses every XML file a pass wrote, in a stable order. Unreadable files become warnings. */
export async function parseOutputDirectory(dir: string): Promise<ParsedDirectory> {
  const parsed: ParsedDirectory = { runs: [], warnings: [] }
  for (const name of xmlFileNames(dir)) await parseOne(path.join(dir, name), parsed)
  return parsed
}

/** How many files are followed at once (each holds a descriptor); the rest are read at the end. */
const MAX_FOLLOWED_FILES = 256
/**
 * Milliseconds before the next poll when the last one read something: valgrind writes its XML
 * faster as its translations warm up (30 MB/s and more), and a follower that sleeps a full interval
 * between reads leaves that much more to parse after the program exits.
 */
const BUSY_INTERVAL_MS = 10
/** Idle intervals between looks at the files already read to their end. */
const RECHECK_ENDED_EVERY = 10
/** Bytes of a file's start kept to tell, at the end, that it is still the file that was read. */
const HEAD_BYTES = 4096

interface FollowedFile {
  /** The name the file had when it was opened: the parser's warnings and `run.file` use it. */
  name: string
  handle: fs.promises.FileHandle | undefined
  parser: XmlDocumentParser
  offset: number
  head: Buffer
  /** Shrank or failed to read while followed: parsed again from the start at the end. */
  stale: boolean
  /** Findings of the file already handed to the `onFindings` callback. */
  findingsSeen: number
}

/**
 * Parses a pass's XML files while valgrind writes them. `finish()` gives what
 * `parseOutputDirectory` would give for the directory as it is then: files are followed by inode,
 * so a file moved (the exec launcher renames an image's file) or truncated in place (an exec
 * without the launcher) is read again whole, never mixed with what another image wrote.
 */
export class XmlDirectoryFollower {
  private readonly followed = new Map<string, FollowedFile>()
  /**
   * Files read to their document's end, by name: not looked at again until `finish()`, which checks
   * that they are unchanged (a suite of a thousand tests leaves a thousand files to poll).
   */
  private readonly ended = new Map<string, FollowedFile>()
  /** When ended files were last looked at (ms); the first poll looks. */
  private lastRecheck = -Infinity
  private stopped = false
  private loop: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private wake: (() => void) | undefined
  private findingsCallback: ((findings: readonly RawFinding[]) => void) | undefined
  /** Of the files `finish()` returned: how many were followed to their end, how many read whole then. */
  readonly counts = { followed: 0, readAtEnd: 0 }

  constructor(
    private readonly dir: string,
    private readonly intervalMs = 100,
    private readonly recheckEndedEvery = RECHECK_ENDED_EVERY
  ) {}

  start(): void {
    this.loop ??= this.run()
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // poll() catches what it expects; anything else must not end the run as an unhandled rejection.
      const bytesRead = await this.poll().catch(() => 0)
      if (this.stopped) break
      await new Promise<void>((resolve) => {
        this.wake = resolve
        this.timer = setTimeout(
          resolve,
          bytesRead > 0 ? Math.min(BUSY_INTERVAL_MS, this.intervalMs) : this.intervalMs
        )
      })
    }
  }

  /** Reads what was appended to every file since the last poll; returns how many bytes. Never throws. */
  private async poll(): Promise<number> {
    let names: string[]
    let bytesRead = 0
    try {
      names = (await fs.promises.readdir(this.dir)).filter((name) => name.endsWith('.xml'))
    } catch {
      return 0 // not created yet
    }
    // Ended files are looked at again once in a while: a new file may have taken the name (an
    // exec'd image writes under its pid's name once the launcher moved the old file away).
    // Timed, not counted: busy polls come every few milliseconds.
    const now = Date.now()
    const recheck = now - this.lastRecheck >= this.intervalMs * this.recheckEndedEvery
    if (recheck) this.lastRecheck = now
    for (const name of names) {
      if (this.stopped) return bytesRead
      if (this.ended.has(name) && !recheck) continue
      const file = path.join(this.dir, name)
      let stat: fs.Stats
      try {
        stat = await fs.promises.stat(file)
      } catch {
        continue // removed meanwhile (the launcher drops an image's file with no record)
      }
      const key = `${stat.dev}:${stat.ino}`
      let entry = this.followed.get(key)
      const ended = this.ended.get(name)
      if (ended !== undefined) {
        if (ended === entry) continue
        this.ended.delete(name)
      }
      if (entry === undefined) {
        if (this.openCount() >= MAX_FOLLOWED_FILES) continue
        let handle: fs.promises.FileHandle
        try {
          handle = await fs.promises.open(file, 'r')
        } catch {
          continue
        }
        entry = {
          name,
          handle,
          parser: new XmlDocumentParser(file),
          offset: 0,
          head: Buffer.alloc(0),
          stale: false,
          findingsSeen: 0
        }
        this.followed.set(key, entry)
      }
      if (entry.stale) continue
      if (stat.size < entry.offset) entry.stale = true
      else if (stat.size > entry.offset) bytesRead += await this.readAppended(entry)
      if (!entry.stale) this.handOnFindings(entry)
      if (!entry.stale && entry.name === name && entry.parser.documentEnded) {
        // Its descriptor is freed for other files; `finish()` reopens it to check its start.
        await entry.handle?.close().catch(() => undefined)
        entry.handle = undefined
        this.ended.set(name, entry)
      }
    }
    return bytesRead
  }

  /**
   * Called, while following, with the findings of records as they are read: a caller works out
   * what it can of each while valgrind still runs (its own cache: `finish()` returns every run
   * whole either way, and a file read again at the end brings new finding objects).
   */
  onFindings(callback: (findings: readonly RawFinding[]) => void): void {
    this.findingsCallback = callback
  }

  private handOnFindings(entry: FollowedFile): void {
    const found = entry.parser.findingsSoFar
    if (this.findingsCallback === undefined || found.length <= entry.findingsSeen) return
    const fresh = found.slice(entry.findingsSeen)
    entry.findingsSeen = found.length
    try {
      this.findingsCallback(fresh)
    } catch {
      // Only work ahead: what it failed to do is done after the run, where errors are reported.
    }
  }

  private openCount(): number {
    let count = 0
    for (const entry of this.followed.values()) if (entry.handle !== undefined) count++
    return count
  }

  /** Feeds the parser what was appended to the file since the last read; returns how many bytes. */
  private async readAppended(entry: FollowedFile): Promise<number> {
    if (entry.handle === undefined) return 0
    let total = 0
    try {
      for (;;) {
        // A fresh buffer per read: the tokenizer may keep a view of a chunk's unfinished token.
        const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES)
        const { bytesRead } = await entry.handle.read(buffer, 0, buffer.length, entry.offset)
        if (bytesRead === 0) return total
        const chunk = buffer.subarray(0, bytesRead)
        if (entry.head.length < HEAD_BYTES) {
          entry.head = Buffer.concat([
            entry.head,
            chunk.subarray(0, HEAD_BYTES - entry.head.length)
          ])
        }
        entry.parser.feed(chunk)
        entry.offset += bytesRead
        total += bytesRead
      }
    } catch {
      entry.stale = true
      return total
    }
  }

  /** Whether `file` still starts with what the entry read from it. */
  private async sameStart(entry: FollowedFile, file: string): Promise<boolean> {
    const buffer = Buffer.alloc(entry.head.length)
    let handle = entry.handle
    try {
      handle ??= await fs.promises.open(file, 'r')
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      return bytesRead === buffer.length && buffer.equals(entry.head)
    } catch {
      return false
    } finally {
      if (handle !== entry.handle) await handle?.close().catch(() => undefined)
    }
  }

  private async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.wake?.()
    await this.loop
  }

  /**
   * Stops following and returns every file's run, as `parseOutputDirectory` would after the run:
   * the files followed to their end, the others (new, moved, truncated) read whole now.
   */
  async finish(): Promise<ParsedDirectory> {
    await this.stop()
    const parsed: ParsedDirectory = { runs: [], warnings: [] }
    try {
      for (const name of xmlFileNames(this.dir)) {
        const file = path.join(this.dir, name)
        const entry = await this.entryFor(file, name)
        if (entry !== undefined) await this.readAppended(entry)
        if (entry === undefined || entry.stale || !(await this.sameStart(entry, file))) {
          this.counts.readAtEnd++
          await parseOne(file, parsed)
          continue
        }
        this.counts.followed++
        addRun(parsed, entry.parser.finish())
      }
    } finally {
      await Promise.all(
        [...this.followed.values()].map((entry) => entry.handle?.close().catch(() => undefined))
      )
      this.followed.clear()
    }
    return parsed
  }

  /** The entry that followed this very file under this very name, if any. */
  private async entryFor(file: string, name: string): Promise<FollowedFile | undefined> {
    let stat: fs.Stats
    try {
      stat = await fs.promises.stat(file)
    } catch {
      return undefined
    }
    const entry = this.followed.get(`${stat.dev}:${stat.ino}`)
    if (entry === undefined || entry.name !== name || stat.size < entry.offset) return undefined
    // A file closed at its document's end that grew since (content after the end) is read whole.
    if (entry.handle === undefined && stat.size !== entry.offset) return undefined
    return entry
  }
}
