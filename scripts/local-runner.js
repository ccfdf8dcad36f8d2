// Runs the bundled action (dist/index.js) the way a GitHub runner does: INPUT_* for every input
// (action.yml defaults filled in, as the runner does), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
// GITHUB_WORKSPACE, RUNNER_TEMP. Returns what a user would look at: exit status, annotations,
// outputs and the job summary. Used by `npm start` and by the end-to-end tests.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// The runner evaluates expressions in input defaults; outside a matrix job `matrix` is null.
const EXPRESSIONS = { 'toJSON(matrix)': 'null' }

function evaluateDefault(value) {
  return String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression) => {
    if (!(expression in EXPRESSIONS)) {
      throw new Error(`local-runner cannot evaluate the expression ${expression} in action.yml`)
    }
    return EXPRESSIONS[expression]
  })
}

function actionDefaults() {
  const action = yaml.load(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8'))
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      evaluateDefault(input.default ?? '')
    ])
  )
}

const unescapeData = (text) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (text) => unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',')

/** Parses workflow commands from stdout, honouring `::stop-commands::` fences as the runner does. */
export function parseWorkflowCommands(stdout) {
  const commands = []
  let stopToken
  // \r: @actions/core ends commands with os.EOL, which is \r\n on Windows.
  for (const line of stdout.split(/\r?\n/)) {
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop) {
      stopToken = stop[1]
      continue
    }
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line)
    if (!match) continue
    const properties = {}
    for (const pair of (match[2] ?? '').trim().split(',').filter(Boolean)) {
      const at = pair.indexOf('=')
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1))
    }
    commands.push({
      level: match[1],
      title: properties.title,
      file: properties.file,
      line: properties.line !== undefined ? Number(properties.line) : undefined,
      message: unescapeData(match[3])
    })
  }
  return commands
}

/** Reads a GITHUB_OUTPUT file (`name<<delimiter` heredocs, as @actions/core writes them). */
export function parseOutputFile(text) {
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!heredoc) continue
    const value = []
    for (i += 1; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
    outputs[heredoc[1]] = value.join('\n')
  }
  return outputs
}

/**
 * @param {Record<string, string>} inputs
 * @param {{ workspace: string, env?: Record<string, string>, node?: string, nodeArgs?: string[], entry?: string, echo?: boolean, onSpawn?: (child: import('node:child_process').ChildProcess) => void }} options
 *   `entry`: the bundle to run, dist/index.js of this checkout by default (the overhead bench runs another commit's).
 */
export async function runAction(inputs, options) {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-runner-'))
  const outputFile = path.join(temp, 'output.txt')
  const summaryFile = path.join(temp, 'summary.md')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'acme/demo',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'memcheck',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: path.join(temp, 'runner-temp'),
    RUNNER_TOOL_CACHE: path.join(temp, 'tool-cache'),
    ...options.env
  }
  fs.mkdirSync(env.RUNNER_TEMP, { recursive: true })
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const node = options.node ?? process.env.E2E_NODE ?? process.execPath
  const child = spawn(
    node,
    [...(options.nodeArgs ?? []), options.entry ?? path.join(repoRoot, 'dist', 'index.js')],
    {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk.toString()
    if (options.echo) process.stdout.write(chunk)
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString()
    if (options.echo) process.stderr.write(chunk)
  })
  const exitCode = await new Promise((resolve) => child.on('close', (code) => resolve(code)))
  const commands = parseWorkflowCommands(stdout)
  const failures = commands.filter((c) => c.level === 'error' && c.file === undefined)
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    summaryFile,
    annotations: commands.filter((c) => c.file !== undefined),
    failure: failures.length > 0 ? failures.map((c) => c.message).join('\n') : undefined
  }
}
