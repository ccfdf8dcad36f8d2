// Building a valgrind release from its tarball into <tool cache>/valgrind/<version>/<arch>, and
// using such a prefix (built here, restored from the Actions cache, or left by an earlier job).
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as core from '@actions/core'
import * as io from '@actions/io'
import { cacheKey, InstallError } from './platform.js'
import { probeValgrind, run, tail, valgrindWorks, type Host, type ValgrindFound } from './host.js'
import { restoreFromCache, saveToCache } from './cache.js'
import { releaseToBuild, tarballChecksums, tarballUrl, TARBALL_SHA256_ENV } from './releases.js'

/** Written into each prefix we build: what it is, and where it was configured to live. */
const MARKER = 'valgrind-action.json'

interface PrefixMarker {
  version: string
  sha256: string
  /** The --prefix it was configured with; valgrind looks for its tools there. */
  prefix: string
}

export interface SourceInstall {
  found: ValgrindFound
  source: 'runner' | 'cache' | 'source-build'
}

export function prefixFor(toolCacheDir: string, version: string, arch: string): string {
  return path.join(toolCacheDir, 'valgrind', version, arch)
}

function readMarker(prefix: string): PrefixMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(prefix, MARKER), 'utf8')) as PrefixMarker
  } catch {
    return undefined
  }
}

/**
 * Puts a prefix's valgrind first on PATH (for this step and later ones). A prefix that moved since
 * it was configured gets VALGRIND_LIB, since the launcher otherwise looks for its tools at the old
 * place.
 */
function activate(prefix: string, marker: PrefixMarker, notes: string[]): void {
  core.addPath(path.join(prefix, 'bin'))
  if (path.resolve(marker.prefix) !== path.resolve(prefix)) {
    const lib = path.join(prefix, 'libexec', 'valgrind')
    core.exportVariable('VALGRIND_LIB', lib)
    notes.push(`the prefix was built for ${marker.prefix}; set VALGRIND_LIB=${lib}`)
  }
}

/** A usable prefix of the wanted build: marker matches, and memcheck runs. */
async function usablePrefix(
  prefix: string,
  version: string,
  sha256: string,
  notes: string[]
): Promise<{ found: ValgrindFound; marker: PrefixMarker } | undefined> {
  const marker = readMarker(prefix)
  if (!marker) return undefined
  if (marker.version !== version || marker.sha256 !== sha256) {
    notes.push(`${prefix} holds another build (valgrind ${marker.version}); replacing it`)
    return undefined
  }
  const env: Record<string, string> =
    path.resolve(marker.prefix) !== path.resolve(prefix)
      ? { VALGRIND_LIB: path.join(prefix, 'libexec', 'valgrind') }
      : {}
  const found = await probeValgrind(path.join(prefix, 'bin', 'valgrind'), env)
  const works = found?.version === version ? await valgrindWorks(found.path, env) : undefined
  if (!found || !works?.ok) {
    notes.push(
      `the build in ${prefix} does not work (${works?.output || 'no valgrind'}); replacing it`
    )
    return undefined
  }
  return { found, marker }
}

async function download(url: string, file: string, sha256: string, version: string): Promise<void> {
  let lastError = ''
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(url)
      if (!response.ok) {
        lastError = `HTTP ${response.status} ${response.statusText}`
        // A missing file will not appear on retry.
        if (response.status === 404) break
        continue
      }
      const bytes = Buffer.from(await response.arrayBuffer())
      const actual = createHash('sha256').update(bytes).digest('hex')
      if (actual !== sha256) {
        throw new InstallError(
          `The download of ${url} has sha256 ${actual}, but valgrind ${version}'s tarball has ${sha256}. The file was not used. If a mirror (VALGRIND_ACTION_DOWNLOAD_BASE) serves a different file, fix the mirror; to trust another file, set ${TARBALL_SHA256_ENV}=${version}=<sha256>.`
        )
      }
      fs.writeFileSync(file, bytes)
      return
    } catch (error) {
      if (error instanceof InstallError) throw error
      lastError = (error as Error).message
    }
  }
  throw new InstallError(`Could not download ${url}: ${lastError}.`)
}

async function requireBuildTools(host: Host): Promise<void> {
  const missing: string[] = []
  for (const tool of ['make', 'tar', 'bzip2']) {
    if (!(await io.which(tool, false))) missing.push(tool)
  }
  if (!(await io.which('gcc', false)) && !(await io.which('cc', false))) missing.push('gcc')
  if (missing.length > 0) {
    const hint =
      host.distro.family === 'apt'
        ? 'apt-get install build-essential bzip2'
        : 'install a C compiler, make, tar and bzip2'
    throw new InstallError(
      `Building valgrind from source needs ${missing.join(', ')}, which this runner lacks. Install them in an earlier step (${hint}), or use valgrind-version: system.`
    )
  }
}

async function build(
  host: Host,
  version: string,
  sha256: string,
  prefix: string,
  notes: string[]
): Promise<void> {
  await requireBuildTools(host)
  const work = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'valgrind-build-'))
  try {
    const url = tarballUrl(version)
    const tarball = path.join(work, `valgrind-${version}.tar.bz2`)
    core.info(`Downloading ${url}`)
    await download(url, tarball, sha256, version)
    notes.push(`downloaded ${url} (sha256 verified)`)

    const step = async (argv: string[], cwd: string): Promise<void> => {
      const result = await run(argv, { cwd })
      if (result.exitCode !== 0) {
        throw new InstallError(
          `Building valgrind ${version} failed at '${argv.join(' ')}' (exit ${result.exitCode}):\n${tail(result, 30)}`
        )
      }
    }
    await step(['tar', '-xjf', tarball], work)
    const source = path.join(work, `valgrind-${version}`)
    fs.rmSync(prefix, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(prefix), { recursive: true })
    // 64-bit hosts skip the 32-bit secondary build: it halves the build time, needs multilib
    // headers that runners lack, and the action runs the workflow's own (64-bit) programs.
    const only64 = ['x64', 'arm64', 'ppc64', 's390x', 'loong64', 'riscv64'].includes(host.arch)
    await step(
      ['./configure', `--prefix=${prefix}`, ...(only64 ? ['--enable-only64bit'] : [])],
      source
    )
    const jobs = String(os.availableParallelism?.() ?? os.cpus().length)
    await step(['make', `-j${jobs}`], source)
    await step(['make', 'install'], source)
    const marker: PrefixMarker = { version, sha256, prefix }
    fs.writeFileSync(path.join(prefix, MARKER), `${JSON.stringify(marker, null, 2)}\n`)
    notes.push(`built valgrind ${version} from source into ${prefix}`)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/** A prefix from the runner's tool cache, the Actions cache, or a fresh build, in that order. */
export async function installFromSource(options: {
  host: Host
  spec: string
  useCache: boolean
  toolCacheDir: string
  notes: string[]
}): Promise<SourceInstall> {
  const { host, spec, useCache, notes } = options
  const checksums = tarballChecksums()
  const version = releaseToBuild(spec, checksums)
  const sha256 = checksums[version]
  const prefix = prefixFor(options.toolCacheDir, version, host.arch)
  const key = cacheKey({
    platform: host.platform,
    distro: host.distro,
    arch: host.arch,
    method: 'source',
    version,
    extra: sha256.slice(0, 12)
  })

  let usable = await usablePrefix(prefix, version, sha256, notes)
  if (usable) {
    notes.push(`reused the build already in the runner's tool cache (${prefix})`)
    activate(prefix, usable.marker, notes)
    return { found: usable.found, source: 'runner' }
  }
  if (useCache && (await restoreFromCache([prefix], key, notes))) {
    usable = await usablePrefix(prefix, version, sha256, notes)
    if (usable) {
      notes.push(`restored from the Actions cache (key ${key})`)
      activate(prefix, usable.marker, notes)
      return { found: usable.found, source: 'cache' }
    }
    notes.push('the cached build did not work here; building again')
  }

  await build(host, version, sha256, prefix, notes)
  usable = await usablePrefix(prefix, version, sha256, notes)
  if (!usable) {
    const works = await valgrindWorks(path.join(prefix, 'bin', 'valgrind'))
    throw new InstallError(
      `valgrind ${version} was built into ${prefix}, but does not run:\n${works.output}`
    )
  }
  activate(prefix, usable.marker, notes)
  if (useCache) await saveToCache([prefix], key, notes)
  return { found: usable.found, source: 'source-build' }
}
