// Recognizes the cargo commands that run Rust tests: `cargo [+toolchain] [cargo options] test …`
// and `cargo [+toolchain] [cargo options] nextest [options] run …` (also `cargo t`, `cargo nextest r`
// and the `cargo-nextest nextest run` form). Pure: words in, a description out.
import * as path from 'node:path'
import { InputError } from '../config.js'

export type CargoTestMode = 'nextest' | 'cargo-test'

export interface CargoTestCommand {
  mode: CargoTestMode
  /** `+nightly` etc., when given: the same toolchain is asked for its host triple. */
  toolchain?: string
  /** Index in the command of the word after `run` (nextest): where the action's options go. */
  insertAt: number
  /** Triples named with `--target` (cross builds): the runner is set for them too. */
  targets: string[]
}

/** Cargo's global options that take a value (`cargo --config k=v test`). */
const CARGO_VALUE_OPTIONS = new Set(['--config', '-Z', '-C', '--color', '--explain'])
/** Options of `cargo nextest` that may come before `run` and take a value. */
const NEXTEST_VALUE_OPTIONS = new Set([
  '--color',
  '--manifest-path',
  '--config-file',
  '--tool-config-file',
  '--profile',
  '-P'
])

function isCargo(word: string): boolean {
  const name = path.basename(word)
  return name === 'cargo' || name === 'cargo.exe'
}

function isCargoNextest(word: string): boolean {
  const name = path.basename(word)
  return name === 'cargo-nextest' || name === 'cargo-nextest.exe'
}

/** Skips options (and the values of those that take one) from `start`; returns the next word's index. */
function skipOptions(words: readonly string[], start: number, takesValue: Set<string>): number {
  let index = start
  while (index < words.length && words[index].startsWith('-') && words[index] !== '--') {
    const option = words[index]
    index += takesValue.has(option) ? 2 : 1
  }
  return index
}

/** `--target x86_64-unknown-linux-gnu` / `--target=…` before a `--`; JSON target specs are skipped. */
function targetTriples(words: readonly string[], from: number): string[] {
  const triples: string[] = []
  for (let index = from; index < words.length && words[index] !== '--'; index++) {
    const word = words[index]
    const value =
      word === '--target'
        ? words[index + 1]
        : word.startsWith('--target=')
          ? word.slice('--target='.length)
          : undefined
    if (value !== undefined && /^[A-Za-z0-9_.-]+$/.test(value) && !value.endsWith('.json')) {
      triples.push(value)
    }
  }
  return triples
}

function nextestRun(
  words: readonly string[],
  afterNextest: number,
  toolchain: string | undefined
): CargoTestCommand {
  const subcommand = skipOptions(words, afterNextest, NEXTEST_VALUE_OPTIONS)
  const name = words[subcommand]
  if (name === 'run' || name === 'r') {
    return {
      mode: 'nextest',
      toolchain,
      insertAt: subcommand + 1,
      targets: targetTriples(words, subcommand + 1)
    }
  }
  throw new InputError(
    `Input 'command': 'cargo nextest ${name ?? ''}' does not run tests under valgrind. Accepted Rust commands: 'cargo nextest run [options]' or 'cargo test [options]'; anything else is run as a plain program.`
  )
}

/**
 * The cargo test command `command` is, or undefined when it is something else (a plain program,
 * or another cargo subcommand such as `cargo run`, which the action runs as a program).
 * Throws an InputError for `cargo nextest <subcommand>` other than `run`: it would run no test.
 */
export function parseCargoTestCommand(command: readonly string[]): CargoTestCommand | undefined {
  if (command.length === 0) return undefined
  if (isCargoNextest(command[0])) {
    // `cargo-nextest nextest run …`: what cargo execs for `cargo nextest run …`.
    return command[1] === 'nextest' ? nextestRun(command, 2, undefined) : undefined
  }
  if (!isCargo(command[0])) return undefined
  let index = 1
  let toolchain: string | undefined
  if (command[index]?.startsWith('+')) {
    toolchain = command[index]
    index++
  }
  index = skipOptions(command, index, CARGO_VALUE_OPTIONS)
  const subcommand = command[index]
  if (subcommand === 'test' || subcommand === 't') {
    return {
      mode: 'cargo-test',
      toolchain,
      insertAt: index + 1,
      targets: targetTriples(command, index + 1)
    }
  }
  if (subcommand === 'nextest') return nextestRun(command, index + 1, toolchain)
  return undefined
}

/** The environment variable that sets cargo's target runner for a triple. */
export function runnerVariable(triple: string): string {
  return `CARGO_TARGET_${triple.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_RUNNER`
}

/** The host triple from `rustc -vV` output (`host: x86_64-unknown-linux-gnu`). */
export function hostTripleFromRustcVersion(output: string): string | undefined {
  return /^host:\s*(\S+)\s*$/m.exec(output)?.[1]
}

/** A fallback when rustc cannot be asked: the triple rustup installs for this machine. */
export function defaultHostTriple(
  arch: string = process.arch,
  platform: string = process.platform
): string | undefined {
  const cpu = ({ x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', riscv64: 'riscv64gc' } as const)[
    arch as 'x64'
  ]
  if (cpu === undefined) return undefined
  if (platform === 'linux') return `${cpu}-unknown-linux-gnu`
  if (platform === 'darwin') return `${cpu}-apple-darwin`
  return undefined
}

/** Options by which the user already chose how a failing test affects the rest. */
const FAIL_FAST_CHOICE = /^--(no-fail-fast|fail-fast|max-fail)(=|$)/

/**
 * The command with `--no-fail-fast` right after `test` / `nextest run`, unless the user chose
 * otherwise (`--no-fail-fast`, `--fail-fast`, `--max-fail` before a `--`): with valgrind failing
 * each process it finds errors in, one such test must not hide the others.
 */
export function withNoFailFast(command: readonly string[], parsed: CargoTestCommand): string[] {
  const end = command.indexOf('--', parsed.insertAt)
  const options = command.slice(parsed.insertAt, end === -1 ? undefined : end)
  if (options.some((word) => FAIL_FAST_CHOICE.test(word))) return [...command]
  return [...command.slice(0, parsed.insertAt), '--no-fail-fast', ...command.slice(parsed.insertAt)]
}
