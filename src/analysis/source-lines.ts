// Reads the source line a finding points at, for its identity (analysis/identity.ts). The I/O
// edge of an otherwise pure computation: each file is read once; what cannot be read (deleted,
// generated elsewhere, huge) simply has no text, and the identity does without it.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { LineText } from './identity.js'

const MAX_SOURCE_BYTES = 8 * 1024 * 1024

export function workspaceLineReader(workspace: string): LineText {
  const files = new Map<string, string[] | undefined>()
  const linesOf = (file: string): string[] | undefined => {
    if (files.has(file)) return files.get(file)
    let lines: string[] | undefined
    try {
      const absolute = path.resolve(workspace, file)
      if (fs.statSync(absolute).size <= MAX_SOURCE_BYTES) {
        lines = fs.readFileSync(absolute, 'utf8').split('\n')
      }
    } catch {
      lines = undefined
    }
    files.set(file, lines)
    return lines
  }
  return (location) => linesOf(location.file)?.[location.line - 1]
}
