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
    const body = finding.suppression
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '<insert_a_suppression_name_here>')
      .join('\n')
    if (bodies.has(body)) continue
    bodies.add(body)
    blocks.push(namedSuppression(finding, finding.suppression))
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
