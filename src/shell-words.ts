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
