// Reads a stored artifact back: unpacks zip bytes with the `unzip` command into a scratch folder.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** Unpacks `zip` and returns its files by relative path. */
export function unpackZip(zip: Buffer, scratch = os.tmpdir()): Record<string, Buffer> {
  const target = fs.mkdtempSync(path.join(scratch, 'unzipped-'))
  const zipFile = `${target}.zip`
  fs.writeFileSync(zipFile, zip)
  execFileSync('unzip', ['-q', zipFile, '-d', target])
  const result: Record<string, Buffer> = {}
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else result[path.relative(target, full)] = fs.readFileSync(full)
    }
  }
  walk(target)
  return result
}
