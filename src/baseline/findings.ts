// Findings against a baseline: new, still present (unchanged) or fixed, matched by the identity
// the SARIF fingerprints carry. This is the one place where a baseline changes what fails: an
// unchanged finding keeps its category but no longer fails the step, so the verdict and the
// annotations (error only when `failing`) follow without knowing about baselines.
import { compareFindings } from '../analysis/findings.js'
import type { Finding } from '../model.js'
import { inFileOrder, recipeOf } from '../analysis/identity.js'

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
  const unmatchedBase = new Set(base)
  const unchanged = new Set<Finding>()
  // First the exact identity (recipe, line text, order); then, for what is left, the recipe
  // alone in file order: a finding whose line was edited, not moved, is still the same finding.
  const baseByFingerprint = new Map(base.map((finding) => [finding.fingerprint, finding]))
  for (const finding of head) {
    const match = baseByFingerprint.get(finding.fingerprint)
    if (match === undefined || !unmatchedBase.has(match)) continue
    unmatchedBase.delete(match)
    unchanged.add(finding)
  }
  const leftByRecipe = (findings: Iterable<Finding>): Map<string | undefined, Finding[]> => {
    const groups = new Map<string | undefined, Finding[]>()
    for (const finding of findings) {
      const recipe = recipeOf(finding.fingerprint)
      groups.set(recipe, [...(groups.get(recipe) ?? []), finding])
    }
    return groups
  }
  const baseLeft = leftByRecipe(unmatchedBase)
  for (const [recipe, group] of leftByRecipe(head.filter((f) => !unchanged.has(f)))) {
    const candidates = inFileOrder(baseLeft.get(recipe) ?? [])
    for (const finding of inFileOrder(group)) {
      const match = candidates.shift()
      if (match === undefined) break
      unmatchedBase.delete(match)
      unchanged.add(finding)
    }
  }
  const findings = head
    .map((finding): Finding => {
      const known = unchanged.has(finding)
      return {
        ...finding,
        baseline: known ? 'unchanged' : 'new',
        failing: finding.failing && !known
      }
    })
    .sort(compareFindings)
  const fixed = base.filter((finding) => unmatchedBase.has(finding))
  const newCount = findings.filter((finding) => finding.baseline === 'new').length
  return { findings, fixed, newCount, unchangedCount: findings.length - newCount }
}
