#!/usr/bin/env node
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { t as testLabel, s as stackLines, L as LEAK_KINDS, a as LEAK_KIND_WORDS, f as formatNumber, b as findingTitle, c as findingText, d as threadText, e as testsText, o as occurrenceText, j as joinShellWords, r as readConfig, g as ensurePrivateDirectory, h as ensureValgrind, v as valgrindFromInstall, i as cancelOnSignals, k as runEngine } from './chunks/engine-2zzpGXA6.js';
import { I as InputError, c as commandSafeText, l as logLine } from './chunks/escape-DykEKwch.js';
import 'node:fs';
import 'node:crypto';
import 'node:perf_hooks';
import './chunks/core-BTpF9kUs.js';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'string_decoder';
import 'events';
import 'child_process';
import 'assert';
import 'timers';
import 'node:child_process';
import 'node:url';

/** The command line's option for each input it takes, where the name differs or is negated. */
const OPTION_OF = {
    'trace-children': '--no-trace-children',
    'rust-suppressions': '--no-rust-suppressions'
};
/** `message` (the action's wording) in the command line's words. Pure. */
function cliWording(message, options) {
    return (message
        // The command is the program and its arguments after the options.
        .replace(/^Input 'command': (.)/, (_, first) => first.toUpperCase())
        .replace(/^Input 'command'/, 'The command')
        .replace(/Input '([a-z-]+)'/g, (whole, name) => {
        const option = OPTION_OF[name] ?? `--${name}`;
        return options.has(option.slice(2)) ? `Option ${option}` : whole;
    })
        // "Set 'working-directory' to your crate": an input named in passing.
        .replace(/'([a-z]+(?:-[a-z]+)+)'/g, (whole, name) => {
        const option = OPTION_OF[name] ?? `--${name}`;
        return options.has(option.slice(2)) ? option : whole;
    })
        .replace(/ before this step\b/g, ''));
}

function paint(style, code, text) {
    return style.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}
function findingBlock(finding, workspace, style) {
    const mark = finding.failing ? paint(style, '1;31', 'error') : paint(style, '1;33', 'warning');
    const where = finding.location
        ? paint(style, '1', `${finding.location.file}:${finding.location.line}`)
        : '(no frame in the workspace)';
    const lines = [`${where}: ${mark}: ${findingTitle(finding)}`];
    // The title already carries the first line of `what`; a longer text (FishyValue) adds the rest.
    const rest = finding.what.trim().split('\n').slice(1).join(' ').trim();
    if (finding.leak === undefined && rest !== '')
        lines.push(`  ${rest}`);
    if (finding.leak !== undefined && (finding.leak.records ?? 1) > 1)
        lines.push(`  ${findingText(finding)}`);
    const thread = threadText(finding);
    if (thread !== undefined)
        lines.push(`  ${thread}`);
    lines.push(...stackLines(finding.stack, workspace).map((l) => `    ${l}`));
    for (const aux of finding.auxStacks) {
        lines.push(`  ${aux.label}`, ...stackLines(aux.frames, workspace).map((l) => `    ${l}`));
    }
    lines.push(...finding.notes.map((n) => `  ${n}`));
    const testList = testsText(finding);
    const tests = testList !== undefined ? ` ${testList}` : '';
    lines.push(paint(style, '2', `  ${occurrenceText(finding)}${tests}`));
    return lines;
}
function renderTerminal(report, workspace, style) {
    const out = [];
    for (const finding of report.findings)
        out.push(...findingBlock(finding, workspace, style), '');
    for (const failure of report.testFailures) {
        out.push(`${paint(style, '1;31', 'test failed')}: ${testLabel(failure.test)} (${failure.signal ?? `exit status ${failure.exitCode}`})`);
    }
    for (const message of report.clientMessages) {
        const where = message.pid !== undefined ? ` (pid ${message.pid})` : '';
        out.push(`client message${where}: ${message.text}`);
        out.push(...stackLines(message.stack, workspace).map((l) => `    ${l}`));
    }
    const totals = report.leakTotals;
    if (report.leaksUnchecked === true) {
        out.push("Leak summary: not known: no process finished, and valgrind checks leaks at a process's exit");
    }
    else if (totals !== undefined) {
        const leaks = LEAK_KINDS.map((kind) => `${LEAK_KIND_WORDS[kind]}: ${formatNumber(totals[kind].bytes)} bytes in ${formatNumber(totals[kind].blocks)} blocks`);
        out.push(`Leak summary: ${leaks.join('; ')}`);
    }
    if (report.toolchain !== undefined) {
        const names = report.toolchain.executables.map((e) => e.exe.split('/').pop() ?? e.exe);
        out.push(paint(style, '2', `Build toolchain (not counted): ${report.toolchain.processes} process(es) of ${[...new Set(names)].join(', ')} with ${report.toolchain.findings} record(s)`));
    }
    if (report.profiles !== undefined) {
        out.push(`Callgrind: ${formatNumber(report.profiles.instructions)} instructions in ${report.profiles.rows.length} processes; profiles in ${report.profiles.directory}`);
    }
    if (report.baseline !== undefined) {
        const { newFindings, unchangedFindings, fixed, profiles, source } = report.baseline;
        out.push(`Baseline ${source}: ${newFindings} new, ${unchangedFindings} still present, ${fixed.length} fixed${profiles !== undefined ? `; ${profiles.regressions} instruction-count regressions over ${profiles.thresholdPercent}%` : ''}`);
    }
    if (report.sarifFile !== undefined)
        out.push(`SARIF: ${report.sarifFile}`);
    for (const warning of report.warnings)
        out.push(paint(style, '33', `warning: ${warning}`));
    const verdict = report.verdict.failed
        ? paint(style, '1;31', report.verdict.headline)
        : paint(style, '1;32', report.verdict.headline);
    out.push(verdict);
    for (const reason of report.verdict.reasons.slice(1))
        out.push(`  - ${reason}`);
    out.push(report.reportFile !== undefined ? `Report: ${report.reportFile}` : 'Report: not written');
    return out.join('\n') + '\n';
}

// The command line: the same engine as the action, for reproducing a CI finding on a laptop.
//   run-under-valgrind [options] [--] <program> [args...]
// Prints findings in the terminal (colours on a TTY), writes the JSON report, exits 1 on the
// same verdict as the action (2 for bad usage or a setup problem: valgrind or cargo missing or
// refusing to start, a program that is not there; 130 when interrupted).
const USAGE = `Usage: run-under-valgrind [options] [--] <program> [args...]

Runs the program (or 'cargo nextest run ...' / 'cargo test ...') under valgrind and reports
every memory error and leak with its source line, as the GitHub Action does. Exits 0 when the
verdict passes, 1 when it fails, 2 for bad usage or a setup problem, 130 when interrupted.

Options (the action's inputs):
  --tool <name>               memcheck (default), helgrind, drd, callgrind, or e.g. memcheck,callgrind
  --callgrind-args <args>     extra callgrind arguments (--cache-sim=yes ...)
  --fail-on <list>            definite,indirect,possible,reachable,errors or none (default: definite,errors)
  --suppressions <files>      comma-separated suppression files
  --track-origins             show where uninitialised values come from (slower)
  --no-trace-children         do not follow child processes
  --error-exitcode <n>        valgrind's status for a process with errors (default 1; 0: none)
  --valgrind-args <args>      extra valgrind arguments, appended last
  --trace-children-skip <l>   children not to follow (default: compilers and linkers; none)
  --allocator-wrappers <l>    your allocator wrappers (xmalloc,*_new): leaks placed at their callers
  --no-rust-suppressions      do not apply the bundled Rust std suppressions
  --rust-isolation <how>      cargo nextest run: auto (default), batch or per-test
  --working-directory <dir>   where to run (default: the current directory)
  --workspace <dir>           paths are shown relative to this (default: the current directory)
  --output-directory <dir>    where the run directory goes (default: $TMPDIR/valgrind-action-<uid>)
  --baseline <report.json>    compare with an earlier run's JSON report: only new findings fail
  --regression-threshold <p>  with callgrind and a baseline: fail on growth above p percent (default 5)
  --write-suppressions <file> write a suppressions file covering the findings
  --no-color                  plain output
  -h, --help                  this text

Exit status: 0 when the run passes; 1 when it fails (fail-on findings, the program or a test
failing, nothing checked); 2 for bad usage or a setup problem: valgrind missing or refusing to
start (unknown option or tool, bad suppressions file), the program not found, cargo failing
before any test ran (no Cargo.toml, cargo-nextest not installed).`;
const OPTIONS = {
    tool: { type: 'string' },
    'callgrind-args': { type: 'string' },
    'fail-on': { type: 'string' },
    suppressions: { type: 'string' },
    'track-origins': { type: 'boolean' },
    'no-trace-children': { type: 'boolean' },
    'valgrind-args': { type: 'string' },
    'trace-children-skip': { type: 'string' },
    'allocator-wrappers': { type: 'string' },
    'error-exitcode': { type: 'string' },
    'no-rust-suppressions': { type: 'boolean' },
    'rust-isolation': { type: 'string' },
    'working-directory': { type: 'string' },
    workspace: { type: 'string' },
    'output-directory': { type: 'string' },
    baseline: { type: 'string' },
    'regression-threshold': { type: 'string' },
    'write-suppressions': { type: 'string' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
};
/** The option names, for wording messages in the command line's terms (cli-wording.ts). */
const OPTION_NAMES = new Set(Object.keys(OPTIONS));
/**
 * Our options end at the first word that is not one (or at `--`): everything after it is the
 * program's own argv, so `run-under-valgrind ./prog --verbose` passes `--verbose` to the program.
 */
function splitCommandLine(argv) {
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--')
            return { options: argv.slice(0, i), command: argv.slice(i + 1) };
        if (!arg.startsWith('-'))
            return { options: argv.slice(0, i), command: argv.slice(i) };
        const name = arg.replace(/^--?/, '');
        const option = OPTIONS[name];
        if (option?.type === 'string' && !arg.includes('='))
            i += 1;
    }
    return { options: [...argv], command: [] };
}
async function main() {
    const split = splitCommandLine(process.argv.slice(2));
    const { values } = parseArgs({ args: split.options, options: OPTIONS, strict: true });
    const positionals = split.command;
    if (values.help) {
        process.stdout.write(USAGE + '\n');
        return 0;
    }
    if (positionals.length === 0)
        throw new InputError(`No program given.\n\n${USAGE}`);
    const inputs = {
        command: joinShellWords(positionals),
        tool: values.tool ?? '',
        'callgrind-args': values['callgrind-args'] ?? '',
        'fail-on': values['fail-on'] ?? '',
        suppressions: values.suppressions ?? '',
        'track-origins': values['track-origins'] ? 'true' : '',
        'trace-children': values['no-trace-children'] ? 'false' : '',
        'valgrind-args': values['valgrind-args'] ?? '',
        'trace-children-skip': values['trace-children-skip'] ?? '',
        'allocator-wrappers': values['allocator-wrappers'] ?? '',
        'error-exitcode': values['error-exitcode'] ?? '',
        'rust-suppressions': values['no-rust-suppressions'] ? 'false' : '',
        'rust-isolation': values['rust-isolation'] ?? '',
        'working-directory': values['working-directory'] ?? '',
        // Per user: /tmp is shared, and the run directory must be ours alone (run-directory.ts).
        'output-directory': values['output-directory'] ??
            path.join(os.tmpdir(), `valgrind-action-${process.getuid?.() ?? 'user'}`),
        baseline: values.baseline ?? '',
        'regression-threshold': values['regression-threshold'] ?? '',
        'write-suppressions': values['write-suppressions'] ?? ''
    };
    if (inputs.baseline.trim().toLowerCase() === 'cache') {
        throw new InputError(`--baseline cache works in GitHub Actions only; give the path of a JSON report instead.`);
    }
    return runCli(inputs, values.workspace ?? process.cwd(), !values['no-color'] && process.stdout.isTTY === true);
}
async function runCli(inputs, workspace, color) {
    const config = readConfig((name) => inputs[name] ?? '', {
        workspace,
        tempDirectory: os.tmpdir(),
        variables: process.env
    });
    ensurePrivateDirectory(config.outputDirectory);
    // On a laptop the action never installs anything: it uses the valgrind on PATH.
    const installed = await ensureValgrind({
        install: 'never',
        valgrindVersion: 'system',
        cache: false
    });
    const valgrind = valgrindFromInstall(installed);
    const cancellation = cancelOnSignals((name) => process.stderr.write(`\nReceived ${name}: stopping valgrind and the program, then reporting.\n`));
    try {
        const report = await runEngine(config, {
            // Run inside a workflow step, the CLI's output is read by the runner too.
            info: (message) => process.stderr.write(`${logLine(message)}\n`),
            warning: (message) => process.stderr.write(`warning: ${logLine(message)}\n`),
            write: (text) => process.stdout.write(text),
            fenceCommands: false,
            cancel: cancellation.signal,
            valgrind
        });
        // The verdict and the warnings in the command line's words (its options, not the inputs).
        const worded = {
            ...report,
            warnings: report.warnings.map((warning) => cliWording(warning, OPTION_NAMES)),
            verdict: {
                ...report.verdict,
                headline: cliWording(report.verdict.headline, OPTION_NAMES),
                reasons: report.verdict.reasons.map((reason) => cliWording(reason, OPTION_NAMES))
            }
        };
        process.stdout.write('\n' + commandSafeText(renderTerminal(worded, config.workspace, { color })));
        // 130: what a shell reports for a command ended by Ctrl-C.
        if (report.cancelled !== undefined)
            return 130;
        // 2: valgrind or cargo could not set the run up (as for bad usage); 1: the verdict failed.
        if (report.verdict.setupFailed)
            return 2;
        return report.verdict.failed ? 1 : 0;
    }
    finally {
        cancellation.dispose();
    }
}
main().then((code) => process.exit(code), (error) => {
    const message = error instanceof InputError ? cliWording(error.message, OPTION_NAMES) : error.message;
    process.stderr.write(commandSafeText(`run-under-valgrind: ${message}\n`));
    if (process.env.VALGRIND_ACTION_DEBUG)
        process.stderr.write(`${error.stack}\n`);
    process.exit(2);
});
