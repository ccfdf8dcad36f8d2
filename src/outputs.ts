// The step's outputs, as data: main.ts sets them, tests read them back from GITHUB_OUTPUT.
import * as path from 'node:path'
import type { RunReport } from './report/report.js'

export function actionOutputs(report: RunReport): Record<string, string> {
  return {
    errors: String(report.failingFindings),
    findings: String(report.findings.length),
    'definitely-lost-bytes': String(report.leakTotals.definite.bytes),
    'indirectly-lost-bytes': String(report.leakTotals.indirect.bytes),
    'possibly-lost-bytes': String(report.leakTotals.possible.bytes),
    'still-reachable-bytes': String(report.leakTotals.reachable.bytes),
    report: path.join(report.runDirectory, 'report.json'),
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
