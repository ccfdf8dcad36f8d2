// A cache of answers about frames, shared by the frame questions of analysis/.
import type { Frame } from '../model.js'

/** Distinct frames whose answers are kept at most, per memo (beyond that they are recomputed). */
const MAX_ANSWERS = 200_000

/**
 * Answers kept per distinct frame content: every view (location, annotations, summary, terminal)
 * asks about every frame of every finding, and tens of thousands of findings must stay cheap next
 * to valgrind's own time. Nested maps on the frame fields the answer depends on (strings interned
 * by the parser, so hashing is cheap): nothing is allocated per question, no key string is built,
 * and no WeakMap is used (slow to fill and to collect with ~10^6 frames, which are not shared).
 */
export class FrameMemo<T> {
  private readonly root = new Map<unknown, unknown>()
  private size = 0

  /** `fields`: what the answer depends on (at least one); `answer` computes it. */
  constructor(
    private readonly fields: readonly (keyof Frame)[],
    private readonly answer: (frame: Frame) => T
  ) {}

  of(frame: Frame): T {
    const fields = this.fields
    const last = fields.length - 1
    let level = this.root
    for (let index = 0; index < last; index++) {
      const part = frame[fields[index]]
      let next = level.get(part) as Map<unknown, unknown> | undefined
      if (next === undefined) level.set(part, (next = new Map()))
      level = next
    }
    const part = frame[fields[last]]
    const known = level.get(part)
    if (known !== undefined || level.has(part)) return known as T
    const value = this.answer(frame)
    if (this.size++ < MAX_ANSWERS) level.set(part, value)
    return value
  }
}
