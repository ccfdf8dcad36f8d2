// Errors that carry a message meant for the user: the entry points print the message alone,
// never a stack trace.

/** A problem with what the user gave us (an input, an option): what was wrong, what is accepted. */
export class InputError extends Error {
  override name = 'InputError'
}

/**
 * A system error as the user reads it: its code, then the message without the code Node puts in
 * front (`ENOSPC: no space left on device, write`); an error without a code, its message.
 */
export function systemErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code !== undefined ? `${code}: ${message.replace(/^[A-Z]+: /, '')}` : message
}
