// String pooling for the XML reader: a large file repeats the same function names, objects and
// source files in thousands of stacks, and one copy of each keeps memory flat and context keys short.
/** Most distinct strings (function names, files, objects) shared between findings. */
const MAX_INTERNED = 50_000
const MAX_INTERNED_LENGTH = 2048

/**
 * One copy of each repeated frame string (the same `malloc`, object path or source file shows in
 * many stacks), and a short id for it, so context keys stay small.
 */
export class StringPool {
  private readonly ids = new Map<string, number>()
  private readonly strings: string[] = []

  intern(text: string): string {
    const id = this.ids.get(text)
    if (id !== undefined) return this.strings[id]
    if (this.strings.length < MAX_INTERNED && text.length <= MAX_INTERNED_LENGTH) {
      this.ids.set(text, this.strings.length)
      this.strings.push(text)
    }
    return text
  }

  /** A short stand-in for a string in a key: its id when pooled, the string itself otherwise. */
  key(text: string | undefined): string {
    if (text === undefined) return ''
    const id = this.ids.get(text)
    return id === undefined ? `=${text}` : `#${id}`
  }
}
