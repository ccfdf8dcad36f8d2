// The command line runs the same engine: a developer reproduces a CI finding on a laptop.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isRunning, printedPids } from './support/processes.js'
import { makeWorkspace, markerLine, repoRoot } from './support/run-action.js'

function cli(args: string[], cwd: string) {
  const node = process.env.E2E_NODE ?? process.execPath
  return spawnSync(node, [path.join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8'
  })
}

describe('valgrind-action on the command line', () => {
  it('prints each finding at its line, writes the report, and exits 1 on the verdict', () => {
    const workspace = makeWorkspace(['memory_errors'])
    const result = cli(
      ['--track-origins', '--output-directory', 'out', './build/memory_errors'],
      workspace
    )
    expect(result.status).toBe(1)
    const line = markerLine('memory_errors', 'INVALID-WRITE')
    expect(result.stdout).toContain(
      `src/memory_errors.c:${line}: error: Memcheck: Invalid write of size 4`
    )
    expect(result.stdout).toContain('Failed: Valgrind found 5 memory errors')
    expect(result.stdout).not.toContain('\u001b[') // not a TTY: no colours
    const runs = fs.readdirSync(path.join(workspace, 'out'))
    expect(runs).toHaveLength(1)
    const report = JSON.parse(
      fs.readFileSync(path.join(workspace, 'out', runs[0], 'report.json'), 'utf8')
    )
    expect(report.failingFindings).toBe(5)
  })

  it('passes the program its own options after the program name', () => {
    const workspace = makeWorkspace(['parent', 'child_leak'])
    const result = cli(['--fail-on', 'none', './build/parent', './build/child_leak'], workspace)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('40 bytes definitely lost')
  })

  it('exits 2 with a clear message on bad usage', () => {
    const workspace = makeWorkspace(['clean'])
    const bad = cli(['--fail-on', 'sometimes', './build/clean'], workspace)
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("Option --fail-on: unknown value 'sometimes'.")
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    const none = cli([], workspace)
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('No program given.')
    const unknown = cli(['--frobnicate', './build/clean'], workspace)
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/Unknown option '--frobnicate'/)
  })

  it('on Ctrl-C stops the program, reports what valgrind wrote and exits 130', async () => {
    const workspace = makeWorkspace(['cancel_me'])
    const node = process.env.E2E_NODE ?? process.execPath
    const child = spawn(node, [path.join(repoRoot, 'dist', 'cli.js'), './build/cancel_me'], {
      cwd: workspace
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      const before = stdout
      stdout += chunk.toString()
      if (!/^ready$/m.test(before) && /^ready$/m.test(stdout)) child.kill('SIGINT')
    })
    const status = await new Promise((resolve) => child.on('close', resolve))
    expect(status).toBe(130)
    expect(stderr).toContain('Received SIGINT')
    expect(stdout).toContain('The run was cancelled (SIGINT)')
    expect(stdout).toContain(`src/cancel_me.c:${markerLine('cancel_me', 'LEAK-DEFINITE')}: error`)
    const pids = printedPids(stdout)
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(isRunning(pid)).toBe(false)
  })
})
