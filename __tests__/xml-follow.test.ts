// The follower parses a pass's XML files while they are written. Whatever happens to the files
// meanwhile (written in pieces, moved as the exec launcher moves an image's file, truncated in place
// by an exec without the launcher, deleted), its result must be what parsing the directory after
// the run gives. The writers here are simulated with real sample files and real timing.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseOutputDirectory, XmlDirectoryFollower } from '../src/parse/directory.js'
import { samplesDir } from './support/paths.js'
import type { RawFinding } from '../src/model.js'

const sample = (name: string, file: string): Buffer =>
  fs.readFileSync(path.join(samplesDir, name, file))
const RUST = sample('rust_nextest_style', 'vg.3638.xml')
const LEAKS = sample('leaks', 'leaks.xml')
const EXEC_PARENT = sample('fork_exec_trace_children', 'fork_exec.2736.xml')

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Appends `bytes` to `file` in `pieces` writes, with a pause after each (the follower polls). */
async function writeInPieces(file: string, bytes: Buffer, pieces: number, ms = 15) {
  const size = Math.ceil(bytes.length / pieces)
  for (let start = 0; start < bytes.length; start += size) {
    fs.appendFileSync(file, bytes.subarray(start, start + size))
    await pause(ms)
  }
}

let dirs: string[] = []
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-follow-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  dirs = []
})

/** The follower's result next to a fresh parse of the directory as it ends up. */
async function bothWays(dir: string, follower: XmlDirectoryFollower) {
  const followed = await follower.finish()
  const afterwards = await parseOutputDirectory(dir)
  return { followed, afterwards }
}

describe('XmlDirectoryFollower', () => {
  it('reads files written in many small pieces as a parse afterwards does', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5)
    follower.start()
    await writeInPieces(path.join(dir, '100.xml'), RUST, 40, 5)
    await writeInPieces(path.join(dir, '101.xml'), LEAKS, 7, 5)
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed.runs).toHaveLength(2)
    expect(followed.runs[0].findings.length).toBeGreaterThan(0)
    expect(followed).toEqual(afterwards)
    // Read while written, not again at the end.
    expect(follower.counts).toEqual({ followed: 2, readAtEnd: 0 })
  })

  it('hands on each finding once, while the file is written, and the runs it returns hold those very findings', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5)
    const handed: RawFinding[] = []
    let handedWhileWriting = 0
    follower.onFindings((findings) => handed.push(...findings))
    follower.start()
    await writeInPieces(path.join(dir, '100.xml'), RUST, 40, 5)
    handedWhileWriting = handed.length
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed).toEqual(afterwards)
    const findings = followed.runs[0].findings
    expect(findings.length).toBeGreaterThan(1)
    expect(handedWhileWriting).toBeGreaterThan(0)
    // Each once, in file order, the same objects the run holds (a cache keyed by them is valid).
    expect(handed).toHaveLength(new Set(handed).size)
    expect(findings.slice(0, handed.length)).toEqual(handed)
    handed.forEach((finding, index) => expect(finding).toBe(findings[index]))
  })

  it('keeps following when the findings callback throws', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5)
    follower.onFindings(() => {
      throw new Error('a bug in work done ahead')
    })
    follower.start()
    await writeInPieces(path.join(dir, '100.xml'), RUST, 10, 5)
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed).toEqual(afterwards)
    expect(follower.counts).toEqual({ followed: 1, readAtEnd: 0 })
  })

  it('reads a file cut short (valgrind killed) as cut short, with its findings', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5)
    follower.start()
    await writeInPieces(path.join(dir, '7.xml'), RUST.subarray(0, RUST.length / 2), 10, 5)
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed.runs[0].complete).toBe(false)
    expect(followed.warnings.join('\n')).toMatch(/ends early/)
    expect(followed).toEqual(afterwards)
  })

  it('reads a file the launcher moved away, and the new image’s file under the old name, apart', async () => {
    const dir = tempDir()
    // Every poll looks again at files read to their end (by default every tenth).
    const follower = new XmlDirectoryFollower(dir, 5, 1)
    follower.start()
    const name = path.join(dir, '200.xml')
    // The first image writes part of its file, is followed, then execs: the launcher closes and
    // moves it; the new image starts a new file under the same name.
    await writeInPieces(name, EXEC_PARENT, 4, 20)
    fs.renameSync(name, path.join(dir, '200-1.xml'))
    await pause(20)
    await writeInPieces(name, LEAKS, 4, 20)
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed.runs.map((run) => path.basename(run.file))).toEqual(['200-1.xml', '200.xml'])
    expect(followed).toEqual(afterwards)
    // The moved file is read again under its new name; the new image's file was followed.
    expect(follower.counts).toEqual({ followed: 1, readAtEnd: 1 })
  })

  it('reads a file truncated in place and rewritten (an exec without the launcher) as it ends up', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5)
    follower.start()
    const name = path.join(dir, '300.xml')
    await writeInPieces(name, RUST, 6, 20)
    // Truncated and rewritten between two polls, longer than what was read before.
    fs.writeFileSync(name, Buffer.concat([LEAKS, LEAKS, LEAKS, LEAKS, LEAKS, LEAKS, LEAKS]))
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed).toEqual(afterwards)
    expect(follower.counts).toEqual({ followed: 0, readAtEnd: 1 })
  })

  it('reads a file again whole when something was appended after its end (two processes, one file)', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5, 1)
    follower.start()
    const name = path.join(dir, '500.xml')
    await writeInPieces(name, LEAKS, 2, 20)
    await pause(30) // read to its end, its descriptor closed
    fs.appendFileSync(name, LEAKS)
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed.warnings.join('\n')).toMatch(/content after <\/valgrindoutput> was ignored/)
    expect(followed).toEqual(afterwards)
    expect(follower.counts).toEqual({ followed: 0, readAtEnd: 1 })
  })

  it('leaves out a file deleted while followed (a forked child’s file with no record)', async () => {
    const dir = tempDir()
    const follower = new XmlDirectoryFollower(dir, 5)
    follower.start()
    await writeInPieces(path.join(dir, '400.xml'), LEAKS.subarray(0, 800), 2, 20)
    fs.rmSync(path.join(dir, '400.xml'))
    await writeInPieces(path.join(dir, '401.xml'), LEAKS, 3, 10)
    const { followed, afterwards } = await bothWays(dir, follower)
    expect(followed.runs.map((run) => path.basename(run.file))).toEqual(['401.xml'])
    expect(followed).toEqual(afterwards)
  })

  it('gives an empty result for a directory that never appeared, and can finish twice', async () => {
    const dir = path.join(tempDir(), 'never')
    const follower = new XmlDirectoryFollower(dir, 5)
    follower.start()
    await pause(20)
    expect(await follower.finish()).toEqual({ runs: [], warnings: [] })
    expect(await follower.finish()).toEqual({ runs: [], warnings: [] })
  })
})
