// The thin I/O edge of installing: reading the host, running commands, probing a valgrind.
import * as fs from 'node:fs'
import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import * as io from '@actions/io'
import { detectDistro, type Distro, type PrivilegedCommand } from './platform.js'
import { parseValgrindVersion } from './version.js'

export interface Host {
  platform: NodeJS.Platform
  arch: string
  distro: Distro
  isRoot: boolean
  hasSudo: boolean
}

export async function readHost(): Promise<Host> {
  const osRelease = ['/etc/os-release', '/usr/lib/os-release'].find((file) => fs.existsSync(file))
  return {
    platform: process.platform,
    arch: process.arch,
    distro: detectDistro(osRelease ? fs.readFileSync(osRelease, 'utf8') : ''),
    isRoot: process.getuid?.() === 0,
    hasSudo: (await io.which('sudo', false)) !== ''
  }
}

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs a command to completion, capturing its output (shown only on failure by callers). */
export async function run(
  command: string[] | PrivilegedCommand,
  options: { cwd?: string; env?: Record<string, string>; announce?: boolean } = {}
): Promise<CommandResult> {
  const { argv, env } = Array.isArray(command) ? { argv: command, env: {} } : command
  if (options.announce !== false) core.info(`$ ${argv.join(' ')}`)
  const mergedEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined) mergedEnv[name] = value
  }
  Object.assign(mergedEnv, env, options.env)
  try {
    return await getExecOutput(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: mergedEnv,
      ignoreReturnCode: true,
      silent: true
    })
  } catch (error) {
    // @actions/exec throws when the program does not exist.
    return { exitCode: 127, stdout: '', stderr: (error as Error).message }
  }
}

/** The last lines of a command's output, for an error message. */
export function tail(result: CommandResult, lines = 25): string {
  const text = `${result.stdout}\n${result.stderr}`.trim().split('\n')
  return text.slice(-lines).join('\n')
}

export interface ValgrindFound {
  path: string
  version: string
}

/** The valgrind a path or PATH lookup gives, with its version; undefined when there is none. */
export async function probeValgrind(
  pathOrName = 'valgrind',
  env: Record<string, string> = {}
): Promise<ValgrindFound | undefined> {
  const resolved = pathOrName.includes('/') ? pathOrName : await io.which(pathOrName, false)
  if (!resolved || !fs.existsSync(resolved)) return undefined
  // Even --version runs the tool binary, which a moved prefix finds only through VALGRIND_LIB.
  const result = await run([resolved, '--version'], { env, announce: false })
  const version = result.exitCode === 0 ? parseValgrindVersion(result.stdout) : undefined
  return version ? { path: resolved, version } : undefined
}

/**
 * Whether a valgrind really works: memcheck runs `true` cleanly. This catches a prefix whose tools
 * are missing (VALGRIND_LIB) and a glibc without the symbols memcheck's redirections need.
 */
export async function valgrindWorks(
  valgrind: string,
  env: Record<string, string> = {}
): Promise<{ ok: boolean; output: string }> {
  const truePath = ['/bin/true', '/usr/bin/true'].find((file) => fs.existsSync(file)) ?? 'true'
  const result = await run([valgrind, '--tool=memcheck', '-q', '--error-exitcode=99', truePath], {
    env,
    announce: false
  })
  return { ok: result.exitCode === 0, output: tail(result, 10) }
}
