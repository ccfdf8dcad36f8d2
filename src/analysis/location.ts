// Chooses the source line a finding is shown on: the first frame of its stack that lies in the
// user's workspace, skipping valgrind's preload objects, libc, the C++ runtime and Rust's standard
// library (a frame there is never the user's bug, even when the workspace contains such code).
import * as path from 'node:path'
import type { Frame, SourceLocation } from '../model.js'
import { isRustRuntimeFrame } from '../rust/index.js'

const RUNTIME_OBJECTS = [
  /\/vgpreload_[^/]*\.so$/,
  /\/(ld-linux[^/]*|ld64)\.so[.\d]*$/,
  /\/lib(c|m|dl|rt|pthread|stdc\+\+|gcc_s|c\+\+|c\+\+abi|unwind)([-.][^/]*)?\.so[.\d]*$/
]

/**
 * Answers per distinct string: thousands of findings share a handful of objects and source files,
 * and every view asks about every frame (the action's time must stay small next to valgrind's).
 */
const MAX_MEMO = 100_000
function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  const known = cache.get(key)
  if (known !== undefined || cache.has(key)) return known as T
  const value = compute()
  if (cache.size < MAX_MEMO) cache.set(key, value)
  return value
}
const runtimeFrames = new Map<string, boolean>()
const relativePaths = new Map<string, string | undefined>()

/** Frames of code the user does not own: valgrind's preloads, the C/C++ runtimes, Rust's std. */
export function isRuntimeFrame(frame: Frame): boolean {
  // Everything the answer depends on (the line only as "is it line 1": libtest's generated main).
  const key = `${frame.obj ?? ''}\u0000${frame.fn ?? ''}\u0000${frame.dir ?? ''}\u0000${frame.file ?? ''}\u0000${frame.line === 1}`
  return memo(runtimeFrames, key, () => {
    const obj = frame.obj
    if (obj !== undefined && RUNTIME_OBJECTS.some((pattern) => pattern.test(obj))) return true
    return isRustRuntimeFrame(frame)
  })
}

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
  return memo(relativePaths, `${workspace}\u0000${frame.dir ?? ''}\u0000${frame.file}`, () => {
    const absolute = framePath(frame)
    if (absolute === undefined) return undefined
    const relative = path.relative(path.resolve(workspace), absolute)
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
    return relative.split(path.sep).join('/')
  })
}

/** Where in the workspace a stack points: its first user frame with a file and line there. */
export function findingLocation(
  stack: readonly Frame[],
  workspace: string
): SourceLocation | undefined {
  for (const frame of stack) {
    if (frame.line === undefined || isRuntimeFrame(frame)) continue
    const file = workspaceRelativePath(frame, workspace)
    if (file !== undefined) return { file, line: frame.line, fn: frame.fn }
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
