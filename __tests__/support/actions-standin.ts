// A local stand-in for the GitHub services that @actions/artifact (v2+) and @actions/cache (v2
// service) talk to, so tests run the real toolkit clients end to end:
// - Azurite (Microsoft's Azure Storage emulator) holds the blobs;
// - a small HTTP server answers the Twirp JSON calls of
//   github.actions.results.api.v1.ArtifactService and .CacheService, handing out SAS URLs, and
//   forwards blob traffic to Azurite so failures can be injected on the way.
// The toolkit reads everything from environment variables (see `env`), at call time.
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  BlobSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters
} from '@azure/storage-blob'

export interface StandIn {
  /** Environment for the toolkit clients: ACTIONS_RUNTIME_TOKEN (unsigned JWT with scp "Actions.Results:<run>:<job>"), ACTIONS_RESULTS_URL, ACTIONS_CACHE_SERVICE_V2=true, ACTIONS_CACHE_URL, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, RUNNER_TEMP, ... (not GITHUB_WORKSPACE: the cache resolves paths against it, so tests choose it). */
  env: Record<string, string>
  /** Blobs stored by artifact uploads (name → zip bytes) and cache saves (key → archive bytes). */
  artifacts(): Promise<{ name: string; id: number; size: number; bytes: Buffer }[]>
  cacheEntries(): Promise<{ key: string; version: string; size: number }[]>
  /** Make the next N blob uploads / Twirp calls fail with HTTP 500 (to test failure handling). */
  failNext(what: 'artifact-create' | 'artifact-blob' | 'cache-blob', times: number): void
  stop(): Promise<void>
}

// Azurite's well-known development account (public, documented by Microsoft).
const ACCOUNT = 'devstoreaccount1'
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
const ARTIFACT_CONTAINER = 'actions-results'
const CACHE_CONTAINER = 'actions-cache'
const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService'
const CACHE_SERVICE = 'github.actions.results.api.v1.CacheService'

/** The repository (the directory with node_modules/azurite), wherever this file was compiled to. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'node_modules', 'azurite'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('Azurite is not installed: run npm ci in the repository.')
    dir = parent
  }
  return dir
}
const repoRoot = findRepoRoot()

interface ArtifactRecord {
  id: number
  name: string
  runId: string
  jobId: string
  blobName: string
  size: number
  digest?: string
  finalized: boolean
  createdAt: Date
}

interface CacheRecord {
  id: number
  key: string
  version: string
  blobName: string
  size: number
  finalized: boolean
  createdAt: number
}

/** A Twirp error: status and the JSON body the toolkit parses (`msg`). */
class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

type Json = Record<string, unknown>

function unsignedJwt(claims: Json): string {
  const encode = (value: Json): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`
}

async function startAzurite(
  workDir: string
): Promise<{ child: ChildProcess; port: number; stopped: Promise<void> }> {
  const main = path.join(repoRoot, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js')
  if (!fs.existsSync(main)) {
    throw new Error(`Azurite is not installed (${main} is missing): run 'npm ci' in ${repoRoot}.`)
  }
  const child = spawn(
    process.execPath,
    [
      main,
      '--disableTelemetry',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--loose',
      '--silent'
    ],
    // Its working directory, so that nothing it might write lands in the repository.
    { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`Azurite did not start within 60 s. Output:\n${output}`))
    }, 60000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /listens on https?:\/\/[^:\s]+:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Azurite exited with code ${code} before listening. Output:\n${output}`))
    })
  })
  // Keep draining its output so the pipe never fills.
  child.stdout?.resume()
  child.stderr?.resume()
  return { child, port, stopped }
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

export async function startStandIn(): Promise<StandIn> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'actions-standin-'))
  const runnerTemp = path.join(workDir, 'runner-temp')
  fs.mkdirSync(runnerTemp)
  const azurite = await startAzurite(workDir)
  const azuriteOrigin = `http://127.0.0.1:${azurite.port}`
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY)
  const blobService = new BlobServiceClient(`${azuriteOrigin}/${ACCOUNT}`, credential)
  await blobService.getContainerClient(ARTIFACT_CONTAINER).create()
  await blobService.getContainerClient(CACHE_CONTAINER).create()

  const runId = '7c1fb08f-6b50-4f5e-9d52-0a6f3f1e2b11'
  const jobId = 'a3f2c4d5-8e9f-4a1b-bc2d-3e4f5a6b7c8d'
  const artifacts: ArtifactRecord[] = []
  const caches: CacheRecord[] = []
  let nextId = 1
  const failures = { 'artifact-create': 0, 'artifact-blob': 0, 'cache-blob': 0 }
  let serverOrigin = ''

  /** A SAS URL through our proxy (the signature does not cover the host). */
  const sasUrl = (container: string, blobName: string, permissions: string): string => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(Date.now() - 5 * 60 * 1000),
        expiresOn: new Date(Date.now() + 6 * 60 * 60 * 1000)
      },
      credential
    ).toString()
    return `${serverOrigin}/${ACCOUNT}/${container}/${blobName.split('/').map(encodeURIComponent).join('/')}?${sas}`
  }

  const artifactMethods: Record<string, (body: Json) => Promise<Json>> = {
    CreateArtifact: async (body) => {
      if (failures['artifact-create'] > 0) {
        failures['artifact-create']--
        throw new TwirpError(500, 'internal', 'injected failure (artifact-create)')
      }
      const name = String(body.name ?? '')
      if (name === '') throw new TwirpError(400, 'invalid_argument', 'name is required')
      const existing = artifacts.find((a) => a.name === name && a.finalized)
      if (existing) {
        throw new TwirpError(
          409,
          'already_exists',
          'an artifact with this name already exists on the workflow run'
        )
      }
      // A repeated create of an unfinished artifact (a retry) replaces it, as the service does.
      const stale = artifacts.findIndex((a) => a.name === name)
      if (stale >= 0) artifacts.splice(stale, 1)
      const id = nextId++
      const blobName = `${runId}/${id}/${name}.zip`
      artifacts.push({
        id,
        name,
        runId: String(body.workflow_run_backend_id ?? ''),
        jobId: String(body.workflow_job_run_backend_id ?? ''),
        blobName,
        size: 0,
        finalized: false,
        createdAt: new Date()
      })
      return { ok: true, signed_upload_url: sasUrl(ARTIFACT_CONTAINER, blobName, 'cw') }
    },
    FinalizeArtifact: async (body) => {
      const record = artifacts.find((a) => a.name === body.name && !a.finalized)
      if (!record) throw new TwirpError(404, 'not_found', `no artifact '${body.name}' to finalize`)
      record.finalized = true
      record.size = Number(body.size ?? 0)
      const hash = body.hash
      if (typeof hash === 'string') record.digest = hash
      return { ok: true, artifact_id: String(record.id) }
    },
    ListArtifacts: async (body) => {
      const nameFilter = typeof body.name_filter === 'string' ? body.name_filter : undefined
      const idFilter = body.id_filter !== undefined ? Number(body.id_filter) : undefined
      const listed = artifacts.filter(
        (a) =>
          a.finalized &&
          (nameFilter === undefined || a.name === nameFilter) &&
          (idFilter === undefined || a.id === idFilter)
      )
      return {
        artifacts: listed.map((a) => ({
          workflow_run_backend_id: a.runId,
          workflow_job_run_backend_id: a.jobId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt.toISOString(),
          ...(a.digest ? { digest: a.digest } : {})
        }))
      }
    },
    GetSignedArtifactURL: async (body) => {
      const record = artifacts.find((a) => a.name === body.name && a.finalized)
      if (!record) throw new TwirpError(404, 'not_found', `artifact '${body.name}' not found`)
      return { signed_url: sasUrl(ARTIFACT_CONTAINER, record.blobName, 'r') }
    },
    DeleteArtifact: async (body) => {
      const index = artifacts.findIndex((a) => a.name === body.name && a.finalized)
      if (index < 0) throw new TwirpError(404, 'not_found', `artifact '${body.name}' not found`)
      const [record] = artifacts.splice(index, 1)
      await blobService
        .getContainerClient(ARTIFACT_CONTAINER)
        .getBlobClient(record.blobName)
        .deleteIfExists()
      return { ok: true, artifact_id: String(record.id) }
    }
  }

  const cacheMethods: Record<string, (body: Json) => Promise<Json>> = {
    CreateCacheEntry: async (body) => {
      const key = String(body.key ?? '')
      const version = String(body.version ?? '')
      if (caches.some((c) => c.key === key && c.version === version && c.finalized)) {
        return { ok: false, message: `cache entry with key '${key}' already exists` }
      }
      const stale = caches.findIndex((c) => c.key === key && c.version === version)
      if (stale >= 0) caches.splice(stale, 1)
      const id = nextId++
      const blobName = `${id}/${key}`
      caches.push({ id, key, version, blobName, size: 0, finalized: false, createdAt: Date.now() })
      return { ok: true, signed_upload_url: sasUrl(CACHE_CONTAINER, blobName, 'cw') }
    },
    FinalizeCacheEntryUpload: async (body) => {
      const record = caches.find(
        (c) => c.key === body.key && c.version === body.version && !c.finalized
      )
      if (!record) return { ok: false, message: `no cache entry '${body.key}' is being uploaded` }
      record.finalized = true
      record.size = Number(body.size_bytes ?? 0)
      return { ok: true, entry_id: String(record.id) }
    },
    GetCacheEntryDownloadURL: async (body) => {
      const version = String(body.version ?? '')
      const finalized = caches
        .filter((c) => c.finalized && c.version === version)
        .sort((a, b) => b.createdAt - a.createdAt)
      // The exact key first, then each restore key as a prefix, newest entry first.
      let match = finalized.find((c) => c.key === body.key)
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
      for (const prefix of restoreKeys) {
        if (match) break
        match = finalized.find((c) => c.key.startsWith(prefix))
      }
      if (!match) return { ok: false }
      return {
        ok: true,
        signed_download_url: sasUrl(CACHE_CONTAINER, match.blobName, 'r'),
        matched_key: match.key
      }
    }
  }

  const answerTwirp = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    url: URL
  ): Promise<void> => {
    const [, , service, method] = url.pathname.split('/')
    const methods =
      service === ARTIFACT_SERVICE
        ? artifactMethods
        : service === CACHE_SERVICE
          ? cacheMethods
          : undefined
    const send = (status: number, body: Json): void => {
      response.writeHead(status, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify(body))
    }
    const handler = methods?.[method]
    if (!handler) return send(404, { code: 'bad_route', msg: `no such method ${url.pathname}` })
    if (!/^Bearer .+/.test(request.headers.authorization ?? '')) {
      return send(401, { code: 'unauthenticated', msg: 'missing bearer token' })
    }
    try {
      const body = JSON.parse((await readBody(request)).toString() || '{}') as Json
      send(200, await handler(body))
    } catch (error) {
      if (error instanceof TwirpError)
        return send(error.status, { code: error.code, msg: error.message })
      send(500, { code: 'internal', msg: (error as Error).message })
    }
  }

  /** Blob traffic: forwarded to Azurite unless a failure is due for its container. */
  const proxyBlob = (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    url: URL
  ): void => {
    const container = url.pathname.split('/')[2]
    const kind =
      container === ARTIFACT_CONTAINER
        ? 'artifact-blob'
        : container === CACHE_CONTAINER
          ? 'cache-blob'
          : undefined
    const isWrite = request.method === 'PUT' || request.method === 'POST'
    if (kind && isWrite && failures[kind] > 0) {
      failures[kind]--
      request.resume()
      response.writeHead(500, { 'Content-Type': 'application/xml' })
      response.end(
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>InternalError</Code><Message>injected failure</Message></Error>'
      )
      return
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: azurite.port,
        method: request.method,
        path: url.pathname + url.search,
        headers: { ...request.headers, host: `127.0.0.1:${azurite.port}` }
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers)
        upstreamResponse.pipe(response)
      }
    )
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502)
      response.end(error.message)
    })
    request.pipe(upstream)
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/twirp/')) {
      answerTwirp(request, response, url).catch((error: Error) => {
        if (!response.headersSent) response.writeHead(500)
        response.end(error.message)
      })
    } else if (url.pathname.startsWith(`/${ACCOUNT}/`)) {
      proxyBlob(request, response, url)
    } else {
      response.writeHead(404)
      response.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no server address')
  serverOrigin = `http://127.0.0.1:${address.port}`

  const readBlob = async (container: string, blobName: string): Promise<Buffer> =>
    blobService.getContainerClient(container).getBlobClient(blobName).downloadToBuffer()

  const env: Record<string, string> = {
    ACTIONS_RUNTIME_TOKEN: unsignedJwt({
      scp: `Actions.ExampleScope Actions.Results:${runId}:${jobId}`,
      exp: Math.floor(Date.now() / 1000) + 6 * 60 * 60
    }),
    ACTIONS_RESULTS_URL: `${serverOrigin}/`,
    ACTIONS_CACHE_URL: `${serverOrigin}/`,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo-org/valgrind-action-standin',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'standin',
    GITHUB_JOB: 'test',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp
  }

  return {
    env,
    artifacts: async () =>
      Promise.all(
        artifacts
          .filter((a) => a.finalized)
          .map(async (a) => ({
            name: a.name,
            id: a.id,
            size: a.size,
            bytes: await readBlob(ARTIFACT_CONTAINER, a.blobName)
          }))
      ),
    cacheEntries: async () =>
      caches
        .filter((c) => c.finalized)
        .map((c) => ({ key: c.key, version: c.version, size: c.size })),
    failNext: (what, times) => {
      failures[what] += times
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
      azurite.child.kill('SIGTERM')
      const killTimer = setTimeout(() => azurite.child.kill('SIGKILL'), 10000)
      await azurite.stopped
      clearTimeout(killTimer)
      fs.rmSync(workDir, { recursive: true, force: true })
    }
  }
}
