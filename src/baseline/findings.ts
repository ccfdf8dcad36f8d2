// Findings against a baseline: new, still present (unchanged) or fixed, matched by the identity
// the SARIF fingerprints carry. This is the one place where a baseline changes what fails: an
// unchanged finding keeps its category but no longer fails the step, so the verdict and the
// annotations (error only when `failing`) follow without knowing about baselines.
import { compareFindings } from '../analysis/findings.js'
import type { Finding } from '../model.js'

export interface FindingComparison {
  /** The head's findings, each marked `baseline: 'new' | 'unchanged'`, sorted again. */
  findings: Finding[]
  /** Findings of the baseline that this run no longer has. */
  fixed: Finding[]
  newCount: number
  unchangedCount: number
}

export function compareWithBaseline(
  head: readonly Finding[],
  base: readonly Finding[]
): FindingComparison {
  const baseFingerprints = new Set(base.map((finding) => finding.fingerprint))
  const headFingerprints = new Set(head.map((finding) => finding.fingerprint))
  const findings = head
    .map((finding): Finding => {
      const unchanged = baseFingerprints.has(finding.fingerprint)
      return {
        ...finding,
        baseline: unchanged ? 'unchanged' : 'new',
        failing: finding.failing && !unchanged
      }
    })
    .sort(compareFindings)
  const fixed = base.filter((finding) => !headFingerprints.has(finding.fingerprint))
  const newCount = findings.filter((finding) => finding.baseline === 'new').length
  return { findings, fixed, newCount, unchangedCount: findings.length - newCount }
}
