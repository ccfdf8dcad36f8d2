// Runs a plan: the program's output streams to the log as it runs. On GitHub the output is fenced
// with `::stop-commands::<token>` so that nothing the program prints can act as a workflow command.
// `child_process.spawn` rather than @actions/exec: we need the terminating signal (valgrind re-raises
// a client's fatal signal) and the child must inherit the TTY so programs keep their colours.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { RunPlan } from '../plan.js'

export interface ProcessExit {
  exitCode: number | null
  /** Set when the process was ended by a signal, e.g. `SIGSEGV`. */
  signal: string | null
}

/** A problem with the environment (valgrind or the program missing): a clear message, no stack. */
export class RunError extends Error {
  override name = 'RunError'
}

export interface RunOptions {
  /** Fence the output against workflow commands (GitHub Actions only). */
  fenceCommands: boolean
  write: (text: string) => void
}

export async function executePlan(plan: RunPlan, options: RunOptions): Promise<ProcessExit> {
  const token = randomUUID().replace(/-/g, '')
  if (options.fenceCommands) options.write(`::stop-commands::${token}\n`)
  try {
    return await new Promise<ProcessExit>((resolve, reject) => {
      const child = spawn(plan.command, plan.args, {
        cwd: plan.cwd,
        env: { ...process.env, ...plan.env },
        stdio: ['inherit', 'inherit', 'inherit']
      })
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          reject(
            new RunError(
              `'${plan.command}' was not found on PATH. Install valgrind (the action's 'install' input does it on Debian and Ubuntu runners).`
            )
          )
        } else {
          reject(new RunError(`Could not start '${plan.command}': ${error.message}`))
        }
      })
      child.on('close', (exitCode, signal) => resolve({ exitCode, signal }))
    })
  } finally {
    if (options.fenceCommands) options.write(`::${token}::\n`)
  }
}

/** Finds an executable the way a shell would: a path with a slash, or a name searched on PATH. */
export function resolveExecutable(
  name: string,
  cwd: string,
  pathVariable = process.env.PATH ?? ''
): string | undefined {
  const candidates = name.includes('/')
    ? [path.resolve(cwd, name)]
    : pathVariable
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, name))
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      if (fs.statSync(candidate).isFile()) return candidate
    } catch {
      // not here; try the next
    }
  }
  return undefined
}
