// What the action installs from is checked before it is trusted, since it goes first on PATH
// for this step and later ones. A self-hosted runner keeps its tool cache between jobs, and the
// code under test of an earlier job (a pull request's) could have left a `bin/valgrind` there;
// the Actions cache hands back whatever was saved under a key.
//
// - A valgrind built from source carries a manifest (the sha256 and mode of every file, recorded
//   when it was built). A prefix is used only when every file matches it, no file is missing and
//   none was added. When the Actions cache is available, the manifest's digest must also be the
//   one a run recorded there when it built the prefix: a plant would have to forge that entry too.
// - Cached .deb files are installed only when each one's sha256 is the one apt's signed package
//   index gives for that package, version and architecture.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

/** Relative path → `<sha256> <mode>` of every file (and symlink target) under a directory. */
export type TreeManifest = Record<string, string>

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

/** The manifest of a directory tree; `skip` names top-level files left out (the marker itself). */
export function treeManifest(dir: string, skip: readonly string[] = []): TreeManifest {
  const manifest: TreeManifest = {}
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (relative === '' && skip.includes(entry.name)) continue
      const full = path.join(dir, name)
      if (entry.isDirectory()) walk(name)
      else if (entry.isSymbolicLink()) manifest[name] = `-> ${fs.readlinkSync(full)}`
      else if (entry.isFile()) {
        const mode = (fs.statSync(full).mode & 0o7777).toString(8)
        manifest[name] = `${sha256File(full)} ${mode}`
      } else manifest[name] = 'special'
    }
  }
  walk('')
  return manifest
}

/** One digest for a whole manifest, independent of key order. */
export function manifestDigest(manifest: TreeManifest): string {
  const lines = Object.keys(manifest)
    .sort()
    .map((name) => `${name}\0${manifest[name]}`)
  return createHash('sha256').update(lines.join('\n')).digest('hex')
}

/** How `actual` differs from `recorded`, in words; undefined when they are the same. */
export function manifestDifference(
  recorded: TreeManifest,
  actual: TreeManifest
): string | undefined {
  const changed: string[] = []
  const missing: string[] = []
  for (const name of Object.keys(recorded)) {
    if (!(name in actual)) missing.push(name)
    else if (actual[name] !== recorded[name]) changed.push(name)
  }
  const added = Object.keys(actual).filter((name) => !(name in recorded))
  const parts: string[] = []
  const list = (what: string, names: string[]) => {
    if (names.length > 0)
      parts.push(`${what} ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`)
  }
  list('changed', changed)
  list('missing', missing)
  list('added', added)
  return parts.length > 0 ? parts.join('; ') : undefined
}

/** One package stanza of `apt-cache show`: its fields. */
export function parseAptStanzas(output: string): Record<string, string>[] {
  return output
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields: Record<string, string> = {}
      for (const line of stanza.split('\n')) {
        const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line)
        if (match) fields[match[1]] = match[2]
      }
      return fields
    })
    .filter((fields) => fields.Package !== undefined)
}

/** The sha256 apt's index gives for a package version on an architecture. */
export function indexedSha256(
  stanzas: readonly Record<string, string>[],
  pkg: { name: string; version: string; architecture: string }
): string | undefined {
  return stanzas.find(
    (s) =>
      s.Package === pkg.name &&
      s.Version === pkg.version &&
      s.Architecture === pkg.architecture &&
      s.SHA256 !== undefined
  )?.SHA256
}

export { sha256File }
