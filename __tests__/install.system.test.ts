// Installing valgrind for real, as the action does on a runner: apt-get as root (valgrind and
// libc6-dbg, saved to and restored from the Actions cache stand-in), and a source build of a real
// release tarball served from a local HTTP server (fetched once from Debian's mirrors). Changes the
// machine and takes minutes: runs with SYSTEM_TESTS=1 only (`npm run test:system`).
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ensureValgrind, KNOWN_TARBALL_SHA256, type InstallResult } from '../src/install/index.js'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { hostDistro, hostValgrind } from './support/host.js'
import { ensureReleaseTarball, serveDirectory, TEST_RELEASE } from './support/valgrind-tarball.js'

// These tests change PATH, VALGRIND_LIB and the toolkit's variables: each gets a fresh copy.
let savedEnv: NodeJS.ProcessEnv
beforeEach(() => {
  savedEnv = { ...process.env }
})
afterEach(() => {
  process.env = savedEnv
})

/** A C program with a 40-byte leak on a known line, built with debug info. */
function buildLeakyProgram(dir: string): { exe: string; leakLine: number } {
  const source = path.join(dir, 'leaky.c')
  fs.writeFileSync(
    source,
    [
      '#include <stdlib.h>',
      '#include <string.h>',
      'int main(void) {',
      '  char *p = malloc(40);', // line 4
      '  memset(p, 1, 40);',
      '  p = 0;',
      '  return 0;',
      '}',
      ''
    ].join('\n')
  )
  const exe = path.join(dir, 'leaky')
  execFileSync('gcc', ['-g', '-O0', '-o', exe, source])
  return { exe, leakLine: 4 }
}

/** Runs a valgrind on the leaky program; returns what a user would read in the XML. */
function runLeakCheck(
  valgrind: string,
  dir: string
): { status: number | null; xml: string; leakLine: number } {
  const { exe, leakLine } = buildLeakyProgram(dir)
  const xmlFile = path.join(dir, 'memcheck.xml')
  const result = spawnSync(
    valgrind,
    ['--leak-check=full', '--error-exitcode=3', '--xml=yes', `--xml-file=${xmlFile}`, exe],
    { encoding: 'utf8', env: process.env }
  )
  return {
    status: result.status,
    xml: fs.existsSync(xmlFile) ? fs.readFileSync(xmlFile, 'utf8') : result.stderr,
    leakLine
  }
}

function expectLeakFound(check: { status: number | null; xml: string; leakLine: number }): void {
  expect(check.status).toBe(3)
  expect(check.xml).toContain('<kind>Leak_DefinitelyLost</kind>')
  expect(check.xml).toContain('<leakedbytes>40</leakedbytes>')
  expect(check.xml).toContain('<file>leaky.c</file>')
  expect(check.xml).toContain(`<line>${check.leakLine}</line>`)
}

describe('installing, cached through the stand-in of the Actions cache', () => {
  // apt installs the distribution's valgrind: the one on PATH where CI installed it the same way.
  const host = hostValgrind()
  const { id, versionId } = hostDistro()
  const distro = `${id}-${versionId}`
  let standIn: StandIn
  let scratch: string

  beforeAll(async () => {
    standIn = await startStandIn()
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'install-test-'))
  })
  afterAll(async () => {
    await standIn?.stop()
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
  })
  beforeEach(() => {
    Object.assign(process.env, standIn.env)
    process.env.GITHUB_WORKSPACE = scratch
  })

  test('apt-get installs valgrind and libc6-dbg; the next run installs the cached .debs', async () => {
    const toolCacheDir = path.join(scratch, 'tools-apt')
    const cold = await ensureValgrind({
      install: 'always',
      valgrindVersion: 'system',
      cache: true,
      toolCacheDir
    })
    expect(cold).toMatchObject({
      version: host.version,
      valgrindPath: host.path,
      source: 'package-manager'
    })
    expect(cold.notes.join('\n')).toMatch(/installed valgrind, libc6-dbg with apt-get/)
    const entries = await standIn.cacheEntries()
    const aptEntry = entries.find((e) => /-apt-system-libc6_/.test(e.key))
    expect(aptEntry?.key).toMatch(
      new RegExp(`^valgrind-action-1-linux-${distro}-${process.arch}-apt-system-libc6_`)
    )
    // valgrind's and libc6-dbg's .debs: several megabytes, compressed.
    expect(aptEntry?.size).toBeGreaterThan(5_000_000)

    fs.rmSync(toolCacheDir, { recursive: true, force: true })
    const warm = await ensureValgrind({
      install: 'always',
      valgrindVersion: 'system',
      cache: true,
      toolCacheDir
    })
    expect(warm).toMatchObject({ version: host.version, source: 'cache' })
    expect(warm.notes.join('\n')).toMatch(/installed .*valgrind_.*\.deb.* from the Actions cache/)
    expectLeakFound(runLeakCheck(warm.valgrindPath, scratch))
  })

  test('a tarball whose sha256 does not match is refused before anything is built', async () => {
    const tarball = ensureReleaseTarball()
    const server = await serveDirectory(path.dirname(tarball.file))
    try {
      process.env.VALGRIND_ACTION_DOWNLOAD_BASE = server.base
      process.env.VALGRIND_ACTION_TARBALL_SHA256 = `${TEST_RELEASE}=${'0'.repeat(64)}`
      await expect(
        ensureValgrind({
          install: 'auto',
          valgrindVersion: TEST_RELEASE,
          cache: false,
          toolCacheDir: path.join(scratch, 'tools-bad')
        })
      ).rejects.toThrow(
        `The download of ${server.base}/valgrind-${TEST_RELEASE}.tar.bz2 has sha256 ${tarball.sha256}, but valgrind ${TEST_RELEASE}'s tarball has ${'0'.repeat(64)}. The file was not used.`
      )
      expect(fs.existsSync(path.join(scratch, 'tools-bad', 'valgrind'))).toBe(false)
    } finally {
      await server.close()
    }
  })

  // Builds valgrind for real: minutes on two cores.
  test(
    'an exact release apt lacks is built from source, cached, restored, and relocatable',
    async () => {
      const tarball = ensureReleaseTarball()
      // The Debian .orig tarball is upstream's: the action's built-in checksum must accept it.
      expect(tarball.sha256).toBe(KNOWN_TARBALL_SHA256[TEST_RELEASE])
      const server = await serveDirectory(path.dirname(tarball.file))
      const toolCacheDir = path.join(scratch, 'tools-src')
      const prefix = path.join(toolCacheDir, 'valgrind', TEST_RELEASE, process.arch)
      let built: InstallResult
      try {
        process.env.VALGRIND_ACTION_DOWNLOAD_BASE = server.base
        built = await ensureValgrind({
          install: 'auto',
          valgrindVersion: TEST_RELEASE,
          cache: true,
          toolCacheDir
        })
        expect(server.requests.get(`valgrind-${TEST_RELEASE}.tar.bz2`)).toBe(1)
      } finally {
        await server.close()
      }
      console.log(`source build of valgrind ${TEST_RELEASE}: ${built.seconds} s`)
      expect(built).toMatchObject({
        version: TEST_RELEASE,
        valgrindPath: path.join(prefix, 'bin', 'valgrind'),
        source: 'source-build'
      })
      expect(built.notes.join('\n')).toContain(
        `apt offers valgrind ${host.version}, which does not meet valgrind-version '${TEST_RELEASE}'`
      )
      // PATH now leads to the build, for this step and (through GITHUB_PATH) later ones.
      expect(process.env.PATH?.split(path.delimiter)[0]).toBe(path.join(prefix, 'bin'))
      expect(
        execFileSync('valgrind', ['--version'], { encoding: 'utf8', env: process.env }).trim()
      ).toBe(`valgrind-${TEST_RELEASE}`)
      expectLeakFound(runLeakCheck(built.valgrindPath, scratch))
      const entry = (await standIn.cacheEntries()).find((e) => e.key.includes('-source-'))
      // The release's key, then the digest of the build's manifest (what a reuse is checked against).
      expect(entry?.key).toMatch(
        new RegExp(
          `^valgrind-action-1-linux-${distro}-${process.arch}-source-${TEST_RELEASE}-${tarball.sha256.slice(0, 12)}-[0-9a-f]{32}$`
        )
      )

      // A fresh runner: the prefix is gone, the cache has it.
      fs.rmSync(prefix, { recursive: true, force: true })
      process.env.PATH = savedEnv.PATH
      const warm = await ensureValgrind({
        install: 'auto',
        valgrindVersion: TEST_RELEASE,
        cache: true,
        toolCacheDir
      })
      console.log(`warm install of valgrind ${TEST_RELEASE} from the cache: ${warm.seconds} s`)
      expect(warm).toMatchObject({
        version: TEST_RELEASE,
        valgrindPath: path.join(prefix, 'bin', 'valgrind'),
        source: 'cache'
      })
      expect(process.env.VALGRIND_LIB).toBeUndefined()
      expectLeakFound(runLeakCheck(warm.valgrindPath, scratch))

      // A prefix that moved (another tool cache path) still finds its tools, via VALGRIND_LIB.
      const movedToolCache = path.join(scratch, 'tools-moved')
      const moved = path.join(movedToolCache, 'valgrind', TEST_RELEASE, process.arch)
      fs.mkdirSync(path.dirname(moved), { recursive: true })
      fs.renameSync(prefix, moved)
      // The tool cache's mark of a complete install sits beside the prefix (@actions/tool-cache).
      fs.renameSync(`${prefix}.complete`, `${moved}.complete`)
      process.env.PATH = savedEnv.PATH
      const relocated = await ensureValgrind({
        install: 'auto',
        valgrindVersion: TEST_RELEASE,
        cache: false,
        toolCacheDir: movedToolCache
      })
      expect(relocated).toMatchObject({ version: TEST_RELEASE, source: 'runner' })
      expect(process.env.VALGRIND_LIB).toBe(path.join(moved, 'libexec', 'valgrind'))
      expectLeakFound(runLeakCheck(relocated.valgrindPath, scratch))
    },
    45 * 60 * 1000
  )
})
