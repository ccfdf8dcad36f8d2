// Installing valgrind with the distribution's package manager. On Debian and Ubuntu the .deb files
// are also kept in the Actions cache, so a warm install is a `dpkg -i` of them: no `apt-get
// update`, no download.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import { cacheKey, asRoot, installCommand, InstallError, valgrindPackages } from './platform.js'
import { probeValgrind, run, tail, type Host, type ValgrindFound } from './host.js'
import { restoreFromCache, saveToCache } from './cache.js'
import { satisfies, upstreamOfDebianVersion } from './version.js'
import { indexedSha256, parseAptStanzas, sha256File } from './trust.js'

export interface PackageInstall {
  found: ValgrindFound
  source: 'cache' | 'package-manager'
}

const APT_LISTS = '/var/lib/apt/lists'

function aptListsPresent(): boolean {
  try {
    return fs.readdirSync(APT_LISTS).some((file) => /_Packages(\.\w+)?$/.test(file))
  } catch {
    return false
  }
}

/** "Candidate: 1:3.19.0-1" of `apt-cache policy`, or undefined for "(none)" or no such package. */
export function parseAptCandidate(policyOutput: string): string | undefined {
  const match = /Candidate:\s*(\S+)/.exec(policyOutput)
  return match && match[1] !== '(none)' ? match[1] : undefined
}

/** apt's words for lists that are missing or out of date (a retry after `apt-get update` helps). */
export function looksLikeStaleLists(output: string): boolean {
  return /Unable to locate package|has no installation candidate|Failed to fetch|Unable to fetch some archives|404\s+Not Found/i.test(
    output
  )
}

async function aptCandidate(pkg: string): Promise<string | undefined> {
  const result = await run(['apt-cache', 'policy', pkg], { announce: false })
  return result.exitCode === 0 ? parseAptCandidate(result.stdout) : undefined
}

/** Finds the valgrind a package installed (PATH may not hold it, e.g. in tests). */
async function installedValgrind(): Promise<ValgrindFound | undefined> {
  return (await probeValgrind('/usr/bin/valgrind')) ?? (await probeValgrind('valgrind'))
}

/**
 * Why cached .deb files are not trusted, or undefined when every one is: its sha256 must be the
 * one apt's package index (signed by the distribution) gives for its package, version and
 * architecture. Without package lists nothing can be checked, so nothing is trusted.
 */
export async function unverifiedPackage(debs: readonly string[]): Promise<string | undefined> {
  if (debs.length === 0) return 'the cache entry holds no .deb file'
  for (const deb of debs) {
    const fields = await run(['dpkg-deb', '-f', deb, 'Package', 'Version', 'Architecture'], {
      announce: false
    })
    const control = parseAptStanzas(fields.stdout)[0]
    if (fields.exitCode !== 0 || control === undefined) {
      return `${path.basename(deb)} is not a Debian package`
    }
    const pkg = {
      name: control.Package,
      version: control.Version ?? '',
      architecture: control.Architecture ?? ''
    }
    const show = await run(['apt-cache', 'show', `${pkg.name}=${pkg.version}`], {
      announce: false
    })
    const expected = indexedSha256(parseAptStanzas(show.stdout), pkg)
    if (expected === undefined) {
      return `apt's package lists do not know ${pkg.name} ${pkg.version} (${pkg.architecture}), so ${path.basename(deb)} cannot be checked`
    }
    const actual = sha256File(deb)
    if (actual !== expected) {
      return `${path.basename(deb)} has sha256 ${actual}, but apt's index gives ${expected} for ${pkg.name} ${pkg.version}`
    }
  }
  return undefined
}

/**
 * Installs with apt. Returns undefined when apt's valgrind does not meet the spec (the caller
 * then builds from source).
 */
export async function installWithApt(options: {
  host: Host
  spec: string
  useCache: boolean
  toolCacheDir: string
  notes: string[]
}): Promise<PackageInstall | undefined> {
  const { host, spec, useCache, notes } = options
  const root = (argv: string[]) =>
    asRoot(argv, host.isRoot, host.hasSudo, { DEBIAN_FRONTEND: 'noninteractive' })

  // The cached .deb files only fit the libc6 they were built against (libc6-dbg pins it).
  const libc = await run(['dpkg-query', '-W', '-f=${Version}', 'libc6'], { announce: false })
  const key = cacheKey({
    platform: host.platform,
    distro: host.distro,
    arch: host.arch,
    method: 'apt',
    version: spec,
    extra: libc.exitCode === 0 ? `libc6_${libc.stdout.trim()}` : undefined
  })
  const debDir = path.join(options.toolCacheDir, 'valgrind-debs', key)

  if (useCache && (await restoreFromCache([debDir], key, notes))) {
    const debs = fs.readdirSync(debDir).filter((file) => file.endsWith('.deb'))
    const untrusted = await unverifiedPackage(debs.map((deb) => path.join(debDir, deb)))
    if (untrusted !== undefined) {
      notes.push(`the cached packages were not installed: ${untrusted}; using apt-get instead`)
      fs.rmSync(debDir, { recursive: true, force: true })
    } else {
      const result = await run(root(['dpkg', '-i', ...debs.map((deb) => path.join(debDir, deb))]))
      const found = result.exitCode === 0 ? await installedValgrind() : undefined
      if (found && satisfies(found.version, spec)) {
        notes.push(
          `installed ${debs.join(', ')} from the Actions cache (key ${key}), each checked against apt's index`
        )
        return { found, source: 'cache' }
      }
      notes.push(`the cached packages did not install (${tail(result, 3)}); using apt-get instead`)
    }
  }

  let updated = false
  const update = async (reason: string): Promise<void> => {
    notes.push(`ran apt-get update: ${reason}`)
    const result = await run(root(['apt-get', 'update', '-q']))
    if (result.exitCode !== 0) {
      throw new InstallError(`'apt-get update' failed (exit ${result.exitCode}):\n${tail(result)}`)
    }
    updated = true
  }
  if (!aptListsPresent()) await update('the package lists were missing')

  let candidate = await aptCandidate('valgrind')
  if (!candidate && !updated) {
    await update('apt knew no valgrind package')
    candidate = await aptCandidate('valgrind')
  }
  const offered = candidate ? upstreamOfDebianVersion(candidate) : undefined
  if (!offered) {
    notes.push(`apt offers no valgrind package on ${host.distro.prettyName}`)
    return undefined
  }
  if (!satisfies(offered, spec)) {
    notes.push(`apt offers valgrind ${offered}, which does not meet valgrind-version '${spec}'`)
    return undefined
  }

  const packages = []
  for (const pkg of valgrindPackages('apt')) {
    if (pkg === 'valgrind' || (await aptCandidate(pkg))) packages.push(pkg)
    else notes.push(`${pkg} is not available here; stacks through libc may lack names`)
  }
  const install = installCommand(host.distro, host.isRoot, host.hasSudo, packages)
  let result = await run(install)
  if (result.exitCode !== 0 && !updated && looksLikeStaleLists(tail(result, 40))) {
    await update('the install failed on out-of-date package lists')
    result = await run(install)
  }
  if (result.exitCode !== 0) {
    throw new InstallError(
      `'${install.argv.join(' ')}' failed (exit ${result.exitCode}):\n${tail(result)}`
    )
  }
  const found = await installedValgrind()
  if (!found)
    throw new InstallError(`apt-get installed valgrind, but no working valgrind was found`)
  notes.push(`installed ${packages.join(', ')} with apt-get (valgrind ${candidate})`)

  if (useCache) {
    // `apt-get download` fetches the candidate .debs whatever the apt cache settings (Docker
    // images delete /var/cache/apt/archives after each install).
    fs.rmSync(debDir, { recursive: true, force: true })
    fs.mkdirSync(debDir, { recursive: true })
    const download = await run(['apt-get', 'download', ...packages], { cwd: debDir })
    if (download.exitCode === 0) await saveToCache([debDir], key, notes)
    else notes.push(`could not download the .deb files to cache them: ${tail(download, 3)}`)
  }
  return { found, source: 'package-manager' }
}

/** dnf, yum, apk, pacman, zypper: install, then report what came. No package caching there. */
export async function installWithOtherManager(host: Host, notes: string[]): Promise<ValgrindFound> {
  const install = installCommand(host.distro, host.isRoot, host.hasSudo)
  const result = await run(install)
  if (result.exitCode !== 0) {
    throw new InstallError(
      `'${install.argv.join(' ')}' failed (exit ${result.exitCode}):\n${tail(result)}`
    )
  }
  const found = await installedValgrind()
  if (!found) throw new InstallError(`'${install.argv.join(' ')}' ran, but no valgrind was found`)
  notes.push(
    `installed ${valgrindPackages(host.distro.family).join(', ')} with ${install.argv.find((word) => /^(dnf|yum|apk|pacman|zypper)$/.test(word))}`
  )
  core.debug(`valgrind ${found.version} at ${found.path}`)
  return found
}

/** Source builds on Debian/Ubuntu still need libc6-dbg (memcheck's redirections in ld.so). */
export async function ensureLibcDebugSymbols(host: Host, notes: string[]): Promise<void> {
  if (host.distro.family !== 'apt') return
  const status = await run(['dpkg-query', '-W', '-f=${Status}', 'libc6-dbg'], { announce: false })
  if (status.exitCode === 0 && status.stdout.includes('install ok installed')) return
  if (!aptListsPresent()) {
    await run(asRoot(['apt-get', 'update', '-q'], host.isRoot, host.hasSudo))
  }
  const result = await run(installCommand(host.distro, host.isRoot, host.hasSudo, ['libc6-dbg']))
  notes.push(
    result.exitCode === 0
      ? 'installed libc6-dbg so that stacks through libc have names'
      : `could not install libc6-dbg (memcheck may fail to start): ${tail(result, 3)}`
  )
}
