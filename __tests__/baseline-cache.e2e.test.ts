// `baseline: cache` end to end: a push to the default branch saves its JSON report with the real
// @actions/cache client into the local stand-in of the cache service; a pull request restores it
// and compares. Two builds of the baseline C program (see support/baseline-builds.ts).
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { baseBuild, headBuild, lineIn, type Build } from './support/baseline-builds.js'
import { runAction, type ActionRun } from './support/run-action.js'

/** The event payload and ref of a push to main, or of a pull request into it. */
function eventEnv(kind: 'push' | 'pull_request'): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-event-'))
  const file = path.join(dir, 'event.json')
  fs.writeFileSync(
    file,
    JSON.stringify({ repository: { full_name: 'acme/demo', default_branch: 'main' } })
  )
  return {
    GITHUB_JOB: 'memcheck-linux',
    GITHUB_EVENT_NAME: kind,
    GITHUB_EVENT_PATH: file,
    GITHUB_REF: kind === 'push' ? 'refs/heads/main' : 'refs/pull/7/merge'
  }
}

const inputs = { command: './build/baseline leaks', baseline: 'cache', upload: 'false' }

let standIn: StandIn
let base: Build
let head: Build
let pushRun: ActionRun
let pullRun: ActionRun

beforeAll(async () => {
  standIn = await startStandIn()
  base = baseBuild()
  head = headBuild()
  pushRun = await runAction(inputs, {
    workspace: base.workspace,
    env: { ...standIn.env, ...eventEnv('push') }
  })
  pullRun = await runAction(
    { ...inputs, 'write-suppressions': 'valgrind.supp' },
    {
      workspace: head.workspace,
      // A re-run (attempt 2) of the pull request's job: the key must not depend on the attempt.
      env: {
        ...standIn.env,
        ...eventEnv('pull_request'),
        GITHUB_SHA: 'f'.repeat(40),
        GITHUB_RUN_ATTEMPT: '2'
      }
    }
  )
})

afterAll(async () => {
  await standIn?.stop()
})

it('saves the report from the default branch under a key of its own', async () => {
  const entries = await standIn.cacheEntries()
  expect(entries).toHaveLength(1)
  // The job (with matrix values), then the commit, the run and its attempt.
  expect(entries[0].key).toMatch(
    /^valgrind-action-baseline\/valgrind-memcheck-linux\/0123456789abcdef0123456789abcdef01234567-4242-1$/
  )
  expect(pushRun.stdout).toContain("Saved this run's report as the baseline for pull requests")
  // The push itself compares with nothing: its leaks fail it as usual.
  expect(pushRun.outputs['new-findings']).toBe('')
  expect(pushRun.exitCode).toBe(1)
})

it('restores it on a pull request: only the new leak fails', () => {
  expect(pullRun.stdout).toMatch(/Baseline: the Actions cache \(valgrind-action-baseline\//)
  expect(pullRun.outputs['new-findings']).toBe('1')
  expect(pullRun.outputs['fixed-findings']).toBe('1')
  expect(pullRun.failure).toMatch(
    /^Valgrind found 1 definite leak \(56 bytes in 1 block\) not in the baseline/
  )
  const errors = pullRun.annotations.filter((a) => a.level === 'error')
  expect(errors.map((a) => a.line)).toEqual([lineIn(head, 'NEW-LEAK')])
  expect(pullRun.summary).toContain('| Still present | 1 |')
  // A pull request does not save: the baseline stays the default branch's.
  expect(pullRun.stdout).not.toContain('Saved this run')
})

it('says so when no baseline was saved for the job, and counts every finding as new', async () => {
  // The saving job's name less its suffix: its keys start with this job's name, and must not match.
  const other = await runAction(inputs, {
    workspace: head.workspace,
    env: { ...standIn.env, ...eventEnv('pull_request'), GITHUB_JOB: 'memcheck' }
  })
  expect(other.stdout).toMatch(/::warning::No baseline report for 'baseline: cache'/)
  expect(other.failure).toMatch(
    /^Valgrind found 2 definite leaks \(96 bytes in 2 blocks\) \(fail-on/
  )
  expect(other.outputs['new-findings']).toBe('')
})

describe('write-suppressions', () => {
  it('writes a file that silences every current finding', async () => {
    const file = path.join(head.workspace, 'valgrind.supp')
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toMatch(
      /^\{\n {3}valgrind-action: Memcheck Definitely lost at leak_added_in_head \(src\/baseline\.c\)\n {3}Memcheck:Leak\n {3}match-leak-kinds: definite\n/m
    )
    expect(Number(pullRun.outputs.findings)).toBeGreaterThanOrEqual(2)

    const again = await runAction(
      { command: './build/baseline leaks', upload: 'false', suppressions: 'valgrind.supp' },
      { workspace: head.workspace }
    )
    expect(again.outputs.findings).toBe('0')
    expect(again.exitCode).toBe(0)
    expect(again.annotations).toEqual([])
  })
})
