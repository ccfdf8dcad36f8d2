// mkdir -p without Node's recursive mkdir, which never returns for a path under /proc.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { makeDirectories } from '../src/run-directory.js'

describe('makeDirectories', () => {
  let tmp: string
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-mkdir-'))
  })
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('makes every missing directory, each with the mode asked for', () => {
    const dir = path.join(tmp, 'a', 'b', 'c')
    makeDirectories(dir, 0o700)
    for (const part of ['a', 'a/b', 'a/b/c']) {
      const stat = fs.statSync(path.join(tmp, part))
      expect(stat.isDirectory()).toBe(true)
      expect(stat.mode & 0o777).toBe(0o700)
    }
  })

  it('leaves a directory that exists as it is, and takes a relative path', () => {
    fs.mkdirSync(path.join(tmp, 'kept'), { mode: 0o755 })
    fs.chmodSync(path.join(tmp, 'kept'), 0o755)
    const cwd = process.cwd()
    process.chdir(tmp)
    try {
      makeDirectories('kept', 0o700)
      makeDirectories('kept/new')
    } finally {
      process.chdir(cwd)
    }
    expect(fs.statSync(path.join(tmp, 'kept')).mode & 0o777).toBe(0o755)
    expect(fs.statSync(path.join(tmp, 'kept', 'new')).isDirectory()).toBe(true)
  })

  it('throws ENOTDIR for a file in the way, at the end or above', () => {
    fs.writeFileSync(path.join(tmp, 'file'), '')
    expect(() => makeDirectories(path.join(tmp, 'file'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' })
    )
    expect(() => makeDirectories(path.join(tmp, 'file', 'below'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' })
    )
  })

  it('throws ENOENT under a link to nowhere', () => {
    fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(tmp, 'dangling'))
    expect(() => makeDirectories(path.join(tmp, 'dangling'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' })
    )
    expect(() => makeDirectories(path.join(tmp, 'dangling', 'out'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' })
    )
  })

  // Under /proc, where Node's recursive mkdir never returns, in gate-failures.e2e.test.ts: run in
  // a child process killed after 30 s, a regression fails there instead of hanging the tests.
})
