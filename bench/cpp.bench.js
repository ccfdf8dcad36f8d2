// Benchmark of a C test suite under valgrind memcheck: the CMake project of
// __tests__/fixtures/cmake-suite with CPP_BENCH_HITS faulty-line tests plus a leak test, a clean
// test and a test that runs the C compiler (27 tests by default), built in bench/.data/cpp-suite.
//   ctest (no valgrind)      the tests alone: the floor
//   ctest -T memcheck        CTest's own memory checker, valgrind with CTest's default options
//                            (what a user gets without the action; the compiler test runs cc1, as,
//                            ld under valgrind)
//   action ctest             the bundled action, command `ctest -j2`
//   action make test         the bundled action, command `make test ARGS=-j2` (a `make check`-style
//                            run: make, sh, cmake and ctest traced; compilers skipped by default;
//                            ARGS gives ctest the same -j as the other ways)
//   action make test, skip none   the same with trace-children-skip: none (every child traced)
//   action make test, serial      plain `make test`: ctest one test at a time
// Each way runs REPEATS times, taking turns; the best run counts (load from elsewhere only adds).
// Needs dist/ built (`npm run build`), cmake, make, gcc and valgrind. Prints a table.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dataDir, repoRoot } from './build.js'
import { runAction } from '../scripts/local-runner.js'

const HITS = Number(process.env.CPP_BENCH_HITS ?? 24)
const REPEATS = Number(process.env.CPP_BENCH_REPEATS ?? 2)
const JOBS = String(os.cpus().length)
const workspace = path.join(dataDir, 'cpp-suite')
const buildDir = path.join(workspace, 'build')

if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
  console.error('dist/index.js is missing: run `npm run build` first.')
  process.exit(1)
}
fs.rmSync(workspace, { recursive: true, force: true })
fs.cpSync(path.join(repoRoot, '__tests__', 'fixtures', 'cmake-suite'), workspace, {
  recursive: true
})
const quiet = { cwd: workspace, stdio: 'pipe' }
execFileSync('cmake', ['-S', '.', '-B', 'build', `-DSUITE_HITS=${HITS}`], quiet)
execFileSync('cmake', ['--build', 'build', `-j${JOBS}`], quiet)
const tests = JSON.parse(
  execFileSync('ctest', ['--show-only=json-v1'], { cwd: buildDir, encoding: 'utf8' })
).tests.length

function timed(fn) {
  const start = process.hrtime.bigint()
  const result = fn()
  return Promise.resolve(result).then((value) => ({
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    value
  }))
}

function command(program, args) {
  return () => {
    const result = spawnSync(program, args, { cwd: buildDir, stdio: 'pipe' })
    if (result.status === null) throw new Error(`${program} was killed by ${result.signal}`)
    return result.status
  }
}

function action(inputs, cwd = workspace) {
  return async () => {
    const run = await runAction(
      { upload: 'false', 'allocator-wrappers': 'suite_xmalloc', ...inputs },
      { workspace: cwd }
    )
    return `${run.outputs.errors} failing, ${run.annotations.length} annotations, definitely lost ${run.outputs['definitely-lost-bytes']} B`
  }
}

const ways = {
  'ctest (no valgrind)': command('ctest', [`-j${JOBS}`]),
  'ctest -T memcheck': command('ctest', ['-T', 'memcheck', `-j${JOBS}`]),
  'action ctest': action({ command: `ctest --test-dir build -j${JOBS}` }),
  'action make test': action({ command: `make -C build test ARGS=-j${JOBS}` }),
  'action make test, skip none': action({
    command: `make -C build test ARGS=-j${JOBS}`,
    'trace-children-skip': 'none'
  }),
  'action make test, serial': action({ command: 'make -C build test' })
}

console.log(
  `${tests} tests (${HITS} reach one faulty line), ${REPEATS} runs per way (best counts), ${os.cpus().length} CPUs, -j${JOBS}, load average ${os.loadavg()[0].toFixed(2)}, valgrind memcheck`
)
const times = Object.fromEntries(Object.keys(ways).map((way) => [way, []]))
for (let round = 0; round < REPEATS; round++) {
  for (const [way, run] of Object.entries(ways)) {
    const { seconds, value } = await timed(run)
    times[way].push(seconds)
    console.log(`  round ${round + 1}  ${way.padEnd(28)} ${seconds.toFixed(2)} s  (${value})`)
  }
}
const best = Object.fromEntries(Object.entries(times).map(([way, t]) => [way, Math.min(...t)]))
const reference = best['ctest -T memcheck']
console.log('\nway                           best s   vs ctest -T memcheck')
for (const [way, seconds] of Object.entries(best)) {
  console.log(
    `${way.padEnd(29)} ${seconds.toFixed(2).padStart(6)}   ${(seconds / reference).toFixed(2)}x`
  )
}
