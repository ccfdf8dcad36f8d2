// Benchmark of the valgrind XML parser (src/parse/xml.ts): throughput and peak memory on big files
// made of real valgrind output, against a whole-document fast-xml-parser parse as the reference.
// Prints a table. Files are generated once into bench/.data/ (gitignored) and reused.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { compile, dataDir, repoRoot } from './build.js'

const SIZES_MB = [50, 200]
const samples = path.join(repoRoot, '__tests__', 'fixtures', 'valgrind-samples', 'samples')
/** The XML of one Rust test process (named by pid, which changes when the samples are regenerated). */
function rustTestXml(test) {
  const dir = path.join(samples, 'rust_nextest_style')
  const file = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.xml'))
    .find((name) => fs.readFileSync(path.join(dir, name), 'utf8').includes(`<arg>${test}</arg>`))
  if (file === undefined) throw new Error(`no XML of ${test} in ${dir}`)
  return path.join('rust_nextest_style', file)
}
/** Real memcheck output: Rust frames (deep stacks), three-stack errors, origins, suppressions. */
const SOURCES = [
  rustTestXml('tests::invalid_read'),
  'use_after_free/use_after_free.xml',
  'uninit_origins/uninit_origins.xml',
  'gen_suppressions/gen_suppressions.xml',
  'leaks/leaks.xml'
]
/** Distinct first-frame lines per record: the file holds this many times more contexts than records. */
const LINE_VARIANTS = 200

function errorsOf(text) {
  return text.match(/<error>[\s\S]*?<\/error>\n/g) ?? []
}

/** A real preamble, then real <error> records repeated with new uniques, then a real tail. */
function generate(file, targetBytes) {
  const base = fs.readFileSync(path.join(samples, SOURCES[0]), 'utf8')
  const head = base.slice(0, base.indexOf('</status>') + '</status>\n\n'.length)
  const records = SOURCES.flatMap((source) =>
    errorsOf(fs.readFileSync(path.join(samples, source), 'utf8'))
  )
  const out = fs.openSync(file, 'w')
  let written = fs.writeSync(out, head)
  let unique = 0
  const counted = []
  let pending = ''
  for (let copy = 0; written < targetBytes; copy++) {
    for (const record of records) {
      const id = `0x${(unique++).toString(16)}`
      if (!record.includes('<kind>Leak_')) counted.push(id)
      pending +=
        record
          .replace(/<unique>0x[0-9a-f]+<\/unique>/, `<unique>${id}</unique>`)
          .replace(
            /<line>(\d+)<\/line>/,
            (_, line) => `<line>${Number(line) + (copy % LINE_VARIANTS)}</line>`
          ) + '\n'
    }
    if (pending.length > 1 << 22) {
      written += fs.writeSync(out, pending)
      pending = ''
    }
  }
  let tail =
    '\n<status>\n  <state>FINISHED</state>\n  <time>00:00:00:09.000 </time>\n</status>\n\n<errorcounts>\n'
  for (const id of counted)
    tail += `  <pair>\n    <count>3</count>\n    <unique>${id}</unique>\n  </pair>\n`
  tail += '</errorcounts>\n\n<suppcounts>\n</suppcounts>\n\n</valgrindoutput>\n\n'
  fs.writeSync(out, pending + tail)
  fs.closeSync(out)
}

function measure(mode, file, args = [], nodeOptions = []) {
  const child = spawnSync(
    process.execPath,
    [...nodeOptions, path.join(repoRoot, 'bench', 'parse-worker.js'), mode, file, ...args],
    { encoding: 'utf8', maxBuffer: 1 << 20 }
  )
  if (child.status !== 0) {
    const reason = /heap out of memory|Invalid string length/.test(child.stderr)
      ? 'out of memory'
      : `failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`
    return { mode, failed: reason }
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1))
}

const compiled = compile(['src/parse/xml.ts'])
const parser = compiled('src/parse/xml.ts')
const tokenizer = compiled('src/parse/tokenizer.ts')
fs.mkdirSync(dataDir, { recursive: true })
const rows = []
for (const mb of SIZES_MB) {
  const file = path.join(dataDir, `valgrind-${mb}MB.xml`)
  if (!fs.existsSync(file) || fs.statSync(file).size < mb * 1e6) {
    process.stdout.write(`generating ${path.relative(repoRoot, file)} … `)
    generate(file, mb * 1e6)
    console.log('done')
  }
  const size = fs.statSync(file).size / 1e6
  const ours = measure('ours', file, [parser])
  const reference = measure('fxp', file, [], ['--max-old-space-size=16384'])
  rows.push({ size, ours, reference })
  // Why a tokenizer of our own: the same bare pass (no model) with saxes, the SAX parser the
  // project has, and with ours. At the smaller size only.
  if (mb === SIZES_MB[0]) {
    rows.push({ size, pass: 'saxes, SAX pass only (no model)', m: measure('saxes', file) })
    rows.push({
      size,
      pass: 'ours, tokenizer pass only',
      m: measure('tokenizer', file, [tokenizer])
    })
  }
}

const fmt = (value, digits = 0) => (value === undefined ? '' : value.toFixed(digits))
const line = (name, size, m) =>
  m.failed
    ? `${name.padEnd(34)} ${fmt(size).padStart(6)}  ${m.failed}`
    : `${name.padEnd(34)} ${fmt(size).padStart(6)} ${fmt(m.seconds, 2).padStart(8)} ${fmt(m.cpuSeconds, 2).padStart(8)} ${fmt(m.mbPerSecond).padStart(7)} ${fmt(m.maxRssMb).padStart(8)}  ${m.findings}${m.occurrences !== undefined ? ` findings, ${m.occurrences} occurrences` : ' <error> records'}`
console.log(
  `\n${'parser'.padEnd(34)} ${'MB'.padStart(6)} ${'seconds'.padStart(8)} ${'cpu s'.padStart(8)} ${'MB/s'.padStart(7)} ${'peak MB'.padStart(8)}  result`
)
for (const row of rows) {
  if (row.pass) {
    console.log(line(row.pass, row.size, row.m))
    continue
  }
  console.log(line('ours, streaming (src/parse/xml.ts)', row.size, row.ours))
  console.log(line('fast-xml-parser, whole document', row.size, row.reference))
}
console.log('')
for (const row of rows.filter((r) => r.ours)) {
  const { ours, reference } = row
  if (ours.failed) continue
  const ratio = reference.failed
    ? `reference ${reference.failed}`
    : `${fmt(ours.mbPerSecond / reference.mbPerSecond, 1)}× the reference's throughput, ${fmt(reference.maxRssMb / ours.maxRssMb, 1)}× less peak memory`
  console.log(`${fmt(row.size)} MB: ${ratio}`)
}
const peaks = rows.filter((r) => r.ours && !r.ours.failed).map((r) => r.ours.maxRssMb)
console.log(
  `our peak RSS: ${peaks.map((p) => `${fmt(p)} MB`).join(' and ')} (target: under 200 MB at any size)`
)
if (peaks.some((p) => p >= 200)) process.exitCode = 1
