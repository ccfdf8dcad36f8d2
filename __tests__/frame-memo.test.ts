// The caches and orders that keep the report stages cheap on tens of thousands of findings: each
// must answer exactly what the uncached computation answers.
import { compareFileNames } from '../src/analysis/findings.js'
import { FrameMemo } from '../src/analysis/frame-memo.js'
import type { Frame } from '../src/model.js'

describe('FrameMemo', () => {
  it('computes an answer once per distinct value of the fields it depends on', () => {
    const asked: Frame[] = []
    const memo = new FrameMemo(['fn', 'line'], (frame) => {
      asked.push(frame)
      return `${frame.fn}:${frame.line}`
    })
    const a = { ip: '0x1', fn: 'f', file: 'a.c', line: 3 }
    const sameContent = { ip: '0x2', fn: 'f', file: 'b.c', line: 3 }
    const otherLine = { ip: '0x3', fn: 'f', file: 'a.c', line: 4 }
    expect([a, sameContent, otherLine, a].map((frame) => memo.of(frame))).toEqual([
      'f:3',
      'f:3',
      'f:4',
      'f:3'
    ])
    expect(asked).toEqual([a, otherLine])
  })

  it('tells a missing field from any value, and keeps answers that are undefined or false', () => {
    let computed = 0
    const memo = new FrameMemo(['obj'], (frame) => {
      computed++
      return frame.obj === undefined ? undefined : frame.obj === '' ? false : frame.obj
    })
    const frames: Frame[] = [{ ip: '0x1' }, { ip: '0x2', obj: '' }, { ip: '0x3', obj: 'x' }]
    expect(frames.map((frame) => memo.of(frame))).toEqual([undefined, false, 'x'])
    expect(frames.map((frame) => memo.of(frame))).toEqual([undefined, false, 'x'])
    expect(computed).toBe(3)
  })
})

describe('compareFileNames', () => {
  it('orders as localeCompare does', () => {
    const names = ['src/b.c', 'src/a.c', 'B.c', 'a.c', 'src/a.c', 'é.c', 'e.c', '\uffff']
    const expected = [...names].sort((a, b) => a.localeCompare(b))
    expect([...names].sort(compareFileNames)).toEqual(expected)
    expect(compareFileNames('x.c', 'x.c')).toBe(0)
  })
})
