// Artifact names: what the artifact service accepts, and the default name of a job's artifact.
// Plain functions over strings and an environment record, so that reading the inputs (config.ts)
// can check and derive the name without depending on the upload itself.
import { createHash } from 'node:crypto'
import { InputError } from './errors.js'

// The artifact service refuses these in names (the toolkit's validateArtifactName, which the
// package does not export: @actions/artifact/lib/internal/upload/path-and-artifact-name-validation.js).
export const NAME_CHARACTERS: readonly [string, string][] = [
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
