// End to end: real valgrind on C and C++ programs compiled here, through dist/index.js on Node 24
// with the environment a GitHub runner provides. Asserts what a user sees: annotations (file,
// line, level), outputs, the job summary and the step's exit status.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { makeWorkspace, markerLine, runAction, type ActionRun } from './support/run-action.js'

function annotationAt(run: ActionRun, file: string, line: number) {
  return run.annotations.filter((a) => a.file === file && a.line === line)
}

describe('leaks of every kind', () => {
  let workspace: string
  let run: ActionRun
  beforeAll(async () => {
    workspace = makeWorkspace(['leaks'])
    run = await runAction({ command: './build/leaks' }, { workspace })
  })

  it('fails the step on the definite leaks only', () => {
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/definite leaks? \(116 bytes in 2 blocks\)/)
    expect(run.failure).not.toMatch(/program exited/i)
  })

  it('outputs byte totals equal to the LEAK SUMMARY', () => {
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(run.outputs['indirectly-lost-bytes']).toBe('16')
    expect(run.outputs['possibly-lost-bytes']).toBe('64')
    expect(run.outputs['still-reachable-bytes']).toBe('128')
    expect(run.outputs.findings).toBe('5')
    expect(run.outputs.errors).toBe('2')
  })

  it('annotates each leak at its allocation, errors for fail-on kinds and warnings otherwise', () => {
    const definite = annotationAt(run, 'src/leaks.c', markerLine('leaks', 'LEAK-DEFINITE'))
    expect(definite).toHaveLength(1)
    expect(definite[0].level).toBe('error')
    expect(definite[0].title).toBe('Memcheck: 100 bytes definitely lost')
    expect(definite[0].message).toContain('\n   at malloc (')
    expect(definite[0].message).toContain('\n   by lose_a_buffer (src/leaks.c:')

    const list = annotationAt(
      run,
      'src/leaks.c',
      markerLine('leaks', 'LEAK-DEFINITE-WITH-INDIRECT')
    )
    expect(list[0].title).toBe('Memcheck: 32 bytes (16 direct, 16 indirect) definitely lost')
    expect(list[0].level).toBe('error')

    // Kinds not in fail-on stay in the summary: no annotation by default.
    for (const marker of ['LEAK-INDIRECT', 'LEAK-POSSIBLE', 'LEAK-REACHABLE']) {
      expect(annotationAt(run, 'src/leaks.c', markerLine('leaks', marker))).toHaveLength(0)
    }
    expect(run.annotations.map((a) => a.level)).toEqual(['error', 'error'])
    expect(run.summary).toContain('128 bytes still reachable')
  })

  it('writes a job summary with the verdict, the per-kind table and linked stacks', () => {
    const firstLine = run.summary.split('\n')[0]
    expect(firstLine).toMatch(
      /^## ❌ Valgrind Memcheck: Failed: Valgrind found 2 definite leaks \(116 bytes in 2 blocks\)/
    )
    expect(run.summary).toMatch(/\| Leak: Definitely lost ❌ \| 2 \| \| 116 \| 2 \|/)
    expect(run.summary).toMatch(/\| Leak: Still reachable \| 1 \| \| 128 \| 1 \|/)
    const line = markerLine('leaks', 'LEAK-DEFINITE')
    expect(run.summary).toContain(
      `<a href="https://github.com/acme/demo/blob/0123456789abcdef0123456789abcdef01234567/src/leaks.c#L${line}"><code>src/leaks.c:${line}</code></a>`
    )
    expect(run.summary).toContain('<details>')
  })

  it('writes a JSON report and keeps the XML files', () => {
    const report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8'))
    expect(report.findings).toHaveLength(5)
    expect(report.leakTotals.definite).toEqual({ bytes: 116, blocks: 2 })
    expect(fs.readdirSync(run.outputs['xml-dir']).filter((f) => f.endsWith('.xml'))).toHaveLength(1)
    expect(run.outputs['valgrind-version']).toMatch(/^3\.\d+/)
  })
})

describe('memory errors', () => {
  let run: ActionRun
  beforeAll(async () => {
    const workspace = makeWorkspace(['memory_errors'])
    run = await runAction(
      { command: './build/memory_errors', 'track-origins': 'true' },
      { workspace }
    )
  })

  it.each([
    ['INVALID-WRITE', 'Memcheck: Invalid write of size 4'],
    ['INVALID-READ', 'Memcheck: Invalid read of size 4'],
    ['USE-AFTER-FREE', 'Memcheck: Invalid read of size 4'],
    ['DOUBLE-FREE', 'Memcheck: Invalid free() / delete / delete[] / realloc()'],
    ['UNINIT-JUMP', 'Memcheck: Conditional jump or move depends on uninitialised value(s)']
  ])('annotates %s as an error on its line', (marker, title) => {
    const found = annotationAt(run, 'src/memory_errors.c', markerLine('memory_errors', marker))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ level: 'error', title })
  })

  it('shows where the freed block was freed and allocated, and where the uninitialised value came from', () => {
    const useAfterFree = annotationAt(
      run,
      'src/memory_errors.c',
      markerLine('memory_errors', 'USE-AFTER-FREE')
    )[0]
    expect(useAfterFree.message).toMatch(/inside a block of size 16 free'd\n\s+at free \(/)
    expect(useAfterFree.message).toContain("Block was alloc'd at")
    const uninit = annotationAt(
      run,
      'src/memory_errors.c',
      markerLine('memory_errors', 'UNINIT-JUMP')
    )[0]
    expect(uninit.message).toContain('Uninitialised value was created by a heap allocation')
    expect(uninit.message).toContain(
      `by main (src/memory_errors.c:${markerLine('memory_errors', 'UNINIT-ORIGIN')})`
    )
  })

  it('fails with the number of errors and no leak', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs.errors).toBe('5')
    expect(run.outputs['definitely-lost-bytes']).toBe('0')
    expect(run.failure).toContain('Valgrind found 5 memory errors')
  })
})

describe('C++ mismatched delete', () => {
  it('annotates the delete of a new[] block', async () => {
    const workspace = makeWorkspace(['mismatched'])
    const run = await runAction({ command: './build/mismatched' }, { workspace })
    const found = annotationAt(
      run,
      'src/mismatched.cpp',
      markerLine('mismatched', 'MISMATCHED-DELETE')
    )
    expect(found).toHaveLength(1)
    expect(found[0].title).toBe('Memcheck: Mismatched free() / delete / delete []')
    expect(run.exitCode).toBe(1)
  })
})

describe('thread checkers', () => {
  it.each([
    ['helgrind', /^Helgrind: Possible data race during (read|write) of size 4/],
    ['drd', /^DRD: Conflicting (load|store) by thread \d+ at 0x[0-9a-f]+ size 4/]
  ])('tool: %s annotates the racy line as an error', async (tool, title) => {
    const workspace = makeWorkspace(['race'])
    const run = await runAction({ command: './build/race', tool }, { workspace })
    const found = annotationAt(run, 'src/race.c', markerLine('race', 'RACE'))
    expect(found.length).toBeGreaterThan(0)
    for (const annotation of found) {
      expect(annotation.level).toBe('error')
      expect(annotation.title).toMatch(title)
    }
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(
      /^Valgrind found \d+ thread errors? \(fail-on: definite, errors\)\.$/
    )
    expect(run.summary.split('\n')[0]).toContain(
      tool === 'drd' ? 'Valgrind DRD' : 'Valgrind Helgrind'
    )
  })
})

describe('a child process', () => {
  it('follows the child into its own XML file and annotates its leak', async () => {
    const workspace = makeWorkspace(['parent', 'child_leak'])
    const run = await runAction({ command: './build/parent ./build/child_leak' }, { workspace })
    expect(fs.readdirSync(run.outputs['xml-dir']).filter((f) => f.endsWith('.xml'))).toHaveLength(2)
    const found = annotationAt(run, 'src/child_leak.c', markerLine('child_leak', 'CHILD-LEAK'))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ level: 'error', title: 'Memcheck: 40 bytes definitely lost' })
    expect(run.outputs['definitely-lost-bytes']).toBe('40')
    expect(run.exitCode).toBe(1)
  })

  it('does not follow children with trace-children: false', async () => {
    const workspace = makeWorkspace(['parent', 'child_leak'])
    const run = await runAction(
      { command: './build/parent ./build/child_leak', 'trace-children': 'false' },
      { workspace }
    )
    expect(fs.readdirSync(run.outputs['xml-dir']).filter((f) => f.endsWith('.xml'))).toHaveLength(1)
    expect(run.outputs['definitely-lost-bytes']).toBe('0')
    expect(run.exitCode).toBe(0)
  })
})

describe('a crash', () => {
  it('reports the SIGSEGV and its stack apart from the invalid write', async () => {
    const workspace = makeWorkspace(['segv'])
    const run = await runAction({ command: './build/segv' }, { workspace })
    const line = markerLine('segv', 'SEGV-WRITE')
    expect(annotationAt(run, 'src/segv.c', line)[0]).toMatchObject({
      level: 'error',
      title: 'Memcheck: Invalid write of size 4'
    })
    expect(run.failure).toContain(
      `The program was killed by SIGSEGV (Access not within mapped region) in crash (src/segv.c:${line}).`
    )
    expect(run.outputs['still-reachable-bytes']).toBe('100')
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('killed by SIGSEGV')
  })
})

describe('a program killed halfway (SIGKILL: valgrind dies too, the XML is cut short)', () => {
  it('still reports what was read before the cut, warns, and keeps the raw file', async () => {
    const workspace = makeWorkspace(['killed'])
    const run = await runAction({ command: './build/killed' }, { workspace })
    expect(run.exitCode).toBe(1)
    const found = annotationAt(run, 'src/killed.c', markerLine('killed', 'WRITE-BEFORE-KILL'))
    expect(found).toEqual([
      expect.objectContaining({ level: 'error', title: 'Memcheck: Invalid write of size 1' })
    ])
    expect(run.failure).toContain('The program was killed by SIGKILL.')
    expect(run.failure).toContain('Valgrind found 1 memory error')
    const [xml] = fs.readdirSync(run.outputs['xml-dir'])
    expect(fs.readFileSync(path.join(run.outputs['xml-dir'], xml), 'utf8')).not.toContain(
      '</valgrindoutput>'
    )
    expect(run.stdout).toMatch(/::warning::.*the XML ends early/)
    expect(run.summary).toMatch(
      /\d XML files? (was|were) cut short; everything read before the cut is reported/
    )
  })
})

describe('a program that fails by itself', () => {
  it('fails the step with its exit status, and no finding', async () => {
    const workspace = makeWorkspace(['exit3'])
    const run = await runAction({ command: './build/exit3' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe('The program exited with status 3.')
    expect(run.outputs.findings).toBe('0')
    expect(run.annotations).toHaveLength(0)
  })
})

describe('a clean program', () => {
  let run: ActionRun
  beforeAll(async () => {
    const workspace = makeWorkspace(['clean'])
    run = await runAction({ command: './build/clean' }, { workspace })
  })
  it('passes with zero findings', () => {
    expect(run.exitCode).toBe(0)
    expect(run.outputs.findings).toBe('0')
    expect(run.outputs.errors).toBe('0')
    expect(run.summary.split('\n')[0]).toBe(
      '## ✅ Valgrind Memcheck: Passed: valgrind found no errors and no leaks.'
    )
  })
  it('streams the program output, fenced so it cannot issue workflow commands', () => {
    expect(run.stdout).toContain('hello\n')
    expect(run.stdout).toMatch(
      /::stop-commands::(\w+)\n[\s\S]*::error file=clean.c,line=1::this must not[\s\S]*::\1::/
    )
    expect(run.annotations).toHaveLength(0)
  })
})

describe('fail-on and annotations inputs', () => {
  it('fail-on: none passes; with annotations: all every finding is a warning', async () => {
    const workspace = makeWorkspace(['leaks'])
    const run = await runAction(
      { command: './build/leaks', 'fail-on': 'none', annotations: 'all' },
      { workspace }
    )
    expect(run.exitCode).toBe(0)
    expect(run.annotations).toHaveLength(5)
    expect(run.annotations.every((a) => a.level === 'warning')).toBe(true)
    expect(run.outputs.errors).toBe('0')
  })

  it('annotations: all adds the kinds outside fail-on as warnings, after the errors', async () => {
    const workspace = makeWorkspace(['leaks'])
    const run = await runAction({ command: './build/leaks', annotations: 'all' }, { workspace })
    const at = (marker: string) => annotationAt(run, 'src/leaks.c', markerLine('leaks', marker))
    expect(at('LEAK-INDIRECT')[0]).toMatchObject({
      level: 'warning',
      title: 'Memcheck: 16 bytes indirectly lost'
    })
    expect(at('LEAK-POSSIBLE')[0]).toMatchObject({
      level: 'warning',
      title: 'Memcheck: 64 bytes possibly lost'
    })
    expect(at('LEAK-REACHABLE')[0]).toMatchObject({
      level: 'warning',
      title: 'Memcheck: 128 bytes still reachable'
    })
    // Errors come before warnings, so the ones that fail the step reach the pull request first.
    expect(run.annotations.map((a) => a.level)).toEqual([
      'error',
      'error',
      'warning',
      'warning',
      'warning'
    ])
  })

  it('fail-on: reachable fails on the still-reachable block', async () => {
    const workspace = makeWorkspace(['leaks'])
    const run = await runAction({ command: './build/leaks', 'fail-on': 'reachable' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.errors).toBe('1')
    expect(run.failure).toContain('1 still-reachable finding (128 bytes in 1 block)')
  })

  it('annotations: false keeps the summary but emits no annotation', async () => {
    const workspace = makeWorkspace(['leaks'])
    const run = await runAction({ command: './build/leaks', annotations: 'false' }, { workspace })
    expect(run.annotations).toHaveLength(0)
    expect(run.summary).toContain('100 bytes definitely lost')
    expect(run.exitCode).toBe(1)
  })

  it('suppressions silence what they match', async () => {
    const workspace = makeWorkspace(['leaks'])
    fs.writeFileSync(
      path.join(workspace, 'leaks.supp'),
      '{\n  buffer\n  Memcheck:Leak\n  match-leak-kinds: definite\n  fun:malloc\n  fun:lose_a_buffer\n}\n'
    )
    const run = await runAction(
      { command: './build/leaks', suppressions: 'leaks.supp' },
      { workspace }
    )
    expect(run.outputs['definitely-lost-bytes']).toBe('16')
    expect(annotationAt(run, 'src/leaks.c', markerLine('leaks', 'LEAK-DEFINITE'))).toHaveLength(0)
  })
})

describe('valgrind-args', () => {
  it("a user's --error-exitcode is read as valgrind's, not as the program failing", async () => {
    const workspace = makeWorkspace(['memory_errors'])
    const run = await runAction(
      { command: './build/memory_errors', 'valgrind-args': '--error-exitcode=7 --num-callers=30' },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toBe('Valgrind found 5 memory errors (fail-on: definite, errors).')
  })
})

describe('bad input', () => {
  let workspace: string
  beforeAll(() => {
    workspace = makeWorkspace(['clean'])
  })

  it.each([
    [
      { command: './build/clean', 'fail-on': 'definite,bogus' },
      "Input 'fail-on': unknown value 'bogus'. Accepted: a comma-separated list of definite, indirect, possible, reachable, errors; or none."
    ],
    [{ command: './build/clean', tool: 'massif' }, "Input 'tool': unknown tool 'massif'."],
    [
      { command: './build/missing' },
      "Input 'command': the program './build/missing' was not found"
    ],
    [{ command: './build/clean', suppressions: 'nope.supp' }, "Input 'suppressions': file"],
    [{ command: "./build/clean 'unclosed" }, "Input 'command': cannot split"],
    [{ command: '' }, "Input 'command' is required"],
    [
      { command: './build/clean', 'track-origins': 'maybe' },
      "Input 'track-origins' must be true or false, got 'maybe'."
    ]
  ])('%j fails with a clear message and no stack trace', async (inputs, message) => {
    const run = await runAction(inputs, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain(message)
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
  })

  it('a missing valgrind is a clear error, never a pass', async () => {
    const run = await runAction(
      { command: './build/clean', install: 'never' },
      { workspace, env: { PATH: '/nonexistent' } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/valgrind/i)
    expect(run.failure).toContain("valgrind is not on PATH, and input 'install' is 'never'.")
  })

  it.each([
    ['darwin', 'arm64'],
    ['win32', 'x64'],
    ['freebsd', 'x64'],
    ['linux', 's390']
  ])('refuses %s/%s at once, before running anything', async (platform, arch) => {
    // The runner's OS as Node reports it, faked for the action's process only.
    const preload = `data:text/javascript,Object.defineProperty(process,'platform',{value:'${platform}'});Object.defineProperty(process,'arch',{value:'${arch}'})`
    const run = await runAction(
      { command: './build/clean' },
      { workspace, nodeArgs: ['--import', preload] }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/valgrind does not (run on|support)|runs valgrind on Linux only/)
    expect(run.failure).toMatch(/Linux runner/)
    expect(run.stdout).not.toContain('Running ./build/clean')
  })

  it("a valgrind that refuses to start is named as valgrind's failure, never a pass", async () => {
    // An unset %q{} variable makes valgrind refuse to start, the way a broken option does.
    const run = await runAction(
      {
        command: './build/clean',
        'valgrind-args': '--log-file=/nonexistent-dir/x/%q{UNSET_VARIABLE_FOR_TEST}'
      },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain(
      "Valgrind failed to start, so nothing was checked. Valgrind says: Bad option: --log-file=/nonexistent-dir/x/%q{UNSET_VARIABLE_FOR_TEST} Environment variable 'UNSET_VARIABLE_FOR_TEST' is not set"
    )
  })
})
