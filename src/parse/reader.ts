// Builds a ProcessRun from the token stream of one valgrind XML file (protocols 4, 5 and 6; memcheck,
// helgrind, drd, and whatever else uses the same `<error>` shape). It keeps only what the model
// needs, so memory grows with the number of distinct error contexts, not with the file: records of
// the same context are merged as they arrive (merge.ts), and repeated frame strings are stored once
// (pool.ts). This file is the tag state machine: which element is open, and what its text sets.
//
// It never throws on content: unexpected structure is skipped and reported in `warnings`.
import type {
  ClientMessage,
  FatalSignal,
  Frame,
  LabeledStack,
  LeakKind,
  ProcessRun,
  RawFinding
} from '../model.js'
import { Content, MAX_REPLAY_BYTES, type TokenConsumer } from './tokenizer.js'
import { FindingMerger } from './merge.js'
import { ByteMemo } from './memo.js'
import { StringPool } from './pool.js'

const LEAK_KIND_OF_ERROR: ReadonlyMap<string, LeakKind> = new Map([
  ['Leak_DefinitelyLost', 'definite'],
  ['Leak_IndirectlyLost', 'indirect'],
  ['Leak_PossiblyLost', 'possible'],
  ['Leak_StillReachable', 'reachable']
])

/** Children of protocol 6's `<leak_summary>`; `suppressed` is read past but not kept. */
const LEAK_SUMMARY_KIND: ReadonlyMap<string, LeakKind | undefined> = new Map([
  ['definitely_lost', 'definite'],
  ['indirectly_lost', 'indirect'],
  ['possibly_lost', 'possible'],
  ['still_reachable', 'reachable'],
  ['suppressed', undefined]
])

/** The children of `<frame>` a frame read from memory may have (see ValgrindXmlReader.replay). */
const FRAME_FIELDS: ReadonlySet<string> = new Set(['ip', 'obj', 'fn', 'dir', 'file', 'line'])

/** How a `<frame>` offered for replay is being followed (see ValgrindXmlReader.replay). */
const Replay = {
  /** No frame is followed. */
  Off: 0,
  /** Inside the frame, and every event so far was a field with its text. */
  Fields: 1,
  /** The frame was closed after fields only: waiting for replayEnded to remember it. */
  Closed: 2
} as const
type Replay = (typeof Replay)[keyof typeof Replay]

/**
 * A frame read from memory saves several times what looking one up in vain costs (following it,
 * remembering it), so replay goes on while at least about one frame in five is found.
 */
const REPLAY_HIT_CREDIT = 4
const REPLAY_CREDIT_MAX = 64

/** "32 (16 direct, 16 indirect) bytes in 1 blocks …", numbers possibly with thousands separators. */
const DIRECT_INDIRECT = /\(([\d,]+) direct, ([\d,]+) indirect\)/

const KNOWN_PROTOCOLS = { min: 4, max: 6 }
const MAX_WARNINGS = 20
/** helgrind announces every thread it reports on; keep at most this many creation stacks. */
const MAX_ANNOUNCED_THREADS = 1000
/** VALGRIND_PRINTF messages kept per process (a program can print millions). */
export const MAX_CLIENT_MESSAGES = 200

/** Parses an integer as valgrind prints it: decimal, maybe with thousands separators. */
export function parseCount(text: string): number | undefined {
  const digits = text.trim().replace(/,/g, '')
  if (!/^\d+$/.test(digits)) return undefined
  return Number(digits)
}

interface ErrorDraft {
  unique: string
  tid?: number
  threadName?: string
  kind: string
  what: string
  leakBytes?: number
  leakBlocks?: number
  stack?: Frame[]
  auxStacks: LabeledStack[]
  /** auxwhat/xauxwhat lines not yet followed by a stack. */
  pendingAux: string[]
  notes: string[]
  suppression?: string
  /** helgrind thread ids mentioned by the error, for the "Thread #N was created" stacks. */
  threadIds: string[]
}

function newErrorDraft(): ErrorDraft {
  return { unique: '', kind: '', what: '', auxStacks: [], pendingAux: [], notes: [], threadIds: [] }
}

function parseIntOrUndefined(text: string): number | undefined {
  const value = parseInt(text.trim(), 10)
  return Number.isNaN(value) ? undefined : value
}

/** A source line number: a positive whole number, or nothing (debug information can say anything). */
function sourceLine(text: string): number | undefined {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  return Number.isSafeInteger(value) && value >= 1 ? value : undefined
}

export class ValgrindXmlReader implements TokenConsumer {
  capture = false

  private readonly run: ProcessRun
  private readonly stack: string[] = []
  /** The child of `<valgrindoutput>` being read (`error`, `args`, …). */
  private section = ''
  private textSoFar = ''
  private cdataText = ''

  private rootOpened = false
  private rootClosed = false
  private junk = false
  private junkErrors = 0
  /** Distinct warnings beyond MAX_WARNINGS, summarised in one line. */
  private warningsDropped = 0

  private frames: Frame[] | undefined
  /** The frame being read: filled field by field, read-only once closed. */
  private frame: { -readonly [Field in keyof Frame]: Frame[Field] } | undefined
  private error: ErrorDraft | undefined
  private fatal: FatalSignal | undefined
  private clientMessage: ClientMessage | undefined
  private clientMessagesDropped = 0
  private announcedId = ''
  private announcedStack: Frame[] | undefined
  private readonly threadCreation = new Map<string, Frame[]>()
  private pairCount: number | undefined
  private pairKey = ''
  private leakCategory: LeakKind | undefined

  /** Complete `<error>` records read (before merging). */
  recordsRead = 0
  private readonly pool = new StringPool()
  /** Frames by the bytes of their content, to read a repeated frame without its tokens. */
  private readonly frameMemo = new ByteMemo<Frame>(4096, MAX_REPLAY_BYTES)
  private replayState: Replay = Replay.Off
  /** Stack index of the `<frame>` followed, while replayState is not Off. */
  private replayDepth = 0
  /** The frame just closed, while replayState is Closed. */
  private replayFrame: Frame | undefined
  /** Up with frames read from memory, down with frames looked up in vain (see REPLAY_HIT_CREDIT). */
  private replayCredit = REPLAY_CREDIT_MAX
  private replaySkipped = 0
  private readonly merger: FindingMerger

  constructor(file: string) {
    this.run = {
      file,
      args: [],
      findings: [],
      finished: false,
      complete: false,
      suppressionCounts: [],
      warnings: []
    }
    this.merger = new FindingMerger(this.run.findings, this.pool)
  }

  warn(message: string): void {
    this.replayState = Replay.Off
    const line = `${this.run.file}: ${message}`
    if (this.run.warnings.includes(line)) return
    if (this.run.warnings.length < MAX_WARNINGS) this.run.warnings.push(line)
    else this.warningsDropped++
  }

  problem(message: string): void {
    this.warn(message)
  }

  open(name: string, selfClosing: boolean): Content {
    const parentDepth = this.stack.length
    if (
      this.replayState !== Replay.Off &&
      (this.replayState !== Replay.Fields ||
        selfClosing ||
        parentDepth !== this.replayDepth + 1 ||
        !FRAME_FIELDS.has(name))
    ) {
      this.replayState = Replay.Off
    }

    if (this.rootClosed) {
      // Content after the document element: count it for the warning, read nothing.
      this.junk = true
      if (parentDepth === 0 && name === 'error') this.junkErrors++
      if (!selfClosing) this.stack.push(name)
      return name === 'threadname' || name === 'usercomment' ? Content.RawSkip : Content.Xml
    }

    if (parentDepth === 0) {
      this.stack.push(name)
      if (name === 'valgrindoutput') {
        this.rootOpened = true
        return Content.Xml
      }
      this.warn(`the document element is <${name}>, not <valgrindoutput>; skipped it`)
      return Content.RawSkip
    }

    // valgrind 3.26.0 omits </still_reachable> when nothing is still reachable: the next summary
    // category then opens inside it. Close it here so that the summary still reads right.
    if (this.section === 'leak_summary' && LEAK_SUMMARY_KIND.has(name)) {
      const top = this.stack[parentDepth - 1]
      if (LEAK_SUMMARY_KIND.has(top)) {
        this.warnUnclosed(top)
        this.closeTop()
      }
    }

    const depth = this.stack.length
    this.stack.push(name)
    if (selfClosing) return Content.Xml

    if (depth === 1) return this.openSection(name)

    const parent = this.stack[depth - 1]
    if (parent === 'frame') {
      this.capture = true
      return Content.Xml
    }
    if (name === 'frame') {
      this.frame = { ip: '' }
      if (this.capture || this.textSoFar !== '') return Content.Xml
      // Frames that do not repeat make replay pure cost: then only every 16th is tried.
      if (this.replayCredit <= 0 && (++this.replaySkipped & 15) !== 0) return Content.Xml
      // With no text pending, a frame of nothing but fields does nothing except build this.frame
      // and add it to this.frames, whatever else the state is: the same bytes make the same frame
      // (see replay). Followed from here to see whether it is such a frame.
      this.replayState = Replay.Fields
      this.replayDepth = depth
      return Content.Replay
    }
    if (name === 'stack') {
      this.frames = []
      return Content.Xml
    }

    switch (this.section) {
      case 'error':
        return this.openInError(name, parent, depth)
      case 'preamble':
      case 'status':
      case 'announcethread':
      case 'error_summary':
        this.capture = depth === 2
        return Content.Xml
      case 'clientmsg':
        if (depth !== 2) return Content.Xml
        this.capture = true
        return name === 'threadname' ? Content.RawText : Content.Xml
      case 'args':
        this.capture = name === 'exe' || name === 'arg'
        return Content.Xml
      case 'fatal_signal':
        if (depth !== 2) return Content.Xml
        this.capture = true
        return name === 'threadname' ? Content.RawText : Content.Xml
      case 'errorcounts':
      case 'suppcounts':
        if (name === 'pair') {
          this.pairCount = undefined
          this.pairKey = ''
        } else this.capture = parent === 'pair'
        return Content.Xml
      case 'leak_summary':
        if (depth === 2) this.leakCategory = LEAK_SUMMARY_KIND.get(name)
        else this.capture = depth === 3 && (name === 'bytes' || name === 'blocks')
        return Content.Xml
      default:
        return Content.Xml
    }
  }

  private openSection(name: string): Content {
    this.section = name
    switch (name) {
      case 'protocolversion':
      case 'protocoltool':
      case 'pid':
      case 'ppid':
      case 'tool':
        this.capture = true
        return Content.Xml
      case 'usercomment':
        // Inserted verbatim by --xml-user-comment, so possibly not XML at all.
        return Content.RawSkip
      case 'error':
        this.error = newErrorDraft()
        return Content.Xml
      case 'fatal_signal':
        this.fatal = { signo: 0, signame: '', stack: [] }
        return Content.Xml
      case 'clientmsg':
        this.clientMessage = { text: '', stack: [] }
        return Content.Xml
      case 'announcethread':
        this.announcedId = ''
        this.announcedStack = undefined
        return Content.Xml
      case 'errorcounts':
        // The spec allows several; each holds the counts so far, so the last one wins.
        this.merger.startErrorCounts()
        return Content.Xml
      case 'leak_summary':
        this.run.leakSummary = {
          definite: { bytes: 0, blocks: 0 },
          indirect: { bytes: 0, blocks: 0 },
          possible: { bytes: 0, blocks: 0 },
          reachable: { bytes: 0, blocks: 0 }
        }
        return Content.Xml
      case 'error_summary':
        this.run.errorSummary = { errors: 0, contexts: 0, suppressed: 0, suppressedContexts: 0 }
        return Content.Xml
      default:
        return Content.Xml
    }
  }

  private openInError(name: string, parent: string, depth: number): Content {
    if (depth === 2) {
      switch (name) {
        case 'unique':
        case 'tid':
        case 'kind':
        case 'what':
        case 'auxwhat':
          this.capture = true
          return Content.Xml
        case 'threadname':
          // Printed unescaped: read it raw up to its end tag.
          this.capture = true
          return Content.RawText
        default:
          return Content.Xml
      }
    }
    if (parent === 'xwhat' || parent === 'xauxwhat') {
      this.capture =
        name === 'text' || name === 'leakedbytes' || name === 'leakedblocks' || name === 'hthreadid'
    } else if (name === 'rawtext' && parent === 'suppression') {
      this.capture = true
      this.cdataText = ''
    }
    return Content.Xml
  }

  text(text: string): void {
    if (
      this.replayState !== Replay.Off &&
      (this.replayState !== Replay.Fields || this.stack.length !== this.replayDepth + 2)
    ) {
      this.replayState = Replay.Off
    }
    if (this.rootClosed) {
      if (text.trim() !== '') this.junk = true
      return
    }
    this.textSoFar += text
  }

  cdata(text: string): void {
    this.replayState = Replay.Off
    this.cdataText += text
  }

  /**
   * A `<frame>` whose content is bytes[start, end) and then `</frame>`: when a frame of the very same
   * bytes was read before (and held nothing but fields), the frame it made is this one too, as if its
   * tokens had been read. Its strings went through the pool then (which never forgets a string,
   * nor takes one it once refused), so the pool too is as reading the tokens would leave it.
   */
  replay(bytes: Buffer, start: number, end: number): boolean {
    if (this.replayState !== Replay.Fields) return false
    const known = this.frameMemo.get(bytes, start, end)
    if (known === undefined) {
      this.replayCredit--
      return false
    }
    this.replayCredit = Math.min(REPLAY_CREDIT_MAX, this.replayCredit + REPLAY_HIT_CREDIT)
    this.replayState = Replay.Off
    // What reading the fields and </frame> does: see closeTop.
    this.stack.pop()
    this.frame = undefined
    // The same object, not a copy: frames are never changed once read, and a program's thousands
    // of stacks share a few thousand distinct frames (less to allocate and to collect).
    if (this.frames) this.frames.push(known)
    return true
  }

  replayEnded(bytes: Buffer, start: number, end: number): void {
    // The frame stays the findings' too: frames are never changed once read (see replay).
    if (this.replayState === Replay.Closed && this.replayFrame) {
      this.frameMemo.set(bytes, start, end, this.replayFrame)
    }
    this.replayState = Replay.Off
    this.replayFrame = undefined
  }

  close(name: string): void {
    const stack = this.stack
    const top = stack.length - 1
    if (this.replayState !== Replay.Off) this.followReplayClose(name, top)
    if (stack[top] === name) {
      this.closeTop()
      return
    }
    const at = stack.lastIndexOf(name)
    if (at === -1) {
      if (!this.rootClosed) this.warn(`stray end tag </${name}> ignored`)
      return
    }
    // An element was left open (valgrind bug or an unescaped '<'); close everything up to `name`.
    while (stack.length - 1 > at) {
      this.warnUnclosed(stack[stack.length - 1])
      this.closeTop()
    }
    this.closeTop()
  }

  /** close(name) while a frame is followed: a field or the frame itself, closed in order. */
  private followReplayClose(name: string, top: number): void {
    if (this.replayState === Replay.Fields && this.stack[top] === name) {
      if (top === this.replayDepth + 1) return
      if (top === this.replayDepth) {
        this.replayState = Replay.Closed
        this.replayFrame = this.frame
        return
      }
    }
    this.replayState = Replay.Off
  }

  private warnUnclosed(name: string): void {
    if (this.rootClosed) return
    if (name === 'still_reachable') {
      this.warn(
        '<still_reachable> is not closed (a valgrind 3.26.0 bug when nothing is still reachable, fixed in 3.27.0); read on'
      )
    } else this.warn(`<${name}> is not closed; read on`)
  }

  private closeTop(): void {
    const name = this.stack.pop() as string
    const depth = this.stack.length
    const text = this.textSoFar
    this.textSoFar = ''
    this.capture = false

    if (this.rootClosed) return
    if (depth === 0) {
      if (name === 'valgrindoutput') this.rootClosed = true
      return
    }
    if (depth === 1) {
      this.closeSection(name, text)
      return
    }

    const parent = this.stack[depth - 1]
    if (parent === 'frame') {
      this.setFrameField(name, text)
      return
    }
    if (name === 'frame') {
      if (this.frame && this.frames) this.frames.push(this.frame)
      this.frame = undefined
      return
    }
    if (name === 'stack') {
      const frames = this.frames ?? []
      this.frames = undefined
      this.stackRead(frames, parent, depth)
      return
    }

    switch (this.section) {
      case 'error':
        this.closeInError(name, parent, depth, text)
        return
      case 'preamble':
        if (name === 'line' && this.run.valgrindVersion === undefined) {
          const version = /\bValgrind-(\d[^\s]*)/.exec(text)
          if (version) this.run.valgrindVersion = version[1]
        }
        return
      case 'args':
        if (parent === 'argv') {
          if (name === 'exe') this.run.exe = text
          else if (name === 'arg') this.run.args.push(text)
        } else if (parent === 'vargv' && name === 'arg') {
          ;(this.run.valgrindArgs ??= []).push(text)
        }
        return
      case 'status':
        this.run.started = true
        if (name === 'state' && text.trim() === 'FINISHED') this.run.finished = true
        return
      case 'fatal_signal':
        if (this.fatal && depth === 2) this.setFatalField(this.fatal, name, text)
        return
      case 'clientmsg':
        if (this.clientMessage && depth === 2) {
          if (name === 'tid') this.clientMessage.tid = parseIntOrUndefined(text)
          else if (name === 'threadname') this.clientMessage.threadName = text.trim()
          else if (name === 'text') this.clientMessage.text = text.replace(/\s+$/, '')
        }
        return
      case 'announcethread':
        if (name === 'hthreadid') this.announcedId = text.trim()
        return
      case 'errorcounts':
      case 'suppcounts':
        this.closeInCounts(name, text)
        return
      case 'leak_summary':
        if (depth === 3 && this.leakCategory && this.run.leakSummary) {
          if (name === 'bytes' || name === 'blocks') {
            const value = this.count(text, `<leak_summary> <${name}>`)
            if (value !== undefined) this.run.leakSummary[this.leakCategory][name] = value
          }
        } else if (depth === 2) this.leakCategory = undefined
        return
      case 'error_summary':
        if (depth === 2 && this.run.errorSummary) {
          const value = this.count(text, `<error_summary> <${name}>`)
          if (value === undefined) return
          const summary = this.run.errorSummary
          if (name === 'errors') summary.errors = value
          else if (name === 'error_contexts') summary.contexts = value
          else if (name === 'suppressed') summary.suppressed = value
          else if (name === 'suppressed_contexts') summary.suppressedContexts = value
        }
        return
    }
  }

  private count(text: string, where: string): number | undefined {
    const value = parseCount(text)
    if (value === undefined) this.warn(`${where} holds '${text.trim()}', not a number; ignored`)
    return value
  }

  private closeSection(name: string, text: string): void {
    const run = this.run
    this.section = ''
    switch (name) {
      case 'protocolversion': {
        const version = parseIntOrUndefined(text)
        run.protocolVersion = version
        if (version === undefined) this.warn(`protocol version '${text.trim()}' is not a number`)
        else if (version > KNOWN_PROTOCOLS.max || version < KNOWN_PROTOCOLS.min) {
          this.warn(
            `XML protocol version ${version} is not one this action knows (${KNOWN_PROTOCOLS.min} to ${KNOWN_PROTOCOLS.max}); read it anyway`
          )
        }
        return
      }
      case 'protocoltool':
        run.tool = text.trim()
        return
      case 'tool':
        run.tool ??= text.trim()
        return
      case 'pid':
        run.pid = parseIntOrUndefined(text)
        return
      case 'ppid':
        run.ppid = parseIntOrUndefined(text)
        return
      case 'error':
        if (this.error) this.finishError(this.error)
        this.error = undefined
        return
      case 'fatal_signal':
        if (this.fatal) run.fatalSignal = this.fatal
        this.fatal = undefined
        return
      case 'clientmsg':
        if (this.clientMessage) {
          const messages = (run.clientMessages ??= [])
          if (messages.length < MAX_CLIENT_MESSAGES) messages.push(this.clientMessage)
          else this.clientMessagesDropped++
        }
        this.clientMessage = undefined
        return
      case 'announcethread':
        if (
          this.announcedId !== '' &&
          this.announcedStack &&
          (this.threadCreation.size < MAX_ANNOUNCED_THREADS ||
            this.threadCreation.has(this.announcedId))
        ) {
          this.threadCreation.set(this.announcedId, this.announcedStack)
        }
        return
    }
  }

  private closeInError(name: string, parent: string, depth: number, text: string): void {
    const error = this.error
    if (!error) return
    if (depth === 2) {
      switch (name) {
        case 'unique':
          error.unique = text.trim()
          return
        case 'tid':
          error.tid = parseIntOrUndefined(text)
          return
        case 'threadname':
          error.threadName = text.trim()
          return
        case 'kind':
          error.kind = text.trim()
          return
        case 'what':
          if (error.what === '') error.what = text.trim()
          return
        case 'auxwhat':
          error.pendingAux.push(text.trim())
          return
      }
      return
    }
    if (parent === 'xwhat') {
      switch (name) {
        case 'text':
          if (error.what === '') error.what = text.trim()
          return
        case 'leakedbytes':
          error.leakBytes = this.count(text, '<leakedbytes>')
          return
        case 'leakedblocks':
          error.leakBlocks = this.count(text, '<leakedblocks>')
          return
        case 'hthreadid':
          error.threadIds.push(text.trim())
          return
      }
      return
    }
    if (parent === 'xauxwhat') {
      if (name === 'text') error.pendingAux.push(text.trim())
      else if (name === 'hthreadid') error.threadIds.push(text.trim())
      return
    }
    if (name === 'rawtext' && parent === 'suppression') {
      error.suppression = this.cdataText.trim()
      this.cdataText = ''
    }
  }

  private closeInCounts(name: string, text: string): void {
    if (name === 'count') {
      this.pairCount = this.count(text, `<${this.section}> <count>`)
    } else if (name === 'unique' || name === 'name') {
      this.pairKey = text.trim()
    } else if (name === 'pair' && this.pairCount !== undefined) {
      if (this.section === 'suppcounts') {
        this.run.suppressionCounts.push({ name: this.pairKey, count: this.pairCount })
      } else {
        this.merger.countErrors(this.pairKey, this.pairCount)
      }
    }
  }

  private stackRead(frames: Frame[], parent: string, depth: number): void {
    switch (this.section) {
      case 'error': {
        const error = this.error
        if (!error) return
        if (depth === 2) {
          if (error.stack === undefined) {
            error.stack = frames
            return
          }
          // An aux line introduces the stack after it; earlier ones without a stack are notes.
          const label = error.pendingAux.pop() ?? ''
          error.notes.push(...error.pendingAux)
          error.pendingAux.length = 0
          error.auxStacks.push({ label, frames })
        } else if (
          (parent === 'other_segment_start' || parent === 'other_segment_end') &&
          frames.length > 0
        ) {
          // DRD: where the conflicting segment of the other thread starts / ends.
          const label =
            parent === 'other_segment_start' ? 'Other segment start' : 'Other segment end'
          error.auxStacks.push({ label, frames })
        }
        return
      }
      case 'fatal_signal':
        if (this.fatal && depth === 2) this.fatal.stack = frames
        return
      case 'clientmsg':
        if (this.clientMessage && depth === 2) this.clientMessage.stack = frames
        return
      case 'announcethread':
        if (depth === 2) this.announcedStack = frames
        return
    }
  }

  private setFrameField(name: string, text: string): void {
    const frame = this.frame
    if (!frame) return
    switch (name) {
      case 'ip':
        frame.ip = text.trim()
        return
      case 'obj':
        frame.obj = this.pool.intern(text.trim())
        return
      case 'fn':
        frame.fn = this.pool.intern(text.trim())
        return
      case 'dir':
        frame.dir = this.pool.intern(text.trim())
        return
      case 'file':
        frame.file = this.pool.intern(text.trim())
        return
      case 'line':
        frame.line = sourceLine(text)
        return
    }
  }

  private setFatalField(fatal: FatalSignal, name: string, text: string): void {
    switch (name) {
      case 'tid':
        fatal.tid = parseIntOrUndefined(text)
        return
      case 'signo':
        fatal.signo = parseIntOrUndefined(text) ?? 0
        return
      case 'signame':
        fatal.signame = text.trim()
        return
      case 'event':
        fatal.event = text.trim()
        return
      case 'siaddr':
        fatal.siaddr = text.trim()
        return
    }
  }

  private finishError(error: ErrorDraft): void {
    this.recordsRead++
    error.notes.push(...error.pendingAux)
    const leakKind = LEAK_KIND_OF_ERROR.get(error.kind)
    if (leakKind !== undefined && !this.run.finished) {
      // A leak check the program asked for (VALGRIND_DO_LEAK_CHECK): valgrind writes the final
      // one after <status>FINISHED. Only the final one says what was leaked; a block lost here
      // may be freed later. Valgrind counted the record as an error all the same.
      const earlier = (this.run.midRunLeakRecords ??= {})
      earlier[leakKind] = (earlier[leakKind] ?? 0) + 1
      return
    }
    const finding: RawFinding = {
      tool: this.run.tool ?? '',
      kind: error.kind,
      what: error.what,
      unique: error.unique,
      stack: error.stack ?? [],
      auxStacks: error.auxStacks,
      notes: error.notes,
      count: 1
    }
    if (error.tid !== undefined) finding.tid = error.tid
    if (error.threadName !== undefined) finding.threadName = error.threadName
    if (error.suppression !== undefined) finding.suppression = error.suppression
    if (leakKind !== undefined) {
      const bytes = error.leakBytes ?? 0
      const split = DIRECT_INDIRECT.exec(error.what)
      const direct = split ? parseCount(split[1]) : undefined
      const indirect = split ? parseCount(split[2]) : undefined
      finding.leak = {
        kind: leakKind,
        bytes,
        directBytes: direct ?? bytes,
        indirectBytes: direct !== undefined ? (indirect ?? bytes - direct) : 0,
        blocks: error.leakBlocks ?? 0
      }
    }
    for (const id of new Set(error.threadIds)) {
      const created = this.threadCreation.get(id)
      if (created) finding.auxStacks.push({ label: `Thread #${id} was created`, frames: created })
    }
    this.merger.add(finding)
  }

  /** The run's findings so far: complete records only (a merged record's count may still grow). */
  get findings(): readonly RawFinding[] {
    return this.run.findings
  }

  /** `</valgrindoutput>` was read: valgrind has written all it will write for this process. */
  get documentEnded(): boolean {
    return this.rootClosed
  }

  /** Ends the document (a cut inside a tag is a truncation like any other). */
  finish(bytesRead: number): ProcessRun {
    const run = this.run
    if (bytesRead === 0) {
      this.warn(
        'the file is empty: valgrind wrote nothing (did it fail to start, or does this tool not write XML?)'
      )
    } else if (!this.rootOpened) {
      this.warn('no <valgrindoutput> element: this is not valgrind XML output')
    } else if (!this.rootClosed) {
      const records = this.recordsRead
      this.warn(
        `the XML ends early (valgrind or the program was killed?); ${records} finding${records === 1 ? '' : 's'} read before the cut`
      )
    } else if (this.junk) {
      const more = this.junkErrors > 0 ? ` (it holds ${this.junkErrors} more <error> records)` : ''
      this.warn(
        `content after </valgrindoutput> was ignored${more}: several processes probably wrote this one file; put %p in --xml-file so that each process writes its own`
      )
    }
    run.complete = this.rootOpened && this.rootClosed

    this.merger.finish()
    if (this.clientMessagesDropped > 0) {
      this.warn(
        `${this.clientMessagesDropped} more client messages (VALGRIND_PRINTF) than the ${MAX_CLIENT_MESSAGES} kept; all are in the XML file`
      )
    }
    if (this.warningsDropped > 0) {
      run.warnings.push(`${run.file}: … and ${this.warningsDropped} more problems`)
    }
    run.records = this.recordsRead
    return run
  }
}
