// Reads a callgrind out-file the plain way a user would check it: its own `totals:` line.
import * as fs from 'node:fs'

/** The `totals:` Ir of a callgrind file. */
export function totalsOf(file: string): number {
  const text = fs.readFileSync(file, 'utf8')
  const events = /^events: (.*)$/m.exec(text)?.[1].split(' ') ?? []
  const totals = /^totals: (.*)$/m.exec(text)?.[1].split(' ').map(Number) ?? []
  return totals[events.indexOf('Ir')]
}
