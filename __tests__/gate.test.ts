// Unit tests of the gate's pure logic: valgrind's exit-status options, the user's leak show
// options, telling valgrind's status from the program's, the DWARF 5 check (on binaries gcc builds
// here), valgrind's startup messages, the streamed JSON report and the reader's mid-run leak checks.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readConfig } from '../src/config.js'
import { collectFindings } from '../src/analysis/findings.js'
import { statusFromValgrind, topProcess, usableXml } from '../src/analysis/outcome.js'
import type { FailCategory, ProcessRun } from '../src/model.js'
import { parseValgrindXml } from '../src/parse/xml.js'
import { findingText, stackLines } from '../src/report/format.js'
import { jsonChunks, writeJsonFile } from '../src/report/json.js'
import { buildSarif, sarifText, writeSarif } from '../src/report/sarif.js'
import { notWrittenWarning, writeTextFile } from '../src/report/text-file.js'
import { systemErrorText } from '../src/errors.js'
import { parseCargoTestCommand, withNoFailFast } from '../src/rust/command.js'
import { formatCount } from '../src/numbers.js'
import { cargoErrorLine } from '../src/rust/setup.js'
import {
  debuggerWaitOption,
  errorExitCodeOf,
  exitStatusArgs,
  leakShowOptions
} from '../src/valgrind/args.js'
import { dwarf5Advice, dwarfVersion } from '../src/valgrind/dwarf.js'
import {
  launcherRefusal,
  valgrindStartupMessage,
  xmlOptionProblem
} from '../src/valgrind/startup.js'

const failOn = (...categories: FailCategory[]) => new Set<FailCategory>(categories)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-gate-'))

describe('input error-exitcode', () => {
  const read = (value: string) => (name: string) =>
    name === 'command' ? 'prog' : name === 'error-exitcode' ? value : ''
  const env = { workspace: tmp, tempDirectory: tmp }
  it('defaults to 1, takes 0 to 255', () => {
    expect(readConfig(read(''), env).errorExitCode).toBe(1)
    expect(readConfig(read('0'), env).errorExitCode).toBe(0)
    expect(readConfig(read('42'), env).errorExitCode).toBe(42)
  })
  it.each(['300', '-1', 'yes', '1.5'])('refuses %s with what is accepted', (value) => {
    expect(() => readConfig(read(value), env)).toThrow(
      `Input 'error-exitcode': '${value}' is not an exit status. Accepted: a whole number from 1 to 255`
    )
  })
})

describe('exitStatusArgs', () => {
  it('derives --errors-for-leak-kinds from fail-on and passes --error-exitcode', () => {
    expect(
      exitStatusArgs({ tool: 'memcheck', failOn: failOn('definite', 'errors'), errorExitCode: 1 })
    ).toEqual({ args: ['--errors-for-leak-kinds=definite', '--error-exitcode=1'] })
    expect(
      exitStatusArgs({
        tool: 'memcheck',
        failOn: failOn('reachable', 'possible', 'errors'),
        errorExitCode: 7
      }).args
    ).toEqual(['--errors-for-leak-kinds=possible,reachable', '--error-exitcode=7'])
  })
  it('passes no status when fail-on is none or leaves errors out (valgrind cannot)', () => {
    expect(exitStatusArgs({ tool: 'memcheck', failOn: failOn(), errorExitCode: 1 })).toEqual({
      args: ['--errors-for-leak-kinds=none']
    })
    const leaksOnly = exitStatusArgs({
      tool: 'memcheck',
      failOn: failOn('definite'),
      errorExitCode: 1
    })
    expect(leaksOnly.args).toEqual(['--errors-for-leak-kinds=definite'])
    expect(leaksOnly.note).toMatch(/fail-on does not include 'errors'/)
  })
  it('leaves --errors-for-leak-kinds out for helgrind and drd, and the status out with 0', () => {
    expect(
      exitStatusArgs({ tool: 'drd', failOn: failOn('errors'), errorExitCode: 1 }).args
    ).toEqual(['--error-exitcode=1'])
    expect(
      exitStatusArgs({ tool: 'memcheck', failOn: failOn('errors'), errorExitCode: 0 }).args
    ).toEqual(['--errors-for-leak-kinds=none'])
  })
  it('reads the status valgrind ran with from its argv, the last one winning', () => {
    expect(errorExitCodeOf(['--error-exitcode=1', '--error-exitcode=3'])).toBe(3)
    expect(errorExitCodeOf(['--error-exitcode=0'])).toBeUndefined()
    expect(errorExitCodeOf(undefined)).toBeUndefined()
  })
})

describe('debuggerWaitOption', () => {
  it('names the option that makes valgrind wait for a debugger, the last one winning', () => {
    expect(debuggerWaitOption(['--vgdb-error=0'])).toBe('--vgdb-error=0')
    expect(debuggerWaitOption(['--vgdb=full', '--vgdb-error=3'])).toBe('--vgdb-error=3')
    expect(debuggerWaitOption(['--vgdb-error=0', '--vgdb-error=999999999'])).toBeUndefined()
    expect(debuggerWaitOption(['--vgdb-stop-at=startup,exit'])).toBe('--vgdb-stop-at=startup,exit')
    expect(debuggerWaitOption(['--vgdb-stop-at=all', '--vgdb-stop-at=none'])).toBeUndefined()
    expect(debuggerWaitOption(['--wait-for-gdb=yes'])).toBe('--wait-for-gdb=yes')
  })
  it('lets --vgdb=no turn the waiting off, and leaves a malformed count to valgrind', () => {
    expect(debuggerWaitOption(['--vgdb-error=0', '--vgdb=no'])).toBeUndefined()
    expect(debuggerWaitOption(['--vgdb=no', '--wait-for-gdb=yes'])).toBe('--wait-for-gdb=yes')
    expect(debuggerWaitOption(['--vgdb-error=abc'])).toBeUndefined()
    expect(debuggerWaitOption(['--vgdb=yes', '--leak-check=full'])).toBeUndefined()
  })
})

describe('leakShowOptions', () => {
  it('takes the show options out of valgrind args and folds them as valgrind does', () => {
    expect(leakShowOptions(['--num-callers=30'])).toEqual({ args: ['--num-callers=30'] })
    const narrowed = leakShowOptions(['--show-leak-kinds=definite', '--num-callers=30'])
    expect(narrowed.args).toEqual(['--num-callers=30'])
    expect([...(narrowed.shown ?? [])]).toEqual(['definite'])
    expect([...(leakShowOptions(['--show-reachable=no']).shown ?? [])].sort()).toEqual([
      'definite',
      'possible'
    ])
    expect(
      [...(leakShowOptions(['--show-reachable=yes', '--show-possibly-lost=no']).shown ?? [])].sort()
    ).toEqual(['definite', 'indirect', 'reachable'])
    expect([...(leakShowOptions(['--show-leak-kinds=none']).shown ?? [])]).toEqual([])
  })
  it('leaves values valgrind would refuse to valgrind, so that it says so', () => {
    expect(leakShowOptions(['--show-leak-kinds=bogus'])).toEqual({
      args: ['--show-leak-kinds=bogus']
    })
  })
})

describe('cargo --no-fail-fast', () => {
  const withFlag = (line: string) => {
    const words = line.split(' ')
    const parsed = parseCargoTestCommand(words)
    if (parsed === undefined) throw new Error('not a cargo test command')
    return withNoFailFast(words, parsed).join(' ')
  }
  it('is added right after the subcommand, before a --', () => {
    expect(withFlag('cargo nextest run --workspace')).toBe(
      'cargo nextest run --no-fail-fast --workspace'
    )
    expect(withFlag('cargo +nightly test -p a -- --nocapture')).toBe(
      'cargo +nightly test --no-fail-fast -p a -- --nocapture'
    )
  })
  it.each([
    'cargo nextest run --fail-fast',
    'cargo nextest run --max-fail=3',
    'cargo nextest run --max-fail 3',
    'cargo test --no-fail-fast'
  ])('is not added when the user chose: %s', (line) => {
    expect(withFlag(line)).toBe(line)
  })
  it('does not read options of the test binary after -- as a choice', () => {
    expect(withFlag('cargo test -- --fail-fast')).toBe('cargo test --no-fail-fast -- --fail-fast')
  })
})

function xml(body: string, vargv: string[] = []): string {
  return `<?xml version="1.0"?>
<valgrindoutput><protocolversion>4</protocolversion><protocoltool>memcheck</protocoltool>
<pid>10</pid><ppid>1</ppid><tool>memcheck</tool>
<args><vargv><exe>/usr/bin/valgrind</exe>${vargv.map((a) => `<arg>${a}</arg>`).join('')}</vargv><argv><exe>./p</exe></argv></args>
${body}
</valgrindoutput>`
}

const leakRecord = (unique: number, bytes: number, n: number, of: number) => `<error>
<unique>0x${unique.toString(16)}</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind>
<xwhat><text>${bytes} bytes in 1 blocks are definitely lost in loss record ${n} of ${of}</text>
<leakedbytes>${bytes}</leakedbytes><leakedblocks>1</leakedblocks></xwhat>
<stack><frame><ip>0x1</ip><fn>malloc</fn></frame><frame><ip>0x${(unique + 2).toString(16)}</ip><fn>main</fn><dir>/ws</dir><file>p.c</file><line>5</line></frame></stack>
</error>`

const parse = (text: string) => parseValgrindXml([Buffer.from(text)], 'p.xml')

describe('reading leak checks', () => {
  it('counts only the final leak check; a mid-run check still counts as valgrind errors', async () => {
    const run = await parse(
      xml(
        `<status><state>RUNNING</state></status>${leakRecord(0, 1000, 1, 1)}
<status><state>FINISHED</state></status><errorcounts></errorcounts><suppcounts></suppcounts>`,
        ['--error-exitcode=1']
      )
    )
    expect(run.findings).toEqual([])
    expect(run.midRunLeakRecords).toEqual({ definite: 1 })
    // valgrind counted that record: a status of 1 is valgrind's, not the program's.
    expect(statusFromValgrind(1, run)).toBe(true)
  })

  it('merges two loss records of one line into one finding that reads as their sum', async () => {
    const run = await parse(
      xml(
        `<status><state>FINISHED</state></status>${leakRecord(0, 16, 1, 2)}${leakRecord(1, 16, 2, 2)}`
      )
    )
    const [finding] = collectFindings([run], { workspace: '/ws', failOn: failOn('definite') })
    expect(finding.leak).toMatchObject({ bytes: 32, blocks: 2, records: 2 })
    expect(findingText(finding)).toBe('32 bytes in 2 blocks are definitely lost in 2 loss records')
  })

  it('reads client messages with their stacks', async () => {
    const run = await parse(
      xml(`<clientmsg><tid>1</tid><text>hello
  </text><stack><frame><ip>0x1</ip><fn>main</fn></frame></stack></clientmsg>`)
    )
    expect(run.clientMessages).toEqual([
      { tid: 1, text: 'hello', stack: [{ ip: '0x1', fn: 'main' }] }
    ])
  })
})

describe("telling valgrind's status from the program's", () => {
  const run = (errors: number, vargv: string[]): ProcessRun => ({
    file: 'x.xml',
    args: [],
    valgrindArgs: vargv,
    findings: [],
    finished: true,
    complete: true,
    suppressionCounts: [],
    warnings: [],
    errorSummary: { errors, contexts: errors, suppressed: 0, suppressedContexts: 0 }
  })
  it("is valgrind's only when its code matches and the XML counts errors", () => {
    expect(statusFromValgrind(3, run(1, ['--error-exitcode=3']))).toBe(true)
    expect(statusFromValgrind(3, run(0, ['--error-exitcode=3']))).toBe(false)
    expect(statusFromValgrind(2, run(1, ['--error-exitcode=3']))).toBe(false)
    expect(statusFromValgrind(1, run(1, []))).toBe(false)
    expect(statusFromValgrind(null, run(1, ['--error-exitcode=1']))).toBe(false)
  })
  it('finds the top process and usable XML', () => {
    const parent = { ...run(0, []), pid: 5, ppid: 1 }
    const child = { ...run(0, []), pid: 6, ppid: 5, finished: false, records: 0 }
    expect(topProcess([child, parent])).toBe(parent)
    // After exec: the last image, whose valgrind set the status.
    const before = { ...parent, file: '/x/5-1.xml' }
    const after = { ...parent, file: '/x/5.xml' }
    expect(topProcess([before, child, after])).toBe(after)
    expect(usableXml(parent)).toBe(true)
    expect(usableXml(child)).toBe(false)
    expect(usableXml({ ...child, records: 1 })).toBe(true)
  })
})

describe('DWARF 5', () => {
  const source = path.join(tmp, 'd.c')
  fs.writeFileSync(source, 'int main(void) { return 0; }\n')
  const build = (flag: string) => {
    const out = path.join(tmp, `d${flag}`)
    execFileSync('gcc', [flag, '-O0', '-o', out, source])
    return out
  }
  it('reads the DWARF version a real binary carries', () => {
    expect(dwarfVersion(build('-gdwarf-5'))).toBe(5)
    expect(dwarfVersion(build('-gdwarf-4'))).toBe(4)
    expect(dwarfVersion(build('-g0'))).toBeUndefined()
    expect(dwarfVersion(source)).toBeUndefined()
    expect(dwarfVersion(path.join(tmp, 'missing'))).toBeUndefined()
  })
  it('reads it from a zlib-compressed .debug_info too', () => {
    const out = path.join(tmp, 'dz')
    execFileSync('gcc', ['-gdwarf-5', '-gz=zlib', '-o', out, source])
    expect(execFileSync('readelf', ['-S', '-W', out], { encoding: 'utf8' })).toMatch(
      /\.debug_info.* C /
    )
    expect(dwarfVersion(out)).toBe(5)
  })
  it('advises valgrind >=3.22 only for DWARF 5 objects under an older valgrind', () => {
    const objects = [{ obj: '/ws/build/app', dwarf: 5 }]
    expect(dwarf5Advice('3.18.1', objects)).toMatch(
      /^Stack frames in \/ws\/build\/app have no source line: it carries DWARF 5 debug information, which valgrind 3\.18\.1 cannot read .*Use 'valgrind-version: '>=3\.22''/
    )
    expect(dwarf5Advice('3.22.0', objects)).toBeUndefined()
    expect(dwarf5Advice('3.18.1', [{ obj: '/ws/build/app', dwarf: 4 }])).toBeUndefined()
    expect(dwarf5Advice(undefined, objects)).toBeUndefined()
  })
})

describe("valgrind's and cargo's own messages", () => {
  it("keeps valgrind's words, without prefixes and boilerplate", () => {
    expect(
      valgrindStartupMessage(
        'valgrind: Unknown option: --bogus\nvalgrind: Use --help for more information or consult the user manual.\n'
      )
    ).toBe('Unknown option: --bogus')
    expect(
      valgrindStartupMessage(
        '==11179== FATAL: in suppressions file "bad.supp" near line 4:\n==11179==    bad or missing extra suppression info\n==11179== exiting now.\n'
      )
    ).toBe(
      'FATAL: in suppressions file "bad.supp" near line 4: bad or missing extra suppression info'
    )
    expect(cargoErrorLine('\nerror: no such command: `nextest`\n\nhelp: ...')).toBe(
      'error: no such command: `nextest`'
    )
  })
  it("takes the launcher's refusal from the start of stderr only", () => {
    const refusal =
      "valgrind: failed to start tool 'memcheck' for platform 'arm64-linux': No such file or directory\n"
    expect(launcherRefusal(refusal)).toBe(
      "failed to start tool 'memcheck' for platform 'arm64-linux': No such file or directory"
    )
    // A program's own output first: not valgrind's words.
    expect(launcherRefusal(`starting\n${refusal}`)).toBeUndefined()
    expect(launcherRefusal('')).toBeUndefined()
    expect(launcherRefusal(undefined)).toBeUndefined()
  })
  it('names options that keep the XML from the action', () => {
    const ours = '/run/memcheck/%p.xml'
    expect(xmlOptionProblem(['--xml=yes', `--xml-file=${ours}`, '--xml=no'], ours)).toMatch(
      /--xml=no/
    )
    expect(xmlOptionProblem([`--xml-file=${ours}`, '--xml-file=/tmp/x.xml'], ours)).toMatch(
      /sends valgrind's XML to '\/tmp\/x.xml'/
    )
    expect(xmlOptionProblem(['--xml=yes', `--xml-file=${ours}`], ours)).toBeUndefined()
  })
})

describe('the streamed JSON report', () => {
  it('is the same JSON as one string would be, in chunks', () => {
    const value = { a: 1, list: [{ x: 'y' }, { x: 'z' }], empty: [], none: undefined, s: 'é"' }
    const text = [...jsonChunks(value)].join('')
    expect(JSON.parse(text)).toEqual({ a: 1, list: [{ x: 'y' }, { x: 'z' }], empty: [], s: 'é"' })
  })
  it('hands 6,000 findings × 500 frames to the file in pieces of a few MiB, never as one string', async () => {
    // 6,000 findings × 500 frames, as in the issue; the chunks never exceed a few MiB each.
    const frames = Array.from({ length: 500 }, (_, i) => ({
      ip: `0x${i.toString(16)}`,
      fn: `function_number_${i}`,
      file: 'src/some/file.c',
      line: i
    }))
    const findings = Array.from({ length: 6000 }, (_, i) => ({ key: String(i), stack: frames }))
    let total = 0
    let largest = 0
    for (const chunk of jsonChunks({ findings })) {
      total += chunk.length
      largest = Math.max(largest, chunk.length)
    }
    expect(total).toBeGreaterThan(200 * 1024 * 1024)
    expect(largest).toBeLessThan(4 * 1024 * 1024)
  })
  it('removes a partial file and throws when the disk is full', async () => {
    const file = path.join(tmp, 'full.json')
    fs.symlinkSync('/dev/full', file)
    await expect(writeJsonFile(file, { findings: [1, 2, 3] })).rejects.toThrow(/ENOSPC/)
    expect(fs.existsSync(file)).toBe(false)
  })
  it('removes a partial SARIF log (code scanning would take it as it is) and throws', async () => {
    const file = path.join(tmp, 'full.sarif')
    fs.symlinkSync('/dev/full', file)
    await expect(writeSarif(file, emptySarifLog())).rejects.toThrow(/ENOSPC/)
    expect(fs.lstatSync(file, { throwIfNoEntry: false })).toBeUndefined()
    // The link goes, never what it named.
    expect(fs.statSync('/dev/full').isCharacterDevice()).toBe(true)
  })
  it('removes the part written when the text fails half-way (a report too large for a string)', async () => {
    const file = path.join(tmp, 'half.json')
    function* pieces(): Generator<string> {
      yield '{"findings": ['
      throw new RangeError('Invalid string length')
    }
    await expect(writeTextFile(file, pieces())).rejects.toThrow('Invalid string length')
    expect(fs.existsSync(file)).toBe(false)
  })
  it('leaves a file it could not open as it was', async () => {
    const dir = path.join(tmp, 'a-directory')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'kept'), 'x')
    await expect(writeTextFile(dir, ['text'])).rejects.toThrow(/EISDIR/)
    expect(fs.readdirSync(dir)).toEqual(['kept'])
  })
  it('names a system error by its code, once', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC'
    })
    expect(systemErrorText(full)).toBe('ENOSPC: no space left on device, write')
    expect(systemErrorText(new RangeError('Invalid string length'))).toBe('Invalid string length')
    expect(notWrittenWarning('JSON report', full, 'r.json is missing')).toBe(
      'The JSON report was not written (ENOSPC: no space left on device, write): r.json is missing. Everything else (annotations, summary, outputs, verdict) is reported.'
    )
  })
  it('writes a SARIF log whole, ending with a newline', async () => {
    const file = path.join(tmp, 'whole.sarif')
    const log = emptySarifLog()
    await writeSarif(file, log)
    expect(fs.readFileSync(file, 'utf8')).toBe(`${sarifText(log)}\n`)
  })
})

/** A SARIF log of a run without findings. */
function emptySarifLog(): ReturnType<typeof buildSarif> {
  return buildSarif({
    findings: [],
    tools: ['memcheck'],
    failOn: new Set(['errors']),
    workspace: tmp,
    commandLine: './a',
    withBaseline: false
  })
}

describe('stacks read like valgrind', () => {
  it('says at for the first frame and by for the others', () => {
    expect(
      stackLines(
        [
          { ip: '0x1', fn: 'inner', file: 'a.c', dir: '/ws', line: 3 },
          { ip: '0x2', fn: 'outer', file: 'a.c', dir: '/ws', line: 9 }
        ],
        '/ws'
      )
    ).toEqual(['at inner (a.c:3)', 'by outer (a.c:9)'])
  })
})

describe('formatCount', () => {
  it('groups thousands like valgrind', () => {
    expect([0, 999, 1000, 1234567, -4500].map(formatCount)).toEqual([
      '0',
      '999',
      '1,000',
      '1,234,567',
      '-4,500'
    ])
  })
})
