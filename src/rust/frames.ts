// Reading Rust stacks: which test a stack ran in. Pure functions over `Frame`s. Which frames belong
// to the Rust runtime is a question every stack's location asks: analysis/runtime-frames.ts.
import type { Frame } from '../model.js'
import { isRustRuntimeFrame, printedSourcePath } from '../analysis/runtime-frames.js'

/** `mycrate::tests::it_works::{{closure}}` → `mycrate::tests::it_works`. */
function withoutClosures(fn: string): string {
  return fn.replace(/(::\{\{closure\}\}|::\{closure#\d+\})+$/, '')
}

/** libtest's entry into a test: `test::__rust_begin_short_backtrace::<…>` (maybe inlined). */
function isTestEntry(frame: Frame): boolean {
  const fn = frame.fn ?? ''
  if (!fn.includes('__rust_begin_short_backtrace')) return false
  return fn.startsWith('test::') || (printedSourcePath(frame) ?? '').includes('/library/test/')
}

/** rustdoc wraps each doctest in `fn _doctest_main_<file>_<line>_<n>()`. */
const DOCTEST_MAIN = /(?:^|::)_doctest_main_\w*?_(\d+)_\d+$/

/**
 * The test a stack ran in, as libtest names it (`tests::leaks_a_buffer`): the outermost user frame
 * below libtest's entry into the test. For a `cargo test` process, which runs every test of a
 * binary, this is how a finding is tied to its test. Undefined when the stack does not reach the
 * harness (raise `--num-callers`) or the code ran outside any test.
 */
/**
 * A function name as the source spells it: Rust's legacy symbol mangling writes a character
 * outside ASCII as `$u<hex>$` (`ünïcödé_leak` is `$ufc$n$uef$c$uf6$d$ue9$_leak`), which
 * demangling leaves in place.
 */
export function decodeSymbolEscapes(name: string): string {
  return name.replace(/\$u([0-9a-f]{1,6})\$/g, (escape, hex: string) => {
    const code = Number.parseInt(hex, 16)
    return code <= 0x10ffff ? String.fromCodePoint(code) : escape
  })
}

/**
 * The test named `name` (from a stack) among the names libtest was given: a raw identifier keeps
 * its `r#` in the test's name (`tests::r#type`) but not in its function's (`tests::type`).
 */
export function listedTestName(name: string, listed: readonly string[]): string {
  if (listed.length === 0 || listed.includes(name)) return name
  return listed.find((test) => test.replace(/(^|::)r#/g, '$1') === name) ?? name
}

/**
 * The batch's test whose function (or a closure in it: a thread the test spawned) a stack runs,
 * for a stack that does not reach libtest's entry: a spawned thread's starts in std.
 */
export function listedTestInStack(
  stack: readonly Frame[],
  listed: readonly string[]
): string | undefined {
  if (listed.length === 0) return undefined
  for (const frame of stack) {
    if (frame.fn === undefined) continue
    const path = withoutClosures(decodeSymbolEscapes(frame.fn)).split('::')
    if (path.length < 2) continue
    const named = listedTestName(path.slice(1).join('::'), listed)
    if (listed.includes(named)) return named
  }
  return undefined
}

export function testFromStack(stack: readonly Frame[]): string | undefined {
  const entry = stack.findIndex(isTestEntry)
  if (entry !== -1) {
    for (let index = entry - 1; index >= 0; index--) {
      const frame = stack[index]
      if (frame.fn === undefined || isRustRuntimeFrame(frame)) continue
      const path = withoutClosures(decodeSymbolEscapes(frame.fn)).split('::')
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
