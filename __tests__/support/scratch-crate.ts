// A std-only Rust crate written for one test, in a temporary directory of its own.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/**
 * Writes `Cargo.toml` for a crate named `name`, then `files` (path in the crate → text; given the
 * crate's directory when a file must name a path in it). Returns the crate's directory.
 */
export function scratchCrate(
  name: string,
  files: Record<string, string> | ((crate: string) => Record<string, string>)
): string {
  const crate = fs.mkdtempSync(path.join(os.tmpdir(), `vg-crate-${name}-`))
  fs.writeFileSync(
    path.join(crate, 'Cargo.toml'),
    `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n`
  )
  for (const [file, text] of Object.entries(typeof files === 'function' ? files(crate) : files)) {
    fs.mkdirSync(path.dirname(path.join(crate, file)), { recursive: true })
    fs.writeFileSync(path.join(crate, file), text)
  }
  return crate
}
