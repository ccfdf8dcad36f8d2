// Pure parts of SARIF and baselines: finding identity, new/unchanged/fixed, instruction-count
// comparison, the suppressions file, inputs. Findings come from a real valgrind XML file in the
// fixtures; the end-to-end tests (baseline*.e2e.test.ts) run valgrind on two builds.
import * as path from 'node:path'
import { collectFindings, FindingCollector } from '../src/analysis/findings.js'
import { assignFingerprints, identityText, RecipeHashes } from '../src/analysis/identity.js'
import { applyBaseline } from '../src/baseline/apply.js'
import { compareWithBaseline } from '../src/baseline/findings.js'
import { compareProfiles } from '../src/baseline/profiles.js'
import { parseBaselineReport } from '../src/baseline/report-file.js'
import { durableSuppression, suppressionsFile } from '../src/baseline/suppressions.js'
import type { ProfileRow } from '../src/callgrind/summary.js'
import { parseRegressionThreshold, readConfig } from '../src/config.js'
import type { Finding, ProcessRun } from '../src/model.js'
import { parseValgrindXmlFile } from '../src/parse/xml.js'
import { FindingJsonWriter } from '../src/report/json.js'
import {
  buildSarif,
  FINGERPRINT_KEY,
  sarifChunks,
  sarifText,
  type SarifInput,
  SarifStacks
} from '../src/report/sarif.js'
import type * as Sarif from 'sarif'
import { fixturesDir } from './support/paths.js'
import { sarifSchemaErrors } from './support/sarif-schema.js'

const workspace = '/home/runner/work/demo/demo'
const failOn = new Set(['definite', 'errors'] as const)

let run: ProcessRun
beforeAll(async () => {
  run = await parseValgrindXmlFile(path.join(fixturesDir, 'xml', 'protocol6-leaks.xml'))
})

/** The SARIF log as code scanning reads it: the text written to the file, parsed. */
function sarifOf(input: SarifInput): Sarif.Log {
  return JSON.parse(sarifText(buildSarif(input))) as Sarif.Log
}

function findingsOf(processRun: ProcessRun): Finding[] {
  return assignFingerprints(collectFindings([processRun], { workspace, failOn }))
}

/** The same run with every frame `by` lines lower, as after adding lines at the top of files. */
function shifted(by: number): ProcessRun {
  return {
    ...run,
    findings: run.findings.map((raw) => ({
      ...raw,
      stack: raw.stack.map((f) => (f.line !== undefined ? { ...f, line: f.line + by } : f))
    }))
  }
}

describe('finding identity', () => {
  it('is the same when each record was prepared ahead (as while valgrind runs)', () => {
    const collector = new FindingCollector({ workspace, failOn })
    const recipes = new RecipeHashes()
    for (const record of run.findings) {
      collector.prepare(record)
      recipes.prepare(record)
    }
    const ahead = assignFingerprints(collector.collect([run]), undefined, recipes)
    expect(ahead.length).toBeGreaterThan(1)
    expect(ahead).toEqual(findingsOf(run))
    // A record not prepared (a file read again at the end) is worked out then, the same way.
    const late = new FindingCollector({ workspace, failOn })
    late.prepare(run.findings[0])
    expect(assignFingerprints(late.collect([run]), undefined, new RecipeHashes())).toEqual(ahead)
  })

  it('does not change when lines are added above the findings', () => {
    const before = findingsOf(run)
    const after = findingsOf(shifted(12))
    expect(before.length).toBeGreaterThan(1)
    expect(after.map((f) => f.location?.line)).toEqual(
      before.map((f) => (f.location?.line ?? 0) + 12)
    )
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint))
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(before.length)
  })

  it('is built from the kind and the user frames (function and file), not addresses', () => {
    const [first] = findingsOf(run)
    const text = identityText(first)
    expect(text.split('\n').slice(0, 2)).toEqual(['memcheck', first.kind])
    expect(text).toMatch(/@big_leaks\.c/)
    expect(text).not.toMatch(/0x[0-9a-f]{4,}/i)
    expect(text).not.toMatch(/:\d+/)
    // Renaming the function that allocates makes it another finding.
    const renamed: ProcessRun = {
      ...run,
      findings: run.findings.map((raw) => ({
        ...raw,
        stack: raw.stack.map((f) => (f.fn === first.location?.fn ? { ...f, fn: 'renamed' } : f))
      }))
    }
    const again = findingsOf(renamed).find((f) => f.location?.line === first.location?.line)
    expect(again?.fingerprint).not.toBe(first.fingerprint)
  })

  it('tells apart findings of one recipe by their order in the file', () => {
    const [one] = findingsOf(run)
    const twin: Finding = {
      ...one,
      key: `${one.key}-twin`,
      location: { ...one.location!, line: one.location!.line + 5 }
    }
    const [a, b] = assignFingerprints([twin, one])
    expect(b.fingerprint).toMatch(/:-:1$/)
    expect(a.fingerprint).toMatch(/:-:2$/)
    expect(a.fingerprint?.replace(/:\d+$/, '')).toBe(b.fingerprint?.replace(/:\d+$/, ''))
  })
})

describe('findings of one recipe (two allocations in one function)', () => {
  const at = (finding: Finding, line: number, name: string): Finding => ({
    ...finding,
    key: name,
    location: { ...finding.location!, line }
  })
  const texts = (byLine: Record<number, string>) => (location: { line: number }) =>
    byLine[location.line]

  it('keeps the old ones unchanged when a new one is added above them', () => {
    const one = findingsOf(run).find((f) => f.leak?.kind === 'definite')!
    const base = assignFingerprints(
      [at(one, 10, 'a'), at(one, 20, 'b')],
      texts({ 10: '  char *a = malloc(1);', 20: 'char *b = malloc(2);' })
    )
    const head = assignFingerprints(
      [at(one, 10, 'n'), at(one, 15, 'a'), at(one, 25, 'b')],
      texts({ 10: 'char *n = malloc(3);', 15: 'char *a =  malloc(1);', 25: 'char *b = malloc(2);' })
    )
    const compared = compareWithBaseline(head, base)
    expect(compared.findings.filter((f) => f.baseline === 'new').map((f) => f.key)).toEqual(['n'])
    expect(compared.fixed).toEqual([])
    // Whitespace does not count: the reindented line keeps its fingerprint.
    expect(head.find((f) => f.key === 'a')?.fingerprint).toBe(base[0].fingerprint)
  })

  it('still matches a finding whose line was edited, by its recipe', () => {
    const one = findingsOf(run).find((f) => f.leak?.kind === 'definite')!
    const base = assignFingerprints([at(one, 10, 'a')], texts({ 10: 'p = malloc(1);' }))
    const head = assignFingerprints([at(one, 12, 'a')], texts({ 12: 'p = malloc(100);' }))
    expect(head[0].fingerprint).not.toBe(base[0].fingerprint)
    const compared = compareWithBaseline(head, base)
    expect(compared.findings.map((f) => f.baseline)).toEqual(['unchanged'])
    expect(compared.fixed).toEqual([])
  })
})

describe('findings against a baseline', () => {
  it('marks new and unchanged, lists the fixed, and only new ones fail', () => {
    const base = findingsOf(run)
    const [kept, gone, ...rest] = base
    const head = base.filter((f) => f !== gone)
    const compared = compareWithBaseline(head, [kept, ...rest])
    expect(compared.newCount).toBe(0)
    expect(compared.findings.every((f) => f.baseline === 'unchanged' && !f.failing)).toBe(true)
    expect(compared.fixed).toEqual([])

    const againstOld = compareWithBaseline(base, [kept])
    expect(againstOld.newCount).toBe(base.length - 1)
    const fresh = againstOld.findings.filter((f) => f.baseline === 'new')
    expect(fresh.filter((f) => f.failing)).toEqual(fresh.filter((f) => f.category === 'definite'))

    const fixed = compareWithBaseline([kept], [kept, gone])
    expect(fixed.fixed.map((f) => f.fingerprint)).toEqual([gone.fingerprint])
  })

  it('refuses a report without fingerprints, or something that is not a report, in one sentence', () => {
    expect(() =>
      parseBaselineReport('{"schemaVersion":1,"findings":[{"kind":"x"}]}', 'old.json')
    ).toThrow(/'old.json' carry no fingerprints: it was written by an older version/)
    expect(() => parseBaselineReport('not json', 'x.json')).toThrow(
      /Input 'baseline': 'x.json' is not a valgrind-action JSON report \(invalid JSON/
    )
    expect(() => parseBaselineReport('{"schemaVersion":2,"findings":[]}', 'y.json')).toThrow(
      /schemaVersion is 2/
    )
  })
})

function row(label: string, instructions: number, pid = 1): ProfileRow {
  return {
    profile: {
      file: `callgrind.out.${pid}`,
      files: [],
      pid,
      exe: `/build/${label.split(' ')[0]}`,
      args: label.split(' ').slice(1),
      events: ['Ir'],
      totals: { Ir: instructions },
      parts: 1,
      functions: [],
      warnings: []
    }
  }
}

describe('instruction counts against a baseline', () => {
  it('puts the largest regression first, fails above the threshold only, lists rows that came and went', () => {
    const base = [
      row('p grows', 1000),
      row('p steady', 1000),
      row('p faster', 1000),
      row('p gone', 50),
      row('p edge', 1000)
    ]
    const head = [
      row('p grows', 1300),
      row('p steady', 1005),
      row('p faster', 800),
      row('p new', 70),
      row('p edge', 1050)
    ]
    const compared = compareProfiles(base, head, 5)
    expect(compared.rows.map((r) => [r.label, r.percent, r.regression])).toEqual([
      ['p grows', 30, true],
      ['p edge', 5, false],
      ['p steady', 0.5, false],
      ['p faster', -20, false],
      ['p new', undefined, false],
      ['p gone', undefined, false]
    ])
    expect(compared.regressions).toBe(1)
    expect(compared.rows[4].head).toBe(70)
    expect(compared.rows[4].base).toBeUndefined()
  })

  it('matches processes of one label in pid order', () => {
    const compared = compareProfiles(
      [row('p', 100, 1), row('p', 200, 2)],
      [row('p', 100, 7), row('p', 260, 9)],
      5
    )
    expect(compared.rows.map((r) => [r.label, r.change])).toEqual([
      ['p #2', 60],
      ['p', 0]
    ])
  })

  it('reads the threshold as percent, with or without the sign', () => {
    expect(parseRegressionThreshold('')).toBe(5)
    expect(parseRegressionThreshold('2.5%')).toBe(2.5)
    expect(parseRegressionThreshold(' 10 ')).toBe(10)
    expect(() => parseRegressionThreshold('-1')).toThrow(
      /Input 'regression-threshold': '-1' is not a percentage/
    )
    expect(() => parseRegressionThreshold('lots')).toThrow(/Accepted: a number of percent/)
  })
})

describe('a run against its baseline', () => {
  const baseline = (over: object = {}) => ({
    file: 'base.json',
    source: 'base.json',
    findings: findingsOf(run),
    tools: ['memcheck', 'callgrind'],
    profileRows: [row('p grows', 1000)],
    ...over
  })

  it('words each regression for the verdict', () => {
    const applied = applyBaseline({
      baseline: baseline(),
      findings: findingsOf(run),
      checker: 'memcheck',
      profileRows: [row('p grows', 1300)],
      thresholdPercent: 5
    })
    expect(applied.regressions).toEqual([
      "p grows: 1,300 instructions, +30.00% over the baseline's 1,000 (regression-threshold: 5%)."
    ])
    expect(applied.result.newFindings).toBe(0)
    expect(applied.findings.some((f) => f.failing)).toBe(false)
  })

  it('reports nothing fixed when no error check ran, and says why counts were not compared', () => {
    const applied = applyBaseline({
      baseline: baseline({ profileRows: undefined }),
      findings: [],
      profileRows: [row('p grows', 1300)],
      thresholdPercent: 5
    })
    expect(applied.result.fixed).toEqual([])
    expect(applied.result.notes).toEqual([expect.stringMatching(/no callgrind profiles/)])
  })

  it('says so when the baseline used another checker', () => {
    const applied = applyBaseline({
      baseline: baseline({ tools: ['helgrind'] }),
      findings: findingsOf(run),
      checker: 'memcheck',
      thresholdPercent: 5
    })
    expect(applied.result.notes).toEqual([
      "The baseline's run did not use memcheck (it ran helgrind): every finding counts as new."
    ])
  })
})

describe('inputs', () => {
  const env = { workspace: fixturesDir, tempDirectory: '/tmp' }
  const read = (values: Record<string, string>) => (name: string) =>
    ({ command: 'prog', ...values })[name] ?? ''
  it('takes cache, a report file, or nothing', () => {
    expect(readConfig(read({}), env).baseline).toEqual({ kind: 'none' })
    expect(readConfig(read({ baseline: 'Cache' }), env).baseline).toEqual({ kind: 'cache' })
    expect(readConfig(read({ baseline: 'xml/protocol6-leaks.xml' }), env).baseline).toEqual({
      kind: 'file',
      file: path.join(fixturesDir, 'xml', 'protocol6-leaks.xml')
    })
    expect(() => readConfig(read({ baseline: 'nowhere.json' }), env)).toThrow(
      /Input 'baseline': '.*nowhere.json' is not a file. Accepted: the path of an earlier run's JSON report/
    )
    expect(readConfig(read({}), env).sarif).toBe(true)
    expect(readConfig(read({ sarif: 'false' }), env).sarif).toBe(false)
  })
})

describe('JSON report findings made ahead', () => {
  it('are JSON.stringify byte for byte, merged across processes, with fingerprints and baseline state', () => {
    // The same records in a second process (another XML file): merged findings, 2 processes.
    const second: ProcessRun = {
      ...run,
      file: `${run.file}.2`,
      pid: 4242,
      findings: run.findings.map((raw) => ({ ...raw }))
    }
    const collector = new FindingCollector({ workspace, failOn })
    const writer = new FindingJsonWriter()
    for (const record of [...run.findings, ...second.findings]) {
      writer.prepare(collector.prepare(record))
    }
    const findings = assignFingerprints(collector.collect([run, second])).map((finding, index) =>
      index % 2 === 0 ? { ...finding, baseline: 'new' as const } : finding
    )
    expect(findings.length).toBeGreaterThan(1)
    expect(findings.every((finding) => finding.processCount === 2)).toBe(true)
    for (const finding of findings) expect(writer.finding(finding)).toBe(JSON.stringify(finding))
    // Every one from the text made ahead: the byte check above holds for a writer that never
    // uses it too.
    expect(writer.counts).toEqual({ reused: findings.length, whole: 0 })
  })

  it('falls back to JSON.stringify for a record not made ahead, or a finding that differs from it', () => {
    const collector = new FindingCollector({ workspace, failOn })
    const writer = new FindingJsonWriter()
    writer.prepare(collector.prepare(run.findings[0]))
    const findings = collector.collect([run])
    const changed = { ...findings[0], notes: ['another note'] }
    for (const finding of [...findings, changed]) {
      expect(writer.finding(finding)).toBe(JSON.stringify(finding))
    }
    // The one record made ahead, reused once; the changed copy of it and the rest written whole.
    expect(writer.counts).toEqual({ reused: 1, whole: findings.length })
    // Past its budget of characters, nothing more is kept.
    const small = new FindingJsonWriter(1)
    for (const record of run.findings) small.prepare(collector.prepare(record))
    for (const finding of findings) expect(small.finding(finding)).toBe(JSON.stringify(finding))
    expect(small.counts.reused).toBe(1)
  })
})

describe('SARIF', () => {
  it('writes the same text when the stacks were made ahead from the records (as while valgrind runs)', () => {
    const findings = findingsOf(run)
    const input: SarifInput = {
      findings,
      tools: ['memcheck'],
      failOn,
      workspace,
      commandLine: './demo',
      withBaseline: false
    }
    const stacks = new SarifStacks(workspace)
    for (const record of run.findings) stacks.prepare(record)
    const ahead = sarifText(buildSarif({ ...input, stacks }))
    expect(ahead).toBe(sarifText(buildSarif(input)))
    expect(JSON.parse(ahead).runs[0].results.length).toBeGreaterThan(1)
    // Made for another workspace, they are not used.
    const elsewhere = new SarifStacks('/elsewhere')
    for (const record of run.findings) elsewhere.prepare(record)
    expect(sarifText(buildSarif({ ...input, stacks: elsewhere }))).toBe(ahead)
  })

  it('validates against the schema, with an error that has further stacks and a finding outside the workspace', () => {
    const findings = findingsOf(run)
    const error: Finding = {
      ...findings[0],
      key: 'invalid-read',
      kind: 'InvalidRead',
      category: 'errors',
      what: 'Invalid read of size 4',
      leak: undefined,
      auxStacks: [
        {
          label: "Address 0x4a8e040 is 0 bytes inside a block of size 40 free'd",
          frames: findings[0].stack
        }
      ],
      notes: ["Block was alloc'd at"],
      tests: [{ binary: 'demo', name: 'tests::reads' }],
      fingerprint: 'v1:abc:1'
    }
    const outside: Finding = {
      ...findings[0],
      key: 'outside',
      location: undefined,
      fingerprint: 'v1:def:1'
    }
    const log = sarifOf({
      findings: [error, ...findings, outside],
      tools: ['memcheck'],
      failOn,
      workspace,
      valgrindVersion: '3.22.0',
      commandLine: './demo',
      withBaseline: false
    })
    expect(sarifSchemaErrors(log)).toEqual([])
    const results = log.runs[0].results ?? []
    // Code scanning needs a file in the repository: the finding outside the workspace is left out.
    expect(results).toHaveLength(findings.length + 1)
    expect(results[0]).toMatchObject({
      ruleId: 'InvalidRead',
      level: 'error',
      properties: { tests: ['tests::reads (demo)'] }
    })
    expect(results[0].relatedLocations?.[0].message?.text).toMatch(
      /^Address 0x4a8e040 is 0 bytes inside/
    )
    expect(results[0].codeFlows).toHaveLength(2)
    // The module only where no source file places the frame, as valgrind's own stacks print it.
    const steps = results.flatMap((result) =>
      (result.codeFlows ?? []).flatMap((flow) => flow.threadFlows[0].locations)
    )
    const withFile = steps.filter((step) => step.location?.physicalLocation?.region !== undefined)
    expect(withFile.length).toBeGreaterThan(0)
    expect(withFile.filter((step) => step.module !== undefined)).toEqual([])
    const withoutFile = steps.filter(
      (step) => step.location?.physicalLocation?.region === undefined
    )
    expect(withoutFile.length).toBeGreaterThan(0)
    expect(withoutFile.every((step) => typeof step.module === 'string')).toBe(true)
    const rules = log.runs[0].tool.driver.rules ?? []
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length)
    expect(rules.find((r) => r.id === 'InvalidRead')?.help?.text).toMatch(/Usual fix:/)
  })

  it('keeps the most severe results code scanning stores, and says how many it left out', () => {
    const findings = findingsOf(run)
    const many = Array.from({ length: 7 }, (_, index) =>
      findings.map((f) => ({ ...f, key: `${f.key}-${index}`, fingerprint: `v1:x:${index}` }))
    ).flat()
    const log = sarifOf({
      findings: many,
      tools: ['memcheck'],
      failOn,
      workspace,
      commandLine: './demo',
      withBaseline: false,
      maxResultsPerRun: 5
    })
    expect(sarifSchemaErrors(log)).toEqual([])
    const results = log.runs[0].results ?? []
    expect(results.map((r) => r.partialFingerprints?.[FINGERPRINT_KEY])).toEqual(
      many.slice(0, 5).map((f) => f.fingerprint)
    )
    const notes = log.runs[0].invocations?.[0].toolExecutionNotifications ?? []
    const located = many.filter((f) => f.location !== undefined).length
    expect(notes.map((n) => [n.level, n.message.text])).toEqual([
      ['warning', expect.stringMatching(new RegExp(`^${located - 5} more findings left out`))]
    ])
  })

  it('is written in pieces of about a megabyte that make the one JSON text', () => {
    const findings = findingsOf(run)
    const many = Array.from({ length: 600 }, (_, index) =>
      findings.map((f) => ({ ...f, key: `${f.key}-${index}`, fingerprint: `v1:x:${index}` }))
    ).flat()
    const log = buildSarif({
      findings: many,
      tools: ['memcheck', 'helgrind'],
      failOn,
      workspace,
      commandLine: './demo',
      withBaseline: false
    })
    const chunks = [...sarifChunks(log)]
    expect(chunks.length).toBeGreaterThan(6)
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(2 * 1024 * 1024)
    const parsed = JSON.parse(chunks.join('')) as Sarif.Log
    expect(parsed.runs.map((r) => r.results?.length)).toEqual([log.runs[0].results.length, 0])
    expect(log.runs[0].results.length).toBe(many.filter((f) => f.location !== undefined).length)
    expect(sarifSchemaErrors(parsed)).toEqual([])
  })

  it('is caught by the schema check when it is not SARIF', () => {
    expect(
      sarifSchemaErrors({
        version: '2.1.0',
        runs: [
          { tool: { driver: { name: 'x' } }, results: [{ message: { text: 'a' }, level: 'fatal' }] }
        ]
      })
    ).not.toEqual([])
  })

  it('has one run for the tool that ran, also without findings, so fixed alerts close', () => {
    const log = sarifOf({
      findings: [],
      tools: ['helgrind'],
      failOn,
      workspace,
      commandLine: 'x',
      withBaseline: false
    })
    expect(log.runs.map((r) => [r.tool.driver.name, r.results])).toEqual([
      ['Valgrind Helgrind', []]
    ])
    expect(sarifSchemaErrors(log)).toEqual([])
  })

  it('says when the run had problems', () => {
    const failed = sarifOf({
      findings: [],
      tools: ['memcheck'],
      failOn,
      workspace,
      commandLine: 'x',
      withBaseline: false,
      problems: ['Valgrind wrote no XML file.']
    })
    expect(failed.runs[0].invocations?.[0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [
        { level: 'error', message: { text: 'Valgrind wrote no XML file.' } }
      ]
    })
    expect(sarifSchemaErrors(failed)).toEqual([])
  })
})

describe('suppressions file', () => {
  it('names each entry after what it silences and writes shared ones once', () => {
    const suppression =
      '{\n   <insert_a_suppression_name_here>\n   Memcheck:Leak\n   match-leak-kinds: definite\n   fun:malloc\n   fun:lose\n}'
    const one = findingsOf(run).find((f) => f.leak?.kind === 'definite')!
    const file = suppressionsFile([
      { ...one, suppression },
      { ...one, key: 'other', suppression },
      { ...one, key: 'none', suppression: undefined }
    ])
    expect(file.written).toBe(1)
    expect(file.missing).toBe(1)
    expect(file.text).toContain(
      `{\n   valgrind-action: Memcheck Definitely lost at ${one.location?.fn} (${one.location?.file})\n   Memcheck:Leak\n`
    )
    expect(file.text).not.toContain('insert_a_suppression_name_here')
  })
})

describe('suppressions written for Rust code', () => {
  const leak = [
    '{',
    '   <insert_a_suppression_name_here>',
    '   Memcheck:Leak',
    '   match-leak-kinds: definite',
    '   fun:malloc',
    '   fun:alloc',
    '   fun:_ZN5alloc7raw_vec11finish_grow17h0123456789abcdefE',
    '   fun:with_capacity_in<u64, alloc::alloc::Global>',
    '   fun:_ZN11probe_crate10forget_vec17ha92ca8b289c00f15E',
    '   fun:_ZN11probe_crate5tests11forgets_vec17h1111111111111111E',
    '   fun:_ZN4core3ops8function6FnOnce9call_once17h2222222222222222E',
    '   fun:_ZN4test28__rust_begin_short_backtrace17h3333333333333333E',
    '   fun:_ZN3std2rt10lang_start17h4444444444444444E',
    '   fun:main',
    '}'
  ].join('\n')

  it("outlive the build: hashes wildcarded, the toolchain's frames one '...', the harness below the crate's frames gone", () => {
    expect(durableSuppression(leak)).toBe(
      [
        '{',
        '   <insert_a_suppression_name_here>',
        '   Memcheck:Leak',
        '   match-leak-kinds: definite',
        '   fun:malloc',
        '   ...',
        '   fun:_ZN11probe_crate10forget_vec17h*E',
        '   fun:_ZN11probe_crate5tests11forgets_vec17h*E',
        '}'
      ].join('\n')
    )
  })

  it('leave C and C++ suppressions as valgrind wrote them', () => {
    const c =
      '{\n   <insert_a_suppression_name_here>\n   Memcheck:Leak\n   fun:malloc\n   fun:_Z4leakv\n   fun:main\n}'
    expect(durableSuppression(c)).toBe(c)
  })
})
