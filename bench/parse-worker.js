// One measurement of bench/parse.bench.js, in a process of its own so that its peak RSS
// (process.resourceUsage().maxRSS) is the parser's alone. Prints one line of JSON.
//   node bench/parse-worker.js ours  <file> <compiled xml.js>
//   node bench/parse-worker.js fxp   <file>   (whole document: read into a string, XMLParser.parse)
//   node bench/parse-worker.js saxes <file>   (streaming SAX pass, no model built: the parser alone)
//   node bench/parse-worker.js tokenizer <file> <compiled tokenizer.js>   (ours, same pass as saxes)
import * as fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import { TextDecoder } from 'node:util'

const [mode, file, parserModule] = process.argv.slice(2)
const start = process.hrtime.bigint()
const cpuStart = process.cpuUsage()
let result
if (mode === 'ours') {
  const { parseValgrindXmlFile } = await import(pathToFileURL(parserModule).href)
  const run = await parseValgrindXmlFile(file)
  result = {
    findings: run.findings.length,
    occurrences: run.findings.reduce((sum, finding) => sum + finding.count, 0),
    warnings: run.warnings.length
  }
} else if (mode === 'fxp') {
  const { XMLParser } = await import('fast-xml-parser')
  const text = fs.readFileSync(file, 'utf8')
  const document = new XMLParser({ ignoreAttributes: true }).parse(text)
  const errors = document.valgrindoutput.error
  result = { findings: Array.isArray(errors) ? errors.length : errors ? 1 : 0 }
} else if (mode === 'tokenizer') {
  const { XmlTokenizer, Content } = await import(pathToFileURL(parserModule).href)
  let errors = 0
  const consumer = {
    capture: false,
    open(name) {
      if (name === 'error') errors++
      return Content.Xml
    },
    close() {},
    text() {},
    cdata() {},
    problem() {}
  }
  const tokenizer = new XmlTokenizer(consumer)
  for await (const chunk of fs.createReadStream(file)) tokenizer.feed(chunk)
  tokenizer.end()
  result = { findings: errors }
} else if (mode === 'saxes') {
  const { SaxesParser } = await import('saxes')
  const parser = new SaxesParser()
  let errors = 0
  parser.on('opentag', (tag) => {
    if (tag.name === 'error') errors++
  })
  const decoder = new TextDecoder('utf-8')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    parser.write(decoder.decode(chunk, { stream: true }))
  }
  parser.close()
  result = { findings: errors }
} else {
  console.error(`unknown mode ${mode}`)
  process.exit(2)
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9
const cpu = process.cpuUsage(cpuStart)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
const bytes = fs.statSync(file).size
console.log(
  JSON.stringify({
    mode,
    seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    cpuSeconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...result
  })
)
