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
 * Answers kept per frame object: every view (location, annotations, summary, terminal) asks about
 * every frame of every finding, and thousands of findings must stay cheap next to valgrind's time.
 */
const runtimeFrames = new WeakMap<Frame, boolean>()
const runtimeObjects = new Map<string, boolean>()
const relativePaths = new WeakMap<Frame, { workspace: string; relative: string | undefined }>()
const relativeByFile = new Map<string, Map<string, Map<string, string | undefined>>>()

function isRuntimeObject(obj: string): boolean {
  let known = runtimeObjects.get(obj)
  if (known === undefined) {
    known = RUNTIME_OBJECTS.some((pattern) => pattern.test(obj))
    if (runtimeObjects.size < 10_000) runtimeObjects.set(obj, known)
  }
  return known
}

/** Frames of code the user does not own: valgrind's preloads, the C/C++ runtimes, Rust's std. */
export function isRuntimeFrame(frame: Frame): boolean {
  let known = runtimeFrames.get(frame)
  if (known === undefined) {
    known = (frame.obj !== undefined && isRuntimeObject(frame.obj)) || isRustRuntimeFrame(frame)
    runtimeFrames.set(frame, known)
  }
  return known
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
  const known = relativePaths.get(frame)
  if (known !== undefined && known.workspace === workspace) return known.relative
  // Frames of thousands of findings share a few source files (their strings are interned).
  let byDir = relativeByFile.get(workspace)
  if (byDir === undefined) relativeByFile.set(workspace, (byDir = new Map()))
  let byFile = byDir.get(frame.dir ?? '')
  if (byFile === undefined) byDir.set(frame.dir ?? '', (byFile = new Map()))
  let relative = byFile.get(frame.file)
  if (relative === undefined && !byFile.has(frame.file)) {
    relative = relativeTo(workspace, framePath(frame))
    if (byFile.size < 10_000) byFile.set(frame.file, relative)
  }
  relativePaths.set(frame, { workspace, relative })
  return relative
}

function relativeTo(workspace: string, absolute: string | undefined): string | undefined {
  if (absolute === undefined) return undefined
  const relative = path.relative(path.resolve(workspace), absolute)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  return relative.split(path.sep).join('/')
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
