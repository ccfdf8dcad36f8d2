// Keeps the XML file of every image a traced process runs. After `exec` the process keeps its pid,
// so the new image's valgrind opens the same `<pid>.xml` and truncates what the old image wrote
// (valgrind 3.13+ has no per-image specifier: `%n` restarts at 1 in the new image, `%q{VAR}`
// depends on an environment the program controls).
//
// What valgrind does offer: a traced exec re-starts valgrind through the path in
// VALGRIND_LAUNCHER, which the launcher appends to the environment and the tool reads back with a
// first-match lookup. A VALGRIND_LAUNCHER already in valgrind's environment therefore wins, and
// valgrind execs this script instead of itself (same code in 3.18, 3.19 and 3.22). Running as the
// same pid, before the new image starts, the script moves `<pid>.xml` to `<pid>-<n>.xml` (closing
// the document valgrind leaves open at exec; a file with no record is dropped instead), then execs
// the real valgrind with the same arguments. Files sort by name in image order.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { joinShellWords } from '../shell-words.js'
import { resolveExecutable } from './run.js'

export const LAUNCHER_VARIABLE = 'VALGRIND_LAUNCHER'

export interface ExecLauncherOptions {
  /** Where this script is written (its absolute path goes into VALGRIND_LAUNCHER). */
  scriptPath: string
  /** The real valgrind, absolute. */
  valgrind: string
  /** The directory of the `<pid>.xml` files. */
  xmlDirectory: string
  /**
   * The commands the script runs, absolute (default: their names). The script runs with the
   * environment the exec'ing program chose, and a PATH of its own (`PATH=/nonexistent`, or a build
   * directory alone) must not keep it from saving the old image's XML.
   */
  tools?: Partial<Record<LauncherTool, string>>
  /**
   * Start the new image's valgrind without `--error-exitcode`: a program a Rust test runs (its
   * crate's binary, `date`) then exits with its own status, which the test checks; what valgrind
   * finds in it is still in its XML.
   */
  dropErrorExitcode?: boolean
}

/** The commands the launcher runs (`[` and `echo` are the shell's own). */
export const LAUNCHER_TOOLS = ['sed', 'grep', 'rm', 'mv'] as const
export type LauncherTool = (typeof LAUNCHER_TOOLS)[number]

/** The launcher script. Pure: options in, text out. */
export function execLauncherScript(options: ExecLauncherOptions): string {
  const dir = joinShellWords([options.xmlDirectory])
  const [sed, grep, rm, mv] = LAUNCHER_TOOLS.map((tool) =>
    joinShellWords([options.tools?.[tool] ?? tool])
  )
  return [
    '#!/bin/sh',
    '# Written by valgrind-action for one run. A process traced by valgrind called exec: keep the',
    "# old image's XML (same pid, so the new image would truncate <pid>.xml), then start valgrind.",
    `dir=${dir}`,
    'old="$dir/$$.xml"',
    '# A forked child between fork and exec usually wrote its preamble only: nothing to keep.',
    '# An image that is valgrind itself (a test running valgrind) is kept: the action explains it.',
    'nested=no',
    `if [ -e "$old" ] && ${sed} -n '/<argv>/,/<\\/argv>/p' "$old" | ${grep} -q -e '<exe>.*/valgrind</exe>' -e '<exe>.*/valgrind\\.bin</exe>'; then nested=yes; fi`,
    `if [ -e "$old" ] && [ "$nested" = no ] && ! ${grep} -q -e '<error>' -e '<clientmsg>' "$old"; then`,
    `  ${rm} -f -- "$old"`,
    'elif [ -e "$old" ]; then',
    '  # valgrind does not finish the XML of an image that execs: close it, it is complete.',
    '  echo \'</valgrindoutput>\' >> "$old"',
    '  n=1',
    '  while [ -e "$dir/$$-$n.xml" ]; do n=$((n + 1)); done',
    `  ${mv} -f -- "$old" "$dir/$$-$n.xml"`,
    'fi',
    ...(options.dropErrorExitcode === true
      ? [
          "# The new image keeps its own exit status: drop valgrind's --error-exitcode (in valgrind's",
          '# options only, which come before the program).',
          'options=yes',
          'for arg do',
          '  shift',
          '  if [ "$options" = yes ]; then',
          '    case $arg in',
          '      --error-exitcode=*) continue ;;',
          '      -*) ;;',
          '      *) options=no ;;',
          '    esac',
          '  fi',
          '  set -- "$@" "$arg"',
          'done'
        ]
      : []),
    `${LAUNCHER_VARIABLE}=${joinShellWords([options.scriptPath])}`,
    `export ${LAUNCHER_VARIABLE}`,
    `exec ${joinShellWords([options.valgrind])} "$@"`,
    ''
  ].join('\n')
}

/**
 * Writes the launcher and checks that it runs (a temp directory mounted noexec would make every
 * traced exec fail). Returns the environment to give valgrind, or undefined when it cannot be used.
 */
export function installExecLauncher(
  options: ExecLauncherOptions
): Record<string, string> | undefined {
  fs.mkdirSync(path.dirname(options.scriptPath), { recursive: true })
  const tools: Partial<Record<LauncherTool, string>> = {}
  for (const tool of LAUNCHER_TOOLS) tools[tool] = resolveExecutable(tool, '/').path
  fs.writeFileSync(options.scriptPath, execLauncherScript({ tools, ...options }), { mode: 0o755 })
  try {
    execFileSync(options.scriptPath, ['--version'], { stdio: 'ignore', timeout: 10000 })
  } catch {
    return undefined
  }
  return { [LAUNCHER_VARIABLE]: options.scriptPath }
}
