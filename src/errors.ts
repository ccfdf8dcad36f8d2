// Errors that carry a message meant for the user: the entry points print the message alone,
// never a stack trace.

/** A problem with what the user gave us (an input, an option): what was wrong, what is accepted. */
export class InputError extends Error {
  override name = 'InputError'
}
