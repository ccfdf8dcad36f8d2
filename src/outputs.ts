// The step's outputs, as data: main.ts sets them, tests read them back from GITHUB_OUTPUT.
import type { RunReport } from './report/report.js'

export function actionOutputs(report: RunReport): Record<string, string> {
  // Without an error checker (tool: callgrind alone) nothing measured errors or leaks: empty, not 0.
  const checked = report.leakTotals !== undefined
  // No process finished: valgrind's leak check never ran, and 0 bytes would be a claim.
  const totals = report.leaksUnchecked === true ? undefined : report.leakTotals
  return {
    errors: checked ? String(report.failingFindings) : '',
    findings: checked ? String(report.findings.length) : '',
    'definitely-lost-bytes': totals ? String(totals.definite.bytes) : '',
    'indirectly-lost-bytes': totals ? String(totals.indirect.bytes) : '',
    'possibly-lost-bytes': totals ? String(totals.possible.bytes) : '',
    'still-reachable-bytes': totals ? String(totals.reachable.bytes) : '',
    report: report.reportFile ?? '',
    'xml-dir': report.xmlDirectory ?? '',
    instructions: report.profiles !== undefined ? String(report.profiles.instructions) : '',
    profiles: report.profiles?.directory ?? '',
    'valgrind-version': report.valgrind.version ?? '',
    'sarif-file': report.sarifFile ?? '',
    // Empty without a baseline: "0 new" would claim a comparison that did not happen.
    'new-findings': report.baseline !== undefined ? String(report.baseline.newFindings) : '',
    'fixed-findings': report.baseline !== undefined ? String(report.baseline.fixed.length) : '',
    regressions:
      report.baseline?.profiles !== undefined ? String(report.baseline.profiles.regressions) : ''
  }
}
