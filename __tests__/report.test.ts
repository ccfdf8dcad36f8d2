// The pure views of findings (deduplication, annotations, summary, verdict) over real valgrind XML
// from fixtures/valgrind-samples, whose paths sit under a runner-style workspace.
import * as path from 'node:path'
import { collectFindings } from '../src/analysis/findings.js'
import { findingLocation } from '../src/analysis/location.js'
import { decideVerdict } from '../src/analysis/verdict.js'
import { sumLeakTotals } from '../src/analysis/leak-totals.js'
import type { FailCategory, ProcessRun } from '../src/model.js'
import { parseValgrindXmlFile } from '../src/parse/xml.js'
import { buildAnnotations } from '../src/report/annotations.js'
import { processSummary, type RunReport } from '../src/report/report.js'
import { renderSummary } from '../src/report/summary.js'
import { renderTerminal } from '../src/report/terminal.js'
import { samplesDir } from './support/paths.js'

const samples = samplesDir
const workspace = '/home/runner/work/demo/demo'
const defaultFailOn = new Set<FailCategory>(['definite', 'errors'])

async function sample(name: string, file = `${name}.xml`): Promise<ProcessRun> {
  return parseValgrindXmlFile(path.join(samples, name, file))
}

function reportOf(runs: ProcessRun[], failOn = defaultFailOn): RunReport {
  const findings = collectFindings(runs, { workspace, failOn })
  const outcome = { exitCode: 0, valgrindErrorExit: false }
  return {
    schemaVersion: 1,
    command: './build/x',
    mode: 'program',
    tool: 'memcheck',
    valgrind: { version: '3.19.0' },
    verdict: decideVerdict({
      findings,
      failOn,
      outcome,
      subject: 'program',
      testFailures: [],
      problems: [],
      workspace
    }),
    outcome,
    failOn: [...failOn],
    leakTotals: sumLeakTotals(runs),
    failingFindings: findings.filter((f) => f.failing).length,
    findings,
    processes: runs.map(processSummary),
    testFailures: [],
    clientMessages: [],
    warnings: runs.flatMap((r) => r.warnings),
    runDirectory: '/tmp/run',
    xmlDirectory: '/tmp/run/memcheck'
  }
}

describe('locations', () => {
  it('skips valgrind preload frames and points at the user line', async () => {
    const run = await sample('invalid_rw')
    const lines = run.findings.map((f) => findingLocation(f.stack, workspace))
    expect(lines).toEqual([
      { file: 'src/invalid_rw.c', line: 6, fn: 'main' },
      { file: 'src/invalid_rw.c', line: 7, fn: 'main' },
      { file: 'src/invalid_rw.c', line: 10, fn: 'main' }
    ])
    // The allocation stack starts in vgpreload's malloc; the location is the caller.
    expect(findingLocation(run.findings[0].auxStacks[0].frames, workspace)).toMatchObject({
      line: 5
    })
  })

  it('has no location when no frame lies in the workspace', async () => {
    const run = await sample('invalid_rw')
    expect(findingLocation(run.findings[0].stack, '/somewhere/else')).toBeUndefined()
  })
})

describe('annotations', () => {
  it('puts every leak at its allocation line with the right level and title', async () => {
    const annotations = buildAnnotations(reportOf([await sample('leaks')]).findings, workspace)
    expect(annotations.map((a) => [a.level, a.file, a.line, a.title])).toEqual([
      ['error', 'src/leaks.c', 13, 'Memcheck: 32 bytes (16 direct, 16 indirect) definitely lost'],
      ['error', 'src/leaks.c', 8, 'Memcheck: 16 bytes definitely lost'],
      ['warning', 'src/leaks.c', 19, 'Memcheck: 64 bytes possibly lost'],
      ['warning', 'src/leaks.c', 14, 'Memcheck: 16 bytes indirectly lost'],
      ['warning', 'src/leaks.c', 23, 'Memcheck: 128 bytes still reachable']
    ])
  })

  it('carries the stacks as `function (file:line)` lines', async () => {
    const [first] = buildAnnotations(reportOf([await sample('use_after_free')]).findings, workspace)
    expect(first.message.split('\n')).toEqual(
      expect.arrayContaining([
        '   at main (src/use_after_free.c:8)',
        expect.stringMatching(
          /^Address 0x[0-9a-f]+ is \d+ bytes inside a block of size 32 free'd$/
        ),
        "Block was alloc'd at"
      ])
    )
  })

  it('understands helgrind and drd findings', async () => {
    const helgrind = reportOf([await sample('helgrind_race')])
    expect(helgrind.findings.map((f) => f.kind)).toEqual(['Race', 'Race'])
    expect(buildAnnotations(helgrind.findings, workspace)[0].title).toMatch(
      /^Helgrind: Possible data race/
    )
    const drd = reportOf([await sample('drd_race')])
    expect(drd.findings.map((f) => f.occurrences).reduce((a, b) => a + b)).toBe(2000)
    expect(buildAnnotations(drd.findings, workspace)[0].title).toMatch(
      /^DRD: Conflicting (load|store)/
    )
  })
})

describe('deduplication across processes', () => {
  it('reports a finding hit by two processes once, with the process count and summed counts', async () => {
    const a = await sample('invalid_rw')
    const b = { ...(await sample('invalid_rw')), file: 'second.xml', pid: 99999 }
    const report = reportOf([a, b])
    expect(report.findings).toHaveLength(3)
    expect(report.findings.every((f) => f.processCount === 2 && f.occurrences === 2)).toBe(true)
    expect(buildAnnotations(report.findings, workspace)[0].message).toContain(
      'Seen 2 times in 2 processes.'
    )
  })

  it('sums leak totals over processes like the per-process LEAK SUMMARYs (fork + exec sample)', async () => {
    const dir = path.join(samples, 'fork_exec_trace_children')
    const runs = await Promise.all(
      ['fork_exec.2736.xml', 'fork_exec.2763.xml'].map((f) =>
        parseValgrindXmlFile(path.join(dir, f))
      )
    )
    // Oracle (text.stderr.txt): parent definitely lost 40/1, child 32/2, 16/1, 64/1, 128/1.
    expect(sumLeakTotals(runs)).toEqual({
      definite: { bytes: 72, blocks: 3 },
      indirect: { bytes: 16, blocks: 1 },
      possible: { bytes: 64, blocks: 1 },
      reachable: { bytes: 128, blocks: 1 }
    })
  })
})

describe('job summary', () => {
  it('starts with the verdict and has a row per kind with the LEAK SUMMARY figures', async () => {
    const markdown = renderSummary(reportOf([await sample('leaks')]), {
      workspace,
      blobBaseUrl: 'https://github.com/o/r/blob/abc'
    })
    expect(markdown.split('\n')[0]).toBe(
      '## ❌ Valgrind Memcheck: Failed: Valgrind found 2 definite leaks (32 bytes in 2 blocks) (fail-on: definite, errors).'
    )
    expect(markdown).toContain('| Leak: Definitely lost ❌ | 2 | | 32 | 2 |')
    expect(markdown).toContain('| Leak: Indirectly lost | 1 | | 16 | 1 |')
    expect(markdown).toContain(
      '<a href="https://github.com/o/r/blob/abc/src/leaks.c#L13"><code>src/leaks.c:13</code></a>'
    )
  })

  it('escapes Rust generics and keeps every finding', async () => {
    // A Rust test process: frames like `<alloc::vec::Vec<T> as Drop>::drop` and `{closure#0}<…>`.
    const run = await sample('rust_nextest_style', 'vg.3638.xml')
    const report = reportOf([run])
    expect(
      report.findings.some((f) => f.stack.some((frame) => (frame.fn ?? '').includes('<')))
    ).toBe(true)
    const markdown = renderSummary(report, { workspace })
    expect(markdown.match(/<details>/g)).toHaveLength(report.findings.length)
    expect(markdown).toContain('&lt;')
    expect(markdown).not.toMatch(/<(?!\/?(code|a|b|p|ol|li|details|summary)\b)[A-Za-z]/)
  })

  it('caps the detailed findings and says where the rest are', async () => {
    const report = reportOf([await sample('leaks')])
    const markdown = renderSummary(report, { workspace, maxDetailedFindings: 2 })
    expect(markdown.match(/<details>/g)).toHaveLength(2)
    expect(markdown).toContain('… and 3 more findings: see the JSON report')
  })
})

describe('job summary size', () => {
  it('stays under GitHub’s 1 MiB limit with hundreds of deep-stacked findings', async () => {
    const run = await sample('rust_nextest_style', 'vg.3638.xml')
    const base = reportOf([run])
    const deepest = base.findings.reduce((a, b) => (a.stack.length >= b.stack.length ? a : b))
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...deepest,
      key: `${deepest.key}${i}`,
      what: `${deepest.what} ${'x'.repeat(3000)}`,
      auxStacks: [
        { label: 'again', frames: deepest.stack },
        { label: 'and again', frames: deepest.stack }
      ]
    }))
    const markdown = renderSummary({ ...base, findings: many }, { workspace })
    expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024)
    const shown = markdown.match(/<details>/g)?.length ?? 0
    expect(shown).toBeGreaterThan(10)
    expect(markdown).toContain(`… and ${600 - shown} more findings: see the JSON report`)
  })
})

describe('terminal view', () => {
  it('prints file:line, level and title, without colours when asked', async () => {
    const text = renderTerminal(reportOf([await sample('invalid_rw')]), workspace, { color: false })
    expect(text).toContain('src/invalid_rw.c:6: error: Memcheck: Invalid write of size 1')
    expect(text).toContain('    at main (src/invalid_rw.c:6)')
    expect(text).not.toContain('\u001b[')
    expect(
      renderTerminal(reportOf([await sample('invalid_rw')]), workspace, { color: true })
    ).toContain('\u001b[1;31merror')
  })
})
