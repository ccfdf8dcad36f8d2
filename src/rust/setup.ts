// When cargo ended before any test ran under valgrind, says whether that was cargo's own setup
// failing (no Cargo.toml, cargo-nextest not installed), in cargo's words, with the fix. Asked only
// on that failure path.
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { CargoTestMode } from './command.js'

/** The directory holding the Cargo.toml cargo would use from `cwd`, or undefined. */
export function findManifestDirectory(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'Cargo.toml'))) return dir
    if (path.dirname(dir) === dir) return undefined
  }
}

/** cargo's first `error:` line of output, e.g. "error: no such command: `nextest`". */
export function cargoErrorLine(output: string): string | undefined {
  return output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('error:'))
}

function run(
  command: string,
  args: string[],
  cwd: string
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ ok: error === null, output: `${stderr}\n${stdout}` })
    )
  })
}

/**
 * Cargo's own setup problem behind a run in which no test ran, or undefined when it is something
 * else (a build error or filters matching nothing: cargo's output in the log says which).
 */
export async function cargoSetupProblem(options: {
  mode: CargoTestMode
  /** The user's command (`cargo nextest run ...`): its cargo and toolchain are asked. */
  command: readonly string[]
  cwd: string
}): Promise<string | undefined> {
  const manifestGiven = options.command.some((word) => word.startsWith('--manifest-path'))
  if (!manifestGiven && findManifestDirectory(options.cwd) === undefined) {
    return `cargo found no Cargo.toml in ${options.cwd} or any parent directory, so no test ran. Set 'working-directory' to your crate or workspace.`
  }
  if (options.mode === 'nextest') {
    const cargo = path.basename(options.command[0]).startsWith('cargo-nextest')
      ? undefined
      : options.command[0]
    const toolchain = options.command[1]?.startsWith('+') ? [options.command[1]] : []
    const probe =
      cargo !== undefined
        ? await run(cargo, [...toolchain, 'nextest', '--version'], options.cwd)
        : await run(options.command[0], ['nextest', '--version'], options.cwd)
    if (!probe.ok) {
      const said = cargoErrorLine(probe.output)
      return `cargo-nextest is not installed${said !== undefined ? ` (cargo says: ${said})` : ''}, so no test ran. Install it in a step before this one, e.g. '- uses: taiki-e/install-action@nextest', or run 'cargo test' instead.`
    }
  }
  return undefined
}
