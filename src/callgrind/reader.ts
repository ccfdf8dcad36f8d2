// Reads callgrind out-files without callgrind_annotate (which may not be installed, and whose text
// is not meant for machines). The format is line based (valgrind's docs/cl-format.xml), so files
// are streamed line by line: a long test run can write hundreds of megabytes.
//
// Which total we report: the `totals:` line, summed over parts; `summary:` only when a part has no
// `totals:`. `totals:` is the sum of the cost lines callgrind actually wrote and equals the
// "Collected : N" line of callgrind's stderr; `summary:` is only promised to be >= that sum and can
// be a few instructions higher (with --dump-instr=yes --cache-sim=yes: summary Ir 2,016,963,
// totals 2,016,961). callgrind_annotate prints `summary:` as PROGRAM TOTALS, so the number it shows
// can differ from ours by those few instructions; `summaryTotals` keeps it for comparison.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CALLGRIND_FILE_PREFIX } from './args.js'

/** Costs of one function. Event names as in the file's `events:` line (Ir, Dr, D1mr, Bc, ...). */
export interface FunctionCost {
  /** The function's name, with callgrind's recursion-depth suffix (`fib'2`) removed. */
  name: string
  /** Source file of the function (`fl=`), as callgrind wrote it (`???` when unknown). */
  file?: string
  /** The ELF object (`ob=`). */
  object?: string
  /** Cost of the function's own instructions. */
  self: Record<string, number>
  /** Self cost plus the cost of everything it calls (calls into itself are not counted twice). */
  inclusive: Record<string, number>
}

/** Everything the action needs from the callgrind files of one process. */
export interface CallgrindProfile {
  /** The process's main file (`callgrind.out.<pid>`). */
  file: string
  /** Every file read for this process: further parts (`.<n>`) and threads (`-<tid>`). */
  files: string[]
  pid?: number
  /** The `cmd:` line: the program and its arguments joined by spaces. */
  cmd?: string
  exe?: string
  /** `cmd:` split on spaces: an argument that itself held a space cannot be told apart. */
  args: string[]
  events: string[]
  /** Per event: `totals:` summed over parts (`summary:` for a part without `totals:`). */
  totals: Record<string, number>
  /** Per event: `summary:` summed over parts, when every part had one (what callgrind_annotate shows). */
  summaryTotals?: Record<string, number>
  parts: number
  /** The heaviest functions by self cost, then by inclusive cost (at most `topFunctions` each). */
  functions: FunctionCost[]
  /** Problems met while reading, each naming the file. */
  warnings: string[]
}

export interface ReadOptions {
  /** How many functions to keep by self cost and by inclusive cost (default 25). */
  topFunctions?: number
}

/** Reads one callgrind out-file. */
export function readCallgrindFile(file: string, options?: ReadOptions): Promise<CallgrindProfile> {
  return readCallgrindProfile([file], options)
}

/**
 * Reads the files of one process (parts written by `--dump-before`/`--dump-every-bb`, threads
 * written by `--separate-threads=yes`) into one profile: their totals and functions are added up.
 */
export async function readCallgrindProfile(
  files: readonly string[],
  options: ReadOptions = {}
): Promise<CallgrindProfile> {
  if (files.length === 0) throw new Error('readCallgrindProfile needs at least one file')
  const acc = new ProfileAccumulator()
  for (const file of files) await readInto(acc, file)
  return acc.finish(files, options.topFunctions ?? 25)
}

/**
 * Groups the callgrind files of a directory by process, from their names
 * (`callgrind.out.<pid>[.<part>][-<thread>]`), in pid order.
 */
export function groupCallgrindFiles(fileNames: readonly string[]): string[][] {
  const byProcess = new Map<string, string[]>()
  const pattern = /^callgrind\.out\.(\d+)(?:\.(\d+))?(?:-(\d+))?$/
  for (const name of fileNames) {
    const base = path.basename(name)
    if (!base.startsWith(CALLGRIND_FILE_PREFIX)) continue
    const match = pattern.exec(base)
    const key = match ? match[1] : base
    const group = byProcess.get(key) ?? []
    group.push(name)
    byProcess.set(key, group)
  }
  const order = (name: string): number[] => {
    const match = pattern.exec(path.basename(name))
    // The final part has no `.<n>` suffix: it comes last.
    return match ? [Number(match[2] ?? Infinity), Number(match[3] ?? 0)] : [0, 0]
  }
  return [...byProcess.entries()]
    .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
    .map(([, group]) =>
      group.sort((a, b) => {
        const [pa, ta] = order(a)
        const [pb, tb] = order(b)
        return pa - pb || ta - tb
      })
    )
}

/** Reads every process's profile in a directory (not recursive), in pid order. */
export async function readCallgrindDirectory(
  dir: string,
  options?: ReadOptions
): Promise<CallgrindProfile[]> {
  let names: string[]
  try {
    names = await fs.promises.readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const groups = groupCallgrindFiles(names.map((name) => path.join(dir, name)))
  const profiles: CallgrindProfile[] = []
  for (const group of groups) profiles.push(await readCallgrindProfile(group, options))
  return profiles
}

interface FunctionAccumulator {
  name: string
  file?: string
  object?: string
  self: number[]
  /** Costs of calls to other functions (inclusive cost lines after `calls=`). */
  callees: number[]
}

/** What is collected over all files of one process. Costs are indexed by `events`. */
class ProfileAccumulator {
  events: string[] = []
  totals: number[] = []
  summary: number[] = []
  partsWithTotals = 0
  partsWithSummary = 0
  parts = 0
  sawHeader = false
  pid?: number
  cmd?: string
  functions = new Map<string, FunctionAccumulator>()
  warnings: string[] = []

  eventIndex(name: string): number {
    let index = this.events.indexOf(name)
    if (index < 0) {
      index = this.events.length
      this.events.push(name)
    }
    return index
  }

  finish(files: readonly string[], top: number): CallgrindProfile {
    const byName = (costs: number[]): Record<string, number> =>
      Object.fromEntries(this.events.map((event, i) => [event, costs[i] ?? 0]))
    let totals = this.totals
    if (!this.sawHeader) {
      this.warnings.push(
        `${files.join(', ')}: empty or not a callgrind out-file (was the process killed before callgrind wrote its profile?).`
      )
    } else if (this.partsWithTotals === 0 && this.partsWithSummary === 0) {
      // A file cut short (killed process, full disk): add up what is there.
      totals = []
      for (const fn of this.functions.values()) addInto(totals, fn.self)
      this.warnings.push(
        `${files[0]}: no 'totals:' or 'summary:' line (was the file cut short?); totals are the sum of the cost lines read.`
      )
    } else if (this.partsWithTotals < this.partsWithSummary) {
      // `totals:` is the last line of a part: without it the file was cut short, and the
      // `summary:` written at the top is the best figure left.
      totals = this.summary
      this.warnings.push(
        `${files.join(', ')}: a part has no 'totals:' line (was the file cut short?); totals are taken from 'summary:'.`
      )
    }
    const sortEvent = this.events.includes('Ir') ? this.events.indexOf('Ir') : 0
    const all = [...this.functions.values()]
    const bySelf = [...all].sort((a, b) => (b.self[sortEvent] ?? 0) - (a.self[sortEvent] ?? 0))
    const inclusiveOf = (fn: FunctionAccumulator): number[] => {
      const sum: number[] = []
      addInto(sum, fn.self)
      addInto(sum, fn.callees)
      return sum
    }
    const byInclusive = all
      .map((fn) => ({ fn, inclusive: inclusiveOf(fn) }))
      .sort((a, b) => (b.inclusive[sortEvent] ?? 0) - (a.inclusive[sortEvent] ?? 0))
    const kept = new Set([...bySelf.slice(0, top), ...byInclusive.slice(0, top).map((e) => e.fn)])
    const functions = bySelf
      .filter((fn) => kept.has(fn))
      .map((fn) => ({
        name: fn.name,
        file: fn.file,
        object: fn.object,
        self: byName(fn.self),
        inclusive: byName(inclusiveOf(fn))
      }))
    const words = this.cmd?.trim().split(/ +/).filter(Boolean) ?? []
    const everyPartHasSummary = this.partsWithSummary > 0 && this.partsWithSummary >= this.parts
    const mainFile = files.find((f) => path.basename(f) === `${CALLGRIND_FILE_PREFIX}${this.pid}`)
    return {
      file: mainFile ?? files[0],
      files: [...files],
      pid: this.pid,
      cmd: this.cmd?.trim(),
      exe: words[0],
      args: words.slice(1),
      events: [...this.events],
      totals: byName(totals),
      summaryTotals: everyPartHasSummary ? byName(this.summary) : undefined,
      parts: this.parts,
      functions,
      warnings: this.warnings
    }
  }
}

function addInto(target: number[], costs: readonly number[]): void {
  for (let i = 0; i < costs.length; i++) target[i] = (target[i] ?? 0) + (costs[i] ?? 0)
}

/** `fib'2` is `fib` at recursion depth 2 (`--separate-recs`); the user knows it as `fib`. */
function baseFunctionName(name: string): string {
  return name.replace(/'\d+$/, '')
}

/** Callgrind compresses repeated names: `(12) name` defines id 12, a later `(12)` refers to it. */
class NameTable {
  private readonly names = new Map<string, string>()
  resolve(spec: string): string {
    const match = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec)
    if (!match) return spec
    if (match[2] !== undefined) {
      this.names.set(match[1], match[2])
      return match[2]
    }
    return this.names.get(match[1]) ?? `(${match[1]})`
  }
}

/** Per-file parsing state; name ids are per file. */
async function readInto(acc: ProfileAccumulator, file: string): Promise<void> {
  const objects = new NameTable()
  const sourceFiles = new NameTable()
  const functionNames = new NameTable()
  // Maps this part's event columns to the accumulator's event indexes.
  let columns: number[] = acc.events.map((_, i) => i)
  let positions = 1
  let object: string | undefined
  let sourceFile: string | undefined
  let current: FunctionAccumulator | undefined
  let calleeObject: string | undefined
  let callee: string | undefined
  let callCostNext = false
  let sawHeader = false
  // Callgrind writes function, file and object names as they are: an ELF symbol or a source path
  // with a line break adds lines of the program's choosing to the profile. (It escapes the command
  // line of `cmd:`.) Names come only after the header, so header lines count only in the header,
  // before the first cost or `name=` line, and `totals:` only as the last line of the file: an
  // injected `totals:` is always followed by more of the profile. Callgrind writes each dump to
  // its own file, so a file is one part.
  let inBody = false
  let events: string[] | undefined
  let summary: string | undefined
  let totals: string | undefined
  let ignoredHeaderLines = 0
  let malformed = 0
  let firstMalformed = 0
  let lineNumber = 0

  const costsOf = (line: string): number[] => {
    const words = line.trim().split(/\s+/)
    const costs: number[] = []
    for (let i = positions; i < words.length; i++) {
      const value = Number(words[i])
      if (Number.isFinite(value)) costs[columns[i - positions] ?? acc.eventIndex(`?${i}`)] = value
    }
    return costs
  }
  const headerCosts = (value: string): number[] => {
    const costs: number[] = []
    value
      .trim()
      .split(/\s+/)
      .forEach((word, i) => {
        const n = Number(word)
        if (word !== '' && Number.isFinite(n)) costs[columns[i] ?? acc.eventIndex(`?${i}`)] = n
      })
    return costs
  }
  const enterFunction = (name: string): FunctionAccumulator => {
    const base = baseFunctionName(name)
    const key = `${object ?? ''}\0${sourceFile ?? ''}\0${base}`
    let fn = acc.functions.get(key)
    if (!fn) {
      fn = { name: base, file: sourceFile, object, self: [], callees: [] }
      acc.functions.set(key, fn)
    }
    return fn
  }

  const enterBody = (): void => {
    if (inBody) return
    inBody = true
    if (events !== undefined) columns = events.map((event) => acc.eventIndex(event))
  }
  /** A body line after a `totals:`: that `totals:` was not the last line, so not callgrind's. */
  const bodyLine = (): void => {
    enterBody()
    if (totals !== undefined) {
      totals = undefined
      ignoredHeaderLines++
    }
  }

  const input = fs.createReadStream(file, { encoding: 'utf8' })
  // Loaded here, not at start-up: only callgrind passes read profiles.
  const readline = process.getBuiltinModule('node:readline')
  const lines = readline.createInterface({ input, crlfDelay: Infinity })
  for await (const line of lines) {
    lineNumber++
    if (line === '' || line.startsWith('#')) continue
    const first = line.charCodeAt(0)
    // Cost lines start with a position: a number, 0x…, +n, -n or *.
    if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 42) {
      bodyLine()
      const costs = costsOf(line)
      if (callCostNext) {
        callCostNext = false
        // The inclusive cost of a call. A call into the function itself (recursion) is already
        // counted by the callee's own lines, so adding it would count those instructions twice.
        const sameFunction =
          current !== undefined &&
          callee !== undefined &&
          baseFunctionName(callee) === current.name &&
          (calleeObject ?? object) === current.object
        if (current && !sameFunction) addInto(current.callees, costs)
        calleeObject = undefined
        continue
      }
      current ??= enterFunction('???')
      addInto(current.self, costs)
      continue
    }
    const eq = line.indexOf('=')
    const colon = line.indexOf(':')
    if (eq > 0 && (colon < 0 || eq < colon)) {
      bodyLine()
      const key = line.slice(0, eq)
      const value = line.slice(eq + 1)
      switch (key) {
        case 'ob':
          object = objects.resolve(value)
          break
        case 'fl':
          sourceFile = sourceFiles.resolve(value)
          break
        case 'fi':
        case 'fe':
        case 'cfi':
        case 'cfl':
        case 'jfi':
          // Inlined code and callee files do not change which function the costs belong to.
          sourceFiles.resolve(value)
          break
        case 'fn':
          current = enterFunction(functionNames.resolve(value))
          break
        case 'cob':
          calleeObject = objects.resolve(value)
          break
        case 'cfn':
          callee = functionNames.resolve(value)
          break
        case 'jfn':
          functionNames.resolve(value)
          break
        case 'calls':
          callCostNext = true
          break
        case 'jump':
        case 'jcnd':
          break
        default:
          malformed++
          firstMalformed ||= lineNumber
      }
      continue
    }
    if (colon > 0) {
      const key = line.slice(0, colon)
      const value = line.slice(colon + 1)
      sawHeader = true
      if (key === 'totals') {
        totals = value
        continue
      }
      if (inBody) {
        ignoredHeaderLines++
        continue
      }
      switch (key) {
        case 'pid':
          acc.pid ??= Number(value.trim())
          break
        case 'cmd':
          acc.cmd ??= value
          break
        case 'positions':
          positions = Math.max(1, value.trim().split(/\s+/).length)
          break
        case 'events':
          events = value.trim().split(/\s+/)
          break
        case 'summary':
          summary = value
          break
        default:
          // version, creator, part, desc, thread, event …: nothing we need.
          break
      }
      continue
    }
    malformed++
    firstMalformed ||= lineNumber
  }
  // An empty file is normal next to per-thread files (--separate-threads=yes leaves the main file
  // empty); `finish` warns when no file of the process had anything.
  if (lineNumber > 0 && !sawHeader) {
    acc.warnings.push(`${file}: not a callgrind out-file (no header lines).`)
  }
  enterBody()
  if (summary !== undefined) {
    addInto(acc.summary, headerCosts(summary))
    acc.partsWithSummary++
  }
  if (totals !== undefined) {
    addInto(acc.totals, headerCosts(totals))
    acc.partsWithTotals++
  }
  if (sawHeader) {
    acc.sawHeader = true
    acc.parts += 1
  }
  if (ignoredHeaderLines > 0) {
    acc.warnings.push(
      `${file}: ${ignoredHeaderLines} header line(s) inside the profile ignored (a function name or an argument with a line break?); totals are callgrind's own.`
    )
  }
  if (malformed > 0) {
    acc.warnings.push(
      `${file}: ${malformed} line(s) not understood and skipped (first at line ${firstMalformed}).`
    )
  }
}
