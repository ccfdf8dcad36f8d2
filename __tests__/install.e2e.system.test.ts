// Installing through the action's entry point: `install: always` makes the action run apt-get for
// real on this machine (as root, or through sudo) and save the packages to the cache stand-in; the
// next run installs from the cache. Each run then finds the leak with the valgrind it installed.
// Changes the machine: runs with SYSTEM_TESTS=1 only (`npm run test:system`).
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { makeWorkspace, markerLine, runAction } from './support/run-action.js'

describe('install: always through dist/index.js', () => {
  let standIn: StandIn
  beforeAll(async () => {
    standIn = await startStandIn()
  })
  afterAll(async () => {
    await standIn?.stop()
  })

  it('installs with apt-get, caches, then installs from the cache; both runs find the leak', async () => {
    const workspace = makeWorkspace(['child_leak'])
    const inputs = { command: './build/child_leak', install: 'always', upload: 'false' }
    // Like a hosted runner: the tool cache has a fixed path (the cache key's paths depend on it),
    // and each job starts with it empty.
    const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-toolcache-'))
    const env = { ...standIn.env, GITHUB_WORKSPACE: workspace, RUNNER_TOOL_CACHE: toolCache }

    const cold = await runAction(inputs, { workspace, env })
    expect(cold.stdout).toMatch(
      /valgrind 3\.\d+\.\d+ at \S+ \(installed with the package manager, [\d.]+ s\)/
    )
    expect(cold.summary).toMatch(/installed with the package manager/)
    expect(cold.outputs['valgrind-version']).toMatch(/^3\.\d+\.\d+$/)
    expect((await standIn.cacheEntries()).length).toBeGreaterThan(0)

    fs.rmSync(toolCache, { recursive: true, force: true })
    fs.mkdirSync(toolCache)
    const warm = await runAction(inputs, { workspace, env })
    expect(warm.stdout).toMatch(/\(restored from the Actions cache, [\d.]+ s\)/)
    expect(warm.outputs['valgrind-version']).toBe(cold.outputs['valgrind-version'])

    for (const run of [cold, warm]) {
      expect(run.exitCode).toBe(1)
      expect(run.annotations).toEqual([
        expect.objectContaining({
          file: 'src/child_leak.c',
          line: markerLine('child_leak', 'CHILD-LEAK'),
          title: 'Memcheck: 40 bytes definitely lost'
        })
      ])
    }
  })
})
