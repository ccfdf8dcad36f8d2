// Benchmark of the Rust modes: wall time of a test suite under valgrind memcheck, three ways.
//   action nextest    the bundled action (dist/index.js), command `cargo nextest run`: one valgrind
//                     per test process, tests in parallel
//   action cargo test the bundled action, command `cargo test`: one valgrind per test binary
//   floor             raw `cargo nextest run` with the same valgrind options through a bare runner
//                     script that skips listing, and no action around it
//   naive runner      raw `cargo nextest run` with CARGO_TARGET_<host>_RUNNER="valgrind …": what a
//                     user gets without the action (listing runs under valgrind too)
// Two generated std-only crates (bench/.data/, gitignored): 40 light tests (almost no work) and 40
// heavy tests (about a second of work under valgrind each). Each way runs REPEATS times, taking
// turns; the best run counts: on a shared machine, load from elsewhere only ever adds time, and it
// hurts the parallel ways (which need every core) more than the serial one.
// Needs dist/ built (`npm run build`), cargo, cargo-nextest and valgrind. Prints a table.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dataDir, repoRoot } from './build.js'
import { runAction } from '../scripts/local-runner.js'

const TESTS = 40
const REPEATS = Number(process.env.RUST_BENCH_REPEATS ?? 3)
/**
 * Rounds of the heavy tests' loop: about one second of work under memcheck on a 2020s x86-64 core
 * (measured in one process, without valgrind's ~0.5 s start-up, which comes on top per process).
 */
const HEAVY_ROUNDS = Number(process.env.RUST_BENCH_HEAVY_ROUNDS ?? 3_800_000)

function generateCrate(name, body) {
  const dir = path.join(dataDir, `rust-${name}`)
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "bench-${name}"\nversion = "0.1.0"\nedition = "2021"\n`
  )
  const tests = Array.from(
    { length: TESTS },
    (_, i) => `#[test]\nfn test_${String(i).padStart(2, '0')}() {\n    ${body(i)}\n}\n`
  )
  const helper = `pub fn work(seed: u64, rounds: u64) -> u64 {
    let mut x = seed;
    let mut v: Vec<u64> = Vec::with_capacity(1024);
    for i in 0..rounds {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(std::hint::black_box(i));
        if v.len() == 1024 { v.clear(); }
        v.push(x);
    }
    v.iter().fold(x, |acc, y| acc.wrapping_add(*y))
}\n\n`
  const source = helper + tests.join('\n')
  const file = path.join(dir, 'src', 'lib.rs')
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== source)
    fs.writeFileSync(file, source)
  return dir
}

const crates = {
  light: generateCrate('light', (i) => `assert_eq!(${i} + 1, ${i + 1});`),
  heavy: generateCrate('heavy', (i) => `assert_ne!(work(${i + 1}, ${HEAVY_ROUNDS}), 0);`)
}

const host = /^host:\s*(\S+)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1]
const runnerVariable = `CARGO_TARGET_${host.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_RUNNER`
const suppressions = path.join(repoRoot, 'suppressions', 'rust-std.supp')

/** The valgrind options the action uses for Rust memcheck runs (see src/valgrind/args.ts). */
function valgrindOptions(xmlDir) {
  return [
    '--tool=memcheck',
    `--num-callers=50`,
    `--suppressions=${suppressions}`,
    '--xml=yes',
    `--xml-file=${xmlDir}/%p.xml`,
    '--trace-children=yes',
    '--child-silent-after-fork=no',
    '--leak-check=full',
    '--show-leak-kinds=all'
  ]
}

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9
}

function best(values) {
  return Math.min(...values)
}

function targetEnv(crate) {
  return { CARGO_TARGET_DIR: path.join(crate, 'target') }
}

async function viaAction(crate, command) {
  const start = process.hrtime.bigint()
  const run = await runAction(
    { command, upload: 'false', annotations: 'false' },
    { workspace: crate, env: targetEnv(crate) }
  )
  const elapsed = seconds(start)
  if (run.exitCode !== 0) throw new Error(`action failed on ${command}: ${run.failure}`)
  return elapsed
}

function rawNextest(crate, runnerPath) {
  const start = process.hrtime.bigint()
  const result = spawnSync('cargo', ['nextest', 'run', '--no-fail-fast'], {
    cwd: crate,
    env: { ...process.env, ...targetEnv(crate), [runnerVariable]: runnerPath },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  const elapsed = seconds(start)
  if (result.status !== 0) throw new Error(`cargo nextest failed: ${result.stderr.slice(-2000)}`)
  return elapsed
}

/** A fresh XML directory per run, and the two bare runners pointing at it. */
function bareRunners(crate) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-rust-bench-'))
  const xmlDir = path.join(dir, 'xml')
  fs.mkdirSync(xmlDir)
  const options = valgrindOptions(xmlDir)
  const floor = path.join(dir, 'floor.sh')
  fs.writeFileSync(
    floor,
    `#!/bin/sh\nfor a in "$@"; do [ "$a" = --list ] && exec "$@"; done\nexec valgrind ${options.map((o) => `'${o}'`).join(' ')} "$@"\n`,
    { mode: 0o755 }
  )
  // The env form is split on whitespace: a runner with options, as a user would write it.
  const naive = `valgrind ${options.join(' ')}`
  return { floor, naive, dir, crate }
}

const ways = {
  'action nextest': (crate) => viaAction(crate, 'cargo nextest run --no-fail-fast'),
  'action cargo test': (crate) => viaAction(crate, 'cargo test --no-fail-fast'),
  floor: async (crate) => {
    const runners = bareRunners(crate)
    try {
      return rawNextest(crate, runners.floor)
    } finally {
      fs.rmSync(runners.dir, { recursive: true, force: true })
    }
  },
  'naive runner': async (crate) => {
    const runners = bareRunners(crate)
    try {
      return rawNextest(crate, runners.naive)
    } finally {
      fs.rmSync(runners.dir, { recursive: true, force: true })
    }
  }
}

if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
  console.error('dist/index.js is missing: run `npm run build` first.')
  process.exit(1)
}
console.log(
  `${TESTS} tests per suite, ${REPEATS} runs per way (best counts), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}, valgrind memcheck`
)
const results = {}
for (const [suite, crate] of Object.entries(crates)) {
  // Build outside the timings: every way then finds the crate built.
  execFileSync('cargo', ['nextest', 'run', '--no-run'], {
    cwd: crate,
    env: { ...process.env, ...targetEnv(crate) },
    stdio: 'ignore'
  })
  execFileSync('cargo', ['test', '--no-run'], {
    cwd: crate,
    env: { ...process.env, ...targetEnv(crate) },
    stdio: 'ignore'
  })
  // Ways take turns within each repeat, so a burst of load from elsewhere spreads over all of them.
  const times = Object.fromEntries(Object.keys(ways).map((way) => [way, []]))
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const [way, measure] of Object.entries(ways)) times[way].push(await measure(crate))
  }
  results[suite] = {}
  for (const way of Object.keys(ways)) {
    results[suite][way] = best(times[way])
    console.log(
      `  ${suite.padEnd(5)} ${way.padEnd(17)} ${results[suite][way].toFixed(2).padStart(7)} s   (runs: ${times[way].map((t) => t.toFixed(2)).join(', ')})`
    )
  }
}

console.log('\nsuite  way                   best s   vs floor')
for (const [suite, byWay] of Object.entries(results)) {
  for (const [way, time] of Object.entries(byWay)) {
    const ratio = time / byWay.floor
    console.log(
      `${suite.padEnd(6)} ${way.padEnd(19)} ${time.toFixed(2).padStart(8)}   ${ratio.toFixed(3)}x`
    )
  }
  const speedup = byWay['action cargo test'] / byWay['action nextest']
  console.log(
    `${suite.padEnd(6)} nextest mode is ${speedup.toFixed(2)}x as fast as cargo test mode\n`
  )
}
