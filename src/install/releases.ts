// The valgrind releases the action can build from source: where tarballs come from and the
// sha256 each must have. Upstream publishes md5/sha1 sums only, so the action carries sha256 sums
// it checked against independent sources (Debian's signed source index, which ships upstream's
// own signature for 3.24.0; Homebrew, OpenEmbedded and other distributions' recipes).
import { compareVersions, parseVersionSpec } from './version.js'
import { InstallError } from './platform.js'

export const DEFAULT_DOWNLOAD_BASE = 'https://sourceware.org/pub/valgrind'

/** Environment variable: another base URL for `valgrind-<version>.tar.bz2` (a mirror, a test server). */
export const DOWNLOAD_BASE_ENV = 'VALGRIND_ACTION_DOWNLOAD_BASE'
/** Environment variable: extra or replacing checksums, "3.27.0=<sha256>[,<version>=<sha256>...]". */
export const TARBALL_SHA256_ENV = 'VALGRIND_ACTION_TARBALL_SHA256'

export const KNOWN_TARBALL_SHA256: Readonly<Record<string, string>> = {
  '3.19.0': 'dd5e34486f1a483ff7be7300cc16b4d6b24690987877c3278d797534d6738f02',
  '3.22.0': 'c811db5add2c5f729944caf47c4e7a65dcaabb9461e472b578765dd7bf6d2d4c',
  '3.24.0': '71aee202bdef1ae73898ccf7e9c315134fa7db6c246063afc503aef702ec03bd',
  '3.25.1': '61deb8d0727b45c268efdc1b3b6c9e679cd97cbf5ee4b28d1dead7c8b7a271af',
  '3.26.0': '8d54c717029106f1644aadaf802ab9692e53d93dd015cbd19e74190eba616bd7'
}

/** The checksum table in force: the built-in one, extended or overridden by the environment. */
export function tarballChecksums(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const table: Record<string, string> = { ...KNOWN_TARBALL_SHA256 }
  const raw = env[TARBALL_SHA256_ENV]?.trim()
  if (!raw) return table
  for (const item of raw.split(/[,\s]+/).filter(Boolean)) {
    const match = /^(\d+\.\d+\.\d+)=([0-9a-fA-F]{64})$/.exec(item)
    if (!match) {
      throw new InstallError(
        `${TARBALL_SHA256_ENV}: '${item}' is not understood. Accepted: <version>=<64 hex digits of sha256>, separated by commas, e.g. 3.26.0=8d54c717029106f1644aadaf802ab9692e53d93dd015cbd19e74190eba616bd7.`
      )
    }
    table[match[1]] = match[2].toLowerCase()
  }
  return table
}

export function downloadBase(env: NodeJS.ProcessEnv = process.env): string {
  return (env[DOWNLOAD_BASE_ENV]?.trim() || DEFAULT_DOWNLOAD_BASE).replace(/\/+$/, '')
}

export function tarballUrl(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${downloadBase(env)}/valgrind-${version}.tar.bz2`
}

/**
 * The release to build for a spec: an exact release as given; for "3.26" or ">=3.22" the newest
 * release with a known checksum that meets it. Throws when none does.
 */
export function releaseToBuild(spec: string, checksums: Record<string, string>): string {
  const parsed = parseVersionSpec(spec)
  const known = Object.keys(checksums).sort(compareVersions)
  const list = known.join(', ')
  if (parsed.kind === 'exact' && parsed.version.split('.').length === 3) {
    if (!checksums[parsed.version]) {
      throw new InstallError(
        `valgrind-version ${parsed.version}: the action knows no sha256 for valgrind-${parsed.version}.tar.bz2, so it will not build it (releases it can build: ${list}). Pick one of those, or give the checksum in ${TARBALL_SHA256_ENV}=${parsed.version}=<sha256>.`
      )
    }
    return parsed.version
  }
  const candidates = known.filter((version) => {
    if (parsed.kind === 'system') return true
    if (parsed.kind === 'minimum') return compareVersions(version, parsed.version) >= 0
    return version.startsWith(`${parsed.version}.`)
  })
  const newest = candidates.at(-1)
  if (!newest) {
    throw new InstallError(
      `valgrind-version '${spec}': no release the action can build meets it (releases it can build: ${list}). Give an exact release and its checksum in ${TARBALL_SHA256_ENV}.`
    )
  }
  return newest
}
