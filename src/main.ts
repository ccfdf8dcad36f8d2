// Orchestrates one step: read inputs, make sure valgrind is there, run the engine, then report
// (annotations, job summary, outputs) and set the verdict. Every error becomes one clear
// `core.setFailed` message; stacks go to the debug log only.
import * as core from '@actions/core'
import * as os from 'node:os'
import { cancelOnSignals } from './cancel.js'
import { systemErrorText } from './errors.js'
import { assertNoDebuggerWait, readConfig } from './config.js'
import { assertSupportedPlatform, ensureValgrind } from './install/index.js'
import * as path from 'node:path'
import { runEngine, valgrindFromInstall, type EngineOptions } from './engine.js'
import {
  onDefaultBranch,
  restoreBaseline,
  saveBaseline,
  type CacheContext
} from './baseline/cache.js'
import { actionOutputs } from './outputs.js'
import {
  ANNOTATIONS_SHOWN_PER_LEVEL,
  budgetedWarnings,
  buildAnnotations,
  fitAnnotations,
  omittedText,
  unlocatedDescription
} from './report/annotations.js'
import { blobBaseUrl, renderSummary } from './report/summary.js'
import { logLine } from './report/escape.js'
import { uploadRunDirectory } from './upload/artifact.js'

/**
 * Every log line of the action goes through `logLine`: many carry data from the program, its
 * debug information or the inputs, and none may be read by the runner as a workflow command.
 */
function info(message: string): void {
  core.info(logLine(message))
}
/** Log lines for findings that have no annotation (the summary has them all), and for client messages. */
const UNLOCATED_LOG_LINES = 20
const CLIENT_MESSAGE_LOG_LINES = 50

/**
 * Sets the step's outputs; undefined, or why they could not be written (GITHUB_OUTPUT on a full
 * disk): that costs the outputs only, never the summary, the annotations or the verdict.
 */
function setOutputs(outputs: Record<string, string>): string | undefined {
  try {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
    return undefined
  } catch (error) {
    return `The step's outputs were not written (${systemErrorText(error)}; GITHUB_OUTPUT is ${process.env.GITHUB_OUTPUT ?? 'not set'}): later steps read them as empty. The summary, annotations and verdict are not affected.`
  }
}

export async function run(): Promise<void> {
  // Nothing is written at the signal itself: the program's output may be mid-line in the fence.
  const cancellation = cancelOnSignals()
  try {
    // Before anything else: valgrind runs on Linux only.
    assertSupportedPlatform(process.platform, process.arch)
    const tempDirectory = process.env.RUNNER_TEMP || os.tmpdir()
    const config = readConfig((name) => core.getInput(name), {
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      tempDirectory,
      variables: process.env
    })
    assertNoDebuggerWait(config)
    const installed = await ensureValgrind({
      install: config.install,
      valgrindVersion: config.valgrindVersion,
      cache: config.cache
    })
    const valgrind = valgrindFromInstall(installed)
    // baseline: cache — the default branch saves after the run, other runs restore before it.
    const cacheContext: CacheContext | undefined =
      config.baseline.kind === 'cache'
        ? {
            directory: path.join(tempDirectory, 'valgrind-action-baseline'),
            jobName: config.baselineCacheName,
            env: process.env
          }
        : undefined
    const savesBaseline = cacheContext !== undefined && onDefaultBranch(process.env)
    const engineOptions: EngineOptions = {}
    if (cacheContext !== undefined && !savesBaseline) {
      const restored = await restoreBaseline(cacheContext)
      if (restored.status === 'restored') {
        engineOptions.baseline = restored.baseline
        info(`Baseline: ${restored.baseline.source}`)
      } else engineOptions.baselineMissing = restored.message
    }
    const report = await runEngine(
      config,
      {
        info,
        warning: (message) => core.warning(message),
        write: (text) => process.stdout.write(text),
        fenceCommands: true,
        cancel: cancellation.signal,
        valgrind
      },
      engineOptions
    )
    // A cancelled run's findings are partial: as a baseline they would make old findings "new".
    if (savesBaseline && cacheContext !== undefined && report.cancelled === undefined) {
      info(await saveBaseline(cacheContext, path.join(report.runDirectory, 'report.json')))
    }

    // GitHub shows 10 error and 10 warning annotations per step: the failure message takes one
    // error, the run's own warnings come first; findings fill what is left, most severe first.
    const warnings = budgetedWarnings(report.warnings)
    const fitted = fitAnnotations(
      buildAnnotations(report.findings, config.workspace, config.annotations, config.failOn),
      {
        errors: ANNOTATIONS_SHOWN_PER_LEVEL - (report.verdict.failed ? 1 : 0),
        // One left for the upload's own warning, should it fail.
        warnings: ANNOTATIONS_SHOWN_PER_LEVEL - warnings.length - (config.upload ? 1 : 0)
      }
    )
    for (const annotation of fitted.shown) {
      const properties = {
        title: annotation.title,
        file: annotation.file,
        startLine: annotation.line
      }
      if (annotation.level === 'error') core.error(annotation.message, properties)
      else core.warning(annotation.message, properties)
    }
    const omitted = omittedText(fitted.omitted)
    if (omitted !== undefined) {
      info(omitted)
      for (const annotation of fitted.omitted.slice(0, UNLOCATED_LOG_LINES)) {
        info(`  not annotated: ${annotation.file}:${annotation.line}: ${annotation.title}`)
      }
      if (fitted.omitted.length > UNLOCATED_LOG_LINES) {
        info(`  … and ${fitted.omitted.length - UNLOCATED_LOG_LINES} more (see the job summary)`)
      }
    }
    // A few lines, not one per finding: the job summary and the JSON report list them all.
    const unlocated = report.findings.filter((f) => f.location === undefined)
    for (const finding of unlocated.slice(0, UNLOCATED_LOG_LINES)) {
      info(
        `Not annotated (no frame in the workspace): ${unlocatedDescription(finding, config.workspace)}`
      )
    }
    if (unlocated.length > UNLOCATED_LOG_LINES) {
      info(
        `… and ${unlocated.length - UNLOCATED_LOG_LINES} more findings with no frame in the workspace (see the job summary).`
      )
    }
    for (const message of report.clientMessages.slice(0, CLIENT_MESSAGE_LOG_LINES)) {
      const where = message.pid !== undefined ? ` (pid ${message.pid})` : ''
      info(`Client message${where}: ${message.text}`)
    }
    for (const warning of warnings) core.warning(warning)

    // Outputs before the summary: a summary that cannot be written costs the summary only.
    const outputsLost = setOutputs(actionOutputs(report))
    if (outputsLost !== undefined) {
      core.warning(outputsLost)
      report.warnings.push(outputsLost)
    }
    if (process.env.GITHUB_STEP_SUMMARY) {
      const markdown = renderSummary(report, {
        workspace: config.workspace,
        annotationNote: omitted,
        blobBaseUrl: blobBaseUrl(process.env)
      })
      try {
        await core.summary.addRaw(markdown).write()
      } catch (error) {
        core.summary.emptyBuffer()
        core.warning(
          `The job summary was not written (${(error as Error).message}); outputs, annotations and the verdict are not affected.${report.reportFile !== undefined ? ` Every finding is in ${report.reportFile}.` : ''}`
        )
      }
    }

    // After the summary and outputs: an upload is a convenience and must never cost a report.
    if (report.cancelled !== undefined) {
      info(
        `Upload skipped: the run was cancelled and the runner kills the step shortly. The run's files are in ${report.runDirectory}`
      )
    } else if (config.upload) {
      const upload = await uploadRunDirectory({
        dir: report.runDirectory,
        name: config.artifactName,
        retentionDays: config.retentionDays
      })
      if (upload.status === 'uploaded') {
        // When the outputs above could not be written, these cannot either: said once, above.
        setOutputs({ 'artifact-id': String(upload.id), 'artifact-url': upload.url ?? '' })
      }
    } else {
      info(`Upload is off: the run's files are in ${report.runDirectory}`)
    }

    info(report.verdict.headline)
    if (report.verdict.failed) core.setFailed(report.verdict.reasons.join('\n'))
  } catch (error) {
    const err = error as Error
    core.debug(err.stack ?? String(err))
    const reason = cancellation.signal.reason as string | undefined
    core.setFailed(
      cancellation.signal.aborted
        ? `The run was cancelled (${reason}): ${err.message}`
        : err.message
    )
  } finally {
    cancellation.dispose()
  }
}
