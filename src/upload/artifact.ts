// Uploads the run directory (valgrind XML, callgrind profiles, the JSON report) as one workflow
// artifact. An upload is a convenience: when it cannot happen or fails, the files stay where they
// are, the log says where, and the verdict does not change.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import type { DefaultArtifactClient } from '@actions/artifact'
import { artifactNameProblem, MAX_ARTIFACT_NAME_LENGTH, NAME_CHARACTERS } from '../artifact-name.js'

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

/** File paths inside the artifact may hold / and \ but not the others. */
const PATH_CHARACTERS = NAME_CHARACTERS.filter(([c]) => c !== '\\' && c !== '/')

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
