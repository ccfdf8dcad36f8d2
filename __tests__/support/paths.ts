// Where the tests find their material: the repository's fixtures and the shared valgrind samples.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const fixturesDir = path.join(repoRoot, '__tests__', 'fixtures')
/** The std-only Rust crate the Rust tests build and run. */
export const rustCrateDir = path.join(fixturesDir, 'rust-crate')
/** Real valgrind output with its text oracles (../shared/valgrind-samples/samples). */
export const samplesDir = path.resolve(repoRoot, '..', 'shared', 'valgrind-samples', 'samples')

/**
 * The line of `file` whose comment starts with `marker` (`/* LEAK-DEFINITE *\/`,
 * `// INVALID-READ`): where the tests expect a finding. A marker merely mentioned in prose, or one
 * that is the prefix of a longer marker, does not count.
 */
export function lineOfMarker(file: string, marker: string): number {
  const pattern = new RegExp(`(//|/\\*)\\s*${marker}(?![\\w-])`)
  const index = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => pattern.test(line))
  if (index < 0) throw new Error(`marker ${marker} not in ${file}`)
  return index + 1
}
