// Which tests failed, from what a libtest binary printed on stdout: the pretty and terse formats of
// stable Rust, and the JSON lines of `-Z unstable-options --format json`. Pure: text in, names out.

export interface FailedTest {
  name: string
  /** The captured output of the test (the panic message), when libtest printed it. */
  message?: string
}

const MAX_MESSAGE_LINES = 12
const MAX_MESSAGE_CHARS = 1500

/** `test tests::x ... FAILED`, `test tests::y - should panic ... FAILED`. */
const FAILED_LINE = /^test (.+?)(?: - should panic)? \.\.\. FAILED\s*$/
/** `---- tests::x stdout ----` opens a failed test's captured output. */
const OUTPUT_HEADER = /^---- (.+?) stdout ----\s*$/

/** The panic message without the backtrace and the RUST_BACKTRACE hint. */
function trimMessage(lines: readonly string[]): string | undefined {
  const kept: string[] = []
  for (const line of lines) {
    if (/^stack backtrace:/.test(line) || /^note: (run with|Some details)/.test(line)) break
    kept.push(line)
  }
  const text = kept.slice(0, MAX_MESSAGE_LINES).join('\n').trim()
  if (text === '') return undefined
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text
}

function fromJsonLine(line: string): FailedTest | undefined {
  try {
    const event = JSON.parse(line) as {
      type?: unknown
      event?: unknown
      name?: unknown
      stdout?: unknown
    }
    if (event.type !== 'test' || event.event !== 'failed' || typeof event.name !== 'string') {
      return undefined
    }
    const message =
      typeof event.stdout === 'string' ? trimMessage(event.stdout.split('\n')) : undefined
    return { name: event.name, message }
  } catch {
    return undefined
  }
}

/** The failed tests a libtest run reported, in the order it reported them, each once. */
export function parseLibtestFailures(stdout: string): FailedTest[] {
  const lines = stdout.split(/\r?\n/)
  const failed = new Map<string, FailedTest>()
  const add = (test: FailedTest): void => {
    const known = failed.get(test.name)
    if (known === undefined) failed.set(test.name, test)
    else if (known.message === undefined && test.message !== undefined) known.message = test.message
  }

  let inNameList = false
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    if (line.startsWith('{')) {
      const test = fromJsonLine(line)
      if (test !== undefined) add(test)
      continue
    }
    const failedLine = FAILED_LINE.exec(line)
    if (failedLine !== null) {
      add({ name: failedLine[1] })
      continue
    }
    const header = OUTPUT_HEADER.exec(line)
    if (header !== null) {
      const body: string[] = []
      let next = index + 1
      while (
        next < lines.length &&
        !OUTPUT_HEADER.test(lines[next]) &&
        lines[next] !== 'failures:'
      ) {
        body.push(lines[next])
        next++
      }
      add({ name: header[1], message: trimMessage(body) })
      index = next - 1
      continue
    }
    // The closing list: "failures:" then one indented name per line (the terse format has only this).
    if (line === 'failures:') {
      inNameList = true
      continue
    }
    if (inNameList) {
      const name = /^ {4}(\S.*?)\s*$/.exec(line)
      if (name !== null) add({ name: name[1] })
      else if (line.trim() !== '') inNameList = false
    }
  }
  return [...failed.values()]
}
