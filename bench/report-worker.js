// One measurement of bench/report.bench.js, in a process of its own: the action runs its report
// stages once, in a fresh Node (cold caches, code not yet optimised), and so does this.
//   node bench/report-worker.js <xml directory> <workspace> <output directory> [annotations mode]
// Parses the XML directory with the project's parser (not timed), then runs every stage after it
// with the calls and arguments of src/engine.ts (runEngine) and src/main.ts, timing each. Writes
// what the action writes into the output directory (the SARIF log and the JSON report, as the
// engine does; the job summary, the annotations and the outputs, as main.ts produces them) and
// prints one line of JSON: milliseconds per stage, wall and CPU.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { compiledModule } from './build.js'

const [xmlDirectory, workspace, outDirectory, annotationMode = 'failing'] = process.argv.slice(2)

async function load(entry) {
  return import(pathToFileURL(compiledModule(entry)).href)
}
const { parseOutputDirectory } = await load('src/parse/directory.ts')
const { attributeProcesses } = await load('src/suite/attribute.ts')
const { FindingCollector } = await load('src/analysis/findings.ts')
const { assignFingerprints, RecipeHashes } = await load('src/analysis/identity.ts')
const { workspaceLineReader } = await load('src/analysis/source-lines.ts')
const { programOutcome, statusFromValgrind, topProcess } = await load('src/analysis/outcome.ts')
const { decideVerdict } = await load('src/analysis/verdict.ts')
const { sumLeakTotals } = await load('src/analysis/leak-totals.ts')
const { processSummary, reportedClientMessages } = await load('src/report/report.ts')
const { buildSarif, SarifStacks, writeSarif } = await load('src/report/sarif.ts')
const { FindingJsonWriter, writeJsonFile } = await load('src/report/json.ts')
const { buildAnnotations, budgetedWarnings, fitAnnotations, omittedText } = await load(
  'src/report/annotations.ts'
)
const { renderSummary } = await load('src/report/summary.ts')
const { actionOutputs } = await load('src/outputs.ts')

/** The action's defaults (action.yml): fail-on definite,errors. */
const failOn = new Set(['definite', 'errors'])
const valgrind = { version: 'valgrind-3.22.0', source: 'the runner', seconds: 1.5 }
const commandLine = './errors 6000'
const blobBase = 'https://github.com/owner/repo/blob/0123456789abcdef0123456789abcdef01234567'

// Wall time, and CPU time (user + system of every thread: on a busy machine, the steadier one).
const times = {}
const cpuTimes = {}
function record(stage, start, cpuStart) {
  times[stage] = Number(process.hrtime.bigint() - start) / 1e6
  const cpu = process.cpuUsage(cpuStart)
  cpuTimes[stage] = (cpu.user + cpu.system) / 1e3
}
function timed(stage, work) {
  const start = process.hrtime.bigint()
  const cpuStart = process.cpuUsage()
  const result = work()
  record(stage, start, cpuStart)
  return result
}
async function timedAsync(stage, work) {
  const start = process.hrtime.bigint()
  const cpuStart = process.cpuUsage()
  const result = await work()
  record(stage, start, cpuStart)
  return result
}

const parsed = await parseOutputDirectory(xmlDirectory)
const runs = attributeProcesses(parsed.runs, {
  workspace,
  workingDirectory: workspace,
  runner: undefined,
  tests: []
})
fs.rmSync(outDirectory, { recursive: true, force: true })
fs.mkdirSync(outDirectory, { recursive: true })
const exit = { exitCode: 0, signal: null }

// runEngine, from the findings on.
const projectRuns = runs.filter((run) => run.role !== 'toolchain' && run.role !== 'untraced')
// As the engine does: each record's place, identity and SARIF stacks are worked out while valgrind
// runs (the follower hands them on as it reads them), apart from what comes after the exit.
const collector = new FindingCollector({
  workspace,
  failOn,
  shownLeakKinds: undefined,
  allocatorWrappers: []
})
const recipes = new RecipeHashes()
const sarifStacks = new SarifStacks(workspace)
const findingJson = new FindingJsonWriter()
timed('ahead (while valgrind runs)', () => {
  for (const run of runs) {
    for (const record of run.findings) {
      findingJson.prepare(collector.prepare(record))
      recipes.prepare(record)
      sarifStacks.prepare(record)
    }
  }
})
const collected = timed('collectFindings', () => collector.collect(projectRuns))
const findings = timed('assignFingerprints', () =>
  assignFingerprints(collected, workspaceLineReader(workspace), recipes)
)
const outcome = timed('programOutcome', () =>
  programOutcome(exit, runs, statusFromValgrind(exit.exitCode, topProcess(runs)))
)
const verdict = timed('decideVerdict', () =>
  decideVerdict({
    findings,
    failOn,
    outcome,
    subject: 'program',
    testFailures: [],
    problems: [],
    setupProblems: [],
    errorCheck: true,
    workspace,
    regressions: []
  })
)
const report = timed('report object', () => ({
  schemaVersion: 1,
  command: commandLine,
  mode: 'program',
  tool: 'memcheck',
  valgrind,
  verdict,
  outcome,
  cancelled: undefined,
  failOn: [...failOn],
  leakTotals: sumLeakTotals(projectRuns),
  failingFindings: findings.filter((f) => f.failing).length,
  findings,
  processes: runs.filter((run) => run.role !== 'untraced').map(processSummary),
  untracedChildren: runs.filter((run) => run.role === 'untraced').length,
  toolchain: undefined,
  testFailures: [],
  isolation: undefined,
  clientMessages: reportedClientMessages(runs),
  warnings: [...parsed.warnings],
  runDirectory: outDirectory,
  xmlDirectory,
  profiles: undefined,
  baseline: undefined
}))
report.sarifFile = path.join(outDirectory, 'valgrind.sarif')
const sarif = timed('buildSarif', () =>
  buildSarif({
    findings,
    tools: ['memcheck'],
    failOn,
    workspace,
    valgrindVersion: valgrind.version,
    commandLine,
    withBaseline: false,
    stacks: sarifStacks,
    problems: []
  })
)
await timedAsync('writeSarif', () => writeSarif(report.sarifFile, sarif))
const reportFile = path.join(outDirectory, 'report.json')
await timedAsync('writeJsonFile', () =>
  writeJsonFile(reportFile, { ...report }, { findings: findingJson.finding })
)
report.reportFile = reportFile

// main.ts, after runEngine.
const annotations = timed('annotations', () => {
  const warnings = budgetedWarnings(report.warnings)
  const all = buildAnnotations(report.findings, workspace, annotationMode, failOn)
  const fitted = fitAnnotations(all, {
    errors: 10 - (report.verdict.failed ? 1 : 0),
    warnings: 10 - warnings.length - 1
  })
  return { all, fitted, omitted: omittedText(fitted.omitted) }
})
const outputs = timed('outputs', () => actionOutputs(report))
const summary = timed('renderSummary', () =>
  renderSummary(report, {
    workspace,
    annotationNote: annotations.omitted,
    blobBaseUrl: blobBase
  })
)

fs.writeFileSync(path.join(outDirectory, 'summary.md'), summary)
fs.writeFileSync(
  path.join(outDirectory, 'annotations.json'),
  JSON.stringify(annotations, null, 1) + '\n'
)
fs.writeFileSync(path.join(outDirectory, 'outputs.json'), JSON.stringify(outputs, null, 1) + '\n')
console.log(JSON.stringify({ findings: findings.length, times, cpuTimes }))
