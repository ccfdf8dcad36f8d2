// Getting a valgrind that meets the `install` and `valgrind-version` inputs: the one on PATH, the
// distribution's package, or a release built from source; cached with @actions/cache so the next
// run takes seconds. Reports honestly what was used and where it came from.
//
// Order of choice:
// 1. Linux only (valgrind does not run on macOS/Windows): PlatformError otherwise, at once.
// 2. `install: never` → the valgrind on PATH, if it meets the spec, else an InstallError.
//    `install: auto` → the valgrind on PATH when it meets the spec. `always` skips it.
// 3. Debian/Ubuntu: apt's valgrind when its candidate meets the spec. Warm: the .debs from the
//    Actions cache (key: OS, distribution release, arch, spec, libc6 version), `dpkg -i`. Cold:
//    `apt-get update` only if the lists are missing (or the install failed on stale lists), then
//    `apt-get install -y --no-install-recommends valgrind libc6-dbg` (`sudo -n` when not root),
//    then `apt-get download` of the same .debs into the cache.
//    dnf/yum/apk/pacman/zypper: their package (apk adds musl-dbg), not cached.
// 4. Otherwise (the spec asks for more than the distribution has, e.g. 3.26.0 or >=3.22 on
//    Ubuntu 22.04's 3.18) a release tarball is built: <tool cache>/valgrind/<version>/<arch>
//    (@actions/tool-cache's layout), found there (self-hosted runners), restored from the Actions
//    cache (key with the tarball's sha256 and the build's manifest digest), or downloaded
//    (tc.downloadTool), sha256-checked, `configure --prefix && make -j$(nproc) && make install`
//    and cached (tc.cacheDir). The prefix goes first on PATH (core.addPath); VALGRIND_LIB is set
//    only when the prefix sits elsewhere than it was configured for.
// Nothing found in the tool cache or the Actions cache is run before it is verified (trust.ts):
// a prefix against the manifest recorded when it was built, cached .debs against apt's index.
// Environment (not inputs; for mirrors and tests): VALGRIND_ACTION_DOWNLOAD_BASE replaces
// https://sourceware.org/pub/valgrind; VALGRIND_ACTION_TARBALL_SHA256="3.27.0=<sha256>,..." adds
// or replaces checksums in the built-in table (see releases.ts).
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import * as core from '@actions/core'
import type { InstallMode } from '../config.js'
import { assertSupportedPlatform, InstallError } from './platform.js'
import { probeValgrind, readHost } from './host.js'
import { cacheAvailable } from './cache.js'
import {
  ensureLibcDebugSymbols,
  installWithApt,
  installWithOtherManager
} from './package-manager.js'
import { parseVersionSpec, satisfies } from './version.js'

export { assertSupportedPlatform, cacheKey, detectDistro, installCommand } from './platform.js'
export { InstallError, PlatformError, type Distro, type PackageFamily } from './platform.js'
export { compareVersions, parseValgrindVersion, satisfies } from './version.js'
export {
  DOWNLOAD_BASE_ENV,
  KNOWN_TARBALL_SHA256,
  TARBALL_SHA256_ENV,
  releaseToBuild
} from './releases.js'

export interface InstallResult {
  /** e.g. "3.19.0" */
  version: string
  valgrindPath: string
  source: 'runner' | 'cache' | 'package-manager' | 'source-build'
  seconds: number
  notes: string[]
}

export interface EnsureValgrindOptions {
  install: InstallMode
  valgrindVersion: string
  cache: boolean
  /** Where source builds live; default RUNNER_TOOL_CACHE, else a directory under the OS temp. */
  toolCacheDir?: string
}

export const SOURCE_WORDS: Record<InstallResult['source'], string> = {
  runner: 'already on the runner',
  cache: 'restored from the Actions cache',
  'package-manager': 'installed with the package manager',
  'source-build': 'built from source'
}

/** One line for the log and the job summary, e.g. "valgrind 3.24.0 (built from source, 412.3 s)". */
export function describeInstall(result: InstallResult): string {
  return `valgrind ${result.version} at ${result.valgrindPath} (${SOURCE_WORDS[result.source]}, ${result.seconds.toFixed(1)} s)`
}

export async function ensureValgrind(options: EnsureValgrindOptions): Promise<InstallResult> {
  const notes: string[] = []
  try {
    return await chooseAndInstall(options, notes)
  } catch (error) {
    // What was tried before the failure often explains it (e.g. why a build was attempted).
    if (error instanceof InstallError && notes.length > 0) {
      throw new InstallError(`${error.message}\nBefore that: ${notes.join('; ')}.`)
    }
    throw error
  }
}

async function chooseAndInstall(
  options: EnsureValgrindOptions,
  notes: string[]
): Promise<InstallResult> {
  const started = performance.now()
  const spec = options.valgrindVersion.trim() || 'system'
  const finish = (
    found: { path: string; version: string },
    source: InstallResult['source']
  ): InstallResult => {
    const result = {
      version: found.version,
      valgrindPath: found.path,
      source,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      notes
    }
    core.info(describeInstall(result))
    for (const note of notes) core.info(`  ${note}`)
    return result
  }

  assertSupportedPlatform(process.platform, process.arch)
  parseVersionSpec(spec)

  const existing = await probeValgrind()
  if (options.install === 'never') {
    if (!existing) {
      throw new InstallError(
        `valgrind is not on PATH, and input 'install' is 'never'. Install valgrind in an earlier step, or set install: auto to let the action install it.`
      )
    }
    if (!satisfies(existing.version, spec)) {
      throw new InstallError(
        `valgrind ${existing.version} (${existing.path}) does not meet valgrind-version '${spec}', and input 'install' is 'never'. Install a valgrind that does, or set install: auto.`
      )
    }
    return finish(existing, 'runner')
  }
  if (options.install === 'auto' && existing && satisfies(existing.version, spec)) {
    return finish(existing, 'runner')
  }
  if (existing) {
    notes.push(
      options.install === 'always'
        ? `install: always, so valgrind ${existing.version} on PATH was not used`
        : `valgrind ${existing.version} on PATH does not meet valgrind-version '${spec}'`
    )
  }

  const host = await readHost()
  const toolCacheDir =
    options.toolCacheDir ??
    (process.env.RUNNER_TOOL_CACHE || path.join(os.tmpdir(), 'valgrind-action-tools'))
  const useCache = options.cache && (await cacheAvailable())
  if (options.cache && !useCache) {
    notes.push('no Actions cache service here (ACTIONS_RESULTS_URL is unset): nothing cached')
  }
  const common = { host, spec, useCache, toolCacheDir, notes }

  if (host.distro.family === 'apt') {
    const installed = await installWithApt(common)
    if (installed) return finish(installed.found, installed.source)
  } else if (host.distro.family !== 'unknown') {
    const found = await installWithOtherManager(host, notes)
    if (satisfies(found.version, spec)) return finish(found, 'package-manager')
    notes.push(`the package manager gave valgrind ${found.version}, which does not meet '${spec}'`)
  } else if (parseVersionSpec(spec).kind === 'system') {
    throw new InstallError(
      `No supported package manager on ${host.distro.prettyName} (supported: apt, dnf, yum, apk, pacman, zypper). Set valgrind-version to a release such as 3.26.0 to build valgrind from source, or install valgrind yourself and set install: never.`
    )
  }

  await ensureLibcDebugSymbols(host, notes)
  // Loaded only here: the download and build code (with its HTTP client) costs every run's start.
  const { installFromSource } = await import('./source-build.js')
  const built = await installFromSource(common)
  return finish(built.found, built.source)
}
