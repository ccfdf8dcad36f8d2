// Splits a command line into argv the way a POSIX shell splits words (quotes, backslash escapes),
// without running a shell: nothing is expanded, so `$HOME` stays `$HOME`.
import { quote, split } from 'shlex'

export function splitShellWords(line: string): string[] {
  try {
    return split(line)
  } catch (error) {
    throw new Error(
      `cannot split '${line}' into words: ${(error as Error).message}. Close every quote; use \\ to escape a quote character.`
    )
  }
}

/** Quotes argv for display, so a user can paste it into a shell. */
export function joinShellWords(words: readonly string[]): string {
  return words.map((word) => quote(word)).join(' ')
}

/** Characters after `$` that make a shell expand something: a name, `{`, `(`, a special parameter. */
const EXPANSION_START = /[A-Za-z_{(0-9@*#?$!-]/

/**
 * The first thing in `line` that a shell would interpret but word splitting passes on as text:
 * operators (`|`, `&&`, `;`, redirections), expansions (`$VAR`, `$(...)`, backticks, a leading
 * `~`), comments, several lines. Undefined when the line means the same with or without a shell.
 * Glob characters are left alone: a shell passes them on unchanged too when nothing matches.
 */
export function findShellSyntax(line: string): string | undefined {
  let quote: "'" | '"' | undefined
  let wordStart = true
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    const next = line[i + 1] ?? ''
    if (quote === "'") {
      if (c === "'") quote = undefined
      continue
    }
    if (c === '\\') {
      i++ // the escaped character is literal (a backslash-newline continues the line)
      wordStart = false
      continue
    }
    const expansion =
      c === '`'
        ? 'a command substitution (`...`)'
        : c === '$' && EXPANSION_START.test(next)
          ? `an expansion ('$${next === '(' ? '(...)' : next === '{' ? '{...}' : '...'}')`
          : undefined
    if (quote === '"') {
      if (c === '"') quote = undefined
      else if (expansion !== undefined) return expansion
      continue
    }
    if (expansion !== undefined) return expansion
    if (c === "'" || c === '"') {
      quote = c
      wordStart = false
      continue
    }
    if (c === '\n' || c === '\r') return 'several lines (a shell runs each line as a command)'
    if (/\s/.test(c)) {
      wordStart = true
      continue
    }
    if (c === '|') return next === '|' ? "'||'" : "a pipe ('|')"
    if (c === '&') return next === '&' ? "'&&'" : "'&' (run in the background)"
    if (c === ';') return "';' (a list of commands)"
    if (c === '<' || c === '>') return `a redirection ('${c}')`
    if (c === '(' || c === ')') return `a subshell or grouping ('${c}')`
    if (wordStart && c === '~') return "'~' (the home directory)"
    if (wordStart && c === '#') return "a comment ('#')"
    wordStart = false
  }
  return undefined
}
