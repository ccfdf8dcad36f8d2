// The callgrind reader against real callgrind runs of a C program compiled here, and against the
// recorded samples with callgrind_annotate's output as the oracle.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { callgrindArgs } from '../src/callgrind/args.js'
import { noRandomizationPrefix } from '../src/callgrind/aslr.js'
import {
  groupCallgrindFiles,
  readCallgrindDirectory,
  readCallgrindFile,
  type CallgrindProfile
} from '../src/callgrind/reader.js'
import { repoRoot, samplesDir } from './support/paths.js'

const samples = samplesDir
const source = path.join(repoRoot, '__tests__', 'fixtures', 'c', 'hot.c')

let work: string
let program: string

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'callgrind-reader-'))
  program = path.join(work, 'hot')
  execFileSync('gcc', ['-g', '-O0', '-o', program, source])
})

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** Runs the program under callgrind with our arguments; returns the output dir and stderr. */
async function profile(
  name: string,
  programArgs: string[],
  options: { traceChildren?: boolean; extraArgs?: string[] } = {}
): Promise<{ dir: string; stderr: string; status: number | null }> {
  const dir = path.join(work, name)
  fs.mkdirSync(dir)
  const prefix = await noRandomizationPrefix()
  const argv = [
    ...prefix,
    'valgrind',
    ...callgrindArgs({
      outputDir: dir,
      traceChildren: options.traceChildren ?? true,
      extraArgs: options.extraArgs ?? []
    }),
    program,
    ...programArgs
  ]
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' })
  return { dir, stderr: run.stderr, status: run.status }
}

/** The numbers of the last `<key>:` header line of a file, read independently of the reader. */
function headerNumbers(file: string, key: 'totals' | 'summary'): number[] {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${key}:`))
  return lines[lines.length - 1]
    .slice(key.length + 1)
    .trim()
    .split(/\s+/)
    .map(Number)
}

/** `==pid== Collected : N` lines of callgrind's stderr, by pid. */
function collected(stderr: string): Map<number, number> {
  const result = new Map<number, number>()
  for (const match of stderr.matchAll(/==(\d+)== Collected : (\d+)/g)) {
    result.set(Number(match[1]), Number(match[2]))
  }
  return result
}

/** PROGRAM TOTALS and `file:function` rows of callgrind_annotate's text (first event column). */
function annotateRows(text: string): { total: number; rows: Map<string, number> } {
  const number = (s: string): number => Number(s.replace(/,/g, ''))
  const total = number(/^\s*([\d,]+) \(100\.0%\).*PROGRAM TOTALS/m.exec(text)![1])
  const rows = new Map<string, number>()
  for (const match of text.matchAll(/^\s*([\d,]+) \(\s*[\d.]+%\)\s.*?\s(\S+:\S+)(?: \[.*\])?$/gm)) {
    if (!rows.has(match[2])) rows.set(match[2], number(match[1]))
  }
  return { total, rows }
}

function fn(profile: CallgrindProfile, name: string) {
  const found = profile.functions.find((f) => f.name === name)
  if (!found)
    throw new Error(`${name} not among ${profile.functions.map((f) => f.name).join(', ')}`)
  return found
}

describe('callgrindArgs', () => {
  it('writes one file per process into the output directory, user options last', () => {
    expect(
      callgrindArgs({ outputDir: '/run/cg', traceChildren: false, extraArgs: ['--cache-sim=yes'] })
    ).toEqual([
      '--tool=callgrind',
      '--callgrind-out-file=/run/cg/callgrind.out.%p',
      '--trace-children=no',
      '--cache-sim=yes'
    ])
  })
})

describe('a real callgrind run', () => {
  it('reads the process total from the totals: line, equal to callgrind_annotate and stderr', async () => {
    const run = await profile('single', [])
    expect(run.status).toBe(0)
    const [p, ...others] = await readCallgrindDirectory(run.dir)
    expect(others).toHaveLength(0)
    expect(p.warnings).toEqual([])
    expect(p.exe).toBe(program)
    expect(p.args).toEqual([])
    expect(p.events).toEqual(['Ir'])
    expect(p.parts).toBe(1)
    expect(p.totals.Ir).toBe(headerNumbers(p.file, 'totals')[0])
    expect(p.totals.Ir).toBe(collected(run.stderr).get(p.pid!))
    const annotate = execFileSync('callgrind_annotate', [p.file], { encoding: 'utf8' })
    expect(annotateRows(annotate).total).toBe(p.summaryTotals!.Ir)
    expect(p.summaryTotals!.Ir).toBe(p.totals.Ir)

    // The hot function comes first by self cost, with its source file.
    expect(p.functions[0].name).toBe('hot_loop')
    expect(p.functions[0].file).toBe(source)
    expect(p.functions[0].object).toBe(program)
    const rows = annotateRows(annotate).rows
    const hotSelf = [...rows].find(([key]) => key.endsWith(':hot_loop'))![1]
    expect(fn(p, 'hot_loop').self.Ir).toBe(hotSelf)
    // main's inclusive cost holds hot_loop, light_work and depth.
    const main = fn(p, 'main')
    expect(main.inclusive.Ir).toBeGreaterThan(
      fn(p, 'hot_loop').inclusive.Ir + fn(p, 'light_work').inclusive.Ir
    )
    // Recursion (depth'2, depth'3 ... in the file) is one function, counted once.
    expect(p.functions.filter((f) => f.name.startsWith('depth'))).toHaveLength(1)
    const inclusive = execFileSync('callgrind_annotate', ['--inclusive=yes', p.file], {
      encoding: 'utf8'
    })
    const mainInclusive = [...annotateRows(inclusive).rows].find(([k]) => k.endsWith(':main'))![1]
    expect(main.inclusive.Ir).toBe(mainInclusive)
    expect(fn(p, 'depth').inclusive.Ir).toBe(fn(p, 'depth').self.Ir)
  })

  it('gives the same counts on a second run', async () => {
    const first = await readCallgrindDirectory((await profile('repeat-1', [])).dir)
    const second = await readCallgrindDirectory((await profile('repeat-2', [])).dir)
    expect(second[0].totals.Ir).toBe(first[0].totals.Ir)
  })

  it('writes one file per process with --trace-children=yes, each with its own total', async () => {
    const run = await profile('spawn', ['spawn'])
    expect(run.status).toBe(0)
    const profiles = await readCallgrindDirectory(run.dir)
    expect(profiles).toHaveLength(2)
    const [parent, child] = profiles
    expect(parent.args).toEqual(['spawn'])
    expect(child.args).toEqual(['child'])
    expect(new Set(profiles.map((p) => path.basename(p.file)))).toEqual(
      new Set(profiles.map((p) => `callgrind.out.${p.pid}`))
    )
    const stderrTotals = collected(run.stderr)
    for (const p of profiles) {
      expect(p.totals.Ir).toBe(headerNumbers(p.file, 'totals')[0])
      expect(p.totals.Ir).toBe(stderrTotals.get(p.pid!))
    }
    expect(fn(parent, 'hot_loop').self.Ir).toBeGreaterThan(0)
    expect(child.functions.some((f) => f.name === 'hot_loop')).toBe(false)
    expect(fn(child, 'light_work').self.Ir).toBeGreaterThan(0)
  })

  it('reads cache and branch events when they are simulated', async () => {
    const run = await profile('cache', [], { extraArgs: ['--cache-sim=yes', '--branch-sim=yes'] })
    const [p] = await readCallgrindDirectory(run.dir)
    expect(p.events).toEqual('Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim'.split(' '))
    const fileTotals = headerNumbers(p.file, 'totals')
    expect(p.events.map((e) => p.totals[e])).toEqual(fileTotals)
    expect(p.totals.Ir).toBe(collected(run.stderr).get(p.pid!))
    expect(fn(p, 'hot_loop').self.Bc).toBeGreaterThanOrEqual(200000)
  })

  it('adds up the parts of a process dumped into several files', async () => {
    const run = await profile('parts', [], { extraArgs: ['--dump-before=light_work'] })
    const names = fs.readdirSync(run.dir).sort()
    expect(names).toHaveLength(2) // callgrind.out.<pid>.1 and the final callgrind.out.<pid>
    const [p, ...others] = await readCallgrindDirectory(run.dir)
    expect(others).toHaveLength(0)
    expect(p.parts).toBe(2)
    expect(path.basename(p.file)).toBe(`callgrind.out.${p.pid}`)
    const sum = names.reduce((s, n) => s + headerNumbers(path.join(run.dir, n), 'totals')[0], 0)
    expect(p.totals.Ir).toBe(sum)
    expect(p.totals.Ir).toBe(collected(run.stderr).get(p.pid!))
    expect(fn(p, 'hot_loop').self.Ir).toBeGreaterThan(fn(p, 'light_work').self.Ir)
  })

  it('reads per-thread files next to the empty main file of --separate-threads=yes', async () => {
    const run = await profile('threads', [], { extraArgs: ['--separate-threads=yes'] })
    const [p, ...others] = await readCallgrindDirectory(run.dir)
    expect(others).toHaveLength(0)
    expect(p.files).toHaveLength(2)
    expect(p.warnings).toEqual([])
    expect(p.totals.Ir).toBe(collected(run.stderr).get(p.pid!))
  })
})

describe('the recorded samples', () => {
  const sampleFile = (name: string): string => {
    const dir = path.join(samples, name)
    return path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.startsWith('callgrind.out.'))!
    )
  }
  const annotate = (name: string, inclusive = false): ReturnType<typeof annotateRows> =>
    annotateRows(
      fs.readFileSync(
        path.join(samples, name, `callgrind_annotate${inclusive ? '.inclusive' : ''}.txt`),
        'utf8'
      )
    )
  const row = (rows: Map<string, number>, name: string): number =>
    [...rows].find(([key]) => key.endsWith(`:${name}`))![1]

  it('callgrind_basic: totals, header fields and function costs match callgrind_annotate', async () => {
    const p = await readCallgrindFile(sampleFile('callgrind_basic'))
    expect(p.pid).toBe(5190)
    expect(p.exe).toBe('/home/runner/work/demo/demo/build/callgrind_work')
    expect(p.totals).toEqual({ Ir: 2016961 })
    expect(p.summaryTotals).toEqual({ Ir: annotate('callgrind_basic').total })
    expect(p.warnings).toEqual([])
    const self = annotate('callgrind_basic').rows
    expect(p.functions[0].name).toBe('sum_squares')
    for (const name of ['sum_squares', 'cmp', 'main']) {
      expect(fn(p, name).self.Ir).toBe(row(self, name))
    }
    // fib and fib'2 (deeper recursion) are one function for us.
    const inclusive = annotate('callgrind_basic', true).rows
    expect(fn(p, 'fib').self.Ir).toBe(row(inclusive, 'fib'))
    expect(fn(p, 'fib').inclusive.Ir).toBe(row(inclusive, 'fib'))
    expect(fn(p, 'main').inclusive.Ir).toBe(row(inclusive, 'main'))
    expect(fn(p, 'sum_squares').inclusive.Ir).toBe(row(inclusive, 'sum_squares'))
  })

  it('callgrind_instr_cache: reports totals: (= Collected), keeps summary: as annotate prints it', async () => {
    const p = await readCallgrindFile(sampleFile('callgrind_instr_cache'))
    expect(p.events).toHaveLength(13)
    expect(p.totals.Ir).toBe(2016961)
    expect(p.summaryTotals!.Ir).toBe(2016963)
    expect(annotate('callgrind_instr_cache').total).toBe(2016963)
    const sumSquares = fn(p, 'sum_squares').self
    expect(sumSquares).toMatchObject({ Ir: 800012, Dr: 400005, Dw: 200004, Bc: 100001, Bcm: 7 })
  })

  it('callgrind_collect_atstart_no: only the toggled region', async () => {
    const p = await readCallgrindFile(sampleFile('callgrind_collect_atstart_no'))
    expect(p.totals.Ir).toBe(350252)
    expect(fn(p, 'fib').self.Ir).toBe(350252)
    expect(fn(p, 'fib').inclusive.Ir).toBe(350252)
    expect(fn(p, 'main').inclusive.Ir).toBe(350252)
  })
})

describe('files that are not whole', () => {
  it('warns about an empty file and a file cut short, naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'broken-'))
    const empty = path.join(dir, 'callgrind.out.1')
    fs.writeFileSync(empty, '')
    const cut = path.join(dir, 'callgrind.out.2')
    const whole = fs.readFileSync(
      path.join(samples, 'callgrind_collect_atstart_no', 'callgrind.out.5513'),
      'utf8'
    )
    fs.writeFileSync(cut, whole.slice(0, whole.indexOf('\nfn=(536)')))
    const noHeaderTotals = path.join(dir, 'callgrind.out.3')
    fs.writeFileSync(
      noHeaderTotals,
      whole.slice(0, whole.indexOf('\nfn=(536)')).replace(/^summary:.*$/m, '')
    )
    const [first, second, third] = await readCallgrindDirectory(dir)
    expect(first.warnings).toEqual([expect.stringContaining(`${empty}: empty`)])
    expect(first.totals).toEqual({})
    // A file cut short still has the summary: line written at its top.
    expect(second.warnings).toEqual([expect.stringContaining(`${cut}: a part has no 'totals:'`)])
    expect(second.totals.Ir).toBe(350252)
    // Without it, the cost lines read are added up: here every self cost line was read.
    expect(third.warnings).toEqual([expect.stringContaining(`${noHeaderTotals}: no 'totals:'`)])
    expect(third.totals.Ir).toBe(11 + 5 + 4 + 218898 + 54720 + 76614)
  })

  it('groups file names by process, final part last', () => {
    expect(
      groupCallgrindFiles([
        'd/callgrind.out.20',
        'd/callgrind.out.3.2',
        'd/callgrind.out.3',
        'd/callgrind.out.3.1',
        'd/memcheck.xml',
        'd/callgrind.out.20-02',
        'd/callgrind.out.20-01'
      ])
    ).toEqual([
      ['d/callgrind.out.3.1', 'd/callgrind.out.3.2', 'd/callgrind.out.3'],
      ['d/callgrind.out.20', 'd/callgrind.out.20-01', 'd/callgrind.out.20-02']
    ])
  })
})
