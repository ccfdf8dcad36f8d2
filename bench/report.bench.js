// What the action does after valgrind exits, stage by stage: findings, fingerprints, verdict, the
// SARIF log, the JSON report, annotations and the job summary, on the overhead program's 6,000
// distinct memory errors (and, apart, what it works out of each record while valgrind runs). Each repetition runs in a fresh process (bench/report-worker.js), as the
// action does it once per step. Prints the median milliseconds of each stage.
//   npm run bench -- report
//   REPORT_REPS=11 npm run bench -- report
// The outputs must not change when this code is made faster: `node bench/report.bench.js
// --save-golden` keeps what the current code writes (for the 6,000 errors and for every valgrind
// sample of the tests) in bench/.data/report/golden; every later run compares its outputs with it
// byte for byte, and fails when one differs.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { compile, dataDir, repoRoot } from './build.js'
import { programSource, VALGRIND_ARGS } from './overhead-program.js'

const ERRORS = 6000
const REPS = Number(process.env.REPORT_REPS ?? 7)
const SAVE_GOLDEN = process.argv.includes('--save-golden') || process.env.REPORT_GOLDEN === 'save'
/** The valgrind samples the tests use, and the workspace their frames were built in. */
const SAMPLES = path.join(repoRoot, '__tests__', 'fixtures', 'valgrind-samples', 'samples')
const SAMPLES_WORKSPACE = '/home/runner/work/demo/demo'

const benchDir = path.join(dataDir, 'report')
const outRoot = path.join(benchDir, 'out')
const goldenRoot = path.join(benchDir, 'golden')

/** The program built in its workspace, and valgrind's XML of one run of it (made once). */
function xmlOfErrors(workspace, count) {
  fs.mkdirSync(workspace, { recursive: true })
  const source = path.join(workspace, 'errors.c')
  const text = programSource()
  if (!fs.existsSync(source) || fs.readFileSync(source, 'utf8') !== text) {
    fs.writeFileSync(source, text)
    fs.rmSync(path.join(workspace, 'errors'), { force: true })
  }
  if (!fs.existsSync(path.join(workspace, 'errors'))) {
    execFileSync('gcc', ['-g', '-O0', '-o', 'errors', 'errors.c'], { cwd: workspace })
    fs.rmSync(path.join(workspace, 'xml'), { recursive: true, force: true })
  }
  const xmlDirectory = path.join(workspace, 'xml', String(count))
  if (!fs.existsSync(xmlDirectory)) {
    process.stdout.write(`running valgrind on ./errors ${count} … `)
    const scratch = `${xmlDirectory}.partial`
    fs.rmSync(scratch, { recursive: true, force: true })
    fs.mkdirSync(scratch, { recursive: true })
    execFileSync(
      'valgrind',
      [
        '--tool=memcheck',
        '--xml=yes',
        `--xml-file=${path.join(scratch, '%p.xml')}`,
        '--leak-check=full',
        '--show-leak-kinds=all',
        ...VALGRIND_ARGS,
        './errors',
        String(count)
      ],
      { cwd: workspace, stdio: 'ignore' }
    )
    fs.renameSync(scratch, xmlDirectory)
    console.log('done')
  }
  return xmlDirectory
}

function runWorker(xmlDirectory, workspace, outDirectory, annotations) {
  const child = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'bench', 'report-worker.js'),
      xmlDirectory,
      workspace,
      outDirectory,
      annotations
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 }
  )
  if (child.status !== 0) throw new Error(`report worker failed: ${child.stderr.trim()}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1))
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Directories of the valgrind samples that hold error-checker XML. */
function sampleSets() {
  return fs
    .readdirSync(SAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('callgrind'))
    .map((entry) => entry.name)
    .filter((name) => fs.readdirSync(path.join(SAMPLES, name)).some((f) => f.endsWith('.xml')))
    .sort()
}

/** The first file of `outDirectory` that differs from its golden copy, and where, if any. */
function difference(outDirectory, goldenDirectory) {
  const names = new Set([...fs.readdirSync(outDirectory), ...fs.readdirSync(goldenDirectory)])
  for (const name of [...names].sort()) {
    const ours = path.join(outDirectory, name)
    const golden = path.join(goldenDirectory, name)
    if (!fs.existsSync(ours) || !fs.existsSync(golden)) return `${name}: missing on one side`
    const a = fs.readFileSync(ours)
    const b = fs.readFileSync(golden)
    if (a.equals(b)) continue
    let at = 0
    while (at < a.length && at < b.length && a[at] === b[at]) at++
    return `${name}: differs at byte ${at} of ${b.length} (golden ${JSON.stringify(b.subarray(Math.max(0, at - 40), at + 40).toString())}, now ${JSON.stringify(a.subarray(Math.max(0, at - 40), at + 40).toString())})`
  }
  return undefined
}

compile([
  'src/parse/directory.ts',
  'src/suite/attribute.ts',
  'src/analysis/findings.ts',
  'src/analysis/identity.ts',
  'src/analysis/source-lines.ts',
  'src/analysis/outcome.ts',
  'src/analysis/verdict.ts',
  'src/analysis/leak-totals.ts',
  'src/report/report.ts',
  'src/report/sarif.ts',
  'src/report/json.ts',
  'src/report/annotations.ts',
  'src/report/summary.ts',
  'src/outputs.ts'
])
const workspace = benchDir
const xmlDirectory = xmlOfErrors(workspace, ERRORS)
const xmlBytes = fs
  .readdirSync(xmlDirectory)
  .reduce((sum, name) => sum + fs.statSync(path.join(xmlDirectory, name)).size, 0)

const mainSet = `errors-${ERRORS}`
const measurements = []
for (let rep = 0; rep < REPS; rep++) {
  measurements.push(runWorker(xmlDirectory, workspace, path.join(outRoot, mainSet), 'failing'))
}
const stages = Object.keys(measurements[0].times)
// What the engine does while valgrind runs is shown, but only the rest is waited for after it exits.
const afterExit = stages.filter((stage) => !stage.startsWith('ahead'))
const sum = (times) => afterExit.reduce((total, stage) => total + times[stage], 0)
const outputBytes = Object.fromEntries(
  ['valgrind.sarif', 'report.json', 'summary.md'].map((name) => [
    name,
    fs.statSync(path.join(outRoot, mainSet, name)).size
  ])
)
console.log(
  `\n${measurements[0].findings} findings from ${(xmlBytes / 1e6).toFixed(1)} MB of XML; SARIF ${(outputBytes['valgrind.sarif'] / 1e6).toFixed(1)} MB, JSON report ${(outputBytes['report.json'] / 1e6).toFixed(1)} MB, summary ${(outputBytes['summary.md'] / 1e3).toFixed(0)} kB. ${REPS} runs, each in a fresh process; milliseconds, median (and least) of the runs.\n`
)
const cell = (values) =>
  `${median(values).toFixed(1).padStart(7)} (${Math.min(...values)
    .toFixed(1)
    .padStart(6)})`
console.log(`| ${'stage'.padEnd(27)} | ${'wall'.padStart(16)} | ${'CPU'.padStart(16)} |`)
console.log(`| ${'-'.repeat(27)} | ${'-'.repeat(15)}: | ${'-'.repeat(15)}: |`)
const TOTAL = 'total after the exit'
for (const stage of [...stages, TOTAL]) {
  const wall = measurements.map((m) => (stage === TOTAL ? sum(m.times) : m.times[stage]))
  const cpu = measurements.map((m) => (stage === TOTAL ? sum(m.cpuTimes) : m.cpuTimes[stage]))
  console.log(`| ${stage.padEnd(27)} | ${cell(wall)} | ${cell(cpu)} |`)
}

// The outputs, against those of the code before it was made faster.
const sets = [mainSet]
for (const name of sampleSets()) {
  const set = `samples/${name}`
  runWorker(path.join(SAMPLES, name), SAMPLES_WORKSPACE, path.join(outRoot, set), 'all')
  sets.push(set)
}
if (SAVE_GOLDEN) {
  fs.rmSync(goldenRoot, { recursive: true, force: true })
  fs.cpSync(outRoot, goldenRoot, { recursive: true })
  console.log(`\nSaved the outputs of ${sets.length} runs as golden: ${goldenRoot}`)
} else if (!fs.existsSync(goldenRoot)) {
  console.log('\nNo golden outputs to compare with: run node bench/report.bench.js --save-golden')
} else {
  const differing = sets.flatMap((set) => {
    const why = difference(path.join(outRoot, set), path.join(goldenRoot, set))
    return why !== undefined ? [`${set}: ${why}`] : []
  })
  if (differing.length === 0) {
    console.log(`\nOutputs byte-identical to the golden ones (${sets.length} runs, 5 files each).`)
  } else {
    console.log(`\nOutputs DIFFER from the golden ones:\n${differing.join('\n')}`)
    process.exitCode = 1
  }
}
