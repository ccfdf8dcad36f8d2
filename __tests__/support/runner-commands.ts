// Reads a step's log the way the GitHub runner does (actions/runner, ActionCommandManager and
// ActionCommand): each line, split at \n, \r\n or \r, is a command when, after leading whitespace,
// it starts with `::name` and has a second `::` (TryParseV2), or when it holds the legacy
// `##[name ...]` anywhere (TryParse). Only registered command names count. `::stop-commands::TOKEN`
// stops all processing until a line that is the command `TOKEN`. The tests use this to assert what
// a runner would obey, not what a regular expression over our own output happens to match.

/** The commands the runner registers (its command extensions, plus stop-commands). */
const REGISTERED = [
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands'
]

export interface RunnerCommand {
  command: string
  properties: Record<string, string>
  data: string
  /** The log line it was read from. */
  line: string
}

const unescapeData = (text: string): string =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (text: string): string =>
  text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')
const unescapeLegacy = (text: string): string =>
  text
    .replace(/%3B/g, ';')
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%5D/g, ']')
    .replace(/%25/g, '%')

function parseV2(line: string, registered: Set<string>): RunnerCommand | undefined {
  const message = line.trimStart()
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  // The runner's set ignores case: `::ERROR::` is an error annotation.
  if (!registered.has(command.toLowerCase())) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const at = pair.indexOf('=')
      if (at > 0 && at < pair.length - 1) {
        properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1))
      }
    }
  }
  return { command, properties, data: unescapeData(message.slice(end + 2)), line }
}

function parseLegacy(line: string, registered: Set<string>): RunnerCommand | undefined {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const bracket = line.indexOf(']', prefix)
  if (bracket < 0) return undefined
  const info = line.slice(prefix + 3, bracket)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  if (!registered.has(command.toLowerCase())) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const at = pair.indexOf('=')
      if (at > 0 && at < pair.length - 1) {
        properties[pair.slice(0, at)] = unescapeLegacy(pair.slice(at + 1))
      }
    }
  }
  return { command, properties, data: unescapeLegacy(line.slice(bracket + 1)), line }
}

/** Every command the runner would obey in `log`, in order. */
export function runnerCommands(log: string): RunnerCommand[] {
  const registered = new Set(REGISTERED)
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of log.split(/\r\n|\r|\n/)) {
    if (line === '') continue
    const command = parseV2(line, registered) ?? parseLegacy(line, registered)
    if (command === undefined) continue
    if (stopToken !== undefined) {
      if (command.command.toLowerCase() === stopToken) {
        registered.delete(stopToken)
        stopToken = undefined
      }
      continue
    }
    if (command.command.toLowerCase() === 'stop-commands') {
      stopToken = command.data.toLowerCase()
      registered.add(stopToken)
      continue
    }
    commands.push(command)
  }
  return commands
}

export interface RunnerAnnotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  title?: string
  file?: string
  line?: string
}

/** The annotations a runner would create from `log` (`::error`, `::warning`, `::notice`). */
export function runnerAnnotations(log: string): RunnerAnnotation[] {
  return runnerCommands(log)
    .filter((c) => ['error', 'warning', 'notice'].includes(c.command.toLowerCase()))
    .map((c) => ({
      level: c.command.toLowerCase() as RunnerAnnotation['level'],
      message: c.data,
      title: c.properties.title,
      file: c.properties.file,
      line: c.properties.line
    }))
}
