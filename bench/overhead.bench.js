// What the action adds to valgrind's own time, on a program with many distinct memory errors:
// plain valgrind (the same options the action passes: XML, full leak check) against the bundled
// action (dist/index.js through the local runner, with a GitHub-runner environment), side by side
// in one run, alternating, median of the pairs. Target: the action adds at most a fixed start-up of
// 0.25 s plus 5% of valgrind's own time, so that running under the action costs no more than
// running valgrind by hand. Prints both parts and the ratio to the target.
//   npm run bench -- overhead            (6,000 and 60,000 errors)
//   OVERHEAD_ERRORS=6000 OVERHEAD_PAIRS=5 npm run bench -- overhead
//   OVERHEAD_NODE=$(npx -y -p node@24 which node) npm run bench -- overhead   (GitHub runs Node 24)
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
  spawnSync(command, args, { cwd: workspace, stdio: 'ignore' })
  const elapsed = seconds(start)
  const cpu = cpuSeconds()
  const xmlBytes = fs
    .readdirSync(xmlDir)
    .reduce((sum, name) => sum + fs.statSync(path.join(xmlDir, name)).size, 0)
  fs.rmSync(xmlDir, { recursive: true, force: true })
  return { elapsed, cpu, xmlBytes }
}

/** Loaded into the action's Node: writes its own CPU time (children excluded) at exit. */
const OWN_CPU_HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { writeFileSync } from 'node:fs'",
    "process.on('exit', () => { const { user, system } = process.cpuUsage(); writeFileSync(process.env.OVERHEAD_OWN_CPU, String((user + system) / 1e6)) })"
  ].join('\n')
)}`
const ownCpuFile = path.join(os.tmpdir(), `vg-overhead-own-${process.pid}`)

async function action(workspace, count) {
  const [node, ...nodeArgs] = timed([ACTION_NODE, '--import', OWN_CPU_HOOK])
  const start = process.hrtime.bigint()
  const run = await runAction(
    {
      command: `./errors ${count}`,
      'valgrind-args': VALGRIND_ARGS.join(' '),
      upload: 'false',
      'output-directory': path.join(workspace, 'out')
    },
    { workspace, node, nodeArgs, env: { OVERHEAD_OWN_CPU: ownCpuFile } }
  )
  const elapsed = seconds(start)
  const cpu = cpuSeconds()
  const ownCpu = Number(fs.readFileSync(ownCpuFile, 'utf8'))
  fs.rmSync(path.join(workspace, 'out'), { recursive: true, force: true })
  if (count > 0 && run.outputs.findings !== String(count)) {
    throw new Error(`expected ${count} findings, the action reported ${run.outputs.findings}`)
  }
  return { elapsed, cpu, ownCpu, logBytes: run.stdout.length + run.stderr.length }
}

async function main() {
  const workspace = path.join(dataDir, 'overhead')
  fs.mkdirSync(workspace, { recursive: true })
  fs.writeFileSync(path.join(workspace, 'errors.c'), programSource())
  execFileSync('gcc', ['-g', '-O0', '-o', 'errors', 'errors.c'], { cwd: workspace })
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
    throw new Error('dist/index.js is missing: run npm run build first')
  }

  const version = execFileSync(ACTION_NODE, ['--version'], { encoding: 'utf8' }).trim()
  console.log(`The action runs on Node ${version} (${ACTION_NODE}).\n`)
  // The fixed start-up: the action on a run without errors, less valgrind on the same run.
  const fixed = []
  const fixedOwn = []
  for (let pair = 0; pair < PAIRS; pair++) {
    const plain = plainValgrind(workspace, 0)
    const ours = await action(workspace, 0)
    fixed.push(ours.elapsed - plain.elapsed)
    fixedOwn.push(ours.ownCpu)
  }
  console.log(
    `Fixed start-up (Node, the bundle, finding valgrind, reporting; median of ${PAIRS}): the action's own CPU ${median(fixedOwn).toFixed(2)} s, wall difference ${median(fixed).toFixed(2)} s (target ≤ ${FIXED_TARGET_SECONDS} s)\n`
  )

  console.log(
    "| errors | XML | valgrind wall / CPU | action wall | added wall | action's own CPU | target (0.25 s + 5% of valgrind) | added / target (wall, own CPU) | log |"
  )
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const count of COUNTS) {
    const plains = []
    const ours = []
    const plainCpu = []
    const ownCpu = []
    let xmlBytes = 0
    let logBytes = 0
    const pairs = count > 10000 ? 1 : PAIRS
    for (let pair = 0; pair < pairs; pair++) {
      const plain = plainValgrind(workspace, count)
      const run = await action(workspace, count)
      plains.push(plain.elapsed)
      ours.push(run.elapsed)
      ownCpu.push(run.ownCpu)
      if (plain.cpu !== undefined) plainCpu.push(plain.cpu)
      xmlBytes = plain.xmlBytes
      logBytes = run.logBytes
    }
    const valgrind = median(plains)
    const added = median(ours.map((value, index) => value - plains[index]))
    const target = FIXED_TARGET_SECONDS + VARIABLE_TARGET * valgrind
    const cpu = plainCpu.length > 0
    const valgrindCpu = cpu ? median(plainCpu) : NaN
    const own = median(ownCpu)
    const targetCpu = FIXED_TARGET_SECONDS + VARIABLE_TARGET * (cpu ? valgrindCpu : valgrind)
    console.log(
      `| ${count.toLocaleString('en-US')} | ${(xmlBytes / 1e6).toFixed(1)} MB | ${valgrind.toFixed(2)} / ${cpu ? valgrindCpu.toFixed(2) : '-'} s | ${median(ours).toFixed(2)} s | ${added.toFixed(2)} s | ${own.toFixed(2)} s | ${target.toFixed(2)} / ${targetCpu.toFixed(2)} s | ${(added / target).toFixed(2)}, ${(own / targetCpu).toFixed(2)} | ${(logBytes / 1e3).toFixed(0)} kB |`
    )
  }
  console.log(
    `\nadded wall = action - valgrind (median of ${PAIRS} alternating pairs; 1 pair above 10,000 errors). The action's own CPU is its Node process's user + system time (valgrind excluded): on a busy machine it is the steadier figure; its target uses valgrind's CPU time. ≤ 1 meets the target.`
  )
}

main().catch((error) => {
  console.error(error.message)
  process.exit(1)
})
