// End to end: the program's output and environment, through dist/index.js with real valgrind on
// programs compiled here. The log is read the way the runner reads it (runner-log.ts): what counts
// is which workflow commands the runner would obey.
import * as fs from 'node:fs'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { isRunning } from './support/processes.js'
import { parseRunnerLog } from './support/runner-log.js'
import { makeWorkspace, markerLine, runAction } from './support/run-action.js'

describe('output without a final newline', () => {
  it('closes the command fence on a line of its own, so annotations and the verdict still work', async () => {
    const workspace = makeWorkspace(['no_newline'])
    const run = await runAction({ command: './build/no_newline' }, { workspace })
    const log = parseRunnerLog(run.stdout)

    expect(log.endedStopped).toBe(false)
    // The program's last line is whole, and the fence's closing line follows it.
    const progress = log.lines.indexOf('progress: 100%')
    expect(progress).toBeGreaterThan(0)
    const resume = log.commands.find((c) => c.line > progress)
    expect(resume?.line).toBe(progress + 1)
    expect(log.lines.filter((line) => line.includes('warming up'))).toHaveLength(1)

    const at = (marker: string) =>
      log.errors.filter(
        (c) =>
          c.properties.file === 'src/no_newline.c' &&
          Number(c.properties.line) === markerLine('no_newline', marker)
      )
    expect(at('INVALID-WRITE')).toHaveLength(1)
    expect(at('LEAK-DEFINITE')).toHaveLength(1)
    const verdict = log.errors.filter((c) => c.properties.file === undefined)
    expect(verdict.map((c) => c.data).join('\n')).toMatch(/Valgrind found 1 memory error/)
    expect(run.exitCode).toBe(1)
  })
})

describe('a daemon the program leaves behind', () => {
  it('cannot write to the log after the fence, and is stopped', async () => {
    const workspace = makeWorkspace(['daemon'])
    const run = await runAction({ command: './build/daemon', upload: 'false' }, { workspace })
    const log = parseRunnerLog(run.stdout)

    expect(run.stdout + run.stderr).not.toContain('forged by a daemon')
    expect([...log.errors, ...log.warnings].map((c) => c.data).join('\n')).not.toContain('forged')
    expect(log.endedStopped).toBe(false)
    expect(run.stdout).toMatch(
      /1 process started by the command was still running after it exited; the action ended it .*They wrote \d+ bytes after that, left out of the log\./
    )
    expect(log.lines).toContain('parent done')
    // It ignored SIGTERM: killed, it was never checked, and the user is told so.
    expect(log.warnings.map((c) => c.data)).toContain(
      '1 process the command left running ignored SIGTERM and was killed by the action (SIGKILL): valgrind could not finish checking it, so its leaks are unknown (its XML file is kept). Make the program stop its children on exit, or on SIGTERM.'
    )
    // The daemon was valgrind's client: its XML file names its pid.
    const xmlDir = run.outputs['xml-dir']
    const pids = fs
      .readdirSync(xmlDir)
      .map((name) => Number(/^(\d+)/.exec(name)?.[1]))
      .filter((pid) => pid > 0)
    expect(pids.length).toBeGreaterThanOrEqual(3)
    for (const pid of pids) expect(isRunning(pid)).toBe(false)
  })
})

describe('a forked worker the program kills (SIGKILL) before valgrind checks it', () => {
  it('is not said to have run outside valgrind: the summary says it was not checked, and why it may be', async () => {
    const workspace = makeWorkspace(['killed_child'])
    const run = await runAction({ command: './build/killed_child', upload: 'false' }, { workspace })
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain(
      "1 child process wrote only valgrind's header to its XML file, so nothing in it was checked: it ran a program valgrind does not follow (<code>trace-children-skip</code>: compilers and linkers by default), or was killed (SIGKILL) before valgrind could check it."
    )
    expect(run.summary).not.toContain('ran outside valgrind')
  })
})

describe('a worker that dies of a signal while the command exits 0', () => {
  it('is said, with the signal and the line, though the status does not show it', async () => {
    const workspace = makeWorkspace(['child_abort'])
    const run = await runAction({ command: './build/child_abort', upload: 'false' }, { workspace })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      new RegExp(
        `::warning::1 process the command started died of a signal: build/child_abort \\(pid \\d+\\) by SIGABRT in main \\(src/child_abort\\.c:${markerLine('child_abort', 'WORKER-ABORT')}\\)\\. The command's own status does not show it\\.`
      )
    )
  })
})

describe('a daemon that execs with an environment of its own', () => {
  it('is still found by its command line, stopped, and its leak reported', async () => {
    const workspace = makeWorkspace(['daemon'])
    const run = await runAction(
      { command: './build/daemon clean-env', upload: 'false' },
      { workspace }
    )
    expect(run.stdout).toContain(
      '1 process started by the command was still running after it exited; the action ended it'
    )
    expect(run.exitCode).toBe(1)
    expect(run.outputs['definitely-lost-bytes']).toBe('77')
    expect(run.annotations).toEqual([
      expect.objectContaining({ file: 'src/daemon.c', line: markerLine('daemon', 'LEAK-DAEMON') })
    ])
    const xmlDir = run.outputs['xml-dir']
    for (const name of fs.readdirSync(xmlDir)) {
      expect(isRunning(Number(/^(\d+)/.exec(name)?.[1]))).toBe(false)
    }
  })
})

describe("the program's environment", () => {
  let standIn: StandIn | undefined
  afterAll(async () => {
    await standIn?.stop()
  })

  it("lacks the runner's credentials, file commands and the action's inputs; the action keeps them for its upload", async () => {
    standIn = await startStandIn()
    const workspace = makeWorkspace(['printenv'])
    const run = await runAction(
      { command: './build/printenv', 'artifact-name': 'env-check' },
      {
        workspace,
        env: {
          ...standIn.env,
          ACTIONS_RUNTIME_URL: 'https://pipelines.example/',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
          ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/',
          STATE_saved: 'state',
          MY_SETTING: 'kept'
        }
      }
    )
    const seen = new Map(
      [...run.stdout.matchAll(/^ENV ([^=\n]+)=(.*)$/gm)].map((match) => [match[1], match[2]])
    )
    expect(seen.get('MY_SETTING')).toBe('kept')
    expect(seen.get('GITHUB_WORKSPACE')).toBe(workspace)
    expect(seen.has('PATH')).toBe(true)
    const internal = [...seen.keys()].filter(
      (name) =>
        /^(ACTIONS_|INPUT_|STATE_)/.test(name) ||
        [
          'GITHUB_OUTPUT',
          'GITHUB_STEP_SUMMARY',
          'GITHUB_ENV',
          'GITHUB_PATH',
          'GITHUB_STATE'
        ].includes(name)
    )
    expect(internal).toEqual([])
    expect(run.stdout).not.toContain(standIn.env.ACTIONS_RUNTIME_TOKEN)
    expect(run.stdout).not.toContain('oidc-secret')
    expect(run.exitCode).toBe(0)
    // The action itself still had the runtime token: it uploaded the run's files.
    const artifact = (await standIn.artifacts()).find((a) => a.name === 'env-check')
    expect(artifact).toBeDefined()
    expect(run.outputs['artifact-id']).toBe(String(artifact?.id))
  })
})
