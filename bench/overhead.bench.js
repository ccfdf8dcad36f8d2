// What the action adds to valgrind's own time, on a program with many distinct memory errors:
// plain valgrind (the same options the action passes: XML, full leak check) against the bundled
// action (dist/index.js through the local runner, with a GitHub-runner environment), side by side
// in one run, alternating, median of the pairs. Target: the action adds at most a fixed start-up of
// 0.25 s plus 5% of valgrind's own time, so that running under the action costs no more than
// running valgrind by hand. Prints both parts and the ratio to the target.
//   npm run bench -- overhead            (6,000 and 60,000 errors)
//   OVERHEAD_ERRORS=6000 OVERHEAD_PAIRS=5 npm run bench -- overhead
//   OVERHEAD_NODE=$(npx -y -p node@24 which node) npm run bench -- overhead   (GitHub runs Node 24)
//   OVERHEAD_COMPARE=HEAD~3 npm run bench -- overhead   (also that commit's committed dist/, in the
//     same pairs, alternating which bundle goes first: a change's effect, measured in the same minutes)
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dataDir, repoRoot } from './build.js'
import { programSource, VALGRIND_ARGS } from './overhead-program.js'
import { runAction } from '../scripts/local-runner.js'

const COUNTS = (process.env.OVERHEAD_ERRORS ?? '6000,60000').split(',').map(Number)
const PAIRS = Number(process.env.OVERHEAD_PAIRS ?? 3)
/** The Node the action runs on: this one, or OVERHEAD_NODE (GitHub runs actions on Node 24). */
const ACTION_NODE = process.env.OVERHEAD_NODE || process.execPath
/** A commit whose committed dist/ runs beside this checkout's, in the same pairs. */
const COMPARE_REF = process.env.OVERHEAD_COMPARE || undefined
const FIXED_TARGET_SECONDS = 0.25
const VARIABLE_TARGET = 0.05

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * GNU time, when installed: CPU seconds (user + system) of a process and its children. On a busy
 * machine wall time drifts with the load; CPU time much less.
 */
const GNU_TIME = ['/usr/bin/time'].find((file) => fs.existsSync(file))
const cpuFile = path.join(os.tmpdir(), `vg-overhead-cpu-${process.pid}`)

function timed(command) {
  return GNU_TIME === undefined ? command : [GNU_TIME, '-f', '%U %S', '-o', cpuFile, ...command]
}

function cpuSeconds() {
  if (GNU_TIME === undefined) return undefined
  const [user, system] = fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ')
  return Number(user) + Number(system)
}

/** A shell word: the text in single quotes. */
function shellWord(text) {
  return `'${text.replace(/'/g, "'\\''")}'`
}

/**
 * A `valgrind` first on PATH, for plain valgrind and the action alike, that notes when the real
 * one starts and ends: what the action adds, split into before valgrind starts, valgrind itself
 * running slower beside the action (which parses its XML on the other core), and after valgrind
 * exits. Both sides pay its shell and its two `date`s (a few ms).
 */
function valgrindClock() {
  let real
  try {
    real = execFileSync('sh', ['-c', 'command -v valgrind'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('valgrind is not on PATH: the bench runs it plain and under the action')
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-overhead-clock-'))
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  const times = path.join(dir, 'times')
  fs.writeFileSync(
    path.join(dir, 'valgrind'),
    [
      '#!/bin/sh',
      `date +%s%N >> ${shellWord(times)}`,
      `${shellWord(real)} "$@"`,
      'status=$?',
      `date +%s%N >> ${shellWord(times)}`,
      'exit $status',
      ''
    ].join('\n'),
    { mode: 0o755 }
  )
  return {
    path: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    /** Start and end (ms, wall clock) of the last valgrind run: the action's probes come first. */
    lastRun() {
      const lines = fs.readFileSync(times, 'utf8').trim().split('\n')
      return { start: Number(lines.at(-2)) / 1e6, end: Number(lines.at(-1)) / 1e6 }
    }
  }
}
/** Set by main(), before the first run. */
let clock

function plainValgrind(workspace, count) {
  const xmlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-plain-'))
  const start = process.hrtime.bigint()
  const [command, ...args] = timed([
    'valgrind',
    '--tool=memcheck',
    '--xml=yes',
    `--xml-file=${path.join(xmlDir, '%p.xml')}`,
    '--trace-children=yes',
    '--leak-check=full',
    '--show-leak-kinds=all',
    ...VALGRIND_ARGS,
    './errors',
    String(count)
  ])
  spawnSync(command, args, {
    cwd: workspace,
    stdio: 'ignore',
    env: { ...process.env, PATH: clock.path }
  })
  const elapsed = seconds(start)
  const { start: valgrindStart, end: valgrindEnd } = clock.lastRun()
  const cpu = cpuSeconds()
  const xmlBytes = fs
    .readdirSync(xmlDir)
    .reduce((sum, name) => sum + fs.statSync(path.join(xmlDir, name)).size, 0)
  fs.rmSync(xmlDir, { recursive: true, force: true })
  return { elapsed, cpu, xmlBytes, valgrind: (valgrindEnd - valgrindStart) / 1e3 }
}

/** Loaded into the action's Node: writes its own CPU time (children excluded) at exit. */
const OWN_CPU_HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { writeFileSync } from 'node:fs'",
    "process.on('exit', () => { const { user, system } = process.cpuUsage(); writeFileSync(process.env.OVERHEAD_OWN_CPU, String((user + system) / 1e6)) })"
  ].join('\n')
)}`
const ownCpuFile = path.join(os.tmpdir(), `vg-overhead-own-${process.pid}`)

/**
 * The bundles to run: this checkout's dist/, and with OVERHEAD_COMPARE that commit's dist/ (as
 * committed: dist/ is kept current, CI checks it), extracted to a temporary directory.
 */
function bundles() {
  const own = { label: 'this checkout', entry: undefined }
  if (COMPARE_REF === undefined) return [own]
  const git = (...args) =>
    execFileSync('git', ['-C', repoRoot, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    })
  let sha
  try {
    sha = git('rev-parse', '--verify', '--short', `${COMPARE_REF}^{commit}`).trim()
  } catch {
    throw new Error(
      `OVERHEAD_COMPARE=${COMPARE_REF} is not a commit of this repository (give a branch, tag or sha).`
    )
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-overhead-compare-'))
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', sha, 'dist'], {
    maxBuffer: 1 << 30
  })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  const entry = path.join(dir, 'dist', 'index.js')
  if (!fs.existsSync(entry)) throw new Error(`${COMPARE_REF} (${sha}) has no dist/index.js.`)
  return [own, { label: `${COMPARE_REF} (${sha})`, entry }]
}

async function action(workspace, count, entry) {
  const [node, ...nodeArgs] = timed([ACTION_NODE, '--import', OWN_CPU_HOOK])
  // From the spawn to the exit: the local runner's own work before (temporary files, action.yml)
  // and after (reading the outputs and the log) is not the action's.
  let start = process.hrtime.bigint()
  let startedAt = Date.now()
  let elapsed
  let endedAt
  const onSpawn = (child) => {
    start = process.hrtime.bigint()
    startedAt = Date.now()
    child.on('exit', () => {
      elapsed = seconds(start)
      endedAt = Date.now()
    })
  }
  const run = await runAction(
    {
      command: `./errors ${count}`,
      'valgrind-args': VALGRIND_ARGS.join(' '),
      upload: 'false',
      'output-directory': path.join(workspace, 'out')
    },
    {
      workspace,
      node,
      nodeArgs,
      entry,
      env: { OVERHEAD_OWN_CPU: ownCpuFile, PATH: clock.path },
      onSpawn
    }
  )
  const valgrind = clock.lastRun()
  const cpu = cpuSeconds()
  const ownCpu = Number(fs.readFileSync(ownCpuFile, 'utf8'))
  fs.rmSync(path.join(workspace, 'out'), { recursive: true, force: true })
  if (count > 0 && run.outputs.findings !== String(count)) {
    throw new Error(`expected ${count} findings, the action reported ${run.outputs.findings}`)
  }
  return {
    elapsed,
    cpu,
    ownCpu,
    logBytes: run.stdout.length + run.stderr.length,
    // Seconds: before valgrind starts, valgrind's own run, after it exits.
    parts: {
      before: (valgrind.start - startedAt) / 1e3,
      valgrind: (valgrind.end - valgrind.start) / 1e3,
      after: (endedAt - valgrind.end) / 1e3
    }
  }
}

async function main() {
  const workspace = path.join(dataDir, 'overhead')
  fs.mkdirSync(workspace, { recursive: true })
  fs.writeFileSync(path.join(workspace, 'errors.c'), programSource())
  execFileSync('gcc', ['-g', '-O0', '-o', 'errors', 'errors.c'], { cwd: workspace })
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
    throw new Error('dist/index.js is missing: run npm run build first')
  }
  clock = valgrindClock()

  const version = execFileSync(ACTION_NODE, ['--version'], { encoding: 'utf8' }).trim()
  console.log(`The action runs on Node ${version} (${ACTION_NODE}).`)
  const runs = bundles()
  if (runs.length > 1) {
    console.log(
      `Bundles: this checkout's dist/ and ${runs[1].label}'s, alternating which runs first.`
    )
  }
  console.log('')
  /** One pair: plain valgrind, then each bundle (the order alternates from pair to pair). */
  const pair = async (count, index) => {
    const plain = plainValgrind(workspace, count)
    const order = index % 2 === 0 ? runs : [...runs].reverse()
    const results = new Map()
    for (const bundle of order) results.set(bundle, await action(workspace, count, bundle.entry))
    return { plain, actions: runs.map((bundle) => results.get(bundle)) }
  }

  // The fixed start-up: the action on a run without errors, less valgrind on the same run.
  const fixed = runs.map(() => ({ added: [], own: [] }))
  for (let index = 0; index < PAIRS; index++) {
    const { plain, actions } = await pair(0, index)
    actions.forEach((ours, at) => {
      fixed[at].added.push(ours.elapsed - plain.elapsed)
      fixed[at].own.push(ours.ownCpu)
    })
  }
  runs.forEach((bundle, at) => {
    console.log(
      `Fixed start-up${runs.length > 1 ? ` of ${bundle.label}` : ''} (Node, the bundle, finding valgrind, reporting; median of ${PAIRS}): the action's own CPU ${median(fixed[at].own).toFixed(2)} s, wall difference ${median(fixed[at].added).toFixed(2)} s (target ≤ ${FIXED_TARGET_SECONDS} s)`
    )
  })
  console.log('')

  console.log(
    `| errors${runs.length > 1 ? ' | bundle' : ''} | XML | valgrind wall / CPU | action wall | added wall | action's own CPU | target (0.25 s + 5% of valgrind) | added / target (wall, own CPU) | log |`
  )
  console.log(
    `| ---:${runs.length > 1 ? ' | :---' : ''} | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`
  )
  const differences = []
  const breakdowns = []
  for (const count of COUNTS) {
    const plains = []
    const plainCpu = []
    const ours = runs.map(() => ({ elapsed: [], own: [], logBytes: 0, parts: [] }))
    const plainValgrindTimes = []
    let xmlBytes = 0
    const pairs = count > 10000 ? 1 : PAIRS
    for (let index = 0; index < pairs; index++) {
      const { plain, actions } = await pair(count, index)
      plains.push(plain.elapsed)
      if (plain.cpu !== undefined) plainCpu.push(plain.cpu)
      plainValgrindTimes.push(plain.valgrind)
      xmlBytes = plain.xmlBytes
      actions.forEach((run, at) => {
        ours[at].elapsed.push(run.elapsed)
        ours[at].own.push(run.ownCpu)
        ours[at].logBytes = run.logBytes
        ours[at].parts.push({ ...run.parts, slower: run.parts.valgrind - plain.valgrind })
      })
    }
    const valgrind = median(plains)
    const target = FIXED_TARGET_SECONDS + VARIABLE_TARGET * valgrind
    const cpu = plainCpu.length > 0
    const valgrindCpu = cpu ? median(plainCpu) : NaN
    const targetCpu = FIXED_TARGET_SECONDS + VARIABLE_TARGET * (cpu ? valgrindCpu : valgrind)
    runs.forEach((bundle, at) => {
      const run = ours[at]
      const added = median(run.elapsed.map((value, index) => value - plains[index]))
      const own = median(run.own)
      console.log(
        `| ${count.toLocaleString('en-US')}${runs.length > 1 ? ` | ${bundle.label}` : ''} | ${(xmlBytes / 1e6).toFixed(1)} MB | ${valgrind.toFixed(2)} / ${cpu ? valgrindCpu.toFixed(2) : '-'} s | ${median(run.elapsed).toFixed(2)} s | ${added.toFixed(2)} s | ${own.toFixed(2)} s | ${target.toFixed(2)} / ${targetCpu.toFixed(2)} s | ${(added / target).toFixed(2)}, ${(own / targetCpu).toFixed(2)} | ${(run.logBytes / 1e3).toFixed(0)} kB |`
      )
    })
    runs.forEach((bundle, at) => {
      const parts = ours[at].parts
      const part = (name) => median(parts.map((p) => p[name])).toFixed(2)
      breakdowns.push(
        `${count.toLocaleString('en-US')} errors${runs.length > 1 ? `, ${bundle.label}` : ''}: ${part('before')} s before valgrind starts · valgrind itself ${slowerText(median(parts.map((p) => p.slower)))} than plain (${part('valgrind')} s against ${median(plainValgrindTimes).toFixed(2)} s) · ${part('after')} s after valgrind exits`
      )
    })
    if (runs.length > 1) {
      const [own, other] = ours
      differences.push(
        `${count.toLocaleString('en-US')} errors: wall ${signed(median(own.elapsed.map((value, index) => value - other.elapsed[index])))} s, own CPU ${signed(median(own.own.map((value, index) => value - other.own[index])))} s (median of ${pairs} per-pair differences)`
      )
    }
  }
  console.log(
    `\nadded wall = action - valgrind (median of ${PAIRS} alternating pairs; 1 pair above 10,000 errors). The action's own CPU is its Node process's user + system time (valgrind excluded): on a busy machine it is the steadier figure; its target uses valgrind's CPU time. ≤ 1 meets the target.`
  )
  console.log(
    '\nWhere the added wall goes (medians; valgrind timed by a wrapper first on PATH, on both sides):'
  )
  for (const line of breakdowns) console.log(`- ${line}`)
  if (runs.length > 1) {
    console.log(`\nThis checkout less ${runs[1].label}, negative is faster:`)
    for (const line of differences) console.log(`- ${line}`)
  }
}

/** "0.10 s slower" or "0.05 s faster". */
function slowerText(seconds) {
  return seconds >= 0 ? `${seconds.toFixed(2)} s slower` : `${(-seconds).toFixed(2)} s faster`
}

function signed(value) {
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(3)}`
}

main().catch((error) => {
  console.error(error.message)
  process.exit(1)
})
