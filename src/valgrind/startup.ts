// When a pass produced no usable XML, says why in valgrind's own words: an option of the user's
// that turns the XML off or sends it elsewhere, or valgrind refusing to start (an unknown option
// or tool, a suppressions file that is a directory or malformed). The message is got by starting
// valgrind again with the same options on `true`: cheap, and only on this failure path.
import { execFile } from 'node:child_process'
import { lastOption } from './args.js'

/** What valgrind printed when it refused to start, without its `==pid==` prefixes and banners. */
export function valgrindStartupMessage(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) =>
      line
        .replace(/^==\d+==\s?/, '')
        .replace(/^valgrind:\s*/, '')
        .trim()
    )
    .filter((line) => line !== '')
    .filter((line) => !/^Use --help for more information/.test(line))
    .filter((line) => !/^exiting now\.?$/.test(line))
  return lines.length > 0 ? lines.join(' ') : undefined
}

/**
 * What valgrind's launcher said when it could not start the tool for the program (a binary for
 * another platform: `valgrind: failed to start tool 'memcheck' for platform 'arm64-linux': ...`),
 * from the start of the command's stderr; undefined when it said nothing. Its lines come first
 * and start with `valgrind: `; only asked when no XML file was written at all, so a program (which
 * runs only after valgrind wrote its XML preamble) cannot put words in valgrind's mouth there.
 */
export function launcherRefusal(stderrHead: string | undefined): string | undefined {
  const lines: string[] = []
  for (const line of (stderrHead ?? '').split('\n')) {
    if (!line.startsWith('valgrind: ')) break
    lines.push(line)
  }
  return lines.length > 0 ? valgrindStartupMessage(lines.join('\n')) : undefined
}

/**
 * An option of the user's that keeps the action from reading valgrind's XML, from valgrind's argv
 * (the last occurrence of an option wins, as in valgrind), or undefined.
 */
export function xmlOptionProblem(
  valgrindArgv: readonly string[],
  expectedXmlFile: string
): string | undefined {
  if (lastOption(valgrindArgv, 'xml') === 'no') {
    return `valgrind-args turns valgrind's XML off (--xml=no), and the action reads every finding from that XML: nothing was checked. Remove --xml=no.`
  }
  const xmlFile = lastOption(valgrindArgv, 'xml-file')
  if (xmlFile !== undefined && xmlFile !== expectedXmlFile) {
    return `valgrind-args sends valgrind's XML to '${xmlFile}', where the action does not read it: nothing was checked. Remove --xml-file (each process's file is kept in the output 'xml-dir').`
  }
  const xmlFd = lastOption(valgrindArgv, 'xml-fd')
  if (xmlFd !== undefined && xmlFile === undefined) {
    return `valgrind-args sends valgrind's XML to file descriptor ${xmlFd}, where the action does not read it: nothing was checked. Remove --xml-fd.`
  }
  return undefined
}

/**
 * Starts valgrind with `options` on `true`: when it refuses to start, its message (else
 * undefined). Never throws.
 */
export async function valgrindRefusal(
  executable: string,
  options: readonly string[],
  cwd: string
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      executable,
      [...options, 'true'],
      { cwd, encoding: 'utf8', timeout: 60_000 },
      (error, _stdout, stderr) => {
        if (error === null) return resolve(undefined)
        resolve(valgrindStartupMessage(stderr) ?? `exit status ${String(error.code)}`)
      }
    )
  })
}
