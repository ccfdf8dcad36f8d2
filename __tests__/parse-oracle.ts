// Ground truth for the parser tests, read from the samples' own files: `SUMMARY.txt` (what an
// independent Python reader derives from each XML) and `*text.stderr.txt` (valgrind's text output of
// an identical run: ERROR SUMMARY and LEAK SUMMARY).
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { LeakKind, SizeAndBlocks } from '../src/model.js'

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue }

/** Parses the Python literals SUMMARY.txt prints (dicts, lists, tuples, str, int, None, bools). */
export function parsePythonLiteral(source: string): PyValue {
  let pos = 0
  const skip = (): void => {
    while (/\s/.test(source[pos] ?? '')) pos++
  }
  const value = (): PyValue => {
    skip()
    const c = source[pos]
    if (c === '{') {
      pos++
      const object: { [key: string]: PyValue } = {}
      for (skip(); source[pos] !== '}'; skip()) {
        const key = String(value())
        skip()
        pos++ // ':'
        object[key] = value()
        skip()
        if (source[pos] === ',') pos++
        skip()
      }
      pos++
      return object
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')'
      pos++
      const list: PyValue[] = []
      for (skip(); source[pos] !== close; skip()) {
        list.push(value())
        skip()
        if (source[pos] === ',') pos++
        skip()
      }
      pos++
      return list
    }
    if (c === "'" || c === '"') {
      pos++
      let text = ''
      while (source[pos] !== c) {
        if (source[pos] === '\\') {
          const escaped = source[pos + 1]
          if (escaped === 'n') text += '\n'
          else if (escaped === 't') text += '\t'
          else if (escaped === 'x') {
            text += String.fromCharCode(parseInt(source.slice(pos + 2, pos + 4), 16))
            pos += 2
          } else text += escaped
          pos += 2
        } else text += source[pos++]
      }
      pos++
      return text
    }
    const word = /^(-?\d+|None|True|False)/.exec(source.slice(pos))
    if (!word) throw new Error(`cannot read a Python literal at ${source.slice(pos, pos + 30)}`)
    pos += word[0].length
    if (word[0] === 'None') return null
    if (word[0] === 'True') return true
    if (word[0] === 'False') return false
    return Number(word[0])
  }
  return value()
}

export interface XmlDerived {
  protocol: string
  tool: string
  argv: string[]
  kinds: Record<string, number>
  errors: number
  contexts: number
  suppcounts: [string, number][]
  leak: Record<string, [number, number]>
  fatal_signal: string | null
  finished: boolean
}

export interface SummaryEntry {
  sample: string
  file: string
  derived?: XmlDerived
  parseError?: string
}

/** Every `xml[...]` line of SUMMARY.txt. */
export function readSummary(samplesDir: string): SummaryEntry[] {
  const entries: SummaryEntry[] = []
  let sample = ''
  for (const line of fs.readFileSync(path.join(samplesDir, 'SUMMARY.txt'), 'utf8').split('\n')) {
    const header = /^## (\S+)/.exec(line)
    if (header) sample = header[1]
    const xml = /^\s+xml\[(.+?)\] \(\d+ B\): (.*)$/.exec(line)
    if (!xml) continue
    const value = parsePythonLiteral(xml[2]) as Record<string, PyValue>
    const entry: SummaryEntry = { sample, file: path.join(samplesDir, sample, xml[1]) }
    if (typeof value.parse_error === 'string') entry.parseError = value.parse_error
    else entry.derived = value as unknown as XmlDerived
    entries.push(entry)
  }
  return entries
}

export interface TextOracle {
  command: string
  errors?: { errors: number; contexts: number; suppressed: number; suppressedContexts: number }
  leaks?: Record<LeakKind, SizeAndBlocks>
  allFreed: boolean
}

const LEAK_LINE: Record<string, LeakKind> = {
  'definitely lost': 'definite',
  'indirectly lost': 'indirect',
  'possibly lost': 'possible',
  'still reachable': 'reachable'
}

const number = (text: string): number => Number(text.replace(/,/g, ''))

/** The text output of a run, one entry per process (`==PID==` prefix). */
export function readTextOracle(file: string): TextOracle[] {
  const byPid = new Map<string, TextOracle>()
  for (const line of fs.readFileSync(file, 'latin1').split('\n')) {
    const prefixed = /^==(\d+)== (.*)$/.exec(line)
    if (!prefixed) continue
    const [, pid, body] = prefixed
    let oracle = byPid.get(pid)
    if (!oracle) {
      oracle = { command: '', allFreed: false }
      byPid.set(pid, oracle)
    }
    const command = /^Command: (.*)$/.exec(body)
    if (command) oracle.command = command[1].trim()
    const errors =
      /ERROR SUMMARY: ([\d,]+) errors from ([\d,]+) contexts \(suppressed: ([\d,]+) from ([\d,]+)\)/.exec(
        body
      )
    if (errors) {
      oracle.errors = {
        errors: number(errors[1]),
        contexts: number(errors[2]),
        suppressed: number(errors[3]),
        suppressedContexts: number(errors[4])
      }
    }
    const leak =
      /^\s*(definitely lost|indirectly lost|possibly lost|still reachable): ([\d,]+) bytes in ([\d,]+) blocks/.exec(
        body
      )
    if (leak) {
      oracle.leaks ??= {
        definite: { bytes: 0, blocks: 0 },
        indirect: { bytes: 0, blocks: 0 },
        possible: { bytes: 0, blocks: 0 },
        reachable: { bytes: 0, blocks: 0 }
      }
      oracle.leaks[LEAK_LINE[leak[1]]] = { bytes: number(leak[2]), blocks: number(leak[3]) }
    }
    if (body.includes('All heap blocks were freed')) oracle.allFreed = true
  }
  return [...byPid.values()]
}
