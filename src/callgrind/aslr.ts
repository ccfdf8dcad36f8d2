// Address-space randomisation changes where the loader and the heap put things, and with it a few
// instructions here and there; with it off, the same binary and input give the same counts.
// `setarch -R` turns it off for one command where the kernel allows personality(ADDR_NO_RANDOMIZE)
// (some containers forbid it); when it does not work we run without it and say nothing.
import { execFile } from 'node:child_process'
import * as os from 'node:os'

let probed: Promise<string[]> | undefined

/**
 * The argv prefix that runs a command with address-space randomisation off (`['setarch',
 * '<arch>', '-R']`), or `[]` when setarch is missing or not permitted here. Probed once per process.
 */
export function noRandomizationPrefix(): Promise<string[]> {
  probed ??= probe()
  return probed
}

function probe(): Promise<string[]> {
  // setarch wants the architecture name as uname -m prints it.
  const arch = os.machine()
  const prefix = ['setarch', arch, '-R']
  return new Promise((resolve) => {
    execFile(prefix[0], [...prefix.slice(1), 'true'], { timeout: 10000 }, (error) =>
      resolve(error ? [] : prefix)
    )
  })
}
