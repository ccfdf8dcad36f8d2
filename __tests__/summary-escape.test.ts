// The job summary against hostile values: a Rust panic message, suppression text with backticks,
// names with Markdown and HTML, a 1.1 MB C++ template name. Rendered by a real Markdown parser;
// asserts what a reviewer would see: no forged heading, image or link, and a page GitHub accepts.
import type { Finding, Frame } from '../src/model.js'
import type { RunReport } from '../src/report/report.js'
import { renderSummary, SUMMARY_MAX_BYTES } from '../src/report/summary.js'
import { codeFence, commandSafeText, logLine, summaryText } from '../src/report/escape.js'
import { summaryStructure } from './support/summary-structure.js'

const workspace = '/ws'
const blobBaseUrl = 'https://github.com/acme/demo/blob/0123456789abcdef'
const INJECTION =
  'x\n\n# forged heading\n\n![forged](https://evil.example/i.png) [forged](https://evil.example) www.evil.example https://evil.example/raw </details></p><img src=x> | cell |'

function frame(fn: string, file = 'main.c', line = 3): Frame {
  return { ip: '0x1', fn, dir: '/ws/src', file, line }
}

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    key: `k${Math.random()}`,
    tool: 'memcheck',
    kind: 'InvalidRead',
    category: 'errors',
    what: 'Invalid read of size 4',
    location: { file: 'src/main.c', line: 3 },
    stack: [frame('main')],
    auxStacks: [],
    notes: [],
    occurrences: 1,
    processCount: 1,
    pids: [1],
    tests: [],
    failing: true,
    ...overrides
  }
}

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    command: './prog',
    mode: 'program',
    tool: 'memcheck',
    valgrind: { version: '3.19.0' },
    verdict: { failed: true, reasons: ['Valgrind found 1 memory error.'], headline: 'Failed.' },
    outcome: { exitCode: 0, valgrindErrorExit: false },
    failOn: ['definite', 'errors'],
    leakTotals: {
      definite: { bytes: 0, blocks: 0 },
      indirect: { bytes: 0, blocks: 0 },
      possible: { bytes: 0, blocks: 0 },
      reachable: { bytes: 0, blocks: 0 }
    },
    failingFindings: 1,
    findings: [finding()],
    processes: [],
    testFailures: [],
    warnings: [],
    clientMessages: [],
    runDirectory: '/tmp/run',
    reportFile: '/tmp/run/report.json',
    ...overrides
  }
}

const OWN_HEADINGS =
  /^(❌|✅) Valgrind|^Findings \(|^Tests that failed|^Warnings$|^Client messages \(|^Callgrind$|^<code>/

function expectNoInjection(markdown: string): void {
  const structure = summaryStructure(markdown)
  expect(structure.images).toEqual([])
  expect(structure.links.filter((href) => !href.startsWith(blobBaseUrl))).toEqual([])
  expect(structure.headings.filter((h) => !OWN_HEADINGS.test(h))).toEqual([])
  expect(structure.html).not.toMatch(/<img|<\/details><\/p>/)
}

describe('job summary with hostile values', () => {
  it('keeps a Rust panic message in the failed-tests list as text', () => {
    const markdown = renderSummary(
      report({
        testFailures: [
          { test: { binary: 'crate', name: 'tests::evil' }, exitCode: 101, message: INJECTION }
        ]
      }),
      { workspace, blobBaseUrl }
    )
    expectNoInjection(markdown)
    const structure = summaryStructure(markdown)
    // Nothing lost: the whole message is there as text, its line breaks as <br>.
    expect(structure.html).toContain('# forged heading')
    expect(structure.html).toContain('![forged](https://evil.example/i.png)')
  })

  it('escapes names from debug information in every part: verdict, reasons, table, stacks, warnings', () => {
    const markdown = renderSummary(
      report({
        command: `./prog '${INJECTION}'`,
        verdict: { failed: true, reasons: [INJECTION, INJECTION], headline: INJECTION },
        findings: [
          finding({
            kind: INJECTION,
            what: INJECTION,
            stack: [
              frame(INJECTION),
              { ip: '0x2', fn: 'lib', dir: `/x/${INJECTION}`, file: 'l.c' }
            ],
            notes: [INJECTION],
            auxStacks: [{ label: INJECTION, frames: [frame(INJECTION)] }]
          })
        ],
        warnings: [INJECTION],
        clientMessages: [
          { pid: 1, tid: 1, threadName: INJECTION, text: INJECTION, stack: [frame(INJECTION)] }
        ]
      }),
      { workspace, blobBaseUrl }
    )
    expectNoInjection(markdown)
    // One table (the kinds) with its five columns in every row: no cell was split by `|`.
    const structure = summaryStructure(markdown)
    const rows = [...structure.html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1])
    expect(rows.length).toBeGreaterThan(1)
    for (const row of rows) expect(row.match(/<t[hd]/g)).toHaveLength(5)
  })

  it('puts a suppression with backticks in a fence longer than any run inside', () => {
    const suppression =
      '{\n   evil\n   Memcheck:Leak\n   ```\n````\n# forged heading\n   fun:main\n}'
    const markdown = renderSummary(report({ findings: [finding({ suppression })] }), {
      workspace,
      blobBaseUrl
    })
    expectNoInjection(markdown)
    const structure = summaryStructure(markdown)
    const code = [...structure.html.matchAll(/<pre><code>([\s\S]*?)<\/code><\/pre>/g)]
    expect(code).toHaveLength(1)
    expect(code[0][1]).toContain('# forged heading')
    expect(code[0][1]).toContain('fun:main')
  })

  it('stays under 1 MiB, first block included, with a 1.1 MB C++ template name everywhere', () => {
    const huge = `std::vector<${'std::pair<int, long>, '.repeat(55_000)}>::push_back`
    expect(huge.length).toBeGreaterThan(1_100_000)
    const markdown = renderSummary(
      report({
        command: `./prog ${huge}`,
        verdict: { failed: true, reasons: [`killed in ${huge}`, 'x'], headline: `in ${huge}` },
        outcome: {
          exitCode: null,
          valgrindErrorExit: false,
          signal: { name: 'SIGSEGV', stack: [] }
        },
        findings: Array.from({ length: 300 }, () =>
          finding({ what: huge, stack: Array.from({ length: 20 }, () => frame(huge)) })
        ),
        testFailures: Array.from({ length: 300 }, () => ({
          test: { binary: huge, name: huge },
          exitCode: 101,
          message: huge
        })),
        warnings: Array.from({ length: 300 }, () => huge),
        clientMessages: Array.from({ length: 300 }, () => ({
          threadName: huge,
          text: huge,
          stack: Array.from({ length: 20 }, () => frame(huge))
        }))
      }),
      { workspace, blobBaseUrl }
    )
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(SUMMARY_MAX_BYTES).toBeLessThan(1024 * 1024)
    // The reader is told where the rest is.
    expect(markdown).toMatch(/more findings: see the JSON report/)
    expect(markdown).toMatch(/more test failures: see/)
    expect(markdown).toMatch(/more client messages: see/)
    expect(markdown).toContain('more characters)')
  })
})

describe('log lines', () => {
  it.each([
    ['a newline then a command', 'Running x\n::error::forged', 'Running x\\n::error::forged'],
    ['a carriage return', 'Running x\r::warning::forged', 'Running x\\r::warning::forged'],
    ['a command at the start', '  ::add-mask::forged', '  \\x3a:add-mask::forged'],
    ['the legacy form anywhere', 'at x ##[add-path]/forged', 'at x ##\\x5badd-path]/forged'],
    ['an escape sequence and a line separator', 'a\u001b[31mb\u2028c', 'a\\x1b[31mb\\u2028c']
  ])('shows %s escaped on one line', (_, message, logged) => {
    expect(logLine(message)).toBe(logged)
    expect(logLine(message)).not.toMatch(/[\r\n]|^\s*::|##\[/)
  })

  it('guards each line of multi-line text but keeps its lines', () => {
    expect(commandSafeText('ok\n::error::x\r\n  ##[group]y')).toBe(
      'ok\n\\x3a:error::x\r\n  ##\\x5bgroup]y'
    )
  })
})

describe('summary escapers', () => {
  it('writes a fence longer than the longest backtick run', () => {
    expect(codeFence('a ````` b')).toBe('``````\na ````` b\n``````')
    expect(codeFence('plain')).toBe('```\nplain\n```')
  })

  it('writes Markdown and HTML syntax as references and line breaks as <br>', () => {
    expect(summaryText('a|b [c](d) <e> & `f` \\ ![g]\nh')).toBe(
      'a&#124;b &#91;c&#93;(d) &lt;e&gt; &amp; &#96;f&#96; &#92; &#33;&#91;g&#93;<br>h'
    )
  })
})
