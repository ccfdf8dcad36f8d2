// The build toolchain as the action sees it: compilers and linkers it does not trace into by
// default (`--trace-children-skip`), and build tools and shells whose own findings are never the
// project's. Pure data and matching; no I/O.
import * as path from 'node:path'

/**
 * Executables valgrind does not follow into by default: compilers, assemblers, linkers and
 * compiler caches. Under memcheck they take most of a suite's time and report their own leaks,
 * which are nobody's bug here. Valgrind matches each pattern (`*` and `?` wildcards) against the
 * path the program is exec'd with; a skipped program runs natively, with its children.
 */
export const DEFAULT_TRACE_CHILDREN_SKIP: readonly string[] = [
  '*/cc',
  '*/c++',
  '*/gcc',
  '*/g++',
  '*/gcc-*',
  '*/g++-*',
  '*-linux-gnu*-gcc*',
  '*-linux-gnu*-g++*',
  '*/clang',
  '*/clang++',
  '*/clang-*',
  '*/clang++-*',
  '*/cc1',
  '*/cc1plus',
  '*/cc1obj',
  '*/lto1',
  '*/lto-wrapper',
  '*/collect2',
  '*/as',
  '*/ld',
  '*/ld.bfd',
  '*/ld.gold',
  '*/ld.lld',
  '*/lld',
  '*/mold',
  '*/ar',
  '*/ranlib',
  '*/ccache',
  '*/sccache',
  '*/rustc'
]

const SKIP_HELP =
  "a comma or newline separated list of executable patterns (valgrind's `*` and `?` wildcards, matched against the exec'd path, e.g. */cc1,*/ld); `default` for the built-in list of compilers and linkers (it can be combined: default,*/python3*); or none to trace every child"

/** The `trace-children-skip` input as valgrind patterns: '' and `default` give the built-in list. */
export function parseTraceChildrenSkip(raw: string): string[] {
  const items = raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (items.length === 0) return [...DEFAULT_TRACE_CHILDREN_SKIP]
  if (items.length === 1 && items[0].toLowerCase() === 'none') return []
  const patterns: string[] = []
  for (const item of items) {
    if (item.toLowerCase() === 'none') {
      throw new Error(`'none' cannot be combined with patterns. Accepted: ${SKIP_HELP}.`)
    }
    if (/\s/.test(item)) {
      throw new Error(`'${item}' contains whitespace. Accepted: ${SKIP_HELP}.`)
    }
    if (item.toLowerCase() === 'default') patterns.push(...DEFAULT_TRACE_CHILDREN_SKIP)
    else patterns.push(item)
  }
  return [...new Set(patterns)]
}

/**
 * Build tools, shells and launchers: when one of these is the command itself (`make check`,
 * `bash run-tests.sh`), it is not the program under test, and neither are its own findings.
 */
const BUILD_TOOLS = new Set([
  'make',
  'gmake',
  'bmake',
  'ninja',
  'samu',
  'cmake',
  'ctest',
  'meson',
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'env',
  'timeout',
  'nice',
  'xargs',
  'time'
])

export function isBuildTool(executable: string): boolean {
  return BUILD_TOOLS.has(path.basename(executable))
}

/** valgrind itself (the launcher, Debian's `valgrind.bin`, or a tool binary like `memcheck-amd64-linux`). */
export function isValgrindExecutable(executable: string): boolean {
  const base = path.basename(executable)
  return (
    /^valgrind(\.bin)?$/.test(base) ||
    /^(memcheck|helgrind|drd|callgrind|cachegrind|massif|dhat|none|lackey|exp-[a-z]+)-[a-z0-9]+-[a-z]+$/.test(
      base
    )
  )
}
