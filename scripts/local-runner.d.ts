export const repoRoot: string

export interface WorkflowCommand {
  level: string
  title?: string
  file?: string
  line?: number
  message: string
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  summaryFile: string
  /** Annotations with a file (the findings). */
  annotations: WorkflowCommand[]
  /** The step's failure message (`::error::` without a file, from core.setFailed). */
  failure?: string
}

export function parseWorkflowCommands(stdout: string): WorkflowCommand[]
export function parseOutputFile(text: string): Record<string, string>
export function runAction(
  inputs: Record<string, string>,
  options: {
    workspace: string
    env?: Record<string, string>
    node?: string
    /** Arguments for node before the script, e.g. an --import preload. */
    nodeArgs?: string[]
    echo?: boolean
    /** Called with the node process once it started (e.g. to signal it as a runner cancels). */
    onSpawn?: (child: import('node:child_process').ChildProcessWithoutNullStreams) => void
  }
): Promise<ActionRun>
