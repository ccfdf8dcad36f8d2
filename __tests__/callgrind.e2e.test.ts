// Callgrind through the action's entry point: a memcheck verdict and a callgrind profile from one
// step, and the run directory uploaded through the real @actions/artifact client to the local
// stand-in of GitHub's artifact service (Twirp + Azurite), then read back from the stored zip.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { totalsOf } from './support/callgrind-file.js'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { makeWorkspace, runAction, type ActionRun } from './support/run-action.js'
import { unpackZip } from './support/unzip.js'

describe('memcheck,callgrind in one step, uploaded as an artifact', () => {
  let standIn: StandIn
  let run: ActionRun
  beforeAll(async () => {
    standIn = await startStandIn()
    const workspace = makeWorkspace(['hot', 'leaks'])
    run = await runAction(
      { command: './build/hot spawn', tool: 'memcheck,callgrind', 'artifact-name': 'valgrind-e2e' },
      { workspace, env: standIn.env }
    )
  })
  afterAll(async () => {
    await standIn?.stop()
  })

  it('passes: no memory errors in either process', () => {
    expect(run.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
  })

  it('reports the total instructions of both processes, equal to their files’ totals: lines', () => {
    const files = fs.readdirSync(run.outputs.profiles).filter((f) => f.startsWith('callgrind.out.'))
    expect(files).toHaveLength(2)
    const sum = files
      .map((f) => totalsOf(path.join(run.outputs.profiles, f)))
      .reduce((a, b) => a + b)
    expect(Number(run.outputs.instructions)).toBe(sum)
    expect(sum).toBeGreaterThan(1_000_000)
  })

  it('shows both passes in one summary', () => {
    expect(run.summary.split('\n')[0]).toMatch(/^## ✅ Valgrind Memcheck \+ Callgrind: Passed/)
    expect(run.summary).toMatch(/Instructions \(Ir\)/)
    expect(run.summary).toContain('hot_loop')
  })

  it('uploads the whole run directory and outputs the artifact id and url', async () => {
    const artifact = (await standIn.artifacts()).find((a) => a.name === 'valgrind-e2e')
    expect(artifact).toBeDefined()
    expect(run.outputs['artifact-id']).toBe(String(artifact?.id))
    expect(run.outputs['artifact-url']).toMatch(
      new RegExp(`/actions/runs/\\d+/artifacts/${artifact?.id}$`)
    )
    const files = unpackZip(artifact?.bytes ?? Buffer.alloc(0))
    const names = Object.keys(files).sort()
    expect(names.filter((n) => n.startsWith('memcheck/') && n.endsWith('.xml'))).toHaveLength(2)
    expect(names.filter((n) => n.startsWith('callgrind/callgrind.out.'))).toHaveLength(2)
    expect(names).toContain('report.json')
    const report = JSON.parse(files['report.json'].toString())
    expect(report.profiles.instructions).toBe(Number(run.outputs.instructions))
  })
})

describe('callgrind alone', () => {
  it('profiles without an error check, and says the upload was skipped outside Actions', async () => {
    const workspace = makeWorkspace(['hot'])
    const run = await runAction({ command: './build/hot', tool: 'callgrind' }, { workspace })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['xml-dir']).toBe('')
    expect(run.outputs.findings).toBe('') // nothing was checked for errors
    const [file] = fs.readdirSync(run.outputs.profiles)
    expect(Number(run.outputs.instructions)).toBe(totalsOf(path.join(run.outputs.profiles, file)))
    expect(run.outputs['artifact-id']).toBeUndefined()
    expect(run.stdout).toMatch(/ACTIONS_RUNTIME_TOKEN/)
  })

  it('a leak still fails the step when memcheck runs beside callgrind', async () => {
    const workspace = makeWorkspace(['leaks'])
    const run = await runAction(
      { command: './build/leaks', tool: 'memcheck,callgrind' },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    expect(run.outputs['definitely-lost-bytes']).toBe('116')
    expect(Number(run.outputs.instructions)).toBeGreaterThan(0)
  })
})
