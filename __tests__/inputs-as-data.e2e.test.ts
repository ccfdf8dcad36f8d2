// End to end: inputs and debug information are data. A line number that is not a line of the
// file never becomes an annotation; inputs that only look like values are refused with a message
// that says what is accepted.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction } from './support/run-action.js'
import { runnerAnnotations } from './support/runner-log.js'

// `#line` makes the debug information give a line far beyond the end of the file.
const PROGRAM = `#include <stdlib.h>
char *leak(void) {
#line 500
  return malloc(10);
}
#line 7
int main(void) { return leak() == 0; }
`

describe('a line number beyond the end of the file', () => {
  it('is not annotated; the finding goes to the next frame in the workspace', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-lines-'))
    fs.mkdirSync(path.join(workspace, 'src'))
    fs.writeFileSync(path.join(workspace, 'src', 'lines.c'), PROGRAM)
    execFileSync('gcc', ['-g', '-O0', '-o', 'src/lines', 'src/lines.c'], { cwd: workspace })
    const run = await runAction({ command: './src/lines', upload: 'false' }, { workspace })

    expect(run.outputs.findings).toBe('1')
    const annotations = runnerAnnotations(run.stdout).filter((a) => a.file !== undefined)
    expect(annotations.map((a) => [a.file, a.line])).toEqual([['src/lines.c', '7']])
    // The stack in the message still shows what valgrind said: nothing is hidden.
    expect(annotations[0].message).toContain('leak (src/lines.c:500)')
  })
})

describe('inputs that are not what they look like', () => {
  let workspace: string
  beforeAll(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-inputs-'))
  })

  it.each([
    [
      { tool: ',' },
      /^Input 'tool': ',' names no tool\. Accepted: memcheck, helgrind, drd, callgrind/
    ],
    [
      { 'retention-days': '1e1' },
      /^Input 'retention-days': '1e1' must be a whole number of days from 1 to 90\./
    ],
    [{ 'retention-days': '7.0' }, /^Input 'retention-days': '7\.0' must be a whole number/]
  ])('%j fails the step with a clear message', async (inputs, message) => {
    const run = await runAction({ command: '/bin/true', ...inputs }, { workspace })
    expect(run.exitCode).toBe(1)
    expect(run.failure).toMatch(message)
    expect(run.failure).not.toMatch(/\n\s+at /)
  })
})
