// Which frames are runtime code, not the user's: valgrind's preload objects, the C and C++ runtime
// libraries, and Rust's standard library (std, core, alloc, libtest, the allocator and panic
// shims). A finding is placed on, identified by and shown down to the user's frames only.
//
// For Rust the source path decides when valgrind knows it: a rustup toolchain's std is compiled
// from `/rustc/<commit>/library/...` and std's own dependencies (addr2line, gimli, hashbrown, …)
// from `/rust/deps/...`, whatever names the frames carry. Inlined frames are named without their
// module path (`alloc`, `{closure#0}`, `call_once<…>`), so names alone could not tell them apart
// from a user's. Function names decide only for frames without a source file.
import type { Frame } from '../model.js'
import { FrameMemo } from './frame-memo.js'

/** valgrind's preload objects, the dynamic loader, and the C and C++ runtime libraries. */
const RUNTIME_OBJECTS = [
  /\/vgpreload_[^/]*\.so$/,
  /\/(ld-linux[^/]*|ld64)\.so[.\d]*$/,
  /\/lib(c|m|dl|rt|pthread|stdc\+\+|gcc_s|c\+\+|c\+\+abi|unwind)([-.][^/]*)?\.so[.\d]*$/
]

/** Where a Rust toolchain's std, and std's own dependencies, were compiled from. */
const TOOLCHAIN_SOURCE = [
  /^\/rustc\/[0-9a-f]{7,}\//,
  /^\/rust\/deps\//,
  // A toolchain whose std sources are installed (rust-src) or built locally.
  /\/lib\/rustlib\/src\/rust\/library\//
]

const RUNTIME_CRATES =
  '(?:std|core|alloc|test|proc_macro|panic_unwind|panic_abort|compiler_builtins)'
const RUNTIME_PATH = new RegExp(`^${RUNTIME_CRATES}::`)
/** `<alloc::raw_vec::RawVecInner>::grow_one`, `<std::thread::Thread as core::fmt::Debug>::fmt`. */
const RUNTIME_IMPL = new RegExp(`^<${RUNTIME_CRATES}::`)
/** Allocator and panic entry points the compiler generates (`__rustc::` since Rust 1.90). */
const RUNTIME_SHIM =
  /^(?:__rustc::)?(?:__rust_(?:alloc|dealloc|realloc|alloc_zeroed|alloc_error_handler|no_alloc_shim_is_unstable|start_panic|panic_cleanup|drop_panic|foreign_exception)\w*|__rdl_\w+|__rg_\w+|__rdg_\w+|rust_begin_unwind|rust_panic|rust_eh_personality)$/
/** libtest generates `<crate>::main` for a test binary and attributes it all to line 1. */
const TEST_HARNESS_MAIN = /^[A-Za-z_][A-Za-z0-9_]*::main$/
/**
 * Cargo's test binaries: `target/<profile>/deps/<crate>-<hash>`. The crate's own program
 * (`target/<profile>/<name>`, which tests run through CARGO_BIN_EXE) has a `main` of the user's,
 * which may well start on line 1.
 */
const TEST_BINARY = /\/deps\/[^/]+-[0-9a-f]{16}$/

/** The frame's source path as valgrind printed it (directory and file joined). */
export function printedSourcePath(frame: Frame): string | undefined {
  if (frame.file === undefined) return undefined
  if (frame.file.startsWith('/') || frame.dir === undefined) return frame.file
  return `${frame.dir}/${frame.file}`
}

/** For `<A as B>::f`: the trait B decides whose code it is (a user's trait impl for a std type). */
function implTraitIsUsers(fn: string): boolean {
  const as = fn.lastIndexOf(' as ')
  return as !== -1 && !RUNTIME_PATH.test(fn.slice(as + 4))
}

// Each question is asked of every frame of every finding by several views: each is answered once
// per distinct value of what it depends on (an object, a source path, a function name), which
// takes a lookup or two per frame.

/** Is the source path one a Rust toolchain's std (or std's dependencies) was compiled from? */
const toolchainSources = new FrameMemo<boolean>(['dir', 'file'], (frame) => {
  const source = printedSourcePath(frame) ?? ''
  return TOOLCHAIN_SOURCE.some((pattern) => pattern.test(source))
})

/** Is the function, named without a source file, one of std's or the compiler's shims? */
const runtimeFunctions = new FrameMemo<boolean>(['fn'], (frame) => {
  const fn = frame.fn ?? ''
  if (RUNTIME_SHIM.test(fn) || RUNTIME_PATH.test(fn)) return true
  return RUNTIME_IMPL.test(fn) && !implTraitIsUsers(fn)
})

/** Is the object valgrind's preload, the dynamic loader or a C/C++ runtime library? */
const runtimeObjects = new FrameMemo<boolean>(['obj'], (frame) =>
  RUNTIME_OBJECTS.some((pattern) => pattern.test(frame.obj ?? ''))
)

/** Frames of Rust's standard library, core, alloc, the test harness and allocator shims. */
export function isRustRuntimeFrame(frame: Frame): boolean {
  if (
    frame.line === 1 &&
    TEST_HARNESS_MAIN.test(frame.fn ?? '') &&
    (frame.obj === undefined || TEST_BINARY.test(frame.obj))
  ) {
    return true
  }
  // The source path decides when valgrind knows it; the function name only without one.
  if (frame.file !== undefined) return toolchainSources.of(frame)
  return runtimeFunctions.of(frame)
}

/** Frames of code the user does not own: valgrind's preloads, the C/C++ runtimes, Rust's std. */
export function isRuntimeFrame(frame: Frame): boolean {
  return (frame.obj !== undefined && runtimeObjects.of(frame)) || isRustRuntimeFrame(frame)
}

/**
 * The frames worth showing: the stack down to its last frame of the user's code. What lies below
 * it is the runtime calling in — libc's start-up under `main`, Rust's test harness under a test
 * function — and tells nobody anything. A stack with no user frame at all is shown whole.
 */
export function visibleFrames(frames: readonly Frame[], limit = 16): Frame[] {
  let last = frames.length - 1
  while (last > 0 && isRuntimeFrame(frames[last])) last--
  // Nothing below the user's `main` is shown.
  let end = last
  for (let index = 0; index < last; index++) {
    const frame = frames[index]
    if (frame.fn === 'main' && !isRuntimeFrame(frame)) {
      end = index
      break
    }
  }
  return frames.slice(0, Math.min(end + 1, limit))
}
