// The valgrind XML parser against real valgrind output: every sample under fixtures/valgrind-samples
// (compared with SUMMARY.txt and with valgrind's own text summaries), hand-checked details of the
// tricky samples, protocol-6 fixtures, and a live valgrind run of a program compiled here.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { errorSummary, errorsForLeakKinds, leakTotals } from '../src/analysis/leak-totals.js'
import { LEAK_KINDS, type LeakKind, type ProcessRun, type RawFinding } from '../src/model.js'
import { parseValgrindXml, parseValgrindXmlFile } from '../src/parse/xml.js'
import { readSummary, readTextOracle } from './parse-oracle.js'
import { fixturesDir, samplesDir, samplesValgrindVersion } from './support/paths.js'

const SRC = '/home/runner/work/demo/demo/src'

const sample = (name: string, file?: string): string =>
  path.join(samplesDir, name, file ?? `${name}.xml`)
const parse = (name: string, file?: string): Promise<ProcessRun> =>
  parseValgrindXmlFile(sample(name, file))

/** Where a frame points, as a user reads it: `file:line`. */
const at = (finding: { stack: RawFinding['stack'] }, index = 0): string =>
  `${finding.stack[index]?.file}:${finding.stack[index]?.line}`
const atFrame = (frames: RawFinding['stack'], index = 0): string =>
  `${frames[index]?.file}:${frames[index]?.line}`

function allSampleXmlFiles(): string[] {
  const files: string[] = []
  for (const dir of fs.readdirSync(samplesDir)) {
    const full = path.join(samplesDir, dir)
    if (!fs.statSync(full).isDirectory()) continue
    for (const file of fs.readdirSync(full))
      if (file.endsWith('.xml')) files.push(path.join(full, file))
  }
  return files.sort()
}

const LEAK_XML_KIND: Record<string, LeakKind> = {
  Leak_DefinitelyLost: 'definite',
  Leak_IndirectlyLost: 'indirect',
  Leak_PossiblyLost: 'possible',
  Leak_StillReachable: 'reachable'
}

/** Records per kind, counting merged contexts as valgrind does. */
function kindCounts(run: ProcessRun): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const finding of run.findings) {
    counts[finding.kind] = (counts[finding.kind] ?? 0) + (finding.contexts ?? 1)
  }
  return counts
}

describe('every sample XML file, against SUMMARY.txt', () => {
  const entries = readSummary(samplesDir)

  it('covers every XML file under the samples', () => {
    expect(entries.map((entry) => entry.file).sort()).toEqual(allSampleXmlFiles())
  })

  const wellFormed = entries.filter((entry) => entry.derived)
  it.each(wellFormed.map((entry) => [path.relative(samplesDir, entry.file), entry] as const))(
    '%s',
    async (_name, entry) => {
      const truth = entry.derived!
      const run = await parseValgrindXmlFile(entry.file)
      expect(run.warnings).toEqual([])
      expect(run.complete).toBe(true)
      expect(String(run.protocolVersion)).toBe(truth.protocol)
      expect(run.tool).toBe(truth.tool)
      expect(run.valgrindVersion).toBe(samplesValgrindVersion)
      expect([run.exe, ...run.args]).toEqual(truth.argv)
      expect(kindCounts(run)).toEqual(truth.kinds)
      const summary = errorSummary(run)
      expect([summary.errors, summary.contexts]).toEqual([truth.errors, truth.contexts])
      expect(run.suppressionCounts.map((pair) => [pair.name, pair.count])).toEqual(truth.suppcounts)
      const totals = leakTotals(run)
      for (const [xmlKind, kind] of Object.entries(LEAK_XML_KIND)) {
        const [bytes, blocks] = truth.leak[xmlKind] ?? [0, 0]
        expect({ kind, ...totals[kind] }).toEqual({ kind, bytes, blocks })
      }
      expect(run.fatalSignal?.signame ?? null).toBe(truth.fatal_signal)
      expect(run.finished).toBe(truth.finished)
      expect(run.pid).toBeGreaterThan(0)
      expect(run.ppid).toBeGreaterThan(0)
    }
  )
})

describe('every C sample, against the ERROR SUMMARY and LEAK SUMMARY of its text run', () => {
  // The Rust samples' text runs are separate runs whose 48-byte std block comes and goes with
  // timing (see the samples' README), so they are compared with SUMMARY.txt only.
  const cases = fs
    .readdirSync(samplesDir)
    .filter((name) => !name.startsWith('rust_'))
    .filter((name) => fs.existsSync(path.join(samplesDir, name, 'text.stderr.txt')))
    .map((name) => ({
      name,
      xmlFiles: fs
        .readdirSync(path.join(samplesDir, name))
        .filter((file) => file.endsWith('.xml'))
        .map((file) => path.join(samplesDir, name, file)),
      oracles: readTextOracle(path.join(samplesDir, name, 'text.stderr.txt')).filter(
        (oracle) => oracle.errors
      )
    }))
    .filter((c) => c.oracles.length > 0)

  it('has the expected samples', () => {
    expect(cases.length).toBeGreaterThanOrEqual(28)
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const runs = await Promise.all(c.xmlFiles.map((file) => parseValgrindXmlFile(file)))
    // Without --show-leak-kinds=all, protocol-4 XML only has the kinds shown (default: definite,
    // possible); the text summary still has all four.
    const shown = (args: readonly string[] = []): readonly LeakKind[] =>
      args.includes('--show-leak-kinds=all') ? LEAK_KINDS : ['definite', 'possible']
    const leakText = (
      totals: Record<LeakKind, { bytes: number; blocks: number }>,
      kinds: readonly LeakKind[]
    ) => kinds.map((kind) => `${kind} ${totals[kind].bytes}/${totals[kind].blocks}`).join(', ')
    const kinds = shown(runs[0].valgrindArgs)
    const noLeaks = leakTotals({ ...runs[0], findings: [], leakSummary: undefined })
    const fromXml = runs.map((run) => {
      const summary = errorSummary(run)
      return {
        errors: summary.errors,
        contexts: summary.contexts,
        suppressed: summary.suppressed,
        leaks: leakText(leakTotals(run), kinds)
      }
    })
    const fromText = c.oracles.map((oracle) => ({
      errors: oracle.errors!.errors,
      contexts: oracle.errors!.contexts,
      suppressed: oracle.errors!.suppressed,
      leaks: leakText(oracle.leaks ?? noLeaks, kinds)
    }))
    const order = (a: { errors: number; leaks: string }, b: { errors: number; leaks: string }) =>
      a.errors - b.errors || a.leaks.localeCompare(b.leaks)
    expect(fromXml.sort(order)).toEqual(fromText.sort(order))
    // Processes match by program too (a forked child prints no "Command:" line).
    for (const oracle of c.oracles) {
      if (oracle.command !== '') {
        expect(runs.map((run) => run.exe)).toContain(oracle.command.split(' ')[0])
      }
    }
  })
})

describe('memcheck details', () => {
  it('leaks: one record per loss record, direct and indirect bytes split as valgrind prints them', async () => {
    const run = await parse('leaks')
    const leaks = run.findings.map((f) => ({ ...f.leak, at: at(f, 1), count: f.count }))
    expect(leaks).toEqual([
      {
        kind: 'indirect',
        bytes: 16,
        directBytes: 16,
        indirectBytes: 0,
        blocks: 1,
        at: 'leaks.c:14',
        count: 1
      },
      {
        kind: 'definite',
        bytes: 16,
        directBytes: 16,
        indirectBytes: 0,
        blocks: 1,
        at: 'leaks.c:8',
        count: 1
      },
      {
        kind: 'definite',
        bytes: 32,
        directBytes: 16,
        indirectBytes: 16,
        blocks: 1,
        at: 'leaks.c:13',
        count: 1
      },
      {
        kind: 'possible',
        bytes: 64,
        directBytes: 64,
        indirectBytes: 0,
        blocks: 1,
        at: 'leaks.c:19',
        count: 1
      },
      {
        kind: 'reachable',
        bytes: 128,
        directBytes: 128,
        indirectBytes: 0,
        blocks: 1,
        at: 'leaks.c:23',
        count: 1
      }
    ])
    expect(leakTotals(run)).toEqual({
      definite: { bytes: 32, blocks: 2 },
      indirect: { bytes: 16, blocks: 1 },
      possible: { bytes: 64, blocks: 1 },
      reachable: { bytes: 128, blocks: 1 }
    })
    expect(run.findings[2].what).toBe(
      '32 (16 direct, 16 indirect) bytes in 1 blocks are definitely lost in loss record 3 of 5'
    )
    expect(run.findings[2].stack[1]).toEqual({
      ip: '0x109191',
      obj: '/home/runner/work/demo/demo/build/leaks',
      fn: 'make_indirect',
      dir: SRC,
      file: 'leaks.c',
      line: 13
    })
    expect(run.valgrindArgs).toContain('--show-leak-kinds=all')
  })

  it('leaks_default_kinds: indirect and reachable are not in protocol-4 XML without --show-leak-kinds=all', async () => {
    const totals = leakTotals(await parse('leaks_default_kinds'))
    expect(totals.definite).toEqual({ bytes: 32, blocks: 2 })
    expect(totals.indirect).toEqual({ bytes: 0, blocks: 0 })
  })

  it('invalid_rw: the invalid write and reads at the lines of invalid_rw.c, with the allocation stack', async () => {
    const run = await parse('invalid_rw')
    expect(run.findings.map((f) => [f.kind, f.what, at(f), f.count])).toEqual([
      ['InvalidWrite', 'Invalid write of size 1', 'invalid_rw.c:6', 1],
      ['InvalidRead', 'Invalid read of size 1', 'invalid_rw.c:7', 1],
      ['InvalidRead', 'Invalid read of size 4', 'invalid_rw.c:10', 1]
    ])
    const write = run.findings[0]
    expect(write.unique).toBe('0x0')
    expect(write.tid).toBe(1)
    expect(write.stack[0].dir).toBe(SRC)
    expect(write.auxStacks).toEqual([
      {
        label: expect.stringMatching(
          /^Address 0x[0-9a-f]+ is 0 bytes after a block of size 10 alloc'd$/
        ),
        frames: [
          expect.objectContaining({ fn: 'malloc' }),
          expect.objectContaining({ fn: 'main', file: 'invalid_rw.c', line: 5 })
        ]
      }
    ])
    expect(write.notes).toEqual([])
  })

  it("use_after_free: three stacks each: the access, where it was freed, where it was alloc'd", async () => {
    const run = await parse('use_after_free')
    expect(run.findings).toHaveLength(2)
    for (const [finding, line] of [
      [run.findings[0], 8],
      [run.findings[1], 9]
    ] as const) {
      expect(at(finding)).toBe(`use_after_free.c:${line}`)
      expect(
        finding.auxStacks.map((s) => [s.label.replace(/0x[0-9a-f]+/, 'ADDR'), atFrame(s.frames, 1)])
      ).toEqual([
        [
          expect.stringMatching(/^Address ADDR is \d+ bytes inside a block of size 32 free'd$/),
          'use_after_free.c:7'
        ],
        ["Block was alloc'd at", 'use_after_free.c:5']
      ])
    }
  })

  it('uninit_origins: the origin stack follows "Uninitialised value was created by …"', async () => {
    const run = await parse('uninit_origins')
    expect(run.findings.map((f) => f.auxStacks.map((s) => s.label))).toEqual([
      ['Uninitialised value was created by a heap allocation'],
      ['Uninitialised value was created by a stack allocation']
    ])
    expect(run.findings[0].auxStacks[0].frames.at(-1)).toMatchObject({
      fn: 'main',
      file: 'uninit.c'
    })
    const noOrigins = await parse('uninit_no_origins')
    expect(noOrigins.findings.map((f) => f.auxStacks)).toEqual([[], []])
  })

  it('invalid_free: aux lines without a stack become notes', async () => {
    const run = await parse('invalid_free')
    expect(run.findings[0].auxStacks.map((s) => s.label)).toEqual([
      expect.stringMatching(/is 0 bytes inside a block of size 24 free'd$/),
      "Block was alloc'd at"
    ])
    expect(run.findings[1].auxStacks).toEqual([])
    expect(run.findings[1].notes).toEqual([
      expect.stringMatching(/^Address 0x[0-9a-f]+ is on thread 1's stack$/),
      'in frame #1, created by main (invalid_free.c:3)'
    ])
  })

  it('segv: the fatal signal with its stack, then the rest of the run', async () => {
    const run = await parse('segv')
    expect(run.fatalSignal).toEqual({
      tid: 1,
      signo: 11,
      signame: 'SIGSEGV',
      event: 'Access not within mapped region',
      siaddr: '0x0',
      stack: [
        expect.objectContaining({ fn: 'crash', file: 'segv.c', line: 5 }),
        expect.objectContaining({ fn: 'main', file: 'segv.c', line: 11 })
      ]
    })
    expect(run.finished).toBe(true)
    expect(leakTotals(run).reachable).toEqual({ bytes: 100, blocks: 1 })
  })

  it('killed_sigterm: SIGTERM without event or address', async () => {
    const run = await parseValgrindXmlFile(sample('killed_sigterm', 'killed.xml'))
    expect(run.fatalSignal).toMatchObject({ signo: 15, signame: 'SIGTERM' })
    expect(run.fatalSignal?.event).toBeUndefined()
    expect(run.complete).toBe(true)
  })

  it('killed_sigkill: a truncated file keeps the complete error and says what happened', async () => {
    const run = await parseValgrindXmlFile(sample('killed_sigkill', 'killed.xml'))
    expect(run.complete).toBe(false)
    expect(run.finished).toBe(false)
    expect(run.findings.map((f) => [f.kind, at(f)])).toEqual([['InvalidWrite', 'slow.c:7']])
    expect(run.findings[0].auxStacks).toHaveLength(1)
    expect(run.warnings).toEqual([
      `${sample('killed_sigkill', 'killed.xml')}: the XML ends early (valgrind or the program was killed?); 1 finding read before the cut`
    ])
    expect(errorSummary(run)).toEqual({ errors: 1, contexts: 1, suppressed: 0 })
  })

  it('exit_on_first_error: no <errorcounts> and no FINISHED: each error counts once', async () => {
    const run = await parse('exit_on_first_error')
    expect(run.finished).toBe(false)
    expect(run.complete).toBe(true)
    expect(run.findings.map((f) => [f.kind, f.count])).toEqual([['InvalidWrite', 1]])
  })

  it('gen_suppressions: the paste-ready suppression from the CDATA', async () => {
    const run = await parse('gen_suppressions')
    expect(run.findings[0].suppression).toBe(
      '{\n   <insert_a_suppression_name_here>\n   Memcheck:Addr1\n   fun:main\n}'
    )
    const leaks = await parse('gen_suppressions_leaks')
    expect(leaks.findings[0].suppression).toContain('match-leak-kinds: indirect')
    expect(leaks.findings.every((f) => f.suppression?.startsWith('{'))).toBe(true)
  })

  it('suppressions_used: suppression counts by name, and uniques are kept as written', async () => {
    const run = await parse('suppressions_used')
    expect(run.suppressionCounts).toEqual([{ name: '<insert_a_suppression_name_here>', count: 2 }])
    expect(run.findings.map((f) => f.unique)).toEqual(['0x2'])
  })

  it('fishy: the trailing newline of <what> is trimmed', async () => {
    const run = await parse('fishy')
    expect(run.findings[0].what).toMatch(/has a fishy \(possibly negative\) value: -8$/)
  })

  it('threadname_memcheck: the thread name of the error', async () => {
    const run = await parse('threadname_memcheck')
    expect(run.findings[0].threadName).toBe('tests::my_test')
    expect(run.findings[0].tid).toBe(2)
  })

  it('weird_args: non-UTF-8 argv bytes become U+FFFD, entities are decoded', async () => {
    const run = await parse('weird_args')
    expect(run.warnings).toEqual([])
    expect(run.args).toEqual([
      'café',
      'bad\uFFFD\uFFFDbytes',
      '<tag attr="x">&amp;</tag>',
      'spaces in arg',
      '--exact',
      'tests::it_works'
    ])
    expect(run.findings).toHaveLength(1)
  })

  it('control_chars_args: control characters are dropped, TAB and LF kept', async () => {
    const run = await parse('control_chars_args')
    expect(run.warnings).toEqual([])
    expect(run.args).toEqual(['ctlchar', `quote'"`, 'tab\there', 'new\nline'])
    expect(run.findings.map((f) => f.kind)).toEqual(['InvalidWrite'])
  })

  it('user_comment: the unescaped comment is skipped and the rest read', async () => {
    const run = await parse('user_comment')
    expect(run.warnings).toEqual([])
    expect(run.exe).toBe('/home/runner/work/demo/demo/build/clean')
    expect(run.valgrindArgs?.at(-1)).toBe(
      '--xml-user-comment=<nextest><test>tests::it_works</test></nextest>'
    )
  })

  it('logfilequalifier and clientmsg: extra top-level records are ignored', async () => {
    const qualified = await parse('logfilequalifier', 'vg.tests__it_works.2837.xml')
    expect(qualified.warnings).toEqual([])
    expect(qualified.findings).toHaveLength(5)
    const clientmsg = await parse('clientmsg')
    expect(clientmsg.findings).toEqual([])
    expect(clientmsg.finished).toBe(true)
  })
})

describe('thread checkers', () => {
  it("helgrind_race: Race with the conflicting access and the threads' creation stacks", async () => {
    const run = await parse('helgrind_race')
    expect(run.tool).toBe('helgrind')
    expect(run.findings.map((f) => [f.kind, f.tool, at(f), f.count])).toEqual([
      ['Race', 'helgrind', 'race.c:8', 1],
      ['Race', 'helgrind', 'race.c:8', 1]
    ])
    const race = run.findings[0]
    expect(race.what).toBe('Possible data race during read of size 4 at 0x10C02C by thread #3')
    expect(
      race.auxStacks.map((s) => [
        s.label,
        atFrame(s.frames),
        atFrame(s.frames, s.frames.length - 1)
      ])
    ).toEqual([
      ['This conflicts with a previous write of size 4 by thread #2', 'race.c:8', 'clone.S:100'],
      ['Thread #3 was created', 'clone.S:76', 'race.c:14'],
      ['Thread #2 was created', 'clone.S:76', 'race.c:13']
    ])
  })

  it('helgrind_threadname: UnlockBogus', async () => {
    const run = await parse('helgrind_threadname')
    expect(run.findings.map((f) => f.kind)).toEqual(['UnlockBogus'])
  })

  it('drd_race: 2000 errors from 3 contexts, counts from <errorcounts>', async () => {
    const run = await parse('drd_race')
    expect(run.tool).toBe('drd')
    expect(
      run.findings.map((f) => [f.kind, f.what.replace(/0x[0-9a-f]+/, 'ADDR'), at(f), f.count])
    ).toEqual([
      ['ConflictingAccess', 'Conflicting load by thread 3 at ADDR size 4', 'race.c:8', 500],
      ['ConflictingAccess', 'Conflicting store by thread 3 at ADDR size 4', 'race.c:8', 1000],
      ['ConflictingAccess', 'Conflicting load by thread 3 at ADDR size 4', 'race.c:7', 500]
    ])
    expect(run.findings[0].notes).toEqual([
      'Allocation context: BSS section of /home/runner/work/demo/demo/build/race'
    ])
    expect(errorSummary(run)).toEqual({ errors: 2000, contexts: 3, suppressed: 10 })
    expect(run.suppressionCounts).toEqual([{ name: 'drd-ld', count: 10 }])
  })

  it('drd_threadname: MutexErr', async () => {
    const run = await parse('drd_threadname')
    expect(run.findings.map((f) => [f.kind, f.what])).toEqual([
      ['MutexErr', expect.stringContaining('is not a mutex')]
    ])
  })
})

describe('several processes', () => {
  it("fork_exec_trace_children: the exec'd child names its parent", async () => {
    const parent = await parse('fork_exec_trace_children', 'fork_exec.2736.xml')
    const child = await parse('fork_exec_trace_children', 'fork_exec.2763.xml')
    expect([parent.pid, child.pid, child.ppid]).toEqual([2736, 2763, 2736])
    expect(child.exe).toBe('/home/runner/work/demo/demo/build/leaks')
    expect(leakTotals(parent).definite).toEqual({ bytes: 40, blocks: 1 })
  })

  it('fork_noexec_pct_p: the forked child writes its own file', async () => {
    const parent = await parse('fork_noexec_pct_p', 'fork_noexec.2827.xml')
    const child = await parse('fork_noexec_pct_p', 'fork_noexec.2828.xml')
    expect([parent.pid, child.pid, child.ppid]).toEqual([2827, 2828, 2827])
    expect(parent.findings.map((f) => [f.kind, at(f)])).toEqual([
      ['InvalidWrite', 'fork_noexec.c:16']
    ])
    expect(child.findings.map((f) => [f.leak?.kind, f.leak?.bytes, at(f, 1)])).toEqual([
      ['definite', 24, 'fork_noexec.c:9']
    ])
  })

  it('fork_noexec_shared_file: keeps the first document and warns about what follows it', async () => {
    const file = sample('fork_noexec_shared_file', 'fork_noexec.xml')
    const run = await parseValgrindXmlFile(file)
    expect(run.complete).toBe(true)
    expect(run.pid).toBe(2833)
    expect(run.findings.map((f) => f.kind)).toEqual(['Leak_DefinitelyLost'])
    expect(run.warnings).toEqual([
      `${file}: content after </valgrindoutput> was ignored (it holds 1 more <error> records): several processes probably wrote this one file; put %p in --xml-file so that each process writes its own`
    ])
  })
})

describe('rust samples', () => {
  it('rust_via_runner_script: --errors-for-leak-kinds=definite is read from the run', async () => {
    const run = await parse('rust_via_runner_script', 'vg.5842.xml')
    expect(errorsForLeakKinds(run.valgrindArgs)).toEqual(['definite'])
    expect(errorSummary(run)).toEqual({ errors: 1, contexts: 1, suppressed: 0 })
    expect(errorSummary(run, { errorsForLeakKinds: ['definite', 'possible'] }).errors).toBe(2)
    expect(run.args).toEqual(['--exact', 'tests::leaks_box', '--nocapture'])
  })

  it('rust_nextest_style: Rust frames with generics and deep stacks', async () => {
    const run = await parse('rust_nextest_style', 'vg.3459.xml')
    const read = run.findings.find((f) => f.kind === 'InvalidRead')!
    expect(read.stack.some((f) => f.file === 'rust_tests.rs')).toBe(true)
    expect(read.stack.length).toBeGreaterThan(5)
  })
})

describe('empty and foreign files', () => {
  it('callgrind_xml_unsupported: a 0-byte file gives a warning, not an error', async () => {
    const file = sample('callgrind_xml_unsupported', 'x.xml')
    const run = await parseValgrindXmlFile(file)
    expect(run.complete).toBe(false)
    expect(run.findings).toEqual([])
    expect(run.warnings).toEqual([
      `${file}: the file is empty: valgrind wrote nothing (did it fail to start, or does this tool not write XML?)`
    ])
  })

  it('a missing file is the one thing that throws', async () => {
    await expect(parseValgrindXmlFile('/nonexistent/vg.1.xml')).rejects.toThrow(
      "Cannot read valgrind XML file '/nonexistent/vg.1.xml': ENOENT"
    )
  })

  it('a file that is not valgrind XML', async () => {
    const run = await parseValgrindXml(
      [Buffer.from('==12== Memcheck, a memory error detector\n')],
      'log.txt'
    )
    expect(run.warnings).toEqual([
      'log.txt: no <valgrindoutput> element: this is not valgrind XML output'
    ])
    const other = await parseValgrindXml(
      [Buffer.from('<?xml version="1.0"?><html><error/></html>')],
      'x.xml'
    )
    expect(other.findings).toEqual([])
    expect(other.warnings[0]).toBe(
      'x.xml: the document element is <html>, not <valgrindoutput>; skipped it'
    )
  })
})

describe('protocol 6', () => {
  const expectedTotals = {
    definite: { bytes: 2048, blocks: 1 },
    indirect: { bytes: 1024, blocks: 1 },
    possible: { bytes: 1500, blocks: 1 },
    reachable: { bytes: 0, blocks: 0 }
  }

  it('reads <leak_summary> and <error_summary>, thousands separators included', async () => {
    const run = await parseValgrindXmlFile(path.join(fixturesDir, 'xml', 'protocol6-leaks.xml'))
    expect(run.warnings).toEqual([])
    expect(run.protocolVersion).toBe(6)
    expect(run.valgrindVersion).toBe('3.27.0')
    expect(run.leakSummary).toEqual(expectedTotals)
    expect(run.errorSummary).toEqual({
      errors: 1502,
      contexts: 3,
      suppressed: 0,
      suppressedContexts: 0
    })
    expect(leakTotals(run)).toEqual(expectedTotals)
    expect(errorSummary(run)).toEqual({
      errors: 1502,
      contexts: 3,
      suppressed: 0,
      suppressedContexts: 0
    })
    const definite = run.findings.find((f) => f.leak?.kind === 'definite')!
    expect(definite.leak).toEqual({
      kind: 'definite',
      bytes: 3072,
      directBytes: 2048,
      indirectBytes: 1024,
      blocks: 1
    })
    expect(run.findings.find((f) => f.kind === 'UninitCondition')?.count).toBe(1500)
  })

  it("valgrind 3.26.0's missing </still_reachable>: everything read, one warning", async () => {
    const file = path.join(fixturesDir, 'xml', 'protocol6-unclosed-still-reachable.xml')
    const run = await parseValgrindXmlFile(file)
    expect(run.complete).toBe(true)
    expect(run.leakSummary).toEqual(expectedTotals)
    expect(run.errorSummary?.errors).toBe(1502)
    expect(run.suppressionCounts).toEqual([])
    expect(run.findings).toHaveLength(4)
    expect(run.warnings).toEqual([
      `${file}: <still_reachable> is not closed (a valgrind 3.26.0 bug when nothing is still reachable, fixed in 3.27.0); read on`
    ])
  })
})

describe('streaming', () => {
  const bytesOf = (file: string): Buffer => fs.readFileSync(file)
  function* chunks(bytes: Buffer, sizes: () => number): Generator<Uint8Array> {
    for (let pos = 0; pos < bytes.length;) {
      const size = sizes()
      yield new Uint8Array(bytes.subarray(pos, pos + size))
      pos += size
    }
  }

  it('gives the same result whatever the chunk boundaries, for every sample', async () => {
    let seed = 42
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const fixtures = ['protocol6-leaks.xml', 'protocol6-unclosed-still-reachable.xml'].map((name) =>
      path.join(fixturesDir, 'xml', name)
    )
    for (const file of [...allSampleXmlFiles(), ...fixtures]) {
      const whole = await parseValgrindXmlFile(file)
      const bytes = bytesOf(file)
      const byByte = await parseValgrindXml(
        chunks(bytes, () => 1),
        file
      )
      expect({ file, run: byByte }).toEqual({ file, run: whole })
      const byRandom = await parseValgrindXml(
        chunks(bytes, () => 1 + Math.floor(random() * 40)),
        file
      )
      expect({ file, run: byRandom }).toEqual({ file, run: whole })
    }
  })

  it('survives damaged files: random bytes changed, removed or inserted, never an internal error', async () => {
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return Math.floor((seed / 2147483648) * n)
    }
    const alphabet = Buffer.from('<>/&;!?[]-x \n\u0001\u00ff')
    for (const file of allSampleXmlFiles().filter((f) => fs.statSync(f).size > 0)) {
      const original = bytesOf(file)
      for (let round = 0; round < 20; round++) {
        const damaged = Buffer.from(original)
        const parts: Buffer[] = []
        let pos = 0
        for (let edit = 0; edit < 8; edit++) {
          const at = pos + random(Math.max(1, damaged.length - pos) / 4)
          if (at >= damaged.length) break
          parts.push(damaged.subarray(pos, at))
          const op = random(3)
          if (op === 0) parts.push(Buffer.from([alphabet[random(alphabet.length)]]))
          pos = op === 1 ? at + 1 + random(20) : at + (op === 2 ? 1 : 0)
          if (op === 2) parts.push(Buffer.from([alphabet[random(alphabet.length)]]))
        }
        parts.push(damaged.subarray(Math.min(pos, damaged.length)))
        const run = await parseValgrindXml(parts, file)
        expect(run.warnings.filter((w) => w.includes('reading stopped early'))).toEqual([])
        expect(run.findings.length).toBeLessThanOrEqual(50)
      }
    }
  })

  it('a file cut at any byte: never throws, keeps every complete record, and says it is incomplete', async () => {
    const file = sample('killed_sigterm', 'killed.xml')
    const bytes = bytesOf(file)
    const whole = await parseValgrindXmlFile(file)
    const rootEnd = bytes.indexOf('</valgrindoutput>') + '</valgrindoutput>'.length
    let previous = 0
    for (let cut = 0; cut < rootEnd; cut++) {
      const run = await parseValgrindXml([bytes.subarray(0, cut)], file)
      expect(run.complete).toBe(false)
      expect(run.warnings).toHaveLength(1)
      expect(run.findings.length).toBeGreaterThanOrEqual(previous)
      previous = run.findings.length
      // Counts come from <errorcounts> at the very end; everything else is exactly the full parse.
      const withoutCounts = ({ count: _count, ...rest }: RawFinding): Omit<RawFinding, 'count'> =>
        rest
      expect(run.findings.map(withoutCounts)).toEqual(
        whole.findings.slice(0, run.findings.length).map(withoutCounts)
      )
    }
    expect(previous).toBe(whole.findings.length)
  })

  it('merges repeated records of one context: counts summed, contexts kept for ERROR SUMMARY', async () => {
    // invalid_rw's three errors, each repeated 4 times under new uniques, as a long run would show
    // them if one context had several uniques; errorcounts gives each unique 2 occurrences.
    const text = fs.readFileSync(sample('invalid_rw'), 'utf8')
    const errors = text.match(/<error>[\s\S]*?<\/error>\n/g)!
    let repeated = ''
    let pairs = ''
    for (let copy = 0; copy < 4; copy++) {
      errors.forEach((error, index) => {
        const unique = `0x${(copy * 16 + index).toString(16)}`
        repeated += error.replace(/<unique>0x[0-9a-f]+<\/unique>/, `<unique>${unique}</unique>`)
        pairs += `  <pair>\n    <count>2</count>\n    <unique>${unique}</unique>\n  </pair>\n`
      })
    }
    const first = text.indexOf('<error>')
    const last = text.lastIndexOf('</error>\n') + '</error>\n'.length
    const doc = (text.slice(0, first) + repeated + text.slice(last)).replace(
      /<errorcounts>[\s\S]*?<\/errorcounts>/,
      `<errorcounts>\n${pairs}</errorcounts>`
    )
    const run = await parseValgrindXml([Buffer.from(doc)], 'merged.xml')
    expect(run.findings.map((f) => [f.kind, at(f), f.count, f.contexts])).toEqual([
      ['InvalidWrite', 'invalid_rw.c:6', 8, 4],
      ['InvalidRead', 'invalid_rw.c:7', 8, 4],
      ['InvalidRead', 'invalid_rw.c:10', 8, 4]
    ])
    expect(errorSummary(run)).toEqual({ errors: 24, contexts: 12, suppressed: 0 })
  })

  it('a repeated frame read from memory is the frame its tokens make, in any shape and place', async () => {
    // Whole, a repeated <frame> is read from memory (its bytes are in one chunk); fed byte by byte
    // it never is. Frames that are not plain fields must be read as written every time.
    const frames = [
      '<frame><ip>0x1</ip><fn>f</fn></frame>',
      '<frame>\n <ip> 0x2 </ip>\n <obj>/o</obj><fn>a&amp;b</fn><file>x.c</file><line>3</line>\n</frame>',
      '<frame><ip>0x3</ip><!-- </frame> --><fn>g</fn></frame>',
      '<frame><ip>0x4</ip><fn>h</fn><extra>e</extra></frame>',
      '<frame><ip>0x5</ip><fn><![CDATA[cd]]></fn></frame>',
      '<frame><ip>0x6</ip><fn>i</fn></frame >',
      '<frame><ip/><fn>j</fn></frame>',
      '<frame><ip>0x7</ip><ip>0x8</ip><fn>k</fn></frame>',
      '<frame><ip>0x9</ip><frame><ip>0xa</ip></frame></frame>',
      '<frame><ip>0xb</ip><fn>m</fn>',
      '<frame><ip>0xc</ip><fn>n</frame>',
      '<frame><ip>0xd</ip>stray text<fn>o</fn></frame>',
      '<frame><ip>0xe</ip></fn></frame>',
      '<frame><line>12</line><line>x</line></frame>'
    ]
    const places = [
      (f: string): string =>
        `<error><unique>0x1</unique><kind>K</kind><what>w</what><stack>${f}${f}</stack><auxwhat>a</auxwhat><stack>${f}</stack></error>\n`,
      (f: string): string =>
        `<error><unique>0x2</unique><kind>K</kind><what>w${f}</what><stack><x>${f}</x>${f}</stack></error>\n`,
      (f: string): string =>
        `<fatal_signal><signo>11</signo><stack>${f}${f}</stack></fatal_signal>\n`,
      (f: string): string => `${f}\n`
    ]
    let body = '<valgrindoutput>\n<protocolversion>4</protocolversion>\n'
    for (let round = 0; round < 2; round++)
      for (const place of places) for (const frame of frames) body += place(frame)
    const doc = Buffer.from(`${body}<status><state>FINISHED</state></status>\n</valgrindoutput>\n`)
    const whole = await parseValgrindXml([doc], 'frames.xml')
    const byByte = await parseValgrindXml(
      chunks(doc, () => 1),
      'frames.xml'
    )
    expect(whole).toEqual(byByte)
    expect(whole.findings[0].stack).toEqual([
      { ip: '0x1', fn: 'f' },
      { ip: '0x1', fn: 'f' }
    ])
    expect(whole.findings[0].stack[0]).toBe(whole.findings[0].stack[1])
  })
})

describe('a live valgrind run of a program compiled here', () => {
  const hasTools =
    spawnSync('valgrind', ['--version']).status === 0 &&
    spawnSync('gcc', ['--version']).status === 0

  ;(hasTools ? it : it.skip)(
    "matches valgrind's text summaries, thousands separators included",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parse-test-'))
      try {
        const exe = path.join(dir, 'big_leaks')
        execFileSync('gcc', ['-g', '-O0', '-o', exe, path.join(fixturesDir, 'c', 'big_leaks.c')])
        const options = ['--leak-check=full', '--show-leak-kinds=all']
        const xml = path.join(dir, 'vg.%p.xml')
        spawnSync('valgrind', [...options, '--xml=yes', `--xml-file=${xml}`, exe])
        const text = spawnSync('valgrind', [...options, exe], { encoding: 'utf8' }).stderr
        fs.writeFileSync(path.join(dir, 'text.txt'), text)
        const [oracle] = readTextOracle(path.join(dir, 'text.txt'))
        const [xmlFile] = fs.readdirSync(dir).filter((f) => f.endsWith('.xml'))
        const run = await parseValgrindXmlFile(path.join(dir, xmlFile))
        expect(run.warnings).toEqual([])
        expect(leakTotals(run)).toEqual(oracle.leaks)
        const { errors, contexts, suppressed } = errorSummary(run)
        expect({ errors, contexts, suppressed }).toEqual({
          errors: oracle.errors!.errors,
          contexts: oracle.errors!.contexts,
          suppressed: oracle.errors!.suppressed
        })
        expect(run.findings.map((f) => [f.kind, at(f, f.leak ? 1 : 0), f.count])).toEqual([
          ['UninitCondition', 'big_leaks.c:16', 1500],
          ['Leak_IndirectlyLost', 'big_leaks.c:9', 1],
          ['Leak_PossiblyLost', 'big_leaks.c:11', 1],
          ['Leak_DefinitelyLost', 'big_leaks.c:8', 1]
        ])
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  )
})
