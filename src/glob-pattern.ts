// Shell-style name patterns, as the inputs take them (`trace-children-skip`, `allocator-wrappers`).
/** Glob patterns (`*`, `?`) as one regular expression over the whole text. */
export function globPattern(patterns: readonly string[]): RegExp | undefined {
  if (patterns.length === 0) return undefined
  const alternatives = patterns.map((pattern) =>
    pattern
      .split('')
      .map((char) =>
        char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
      )
      .join('')
  )
  return new RegExp(`^(?:${alternatives.join('|')})$`)
}
