// Compiles TypeScript sources for the benchmarks into bench/.data/build (gitignored) with the
// project's own TypeScript, so `npm run bench` works on a fresh clone after `npm ci`.
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const dataDir = path.join(repoRoot, 'bench', '.data')
const buildDir = path.join(dataDir, 'build')

/**
 * Compiles the given entry files (paths relative to the repository, e.g. 'src/parse/xml.ts') and
 * what they import. Returns a function mapping a source path to its compiled module's path.
 */
export function compile(entries) {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(
    process.execPath,
    [
      tsc,
      '--outDir',
      buildDir,
      '--rootDir',
      path.join(repoRoot, 'src'),
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--strict',
      '--skipLibCheck',
      '--types',
      'node',
      ...entries.map((entry) => path.join(repoRoot, entry))
    ],
    { stdio: 'inherit' }
  )
  return compiledModule
}

/** Where `compile` put the module of a source path (relative to the repository). */
export function compiledModule(entry) {
  return path
    .join(buildDir, path.relative(path.join(repoRoot, 'src'), path.join(repoRoot, entry)))
    .replace(/\.ts$/, '.js')
}
