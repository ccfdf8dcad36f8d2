// Reads a step's output the way the GitHub runner does (actions/runner ActionCommandManager and
// ActionCommand.TryParseV2/TryParse), so a test asserts what the runner would obey, not what the
// text looks like:
// - lines end at \n, \r\n or a lone \r (.NET ReadLine);
// - leading whitespace is ignored; `::name props::data`, where name is a known command
//   (case-insensitive), or the legacy `##[name props]data` anywhere in the line;
// - after `::stop-commands::TOKEN` nothing is a command until a command named TOKEN
//   (`::TOKEN::`, case-insensitive) resumes processing.

export interface RunnerCommand {
  /** Lower-cased command name: error, warning, notice, set-output, add-mask, ... */
  command: string
  properties: Record<string, string>
  data: string
  /** 0-based index of the line in the output. */
  line: number
}

export interface RunnerLog {
  /** Every command the runner would process, in order (stop/resume fences included). */
  commands: RunnerCommand[]
  errors: RunnerCommand[]
  warnings: RunnerCommand[]
  /** True when the output ended inside a `::stop-commands::` fence that was never closed. */
  endedStopped: boolean
  /** The output's lines as the runner splits them. */
  lines: string[]
}

const KNOWN_COMMANDS = [
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup',
  'add-mask',
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'echo',
  'stop-commands'
]

const unescapeData = (text: string) =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (text: string) =>
  unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',')

function parseProperties(text: string, separator: string): Record<string, string> {
  const properties: Record<string, string> = {}
  for (const pair of text.split(separator).filter(Boolean)) {
    const at = pair.indexOf('=')
    if (at > 0 && at < pair.length - 1)
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1))
  }
  return properties
}

function parseLine(
  line: string,
  registered: ReadonlySet<string>,
  index: number
): RunnerCommand | undefined {
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end >= 0) {
      const info = trimmed.slice(2, end)
      const space = info.indexOf(' ')
      const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
      if (registered.has(name)) {
        return {
          command: name,
          properties: space > 0 ? parseProperties(info.slice(space + 1).trim(), ',') : {},
          data: unescapeData(trimmed.slice(end + 2)),
          line: index
        }
      }
    }
  }
  const legacy = line.indexOf('##[')
  if (legacy >= 0) {
    const close = line.indexOf(']', legacy)
    if (close >= 0) {
      const info = line.slice(legacy + 3, close)
      const space = info.indexOf(' ')
      const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
      if (registered.has(name)) {
        return {
          command: name,
          properties: space > 0 ? parseProperties(info.slice(space + 1), ';') : {},
          data: unescapeData(line.slice(close + 1)),
          line: index
        }
      }
    }
  }
  return undefined
}

export function parseRunnerLog(output: string): RunnerLog {
  const lines = output.split(/\r\n|\r|\n/)
  const registered = new Set(KNOWN_COMMANDS)
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  lines.forEach((line, index) => {
    const command = parseLine(line, registered, index)
    if (command === undefined) return
    if (stopToken !== undefined) {
      if (command.command === stopToken) {
        registered.delete(stopToken)
        stopToken = undefined
        commands.push(command)
      }
      return
    }
    if (command.command === 'stop-commands') {
      stopToken = command.data.toLowerCase()
      registered.add(stopToken)
    }
    commands.push(command)
  })
  return {
    commands,
    errors: commands.filter((c) => c.command === 'error'),
    warnings: commands.filter((c) => c.command === 'warning'),
    endedStopped: stopToken !== undefined,
    lines
  }
}

export interface RunnerAnnotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  title?: string
  file?: string
  line?: string
}

/** The annotations the runner would create from the output (`::error`, `::warning`, `::notice`). */
export function runnerAnnotations(output: string): RunnerAnnotation[] {
  return parseRunnerLog(output)
    .commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command))
    .map((c) => ({
      level: c.command as RunnerAnnotation['level'],
      message: c.data,
      title: c.properties.title,
      file: c.properties.file,
      line: c.properties.line
    }))
}
