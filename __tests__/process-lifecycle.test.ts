// Unit tests of the pieces that own the program's process: its log, its environment, finding it,
// finding its processes, the exec launcher; and of the test helper that reads a log like the runner.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { programEnvironment } from '../src/valgrind/environment.js'
import { execLauncherScript } from '../src/valgrind/exec-launcher.js'
import { InterleavedLog } from '../src/valgrind/output-log.js'
import { trackedProcesses, TRACKING_VARIABLE } from '../src/valgrind/process-tree.js'
import { resolveExecutable } from '../src/valgrind/run.js'
import { parseRunnerLog } from './support/runner-log.js'

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-lifecycle-'))

describe('InterleavedLog', () => {
  function logOf(steps: (log: InterleavedLog) => void): string {
    let text = ''
    const log = new InterleavedLog((chunk) => (text += Buffer.from(chunk).toString()))
    steps(log)
    return text
  }
  const bytes = (text: string) => Buffer.from(text)

  it('copies one stream unchanged, partial lines included', () => {
    expect(
      logOf((log) => {
        log.append('stdout', bytes('progress: 10%'))
        log.append('stdout', bytes('...100%\ndone\n'))
      })
    ).toBe('progress: 10%...100%\ndone\n')
  })

  it('never lets one stream continue the other stream’s unfinished line', () => {
    expect(
      logOf((log) => {
        log.append('stderr', bytes('warming up'))
        log.append('stdout', bytes('result 1\n'))
        log.append('stderr', bytes('err\n'))
      })
    ).toBe('warming up\nresult 1\nerr\n')
  })

  it('ends an unfinished last line, and only then', () => {
    expect(logOf((log) => (log.append('stdout', bytes('progress: 100%')), log.endLine()))).toBe(
      'progress: 100%\n'
    )
    expect(logOf((log) => (log.append('stdout', bytes('ok\n')), log.endLine()))).toBe('ok\n')
    expect(logOf((log) => log.endLine())).toBe('')
  })
})

describe('programEnvironment', () => {
  it("drops the runner's internal variables and the action's inputs, keeps everything else", () => {
    const env = programEnvironment({
      ACTIONS_RUNTIME_TOKEN: 't',
      ACTIONS_RUNTIME_URL: 'u',
      ACTIONS_RESULTS_URL: 'u',
      ACTIONS_CACHE_URL: 'u',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
      INPUT_COMMAND: './a',
      STATE_key: 'v',
      GITHUB_OUTPUT: '/f',
      GITHUB_STEP_SUMMARY: '/f',
      GITHUB_ENV: '/f',
      GITHUB_PATH: '/f',
      GITHUB_STATE: '/f',
      GITHUB_WORKSPACE: '/w',
      GITHUB_TOKEN: 'given by the user in env:',
      RUNNER_TEMP: '/t',
      CI: 'true',
      PATH: '/bin',
      UNSET: undefined
    })
    expect(env).toEqual({
      GITHUB_WORKSPACE: '/w',
      GITHUB_TOKEN: 'given by the user in env:',
      RUNNER_TEMP: '/t',
      CI: 'true',
      PATH: '/bin'
    })
  })
})

describe('resolveExecutable', () => {
  const dir = path.join(temp, 'bin')
  fs.mkdirSync(path.join(dir, 'folder'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'script'), '#!/bin/sh\n', { mode: 0o644 })

  it('finds a path with a slash from the working directory, and a bare name on PATH', () => {
    expect(resolveExecutable('./bin/tool', temp)).toEqual({ path: path.join(dir, 'tool') })
    expect(resolveExecutable('tool', '/', `/nonexistent:${dir}`)).toEqual({
      path: path.join(dir, 'tool')
    })
  })

  it('tells missing from not executable from a directory', () => {
    expect(resolveExecutable('./bin/none', temp)).toEqual({ problem: 'not found' })
    expect(resolveExecutable('./bin/script', temp)).toEqual({
      problem: 'is not executable',
      candidate: path.join(dir, 'script')
    })
    expect(resolveExecutable('./bin/folder', temp)).toEqual({
      problem: 'is a directory',
      candidate: path.join(dir, 'folder')
    })
  })
})

describe('trackedProcesses', () => {
  it('finds the pids whose environment carries the tracking id, wherever it stands', () => {
    const proc = path.join(temp, 'proc')
    const environ = (pid: string, vars: string[]) => {
      fs.mkdirSync(path.join(proc, pid), { recursive: true })
      fs.writeFileSync(path.join(proc, pid, 'environ'), vars.map((v) => `${v}\0`).join(''))
    }
    environ('100', [`${TRACKING_VARIABLE}=abc`, 'PATH=/bin'])
    environ('101', ['PATH=/bin', `${TRACKING_VARIABLE}=abc`])
    environ('102', [`${TRACKING_VARIABLE}=abcd`])
    environ('103', [`X${TRACKING_VARIABLE}=abc`])
    environ('104', [])
    fs.mkdirSync(path.join(proc, 'self'))
    expect(trackedProcesses('abc', proc).sort()).toEqual([100, 101])
  })

  it("also finds, when asked, the pids whose command line holds the run's text in an argument", () => {
    const proc = path.join(temp, 'proc-cmdline')
    const processEntry = (pid: string, vars: string[], argv: string[]) => {
      fs.mkdirSync(path.join(proc, pid), { recursive: true })
      fs.writeFileSync(path.join(proc, pid, 'environ'), vars.map((v) => `${v}\0`).join(''))
      fs.writeFileSync(path.join(proc, pid, 'cmdline'), argv.map((a) => `${a}\0`).join(''))
    }
    // Exec'd with an environment of its own: no tracking variable, valgrind's argv still there.
    processEntry(
      '200',
      ['PATH=/bin'],
      ['valgrind.bin', '--xml-file=/run/r-1/memcheck/%p.xml', './d']
    )
    processEntry('201', [`${TRACKING_VARIABLE}=abc`], ['valgrind.bin', './d'])
    processEntry('202', ['PATH=/bin'], ['valgrind.bin', '--xml-file=/run/r-2/memcheck/%p.xml'])
    expect(trackedProcesses('abc', proc, '=/run/r-1/memcheck').sort()).toEqual([200, 201])
    expect(trackedProcesses('abc', proc)).toEqual([201])
  })
})

describe('the exec launcher', () => {
  // A stand-in for valgrind: writes <pid>.xml as valgrind would (with a record when the client
  // has a finding); with --again its client execs once more (through the launcher, as valgrind
  // does), else it says how it was called.
  function setup(name: string, dropErrorExitcode = false) {
    const xml = path.join(temp, name, 'xml dir')
    fs.mkdirSync(xml, { recursive: true })
    const valgrind = path.join(temp, name, 'fake-valgrind')
    const launcher = path.join(temp, name, 'launcher.sh')
    fs.writeFileSync(
      valgrind,
      [
        '#!/bin/sh',
        `printf '<valgrindoutput>%s' "$2" > "${xml}/$$.xml"`,
        `if [ "$1" = --again ]; then exec "$VALGRIND_LAUNCHER" --x ./prog; fi`,
        'echo "launcher=$VALGRIND_LAUNCHER args=$*"',
        ''
      ].join('\n'),
      { mode: 0o755 }
    )
    fs.writeFileSync(
      launcher,
      execLauncherScript({ scriptPath: launcher, valgrind, xmlDirectory: xml, dropErrorExitcode }),
      { mode: 0o755 }
    )
    return { xml, launcher }
  }

  it("keeps each replaced image's XML, closed and numbered, then runs valgrind with the same arguments", () => {
    const { xml, launcher } = setup('keep')
    // Three images of one process: the pid stays through each exec.
    const output = execFileSync('sh', [
      '-c',
      `printf '<valgrindoutput><error>1</error>' > "${xml}/$$.xml"; exec "${launcher}" --again '<error>2</error>'`
    ]).toString()
    expect(output).toBe(`launcher=${launcher} args=--x ./prog\n`)
    const files = fs.readdirSync(xml).sort()
    const pid = files[0].split(/[-.]/)[0]
    expect(files).toEqual([`${pid}-1.xml`, `${pid}-2.xml`, `${pid}.xml`])
    const read = (name: string) => fs.readFileSync(path.join(xml, name), 'utf8')
    expect(read(`${pid}-1.xml`)).toBe('<valgrindoutput><error>1</error></valgrindoutput>\n')
    expect(read(`${pid}-2.xml`)).toBe('<valgrindoutput><error>2</error></valgrindoutput>\n')
    expect(read(`${pid}.xml`)).toBe('<valgrindoutput>./prog')
  })

  it("drops valgrind's --error-exitcode for the new image when asked, never the program's own arguments", () => {
    const { launcher } = setup('status', true)
    const output = execFileSync(launcher, [
      '--tool=memcheck',
      '--error-exitcode=1',
      '--xml=yes',
      './prog',
      '--error-exitcode=1',
      'two words'
    ]).toString()
    expect(output).toBe(
      `launcher=${launcher} args=--tool=memcheck --xml=yes ./prog --error-exitcode=1 two words\n`
    )
    const { launcher: keeping } = setup('status-kept')
    expect(execFileSync(keeping, ['--error-exitcode=1', './prog']).toString()).toBe(
      `launcher=${keeping} args=--error-exitcode=1 ./prog\n`
    )
  })

  it('drops a replaced image that wrote no record (a child between fork and exec)', () => {
    const { xml, launcher } = setup('drop')
    execFileSync('sh', [
      '-c',
      `printf '<valgrindoutput>' > "${xml}/$$.xml"; exec "${launcher}" --x`
    ])
    expect(fs.readdirSync(xml)).toHaveLength(1)
  })

  it('keeps a replaced image that is valgrind itself (a test running valgrind), record or not', () => {
    const { xml, launcher } = setup('nested')
    const preamble =
      '<valgrindoutput><args><argv><exe>/usr/bin/valgrind.bin</exe><arg>./t</arg></argv></args>'
    execFileSync('sh', ['-c', `printf '${preamble}' > "${xml}/$$.xml"; exec "${launcher}" --x`])
    const files = fs.readdirSync(xml).sort()
    expect(files).toHaveLength(2)
    expect(fs.readFileSync(path.join(xml, files[0]), 'utf8')).toBe(`${preamble}</valgrindoutput>\n`)
  })
})

describe('parseRunnerLog (test helper)', () => {
  it('obeys commands as the runner does: trimmed, any case, legacy form, \\r line ends', () => {
    const log = parseRunnerLog(
      [
        '  ::error file=a.c,line=3::one',
        '::WARNING::two\rtext ##[error]three',
        '::notacommand::x'
      ].join('\n')
    )
    expect(log.commands.map((c) => [c.command, c.data])).toEqual([
      ['error', 'one'],
      ['warning', 'two'],
      ['error', 'three']
    ])
    expect(log.errors[0].properties).toEqual({ file: 'a.c', line: '3' })
  })

  it('ignores everything inside a stop-commands fence until its token, in any case', () => {
    const log = parseRunnerLog(
      [
        '::stop-commands::Tok123',
        '::error::inside',
        'progress 100%::tok123::',
        '::error::still inside',
        ' ::TOK123::',
        '::error::after'
      ].join('\n')
    )
    expect(log.errors.map((c) => c.data)).toEqual(['after'])
    expect(log.endedStopped).toBe(false)
    expect(parseRunnerLog('::stop-commands::t\nout::t::').endedStopped).toBe(true)
  })
})
