// A callgrind out-file is line based, and callgrind writes names as they are: a function name or
// an argument with a line break adds lines of the program's choosing. None of them may change a
// count: header lines count only in the header, `totals:` only as the file's last line.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readCallgrindFile } from '../src/callgrind/reader.js'

function profileFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-cg-'))
  const file = path.join(dir, 'callgrind.out.42')
  fs.writeFileSync(file, text)
  return file
}

const header = (cmd: string) =>
  `version: 1\ncreator: callgrind-3.19.0\npid: 42\ncmd: ${cmd}\npart: 1\n\npositions: line\nevents: Ir Dr\nsummary: 130 7\n\n`

describe('callgrind totals against names with line breaks', () => {
  it('ignores totals:, summary:, events: and part: lines inside the profile', async () => {
    const file = profileFile(
      header('./hot') +
        'fl=(1) hot.c\nfn=(1) hot\ntotals: 999999999999 0\nsummary: 999999999999 0\nevents: Dr Ir\npart: 2\n2 100 5\n' +
        'fn=(2) main\n3 30 2\n\ntotals: 130 7\n'
    )
    const profile = await readCallgrindFile(file)
    expect(profile.totals).toEqual({ Ir: 130, Dr: 7 })
    expect(profile.summaryTotals).toEqual({ Ir: 130, Dr: 7 })
    expect(profile.parts).toBe(1)
    expect(profile.warnings).toEqual([
      expect.stringContaining('4 header line(s) inside the profile ignored')
    ])
  })

  it('ignores a totals: that more of the profile follows', async () => {
    const file = profileFile(
      header('./hot') + 'fn=(1) hot\n2 100 5\ntotals: 999999999999 0\nfn=(2) main\n3 30 2\n'
    )
    const profile = await readCallgrindFile(file)
    // No trustworthy totals: line, so the header's summary: (written before any name) is used.
    expect(profile.totals).toEqual({ Ir: 130, Dr: 7 })
  })

  it('reads a command line as callgrind writes it, line breaks escaped', async () => {
    // Callgrind writes `\n` for a line break in an argument: the command adds no header line.
    const file = profileFile(
      header('./hot x\\nsummary: 888888888888 0') +
        'fn=(1) hot\n2 100 5\nfn=(2) main\n3 30 2\n\ntotals: 130 7\n'
    )
    const profile = await readCallgrindFile(file)
    expect(profile.args).toEqual(['x\\nsummary:', '888888888888', '0'])
    expect(profile.summaryTotals).toEqual({ Ir: 130, Dr: 7 })
    expect(profile.warnings).toEqual([])
  })
})
