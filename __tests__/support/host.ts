// What the tests expect from the machine they run on, read from that machine: the valgrind on PATH
// (its version and path) and the distribution (/etc/os-release). The same tests then hold on
// Debian 12 (valgrind 3.19.0) and on GitHub's ubuntu-24.04 (valgrind 3.22.0).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { detectDistro, parseValgrindVersion } from '../../src/install/index.js'

/** The first executable `name` on PATH, as a shell finds it (symlinks not resolved). */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir || '.', name)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      if (fs.statSync(candidate).isFile()) return path.resolve(candidate)
    } catch {
      // not here: try the next directory
    }
  }
  throw new Error(`${name} is not on PATH; the tests need it (apt-get install valgrind)`)
}

/** The valgrind on PATH: its path and its version ("3.19.0"). */
export function hostValgrind(): { path: string; version: string } {
  const valgrind = onPath('valgrind')
  const version = parseValgrindVersion(execFileSync(valgrind, ['--version'], { encoding: 'utf8' }))
  if (version === undefined) throw new Error(`${valgrind} --version did not print a version`)
  return { path: valgrind, version }
}

/** A version spec no installed valgrind meets: the next minor release after `version`. */
export function specAbove(version: string): string {
  const [major, minor] = version.split('.').map(Number)
  return `>=${major}.${(minor ?? 0) + 1}`
}

/** The distribution as the action detects it: the part of cache keys such as `debian-12`. */
export function hostDistro(): { id: string; versionId: string } {
  const osRelease = ['/etc/os-release', '/usr/lib/os-release'].find((file) => fs.existsSync(file))
  return detectDistro(osRelease ? fs.readFileSync(osRelease, 'utf8') : '')
}
