// Line numbers from debug information are data: only a positive whole number that is a line of
// the file places a finding.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { findingLocation, workspaceLineCounter } from '../src/analysis/location.js'
import { parseValgrindXmlFile } from '../src/parse/xml.js'
import { fixturesDir } from './support/paths.js'

describe('line numbers', () => {
  it.each(['-3', '99999999999999999999', '1e3', '0', 'x'])(
    'reads <line>%s</line> as no line',
    async (line) => {
      const xml = fs
        .readFileSync(path.join(fixturesDir, 'xml', 'protocol6-leaks.xml'), 'utf8')
        .replace('<line>16</line>', `<line>${line}</line>`)
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vg-line-')), 'x.xml')
      fs.writeFileSync(file, xml)
      const run = await parseValgrindXmlFile(file)
      const frame = run.findings
        .flatMap((f) => f.stack)
        .find((f) => f.file === 'big_leaks.c' && f.dir === '/home/runner/work/demo/demo/src')
      expect(frame).toBeDefined()
      const frames = run.findings.flatMap((f) => f.stack).filter((f) => f.line !== undefined)
      for (const f of frames) expect(f.line).toBeGreaterThanOrEqual(1)
    }
  )

  it('places a finding only on a line the file has', () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-ws-'))
    fs.writeFileSync(path.join(workspace, 'a.c'), 'one\ntwo\nthree\n')
    const frame = (line: number) => ({ ip: '0x1', fn: 'f', dir: workspace, file: 'a.c', line })
    const count = workspaceLineCounter(workspace)
    expect(count('a.c')).toBe(3)
    expect(findingLocation([frame(3)], workspace, count)).toEqual({ file: 'a.c', line: 3, fn: 'f' })
    expect(findingLocation([frame(4)], workspace, count)).toBeUndefined()
    expect(findingLocation([frame(99999999999), frame(2)], workspace, count)).toEqual({
      file: 'a.c',
      line: 2,
      fn: 'f'
    })
    expect(findingLocation([frame(-3)], workspace, count)).toBeUndefined()
  })
})

describe('relative source directories (a reproducible build: -ffile-prefix-map=$PWD=.)', () => {
  it("places a frame whose directory is relative on the workspace's file, and only on one that is there", () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-ws-rel-'))
    fs.mkdirSync(path.join(workspace, 'src'))
    fs.writeFileSync(path.join(workspace, 'src', 'tree.c'), 'a\nb\nc\nd\ne\n')
    const frame = (fn: string, dir: string | undefined, file: string, line: number) => ({
      ip: '0x1',
      fn,
      dir,
      file,
      line
    })
    expect(findingLocation([frame('node_new', './src', 'tree.c', 5)], workspace)).toEqual({
      file: 'src/tree.c',
      line: 5,
      fn: 'node_new'
    })
    // glibc's own relative directories name nothing in the workspace; a bare name is too little.
    expect(findingLocation([frame('strlen', './string', 'strlen.c', 3)], workspace)).toBeUndefined()
    expect(findingLocation([frame('f', undefined, 'tree.c', 2)], workspace)).toBeUndefined()
    fs.rmSync(workspace, { recursive: true, force: true })
  })
})
