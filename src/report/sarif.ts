// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif). Pure: findings in, a
// SARIF log out; `writeSarif` is the thin writer. One run per valgrind tool, one rule per error
// kind, results at workspace-relative locations (`%SRCROOT%`), the stacks as code flows (what code
// scanning shows as the path to an alert, each frame with its module), fingerprints from
// analysis/identity so that an alert keeps its identity when lines are added above it.
import * as fs from 'node:fs'
import type * as Sarif from 'sarif'
import type { FailCategory, Finding, Frame } from '../model.js'
import { findingCategory } from '../analysis/findings.js'
import { framePath, workspaceRelativePath } from '../analysis/location.js'
import { isRuntimeFrame, visibleFrames } from '../analysis/runtime-frames.js'
import {
  findingTitle,
  kindLabel,
  occurrenceText,
  testLabel,
  testsText,
  toolLabel
} from './format.js'
import { kindHelp, kindManual } from './sarif-rules.js'

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
/** The key of our fingerprint in `partialFingerprints`, versioned with the recipe. */
export const FINGERPRINT_KEY = 'valgrindFindingIdentity/v1'
const SRCROOT = '%SRCROOT%'
/**
 * Results per run at most. Code scanning keeps the 5,000 most severe results of a run and rejects
 * a run of more than 25,000 outright (the whole upload fails); findings come most severe first, so
 * the first 5,000 are the ones it would keep. The JSON report and the job summary count them all.
 */
export const SARIF_RESULTS_PER_RUN = 5000

export interface SarifInput {
  findings: readonly Finding[]
  /** The error checkers that ran (each gets a run, with or without results). */
  tools: readonly string[]
  failOn: ReadonlySet<FailCategory>
  workspace: string
  valgrindVersion?: string
  commandLine: string
  /** A baseline was applied: results carry `baselineState`. */
  withBaseline: boolean
  /** Problems that make the run untrustworthy (no XML written...): the invocation did not succeed. */
  problems?: readonly string[]
  /** Results per run at most (default SARIF_RESULTS_PER_RUN). */
  maxResultsPerRun?: number
}

function level(category: FailCategory, failOn: ReadonlySet<FailCategory>): Sarif.Result.level {
  return failOn.has(category) ? 'error' : 'warning'
}

function fileUri(absolute: string): string {
  return `file://${absolute.split('/').map(encodeURIComponent).join('/')}`
}

function relativeUri(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/')
}

function frameText(frame: Frame): string {
  return frame.fn ?? (frame.obj !== undefined ? `??? in ${frame.obj}` : `??? (${frame.ip})`)
}

/** A frame as a SARIF location: in the workspace relative to %SRCROOT%, elsewhere absolute. */
type FrameLocator = (frame: Frame) => Sarif.Location

/**
 * Frame locations for one SARIF log. Each finding's frames appear twice (code flow and stack), and
 * the same files in thousands of frames: each frame and each file is turned into a location once,
 * and the log refers to the one object (JSON.stringify writes it out where it appears).
 */
function frameLocator(workspace: string): FrameLocator {
  const byFrame = new WeakMap<Frame, Sarif.Location>()
  const uris = new Map<string, string>()
  const uriOf = (relative: string): string => {
    let uri = uris.get(relative)
    if (uri === undefined) {
      uri = relativeUri(relative)
      uris.set(relative, uri)
    }
    return uri
  }
  const locate = (frame: Frame): Sarif.Location => {
    const message = { text: frameText(frame) }
    const region = frame.line !== undefined ? { startLine: frame.line } : undefined
    const inWorkspace = workspaceRelativePath(frame, workspace)
    if (inWorkspace !== undefined) {
      return {
        physicalLocation: {
          artifactLocation: { uri: uriOf(inWorkspace), uriBaseId: SRCROOT },
          ...(region ? { region } : {})
        },
        message
      }
    }
    const outside = framePath(frame)
    if (outside !== undefined) {
      return {
        physicalLocation: {
          artifactLocation: { uri: fileUri(outside) },
          ...(region ? { region } : {})
        },
        message
      }
    }
    return { message }
  }
  return (frame) => {
    let location = byFrame.get(frame)
    if (location === undefined) {
      location = locate(frame)
      byFrame.set(frame, location)
    }
    return location
  }
}

/**
 * A stack as a code flow: in execution order (outermost call first, ending where the error
 * happened or the block was allocated), the user's frames marked important.
 */
function codeFlow(label: string, frames: readonly Frame[], locate: FrameLocator): Sarif.CodeFlow {
  const shown = [...visibleFrames(frames)].reverse()
  return {
    message: { text: label },
    threadFlows: [
      {
        locations: shown.map((frame, index) => ({
          location: locate(frame),
          ...(frame.obj !== undefined ? { module: frame.obj } : {}),
          nestingLevel: index,
          importance: isRuntimeFrame(frame) ? 'unimportant' : 'important'
        }))
      }
    ]
  }
}

function resultMessage(finding: Finding): string {
  const lines = [findingTitle(finding)]
  // The title carries an error's first line already; a leak's text adds its loss record.
  const what = finding.what.trim()
  if (finding.leak !== undefined || what.includes('\n')) lines.push(what)
  lines.push(...finding.notes, occurrenceText(finding))
  const tests = testsText(finding)
  if (tests !== undefined) lines.push(tests)
  return lines.join('\n')
}

function rule(
  tool: string,
  kind: string,
  category: FailCategory,
  failOn: ReadonlySet<FailCategory>
): Sarif.ReportingDescriptor {
  const help = kindHelp(kind)
  const label = kindLabel(kind)
  return {
    id: kind,
    name: kind.replace(/_/g, ''),
    shortDescription: { text: `${toolLabel(tool)}: ${label}` },
    fullDescription: { text: help.meaning },
    help: {
      text: `${help.meaning}\n\nUsual fix: ${help.fix}`,
      markdown: `${help.meaning}\n\n**Usual fix:** ${help.fix}\n\n[Valgrind manual](${kindManual(tool)})`
    },
    helpUri: kindManual(tool),
    defaultConfiguration: { level: level(category, failOn) },
    properties: {
      tags: ['valgrind', tool, category === 'errors' ? 'error' : 'leak'],
      precision: category === 'possible' ? 'medium' : 'high'
    }
  }
}

function result(
  finding: Finding,
  ruleIndex: number,
  input: SarifInput,
  locate: FrameLocator
): Sarif.Result | undefined {
  // Code scanning places every alert on a file of the repository: findings without a frame in
  // the workspace stay in the job summary and the JSON report only.
  if (finding.location === undefined) return undefined
  const primary: Sarif.Location = {
    physicalLocation: {
      artifactLocation: { uri: relativeUri(finding.location.file), uriBaseId: SRCROOT },
      region: { startLine: finding.location.line }
    }
  }
  const flows = [
    codeFlow(finding.what.split('\n')[0].trim(), finding.stack, locate),
    ...finding.auxStacks.map((aux) => codeFlow(aux.label, aux.frames, locate))
  ]
  const related: Sarif.Location[] = []
  finding.auxStacks.forEach((aux) => {
    const frame = aux.frames.find(
      (f) => !isRuntimeFrame(f) && f.line !== undefined && workspaceRelativePath(f, input.workspace)
    )
    if (frame === undefined) return
    related.push({
      ...locate(frame),
      id: related.length + 1,
      message: { text: `${aux.label} ${frameText(frame)}` }
    })
  })
  return {
    ruleId: finding.kind,
    ruleIndex,
    level: level(findingCategory(finding), input.failOn),
    message: { text: resultMessage(finding) },
    locations: [primary],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    // The stacks once, as code flows (what code scanning shows); SARIF `stacks` would repeat them.
    codeFlows: flows,
    ...(finding.fingerprint !== undefined
      ? { partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint } }
      : {}),
    ...(input.withBaseline && finding.baseline !== undefined
      ? { baselineState: finding.baseline }
      : {}),
    properties: {
      occurrences: finding.occurrences,
      processes: finding.processCount,
      ...(finding.leak !== undefined
        ? { leakedBytes: finding.leak.bytes, leakedBlocks: finding.leak.blocks }
        : {}),
      ...(finding.tests.length > 0 ? { tests: finding.tests.map(testLabel) } : {})
    }
  }
}

function run(tool: string, input: SarifInput): Sarif.Run {
  const findings = input.findings.filter((finding) => finding.tool === tool)
  const rules: Sarif.ReportingDescriptor[] = []
  const ruleIndex = new Map<string, number>()
  const results: Sarif.Result[] = []
  const locate = frameLocator(input.workspace)
  const maxResults = input.maxResultsPerRun ?? SARIF_RESULTS_PER_RUN
  let omitted = 0
  for (const finding of findings) {
    if (results.length >= maxResults) {
      if (finding.location !== undefined) omitted++
      continue
    }
    let index = ruleIndex.get(finding.kind)
    if (index === undefined) {
      index = rules.length
      ruleIndex.set(finding.kind, index)
      rules.push(rule(tool, finding.kind, findingCategory(finding), input.failOn))
    }
    const entry = result(finding, index, input, locate)
    if (entry !== undefined) results.push(entry)
  }
  return {
    tool: {
      driver: {
        name: `Valgrind ${toolLabel(tool)}`,
        ...(input.valgrindVersion !== undefined ? { version: input.valgrindVersion } : {}),
        informationUri: 'https://valgrind.org/',
        rules
      }
    },
    originalUriBaseIds: { [SRCROOT]: { uri: fileUri(input.workspace.replace(/\/?$/, '/')) } },
    invocations: [
      {
        executionSuccessful: (input.problems ?? []).length === 0,
        commandLine: input.commandLine,
        toolExecutionNotifications: [
          ...(input.problems ?? []).map((text) => ({
            level: 'error' as const,
            message: { text }
          })),
          ...(omitted > 0
            ? [
                {
                  level: 'warning' as const,
                  message: { text: omittedResultsText(omitted, maxResults) }
                }
              ]
            : [])
        ]
      }
    ],
    results,
    columnKind: 'utf16CodeUnits'
  }
}

/** Why a run holds fewer results than findings. */
export function omittedResultsText(omitted: number, kept: number): string {
  return `${omitted} more finding${omitted === 1 ? '' : 's'} left out of the SARIF file: code scanning keeps the ${kept} most severe results of a run (and rejects a run of over 25,000). The JSON report lists every finding.`
}

export function buildSarif(input: SarifInput): Sarif.Log {
  const tools = [...input.tools]
  for (const finding of input.findings) if (!tools.includes(finding.tool)) tools.push(finding.tool)
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: tools.map((tool) => run(tool, input)) }
}

export function writeSarif(file: string, log: Sarif.Log): void {
  // Compact: the file is for code scanning, not for reading, and indenting a log of thousands of
  // results costs about as long as building it.
  fs.writeFileSync(file, JSON.stringify(log) + '\n')
}
