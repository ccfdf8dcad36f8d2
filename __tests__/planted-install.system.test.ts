// A self-hosted runner keeps its tool cache between jobs, and an earlier job's code under test
// can write there. A `bin/valgrind` planted with a marker file under
// RUNNER_TOOL_CACHE/valgrind/<version>/<arch> must be neither run nor put on PATH: through
// dist/index.js, with the release's download refused (404) so that nothing is built.
// System test: on Debian/Ubuntu the install path may call apt for libc6-dbg.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction } from './support/run-action.js'
import { parseRunnerLog } from './support/runner-log.js'
import { serveDirectory, TEST_RELEASE } from './support/valgrind-tarball.js'

const describeSystem = process.env.SYSTEM_TESTS ? describe : describe.skip

describeSystem('a valgrind planted in the tool cache', () => {
  it('is not trusted: not run, not put on PATH', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-planted-'))
    const toolCache = path.join(scratch, 'tool-cache')
    const arch = os.arch()
    const prefix = path.join(toolCache, 'valgrind', TEST_RELEASE, arch)
    const ran = path.join(scratch, 'planted-valgrind-ran')
    fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true })
    // Answers --version like the real one, then runs the real valgrind: it would pass every probe.
    fs.writeFileSync(
      path.join(prefix, 'bin', 'valgrind'),
      `#!/bin/sh\necho "$@" >> '${ran}'\nif [ "$1" = --version ]; then echo valgrind-${TEST_RELEASE}; exit 0; fi\nexec /usr/bin/valgrind "$@"\n`,
      { mode: 0o755 }
    )
    fs.writeFileSync(`${prefix}.complete`, '')
    // The marker names the release's real checksum, as a plant copied from a real build would.
    const { KNOWN_TARBALL_SHA256 } = await import('../src/install/releases.js')
    fs.writeFileSync(
      path.join(prefix, 'valgrind-action.json'),
      JSON.stringify({ version: TEST_RELEASE, sha256: KNOWN_TARBALL_SHA256[TEST_RELEASE], prefix })
    )

    const empty = fs.mkdtempSync(path.join(scratch, 'mirror-'))
    const server = await serveDirectory(empty)
    const workspace = fs.mkdtempSync(path.join(scratch, 'ws-'))
    try {
      const run = await runAction(
        {
          command: '/bin/true',
          'valgrind-version': TEST_RELEASE,
          install: 'auto',
          cache: 'false',
          upload: 'false'
        },
        {
          workspace,
          env: {
            RUNNER_TOOL_CACHE: toolCache,
            VALGRIND_ACTION_DOWNLOAD_BASE: server.base
          }
        }
      )
      expect(fs.existsSync(ran)).toBe(false)
      const addPaths = parseRunnerLog(run.stdout).commands.filter((c) => c.command === 'add-path')
      expect(addPaths).toEqual([])
      expect(run.exitCode).toBe(1)
      expect(run.failure).toContain(
        `Could not download ${server.base}/valgrind-${TEST_RELEASE}.tar.bz2`
      )
      expect(run.failure).toContain('has no manifest of a build by this action; not trusted')
      // The plant is gone from the tool cache: a later job does not meet it again.
      expect(fs.existsSync(path.join(prefix, 'bin', 'valgrind'))).toBe(false)
    } finally {
      await server.close()
    }
  })
})
