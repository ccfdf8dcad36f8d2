// `npm start`: compiles the C programs under examples/ and runs the bundled action on each one
// with a GitHub-runner-like environment, then shows what a reviewer would see: the annotations,
// the outputs and the job summary Markdown.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { repoRoot, runAction } from './local-runner.js'

const examples = path.join(repoRoot, 'examples')
const build = path.join(examples, 'build')
fs.mkdirSync(build, { recursive: true })
if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
  console.error('dist/index.js is missing: run `npm run build` first.')
  process.exit(2)
}

let failures = 0
for (const source of fs
  .readdirSync(examples)
  .filter((name) => name.endsWith('.c'))
  .sort()) {
  const name = source.replace(/\.c$/, '')
  execFileSync(
    'gcc',
    ['-g', '-O0', '-o', path.join('examples', 'build', name), path.join('examples', source)],
    {
      cwd: repoRoot,
      stdio: 'inherit'
    }
  )
  console.log(`\n======== examples/${source} ========`)
  const run = await runAction(
    { command: `./examples/build/${name}`, 'track-origins': 'true' },
    { workspace: repoRoot }
  )
  console.log(`Step ${run.exitCode === 0 ? 'passed' : 'failed'} (exit status ${run.exitCode}).`)
  if (run.failure) console.log(`Failure message: ${run.failure}`)
  console.log(`\nAnnotations (${run.annotations.length}):`)
  for (const a of run.annotations) {
    console.log(`  ${a.level.padEnd(7)} ${a.file}:${a.line}  ${a.title}`)
  }
  console.log('\nOutputs:')
  for (const [key, value] of Object.entries(run.outputs)) console.log(`  ${key} = ${value}`)
  console.log(`\nJob summary (${run.summaryFile}):\n`)
  console.log(run.summary)
  // leaky and overrun are meant to fail, clean to pass.
  if ((run.exitCode === 0) !== (name === 'clean')) failures += 1
}
if (failures > 0) {
  console.error(`${failures} example(s) did not end as expected.`)
  process.exit(1)
}
console.log('All examples ended as expected: leaky and overrun fail the step, clean passes.')
