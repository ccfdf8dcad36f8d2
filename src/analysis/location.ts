// Chooses the source line a finding is shown on: the first frame of its stack that lies in the
// user's workspace, skipping runtime frames (runtime-frames.ts: a frame there is never the user's
// bug, even when the workspace contains such code).
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Frame, SourceLocation } from '../model.js'
import { isRuntimeFrame } from './runtime-frames.js'
import { FrameMemo } from './frame-memo.js'

/** Per workspace, each frame's path relative to it. */
const relativePaths = new Map<string, FrameMemo<string | undefined>>()

/** The absolute path of a frame's source file, when valgrind knew it. */
export function framePath(frame: Frame): string | undefined {
  if (frame.file === undefined) return undefined
  if (path.isAbsolute(frame.file)) return path.normalize(frame.file)
  // A relative dir (libc's debug info says `./string`) is relative to wherever that library was
  // built, not to anything on this machine.
  if (frame.dir === undefined || !path.isAbsolute(frame.dir)) return undefined
  return path.resolve(frame.dir, frame.file)
}

/** The frame's file relative to the workspace (with `/`), or undefined when it lies outside. */
export function workspaceRelativePath(frame: Frame, workspace: string): string | undefined {
  if (frame.file === undefined) return undefined
  let memo = relativePaths.get(workspace)
  if (memo === undefined) {
    memo = new FrameMemo(
      ['dir', 'file'],
      (inside) =>
        relativeTo(workspace, framePath(inside)) ?? relativeSourceInWorkspace(inside, workspace)
    )
    relativePaths.set(workspace, memo)
  }
  return memo.of(frame)
}

/**
 * A frame whose debug information gives a relative directory (a reproducible build's
 * `-ffile-prefix-map=$PWD=.` leaves `./src` and `tree.c`): the source file it names in the
 * workspace, when there is one. Relative to the build's root, which is usually the workspace; a
 * library's own (glibc's `./string`) names nothing there.
 */
function relativeSourceInWorkspace(frame: Frame, workspace: string): string | undefined {
  // A relative directory, not none: a bare file name says too little to look for it.
  if (frame.file === undefined || path.isAbsolute(frame.file)) return undefined
  if (frame.dir === undefined || path.isAbsolute(frame.dir)) return undefined
  const candidate = path.resolve(workspace, frame.dir, frame.file)
  try {
    if (!fs.statSync(candidate).isFile()) return undefined
  } catch {
    return undefined
  }
  return relativeTo(workspace, candidate)
}

function relativeTo(workspace: string, absolute: string | undefined): string | undefined {
  if (absolute === undefined) return undefined
  const relative = path.relative(path.resolve(workspace), absolute)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  return relative.split(path.sep).join('/')
}

/** True when the frame's function matches the allocator-wrapper pattern (name or name without its parameter list). */
export function isWrapperFrame(frame: Frame, wrappers: RegExp | undefined): boolean {
  if (wrappers === undefined || frame.fn === undefined) return false
  const paren = frame.fn.indexOf('(')
  return wrappers.test(frame.fn) || (paren > 0 && wrappers.test(frame.fn.slice(0, paren)))
}

/** How many lines a workspace file has (undefined when it cannot be read). */
export type LineCounter = (relativeFile: string) => number | undefined

/** Counts the lines of workspace files, each file read once. */
export function workspaceLineCounter(workspace: string): LineCounter {
  const counts = new Map<string, number | undefined>()
  return (relativeFile) => {
    if (!counts.has(relativeFile)) {
      let count: number | undefined
      try {
        const text = fs.readFileSync(path.join(workspace, relativeFile), 'utf8')
        count = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
      } catch {
        count = undefined
      }
      counts.set(relativeFile, count)
    }
    return counts.get(relativeFile)
  }
}

/**
 * Where in the workspace a stack points: its first user frame with a file and line there. A line
 * beyond the end of the file (debug information says what the program's build wanted it to say)
 * is not a place in the pull request: that frame is passed over. Frames of the project's allocator
 * wrappers (`allocator-wrappers`) are passed over too, so a leak is shown where the wrapper's
 * caller allocated it; a stack that is all wrappers keeps its first.
 */
export function findingLocation(
  stack: readonly Frame[],
  workspace: string,
  lineCount: LineCounter = () => undefined,
  wrappers?: RegExp
): SourceLocation | undefined {
  const located = firstWorkspaceFrame(stack, workspace, lineCount, wrappers)
  return (
    located ??
    (wrappers !== undefined ? firstWorkspaceFrame(stack, workspace, lineCount) : undefined)
  )
}

function firstWorkspaceFrame(
  stack: readonly Frame[],
  workspace: string,
  lineCount: LineCounter,
  wrappers?: RegExp
): SourceLocation | undefined {
  for (const frame of stack) {
    if (frame.line === undefined || isRuntimeFrame(frame) || isWrapperFrame(frame, wrappers))
      continue
    if (!Number.isSafeInteger(frame.line) || frame.line < 1) continue
    const file = workspaceRelativePath(frame, workspace)
    if (file === undefined) continue
    const lines = lineCount(file)
    if (lines !== undefined && frame.line > lines) continue
    return { file, line: frame.line, fn: frame.fn }
  }
  return undefined
}

/** `function (file:line)` for a frame, with paths relative to the workspace when inside it. */
export function describeFrame(frame: Frame, workspace: string): string {
  const fn = frame.fn ?? '???'
  const file = workspaceRelativePath(frame, workspace) ?? framePath(frame) ?? frame.file
  if (file !== undefined)
    return `${fn} (${file}${frame.line !== undefined ? `:${frame.line}` : ''})`
  if (frame.obj !== undefined) return `${fn} (in ${frame.obj})`
  return `${fn} (${frame.ip})`
}
