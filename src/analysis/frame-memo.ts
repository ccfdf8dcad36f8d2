// A cache of answers about frames, shared by the frame questions of analysis/.
/**
 * Answers kept per distinct frame content: every view (location, annotations, summary, terminal)
 * asks about every frame of every finding, and tens of thousands of findings must stay cheap next
 * to valgrind's own time. Nested maps on the frame's strings (interned by the parser, so hashing is
 * cheap): no key strings built per call, no WeakMap (slow to collect with ~10^6 frames).
 */
export class FrameMemo<T> {
  private readonly root = new Map<string, unknown>()
  private size = 0

  get(parts: readonly (string | undefined)[], compute: () => T): T {
    let level = this.root
    for (let index = 0; index < parts.length - 1; index++) {
      const part = parts[index] ?? '\u0000'
      let next = level.get(part) as Map<string, unknown> | undefined
      if (next === undefined) level.set(part, (next = new Map()))
      level = next
    }
    const last = parts[parts.length - 1] ?? '\u0000'
    if (level.has(last)) return level.get(last) as T
    const value = compute()
    if (this.size++ < 200_000) level.set(last, value)
    return value
  }
}
