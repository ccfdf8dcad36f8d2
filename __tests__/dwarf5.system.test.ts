// A valgrind that cannot read DWARF 5, for real: Ubuntu 22.04's runners ship valgrind 3.18, and
// binaries built by current compilers carry DWARF 5, so stacks come out without lines and nothing
// is annotated. Valgrind 3.18 is in no archive this machine reaches; Debian 11's valgrind 3.16.1
// fails the same way ("parse_CU_Header: is neither DWARF2 nor DWARF3 nor DWARF4"). Its package is
// fetched once from Debian's pool (pinned by sha256), unpacked with dpkg -x into .cache/ (nothing
// is installed), and put first on PATH for the action, with VALGRIND_LIB pointing at its tools.
// Downloads: runs with SYSTEM_TESTS=1 only (`npm run test:system`).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction } from './support/run-action.js'
import { sha256Of, testCacheDir } from './support/valgrind-tarball.js'

const PACKAGE_URL = 'http://deb.debian.org/debian/pool/main/v/valgrind/valgrind_3.16.1-1_amd64.deb'
const PACKAGE_SHA256 = '843a2b9740fb71c7e9967e9fb45615477ce03831408bea9cdd734876771f2f05'

/** Debian 11's valgrind 3.16.1, unpacked: its launcher and the directory of its tools. */
async function oldValgrind(): Promise<{ bin: string; lib: string }> {
  const root = path.join(testCacheDir, 'valgrind-3.16.1')
  const bin = path.join(root, 'usr', 'bin')
  const lib = path.join(root, 'usr', 'lib', 'x86_64-linux-gnu', 'valgrind')
  if (!fs.existsSync(path.join(lib, 'memcheck-amd64-linux'))) {
    fs.mkdirSync(testCacheDir, { recursive: true })
    const deb = path.join(testCacheDir, path.basename(PACKAGE_URL))
    if (!fs.existsSync(deb) || sha256Of(deb) !== PACKAGE_SHA256) {
      const response = await fetch(PACKAGE_URL)
      if (!response.ok) throw new Error(`${PACKAGE_URL}: HTTP ${response.status}`)
      fs.writeFileSync(deb, Buffer.from(await response.arrayBuffer()))
    }
    const got = sha256Of(deb)
    if (got !== PACKAGE_SHA256) {
      throw new Error(`${deb}: sha256 ${got}, expected ${PACKAGE_SHA256}`)
    }
    fs.rmSync(root, { recursive: true, force: true })
    execFileSync('dpkg', ['-x', deb, root])
  }
  return { bin, lib }
}

const SOURCE = [
  '#include <stdlib.h>',
  'int main(void) {',
  '  char *block = malloc(10);',
  '  block[10] = 1; /* line 4: invalid write */',
  '  free(block);',
  '  return 0;',
  '}',
  ''
].join('\n')
const WRITE_LINE = 4

const itOnX64 = process.arch === 'x64' ? it : it.skip

describe('a valgrind that cannot read DWARF 5 (Debian 11 valgrind 3.16.1, as Ubuntu 22.04)', () => {
  let valgrind: { bin: string; lib: string }
  let workspace: string
  beforeAll(async () => {
    if (process.arch !== 'x64') return
    valgrind = await oldValgrind()
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-dwarf5-'))
    fs.writeFileSync(path.join(workspace, 'write.c'), SOURCE)
    // gcc 12 writes DWARF 5 by default; -gdwarf-4 is the fix the warning offers besides a newer valgrind.
    execFileSync('gcc', ['-g', '-O0', '-o', 'dwarf5', 'write.c'], { cwd: workspace })
    execFileSync('gcc', ['-gdwarf-4', '-O0', '-o', 'dwarf4', 'write.c'], { cwd: workspace })
  }, 300000)
  afterAll(() => {
    if (workspace !== undefined) fs.rmSync(workspace, { recursive: true, force: true })
  })

  const run = (program: string) =>
    runAction(
      { command: `./${program}`, upload: 'false', sarif: 'false' },
      {
        workspace,
        env: { PATH: `${valgrind.bin}:${process.env.PATH ?? ''}`, VALGRIND_LIB: valgrind.lib }
      }
    )

  itOnX64(
    'a DWARF 5 binary: the error still fails the step, and the warning names the cause and both fixes',
    async () => {
      const result = await run('dwarf5')
      expect(result.stdout).toContain('valgrind 3.16.1 at ')
      expect(result.exitCode).toBe(1)
      expect(result.failure).toContain('1 memory error')
      // No frame has a line: nothing can be placed on the source.
      expect(result.annotations).toEqual([])
      const dwarf = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('::warning::') && line.includes('DWARF 5'))
      expect(dwarf).toHaveLength(1)
      expect(dwarf[0]).toContain(`${path.join(workspace, 'dwarf5')} have no source line`)
      expect(dwarf[0]).toContain('valgrind 3.16.1 cannot read')
      expect(dwarf[0]).toContain("valgrind-version: '>=3.22'")
      expect(dwarf[0]).toContain('-gdwarf-4')
      expect(result.summary).toContain('### Warnings')
      expect(result.summary).toContain('carries DWARF 5 debug information')
    },
    120000
  )

  itOnX64(
    'the same program built with -gdwarf-4: annotated on its line, and no DWARF warning',
    async () => {
      const result = await run('dwarf4')
      expect(result.exitCode).toBe(1)
      const errors = result.annotations.filter((a) => a.level === 'error')
      expect(errors.map((a) => [a.file, a.line])).toEqual([['write.c', WRITE_LINE]])
      expect(result.stdout).not.toContain('DWARF 5')
      expect(result.summary).not.toContain('DWARF 5')
    },
    120000
  )
})
