// A small, forgiving XML tokenizer that works on bytes, specialised to what valgrind writes: elements
// without attributes or namespaces, text with the five predefined entities, CDATA (only in
// `<rawtext>`), the `<?xml?>` declaration and comments. It never throws on bad input:
//
// * Text is decoded only when the consumer wants it (`capture`), and only a whole text node at a
//   time, so a multi-byte character is never split. Invalid UTF-8 becomes U+FFFD (Buffer's decoder
//   replaces like a non-fatal TextDecoder) and C0 controls other than TAB/LF/CR are removed: valgrind
//   copies argv bytes verbatim, and neither is legal XML 1.0.
// * The consumer can ask for an element's content to be read raw up to its end tag, for elements
//   valgrind writes unescaped (`<threadname>`, `<usercomment>`), so stray `<` or `&` in them cannot
//   derail the rest of the document.
// * The consumer can offer to replay an element from memory (`Content.Replay`): when the bytes up to
//   its end tag are ones it has seen tokenized before, it applies what they made and the tokenizer
//   skips them (valgrind repeats the same `<frame>` elements in stack after stack).
// * Memory is bounded whatever the input: a chunk is scanned in place, only an incomplete token at
//   a chunk's end is carried over, and nothing carried grows beyond MAX_TOKEN_BYTES.
//
// Why not a general SAX parser: valgrind's XML is produced by printf, so a recovering parser would
// need the same special cases anyway, and scanning bytes with Buffer.indexOf is several times faster
// than decoding the whole document into a string first (see bench/parse.bench.js).

/** What the consumer wants done with an element's content. */
export const Content = {
  /** Tokenize the content as XML. */
  Xml: 0,
  /** Skip everything up to the matching end tag. */
  RawSkip: 1,
  /** Deliver everything up to the matching end tag as one text, without entity decoding. */
  RawText: 2,
  /**
   * Offer the content to `replay` first (it may know what these very bytes amount to), and
   * tokenize it as XML if it declines.
   */
  Replay: 3
} as const
export type Content = (typeof Content)[keyof typeof Content]

export interface TokenConsumer {
  /** While true, text and CDATA are decoded and delivered; otherwise they are skipped unread. */
  capture: boolean
  open(name: string, selfClosing: boolean): Content
  close(name: string): void
  text(text: string): void
  cdata(text: string): void
  /** A problem in the byte stream itself (e.g. an unterminated tag). */
  problem(message: string): void
  /**
   * After open() returned Content.Replay: bytes[start, end) runs from the end of the start tag to
   * the first end tag of the same name within MAX_REPLAY_BYTES (which, in a damaged document, need
   * not be the element's own). Returns true when the consumer has applied the element's content
   * and end from memory: the tokenizer then resumes after that end tag. Returns false to have the
   * content tokenized as usual.
   */
  replay(bytes: Buffer, start: number, end: number): boolean
  /**
   * Called just after close() when the end tag closing a declined replay range (see replay) was
   * read as an end tag: the range's bytes were tokenized into the events the consumer has just
   * seen, so it can remember what they amount to.
   */
  replayEnded(bytes: Buffer, start: number, end: number): void
}

/**
 * The longest content offered to TokenConsumer.replay; longer elements are just tokenized. Frames
 * are about 300 bytes, a few with long Rust or C++ names twice that.
 */
export const MAX_REPLAY_BYTES = 1024

/** The longest tag, comment, CDATA section or captured text node carried between chunks. */
export const MAX_TOKEN_BYTES = 1 << 20

const LT = 0x3c
const GT = 0x3e
const SLASH = 0x2f
const BANG = 0x21
const QUESTION = 0x3f
const CDATA_OPEN = Buffer.from('<![CDATA[')
const CDATA_CLOSE = Buffer.from(']]>')
const COMMENT_OPEN = Buffer.from('<!--')
const COMMENT_CLOSE = Buffer.from('-->')
const PI_CLOSE = Buffer.from('?>')

// FNV-1a over bytes, computed in the scanning loops themselves: the hash of a tag name or a text
// costs no extra pass over its bytes.
const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193

// C0 controls that XML 1.0 forbids; TAB, LF and CR are allowed.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CONTROLS = /[\x00-\x08\x0B\x0C\x0E-\x1F]/g
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HAS_FORBIDDEN_CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F]/

/** Decodes bytes as UTF-8 (invalid sequences → U+FFFD) and drops forbidden control characters. */
export function decodeText(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end)
  return HAS_FORBIDDEN_CONTROL.test(text) ? text.replace(FORBIDDEN_CONTROLS, '') : text
}

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"]
])

/** The character a reference's body (between '&' and ';') stands for, if it is one. */
function entityValue(body: string): string | undefined {
  if (body.charCodeAt(0) !== 0x23) return NAMED_ENTITIES.get(body)
  const hex = body[1] === 'x' || body[1] === 'X'
  const digits = body.slice(hex ? 2 : 1)
  if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined
  const code = parseInt(digits, hex ? 16 : 10)
  if (code > 0x10ffff || (code < 0x20 && code !== 9 && code !== 10 && code !== 13)) return ''
  return String.fromCodePoint(code)
}

/** Replaces the predefined and numeric character references; anything else stays as written. */
export function decodeEntities(text: string): string {
  let amp = text.indexOf('&')
  if (amp === -1) return text
  let out = ''
  let from = 0
  while (amp !== -1) {
    const semicolon = text.indexOf(';', amp + 1)
    if (semicolon === -1) break
    const value = semicolon - amp <= 10 ? entityValue(text.slice(amp + 1, semicolon)) : undefined
    if (value === undefined) {
      amp = text.indexOf('&', amp + 1)
      continue
    }
    out += text.slice(from, amp) + value
    from = semicolon + 1
    amp = text.indexOf('&', from)
  }
  return out + text.slice(from)
}

/** 1 for the bytes that end a tag name: whitespace, '/' and '>'. */
const NAME_END = new Uint8Array(256)
for (const byte of [0x20, 0x09, 0x0a, 0x0d, SLASH, GT]) NAME_END[byte] = 1

function isNameStart(byte: number): boolean {
  // Letters, '_', ':' and anything non-ASCII; a '<' followed by anything else is stray text.
  return (
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    byte === 0x5f ||
    byte === 0x3a ||
    byte >= 0x80
  )
}

function startsWith(bytes: Buffer, at: number, prefix: Buffer): boolean {
  if (at + prefix.length > bytes.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false
  return true
}

/** Slots a DecodeCache starts with (see resize). */
const INITIAL_SLOTS = 64

/**
 * Strings decoded from bytes, remembered by those bytes: valgrind repeats the same tag names, and
 * the same function names, objects and files in every stack, so most strings are decoded once and
 * then found by a hash of their bytes (compared byte by byte, so a collision only costs a decode).
 * Direct-mapped and fixed in size: a document of endless distinct strings just overwrites slots.
 * The cached string is the very one `decode` returned for the same bytes, so results cannot differ.
 */
class DecodeCache {
  /** Each slot's key bytes, allocated when first needed and reused by the keys that replace it. */
  private raw: (Uint8Array | undefined)[] = []
  private lengths = new Int32Array(0)
  private values: string[] = []
  private mask = 0
  /** Misses since the table last grew. */
  private misses = 0

  /**
   * `maxSlots`: a power of two, the most slots the table grows to; `maxBytes`: longer byte runs
   * are decoded every time.
   */
  constructor(
    private readonly maxSlots: number,
    private readonly maxBytes: number,
    private readonly decode: (bytes: Buffer, start: number, end: number) => string
  ) {
    this.resize(INITIAL_SLOTS)
  }

  /**
   * Starts small and grows with misses: the follower keeps a tokenizer per file being written
   * (possibly hundreds), most of them small. Growing drops what was cached; a cache can.
   */
  private resize(slots: number): void {
    this.raw = new Array<Uint8Array | undefined>(slots).fill(undefined)
    this.lengths = new Int32Array(slots).fill(-1)
    this.values = new Array<string>(slots).fill('')
    this.mask = slots - 1
    this.misses = 0
  }

  /** The string of bytes[start, end), whose FNV-1a hash is `hash`. */
  get(bytes: Buffer, start: number, end: number, hash: number): string {
    const length = end - start
    if (length > this.maxBytes) return this.decode(bytes, start, end)
    const slot = (hash ^ (hash >>> 15)) & this.mask
    let known = this.raw[slot]
    if (this.lengths[slot] === length) {
      const key = known as Uint8Array
      let i = 0
      while (i < length && key[i] === bytes[start + i]) i++
      if (i === length) return this.values[slot]
    }
    const value = this.decode(bytes, start, end)
    if (++this.misses > 2 * this.mask && this.mask + 1 < this.maxSlots) {
      this.resize(Math.min(this.maxSlots, (this.mask + 1) * 4))
      return value
    }
    if (known === undefined || known.length < length) {
      known = this.raw[slot] = new Uint8Array(Math.max(length, 32))
    }
    for (let i = 0; i < length; i++) known[i] = bytes[start + i]
    this.lengths[slot] = length
    this.values[slot] = value
    return value
  }
}

function decodeName(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end)
}

/** What a text node's bytes stand for: UTF-8 without forbidden controls, entities replaced. */
function decodeTextNode(bytes: Buffer, start: number, end: number): string {
  return decodeEntities(decodeText(bytes, start, end))
}

export class XmlTokenizer {
  private readonly names = new DecodeCache(256, 64, decodeName)
  private readonly texts = new DecodeCache(4096, 512, decodeTextNode)
  /** Bytes of an incomplete token (or a captured text node) left over from the previous chunk. */
  private carry: Buffer | undefined
  /** While reading an element raw: its end tag, e.g. `</threadname>`. */
  private rawEndTag: Buffer | undefined
  private rawName = ''
  private rawCapture = false
  private rawText = ''
  /** Total bytes fed, for messages. */
  bytesRead = 0
  // Replay state holds positions in the bytes being scanned, so scan() resets it: a caller may
  // well feed the same Buffer again with new content.
  /** The range last declined by replay(), to report when its end tag is read (replayEnded). */
  private replayStart = 0
  private replayEnd = -1
  /** The end tag replay ranges end with, e.g. `</frame>`, and the name it was made for. */
  private replayEndTag = Buffer.alloc(0)
  private replayName = ''
  /**
   * The last search for replayEndTag: from `searchFrom` (-1: none yet), the first one is at
   * `searchResult` (-1: none). A later search from between the two has the same answer, so a
   * document where the end tag is missing costs one search per chunk, not one per element.
   */
  private searchFrom = -1
  private searchResult = -1

  constructor(private readonly consumer: TokenConsumer) {}

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.bytesRead += chunk.length
    const incoming = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const bytes = this.carry === undefined ? incoming : Buffer.concat([this.carry, incoming])
    this.carry = undefined
    this.scan(bytes)
  }

  /**
   * Ends the stream. Returns true when it ended inside markup (a tag, comment, CDATA section or raw
   * element cut short), i.e. the document was truncated mid-token.
   */
  end(): boolean {
    const consumer = this.consumer
    let cut = false
    if (this.rawEndTag !== undefined) {
      cut = true
    } else if (this.carry !== undefined && this.carry.length > 0) {
      if (this.carry[0] === LT) cut = true
      else if (consumer.capture)
        consumer.text(decodeEntities(decodeText(this.carry, 0, this.carry.length)))
    }
    this.carry = undefined
    return cut
  }

  // Captured text and tag names are read byte by byte in JavaScript, hashing as they go, so that
  // DecodeCache finds their strings without a second pass; skipped text is found with indexOf.
  private scan(bytes: Buffer): void {
    const consumer = this.consumer
    const length = bytes.length
    this.replayEnd = -1
    this.searchFrom = -1
    let pos = 0
    if (this.rawEndTag !== undefined) {
      pos = this.scanRaw(bytes, 0)
      if (pos < 0) return
    }
    while (pos < length) {
      let lt = pos
      if (consumer.capture) {
        let hash = FNV_OFFSET
        for (; lt < length; lt++) {
          const byte = bytes[lt]
          if (byte === LT) break
          hash = Math.imul(hash ^ byte, FNV_PRIME)
        }
        if (lt === length) {
          this.carryText(bytes, pos)
          return
        }
        if (lt > pos) consumer.text(this.texts.get(bytes, pos, lt, hash))
      } else {
        lt = bytes.indexOf(LT, pos)
        if (lt === -1) return
      }
      if (lt + 1 >= length) {
        this.carry = bytes.subarray(lt)
        return
      }
      const next = bytes[lt + 1]
      if (next === SLASH) {
        // The name ends at whitespace, '/' or '>'; the tag at the first '>'.
        let hash = FNV_OFFSET
        let nameEnd = lt + 2
        for (; nameEnd < length; nameEnd++) {
          const byte = bytes[nameEnd]
          if (NAME_END[byte] === 1) break
          hash = Math.imul(hash ^ byte, FNV_PRIME)
        }
        const gt = nameEnd < length && bytes[nameEnd] === GT ? nameEnd : bytes.indexOf(GT, nameEnd)
        if (gt === -1) {
          if (!this.carryOrGiveUp(bytes, lt, 'an end tag')) pos = lt + 1
          else return
          continue
        }
        consumer.close(this.names.get(bytes, lt + 2, nameEnd, hash))
        if (lt === this.replayEnd) {
          this.replayEnd = -1
          consumer.replayEnded(bytes, this.replayStart, lt)
        }
        pos = gt + 1
      } else if (next === BANG) {
        const end = this.scanBang(bytes, lt)
        if (end === -1) return
        pos = end
      } else if (next === QUESTION) {
        const close = bytes.indexOf(PI_CLOSE, lt + 2)
        if (close === -1) {
          if (!this.carryOrGiveUp(bytes, lt, 'a processing instruction')) pos = lt + 1
          else return
          continue
        }
        pos = close + 2
      } else if (isNameStart(next)) {
        let hash = FNV_OFFSET
        let nameEnd = lt + 1
        for (; nameEnd < length; nameEnd++) {
          const byte = bytes[nameEnd]
          if (NAME_END[byte] === 1) break
          hash = Math.imul(hash ^ byte, FNV_PRIME)
        }
        const gt = nameEnd < length && bytes[nameEnd] === GT ? nameEnd : bytes.indexOf(GT, nameEnd)
        if (gt === -1) {
          if (!this.carryOrGiveUp(bytes, lt, 'a start tag')) pos = lt + 1
          else return
          continue
        }
        const name = this.names.get(bytes, lt + 1, nameEnd, hash)
        const selfClosing = bytes[gt - 1] === SLASH
        const content = consumer.open(name, selfClosing)
        pos = gt + 1
        if (selfClosing) consumer.close(name)
        else if (content === Content.Replay) {
          const end = this.replayRangeEnd(bytes, pos, name)
          if (end !== -1) {
            if (consumer.replay(bytes, pos, end)) {
              pos = end + this.replayEndTag.length
            } else {
              this.replayStart = pos
              this.replayEnd = end
            }
          }
        } else if (content !== Content.Xml) {
          this.rawEndTag = Buffer.from(`</${name}>`, 'latin1')
          this.rawName = name
          this.rawCapture = content === Content.RawText
          this.rawText = ''
          pos = this.scanRaw(bytes, pos)
          if (pos < 0) return
        }
      } else {
        // A '<' that starts no markup (e.g. unescaped text): keep it as text.
        if (consumer.capture) consumer.text('<')
        pos = lt + 1
      }
    }
  }

  /** Where the replay range from `start` ends (the first `</name>`), or -1 if not within reach. */
  private replayRangeEnd(bytes: Buffer, start: number, name: string): number {
    if (name !== this.replayName) {
      this.replayName = name
      this.replayEndTag = Buffer.from(`</${name}>`, 'latin1')
      this.searchFrom = -1
    }
    let end: number
    if (
      this.searchFrom !== -1 &&
      start >= this.searchFrom &&
      (this.searchResult === -1 || start <= this.searchResult)
    ) {
      end = this.searchResult
    } else {
      end = bytes.indexOf(this.replayEndTag, start)
      this.searchFrom = start
      this.searchResult = end
    }
    return end === -1 || end - start > MAX_REPLAY_BYTES ? -1 : end
  }

  /** Handles `<!...>` at `lt`; returns the position after it, or -1 if the chunk ended inside it. */
  private scanBang(bytes: Buffer, lt: number): number {
    const consumer = this.consumer
    const length = bytes.length
    if (
      length - lt < CDATA_OPEN.length &&
      CDATA_OPEN.subarray(0, length - lt).equals(bytes.subarray(lt))
    ) {
      this.carry = bytes.subarray(lt) // cannot tell CDATA from a comment yet
      return -1
    }
    if (startsWith(bytes, lt, CDATA_OPEN)) {
      const close = bytes.indexOf(CDATA_CLOSE, lt + CDATA_OPEN.length)
      if (close === -1) return this.carryOrGiveUp(bytes, lt, 'a CDATA section') ? -1 : lt + 1
      if (consumer.capture) consumer.cdata(decodeText(bytes, lt + CDATA_OPEN.length, close))
      return close + CDATA_CLOSE.length
    }
    if (startsWith(bytes, lt, COMMENT_OPEN)) {
      const close = bytes.indexOf(COMMENT_CLOSE, lt + COMMENT_OPEN.length)
      if (close === -1) return this.carryOrGiveUp(bytes, lt, 'a comment') ? -1 : lt + 1
      return close + COMMENT_CLOSE.length
    }
    const gt = bytes.indexOf(GT, lt + 2) // <!DOCTYPE …>
    if (gt === -1) return this.carryOrGiveUp(bytes, lt, 'a declaration') ? -1 : lt + 1
    return gt + 1
  }

  /**
   * Keeps bytes from `start` for the next chunk. Returns false (and reports) when that would exceed
   * MAX_TOKEN_BYTES: the caller then treats the '<' as text and moves on.
   */
  private carryOrGiveUp(bytes: Buffer, start: number, what: string): boolean {
    if (bytes.length - start <= MAX_TOKEN_BYTES) {
      this.carry = bytes.subarray(start)
      return true
    }
    this.consumer.problem(`${what} is not closed within ${MAX_TOKEN_BYTES} bytes; skipped it`)
    return false
  }

  /** A captured text node continues into the next chunk; keep it (up to the limit). */
  private carryText(bytes: Buffer, start: number): void {
    if (bytes.length - start <= MAX_TOKEN_BYTES) {
      this.carry = bytes.subarray(start)
      return
    }
    // Deliver what we have; a multi-byte character cut here becomes U+FFFD, a price only texts
    // over a megabyte pay.
    this.consumer.text(decodeEntities(decodeText(bytes, start, bytes.length)))
  }

  /** Reads raw content up to `rawEndTag`; returns the position after it, or -1 (chunk ended). */
  private scanRaw(bytes: Buffer, from: number): number {
    const endTag = this.rawEndTag as Buffer
    const close = bytes.indexOf(endTag, from)
    if (close === -1) {
      // Keep enough to find an end tag split across chunks; captured text up to the limit.
      let keepFrom = Math.max(from, bytes.length - (endTag.length - 1))
      // Never split a UTF-8 sequence between the text and what is kept.
      while (keepFrom > from && (bytes[keepFrom] & 0xc0) === 0x80) keepFrom--
      if (this.rawCapture) {
        if (this.rawText.length < MAX_TOKEN_BYTES) this.rawText += decodeText(bytes, from, keepFrom)
        else
          this.consumer.problem(`<${this.rawName}> is longer than ${MAX_TOKEN_BYTES} bytes; cut it`)
      }
      this.carry = bytes.subarray(keepFrom)
      return -1
    }
    const name = this.rawName
    if (this.rawCapture) this.consumer.text(this.rawText + decodeText(bytes, from, close))
    this.rawEndTag = undefined
    this.rawText = ''
    this.consumer.close(name)
    return close + endTag.length
  }
}
