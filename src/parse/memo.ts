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

/** Slots a ByteMemo starts with. */
const INITIAL_SLOTS = 64

/**
 * A direct-mapped table from byte sequences to values, fixed in number of slots: a document of
 * endless distinct keys just overwrites slots. A slot's key buffer is allocated when first needed
 * and reused by the keys that replace it, so a reader that sees few keys holds little (the
 * follower keeps a reader per file being written, possibly hundreds).
 */
export class ByteMemo<T> {
  private keys: (Buffer | undefined)[] = []
  private lengths = new Int32Array(0)
  /** Each key's hash: most misses are told apart by it, without comparing bytes. */
  private hashes = new Int32Array(0)
  private values: (T | undefined)[] = []
  private mask = 0
  /** Keys remembered since the table last grew. */
  private stored = 0

  /**
   * `maxSlots`: a power of two, the most slots the table grows to (it starts small and grows as
   * keys are remembered); `maxBytes`: longer keys are never remembered.
   */
  constructor(
    private readonly maxSlots: number,
    readonly maxBytes: number
  ) {
    this.resize(INITIAL_SLOTS)
  }

  /** Growing drops what was remembered: it only costs misses. */
  private resize(slots: number): void {
    this.keys = new Array<Buffer | undefined>(slots).fill(undefined)
    this.lengths = new Int32Array(slots)
    this.hashes = new Int32Array(slots)
    this.values = new Array<T | undefined>(slots).fill(undefined)
    this.mask = slots - 1
    this.stored = 0
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
    if (++this.stored > 2 * this.mask && this.mask + 1 < this.maxSlots) {
      this.resize(Math.min(this.maxSlots, (this.mask + 1) * 4))
    }
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
