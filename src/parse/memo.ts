// Values remembered by the exact bytes they were read from. valgrind repeats the same `<frame>`
// elements (same address, function, file and line) across records, and reading one from memory
// costs a hash of some of its bytes and one comparison of all of them, instead of a dozen tokens.

/**
 * Bytes around each end of a key that the hash looks at: what tells frames apart (the address near
 * the start, the line near the end) is there, and hashing all of a long key would cost about as
 * much as the comparison it saves. Keys that differ elsewhere only share a slot: still correct.
 */
const HASHED_EDGE = 40

/**
 * A direct-mapped table from byte sequences to values, fixed in size: a document of endless distinct
 * keys just overwrites slots. A lookup compares the whole key, so a hash collision costs a miss,
 * never a wrong value.
 */
export class ByteMemo<T> {
  private readonly keys: (Buffer | undefined)[]
  private readonly values: (T | undefined)[]
  private readonly mask: number

  /** `slots`: a power of two; `maxBytes`: longer keys are never remembered. */
  constructor(
    slots: number,
    readonly maxBytes: number
  ) {
    this.keys = new Array<Buffer | undefined>(slots).fill(undefined)
    this.values = new Array<T | undefined>(slots).fill(undefined)
    this.mask = slots - 1
  }

  /** The value remembered for bytes[start, end), if any. */
  get(bytes: Buffer, start: number, end: number): T | undefined {
    const length = end - start
    if (length > this.maxBytes) return undefined
    const slot = this.slotOf(bytes, start, end)
    const key = this.keys[slot]
    // Buffer#compare is one native call whatever the length: cheaper than a loop past a few dozen
    // bytes, and these keys are hundreds.
    if (
      key === undefined ||
      key.length !== length ||
      bytes.compare(key, 0, length, start, end) !== 0
    )
      return undefined
    return this.values[slot]
  }

  set(bytes: Buffer, start: number, end: number, value: T): void {
    const length = end - start
    if (length > this.maxBytes) return
    const slot = this.slotOf(bytes, start, end)
    const key = Buffer.allocUnsafe(length)
    bytes.copy(key, 0, start, end)
    this.keys[slot] = key
    this.values[slot] = value
  }

  private slotOf(bytes: Buffer, start: number, end: number): number {
    let hash = end - start
    const head = Math.min(end, start + HASHED_EDGE)
    for (let i = start; i < head; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
    for (let i = Math.max(head, end - HASHED_EDGE); i < end; i++)
      hash = Math.imul(hash ^ bytes[i], 0x01000193)
    return (hash ^ (hash >>> 16)) & this.mask
  }
}
