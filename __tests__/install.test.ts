// Getting a valgrind. Pure decisions are checked on data, and the valgrind already on this machine
// is found for real. Installing (apt-get as root, the Actions cache, a source build of a release
// tarball) changes the machine: install.system.test.ts.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  assertSupportedPlatform,
  cacheKey,
  compareVersions,
  describeInstall,
  detectDistro,
  ensureValgrind,
  installCommand,
  InstallError,
  parseValgrindVersion,
  PlatformError,
  releaseToBuild,
  satisfies,
  KNOWN_TARBALL_SHA256
} from '../src/install/index.js'
import { tarballChecksums } from '../src/install/releases.js'
import { upstreamOfDebianVersion } from '../src/install/version.js'
import { looksLikeStaleLists, parseAptCandidate } from '../src/install/package-manager.js'
import { hostValgrind, specAbove } from './support/host.js'

const OS_RELEASE = {
  ubuntu2204: `PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\n`,
  debian12: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n`,
  fedora: `NAME="Fedora Linux"\nVERSION_ID=40\nID=fedora\nPRETTY_NAME="Fedora Linux 40"\n`,
  rocky8: `NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\n`,
  amzn2: `NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\n`,
  alpine: `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.1\n`,
  arch: `NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n`,
  opensuse: `NAME="openSUSE Leap"\nVERSION_ID="15.6"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\n`,
  gentoo: `NAME=Gentoo\nID=gentoo\n`
}

describe('versions', () => {
  test('valgrind --version output gives the version', () => {
    expect(parseValgrindVersion('valgrind-3.19.0')).toBe('3.19.0')
    expect(parseValgrindVersion('valgrind-3.22.0.GIT\n')).toBe('3.22.0')
    expect(parseValgrindVersion('valgrind-3.18.1-Debian')).toBe('3.18.1')
    expect(parseValgrindVersion('bash: valgrind: command not found')).toBeUndefined()
  })

  test('Debian package versions give the upstream version', () => {
    expect(upstreamOfDebianVersion('1:3.19.0-1')).toBe('3.19.0')
    expect(upstreamOfDebianVersion('1:3.22.0-0ubuntu3')).toBe('3.22.0')
    expect(upstreamOfDebianVersion('3.18.1-1ubuntu2')).toBe('3.18.1')
  })

  test('versions compare numerically, part by part', () => {
    expect(compareVersions('3.19.0', '3.9.0')).toBe(1)
    expect(compareVersions('3.22', '3.22.0')).toBe(0)
    expect(compareVersions('3.18.1', '3.22.0')).toBe(-1)
  })

  test('specs: system takes anything, >= a minimum, an exact release only itself', () => {
    expect(satisfies('3.18.1', 'system')).toBe(true)
    expect(satisfies('3.18.1', '>=3.22')).toBe(false)
    expect(satisfies('3.22.0', '>=3.22')).toBe(true)
    expect(satisfies('3.26.0', '>=3.22')).toBe(true)
    expect(satisfies('3.26.0', '3.26.0')).toBe(true)
    expect(satisfies('3.26.1', '3.26.0')).toBe(false)
    expect(satisfies('3.26.1', '3.26')).toBe(true)
    expect(satisfies('3.27.0', '3.26')).toBe(false)
  })

  test('the release to build is the exact one asked for, or the newest known that meets a minimum', () => {
    const table = { ...KNOWN_TARBALL_SHA256 }
    expect(releaseToBuild('3.24.0', table)).toBe('3.24.0')
    expect(releaseToBuild('>=3.20', table)).toBe('3.26.0')
    expect(releaseToBuild('3.25', table)).toBe('3.25.1')
    expect(() => releaseToBuild('3.23.0', table)).toThrow(
      /knows no sha256 for valgrind-3.23.0.tar.bz2.*VALGRIND_ACTION_TARBALL_SHA256=3.23.0=<sha256>/
    )
    expect(() => releaseToBuild('>=4.0', table)).toThrow(/no release the action can build meets it/)
  })

  test('VALGRIND_ACTION_TARBALL_SHA256 extends the checksum table, and bad entries are named', () => {
    const sha = 'ab'.repeat(32)
    expect(tarballChecksums({ VALGRIND_ACTION_TARBALL_SHA256: `3.27.0=${sha}` })['3.27.0']).toBe(
      sha
    )
    expect(() => tarballChecksums({ VALGRIND_ACTION_TARBALL_SHA256: '3.27.0=abc' })).toThrow(
      /'3.27.0=abc' is not understood. Accepted: <version>=<64 hex digits of sha256>/
    )
  })
})

describe('platform and distribution', () => {
  test('macOS, Windows and unsupported architectures are refused with what to do', () => {
    expect(() => assertSupportedPlatform('darwin', 'arm64')).toThrow(PlatformError)
    expect(() => assertSupportedPlatform('darwin', 'arm64')).toThrow(
      'valgrind does not run on macOS. Run this step on a Linux runner (e.g. runs-on: ubuntu-latest).'
    )
    expect(() => assertSupportedPlatform('win32', 'x64')).toThrow(/does not run on Windows/)
    expect(() => assertSupportedPlatform('freebsd', 'x64')).toThrow(/Linux only.*'freebsd'/)
    expect(() => assertSupportedPlatform('linux', 's390')).toThrow(
      /does not support the 's390' architecture/
    )
    expect(() => assertSupportedPlatform('linux', 'x64')).not.toThrow()
    expect(() => assertSupportedPlatform('linux', 'arm64')).not.toThrow()
  })

  test('os-release text gives the distribution and its package manager', () => {
    expect(detectDistro(OS_RELEASE.ubuntu2204)).toMatchObject({
      id: 'ubuntu',
      versionId: '22.04',
      family: 'apt',
      prettyName: 'Ubuntu 22.04.4 LTS'
    })
    expect(detectDistro(OS_RELEASE.debian12)).toMatchObject({ id: 'debian', family: 'apt' })
    expect(detectDistro(OS_RELEASE.fedora).family).toBe('dnf')
    expect(detectDistro(OS_RELEASE.rocky8).family).toBe('dnf')
    expect(detectDistro(OS_RELEASE.amzn2).family).toBe('yum')
    expect(detectDistro(OS_RELEASE.alpine).family).toBe('apk')
    expect(detectDistro(OS_RELEASE.arch)).toMatchObject({ family: 'pacman', versionId: '' })
    expect(detectDistro(OS_RELEASE.opensuse).family).toBe('zypper')
    expect(detectDistro(OS_RELEASE.gentoo).family).toBe('unknown')
    expect(detectDistro('').id).toBe('linux')
  })

  test('install commands: plain as root, through sudo -n otherwise, refused without either', () => {
    const ubuntu = detectDistro(OS_RELEASE.ubuntu2204)
    expect(installCommand(ubuntu, true, false)).toEqual({
      argv: ['apt-get', 'install', '-y', '--no-install-recommends', 'valgrind', 'libc6-dbg'],
      env: { DEBIAN_FRONTEND: 'noninteractive' }
    })
    expect(installCommand(ubuntu, false, true).argv).toEqual([
      'sudo',
      '-n',
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      '--no-install-recommends',
      'valgrind',
      'libc6-dbg'
    ])
    expect(() => installCommand(ubuntu, false, false)).toThrow(
      /needs root rights.*neither runs as root nor has sudo/
    )
    expect(installCommand(detectDistro(OS_RELEASE.fedora), false, true).argv).toEqual([
      'sudo',
      '-n',
      'dnf',
      'install',
      '-y',
      'valgrind'
    ])
    expect(installCommand(detectDistro(OS_RELEASE.alpine), true, false).argv).toEqual([
      'apk',
      'add',
      '--no-cache',
      'valgrind',
      'musl-dbg'
    ])
    expect(installCommand(detectDistro(OS_RELEASE.arch), true, false).argv[0]).toBe('pacman')
    expect(installCommand(detectDistro(OS_RELEASE.opensuse), true, false).argv[0]).toBe('zypper')
    expect(() => installCommand(detectDistro(OS_RELEASE.gentoo), true, false)).toThrow(
      /No supported package manager on gentoo/
    )
  })

  test('cache keys name OS, distribution release, architecture and version, and are valid keys', () => {
    const key = cacheKey({
      platform: 'linux',
      distro: detectDistro(OS_RELEASE.ubuntu2204),
      arch: 'x64',
      method: 'source',
      version: '3.26.0',
      extra: '8d54c7170291'
    })
    expect(key).toBe('valgrind-action-1-linux-ubuntu-22.04-x64-source-3.26.0-8d54c7170291')
    const aptKey = cacheKey({
      platform: 'linux',
      distro: detectDistro(OS_RELEASE.debian12),
      arch: 'arm64',
      method: 'apt',
      version: '>=3.19',
      extra: 'libc6_2.36-9+deb12u14'
    })
    expect(aptKey).toBe('valgrind-action-1-linux-debian-12-arm64-apt-min3.19-libc6_2.36-9+deb12u14')
    expect(aptKey).not.toMatch(/,/)
  })

  test("apt's output is read for the candidate version and for stale package lists", () => {
    expect(
      parseAptCandidate('valgrind:\n  Installed: (none)\n  Candidate: 1:3.22.0-0ubuntu3\n')
    ).toBe('1:3.22.0-0ubuntu3')
    expect(parseAptCandidate('valgrind:\n  Installed: (none)\n  Candidate: (none)\n')).toBe(
      undefined
    )
    expect(looksLikeStaleLists('E: Unable to locate package valgrind')).toBe(true)
    expect(looksLikeStaleLists('E: Failed to fetch http://x/valgrind.deb  404  Not Found')).toBe(
      true
    )
    expect(looksLikeStaleLists('E: Could not get lock /var/lib/dpkg/lock-frontend')).toBe(false)
  })
})

// The tests below change PATH, VALGRIND_LIB and the toolkit's variables: each gets a fresh copy.
let savedEnv: NodeJS.ProcessEnv
beforeEach(() => {
  savedEnv = { ...process.env }
})
afterEach(() => {
  process.env = savedEnv
})

/** `text` matched literally inside a regular expression. */
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('the valgrind on this machine', () => {
  const host = hostValgrind()

  test('install: auto uses the runner valgrind when it meets the spec, and says so', async () => {
    const result = await ensureValgrind({
      install: 'auto',
      valgrindVersion: 'system',
      cache: false
    })
    expect(result).toMatchObject({
      version: host.version,
      valgrindPath: host.path,
      source: 'runner'
    })
    expect(result.seconds).toBeGreaterThanOrEqual(0)
    expect(describeInstall(result)).toMatch(
      new RegExp(
        `^valgrind ${escape(host.version)} at ${escape(host.path)} \\(already on the runner, \\d+\\.\\d s\\)$`
      )
    )
    const minimum = await ensureValgrind({
      install: 'never',
      valgrindVersion: `>=${host.version}`,
      cache: true
    })
    expect(minimum.source).toBe('runner')
  })

  test('install: never with no valgrind on PATH fails with what to do', async () => {
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-path-'))
    const attempt = ensureValgrind({ install: 'never', valgrindVersion: 'system', cache: false })
    await expect(attempt).rejects.toThrow(InstallError)
    await expect(
      ensureValgrind({ install: 'never', valgrindVersion: 'system', cache: false })
    ).rejects.toThrow(
      "valgrind is not on PATH, and input 'install' is 'never'. Install valgrind in an earlier step, or set install: auto to let the action install it."
    )
  })

  test('install: never with a valgrind older than the spec fails naming both versions', async () => {
    const spec = specAbove(host.version)
    await expect(
      ensureValgrind({ install: 'never', valgrindVersion: spec, cache: false })
    ).rejects.toThrow(
      `valgrind ${host.version} (${host.path}) does not meet valgrind-version '${spec}', and input 'install' is 'never'.`
    )
  })
})
