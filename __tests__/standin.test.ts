// The local stand-in of GitHub's artifact and cache services must carry the real toolkit clients
// end to end, or every test built on it proves nothing.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import * as cache from '@actions/cache'
import { startStandIn, type StandIn } from './support/actions-standin.js'
import { shortenRetryWaits } from './support/retry-waits.js'

let standIn: StandIn
let savedEnv: NodeJS.ProcessEnv
let scratch: string

beforeAll(async () => {
  standIn = await startStandIn()
  savedEnv = { ...process.env }
  Object.assign(process.env, standIn.env)
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-test-'))
  process.env.GITHUB_WORKSPACE = scratch
})

afterAll(async () => {
  process.env = savedEnv
  await standIn?.stop()
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
})

test('an artifact uploaded with @actions/artifact arrives as a zip holding the files', async () => {
  const dir = path.join(scratch, 'report')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'memcheck.1234.xml'), '<valgrindoutput></valgrindoutput>\n')
  fs.writeFileSync(path.join(dir, 'callgrind.out.1234'), 'events: Ir\n')

  const result = await new DefaultArtifactClient().uploadArtifact(
    'valgrind-report',
    [path.join(dir, 'memcheck.1234.xml'), path.join(dir, 'callgrind.out.1234')],
    dir,
    { retentionDays: 3 }
  )

  const stored = await standIn.artifacts()
  expect(stored.map((a) => a.name)).toEqual(['valgrind-report'])
  expect(stored[0].id).toBe(result.id)
  expect(stored[0].size).toBe(result.size)
  expect(stored[0].bytes.length).toBe(result.size)
  // A zip: local file header magic, and both file names in the central directory.
  expect(stored[0].bytes.subarray(0, 4).toString('hex')).toBe('504b0304')
  expect(stored[0].bytes.includes(Buffer.from('memcheck.1234.xml'))).toBe(true)
  expect(stored[0].bytes.includes(Buffer.from('callgrind.out.1234'))).toBe(true)
})

test('a second artifact of the same name is refused, as on GitHub', async () => {
  const file = path.join(scratch, 'again.txt')
  fs.writeFileSync(file, 'again\n')
  await expect(
    new DefaultArtifactClient().uploadArtifact('valgrind-report', [file], scratch)
  ).rejects.toThrow(/already exists/)
})

test('a failed CreateArtifact call is retried by the client and the upload still lands', async () => {
  const file = path.join(scratch, 'retry.txt')
  fs.writeFileSync(file, 'retry\n')
  standIn.failNext('artifact-create', 1)
  const waits = shortenRetryWaits()
  await new DefaultArtifactClient()
    .uploadArtifact('after-one-failure', [file], scratch)
    .finally(waits.restore)
  expect(waits.requested).toHaveLength(1)
  expect((await standIn.artifacts()).map((a) => a.name)).toContain('after-one-failure')
})

test('@actions/cache saves a directory and restores it byte for byte', async () => {
  const dir = path.join(scratch, 'cached-prefix')
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'bin', 'tool'), '#!/bin/sh\necho hello\n', { mode: 0o755 })
  const key = 'standin-smoke-linux-x64'

  const id = await cache.saveCache([dir], key)
  expect(id).toBeGreaterThan(0)
  const entries = await standIn.cacheEntries()
  expect(entries.map((e) => e.key)).toEqual([key])
  expect(entries[0].size).toBeGreaterThan(0)

  fs.rmSync(dir, { recursive: true })
  expect(await cache.restoreCache([dir], 'standin-smoke-other', ['standin-smoke-'])).toBe(key)
  expect(fs.readFileSync(path.join(dir, 'bin', 'tool'), 'utf8')).toBe('#!/bin/sh\necho hello\n')
  expect(fs.statSync(path.join(dir, 'bin', 'tool')).mode & 0o111).not.toBe(0)

  // A miss is a miss, not an error.
  expect(await cache.restoreCache([dir], 'standin-nothing-here')).toBeUndefined()
})
