// Uploading the run directory through the real @actions/artifact client, against the local
// stand-in of GitHub's artifact service (Twirp + Azurite). The stored zip is unpacked with unzip.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { jest } from '@jest/globals'
import { uploadRunDirectory } from '../src/upload/artifact.js'
import {
  artifactNameProblem,
  defaultArtifactName,
  validateArtifactName
} from '../src/artifact-name.js'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { shortenRetryWaits } from './support/retry-waits.js'
import { unpackZip } from './support/unzip.js'

let standIn: StandIn
let savedEnv: NodeJS.ProcessEnv
let scratch: string
let stdout: string[]
let writeSpy: ReturnType<typeof jest.spyOn>

beforeAll(async () => {
  standIn = await startStandIn()
  savedEnv = { ...process.env }
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-test-'))
})

afterAll(async () => {
  process.env = savedEnv
  await standIn?.stop()
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
})

beforeEach(() => {
  process.env = { ...savedEnv, ...standIn.env, GITHUB_WORKSPACE: scratch }
  // @actions/core logs (and writes ::warning:: commands) on stdout.
  stdout = []
  writeSpy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
})

afterEach(() => writeSpy.mockRestore())

/** A run directory like the action's: XML per process, callgrind profiles (mode 0600), a report. */
function makeRunDirectory(name: string): { dir: string; files: Record<string, Buffer> } {
  const dir = path.join(scratch, name)
  const files: Record<string, Buffer> = {
    'memcheck/1234.xml': Buffer.from('<?xml version="1.0"?>\n<valgrindoutput></valgrindoutput>\n'),
    'memcheck/1240.xml': Buffer.from('<valgrindoutput>\u00e9</valgrindoutput>\n'),
    'callgrind/callgrind.out.1234': Buffer.from('# callgrind format\nevents: Ir\ntotals: 42\n'),
    // Incompressible bytes, so the zip cannot pass by accident.
    'callgrind/callgrind.out.1240': Buffer.from(
      Array.from({ length: 300000 }, (_, i) => (i * 2654435761) >>> 24)
    ),
    'report.json': Buffer.from(JSON.stringify({ findings: [] }))
  }
  for (const [relative, bytes] of Object.entries(files)) {
    const full = path.join(dir, relative)
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, bytes, { mode: relative.startsWith('callgrind/') ? 0o600 : 0o644 })
  }
  return { dir, files }
}

/** Unpacks a stored artifact and returns its files by relative path. */
function unpack(zip: Buffer, _name: string): Record<string, Buffer> {
  return unpackZip(zip, scratch)
}

async function stored(name: string) {
  const artifact = (await standIn.artifacts()).find((a) => a.name === name)
  if (!artifact) throw new Error(`no artifact named ${name}`)
  return artifact
}

describe('uploadRunDirectory', () => {
  it('stores every file of the run directory, byte for byte, and returns id and url', async () => {
    const { dir, files } = makeRunDirectory('run-1')
    const result = await uploadRunDirectory({ dir, name: 'valgrind-test', retentionDays: 3 })
    expect(result).toMatchObject({ status: 'uploaded', name: 'valgrind-test', files: 5 })
    if (result.status !== 'uploaded') throw new Error('not uploaded')
    const artifact = await stored('valgrind-test')
    expect(result.id).toBe(artifact.id)
    expect(result.bytes).toBe(artifact.bytes.length)
    expect(result.url).toBe(
      `https://github.com/octo-org/valgrind-action-standin/actions/runs/4242/artifacts/${artifact.id}`
    )
    expect(unpack(artifact.bytes, 'run-1')).toEqual(files)
    // The files stay where they were.
    expect(fs.readFileSync(path.join(dir, 'report.json'))).toEqual(files['report.json'])
  })

  it('takes the next free name when the name is already used in the run', async () => {
    const first = makeRunDirectory('run-2a')
    const second = makeRunDirectory('run-2b')
    fs.writeFileSync(path.join(second.dir, 'report.json'), 'second')
    expect(await uploadRunDirectory({ dir: first.dir, name: 'same-name' })).toMatchObject({
      status: 'uploaded',
      name: 'same-name'
    })
    const again = await uploadRunDirectory({ dir: second.dir, name: 'same-name' })
    expect(again).toMatchObject({ status: 'uploaded', name: 'same-name-2' })
    expect(unpack((await stored('same-name-2')).bytes, 'run-2b')['report.json'].toString()).toBe(
      'second'
    )
    expect(stdout.join('')).toContain("The artifact name 'same-name' was taken in this run")
    expect(stdout.join('')).not.toContain('::warning')
  })

  it('says in one line that nothing is uploaded outside GitHub Actions, and where the files are', async () => {
    const { dir } = makeRunDirectory('run-3')
    delete process.env.ACTIONS_RUNTIME_TOKEN
    const result = await uploadRunDirectory({ dir, name: 'valgrind-local' })
    expect(result).toEqual({
      status: 'skipped',
      reason: expect.stringContaining(`no ACTIONS_RUNTIME_TOKEN`)
    })
    if (result.status !== 'skipped') throw new Error('not skipped')
    expect(result.reason).toContain(dir)
    expect(result.reason).not.toContain('\n')
    expect(stdout.join('').trim().split('\n')).toEqual([result.reason])
    expect((await standIn.artifacts()).map((a) => a.name)).not.toContain('valgrind-local')
    expect(fs.readdirSync(dir).sort()).toEqual(['callgrind', 'memcheck', 'report.json'])
  })

  it('skips on GitHub Enterprise Server, where the artifact service of the toolkit is missing', async () => {
    const { dir } = makeRunDirectory('run-ghes')
    process.env.GITHUB_SERVER_URL = 'https://github.example.com'
    const result = await uploadRunDirectory({ dir, name: 'on-ghes' })
    expect(result).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('GitHub Enterprise Server')
    })
    expect(stdout.join('')).not.toContain('::warning')
  })

  it('recovers from one failed create call (the client retries)', async () => {
    const { dir, files } = makeRunDirectory('run-4')
    standIn.failNext('artifact-create', 1)
    const waits = shortenRetryWaits()
    const result = await uploadRunDirectory({ dir, name: 'after-a-failure' }).finally(waits.restore)
    expect(result).toMatchObject({ status: 'uploaded', files: 5 })
    // One wait of the client's first interval before its second attempt.
    expect(waits.requested).toEqual([3000])
    expect(unpack((await stored('after-a-failure')).bytes, 'run-4')).toEqual(files)
  })

  it('warns, naming the files, when the upload fails after the retries; the files stay', async () => {
    const { dir, files } = makeRunDirectory('run-5')
    // The client makes 5 attempts (3 s apart, growing): fail every one of them.
    standIn.failNext('artifact-create', 5)
    const waits = shortenRetryWaits()
    const result = await uploadRunDirectory({ dir, name: 'never-stored' }).finally(waits.restore)
    expect(waits.requested).toHaveLength(4)
    expect(result.status).toBe('failed')
    if (result.status !== 'failed') throw new Error('did not fail')
    expect(result.files.sort()).toEqual(Object.keys(files).sort())
    const warnings = stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('::warning::'))
    const ours = warnings.find((line) => line.includes("Artifact 'never-stored' was not uploaded"))
    expect(ours).toBeDefined()
    for (const file of Object.keys(files)) expect(ours).toContain(file)
    expect(ours).toContain(dir)
    for (const [relative, bytes] of Object.entries(files)) {
      expect(fs.readFileSync(path.join(dir, relative))).toEqual(bytes)
    }
    expect((await standIn.artifacts()).map((a) => a.name)).not.toContain('never-stored')
  })

  it('refuses an invalid name before calling the service, keeping the files', async () => {
    const { dir } = makeRunDirectory('run-6')
    const result = await uploadRunDirectory({ dir, name: 'bad:name' })
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('colon') })
    if (result.status !== 'failed') throw new Error('did not fail')
    expect(result.files).toHaveLength(5)
  })

  it('leaves out a file whose name artifacts cannot hold, and names it', async () => {
    const { dir, files } = makeRunDirectory('run-7')
    fs.writeFileSync(path.join(dir, 'memcheck', 'tests::a_test.xml'), '<x/>')
    const result = await uploadRunDirectory({ dir, name: 'with-a-colon-file' })
    expect(result).toMatchObject({ status: 'uploaded', files: 5 })
    expect(unpack((await stored('with-a-colon-file')).bytes, 'run-7')).toEqual(files)
    expect(stdout.join('')).toMatch(/::warning::Left out of artifact.*memcheck\/tests::a_test\.xml/)
  })

  it('skips an empty or missing directory with a reason', async () => {
    const empty = path.join(scratch, 'empty')
    fs.mkdirSync(empty)
    expect(await uploadRunDirectory({ dir: empty, name: 'x' })).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('holds no files')
    })
    expect(
      await uploadRunDirectory({ dir: path.join(scratch, 'missing'), name: 'x' })
    ).toMatchObject({ status: 'skipped', reason: expect.stringContaining('cannot read') })
  })
})

describe('artifact names', () => {
  const env = { GITHUB_JOB: 'test', GITHUB_RUN_ATTEMPT: '1', GITHUB_ACTION: '__octo_valgrind' }

  it('derives a name from the job and the matrix values', () => {
    expect(defaultArtifactName(env)).toBe('valgrind-test')
    expect(defaultArtifactName(env, 'null')).toBe('valgrind-test')
    expect(defaultArtifactName(env, '{"os":"ubuntu-24.04","rust":"stable"}')).toBe(
      'valgrind-test-ubuntu-24.04_stable'
    )
    expect(defaultArtifactName(env, '{\n  "os": "ubuntu-24.04",\n  "rust": "beta"\n}')).toBe(
      'valgrind-test-ubuntu-24.04_beta'
    )
  })

  it('never gives two matrix jobs, steps or attempts the same name', () => {
    const matrices = [
      '{"target":"x86_64/linux"}',
      '{"target":"x86_64:linux"}',
      '{"target":"x86_64_linux"}',
      '{"features":["a","b"],"os":"ubuntu"}',
      '{"features":["a"],"os":"b-ubuntu"}',
      `{"long":"${'x'.repeat(300)}1"}`,
      `{"long":"${'x'.repeat(300)}2"}`,
      '{"include":{"name":"with spaces and * ?"}}',
      '{"os":"a_b","rust":"c"}',
      '{"os":"a","rust":"b_c"}'
    ]
    const names = matrices.map((m) => defaultArtifactName(env, m))
    for (const name of names) expect(artifactNameProblem(name)).toBeUndefined()
    expect(new Set(names).size).toBe(matrices.length)
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(80)

    const steps = [
      defaultArtifactName(env),
      defaultArtifactName({ ...env, GITHUB_ACTION: '__octo_valgrind_2' }),
      defaultArtifactName({ ...env, GITHUB_ACTION: 'memcheck' }),
      defaultArtifactName({ ...env, GITHUB_RUN_ATTEMPT: '2' })
    ]
    expect(steps).toEqual([
      'valgrind-test',
      'valgrind-test-step2',
      'valgrind-test-memcheck',
      'valgrind-test-attempt2'
    ])
  })

  it('rejects names the service refuses, saying what is wrong and what is accepted', () => {
    expect(() => validateArtifactName('valgrind-report')).not.toThrow()
    for (const [name, problem] of [
      ['', 'it is empty'],
      ['a/b', 'forward slash'],
      ['a\\b', 'backslash'],
      ['a"b', 'double quote'],
      ['a:b', 'colon'],
      ['a<b', 'less than'],
      ['a>b', 'greater than'],
      ['a|b', 'vertical bar'],
      ['a*b', 'asterisk'],
      ['a?b', 'question mark'],
      ['a\nb', 'line feed'],
      ['a\rb', 'carriage return'],
      ['x'.repeat(257), '257 characters']
    ]) {
      expect(() => validateArtifactName(name)).toThrow(problem)
      expect(() => validateArtifactName(name)).toThrow(/Accepted: 1 to 256 characters/)
    }
    expect(() => validateArtifactName('x'.repeat(256))).not.toThrow()
  })
})
