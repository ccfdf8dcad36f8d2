// Reading Rust stacks: which frames belong to the Rust runtime (std, core, alloc, libtest, the
// allocator and panic shims), and which test a stack ran in. Pure functions over `Frame`s.
//
// The source path decides when valgrind knows it: a rustup toolchain's std is compiled from
// `/rustc/<commit>/library/...` and std's own dependencies (addr2line, gimli, hashbrown, …) from
// `/rust/deps/...`, whatever names the frames carry. Inlined frames are named without their module
// path (`alloc`, `{closure#0}`, `call_once<…>`), so names alone could not tell them apart from a
// user's. Function names decide only for frames without a source file.
import type { Frame } from '../model.js'

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

/** The frame's source path as valgrind printed it (directory and file joined). */
function sourcePath(frame: Frame): string | undefined {
  if (frame.file === undefined) return undefined
  if (frame.file.startsWith('/') || frame.dir === undefined) return frame.file
  return `${frame.dir}/${frame.file}`
}

/** For `<A as B>::f`: the trait B decides whose code it is (a user's trait impl for a std type). */
function implTraitIsUsers(fn: string): boolean {
  const as = fn.lastIndexOf(' as ')
  return as !== -1 && !RUNTIME_PATH.test(fn.slice(as + 4))
}

/** Frames of Rust's standard library, core, alloc, the test harness and allocator shims. */
export function isRustRuntimeFrame(frame: Frame): boolean {
  const fn = frame.fn ?? ''
  if (frame.line === 1 && TEST_HARNESS_MAIN.test(fn)) return true
  const source = sourcePath(frame)
  if (source !== undefined) return TOOLCHAIN_SOURCE.some((pattern) => pattern.test(source))
  if (RUNTIME_SHIM.test(fn) || RUNTIME_PATH.test(fn)) return true
  return RUNTIME_IMPL.test(fn) && !implTraitIsUsers(fn)
}

/** `mycrate::tests::it_works::{{closure}}` → `mycrate::tests::it_works`. */
function withoutClosures(fn: string): string {
  return fn.replace(/(::\{\{closure\}\}|::\{closure#\d+\})+$/, '')
}

/** libtest's entry into a test: `test::__rust_begin_short_backtrace::<…>` (maybe inlined). */
function isTestEntry(frame: Frame): boolean {
  const fn = frame.fn ?? ''
  if (!fn.includes('__rust_begin_short_backtrace')) return false
  return fn.startsWith('test::') || (sourcePath(frame) ?? '').includes('/library/test/')
}

/** rustdoc wraps each doctest in `fn _doctest_main_<file>_<line>_<n>()`. */
const DOCTEST_MAIN = /(?:^|::)_doctest_main_\w*?_(\d+)_\d+$/

/**
 * The test a stack ran in, as libtest names it (`tests::leaks_a_buffer`): the outermost user frame
 * below libtest's entry into the test. For a `cargo test` process, which runs every test of a
 * binary, this is how a finding is tied to its test. Undefined when the stack does not reach the
 * harness (raise `--num-callers`) or the code ran outside any test.
 */
export function testFromStack(stack: readonly Frame[]): string | undefined {
  const entry = stack.findIndex(isTestEntry)
  if (entry !== -1) {
    for (let index = entry - 1; index >= 0; index--) {
      const frame = stack[index]
      if (frame.fn === undefined || isRustRuntimeFrame(frame)) continue
      const path = withoutClosures(frame.fn).split('::')
      // libtest names tests by their path inside the crate: drop the crate's own name.
      return path.length > 1 ? path.slice(1).join('::') : path[0]
    }
    return undefined
  }
  for (const frame of stack) {
    const doctest = DOCTEST_MAIN.exec(frame.fn ?? '')
    if (doctest !== null) {
      return frame.file !== undefined
        ? `${frame.file} (line ${doctest[1]})`
        : `doctest (line ${doctest[1]})`
    }
  }
  return undefined
}
