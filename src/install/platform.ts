// Where we are (OS, architecture, distribution) and what installing means there, as plain
// functions of their inputs so every branch is testable on one Debian machine.

/** Valgrind cannot run here: the message says so and what to do instead. */
export class PlatformError extends Error {
  override name = 'PlatformError'
}

/** Installing failed or was not allowed: the message names the cause and the fix. */
export class InstallError extends Error {
  override name = 'InstallError'
}

// Node's process.arch names of the Linux architectures valgrind supports (valgrind.org
// "Supported Platforms": x86, amd64, arm, arm64, ppc32/64, s390x, mips32/64, loongarch64 since
// 3.22, riscv64 since 3.25).
const SUPPORTED_ARCHES = new Set([
  'x64',
  'ia32',
  'arm64',
  'arm',
  'ppc',
  'ppc64',
  's390x',
  'mips',
  'mipsel',
  'loong64',
  'riscv64'
])

/** Throws a PlatformError (clear message) on macOS/Windows/unsupported arch. Pure on its inputs. */
export function assertSupportedPlatform(platform: NodeJS.Platform, arch: string): void {
  if (platform === 'darwin' || platform === 'win32') {
    const os = platform === 'darwin' ? 'macOS' : 'Windows'
    throw new PlatformError(
      `valgrind does not run on ${os}. Run this step on a Linux runner (e.g. runs-on: ubuntu-latest).`
    )
  }
  if (platform !== 'linux') {
    throw new PlatformError(
      `This action runs valgrind on Linux only, and this runner's OS is '${platform}'. Run this step on a Linux runner (e.g. runs-on: ubuntu-latest).`
    )
  }
  if (!SUPPORTED_ARCHES.has(arch)) {
    throw new PlatformError(
      `valgrind does not support the '${arch}' architecture. Supported on Linux: ${[...SUPPORTED_ARCHES].join(', ')}. Run this step on an x64 or arm64 Linux runner.`
    )
  }
}

export type PackageFamily = 'apt' | 'dnf' | 'yum' | 'apk' | 'pacman' | 'zypper' | 'unknown'

export interface Distro {
  /** os-release ID, e.g. "ubuntu", "debian", "fedora". */
  id: string
  /** os-release VERSION_ID, e.g. "24.04", "12"; "" for rolling releases. */
  versionId: string
  idLike: string[]
  prettyName: string
  family: PackageFamily
}

/** Reads /etc/os-release text (key=value lines, values optionally quoted). */
export function detectDistro(osReleaseText: string): Distro {
  const fields = new Map<string, string>()
  for (const line of osReleaseText.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (!match) continue
    fields.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'))
  }
  const id = (fields.get('ID') ?? 'linux').toLowerCase()
  const versionId = fields.get('VERSION_ID') ?? ''
  const idLike = (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const names = [id, ...idLike]
  const has = (...candidates: string[]): boolean => candidates.some((c) => names.includes(c))
  let family: PackageFamily = 'unknown'
  if (has('debian', 'ubuntu')) family = 'apt'
  else if (has('alpine')) family = 'apk'
  else if (has('arch', 'archlinux')) family = 'pacman'
  else if (has('suse', 'opensuse', 'sles', 'opensuse-leap', 'opensuse-tumbleweed'))
    family = 'zypper'
  else if (has('fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'amzn', 'ol')) {
    // dnf since Fedora 22 / RHEL 8; yum on older RHEL clones and Amazon Linux 2.
    const major = Number(versionId.split('.')[0])
    const old = (id === 'amzn' && major === 2) || (has('rhel', 'centos') && major > 0 && major < 8)
    family = old ? 'yum' : 'dnf'
  }
  return { id, versionId, idLike, prettyName: fields.get('PRETTY_NAME') ?? id, family }
}

/** A command to run with root rights, and the environment it needs. */
export interface PrivilegedCommand {
  argv: string[]
  env: Record<string, string>
}

/** Runs argv as root: plainly when we are root, through `sudo -n` (never prompting) otherwise. */
export function asRoot(
  argv: string[],
  isRoot: boolean,
  hasSudo: boolean,
  env: Record<string, string> = {}
): PrivilegedCommand {
  if (isRoot) return { argv, env }
  if (!hasSudo) {
    throw new InstallError(
      `Installing valgrind needs root rights: '${argv.join(' ')}' must run as root, and this runner neither runs as root nor has sudo. Install valgrind in the image (and set install: never), or run as root.`
    )
  }
  // sudo resets the environment, so variables go through env(1) after it.
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`)
  return {
    argv: ['sudo', '-n', ...(assignments.length ? ['env', ...assignments] : []), ...argv],
    env: {}
  }
}

/** The packages that give valgrind, plus libc debug symbols so stacks through libc have names. */
export function valgrindPackages(family: PackageFamily): string[] {
  switch (family) {
    case 'apt':
      // Debian's and Ubuntu's ld.so is stripped: memcheck needs libc6-dbg for its mandatory
      // redirections (Debian's valgrind depends on it for that reason).
      return ['valgrind', 'libc6-dbg']
    case 'apk':
      return ['valgrind', 'musl-dbg']
    default:
      // Fedora, Arch and openSUSE serve libc symbols through debuginfod or separate debuginfo
      // repositories that are off by default; valgrind works without them.
      return ['valgrind']
  }
}

/** The non-interactive install command of the distribution's package manager. */
export function installCommand(
  distro: Distro,
  isRoot: boolean,
  hasSudo: boolean,
  packages: string[] = valgrindPackages(distro.family)
): PrivilegedCommand {
  switch (distro.family) {
    case 'apt':
      return asRoot(
        ['apt-get', 'install', '-y', '--no-install-recommends', ...packages],
        isRoot,
        hasSudo,
        {
          DEBIAN_FRONTEND: 'noninteractive'
        }
      )
    case 'dnf':
      return asRoot(['dnf', 'install', '-y', ...packages], isRoot, hasSudo)
    case 'yum':
      return asRoot(['yum', 'install', '-y', ...packages], isRoot, hasSudo)
    case 'apk':
      return asRoot(['apk', 'add', '--no-cache', ...packages], isRoot, hasSudo)
    case 'pacman':
      return asRoot(['pacman', '-S', '--noconfirm', '--needed', ...packages], isRoot, hasSudo)
    case 'zypper':
      return asRoot(['zypper', '--non-interactive', 'install', ...packages], isRoot, hasSudo)
    case 'unknown':
      throw new InstallError(
        `No supported package manager on ${distro.prettyName} (supported: apt, dnf, yum, apk, pacman, zypper). Set valgrind-version to a release such as 3.26.0 to build valgrind from source, or install valgrind yourself and set install: never.`
      )
  }
}

/** The cache key of one installation: everything that makes a restored copy usable here. */
export function cacheKey(parts: {
  platform: string
  distro: Pick<Distro, 'id' | 'versionId'>
  arch: string
  /** 'apt' for cached packages, 'source' for a built prefix. */
  method: string
  /** The exact version (source builds) or the version spec (packages). */
  version: string
  /** Anything else the copy depends on (the checksum of the tarball, the libc6 version). */
  extra?: string
}): string {
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9._+=-]+/g, '_')
  const fields = [
    'valgrind-action-1',
    parts.platform,
    parts.distro.id + (parts.distro.versionId ? `-${parts.distro.versionId}` : ''),
    parts.arch,
    parts.method,
    parts.version.replace(/^>=/, 'min'),
    ...(parts.extra ? [parts.extra] : [])
  ]
  return fields.map(clean).join('-')
}
