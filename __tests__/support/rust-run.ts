// Runs a cargo command the way the engine does, without the action around it: planRustRun's plan
// (nextest's own run, cargo test, or nextest in batches), then finishRustRun over the XML files.
// Shared by the Rust tests; returns what a user reads: findings, test failures, exit status.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { collectFindings } from '../../src/analysis/findings.js'
import { readConfig } from '../../src/config.js'
import type { Finding, ProcessRun, TestFailure } from '../../src/model.js'
import { parseValgrindXmlFile } from '../../src/parse/xml.js'
import type { RunPlan, ValgrindInvocation } from '../../src/plan.js'
import { finishRustRun, planRustRun } from '../../src/rust/index.js'
import { errorCheckArgs } from '../../src/valgrind/args.js'
import { rustCrateDir } from './paths.js'

// Inside the fixture: gitignored, and shared by every run so the crate is built once.
const targetDir = path.join(rustCrateDir, 'target')

export interface RustRun {
  plan: RunPlan
  exitCode: number | null
  xmlFiles: string[]
  runs: ProcessRun[]
  testFailures: TestFailure[]
  notes: string[]
  findings: Finding[]
  /** What the batches wrote to the log (nextest in batches only). */
  log: string
}

export async function runRust(
  commandLine: string,
  env: Record<string, string> = {},
  workspace = rustCrateDir,
  isolation = 'per-test'
): Promise<RustRun> {
  const runDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-rust-'))
  const inputs: Record<string, string> = { command: commandLine, 'rust-isolation': isolation }
  const config = readConfig((name) => inputs[name] ?? '', {
    workspace,
    tempDirectory: runDirectory
  })
  const xmlDir = path.join(runDirectory, 'memcheck')
  const valgrind: ValgrindInvocation = {
    tool: 'memcheck',
    outputDir: xmlDir,
    argv: [
      'valgrind',
      ...errorCheckArgs({
        tool: 'memcheck',
        xmlDir,
        trackOrigins: false,
        traceChildren: true,
        suppressions: [],
        extraArgs: []
      })
    ]
  }
  const plan = await planRustRun(config, valgrind)
  if (plan === undefined) throw new Error(`not planned as a Rust run: ${commandLine}`)

  const processEnv = { CARGO_TARGET_DIR: targetDir, ...env }
  const execute = plan.execute
  let log = ''
  const exitCode = execute
    ? await withEnv(
        processEnv,
        async () =>
          (
            await execute({
              fenceCommands: false,
              write: (text) =>
                (log += typeof text === 'string' ? text : Buffer.from(text).toString())
            })
          ).exitCode
      )
    : await new Promise<number | null>((resolve, reject) => {
        const child = spawn(plan.command, plan.args, {
          cwd: plan.cwd,
          env: { ...process.env, ...processEnv, ...plan.env },
          stdio: ['ignore', 'ignore', 'pipe']
        })
        let stderr = ''
        child.stderr.on(
          'data',
          (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000))
        )
        child.on('error', reject)
        child.on('close', (code) => {
          if (code !== 0 && code !== 100 && code !== 101) console.log(stderr)
          resolve(code)
        })
      })

  const xmlFiles = fs.readdirSync(xmlDir).filter((name) => name.endsWith('.xml'))
  const parsed = await Promise.all(
    xmlFiles.map((name) => parseValgrindXmlFile(path.join(xmlDir, name)))
  )
  const finished = await finishRustRun(plan, parsed, exitCode)
  const findings = collectFindings(finished.runs, {
    workspace,
    failOn: new Set(['definite', 'errors'])
  })
  return { plan, exitCode, xmlFiles, ...finished, findings, log }
}

/** Findings as a user reads them: kind, where, which tests. */
export function summarize(findings: readonly Finding[]): string[] {
  return findings
    .map((finding) => {
      const where = finding.location ? `${finding.location.file}:${finding.location.line}` : '?'
      const tests = finding.tests
        .map((test) => (test.name !== undefined ? `${test.binary} ${test.name}` : test.binary))
        .join(', ')
      const bytes = finding.leak !== undefined ? ` ${finding.leak.bytes} bytes` : ''
      return `${finding.kind}${bytes} at ${where} in ${tests}`
    })
    .sort()
}

/** Runs `body` with variables set in this process's environment (plans that run themselves read it). */
async function withEnv<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]))
  Object.assign(process.env, env)
  try {
    return await body()
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}
