// `baseline: cache`: the default branch saves each run's JSON report with @actions/cache; pull
// requests (and other branches) restore the newest one. Caches saved on the default branch are
// readable from every branch's runs, and a cache entry never changes once saved, so each save
// gets a key of its own and a restore asks for the newest entry with the common prefix.
// @actions/cache (with the Azure SDK under it) is loaded only when a baseline is restored or saved.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readBaselineReport, type BaselineReport } from './report-file.js'

export interface CacheContext {
  /** Where the report is kept for the cache: the same path on save and restore (it is part of the cache version). */
  directory: string
  /** Names the job (and matrix values), so that jobs profiling different things never mix. */
  jobName: string
  env: Record<string, string | undefined>
}

/**
 * `valgrind-action-baseline/<job>/`: the slashes end the job's name, so that restoring job
 * `test`'s prefix never matches a report saved by job `test-linux`.
 */
export function cacheKeyPrefix(jobName: string): string {
  return `valgrind-action-baseline/${jobName.replace(/[^A-Za-z0-9._-]+/g, '_')}/`
}

/** The repository's default branch, from the event payload the runner hands every step. */
export function defaultBranch(env: Record<string, string | undefined>): string | undefined {
  const file = env.GITHUB_EVENT_PATH
  if (!file || !fs.existsSync(file)) return undefined
  try {
    const payload = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      repository?: { default_branch?: unknown }
    }
    const name = payload.repository?.default_branch
    return typeof name === 'string' ? name : undefined
  } catch {
    return undefined
  }
}

/** True on a push (or schedule, dispatch) run of the default branch: the runs that save. */
export function onDefaultBranch(env: Record<string, string | undefined>): boolean {
  const branch = defaultBranch(env)
  return branch !== undefined && env.GITHUB_REF === `refs/heads/${branch}`
}

function reportPath(context: CacheContext): string {
  return path.join(context.directory, 'report.json')
}

export type RestoreOutcome =
  { status: 'restored'; baseline: BaselineReport } | { status: 'missing'; message: string }

export async function restoreBaseline(context: CacheContext): Promise<RestoreOutcome> {
  const prefix = cacheKeyPrefix(context.jobName)
  const miss = (why: string): RestoreOutcome => ({
    status: 'missing',
    message: `No baseline report for 'baseline: cache' (${why}): every finding counts as new. A push to the default branch saves one for the next pull request.`
  })
  const cache = await import('@actions/cache')
  if (!cache.isFeatureAvailable()) return miss('the Actions cache service is not available here')
  let key: string | undefined
  try {
    fs.rmSync(context.directory, { recursive: true, force: true })
    key = await cache.restoreCache([context.directory], prefix, [prefix])
  } catch (error) {
    return miss(`restoring it failed: ${(error as Error).message}`)
  }
  if (key === undefined || !fs.existsSync(reportPath(context))) {
    return miss(`no cache entry starts with ${prefix}`)
  }
  const baseline = readBaselineReport(reportPath(context))
  return { status: 'restored', baseline: { ...baseline, source: `the Actions cache (${key})` } }
}

/** Saves this run's report; returns a sentence for the log (a failed save never fails the step). */
export async function saveBaseline(context: CacheContext, reportFile: string): Promise<string> {
  const cache = await import('@actions/cache')
  if (!cache.isFeatureAvailable())
    return 'Baseline not saved: the Actions cache service is not available here.'
  const { GITHUB_SHA, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = context.env
  const key = `${cacheKeyPrefix(context.jobName)}${GITHUB_SHA ?? 'unknown'}-${GITHUB_RUN_ID ?? '0'}-${GITHUB_RUN_ATTEMPT ?? '1'}`
  try {
    fs.rmSync(context.directory, { recursive: true, force: true })
    fs.mkdirSync(context.directory, { recursive: true })
    fs.copyFileSync(reportFile, reportPath(context))
    const id = await cache.saveCache([context.directory], key)
    return id > 0
      ? `Saved this run's report as the baseline for pull requests (cache key ${key}).`
      : `Baseline not saved: the cache refused key ${key} (it exists already).`
  } catch (error) {
    return `Baseline not saved: ${(error as Error).message}`
  }
}
