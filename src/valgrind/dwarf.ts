// Valgrind before 3.22 (Ubuntu 22.04 ships 3.18) reads DWARF 5 debug information badly or not at
// all: frames of binaries built by current GCC, Clang or Rust come out as `???` or without a line.
// When a stack shows that, this finds the DWARF version the binary carries and gives the fix.
import * as fs from 'node:fs'
import type { Frame, ProcessRun } from '../model.js'
import { compareVersions } from '../install/version.js'

/** The first valgrind release that reads DWARF 5 as GCC 11+ writes it. */
export const DWARF5_VALGRIND = '3.22'

const SHF_COMPRESSED = 0x800

interface Section {
  is64: boolean
  offset: number
  size: number
  flags: number
}

function read(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length)
  const got = fs.readSync(fd, buffer, 0, length, offset)
  return buffer.subarray(0, got)
}

/** The `.debug_info` section header of an ELF file (little-endian, 32 or 64 bit), if any. */
function debugInfoSection(fd: number): Section | undefined {
  const header = read(fd, 0, 64)
  if (header.length < 52 || header.readUInt32BE(0) !== 0x7f454c46) return undefined
  const is64 = header[4] === 2
  if (header[5] !== 1) return undefined // big-endian: not on valgrind's Linux targets we run on
  const shoff = is64 ? Number(header.readBigUInt64LE(0x28)) : header.readUInt32LE(0x20)
  const shentsize = header.readUInt16LE(is64 ? 0x3a : 0x2e)
  const shnum = header.readUInt16LE(is64 ? 0x3c : 0x30)
  const shstrndx = header.readUInt16LE(is64 ? 0x3e : 0x32)
  if (shoff === 0 || shnum === 0 || shstrndx >= shnum) return undefined
  const table = read(fd, shoff, shentsize * shnum)
  const section = (index: number): Section & { name: number } => {
    const at = index * shentsize
    return is64
      ? {
          is64,
          name: table.readUInt32LE(at),
          flags: Number(table.readBigUInt64LE(at + 8)),
          offset: Number(table.readBigUInt64LE(at + 24)),
          size: Number(table.readBigUInt64LE(at + 32))
        }
      : {
          is64,
          name: table.readUInt32LE(at),
          flags: table.readUInt32LE(at + 8),
          offset: table.readUInt32LE(at + 16),
          size: table.readUInt32LE(at + 20)
        }
  }
  if (table.length < shentsize * shnum) return undefined
  const names = section(shstrndx)
  const strings = read(fd, names.offset, names.size)
  for (let index = 0; index < shnum; index++) {
    const candidate = section(index)
    const end = strings.indexOf(0, candidate.name)
    if (strings.toString('latin1', candidate.name, end) === '.debug_info') return candidate
  }
  return undefined
}

/**
 * The DWARF version of the first compilation unit of an ELF file's `.debug_info` (zlib-compressed
 * sections included), or undefined when it has none or cannot be read.
 */
export function dwarfVersion(file: string): number | undefined {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch {
    return undefined
  }
  try {
    const section = debugInfoSection(fd)
    if (section === undefined || section.size < 6) return undefined
    let unit = read(fd, section.offset, Math.min(section.size, 64))
    if (section.flags & SHF_COMPRESSED) {
      // Elf64_Chdr / Elf32_Chdr, then a zlib stream (ch_type 1); only its first bytes are needed.
      if (unit.readUInt32LE(0) !== 1) return undefined
      const headerSize = section.is64 ? 24 : 12
      const compressed = read(fd, section.offset + headerSize, Math.min(section.size, 4096))
      // Loaded here, not at start-up: only a run whose frames lack lines comes here (~5 ms to load).
      const zlib = process.getBuiltinModule('node:zlib')
      unit = zlib.inflateSync(compressed, { finishFlush: zlib.constants.Z_SYNC_FLUSH })
    }
    if (unit.length < 6) return undefined
    const offset = unit.readUInt32LE(0) === 0xffffffff ? 12 : 4
    return unit.length >= offset + 2 ? unit.readUInt16LE(offset) : undefined
  } catch {
    return undefined
  } finally {
    fs.closeSync(fd)
  }
}

/** Objects of frames valgrind could not give a source line for (shown as `???` or `in obj`). */
export function objectsWithoutLines(runs: readonly ProcessRun[], limit = 20): string[] {
  const objects = new Set<string>()
  const visit = (frames: readonly Frame[]): void => {
    for (const frame of frames) {
      if (objects.size >= limit) return
      if (frame.file === undefined && frame.obj !== undefined && !frame.obj.includes('vgpreload'))
        objects.add(frame.obj)
    }
  }
  for (const run of runs) {
    for (const finding of run.findings) {
      visit(finding.stack)
      for (const aux of finding.auxStacks) visit(aux.frames)
    }
    if (run.fatalSignal !== undefined) visit(run.fatalSignal.stack)
  }
  return [...objects]
}

/** Whether this valgrind is known to predate DWARF 5 support (an unknown version is not). */
export function predatesDwarf5(valgrindVersion: string | undefined): valgrindVersion is string {
  return valgrindVersion !== undefined && compareVersions(valgrindVersion, DWARF5_VALGRIND) < 0
}

/**
 * The warning for frames without lines in binaries that carry DWARF 5, when the valgrind that ran
 * predates DWARF 5 support; undefined otherwise. Pure: `objects` pairs each object with its version.
 */
export function dwarf5Advice(
  valgrindVersion: string | undefined,
  objects: readonly { obj: string; dwarf?: number }[]
): string | undefined {
  if (!predatesDwarf5(valgrindVersion)) return undefined
  const dwarf5 = objects.filter((object) => (object.dwarf ?? 0) >= 5).map((object) => object.obj)
  if (dwarf5.length === 0) return undefined
  const shown = dwarf5.slice(0, 3).join(', ') + (dwarf5.length > 3 ? ', …' : '')
  return `Stack frames in ${shown} have no source line: ${dwarf5.length === 1 ? 'it carries' : 'they carry'} DWARF 5 debug information, which valgrind ${valgrindVersion} cannot read (DWARF 5 is what GCC 11+, Clang 14+ and Rust emit by default). Use 'valgrind-version: '>=${DWARF5_VALGRIND}'' (the action installs or builds it), or compile with -gdwarf-4.`
}
