// Building a valgrind release from its tarball into the runner's tool cache
// (<tool cache>/valgrind/<version>/<arch>, @actions/tool-cache's layout), and using such a prefix:
// built here, restored from the Actions cache, or left by an earlier job. A prefix is trusted only
// when it matches the manifest recorded when it was built (trust.ts), checked before anything in
// it runs.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as core from '@actions/core'
import * as io from '@actions/io'
import * as tc from '@actions/tool-cache'
import { logLine } from '../report/escape.js'
import { cacheKey, InstallError } from './platform.js'
import { probeValgrind, run, tail, valgrindWorks, type Host, type ValgrindFound } from './host.js'
import { cacheEntryExists, restoreLatest, saveToCache } from './cache.js'
import { releaseToBuild, tarballChecksums, tarballUrl, TARBALL_SHA256_ENV } from './releases.js'
import { manifestDifference, manifestDigest, treeManifest, type TreeManifest } from './trust.js'

/** Written into each prefix we build: what it is, where it was configured to live, its files. */
const MARKER = 'valgrind-action.json'
const TOOL_NAME = 'valgrind'

interface PrefixMarker {
  version: string
  sha256: string
  /** The --prefix it was configured with; valgrind looks for its tools there. */
  prefix: string
  /** Every file of the prefix as built (trust.ts). */
  files: TreeManifest
}

export interface SourceInstall {
  found: ValgrindFound
  source: 'runner' | 'cache' | 'source-build'
}

export function prefixFor(toolCacheDir: string, version: string, arch: string): string {
  return path.join(toolCacheDir, TOOL_NAME, version, arch)
}

/**
 * @actions/tool-cache reads RUNNER_TOOL_CACHE and RUNNER_TEMP from the environment; the install
 * may use another tool cache (the CLI, tests), so they are set for the duration of `work`.
 */
async function withToolCache<T>(toolCacheDir: string, work: () => Promise<T>): Promise<T> {
  const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP }
  process.env.RUNNER_TOOL_CACHE = toolCacheDir
  process.env.RUNNER_TEMP = saved.temp || os.tmpdir()
  try {
    return await work()
  } finally {
    for (const [name, value] of [
      ['RUNNER_TOOL_CACHE', saved.cache],
      ['RUNNER_TEMP', saved.temp]
    ] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

function readMarker(prefix: string): PrefixMarker | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(prefix, MARKER), 'utf8')) as PrefixMarker
    return typeof marker.files === 'object' && marker.files !== null ? marker : undefined
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

/**
 * Whether a prefix is the build it claims to be: its marker names this release, and every file
 * matches the manifest recorded at build time. Nothing in the prefix runs before this holds.
 */
function verifiedMarker(
  prefix: string,
  version: string,
  sha256: string,
  notes: string[]
): PrefixMarker | undefined {
  if (!fs.existsSync(prefix)) return undefined
  const marker = readMarker(prefix)
  if (!marker) {
    notes.push(
      `${prefix} has no manifest of a build by this action; not trusted (nothing in it was run)`
    )
    return undefined
  }
  if (marker.version !== version || marker.sha256 !== sha256) {
    notes.push(`${prefix} holds another build (valgrind ${marker.version}); replacing it`)
    return undefined
  }
  const difference = manifestDifference(marker.files, treeManifest(prefix, [MARKER]))
  if (difference !== undefined) {
    notes.push(
      `${prefix} does not match the manifest recorded when it was built (${difference}); not trusted (nothing in it was run)`
    )
    return undefined
  }
  return marker
}

/** A usable prefix of the wanted build: verified (see above), and memcheck runs. */
async function usablePrefix(
  prefix: string,
  version: string,
  sha256: string,
  notes: string[]
): Promise<{ found: ValgrindFound; marker: PrefixMarker } | undefined> {
  const marker = verifiedMarker(prefix, version, sha256, notes)
  if (!marker) return undefined
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

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Downloads the tarball (@actions/tool-cache retries transient failures) and checks its sha256. */
async function download(url: string, file: string, sha256: string, version: string): Promise<void> {
  try {
    await tc.downloadTool(url, file)
  } catch (error) {
    throw new InstallError(`Could not download ${url}: ${(error as Error).message}.`)
  }
  const actual = await fileSha256(file)
  if (actual !== sha256) {
    fs.rmSync(file, { force: true })
    throw new InstallError(
      `The download of ${url} has sha256 ${actual}, but valgrind ${version}'s tarball has ${sha256}. The file was not used. If a mirror (VALGRIND_ACTION_DOWNLOAD_BASE) serves a different file, fix the mirror; to trust another file, set ${TARBALL_SHA256_ENV}=${version}=<sha256>.`
    )
  }
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

/**
 * Downloads, verifies, configures for the final prefix, installs into a staging directory
 * (DESTDIR), records the manifest, and moves the result into the tool cache with
 * `tc.cacheDir` (which marks it complete). Returns the prefix's manifest digest.
 */
async function build(
  host: Host,
  version: string,
  sha256: string,
  prefix: string,
  notes: string[]
): Promise<string> {
  await requireBuildTools(host)
  const work = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'valgrind-build-'))
  try {
    const url = tarballUrl(version)
    const tarball = path.join(work, `valgrind-${version}.tar.bz2`)
    core.info(logLine(`Downloading ${url}`))
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
    const extracted = await tc.extractTar(tarball, path.join(work, 'src'), 'xj')
    const source = path.join(extracted, `valgrind-${version}`)
    // 64-bit hosts skip the 32-bit secondary build: it halves the build time, needs multilib
    // headers that runners lack, and the action runs the workflow's own (64-bit) programs.
    const only64 = ['x64', 'arm64', 'ppc64', 's390x', 'loong64', 'riscv64'].includes(host.arch)
    await step(
      ['./configure', `--prefix=${prefix}`, ...(only64 ? ['--enable-only64bit'] : [])],
      source
    )
    const jobs = String(os.availableParallelism?.() ?? os.cpus().length)
    await step(['make', `-j${jobs}`], source)
    const stage = path.join(work, 'stage')
    await step(['make', 'install', `DESTDIR=${stage}`], source)
    const staged = path.join(stage, prefix)
    const files = treeManifest(staged)
    const marker: PrefixMarker = { version, sha256, prefix, files }
    fs.writeFileSync(path.join(staged, MARKER), `${JSON.stringify(marker, null, 2)}\n`)
    await tc.cacheDir(staged, TOOL_NAME, version, host.arch)
    notes.push(`built valgrind ${version} from source into ${prefix}`)
    return manifestDigest(files)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/** The Actions cache key of a build: the release's key, then the digest of its manifest. */
function buildKey(releaseKey: string, digest: string): string {
  return `${releaseKey}-${digest.slice(0, 32)}`
}

/**
 * A prefix from the runner's tool cache, the Actions cache, or a fresh build, in that order.
 *
 * Trust: a prefix in the tool cache is used only when it matches its manifest, and, when the
 * Actions cache is available, when the run that built it saved it there under a key holding that
 * manifest's digest (something an earlier job's code under test, which can write the tool cache
 * of a self-hosted runner, cannot forge without the cache's credentials). A restored prefix must
 * match its manifest, and the manifest's digest must be the one in the key it was saved under.
 */
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
  const releaseKey = cacheKey({
    platform: host.platform,
    distro: host.distro,
    arch: host.arch,
    method: 'source',
    version,
    extra: sha256.slice(0, 12)
  })
  const forget = (): void => {
    fs.rmSync(prefix, { recursive: true, force: true })
    fs.rmSync(`${prefix}.complete`, { force: true })
  }

  return withToolCache(options.toolCacheDir, async () => {
    if (tc.find(TOOL_NAME, version, host.arch) !== '') {
      const marker = verifiedMarker(prefix, version, sha256, notes)
      const key = marker ? buildKey(releaseKey, manifestDigest(marker.files)) : undefined
      const anchored =
        key !== undefined && (!useCache || (await cacheEntryExists([prefix], key, notes)))
      if (key !== undefined && !anchored) {
        notes.push(
          `${prefix} matches its manifest, but no run saved that build to the Actions cache; not trusted`
        )
      }
      const usable = anchored ? await usablePrefix(prefix, version, sha256, notes) : undefined
      if (usable) {
        notes.push(`reused the build already in the runner's tool cache (${prefix})`)
        activate(prefix, usable.marker, notes)
        return { found: usable.found, source: 'runner' as const }
      }
    }
    forget()

    if (useCache) {
      const restoredKey = await restoreLatest([prefix], `${releaseKey}-`, notes)
      const marker =
        restoredKey !== undefined ? verifiedMarker(prefix, version, sha256, notes) : undefined
      if (restoredKey !== undefined && marker !== undefined) {
        if (buildKey(releaseKey, manifestDigest(marker.files)) !== restoredKey) {
          notes.push(`the cached build's manifest is not the one its key records; not trusted`)
        } else {
          const usable = await usablePrefix(prefix, version, sha256, notes)
          if (usable) {
            // What tc.cacheDir writes: the next tc.find sees the prefix.
            fs.writeFileSync(`${prefix}.complete`, '')
            notes.push(`restored from the Actions cache (key ${restoredKey})`)
            activate(prefix, usable.marker, notes)
            return { found: usable.found, source: 'cache' as const }
          }
        }
      }
      if (restoredKey !== undefined) notes.push('the cached build was not used; building again')
      forget()
    }

    const digest = await build(host, version, sha256, prefix, notes)
    const usable = await usablePrefix(prefix, version, sha256, notes)
    if (!usable) {
      const works = await valgrindWorks(path.join(prefix, 'bin', 'valgrind'))
      throw new InstallError(
        `valgrind ${version} was built into ${prefix}, but does not run:\n${works.output}`
      )
    }
    activate(prefix, usable.marker, notes)
    if (useCache) await saveToCache([prefix], buildKey(releaseKey, digest), notes)
    return { found: usable.found, source: 'source-build' as const }
  })
}
