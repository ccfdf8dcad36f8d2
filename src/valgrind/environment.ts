// The environment the program under test gets: the step's environment without what the runner
// gives the action for itself. A `run:` step never sees the runtime token; a pull request's tests
// run here must not see it either (it can write the Actions cache, including the packages this
// action installs as root). The action keeps these variables in its own `process.env` for its
// upload and cache. Pure: an environment in, a filtered copy out.

/**
 * Prefixes of runner-internal variables: `ACTIONS_*` (runtime, results, cache and ID-token URLs and
 * tokens, the orchestration id, runner debug switches), `INPUT_*` (this action's inputs) and
 * `STATE_*` (an action's saved state).
 */
const INTERNAL_PREFIXES = ['ACTIONS_', 'INPUT_', 'STATE_']

/**
 * The runner's file commands: writing to them sets outputs, environment, PATH or the job summary
 * for this and later steps. The program's own output reaches the log through the action instead.
 */
const FILE_COMMANDS = [
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY'
]

/** True for a variable the program under test does not get. */
export function isRunnerInternal(name: string): boolean {
  const upper = name.toUpperCase()
  return (
    INTERNAL_PREFIXES.some((prefix) => upper.startsWith(prefix)) || FILE_COMMANDS.includes(upper)
  )
}

/** A copy of `env` without the runner's internal variables. */
export function programEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isRunnerInternal(name)) result[name] = value
  }
  return result
}
