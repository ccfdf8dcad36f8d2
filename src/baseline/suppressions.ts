// A valgrind suppressions file covering the current findings, from the suppressions valgrind wrote
// itself (`--gen-suppressions=all`, in the XML): committing it lets a team adopt the action with
// its known findings silenced, and fix them one by one by deleting entries.
import type { Finding } from '../model.js'
import { kindLabel, toolLabel } from '../report/format.js'

/** The `{ ... }` block with a name that says what it silences instead of valgrind's placeholder. */
function namedSuppression(finding: Finding, text: string): string {
  const where = finding.location
    ? ` at ${finding.location.fn ?? '???'} (${finding.location.file})`
    : finding.stack[0]?.fn !== undefined
      ? ` in ${finding.stack[0].fn}`
      : ''
  const name = `valgrind-action: ${toolLabel(finding.tool)} ${kindLabel(finding.kind)}${where}`
  const lines = text.trim().split('\n')
  const placeholder = lines.findIndex((line) => line.trim() === '<insert_a_suppression_name_here>')
  if (placeholder >= 0) lines[placeholder] = `   ${name.replace(/[{}\n]/g, '')}`
  return lines.join('\n')
}

/** A Rust symbol's legacy-mangled hash, `17h<16 hex digits>E`: it changes with every build. */
const RUST_HASH = /17h[0-9a-f]{16}E/
const RUST_HASHES = new RegExp(RUST_HASH.source, 'g')

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index])) return index
  return -1
}
/** `_ZN<length><crate>...`: the crate a legacy-mangled Rust symbol belongs to. */
const RUST_CRATE = /^_ZN(\d+)/
/** The standard library's crates and std's own dependencies: their frames change with the toolchain. */
const RUST_RUNTIME_CRATES = new Set([
  'std',
  'core',
  'alloc',
  'test',
  'panic_unwind',
  'panic_abort',
  'hashbrown',
  'gimli',
  'addr2line',
  'object',
  'miniz_oxide',
  'rustc_demangle',
  'std_detect',
  '__rustc'
])

function rustCrateOf(symbol: string): string | undefined {
  const length = RUST_CRATE.exec(symbol)
  if (length === null) return undefined
  const start = length[0].length
  return symbol.slice(start, start + Number(length[1]))
}

/**
 * A suppression valgrind wrote for Rust code, made to outlive the build: the symbols' hashes (new
 * with every version bump or toolchain) become `*`, the standard library's frames (new with every
 * toolchain) one `...`, and the frames below the last of the crate's own (libtest's harness) go.
 * Valgrind matches a suppression against the top of a stack, so what remains still matches the
 * finding, and only it. Other suppressions are returned as they are. Pure.
 */
export function durableSuppression(text: string): string {
  const lines = text.split('\n')
  const frames = lines
    .map((line, index) => ({ index, symbol: /^\s*fun:(.*)$/.exec(line)?.[1] }))
    .filter((frame): frame is { index: number; symbol: string } => frame.symbol !== undefined)
  if (!frames.some((frame) => RUST_HASH.test(frame.symbol))) return text
  const isUsers = (symbol: string): boolean => {
    const crate = rustCrateOf(symbol)
    return crate !== undefined && !RUST_RUNTIME_CRATES.has(crate)
  }
  const lastUsers = lastIndexWhere(frames, (frame) => isUsers(frame.symbol))
  if (lastUsers === -1) return text
  const firstFrameLine = lines.findIndex((line) => /^\s*(fun|obj):|^\s*\.\.\.\s*$/.test(line))
  const closing = lastIndexWhere(lines, (line) => line.trim() === '}')
  if (firstFrameLine === -1 || closing === -1) return text
  const indent = /^(\s*)fun:/.exec(lines[frames[0].index])?.[1] ?? '   '
  const kept: string[] = []
  const frameLines = lines.slice(firstFrameLine, frames[lastUsers].index + 1)
  frameLines.forEach((line, at) => {
    const symbol = /^\s*fun:(.*)$/.exec(line)?.[1]
    // The crate's own frames stay; so does the first, a C function (malloc, or where the error
    // was). Everything else is the toolchain's (std's frames, mangled or inlined by name).
    const first =
      at === 0 &&
      symbol !== undefined &&
      rustCrateOf(symbol) === undefined &&
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol)
    if ((symbol !== undefined && isUsers(symbol)) || first) {
      kept.push(line.replace(RUST_HASHES, '17h*E'))
    } else if (kept.at(-1)?.trim() !== '...') {
      kept.push(`${indent}...`)
    }
  })
  return [...lines.slice(0, firstFrameLine), ...kept, ...lines.slice(closing)].join('\n')
}

/** The file's text; undefined entries (findings valgrind wrote no suppression for) are counted. */
export function suppressionsFile(findings: readonly Finding[]): {
  text: string
  written: number
  missing: number
} {
  const blocks: string[] = []
  const bodies = new Set<string>()
  let missing = 0
  for (const finding of findings) {
    if (finding.suppression === undefined) {
      missing += 1
      continue
    }
    // Two findings can share one suppression (same function chain): write it once.
    const suppression = durableSuppression(finding.suppression)
    const body = suppression
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '<insert_a_suppression_name_here>')
      .join('\n')
    if (bodies.has(body)) continue
    bodies.add(body)
    blocks.push(namedSuppression(finding, suppression))
  }
  const header = [
    '# Valgrind suppressions for the findings valgrind-action saw (written with --gen-suppressions=all).',
    "# Pass this file in the action's 'suppressions' input; delete an entry once its finding is fixed.",
    ''
  ]
  return {
    text: [...header, ...blocks.map((b) => `${b}\n`)].join('\n'),
    written: blocks.length,
    missing
  }
}
