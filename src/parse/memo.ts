// Values remembered by the exact bytes they were read from. valgrind repeats the same `<frame>`
// elements (same address, function, file and line) across records, and reading one from memory
// costs a hash of some of its bytes and one comparison of all of them, instead of a dozen tokens.

/**
 * Bytes at each end of a key that the hash looks at: what tells frames apart (the address near the
 * start, the line near the end) is there, and hashing all of a long key would cost about as much
 * as the comparison it saves. Keys that differ elsewhere only share a slot: one evicts the other,
 * a miss, never a wrong value.
 */
const HASHED_EDGE = 40

/**
 * A direct-mapped table from byte sequences to values, fixed in number of slots: a document of
 * endless distinct keys just overwrites slots. A slot's key buffer is allocated when first needed
 * and reused by the keys that replace it, so a reader that sees few keys holds little (the
 * follower keeps a reader per file being written, possibly hundreds).
 */
export class ByteMemo<T> {
  private readonly keys: (Buffer | undefined)[]
  private readonly lengths: Int32Array
  /** Each key's hash: most misses are told apart by it, without comparing bytes. */
  private readonly hashes: Int32Array
  private readonly values: (T | undefined)[]
  private readonly mask: number

  /** `slots`: a power of two; `maxBytes`: longer keys are never remembered. */
  constructor(
    slots: number,
    readonly maxBytes: number
  ) {
    this.keys = new Array<Buffer | undefined>(slots).fill(undefined)
    this.lengths = new Int32Array(slots)
    this.hashes = new Int32Array(slots)
    this.values = new Array<T | undefined>(slots).fill(undefined)
    this.mask = slots - 1
  }

  /** The value remembered for bytes[start, end), if any. */
  get(bytes: Buffer, start: number, end: number): T | undefined {
    const length = end - start
    if (length === 0 || length > this.maxBytes) return undefined
    const hash = hashOf(bytes, start, end)
    const slot = (hash ^ (hash >>> 16)) & this.mask
    // Buffer#compare is one native call whatever the length: cheaper than a loop past a few dozen
    // bytes, and keys are hundreds.
    if (
      this.lengths[slot] !== length ||
      this.hashes[slot] !== hash ||
      bytes.compare(this.keys[slot] as Buffer, 0, length, start, end) !== 0
    ) {
      return undefined
    }
    return this.values[slot]
  }

  /** Remembers bytes[start, end) as the key of `value`. */
  set(bytes: Buffer, start: number, end: number, value: T): void {
    const length = end - start
    if (length === 0 || length > this.maxBytes) return
    const hash = hashOf(bytes, start, end)
    const slot = (hash ^ (hash >>> 16)) & this.mask
    let key = this.keys[slot]
    if (key === undefined || key.length < length) {
      // Rounded up, so that a slightly longer key can reuse it.
      key = this.keys[slot] = Buffer.allocUnsafeSlow((length + 63) & ~63)
    }
    bytes.copy(key, 0, start, end)
    this.lengths[slot] = length
    this.hashes[slot] = hash
    this.values[slot] = value
  }
}

function hashOf(bytes: Buffer, start: number, end: number): number {
  let hash = end - start
  const head = Math.min(end, start + HASHED_EDGE)
  for (let i = start; i < head; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
  for (let i = Math.max(head, end - HASHED_EDGE); i < end; i++) {
    hash = Math.imul(hash ^ bytes[i], 0x01000193)
  }
  return hash
}
