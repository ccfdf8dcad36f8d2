// Copies the program's stdout and stderr into one log, as the chunks arrive. Two rules keep the
// log readable and the fence intact: a chunk from one stream never continues a line the other
// stream left unfinished (a newline goes in between), and `endLine` finishes the last line, so
// whatever the action writes next (the closing `::<token>::` fence) starts a line of its own.

export type OutputStream = 'stdout' | 'stderr'

const NEWLINE = 0x0a

export class InterleavedLog {
  private atLineStart = true
  private lastStream: OutputStream | undefined

  constructor(private readonly write: (chunk: Uint8Array | string) => void) {}

  append(stream: OutputStream, chunk: Uint8Array): void {
    if (chunk.length === 0) return
    if (!this.atLineStart && this.lastStream !== stream) this.write('\n')
    this.write(chunk)
    this.atLineStart = chunk[chunk.length - 1] === NEWLINE
    this.lastStream = stream
  }

  /** Ends an unfinished line (e.g. `printf("progress: 100%")` with no newline). */
  endLine(): void {
    if (!this.atLineStart) this.write('\n')
    this.atLineStart = true
  }
}
