// Uploads the run directory (valgrind XML, callgrind profiles, the JSON report) as one workflow
// artifact. An upload is a convenience: when it cannot happen or fails, the files stay where they
// are, the log says where, and the verdict does not change.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import type { DefaultArtifactClient } from '@actions/artifact'
import { InputError } from '../errors.js'

export type UploadResult =
  | {
      status: 'uploaded'
      /** The name the artifact got (a suffix is added when the name was already taken). */
      name: string
      id: number
      /** The artifact's page, when the run's repository and id are known. */
      url?: string
      files: number
      /** Size of the stored zip, as GitHub lists it. */
      bytes: number
    }
  | { status: 'skipped'; reason: string }
  /** `files`: paths relative to the directory that are not in any artifact. */
  | { status: 'failed'; reason: string; files: string[] }

export interface UploadOptions {
  dir: string
  name: string
  retentionDays?: number
  /** Where GITHUB_* and ACTIONS_* come from (default process.env; the toolkit reads process.env). */
  env?: Record<string, string | undefined>
}

// The artifact service refuses these in names (the toolkit's validateArtifactName, which the
// package does not export: @actions/artifact/lib/internal/upload/path-and-artifact-name-validation.js).
const NAME_CHARACTERS: [string, string][] = [
  ['"', 'double quote "'],
  [':', 'colon :'],
  ['<', 'less than <'],
  ['>', 'greater than >'],
  ['|', 'vertical bar |'],
  ['*', 'asterisk *'],
  ['?', 'question mark ?'],
  ['\r', 'carriage return'],
  ['\n', 'line feed'],
  ['\\', 'backslash \\'],
  ['/', 'forward slash /']
]
/** File paths inside the artifact may hold / and \ but not the others. */
const PATH_CHARACTERS = NAME_CHARACTERS.filter(([c]) => c !== '\\' && c !== '/')
/** The service answers "name invalid length for artifact name: must be between 1 and 256 characters". */
export const MAX_ARTIFACT_NAME_LENGTH = 256
const ACCEPTED_NAMES = `Accepted: 1 to ${MAX_ARTIFACT_NAME_LENGTH} characters without " : < > | * ? \\ / or line breaks.`

/** What is wrong with an artifact name, or undefined when the service accepts it. */
export function artifactNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty'
  if (name.length > MAX_ARTIFACT_NAME_LENGTH) return `it is ${name.length} characters long`
  const found = NAME_CHARACTERS.find(([c]) => name.includes(c))
  return found ? `it contains a ${found[1]}` : undefined
}

/** Throws an InputError naming the problem and the rules when the service would refuse the name. */
export function validateArtifactName(name: string): void {
  const problem = artifactNameProblem(name)
  if (problem !== undefined) {
    throw new InputError(
      `Input 'artifact-name': '${name.replace(/[\r\n]/g, ' ')}' cannot be used, ${problem}. ${ACCEPTED_NAMES}`
    )
  }
}

function sanitize(text: string): string {
  return text
    .split('')
    .map((c) => (NAME_CHARACTERS.some(([bad]) => bad === c) || /\s/.test(c) ? '_' : c))
    .join('')
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}

/** A matrix's values in order, when each is a plain value; undefined when one is a list or map. */
function plainMatrixValues(matrix: unknown): string[] | undefined {
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix)) return undefined
  const values = Object.values(matrix)
  if (values.some((v) => v !== null && typeof v === 'object')) return undefined
  return values.map(String)
}

/**
 * A name no other job or step of the run uses:
 * `valgrind-<job>[-<matrix values joined by _>][-<step>][-attempt<n>]`, e.g.
 * `valgrind-test-ubuntu-24.04_stable`. `matrix` is the `matrix` input (`${{ toJSON(matrix) }}`,
 * 'null' outside a matrix): the matrix context is not in the environment. Values that would be
 * refused, are lists or maps, or make the name long are replaced by a short hash of the matrix,
 * so two matrix jobs never share a name.
 */
export function defaultArtifactName(
  env: Record<string, string | undefined>,
  matrix?: string
): string {
  const parts = ['valgrind', sanitize(env.GITHUB_JOB || 'run')]
  const raw = matrix?.trim() ?? ''
  if (raw !== '' && raw !== 'null') {
    let values: string[] | undefined
    try {
      values = plainMatrixValues(JSON.parse(raw))
    } catch {
      values = [raw] // not JSON: a value the user chose
    }
    // Values joined by '_' name the job as long as that can be read back one way: no value holds
    // a '_' or a refused character, and none is a list or map. Otherwise a hash of the whole
    // matrix keeps matrix jobs apart.
    const joined = values?.join('_') ?? ''
    const readable =
      values !== undefined &&
      values.every((v) => v !== '' && !v.includes('_') && sanitize(v) === v) &&
      joined.length <= 60
    if (readable) parts.push(joined)
    else {
      const hint = sanitize(values?.join('_') ?? raw.replace(/[{}[\]"]/g, '')).slice(0, 40)
      parts.push(hint === '' ? shortHash(raw) : `${hint}-${shortHash(raw)}`)
    }
  }
  // GITHUB_ACTION is the step's id, or `__owner_repo` for a step without one (`__owner_repo_2` for
  // the second such step of the job): two steps of one job must not share the name either.
  const step = env.GITHUB_ACTION ?? ''
  const repeated = /^__.*_(\d+)$/.exec(step)
  if (step !== '' && !step.startsWith('__')) parts.push(sanitize(step))
  else if (repeated) parts.push(`step${repeated[1]}`)
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1')
  // A re-run of a job uploads again into the same workflow run, where the first name is taken.
  if (attempt > 1) parts.push(`attempt${attempt}`)
  return parts.join('-').slice(0, MAX_ARTIFACT_NAME_LENGTH)
}

/** The artifact's page on GitHub. */
export function artifactUrl(
  env: Record<string, string | undefined>,
  id: number
): string | undefined {
  const { GITHUB_REPOSITORY, GITHUB_RUN_ID } = env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}/artifacts/${id}`
}

/** Regular files under `dir`, recursively, as absolute paths in a stable order. */
async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  const walk = async (current: string): Promise<void> => {
    const entries = await fs.promises.readdir(current, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile()) files.push(full)
    }
  }
  await walk(dir)
  return files
}

/** The toolkit's own test (its isGhes is not exported): artifacts v4 exist on github.com and GHE.com. */
function isEnterpriseServer(env: Record<string, string | undefined>): boolean {
  let host: string
  try {
    host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase()
  } catch {
    return false
  }
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')
}

async function namesInRun(client: DefaultArtifactClient): Promise<Set<string>> {
  try {
    const { artifacts } = await client.listArtifacts()
    return new Set(artifacts.map((artifact) => artifact.name))
  } catch {
    return new Set() // the upload itself will tell
  }
}

/** `name`, or `name-2`, `name-3`, … : the first one not taken. */
function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, MAX_ARTIFACT_NAME_LENGTH - String(n).length - 1)}-${n}`
    if (!taken.has(candidate)) return candidate
  }
}

function isNameTaken(error: unknown): boolean {
  return /already exists|\(409\)/i.test(String((error as Error)?.message ?? error))
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]
    .trim()
}

function listForLog(files: readonly string[], max = 20): string {
  const shown = files.slice(0, max).join(', ')
  return files.length > max ? `${shown} and ${files.length - max} more` : shown
}

/**
 * Uploads every file in `dir` (recursively) as one artifact named `name`. Logs what happened:
 * one info line when skipped, a warning naming the files when the upload failed. Never throws.
 */
export async function uploadRunDirectory(options: UploadOptions): Promise<UploadResult> {
  const env = options.env ?? process.env
  const { dir, name } = options
  if (!env.ACTIONS_RUNTIME_TOKEN) {
    const reason = `Not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN), so no artifact is uploaded; the files are in ${dir}`
    core.info(reason)
    return { status: 'skipped', reason }
  }
  if (isEnterpriseServer(env)) {
    const reason = `Artifact uploads of this kind are not available on GitHub Enterprise Server (${env.GITHUB_SERVER_URL}), so no artifact is uploaded; the files are in ${dir}`
    core.info(reason)
    return { status: 'skipped', reason }
  }
  let all: string[]
  try {
    all = await listFiles(dir)
  } catch (error) {
    const reason = `Nothing to upload: cannot read ${dir} (${firstLine(error)})`
    core.info(reason)
    return { status: 'skipped', reason }
  }
  if (all.length === 0) {
    const reason = `Nothing to upload: ${dir} holds no files`
    core.info(reason)
    return { status: 'skipped', reason }
  }
  const relative = (file: string): string => path.relative(dir, file).split(path.sep).join('/')
  // The toolkit refuses the whole upload when one path holds a character some file systems
  // cannot store; leave those files out and name them instead.
  const refused = all.filter((file) => PATH_CHARACTERS.some(([c]) => relative(file).includes(c)))
  const files = all.filter((file) => !refused.includes(file))
  const failed = (reason: string, notUploaded: string[]): UploadResult => {
    const names = notUploaded.map(relative)
    core.warning(
      `Artifact '${name}' was not uploaded: ${reason}. Not uploaded (${names.length} files, kept in ${dir}): ${listForLog(names)}`
    )
    return { status: 'failed', reason, files: names }
  }
  const problem = artifactNameProblem(name)
  if (problem !== undefined) return failed(`the name cannot be used, ${problem}`, all)
  if (files.length === 0) return failed('every file name holds a character artifacts refuse', all)

  // Loaded here, not at the top: the artifact client and the Azure SDK under it are most of the
  // bundle, and a run that uploads nothing should not pay for loading them.
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  // Another job or step of this run may have the name (a re-run, two steps without `id:`). Asking
  // first avoids the toolkit's warning about a refused upload; a race is still caught below.
  const taken = await namesInRun(client)
  let uploadName = freeName(name, taken)
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await client.uploadArtifact(uploadName, files, dir, {
        retentionDays: options.retentionDays
      })
      if (response.id === undefined) return failed('the service returned no artifact id', all)
      if (uploadName !== name) {
        core.info(`The artifact name '${name}' was taken in this run; uploaded as '${uploadName}'.`)
      }
      if (refused.length > 0) {
        core.warning(
          `Left out of artifact '${uploadName}' (their names hold characters artifacts refuse; kept in ${dir}): ${listForLog(refused.map(relative))}`
        )
      }
      return {
        status: 'uploaded',
        name: uploadName,
        id: response.id,
        url: artifactUrl(env, response.id),
        files: files.length,
        bytes: response.size ?? 0
      }
    } catch (error) {
      if (isNameTaken(error) && attempt < 3) {
        taken.add(uploadName)
        uploadName = freeName(name, taken)
        continue
      }
      return failed(firstLine(error), all)
    }
  }
}
