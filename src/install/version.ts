// Valgrind version strings and the `valgrind-version` input's specs, as plain functions.
import { InputError } from '../errors.js'

/** `valgrind --version` prints e.g. "valgrind-3.19.0", "valgrind-3.22.0.GIT" or "valgrind-3.18.1-Debian". */
export function parseValgrindVersion(text: string): string | undefined {
  const match = /valgrind-(\d+\.\d+(?:\.\d+)?)/.exec(text)
  return match?.[1]
}

/** The upstream part of a Debian package version: "1:3.19.0-1" → "3.19.0", "1:3.22.0-0ubuntu3" → "3.22.0". */
export function upstreamOfDebianVersion(debianVersion: string): string | undefined {
  const match = /^(?:\d+:)?(\d+\.\d+(?:\.\d+)?)/.exec(debianVersion.trim())
  return match?.[1]
}

/** Numeric comparison of dotted versions; missing parts count as 0 ("3.22" == "3.22.0"). */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0)
    if (difference !== 0) return Math.sign(difference)
  }
  return 0
}

export type VersionSpec =
  | { kind: 'system' }
  | { kind: 'minimum'; version: string }
  /** "3.26.0" is that release; "3.26" is any 3.26.x. */
  | { kind: 'exact'; version: string }

/**
 * The `valgrind-version` input: `system` (or nothing), a minimum `>=3.22` (`>= 3.22`), or an exact
 * release `3.26.0` or series `3.26`. The one reader of the grammar: config.ts checks the input with
 * it, and the installer reads what config.ts kept.
 */
export function parseVersionSpec(spec: string): VersionSpec {
  const value = spec.trim()
  if (value === '' || value === 'system') return { kind: 'system' }
  const match = /^(>=)?\s*(\d+\.\d+(?:\.\d+)?)$/.exec(value)
  if (match === null) {
    throw new InputError(
      `Input 'valgrind-version': '${spec}' is not understood. Accepted: system, a minimum like >=3.22, or an exact release like 3.26.0.`
    )
  }
  return match[1] !== undefined
    ? { kind: 'minimum', version: match[2] }
    : { kind: 'exact', version: match[2] }
}

/** A spec as `Config.valgrindVersion` holds it, without spaces: `system`, `>=3.22`, `3.26.0`. */
export function formatVersionSpec(spec: VersionSpec): string {
  switch (spec.kind) {
    case 'system':
      return 'system'
    case 'minimum':
      return `>=${spec.version}`
    case 'exact':
      return spec.version
  }
}

/** Whether an installed version meets the `valgrind-version` input. */
export function satisfies(version: string, spec: string): boolean {
  const parsed = parseVersionSpec(spec)
  switch (parsed.kind) {
    case 'system':
      return true
    case 'minimum':
      return compareVersions(version, parsed.version) >= 0
    case 'exact': {
      const wanted = parsed.version.split('.')
      const have = version.split('.')
      // "3.26" pins the minor series; "3.26.0" pins the release.
      return wanted.every((part, i) => Number(part) === Number(have[i] ?? 0))
    }
  }
}
