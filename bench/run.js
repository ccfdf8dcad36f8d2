// `npm run bench`: runs every bench/*.bench.js, one after the other, each in its own process (so
// one benchmark's memory does not skew the next one's figures). A benchmark prints its own table.
// Run only some: `npm run bench -- parse callgrind` (names are matched against the file names).
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
const benches = fs
  .readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.js'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort()

if (benches.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}. Available: bench/*.bench.js`)
  process.exit(1)
}
let failed = 0
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`)
  const result = spawnSync(process.execPath, [path.join(benchDir, bench)], { stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    console.error(`${bench} failed (exit ${result.status ?? result.signal})`)
  }
}
process.exit(failed === 0 ? 0 : 1)
