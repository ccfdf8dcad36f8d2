// End to end: how the action starts and stops what the command runs (exec'd images, the command
// input, cancellation by the runner), through dist/index.js with real valgrind on programs
// compiled here.
import type { ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isRunning, printedPids } from './support/processes.js'
import { makeWorkspace, markerLine, runAction } from './support/run-action.js'

describe('exec', () => {
  it('keeps the findings of the image that called exec', async () => {
    const workspace = makeWorkspace(['exec_true'])
    const run = await runAction({ command: './build/exec_true', upload: 'false' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/Valgrind found 1 memory error/)
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        file: 'src/exec_true.c',
        line: markerLine('exec_true', 'INVALID-WRITE')
      })
    ])
    // One file per image: the one that called exec, then /bin/true's, same pid.
    const files = fs.readdirSync(run.outputs['xml-dir']).filter((name) => name.endsWith('.xml'))
    expect(files).toHaveLength(2)
    const [pid] = files[0].split(/[-.]/)
    expect(files.sort()).toEqual([`${pid}-1.xml`, `${pid}.xml`])
    const last = fs.readFileSync(path.join(run.outputs['xml-dir'], `${pid}.xml`), 'utf8')
    expect(last).toMatch(/<exe>\/bin\/true<\/exe>/)
    // The replaced image's file is closed by the action: no "ends early" warning.
    expect(run.stdout).not.toContain('ends early')
  })

  it('keeps them when the new image gets an environment whose PATH has no sed, grep, rm or mv', async () => {
    const workspace = makeWorkspace(['exec_true'])
    const run = await runAction(
      { command: './build/exec_true /bin/true bare-env', upload: 'false' },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/Valgrind found 1 memory error/)
    expect(run.annotations).toEqual([
      expect.objectContaining({
        file: 'src/exec_true.c',
        line: markerLine('exec_true', 'INVALID-WRITE')
      })
    ])
    const files = fs.readdirSync(run.outputs['xml-dir']).filter((name) => name.endsWith('.xml'))
    expect(files).toHaveLength(2)
    expect(run.stdout + run.stderr).not.toContain('not found')
  })

  it("tells the status from the last image: valgrind's errors in an earlier one did not set it", async () => {
    const workspace = makeWorkspace(['exec_true'])
    const run = await runAction(
      { command: './build/exec_true /bin/false', upload: 'false' },
      { workspace }
    )
    expect(run.exitCode).toBe(1)
    // /bin/false's own status 1 equals --error-exitcode=1, but its image counted no error.
    expect(run.failure).toMatch(/Valgrind found 1 memory error/)
    expect(run.failure).toContain('The program exited with status 1.')
    expect(run.summary).not.toContain("valgrind's --error-exitcode")
  })
})

describe('the command input', () => {
  it('refuses a multi-line command instead of running its first line', async () => {
    const workspace = makeWorkspace(['leaks'])
    const run = await runAction({ command: 'true\n./build/leaks\n' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain("Input 'command' uses shell syntax, several lines")
    expect(run.failure).toContain("command: sh -ec 'true\n./build/leaks'")
    expect(run.outputs.findings).toBeUndefined()
  })

  it('says a file that is there but not executable is not executable', async () => {
    const workspace = makeWorkspace([])
    fs.writeFileSync(path.join(workspace, 'build', 'check.sh'), '#!/bin/sh\nexit 0\n', {
      mode: 0o644
    })
    const run = await runAction({ command: './build/check.sh' }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toContain(
      `'${path.join(workspace, 'build', 'check.sh')}' exists but is not executable`
    )
    expect(run.failure).not.toMatch(/not found/)
  })
})

describe('cancellation', () => {
  /** As the runner cancels: SIGINT to the action's node process only, once the program says `ready`. */
  function cancelWhenReady(node: ChildProcess): void {
    let seen = ''
    node.stdout?.on('data', (chunk: Buffer) => {
      const before = seen
      seen += chunk.toString()
      if (!/^ready$/m.test(before) && /^ready$/m.test(seen)) node.kill('SIGINT')
    })
  }

  it('stops the process tree, reports what valgrind wrote and fails saying it was cancelled', async () => {
    const workspace = makeWorkspace(['cancel_me'])
    const run = await runAction(
      { command: './build/cancel_me', upload: 'false' },
      {
        workspace,
        onSpawn: cancelWhenReady
      }
    )
    const pids = printedPids(run.stdout)
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(isRunning(pid)).toBe(false)

    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(/^The run was cancelled \(SIGINT\)/)
    expect(run.failure).not.toMatch(/killed by/)
    expect(run.summary.split('\n')[0]).toMatch(/^## ❌ .*Failed: The run was cancelled \(SIGINT\)/)
    expect(run.summary).toContain('cancelled (SIGINT)')
    // The parent's leak (valgrind's leak check ran at SIGTERM) and the child's invalid write
    // (its XML was cut by SIGKILL, the error was already in it).
    expect(run.outputs['definitely-lost-bytes']).toBe('100')
    const at = (marker: string) =>
      run.annotations.filter(
        (a) => a.file === 'src/cancel_me.c' && a.line === markerLine('cancel_me', marker)
      )
    expect(at('LEAK-DEFINITE')).toHaveLength(1)
    expect(at('INVALID-WRITE')).toHaveLength(1)
  })

  it('leaves the byte outputs empty when no process lived to its leak check, and says so', async () => {
    const workspace = makeWorkspace(['stubborn'])
    const run = await runAction(
      { command: './build/stubborn', upload: 'false' },
      {
        workspace,
        onSpawn: cancelWhenReady
      }
    )
    expect(run.failure).toMatch(/^The run was cancelled \(SIGINT\)/)
    // It ignored SIGTERM: killed, valgrind never checked its leaks. 0 bytes would be a claim.
    for (const kind of ['definitely', 'indirectly', 'possibly']) {
      expect(run.outputs[`${kind}-lost-bytes`]).toBe('')
    }
    expect(run.outputs['still-reachable-bytes']).toBe('')
    expect(run.outputs.findings).toBe('0')
    expect(run.summary).toContain(
      "Leaks: not known. No process finished, and valgrind checks leaks at a process's exit; the byte outputs are empty."
    )
  })
})
