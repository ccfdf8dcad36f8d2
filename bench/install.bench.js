// Installing valgrind, timed: the package-manager install, the warm install from the
// Actions cache (target: under 5 s), and the source build. Runs the real code (src/install,
// transpiled on the fly into node_modules/.cache/) against the local stand-in of GitHub's cache service.
//
//   node bench/install.bench.js               all figures (the source build takes minutes)
//   node bench/install.bench.js --skip-build  without the source build and its warm restore
//                                             (or INSTALL_BENCH_SKIP_BUILD=1, e.g. via bench/run.js)
//
// Prints one line per figure; `run()` also returns them for bench/run.js.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Under node_modules/.cache: ignored by git, eslint and prettier, and bare imports resolve from it.
const outDir = path.join(repoRoot, 'node_modules', '.cache', 'valgrind-action-bench-install')

/** TypeScript → ESM JavaScript, file by file: the sources already import with .js suffixes. */
function transpile(dirs) {
  for (const dir of dirs) {
    for (const name of fs.readdirSync(path.join(repoRoot, dir))) {
      if (!name.endsWith('.ts')) continue
      const source = fs.readFileSync(path.join(repoRoot, dir, name), 'utf8')
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: false
        }
      })
      const target = path.join(outDir, dir, name.replace(/\.ts$/, '.js'))
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, outputText)
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

async function timed(label, action) {
  const started = performance.now()
  const result = await action()
  const ms = performance.now() - started
  return { label, ms, result }
}

/** Silences the toolkit's ::debug:: chatter while timing; keeps our own lines. */
async function quietly(action) {
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = () => true
  try {
    return await action()
  } finally {
    process.stdout.write = write
  }
}

export async function run({ skipBuild = false, repeats = 3 } = {}) {
  transpile(['src/install', '__tests__/support'])
  const load = (file) => import(pathToFileURL(path.join(outDir, file)).href)
  const { ensureValgrind } = await load('src/install/index.js')
  const { startStandIn } = await load('__tests__/support/actions-standin.js')
  const { ensureReleaseTarball, serveDirectory } = await load(
    '__tests__/support/valgrind-tarball.js'
  )

  const figures = []
  const report = (name, ms, detail = '') => {
    figures.push({ name, seconds: Math.round(ms / 100) / 10, detail })
    console.log(`install  ${name.padEnd(44)} ${seconds(ms).padStart(8)}  ${detail}`)
  }

  const savedEnv = { ...process.env }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'install-bench-'))
  const standIn = await startStandIn()
  try {
    const reset = () => {
      process.env = { ...savedEnv, ...standIn.env, GITHUB_WORKSPACE: scratch }
    }
    /** Median time of `repeats` installs from the cache into an emptied tool cache directory. */
    const warmInstalls = async (toolCacheDir, options) => {
      const times = []
      for (let i = 0; i < repeats; i++) {
        reset()
        fs.rmSync(toolCacheDir, { recursive: true, force: true })
        const warm = await timed('warm', () =>
          quietly(() => ensureValgrind({ ...options, cache: true, toolCacheDir }))
        )
        if (warm.result.source !== 'cache') {
          throw new Error(`expected a cache hit, got ${warm.result.source}`)
        }
        times.push(warm.ms)
      }
      return median(times)
    }

    // Package manager. valgrind is preinstalled on this machine, so ensureValgrind's apt-get is a
    // no-op here; a reinstall (download + unpack of valgrind and libc6-dbg) stands for a cold one.
    reset()
    const aptTools = path.join(scratch, 'tools-apt')
    const apt = await timed('apt', () =>
      quietly(() =>
        ensureValgrind({
          install: 'always',
          valgrindVersion: 'system',
          cache: true,
          toolCacheDir: aptTools
        })
      )
    )
    report('package manager (apt-get, already installed)', apt.ms, `+ .deb download and cache save`)
    const reinstall = await timed('reinstall', () =>
      execFileSync(
        'apt-get',
        ['install', '--reinstall', '-y', '--no-install-recommends', 'valgrind', 'libc6-dbg'],
        { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }
      )
    )
    report(
      'cold apt-get install --reinstall (raw)',
      reinstall.ms,
      'download + unpack, lists present'
    )

    const warmApt = await warmInstalls(aptTools, { install: 'always', valgrindVersion: 'system' })
    report('warm install: cached .debs (dpkg -i)', warmApt, `median of ${repeats}`)

    if (!skipBuild) {
      const tarball = ensureReleaseTarball()
      const server = await serveDirectory(path.dirname(tarball.file))
      const srcTools = path.join(scratch, 'tools-src')
      try {
        reset()
        process.env.VALGRIND_ACTION_DOWNLOAD_BASE = server.base
        const build = await timed('build', () =>
          quietly(() =>
            ensureValgrind({
              install: 'auto',
              valgrindVersion: tarball.version,
              cache: true,
              toolCacheDir: srcTools
            })
          )
        )
        report(
          `source build of ${tarball.version} (${os.cpus().length} cores)`,
          build.ms,
          'download, configure, make, install, cache save'
        )
      } finally {
        await server.close()
      }
      const warmSource = await warmInstalls(srcTools, {
        install: 'auto',
        valgrindVersion: tarball.version
      })
      report(
        `warm install: cached build of ${tarball.version}`,
        warmSource,
        `median of ${repeats}; target < 5 s`
      )
    }
  } finally {
    process.env = savedEnv
    await standIn.stop()
    fs.rmSync(scratch, { recursive: true, force: true })
  }
  return figures
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run({
    skipBuild: process.argv.includes('--skip-build') || process.env.INSTALL_BENCH_SKIP_BUILD === '1'
  })
}
