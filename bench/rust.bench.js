// Benchmark of the Rust modes (`npm run bench:rust`): wall time of the same tests under valgrind
// memcheck, side by side in one run, taking turns, best of RUST_BENCH_REPEATS (default 2) runs.
//
// Suites of small tests: the fixture crate, a generated crate of 40 tiny tests, and real crates
// from crates.io (sources fetched by cargo into ~/.cargo/registry/src through a dummy project that
// depends on them: published crates carry their tests). Ways:
//   nextest        the action (dist/index.js), `cargo nextest run`, rust-isolation: auto
//   nextest/test   the same with rust-isolation: per-test (nextest's own run, one valgrind per test)
//   cargo test     the action, `cargo test --tests` (one valgrind per test binary)
//   cargo-valgrind `cargo valgrind test --tests` (installed with `cargo install cargo-valgrind`)
// A heavy suite (40 tests of about one second of work under valgrind each): nextest (auto) and
// per-test against one valgrind per binary (the action's cargo test mode).
// Targets: on small tests, nextest within 1.2x of cargo test and of cargo-valgrind, so that
// choosing nextest costs little; on the heavy suite, nextest at least 1.8x as fast as one
// valgrind per binary (2 cores): one valgrind runs a binary's tests one after the other (it
// serializes a program's threads) and leaves the other core idle, while batches use both.
// Needs dist/ built, cargo, cargo-nextest, valgrind, and network for the crates (first run only).
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dataDir, repoRoot } from './build.js'
import { runAction } from '../scripts/local-runner.js'

const REPEATS = Number(process.env.RUST_BENCH_REPEATS ?? 2)
const TESTS = 40
/** Rounds of the heavy tests' loop: about one second of work under memcheck per test. */
const HEAVY_ROUNDS = Number(process.env.RUST_BENCH_HEAVY_ROUNDS ?? 3_800_000)
/** Real crates: name and exact version (their published sources include their tests). */
const CRATES = (process.env.RUST_BENCH_CRATES ?? 'semver@1.0.23,smallvec@1.13.2')
  .split(',')
  .filter((spec) => spec !== '')
  .map((spec) => {
    const [name, version] = spec.split('@')
    return { name, version }
  })
/** Only these suites (comma-separated names), e.g. RUST_BENCH_SUITES=heavy. */
const ONLY = process.env.RUST_BENCH_SUITES?.split(',')

function generateCrate(name, body) {
  const dir = path.join(dataDir, `rust-${name}`)
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "bench-${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n`
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

/** A crate's published sources, fetched by cargo (a dummy project depending on it) and copied. */
function fetchCrate({ name, version }) {
  const dest = path.join(dataDir, 'crates', `${name}-${version}`)
  if (fs.existsSync(path.join(dest, 'Cargo.toml'))) return dest
  const dummy = path.join(dataDir, 'crates', 'fetch')
  fs.mkdirSync(path.join(dummy, 'src'), { recursive: true })
  fs.writeFileSync(path.join(dummy, 'src', 'lib.rs'), '')
  fs.writeFileSync(
    path.join(dummy, 'Cargo.toml'),
    `[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n\n[dependencies]\n${name} = "=${version}"\n`
  )
  execFileSync('cargo', ['fetch'], { cwd: dummy, stdio: 'inherit' })
  const registry = path.join(
    process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'),
    'registry',
    'src'
  )
  const source = fs
    .readdirSync(registry)
    .map((index) => path.join(registry, index, `${name}-${version}`))
    .find((dir) => fs.existsSync(dir))
  if (source === undefined) throw new Error(`cargo fetch did not unpack ${name} ${version}`)
  fs.cpSync(source, dest, { recursive: true })
  // Its own workspace: not part of any directory above it.
  fs.appendFileSync(path.join(dest, 'Cargo.toml'), '\n[workspace]\n')
  return dest
}

function ensureCargoValgrind() {
  const probe = spawnSync('cargo', ['valgrind', '--help'], { stdio: 'ignore' })
  if (probe.status === 0) return
  console.log('installing cargo-valgrind from crates.io (cargo install cargo-valgrind)…')
  execFileSync('cargo', ['install', 'cargo-valgrind', '--locked'], { stdio: 'inherit' })
}

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9
}

function targetEnv(crate) {
  return { CARGO_TARGET_DIR: path.join(crate, 'target') }
}

async function viaAction(crate, command, inputs = {}) {
  const start = process.hrtime.bigint()
  const run = await runAction(
    { command, upload: 'false', annotations: 'false', ...inputs },
    { workspace: crate, env: targetEnv(crate) }
  )
  return { seconds: seconds(start), exit: run.exitCode }
}

function cargoValgrind(crate) {
  const start = process.hrtime.bigint()
  const result = spawnSync('cargo', ['valgrind', 'test', '--tests', '--no-fail-fast'], {
    cwd: crate,
    env: { ...process.env, ...targetEnv(crate) },
    stdio: 'ignore'
  })
  return { seconds: seconds(start), exit: result.status }
}

const nextest = (crate) => viaAction(crate, 'cargo nextest run --no-fail-fast')
const nextestPerTest = (crate) =>
  viaAction(crate, 'cargo nextest run --no-fail-fast', { 'rust-isolation': 'per-test' })
const cargoTest = (crate) => viaAction(crate, 'cargo test --tests --no-fail-fast')
// One valgrind per test on small suites is known to be slow (2-8x: every test pays valgrind's
// start-up and exit-time leak scan); it runs only where RUST_BENCH_PER_TEST=1 asks, to keep the
// bench short on a shared machine.
const smallWays = {
  nextest,
  ...(process.env.RUST_BENCH_PER_TEST === '1' ? { 'nextest/test': nextestPerTest } : {}),
  'cargo test': cargoTest,
  'cargo-valgrind': cargoValgrind
}
const heavyWays = { nextest, 'nextest/test': nextestPerTest, 'cargo test': cargoTest }

if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
  console.error('dist/index.js is missing: run `npm run build` first.')
  process.exit(1)
}

const suites = [
  {
    name: 'fixture',
    dir: path.join(repoRoot, '__tests__', 'fixtures', 'rust-crate'),
    ways: smallWays
  },
  {
    name: 'light',
    dir: generateCrate('light', (i) => `assert_eq!(${i} + 1, ${i + 1});`),
    ways: smallWays
  },
  ...CRATES.map((crate) => ({ name: crate.name, dir: fetchCrate(crate), ways: smallWays })),
  {
    name: 'heavy',
    dir: generateCrate('heavy', (i) => `assert_ne!(work(${i + 1}, ${HEAVY_ROUNDS}), 0);`),
    ways: heavyWays
  }
].filter((suite) => ONLY === undefined || ONLY.includes(suite.name))
if (suites.some((suite) => suite.ways === smallWays)) ensureCargoValgrind()

const loadBefore = os.loadavg()[0]
console.log(
  `${REPEATS} runs per way (best counts), ${os.availableParallelism()} CPUs, load average ${loadBefore.toFixed(2)}, valgrind memcheck`
)
const results = []
for (const suite of suites) {
  // Build outside the timings (both nextest and cargo test use the test profile).
  const env = { ...process.env, ...targetEnv(suite.dir) }
  execFileSync('cargo', ['test', '--tests', '--no-run'], { cwd: suite.dir, env, stdio: 'ignore' })
  const list = execFileSync('cargo', ['nextest', 'list', '--message-format', 'json'], {
    cwd: suite.dir,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const tests = JSON.parse(list)['test-count']
  const times = Object.fromEntries(Object.keys(suite.ways).map((way) => [way, []]))
  const exits = {}
  // Ways take turns within each repeat, so a burst of load from elsewhere spreads over all.
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const [way, measure] of Object.entries(suite.ways)) {
      const { seconds: time, exit } = await measure(suite.dir)
      times[way].push(time)
      exits[way] = exit
    }
  }
  const best = Object.fromEntries(Object.entries(times).map(([way, t]) => [way, Math.min(...t)]))
  results.push({ suite: suite.name, tests, best })
  for (const way of Object.keys(suite.ways)) {
    console.log(
      `  ${suite.name.padEnd(9)} ${String(tests).padStart(4)} tests  ${way.padEnd(15)} ${best[way].toFixed(2).padStart(7)} s  (runs: ${times[way].map((t) => t.toFixed(2)).join(', ')}; exit ${exits[way]})`
    )
  }
}

function verdict(ratio, target, atMost) {
  const met = atMost ? ratio <= target : ratio >= target
  if (met) return `target ${atMost ? '≤' : '≥'} ${target}x: met`
  const by = atMost ? ratio / target - 1 : target / ratio - 1
  return `target ${atMost ? '≤' : '≥'} ${target}x: missed by ${(by * 100).toFixed(0)}%`
}

console.log(
  `\nload average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after (2 cores shared with other work inflate the parallel ways most)`
)
console.log('suite      tests  nextest  nextest/test  cargo test  cargo-valgrind  ratios')
for (const { suite, tests, best } of results) {
  const cell = (way) => (best[way] === undefined ? '-' : `${best[way].toFixed(2)} s`)
  const row = `${suite.padEnd(10)} ${String(tests).padStart(5)}  ${cell('nextest').padStart(7)}  ${cell('nextest/test').padStart(12)}  ${cell('cargo test').padStart(10)}  ${cell('cargo-valgrind').padStart(14)}`
  const ratios = []
  if (suite === 'heavy') {
    const speedup = best['cargo test'] / best.nextest
    ratios.push(
      `one valgrind per binary / nextest = ${speedup.toFixed(2)}x (${verdict(speedup, 1.8, false)})`,
      `per-test / nextest = ${(best['nextest/test'] / best.nextest).toFixed(2)}x`
    )
  } else {
    const vsCargoTest = best.nextest / best['cargo test']
    const vsCargoValgrind = best.nextest / best['cargo-valgrind']
    ratios.push(
      `nextest / cargo test = ${vsCargoTest.toFixed(2)}x (${verdict(vsCargoTest, 1.2, true)})`,
      `nextest / cargo-valgrind = ${vsCargoValgrind.toFixed(2)}x (${verdict(vsCargoValgrind, 1.2, true)})`
    )
    if (best['nextest/test'] !== undefined) {
      ratios.push(`per-test / nextest = ${(best['nextest/test'] / best.nextest).toFixed(2)}x`)
    }
  }
  console.log(`${row}  ${ratios.join('; ')}`)
}
