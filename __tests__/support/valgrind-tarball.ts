// A real valgrind release tarball for the source-build tests, without reaching sourceware.org:
// Debian's source package ships upstream's tarball unchanged as its .orig.tar.bz2 (for 3.24.0
// with upstream's signature beside it), and Debian's mirrors are reachable. It is fetched with a
// private apt configuration (deb-src lines in a directory of ours), so the machine's apt setup is
// left alone, and kept under .cache/ (gitignored) across runs.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (holding package.json and node_modules), wherever this file was compiled to. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (
    !fs.existsSync(path.join(dir, 'package.json')) ||
    !fs.existsSync(path.join(dir, 'node_modules'))
  ) {
    const parent = path.dirname(dir)
    if (parent === dir)
      throw new Error('no repository root above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
  return dir
}
export const repoRoot = findRepoRoot()
export const testCacheDir = path.join(repoRoot, '.cache')

/** Debian 13 (trixie) carries valgrind 3.24.0, a release whose sha256 the action knows. */
export const TEST_RELEASE = '3.24.0'
const SUITE = 'trixie'

export interface Tarball {
  version: string
  file: string
  sha256: string
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

/** valgrind-<version>.tar.bz2, fetched once and kept in .cache/valgrind-src/. */
export function ensureReleaseTarball(version = TEST_RELEASE): Tarball {
  const dir = path.join(testCacheDir, 'valgrind-src')
  const file = path.join(dir, `valgrind-${version}.tar.bz2`)
  if (!fs.existsSync(file)) {
    const aptDir = path.join(testCacheDir, 'apt-src')
    fs.mkdirSync(path.join(aptDir, 'lists', 'partial'), { recursive: true })
    fs.mkdirSync(path.join(aptDir, 'cache', 'archives', 'partial'), { recursive: true })
    fs.mkdirSync(dir, { recursive: true })
    const sources = path.join(aptDir, 'sources.list')
    fs.writeFileSync(
      sources,
      `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${SUITE} main\n`
    )
    const options = [
      '-o',
      `Dir::Etc::SourceList=${sources}`,
      '-o',
      'Dir::Etc::SourceParts=/nonexistent',
      '-o',
      `Dir::State::Lists=${path.join(aptDir, 'lists')}`,
      '-o',
      `Dir::Cache=${path.join(aptDir, 'cache')}`,
      '-o',
      'APT::Get::List-Cleanup=0'
    ]
    const apt = (args: string[], cwd?: string): void => {
      execFileSync('apt-get', [...options, ...args], { cwd, stdio: 'pipe', timeout: 300000 })
    }
    try {
      apt(['update'])
      apt(['source', '--download-only', `valgrind=1:${version}-*`], dir)
    } catch {
      // Some apt versions want the exact Debian revision; ask for the suite's package instead.
      apt(['source', '--download-only', `valgrind/${SUITE}`], dir)
    }
    const orig = path.join(dir, `valgrind_${version}.orig.tar.bz2`)
    if (!fs.existsSync(orig)) {
      throw new Error(`apt-get source did not fetch ${orig}; Debian ${SUITE} may have moved on.`)
    }
    fs.renameSync(orig, file)
    for (const extra of fs.readdirSync(dir)) {
      if (extra.startsWith('valgrind_')) fs.rmSync(path.join(dir, extra))
    }
  }
  return { version, file, sha256: sha256Of(file) }
}

/** Serves the files of one directory over HTTP on 127.0.0.1; counts the requests per file. */
export async function serveDirectory(
  dir: string
): Promise<{ base: string; requests: Map<string, number>; close(): Promise<void> }> {
  const requests = new Map<string, number>()
  const server = http.createServer((request, response) => {
    const name = path.basename(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))
    requests.set(name, (requests.get(name) ?? 0) + 1)
    const file = path.join(dir, name)
    if (!fs.existsSync(file)) {
      response.writeHead(404)
      response.end('not found')
      return
    }
    response.writeHead(200, {
      'Content-Type': 'application/x-bzip2',
      'Content-Length': fs.statSync(file).size
    })
    fs.createReadStream(file).pipe(response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no server address')
  return {
    base: `http://127.0.0.1:${address.port}/pub/valgrind`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
