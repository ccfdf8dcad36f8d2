// Escaping for every place where something reads what the action writes as more than text. The
// program under test is untrusted: its output, the names in its debug information (function
// names, source directories, ELF symbols) and the `command` input can hold any characters,
// newlines included.
//
// The runner's log: the runner reads each line the step writes (split at \n and \r) and obeys it
// as a workflow command when, after leading whitespace, it starts with `::name` and has a second
// `::`, or when it contains the legacy `##[name` anywhere. So a line of ours that carries data
// holds no line break, does not start with `::` and holds no `##[`.
//
// The job summary: GitHub renders it as Markdown with HTML. Every value goes in as HTML text with
// every character that Markdown or HTML could read as syntax written as a character reference,
// and line breaks as `<br>`, so a value can neither end the HTML block it stands in (a blank line
// does that) nor start a link, an image, a heading or a table cell.

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

const NAMED_CONTROLS: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** `\n`, `\r`, `\t`, `\x1b`, `\u2028`: a control character as a reader sees it escaped in C. */
function visibleControl(character: string): string {
  const named = NAMED_CONTROLS[character]
  if (named !== undefined) return named
  const code = character.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Keeps a single line from being read as a workflow command (V2 `::` at its start, legacy `##[`). */
function commandSafeLine(line: string): string {
  // `##[` written `##\x5b`: the reader still sees the bracket, the runner sees no command.
  const safe = line.replace(/##\[/g, '##\\x5b')
  // A leading `::` written `\x3a:`.
  return /^\s*::/.test(safe) ? safe.replace(':', '\\x3a') : safe
}

/**
 * One line of the action's own log (`core.info`) that may carry data from the program, its debug
 * information or the inputs. Control characters, line breaks included, are shown escaped (`\n`),
 * so the message stays one line, and that line cannot be a workflow command. Nothing is dropped.
 */
export function logLine(message: string): string {
  return commandSafeLine(message.replace(CONTROL_CHARACTERS, visibleControl))
}

/**
 * Text of several lines meant as such (the command line's report): each line is kept from being
 * read as a workflow command, for a CLI run inside a workflow step.
 */
export function commandSafeText(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 1 ? part : commandSafeLine(part)))
    .join('')
}

/**
 * Characters that HTML or Markdown read as syntax in the middle of a line, written as references:
 * tags and references, the quote of our attributes, table cells, links and images, code spans,
 * backslash escapes. (Emphasis marks are left: `__init__` shown bold is not an injection.)
 */
const SUMMARY_SYNTAX = /[&<>"|[\]!`\\]/g
const NAMED_REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;'
}

/**
 * HTML text for the job summary, safe in an HTML block, in Markdown text and in a table cell:
 * `SUMMARY_SYNTAX` and what GitHub turns into links by itself (`://`, `www.`) as character
 * references; line breaks as `<br>` (a blank line would end the HTML block, and a value never
 * starts a line, so it cannot start a heading or a list); other control characters escaped.
 */
export function summaryText(text: string): string {
  return text
    .replace(SUMMARY_SYNTAX, (c) => NAMED_REFERENCES[c] ?? `&#${c.charCodeAt(0)};`)
    .replace(/:\/\//g, '&#58;//')
    .replace(/www\./gi, (www) => `${www.slice(0, 3)}&#46;`)
    .replace(/\r\n|\r|\n/g, '<br>')
    .replace(CONTROL_CHARACTERS, visibleControl)
}

/** A URL for an HTML attribute: only http(s), with the attribute's quote and `&` escaped. */
export function summaryUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined
  return url
    .replace(CONTROL_CHARACTERS, (c) => encodeURIComponent(c))
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * A Markdown code fence around literal text: the fence is longer than any run of backticks in the
 * text, so the text cannot close it.
 */
export function codeFence(text: string, language = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}${language}\n${text}\n${fence}`
}

/**
 * At most `limit` characters of a value, with how many were left out. For the job summary, which
 * GitHub drops entirely above 1 MiB; the JSON report keeps every value whole.
 */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text
  return `${text.slice(0, limit)}… (${text.length - limit} more characters)`
}
