// End to end, as an attacker would try it: programs whose debug information, symbol names and
// arguments carry workflow commands and Markdown, run under real valgrind through dist/index.js.
// Asserts what the runner would obey (parsed as the runner parses, `::stop-commands::` honoured),
// what the job summary renders to (parsed by a Markdown parser), and that nothing was lost.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from './support/run-action.js'
import { parseRunnerLog, runnerAnnotations } from './support/runner-log.js'
import { summaryStructure } from './support/summary-structure.js'

const FORGED_DIR = 'build\n::error file=src/evil.c,line=1::forged-dir\n'
const FORGED_CRASH =
  'crash\n::error file=src/evil.c,line=2::forged-symbol ##[add-path]/tmp/forged-legacy\n![x](https://evil.example/x.png)'
const FORGED_LEAKER = 'leaker\n::warning::forged-leaker'
const FORGED_ARG = 'a\n::error::forged-arg\n\n# forged heading'

const HOSTILE_C = `#include <stdlib.h>
#include <string.h>
__attribute__((noinline)) char *leaker(void) { char *p = malloc(64); memset(p, 1, 64); return p; } /* LEAK */
__attribute__((noinline)) void crash(int n) { if (n > 0) *(volatile int *)0 = n; } /* CRASH */
int main(int argc, char **argv) { leaker(); crash(argc); return 0; }
`

/** Compiles HOSTILE_C in `dir` with `crash` and `leaker` renamed in the object file. */
function compileHostile(dir: string): string {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'hostile.c'), HOSTILE_C)
  const run = (file: string, args: string[]) => execFileSync(file, args, { cwd: dir })
  run('gcc', ['-g', '-O0', '-c', 'hostile.c', '-o', 'hostile.o'])
  run('objcopy', [
    `--redefine-sym=crash=${FORGED_CRASH}`,
    `--redefine-sym=leaker=${FORGED_LEAKER}`,
    'hostile.o',
    'renamed.o'
  ])
  run('gcc', ['renamed.o', '-o', 'hostile'])
  return path.join(dir, 'hostile')
}

/** A value as the action's log shows it: line breaks and `##[` escaped, nothing dropped. */
const asLogged = (text: string): string => text.replace(/\n/g, '\\n').replace(/##\[/g, '##\\x5b')

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`

/** Commands the action itself issues; anything else in the log was forged. */
const OWN_COMMANDS = ['error', 'warning', 'debug', 'group', 'endgroup', 'stop-commands']

function forgedCommands(run: ActionRun) {
  const { commands } = parseRunnerLog(run.stdout)
  // The fence around the program's output resumes with a command named by its token.
  const tokens = commands.filter((c) => c.command === 'stop-commands').map((c) => c.data)
  return commands.filter((c) => !OWN_COMMANDS.includes(c.command) && !tokens.includes(c.command))
}

describe('a program outside the workspace whose names carry workflow commands', () => {
  let run: ActionRun
  let program: string
  beforeAll(async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-hostile-ws-'))
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-hostile-'))
    program = compileHostile(path.join(outside, FORGED_DIR))
    run = await runAction(
      { command: `${quote(program)} ${quote(FORGED_ARG)}`, 'fail-on': 'none', upload: 'false' },
      { workspace }
    )
  })

  it('creates no annotation and runs no command from the program’s names or arguments', () => {
    expect(forgedCommands(run)).toEqual([])
    const annotations = runnerAnnotations(run.stdout)
    // The verdict's one error, no annotation on a file: nothing of the program is in the workspace.
    expect(annotations.filter((a) => a.file !== undefined)).toEqual([])
    const errors = annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(1)
  })

  it('still fails on the crash, naming the renamed function whole', () => {
    expect(run.exitCode).toBe(1)
    const report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8'))
    const [failure] = runnerAnnotations(run.stdout).filter((a) => a.level === 'error')
    // Nothing lost: the runner shows the verdict's reasons exactly, hostile text included.
    expect(failure.message).toBe(report.verdict.reasons.join('\n'))
    expect(failure.message).toContain(`killed by SIGSEGV`)
    expect(failure.message).toContain(FORGED_CRASH)
    const functions = report.findings.flatMap((f: { stack: { fn?: string }[] }) =>
      f.stack.map((frame) => frame.fn)
    )
    expect(functions).toEqual(expect.arrayContaining([FORGED_CRASH, FORGED_LEAKER]))
  })

  it('writes the log lines that carry those names as one line each, escaped', () => {
    const lines = run.stdout.split(/\r\n|\r|\n/)
    const running = lines.filter((line) => line.startsWith('Running '))
    expect(running[0]).toContain(asLogged(`${quote(program)} ${quote(FORGED_ARG)}`))
    const notAnnotated = lines.filter((line) => line.startsWith('Not annotated'))
    expect(notAnnotated.join('\n')).toContain(asLogged(FORGED_CRASH))
    // The directory as valgrind's XML gives it (the parser trims the text's ends).
    expect(notAnnotated.join('\n')).toContain(FORGED_DIR.trimEnd().replace(/\n/g, '\\n'))
    const headline = lines.find((line) => line.startsWith('Failed: '))
    expect(headline).toContain(`in ${asLogged(FORGED_CRASH)} (`)
  })

  it('renders a summary where the names stay text: no forged heading, image or link', () => {
    const structure = summaryStructure(run.summary)
    expect(structure.images).toEqual([])
    expect(structure.links).toEqual([])
    // Only the summary's own headings; the hostile names stay inside the verdict's heading.
    expect(structure.headings.map((h) => h.replace(/:.*/s, ''))).toEqual([
      '❌ Valgrind Memcheck',
      'Findings (2)'
    ])
    expect(structure.html).toContain('forged-symbol')
    expect(structure.html).toContain('forged-dir')
  })
})

describe('a program in the workspace whose function name carries a workflow command', () => {
  let run: ActionRun
  let workspace: string
  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-hostile-ws-'))
    compileHostile(path.join(workspace, 'src'))
    run = await runAction(
      { command: './src/hostile', 'fail-on': 'definite,errors', upload: 'false' },
      { workspace }
    )
  })

  it('annotates each finding on its line, the hostile names inside the escaped message', () => {
    expect(forgedCommands(run)).toEqual([])
    const onFiles = runnerAnnotations(run.stdout).filter((a) => a.file !== undefined)
    const source = HOSTILE_C.split('\n')
    const lineOf = (marker: string) => source.findIndex((l) => l.includes(marker)) + 1
    expect(onFiles.map((a) => [a.file, a.line]).sort()).toEqual(
      [
        ['src/hostile.c', String(lineOf('CRASH'))],
        ['src/hostile.c', String(lineOf('LEAK'))]
      ].sort()
    )
    const crash = onFiles.find((a) => a.line === String(lineOf('CRASH')))
    expect(crash?.message).toContain(`at ${FORGED_CRASH} (src/hostile.c:`)
    const leak = onFiles.find((a) => a.line === String(lineOf('LEAK')))
    expect(leak?.message).toContain(`by ${FORGED_LEAKER} (src/hostile.c:`)
  })
})

describe('callgrind: a function name and an argument that carry a `totals:` line', () => {
  it('reports the instructions callgrind collected, not the forged count', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-hostile-ws-'))
    const dir = path.join(workspace, 'src')
    fs.mkdirSync(dir)
    fs.writeFileSync(
      path.join(dir, 'hot.c'),
      'int hot(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }\nint main(void) { return hot(1000) == 42; }\n'
    )
    execFileSync('gcc', ['-g', '-O0', '-c', 'hot.c', '-o', 'hot.o'], { cwd: dir })
    execFileSync(
      'objcopy',
      ['--redefine-sym=hot=hot\ntotals: 999999999999\nsummary: 999999999999', 'hot.o', 'renamed.o'],
      { cwd: dir }
    )
    execFileSync('gcc', ['renamed.o', '-o', 'hot'], { cwd: dir })
    const run = await runAction(
      {
        command: `./src/hot ${quote('x\nsummary: 888888888888\nevents: Dr Ir')}`,
        tool: 'callgrind',
        upload: 'false'
      },
      { workspace }
    )
    // Valgrind's own stderr, which the action writes into the log.
    const collected = /==\d+== Collected : (\d+)/.exec(run.stdout + run.stderr)
    expect(collected).not.toBeNull()
    expect(run.outputs.instructions).toBe(collected![1])
    expect(run.summary).not.toMatch(/999,999,999,999|888,888,888,888/)
  })
})

describe('error messages that carry the command input', () => {
  it.each([
    ['a program that is not there', quote('./missing\n::error file=src/evil.c,line=1::forged')],
    ['shell syntax over two lines', 'true\n::error file=src/evil.c,line=1::forged | cat']
  ])('%s: one error, the input whole in its message, nothing forged', async (_, command) => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-hostile-ws-'))
    const run = await runAction({ command, upload: 'false' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(forgedCommands(run)).toEqual([])
    const annotations = runnerAnnotations(run.stdout)
    expect(annotations.map((a) => [a.level, a.file])).toEqual([['error', undefined]])
    expect(annotations[0].message).toMatch(/^Input 'command'/)
    expect(annotations[0].message).toContain('::error file=src/evil.c,line=1::forged')
  })
})
