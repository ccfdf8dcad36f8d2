// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif). Pure: findings in, a
// SARIF log out; `writeSarif` is the thin writer. One run per valgrind tool, one rule per error
// kind, results at workspace-relative locations (`%SRCROOT%`), the stacks as code flows (what code
// scanning shows as the path to an alert; a frame without a source file with its module), fingerprints from
// analysis/identity so that an alert keeps its identity when lines are added above it.
import type * as Sarif from 'sarif'
import type { FailCategory, Finding, Frame } from '../model.js'
import { findingCategory } from '../analysis/findings.js'
import { framePath, workspaceRelativePath } from '../analysis/location.js'
import { isRuntimeFrame, visibleFrames } from '../analysis/runtime-frames.js'
import { FrameMemo } from '../analysis/frame-memo.js'
import {
  findingTitle,
  firstLine,
  kindLabel,
  occurrenceText,
  testLabel,
  testsText,
  toolLabel
} from './format.js'
import { kindHelp, kindManual } from './sarif-rules.js'
import { AHEAD_TEXT_CHARS } from './json.js'
import { writeTextFile } from './text-file.js'

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
  /** The stacks' texts worked out ahead, for this workspace (see SarifStacks). */
  stacks?: SarifStacks
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

// The log is written as JSON text from the start, not built as objects for JSON.stringify: the
// same frames recur in thousands of results, and writing each distinct frame once, then putting
// results together from those texts, takes a fraction of the time. The text is what JSON.stringify
// would write for the log as objects (compact, fields in the order below, undefined fields left
// out), every value from the findings passed through JSON.stringify for its escaping.
const json = JSON.stringify

/** What the log says of one distinct frame, as JSON text. */
interface FrameJson {
  /** A SARIF `physicalLocation`, when valgrind knew the frame's file. */
  physicalLocation?: string
  /** A user frame with a line in the workspace: what a related location points at. */
  userLine: boolean
  /**
   * The frame as a thread flow location, in two parts around its nesting level (its place in the
   * code flow, which differs between stacks): `head + nestingLevel + tail`.
   */
  flowHead: string
  flowTail: string
}

type FrameWriter = (frame: Frame) => FrameJson

/** The URIs of workspace files, each file's made once. */
function workspaceUris(): (relative: string) => string {
  const uris = new Map<string, string>()
  return (relative) => {
    let uri = uris.get(relative)
    if (uri === undefined) {
      uri = relativeUri(relative)
      uris.set(relative, uri)
    }
    return uri
  }
}

function frameJson(
  frame: Frame,
  workspace: string,
  uriOf: (relative: string) => string
): FrameJson {
  // A location in the workspace is relative to %SRCROOT%; one outside it is an absolute file URI.
  const inWorkspace = workspaceRelativePath(frame, workspace)
  const outside = inWorkspace === undefined ? framePath(frame) : undefined
  const artifactLocation =
    inWorkspace !== undefined
      ? `{"uri":${json(uriOf(inWorkspace))},"uriBaseId":${json(SRCROOT)}}`
      : outside !== undefined
        ? `{"uri":${json(fileUri(outside))}}`
        : undefined
  const region = frame.line !== undefined ? `,"region":{"startLine":${json(frame.line)}}` : ''
  const physicalLocation =
    artifactLocation !== undefined ? `{"artifactLocation":${artifactLocation}${region}}` : undefined
  const location = `{${physicalLocation !== undefined ? `"physicalLocation":${physicalLocation},` : ''}"message":{"text":${json(frameText(frame))}}}`
  const runtime = isRuntimeFrame(frame)
  // The binary or library only where no source file places the frame, as valgrind's own stacks
  // print it ("(in /usr/lib/libfoo.so)"): beside a file and line it would only repeat a path in
  // each of thousands of locations.
  const module =
    frame.obj !== undefined && frame.file === undefined ? `,"module":${json(frame.obj)}` : ''
  return {
    physicalLocation,
    userLine: !runtime && frame.line !== undefined && inWorkspace !== undefined,
    // Joined, not concatenated: V8 keeps a concatenation as a tree of its parts and walks the
    // tree again each time it copies the text into a result; a joined string is one flat piece.
    flowHead: ['{"location":', location, module, ',"nestingLevel":'].join(''),
    flowTail: `,"importance":${json(runtime ? 'unimportant' : 'important')}}`
  }
}

/** Frame texts for one log: each distinct frame (by what the texts say of it) written once. */
function frameWriter(workspace: string, uriOf: (relative: string) => string): FrameWriter {
  const write = (frame: Frame): FrameJson => frameJson(frame, workspace, uriOf)
  // Everything the texts say of a frame but its address, which names it only when nothing else
  // does (see frameText): such frames are written each time.
  const frames = new FrameMemo(['fn', 'obj', 'dir', 'file', 'line'], write)
  return (frame) =>
    frame.fn === undefined && frame.obj === undefined ? write(frame) : frames.of(frame)
}

/**
 * Appends a stack as a code flow: in execution order (outermost call first, ending where the
 * error happened or the block was allocated), the user's frames marked important.
 */
function writeCodeFlow(
  out: string[],
  labelJson: string,
  frames: readonly Frame[],
  write: FrameWriter
): void {
  const shown = visibleFrames(frames)
  out.push('{"message":{"text":', labelJson, '},"threadFlows":[{"locations":[')
  for (let index = 0; index < shown.length; index++) {
    const frame = write(shown[shown.length - 1 - index])
    out.push(index === 0 ? '' : ',', frame.flowHead, String(index), frame.flowTail)
  }
  out.push(']}]}')
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

/** A number as JSON.stringify writes it (null for NaN and the infinities), without calling it. */
function numberJson(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null'
}

/**
 * Texts that recur across the results of a run, each made once: a rule's first fields, the
 * primary location of a line, a stack's label (the same kind of error is labelled alike).
 */
interface RunTexts {
  stacks: SarifStacks
  primaryLocations: Map<string, Map<number, string>>
}

function primaryLocationJson(texts: RunTexts, file: string, line: number): string {
  let lines = texts.primaryLocations.get(file)
  if (lines === undefined) texts.primaryLocations.set(file, (lines = new Map()))
  let text = lines.get(line)
  if (text === undefined) {
    text = `{"physicalLocation":{"artifactLocation":{"uri":${json(texts.stacks.uriOf(file))},"uriBaseId":${json(SRCROOT)}},"region":{"startLine":${numberJson(line)}}}}`
    lines.set(line, text)
  }
  return text
}

type StackSource = Pick<Finding, 'what' | 'stack' | 'auxStacks'>

/**
 * What a result says of its stacks, as JSON text: the first frame of the user's code in the
 * workspace of each further stack ("Address ... alloc'd at") as a related location, and every stack
 * as a code flow. Made from the stacks and the workspace alone, so it can be made ahead: the
 * engine hands in each record as the XML follower reads it, while valgrind still runs. Kept by
 * stack: a finding keeps the stacks of its first record, and a record's stacks never change.
 */
export class SarifStacks {
  private readonly texts = new WeakMap<readonly Frame[], string>()
  private readonly write: FrameWriter
  /** Labels of stacks as JSON text (the same kind of error is labelled alike). */
  private readonly labels = new Map<string, string>()
  private preparedChars = 0
  /** Workspace files' URIs, each made once (for the results' primary locations too). */
  readonly uriOf = workspaceUris()

  constructor(
    readonly workspace: string,
    private readonly maxPreparedChars = AHEAD_TEXT_CHARS
  ) {
    this.write = frameWriter(workspace, this.uriOf)
  }

  /**
   * Made ahead for the first records only, up to a budget of characters: a run writes its 5,000
   * most severe findings, which need not be the first ones read, and texts kept for all of 60,000
   * findings would only take memory.
   */
  prepare(record: StackSource): void {
    if (this.preparedChars >= this.maxPreparedChars || this.texts.has(record.stack)) return
    const text = this.stacksJson(record)
    this.preparedChars += text.length
    this.texts.set(record.stack, text)
  }

  of(finding: StackSource): string {
    return this.texts.get(finding.stack) ?? this.stacksJson(finding)
  }

  private labelJson(label: string): string {
    let text = this.labels.get(label)
    if (text === undefined) {
      text = json(label)
      this.labels.set(label, text)
    }
    return text
  }

  private stacksJson(finding: StackSource): string {
    const write = this.write
    const out: string[] = []
    // An aux stack's first user frame in the workspace, as a related location.
    let related = 0
    for (const aux of finding.auxStacks) {
      const frame = aux.frames.find((f) => write(f).userLine)
      if (frame === undefined) continue
      related++
      out.push(
        related === 1 ? ',"relatedLocations":[' : ',',
        `{"physicalLocation":${write(frame).physicalLocation},"message":{"text":${json(`${aux.label} ${frameText(frame)}`)}},"id":${numberJson(related)}}`
      )
    }
    if (related > 0) out.push(']')
    // The stacks once, as code flows (what code scanning shows); SARIF `stacks` would repeat them.
    out.push(',"codeFlows":[')
    writeCodeFlow(out, this.labelJson(firstLine(finding.what)), finding.stack, write)
    for (const aux of finding.auxStacks) {
      out.push(',')
      writeCodeFlow(out, this.labelJson(aux.label), aux.frames, write)
    }
    out.push(']')
    return out.join('')
  }
}

const FINGERPRINT_FIELD = `,"partialFingerprints":{${json(FINGERPRINT_KEY)}:`

/**
 * A finding as a SARIF result's JSON text; undefined for a finding outside the workspace. `head`
 * is the result's first fields (rule and level), the same for every finding of a rule and level.
 */
function resultJson(
  finding: Finding,
  head: string,
  input: SarifInput,
  texts: RunTexts
): string | undefined {
  // Code scanning places every alert on a file of the repository: findings without a frame in
  // the workspace stay in the job summary and the JSON report only.
  if (finding.location === undefined) return undefined
  // Concatenated, not joined: the stacks' text made ahead is not copied again here, only once
  // when a piece of the file is written.
  let text = `${head},"message":{"text":${json(resultMessage(finding))}},"locations":[${primaryLocationJson(texts, finding.location.file, finding.location.line)}]`
  text += texts.stacks.of(finding)
  if (finding.fingerprint !== undefined) {
    text += `${FINGERPRINT_FIELD}${json(finding.fingerprint)}}`
  }
  if (input.withBaseline && finding.baseline !== undefined) {
    text += `,"baselineState":${json(finding.baseline satisfies Sarif.Result.baselineState)}`
  }
  // Sarif.PropertyBag: how often, in how many processes, the leak's size, the tests.
  text += `,"properties":{"occurrences":${numberJson(finding.occurrences)},"processes":${numberJson(finding.processCount)}`
  if (finding.leak !== undefined) {
    text += `,"leakedBytes":${numberJson(finding.leak.bytes)},"leakedBlocks":${numberJson(finding.leak.blocks)}`
  }
  if (finding.tests.length > 0) text += `,"tests":${json(finding.tests.map(testLabel))}`
  return `${text}}}`
}

/** One run of the log as JSON text: what comes before its results, the results, what follows. */
export interface SarifRun {
  head: string
  results: readonly string[]
  tail: string
}

function runJson(tool: string, input: SarifInput): SarifRun {
  const findings = input.findings.filter((finding) => finding.tool === tool)
  const rules: Sarif.ReportingDescriptor[] = []
  // Per kind: its rule's index, and its results' first fields per level.
  const ruleOf = new Map<string, { index: number; heads: Map<Sarif.Result.level, string> }>()
  const results: string[] = []
  const texts: RunTexts = {
    stacks:
      input.stacks?.workspace === input.workspace ? input.stacks : new SarifStacks(input.workspace),
    primaryLocations: new Map()
  }
  const maxResults = input.maxResultsPerRun ?? SARIF_RESULTS_PER_RUN
  let omitted = 0
  for (const finding of findings) {
    if (results.length >= maxResults) {
      if (finding.location !== undefined) omitted++
      continue
    }
    let kindRule = ruleOf.get(finding.kind)
    if (kindRule === undefined) {
      kindRule = { index: rules.length, heads: new Map() }
      ruleOf.set(finding.kind, kindRule)
      rules.push(rule(tool, finding.kind, findingCategory(finding), input.failOn))
    }
    const resultLevel = level(findingCategory(finding), input.failOn)
    let head = kindRule.heads.get(resultLevel)
    if (head === undefined) {
      head = `{"ruleId":${json(finding.kind)},"ruleIndex":${numberJson(kindRule.index)},"level":${json(resultLevel)}`
      kindRule.heads.set(resultLevel, head)
    }
    const entry = resultJson(finding, head, input, texts)
    if (entry !== undefined) results.push(entry)
  }
  const driver: Sarif.ToolComponent = {
    name: `Valgrind ${toolLabel(tool)}`,
    ...(input.valgrindVersion !== undefined ? { version: input.valgrindVersion } : {}),
    informationUri: 'https://valgrind.org/',
    rules
  }
  const invocation: Sarif.Invocation = {
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
  const baseIds: Sarif.Run['originalUriBaseIds'] = {
    [SRCROOT]: { uri: fileUri(input.workspace.replace(/\/?$/, '/')) }
  }
  const columnKind: Sarif.Run['columnKind'] = 'utf16CodeUnits'
  return {
    head: `{"tool":${json({ driver })},"originalUriBaseIds":${json(baseIds)},"invocations":${json([invocation])},"results":[`,
    results,
    tail: `],"columnKind":${json(columnKind)}}`
  }
}

/** Why a run holds fewer results than findings. */
export function omittedResultsText(omitted: number, kept: number): string {
  return `${omitted} more finding${omitted === 1 ? '' : 's'} left out of the SARIF file: code scanning keeps the ${kept} most severe results of a run (and rejects a run of over 25,000). The JSON report lists every finding.`
}

/**
 * The SARIF log as the JSON text written to the file (nothing in the action reads it back), in
 * pieces: each run's results as their texts, which callers count. Written as text from the start:
 * building the log as objects and JSON.stringify-ing them took several times as long for thousands
 * of findings, every frame object written out again in every result. Compact: the file is for code
 * scanning, not for reading.
 */
export interface SarifLog {
  runs: readonly SarifRun[]
}

export function buildSarif(input: SarifInput): SarifLog {
  const tools = [...input.tools]
  for (const finding of input.findings) if (!tools.includes(finding.tool)) tools.push(finding.tool)
  return { runs: tools.map((tool) => runJson(tool, input)) }
}

/** Characters of results joined into one piece of the text at most (beyond one result's own). */
const CHUNK_CHARS = 1 << 20

/**
 * The log's JSON text in pieces of about a megabyte, in order. The file is written piece by piece:
 * a log of thousands of results is never copied into one string, then into one buffer.
 */
export function* sarifChunks(log: SarifLog): Generator<string> {
  yield `{"$schema":${json(SARIF_SCHEMA)},"version":"2.1.0","runs":[`
  for (let runIndex = 0; runIndex < log.runs.length; runIndex++) {
    const run = log.runs[runIndex]
    yield `${runIndex === 0 ? '' : ','}${run.head}`
    let piece = ''
    for (let index = 0; index < run.results.length; index++) {
      piece += index === 0 ? run.results[index] : `,${run.results[index]}`
      if (piece.length >= CHUNK_CHARS || index === run.results.length - 1) {
        yield piece
        piece = ''
      }
    }
    yield run.tail
  }
  yield ']}'
}

/** The whole text of the log. */
export function sarifText(log: SarifLog): string {
  return [...sarifChunks(log)].join('')
}

/** Writes the log to `file`. On failure the partial file is removed and the error thrown. */
export async function writeSarif(file: string, log: SarifLog): Promise<void> {
  await writeTextFile(file, sarifFileChunks(log))
}

function* sarifFileChunks(log: SarifLog): Generator<string> {
  yield* sarifChunks(log)
  yield '\n'
}
