// The callgrind section of the job summary, from real profiles: a run of a C program compiled
// here, and the recorded samples.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { callgrindArgs } from '../src/callgrind/args.js'
import { readCallgrindDirectory, readCallgrindFile } from '../src/callgrind/reader.js'
import type { CallgrindProfile } from '../src/callgrind/reader.js'
import {
  renderProfileSection,
  totalInstructions,
  type ProfileRow
} from '../src/callgrind/summary.js'
import { repoRoot, samplesDir } from './support/paths.js'

const samples = samplesDir
const sampleWorkspace = '/home/runner/work/demo/demo'

function sample(name: string): Promise<CallgrindProfile> {
  const dir = path.join(samples, name)
  const file = fs.readdirSync(dir).find((f) => f.startsWith('callgrind.out.'))!
  return readCallgrindFile(path.join(dir, file))
}

/** The rows of the Markdown table that follows the line starting with `header`. */
function tableAfter(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.startsWith(header))
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim())
    )
  }
  return rows
}

describe('renderProfileSection', () => {
  it('shows the hot function of a real run first, with self and inclusive counts', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'callgrind-summary-'))
    try {
      const source = path.join(repoRoot, '__tests__', 'fixtures', 'c', 'hot.c')
      const program = path.join(work, 'hot')
      execFileSync('gcc', ['-g', '-O0', '-o', program, source])
      const out = path.join(work, 'out')
      fs.mkdirSync(out)
      execFileSync(
        'valgrind',
        [
          ...callgrindArgs({ outputDir: out, traceChildren: true, extraArgs: [] }),
          program,
          'spawn'
        ],
        { stdio: 'ignore' }
      )
      const profiles = await readCallgrindDirectory(out)
      const rows: ProfileRow[] = profiles.map((profile) => ({ profile }))
      const markdown = renderProfileSection(rows, { workspace: repoRoot })

      const total = profiles[0].totals.Ir + profiles[1].totals.Ir
      expect(totalInstructions(rows)).toBe(total)
      expect(markdown).toContain(
        `**${total.toLocaleString('en-US')}** instructions in 2 processes.`
      )
      const processes = tableAfter(markdown, '| Process |')
      expect(processes.map((r) => r[0])).toEqual([
        `<code>hot spawn</code> (pid ${profiles[0].pid})`,
        `<code>hot child</code> (pid ${profiles[1].pid})`
      ])
      expect(processes[0][1]).toBe(profiles[0].totals.Ir.toLocaleString('en-US'))

      const functions = tableAfter(markdown, '| Function |')
      const hot = profiles[0].functions.find((f) => f.name === 'hot_loop')!
      expect(functions[0]).toEqual([
        '<code>hot_loop</code>',
        '<code>__tests__/fixtures/c/hot.c</code>',
        hot.self.Ir.toLocaleString('en-US'),
        `${((100 * hot.self.Ir) / profiles[0].totals.Ir).toFixed(1)}%`,
        hot.inclusive.Ir.toLocaleString('en-US'),
        `${((100 * hot.inclusive.Ir) / profiles[0].totals.Ir).toFixed(1)}%`
      ])
      // One table per profile, heaviest first; the child's hottest function is light_work.
      expect(markdown.match(/<details>/g)).toHaveLength(2)
      const childTable = markdown.slice(markdown.lastIndexOf('<details>'))
      expect(childTable).toContain('Top functions of <code>hot child</code>')
      expect(tableAfter(childTable, '| Function |')[0][0]).toBe('<code>light_work</code>')
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  })

  it('orders processes by instruction count and adds cache and branch columns when simulated', async () => {
    const rows: ProfileRow[] = [
      { profile: await sample('callgrind_collect_atstart_no') },
      { profile: await sample('callgrind_instr_cache') },
      { profile: await sample('callgrind_basic'), test: { binary: 'demo', name: 'tests::fib' } }
    ]
    const markdown = renderProfileSection(rows, { workspace: sampleWorkspace })
    const table = tableAfter(markdown, '| Test or process |')
    expect(markdown).toContain(
      '| Test or process | Instructions (Ir) | I1 misses | D1 misses | LL misses | Branches | Mispredicted |'
    )
    expect(table.map((r) => r.slice(0, 2))).toEqual([
      // Equal counts: by name.
      ['<code>callgrind_work</code> (pid 5311)', '2,016,961'],
      ['<code>tests::fib (demo)</code> (pid 5190)', '2,016,961'],
      ['<code>callgrind_work</code> (pid 5513)', '350,252']
    ])
    const cache = rows[1].profile.totals
    expect(table[0].slice(2)).toEqual(
      [
        cache.I1mr,
        cache.D1mr + cache.D1mw,
        cache.ILmr + cache.DLmr + cache.DLmw,
        cache.Bc + cache.Bi,
        cache.Bcm + cache.Bim
      ].map((n) => n.toLocaleString('en-US'))
    )
    // Profiles without the simulation leave those cells at 0.
    expect(table[1].slice(2)).toEqual(['0', '0', '0', '0', '0'])
    expect(totalInstructions(rows)).toBe(2016961 * 2 + 350252)
  })

  it('lists the top functions with self cost, inclusive cost and where they live', async () => {
    const markdown = renderProfileSection([{ profile: await sample('callgrind_basic') }], {
      workspace: sampleWorkspace,
      topFunctions: 4
    })
    const functions = tableAfter(markdown, '| Function |')
    expect(functions).toEqual([
      [
        '<code>sum_squares</code>',
        '<code>src/callgrind_work.c</code>',
        '800,012',
        '39.7%',
        '800,012',
        '39.7%'
      ],
      [
        '<code>msort_with_tmp.part.0</code>',
        '<code>libc.so.6</code>',
        '430,076',
        '21.3%',
        expect.any(String),
        expect.any(String)
      ],
      // fib and its deeper recursion levels (fib'2) are one function.
      [
        '<code>fib</code>',
        '<code>src/callgrind_work.c</code>',
        '350,252',
        '17.4%',
        '350,252',
        '17.4%'
      ],
      [
        '<code>cmp</code>',
        '<code>src/callgrind_work.c</code>',
        '219,516',
        '10.9%',
        '219,516',
        '10.9%'
      ]
    ])
  })

  it('sums the processes beyond maxRows in one line, and escapes names for Markdown', () => {
    const profile = (pid: number, ir: number, name = 'work'): CallgrindProfile => ({
      file: `/run/callgrind.out.${pid}`,
      files: [`/run/callgrind.out.${pid}`],
      pid,
      exe: '/bin/prog',
      args: [String(pid)],
      events: ['Ir'],
      totals: { Ir: ir },
      parts: 1,
      functions: [{ name, file: '/src/lib.rs', self: { Ir: ir }, inclusive: { Ir: ir } }],
      warnings: []
    })
    const rows = [1, 2, 3, 4].map((pid) => ({ profile: profile(pid, pid * 100) }))
    rows.push({ profile: profile(9, 5000, 'core::ptr::drop_in_place<Vec<u8>> | x') })
    const markdown = renderProfileSection(rows, {
      workspace: '/src',
      maxRows: 2,
      topProfiles: 1
    })
    const table = tableAfter(markdown, '| Process |')
    expect(table).toEqual([
      ['<code>prog 9</code> (pid 9)', '5,000'],
      ['<code>prog 4</code> (pid 4)', '400'],
      ['3 more', '600']
    ])
    expect(markdown).toContain(
      '| <code>core::ptr::drop_in_place&lt;Vec&lt;u8&gt;&gt; &#124; x</code> | <code>lib.rs</code> | 5,000 | 100.0% | 5,000 | 100.0% |'
    )
    expect(markdown.match(/<details>/g)).toHaveLength(1)
  })

  it('says so when no profile was written', () => {
    expect(renderProfileSection([], { workspace: '/' })).toContain(
      'No callgrind profile was written'
    )
    expect(totalInstructions([])).toBe(0)
  })
})
