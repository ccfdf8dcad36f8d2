// The command line's output directory in a shared temp folder: another user who created it first
// could swap the XML and make the CLI print "Passed". It is private, and refused when it is not.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { makeWorkspace, repoRoot } from './support/run-action.js'

function cli(args: string[], cwd: string, tmpdir: string) {
  const node = process.env.E2E_NODE ?? process.execPath
  return spawnSync(node, [path.join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: tmpdir }
  })
}

const uid = process.getuid!()
const NOBODY = 65534

describe('the CLI output directory', () => {
  let workspace: string
  let tmpdir: string
  beforeEach(() => {
    workspace = makeWorkspace(['leaks'])
    tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-shared-tmp-'))
    fs.chmodSync(tmpdir, 0o1777) // like /tmp
  })

  it('is a directory of this user with mode 0700 by default', () => {
    const result = cli(['./build/leaks'], workspace, tmpdir)
    expect(result.status).toBe(1)
    const dir = path.join(tmpdir, `valgrind-action-${uid}`)
    const stat = fs.statSync(dir)
    expect(stat.uid).toBe(uid)
    expect(stat.mode & 0o777).toBe(0o700)
    expect(result.stdout).toContain(`Report: ${dir}/run-`)
  })

  it('is refused when another user could write to it', () => {
    const dir = path.join(tmpdir, `valgrind-action-${uid}`)
    fs.mkdirSync(dir)
    fs.chmodSync(dir, 0o777)
    const result = cli(['./build/leaks'], workspace, tmpdir)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      `The output directory '${dir}' can be written by other users (mode 0777)`
    )
    expect(fs.readdirSync(dir)).toEqual([])
  })

  const asRoot = uid === 0 ? it : it.skip
  asRoot('is refused when another user created it (default and --output-directory)', () => {
    const dir = path.join(tmpdir, `valgrind-action-${uid}`)
    fs.mkdirSync(dir, { mode: 0o755 })
    fs.chownSync(dir, NOBODY, NOBODY)
    const result = cli(['./build/leaks'], workspace, tmpdir)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      `The output directory '${dir}' belongs to another user (uid ${NOBODY}; you are uid 0)`
    )
    expect(result.stdout).not.toContain('Passed')
    const given = cli(['--output-directory', dir, './build/leaks'], workspace, tmpdir)
    expect(given.status).toBe(2)
    expect(fs.readdirSync(dir)).toEqual([])
  })
})
