// A finding's identity across commits: what the SARIF `partialFingerprints` carry and what a
// baseline matches findings by. `Finding.key` cannot serve: it holds line numbers, and adding a
// line above a leak must not turn it into a new finding. The identity is the tool, the kind (and
// for errors the text without addresses), and the user's frames as function name + source file
// name. File names, not workspace paths: a base commit checked out into a subdirectory (to
// profile it in the same job) must match the head's findings.
import { hash as digest } from 'node:crypto'
import * as path from 'node:path'
import type { Finding, Frame, SourceLocation } from '../model.js'
import { isRuntimeFrame, visibleFrames } from './runtime-frames.js'
import { FrameMemo } from './frame-memo.js'
import { compareFileNames } from './findings.js'

/** Version of the identity scheme: a change of the recipe must not silently match old ones. */
export const IDENTITY_VERSION = 'v1'

/**
 * GCC's clones of one function (`lose.constprop.0`, `lose.isra.0`, `lose.part.0`, `lose.cold`)
 * come and go with unrelated edits: they name the same source function.
 */
function functionName(fn: string): string {
  return fn.replace(/(\.(constprop|isra|part|cold|lto_priv)(\.\d+)?)+$/, '')
}

const frameIdentities = new FrameMemo<string>(['fn', 'file', 'obj'], (frame) => {
  const file = frame.file ?? (frame.obj !== undefined ? frame.obj : '')
  return `${functionName(frame.fn ?? '???')}@${path.basename(file)}`
})

function frameIdentity(frame: Frame): string {
  return frameIdentities.of(frame)
}

/** The frames that belong to the user's code: the visible stack without runtime frames. */
export function userFrames(stack: readonly Frame[]): Frame[] {
  return visibleFrames(stack, Number.MAX_SAFE_INTEGER).filter((frame) => !isRuntimeFrame(frame))
}

/** The error text without what varies from run to run: addresses, thread numbers. */
function textIdentity(finding: Pick<Finding, 'what' | 'leak'>): string {
  if (finding.leak !== undefined) return ''
  // The first line (found, not split off: a text can have many).
  const end = finding.what.indexOf('\n')
  return (end === -1 ? finding.what : finding.what.slice(0, end))
    .trim()
    .replace(/0x[0-9A-Fa-f]+/g, '0x')
    .replace(/thread #\d+/g, 'thread #')
}

/** The recipe before hashing (exported for tests that show what it is made of). */
export function identityText(
  finding: Pick<Finding, 'tool' | 'kind' | 'what' | 'leak' | 'stack'>
): string {
  let text = `${finding.tool}\n${finding.kind}\n${textIdentity(finding)}`
  let userFrames = 0
  for (const frame of visibleFrames(finding.stack, Number.MAX_SAFE_INTEGER)) {
    if (isRuntimeFrame(frame)) continue
    text += `\n${frameIdentity(frame)}`
    userFrames++
  }
  if (userFrames > 0) return text
  // No user frame at all (a leak inside a library's own start-up): the whole visible stack.
  for (const frame of visibleFrames(finding.stack)) text += `\n${frameIdentity(frame)}`
  return text
}

function hash(text: string, length = 32): string {
  return digest('sha256', text).slice(0, length)
}

type RecipeSource = Pick<Finding, 'tool' | 'kind' | 'what' | 'leak' | 'stack'>

/**
 * Recipe hashes worked out ahead (the engine hands in each record as the XML follower reads it,
 * while valgrind still runs). Kept by stack: a finding keeps the stack of its first record, and a
 * stack belongs to one record, whose tool, kind and text never change once read.
 */
export class RecipeHashes {
  private readonly hashes = new WeakMap<readonly Frame[], string>()

  prepare(record: RecipeSource): void {
    if (!this.hashes.has(record.stack)) this.hashes.set(record.stack, recipeHash(record))
  }

  of(finding: RecipeSource): string {
    return this.hashes.get(finding.stack) ?? recipeHash(finding)
  }
}

function recipeHash(finding: RecipeSource): string {
  return hash(identityText(finding))
}

/** The source text of a finding's line (from the workspace), when it can be read. */
export type LineText = (location: SourceLocation) => string | undefined

/**
 * Gives every finding its `fingerprint`: `v1:<recipe>:<line text>:<n>`. The recipe (tool, kind,
 * user frames) is what identifies a finding; two allocations in one function called the same way
 * share it, and are told apart by the text of their line (whitespace-insensitive, as code
 * scanning's own line hash) and then by their order in the file. Lines added above change none of
 * the three. `compareWithBaseline` falls back to the recipe alone when the line itself was edited.
 */
export function assignFingerprints(
  findings: readonly Finding[],
  lineText?: LineText,
  recipes?: RecipeHashes
): Finding[] {
  // Findings on one line share its text: each text is hashed once.
  const textParts = new Map<string, string>()
  const textPart = (text: string): string => {
    let part = textParts.get(text)
    if (part === undefined) {
      part = hash(text.replace(/\s+/g, ' ').trim(), 12)
      textParts.set(text, part)
    }
    return part
  }
  const prefixes = findings.map((finding) => {
    const text = finding.location !== undefined ? lineText?.(finding.location) : undefined
    const recipe = recipes?.of(finding) ?? recipeHash(finding)
    return `${IDENTITY_VERSION}:${recipe}:${text !== undefined ? textPart(text) : '-'}`
  })
  // Most findings have a prefix of their own (numbered 1); those that share one are numbered in
  // file order.
  const groups = new Map<string, Finding[]>()
  prefixes.forEach((prefix, index) => {
    const group = groups.get(prefix)
    if (group === undefined) groups.set(prefix, [findings[index]])
    else group.push(findings[index])
  })
  const numbers = new Map<Finding, number>()
  for (const group of groups.values()) {
    if (group.length > 1)
      inFileOrder(group).forEach((finding, index) => numbers.set(finding, index + 1))
  }
  return findings.map((finding, index) => ({
    ...finding,
    fingerprint: `${prefixes[index]}:${numbers.get(finding) ?? 1}`
  }))
}

/** The recipe part of a fingerprint: what a finding is, wherever its line moved or changed. */
export function recipeOf(fingerprint: string | undefined): string | undefined {
  return fingerprint?.split(':').slice(0, 2).join(':')
}

export function inFileOrder<T extends Pick<Finding, 'location' | 'key'>>(
  findings: readonly T[]
): T[] {
  return [...findings].sort(
    (a, b) =>
      compareFileNames(a.location?.file ?? '', b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  )
}
