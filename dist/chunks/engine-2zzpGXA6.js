import * as fs from 'node:fs';
import * as path from 'node:path';
import { I as InputError, f as formatVersionSpec, p as parseVersionSpec, r as run$1, e as cacheKey, g as restoreFromCache, h as satisfies, t as tail, u as upstreamOfDebianVersion, v as valgrindPackages, i as installCommand, j as InstallError, k as saveToCache, m as asRoot, n as parseAptStanzas, o as indexedSha256, q as sha256File, w as probeValgrind, b as assertSupportedPlatform, x as readHost, y as cacheAvailable, z as summaryText, A as clip, d as systemErrorText, B as compareVersions } from './escape-DykEKwch.js';
import { createHash, randomUUID, hash as hash$1 } from 'node:crypto';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { d as debug, i as info } from './core-BTpF9kUs.js';
import { execFile, spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Cancellation by signal, shared by the action and the CLI. The runner cancels a step (Cancel,
// `timeout-minutes`) with SIGINT, then SIGTERM 7.5 s later, then kills the process tree; a terminal
// sends SIGINT on Ctrl-C. Either signal aborts the run: the engine stops valgrind and the program
// and reports what valgrind wrote until then. A second signal changes nothing.
function cancelOnSignals(notify) {
    const controller = new AbortController();
    const onSignal = (name) => {
        if (controller.signal.aborted)
            return;
        notify?.(name);
        controller.abort(name);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return {
        signal: controller.signal,
        dispose: () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
        }
    };
}

// The domain model. Every output (annotations, job summary, terminal view, JSON report) is a view
// of these plain data types: valgrind's XML is parsed once into `ProcessRun`s, and locations,
// deduplication and the verdict are pure functions over them.
const LEAK_KINDS = ['definite', 'indirect', 'possible', 'reachable'];
const ERROR_TOOLS = ['memcheck', 'helgrind', 'drd'];
const VALGRIND_TOOLS = [...ERROR_TOOLS, 'callgrind'];
const FAIL_CATEGORIES = [...LEAK_KINDS, 'errors'];

/*
  Port of a subset of the features of CPython's shlex module, which provides a
  shell-like lexer. Original code by Eric S. Raymond and other contributors.
*/

class Shlexer {
  constructor (string) {
    this.i = 0;
    this.string = string;

    /**
     * Characters that will be considered whitespace and skipped. Whitespace
     * bounds tokens. By default, includes space, tab, linefeed and carriage
     * return.
     */
    this.whitespace = ' \t\r\n';

    /**
     * Characters that will be considered string quotes. The token accumulates
     * until the same quote is encountered again (thus, different quote types
     * protect each other as in the shell.) By default, includes ASCII single
     * and double quotes.
     */
    this.quotes = `'"`;

    /**
     * Characters that will be considered as escape. Just `\` by default.
     */
    this.escapes = '\\';

    /**
     * The subset of quote types that allow escaped characters. Just `"` by default.
     */
    this.escapedQuotes = '"';

    /**
     * Whether to support ANSI C-style $'' quotes
     * https://www.gnu.org/software/bash/manual/html_node/ANSI_002dC-Quoting.html
     */
    this.ansiCQuotes = true;

    /**
     * Whether to support localized $"" quotes
     * https://www.gnu.org/software/bash/manual/html_node/Locale-Translation.html
     *
     * The behavior is as if the current locale is set to C or POSIX, i.e., the
     * contents are not translated.
     */
    this.localeQuotes = true;

    this.debug = false;
  }

  readChar () {
    return this.string.charAt(this.i++)
  }

  processEscapes (string, quote, isAnsiCQuote) {
    if (!isAnsiCQuote && !this.escapedQuotes.includes(quote)) {
      // This quote type doesn't support escape sequences
      return string
    }

    // We need to form a regex that matches any of the escape characters,
    // without interpreting any of the characters as a regex special character.
    const anyEscape = '[' + this.escapes.replace(/(.)/g, '\\$1') + ']';

    // In regular quoted strings, we can only escape an escape character, and
    // the quote character itself.
    if (!isAnsiCQuote && this.escapedQuotes.includes(quote)) {
      const re = new RegExp(
        anyEscape + '(' + anyEscape + '|\\' + quote + ')', 'g');
      return string.replace(re, '$1')
    }

    // ANSI C quoted strings support a wide variety of escape sequences
    if (isAnsiCQuote) {
      const patterns = {
        // Literal characters
        '([\\\\\'"?])': (x) => x,

        // Non-printable ASCII characters
        'a': () => '\x07',
        'b': () => '\x08',
        'e|E': () => '\x1b',
        'f': () => '\x0c',
        'n': () => '\x0a',
        'r': () => '\x0d',
        't': () => '\x09',
        'v': () => '\x0b',

        // Octal bytes
        '([0-7]{1,3})': (x) => String.fromCharCode(parseInt(x, 8)),

        // Hexadecimal bytes
        'x([0-9a-fA-F]{1,2})': (x) => String.fromCharCode(parseInt(x, 16)),

        // Unicode code units
        'u([0-9a-fA-F]{1,4})': (x) => String.fromCharCode(parseInt(x, 16)),
        'U([0-9a-fA-F]{1,8})': (x) => String.fromCharCode(parseInt(x, 16)),

        // Control characters
        // https://en.wikipedia.org/wiki/Control_character#How_control_characters_map_to_keyboards
        'c(.)': (x) => {
          if (x === '?') {
            return '\x7f'
          } else if (x === '@') {
            return '\x00'
          } else {
            return String.fromCharCode(x.charCodeAt(0) & 31)
          }
        }
      };

      // Construct an uber-RegEx that catches all of the above pattern
      const re = new RegExp(
        anyEscape + '(' + Object.keys(patterns).join('|') + ')', 'g');

      // For each match, figure out which subpattern matched, and apply the
      // corresponding function
      return string.replace(re, function (m, p1) {
        for (const matched in patterns) {
          const mm = new RegExp('^' + matched + '$').exec(p1);
          if (mm === null) {
            continue
          }

          return patterns[matched].apply(null, mm.slice(1))
        }
      })
    }

    // Should not get here
    return undefined
  }

  * [Symbol.iterator] () {
    let inQuote = false;
    let inDollarQuote = false;
    let escaped = false;
    let lastDollar = -2; // position of last dollar sign we saw
    let token;

    if (this.debug) {
      console.log('full input:', '>' + this.string + '<');
    }

    while (true) {
      const pos = this.i;
      const char = this.readChar();

      if (this.debug) {
        console.log(
          'position:', pos,
          'input:', '>' + char + '<',
          'accumulated:', token,
          'inQuote:', inQuote,
          'inDollarQuote:', inDollarQuote,
          'lastDollar:', lastDollar,
          'escaped:', escaped
        );
      }

      // Ran out of characters, we're done
      if (char === '') {
        if (inQuote) { throw new Error('Got EOF while in a quoted string') }
        if (escaped) { throw new Error('Got EOF while in an escape sequence') }
        if (token !== undefined) { yield token; }
        return
      }

      // We were in an escape sequence, complete it
      if (escaped) {
        if (char === '\n') ; else if (inQuote) {
          // If we are in a quote, just accumulate the whole escape sequence,
          // as we will interpret escape sequences later.
          token = (token || '') + escaped + char;
        } else {
          // Just use the literal character
          token = (token || '') + char;
        }

        escaped = false;
        continue
      }

      if (this.escapes.includes(char)) {
        if (!inQuote || inDollarQuote !== false || this.escapedQuotes.includes(inQuote)) {
          // We encountered an escape character, which is going to affect how
          // we treat the next character.
          escaped = char;
          continue
        }
      }

      // We were in a string
      if (inQuote !== false) {
        // String is finished. Don't grab the quote character.
        if (char === inQuote) {
          token = this.processEscapes(token, inQuote, inDollarQuote === '\'');
          inQuote = false;
          inDollarQuote = false;
          continue
        }

        // String isn't finished yet, accumulate the character
        token = (token || '') + char;
        continue
      }

      // This is the start of a new string, don't accumulate the quotation mark
      if (this.quotes.includes(char)) {
        inQuote = char;
        if (lastDollar === pos - 1) {
          if (char === '\'' && !this.ansiCQuotes) ; else if (char === '"' && !this.localeQuotes) ; else {
            inDollarQuote = char;
          }
        }

        token = (token || ''); // fixes blank string

        if (inDollarQuote !== false) {
          // Drop the opening $ we captured before
          token = token.slice(0, -1);
        }

        continue
      }

      // This is a dollar sign, record that we saw it in case it's the start of
      // an ANSI C or localized string
      if (inQuote === false && char === '$') {
        lastDollar = pos;
      }

      // This is whitespace, so yield the token if we have one
      if (this.whitespace.includes(char)) {
        if (token !== undefined) { yield token; }
        token = undefined;
        continue
      }

      // Otherwise, accumulate the character
      token = (token || '') + char;
    }
  }
}


/**
 * Splits a given string using shell-like syntax. This function is the inverse
 * of shlex.join().
 *
 * @param {String} s String to split.
 * @returns {String[]}
 */
function split (s) {
  return Array.from(new Shlexer(s))
}

/**
 * Escapes a potentially shell-unsafe string using quotes.
 *
 * @param {String} s String to quote
 * @returns {String}
 */
function quote (s) {
  if (s === '') { return '\'\'' }

  const unsafeRe = /[^\w@%\-+=:,./]/;
  if (!unsafeRe.test(s)) { return s }

  return ('\'' + s.replace(/('+)/g, '\'"$1"\'') + '\'').replace(/^''|''$/g, '')
}

// Splits a command line into argv the way a POSIX shell splits words (quotes, backslash escapes),
// without running a shell: nothing is expanded, so `$HOME` stays `$HOME`.
function splitShellWords(line) {
    try {
        return split(line);
    }
    catch (error) {
        throw new Error(`cannot split '${line}' into words: ${error.message}. Close every quote; use \\ to escape a quote character.`);
    }
}
/** Quotes argv for display, so a user can paste it into a shell. */
function joinShellWords(words) {
    return words.map((word) => quote(word)).join(' ');
}
/** Characters after `$` that make a shell expand something: a name, `{`, `(`, a special parameter. */
const EXPANSION_START = /[A-Za-z_{(0-9@*#?$!-]/;
/**
 * The first thing in `line` that a shell would interpret but word splitting passes on as text:
 * operators (`|`, `&&`, `;`, redirections), expansions (`$VAR`, `$(...)`, backticks, a leading
 * `~`), comments, several lines. Undefined when the line means the same with or without a shell.
 * Glob characters are left alone: a shell passes them on unchanged too when nothing matches.
 */
function findShellSyntax(line) {
    let quote;
    let wordStart = true;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        const next = line[i + 1] ?? '';
        if (quote === "'") {
            if (c === "'")
                quote = undefined;
            continue;
        }
        if (c === '\\') {
            i++; // the escaped character is literal (a backslash-newline continues the line)
            wordStart = false;
            continue;
        }
        const expansion = c === '`'
            ? 'a command substitution (`...`)'
            : c === '$' && EXPANSION_START.test(next)
                ? `an expansion ('$${next === '(' ? '(...)' : next === '{' ? '{...}' : '...'}')`
                : undefined;
        if (quote === '"') {
            if (c === '"')
                quote = undefined;
            else if (expansion !== undefined)
                return expansion;
            continue;
        }
        if (expansion !== undefined)
            return expansion;
        if (c === "'" || c === '"') {
            quote = c;
            wordStart = false;
            continue;
        }
        if (c === '\n' || c === '\r')
            return 'several lines (a shell runs each line as a command)';
        if (/\s/.test(c)) {
            wordStart = true;
            continue;
        }
        if (c === '|')
            return next === '|' ? "'||'" : "a pipe ('|')";
        if (c === '&')
            return next === '&' ? "'&&'" : "'&' (run in the background)";
        if (c === ';')
            return "';' (a list of commands)";
        if (c === '<' || c === '>')
            return `a redirection ('${c}')`;
        if (c === '(' || c === ')')
            return `a subshell or grouping ('${c}')`;
        if (wordStart && c === '~')
            return "'~' (the home directory)";
        if (wordStart && c === '#')
            return "a comment ('#')";
        wordStart = false;
    }
    return undefined;
}

const RUST_ISOLATIONS = ['auto', 'batch', 'per-test'];
/** A per-test process pays its start-up on top of the work; past this ratio of work to start-up,
 * isolation costs under 10% and balances the cores better than batches of unequal tests. */
const PER_TEST_WORK_RATIO = 10;
/** Work assumed per test when nothing was measured: most unit tests take milliseconds. */
const UNKNOWN_SECONDS_PER_TEST = 0.02;
/** valgrind's start-up for a test binary, from its size (its debug info is most of it). */
function estimatedStartup(binaryBytes) {
    return 0.3 + (0.05 * binaryBytes) / 1e6;
}
/** Per suite: batches or one process per test, and why. */
function chooseIsolation(suite, requested, binaryBytes, timing) {
    const base = { binaryId: suite.binaryId };
    const count = `${suite.tests.length} test${suite.tests.length === 1 ? '' : 's'}`;
    if (requested === 'per-test') {
        return { ...base, isolation: 'per-test', reason: `${count}, rust-isolation: per-test` };
    }
    if (requested === 'batch') {
        return { ...base, isolation: 'batch', reason: `${count}, rust-isolation: batch` };
    }
    const startup = estimatedStartup(binaryBytes);
    const startupWords = `start-up ~${startup.toFixed(1)} s (${(binaryBytes / 1e6).toFixed(1)} MB binary)`;
    if (suite.tests.length === 1) {
        return { ...base, isolation: 'per-test', reason: `1 test: its own process either way` };
    }
    if (timing !== undefined && timing.secondsPerTest >= PER_TEST_WORK_RATIO * startup) {
        return {
            ...base,
            isolation: 'per-test',
            reason: `${count} of ~${timing.secondsPerTest.toFixed(1)} s each in an earlier run, ${startupWords}: isolation costs little`
        };
    }
    const work = timing !== undefined
        ? `~${timing.secondsPerTest.toFixed(2)} s each in an earlier run`
        : 'no earlier timings';
    return {
        ...base,
        isolation: 'batch',
        reason: `${count}, ${work}, ${startupWords}: one start-up per test would dominate`
    };
}
function jobOf(suite, names, estimate, isolated) {
    const ignored = new Set(suite.tests.filter((t) => t.ignored).map((t) => t.name));
    return {
        suite,
        tests: names,
        includeIgnored: names.some((name) => ignored.has(name)),
        estimate,
        isolated
    };
}
/** Each test in its own process. */
function perTestJobs(suite, names, estimate) {
    return names.map((name) => jobOf(suite, [name], estimate, true));
}
/**
 * The jobs of a run, longest first. Batched suites start with one batch each. A batch is added to
 * the suite with the longest batches while fewer jobs than cores exist, or while its batches run
 * over 1.25 times the fair share per core (all work and start-ups / cores) — but, where an earlier
 * run measured the suite, only while its batches still hold more work than one start-up: tiny
 * tests gain nothing from a second process, which costs a start-up of CPU on a busy machine.
 */
function planJobs(inputs, cores) {
    const jobs = [];
    const batched = [];
    let perTestCost = 0;
    for (const input of inputs) {
        const startup = estimatedStartup(input.binaryBytes);
        const perTest = input.timing?.secondsPerTest ?? UNKNOWN_SECONDS_PER_TEST;
        const names = input.suite.tests.map((t) => t.name);
        if (input.choice.isolation === 'per-test') {
            jobs.push(...perTestJobs(input.suite, names, startup + perTest));
            perTestCost += names.length * (startup + perTest);
        }
        else {
            const work = names.length * perTest;
            batched.push({ input, startup, work, batches: 1, measured: input.timing !== undefined });
        }
    }
    const batchCost = (b) => b.startup + b.work / b.batches;
    const worthSplitting = (b) => b.batches < b.input.suite.tests.length && (!b.measured || b.work / b.batches >= b.startup);
    for (;;) {
        const splittable = batched.filter(worthSplitting);
        if (splittable.length === 0)
            break;
        const longest = splittable.reduce((a, b) => (batchCost(b) > batchCost(a) ? b : a));
        const jobCount = jobs.length + batched.reduce((sum, b) => sum + b.batches, 0);
        const total = perTestCost + batched.reduce((sum, b) => sum + b.work + b.batches * b.startup, 0);
        const share = total / Math.max(1, cores);
        if (jobCount >= cores && batchCost(longest) <= 1.25 * share)
            break;
        longest.batches++;
    }
    for (const b of batched) {
        const names = b.input.suite.tests.map((t) => t.name);
        for (let index = 0; index < b.batches; index++) {
            // Every b-th test: neighbours (often alike in cost) land in different batches.
            const share = names.filter((_, i) => i % b.batches === index);
            jobs.push(jobOf(b.input.suite, share, batchCost(b), share.length === 1));
        }
    }
    return jobs.sort((a, b) => b.estimate - a.estimate);
}
/** The test binary's arguments for a job: exactly its tests, one at a time. */
function jobArguments(job) {
    // --test-threads=1: one test at a time, as nextest runs them; valgrind serializes threads anyway.
    const args = ['--exact', ...job.tests, '--test-threads=1'];
    if (job.includeIgnored)
        args.push('--include-ignored');
    return args;
}
/**
 * Whether a batch's libtest report is complete: the process ended by itself (no signal: a shell
 * status under 128, whatever the code: 101 for failed tests, or a valgrind `--error-exitcode`) and
 * libtest printed its result line (an `exit()` inside a test ends the process without it).
 */
function batchFinished(exitCode, stdout) {
    return exitCode !== undefined && exitCode < 128 && /^test result: /m.test(stdout);
}
/** Whether libtest reported a failed test (the exit status may be valgrind's --error-exitcode). */
function batchFailed(stdout) {
    return /^test result: FAILED\./m.test(stdout);
}
/** Seconds of work per test measured by this run's jobs, per binary id. */
function measuredTimings(results) {
    const sums = new Map();
    for (const { job, seconds, startup } of results) {
        const sum = sums.get(job.suite.binaryId) ?? { seconds: 0, tests: 0 };
        sum.seconds += Math.max(0, seconds - startup);
        sum.tests += job.tests.length;
        sums.set(job.suite.binaryId, sum);
    }
    return Object.fromEntries([...sums].map(([id, sum]) => [id, { secondsPerTest: sum.seconds / Math.max(1, sum.tests) }]));
}
/**
 * Whether a whole nextest run should stay nextest's own (one process per test), before listing:
 * with `rust-isolation: per-test`, and in `auto` when the run relies on what only nextest's
 * scheduler does per test: retries (`--retries`, `retries =`), terminating slow tests
 * (`terminate-after`), test groups and serialised tests (`test-groups`, `threads-required`,
 * `test-threads`), failing leaky tests (`leak-timeout`) in the repository's nextest config, and
 * the environment a cargo config's `[env]` gives each test (batches start the test binaries
 * themselves). Undefined: batches may be used.
 */
function nextestOwnRunReason(requested, runArgs, repositoryConfig, cargoConfig) {
    if (requested === 'per-test')
        return 'rust-isolation: per-test';
    if (runArgs.some((arg) => arg === '--archive-file' || arg.startsWith('--archive-file='))) {
        // nextest extracts an archive for the length of one command: a list's binaries are gone after it.
        return 'an --archive-file run: nextest extracts the test binaries for its own run only';
    }
    if (requested === 'batch')
        return undefined;
    if (runArgs.some((arg) => arg === '--retries' || arg.startsWith('--retries='))) {
        return 'the command asks for --retries, which nextest applies per test process';
    }
    const config = (repositoryConfig ?? '').replace(/#.*$/gm, '');
    if (/\bterminate-after\s*=/.test(config)) {
        return "the repository's .config/nextest.toml terminates slow tests (terminate-after), which nextest does per test process";
    }
    if (/^\s*retries\s*=/m.test(config) || /[{,]\s*retries\s*=/.test(config)) {
        return "the repository's .config/nextest.toml sets retries, which nextest applies per test process";
    }
    if (/\btest-groups?\b|\bthreads-required\s*=|\btest-threads\s*=\s*-?\d/.test(config)) {
        return "the repository's .config/nextest.toml limits which tests run at once (test groups, threads-required or test-threads), which nextest's scheduler does per test process";
    }
    if (/\bleak-timeout\s*=/.test(config)) {
        return "the repository's .config/nextest.toml sets leak-timeout, which nextest judges per test process";
    }
    if (/^\s*\[env\]/m.test((cargoConfig ?? '').replace(/#.*$/gm, ''))) {
        return 'a cargo config sets [env], which nextest gives each test process it starts';
    }
    return undefined;
}

// The build toolchain as the action sees it: compilers and linkers it does not trace into by
// default (`--trace-children-skip`), and build tools and shells whose own findings are never the
// project's. Pure data and matching; no I/O.
/**
 * Executables valgrind does not follow into by default: compilers, assemblers, linkers and
 * compiler caches. Under memcheck they take most of a suite's time and report their own leaks,
 * which are nobody's bug here. Valgrind matches each pattern (`*` and `?` wildcards) against the
 * path the program is exec'd with; a skipped program runs natively, with its children.
 */
const DEFAULT_TRACE_CHILDREN_SKIP = [
    '*/cc',
    '*/c++',
    '*/gcc',
    '*/g++',
    '*/gcc-*',
    '*/g++-*',
    '*-linux-gnu*-gcc*',
    '*-linux-gnu*-g++*',
    '*/clang',
    '*/clang++',
    '*/clang-*',
    '*/clang++-*',
    '*/cc1',
    '*/cc1plus',
    '*/cc1obj',
    '*/lto1',
    '*/lto-wrapper',
    '*/collect2',
    '*/as',
    '*/ld',
    '*/ld.bfd',
    '*/ld.gold',
    '*/ld.lld',
    '*/lld',
    '*/mold',
    '*/ar',
    '*/ranlib',
    '*/ccache',
    '*/sccache',
    '*/rustc'
];
const SKIP_HELP = "a comma or newline separated list of executable patterns (valgrind's `*` and `?` wildcards, matched against the exec'd path, e.g. */cc1,*/ld); `default` for the built-in list of compilers and linkers (it can be combined: default,*/python3*); or none to trace every child";
/** The `trace-children-skip` input as valgrind patterns: '' and `default` give the built-in list. */
function parseTraceChildrenSkip(raw) {
    const items = raw
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
    if (items.length === 0)
        return [...DEFAULT_TRACE_CHILDREN_SKIP];
    if (items.length === 1 && items[0].toLowerCase() === 'none')
        return [];
    const patterns = [];
    for (const item of items) {
        if (item.toLowerCase() === 'none') {
            throw new Error(`'none' cannot be combined with patterns. Accepted: ${SKIP_HELP}.`);
        }
        if (/\s/.test(item)) {
            throw new Error(`'${item}' contains whitespace. Accepted: ${SKIP_HELP}.`);
        }
        if (item.toLowerCase() === 'default')
            patterns.push(...DEFAULT_TRACE_CHILDREN_SKIP);
        else
            patterns.push(item);
    }
    return [...new Set(patterns)];
}
/**
 * Build tools, shells and launchers: when one of these is the command itself (`make check`,
 * `bash run-tests.sh`), it is not the program under test, and neither are its own findings.
 */
const BUILD_TOOLS = new Set([
    'make',
    'gmake',
    'bmake',
    'ninja',
    'samu',
    'cmake',
    'ctest',
    'meson',
    'sh',
    'bash',
    'dash',
    'zsh',
    'ksh',
    'env',
    'timeout',
    'nice',
    'xargs',
    'time'
]);
function isBuildTool(executable) {
    return BUILD_TOOLS.has(path.basename(executable));
}
/** valgrind itself (the launcher, Debian's `valgrind.bin`, or a tool binary like `memcheck-amd64-linux`). */
function isValgrindExecutable(executable) {
    const base = path.basename(executable);
    return (/^valgrind(\.bin)?$/.test(base) ||
        /^(memcheck|helgrind|drd|callgrind|cachegrind|massif|dhat|none|lackey|exp-[a-z]+)-[a-z0-9]+-[a-z]+$/.test(base));
}

// Artifact names: what the artifact service accepts, and the default name of a job's artifact.
// Plain functions over strings and an environment record, so that reading the inputs (config.ts)
// can check and derive the name without depending on the upload itself.
// The artifact service refuses these in names (the toolkit's validateArtifactName, which the
// package does not export: @actions/artifact/lib/internal/upload/path-and-artifact-name-validation.js).
const NAME_CHARACTERS = [
    ['"', 'double quote "'],
    [':', 'colon :'],
    ['<', 'less than <'],
    ['>', 'greater than >'],
    ['|', 'vertical bar |'],
    ['*', 'asterisk *'],
    ['?', 'question mark ?'],
    ['\r', 'carriage return'],
    ['\n', 'line feed'],
    ['\\', 'backslash \\'],
    ['/', 'forward slash /']
];
/** The service answers "name invalid length for artifact name: must be between 1 and 256 characters". */
const MAX_ARTIFACT_NAME_LENGTH = 256;
const ACCEPTED_NAMES = `Accepted: 1 to ${MAX_ARTIFACT_NAME_LENGTH} characters without " : < > | * ? \\ / or line breaks.`;
/** What is wrong with an artifact name, or undefined when the service accepts it. */
function artifactNameProblem(name) {
    if (name === '')
        return 'it is empty';
    if (name.length > MAX_ARTIFACT_NAME_LENGTH)
        return `it is ${name.length} characters long`;
    const found = NAME_CHARACTERS.find(([c]) => name.includes(c));
    return found ? `it contains a ${found[1]}` : undefined;
}
/** Throws an InputError naming the problem and the rules when the service would refuse the name. */
function validateArtifactName(name) {
    const problem = artifactNameProblem(name);
    if (problem !== undefined) {
        throw new InputError(`Input 'artifact-name': '${name.replace(/[\r\n]/g, ' ')}' cannot be used, ${problem}. ${ACCEPTED_NAMES}`);
    }
}
function sanitize(text) {
    return text
        .split('')
        .map((c) => (NAME_CHARACTERS.some(([bad]) => bad === c) || /\s/.test(c) ? '_' : c))
        .join('');
}
function shortHash(text) {
    return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
/** A matrix's values in order, when each is a plain value; undefined when one is a list or map. */
function plainMatrixValues(matrix) {
    if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix))
        return undefined;
    const values = Object.values(matrix);
    if (values.some((v) => v !== null && typeof v === 'object'))
        return undefined;
    return values.map(String);
}
/**
 * A name no other job or step of the run uses:
 * `valgrind-<job>[-<matrix values joined by _>][-<step>][-attempt<n>]`, e.g.
 * `valgrind-test-ubuntu-24.04_stable`. `matrix` is the `matrix` input (`${{ toJSON(matrix) }}`,
 * 'null' outside a matrix): the matrix context is not in the environment. Values that would be
 * refused, are lists or maps, or make the name long are replaced by a short hash of the matrix,
 * so two matrix jobs never share a name.
 */
function defaultArtifactName(env, matrix) {
    const parts = ['valgrind', sanitize(env.GITHUB_JOB || 'run')];
    const raw = matrix?.trim() ?? '';
    if (raw !== '' && raw !== 'null') {
        let values;
        try {
            values = plainMatrixValues(JSON.parse(raw));
        }
        catch {
            values = [raw]; // not JSON: a value the user chose
        }
        // Values joined by '_' name the job as long as that can be read back one way: no value holds
        // a '_' or a refused character, and none is a list or map. Otherwise a hash of the whole
        // matrix keeps matrix jobs apart.
        const joined = values?.join('_') ?? '';
        const readable = values !== undefined &&
            values.every((v) => v !== '' && !v.includes('_') && sanitize(v) === v) &&
            joined.length <= 60;
        if (readable)
            parts.push(joined);
        else {
            const hint = sanitize(values?.join('_') ?? raw.replace(/[{}[\]"]/g, '')).slice(0, 40);
            parts.push(hint === '' ? shortHash(raw) : `${hint}-${shortHash(raw)}`);
        }
    }
    // GITHUB_ACTION is the step's id, or `__owner_repo` for a step without one (`__owner_repo_2` for
    // the second such step of the job): two steps of one job must not share the name either.
    const step = env.GITHUB_ACTION ?? '';
    const repeated = /^__.*_(\d+)$/.exec(step);
    if (step !== '' && !step.startsWith('__'))
        parts.push(sanitize(step));
    else if (repeated)
        parts.push(`step${repeated[1]}`);
    const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
    // A re-run of a job uploads again into the same workflow run, where the first name is taken.
    if (attempt > 1)
        parts.push(`attempt${attempt}`);
    return parts.join('-').slice(0, MAX_ARTIFACT_NAME_LENGTH);
}

// Builds valgrind's own arguments from the config. Pure: takes data, returns argv.
/** The error checker of a config: memcheck, helgrind or drd (callgrind runs as a separate pass). */
function errorTool(config) {
    return config.tools.find((tool) => tool !== 'callgrind');
}
/**
 * `--trace-children-skip=<patterns>` when children are traced. A skipped child runs natively,
 * with everything it starts: compilers and linkers cost most of a build-driven suite's time under
 * valgrind and their findings are nobody's bug here.
 */
function traceChildrenSkipArgs(traceChildren, patterns) {
    if (!traceChildren || patterns === undefined || patterns.length === 0)
        return [];
    return [`--trace-children-skip=${patterns.join(',')}`];
}
/**
 * The value of a valgrind file option (`--xml-file`, `--callgrind-out-file`) for `name` in `dir`:
 * valgrind expands `%p`, `%n`, `%q{VAR}` there, so a `%` of the directory (an output-directory like
 * `reports/100%`) is doubled to stay itself. `name` keeps its own specifiers.
 */
function valgrindFileOption(dir, name) {
    return path.join(dir.replaceAll('%', '%%'), name);
}
/**
 * Arguments for an error-checking valgrind run that writes one XML file per process. Memcheck is
 * always asked for every leak kind, so that byte totals equal its LEAK SUMMARY; what the user's
 * `--show-leak-kinds` (and friends) leave out is filtered from the view instead (`leakShowOptions`).
 */
function errorCheckArgs(options) {
    const args = [
        `--tool=${options.tool}`,
        '--xml=yes',
        // %p: one file per process, children included; a forked child reopens its own file.
        `--xml-file=${valgrindFileOption(options.xmlDir, '%p.xml')}`,
        `--trace-children=${options.traceChildren ? 'yes' : 'no'}`,
        // A forked child that does not exec is checked too (its own %p file). Without tracing, a
        // child would only write a half file before its exec leaves valgrind: keep it silent.
        `--child-silent-after-fork=${options.traceChildren ? 'no' : 'yes'}`,
        ...traceChildrenSkipArgs(options.traceChildren, options.traceChildrenSkip)
    ];
    if (options.tool === 'memcheck') {
        args.push('--leak-check=full', '--show-leak-kinds=all');
        if (options.trackOrigins)
            args.push('--track-origins=yes');
    }
    if (options.numCallers !== undefined)
        args.push(`--num-callers=${options.numCallers}`);
    for (const file of options.suppressions)
        args.push(`--suppressions=${file}`);
    // Appended last so that the user's options win over ours.
    args.push(...options.extraArgs);
    return args;
}
/** The valgrind options that choose which leak kinds memcheck shows. */
const SHOW_OPTION = /^--show-(leak-kinds|reachable|possibly-lost)=(.*)$/;
function leakKindSet(value) {
    const text = value.trim();
    if (text === 'all')
        return [...LEAK_KINDS];
    if (text === 'none')
        return [];
    const kinds = text.split(',').map((item) => item.trim());
    return kinds.every((kind) => LEAK_KINDS.includes(kind))
        ? kinds
        : undefined;
}
/**
 * Takes the user's `--show-leak-kinds=`, `--show-reachable=` and `--show-possibly-lost=` out of
 * valgrind's arguments and returns the leak kinds they show (valgrind's rules: applied in order on
 * top of its default, `definite,possible`; `--show-reachable=yes` shows all). `shown` is undefined
 * when the user gave none. Values valgrind would refuse stay in `args`, so it says so itself.
 */
function leakShowOptions(extraArgs) {
    const args = [];
    let shown;
    for (const arg of extraArgs) {
        const match = SHOW_OPTION.exec(arg);
        const yes = match !== null && /^(yes|no)$/.test(match[2]) ? match[2] === 'yes' : undefined;
        const kinds = match?.[1] === 'leak-kinds' ? leakKindSet(match[2]) : undefined;
        if (match === null || (kinds === undefined && yes === undefined)) {
            args.push(arg);
            continue;
        }
        shown ??= new Set(['definite', 'possible']);
        if (kinds !== undefined)
            shown = new Set(kinds);
        else if (match[1] === 'reachable') {
            if (yes)
                shown = new Set(LEAK_KINDS);
            else
                shown.delete('reachable');
        }
        else if (yes)
            shown.add('possible');
        else
            shown.delete('possible');
    }
    return shown === undefined ? { args } : { args, shown };
}
/**
 * `--error-exitcode` and `--errors-for-leak-kinds` from the inputs, so that valgrind's status of a
 * process says what the verdict says: a test runner in the command then fails exactly the tests in
 * which valgrind found something `fail-on` names. Valgrind cannot leave non-leak errors out of its
 * status: when fail-on does not name `errors`, no status is asked for (`note` says why).
 */
function exitStatusArgs(options) {
    const args = [];
    if (options.tool === 'memcheck') {
        const kinds = LEAK_KINDS.filter((kind) => options.failOn.has(kind));
        args.push(`--errors-for-leak-kinds=${kinds.length > 0 ? kinds.join(',') : 'none'}`);
    }
    if (options.errorExitCode === 0)
        return { args };
    if (!options.failOn.has('errors')) {
        const note = options.failOn.size === 0
            ? undefined
            : `valgrind's --error-exitcode is not passed: fail-on does not include 'errors', and valgrind's status cannot leave memory errors out. Processes keep their own exit status.`;
        return note === undefined ? { args } : { args, note };
    }
    args.push(`--error-exitcode=${options.errorExitCode}`);
    return { args };
}
/** The last value of `--<name>=` among valgrind's options, as valgrind reads them (last wins). */
function lastOption(valgrindArgs, name) {
    const prefix = `--${name}=`;
    let value;
    for (const arg of valgrindArgs)
        if (arg.startsWith(prefix))
            value = arg.slice(prefix.length);
    return value;
}
/** valgrind's default --vgdb-error: never stop for a debugger. */
const VGDB_ERROR_NEVER = 999_999_999;
/**
 * The option that makes valgrind stop and wait for a debugger (GDB through vgdb, or attached to
 * valgrind itself), or undefined: --vgdb-error=N (after N errors), --vgdb-stop-at=<event>,
 * --wait-for-gdb=yes. The last occurrence of an option wins, as in valgrind; --vgdb=no turns the
 * gdbserver, and its waiting, off.
 */
function debuggerWaitOption(valgrindArgs) {
    if (lastOption(valgrindArgs, 'wait-for-gdb') === 'yes')
        return '--wait-for-gdb=yes';
    if (lastOption(valgrindArgs, 'vgdb') === 'no')
        return undefined;
    const afterErrors = lastOption(valgrindArgs, 'vgdb-error');
    // Not a number: valgrind refuses it itself, with its own message.
    if (afterErrors !== undefined && /^\d+$/.test(afterErrors)) {
        if (Number(afterErrors) < VGDB_ERROR_NEVER)
            return `--vgdb-error=${afterErrors}`;
    }
    const stopAt = lastOption(valgrindArgs, 'vgdb-stop-at');
    if (stopAt !== undefined && stopAt !== 'none')
        return `--vgdb-stop-at=${stopAt}`;
    return undefined;
}
/** The `--error-exitcode` valgrind ran with (from its own argv), when it replaces a status. */
function errorExitCodeOf(valgrindArgs) {
    const value = Number(lastOption(valgrindArgs ?? [], 'error-exitcode'));
    return Number.isInteger(value) && value > 0 ? value : undefined;
}

// Reads every input once, validates it, and returns one typed `Config` (as actions/checkout's
// input-helper does). Nothing else in the code reads inputs. Where inputs and the environment come
// from is passed in, so the GitHub Action (`core.getInput`) and the command line share the same
// validation.
const INSTALL_MODES = ['auto', 'always', 'never'];
function parseBoolean(read, name, fallback) {
    const raw = read(name).trim();
    if (raw === '')
        return fallback;
    if (/^(true|yes|on|1)$/i.test(raw))
        return true;
    if (/^(false|no|off|0)$/i.test(raw))
        return false;
    throw new InputError(`Input '${name}' must be true or false, got '${raw}'.`);
}
function parseAnnotations(raw) {
    const value = raw.trim().toLowerCase();
    if (value === '' || value === 'failing' || /^(true|yes|on|1)$/.test(value))
        return 'failing';
    if (value === 'all')
        return 'all';
    if (value === 'none' || /^(false|no|off|0)$/.test(value))
        return 'none';
    throw new InputError(`Input 'annotations': unknown value '${raw}'. Accepted: failing (or true: the findings whose kind is in fail-on), all (every finding, warnings for the others), none (or false).`);
}
function listItems(raw) {
    return raw
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
}
function parseFailOn(raw) {
    const items = listItems(raw.toLowerCase());
    if (items.length === 0)
        throw new InputError(failOnHelp(`'fail-on' is empty`));
    if (items.length === 1 && items[0] === 'none')
        return new Set();
    const result = new Set();
    for (const item of items) {
        if (item === 'none')
            throw new InputError(failOnHelp(`'none' cannot be combined with other values`));
        if (!FAIL_CATEGORIES.includes(item)) {
            throw new InputError(failOnHelp(`unknown value '${item}'`));
        }
        result.add(item);
    }
    return result;
}
function failOnHelp(problem) {
    return `Input 'fail-on': ${problem}. Accepted: a comma-separated list of ${FAIL_CATEGORIES.join(', ')}; or none.`;
}
function parseTools(raw) {
    const items = listItems(raw.toLowerCase());
    const help = `Accepted: ${VALGRIND_TOOLS.join(', ')}, or a comma list of one of ${ERROR_TOOLS.join('/')} plus callgrind (e.g. memcheck,callgrind).`;
    if (items.length === 0) {
        // Empty means the default; separators with nothing between them are a typo, not a choice.
        if (raw.trim() === '')
            return ['memcheck'];
        throw new InputError(`Input 'tool': '${raw}' names no tool. ${help}`);
    }
    const tools = [];
    for (const item of items) {
        if (!VALGRIND_TOOLS.includes(item)) {
            throw new InputError(`Input 'tool': unknown tool '${item}'. ${help}`);
        }
        if (!tools.includes(item))
            tools.push(item);
    }
    if (tools.filter((tool) => tool !== 'callgrind').length > 1) {
        throw new InputError(`Input 'tool': '${raw}' names more than one error checker. ${help}`);
    }
    return tools;
}
function parseRustIsolation(raw) {
    const value = raw.trim().toLowerCase();
    if (value === '')
        return 'auto';
    if (RUST_ISOLATIONS.includes(value))
        return value;
    throw new InputError(`Input 'rust-isolation' must be one of ${RUST_ISOLATIONS.join(', ')}, got '${raw.trim()}'.`);
}
function parseInstall(raw) {
    const value = raw.trim().toLowerCase() || 'auto';
    if (!INSTALL_MODES.includes(value)) {
        throw new InputError(`Input 'install': unknown value '${raw}'. Accepted: ${INSTALL_MODES.join(', ')}.`);
    }
    return value;
}
function parseRetentionDays(raw) {
    const value = raw.trim();
    if (value === '')
        return undefined;
    // Digits only: `1e1`, `0x10`, `7.0` and `+5` are numbers to JavaScript but not whole days.
    const days = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(days) || days < 1 || days > 90) {
        throw new InputError(`Input 'retention-days': '${raw}' must be a whole number of days from 1 to 90.`);
    }
    return days;
}
function parseErrorExitCode(raw) {
    const value = raw.trim();
    if (value === '')
        return 1;
    const code = Number(value);
    if (!/^\d+$/.test(value) || code > 255) {
        throw new InputError(`Input 'error-exitcode': '${raw}' is not an exit status. Accepted: a whole number from 1 to 255 (valgrind's status for a process in which it found errors), or 0 to pass none.`);
    }
    return code;
}
/**
 * The action's own check, not the command line's (a developer may run it beside a GDB on
 * purpose): valgrind waiting for a debugger that never connects hangs a workflow step until its
 * timeout, deaf to everything but the runner's kill.
 */
function assertNoDebuggerWait(config) {
    for (const [name, args] of [
        ['valgrind-args', config.valgrindArgs],
        ['callgrind-args', config.callgrindArgs]
    ]) {
        const option = debuggerWaitOption(args);
        if (option !== undefined) {
            throw new InputError(`Input '${name}': ${option} makes valgrind stop and wait for a debugger to connect, and in a workflow none does: the step would hang until its timeout. Remove it; to debug a finding with GDB, run the command line (dist/cli.js) on your machine with ${option}.`);
        }
    }
}
function splitArgs(read, name) {
    try {
        return splitShellWords(read(name));
    }
    catch (error) {
        throw new InputError(`Input '${name}': ${error.message}`);
    }
}
function traceChildrenSkip(raw) {
    try {
        return parseTraceChildrenSkip(raw);
    }
    catch (error) {
        throw new InputError(`Input 'trace-children-skip': ${error.message}`);
    }
}
function artifactName(read, variables) {
    const given = read('artifact-name').trim();
    if (given === '')
        return defaultArtifactName(variables, read('matrix'));
    validateArtifactName(given);
    return given;
}
/**
 * The `command` input as argv. It is split into words like a shell splits them but not run by a
 * shell, so shell syntax would silently mean something else (`./a | grep x` passes `|` to ./a; a
 * multi-line command runs its first line with the others as arguments): it is refused, with the
 * `sh -c` form that runs it through a shell on purpose.
 */
function parseCommand(commandLine) {
    let command;
    try {
        command = splitShellWords(commandLine);
    }
    catch (error) {
        throw new InputError(`Input 'command': ${error.message}`);
    }
    if (command.length === 0)
        throw new InputError(`Input 'command' holds no words: '${commandLine}'.`);
    const syntax = findShellSyntax(commandLine) ??
        (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command[0])
            ? `a variable assignment ('${command[0].split('=')[0]}=...'; use the step's env: instead)`
            : undefined);
    if (syntax !== undefined && command[0] === 'cargo') {
        // Through sh -c, cargo would run its tests natively: the action runs them under valgrind
        // only when cargo is the command itself.
        throw new InputError(`Input 'command' uses shell syntax, ${syntax}, but it is not run by a shell. Quote the word that holds it, as a shell would need too: a nextest filterset goes in quotes, -E 'test(name)'. Keep cargo the command itself (not sh -c '...'): the action runs each test under valgrind only then.`);
    }
    if (syntax !== undefined) {
        const multiLine = /[\r\n]/.test(commandLine);
        throw new InputError(`Input 'command' uses shell syntax, ${syntax}, but it is not run by a shell: its words go to the program as they are. To run it through a shell, say so:\n` +
            `  command: ${joinShellWords(['sh', multiLine ? '-ec' : '-c', commandLine])}\n` +
            `With trace-children on (the default), valgrind follows every program the shell starts.`);
    }
    return command;
}
function parseBaseline(raw, workingDirectory) {
    const value = raw.trim();
    if (value === '')
        return { kind: 'none' };
    if (value.toLowerCase() === 'cache')
        return { kind: 'cache' };
    const file = path.resolve(workingDirectory, value);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        throw new InputError(`Input 'baseline': '${file}' is not a file. Accepted: the path of an earlier run's JSON report (the 'report' output, relative to the working directory), or 'cache'.`);
    }
    return { kind: 'file', file };
}
function parseRegressionThreshold(raw) {
    const value = raw.trim().replace(/%$/, '').trim();
    if (value === '')
        return 5;
    const percent = Number(value);
    if (!Number.isFinite(percent) || percent < 0) {
        throw new InputError(`Input 'regression-threshold': '${raw}' is not a percentage. Accepted: a number of percent of zero or more, like 5 or 2.5%.`);
    }
    return percent;
}
function readConfig(read, env) {
    const variables = env.variables ?? {};
    const commandLine = read('command').trim();
    if (commandLine === '') {
        throw new InputError(`Input 'command' is required: the program to run under valgrind and its arguments, e.g. './build/mytool --selftest' or 'cargo nextest run'.`);
    }
    const command = parseCommand(commandLine);
    const workspace = path.resolve(env.workspace);
    const workingDirectory = path.resolve(workspace, read('working-directory').trim() || '.');
    if (!fs.existsSync(workingDirectory) || !fs.statSync(workingDirectory).isDirectory()) {
        throw new InputError(`Input 'working-directory': '${workingDirectory}' is not a directory.`);
    }
    const suppressions = listItems(read('suppressions')).map((file) => path.resolve(workingDirectory, file));
    for (const file of suppressions) {
        if (!fs.existsSync(file)) {
            throw new InputError(`Input 'suppressions': file '${file}' does not exist. Give paths relative to the working directory, separated by commas or newlines.`);
        }
    }
    const failOnRaw = read('fail-on');
    return {
        command,
        commandLine,
        workingDirectory,
        workspace,
        tools: parseTools(read('tool')),
        failOn: parseFailOn(failOnRaw.trim() === '' ? 'definite,errors' : failOnRaw),
        suppressions,
        trackOrigins: parseBoolean(read, 'track-origins', false),
        traceChildren: parseBoolean(read, 'trace-children', true),
        errorExitCode: parseErrorExitCode(read('error-exitcode')),
        valgrindArgs: splitArgs(read, 'valgrind-args'),
        traceChildrenSkip: traceChildrenSkip(read('trace-children-skip')),
        allocatorWrappers: listItems(read('allocator-wrappers')),
        annotations: parseAnnotations(read('annotations')),
        rustSuppressions: parseBoolean(read, 'rust-suppressions', true),
        rustIsolation: parseRustIsolation(read('rust-isolation')),
        install: parseInstall(read('install')),
        valgrindVersion: formatVersionSpec(parseVersionSpec(read('valgrind-version'))),
        cache: parseBoolean(read, 'cache', true),
        callgrindArgs: splitArgs(read, 'callgrind-args'),
        upload: parseBoolean(read, 'upload', true),
        artifactName: artifactName(read, variables),
        retentionDays: parseRetentionDays(read('retention-days')),
        outputDirectory: path.resolve(workspace, read('output-directory').trim() || path.join(env.tempDirectory, 'valgrind-action')),
        sarif: parseBoolean(read, 'sarif', true),
        baseline: parseBaseline(read('baseline'), workingDirectory),
        baselineCacheName: defaultArtifactName({ ...variables, GITHUB_RUN_ATTEMPT: '1' }, read('matrix')),
        regressionThreshold: parseRegressionThreshold(read('regression-threshold')),
        writeSuppressions: read('write-suppressions').trim() !== ''
            ? path.resolve(workingDirectory, read('write-suppressions').trim())
            : undefined
    };
}

// Valgrind's own end-of-run summaries, reproduced from a ProcessRun: "LEAK SUMMARY" and
// "ERROR SUMMARY: E errors from C contexts (suppressed: S from SC)". Protocol 6 writes both into the
// XML; for protocols 4 and 5 they are derived from the records (rules in
// docs/valgrind-xml-and-nextest.md §4, checked against the text output of every sample).
// Leak sizes are added up here, wherever findings or processes are combined.
/** Two leaks of one kind as one: bytes, blocks and loss records added up (the first's kind). */
function addLeaks(sum, leak) {
    return {
        kind: sum.kind,
        bytes: sum.bytes + leak.bytes,
        directBytes: sum.directBytes + leak.directBytes,
        indirectBytes: sum.indirectBytes + leak.indirectBytes,
        blocks: sum.blocks + leak.blocks,
        records: (sum.records ?? 1) + (leak.records ?? 1)
    };
}
/**
 * LEAK SUMMARY per leak kind. From `<leak_summary>` when present (protocol 6); otherwise the sum
 * over loss records of their *direct* bytes: a definitely lost block's `<leakedbytes>` includes the
 * blocks only it pointed to, which valgrind counts as indirectly lost (and reports separately).
 * Without `--show-leak-kinds=all`, kinds that were not shown sum to zero here.
 */
function leakTotals(run) {
    if (run.leakSummary) {
        const summary = run.leakSummary;
        return {
            definite: { ...summary.definite },
            indirect: { ...summary.indirect },
            possible: { ...summary.possible },
            reachable: { ...summary.reachable }
        };
    }
    const totals = {};
    for (const kind of LEAK_KINDS)
        totals[kind] = { bytes: 0, blocks: 0 };
    for (const finding of run.findings) {
        if (!finding.leak)
            continue;
        const total = totals[finding.leak.kind];
        total.bytes += finding.leak.directBytes;
        total.blocks += finding.leak.blocks;
    }
    return totals;
}
/** The LEAK SUMMARY of a whole run: every process's, added up. */
function sumLeakTotals(runs) {
    const totals = Object.fromEntries(LEAK_KINDS.map((kind) => [kind, { bytes: 0, blocks: 0 }]));
    for (const run of runs) {
        const perRun = leakTotals(run);
        for (const kind of LEAK_KINDS) {
            totals[kind].bytes += perRun[kind].bytes;
            totals[kind].blocks += perRun[kind].blocks;
        }
    }
    return totals;
}
/** valgrind's default for `--errors-for-leak-kinds`. */
const DEFAULT_ERRORS_FOR_LEAK_KINDS = ['definite', 'possible'];
const LEAK_KIND_NAMES = {
    definite: 'definite',
    indirect: 'indirect',
    possible: 'possible',
    reachable: 'reachable'
};
/**
 * The leak kinds that count as errors, from valgrind's options as given (the last
 * `--errors-for-leak-kinds=` wins; `all`, `none` or a comma list, as valgrind accepts them).
 */
function errorsForLeakKinds(valgrindArgs = []) {
    let kinds = [...DEFAULT_ERRORS_FOR_LEAK_KINDS];
    for (const arg of valgrindArgs) {
        const match = /^--errors-for-leak-kinds=(.*)$/.exec(arg);
        if (!match)
            continue;
        const value = match[1].trim();
        if (value === 'all')
            kinds = [...LEAK_KINDS];
        else if (value === 'none')
            kinds = [];
        else {
            kinds = value
                .split(',')
                .map((name) => LEAK_KIND_NAMES[name.trim()])
                .filter((kind) => kind !== undefined);
        }
    }
    return kinds;
}
/**
 * ERROR SUMMARY. From `<error_summary>` when present (protocol 6). Otherwise: every non-leak
 * context with its `<errorcounts>` count, plus one error and one context per loss record of a kind
 * in `--errors-for-leak-kinds` (read from the run's own valgrind options unless given).
 */
function errorSummary(run, options = {}) {
    if (run.errorSummary)
        return { ...run.errorSummary };
    const counted = new Set(options.errorsForLeakKinds ?? errorsForLeakKinds(run.valgrindArgs));
    let errors = 0;
    let contexts = 0;
    for (const finding of run.findings) {
        const merged = finding.contexts ?? 1;
        if (finding.leak) {
            if (!counted.has(finding.leak.kind))
                continue;
            errors += merged;
            contexts += merged;
        }
        else {
            errors += finding.count;
            contexts += merged;
        }
    }
    // Loss records of mid-run leak checks are no findings, but valgrind counted them as errors.
    for (const [kind, records] of Object.entries(run.midRunLeakRecords ?? {})) {
        if (!counted.has(kind))
            continue;
        errors += records;
        contexts += records;
    }
    const suppressed = run.suppressionCounts.reduce((sum, pair) => sum + pair.count, 0);
    return { errors, contexts, suppressed };
}

/** Distinct frames whose answers are kept at most, per memo (beyond that they are recomputed). */
const MAX_ANSWERS = 200_000;
/**
 * Answers kept per distinct frame content: every view (location, annotations, summary, terminal)
 * asks about every frame of every finding, and tens of thousands of findings must stay cheap next
 * to valgrind's own time. Nested maps on the frame fields the answer depends on (strings interned
 * by the parser, so hashing is cheap): nothing is allocated per question, no key string is built,
 * and no WeakMap is used (slow to fill and to collect with ~10^6 frames, which are not shared).
 */
class FrameMemo {
    fields;
    answer;
    root = new Map();
    size = 0;
    /** `fields`: what the answer depends on (at least one); `answer` computes it. */
    constructor(fields, answer) {
        this.fields = fields;
        this.answer = answer;
    }
    of(frame) {
        const fields = this.fields;
        const last = fields.length - 1;
        let level = this.root;
        for (let index = 0; index < last; index++) {
            const part = frame[fields[index]];
            let next = level.get(part);
            if (next === undefined)
                level.set(part, (next = new Map()));
            level = next;
        }
        const part = frame[fields[last]];
        const known = level.get(part);
        if (known !== undefined || level.has(part))
            return known;
        const value = this.answer(frame);
        if (this.size++ < MAX_ANSWERS)
            level.set(part, value);
        return value;
    }
}

/** valgrind's preload objects, the dynamic loader, and the C and C++ runtime libraries. */
const RUNTIME_OBJECTS = [
    /\/vgpreload_[^/]*\.so$/,
    /\/(ld-linux[^/]*|ld64)\.so[.\d]*$/,
    /\/lib(c|m|dl|rt|pthread|stdc\+\+|gcc_s|c\+\+|c\+\+abi|unwind)([-.][^/]*)?\.so[.\d]*$/
];
/** Where a Rust toolchain's std, and std's own dependencies, were compiled from. */
const TOOLCHAIN_SOURCE = [
    /^\/rustc\/[0-9a-f]{7,}\//,
    /^\/rust\/deps\//,
    // A toolchain whose std sources are installed (rust-src) or built locally.
    /\/lib\/rustlib\/src\/rust\/library\//
];
const RUNTIME_CRATES = '(?:std|core|alloc|test|proc_macro|panic_unwind|panic_abort|compiler_builtins)';
const RUNTIME_PATH = new RegExp(`^${RUNTIME_CRATES}::`);
/** `<alloc::raw_vec::RawVecInner>::grow_one`, `<std::thread::Thread as core::fmt::Debug>::fmt`. */
const RUNTIME_IMPL = new RegExp(`^<${RUNTIME_CRATES}::`);
/** Allocator and panic entry points the compiler generates (`__rustc::` since Rust 1.90). */
const RUNTIME_SHIM = /^(?:__rustc::)?(?:__rust_(?:alloc|dealloc|realloc|alloc_zeroed|alloc_error_handler|no_alloc_shim_is_unstable|start_panic|panic_cleanup|drop_panic|foreign_exception)\w*|__rdl_\w+|__rg_\w+|__rdg_\w+|rust_begin_unwind|rust_panic|rust_eh_personality)$/;
/** libtest generates `<crate>::main` for a test binary and attributes it all to line 1. */
const TEST_HARNESS_MAIN = /^[A-Za-z_][A-Za-z0-9_]*::main$/;
/**
 * Cargo's test binaries: `target/<profile>/deps/<crate>-<hash>`. The crate's own program
 * (`target/<profile>/<name>`, which tests run through CARGO_BIN_EXE) has a `main` of the user's,
 * which may well start on line 1.
 */
const TEST_BINARY = /\/deps\/[^/]+-[0-9a-f]{16}$/;
/** The frame's source path as valgrind printed it (directory and file joined). */
function printedSourcePath(frame) {
    if (frame.file === undefined)
        return undefined;
    if (frame.file.startsWith('/') || frame.dir === undefined)
        return frame.file;
    return `${frame.dir}/${frame.file}`;
}
/** For `<A as B>::f`: the trait B decides whose code it is (a user's trait impl for a std type). */
function implTraitIsUsers(fn) {
    const as = fn.lastIndexOf(' as ');
    return as !== -1 && !RUNTIME_PATH.test(fn.slice(as + 4));
}
// Each question is asked of every frame of every finding by several views: each is answered once
// per distinct value of what it depends on (an object, a source path, a function name), which
// takes a lookup or two per frame.
/** Is the source path one a Rust toolchain's std (or std's dependencies) was compiled from? */
const toolchainSources = new FrameMemo(['dir', 'file'], (frame) => {
    const source = printedSourcePath(frame) ?? '';
    return TOOLCHAIN_SOURCE.some((pattern) => pattern.test(source));
});
/** Is the function, named without a source file, one of std's or the compiler's shims? */
const runtimeFunctions = new FrameMemo(['fn'], (frame) => {
    const fn = frame.fn ?? '';
    if (RUNTIME_SHIM.test(fn) || RUNTIME_PATH.test(fn))
        return true;
    return RUNTIME_IMPL.test(fn) && !implTraitIsUsers(fn);
});
/** Is the object valgrind's preload, the dynamic loader or a C/C++ runtime library? */
const runtimeObjects = new FrameMemo(['obj'], (frame) => RUNTIME_OBJECTS.some((pattern) => pattern.test(frame.obj ?? '')));
/** Frames of Rust's standard library, core, alloc, the test harness and allocator shims. */
function isRustRuntimeFrame(frame) {
    if (frame.line === 1 &&
        TEST_HARNESS_MAIN.test(frame.fn ?? '') &&
        (frame.obj === undefined || TEST_BINARY.test(frame.obj))) {
        return true;
    }
    // The source path decides when valgrind knows it; the function name only without one.
    if (frame.file !== undefined)
        return toolchainSources.of(frame);
    return runtimeFunctions.of(frame);
}
/** Frames of code the user does not own: valgrind's preloads, the C/C++ runtimes, Rust's std. */
function isRuntimeFrame(frame) {
    return (frame.obj !== undefined && runtimeObjects.of(frame)) || isRustRuntimeFrame(frame);
}
/**
 * The frames worth showing: the stack down to its last frame of the user's code. What lies below
 * it is the runtime calling in — libc's start-up under `main`, Rust's test harness under a test
 * function — and tells nobody anything. A stack with no user frame at all is shown whole.
 */
function visibleFrames(frames, limit = 16) {
    let last = frames.length - 1;
    while (last > 0 && isRuntimeFrame(frames[last]))
        last--;
    // Nothing below the user's `main` is shown.
    let end = last;
    for (let index = 0; index < last; index++) {
        const frame = frames[index];
        if (frame.fn === 'main' && !isRuntimeFrame(frame)) {
            end = index;
            break;
        }
    }
    return frames.slice(0, Math.min(end + 1, limit));
}

// Chooses the source line a finding is shown on: the first frame of its stack that lies in the
// user's workspace, skipping runtime frames (runtime-frames.ts: a frame there is never the user's
// bug, even when the workspace contains such code).
/** Per workspace, each frame's path relative to it. */
const relativePaths = new Map();
/** The absolute path of a frame's source file, when valgrind knew it. */
function framePath(frame) {
    if (frame.file === undefined)
        return undefined;
    if (path.isAbsolute(frame.file))
        return path.normalize(frame.file);
    // A relative dir (libc's debug info says `./string`) is relative to wherever that library was
    // built, not to anything on this machine.
    if (frame.dir === undefined || !path.isAbsolute(frame.dir))
        return undefined;
    return path.resolve(frame.dir, frame.file);
}
/** The frame's file relative to the workspace (with `/`), or undefined when it lies outside. */
function workspaceRelativePath(frame, workspace) {
    if (frame.file === undefined)
        return undefined;
    let memo = relativePaths.get(workspace);
    if (memo === undefined) {
        memo = new FrameMemo(['dir', 'file'], (inside) => relativeTo(workspace, framePath(inside)) ?? relativeSourceInWorkspace(inside, workspace));
        relativePaths.set(workspace, memo);
    }
    return memo.of(frame);
}
/**
 * A frame whose debug information gives a relative directory (a reproducible build's
 * `-ffile-prefix-map=$PWD=.` leaves `./src` and `tree.c`): the source file it names in the
 * workspace, when there is one. Relative to the build's root, which is usually the workspace; a
 * library's own (glibc's `./string`) names nothing there.
 */
function relativeSourceInWorkspace(frame, workspace) {
    // A relative directory, not none: a bare file name says too little to look for it.
    if (frame.file === undefined || path.isAbsolute(frame.file))
        return undefined;
    if (frame.dir === undefined || path.isAbsolute(frame.dir))
        return undefined;
    const candidate = path.resolve(workspace, frame.dir, frame.file);
    try {
        if (!fs.statSync(candidate).isFile())
            return undefined;
    }
    catch {
        return undefined;
    }
    return relativeTo(workspace, candidate);
}
function relativeTo(workspace, absolute) {
    if (absolute === undefined)
        return undefined;
    const relative = path.relative(path.resolve(workspace), absolute);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
        return undefined;
    return relative.split(path.sep).join('/');
}
/** True when the frame's function matches the allocator-wrapper pattern (name or name without its parameter list). */
function isWrapperFrame(frame, wrappers) {
    if (wrappers === undefined || frame.fn === undefined)
        return false;
    const paren = frame.fn.indexOf('(');
    return wrappers.test(frame.fn) || (paren > 0 && wrappers.test(frame.fn.slice(0, paren)));
}
/** Counts the lines of workspace files, each file read once. */
function workspaceLineCounter(workspace) {
    const counts = new Map();
    return (relativeFile) => {
        if (!counts.has(relativeFile)) {
            let count;
            try {
                const text = fs.readFileSync(path.join(workspace, relativeFile), 'utf8');
                count = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
            }
            catch {
                count = undefined;
            }
            counts.set(relativeFile, count);
        }
        return counts.get(relativeFile);
    };
}
/**
 * Where in the workspace a stack points: its first user frame with a file and line there. A line
 * beyond the end of the file (debug information says what the program's build wanted it to say)
 * is not a place in the pull request: that frame is passed over. Frames of the project's allocator
 * wrappers (`allocator-wrappers`) are passed over too, so a leak is shown where the wrapper's
 * caller allocated it; a stack that is all wrappers keeps its first.
 */
function findingLocation(stack, workspace, lineCount = () => undefined, wrappers) {
    const located = firstWorkspaceFrame(stack, workspace, lineCount, wrappers);
    return (located ??
        (wrappers !== undefined ? firstWorkspaceFrame(stack, workspace, lineCount) : undefined));
}
function firstWorkspaceFrame(stack, workspace, lineCount, wrappers) {
    for (const frame of stack) {
        if (frame.line === undefined || isRuntimeFrame(frame) || isWrapperFrame(frame, wrappers))
            continue;
        if (!Number.isSafeInteger(frame.line) || frame.line < 1)
            continue;
        const file = workspaceRelativePath(frame, workspace);
        if (file === undefined)
            continue;
        const lines = lineCount(file);
        if (lines !== undefined && frame.line > lines)
            continue;
        return { file, line: frame.line, fn: frame.fn };
    }
    return undefined;
}
/** `function (file:line)` for a frame, with paths relative to the workspace when inside it. */
function describeFrame(frame, workspace) {
    const fn = frame.fn ?? '???';
    const file = workspaceRelativePath(frame, workspace) ?? framePath(frame) ?? frame.file;
    if (file !== undefined)
        return `${fn} (${file}${frame.line !== undefined ? `:${frame.line}` : ''})`;
    if (frame.obj !== undefined)
        return `${fn} (in ${frame.obj})`;
    return `${fn} (${frame.ip})`;
}

// Shell-style name patterns, as the inputs take them (`trace-children-skip`, `allocator-wrappers`).
/** Glob patterns (`*`, `?`) as one regular expression over the whole text. */
function globPattern(patterns) {
    if (patterns.length === 0)
        return undefined;
    const alternatives = patterns.map((pattern) => pattern
        .split('')
        .map((char) => char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join(''));
    return new RegExp(`^(?:${alternatives.join('|')})$`);
}

function findingCategory(raw) {
    return raw.leak?.kind ?? 'errors';
}
function frameKey(frame) {
    // Without a file/line, the function name (or object) identifies the frame; addresses are not
    // stable across processes (ASLR, different binaries), so `ip` is never part of the key.
    return `${frame.fn ?? ''}@${frame.file ?? frame.obj ?? ''}:${frame.line ?? ''}`;
}
/**
 * The part of `what` that identifies an error: a race's read vs write, an access's size. Addresses
 * and thread numbers vary between processes; a leak's text (bytes, loss record numbers) too.
 */
function whatKey(raw) {
    if (raw.leak !== undefined)
        return '';
    return raw.what.replace(/0x[0-9A-Fa-f]+/g, '0x').replace(/thread #\d+/g, 'thread #');
}
function findingKey(raw, location) {
    return [
        raw.tool,
        raw.kind,
        whatKey(raw),
        location ? `${location.file}:${location.line}` : '-',
        raw.stack.map(frameKey).join('|')
    ].join('\u0000');
}
function addLeak(into, leak) {
    if (leak === undefined)
        return into;
    if (into === undefined)
        return { ...leak };
    return addLeaks(into, leak);
}
function sameTest(a, b) {
    return a.binary === b.binary && a.name === b.name;
}
/** The test a record belongs to: the one named in its stack (cargo test), else its process's. */
function testOf(raw, run) {
    if (raw.test !== undefined && run.test !== undefined)
        return { binary: run.test.binary, name: raw.test };
    return run.test;
}
// Leaks and errors are ordered so that what fails the step and what costs most comes first:
// GitHub shows only the first 10 error and 10 warning annotations of a step.
const CATEGORY_ORDER = {
    errors: 0,
    definite: 1,
    possible: 2,
    indirect: 3,
    reachable: 4
};
/**
 * Orders file names as `localeCompare` does. Sorting thousands of findings compares the same file
 * with itself most of the time, which needs no collation.
 */
function compareFileNames(a, b) {
    return a === b ? 0 : a.localeCompare(b);
}
function compareFindings(a, b) {
    if (a.failing !== b.failing)
        return a.failing ? -1 : 1;
    if (a.category !== b.category)
        return CATEGORY_ORDER[a.category] - CATEGORY_ORDER[b.category];
    const bytes = (b.leak?.bytes ?? 0) - (a.leak?.bytes ?? 0);
    if (bytes !== 0)
        return bytes;
    if (a.occurrences !== b.occurrences)
        return b.occurrences - a.occurrences;
    const fileOrder = compareFileNames(a.location?.file ?? '\uffff', b.location?.file ?? '\uffff');
    if (fileOrder !== 0)
        return fileOrder;
    if ((a.location?.line ?? 0) !== (b.location?.line ?? 0))
        return (a.location?.line ?? 0) - (b.location?.line ?? 0);
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
/**
 * Turns records into findings. A record's place and key depend only on the record and the
 * options, so `prepare` can work them out ahead: the engine hands in each record as the XML
 * follower reads it, while valgrind still runs, and after the run collecting is mostly grouping.
 */
class FindingCollector {
    options;
    wrappers;
    lineCount;
    fields = new Map();
    constructor(options) {
        this.options = options;
        this.wrappers = globPattern(options.allocatorWrappers ?? []);
        this.lineCount = options.lineCount ?? workspaceLineCounter(options.workspace);
    }
    /** Works out a record's place and key now, for `collect` to find; returns its finding's fields. */
    prepare(raw) {
        let fields = this.fields.get(raw);
        if (fields === undefined) {
            fields = this.fieldsOf(raw);
            this.fields.set(raw, fields);
        }
        return fields;
    }
    fieldsOf(raw) {
        const location = findingLocation(raw.stack, this.options.workspace, this.lineCount, this.wrappers);
        return {
            key: findingKey(raw, location),
            tool: raw.tool,
            kind: raw.kind,
            category: findingCategory(raw),
            what: raw.what,
            location,
            stack: raw.stack,
            auxStacks: raw.auxStacks,
            notes: raw.notes
        };
    }
    collect(runs) {
        const options = this.options;
        const byKey = new Map();
        const filesByKey = new Map();
        const hidden = (raw) => raw.leak !== undefined &&
            options.shownLeakKinds !== undefined &&
            !options.shownLeakKinds.has(raw.leak.kind) &&
            !options.failOn.has(raw.leak.kind);
        for (const run of runs) {
            for (const raw of run.findings) {
                if (hidden(raw))
                    continue;
                const fields = this.fields.get(raw) ?? this.fieldsOf(raw);
                const key = fields.key;
                let finding = byKey.get(key);
                if (finding === undefined) {
                    // Field by field, not spread (a spread makes a slower kind of object, thousands of
                    // times), in fieldsOf's order: FindingJsonWriter reuses a record's text only for that.
                    finding = {
                        key,
                        tool: fields.tool,
                        kind: fields.kind,
                        category: fields.category,
                        what: fields.what,
                        location: fields.location,
                        stack: fields.stack,
                        auxStacks: fields.auxStacks,
                        notes: fields.notes,
                        leak: undefined,
                        occurrences: 0,
                        processCount: 0,
                        pids: [],
                        tests: [],
                        suppression: raw.suppression,
                        failing: options.failOn.has(fields.category)
                    };
                    byKey.set(key, finding);
                }
                finding.leak = addLeak(finding.leak, raw.leak);
                finding.occurrences += raw.count;
                if (raw.threadName !== undefined) {
                    const names = (finding.threadNames ??= []);
                    if (!names.includes(raw.threadName))
                        names.push(raw.threadName);
                }
                // A process is an XML file: pids can repeat (exec keeps the pid) or be unknown (truncated).
                const files = filesByKey.get(key) ?? new Set();
                filesByKey.set(key, files);
                if (!files.has(run.file)) {
                    files.add(run.file);
                    finding.processCount = files.size;
                    if (run.pid !== undefined && !finding.pids.includes(run.pid))
                        finding.pids.push(run.pid);
                }
                const test = testOf(raw, run);
                if (test !== undefined && !finding.tests.some((t) => sameTest(t, test)))
                    finding.tests.push(test);
            }
        }
        return [...byKey.values()].sort(compareFindings);
    }
}

// How the command and its processes ended, apart from what valgrind found in them: which process
// the command started, whether valgrind's --error-exitcode replaced a status, and the program's
// outcome for the verdict (which suite failures are the tests' own: suite/failures.ts).
/**
 * A process's XML is usable when valgrind saw the process finish (`<status>FINISHED`), or it holds
 * at least one record. A file closed without FINISHED is valgrind giving up at start-up.
 */
function usableXml(run) {
    return run.finished || (run.records ?? run.findings.length) > 0;
}
/**
 * The process the command started: the one whose parent is no other process of the run. When it
 * called exec, its last image (`<pid>.xml`; earlier images are `<pid>-<n>.xml`): the one whose
 * valgrind set the exit status.
 */
function topProcess(runs) {
    const pids = new Set(runs.map((run) => run.pid).filter((pid) => pid !== undefined));
    const top = runs.find((run) => run.ppid === undefined || !pids.has(run.ppid)) ?? runs[0];
    if (top?.pid === undefined)
        return top;
    const images = runs.filter((run) => run.pid === top.pid);
    return images.find((run) => path.basename(run.file) === `${top.pid}.xml`) ?? images.at(-1);
}
/**
 * valgrind's --error-exitcode replaced this status of the process: it is the code valgrind ran
 * with, and the process's XML counts errors (valgrind's ERROR SUMMARY, which is what it decides
 * by). A program returning that same code with no error counted keeps it as its own.
 */
function statusFromValgrind(exitCode, run) {
    if (run === undefined || exitCode === null || exitCode === 0)
        return false;
    return exitCode === errorExitCodeOf(run.valgrindArgs) && errorSummary(run).errors > 0;
}
/**
 * The processes below the command that died of a signal, said when the command's own status (0,
 * say) would not show it: the command's own death is the verdict's. Undefined when none did.
 */
function crashedChildrenWarning(runs, top, workspace) {
    const crashed = runs.filter((run) => run !== top && run.pid !== top?.pid && run.role === 'project' && run.fatalSignal !== undefined);
    if (crashed.length === 0)
        return undefined;
    const shown = crashed.slice(0, 5).map((run) => {
        const signal = run.fatalSignal;
        // Where in the project's code, else where it stopped (abort inside libc).
        const placed = findingLocation(signal.stack, workspace);
        const frame = signal.stack.find((f) => f.fn !== undefined);
        const where = placed !== undefined
            ? ` in ${placed.fn ?? '???'} (${placed.file}:${placed.line})`
            : frame !== undefined
                ? ` in ${describeFrame(frame, workspace)}`
                : '';
        return `${run.test?.binary ?? run.exe ?? 'a process'} (pid ${run.pid ?? '?'}) by ${signal.signame}${where}`;
    });
    const more = crashed.length > shown.length ? `; and ${crashed.length - shown.length} more` : '';
    return `${crashed.length === 1 ? '1 process' : `${crashed.length} processes`} the command started died of a signal: ${shown.join('; ')}${more}. The command's own status does not show it.`;
}
/**
 * Processes below the top one whose exit status valgrind's --error-exitcode set: they ran to the
 * end (an image that exec'd sets no status) and their XML counts errors. A build tool or script
 * that runs them (make check, a test script) then fails because of what valgrind found in them.
 */
function processesFailedByValgrind(runs, top) {
    return runs.filter((run) => run !== top &&
        run.pid !== top?.pid &&
        run.finished &&
        errorExitCodeOf(run.valgrindArgs) !== undefined &&
        errorSummary(run).errors > 0);
}
/** How the program ended: the exit status, or the signal with the stack valgrind saw it at. */
function programOutcome(exit, runs, valgrindErrorExit = false) {
    const outcome = { exitCode: exit.exitCode, valgrindErrorExit };
    if (exit.signal !== null) {
        // The top process is the first one started; its fatal signal carries the stack.
        const withSignal = runs.filter((run) => run.fatalSignal?.signame === exit.signal);
        const top = withSignal.find((run) => !runs.some((other) => other.pid !== undefined && other.pid === run.ppid)) ?? withSignal[0];
        outcome.signal = {
            name: exit.signal,
            pid: top?.pid,
            stack: top?.fatalSignal?.stack ?? [],
            event: top?.fatalSignal?.event
        };
    }
    return outcome;
}

// Numbers as the reports print them. Hand-rolled: the first `toLocaleString` call loads ICU's
// locale data, about 40 ms of a start-up the action keeps small.
/** `1234567` → `1,234,567` (valgrind's own style). */
function formatCount(value) {
    const text = String(value);
    return /^-?\d+$/.test(text) ? text.replace(/\B(?=(\d{3})+$)/g, ',') : text;
}

const CATEGORY_WORDS = {
    errors: ['memory error', 'memory errors'],
    definite: ['definite leak', 'definite leaks'],
    indirect: ['indirect leak', 'indirect leaks'],
    possible: ['possible leak', 'possible leaks'],
    reachable: ['still-reachable finding', 'still-reachable findings']
};
/** "1 byte", "1,024 bytes": the count with thousands separators, and the word for it. */
function plural(count, one, many) {
    return `${formatCount(count)} ${count === 1 ? one : many}`;
}
/**
 * "2 memory errors, 1 definite leak (32 bytes in 2 blocks)" for a list of findings: findings are
 * counted as findings, bytes and blocks as valgrind's LEAK SUMMARY counts them (direct only).
 */
function describeFindingCounts(findings) {
    // One pass: tens of thousands of findings are counted for the verdict and the headline.
    const counts = new Map();
    for (const finding of findings) {
        // Helgrind and DRD report thread errors (races, lock misuse), not memory errors.
        const group = finding.category === 'errors' && finding.tool !== 'memcheck' ? 'thread' : finding.category;
        let count = counts.get(group);
        if (count === undefined)
            counts.set(group, (count = { findings: 0, bytes: 0, blocks: 0 }));
        count.findings++;
        count.bytes += finding.leak?.directBytes ?? 0;
        count.blocks += finding.leak?.blocks ?? 0;
    }
    const parts = [];
    const threadErrors = counts.get('thread')?.findings ?? 0;
    if (threadErrors > 0)
        parts.push(plural(threadErrors, 'thread error', 'thread errors'));
    for (const category of Object.keys(CATEGORY_WORDS)) {
        const count = counts.get(category);
        if (count === undefined)
            continue;
        const [one, many] = CATEGORY_WORDS[category];
        let text = plural(count.findings, one, many);
        if (category !== 'errors') {
            text += ` (${plural(count.bytes, 'byte', 'bytes')} in ${plural(count.blocks, 'block', 'blocks')})`;
        }
        parts.push(text);
    }
    return parts.join(', ');
}
function signalReason(outcome, subject, workspace) {
    if (outcome.signal === undefined)
        return undefined;
    const where = outcome.signal.stack.length > 0
        ? ` in ${describeFrame(outcome.signal.stack[0], workspace)}`
        : '';
    const event = outcome.signal.event ? ` (${outcome.signal.event})` : '';
    const who = subject === 'program' ? 'The program' : 'A test process';
    return `${who} was killed by ${outcome.signal.name}${event}${where}.`;
}
/** The first five names, then how many more. */
function shortList(names) {
    return names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
}
function decideVerdict(input) {
    const setupProblems = input.setupProblems ?? [];
    if (setupProblems.length > 0) {
        const reasons = [...setupProblems, ...input.problems];
        return { failed: true, reasons, headline: headlineOf(reasons), setupFailed: true };
    }
    const reasons = [...input.problems];
    const failing = input.findings.filter((f) => f.failing);
    if (failing.length > 0) {
        const failOn = [...input.failOn].join(', ');
        // With a baseline only new findings fail: say so, or "2 definite leaks" reads as all of them.
        const fresh = failing.some((f) => f.baseline === 'new') ? ' not in the baseline' : '';
        reasons.push(`Valgrind found ${describeFindingCounts(failing)}${fresh} (fail-on: ${failOn}).`);
    }
    reasons.push(...(input.regressions ?? []));
    const signal = signalReason(input.outcome, input.subject, input.workspace);
    if (signal !== undefined)
        reasons.push(signal);
    if (input.testFailures.length > 0) {
        const shown = shortList(input.testFailures.map((failure) => failure.test.name ?? failure.test.binary));
        reasons.push(`${input.testFailures.length === 1 ? '1 test failed on its own' : `${input.testFailures.length} tests failed on their own`} (not a valgrind finding): ${shown}.`);
    }
    else if (signal === undefined &&
        !input.outcome.valgrindErrorExit &&
        input.outcome.exitCode !== null &&
        input.outcome.exitCode !== 0) {
        const who = input.subject === 'program' ? 'The program' : 'The test command';
        const below = input.outcome.failedByValgrindBelow ?? [];
        const toolchain = below.filter((process) => process.toolchain);
        const status = `${who} exited with status ${input.outcome.exitCode}`;
        if (below.length === 0) {
            reasons.push(`${status}.`);
        }
        else if (toolchain.length === below.length) {
            // The build tools' own findings do not count, but valgrind's status failed them all the same.
            reasons.push(`${status} after valgrind's --error-exitcode failed ${plural(toolchain.length, 'process', 'processes')} of the build toolchain (${shortList(toolchain.map((process) => process.name))}): valgrind found errors in them, which are not the project's. Keep valgrind out of them (trace-children-skip) or set error-exitcode: 0.`);
        }
        else if (failing.length === 0) {
            // Only findings that do not fail (known to the baseline) made valgrind fail the tests. The
            // status stays a reason: a test that also failed on its own must not pass unseen.
            const project = below.filter((process) => !process.toolchain);
            reasons.push(`${status} after valgrind's --error-exitcode failed ${plural(project.length, 'process', 'processes')} it started (${shortList(project.map((process) => process.name))}) for findings that do not fail the step (known to the baseline). Commit valgrind suppressions for them (write-suppressions) or set error-exitcode: 0, so that the command's status is its own.`);
        }
        // Otherwise the findings that fail the step made valgrind fail the command's tests: the status
        // is their consequence, and the step fails on them already.
    }
    const failed = reasons.length > 0;
    let headline;
    if (failed) {
        headline = headlineOf(reasons);
    }
    else if (input.errorCheck === false) {
        const who = input.subject === 'program' ? 'the program' : 'the tests';
        headline = `Passed: ${who} ran under callgrind; no error check ran (tool: callgrind alone).`;
    }
    else if (input.findings.length === 0) {
        headline = 'Passed: valgrind found no errors and no leaks.';
    }
    else if (input.findings.some((f) => f.baseline !== undefined)) {
        const known = input.findings.filter((f) => f.baseline === 'unchanged').length;
        headline = `Passed: nothing new in fail-on (${[...input.failOn].join(', ') || 'none'}); ${describeFindingCounts(input.findings)} in all, ${known} of them already in the baseline.`;
    }
    else {
        headline = `Passed: ${describeFindingCounts(input.findings)}, none of them in fail-on (${[...input.failOn].join(', ') || 'none'}).`;
    }
    return { failed, reasons, headline };
}
function headlineOf(reasons) {
    const more = reasons.length - 1;
    return more === 0
        ? `Failed: ${reasons[0]}`
        : `Failed: ${reasons[0].replace(/\.$/, '')}; and ${plural(more, 'more reason', 'more reasons')}.`;
}

// Installing valgrind with the distribution's package manager. On Debian and Ubuntu the .deb files
// are also kept in the Actions cache, so a warm install is a `dpkg -i` of them: no `apt-get
// update`, no download.
const APT_LISTS = '/var/lib/apt/lists';
function aptListsPresent() {
    try {
        return fs.readdirSync(APT_LISTS).some((file) => /_Packages(\.\w+)?$/.test(file));
    }
    catch {
        return false;
    }
}
/** "Candidate: 1:3.19.0-1" of `apt-cache policy`, or undefined for "(none)" or no such package. */
function parseAptCandidate(policyOutput) {
    const match = /Candidate:\s*(\S+)/.exec(policyOutput);
    return match && match[1] !== '(none)' ? match[1] : undefined;
}
/** apt's words for lists that are missing or out of date (a retry after `apt-get update` helps). */
function looksLikeStaleLists(output) {
    return /Unable to locate package|has no installation candidate|Failed to fetch|Unable to fetch some archives|404\s+Not Found/i.test(output);
}
async function aptCandidate(pkg) {
    const result = await run$1(['apt-cache', 'policy', pkg], { announce: false });
    return result.exitCode === 0 ? parseAptCandidate(result.stdout) : undefined;
}
/** Finds the valgrind a package installed (PATH may not hold it, e.g. in tests). */
async function installedValgrind() {
    return (await probeValgrind('/usr/bin/valgrind')) ?? (await probeValgrind('valgrind'));
}
/**
 * Why cached .deb files are not trusted, or undefined when every one is: its sha256 must be the
 * one apt's package index (signed by the distribution) gives for its package, version and
 * architecture. Without package lists nothing can be checked, so nothing is trusted.
 */
async function unverifiedPackage(debs) {
    if (debs.length === 0)
        return 'the cache entry holds no .deb file';
    for (const deb of debs) {
        const fields = await run$1(['dpkg-deb', '-f', deb, 'Package', 'Version', 'Architecture'], {
            announce: false
        });
        const control = parseAptStanzas(fields.stdout)[0];
        if (fields.exitCode !== 0 || control === undefined) {
            return `${path.basename(deb)} is not a Debian package`;
        }
        const pkg = {
            name: control.Package,
            version: control.Version ?? '',
            architecture: control.Architecture ?? ''
        };
        const show = await run$1(['apt-cache', 'show', `${pkg.name}=${pkg.version}`], {
            announce: false
        });
        const expected = indexedSha256(parseAptStanzas(show.stdout), pkg);
        if (expected === undefined) {
            return `apt's package lists do not know ${pkg.name} ${pkg.version} (${pkg.architecture}), so ${path.basename(deb)} cannot be checked`;
        }
        const actual = sha256File(deb);
        if (actual !== expected) {
            return `${path.basename(deb)} has sha256 ${actual}, but apt's index gives ${expected} for ${pkg.name} ${pkg.version}`;
        }
    }
    return undefined;
}
/**
 * Installs with apt. Returns undefined when apt's valgrind does not meet the spec (the caller
 * then builds from source).
 */
async function installWithApt(options) {
    const { host, spec, useCache, notes } = options;
    const root = (argv) => asRoot(argv, host.isRoot, host.hasSudo, { DEBIAN_FRONTEND: 'noninteractive' });
    // The cached .deb files only fit the libc6 they were built against (libc6-dbg pins it).
    const libc = await run$1(['dpkg-query', '-W', '-f=${Version}', 'libc6'], { announce: false });
    const key = cacheKey({
        platform: host.platform,
        distro: host.distro,
        arch: host.arch,
        method: 'apt',
        version: spec,
        extra: libc.exitCode === 0 ? `libc6_${libc.stdout.trim()}` : undefined
    });
    const debDir = path.join(options.toolCacheDir, 'valgrind-debs', key);
    if (useCache && (await restoreFromCache([debDir], key, notes))) {
        const debs = fs.readdirSync(debDir).filter((file) => file.endsWith('.deb'));
        const untrusted = await unverifiedPackage(debs.map((deb) => path.join(debDir, deb)));
        if (untrusted !== undefined) {
            notes.push(`the cached packages were not installed: ${untrusted}; using apt-get instead`);
            fs.rmSync(debDir, { recursive: true, force: true });
        }
        else {
            const result = await run$1(root(['dpkg', '-i', ...debs.map((deb) => path.join(debDir, deb))]));
            const found = result.exitCode === 0 ? await installedValgrind() : undefined;
            if (found && satisfies(found.version, spec)) {
                notes.push(`installed ${debs.join(', ')} from the Actions cache (key ${key}), each checked against apt's index`);
                return { found, source: 'cache' };
            }
            notes.push(`the cached packages did not install (${tail(result, 3)}); using apt-get instead`);
        }
    }
    let updated = false;
    const update = async (reason) => {
        notes.push(`ran apt-get update: ${reason}`);
        const result = await run$1(root(['apt-get', 'update', '-q']));
        if (result.exitCode !== 0) {
            throw new InstallError(`'apt-get update' failed (exit ${result.exitCode}):\n${tail(result)}`);
        }
        updated = true;
    };
    if (!aptListsPresent())
        await update('the package lists were missing');
    let candidate = await aptCandidate('valgrind');
    if (!candidate && !updated) {
        await update('apt knew no valgrind package');
        candidate = await aptCandidate('valgrind');
    }
    const offered = candidate ? upstreamOfDebianVersion(candidate) : undefined;
    if (!offered) {
        notes.push(`apt offers no valgrind package on ${host.distro.prettyName}`);
        return undefined;
    }
    if (!satisfies(offered, spec)) {
        notes.push(`apt offers valgrind ${offered}, which does not meet valgrind-version '${spec}'`);
        return undefined;
    }
    const packages = [];
    for (const pkg of valgrindPackages('apt')) {
        if (pkg === 'valgrind' || (await aptCandidate(pkg)))
            packages.push(pkg);
        else
            notes.push(`${pkg} is not available here; stacks through libc may lack names`);
    }
    const install = installCommand(host.distro, host.isRoot, host.hasSudo, packages);
    let result = await run$1(install);
    if (result.exitCode !== 0 && !updated && looksLikeStaleLists(tail(result, 40))) {
        await update('the install failed on out-of-date package lists');
        result = await run$1(install);
    }
    if (result.exitCode !== 0) {
        throw new InstallError(`'${install.argv.join(' ')}' failed (exit ${result.exitCode}):\n${tail(result)}`);
    }
    const found = await installedValgrind();
    if (!found)
        throw new InstallError(`apt-get installed valgrind, but no working valgrind was found`);
    notes.push(`installed ${packages.join(', ')} with apt-get (valgrind ${candidate})`);
    if (useCache) {
        // `apt-get download` fetches the candidate .debs whatever the apt cache settings (Docker
        // images delete /var/cache/apt/archives after each install).
        fs.rmSync(debDir, { recursive: true, force: true });
        fs.mkdirSync(debDir, { recursive: true });
        const download = await run$1(['apt-get', 'download', ...packages], { cwd: debDir });
        if (download.exitCode === 0)
            await saveToCache([debDir], key, notes);
        else
            notes.push(`could not download the .deb files to cache them: ${tail(download, 3)}`);
    }
    return { found, source: 'package-manager' };
}
/** dnf, yum, apk, pacman, zypper: install, then report what came. No package caching there. */
async function installWithOtherManager(host, notes) {
    const install = installCommand(host.distro, host.isRoot, host.hasSudo);
    const result = await run$1(install);
    if (result.exitCode !== 0) {
        throw new InstallError(`'${install.argv.join(' ')}' failed (exit ${result.exitCode}):\n${tail(result)}`);
    }
    const found = await installedValgrind();
    if (!found)
        throw new InstallError(`'${install.argv.join(' ')}' ran, but no valgrind was found`);
    notes.push(`installed ${valgrindPackages(host.distro.family).join(', ')} with ${install.argv.find((word) => /^(dnf|yum|apk|pacman|zypper)$/.test(word))}`);
    debug(`valgrind ${found.version} at ${found.path}`);
    return found;
}
/** Source builds on Debian/Ubuntu still need libc6-dbg (memcheck's redirections in ld.so). */
async function ensureLibcDebugSymbols(host, notes) {
    if (host.distro.family !== 'apt')
        return;
    const status = await run$1(['dpkg-query', '-W', '-f=${Status}', 'libc6-dbg'], { announce: false });
    if (status.exitCode === 0 && status.stdout.includes('install ok installed'))
        return;
    if (!aptListsPresent()) {
        await run$1(asRoot(['apt-get', 'update', '-q'], host.isRoot, host.hasSudo));
    }
    const result = await run$1(installCommand(host.distro, host.isRoot, host.hasSudo, ['libc6-dbg']));
    notes.push(result.exitCode === 0
        ? 'installed libc6-dbg so that stacks through libc have names'
        : `could not install libc6-dbg (memcheck may fail to start): ${tail(result, 3)}`);
}

// Getting a valgrind that meets the `install` and `valgrind-version` inputs: the one on PATH, the
// distribution's package, or a release built from source; cached with @actions/cache so the next
// run takes seconds. Reports honestly what was used and where it came from.
//
// Order of choice:
// 1. Linux only (valgrind does not run on macOS/Windows): PlatformError otherwise, at once.
// 2. `install: never` → the valgrind on PATH, if it meets the spec, else an InstallError.
//    `install: auto` → the valgrind on PATH when it meets the spec. `always` skips it.
// 3. Debian/Ubuntu: apt's valgrind when its candidate meets the spec. Warm: the .debs from the
//    Actions cache (key: OS, distribution release, arch, spec, libc6 version), `dpkg -i`. Cold:
//    `apt-get update` only if the lists are missing (or the install failed on stale lists), then
//    `apt-get install -y --no-install-recommends valgrind libc6-dbg` (`sudo -n` when not root),
//    then `apt-get download` of the same .debs into the cache.
//    dnf/yum/apk/pacman/zypper: their package (apk adds musl-dbg), not cached.
// 4. Otherwise (the spec asks for more than the distribution has, e.g. 3.26.0 or >=3.22 on
//    Ubuntu 22.04's 3.18) a release tarball is built: <tool cache>/valgrind/<version>/<arch>
//    (@actions/tool-cache's layout), found there (self-hosted runners), restored from the Actions
//    cache (key with the tarball's sha256 and the build's manifest digest), or downloaded
//    (tc.downloadTool), sha256-checked, `configure --prefix && make -j$(nproc) && make install`
//    and cached (tc.cacheDir). The prefix goes first on PATH (core.addPath); VALGRIND_LIB is set
//    only when the prefix sits elsewhere than it was configured for.
// Nothing found in the tool cache or the Actions cache is run before it is verified (trust.ts):
// a prefix against the manifest recorded when it was built, cached .debs against apt's index.
// Environment (not inputs; for mirrors and tests): VALGRIND_ACTION_DOWNLOAD_BASE replaces
// https://sourceware.org/pub/valgrind; VALGRIND_ACTION_TARBALL_SHA256="3.27.0=<sha256>,..." adds
// or replaces checksums in the built-in table (see releases.ts).
const SOURCE_WORDS = {
    runner: 'already on the runner',
    cache: 'restored from the Actions cache',
    'package-manager': 'installed with the package manager',
    'source-build': 'built from source'
};
/** One line for the log and the job summary, e.g. "valgrind 3.24.0 (built from source, 412.3 s)". */
function describeInstall(result) {
    return `valgrind ${result.version} at ${result.valgrindPath} (${SOURCE_WORDS[result.source]}, ${result.seconds.toFixed(1)} s)`;
}
async function ensureValgrind(options) {
    const notes = [];
    try {
        return await chooseAndInstall(options, notes);
    }
    catch (error) {
        // What was tried before the failure often explains it (e.g. why a build was attempted).
        if (error instanceof InstallError && notes.length > 0) {
            throw new InstallError(`${error.message}\nBefore that: ${notes.join('; ')}.`);
        }
        throw error;
    }
}
async function chooseAndInstall(options, notes) {
    const started = performance.now();
    const spec = options.valgrindVersion.trim() || 'system';
    const finish = (found, source) => {
        const result = {
            version: found.version,
            valgrindPath: found.path,
            source,
            seconds: Math.round((performance.now() - started) / 100) / 10,
            notes
        };
        info(describeInstall(result));
        for (const note of notes)
            info(`  ${note}`);
        return result;
    };
    assertSupportedPlatform(process.platform, process.arch);
    parseVersionSpec(spec);
    const existing = await probeValgrind();
    if (options.install === 'never') {
        if (!existing) {
            throw new InstallError(`valgrind is not on PATH, and input 'install' is 'never'. Install valgrind in an earlier step, or set install: auto to let the action install it.`);
        }
        if (!satisfies(existing.version, spec)) {
            throw new InstallError(`valgrind ${existing.version} (${existing.path}) does not meet valgrind-version '${spec}', and input 'install' is 'never'. Install a valgrind that does, or set install: auto.`);
        }
        return finish(existing, 'runner');
    }
    if (options.install === 'auto' && existing && satisfies(existing.version, spec)) {
        return finish(existing, 'runner');
    }
    if (existing) {
        notes.push(options.install === 'always'
            ? `install: always, so valgrind ${existing.version} on PATH was not used`
            : `valgrind ${existing.version} on PATH does not meet valgrind-version '${spec}'`);
    }
    const host = await readHost();
    const toolCacheDir = options.toolCacheDir ??
        (process.env.RUNNER_TOOL_CACHE || path.join(os.tmpdir(), 'valgrind-action-tools'));
    const useCache = options.cache && (await cacheAvailable());
    if (options.cache && !useCache) {
        notes.push('no Actions cache service here (ACTIONS_RESULTS_URL is unset): nothing cached');
    }
    const common = { host, spec, useCache, toolCacheDir, notes };
    if (host.distro.family === 'apt') {
        const installed = await installWithApt(common);
        if (installed)
            return finish(installed.found, installed.source);
    }
    else if (host.distro.family !== 'unknown') {
        const found = await installWithOtherManager(host, notes);
        if (satisfies(found.version, spec))
            return finish(found, 'package-manager');
        notes.push(`the package manager gave valgrind ${found.version}, which does not meet '${spec}'`);
    }
    else if (parseVersionSpec(spec).kind === 'system') {
        throw new InstallError(`No supported package manager on ${host.distro.prettyName} (supported: apt, dnf, yum, apk, pacman, zypper). Set valgrind-version to a release such as 3.26.0 to build valgrind from source, or install valgrind yourself and set install: never.`);
    }
    await ensureLibcDebugSymbols(host, notes);
    // Loaded only here: the download and build code (with its HTTP client) costs every run's start.
    const { installFromSource } = await import('./source-build-BW0QqbX3.js');
    const built = await installFromSource(common);
    return finish(built.found, built.source);
}

// Builds callgrind's own arguments. Pure: takes data, returns argv.
/** The file name pattern of callgrind's outputs: `%p` makes one file per process. */
const CALLGRIND_FILE_PREFIX = 'callgrind.out.';
/**
 * Arguments for a callgrind pass. No `--xml`: callgrind does not support it (it prints "Bad option"
 * and then runs anyway, leaving an empty XML file behind). Totals come from each out-file's header.
 */
function callgrindArgs(options) {
    return [
        '--tool=callgrind',
        // %p: one file per process; a child that execs gets its own pid's file.
        `--callgrind-out-file=${valgrindFileOption(options.outputDir, `${CALLGRIND_FILE_PREFIX}%p`)}`,
        `--trace-children=${options.traceChildren ? 'yes' : 'no'}`,
        ...traceChildrenSkipArgs(options.traceChildren, options.traceChildrenSkip),
        // Appended last so that the user's options win over ours.
        ...options.extraArgs
    ];
}

// Address-space randomisation changes where the loader and the heap put things, and with it a few
// instructions here and there; with it off, the same binary and input give the same counts.
// `setarch -R` turns it off for one command where the kernel allows personality(ADDR_NO_RANDOMIZE)
// (some containers forbid it); when it does not work we run without it and say nothing.
let probed;
/**
 * The argv prefix that runs a command with address-space randomisation off (`['setarch',
 * '<arch>', '-R']`), or `[]` when setarch is missing or not permitted here. Probed once per process.
 */
function noRandomizationPrefix() {
    probed ??= probe();
    return probed;
}
function probe() {
    // setarch wants the architecture name as uname -m prints it.
    const arch = os.machine();
    const prefix = ['setarch', arch, '-R'];
    return new Promise((resolve) => {
        execFile(prefix[0], [...prefix.slice(1), 'true'], { timeout: 10000 }, (error) => resolve(error ? [] : prefix));
    });
}

// Reads callgrind out-files without callgrind_annotate (which may not be installed, and whose text
// is not meant for machines). The format is line based (valgrind's docs/cl-format.xml), so files
// are streamed line by line: a long test run can write hundreds of megabytes.
//
// Which total we report: the `totals:` line, summed over parts; `summary:` only when a part has no
// `totals:`. `totals:` is the sum of the cost lines callgrind actually wrote and equals the
// "Collected : N" line of callgrind's stderr; `summary:` is only promised to be >= that sum and can
// be a few instructions higher (with --dump-instr=yes --cache-sim=yes: summary Ir 2,016,963,
// totals 2,016,961). callgrind_annotate prints `summary:` as PROGRAM TOTALS, so the number it shows
// can differ from ours by those few instructions; `summaryTotals` keeps it for comparison.
/**
 * Reads the files of one process (parts written by `--dump-before`/`--dump-every-bb`, threads
 * written by `--separate-threads=yes`) into one profile: their totals and functions are added up.
 */
async function readCallgrindProfile(files, options = {}) {
    if (files.length === 0)
        throw new Error('readCallgrindProfile needs at least one file');
    const acc = new ProfileAccumulator();
    for (const file of files)
        await readInto(acc, file);
    return acc.finish(files, options.topFunctions ?? 25);
}
/**
 * Groups the callgrind files of a directory by process, from their names
 * (`callgrind.out.<pid>[.<part>][-<thread>]`), in pid order.
 */
function groupCallgrindFiles(fileNames) {
    const byProcess = new Map();
    const pattern = /^callgrind\.out\.(\d+)(?:\.(\d+))?(?:-(\d+))?$/;
    for (const name of fileNames) {
        const base = path.basename(name);
        if (!base.startsWith(CALLGRIND_FILE_PREFIX))
            continue;
        const match = pattern.exec(base);
        const key = match ? match[1] : base;
        const group = byProcess.get(key) ?? [];
        group.push(name);
        byProcess.set(key, group);
    }
    const order = (name) => {
        const match = pattern.exec(path.basename(name));
        // The final part has no `.<n>` suffix: it comes last.
        return match ? [Number(match[2] ?? Infinity), Number(match[3] ?? 0)] : [0, 0];
    };
    return [...byProcess.entries()]
        .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
        .map(([, group]) => group.sort((a, b) => {
        const [pa, ta] = order(a);
        const [pb, tb] = order(b);
        return pa - pb || ta - tb;
    }));
}
/** Reads every process's profile in a directory (not recursive), in pid order. */
async function readCallgrindDirectory(dir, options) {
    let names;
    try {
        names = await fs.promises.readdir(dir);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return [];
        throw error;
    }
    const groups = groupCallgrindFiles(names.map((name) => path.join(dir, name)));
    const profiles = [];
    for (const group of groups)
        profiles.push(await readCallgrindProfile(group, options));
    return profiles;
}
/** What is collected over all files of one process. Costs are indexed by `events`. */
class ProfileAccumulator {
    events = [];
    totals = [];
    summary = [];
    partsWithTotals = 0;
    partsWithSummary = 0;
    parts = 0;
    sawHeader = false;
    pid;
    cmd;
    functions = new Map();
    warnings = [];
    eventIndex(name) {
        let index = this.events.indexOf(name);
        if (index < 0) {
            index = this.events.length;
            this.events.push(name);
        }
        return index;
    }
    finish(files, top) {
        const byName = (costs) => Object.fromEntries(this.events.map((event, i) => [event, costs[i] ?? 0]));
        let totals = this.totals;
        if (!this.sawHeader) {
            this.warnings.push(`${files.join(', ')}: empty or not a callgrind out-file (was the process killed before callgrind wrote its profile?).`);
        }
        else if (this.partsWithTotals === 0 && this.partsWithSummary === 0) {
            // A file cut short (killed process, full disk): add up what is there.
            totals = [];
            for (const fn of this.functions.values())
                addInto(totals, fn.self);
            this.warnings.push(`${files[0]}: no 'totals:' or 'summary:' line (was the file cut short?); totals are the sum of the cost lines read.`);
        }
        else if (this.partsWithTotals < this.partsWithSummary) {
            // `totals:` is the last line of a part: without it the file was cut short, and the
            // `summary:` written at the top is the best figure left.
            totals = this.summary;
            this.warnings.push(`${files.join(', ')}: a part has no 'totals:' line (was the file cut short?); totals are taken from 'summary:'.`);
        }
        const sortEvent = this.events.includes('Ir') ? this.events.indexOf('Ir') : 0;
        const all = [...this.functions.values()];
        const bySelf = [...all].sort((a, b) => (b.self[sortEvent] ?? 0) - (a.self[sortEvent] ?? 0));
        const inclusiveOf = (fn) => {
            const sum = [];
            addInto(sum, fn.self);
            addInto(sum, fn.callees);
            return sum;
        };
        const byInclusive = all
            .map((fn) => ({ fn, inclusive: inclusiveOf(fn) }))
            .sort((a, b) => (b.inclusive[sortEvent] ?? 0) - (a.inclusive[sortEvent] ?? 0));
        const kept = new Set([...bySelf.slice(0, top), ...byInclusive.slice(0, top).map((e) => e.fn)]);
        const functions = bySelf
            .filter((fn) => kept.has(fn))
            .map((fn) => ({
            name: fn.name,
            file: fn.file,
            object: fn.object,
            self: byName(fn.self),
            inclusive: byName(inclusiveOf(fn))
        }));
        const words = this.cmd?.trim().split(/ +/).filter(Boolean) ?? [];
        const everyPartHasSummary = this.partsWithSummary > 0 && this.partsWithSummary >= this.parts;
        const mainFile = files.find((f) => path.basename(f) === `${CALLGRIND_FILE_PREFIX}${this.pid}`);
        return {
            file: mainFile ?? files[0],
            files: [...files],
            pid: this.pid,
            cmd: this.cmd?.trim(),
            exe: words[0],
            args: words.slice(1),
            events: [...this.events],
            totals: byName(totals),
            summaryTotals: everyPartHasSummary ? byName(this.summary) : undefined,
            parts: this.parts,
            functions,
            warnings: this.warnings
        };
    }
}
function addInto(target, costs) {
    for (let i = 0; i < costs.length; i++)
        target[i] = (target[i] ?? 0) + (costs[i] ?? 0);
}
/** `fib'2` is `fib` at recursion depth 2 (`--separate-recs`); the user knows it as `fib`. */
function baseFunctionName(name) {
    return name.replace(/'\d+$/, '');
}
/** Callgrind compresses repeated names: `(12) name` defines id 12, a later `(12)` refers to it. */
class NameTable {
    names = new Map();
    resolve(spec) {
        const match = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec);
        if (!match)
            return spec;
        if (match[2] !== undefined) {
            this.names.set(match[1], match[2]);
            return match[2];
        }
        return this.names.get(match[1]) ?? `(${match[1]})`;
    }
}
/** Per-file parsing state; name ids are per file. */
async function readInto(acc, file) {
    const objects = new NameTable();
    const sourceFiles = new NameTable();
    const functionNames = new NameTable();
    // Maps this part's event columns to the accumulator's event indexes.
    let columns = acc.events.map((_, i) => i);
    let positions = 1;
    let object;
    let sourceFile;
    let current;
    let calleeObject;
    let callee;
    let callCostNext = false;
    let sawHeader = false;
    // Callgrind writes function, file and object names as they are: an ELF symbol or a source path
    // with a line break adds lines of the program's choosing to the profile. (It escapes the command
    // line of `cmd:`.) Names come only after the header, so header lines count only in the header,
    // before the first cost or `name=` line, and `totals:` only as the last line of the file: an
    // injected `totals:` is always followed by more of the profile. Callgrind writes each dump to
    // its own file, so a file is one part.
    let inBody = false;
    let events;
    let summary;
    let totals;
    let ignoredHeaderLines = 0;
    let malformed = 0;
    let firstMalformed = 0;
    let lineNumber = 0;
    const costsOf = (line) => {
        const words = line.trim().split(/\s+/);
        const costs = [];
        for (let i = positions; i < words.length; i++) {
            const value = Number(words[i]);
            if (Number.isFinite(value))
                costs[columns[i - positions] ?? acc.eventIndex(`?${i}`)] = value;
        }
        return costs;
    };
    const headerCosts = (value) => {
        const costs = [];
        value
            .trim()
            .split(/\s+/)
            .forEach((word, i) => {
            const n = Number(word);
            if (word !== '' && Number.isFinite(n))
                costs[columns[i] ?? acc.eventIndex(`?${i}`)] = n;
        });
        return costs;
    };
    const enterFunction = (name) => {
        const base = baseFunctionName(name);
        const key = `${object ?? ''}\0${sourceFile ?? ''}\0${base}`;
        let fn = acc.functions.get(key);
        if (!fn) {
            fn = { name: base, file: sourceFile, object, self: [], callees: [] };
            acc.functions.set(key, fn);
        }
        return fn;
    };
    const enterBody = () => {
        if (inBody)
            return;
        inBody = true;
        if (events !== undefined)
            columns = events.map((event) => acc.eventIndex(event));
    };
    /** A body line after a `totals:`: that `totals:` was not the last line, so not callgrind's. */
    const bodyLine = () => {
        enterBody();
        if (totals !== undefined) {
            totals = undefined;
            ignoredHeaderLines++;
        }
    };
    const input = fs.createReadStream(file, { encoding: 'utf8' });
    // Loaded here, not at start-up: only callgrind passes read profiles.
    const readline = process.getBuiltinModule('node:readline');
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
        lineNumber++;
        if (line === '' || line.startsWith('#'))
            continue;
        const first = line.charCodeAt(0);
        // Cost lines start with a position: a number, 0x…, +n, -n or *.
        if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 42) {
            bodyLine();
            const costs = costsOf(line);
            if (callCostNext) {
                callCostNext = false;
                // The inclusive cost of a call. A call into the function itself (recursion) is already
                // counted by the callee's own lines, so adding it would count those instructions twice.
                const sameFunction = current !== undefined &&
                    callee !== undefined &&
                    baseFunctionName(callee) === current.name &&
                    (calleeObject ?? object) === current.object;
                if (current && !sameFunction)
                    addInto(current.callees, costs);
                calleeObject = undefined;
                continue;
            }
            current ??= enterFunction('???');
            addInto(current.self, costs);
            continue;
        }
        const eq = line.indexOf('=');
        const colon = line.indexOf(':');
        if (eq > 0 && (colon < 0 || eq < colon)) {
            bodyLine();
            const key = line.slice(0, eq);
            const value = line.slice(eq + 1);
            switch (key) {
                case 'ob':
                    object = objects.resolve(value);
                    break;
                case 'fl':
                    sourceFile = sourceFiles.resolve(value);
                    break;
                case 'fi':
                case 'fe':
                case 'cfi':
                case 'cfl':
                case 'jfi':
                    // Inlined code and callee files do not change which function the costs belong to.
                    sourceFiles.resolve(value);
                    break;
                case 'fn':
                    current = enterFunction(functionNames.resolve(value));
                    break;
                case 'cob':
                    calleeObject = objects.resolve(value);
                    break;
                case 'cfn':
                    callee = functionNames.resolve(value);
                    break;
                case 'jfn':
                    functionNames.resolve(value);
                    break;
                case 'calls':
                    callCostNext = true;
                    break;
                case 'jump':
                case 'jcnd':
                    break;
                default:
                    malformed++;
                    firstMalformed ||= lineNumber;
            }
            continue;
        }
        if (colon > 0) {
            const key = line.slice(0, colon);
            const value = line.slice(colon + 1);
            sawHeader = true;
            if (key === 'totals') {
                totals = value;
                continue;
            }
            if (inBody) {
                ignoredHeaderLines++;
                continue;
            }
            switch (key) {
                case 'pid':
                    acc.pid ??= Number(value.trim());
                    break;
                case 'cmd':
                    acc.cmd ??= value;
                    break;
                case 'positions':
                    positions = Math.max(1, value.trim().split(/\s+/).length);
                    break;
                case 'events':
                    events = value.trim().split(/\s+/);
                    break;
                case 'summary':
                    summary = value;
                    break;
            }
            continue;
        }
        malformed++;
        firstMalformed ||= lineNumber;
    }
    // An empty file is normal next to per-thread files (--separate-threads=yes leaves the main file
    // empty); `finish` warns when no file of the process had anything.
    if (lineNumber > 0 && !sawHeader) {
        acc.warnings.push(`${file}: not a callgrind out-file (no header lines).`);
    }
    enterBody();
    if (summary !== undefined) {
        addInto(acc.summary, headerCosts(summary));
        acc.partsWithSummary++;
    }
    if (totals !== undefined) {
        addInto(acc.totals, headerCosts(totals));
        acc.partsWithTotals++;
    }
    if (sawHeader) {
        acc.sawHeader = true;
        acc.parts += 1;
    }
    if (ignoredHeaderLines > 0) {
        acc.warnings.push(`${file}: ${ignoredHeaderLines} header line(s) inside the profile ignored (a function name or an argument with a line break?); totals are callgrind's own.`);
    }
    if (malformed > 0) {
        acc.warnings.push(`${file}: ${malformed} line(s) not understood and skipped (first at line ${firstMalformed}).`);
    }
}

const TOOL_LABELS = {
    memcheck: 'Memcheck',
    helgrind: 'Helgrind',
    drd: 'DRD'
};
function toolLabel(tool) {
    return TOOL_LABELS[tool] ?? tool.charAt(0).toUpperCase() + tool.slice(1);
}
const LEAK_KIND_WORDS = {
    definite: 'definitely lost',
    indirect: 'indirectly lost',
    possible: 'possibly lost',
    reachable: 'still reachable'
};
const KIND_LABELS = {
    Leak_DefinitelyLost: 'Definitely lost',
    Leak_IndirectlyLost: 'Indirectly lost',
    Leak_PossiblyLost: 'Possibly lost',
    Leak_StillReachable: 'Still reachable',
    UninitCondition: 'Uninitialised condition',
    UninitValue: 'Uninitialised value',
    SyscallParam: 'Syscall parameter',
    ConflictingAccess: 'Conflicting access (race)'
};
/** A readable name for a valgrind error kind: `InvalidRead` → `Invalid read`. */
function kindLabel(kind) {
    const known = KIND_LABELS[kind];
    if (known !== undefined)
        return known;
    const words = kind
        .replace(/_/g, ' ')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
}
function formatNumber(value) {
    return formatCount(value);
}
function formatBytes(bytes) {
    return `${formatNumber(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
}
/** `Memcheck: Invalid read of size 4`, `Memcheck: 100 bytes definitely lost`. */
function findingTitle(finding) {
    if (finding.leak !== undefined) {
        const { bytes, directBytes, indirectBytes, kind } = finding.leak;
        const split = indirectBytes > 0
            ? ` (${formatNumber(directBytes)} direct, ${formatNumber(indirectBytes)} indirect)`
            : '';
        return `${toolLabel(finding.tool)}: ${formatBytes(bytes)}${split} ${LEAK_KIND_WORDS[kind]}`;
    }
    return `${toolLabel(finding.tool)}: ${firstLine(finding.what)}`;
}
/**
 * The finding's text. Valgrind's own, except for a leak that sums several loss records (blocks
 * allocated on one line by different calls, or the same leak in several processes): that text is
 * written from the sums, so it agrees with the title.
 */
function findingText(finding) {
    const leak = finding.leak;
    if (leak === undefined || (leak.records ?? 1) <= 1)
        return finding.what.trim();
    const split = leak.indirectBytes > 0
        ? ` (${formatNumber(leak.directBytes)} direct, ${formatNumber(leak.indirectBytes)} indirect)`
        : '';
    return `${formatNumber(leak.bytes)}${split} bytes in ${formatNumber(leak.blocks)} ${leak.blocks === 1 ? 'block' : 'blocks'} are ${LEAK_KIND_WORDS[leak.kind]} in ${formatNumber(leak.records ?? 1)} loss records`;
}
/** "Thread: worker" when the program named the thread(s) the finding happened on. */
function threadText(finding) {
    const names = finding.threadNames ?? [];
    if (names.length === 0)
        return undefined;
    return `${names.length === 1 ? 'Thread' : 'Threads'}: ${names.join(', ')}`;
}
function firstLine(text) {
    // Not split('\n'): only the first line is wanted, and a text can have many.
    const end = text.indexOf('\n');
    return (end === -1 ? text : text.slice(0, end)).trim();
}
/** A stack as valgrind prints it: `at fn (file:line)` for the first frame, `by ...` after. */
function stackLines(frames, workspace) {
    return visibleFrames(frames).map((frame, index) => `${index === 0 ? 'at' : 'by'} ${describeFrame(frame, workspace)}`);
}
function testLabel(test) {
    // ctest and meson test names are unique in their suite: the executable would only repeat.
    if (test.runner === 'ctest' || test.runner === 'meson')
        return test.name ?? test.binary;
    return test.name !== undefined ? `${test.name} (${test.binary})` : test.binary;
}
/** Names, the first `shown` of them, then "and N more": `a, b and c`, `a, b, c, d, e and 7 more`. */
function listNames(names, shown = 5) {
    if (names.length <= shown) {
        return names.length <= 1
            ? (names[0] ?? '')
            : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    }
    return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}
/** Test names listed with a finding at most; the JSON report has them all. */
const TESTS_LISTED = 20;
/** What a finding's tests are called: "Test(s)", or "Program(s)" when the command runs no suite. */
function testsLabel(tests) {
    const programs = tests.length > 0 && tests.every((test) => test.runner === 'program');
    return `${programs ? 'Program' : 'Test'}${tests.length === 1 ? '' : 's'}`;
}
/**
 * `Tests: a (bin), b (bin)` (the first TESTS_LISTED, then "and N more"), or undefined when no test
 * is known. `name` renders each name (the job summary puts them in code spans).
 */
function testsText(finding, name = (label) => label) {
    if (finding.tests.length === 0)
        return undefined;
    return `${testsLabel(finding.tests)}: ${listNames(finding.tests.map((test) => name(testLabel(test))), TESTS_LISTED)}`;
}
function occurrenceText(finding) {
    const processes = finding.processCount === 1 ? '1 process' : `${formatNumber(finding.processCount)} processes`;
    if (finding.leak !== undefined) {
        const records = finding.leak.records ?? 1;
        return `${records === 1 ? '1 loss record' : `${formatNumber(records)} loss records`} in ${processes}.`;
    }
    const times = finding.occurrences === 1 ? 'once' : `${formatNumber(finding.occurrences)} times`;
    return `Seen ${times} in ${processes}.`;
}
/** Characters of one value the job summary shows at most (a C++ template name can be 1 MB). */
const SUMMARY_VALUE_LIMIT = 2000;
/**
 * A value from the program, its debug information or the inputs, as job-summary text: clipped to
 * `limit` characters, then escaped for HTML, Markdown text and table cells alike (see escape.ts).
 */
function escapeHtml(text, limit = SUMMARY_VALUE_LIMIT) {
    return summaryText(clip(text, limit));
}
/** `<code>text</code>`, clipped and escaped. */
function codeHtml(text, limit = SUMMARY_VALUE_LIMIT) {
    return `<code>${escapeHtml(text, limit)}</code>`;
}

// The callgrind part of the job summary: instruction counts per process (or per test), heaviest
// first, then where the heaviest processes spend them. Pure: profiles in, Markdown out.
// Ir always; cache and branch figures when callgrind simulated them (`--cache-sim=yes`,
// `--branch-sim=yes`), grouped the way cachegrind's own summary groups them.
const COLUMNS = [
    { title: 'Instructions (Ir)', events: ['Ir'] },
    { title: 'I1 misses', events: ['I1mr'] },
    { title: 'D1 misses', events: ['D1mr', 'D1mw'] },
    { title: 'LL misses', events: ['ILmr', 'DLmr', 'DLmw'] },
    { title: 'Branches', events: ['Bc', 'Bi'] },
    { title: 'Mispredicted', events: ['Bcm', 'Bim'] }
];
function sumEvents(costs, events) {
    return events.reduce((sum, event) => sum + (costs[event] ?? 0), 0);
}
function instructions$1(profile) {
    return profile.totals.Ir ?? 0;
}
/** The total instruction count (Ir) of a run: every process added up. */
function totalInstructions(profiles) {
    return profiles.reduce((sum, row) => sum + instructions$1('profile' in row ? row.profile : row), 0);
}
function cell(text) {
    return codeHtml(text);
}
function shorten(text, max) {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
/** What a reader recognises a process by: its test, or its program and arguments. */
function profileLabel(row) {
    if (row.test)
        return testLabel(row.test);
    const { exe, args, file } = row.profile;
    if (exe === undefined)
        return path.basename(file);
    return shorten([path.basename(exe), ...args].join(' '), 80);
}
function processCell(row) {
    const pid = row.profile.pid !== undefined ? ` (pid ${row.profile.pid})` : '';
    return `${cell(profileLabel(row))}${pid}`;
}
function percent(part, whole) {
    return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '';
}
/** Where a function lives: its source file inside the workspace, else its library. */
function functionPlace(fn, workspace) {
    if (fn.file !== undefined && path.isAbsolute(fn.file)) {
        const relative = path.relative(workspace, fn.file);
        if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
            return relative.split(path.sep).join('/');
        }
    }
    if (fn.object !== undefined)
        return path.basename(fn.object);
    return fn.file !== undefined && fn.file !== '???' ? fn.file : undefined;
}
function functionTable(row, options) {
    const total = instructions$1(row.profile);
    const functions = [...row.profile.functions]
        .filter((fn) => (fn.self.Ir ?? 0) > 0)
        .sort((a, b) => (b.self.Ir ?? 0) - (a.self.Ir ?? 0) || a.name.localeCompare(b.name))
        .slice(0, options.topFunctions);
    if (functions.length === 0)
        return [];
    const lines = [
        `<details><summary>Top functions of ${processCell(row)}: ${formatNumber(total)} instructions</summary>`,
        '',
        '| Function | Where | Self Ir | Self % | Inclusive Ir | Inclusive % |',
        '|---|---|--:|--:|--:|--:|'
    ];
    for (const fn of functions) {
        const place = functionPlace(fn, options.workspace);
        const self = fn.self.Ir ?? 0;
        const inclusive = fn.inclusive.Ir ?? 0;
        lines.push(`| ${cell(fn.name)} | ${place !== undefined ? cell(place) : ''} | ${formatNumber(self)} | ${percent(self, total)} | ${formatNumber(inclusive)} | ${percent(inclusive, total)} |`);
    }
    lines.push('', '</details>', '');
    return lines;
}
/**
 * The Markdown section for the job summary: one row per process (or test) sorted by instruction
 * count, then the top functions (self and inclusive cost) of the heaviest profiles.
 */
function renderProfileSection(profiles, options) {
    const settings = {
        topProfiles: 3,
        topFunctions: 10,
        maxRows: 50,
        ...options
    };
    const out = ['### Callgrind', ''];
    if (profiles.length === 0) {
        out.push('No callgrind profile was written (did the program start?).', '');
        return out.join('\n');
    }
    const rows = [...profiles].sort((a, b) => instructions$1(b.profile) - instructions$1(a.profile) ||
        profileLabel(a).localeCompare(profileLabel(b)));
    const total = totalInstructions(rows);
    const processes = rows.length === 1 ? '1 process' : `${rows.length} processes`;
    out.push(`**${formatNumber(total)}** instructions in ${processes}.`, '');
    const columns = COLUMNS.filter((column) => rows.some((row) => row.profile.events.includes(column.events[0])));
    const label = rows.some((row) => row.test) ? 'Test or process' : 'Process';
    out.push(`| ${label} | ${columns.map((c) => c.title).join(' | ')} |`, `|---|${columns.map(() => '--:').join('|')}|`);
    for (const row of rows.slice(0, settings.maxRows)) {
        const values = columns.map((c) => formatNumber(sumEvents(row.profile.totals, c.events)));
        out.push(`| ${processCell(row)} | ${values.join(' | ')} |`);
    }
    const rest = rows.slice(settings.maxRows);
    if (rest.length > 0) {
        const values = columns.map((c) => formatNumber(rest.reduce((sum, row) => sum + sumEvents(row.profile.totals, c.events), 0)));
        out.push(`| ${rest.length} more | ${values.join(' | ')} |`);
    }
    out.push('');
    for (const row of rows.slice(0, settings.topProfiles))
        out.push(...functionTable(row, settings));
    return out.join('\n');
}

/** Cargo runs: their processes are tied to tests by the Rust runner's records. */
function isRustMode(mode) {
    return mode === 'nextest' || mode === 'cargo-test';
}
/** A plain program: valgrind's argv, then the user's command. */
function planProgramRun(config, valgrind) {
    const [valgrindExe, ...valgrindOptions] = valgrind.argv;
    return {
        mode: 'program',
        command: valgrindExe,
        args: [...valgrindOptions, ...config.command],
        env: {},
        cwd: config.workingDirectory,
        notes: []
    };
}

// Writes the files the engine makes (JSON report, SARIF log, suppressions) piece by piece, and
// never leaves half of one behind: a SARIF log cut short by a full disk would be uploaded to code
// scanning as it is, and a JSON report cut short would be read as a baseline.
/**
 * Writes `pieces` to `file` in order, each as soon as it is made, synchronously: a stream's
 * machinery cost more than the writes themselves, and writes handed to the thread pool measured
 * slower still (the engine waits for its files before it goes on). On failure the partial file is
 * removed and the error thrown.
 */
async function writeTextFile(file, pieces) {
    // A file that cannot be opened was not written to: whatever is there stays.
    const descriptor = fs.openSync(file, 'w');
    let open = true;
    try {
        // writeFileSync on a descriptor writes at its position, all of the text (write(2) may take less).
        for (const piece of pieces)
            fs.writeFileSync(descriptor, piece);
        open = false;
        fs.closeSync(descriptor);
    }
    catch (error) {
        if (open)
            fs.closeSync(descriptor);
        await removePartial(file);
        throw error;
    }
}
/**
 * Removes `file` after a failed write: a regular file, or a link the text went through (the link
 * goes; what it names keeps what reached it, and a device it names, /dev/full say, is untouched).
 */
async function removePartial(file) {
    const stat = await fs.promises.lstat(file).catch(() => undefined);
    if (stat?.isFile() === true || stat?.isSymbolicLink() === true) {
        await fs.promises.rm(file, { force: true }).catch(() => undefined);
    }
}
/**
 * The warning for a file that could not be written: which, why (the system's code and message),
 * and what the user is left without. Writing it costs that file only.
 */
function notWrittenWarning(what, error, consequence) {
    return `The ${what} was not written (${systemErrorText(error)}): ${consequence}. Everything else (annotations, summary, outputs, verdict) is reported.`;
}

/** Text is handed to the file in pieces of about this size. */
const CHUNK_CHARS$1 = 1 << 20;
/** The JSON text of `value` in pieces; top-level arrays one element per line. Pure. */
function* jsonChunks(value, writers = {}) {
    let buffer = '{';
    let firstField = true;
    for (const [key, field] of Object.entries(value)) {
        if (field === undefined || typeof field === 'function')
            continue;
        buffer += `${firstField ? '' : ','}\n  ${JSON.stringify(key)}: `;
        firstField = false;
        if (Array.isArray(field) && field.length > 0) {
            const write = (writers[key] ?? JSON.stringify);
            buffer += '[';
            for (let index = 0; index < field.length; index++) {
                buffer += `${index === 0 ? '' : ','}\n    ${write(field[index]) ?? 'null'}`;
                if (buffer.length >= CHUNK_CHARS$1) {
                    yield buffer;
                    buffer = '';
                }
            }
            buffer += '\n  ]';
        }
        else {
            buffer += JSON.stringify(field) ?? 'null';
        }
        if (buffer.length >= CHUNK_CHARS$1) {
            yield buffer;
            buffer = '';
        }
    }
    yield `${buffer}\n}\n`;
}
/** Writes `value` as JSON to `file`. On failure the partial file is removed and the error thrown. */
async function writeJsonFile(file, value, writers = {}) {
    await writeTextFile(file, jsonChunks(value, writers));
}
/**
 * Characters of text a report keeps made ahead of the exit at most (the JSON report's findings,
 * SARIF's stacks, each): about 8,000 findings with 12-frame stacks. What comes later is written
 * after the run, as it would be without working ahead. Twice as much took 90 MB more at the peak
 * of a run of 60,000 findings, for little: valgrind takes 25 s there, the action ~1.5 s.
 */
const AHEAD_TEXT_CHARS = 12_000_000;
/**
 * The JSON text of findings, as `JSON.stringify(finding)` writes it. Most of a finding's text (its
 * key, message and stacks) comes from its first record, so it is made ahead: the engine hands in
 * each record with its key and place while valgrind still runs, and after the run only the fields
 * that sum the records up (occurrences, processes, tests, verdict, fingerprint) are written.
 */
class FindingJsonWriter {
    maxPreparedChars;
    prepared = new Map();
    preparedChars = 0;
    /** Findings written from text made ahead, and written whole (none made, or it did not match). */
    counts = { reused: 0, whole: 0 };
    constructor(maxPreparedChars = AHEAD_TEXT_CHARS) {
        this.maxPreparedChars = maxPreparedChars;
    }
    /** Makes the text of the finding a record starts, as `collect` would make it. */
    prepare(fields) {
        if (this.preparedChars >= this.maxPreparedChars || this.prepared.has(fields.key))
            return;
        const text = JSON.stringify(fields);
        this.prepared.set(fields.key, { fields, text });
        this.preparedChars += text.length;
    }
    finding = (finding) => {
        const prepared = this.prepared.get(finding.key);
        if (prepared === undefined)
            return this.whole(finding);
        // The text made ahead is used only for the very same values, in the very same order: the
        // first record seen while following may not be the first one collected.
        const values = finding;
        const preparedValues = prepared.fields;
        const names = Object.keys(values);
        const preparedNames = Object.keys(preparedValues);
        for (let index = 0; index < preparedNames.length; index++) {
            const name = preparedNames[index];
            if (names[index] !== name || values[name] !== preparedValues[name])
                return this.whole(finding);
        }
        const rest = {};
        for (let index = preparedNames.length; index < names.length; index++) {
            rest[names[index]] = values[names[index]];
        }
        const restText = JSON.stringify(rest);
        this.counts.reused++;
        return restText === '{}' ? prepared.text : `${prepared.text.slice(0, -1)},${restText.slice(1)}`;
    };
    whole(finding) {
        this.counts.whole++;
        return JSON.stringify(finding);
    }
}

// A small, forgiving XML tokenizer that works on bytes, specialised to what valgrind writes: elements
// without attributes or namespaces, text with the five predefined entities, CDATA (only in
// `<rawtext>`), the `<?xml?>` declaration and comments. It never throws on bad input:
//
// * Text is decoded only when the consumer wants it (`capture`), and only a whole text node at a
//   time, so a multi-byte character is never split. Invalid UTF-8 becomes U+FFFD (Buffer's decoder
//   replaces like a non-fatal TextDecoder) and C0 controls other than TAB/LF/CR are removed: valgrind
//   copies argv bytes verbatim, and neither is legal XML 1.0.
// * The consumer can ask for an element's content to be read raw up to its end tag, for elements
//   valgrind writes unescaped (`<threadname>`, `<usercomment>`), so stray `<` or `&` in them cannot
//   derail the rest of the document.
// * The consumer can offer to replay an element from memory (`Content.Replay`): when the bytes up to
//   its end tag are ones it has seen tokenized before, it applies what they made and the tokenizer
//   skips them (valgrind repeats the same `<frame>` elements in stack after stack).
// * Memory is bounded whatever the input: a chunk is scanned in place, only an incomplete token at
//   a chunk's end is carried over, and nothing carried grows beyond MAX_TOKEN_BYTES.
//
// Why not a general SAX parser: valgrind's XML is produced by printf, so a recovering parser would
// need the same special cases anyway, and scanning bytes with Buffer.indexOf is several times faster
// than decoding the whole document into a string first (see bench/parse.bench.js).
/** What the consumer wants done with an element's content. */
const Content = {
    /** Tokenize the content as XML. */
    Xml: 0,
    /** Skip everything up to the matching end tag. */
    RawSkip: 1,
    /** Deliver everything up to the matching end tag as one text, without entity decoding. */
    RawText: 2,
    /**
     * Offer the content to `replay` first (it may know what these very bytes amount to), and
     * tokenize it as XML if it declines.
     */
    Replay: 3
};
/**
 * The longest content offered to TokenConsumer.replay; longer elements are just tokenized. Frames
 * are about 300 bytes, a few with long Rust or C++ names twice that.
 */
const MAX_REPLAY_BYTES = 1024;
/** The longest tag, comment, CDATA section or captured text node carried between chunks. */
const MAX_TOKEN_BYTES = 1 << 20;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const CDATA_OPEN = Buffer.from('<![CDATA[');
const CDATA_CLOSE = Buffer.from(']]>');
const COMMENT_OPEN = Buffer.from('<!--');
const COMMENT_CLOSE = Buffer.from('-->');
const PI_CLOSE = Buffer.from('?>');
// FNV-1a over bytes, computed in the scanning loops themselves: the hash of a tag name or a text
// costs no extra pass over its bytes.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
// C0 controls that XML 1.0 forbids; TAB, LF and CR are allowed.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CONTROLS = /[\x00-\x08\x0B\x0C\x0E-\x1F]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HAS_FORBIDDEN_CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F]/;
/** Decodes bytes as UTF-8 (invalid sequences → U+FFFD) and drops forbidden control characters. */
function decodeText(bytes, start, end) {
    const text = bytes.toString('utf8', start, end);
    return HAS_FORBIDDEN_CONTROL.test(text) ? text.replace(FORBIDDEN_CONTROLS, '') : text;
}
const NAMED_ENTITIES = new Map([
    ['lt', '<'],
    ['gt', '>'],
    ['amp', '&'],
    ['quot', '"'],
    ['apos', "'"]
]);
/** The character a reference's body (between '&' and ';') stands for, if it is one. */
function entityValue(body) {
    if (body.charCodeAt(0) !== 0x23)
        return NAMED_ENTITIES.get(body);
    const hex = body[1] === 'x' || body[1] === 'X';
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits))
        return undefined;
    const code = parseInt(digits, hex ? 16 : 10);
    if (code > 0x10ffff || (code < 0x20 && code !== 9 && code !== 10 && code !== 13))
        return '';
    return String.fromCodePoint(code);
}
/** Replaces the predefined and numeric character references; anything else stays as written. */
function decodeEntities(text) {
    let amp = text.indexOf('&');
    if (amp === -1)
        return text;
    let out = '';
    let from = 0;
    while (amp !== -1) {
        const semicolon = text.indexOf(';', amp + 1);
        if (semicolon === -1)
            break;
        const value = semicolon - amp <= 10 ? entityValue(text.slice(amp + 1, semicolon)) : undefined;
        if (value === undefined) {
            amp = text.indexOf('&', amp + 1);
            continue;
        }
        out += text.slice(from, amp) + value;
        from = semicolon + 1;
        amp = text.indexOf('&', from);
    }
    return out + text.slice(from);
}
/** 1 for the bytes that end a tag name: whitespace, '/' and '>'. */
const NAME_END = new Uint8Array(256);
for (const byte of [0x20, 0x09, 0x0a, 0x0d, SLASH, GT])
    NAME_END[byte] = 1;
function isNameStart(byte) {
    // Letters, '_', ':' and anything non-ASCII; a '<' followed by anything else is stray text.
    return ((byte >= 0x61 && byte <= 0x7a) ||
        (byte >= 0x41 && byte <= 0x5a) ||
        byte === 0x5f ||
        byte === 0x3a ||
        byte >= 0x80);
}
function startsWith(bytes, at, prefix) {
    if (at + prefix.length > bytes.length)
        return false;
    for (let i = 0; i < prefix.length; i++)
        if (bytes[at + i] !== prefix[i])
            return false;
    return true;
}
/** Slots a DecodeCache starts with (see resize). */
const INITIAL_SLOTS$1 = 64;
/**
 * Strings decoded from bytes, remembered by those bytes: valgrind repeats the same tag names, and
 * the same function names, objects and files in every stack, so most strings are decoded once and
 * then found by a hash of their bytes (compared byte by byte, so a collision only costs a decode).
 * Direct-mapped and fixed in size: a document of endless distinct strings just overwrites slots.
 * The cached string is the very one `decode` returned for the same bytes, so results cannot differ.
 */
class DecodeCache {
    maxSlots;
    maxBytes;
    decode;
    /** Each slot's key bytes, allocated when first needed and reused by the keys that replace it. */
    raw = [];
    lengths = new Int32Array(0);
    values = [];
    mask = 0;
    /** Misses since the table last grew. */
    misses = 0;
    /**
     * `maxSlots`: a power of two, the most slots the table grows to; `maxBytes`: longer byte runs
     * are decoded every time.
     */
    constructor(maxSlots, maxBytes, decode) {
        this.maxSlots = maxSlots;
        this.maxBytes = maxBytes;
        this.decode = decode;
        this.resize(INITIAL_SLOTS$1);
    }
    /**
     * Starts small and grows with misses: the follower keeps a tokenizer per file being written
     * (possibly hundreds), most of them small. Growing drops what was cached; a cache can.
     */
    resize(slots) {
        this.raw = new Array(slots).fill(undefined);
        this.lengths = new Int32Array(slots).fill(-1);
        this.values = new Array(slots).fill('');
        this.mask = slots - 1;
        this.misses = 0;
    }
    /** The string of bytes[start, end), whose FNV-1a hash is `hash`. */
    get(bytes, start, end, hash) {
        const length = end - start;
        if (length > this.maxBytes)
            return this.decode(bytes, start, end);
        const slot = (hash ^ (hash >>> 15)) & this.mask;
        let known = this.raw[slot];
        if (this.lengths[slot] === length) {
            const key = known;
            let i = 0;
            while (i < length && key[i] === bytes[start + i])
                i++;
            if (i === length)
                return this.values[slot];
        }
        const value = this.decode(bytes, start, end);
        if (++this.misses > 2 * this.mask && this.mask + 1 < this.maxSlots) {
            this.resize(Math.min(this.maxSlots, (this.mask + 1) * 4));
            return value;
        }
        if (known === undefined || known.length < length) {
            known = this.raw[slot] = new Uint8Array(Math.max(length, 32));
        }
        for (let i = 0; i < length; i++)
            known[i] = bytes[start + i];
        this.lengths[slot] = length;
        this.values[slot] = value;
        return value;
    }
}
function decodeName(bytes, start, end) {
    return bytes.toString('latin1', start, end);
}
/** What a text node's bytes stand for: UTF-8 without forbidden controls, entities replaced. */
function decodeTextNode(bytes, start, end) {
    return decodeEntities(decodeText(bytes, start, end));
}
class XmlTokenizer {
    consumer;
    names = new DecodeCache(256, 64, decodeName);
    texts = new DecodeCache(4096, 512, decodeTextNode);
    /** Bytes of an incomplete token (or a captured text node) left over from the previous chunk. */
    carry;
    /** While reading an element raw: its end tag, e.g. `</threadname>`. */
    rawEndTag;
    rawName = '';
    rawCapture = false;
    rawText = '';
    /** Total bytes fed, for messages. */
    bytesRead = 0;
    // Replay state holds positions in the bytes being scanned, so scan() resets it: a caller may
    // well feed the same Buffer again with new content.
    /** The range last declined by replay(), to report when its end tag is read (replayEnded). */
    replayStart = 0;
    replayEnd = -1;
    /** The end tag replay ranges end with, e.g. `</frame>`, and the name it was made for. */
    replayEndTag = Buffer.alloc(0);
    replayName = '';
    /**
     * The last search for replayEndTag: from `searchFrom` (-1: none yet), the first one is at
     * `searchResult` (-1: none). A later search from between the two has the same answer, so a
     * document where the end tag is missing costs one search per chunk, not one per element.
     */
    searchFrom = -1;
    searchResult = -1;
    constructor(consumer) {
        this.consumer = consumer;
    }
    feed(chunk) {
        if (chunk.length === 0)
            return;
        this.bytesRead += chunk.length;
        const incoming = Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const bytes = this.carry === undefined ? incoming : Buffer.concat([this.carry, incoming]);
        this.carry = undefined;
        this.scan(bytes);
    }
    /**
     * Ends the stream. Returns true when it ended inside markup (a tag, comment, CDATA section or raw
     * element cut short), i.e. the document was truncated mid-token.
     */
    end() {
        const consumer = this.consumer;
        let cut = false;
        if (this.rawEndTag !== undefined) {
            cut = true;
        }
        else if (this.carry !== undefined && this.carry.length > 0) {
            if (this.carry[0] === LT)
                cut = true;
            else if (consumer.capture)
                consumer.text(decodeEntities(decodeText(this.carry, 0, this.carry.length)));
        }
        this.carry = undefined;
        return cut;
    }
    // Captured text and tag names are read byte by byte in JavaScript, hashing as they go, so that
    // DecodeCache finds their strings without a second pass; skipped text is found with indexOf.
    scan(bytes) {
        const consumer = this.consumer;
        const length = bytes.length;
        this.replayEnd = -1;
        this.searchFrom = -1;
        let pos = 0;
        if (this.rawEndTag !== undefined) {
            pos = this.scanRaw(bytes, 0);
            if (pos < 0)
                return;
        }
        while (pos < length) {
            let lt = pos;
            if (consumer.capture) {
                let hash = FNV_OFFSET;
                for (; lt < length; lt++) {
                    const byte = bytes[lt];
                    if (byte === LT)
                        break;
                    hash = Math.imul(hash ^ byte, FNV_PRIME);
                }
                if (lt === length) {
                    this.carryText(bytes, pos);
                    return;
                }
                if (lt > pos)
                    consumer.text(this.texts.get(bytes, pos, lt, hash));
            }
            else {
                lt = bytes.indexOf(LT, pos);
                if (lt === -1)
                    return;
            }
            if (lt + 1 >= length) {
                this.carry = bytes.subarray(lt);
                return;
            }
            const next = bytes[lt + 1];
            if (next === SLASH) {
                // The name ends at whitespace, '/' or '>'; the tag at the first '>'.
                let hash = FNV_OFFSET;
                let nameEnd = lt + 2;
                for (; nameEnd < length; nameEnd++) {
                    const byte = bytes[nameEnd];
                    if (NAME_END[byte] === 1)
                        break;
                    hash = Math.imul(hash ^ byte, FNV_PRIME);
                }
                const gt = nameEnd < length && bytes[nameEnd] === GT ? nameEnd : bytes.indexOf(GT, nameEnd);
                if (gt === -1) {
                    if (!this.carryOrGiveUp(bytes, lt, 'an end tag'))
                        pos = lt + 1;
                    else
                        return;
                    continue;
                }
                consumer.close(this.names.get(bytes, lt + 2, nameEnd, hash));
                if (lt === this.replayEnd) {
                    this.replayEnd = -1;
                    consumer.replayEnded(bytes, this.replayStart, lt);
                }
                pos = gt + 1;
            }
            else if (next === BANG) {
                const end = this.scanBang(bytes, lt);
                if (end === -1)
                    return;
                pos = end;
            }
            else if (next === QUESTION) {
                const close = bytes.indexOf(PI_CLOSE, lt + 2);
                if (close === -1) {
                    if (!this.carryOrGiveUp(bytes, lt, 'a processing instruction'))
                        pos = lt + 1;
                    else
                        return;
                    continue;
                }
                pos = close + 2;
            }
            else if (isNameStart(next)) {
                let hash = FNV_OFFSET;
                let nameEnd = lt + 1;
                for (; nameEnd < length; nameEnd++) {
                    const byte = bytes[nameEnd];
                    if (NAME_END[byte] === 1)
                        break;
                    hash = Math.imul(hash ^ byte, FNV_PRIME);
                }
                const gt = nameEnd < length && bytes[nameEnd] === GT ? nameEnd : bytes.indexOf(GT, nameEnd);
                if (gt === -1) {
                    if (!this.carryOrGiveUp(bytes, lt, 'a start tag'))
                        pos = lt + 1;
                    else
                        return;
                    continue;
                }
                const name = this.names.get(bytes, lt + 1, nameEnd, hash);
                const selfClosing = bytes[gt - 1] === SLASH;
                const content = consumer.open(name, selfClosing);
                pos = gt + 1;
                if (selfClosing)
                    consumer.close(name);
                else if (content === Content.Replay) {
                    const end = this.replayRangeEnd(bytes, pos, name);
                    if (end !== -1) {
                        if (consumer.replay(bytes, pos, end)) {
                            pos = end + this.replayEndTag.length;
                        }
                        else {
                            this.replayStart = pos;
                            this.replayEnd = end;
                        }
                    }
                }
                else if (content !== Content.Xml) {
                    this.rawEndTag = Buffer.from(`</${name}>`, 'latin1');
                    this.rawName = name;
                    this.rawCapture = content === Content.RawText;
                    this.rawText = '';
                    pos = this.scanRaw(bytes, pos);
                    if (pos < 0)
                        return;
                }
            }
            else {
                // A '<' that starts no markup (e.g. unescaped text): keep it as text.
                if (consumer.capture)
                    consumer.text('<');
                pos = lt + 1;
            }
        }
    }
    /** Where the replay range from `start` ends (the first `</name>`), or -1 if not within reach. */
    replayRangeEnd(bytes, start, name) {
        if (name !== this.replayName) {
            this.replayName = name;
            this.replayEndTag = Buffer.from(`</${name}>`, 'latin1');
            this.searchFrom = -1;
        }
        let end;
        if (this.searchFrom !== -1 &&
            start >= this.searchFrom &&
            (this.searchResult === -1 || start <= this.searchResult)) {
            end = this.searchResult;
        }
        else {
            end = bytes.indexOf(this.replayEndTag, start);
            this.searchFrom = start;
            this.searchResult = end;
        }
        return end === -1 || end - start > MAX_REPLAY_BYTES ? -1 : end;
    }
    /** Handles `<!...>` at `lt`; returns the position after it, or -1 if the chunk ended inside it. */
    scanBang(bytes, lt) {
        const consumer = this.consumer;
        const length = bytes.length;
        if (length - lt < CDATA_OPEN.length &&
            CDATA_OPEN.subarray(0, length - lt).equals(bytes.subarray(lt))) {
            this.carry = bytes.subarray(lt); // cannot tell CDATA from a comment yet
            return -1;
        }
        if (startsWith(bytes, lt, CDATA_OPEN)) {
            const close = bytes.indexOf(CDATA_CLOSE, lt + CDATA_OPEN.length);
            if (close === -1)
                return this.carryOrGiveUp(bytes, lt, 'a CDATA section') ? -1 : lt + 1;
            if (consumer.capture)
                consumer.cdata(decodeText(bytes, lt + CDATA_OPEN.length, close));
            return close + CDATA_CLOSE.length;
        }
        if (startsWith(bytes, lt, COMMENT_OPEN)) {
            const close = bytes.indexOf(COMMENT_CLOSE, lt + COMMENT_OPEN.length);
            if (close === -1)
                return this.carryOrGiveUp(bytes, lt, 'a comment') ? -1 : lt + 1;
            return close + COMMENT_CLOSE.length;
        }
        const gt = bytes.indexOf(GT, lt + 2); // <!DOCTYPE …>
        if (gt === -1)
            return this.carryOrGiveUp(bytes, lt, 'a declaration') ? -1 : lt + 1;
        return gt + 1;
    }
    /**
     * Keeps bytes from `start` for the next chunk. Returns false (and reports) when that would exceed
     * MAX_TOKEN_BYTES: the caller then treats the '<' as text and moves on.
     */
    carryOrGiveUp(bytes, start, what) {
        if (bytes.length - start <= MAX_TOKEN_BYTES) {
            this.carry = bytes.subarray(start);
            return true;
        }
        this.consumer.problem(`${what} is not closed within ${MAX_TOKEN_BYTES} bytes; skipped it`);
        return false;
    }
    /** A captured text node continues into the next chunk; keep it (up to the limit). */
    carryText(bytes, start) {
        if (bytes.length - start <= MAX_TOKEN_BYTES) {
            this.carry = bytes.subarray(start);
            return;
        }
        // Deliver what we have; a multi-byte character cut here becomes U+FFFD, a price only texts
        // over a megabyte pay.
        this.consumer.text(decodeEntities(decodeText(bytes, start, bytes.length)));
    }
    /** Reads raw content up to `rawEndTag`; returns the position after it, or -1 (chunk ended). */
    scanRaw(bytes, from) {
        const endTag = this.rawEndTag;
        const close = bytes.indexOf(endTag, from);
        if (close === -1) {
            // Keep enough to find an end tag split across chunks; captured text up to the limit.
            let keepFrom = Math.max(from, bytes.length - (endTag.length - 1));
            // Never split a UTF-8 sequence between the text and what is kept.
            while (keepFrom > from && (bytes[keepFrom] & 0xc0) === 0x80)
                keepFrom--;
            if (this.rawCapture) {
                if (this.rawText.length < MAX_TOKEN_BYTES)
                    this.rawText += decodeText(bytes, from, keepFrom);
                else
                    this.consumer.problem(`<${this.rawName}> is longer than ${MAX_TOKEN_BYTES} bytes; cut it`);
            }
            this.carry = bytes.subarray(keepFrom);
            return -1;
        }
        const name = this.rawName;
        if (this.rawCapture)
            this.consumer.text(this.rawText + decodeText(bytes, from, close));
        this.rawEndTag = undefined;
        this.rawText = '';
        this.consumer.close(name);
        return close + endTag.length;
    }
}

class FindingMerger {
    findings;
    pool;
    indexByContext = new Map();
    /** Non-leak error uniques → finding index, to apply `<errorcounts>`. */
    indexByUnique = new Map();
    /** Per finding: how many records were merged into it. */
    contexts = [];
    /** Counts from the last `<errorcounts>` seen, per finding index. */
    errorCounts;
    /** `findings`: the run's list, which the merger appends to; `pool`: the reader's string pool. */
    constructor(findings, pool) {
        this.findings = findings;
        this.pool = pool;
    }
    /** A complete record: a new finding, or merged into the finding of the same context. */
    add(finding) {
        const key = this.contextKey(finding);
        let index = this.indexByContext.get(key);
        if (index === undefined) {
            index = this.findings.length;
            this.findings.push(finding);
            this.contexts.push(1);
            this.indexByContext.set(key, index);
        }
        else {
            const merged = this.findings[index];
            merged.count += 1;
            this.contexts[index] += 1;
            if (merged.leak && finding.leak) {
                merged.leak.bytes += finding.leak.bytes;
                merged.leak.directBytes += finding.leak.directBytes;
                merged.leak.indirectBytes += finding.leak.indirectBytes;
                merged.leak.blocks += finding.leak.blocks;
                merged.leak.records = (merged.leak.records ?? 1) + 1;
            }
        }
        if (finding.leak === undefined && finding.unique !== '') {
            this.indexByUnique.set(uniqueKey(finding.unique), index);
        }
    }
    /** An `<errorcounts>` begins. The spec allows several; each holds the counts so far. */
    startErrorCounts() {
        this.errorCounts = new Map();
    }
    /** One `<pair>` of `<errorcounts>`: the error `unique` was seen `count` times. */
    countErrors(unique, count) {
        if (this.errorCounts === undefined)
            return;
        const index = this.indexByUnique.get(uniqueKey(unique));
        if (index !== undefined) {
            this.errorCounts.set(index, (this.errorCounts.get(index) ?? 0) + count);
        }
    }
    /** At the end of the file: valgrind's counts where it gave them, and merged context counts. */
    finish() {
        if (this.errorCounts) {
            for (const [index, count] of this.errorCounts) {
                const finding = this.findings[index];
                if (!finding.leak)
                    finding.count = count;
            }
        }
        this.findings.forEach((finding, index) => {
            if (this.contexts[index] > 1)
                finding.contexts = this.contexts[index];
        });
    }
    /** Identity of an error context within one file: what valgrind shows, not where in memory. */
    contextKey(finding) {
        const pool = this.pool;
        let key = finding.kind + '\n' + (finding.leak ? '' : finding.what);
        for (const frame of finding.stack) {
            key += `\n${pool.key(frame.fn ?? frame.obj ?? frame.ip)}|${pool.key(frame.file)}|${frame.line ?? ''}`;
        }
        return key;
    }
}
function uniqueKey(unique) {
    const value = parseInt(unique, 16);
    return Number.isNaN(value) ? unique : value;
}

// Values remembered by the exact bytes they were read from. valgrind repeats the same `<frame>`
// elements (same address, function, file and line) across records, and reading one from memory
// costs a hash of some of its bytes and one comparison of all of them, instead of a dozen tokens.
/**
 * Bytes at each end of a key that the hash looks at: what tells frames apart (the address near the
 * start, the line near the end) is there, and hashing all of a long key would cost about as much
 * as the comparison it saves. Keys that differ elsewhere only share a slot: one evicts the other,
 * a miss, never a wrong value.
 */
const HASHED_EDGE = 40;
/** Slots a ByteMemo starts with. */
const INITIAL_SLOTS = 64;
/**
 * A direct-mapped table from byte sequences to values, fixed in number of slots: a document of
 * endless distinct keys just overwrites slots. A slot's key buffer is allocated when first needed
 * and reused by the keys that replace it, so a reader that sees few keys holds little (the
 * follower keeps a reader per file being written, possibly hundreds).
 */
class ByteMemo {
    maxSlots;
    maxBytes;
    keys = [];
    lengths = new Int32Array(0);
    /** Each key's hash: most misses are told apart by it, without comparing bytes. */
    hashes = new Int32Array(0);
    values = [];
    mask = 0;
    /** Keys remembered since the table last grew. */
    stored = 0;
    /**
     * `maxSlots`: a power of two, the most slots the table grows to (it starts small and grows as
     * keys are remembered); `maxBytes`: longer keys are never remembered.
     */
    constructor(maxSlots, maxBytes) {
        this.maxSlots = maxSlots;
        this.maxBytes = maxBytes;
        this.resize(INITIAL_SLOTS);
    }
    /** Growing drops what was remembered: it only costs misses. */
    resize(slots) {
        this.keys = new Array(slots).fill(undefined);
        this.lengths = new Int32Array(slots);
        this.hashes = new Int32Array(slots);
        this.values = new Array(slots).fill(undefined);
        this.mask = slots - 1;
        this.stored = 0;
    }
    /** The value remembered for bytes[start, end), if any. */
    get(bytes, start, end) {
        const length = end - start;
        if (length === 0 || length > this.maxBytes)
            return undefined;
        const hash = hashOf(bytes, start, end);
        const slot = (hash ^ (hash >>> 16)) & this.mask;
        // Buffer#compare is one native call whatever the length: cheaper than a loop past a few dozen
        // bytes, and keys are hundreds.
        if (this.lengths[slot] !== length ||
            this.hashes[slot] !== hash ||
            bytes.compare(this.keys[slot], 0, length, start, end) !== 0) {
            return undefined;
        }
        return this.values[slot];
    }
    /** Remembers bytes[start, end) as the key of `value`. */
    set(bytes, start, end, value) {
        const length = end - start;
        if (length === 0 || length > this.maxBytes)
            return;
        if (++this.stored > 2 * this.mask && this.mask + 1 < this.maxSlots) {
            this.resize(Math.min(this.maxSlots, (this.mask + 1) * 4));
        }
        const hash = hashOf(bytes, start, end);
        const slot = (hash ^ (hash >>> 16)) & this.mask;
        let key = this.keys[slot];
        if (key === undefined || key.length < length) {
            // Rounded up, so that a slightly longer key can reuse it.
            key = this.keys[slot] = Buffer.allocUnsafeSlow((length + 63) & -64);
        }
        bytes.copy(key, 0, start, end);
        this.lengths[slot] = length;
        this.hashes[slot] = hash;
        this.values[slot] = value;
    }
}
function hashOf(bytes, start, end) {
    let hash = end - start;
    const head = Math.min(end, start + HASHED_EDGE);
    for (let i = start; i < head; i++)
        hash = Math.imul(hash ^ bytes[i], 0x01000193);
    for (let i = Math.max(head, end - HASHED_EDGE); i < end; i++) {
        hash = Math.imul(hash ^ bytes[i], 0x01000193);
    }
    return hash;
}

// String pooling for the XML reader: a large file repeats the same function names, objects and
// source files in thousands of stacks, and one copy of each keeps memory flat and context keys short.
/** Most distinct strings (function names, files, objects) shared between findings. */
const MAX_INTERNED = 50_000;
const MAX_INTERNED_LENGTH = 2048;
/**
 * One copy of each repeated frame string (the same `malloc`, object path or source file shows in
 * many stacks), and a short id for it, so context keys stay small.
 */
class StringPool {
    ids = new Map();
    strings = [];
    intern(text) {
        const id = this.ids.get(text);
        if (id !== undefined)
            return this.strings[id];
        if (this.strings.length < MAX_INTERNED && text.length <= MAX_INTERNED_LENGTH) {
            this.ids.set(text, this.strings.length);
            this.strings.push(text);
        }
        return text;
    }
    /** A short stand-in for a string in a key: its id when pooled, the string itself otherwise. */
    key(text) {
        if (text === undefined)
            return '';
        const id = this.ids.get(text);
        return id === undefined ? `=${text}` : `#${id}`;
    }
}

const LEAK_KIND_OF_ERROR = new Map([
    ['Leak_DefinitelyLost', 'definite'],
    ['Leak_IndirectlyLost', 'indirect'],
    ['Leak_PossiblyLost', 'possible'],
    ['Leak_StillReachable', 'reachable']
]);
/** Children of protocol 6's `<leak_summary>`; `suppressed` is read past but not kept. */
const LEAK_SUMMARY_KIND = new Map([
    ['definitely_lost', 'definite'],
    ['indirectly_lost', 'indirect'],
    ['possibly_lost', 'possible'],
    ['still_reachable', 'reachable'],
    ['suppressed', undefined]
]);
/** The children of `<frame>` a frame read from memory may have (see ValgrindXmlReader.replay). */
const FRAME_FIELDS = new Set(['ip', 'obj', 'fn', 'dir', 'file', 'line']);
/** How a `<frame>` offered for replay is being followed (see ValgrindXmlReader.replay). */
const Replay = {
    /** No frame is followed. */
    Off: 0,
    /** Inside the frame, and every event so far was a field with its text. */
    Fields: 1,
    /** The frame was closed after fields only: waiting for replayEnded to remember it. */
    Closed: 2
};
/**
 * A frame read from memory saves several times what looking one up in vain costs (following it,
 * remembering it), so replay goes on while at least about one frame in five is found.
 */
const REPLAY_HIT_CREDIT = 4;
const REPLAY_CREDIT_MAX = 64;
/** "32 (16 direct, 16 indirect) bytes in 1 blocks …", numbers possibly with thousands separators. */
const DIRECT_INDIRECT = /\(([\d,]+) direct, ([\d,]+) indirect\)/;
const KNOWN_PROTOCOLS = { min: 4, max: 6 };
const MAX_WARNINGS = 20;
/** helgrind announces every thread it reports on; keep at most this many creation stacks. */
const MAX_ANNOUNCED_THREADS = 1000;
/** VALGRIND_PRINTF messages kept per process (a program can print millions). */
const MAX_CLIENT_MESSAGES = 200;
/** Parses an integer as valgrind prints it: decimal, maybe with thousands separators. */
function parseCount(text) {
    const digits = text.trim().replace(/,/g, '');
    if (!/^\d+$/.test(digits))
        return undefined;
    return Number(digits);
}
function newErrorDraft() {
    return { unique: '', kind: '', what: '', auxStacks: [], pendingAux: [], notes: [], threadIds: [] };
}
function parseIntOrUndefined(text) {
    const value = parseInt(text.trim(), 10);
    return Number.isNaN(value) ? undefined : value;
}
/** A source line number: a positive whole number, or nothing (debug information can say anything). */
function sourceLine(text) {
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
}
class ValgrindXmlReader {
    capture = false;
    run;
    stack = [];
    /** The child of `<valgrindoutput>` being read (`error`, `args`, …). */
    section = '';
    textSoFar = '';
    cdataText = '';
    rootOpened = false;
    rootClosed = false;
    junk = false;
    junkErrors = 0;
    /** Distinct warnings beyond MAX_WARNINGS, summarised in one line. */
    warningsDropped = 0;
    frames;
    /** The frame being read: filled field by field, read-only once closed. */
    frame;
    error;
    fatal;
    clientMessage;
    clientMessagesDropped = 0;
    announcedId = '';
    announcedStack;
    threadCreation = new Map();
    pairCount;
    pairKey = '';
    leakCategory;
    /** Complete `<error>` records read (before merging). */
    recordsRead = 0;
    pool = new StringPool();
    /** Frames by the bytes of their content, to read a repeated frame without its tokens. */
    frameMemo = new ByteMemo(4096, MAX_REPLAY_BYTES);
    replayState = Replay.Off;
    /** Stack index of the `<frame>` followed, while replayState is not Off. */
    replayDepth = 0;
    /** The frame just closed, while replayState is Closed. */
    replayFrame;
    /** Up with frames read from memory, down with frames looked up in vain (see REPLAY_HIT_CREDIT). */
    replayCredit = REPLAY_CREDIT_MAX;
    replaySkipped = 0;
    merger;
    constructor(file) {
        this.run = {
            file,
            args: [],
            findings: [],
            finished: false,
            complete: false,
            suppressionCounts: [],
            warnings: []
        };
        this.merger = new FindingMerger(this.run.findings, this.pool);
    }
    warn(message) {
        this.replayState = Replay.Off;
        const line = `${this.run.file}: ${message}`;
        if (this.run.warnings.includes(line))
            return;
        if (this.run.warnings.length < MAX_WARNINGS)
            this.run.warnings.push(line);
        else
            this.warningsDropped++;
    }
    problem(message) {
        this.warn(message);
    }
    open(name, selfClosing) {
        const parentDepth = this.stack.length;
        if (this.replayState !== Replay.Off &&
            (this.replayState !== Replay.Fields ||
                selfClosing ||
                parentDepth !== this.replayDepth + 1 ||
                !FRAME_FIELDS.has(name))) {
            this.replayState = Replay.Off;
        }
        if (this.rootClosed) {
            // Content after the document element: count it for the warning, read nothing.
            this.junk = true;
            if (parentDepth === 0 && name === 'error')
                this.junkErrors++;
            if (!selfClosing)
                this.stack.push(name);
            return name === 'threadname' || name === 'usercomment' ? Content.RawSkip : Content.Xml;
        }
        if (parentDepth === 0) {
            this.stack.push(name);
            if (name === 'valgrindoutput') {
                this.rootOpened = true;
                return Content.Xml;
            }
            this.warn(`the document element is <${name}>, not <valgrindoutput>; skipped it`);
            return Content.RawSkip;
        }
        // valgrind 3.26.0 omits </still_reachable> when nothing is still reachable: the next summary
        // category then opens inside it. Close it here so that the summary still reads right.
        if (this.section === 'leak_summary' && LEAK_SUMMARY_KIND.has(name)) {
            const top = this.stack[parentDepth - 1];
            if (LEAK_SUMMARY_KIND.has(top)) {
                this.warnUnclosed(top);
                this.closeTop();
            }
        }
        const depth = this.stack.length;
        this.stack.push(name);
        if (selfClosing)
            return Content.Xml;
        if (depth === 1)
            return this.openSection(name);
        const parent = this.stack[depth - 1];
        if (parent === 'frame') {
            this.capture = true;
            return Content.Xml;
        }
        if (name === 'frame') {
            this.frame = { ip: '' };
            if (this.capture || this.textSoFar !== '')
                return Content.Xml;
            // Frames that do not repeat make replay pure cost: then only every 16th is tried.
            if (this.replayCredit <= 0 && (++this.replaySkipped & 15) !== 0)
                return Content.Xml;
            // With no text pending, a frame of nothing but fields does nothing except build this.frame
            // and add it to this.frames, whatever else the state is: the same bytes make the same frame
            // (see replay). Followed from here to see whether it is such a frame.
            this.replayState = Replay.Fields;
            this.replayDepth = depth;
            return Content.Replay;
        }
        if (name === 'stack') {
            this.frames = [];
            return Content.Xml;
        }
        switch (this.section) {
            case 'error':
                return this.openInError(name, parent, depth);
            case 'preamble':
            case 'status':
            case 'announcethread':
            case 'error_summary':
                this.capture = depth === 2;
                return Content.Xml;
            case 'clientmsg':
                if (depth !== 2)
                    return Content.Xml;
                this.capture = true;
                return name === 'threadname' ? Content.RawText : Content.Xml;
            case 'args':
                this.capture = name === 'exe' || name === 'arg';
                return Content.Xml;
            case 'fatal_signal':
                if (depth !== 2)
                    return Content.Xml;
                this.capture = true;
                return name === 'threadname' ? Content.RawText : Content.Xml;
            case 'errorcounts':
            case 'suppcounts':
                if (name === 'pair') {
                    this.pairCount = undefined;
                    this.pairKey = '';
                }
                else
                    this.capture = parent === 'pair';
                return Content.Xml;
            case 'leak_summary':
                if (depth === 2)
                    this.leakCategory = LEAK_SUMMARY_KIND.get(name);
                else
                    this.capture = depth === 3 && (name === 'bytes' || name === 'blocks');
                return Content.Xml;
            default:
                return Content.Xml;
        }
    }
    openSection(name) {
        this.section = name;
        switch (name) {
            case 'protocolversion':
            case 'protocoltool':
            case 'pid':
            case 'ppid':
            case 'tool':
                this.capture = true;
                return Content.Xml;
            case 'usercomment':
                // Inserted verbatim by --xml-user-comment, so possibly not XML at all.
                return Content.RawSkip;
            case 'error':
                this.error = newErrorDraft();
                return Content.Xml;
            case 'fatal_signal':
                this.fatal = { signo: 0, signame: '', stack: [] };
                return Content.Xml;
            case 'clientmsg':
                this.clientMessage = { text: '', stack: [] };
                return Content.Xml;
            case 'announcethread':
                this.announcedId = '';
                this.announcedStack = undefined;
                return Content.Xml;
            case 'errorcounts':
                // The spec allows several; each holds the counts so far, so the last one wins.
                this.merger.startErrorCounts();
                return Content.Xml;
            case 'leak_summary':
                this.run.leakSummary = {
                    definite: { bytes: 0, blocks: 0 },
                    indirect: { bytes: 0, blocks: 0 },
                    possible: { bytes: 0, blocks: 0 },
                    reachable: { bytes: 0, blocks: 0 }
                };
                return Content.Xml;
            case 'error_summary':
                this.run.errorSummary = { errors: 0, contexts: 0, suppressed: 0, suppressedContexts: 0 };
                return Content.Xml;
            default:
                return Content.Xml;
        }
    }
    openInError(name, parent, depth) {
        if (depth === 2) {
            switch (name) {
                case 'unique':
                case 'tid':
                case 'kind':
                case 'what':
                case 'auxwhat':
                    this.capture = true;
                    return Content.Xml;
                case 'threadname':
                    // Printed unescaped: read it raw up to its end tag.
                    this.capture = true;
                    return Content.RawText;
                default:
                    return Content.Xml;
            }
        }
        if (parent === 'xwhat' || parent === 'xauxwhat') {
            this.capture =
                name === 'text' || name === 'leakedbytes' || name === 'leakedblocks' || name === 'hthreadid';
        }
        else if (name === 'rawtext' && parent === 'suppression') {
            this.capture = true;
            this.cdataText = '';
        }
        return Content.Xml;
    }
    text(text) {
        if (this.replayState !== Replay.Off &&
            (this.replayState !== Replay.Fields || this.stack.length !== this.replayDepth + 2)) {
            this.replayState = Replay.Off;
        }
        if (this.rootClosed) {
            if (text.trim() !== '')
                this.junk = true;
            return;
        }
        this.textSoFar += text;
    }
    cdata(text) {
        this.replayState = Replay.Off;
        this.cdataText += text;
    }
    /**
     * A `<frame>` whose content is bytes[start, end) and then `</frame>`: when a frame of the very same
     * bytes was read before (and held nothing but fields), the frame it made is this one too, as if its
     * tokens had been read. Its strings went through the pool then (which never forgets a string,
     * nor takes one it once refused), so the pool too is as reading the tokens would leave it.
     */
    replay(bytes, start, end) {
        if (this.replayState !== Replay.Fields)
            return false;
        const known = this.frameMemo.get(bytes, start, end);
        if (known === undefined) {
            this.replayCredit--;
            return false;
        }
        this.replayCredit = Math.min(REPLAY_CREDIT_MAX, this.replayCredit + REPLAY_HIT_CREDIT);
        this.replayState = Replay.Off;
        // What reading the fields and </frame> does: see closeTop.
        this.stack.pop();
        this.frame = undefined;
        // The same object, not a copy: frames are never changed once read, and a program's thousands
        // of stacks share a few thousand distinct frames (less to allocate and to collect).
        if (this.frames)
            this.frames.push(known);
        return true;
    }
    replayEnded(bytes, start, end) {
        // The frame stays the findings' too: frames are never changed once read (see replay).
        if (this.replayState === Replay.Closed && this.replayFrame) {
            this.frameMemo.set(bytes, start, end, this.replayFrame);
        }
        this.replayState = Replay.Off;
        this.replayFrame = undefined;
    }
    close(name) {
        const stack = this.stack;
        const top = stack.length - 1;
        if (this.replayState !== Replay.Off)
            this.followReplayClose(name, top);
        if (stack[top] === name) {
            this.closeTop();
            return;
        }
        const at = stack.lastIndexOf(name);
        if (at === -1) {
            if (!this.rootClosed)
                this.warn(`stray end tag </${name}> ignored`);
            return;
        }
        // An element was left open (valgrind bug or an unescaped '<'); close everything up to `name`.
        while (stack.length - 1 > at) {
            this.warnUnclosed(stack[stack.length - 1]);
            this.closeTop();
        }
        this.closeTop();
    }
    /** close(name) while a frame is followed: a field or the frame itself, closed in order. */
    followReplayClose(name, top) {
        if (this.replayState === Replay.Fields && this.stack[top] === name) {
            if (top === this.replayDepth + 1)
                return;
            if (top === this.replayDepth) {
                this.replayState = Replay.Closed;
                this.replayFrame = this.frame;
                return;
            }
        }
        this.replayState = Replay.Off;
    }
    warnUnclosed(name) {
        if (this.rootClosed)
            return;
        if (name === 'still_reachable') {
            this.warn('<still_reachable> is not closed (a valgrind 3.26.0 bug when nothing is still reachable, fixed in 3.27.0); read on');
        }
        else
            this.warn(`<${name}> is not closed; read on`);
    }
    closeTop() {
        const name = this.stack.pop();
        const depth = this.stack.length;
        const text = this.textSoFar;
        this.textSoFar = '';
        this.capture = false;
        if (this.rootClosed)
            return;
        if (depth === 0) {
            if (name === 'valgrindoutput')
                this.rootClosed = true;
            return;
        }
        if (depth === 1) {
            this.closeSection(name, text);
            return;
        }
        const parent = this.stack[depth - 1];
        if (parent === 'frame') {
            this.setFrameField(name, text);
            return;
        }
        if (name === 'frame') {
            if (this.frame && this.frames)
                this.frames.push(this.frame);
            this.frame = undefined;
            return;
        }
        if (name === 'stack') {
            const frames = this.frames ?? [];
            this.frames = undefined;
            this.stackRead(frames, parent, depth);
            return;
        }
        switch (this.section) {
            case 'error':
                this.closeInError(name, parent, depth, text);
                return;
            case 'preamble':
                if (name === 'line' && this.run.valgrindVersion === undefined) {
                    const version = /\bValgrind-(\d[^\s]*)/.exec(text);
                    if (version)
                        this.run.valgrindVersion = version[1];
                }
                return;
            case 'args':
                if (parent === 'argv') {
                    if (name === 'exe')
                        this.run.exe = text;
                    else if (name === 'arg')
                        this.run.args.push(text);
                }
                else if (parent === 'vargv' && name === 'arg') {
                    (this.run.valgrindArgs ??= []).push(text);
                }
                return;
            case 'status':
                this.run.started = true;
                if (name === 'state' && text.trim() === 'FINISHED')
                    this.run.finished = true;
                return;
            case 'fatal_signal':
                if (this.fatal && depth === 2)
                    this.setFatalField(this.fatal, name, text);
                return;
            case 'clientmsg':
                if (this.clientMessage && depth === 2) {
                    if (name === 'tid')
                        this.clientMessage.tid = parseIntOrUndefined(text);
                    else if (name === 'threadname')
                        this.clientMessage.threadName = text.trim();
                    else if (name === 'text')
                        this.clientMessage.text = text.replace(/\s+$/, '');
                }
                return;
            case 'announcethread':
                if (name === 'hthreadid')
                    this.announcedId = text.trim();
                return;
            case 'errorcounts':
            case 'suppcounts':
                this.closeInCounts(name, text);
                return;
            case 'leak_summary':
                if (depth === 3 && this.leakCategory && this.run.leakSummary) {
                    if (name === 'bytes' || name === 'blocks') {
                        const value = this.count(text, `<leak_summary> <${name}>`);
                        if (value !== undefined)
                            this.run.leakSummary[this.leakCategory][name] = value;
                    }
                }
                else if (depth === 2)
                    this.leakCategory = undefined;
                return;
            case 'error_summary':
                if (depth === 2 && this.run.errorSummary) {
                    const value = this.count(text, `<error_summary> <${name}>`);
                    if (value === undefined)
                        return;
                    const summary = this.run.errorSummary;
                    if (name === 'errors')
                        summary.errors = value;
                    else if (name === 'error_contexts')
                        summary.contexts = value;
                    else if (name === 'suppressed')
                        summary.suppressed = value;
                    else if (name === 'suppressed_contexts')
                        summary.suppressedContexts = value;
                }
                return;
        }
    }
    count(text, where) {
        const value = parseCount(text);
        if (value === undefined)
            this.warn(`${where} holds '${text.trim()}', not a number; ignored`);
        return value;
    }
    closeSection(name, text) {
        const run = this.run;
        this.section = '';
        switch (name) {
            case 'protocolversion': {
                const version = parseIntOrUndefined(text);
                run.protocolVersion = version;
                if (version === undefined)
                    this.warn(`protocol version '${text.trim()}' is not a number`);
                else if (version > KNOWN_PROTOCOLS.max || version < KNOWN_PROTOCOLS.min) {
                    this.warn(`XML protocol version ${version} is not one this action knows (${KNOWN_PROTOCOLS.min} to ${KNOWN_PROTOCOLS.max}); read it anyway`);
                }
                return;
            }
            case 'protocoltool':
                run.tool = text.trim();
                return;
            case 'tool':
                run.tool ??= text.trim();
                return;
            case 'pid':
                run.pid = parseIntOrUndefined(text);
                return;
            case 'ppid':
                run.ppid = parseIntOrUndefined(text);
                return;
            case 'error':
                if (this.error)
                    this.finishError(this.error);
                this.error = undefined;
                return;
            case 'fatal_signal':
                if (this.fatal)
                    run.fatalSignal = this.fatal;
                this.fatal = undefined;
                return;
            case 'clientmsg':
                if (this.clientMessage) {
                    const messages = (run.clientMessages ??= []);
                    if (messages.length < MAX_CLIENT_MESSAGES)
                        messages.push(this.clientMessage);
                    else
                        this.clientMessagesDropped++;
                }
                this.clientMessage = undefined;
                return;
            case 'announcethread':
                if (this.announcedId !== '' &&
                    this.announcedStack &&
                    (this.threadCreation.size < MAX_ANNOUNCED_THREADS ||
                        this.threadCreation.has(this.announcedId))) {
                    this.threadCreation.set(this.announcedId, this.announcedStack);
                }
                return;
        }
    }
    closeInError(name, parent, depth, text) {
        const error = this.error;
        if (!error)
            return;
        if (depth === 2) {
            switch (name) {
                case 'unique':
                    error.unique = text.trim();
                    return;
                case 'tid':
                    error.tid = parseIntOrUndefined(text);
                    return;
                case 'threadname':
                    error.threadName = text.trim();
                    return;
                case 'kind':
                    error.kind = text.trim();
                    return;
                case 'what':
                    if (error.what === '')
                        error.what = text.trim();
                    return;
                case 'auxwhat':
                    error.pendingAux.push(text.trim());
                    return;
            }
            return;
        }
        if (parent === 'xwhat') {
            switch (name) {
                case 'text':
                    if (error.what === '')
                        error.what = text.trim();
                    return;
                case 'leakedbytes':
                    error.leakBytes = this.count(text, '<leakedbytes>');
                    return;
                case 'leakedblocks':
                    error.leakBlocks = this.count(text, '<leakedblocks>');
                    return;
                case 'hthreadid':
                    error.threadIds.push(text.trim());
                    return;
            }
            return;
        }
        if (parent === 'xauxwhat') {
            if (name === 'text')
                error.pendingAux.push(text.trim());
            else if (name === 'hthreadid')
                error.threadIds.push(text.trim());
            return;
        }
        if (name === 'rawtext' && parent === 'suppression') {
            error.suppression = this.cdataText.trim();
            this.cdataText = '';
        }
    }
    closeInCounts(name, text) {
        if (name === 'count') {
            this.pairCount = this.count(text, `<${this.section}> <count>`);
        }
        else if (name === 'unique' || name === 'name') {
            this.pairKey = text.trim();
        }
        else if (name === 'pair' && this.pairCount !== undefined) {
            if (this.section === 'suppcounts') {
                this.run.suppressionCounts.push({ name: this.pairKey, count: this.pairCount });
            }
            else {
                this.merger.countErrors(this.pairKey, this.pairCount);
            }
        }
    }
    stackRead(frames, parent, depth) {
        switch (this.section) {
            case 'error': {
                const error = this.error;
                if (!error)
                    return;
                if (depth === 2) {
                    if (error.stack === undefined) {
                        error.stack = frames;
                        return;
                    }
                    // An aux line introduces the stack after it; earlier ones without a stack are notes.
                    const label = error.pendingAux.pop() ?? '';
                    error.notes.push(...error.pendingAux);
                    error.pendingAux.length = 0;
                    error.auxStacks.push({ label, frames });
                }
                else if ((parent === 'other_segment_start' || parent === 'other_segment_end') &&
                    frames.length > 0) {
                    // DRD: where the conflicting segment of the other thread starts / ends.
                    const label = parent === 'other_segment_start' ? 'Other segment start' : 'Other segment end';
                    error.auxStacks.push({ label, frames });
                }
                return;
            }
            case 'fatal_signal':
                if (this.fatal && depth === 2)
                    this.fatal.stack = frames;
                return;
            case 'clientmsg':
                if (this.clientMessage && depth === 2)
                    this.clientMessage.stack = frames;
                return;
            case 'announcethread':
                if (depth === 2)
                    this.announcedStack = frames;
                return;
        }
    }
    setFrameField(name, text) {
        const frame = this.frame;
        if (!frame)
            return;
        switch (name) {
            case 'ip':
                frame.ip = text.trim();
                return;
            case 'obj':
                frame.obj = this.pool.intern(text.trim());
                return;
            case 'fn':
                frame.fn = this.pool.intern(text.trim());
                return;
            case 'dir':
                frame.dir = this.pool.intern(text.trim());
                return;
            case 'file':
                frame.file = this.pool.intern(text.trim());
                return;
            case 'line':
                frame.line = sourceLine(text);
                return;
        }
    }
    setFatalField(fatal, name, text) {
        switch (name) {
            case 'tid':
                fatal.tid = parseIntOrUndefined(text);
                return;
            case 'signo':
                fatal.signo = parseIntOrUndefined(text) ?? 0;
                return;
            case 'signame':
                fatal.signame = text.trim();
                return;
            case 'event':
                fatal.event = text.trim();
                return;
            case 'siaddr':
                fatal.siaddr = text.trim();
                return;
        }
    }
    finishError(error) {
        this.recordsRead++;
        error.notes.push(...error.pendingAux);
        const leakKind = LEAK_KIND_OF_ERROR.get(error.kind);
        if (leakKind !== undefined && !this.run.finished) {
            // A leak check the program asked for (VALGRIND_DO_LEAK_CHECK): valgrind writes the final
            // one after <status>FINISHED. Only the final one says what was leaked; a block lost here
            // may be freed later. Valgrind counted the record as an error all the same.
            const earlier = (this.run.midRunLeakRecords ??= {});
            earlier[leakKind] = (earlier[leakKind] ?? 0) + 1;
            return;
        }
        const finding = {
            tool: this.run.tool ?? '',
            kind: error.kind,
            what: error.what,
            unique: error.unique,
            stack: error.stack ?? [],
            auxStacks: error.auxStacks,
            notes: error.notes,
            count: 1
        };
        if (error.tid !== undefined)
            finding.tid = error.tid;
        if (error.threadName !== undefined)
            finding.threadName = error.threadName;
        if (error.suppression !== undefined)
            finding.suppression = error.suppression;
        if (leakKind !== undefined) {
            const bytes = error.leakBytes ?? 0;
            const split = DIRECT_INDIRECT.exec(error.what);
            const direct = split ? parseCount(split[1]) : undefined;
            const indirect = split ? parseCount(split[2]) : undefined;
            finding.leak = {
                kind: leakKind,
                bytes,
                directBytes: direct ?? bytes,
                indirectBytes: direct !== undefined ? (indirect ?? bytes - direct) : 0,
                blocks: error.leakBlocks ?? 0
            };
        }
        for (const id of new Set(error.threadIds)) {
            const created = this.threadCreation.get(id);
            if (created)
                finding.auxStacks.push({ label: `Thread #${id} was created`, frames: created });
        }
        this.merger.add(finding);
    }
    /** The run's findings so far: complete records only (a merged record's count may still grow). */
    get findings() {
        return this.run.findings;
    }
    /** `</valgrindoutput>` was read: valgrind has written all it will write for this process. */
    get documentEnded() {
        return this.rootClosed;
    }
    /** Ends the document (a cut inside a tag is a truncation like any other). */
    finish(bytesRead) {
        const run = this.run;
        if (bytesRead === 0) {
            this.warn('the file is empty: valgrind wrote nothing (did it fail to start, or does this tool not write XML?)');
        }
        else if (!this.rootOpened) {
            this.warn('no <valgrindoutput> element: this is not valgrind XML output');
        }
        else if (!this.rootClosed) {
            const records = this.recordsRead;
            this.warn(`the XML ends early (valgrind or the program was killed?); ${records} finding${records === 1 ? '' : 's'} read before the cut`);
        }
        else if (this.junk) {
            const more = this.junkErrors > 0 ? ` (it holds ${this.junkErrors} more <error> records)` : '';
            this.warn(`content after </valgrindoutput> was ignored${more}: several processes probably wrote this one file; put %p in --xml-file so that each process writes its own`);
        }
        run.complete = this.rootOpened && this.rootClosed;
        this.merger.finish();
        if (this.clientMessagesDropped > 0) {
            this.warn(`${this.clientMessagesDropped} more client messages (VALGRIND_PRINTF) than the ${MAX_CLIENT_MESSAGES} kept; all are in the XML file`);
        }
        if (this.warningsDropped > 0) {
            run.warnings.push(`${run.file}: … and ${this.warningsDropped} more problems`);
        }
        run.records = this.recordsRead;
        return run;
    }
}

/** What the JSON report says of one process. */
function processSummary(run) {
    return {
        file: run.file,
        role: run.role,
        pid: run.pid,
        ppid: run.ppid,
        exe: run.exe,
        args: run.args,
        complete: run.complete,
        findings: run.findings.length,
        test: run.test,
        fatalSignal: run.fatalSignal?.signame
    };
}
/** Client messages of every process, in order, at most MAX_CLIENT_MESSAGES in all. */
function reportedClientMessages(runs) {
    const messages = [];
    for (const run of runs) {
        for (const message of run.clientMessages ?? []) {
            if (messages.length >= MAX_CLIENT_MESSAGES)
                return messages;
            messages.push(run.pid !== undefined ? { pid: run.pid, ...message } : { ...message });
        }
    }
    return messages;
}

// Recognizes the cargo commands that run Rust tests: `cargo [+toolchain] [cargo options] test …`
// and `cargo [+toolchain] [cargo options] nextest [options] run …` (also `cargo t`, `cargo nextest r`
// and the `cargo-nextest nextest run` form). Pure: words in, a description out.
/** Cargo's global options that take a value (`cargo --config k=v test`). */
const CARGO_VALUE_OPTIONS = new Set(['--config', '-Z', '-C', '--color', '--explain']);
/** Options of `cargo nextest` that may come before `run` and take a value. */
const NEXTEST_VALUE_OPTIONS = new Set([
    '--color',
    '--manifest-path',
    '--config-file',
    '--tool-config-file',
    '--profile',
    '-P'
]);
function isCargo(word) {
    const name = path.basename(word);
    return name === 'cargo' || name === 'cargo.exe';
}
function isCargoNextest(word) {
    const name = path.basename(word);
    return name === 'cargo-nextest' || name === 'cargo-nextest.exe';
}
/** Skips options (and the values of those that take one) from `start`; returns the next word's index. */
function skipOptions(words, start, takesValue) {
    let index = start;
    while (index < words.length && words[index].startsWith('-') && words[index] !== '--') {
        const option = words[index];
        index += takesValue.has(option) ? 2 : 1;
    }
    return index;
}
/** `--target x86_64-unknown-linux-gnu` / `--target=…` before a `--`; JSON target specs are skipped. */
function targetTriples(words, from) {
    const triples = [];
    for (let index = from; index < words.length && words[index] !== '--'; index++) {
        const word = words[index];
        const value = word === '--target'
            ? words[index + 1]
            : word.startsWith('--target=')
                ? word.slice('--target='.length)
                : undefined;
        if (value !== undefined && /^[A-Za-z0-9_.-]+$/.test(value) && !value.endsWith('.json')) {
            triples.push(value);
        }
    }
    return triples;
}
function nextestRun(words, afterNextest, toolchain) {
    const subcommand = skipOptions(words, afterNextest, NEXTEST_VALUE_OPTIONS);
    const name = words[subcommand];
    if (name === 'run' || name === 'r') {
        return {
            mode: 'nextest',
            toolchain,
            insertAt: subcommand + 1,
            targets: targetTriples(words, subcommand + 1)
        };
    }
    throw new InputError(`Input 'command': 'cargo nextest ${name ?? ''}' does not run tests under valgrind. Accepted Rust commands: 'cargo nextest run [options]' or 'cargo test [options]'; anything else is run as a plain program.`);
}
/**
 * The cargo test command `command` is, or undefined when it is something else (a plain program,
 * or another cargo subcommand such as `cargo run`, which the action runs as a program).
 * Throws an InputError for `cargo nextest <subcommand>` other than `run`: it would run no test.
 */
function parseCargoTestCommand(command) {
    if (command.length === 0)
        return undefined;
    if (isCargoNextest(command[0])) {
        // `cargo-nextest nextest run …`: what cargo execs for `cargo nextest run …`.
        return command[1] === 'nextest' ? nextestRun(command, 2, undefined) : undefined;
    }
    if (!isCargo(command[0]))
        return undefined;
    let index = 1;
    let toolchain;
    if (command[index]?.startsWith('+')) {
        toolchain = command[index];
        index++;
    }
    index = skipOptions(command, index, CARGO_VALUE_OPTIONS);
    const subcommand = command[index];
    if (subcommand === 'test' || subcommand === 't') {
        return {
            mode: 'cargo-test',
            toolchain,
            insertAt: index + 1,
            targets: targetTriples(command, index + 1)
        };
    }
    if (subcommand === 'nextest')
        return nextestRun(command, index + 1, toolchain);
    return undefined;
}
/** The environment variable that sets cargo's target runner for a triple. */
function runnerVariable(triple) {
    return `CARGO_TARGET_${triple.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_RUNNER`;
}
/** The host triple from `rustc -vV` output (`host: x86_64-unknown-linux-gnu`). */
function hostTripleFromRustcVersion(output) {
    return /^host:\s*(\S+)\s*$/m.exec(output)?.[1];
}
/** A fallback when rustc cannot be asked: the triple rustup installs for this machine. */
function defaultHostTriple(arch = process.arch, platform = process.platform) {
    const cpu = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', riscv64: 'riscv64gc' }[arch];
    if (cpu === undefined)
        return undefined;
    if (platform === 'linux')
        return `${cpu}-unknown-linux-gnu`;
    if (platform === 'darwin')
        return `${cpu}-apple-darwin`;
    return undefined;
}
/** Options by which the user already chose how a failing test affects the rest. */
const FAIL_FAST_CHOICE = /^--(no-fail-fast|fail-fast|max-fail)(=|$)/;
/**
 * The command with `--no-fail-fast` right after `test` / `nextest run`, unless the user chose
 * otherwise (`--no-fail-fast`, `--fail-fast`, `--max-fail` before a `--`): with valgrind failing
 * each process it finds errors in, one such test must not hide the others.
 */
function withNoFailFast(command, parsed) {
    const end = command.indexOf('--', parsed.insertAt);
    const options = command.slice(parsed.insertAt, end === -1 ? undefined : end);
    if (options.some((word) => FAIL_FAST_CHOICE.test(word)))
        return [...command];
    return [...command.slice(0, parsed.insertAt), '--no-fail-fast', ...command.slice(parsed.insertAt)];
}

// The environment the program under test gets: the step's environment without what the runner
// gives the action for itself. A `run:` step never sees the runtime token; a pull request's tests
// run here must not see it either (it can write the Actions cache, including the packages this
// action installs as root). The action keeps these variables in its own `process.env` for its
// upload and cache. Pure: an environment in, a filtered copy out.
/**
 * Prefixes of runner-internal variables: `ACTIONS_*` (runtime, results, cache and ID-token URLs and
 * tokens, the orchestration id, runner debug switches), `INPUT_*` (this action's inputs) and
 * `STATE_*` (an action's saved state).
 */
const INTERNAL_PREFIXES = ['ACTIONS_', 'INPUT_', 'STATE_'];
/**
 * The runner's file commands: writing to them sets outputs, environment, PATH or the job summary
 * for this and later steps. The program's own output reaches the log through the action instead.
 */
const FILE_COMMANDS = [
    'GITHUB_ENV',
    'GITHUB_OUTPUT',
    'GITHUB_PATH',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY'
];
/** True for a variable the program under test does not get. */
function isRunnerInternal(name) {
    const upper = name.toUpperCase();
    return (INTERNAL_PREFIXES.some((prefix) => upper.startsWith(prefix)) || FILE_COMMANDS.includes(upper));
}
/** A copy of `env` without the runner's internal variables. */
function programEnvironment(env) {
    const result = {};
    for (const [name, value] of Object.entries(env)) {
        if (value !== undefined && !isRunnerInternal(name))
            result[name] = value;
    }
    return result;
}

// Finds and stops every process a run started, also those that left its process group or session
// (setsid, double fork): each carries a tracking variable in its environment, which /proc shows.
// The GitHub runner finds a job's orphans the same way (RUNNER_TRACKING_ID). A process that
// execs with an environment of its own drops the variable; while valgrind traces it, its command
// line still names the run's output directory (valgrind's --xml-file), and that finds it too.
// A process that leaves valgrind and rewrites its environment escapes both; the runner's own job
// cleanup is the last line.
/** The variable whose value marks a run's processes. */
const TRACKING_VARIABLE = 'VALGRIND_ACTION_TRACKING_ID';
/**
 * Pids of live processes whose initial environment has `TRACKING_VARIABLE=<id>`, or whose command
 * line has an argument containing `argumentText` (when given).
 */
function trackedProcesses(id, procDirectory = '/proc', argumentText) {
    const needle = Buffer.from(`\0${TRACKING_VARIABLE}=${id}\0`);
    const argumentNeedle = argumentText !== undefined ? Buffer.from(argumentText) : undefined;
    const pids = [];
    let entries;
    try {
        entries = fs.readdirSync(procDirectory);
    }
    catch {
        return pids;
    }
    for (const entry of entries) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid)
            continue;
        try {
            // A leading NUL lets the first variable match like every other one.
            const environ = Buffer.concat([
                Buffer.from([0]),
                fs.readFileSync(`${procDirectory}/${entry}/environ`)
            ]);
            if (environ.includes(needle)) {
                pids.push(Number(entry));
                continue;
            }
        }
        catch {
            // Gone, or another user's process: not ours.
            continue;
        }
        if (argumentNeedle === undefined)
            continue;
        try {
            if (fs.readFileSync(`${procDirectory}/${entry}/cmdline`).includes(argumentNeedle)) {
                pids.push(Number(entry));
            }
        }
        catch {
            // Gone meanwhile.
        }
    }
    return pids;
}
function signalEach(pids, signal) {
    for (const pid of pids) {
        try {
            process.kill(pid, signal);
        }
        catch {
            // Already gone.
        }
    }
}
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Sends SIGTERM to every tracked process (valgrind then finishes its XML, leak check included),
 * and SIGKILL to those still running after `graceMs` (a program may ignore SIGTERM).
 */
async function stopTrackedProcesses(id, graceMs, argumentText) {
    const tracked = () => trackedProcesses(id, '/proc', argumentText);
    const found = tracked();
    if (found.length === 0)
        return { found: 0, killed: 0 };
    signalEach(found, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    let remaining = found;
    while (Date.now() < deadline) {
        await delay(50);
        remaining = tracked();
        if (remaining.length === 0)
            return { found: found.length, killed: 0 };
    }
    // Children may have started during the grace period: kill what is there now.
    remaining = tracked();
    signalEach(remaining, 'SIGKILL');
    // A killed process is gone only once the kernel has torn it down (valgrind's large address
    // space takes a moment): the step must not end while one still runs.
    const killed = new Set(remaining);
    const settled = Date.now() + KILL_SETTLE_MS;
    while (Date.now() < settled && tracked().some((pid) => killed.has(pid)))
        await delay(20);
    return { found: found.length, killed: remaining.length };
}
/** How long to wait, at most, for killed processes to be gone (well within the runner's 7.5 s). */
const KILL_SETTLE_MS = 1000;

// Copies the program's stdout and stderr into one log, as the chunks arrive. Two rules keep the
// log readable and the fence intact: a chunk from one stream never continues a line the other
// stream left unfinished (a newline goes in between), and `endLine` finishes the last line, so
// whatever the action writes next (the closing `::<token>::` fence) starts a line of its own.
const NEWLINE = 0x0a;
class InterleavedLog {
    write;
    atLineStart = true;
    lastStream;
    constructor(write) {
        this.write = write;
    }
    append(stream, chunk) {
        if (chunk.length === 0)
            return;
        if (!this.atLineStart && this.lastStream !== stream)
            this.write('\n');
        this.write(chunk);
        this.atLineStart = chunk[chunk.length - 1] === NEWLINE;
        this.lastStream = stream;
    }
    /** Ends an unfinished line (e.g. `printf("progress: 100%")` with no newline). */
    endLine() {
        if (!this.atLineStart)
            this.write('\n');
        this.atLineStart = true;
    }
}

// Runs a plan and owns everything the program does to the log and the machine:
// - On GitHub the program's stdout and stderr come through pipes; the action copies them into the
//   log between `::stop-commands::<token>` and `::<token>::`, the closing fence always on a line of
//   its own. The streams the program is given reach the runner only through the action, so output
//   of a process it leaves behind (a daemon) cannot act as a workflow command once the fence is
//   closed. (A same-user process can still open /proc/<our pid>/fd/1 on purpose: SECURITY.md.)
// - The program gets the step's environment without the runner's internal variables.
// - After the command exits, the output is drained for a moment, the fence closed, and every
//   process the command left running is stopped (found by a tracking variable, see process-tree).
// - Cancellation (the runner's SIGINT/SIGTERM) stops the whole tree; valgrind finishes its XML.
// On a terminal (the CLI) the program keeps the TTY instead, so it keeps its colours.
/** Bytes of stderr kept for stderrHead: the launcher's message is one line, before anything else. */
const STDERR_HEAD_BYTES = 4096;
/** A problem with the environment (valgrind or the program missing): a clear message, no stack. */
class RunError extends Error {
    name = 'RunError';
}
/**
 * How long output may still arrive after the command exited: what is in the pipes already arrives
 * at once, this is for a child finishing its last write. Short, so a daemon costs little.
 */
const DRAIN_MS = 500;
/** How long processes get to exit after SIGTERM before SIGKILL (within the runner's 7.5 s). */
const STOP_GRACE_MS = 3000;
/** Waits for `promise`, at most `ms`; the timer does not outlive the wait. */
async function waitAtMost$1(promise, ms) {
    let timer;
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
}
async function executePlan(plan, options) {
    const executable = resolveExecutable(plan.command, plan.cwd);
    if (executable.path === undefined) {
        throw new RunError(executable.problem === 'not found'
            ? `'${plan.command}' was not found on PATH. Install valgrind (the action's 'install' input does it on Debian and Ubuntu runners).`
            : `'${plan.command}' ${executable.problem} (${executable.candidate}).`);
    }
    const trackingId = randomUUID();
    const token = randomUUID().replace(/-/g, '');
    const capture = options.fenceCommands;
    if (capture)
        options.write(`::stop-commands::${token}\n`);
    const log = new InterleavedLog(options.write);
    let fenceOpen = capture;
    let lateOutputBytes = 0;
    const stderrHead = [];
    let stderrHeadBytes = 0;
    const closeFence = () => {
        if (!fenceOpen)
            return;
        log.endLine();
        options.write(`::${token}::\n`);
        fenceOpen = false;
    };
    const child = spawn(executable.path, plan.args, {
        cwd: plan.cwd,
        env: { ...programEnvironment(process.env), ...plan.env, [TRACKING_VARIABLE]: trackingId },
        stdio: ['inherit', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit']
    });
    const streamsEnded = [];
    for (const [name, stream] of [
        ['stdout', child.stdout],
        ['stderr', child.stderr]
    ]) {
        if (stream === null)
            continue;
        stream.on('data', (chunk) => {
            if (name === 'stderr' && stderrHeadBytes < STDERR_HEAD_BYTES) {
                stderrHead.push(chunk.subarray(0, STDERR_HEAD_BYTES - stderrHeadBytes));
                stderrHeadBytes += chunk.length;
            }
            if (fenceOpen)
                log.append(name, chunk);
            else
                lateOutputBytes += chunk.length;
        });
        streamsEnded.push(new Promise((resolve) => {
            stream.on('close', resolve);
            stream.on('error', () => resolve());
        }));
    }
    let cancelled;
    let stopping;
    const onCancel = () => {
        cancelled = String(options.cancel?.reason ?? 'SIGINT');
        // The direct child by pid too: right after spawn it may not carry the tracking variable yet.
        child.kill('SIGTERM');
        stopping ??= stopTrackedProcesses(trackingId, STOP_GRACE_MS, options.trackArgument).then(() => {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGKILL');
        });
    };
    try {
        const exit = await new Promise((resolve, reject) => {
            child.on('error', (error) => {
                reject(new RunError(`Could not start '${plan.command}': ${error.message}`));
            });
            child.on('exit', (exitCode, signal) => resolve({ exitCode, signal }));
            if (options.cancel?.aborted)
                onCancel();
            else
                options.cancel?.addEventListener('abort', onCancel, { once: true });
        });
        options.cancel?.removeEventListener('abort', onCancel);
        await stopping;
        // Output already in the pipes arrives at once; a process still holding them gets DRAIN_MS.
        await waitAtMost$1(Promise.all(streamsEnded), DRAIN_MS);
        closeFence();
        // Whatever the command left running is stopped: it would otherwise keep valgrind and the
        // program going behind the next steps, and its XML would never be complete.
        const leftBehind = await stopTrackedProcesses(trackingId, STOP_GRACE_MS, options.trackArgument);
        await waitAtMost$1(Promise.all(streamsEnded), DRAIN_MS);
        child.stdout?.destroy();
        child.stderr?.destroy();
        return {
            ...exit,
            cancelled,
            leftRunning: leftBehind.found,
            leftKilled: leftBehind.killed,
            lateOutputBytes,
            stderrHead: capture ? Buffer.concat(stderrHead).toString('utf8') : undefined
        };
    }
    finally {
        options.cancel?.removeEventListener('abort', onCancel);
        closeFence();
    }
}
/**
 * Finds an executable the way a shell would: a path with a slash, or a name searched on PATH.
 * When nothing runnable is found, says why: missing, or there but a directory or without the
 * execute permission.
 */
function resolveExecutable(name, cwd, pathVariable = process.env.PATH ?? '') {
    const candidates = name.includes('/')
        ? [path.resolve(cwd, name)]
        : pathVariable
            .split(path.delimiter)
            .filter((dir) => dir !== '')
            .map((dir) => path.join(dir, name));
    let found = { problem: 'not found' };
    for (const candidate of candidates) {
        let stat;
        try {
            stat = fs.statSync(candidate);
        }
        catch {
            continue; // not here; try the next
        }
        if (stat.isDirectory()) {
            if (found.problem === 'not found')
                found = { problem: 'is a directory', candidate };
            continue;
        }
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return { path: candidate };
        }
        catch {
            found = { problem: 'is not executable', candidate };
        }
    }
    return found;
}

// What `cargo nextest run …` would run, asked of nextest itself: the run's arguments turned into a
// `cargo nextest list --message-format json …` call (same build, filters, partition, profile), and
// that call's JSON read into the test binaries and the selected tests. Pure: words and text in.
/** `cargo nextest run` options that `list` does not accept, and whether each takes a value. */
const RUN_ONLY_OPTIONS = new Map([
    ['--no-fail-fast', false],
    ['--fail-fast', false],
    ['--max-fail', true],
    ['-j', true],
    ['--test-threads', true],
    ['--retries', true],
    ['--no-capture', false],
    ['--nocapture', false],
    ['--failure-output', true],
    ['--success-output', true],
    ['--status-level', true],
    ['--final-status-level', true],
    ['--flaky-result', true],
    ['--hide-progress-bar', false],
    ['--show-progress', true],
    ['--max-progress-running', true],
    ['--no-input-handler', false],
    ['--no-output-indent', false],
    ['--no-tests', true],
    ['--stress-count', true],
    ['--stress-duration', true],
    ['--message-format', true],
    ['--message-format-version', true],
    ['--debugger', true],
    ['--tracer', true],
    ['-R', true],
    ['--rerun', true]
]);
/**
 * The `cargo nextest list` arguments for a run's arguments (`args` = the command without `cargo`;
 * `runAt` = index in `args` of the `run` word). Options list does not know are dropped, the rest
 * (build options, filters, `-E`, `--partition`, `--run-ignored`, `--profile`, archives) kept.
 */
function listCallForRun(args, runAt) {
    const out = [...args.slice(0, runAt), 'list', '--message-format', 'json'];
    let testThreads;
    let index = runAt + 1;
    while (index < args.length) {
        const word = args[index];
        if (word === '--') {
            out.push(...args.slice(index));
            break;
        }
        const [name, inlineValue] = word.startsWith('--') ? splitOnce(word, '=') : [word, undefined];
        const takesValue = RUN_ONLY_OPTIONS.get(name);
        if (takesValue === undefined) {
            out.push(word);
            index++;
            continue;
        }
        const value = takesValue && inlineValue === undefined ? args[index + 1] : inlineValue;
        if (name === '-j' || name === '--test-threads') {
            const threads = Number(value);
            if (Number.isInteger(threads) && threads > 0)
                testThreads = threads;
        }
        index += takesValue && inlineValue === undefined ? 2 : 1;
    }
    return { args: out, testThreads };
}
function splitOnce(word, separator) {
    const at = word.indexOf(separator);
    return at === -1 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}
/** Reads `cargo nextest list --message-format json`: the tests whose filter-match is `matches`. */
function parseTestList(json) {
    let parsed;
    try {
        parsed = JSON.parse(json);
    }
    catch (error) {
        throw new Error(`Could not read the output of 'cargo nextest list --message-format json' (${error.message}).`);
    }
    const meta = parsed['rust-build-meta'] ?? {};
    const target = meta['target-directory'];
    const libraryPaths = [];
    if (target !== undefined) {
        for (const base of meta['base-output-directories'] ?? []) {
            libraryPaths.push(`${target}/${base}/deps`, `${target}/${base}`);
        }
    }
    libraryPaths.push(...(meta['linked-paths'] ?? []).map((p) => (p.startsWith('/') ? p : `${target}/${p}`)));
    const suites = [];
    for (const [key, suite] of Object.entries(parsed['rust-suites'] ?? {})) {
        if (suite.status !== undefined && suite.status !== 'listed')
            continue;
        const tests = Object.entries(suite.testcases ?? {})
            .filter(([, test]) => test['filter-match']?.status === 'matches')
            .map(([name, test]) => ({ name, ignored: test.ignored === true }));
        if (tests.length === 0 || suite['binary-path'] === undefined)
            continue;
        suites.push({
            binaryId: suite['binary-id'] ?? key,
            binaryPath: suite['binary-path'],
            cwd: suite.cwd ?? '.',
            packageName: suite['package-name'] ?? key,
            tests
        });
    }
    return { suites, libraryPaths, targetDirectory: target };
}

// The target runner that cargo and cargo-nextest start for every test binary they execute. It is
// a POSIX sh script, written per run with valgrind's argv baked in (the RUNNER environment variable
// is split on whitespace, without quoting, so the options cannot travel in it). Pure: options in,
// script text out.
function runnerScript(options) {
    const valgrind = joinShellWords(options.valgrindArgv);
    const lines = [
        '#!/bin/sh',
        '# Generated by valgrind-action for one run. cargo / cargo-nextest start it as the target runner:',
        '#   runner.sh <test-binary> [arguments...]',
        "# Listing tests (nextest's `--list` calls) runs the binary directly: it would be slow under",
        '# valgrind and its XML would be noise. Every other run goes under valgrind and leaves a record',
        '# of which test ran and how it ended in the state directory.',
        'for arg in "$@"; do',
        '  if [ "$arg" = --list ]; then exec "$@"; fi',
        'done',
        `state=${joinShellWords([options.stateDir])}`,
        'record="$state/$$.status"',
        '{',
        `  printf 'binary-id %s\\n' "\${NEXTEST_BINARY_ID-}"`,
        `  printf 'attempt %s\\n' "\${NEXTEST_ATTEMPT-}"`,
        `  for arg in "$@"; do printf 'arg %s\\n' "$arg"; done`,
        '} > "$record"'
    ];
    if (options.mode === 'nextest') {
        lines.push('# A trap (not an ignore, which valgrind would inherit) keeps this shell waiting while valgrind', "# handles nextest's SIGTERM on a timeout: valgrind completes the XML, the status gets recorded.", "trap 'true' HUP INT TERM", `${valgrind} "$@"`, 'code=$?', 'echo "exit $code" >> "$record"');
    }
    else {
        lines.push("# One process runs all tests of a binary: libtest's report (on stdout) names the failed tests.", "# `times`' second line: the CPU time of valgrind (this group's child), which, unlike wall time,", '# a busy machine does not inflate: the batches plan from it.', `{ ${valgrind} "$@"; echo "exit $?" >> "$record"; times > "$record.cpu"; } | tee -a "$state/$$.stdout"`, `code=$(sed -n 's/^exit //p' "$record")`, 'code=${code:-1}');
    }
    lines.push('if [ "$code" -gt 128 ] && [ "$code" -lt 160 ]; then', "  # valgrind re-raised the test's fatal signal; raise it again so the caller sees a signal too.", '  trap - HUP INT TERM', '  ulimit -c 0 2>/dev/null', '  kill -s "$(kill -l "$code")" $$ 2>/dev/null', 'fi', 'exit "$code"', '');
    return lines.join('\n');
}
/** Parses a status record (`binary-id …`, `attempt …`, `arg …` lines, then `exit N`). */
function parseStatusRecord(pid, text) {
    const record = { pid, argv: [] };
    for (const line of text.split('\n')) {
        const space = line.indexOf(' ');
        const key = space === -1 ? line : line.slice(0, space);
        const value = space === -1 ? '' : line.slice(space + 1);
        if (key === 'binary-id' && value !== '')
            record.binaryId = value;
        else if (key === 'attempt' && /^\d+$/.test(value))
            record.attempt = Number(value);
        else if (key === 'arg')
            record.argv.push(value);
        else if (key === 'exit' && /^\d+$/.test(value))
            record.exitCode = Number(value);
        else if (key === 'superseded')
            record.superseded = true;
    }
    return record;
}
/** CPU seconds (user + system) of valgrind, from the `times` output the runner keeps. */
function cpuSecondsFromTimes(text) {
    const children = text.split('\n')[1] ?? '';
    const match = /^(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(children.trim());
    if (match === null)
        return undefined;
    return Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4]);
}

// Runs a `cargo nextest run …` command in batches (rust-isolation auto/batch): nextest selects
// the tests (`cargo nextest list --message-format json` with the user's arguments, which also
// builds them), then the action runs each test binary under valgrind with batches of those tests,
// on every core, through the same target runner script that records each process. A batch that
// does not complete its libtest report is run again test by test. Planning is in batches.ts.
// Like executePlan, the batches own their processes: the tests get the step's environment without
// the runner's internal variables, every process carries the run's tracking variable (whatever a
// test leaves running is stopped at the end), and cancellation stops the running batches (valgrind
// finishes its XML) and starts no more.
/** Where the per-binary timings of earlier runs are kept, in the target directory. */
const TIMINGS_FILE = path.join('valgrind-action', 'rust-timings.json');
/** What `finishRustRun` reads to say how each suite ran. */
const CHOICES_FILE = 'isolation.json';
/** Waits for `promise`, at most `ms`; the timer does not outlive the wait. */
async function waitAtMost(promise, ms) {
    let timer;
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
}
/**
 * Runs one process and collects its output. Ends when the process exits: output still in the pipes
 * arrives at once, a process it left holding them (a daemon) gets DRAIN_MS, then the pipes close.
 * `running` holds the child while it runs (for cancellation).
 */
function capture(command, args, cwd, env, running, streamStderr) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        running.add(child);
        const stdout = [];
        const stderr = [];
        child.stdout.on('data', (chunk) => stdout.push(chunk));
        child.stderr.on('data', (chunk) => {
            if (streamStderr !== undefined)
                streamStderr(chunk.toString('utf8'));
            else
                stderr.push(chunk);
        });
        const closed = Promise.all([child.stdout, child.stderr].map((stream) => new Promise((done) => {
            stream.on('close', () => done());
            stream.on('error', () => done());
        })));
        child.on('error', (error) => {
            running.delete(child);
            reject(new Error(`Could not start '${command}': ${error.message}`));
        });
        child.on('exit', (exitCode, signal) => {
            running.delete(child);
            void waitAtMost(closed, DRAIN_MS).then(() => {
                child.stdout.destroy();
                child.stderr.destroy();
                resolve({
                    exitCode,
                    signal,
                    stdout: Buffer.concat(stdout).toString('utf8'),
                    stderr: Buffer.concat(stderr).toString('utf8'),
                    pid: child.pid
                });
            });
        });
    });
}
function readTimings(targetDirectory) {
    if (targetDirectory === undefined)
        return {};
    try {
        return JSON.parse(fs.readFileSync(path.join(targetDirectory, TIMINGS_FILE), 'utf8'));
    }
    catch {
        return {}; // first run, or an unreadable file: plan without history
    }
}
function writeTimings(targetDirectory, timings) {
    if (targetDirectory === undefined)
        return;
    try {
        const file = path.join(targetDirectory, TIMINGS_FILE);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ ...readTimings(targetDirectory), ...timings }, null, 1));
    }
    catch {
        // A read-only target directory: the next run plans without history.
    }
}
function binarySize(file) {
    try {
        return fs.statSync(file).size;
    }
    catch {
        return 0;
    }
}
/** The environment nextest gives a test process, as far as the list tells it. */
function testEnv(baseEnv, list, job) {
    const loaderPath = [...list.libraryPaths, baseEnv.LD_LIBRARY_PATH ?? '']
        .filter((p) => p !== '')
        .join(':');
    return {
        ...baseEnv,
        NEXTEST_BINARY_ID: job.suite.binaryId,
        CARGO_MANIFEST_DIR: job.suite.cwd,
        CARGO_PKG_NAME: job.suite.packageName,
        LD_LIBRARY_PATH: loaderPath
    };
}
function describeJob(job) {
    return job.tests.length === 1
        ? `${job.suite.binaryId} ${job.tests[0]}`
        : `${job.suite.binaryId}: batch of ${job.tests.length} tests`;
}
/** Runs the nextest command in batches; the exit status is nextest's: 100 when a test failed. */
async function runBatches(options) {
    const trackingId = randomUUID();
    const running = new Set();
    let cancelled;
    let stopping;
    const onCancel = () => {
        cancelled = String(options.cancel?.reason ?? 'SIGINT');
        for (const child of running)
            child.kill('SIGTERM');
        stopping ??= stopTrackedProcesses(trackingId, STOP_GRACE_MS);
    };
    if (options.cancel?.aborted)
        onCancel();
    else
        options.cancel?.addEventListener('abort', onCancel, { once: true });
    try {
        const exit = await runSelected(options, trackingId, running, () => cancelled !== undefined);
        await stopping;
        // Whatever the tests left running is stopped, as executePlan does for a program.
        const leftBehind = await stopTrackedProcesses(trackingId, STOP_GRACE_MS);
        return {
            ...exit,
            cancelled,
            leftRunning: leftBehind.found,
            leftKilled: leftBehind.killed,
            lateOutputBytes: 0
        };
    }
    finally {
        options.cancel?.removeEventListener('abort', onCancel);
    }
}
async function runSelected(options, trackingId, running, isCancelled) {
    const { write } = options;
    const listCall = listCallForRun(options.args, options.runAt);
    write(`valgrind-action: selecting tests with ${options.command} ${listCall.args.join(' ')}\n`);
    const baseEnv = {
        ...programEnvironment(process.env),
        ...options.env,
        [TRACKING_VARIABLE]: trackingId
    };
    const listed = await capture(options.command, listCall.args, options.cwd, baseEnv, running, write);
    if (listed.exitCode !== 0 || isCancelled()) {
        return { exitCode: listed.exitCode, signal: listed.signal };
    }
    const list = parseTestList(listed.stdout);
    if (list.suites.length === 0) {
        // nextest's own answer to an empty selection (exit 4, NO_TESTS_RUN).
        write("valgrind-action: no test matches the command's filters: nothing ran under valgrind\n");
        return { exitCode: 4, signal: null };
    }
    const cores = listCall.testThreads ?? os.availableParallelism();
    const timings = readTimings(list.targetDirectory);
    const inputs = list.suites.map((suite) => {
        const binaryBytes = binarySize(suite.binaryPath);
        const timing = timings[suite.binaryId];
        return {
            suite,
            binaryBytes,
            timing,
            choice: chooseIsolation(suite, options.isolation, binaryBytes, timing)
        };
    });
    fs.writeFileSync(path.join(options.stateDir, CHOICES_FILE), JSON.stringify({ cores, choices: inputs.map((input) => input.choice) }));
    const queue = planJobs(inputs, cores);
    const tests = list.suites.reduce((sum, suite) => sum + suite.tests.length, 0);
    write(`valgrind-action: ${tests} test(s) in ${list.suites.length} binaries, ${queue.length} valgrind process(es), ${cores} at a time\n`);
    const results = [];
    let failed = false;
    const runJob = async (job) => {
        const started = process.hrtime.bigint();
        const ran = await capture(options.runner, [job.suite.binaryPath, ...jobArguments(job)], job.suite.cwd, testEnv(baseEnv, list, job), running);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const recordFile = path.join(options.stateDir, `${ran.pid}.status`);
        const record = fs.existsSync(recordFile)
            ? parseStatusRecord(ran.pid ?? 0, fs.readFileSync(recordFile, 'utf8'))
            : undefined;
        const exitCode = record?.exitCode;
        // Each stream ends its last line: a batch cut short (exit() mid-line, a crash) leaves
        // libtest's `test x ... ` unfinished, and the next words are not libtest's.
        const ended = (text) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
        write(`──── ${describeJob(job)} (${seconds.toFixed(1)} s) ────\n${ended(ran.stdout)}${ended(ran.stderr)}`);
        // Stopped by a cancellation: its XML is reported as written, nothing is re-run or timed.
        if (isCancelled())
            return;
        if (!job.isolated && !batchFinished(exitCode, ran.stdout)) {
            // A crash, an abort or an exit() inside a test: its batch mates' results are unknown. Run
            // each test alone; the batch's own files and record are set aside (not reported twice).
            if (fs.existsSync(recordFile))
                fs.appendFileSync(recordFile, 'superseded\n');
            write(`valgrind-action: the batch ended before its report (exit ${exitCode ?? ran.signal ?? 'unknown'}); running its ${job.tests.length} tests one by one\n`);
            queue.push(...perTestJobs(job.suite, job.tests, job.estimate / Math.max(1, job.tests.length)));
            return;
        }
        // CPU time where the runner could record it: wall time on a busy machine says little.
        const cpu = fs.existsSync(`${recordFile}.cpu`)
            ? cpuSecondsFromTimes(fs.readFileSync(`${recordFile}.cpu`, 'utf8'))
            : undefined;
        results.push({
            job,
            seconds: cpu ?? seconds,
            startup: estimatedStartup(binarySize(job.suite.binaryPath))
        });
        // A test failed (libtest says so), or a test alone crashed: nextest's status 100.
        if (!batchFinished(exitCode, ran.stdout) || batchFailed(ran.stdout))
            failed = true;
    };
    const worker = async () => {
        for (let job = queue.shift(); job !== undefined && !isCancelled(); job = queue.shift()) {
            await runJob(job);
        }
    };
    // Workers take the next job as they finish one; re-runs join the same queue.
    do {
        await Promise.all(Array.from({ length: Math.min(cores, queue.length) }, worker));
    } while (queue.length > 0 && !isCancelled());
    if (isCancelled())
        return { exitCode: failed ? 100 : 0, signal: null };
    writeTimings(list.targetDirectory, measuredTimings(results));
    return { exitCode: failed ? 100 : 0, signal: null };
}

/** `mycrate::tests::it_works::{{closure}}` → `mycrate::tests::it_works`. */
function withoutClosures(fn) {
    return fn.replace(/(::\{\{closure\}\}|::\{closure#\d+\})+$/, '');
}
/** libtest's entry into a test: `test::__rust_begin_short_backtrace::<…>` (maybe inlined). */
function isTestEntry(frame) {
    const fn = frame.fn ?? '';
    if (!fn.includes('__rust_begin_short_backtrace'))
        return false;
    return fn.startsWith('test::') || (printedSourcePath(frame) ?? '').includes('/library/test/');
}
/** rustdoc wraps each doctest in `fn _doctest_main_<file>_<line>_<n>()`. */
const DOCTEST_MAIN = /(?:^|::)_doctest_main_\w*?_(\d+)_\d+$/;
/**
 * The test a stack ran in, as libtest names it (`tests::leaks_a_buffer`): the outermost user frame
 * below libtest's entry into the test. For a `cargo test` process, which runs every test of a
 * binary, this is how a finding is tied to its test. Undefined when the stack does not reach the
 * harness (raise `--num-callers`) or the code ran outside any test.
 */
/**
 * A function name as the source spells it: Rust's legacy symbol mangling writes a character
 * outside ASCII as `$u<hex>$` (`ünïcödé_leak` is `$ufc$n$uef$c$uf6$d$ue9$_leak`), which
 * demangling leaves in place.
 */
function decodeSymbolEscapes(name) {
    return name.replace(/\$u([0-9a-f]{1,6})\$/g, (escape, hex) => {
        const code = Number.parseInt(hex, 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : escape;
    });
}
/**
 * The test named `name` (from a stack) among the names libtest was given: a raw identifier keeps
 * its `r#` in the test's name (`tests::r#type`) but not in its function's (`tests::type`).
 */
function listedTestName(name, listed) {
    if (listed.length === 0 || listed.includes(name))
        return name;
    return listed.find((test) => test.replace(/(^|::)r#/g, '$1') === name) ?? name;
}
/**
 * The batch's test whose function (or a closure in it: a thread the test spawned) a stack runs,
 * for a stack that does not reach libtest's entry: a spawned thread's starts in std.
 */
function listedTestInStack(stack, listed) {
    if (listed.length === 0)
        return undefined;
    for (const frame of stack) {
        if (frame.fn === undefined)
            continue;
        const path = withoutClosures(decodeSymbolEscapes(frame.fn)).split('::');
        if (path.length < 2)
            continue;
        const named = listedTestName(path.slice(1).join('::'), listed);
        if (listed.includes(named))
            return named;
    }
    return undefined;
}
function testFromStack(stack) {
    const entry = stack.findIndex(isTestEntry);
    if (entry !== -1) {
        for (let index = entry - 1; index >= 0; index--) {
            const frame = stack[index];
            if (frame.fn === undefined || isRustRuntimeFrame(frame))
                continue;
            const path = withoutClosures(decodeSymbolEscapes(frame.fn)).split('::');
            // libtest names tests by their path inside the crate: drop the crate's own name.
            return path.length > 1 ? path.slice(1).join('::') : path[0];
        }
        return undefined;
    }
    for (const frame of stack) {
        const doctest = DOCTEST_MAIN.exec(frame.fn ?? '');
        if (doctest !== null) {
            return frame.file !== undefined
                ? `${frame.file} (line ${doctest[1]})`
                : `doctest (line ${doctest[1]})`;
        }
    }
    return undefined;
}

// Which tests failed, from what a libtest binary printed on stdout: the pretty and terse formats of
// stable Rust, and the JSON lines of `-Z unstable-options --format json`. Pure: text in, names out.
const MAX_MESSAGE_LINES = 12;
const MAX_MESSAGE_CHARS = 1500;
/** `test tests::x ... FAILED`, `test tests::y - should panic ... FAILED`. */
const FAILED_LINE = /^test (.+?)(?: - should panic)? \.\.\. FAILED\s*$/;
/** `---- tests::x stdout ----` opens a failed test's captured output. */
const OUTPUT_HEADER = /^---- (.+?) stdout ----\s*$/;
/** The panic message without the backtrace and the RUST_BACKTRACE hint. */
function trimMessage(lines) {
    const kept = [];
    for (const line of lines) {
        if (/^stack backtrace:/.test(line) || /^note: (run with|Some details)/.test(line))
            break;
        kept.push(line);
    }
    const text = kept.slice(0, MAX_MESSAGE_LINES).join('\n').trim();
    if (text === '')
        return undefined;
    return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}
function fromJsonLine(line) {
    try {
        const event = JSON.parse(line);
        if (event.type !== 'test' || event.event !== 'failed' || typeof event.name !== 'string') {
            return undefined;
        }
        const message = typeof event.stdout === 'string' ? trimMessage(event.stdout.split('\n')) : undefined;
        return { name: event.name, message };
    }
    catch {
        return undefined;
    }
}
/** The failed tests a libtest run reported, in the order it reported them, each once. */
function parseLibtestFailures(stdout) {
    const lines = stdout.split(/\r?\n/);
    const failed = new Map();
    const add = (test) => {
        const known = failed.get(test.name);
        if (known === undefined)
            failed.set(test.name, test);
        else if (known.message === undefined && test.message !== undefined)
            known.message = test.message;
    };
    let inNameList = false;
    for (let index = 0; index < lines.length; index++) {
        const line = lines[index];
        if (line.startsWith('{')) {
            const test = fromJsonLine(line);
            if (test !== undefined)
                add(test);
            continue;
        }
        const failedLine = FAILED_LINE.exec(line);
        if (failedLine !== null) {
            add({ name: failedLine[1] });
            continue;
        }
        const header = OUTPUT_HEADER.exec(line);
        if (header !== null) {
            const body = [];
            let next = index + 1;
            while (next < lines.length &&
                !OUTPUT_HEADER.test(lines[next]) &&
                lines[next] !== 'failures:') {
                body.push(lines[next]);
                next++;
            }
            add({ name: header[1], message: trimMessage(body) });
            index = next - 1;
            continue;
        }
        // The closing list: "failures:" then one indented name per line (the terse format has only this).
        if (line === 'failures:') {
            inNameList = true;
            continue;
        }
        if (inNameList) {
            const name = /^ {4}(\S.*?)\s*$/.exec(line);
            if (name !== null)
                add({ name: name[1] });
            else if (line.trim() !== '')
                inNameList = false;
        }
    }
    return [...failed.values()];
}

// Says what each process of a non-cargo run was: which test it belongs to, whether it is the
// project's or the toolchain's, a child that left valgrind, or valgrind started by a test. Pure:
// parsed runs and the suite's test list in, the same runs with `test` and `role` out.
/** The test a ctest process belongs to, by the memory checker log in valgrind's options. */
function testByLogFile(run, context) {
    if (context.testOfLogFile === undefined || context.testOfLogFile.size === 0)
        return undefined;
    for (const option of run.valgrindArgs ?? []) {
        if (!option.startsWith('--log-file='))
            continue;
        const name = context.testOfLogFile.get(option.slice('--log-file='.length));
        if (name !== undefined)
            return context.tests.find((test) => test.name === name);
    }
    return undefined;
}
function sameArgs(a, b) {
    return a.length === b.length && a.every((arg, index) => arg === b[index]);
}
/**
 * The process's executable as an absolute path (relative ones from the working directory, best
 * effort). A bare name (`make` as the user typed it) was found on PATH: it stays a bare name.
 */
function absoluteExe(run, context) {
    if (run.exe === undefined || run.exe === '')
        return undefined;
    if (!run.exe.includes('/'))
        return run.exe;
    if (path.isAbsolute(run.exe))
        return path.normalize(run.exe);
    // Relative to the directory the process ran in, which the XML does not say (make -C tests
    // running ../bin/t_leak): its frames' object file of the same name, absolute, does.
    const name = path.basename(run.exe);
    for (const finding of run.findings.slice(0, 50)) {
        for (const frame of finding.stack) {
            if (frame.obj !== undefined &&
                path.isAbsolute(frame.obj) &&
                path.basename(frame.obj) === name)
                return frame.obj;
        }
    }
    return path.resolve(context.workingDirectory, run.exe);
}
/** The executable relative to the workspace, or undefined when it lies outside. */
function workspaceExecutable(exe, workspace) {
    if (!path.isAbsolute(exe))
        return undefined;
    const relative = path.relative(path.resolve(workspace), exe);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
        return undefined;
    return relative.split(path.sep).join('/');
}
/** The test whose command this process runs: exact executable and arguments, else the arguments alone. */
function matchTest(run, exe, tests, startedByDriver) {
    const exact = tests.find((test) => exe !== undefined &&
        path.resolve(test.cwd ?? '/', test.command[0] ?? '') === exe &&
        sameArgs(test.command.slice(1), run.args));
    if (exact !== undefined)
        return exact;
    // The driver resolved the path differently (a symlink, a script valgrind shows by its
    // interpreter, Debian's valgrind -> valgrind.bin): the same name or the same arguments will do.
    const base = exe !== undefined ? path.basename(exe) : undefined;
    const byName = tests.find((test) => base !== undefined &&
        path.basename(test.command[0] ?? '') === base &&
        sameArgs(test.command.slice(1), run.args));
    if (byName !== undefined)
        return byName;
    if (!startedByDriver)
        return undefined;
    const byArgs = tests.filter((test) => test.command.length > 1 && sameArgs(test.command.slice(1), run.args));
    return byArgs.length === 1 ? byArgs[0] : undefined;
}
function attributeProcesses(runs, context) {
    const pids = new Set(runs.flatMap((run) => (run.pid !== undefined ? [run.pid] : [])));
    const identities = new Map();
    /** Processes below a ctest test's own, by its memory checker log: named, not made the project's. */
    const loggedIdentities = new Map();
    const roles = new Map();
    for (const run of runs) {
        // Valgrind writes the header of a forked child's file; when the child then execs a program
        // it does not trace (--trace-children-skip), the file ends there, before any <status>.
        if (!run.started && !run.complete && run.findings.length === 0) {
            roles.set(run, 'untraced');
            continue;
        }
        if (run.exe !== undefined && isValgrindExecutable(run.exe))
            roles.set(run, 'nested-valgrind');
        const exe = absoluteExe(run, context);
        // A process whose parent is not in the run was started by the driver (or is the command).
        const root = run.ppid === undefined || !pids.has(run.ppid);
        if (context.runner !== undefined) {
            const runner = context.runner;
            const identity = (test) => ({
                binary: (exe !== undefined ? workspaceExecutable(exe, context.workspace) : undefined) ??
                    exe ??
                    test.command[0] ??
                    test.name,
                name: test.name,
                runner
            });
            // ctest names the test of every process (its memory checker log); the command says
            // whether the process is the test's own program, which alone makes it the project's.
            const logged = testByLogFile(run, context);
            const test = matchTest(run, exe, context.tests, root);
            if (test !== undefined)
                identities.set(run, identity(logged ?? test));
            else if (logged !== undefined)
                loggedIdentities.set(run, identity(logged));
        }
        else if (root && exe !== undefined && !isBuildTool(exe)) {
            // Another command: the program the user named is under test wherever it lies.
            identities.set(run, {
                binary: workspaceExecutable(exe, context.workspace) ?? exe,
                runner: 'program'
            });
        }
    }
    // Children, and images a test process exec'd (same pid), belong to the nearest test above them.
    const byPid = new Map();
    for (const run of runs) {
        if (run.pid !== undefined)
            byPid.set(run.pid, [...(byPid.get(run.pid) ?? []), run]);
    }
    const inherited = (run, seen) => {
        const own = identities.get(run);
        if (own !== undefined)
            return own;
        const relatives = [
            ...(run.pid !== undefined ? (byPid.get(run.pid) ?? []) : []),
            ...(run.ppid !== undefined && !seen.has(run.ppid) ? (byPid.get(run.ppid) ?? []) : [])
        ];
        for (const relative of relatives) {
            const test = identities.get(relative);
            if (test !== undefined && relative !== run)
                return test;
        }
        if (run.ppid === undefined || seen.has(run.ppid))
            return undefined;
        seen.add(run.ppid);
        for (const parent of byPid.get(run.ppid) ?? []) {
            const test = inherited(parent, seen);
            if (test !== undefined)
                return test;
        }
        return undefined;
    };
    return runs.map((run) => {
        const known = roles.get(run);
        if (known === 'untraced')
            return { ...run, role: known };
        const exe = absoluteExe(run, context);
        const inWorkspace = exe !== undefined ? workspaceExecutable(exe, context.workspace) : undefined;
        const own = identities.get(run);
        const ancestor = own ??
            loggedIdentities.get(run) ??
            inherited(run, new Set(run.pid !== undefined ? [run.pid] : []));
        let test = own;
        if (test === undefined && inWorkspace !== undefined) {
            // The project's own program started by a test (ctest, meson) belongs to that test; under
            // other commands (make check, a script) it is named by its executable.
            test =
                context.runner !== undefined && ancestor !== undefined
                    ? ancestor
                    : { binary: inWorkspace, runner: 'program' };
        }
        const isToolchain = exe !== undefined && inWorkspace === undefined && context.toolchain?.test(exe) === true;
        // Built outside the workspace (cmake -B $RUNNER_TEMP/build), a program of the project still
        // runs the workspace's code: a finding placed there makes it the project's. A compiler, a
        // shell or make never has one.
        const projectCode = !isToolchain &&
            own === undefined &&
            inWorkspace === undefined &&
            exe !== undefined &&
            run.findings.some((finding) => findingLocation(finding.stack, context.workspace) !== undefined);
        if (projectCode) {
            test =
                context.runner !== undefined && ancestor !== undefined
                    ? ancestor
                    : { binary: exe, runner: 'program' };
        }
        const role = known ??
            (!isToolchain &&
                (own !== undefined || inWorkspace !== undefined || exe === undefined || projectCode)
                ? 'project'
                : 'toolchain');
        const result = { ...run, role };
        const named = test ?? (role === 'toolchain' ? ancestor : undefined);
        if (named !== undefined)
            result.test = named;
        return result;
    });
}

// Rust support: `cargo nextest run` and `cargo test` under valgrind, every finding tied to its test.
//
// Cargo is never run under valgrind. The plan sets cargo's target runner for the host triple
// (`CARGO_TARGET_<TRIPLE>_RUNNER`, honoured by cargo test and by every nextest version) to a
// generated script that runs each test binary under valgrind, except nextest's `--list` calls.
// A nextest command runs in batches by default (batch-run.ts: nextest lists the selected tests, the
// action starts the runner per batch of a binary's tests); in nextest's own run, one process per
// test. Each process writes its own `%p` XML file and leaves a small status record, from which
// `finishRustRun` learns which tests a process ran and which failed on their own. Why a runner and
// not a nextest wrapper script: docs/rust.md.
/** Carries the state directory from the plan to `finishRustRun` (and into the runner's env). */
const STATE_VARIABLE = 'VALGRIND_ACTION_RUST_STATE';
/** The name nextest shows for the action's tool config file. */
const NEXTEST_TOOL_NAME = 'valgrind-action';
/** Deep enough to reach libtest's entry from a test's allocations (std adds ~30 frames). */
const RUST_NUM_CALLERS = 50;
/**
 * nextest's slow-test warning period, when the repository's config sets none: tests run 20-50x
 * slower under valgrind, so the default 60 s would flag almost every test as SLOW. Only a warning:
 * nothing is terminated unless the user's own config says `terminate-after`.
 */
const NEXTEST_SLOW_TIMEOUT = '5m';
/** The suppressions shipped with the action, found from src/rust/ (tests) or dist/ (the bundle). */
function bundledRustSuppressions() {
    const here = path.dirname(fileURLToPath(import.meta.url));
    return [path.join(here, '..', 'suppressions'), path.join(here, '..', '..', 'suppressions')]
        .map((dir) => path.join(dir, 'rust-std.supp'))
        .find((file) => fs.existsSync(file));
}
async function hostTriple(command, cwd) {
    const args = command.toolchain !== undefined ? [command.toolchain, '-vV'] : ['-vV'];
    try {
        const { stdout } = await promisify(execFile)('rustc', args, { cwd, encoding: 'utf8' });
        const triple = hostTripleFromRustcVersion(stdout);
        if (triple !== undefined)
            return triple;
    }
    catch {
        // No rustc on PATH (e.g. a nextest archive run on a machine without a toolchain): guess below.
    }
    const guess = defaultHostTriple();
    if (guess === undefined) {
        throw new Error(`Could not find the Rust host triple: 'rustc -vV' failed and ${process.arch}/${process.platform} has no default. Install a Rust toolchain on this runner.`);
    }
    return guess;
}
/** valgrind's argv with what Rust needs: deep stacks and the std suppressions (memcheck). */
function rustValgrindArgv(config, valgrind) {
    const [executable, ...options] = valgrind.argv;
    const added = [];
    if (valgrind.tool !== 'callgrind' && !options.some((o) => o.startsWith('--num-callers'))) {
        added.push(`--num-callers=${RUST_NUM_CALLERS}`);
    }
    if (config.rustSuppressions && valgrind.tool === 'memcheck') {
        const file = bundledRustSuppressions();
        if (file !== undefined)
            added.push(`--suppressions=${file}`);
    }
    // Before the other options, so that the user's own (given last) win.
    return [executable, ...added, ...options];
}
/** cargo splits a RUNNER variable on whitespace: the script's path must not contain any. */
function scriptDirectory(stateDir) {
    if (!/\s/.test(stateDir))
        return stateDir;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valgrind-action-runner-'));
    if (/\s/.test(dir)) {
        throw new Error(`Cannot place the Rust target runner: both '${stateDir}' and '${dir}' contain whitespace, which cargo's CARGO_TARGET_<triple>_RUNNER cannot carry. Set 'output-directory' (or TMPDIR) to a path without spaces.`);
    }
    return dir;
}
/** The repository's `.config/nextest.toml`: the nearest one from the working directory up. */
function repositoryNextestConfig(cwd) {
    for (let dir = path.resolve(cwd);; dir = path.dirname(dir)) {
        const file = path.join(dir, '.config', 'nextest.toml');
        if (fs.existsSync(file))
            return fs.readFileSync(file, 'utf8');
        if (path.dirname(dir) === dir)
            return undefined;
    }
}
/**
 * The cargo configs that apply in `cwd`, joined: `.cargo/config.toml` (or `.cargo/config`) in it
 * and every parent, as cargo reads them, then CARGO_HOME's.
 */
function cargoConfigs(cwd, env = process.env) {
    const dirs = [];
    for (let dir = path.resolve(cwd);; dir = path.dirname(dir)) {
        dirs.push(path.join(dir, '.cargo'));
        if (path.dirname(dir) === dir)
            break;
    }
    const home = env.CARGO_HOME ?? (env.HOME !== undefined ? path.join(env.HOME, '.cargo') : undefined);
    if (home !== undefined && !dirs.includes(home))
        dirs.push(home);
    const texts = [];
    for (const dir of dirs) {
        for (const name of ['config.toml', 'config']) {
            try {
                texts.push(fs.readFileSync(path.join(dir, name), 'utf8'));
                break;
            }
            catch {
                // None here.
            }
        }
    }
    return texts.join('\n');
}
/** A plan for a cargo command, or undefined when `config.command` is not one. */
async function planRustRun(config, valgrind) {
    const command = parseCargoTestCommand(config.command);
    if (command === undefined)
        return undefined;
    const stateDir = path.join(path.dirname(valgrind.outputDir), `rust-${path.basename(valgrind.outputDir)}`);
    fs.mkdirSync(stateDir, { recursive: true });
    fs.mkdirSync(valgrind.outputDir, { recursive: true });
    const runner = path.join(scriptDirectory(stateDir), 'runner.sh');
    const valgrindArgv = rustValgrindArgv(config, valgrind);
    fs.writeFileSync(runner, runnerScript({ mode: command.mode, valgrindArgv, stateDir }), {
        mode: 0o755
    });
    const env = { [STATE_VARIABLE]: stateDir };
    const notes = [];
    if (config.rustSuppressions && valgrind.tool === 'memcheck' && !bundledRustSuppressions()) {
        notes.push("The Rust std suppressions (suppressions/rust-std.supp, beside dist/) are missing, so std's own allocations (a 48-byte block per test process) show as findings: use the action's whole repository, not dist/ alone.");
    }
    const triples = [await hostTriple(command, config.workingDirectory), ...command.targets];
    for (const triple of new Set(triples)) {
        const variable = runnerVariable(triple);
        const previous = process.env[variable];
        if (previous !== undefined && previous !== '') {
            notes.push(`${variable} was '${previous}'; for this run it is valgrind-action's runner (a runner cannot be stacked under valgrind).`);
        }
        env[variable] = runner;
    }
    const args = withNoFailFast(config.command, command).slice(1);
    if (command.mode === 'nextest') {
        const toolConfig = path.join(stateDir, 'nextest.toml');
        fs.writeFileSync(toolConfig, nextestToolConfig());
        args.splice(command.insertAt - 1, 0, '--tool-config-file', `${NEXTEST_TOOL_NAME}:${toolConfig}`);
    }
    // Batches: nextest selects the tests, the action runs them (see batch-run.ts). Not for
    // callgrind, whose point is a profile per test.
    const ownRun = command.mode === 'nextest' && valgrind.tool !== 'callgrind'
        ? nextestOwnRunReason(config.rustIsolation, config.command, repositoryNextestConfig(config.workingDirectory), cargoConfigs(config.workingDirectory))
        : undefined;
    if (command.mode === 'nextest' && valgrind.tool !== 'callgrind' && ownRun === undefined) {
        const batchRunner = path.join(path.dirname(runner), 'batch-runner.sh');
        fs.writeFileSync(batchRunner, runnerScript({ mode: 'cargo-test', valgrindArgv, stateDir }), {
            mode: 0o755
        });
        const userArgs = config.command.slice(1);
        notes.unshift(`rust-isolation: ${config.rustIsolation}. cargo nextest lists the selected tests; valgrind runs each test binary with batches of them (${batchRunner}), a batch that crashes is re-run test by test.`);
        const plan = {
            mode: command.mode,
            command: config.command[0],
            args: userArgs,
            env,
            cwd: config.workingDirectory,
            notes
        };
        // plan.env as the engine leaves it (it adds valgrind's own variables before running).
        plan.execute = (options) => runBatches({
            command: config.command[0],
            args: userArgs,
            runAt: command.insertAt - 2,
            cwd: config.workingDirectory,
            env: plan.env,
            runner: batchRunner,
            stateDir,
            isolation: config.rustIsolation,
            write: options.write,
            cancel: options.cancel
        });
        return plan;
    }
    const howItRuns = command.mode === 'nextest'
        ? `All tests: one valgrind process per test, run by nextest (${ownRun ?? 'callgrind profiles each test'}).`
        : 'One valgrind process per test binary, run by cargo test (its tests one after the other).';
    fs.writeFileSync(path.join(stateDir, CHOICES_FILE), JSON.stringify({ run: howItRuns }));
    notes.unshift(command.mode === 'nextest'
        ? `valgrind runs each test process of cargo nextest through the target runner ${runner} (${Object.keys(env)
            .filter((k) => k !== STATE_VARIABLE)
            .join(', ')}); listing tests runs without valgrind.`
        : `valgrind runs each test binary of cargo test through the target runner ${runner} (${Object.keys(env)
            .filter((k) => k !== STATE_VARIABLE)
            .join(', ')}); one process runs all tests of a binary.`);
    return {
        mode: command.mode,
        command: config.command[0],
        args,
        env,
        cwd: config.workingDirectory,
        notes
    };
}
/** The action's nextest tool config: lower precedence than the repository's `.config/nextest.toml`. */
function nextestToolConfig() {
    return [
        '# Written by valgrind-action. Tool config files have lower precedence than the repository',
        '# config, so a slow-timeout set there (in the chosen profile or in [profile.default]) wins.',
        '[profile.default]',
        `slow-timeout = { period = "${NEXTEST_SLOW_TIMEOUT}" }`,
        ''
    ].join('\n');
}
/** The test binary's display name: `rust_crate-0123456789abcdef` → `rust_crate`. */
function testBinaryName(exe) {
    const base = path.basename(exe);
    if (base === 'rust_out' && path.basename(path.dirname(exe)).startsWith('rustdoctest')) {
        return 'doctest';
    }
    return base.replace(/-[0-9a-f]{16}$/, '');
}
/** Which test a process ran, from its argv (`<bin> --exact <name> ...`); 'list' for list-phase runs. */
function testFromArgv(exe, args) {
    if (args.includes('--list'))
        return 'list';
    if (exe === '')
        return undefined;
    const identity = { binary: testBinaryName(exe) };
    const names = exactNames(args);
    // A batch (several names) runs several tests: its findings are named from their stacks.
    if (names.length === 1)
        identity.name = names[0];
    return identity;
}
/** The test names after `--exact` (one for a nextest process, several for a batch). */
function exactNames(args) {
    const exact = args.indexOf('--exact');
    if (exact === -1)
        return [];
    const names = [];
    for (let index = exact + 1; index < args.length && !args[index].startsWith('-'); index++) {
        names.push(args[index]);
    }
    return names;
}
function readRecords(stateDir) {
    if (stateDir === undefined || !fs.existsSync(stateDir))
        return [];
    const records = [];
    for (const name of fs.readdirSync(stateDir)) {
        const match = /^(\d+)\.status$/.exec(name);
        if (match === null)
            continue;
        const record = parseStatusRecord(Number(match[1]), fs.readFileSync(path.join(stateDir, name), 'utf8'));
        const stdout = path.join(stateDir, `${match[1]}.stdout`);
        if (fs.existsSync(stdout))
            record.stdout = fs.readFileSync(stdout, 'utf8');
        records.push(record);
    }
    return records.sort((a, b) => a.pid - b.pid);
}
function recordIdentity(record) {
    const fromArgv = testFromArgv(record.argv[0] ?? '', record.argv.slice(1));
    const identity = fromArgv !== undefined && fromArgv !== 'list' ? fromArgv : { binary: 'unknown' };
    return record.binaryId !== undefined ? { ...identity, binary: record.binaryId } : identity;
}
/** Ties each process to the test it ran; processes a test started inherit the test. */
/** The nextest binary id of each test binary path the runner started (from its status records). */
function binaryIdsByPath(records) {
    const ids = new Map();
    for (const record of records) {
        if (record.binaryId !== undefined && record.argv[0] !== undefined) {
            ids.set(record.argv[0], record.binaryId);
        }
    }
    return ids;
}
/**
 * For a pass whose output names processes by command line (callgrind's `cmd:`): which test a
 * process ran, with nextest's binary id where the runner recorded one. 'list' for listing runs.
 */
function testIdentifier(plan) {
    const ids = binaryIdsByPath(readRecords(plan.env[STATE_VARIABLE]));
    return (exe, args) => {
        const test = testFromArgv(exe, args);
        if (test === undefined || test === 'list')
            return test;
        const binary = ids.get(exe);
        return binary !== undefined ? { ...test, binary } : test;
    };
}
function attributeRuns(runs, records, workspace) {
    const recordByPid = new Map(records.map((record) => [record.pid, record]));
    const binaryIdByPath = binaryIdsByPath(records);
    const startedBinaries = new Set(records.map((record) => record.argv[0]));
    const identities = new Map();
    /** The test binaries' own processes (the runner started them). */
    const testProcesses = new Set();
    const pending = [];
    for (const run of runs) {
        const parentRecord = run.ppid !== undefined ? recordByPid.get(run.ppid) : undefined;
        const startedByRunner = parentRecord !== undefined || (run.exe !== undefined && startedBinaries.has(run.exe));
        const fromArgv = testFromArgv(run.exe ?? '', run.args);
        if ((startedByRunner || records.length === 0) &&
            fromArgv !== undefined &&
            fromArgv !== 'list') {
            const binaryId = parentRecord?.binaryId ?? (run.exe !== undefined ? binaryIdByPath.get(run.exe) : undefined);
            identities.set(run, binaryId !== undefined ? { ...fromArgv, binary: binaryId } : fromArgv);
            testProcesses.add(run);
        }
        else {
            pending.push(run);
        }
    }
    // Children a test spawned (valgrind traced them): the test of the nearest traced ancestor.
    let progress = true;
    while (progress && pending.length > 0) {
        progress = false;
        for (let index = pending.length - 1; index >= 0; index--) {
            const run = pending[index];
            const parent = runs.find((other) => other.pid !== undefined && other.pid === run.ppid);
            const inherited = parent !== undefined ? identities.get(parent) : undefined;
            if (inherited !== undefined) {
                identities.set(run, inherited);
                pending.splice(index, 1);
                progress = true;
            }
        }
    }
    return runs.map((run) => {
        const test = identities.get(run);
        const attributed = test !== undefined ? { ...run, test } : run;
        // A program a test ran from outside the workspace (date, git, a compiler) is not the
        // project's, as under ctest: checked, shown apart, never failing the step, unless a finding
        // of it lies in the workspace's sources.
        return workspace !== undefined && isOutsideProgram(run, workspace, testProcesses)
            ? { ...attributed, role: 'toolchain' }
            : attributed;
    });
}
/** A child of a test whose executable lies outside the workspace, none of its findings inside. */
function isOutsideProgram(run, workspace, testProcesses) {
    if (testProcesses.has(run) || run.exe === undefined || !path.isAbsolute(run.exe))
        return false;
    if (workspaceExecutable(run.exe, workspace) !== undefined)
        return false;
    return !run.findings.some((finding) => findingLocation(finding.stack, workspace) !== undefined);
}
/**
 * In a process that ran several tests (cargo test, a batch) name each finding's test from its
 * stacks; failing that, from its thread (libtest names a test's thread after the test, which the
 * kernel cuts to 15 bytes) when exactly one test of a batch has that name.
 */
function withFindingTests(run) {
    const batch = exactNames(run.args);
    return {
        ...run,
        findings: run.findings.map((finding) => {
            if (finding.test !== undefined)
                return finding;
            const stacks = [finding.stack, ...finding.auxStacks.map((aux) => aux.frames)];
            for (const stack of stacks) {
                const test = testFromStack(stack);
                if (test !== undefined)
                    return { ...finding, test: listedTestName(test, batch) };
            }
            const thread = finding.threadName;
            if (thread !== undefined && thread !== '' && thread !== 'main') {
                const named = batch.filter((name) => name.startsWith(thread));
                if (named.length === 1)
                    return { ...finding, test: named[0] };
            }
            // A thread the test spawned: its stack runs the test's closure, not libtest's entry.
            for (const stack of stacks) {
                const test = listedTestInStack(stack, batch);
                if (test !== undefined)
                    return { ...finding, test };
            }
            return finding;
        })
    };
}
/** Runs of batches that were run again test by test (and their children): not reported twice. */
function withoutSuperseded(runs, records) {
    const superseded = records.filter((record) => record.superseded);
    if (superseded.length === 0)
        return [...runs];
    // The runner starts valgrind in a pipeline (a subshell): match the batch by its command line.
    const dropped = new Set(superseded.flatMap((record) => runs.filter((run) => runOfRecord(record, [run]) === run)));
    let grew = true;
    while (grew) {
        grew = false;
        for (const run of runs) {
            if (dropped.has(run))
                continue;
            if ([...dropped].some((parent) => parent.pid !== undefined && parent.pid === run.ppid)) {
                dropped.add(run);
                grew = true;
            }
        }
    }
    return runs.filter((run) => !dropped.has(run));
}
/** How each suite of a batched nextest run ran, and why (for the log and the summary). */
function isolationNotes(stateDir) {
    if (stateDir === undefined)
        return [];
    try {
        const { cores, choices, run } = JSON.parse(fs.readFileSync(path.join(stateDir, CHOICES_FILE), 'utf8'));
        if (run !== undefined)
            return [run];
        return (choices ?? []).map((choice) => `${choice.binaryId}: ${choice.isolation === 'batch' ? 'batches of tests per valgrind process' : 'one valgrind process per test'} (${choice.reason}; ${cores} at a time)`);
    }
    catch {
        return []; // the run did not get as far as choosing
    }
}
/** `SIGSEGV` for a shell status of 139 (valgrind re-raises the client's fatal signal). */
function signalOfStatus(code) {
    if (code === undefined || code <= 128)
        return undefined;
    const number = code - 128;
    return Object.entries(os.constants.signals).find(([, value]) => value === number)?.[0];
}
function runOfRecord(record, runs) {
    return (runs.find((run) => run.ppid === record.pid) ??
        runs.find((run) => run.exe === record.argv[0] &&
            run.args.length === record.argv.length - 1 &&
            run.args.every((arg, index) => arg === record.argv[index + 1])));
}
/**
 * The test process ended with valgrind's --error-exitcode because valgrind found errors in it
 * (counted in its XML), not by itself.
 */
function endedByValgrindStatus(record, run) {
    return (run !== undefined &&
        record.exitCode !== undefined &&
        record.exitCode === errorExitCodeOf(run.valgrindArgs) &&
        errorSummary(run).errors > 0);
}
/** libtest's exit status when one of its tests failed. */
const LIBTEST_FAILED_STATUS = 101;
const KILLED_MESSAGE = 'No exit status was recorded: the test process was killed before valgrind finished (a nextest timeout or a cancelled run). Raise the timeouts for valgrind runs, see docs/rust.md.';
function processFailure(test, record, run) {
    const signal = run?.fatalSignal?.signame ?? signalOfStatus(record.exitCode);
    const failure = { test, exitCode: record.exitCode ?? null };
    if (signal !== undefined)
        failure.signal = signal;
    if (record.exitCode === undefined)
        failure.message = KILLED_MESSAGE;
    return failure;
}
/** nextest: one record per test attempt; a test failed when its last attempt failed. */
function nextestFailures(records, runs, notes, failedByValgrind) {
    const lastAttempt = new Map();
    const failedAttempts = new Map();
    for (const record of records) {
        const test = recordIdentity(record);
        const key = `${test.binary}\u0000${test.name ?? ''}`;
        if (record.exitCode !== 0)
            failedAttempts.set(key, (failedAttempts.get(key) ?? 0) + 1);
        const known = lastAttempt.get(key);
        if (known === undefined || (record.attempt ?? 0) >= (known.attempt ?? 0)) {
            lastAttempt.set(key, record);
        }
    }
    const failures = [];
    for (const [key, record] of lastAttempt) {
        const test = recordIdentity(record);
        if (record.exitCode === 0) {
            const failed = failedAttempts.get(key) ?? 0;
            if (failed > 0)
                notes.push(`${describeTest(test)} failed ${failed} time(s), then passed on a retry.`);
            continue;
        }
        const run = runOfRecord(record, runs);
        if (endedByValgrindStatus(record, run))
            failedByValgrind.push(test);
        else
            failures.push(processFailure(test, record, run));
    }
    return failures;
}
/** cargo test: one record per test binary; libtest's report names the tests that failed. */
function cargoTestFailures(records, runs, failedByValgrind) {
    const failures = [];
    for (const record of records) {
        if (record.exitCode === 0)
            continue;
        const binary = recordIdentity(record);
        const reported = parseLibtestFailures(record.stdout ?? '');
        // Every test passed: the status is valgrind's --error-exitcode for its findings, not a failure.
        if (reported.length === 0 && /^test result: ok\./m.test(record.stdout ?? '')) {
            // ... and cargo's own status (101) follows it: no reason of its own either.
            if (endedByValgrindStatus(record, runOfRecord(record, runs)))
                failedByValgrind.push(binary);
            continue;
        }
        if (reported.length > 0) {
            // libtest exits 101 when a test failed; valgrind's --error-exitcode may have replaced it.
            const exitCode = endedByValgrindStatus(record, runOfRecord(record, runs))
                ? LIBTEST_FAILED_STATUS
                : (record.exitCode ?? null);
            for (const test of reported) {
                const failure = {
                    test: { binary: binary.binary, name: test.name },
                    exitCode
                };
                if (test.message !== undefined)
                    failure.message = test.message;
                failures.push(failure);
            }
            continue;
        }
        // The binary ended before libtest reported (a crash): the fatal signal's stack names the test.
        const run = runOfRecord(record, runs);
        if (endedByValgrindStatus(record, run)) {
            failedByValgrind.push(binary);
            continue;
        }
        const failure = processFailure(binary, record, run);
        const crashed = run?.fatalSignal !== undefined ? testFromStack(run.fatalSignal.stack) : undefined;
        if (crashed !== undefined)
            failure.test = { ...binary, name: crashed };
        failures.push(failure);
    }
    return failures;
}
function describeTest(test) {
    return test.name !== undefined ? `${test.binary} ${test.name}` : test.binary;
}
/** After the run: attribute each process to its test, drop list-phase processes, find failed tests. */
async function finishRustRun(plan, runs, exitCode, workspace) {
    const notes = [];
    const allRecords = readRecords(plan.env[STATE_VARIABLE]);
    const records = allRecords.filter((record) => !record.superseded);
    const rerun = allRecords.length - records.length;
    if (rerun > 0) {
        notes.push(`${rerun} batch(es) ended before their report (a crash or an abort) and were run again test by test; only the re-runs are reported.`);
    }
    const isolation = isolationNotes(plan.env[STATE_VARIABLE]);
    const current = withoutSuperseded(runs, allRecords);
    const testRuns = current.filter((run) => testFromArgv(run.exe ?? '', run.args) !== 'list');
    if (current.length < runs.length) {
        notes.push(`Set aside ${runs.length - current.length} XML file(s) of the batch(es) run again test by test (kept in the XML directory).`);
    }
    if (testRuns.length < current.length) {
        notes.push(`Ignored ${current.length - testRuns.length} XML file(s) of test listing (--list) runs: listing is not testing.`);
    }
    const attributed = attributeRuns(testRuns, records, workspace).map((run) => run.test?.name === undefined ? withFindingTests(run) : run);
    // Processes whose libtest report the runner kept (cargo test, batches) name failed tests from
    // it; nextest's own processes (one test each) from their status.
    const failedByValgrind = [];
    const withReport = records.filter((record) => record.stdout !== undefined);
    const testFailures = [
        ...cargoTestFailures(withReport, attributed, failedByValgrind),
        ...nextestFailures(records.filter((record) => record.stdout === undefined), attributed, notes, failedByValgrind)
    ];
    const unfinished = records.filter((record) => record.exitCode === undefined).length;
    if (records.length > 0) {
        notes.push(`${records.length} ${plan.mode === 'nextest' ? 'test process(es)' : 'test binary run(s)'} ran under valgrind${unfinished > 0 ? `, ${unfinished} without a recorded exit status` : ''}; ${testFailures.length} test(s) failed on their own.`);
    }
    else if (exitCode !== 0) {
        notes.push(`cargo exited with status ${exitCode ?? 'unknown'} before any test ran under valgrind: see cargo's output above (a build error, or no test matched the filters).`);
    }
    if (failedByValgrind.length > 0) {
        notes.push(`valgrind's --error-exitcode failed ${failedByValgrind.length} test process(es) in which it found errors: ${failedByValgrind.map(describeTest).join(', ')}.`);
    }
    return {
        runs: attributed,
        testFailures,
        failedByValgrind,
        testProcesses: records.length,
        notes,
        isolation
    };
}

// When cargo ended before any test ran under valgrind, says whether that was cargo's own setup
// failing (no Cargo.toml, cargo-nextest not installed), in cargo's words, with the fix. Asked only
// on that failure path.
/** The directory holding the Cargo.toml cargo would use from `cwd`, or undefined. */
function findManifestDirectory(cwd) {
    for (let dir = path.resolve(cwd);; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, 'Cargo.toml')))
            return dir;
        if (path.dirname(dir) === dir)
            return undefined;
    }
}
/** cargo's first `error:` line of output, e.g. "error: no such command: `nextest`". */
function cargoErrorLine(output) {
    return output
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line.startsWith('error:'));
}
function run(command, args, cwd) {
    return new Promise((resolve) => {
        execFile(command, args, { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => resolve({ ok: error === null, output: `${stderr}\n${stdout}` }));
    });
}
/**
 * Cargo's own setup problem behind a run in which no test ran, or undefined when it is something
 * else (a build error or filters matching nothing: cargo's output in the log says which).
 */
async function cargoSetupProblem(options) {
    const manifestGiven = options.command.some((word) => word.startsWith('--manifest-path'));
    if (!manifestGiven && findManifestDirectory(options.cwd) === undefined) {
        return `cargo found no Cargo.toml in ${options.cwd} or any parent directory, so no test ran. Set 'working-directory' to your crate or workspace.`;
    }
    if (options.mode === 'nextest') {
        const cargo = path.basename(options.command[0]).startsWith('cargo-nextest')
            ? undefined
            : options.command[0];
        const toolchain = options.command[1]?.startsWith('+') ? [options.command[1]] : [];
        const probe = cargo !== undefined
            ? await run(cargo, [...toolchain, 'nextest', '--version'], options.cwd)
            : await run(options.command[0], ['nextest', '--version'], options.cwd);
        if (!probe.ok) {
            const said = cargoErrorLine(probe.output);
            return `cargo-nextest is not installed${said !== undefined ? ` (cargo says: ${said})` : ''}, so no test ran. Install it in a step before this one, e.g. '- uses: taiki-e/install-action@nextest', or run 'cargo test' instead.`;
        }
    }
    return undefined;
}

// Recognises the C and C++ test drivers the action runs first-class: `ctest` and `meson test`.
// Pure: argv in, a description out. Every other command (`make check`, a script, a program) runs
// under valgrind as it is, its build tools traced but kept out of the verdict.
/**
 * ctest options that select a dashboard or a different action: with them ctest cannot also run
 * the memcheck step the action injects, so such a ctest runs traced as a plain command.
 */
const CTEST_DASHBOARD_OPTIONS = [
    '-T',
    '--test-action',
    '-D',
    '--dashboard',
    '-M',
    '--test-model',
    '-S',
    '-SP',
    '--script',
    '--script-new-process',
    '-N',
    '--show-only',
    '--build-and-test'
];
/** Short options whose value may be attached (`-DExperimental`, `-Tmemcheck`). */
const ATTACHED_VALUE_OPTIONS = ['-D', '-T', '-M'];
function usesOption(args, names) {
    return args.some((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)) ||
        ATTACHED_VALUE_OPTIONS.some((name) => arg.startsWith(name)));
}
/** `ctest ...` or `meson test ...`, or undefined for any other command. */
function parseSuiteCommand(command) {
    const program = path.basename(command[0] ?? '');
    if (program === 'ctest') {
        const args = command.slice(1);
        if (usesOption(args, CTEST_DASHBOARD_OPTIONS))
            return undefined;
        return { runner: 'ctest', args };
    }
    if ((program === 'meson' || program === 'meson.py') && command[1] === 'test') {
        const args = command.slice(2);
        if (args.some((arg) => arg === '--wrapper' || arg.startsWith('--wrapper='))) {
            throw new InputError(`Input 'command': '${command.join(' ')}' gives meson test a --wrapper, but the action runs each test under valgrind through that option (meson takes one wrapper). Remove --wrapper; put valgrind options in 'valgrind-args'.`);
        }
        if (args.some((arg) => arg === '--gdb')) {
            throw new InputError(`Input 'command': meson test --gdb cannot run under valgrind. Remove --gdb.`);
        }
        return { runner: 'meson', args };
    }
    return undefined;
}

// Which tests of a ctest or meson run failed on their own, from the logs the driver writes: the
// verdict names them ("1 test failed on its own: ...") instead of a bare exit status (ctest's
// memory-check step exits 16 when a test fails).
/** `Testing/Temporary/LastTestsFailed_<tag>.log`: one `<number>:<name>` line per failed test. */
function parseCtestFailedLog(text) {
    return text
        .split('\n')
        .map((line) => /^\d+:(.+)$/.exec(line.trim())?.[1])
        .filter((name) => name !== undefined);
}
/** `meson-logs/testlog*.json`: one JSON object per line with `name`, `result` and `returncode`. */
function parseMesonTestLog(text) {
    const failures = [];
    for (const line of text.split('\n')) {
        if (line.trim() === '')
            continue;
        let entry;
        try {
            entry = JSON.parse(line);
        }
        catch {
            continue;
        }
        if (typeof entry.name !== 'string' || typeof entry.result !== 'string')
            continue;
        if (['OK', 'SKIP', 'EXPECTEDFAIL'].includes(entry.result))
            continue;
        failures.push({
            test: { binary: entry.name, name: entry.name, runner: 'meson' },
            exitCode: typeof entry.returncode === 'number' ? entry.returncode : null,
            message: `meson test result ${entry.result}`
        });
    }
    return failures;
}
/** The directory a ctest command runs its tests in: `--test-dir <dir>`, else the working directory. */
function ctestDirectory(args, cwd) {
    for (let i = 0; i < args.length; i++) {
        if (args[i] === '--test-dir' && args[i + 1] !== undefined)
            return path.resolve(cwd, args[i + 1]);
        if (args[i].startsWith('--test-dir='))
            return path.resolve(cwd, args[i].slice(11));
    }
    return cwd;
}
function stampOf(stats) {
    return `${stats.mtimeMs} ${stats.size}`;
}
/**
 * The driver's logs as they are now (ctest's `Testing/Temporary/Last*.log`, meson's
 * `meson-logs/testlog*.json`), taken before the run: a log that is the same after it was not
 * written by it. ctest writes no failed-tests log when no test failed, or ran.
 */
function suiteLogStamps(mode, directory) {
    const [dir, pattern] = mode === 'ctest'
        ? [path.join(directory, 'Testing', 'Temporary'), /^Last.*\.log$/]
        : [path.join(directory, 'meson-logs'), /^testlog.*\.json$/];
    const stamps = new Map();
    let names;
    try {
        names = fs.readdirSync(dir);
    }
    catch {
        return stamps;
    }
    for (const name of names) {
        if (!pattern.test(name))
            continue;
        try {
            stamps.set(path.join(dir, name), stampOf(fs.statSync(path.join(dir, name))));
        }
        catch {
            // Gone meanwhile.
        }
    }
    return stamps;
}
/**
 * A log written by this run (ctest and meson leave the last run's logs in place): modified since
 * `since`, and changed from its stamp before the run when one was taken.
 */
function freshText(file, since, before) {
    try {
        const stats = fs.statSync(file);
        if (stats.mtimeMs < since || before?.get(file) === stampOf(stats))
            return undefined;
        return fs.readFileSync(file, 'utf8');
    }
    catch {
        return undefined;
    }
}
/** The tag of ctest's last dashboard run (`Testing/TAG`), which names its logs. */
function ctestTag(testDirectory) {
    try {
        return fs
            .readFileSync(path.join(testDirectory, 'Testing', 'TAG'), 'utf8')
            .split('\n')[0]
            .trim();
    }
    catch {
        return undefined;
    }
}
/** This run's ctest log `Last<kind>_<tag>.log`, else `Last<kind>.log`. */
function ctestLog(testDirectory, kind, since, before) {
    const temporary = path.join(testDirectory, 'Testing', 'Temporary');
    const tag = ctestTag(testDirectory);
    return ((tag !== undefined
        ? freshText(path.join(temporary, `Last${kind}_${tag}.log`), since, before)
        : undefined) ?? freshText(path.join(temporary, `Last${kind}.log`), since, before));
}
/**
 * Which test each memory checker log belongs to, from ctest's dynamic analysis log: ctest starts
 * every test's valgrind with `--log-file=.../MemoryChecker.<n>.log`, and valgrind hands its
 * options on to every process it traces, so each process of a test names its test, also when two
 * tests run the same command (with another environment) or a test's script runs another test's
 * program. Pure.
 */
function parseCtestAnalysisLog(text) {
    const testOf = new Map();
    let test;
    for (const line of text.split('\n')) {
        const named = /^\d+\/\d+ Test: (.*)$/.exec(line);
        if (named !== null) {
            test = named[1];
            continue;
        }
        if (test !== undefined && line.startsWith('Command: ')) {
            const logFile = /"--log-file=([^"]*MemoryChecker\.\d+\.log)"/.exec(line)?.[1];
            if (logFile !== undefined)
                testOf.set(logFile, test);
            test = undefined;
        }
    }
    return testOf;
}
/** This run's memory checker logs and their tests (see parseCtestAnalysisLog). */
function ctestTestsByLogFile(testDirectory, since, before) {
    return parseCtestAnalysisLog(ctestLog(testDirectory, 'DynamicAnalysis', since, before) ?? '');
}
function ctestFailures(testDirectory, since, before) {
    const text = ctestLog(testDirectory, 'TestsFailed', since, before);
    return parseCtestFailedLog(text ?? '').map((name) => ({
        test: { binary: name, name, runner: 'ctest' },
        exitCode: null,
        message: 'failed under ctest (its output is in the log above)'
    }));
}
/**
 * Failures from this run's meson test log. Meson names the log after the wrapper it runs each
 * test with (`testlog-valgrind.json` for ours) or the test setup (`testlog-<setup>.json`), and
 * `testlog.json` without either: the newest of them written by this run is the one.
 */
function mesonFailures(buildDirectory, since, before) {
    const logs = path.join(buildDirectory, 'meson-logs');
    let newest;
    let names;
    try {
        names = fs.readdirSync(logs);
    }
    catch {
        return [];
    }
    for (const name of names) {
        if (!/^testlog(-.+)?\.json$/.test(name))
            continue;
        const file = path.join(logs, name);
        try {
            const stats = fs.statSync(file);
            const { mtimeMs } = stats;
            if (before?.get(file) === stampOf(stats))
                continue;
            if (mtimeMs >= since && (newest === undefined || mtimeMs > newest.mtimeMs)) {
                newest = { file, mtimeMs };
            }
        }
        catch {
            // Gone meanwhile.
        }
    }
    const text = newest !== undefined ? freshText(newest.file, since, before) : undefined;
    return text !== undefined ? parseMesonTestLog(text) : [];
}
/**
 * The tests a ctest or meson run reports failed, split into those valgrind's --error-exitcode
 * failed (one of the test's processes counts errors: a valgrind finding, not a failure of the
 * test's own) and the rest. meson gives each test's status, compared as for a program; ctest's
 * log names the test only, so a test whose process counts errors is taken as failed by valgrind.
 */
function splitSuiteFailures(failures, runs, tests = []) {
    const own = [];
    const byValgrind = [];
    for (const failure of failures) {
        // The toolchain's too: a compiler a test runs counts errors of its own (kept out of the
        // verdict), and valgrind's status fails that test all the same.
        const processes = testProcessTree(failure.test, runs, tests);
        if (processes.length === 0 && failure.test.runner === 'ctest') {
            // No valgrind ever ran for it: ctest's "Not Run" (a missing executable, a failed fixture).
            own.push({
                ...failure,
                message: 'never started under valgrind: ctest could not run it (a missing executable, a failed fixture); its output is in the log above'
            });
            continue;
        }
        // A process that died of a signal crashed: valgrind's status never replaces a death by signal
        // (valgrind re-raises it), even when the bad access that led there counts as an error.
        const crashed = processes.find((run) => run.fatalSignal !== undefined)?.fatalSignal;
        if (crashed !== undefined) {
            own.push({ ...failure, signal: crashed.signame, message: crashText(crashed) });
            continue;
        }
        const valgrinds = processes.some((run) => failure.exitCode !== null
            ? statusFromValgrind(failure.exitCode, run)
            : errorExitCodeOf(run.valgrindArgs) !== undefined && errorSummary(run).errors > 0);
        if (valgrinds)
            byValgrind.push(failure.test);
        else
            own.push(failure);
    }
    return { own, byValgrind };
}
/**
 * The processes of a test: those tied to it, or, when none is (meson names no test in a process:
 * two tests of one command with other environments are told apart by nothing), those running its
 * command; with every process below them, whoever it was credited to (a wrapper script's program
 * whose command is another test's too).
 */
function testProcessTree(identity, runs, tests) {
    let roots = runs.filter((run) => run.test?.name === identity.name);
    const test = tests.find((candidate) => candidate.name === identity.name);
    if (roots.length === 0 && test !== undefined && test.command.length > 0) {
        const name = path.basename(test.command[0]);
        roots = runs.filter((run) => run.exe !== undefined &&
            path.basename(run.exe) === name &&
            sameArgs(test.command.slice(1), run.args));
    }
    const tree = new Set(roots);
    const pids = new Set(roots.flatMap((run) => (run.pid !== undefined ? [run.pid] : [])));
    let grew = true;
    while (grew) {
        grew = false;
        for (const run of runs) {
            if (tree.has(run) || run.pid === undefined)
                continue;
            // A child of one of them, or another image of one (exec keeps the pid).
            if (pids.has(run.pid) || (run.ppid !== undefined && pids.has(run.ppid))) {
                tree.add(run);
                pids.add(run.pid);
                grew = true;
            }
        }
    }
    return [...tree];
}
/** "Access not within mapped region in crash (t_segv.cpp:3)": how and where a process died. */
function crashText(signal) {
    // The program's own frame, past the C library's (abort, raise, pthread_kill) when it has one.
    const named = signal.stack.filter((f) => f.fn !== undefined);
    const frame = named.find((f) => f.obj === undefined || !SYSTEM_OBJECT.test(f.obj)) ?? named[0];
    const where = frame !== undefined
        ? `in ${frame.fn}${frame.file !== undefined ? ` (${frame.file}${frame.line !== undefined ? `:${frame.line}` : ''})` : ''}`
        : '';
    return ([signal.event, where].filter((part) => part !== undefined && part !== '').join(' ') ||
        signal.signame);
}
/** Shared objects of the system and valgrind's preloads: not where a test's own code crashed. */
const SYSTEM_OBJECT = /^\/(?:usr\/)?lib(?:exec|32|64)?\//;

// C and C++ test drivers: `ctest` and `meson test`, each test process under valgrind and every
// process tied to its test.
//
// ctest runs natively with its memory-check step (`-T memcheck`), its checker overridden to the
// action's valgrind and options (`--overwrite MemoryCheckCommand=...`): ctest keeps every
// feature (fixtures, -j, timeouts, labels, properties) and only the tests run under valgrind, not
// ctest itself. `meson test` takes valgrind as its documented `--wrapper`. Before the run, the
// driver lists its tests (`ctest --show-only=json-v1`, `meson introspect --tests`); afterwards
// each process is matched to a test by its command line (see attribute.ts).
/** For a pass whose output names processes by command line (callgrind): the ctest / meson test it ran. */
function suiteTestIdentifier(plan) {
    const tests = plan.suiteTests ?? [];
    const runner = plan.mode === 'meson' ? 'meson' : 'ctest';
    return (exe, args) => {
        const test = tests.find((t) => t.command[0] === exe && sameArgs(t.command.slice(1), args)) ??
            tests.find((t) => path.basename(t.command[0] ?? '') === path.basename(exe) &&
                sameArgs(t.command.slice(1), args));
        return test !== undefined ? { binary: path.basename(exe), name: test.name, runner } : undefined;
    };
}
/** Tests run 10-50x slower under valgrind: meson's 30 s default timeout would kill many. */
const MESON_TIMEOUT_MULTIPLIER = '10';
/**
 * ctest parses MemoryCheckCommandOptions into words itself: double quotes group a word with
 * spaces. A word holding a double quote cannot be passed.
 */
function ctestOptionsString(options) {
    return options
        .map((option) => {
        if (option.includes('"')) {
            throw new Error(`The valgrind option ${option} contains a double quote, which ctest's MemoryCheckCommandOptions cannot carry.`);
        }
        return /\s/.test(option) ? `"${option}"` : option;
    })
        .join(' ');
}
/** Reads `ctest --show-only=json-v1`: each test's name, command and working directory. */
function parseCtestTests(json) {
    const data = JSON.parse(json);
    const tests = [];
    for (const test of data.tests ?? []) {
        if (typeof test.name !== 'string' || !Array.isArray(test.command))
            continue;
        const cwd = test.properties?.find((p) => p.name === 'WORKING_DIRECTORY')?.value;
        tests.push({
            name: test.name,
            command: test.command.map(String),
            ...(typeof cwd === 'string' ? { cwd } : {})
        });
    }
    return tests;
}
/** Reads `meson introspect --tests`. */
function parseMesonTests(json) {
    const data = JSON.parse(json);
    return data
        .filter((test) => typeof test.name === 'string' && Array.isArray(test.cmd))
        .map((test) => ({
        name: test.name,
        command: test.cmd.map(String),
        ...(typeof test.workdir === 'string' ? { cwd: test.workdir } : {})
    }));
}
/** ctest options that print to stdout besides the JSON, or write files, when only listing. */
const CTEST_LISTING_DROPS = new Set([
    '-V',
    '-VV',
    '--verbose',
    '--extra-verbose',
    '--debug',
    '--output-on-failure',
    '-Q',
    '--quiet'
]);
const CTEST_LISTING_DROPS_WITH_VALUE = new Set(['-O', '--output-log', '--output-junit']);
function ctestListingArgs(args) {
    const kept = [];
    for (let i = 0; i < args.length; i++) {
        if (CTEST_LISTING_DROPS.has(args[i]))
            continue;
        if (CTEST_LISTING_DROPS_WITH_VALUE.has(args[i])) {
            i += 1;
            continue;
        }
        kept.push(args[i]);
    }
    return [...kept, '--show-only=json-v1'];
}
/** meson test's build directory: `-C <dir>` (or `-C<dir>`), else the working directory. */
function mesonBuildDirectory(args, cwd) {
    for (let i = 0; i < args.length; i++) {
        if (args[i] === '-C' && args[i + 1] !== undefined)
            return path.resolve(cwd, args[i + 1]);
        if (args[i].startsWith('-C') && args[i].length > 2)
            return path.resolve(cwd, args[i].slice(2));
    }
    return cwd;
}
async function listTests(program, args, cwd, parse) {
    try {
        const { stdout } = await promisify(execFile)(program, args, {
            cwd,
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024
        });
        return { tests: parse(stdout) };
    }
    catch (error) {
        const reason = (error.message || String(error)).split('\n')[0];
        return {
            tests: [],
            note: `Could not list the tests with '${joinShellWords([program, ...args])}' (${reason}): processes are named by their executables instead of their tests.`
        };
    }
}
/**
 * ctest cannot take a command with a prefix (callgrind runs under `setarch -R`): a small
 * launcher script stands in for it.
 */
function ctestChecker(valgrind) {
    const [first, ...rest] = valgrind.argv;
    const valgrindAt = valgrind.argv.findIndex((word) => /valgrind[^/]*$/.test(path.basename(word)));
    if (valgrindAt <= 0)
        return { command: first, options: rest };
    const launcher = path.join(path.dirname(valgrind.outputDir), `ctest-${valgrind.tool}-valgrind`);
    fs.writeFileSync(launcher, `#!/bin/sh\nexec ${joinShellWords(valgrind.argv.slice(0, valgrindAt + 1))} "$@"\n`, { mode: 0o755 });
    return { command: launcher, options: valgrind.argv.slice(valgrindAt + 1) };
}
/** A plan for `ctest ...` or `meson test ...`, or undefined for any other command. */
async function planSuiteRun(config, valgrind) {
    const suite = parseSuiteCommand(config.command);
    if (suite === undefined)
        return undefined;
    const cwd = config.workingDirectory;
    if (suite.runner === 'ctest') {
        const listed = await listTests(config.command[0], ctestListingArgs(suite.args), cwd, parseCtestTests);
        const checker = ctestChecker(valgrind);
        return {
            mode: 'ctest',
            command: config.command[0],
            args: [
                '-T',
                'memcheck',
                '--overwrite',
                'MemoryCheckType=Valgrind',
                '--overwrite',
                `MemoryCheckCommand=${checker.command}`,
                '--overwrite',
                `MemoryCheckCommandOptions=${ctestOptionsString(checker.options)}`,
                ...suite.args
            ],
            env: {},
            cwd,
            notes: [
                `ctest runs each test (${listed.tests.length} listed) under valgrind through its memory-check step (-T memcheck, checker overridden to this action's valgrind); ctest itself runs natively.`,
                ...(listed.note !== undefined ? [listed.note] : [])
            ],
            suiteTests: listed.tests,
            suiteDirectory: ctestDirectory(suite.args, cwd),
            suiteLogsBefore: suiteLogStamps('ctest', ctestDirectory(suite.args, cwd))
        };
    }
    const listed = await listTests(config.command[0], 
    // `meson test --benchmark` runs the benchmarks, which --tests does not list.
    [
        'introspect',
        suite.args.includes('--benchmark') ? '--benchmarks' : '--tests',
        mesonBuildDirectory(suite.args, cwd)
    ], cwd, parseMesonTests);
    const hasMultiplier = suite.args.some((arg) => arg === '-t' || arg.startsWith('--timeout-multiplier'));
    return {
        mode: 'meson',
        command: config.command[0],
        args: [
            'test',
            '--wrapper',
            joinShellWords(valgrind.argv),
            ...(hasMultiplier ? [] : ['--timeout-multiplier', MESON_TIMEOUT_MULTIPLIER]),
            ...suite.args
        ],
        env: {},
        cwd,
        notes: [
            `meson test runs each test under valgrind through --wrapper${hasMultiplier ? '' : ` with --timeout-multiplier ${MESON_TIMEOUT_MULTIPLIER} (tests are much slower under valgrind; give -t to choose)`}.`,
            ...(listed.note !== undefined ? [listed.note] : [])
        ],
        suiteTests: listed.tests,
        suiteDirectory: mesonBuildDirectory(suite.args, cwd),
        suiteLogsBefore: suiteLogStamps('meson', mesonBuildDirectory(suite.args, cwd))
    };
}
/** The tests of a ctest or meson run that failed on their own (from the logs the driver wrote). */
function suiteFailures(plan, since) {
    if (plan.suiteDirectory === undefined)
        return [];
    // A second of slack: file systems keep coarse modification times.
    if (plan.mode === 'ctest') {
        return ctestFailures(plan.suiteDirectory, since - 1000, plan.suiteLogsBefore);
    }
    if (plan.mode === 'meson') {
        return mesonFailures(plan.suiteDirectory, since - 1000, plan.suiteLogsBefore);
    }
    return [];
}

// What the run says about processes that are not the project's: the toolchain's (counted apart)
// and valgrind started by the tests themselves. Pure.
function describeToolchain(runs, leakTotals, workspace) {
    const byExe = new Map();
    for (const run of runs) {
        const exe = run.exe === undefined
            ? '(unknown)'
            : path.isAbsolute(run.exe)
                ? (workspaceExecutable(run.exe, workspace) ?? run.exe)
                : run.exe;
        const entry = byExe.get(exe) ?? { processes: 0, findings: 0 };
        entry.processes += 1;
        entry.findings += run.findings.length;
        byExe.set(exe, entry);
    }
    return {
        processes: runs.length,
        executables: [...byExe.entries()]
            .map(([exe, counts]) => ({ exe, ...counts }))
            .sort((a, b) => b.processes - a.processes || a.exe.localeCompare(b.exe)),
        findings: runs.reduce((sum, run) => sum + run.findings.length, 0),
        leakTotals
    };
}
/**
 * A test that starts valgrind itself (cJSON's -DENABLE_VALGRIND=ON, a MEMORYCHECK_COMMAND baked
 * into the test command) puts valgrind under valgrind, where the inner one cannot start.
 */
function nestedValgrindProblem(runs, tests = []) {
    const nested = runs.filter((run) => run.role === 'nested-valgrind');
    // The test list says it even when valgrind left no XML (it fails before writing one).
    const listed = tests.filter((test) => isValgrindExecutable(test.command[0] ?? ''));
    if (nested.length === 0 && listed.length === 0)
        return undefined;
    const names = [
        ...new Set([
            ...listed.map((test) => test.name),
            ...nested.flatMap((run) => (run.test?.name !== undefined ? [run.test.name] : []))
        ])
    ];
    const who = listed.length > 0
        ? `${names.length === 1 ? '1 test starts valgrind in its command' : `${names.length} tests start valgrind in their commands`} (${listNames(names)})`
        : `${nested.length === 1 ? '1 process' : `${nested.length} processes`} started valgrind${names.length > 0 ? ` (tests: ${listNames(names)})` : ''}`;
    return `Your tests already run valgrind: ${who}, and valgrind cannot run under this action's valgrind. Build without that option (e.g. cJSON's -DENABLE_VALGRIND=ON, or a valgrind command in the test's COMMAND) and let the action run the tests under valgrind.`;
}

// Valgrind before 3.22 (Ubuntu 22.04 ships 3.18) reads DWARF 5 debug information badly or not at
// all: frames of binaries built by current GCC, Clang or Rust come out as `???` or without a line.
// When a stack shows that, this finds the DWARF version the binary carries and gives the fix.
/** The first valgrind release that reads DWARF 5 as GCC 11+ writes it. */
const DWARF5_VALGRIND = '3.22';
const SHF_COMPRESSED = 0x800;
function read(fd, offset, length) {
    const buffer = Buffer.alloc(length);
    const got = fs.readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, got);
}
/** The `.debug_info` section header of an ELF file (little-endian, 32 or 64 bit), if any. */
function debugInfoSection(fd) {
    const header = read(fd, 0, 64);
    if (header.length < 52 || header.readUInt32BE(0) !== 0x7f454c46)
        return undefined;
    const is64 = header[4] === 2;
    if (header[5] !== 1)
        return undefined; // big-endian: not on valgrind's Linux targets we run on
    const shoff = is64 ? Number(header.readBigUInt64LE(0x28)) : header.readUInt32LE(0x20);
    const shentsize = header.readUInt16LE(is64 ? 0x3a : 0x2e);
    const shnum = header.readUInt16LE(is64 ? 0x3c : 0x30);
    const shstrndx = header.readUInt16LE(is64 ? 0x3e : 0x32);
    if (shoff === 0 || shnum === 0 || shstrndx >= shnum)
        return undefined;
    const table = read(fd, shoff, shentsize * shnum);
    const section = (index) => {
        const at = index * shentsize;
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
            };
    };
    if (table.length < shentsize * shnum)
        return undefined;
    const names = section(shstrndx);
    const strings = read(fd, names.offset, names.size);
    for (let index = 0; index < shnum; index++) {
        const candidate = section(index);
        const end = strings.indexOf(0, candidate.name);
        if (strings.toString('latin1', candidate.name, end) === '.debug_info')
            return candidate;
    }
    return undefined;
}
/**
 * The DWARF version of the first compilation unit of an ELF file's `.debug_info` (zlib-compressed
 * sections included), or undefined when it has none or cannot be read.
 */
function dwarfVersion(file) {
    let fd;
    try {
        fd = fs.openSync(file, 'r');
    }
    catch {
        return undefined;
    }
    try {
        const section = debugInfoSection(fd);
        if (section === undefined || section.size < 6)
            return undefined;
        let unit = read(fd, section.offset, Math.min(section.size, 64));
        if (section.flags & SHF_COMPRESSED) {
            // Elf64_Chdr / Elf32_Chdr, then a zlib stream (ch_type 1); only its first bytes are needed.
            if (unit.readUInt32LE(0) !== 1)
                return undefined;
            const headerSize = section.is64 ? 24 : 12;
            const compressed = read(fd, section.offset + headerSize, Math.min(section.size, 4096));
            // Loaded here, not at start-up: only a run whose frames lack lines comes here (~5 ms to load).
            const zlib = process.getBuiltinModule('node:zlib');
            unit = zlib.inflateSync(compressed, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
        }
        if (unit.length < 6)
            return undefined;
        const offset = unit.readUInt32LE(0) === 0xffffffff ? 12 : 4;
        return unit.length >= offset + 2 ? unit.readUInt16LE(offset) : undefined;
    }
    catch {
        return undefined;
    }
    finally {
        fs.closeSync(fd);
    }
}
/** Objects of frames valgrind could not give a source line for (shown as `???` or `in obj`). */
function objectsWithoutLines(runs, limit = 20) {
    const objects = new Set();
    const visit = (frames) => {
        for (const frame of frames) {
            if (objects.size >= limit)
                return;
            if (frame.file === undefined && frame.obj !== undefined && !frame.obj.includes('vgpreload'))
                objects.add(frame.obj);
        }
    };
    for (const run of runs) {
        for (const finding of run.findings) {
            visit(finding.stack);
            for (const aux of finding.auxStacks)
                visit(aux.frames);
        }
        if (run.fatalSignal !== undefined)
            visit(run.fatalSignal.stack);
    }
    return [...objects];
}
/** Whether this valgrind is known to predate DWARF 5 support (an unknown version is not). */
function predatesDwarf5(valgrindVersion) {
    return valgrindVersion !== undefined && compareVersions(valgrindVersion, DWARF5_VALGRIND) < 0;
}
/**
 * The warning for frames without lines in binaries that carry DWARF 5, when the valgrind that ran
 * predates DWARF 5 support; undefined otherwise. Pure: `objects` pairs each object with its version.
 */
function dwarf5Advice(valgrindVersion, objects) {
    if (!predatesDwarf5(valgrindVersion))
        return undefined;
    const dwarf5 = objects.filter((object) => (object.dwarf ?? 0) >= 5).map((object) => object.obj);
    if (dwarf5.length === 0)
        return undefined;
    const shown = dwarf5.slice(0, 3).join(', ') + (dwarf5.length > 3 ? ', …' : '');
    return `Stack frames in ${shown} have no source line: ${dwarf5.length === 1 ? 'it carries' : 'they carry'} DWARF 5 debug information, which valgrind ${valgrindVersion} cannot read (DWARF 5 is what GCC 11+, Clang 14+ and Rust emit by default). Use 'valgrind-version: '>=${DWARF5_VALGRIND}'' (the action installs or builds it), or compile with -gdwarf-4.`;
}

// Keeps the XML file of every image a traced process runs. After `exec` the process keeps its pid,
// so the new image's valgrind opens the same `<pid>.xml` and truncates what the old image wrote
// (valgrind 3.13+ has no per-image specifier: `%n` restarts at 1 in the new image, `%q{VAR}`
// depends on an environment the program controls).
//
// What valgrind does offer: a traced exec re-starts valgrind through the path in
// VALGRIND_LAUNCHER, which the launcher appends to the environment and the tool reads back with a
// first-match lookup. A VALGRIND_LAUNCHER already in valgrind's environment therefore wins, and
// valgrind execs this script instead of itself (same code in 3.18, 3.19 and 3.22). Running as the
// same pid, before the new image starts, the script moves `<pid>.xml` to `<pid>-<n>.xml` (closing
// the document valgrind leaves open at exec; a file with no record is dropped instead), then execs
// the real valgrind with the same arguments. Files sort by name in image order.
const LAUNCHER_VARIABLE = 'VALGRIND_LAUNCHER';
/** The commands the launcher runs (`[` and `echo` are the shell's own). */
const LAUNCHER_TOOLS = ['sed', 'grep', 'rm', 'mv'];
/** The launcher script. Pure: options in, text out. */
function execLauncherScript(options) {
    const dir = joinShellWords([options.xmlDirectory]);
    const [sed, grep, rm, mv] = LAUNCHER_TOOLS.map((tool) => joinShellWords([options.tools?.[tool] ?? tool]));
    return [
        '#!/bin/sh',
        '# Written by valgrind-action for one run. A process traced by valgrind called exec: keep the',
        "# old image's XML (same pid, so the new image would truncate <pid>.xml), then start valgrind.",
        `dir=${dir}`,
        'old="$dir/$$.xml"',
        '# A forked child between fork and exec usually wrote its preamble only: nothing to keep.',
        '# An image that is valgrind itself (a test running valgrind) is kept: the action explains it.',
        'nested=no',
        `if [ -e "$old" ] && ${sed} -n '/<argv>/,/<\\/argv>/p' "$old" | ${grep} -q -e '<exe>.*/valgrind</exe>' -e '<exe>.*/valgrind\\.bin</exe>'; then nested=yes; fi`,
        `if [ -e "$old" ] && [ "$nested" = no ] && ! ${grep} -q -e '<error>' -e '<clientmsg>' "$old"; then`,
        `  ${rm} -f -- "$old"`,
        'elif [ -e "$old" ]; then',
        '  # valgrind does not finish the XML of an image that execs: close it, it is complete.',
        '  echo \'</valgrindoutput>\' >> "$old"',
        '  n=1',
        '  while [ -e "$dir/$$-$n.xml" ]; do n=$((n + 1)); done',
        `  ${mv} -f -- "$old" "$dir/$$-$n.xml"`,
        'fi',
        ...(options.dropErrorExitcode === true
            ? [
                "# The new image keeps its own exit status: drop valgrind's --error-exitcode (in valgrind's",
                '# options only, which come before the program).',
                'options=yes',
                'for arg do',
                '  shift',
                '  if [ "$options" = yes ]; then',
                '    case $arg in',
                '      --error-exitcode=*) continue ;;',
                '      -*) ;;',
                '      *) options=no ;;',
                '    esac',
                '  fi',
                '  set -- "$@" "$arg"',
                'done'
            ]
            : []),
        `${LAUNCHER_VARIABLE}=${joinShellWords([options.scriptPath])}`,
        `export ${LAUNCHER_VARIABLE}`,
        `exec ${joinShellWords([options.valgrind])} "$@"`,
        ''
    ].join('\n');
}
/**
 * Writes the launcher and checks that it runs (a temp directory mounted noexec would make every
 * traced exec fail). Returns the environment to give valgrind, or undefined when it cannot be used.
 */
function installExecLauncher(options) {
    fs.mkdirSync(path.dirname(options.scriptPath), { recursive: true });
    const tools = {};
    for (const tool of LAUNCHER_TOOLS)
        tools[tool] = resolveExecutable(tool, '/').path;
    fs.writeFileSync(options.scriptPath, execLauncherScript({ tools, ...options }), { mode: 0o755 });
    try {
        execFileSync(options.scriptPath, ['--version'], { stdio: 'ignore', timeout: 10000 });
    }
    catch {
        return undefined;
    }
    return { [LAUNCHER_VARIABLE]: options.scriptPath };
}

// The run directory holds the files the verdict is read from (XML, profiles, the JSON report).
// Whoever can replace them decides the verdict. The command line runs on shared machines, in a
// shared /tmp, so it checks its output directory: ours (or root's), not group- or world-writable
// unless sticky like /tmp; one that someone else created first is refused, not used. The action's
// default is in RUNNER_TEMP, the runner's own per-job directory (in a container job it belongs to
// the runner's user, not to root inside the container, so the check would refuse it).
/** Why another user could tamper with `dir`, or undefined when they cannot. */
function sharedDirectoryProblem(stat, uid) {
    if (stat.uid !== uid && stat.uid !== 0) {
        return `belongs to another user (uid ${stat.uid}; you are uid ${uid})`;
    }
    const writableByOthers = (stat.mode & 0o022) !== 0;
    const sticky = (stat.mode & 0o1000) !== 0;
    if (writableByOthers && !sticky) {
        return `can be written by other users (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`;
    }
    return undefined;
}
/**
 * `mkdir -p`: creates `dir` and its missing parents (with `mode`). Not fs.mkdirSync's `recursive`:
 * where a parent exists but cannot hold directories, as in /proc, mkdir answers ENOENT, which
 * Node reads as a missing parent, and it spins forever at 100% CPU (the job would hang until its
 * timeout). Here each missing directory is made once, and the first failure is thrown.
 */
function makeDirectories(dir, mode) {
    const absolute = path.resolve(dir);
    const missing = [];
    for (let at = absolute; !fs.existsSync(at); at = path.dirname(at)) {
        missing.push(at);
        if (path.dirname(at) === at)
            break;
    }
    for (const directory of missing.reverse()) {
        try {
            fs.mkdirSync(directory, { mode });
        }
        catch (error) {
            // Made meanwhile, or a dangling link (the check below says so).
            if (error.code !== 'EEXIST')
                throw error;
        }
    }
    if (!fs.statSync(absolute).isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR' });
    }
}
/** makeDirectories for the output directory, failing with what to change. */
function makeOutputDirectory(dir) {
    try {
        makeDirectories(dir, 0o700);
    }
    catch (error) {
        throw new InputError(`The output directory '${dir}' cannot be created (${systemErrorText(error)}). Use a directory this job can write (the 'output-directory' input, or --output-directory; the action's default is in RUNNER_TEMP).`);
    }
}
/** Creates `dir` (mode 0700) if needed and refuses it when another user could change its files. */
function ensurePrivateDirectory(dir) {
    makeOutputDirectory(dir);
    const uid = process.getuid?.();
    if (uid === undefined)
        return; // not POSIX: no owners to compare
    // The link itself too: in /tmp another user may have planted a symlink to their directory.
    for (const stat of [fs.lstatSync(dir), fs.statSync(dir)]) {
        const problem = sharedDirectoryProblem(stat, uid);
        if (problem !== undefined) {
            throw new InputError(`The output directory '${dir}' ${problem}: they could replace the run's files and so its verdict. Use a directory of your own (the 'output-directory' input, or --output-directory).`);
        }
    }
}
/** A new, empty directory for this run's files: XML, profiles, the JSON report. */
function createRunDirectory(outputDirectory) {
    makeOutputDirectory(outputDirectory);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    // mkdtemp: a fresh name, mode 0700.
    return fs.mkdtempSync(path.join(outputDirectory, `run-${stamp}-`));
}

// A finding's identity across commits: what the SARIF `partialFingerprints` carry and what a
// baseline matches findings by. `Finding.key` cannot serve: it holds line numbers, and adding a
// line above a leak must not turn it into a new finding. The identity is the tool, the kind (and
// for errors the text without addresses), and the user's frames as function name + source file
// name. File names, not workspace paths: a base commit checked out into a subdirectory (to
// profile it in the same job) must match the head's findings.
/** Version of the identity scheme: a change of the recipe must not silently match old ones. */
const IDENTITY_VERSION = 'v1';
/**
 * GCC's clones of one function (`lose.constprop.0`, `lose.isra.0`, `lose.part.0`, `lose.cold`)
 * come and go with unrelated edits: they name the same source function.
 */
function functionName(fn) {
    return fn.replace(/(\.(constprop|isra|part|cold|lto_priv)(\.\d+)?)+$/, '');
}
const frameIdentities = new FrameMemo(['fn', 'file', 'obj'], (frame) => {
    const file = frame.file ?? (frame.obj !== undefined ? frame.obj : '');
    return `${functionName(frame.fn ?? '???')}@${path.basename(file)}`;
});
function frameIdentity(frame) {
    return frameIdentities.of(frame);
}
/** The error text without what varies from run to run: addresses, thread numbers. */
function textIdentity(finding) {
    if (finding.leak !== undefined)
        return '';
    // The first line (found, not split off: a text can have many).
    const end = finding.what.indexOf('\n');
    return (end === -1 ? finding.what : finding.what.slice(0, end))
        .trim()
        .replace(/0x[0-9A-Fa-f]+/g, '0x')
        .replace(/thread #\d+/g, 'thread #');
}
/** The recipe before hashing (exported for tests that show what it is made of). */
function identityText(finding) {
    let text = `${finding.tool}\n${finding.kind}\n${textIdentity(finding)}`;
    let userFrames = 0;
    for (const frame of visibleFrames(finding.stack, Number.MAX_SAFE_INTEGER)) {
        if (isRuntimeFrame(frame))
            continue;
        text += `\n${frameIdentity(frame)}`;
        userFrames++;
    }
    if (userFrames > 0)
        return text;
    // No user frame at all (a leak inside a library's own start-up): the whole visible stack.
    for (const frame of visibleFrames(finding.stack))
        text += `\n${frameIdentity(frame)}`;
    return text;
}
function hash(text, length = 32) {
    return hash$1('sha256', text).slice(0, length);
}
/**
 * Recipe hashes worked out ahead (the engine hands in each record as the XML follower reads it,
 * while valgrind still runs). Kept by stack: a finding keeps the stack of its first record, and a
 * stack belongs to one record, whose tool, kind and text never change once read.
 */
class RecipeHashes {
    hashes = new WeakMap();
    prepare(record) {
        if (!this.hashes.has(record.stack))
            this.hashes.set(record.stack, recipeHash(record));
    }
    of(finding) {
        return this.hashes.get(finding.stack) ?? recipeHash(finding);
    }
}
function recipeHash(finding) {
    return hash(identityText(finding));
}
/**
 * Gives every finding its `fingerprint`: `v1:<recipe>:<line text>:<n>`. The recipe (tool, kind,
 * user frames) is what identifies a finding; two allocations in one function called the same way
 * share it, and are told apart by the text of their line (whitespace-insensitive, as code
 * scanning's own line hash) and then by their order in the file. Lines added above change none of
 * the three. `compareWithBaseline` falls back to the recipe alone when the line itself was edited.
 */
function assignFingerprints(findings, lineText, recipes) {
    // Findings on one line share its text: each text is hashed once.
    const textParts = new Map();
    const textPart = (text) => {
        let part = textParts.get(text);
        if (part === undefined) {
            part = hash(text.replace(/\s+/g, ' ').trim(), 12);
            textParts.set(text, part);
        }
        return part;
    };
    const prefixes = findings.map((finding) => {
        const text = finding.location !== undefined ? lineText?.(finding.location) : undefined;
        const recipe = recipes?.of(finding) ?? recipeHash(finding);
        return `${IDENTITY_VERSION}:${recipe}:${text !== undefined ? textPart(text) : '-'}`;
    });
    // Most findings have a prefix of their own (numbered 1); those that share one are numbered in
    // file order.
    const groups = new Map();
    prefixes.forEach((prefix, index) => {
        const group = groups.get(prefix);
        if (group === undefined)
            groups.set(prefix, [findings[index]]);
        else
            group.push(findings[index]);
    });
    const numbers = new Map();
    for (const group of groups.values()) {
        if (group.length > 1)
            inFileOrder(group).forEach((finding, index) => numbers.set(finding, index + 1));
    }
    return findings.map((finding, index) => ({
        ...finding,
        fingerprint: `${prefixes[index]}:${numbers.get(finding) ?? 1}`
    }));
}
/** The recipe part of a fingerprint: what a finding is, wherever its line moved or changed. */
function recipeOf(fingerprint) {
    return fingerprint?.split(':').slice(0, 2).join(':');
}
function inFileOrder(findings) {
    return [...findings].sort((a, b) => compareFileNames(a.location?.file ?? '', b.location?.file ?? '') ||
        (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// Reads the source line a finding points at, for its identity (analysis/identity.ts). The I/O
// edge of an otherwise pure computation: each file is read once; what cannot be read (deleted,
// generated elsewhere, huge) simply has no text, and the identity does without it.
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
function workspaceLineReader(workspace) {
    const files = new Map();
    const linesOf = (file) => {
        if (files.has(file))
            return files.get(file);
        let lines;
        try {
            const absolute = path.resolve(workspace, file);
            if (fs.statSync(absolute).size <= MAX_SOURCE_BYTES) {
                lines = fs.readFileSync(absolute, 'utf8').split('\n');
            }
        }
        catch {
            lines = undefined;
        }
        files.set(file, lines);
        return lines;
    };
    return (location) => linesOf(location.file)?.[location.line - 1];
}

// Findings against a baseline: new, still present (unchanged) or fixed, matched by the identity
// the SARIF fingerprints carry. This is the one place where a baseline changes what fails: an
// unchanged finding keeps its category but no longer fails the step, so the verdict and the
// annotations (error only when `failing`) follow without knowing about baselines.
function compareWithBaseline(head, base) {
    const unmatchedBase = new Set(base);
    const unchanged = new Set();
    // First the exact identity (recipe, line text, order); then, for what is left, the recipe
    // alone in file order: a finding whose line was edited, not moved, is still the same finding.
    const baseByFingerprint = new Map(base.map((finding) => [finding.fingerprint, finding]));
    for (const finding of head) {
        const match = baseByFingerprint.get(finding.fingerprint);
        if (match === undefined || !unmatchedBase.has(match))
            continue;
        unmatchedBase.delete(match);
        unchanged.add(finding);
    }
    const leftByRecipe = (findings) => {
        const groups = new Map();
        for (const finding of findings) {
            const recipe = recipeOf(finding.fingerprint);
            groups.set(recipe, [...(groups.get(recipe) ?? []), finding]);
        }
        return groups;
    };
    const baseLeft = leftByRecipe(unmatchedBase);
    for (const [recipe, group] of leftByRecipe(head.filter((f) => !unchanged.has(f)))) {
        const candidates = inFileOrder(baseLeft.get(recipe) ?? []);
        for (const finding of inFileOrder(group)) {
            const match = candidates.shift();
            if (match === undefined)
                break;
            unmatchedBase.delete(match);
            unchanged.add(finding);
        }
    }
    const findings = head
        .map((finding) => {
        const known = unchanged.has(finding);
        return {
            ...finding,
            baseline: known ? 'unchanged' : 'new',
            failing: finding.failing && !known
        };
    })
        .sort(compareFindings);
    const fixed = base.filter((finding) => unmatchedBase.has(finding));
    const newCount = findings.filter((finding) => finding.baseline === 'new').length;
    return { findings, fixed, newCount, unchangedCount: findings.length - newCount };
}

// Instruction counts against a baseline: per process (or test) base, head, change and percent.
// Callgrind's counts are exact and repeatable for the same binary and input (no sampling, no
// timer), so one run per side is enough and any growth is real: no statistics needed.
function instructions(row) {
    return row.profile.totals.Ir ?? 0;
}
/**
 * Labels made unique: a program that runs itself twice with the same arguments gives two rows of
 * one label, matched in pid order (`label #2`).
 */
function labelled(rows) {
    const ordered = [...rows].sort((a, b) => (a.profile.pid ?? 0) - (b.profile.pid ?? 0));
    const result = new Map();
    for (const row of ordered) {
        const label = profileLabel(row);
        let unique = label;
        for (let n = 2; result.has(unique); n++)
            unique = `${label} #${n}`;
        result.set(unique, instructions(row));
    }
    return result;
}
function compareProfiles(base, head, thresholdPercent) {
    const before = labelled(base);
    const after = labelled(head);
    const both = [];
    const appeared = [];
    for (const [label, count] of after) {
        const old = before.get(label);
        if (old === undefined) {
            appeared.push({ label, head: count, regression: false });
            continue;
        }
        const change = count - old;
        const percent = old > 0 ? (100 * change) / old : undefined;
        both.push({
            label,
            base: old,
            head: count,
            change,
            percent,
            regression: percent !== undefined ? percent > thresholdPercent : change > 0
        });
    }
    const disappeared = [...before]
        .filter(([label]) => !after.has(label))
        .map(([label, count]) => ({ label, base: count, regression: false }));
    both.sort((a, b) => (b.percent ?? Infinity) - (a.percent ?? Infinity) ||
        (b.change ?? 0) - (a.change ?? 0) ||
        a.label.localeCompare(b.label));
    const byLabel = (a, b) => a.label.localeCompare(b.label);
    return {
        thresholdPercent,
        rows: [...both, ...appeared.sort(byLabel), ...disappeared.sort(byLabel)],
        regressions: both.filter((row) => row.regression).length
    };
}

function applyBaseline(input) {
    const { baseline, checker } = input;
    // Without an error check now, the baseline's findings are not "fixed": nobody looked.
    const compared = compareWithBaseline(input.findings, checker !== undefined ? baseline.findings : []);
    const result = {
        source: baseline.source,
        newFindings: compared.newCount,
        unchangedFindings: compared.unchangedCount,
        fixed: compared.fixed,
        notes: []
    };
    if (checker !== undefined && baseline.tools !== undefined && !baseline.tools.includes(checker)) {
        result.notes.push(`The baseline's run did not use ${checker} (it ran ${baseline.tools.join(', ')}): every finding counts as new.`);
    }
    const regressions = [];
    if (input.profileRows !== undefined) {
        if (baseline.profileRows === undefined || baseline.profileRows.length === 0) {
            result.notes.push('The baseline has no callgrind profiles (its run did not include callgrind): instruction counts are not compared.');
        }
        else {
            result.profiles = compareProfiles(baseline.profileRows, input.profileRows, input.thresholdPercent);
            for (const row of result.profiles.rows.filter((r) => r.regression)) {
                const growth = row.percent !== undefined ? `+${row.percent.toFixed(2)}%` : 'up from 0';
                regressions.push(`${row.label}: ${formatNumber(row.head ?? 0)} instructions, ${growth} over the baseline's ${formatNumber(row.base ?? 0)} (regression-threshold: ${input.thresholdPercent}%).`);
            }
        }
    }
    return { findings: compared.findings, result, regressions };
}

// Reads an earlier run's JSON report (this action's `report` output) as a baseline. What could be
// wrong with it is said in one sentence naming the file; nothing else about it is trusted.
function readBaselineReport(file) {
    let text;
    try {
        text = fs.readFileSync(file, 'utf8');
    }
    catch (error) {
        throw new InputError(`Input 'baseline': cannot read '${file}' (${error.code ?? error.message}). Give the path of an earlier run's JSON report (the 'report' output), or 'cache'.`);
    }
    return parseBaselineReport(text, file);
}
function parseBaselineReport(text, file) {
    const notAReport = (why) => new InputError(`Input 'baseline': '${file}' is not a valgrind-action JSON report (${why}). Give the file of an earlier run's 'report' output.`);
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw notAReport(`invalid JSON: ${error.message}`);
    }
    if (typeof data !== 'object' || data === null)
        throw notAReport('not a JSON object');
    const report = data;
    if (report.schemaVersion !== 1)
        throw notAReport(`schemaVersion is ${String(report.schemaVersion)}, expected 1`);
    if (!Array.isArray(report.findings))
        throw notAReport('no findings list');
    const findings = report.findings;
    if (findings.some((finding) => typeof finding?.fingerprint !== 'string')) {
        throw new InputError(`Input 'baseline': the findings in '${file}' carry no fingerprints: it was written by an older version of this action. Make the baseline again with this version.`);
    }
    const profiles = report.profiles;
    const profileRows = Array.isArray(profiles?.rows)
        ? profiles.rows.filter((row) => typeof row?.profile?.totals === 'object' && row.profile.totals !== null)
        : undefined;
    const tools = typeof report.tool === 'string' ? report.tool.split(',') : undefined;
    return { file, source: file, findings, tools, profileRows };
}

/** The `{ ... }` block with a name that says what it silences instead of valgrind's placeholder. */
function namedSuppression(finding, text) {
    const where = finding.location
        ? ` at ${finding.location.fn ?? '???'} (${finding.location.file})`
        : finding.stack[0]?.fn !== undefined
            ? ` in ${finding.stack[0].fn}`
            : '';
    const name = `valgrind-action: ${toolLabel(finding.tool)} ${kindLabel(finding.kind)}${where}`;
    const lines = text.trim().split('\n');
    const placeholder = lines.findIndex((line) => line.trim() === '<insert_a_suppression_name_here>');
    if (placeholder >= 0)
        lines[placeholder] = `   ${name.replace(/[{}\n]/g, '')}`;
    return lines.join('\n');
}
/** A Rust symbol's legacy-mangled hash, `17h<16 hex digits>E`: it changes with every build. */
const RUST_HASH = /17h[0-9a-f]{16}E/;
const RUST_HASHES = new RegExp(RUST_HASH.source, 'g');
function lastIndexWhere(items, test) {
    for (let index = items.length - 1; index >= 0; index--)
        if (test(items[index]))
            return index;
    return -1;
}
/** `_ZN<length><crate>...`: the crate a legacy-mangled Rust symbol belongs to. */
const RUST_CRATE = /^_ZN(\d+)/;
/** The standard library's crates and std's own dependencies: their frames change with the toolchain. */
const RUST_RUNTIME_CRATES = new Set([
    'std',
    'core',
    'alloc',
    'test',
    'panic_unwind',
    'panic_abort',
    'hashbrown',
    'gimli',
    'addr2line',
    'object',
    'miniz_oxide',
    'rustc_demangle',
    'std_detect',
    '__rustc'
]);
function rustCrateOf(symbol) {
    const length = RUST_CRATE.exec(symbol);
    if (length === null)
        return undefined;
    const start = length[0].length;
    return symbol.slice(start, start + Number(length[1]));
}
/**
 * A suppression valgrind wrote for Rust code, made to outlive the build: the symbols' hashes (new
 * with every version bump or toolchain) become `*`, the standard library's frames (new with every
 * toolchain) one `...`, and the frames below the last of the crate's own (libtest's harness) go.
 * Valgrind matches a suppression against the top of a stack, so what remains still matches the
 * finding, and only it. Other suppressions are returned as they are. Pure.
 */
function durableSuppression(text) {
    const lines = text.split('\n');
    const frames = lines
        .map((line, index) => ({ index, symbol: /^\s*fun:(.*)$/.exec(line)?.[1] }))
        .filter((frame) => frame.symbol !== undefined);
    if (!frames.some((frame) => RUST_HASH.test(frame.symbol)))
        return text;
    const isUsers = (symbol) => {
        const crate = rustCrateOf(symbol);
        return crate !== undefined && !RUST_RUNTIME_CRATES.has(crate);
    };
    const lastUsers = lastIndexWhere(frames, (frame) => isUsers(frame.symbol));
    if (lastUsers === -1)
        return text;
    const firstFrameLine = lines.findIndex((line) => /^\s*(fun|obj):|^\s*\.\.\.\s*$/.test(line));
    const closing = lastIndexWhere(lines, (line) => line.trim() === '}');
    if (firstFrameLine === -1 || closing === -1)
        return text;
    const indent = /^(\s*)fun:/.exec(lines[frames[0].index])?.[1] ?? '   ';
    const kept = [];
    const frameLines = lines.slice(firstFrameLine, frames[lastUsers].index + 1);
    frameLines.forEach((line, at) => {
        const symbol = /^\s*fun:(.*)$/.exec(line)?.[1];
        // The crate's own frames stay; so does the first, a C function (malloc, or where the error
        // was). Everything else is the toolchain's (std's frames, mangled or inlined by name).
        const first = at === 0 &&
            symbol !== undefined &&
            rustCrateOf(symbol) === undefined &&
            /^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol);
        if ((symbol !== undefined && isUsers(symbol)) || first) {
            kept.push(line.replace(RUST_HASHES, '17h*E'));
        }
        else if (kept.at(-1)?.trim() !== '...') {
            kept.push(`${indent}...`);
        }
    });
    return [...lines.slice(0, firstFrameLine), ...kept, ...lines.slice(closing)].join('\n');
}
/** The file's text; undefined entries (findings valgrind wrote no suppression for) are counted. */
function suppressionsFile(findings) {
    const blocks = [];
    const bodies = new Set();
    let missing = 0;
    for (const finding of findings) {
        if (finding.suppression === undefined) {
            missing += 1;
            continue;
        }
        // Two findings can share one suppression (same function chain): write it once.
        const suppression = durableSuppression(finding.suppression);
        const body = suppression
            .trim()
            .split('\n')
            .filter((line) => line.trim() !== '<insert_a_suppression_name_here>')
            .join('\n');
        if (bodies.has(body))
            continue;
        bodies.add(body);
        blocks.push(namedSuppression(finding, suppression));
    }
    const header = [
        '# Valgrind suppressions for the findings valgrind-action saw (written with --gen-suppressions=all).',
        "# Pass this file in the action's 'suppressions' input; delete an entry once its finding is fixed.",
        ''
    ];
    return {
        text: [...header, ...blocks.map((b) => `${b}\n`)].join('\n'),
        written: blocks.length,
        missing
    };
}

// What each valgrind error kind means and how it is usually fixed: the help text of the SARIF
// rules, shown by code scanning next to every alert. Kinds valgrind adds later get a generic text.
const MEMCHECK_MANUAL = 'https://valgrind.org/docs/manual/mc-manual.html#mc-manual.errormsgs';
const HELGRIND_MANUAL = 'https://valgrind.org/docs/manual/hg-manual.html';
const DRD_MANUAL = 'https://valgrind.org/docs/manual/drd-manual.html';
const HELP = {
    InvalidRead: {
        meaning: 'The program read memory it may not touch: past the end (or before the start) of a heap block, or from a block that was already freed.',
        fix: 'Check the index or length against the allocation size, and make sure the block is not freed (or reallocated) before this read; the "Address ... is N bytes inside/after a block" note says which.'
    },
    InvalidWrite: {
        meaning: 'The program wrote to memory it may not touch: past the end of a heap block (a buffer overflow) or into a freed block.',
        fix: 'Allocate enough room (remember the terminating NUL of strings), bound the loop or copy length by the allocation size, and do not write through pointers to freed blocks.'
    },
    InvalidFree: {
        meaning: 'free/delete/realloc was given a pointer that is not the start of a live heap block: a double free, or a pointer into the middle of a block or to the stack.',
        fix: 'Free each block exactly once, with the pointer the allocator returned; set the pointer to NULL after freeing when it may be freed again.'
    },
    MismatchedFree: {
        meaning: 'A block was released with a function that does not match how it was allocated (malloc/free, new/delete, new[]/delete[]).',
        fix: 'Use free for malloc/calloc/realloc, delete for new and delete[] for new[]; prefer smart pointers or containers that pair them for you.'
    },
    InvalidJump: {
        meaning: 'The program jumped to an address that holds no code, e.g. through a corrupt function pointer or a smashed return address.',
        fix: 'Look for a stack buffer overflow or a use of a freed object whose function pointer (or vtable) was called.'
    },
    Overlap: {
        meaning: 'memcpy/strcpy (or a relative) was called with source and destination that overlap, which is undefined behaviour.',
        fix: 'Use memmove for overlapping ranges, or copy through a separate buffer.'
    },
    UninitCondition: {
        meaning: 'A conditional jump or move depends on a value that was never initialised, so the branch taken is arbitrary.',
        fix: 'Initialise the variable or the allocated memory (calloc, = {0}, a constructor) before it is tested; run with track-origins: true to see where the value was created.'
    },
    UninitValue: {
        meaning: 'An uninitialised value was used in a way that matters (as an address, or passed on to a system call).',
        fix: 'Initialise the value where it is created; track-origins: true shows where that was.'
    },
    SyscallParam: {
        meaning: 'A system call was passed a buffer or argument that is uninitialised or not addressable, so the kernel sees (or writes) memory the program does not own.',
        fix: 'Initialise the whole buffer (also struct padding) before the call, and pass a size that matches the allocation.'
    },
    ClientCheck: {
        meaning: 'A check the program asked valgrind to make (a VALGRIND_CHECK_* client request) failed.',
        fix: 'See the client request in the stack: the memory it names is not in the state the program expected.'
    },
    FishyValue: {
        meaning: 'An allocation function was passed a size that looks like a negative number (a huge unsigned value).',
        fix: 'Check the size computation for an underflow or a signed-to-unsigned conversion.'
    },
    ReallocSizeZero: {
        meaning: 'realloc was called with size 0, whose behaviour differs between C libraries (it may free the block or return a new one).',
        fix: 'Call free explicitly when the new size is 0.'
    },
    InvalidAlignment: {
        meaning: 'An aligned allocation was asked for an alignment that is not a power of two (or not allowed by the function).',
        fix: 'Pass a power-of-two alignment that is a multiple of sizeof(void *).'
    },
    InvalidSize: {
        meaning: 'An allocation or deallocation function was given a size that is invalid for it.',
        fix: 'Check the size passed (for sized delete, the size of the allocation).'
    },
    InvalidMemPool: {
        meaning: 'A memory pool client request named a pool that does not exist.',
        fix: 'Create the pool (VALGRIND_CREATE_MEMPOOL) before using it, and do not use it after destroying it.'
    },
    Leak_DefinitelyLost: {
        meaning: 'A heap block is no longer pointed to by anything when the program exits: its memory can never be freed. The location is where the block was allocated.',
        fix: 'Free the block (or let an owner such as a smart pointer, Box or Vec drop it) on every path once it is no longer needed, including error paths.'
    },
    Leak_IndirectlyLost: {
        meaning: 'A heap block is pointed to only from blocks that are themselves lost (e.g. the nodes behind a lost list head). Fixing the definite leak that owns it usually fixes it too.',
        fix: 'Fix the definitely lost block that points to it, freeing what it owns as well.'
    },
    Leak_PossiblyLost: {
        meaning: 'A heap block is pointed to only by a pointer into its middle, which may or may not be meant to reach it (some allocators and string classes do this on purpose).',
        fix: 'Keep a pointer to the start of the block and free it; if the interior pointer is intended, suppress the record.'
    },
    Leak_StillReachable: {
        meaning: 'A heap block is still pointed to when the program exits, so it could have been freed: typically a global cache or a singleton.',
        fix: 'Free it at exit if you want clean reports; otherwise leave it out of fail-on (the default).'
    },
    Race: {
        meaning: 'Two threads accessed the same memory without synchronisation, and at least one of the accesses was a write: a data race.',
        fix: 'Protect the shared data with a lock held by both threads, make it atomic, or give each thread its own copy.'
    },
    ConflictingAccess: {
        meaning: 'Two threads accessed the same memory without synchronisation, and at least one of the accesses was a write: a data race.',
        fix: 'Protect the shared data with a lock held by both threads, make it atomic, or give each thread its own copy.'
    },
    LockOrder: {
        meaning: 'Locks were taken in an order that contradicts an order seen before: two threads doing this can deadlock.',
        fix: 'Take locks in one global order everywhere (or take them together with a single lock).'
    },
    UnlockUnlocked: {
        meaning: 'A mutex that was not locked was unlocked.',
        fix: 'Pair every unlock with a lock on the same path; use scoped lock guards.'
    },
    UnlockForeign: {
        meaning: 'A thread unlocked a mutex that another thread holds.',
        fix: 'Unlock a mutex only in the thread that locked it.'
    },
    UnlockBogus: {
        meaning: 'Something that is not a mutex was unlocked.',
        fix: 'Check the pointer passed to the unlock function.'
    },
    PthAPIerror: {
        meaning: 'A pthread function returned an error (e.g. destroying a locked mutex).',
        fix: 'Check the return value of the pthread call in the stack and the state of the object it was given.'
    },
    MutexErr: {
        meaning: 'A mutex was misused (locked twice, unlocked by another thread, destroyed while locked).',
        fix: 'Pair lock and unlock in one thread; destroy a mutex only when no thread holds it.'
    },
    CondErr: {
        meaning: 'A condition variable was misused.',
        fix: 'Wait on a condition variable only with its mutex held, and use one mutex per condition variable.'
    },
    CondRaceErr: {
        meaning: 'A condition variable was signalled without holding the mutex that guards its predicate, so a wake-up can be lost.',
        fix: 'Hold the mutex while changing the predicate and signalling.'
    },
    HoldtimeErr: {
        meaning: 'A lock was held longer than the threshold given to DRD.',
        fix: 'Shorten the critical section or raise the threshold.'
    }
};
function kindHelp(kind) {
    return (HELP[kind] ?? {
        meaning: `Valgrind reported an error of kind ${kind}.`,
        fix: "Read the message and the stack of the alert; valgrind's manual explains each message."
    });
}
function kindManual(tool) {
    if (tool === 'helgrind')
        return HELGRIND_MANUAL;
    if (tool === 'drd')
        return DRD_MANUAL;
    return MEMCHECK_MANUAL;
}

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The key of our fingerprint in `partialFingerprints`, versioned with the recipe. */
const FINGERPRINT_KEY = 'valgrindFindingIdentity/v1';
const SRCROOT = '%SRCROOT%';
/**
 * Results per run at most. Code scanning keeps the 5,000 most severe results of a run and rejects
 * a run of more than 25,000 outright (the whole upload fails); findings come most severe first, so
 * the first 5,000 are the ones it would keep. The JSON report and the job summary count them all.
 */
const SARIF_RESULTS_PER_RUN = 5000;
function level(category, failOn) {
    return failOn.has(category) ? 'error' : 'warning';
}
function fileUri(absolute) {
    return `file://${absolute.split('/').map(encodeURIComponent).join('/')}`;
}
function relativeUri(relative) {
    return relative.split('/').map(encodeURIComponent).join('/');
}
function frameText(frame) {
    return frame.fn ?? (frame.obj !== undefined ? `??? in ${frame.obj}` : `??? (${frame.ip})`);
}
// The log is written as JSON text from the start, not built as objects for JSON.stringify: the
// same frames recur in thousands of results, and writing each distinct frame once, then putting
// results together from those texts, takes a fraction of the time. The text is what JSON.stringify
// would write for the log as objects (compact, fields in the order below, undefined fields left
// out), every value from the findings passed through JSON.stringify for its escaping.
const json = JSON.stringify;
/** The URIs of workspace files, each file's made once. */
function workspaceUris() {
    const uris = new Map();
    return (relative) => {
        let uri = uris.get(relative);
        if (uri === undefined) {
            uri = relativeUri(relative);
            uris.set(relative, uri);
        }
        return uri;
    };
}
function frameJson(frame, workspace, uriOf) {
    // A location in the workspace is relative to %SRCROOT%; one outside it is an absolute file URI.
    const inWorkspace = workspaceRelativePath(frame, workspace);
    const outside = inWorkspace === undefined ? framePath(frame) : undefined;
    const artifactLocation = inWorkspace !== undefined
        ? `{"uri":${json(uriOf(inWorkspace))},"uriBaseId":${json(SRCROOT)}}`
        : outside !== undefined
            ? `{"uri":${json(fileUri(outside))}}`
            : undefined;
    const region = frame.line !== undefined ? `,"region":{"startLine":${json(frame.line)}}` : '';
    const physicalLocation = artifactLocation !== undefined ? `{"artifactLocation":${artifactLocation}${region}}` : undefined;
    const location = `{${physicalLocation !== undefined ? `"physicalLocation":${physicalLocation},` : ''}"message":{"text":${json(frameText(frame))}}}`;
    const runtime = isRuntimeFrame(frame);
    // The binary or library only where no source file places the frame, as valgrind's own stacks
    // print it ("(in /usr/lib/libfoo.so)"): beside a file and line it would only repeat a path in
    // each of thousands of locations.
    const module = frame.obj !== undefined && frame.file === undefined ? `,"module":${json(frame.obj)}` : '';
    return {
        physicalLocation,
        userLine: !runtime && frame.line !== undefined && inWorkspace !== undefined,
        // Joined, not concatenated: V8 keeps a concatenation as a tree of its parts and walks the
        // tree again each time it copies the text into a result; a joined string is one flat piece.
        flowHead: ['{"location":', location, module, ',"nestingLevel":'].join(''),
        flowTail: `,"importance":${json(runtime ? 'unimportant' : 'important')}}`
    };
}
/** Frame texts for one log: each distinct frame (by what the texts say of it) written once. */
function frameWriter(workspace, uriOf) {
    const write = (frame) => frameJson(frame, workspace, uriOf);
    // Everything the texts say of a frame but its address, which names it only when nothing else
    // does (see frameText): such frames are written each time.
    const frames = new FrameMemo(['fn', 'obj', 'dir', 'file', 'line'], write);
    return (frame) => frame.fn === undefined && frame.obj === undefined ? write(frame) : frames.of(frame);
}
/**
 * Appends a stack as a code flow: in execution order (outermost call first, ending where the
 * error happened or the block was allocated), the user's frames marked important.
 */
function writeCodeFlow(out, labelJson, frames, write) {
    const shown = visibleFrames(frames);
    out.push('{"message":{"text":', labelJson, '},"threadFlows":[{"locations":[');
    for (let index = 0; index < shown.length; index++) {
        const frame = write(shown[shown.length - 1 - index]);
        out.push(index === 0 ? '' : ',', frame.flowHead, String(index), frame.flowTail);
    }
    out.push(']}]}');
}
function resultMessage(finding) {
    const lines = [findingTitle(finding)];
    // The title carries an error's first line already; a leak's text adds its loss record.
    const what = finding.what.trim();
    if (finding.leak !== undefined || what.includes('\n'))
        lines.push(what);
    lines.push(...finding.notes, occurrenceText(finding));
    const tests = testsText(finding);
    if (tests !== undefined)
        lines.push(tests);
    return lines.join('\n');
}
function rule(tool, kind, category, failOn) {
    const help = kindHelp(kind);
    const label = kindLabel(kind);
    return {
        id: kind,
        name: kind.replace(/_/g, ''),
        shortDescription: { text: `${toolLabel(tool)}: ${label}` },
        fullDescription: { text: help.meaning },
        help: {
            text: `${help.meaning}\n\nUsual fix: ${help.fix}`,
            markdown: `${help.meaning}\n\n**Usual fix:** ${help.fix}\n\n[Valgrind manual](${kindManual(tool)})`
        },
        helpUri: kindManual(tool),
        defaultConfiguration: { level: level(category, failOn) },
        properties: {
            tags: ['valgrind', tool, category === 'errors' ? 'error' : 'leak'],
            precision: category === 'possible' ? 'medium' : 'high'
        }
    };
}
/** A number as JSON.stringify writes it (null for NaN and the infinities), without calling it. */
function numberJson(value) {
    return Number.isFinite(value) ? String(value) : 'null';
}
function primaryLocationJson(texts, file, line) {
    let lines = texts.primaryLocations.get(file);
    if (lines === undefined)
        texts.primaryLocations.set(file, (lines = new Map()));
    let text = lines.get(line);
    if (text === undefined) {
        text = `{"physicalLocation":{"artifactLocation":{"uri":${json(texts.stacks.uriOf(file))},"uriBaseId":${json(SRCROOT)}},"region":{"startLine":${numberJson(line)}}}}`;
        lines.set(line, text);
    }
    return text;
}
/**
 * What a result says of its stacks, as JSON text: the first frame of the user's code in the
 * workspace of each further stack ("Address ... alloc'd at") as a related location, and every stack
 * as a code flow. Made from the stacks and the workspace alone, so it can be made ahead: the
 * engine hands in each record as the XML follower reads it, while valgrind still runs. Kept by
 * stack: a finding keeps the stacks of its first record, and a record's stacks never change.
 */
class SarifStacks {
    workspace;
    maxPreparedChars;
    texts = new WeakMap();
    write;
    /** Labels of stacks as JSON text (the same kind of error is labelled alike). */
    labels = new Map();
    preparedChars = 0;
    /** Workspace files' URIs, each made once (for the results' primary locations too). */
    uriOf = workspaceUris();
    constructor(workspace, maxPreparedChars = AHEAD_TEXT_CHARS) {
        this.workspace = workspace;
        this.maxPreparedChars = maxPreparedChars;
        this.write = frameWriter(workspace, this.uriOf);
    }
    /**
     * Made ahead for the first records only, up to a budget of characters: a run writes its 5,000
     * most severe findings, which need not be the first ones read, and texts kept for all of 60,000
     * findings would only take memory.
     */
    prepare(record) {
        if (this.preparedChars >= this.maxPreparedChars || this.texts.has(record.stack))
            return;
        const text = this.stacksJson(record);
        this.preparedChars += text.length;
        this.texts.set(record.stack, text);
    }
    of(finding) {
        return this.texts.get(finding.stack) ?? this.stacksJson(finding);
    }
    labelJson(label) {
        let text = this.labels.get(label);
        if (text === undefined) {
            text = json(label);
            this.labels.set(label, text);
        }
        return text;
    }
    stacksJson(finding) {
        const write = this.write;
        const out = [];
        // An aux stack's first user frame in the workspace, as a related location.
        let related = 0;
        for (const aux of finding.auxStacks) {
            const frame = aux.frames.find((f) => write(f).userLine);
            if (frame === undefined)
                continue;
            related++;
            out.push(related === 1 ? ',"relatedLocations":[' : ',', `{"physicalLocation":${write(frame).physicalLocation},"message":{"text":${json(`${aux.label} ${frameText(frame)}`)}},"id":${numberJson(related)}}`);
        }
        if (related > 0)
            out.push(']');
        // The stacks once, as code flows (what code scanning shows); SARIF `stacks` would repeat them.
        out.push(',"codeFlows":[');
        writeCodeFlow(out, this.labelJson(firstLine(finding.what)), finding.stack, write);
        for (const aux of finding.auxStacks) {
            out.push(',');
            writeCodeFlow(out, this.labelJson(aux.label), aux.frames, write);
        }
        out.push(']');
        return out.join('');
    }
}
const FINGERPRINT_FIELD = `,"partialFingerprints":{${json(FINGERPRINT_KEY)}:`;
/**
 * A finding as a SARIF result's JSON text; undefined for a finding outside the workspace. `head`
 * is the result's first fields (rule and level), the same for every finding of a rule and level.
 */
function resultJson(finding, head, input, texts) {
    // Code scanning places every alert on a file of the repository: findings without a frame in
    // the workspace stay in the job summary and the JSON report only.
    if (finding.location === undefined)
        return undefined;
    // Concatenated, not joined: the stacks' text made ahead is not copied again here, only once
    // when a piece of the file is written.
    let text = `${head},"message":{"text":${json(resultMessage(finding))}},"locations":[${primaryLocationJson(texts, finding.location.file, finding.location.line)}]`;
    text += texts.stacks.of(finding);
    if (finding.fingerprint !== undefined) {
        text += `${FINGERPRINT_FIELD}${json(finding.fingerprint)}}`;
    }
    if (input.withBaseline && finding.baseline !== undefined) {
        text += `,"baselineState":${json(finding.baseline)}`;
    }
    // Sarif.PropertyBag: how often, in how many processes, the leak's size, the tests.
    text += `,"properties":{"occurrences":${numberJson(finding.occurrences)},"processes":${numberJson(finding.processCount)}`;
    if (finding.leak !== undefined) {
        text += `,"leakedBytes":${numberJson(finding.leak.bytes)},"leakedBlocks":${numberJson(finding.leak.blocks)}`;
    }
    if (finding.tests.length > 0)
        text += `,"tests":${json(finding.tests.map(testLabel))}`;
    return `${text}}}`;
}
function runJson(tool, input) {
    const findings = input.findings.filter((finding) => finding.tool === tool);
    const rules = [];
    // Per kind: its rule's index, and its results' first fields per level.
    const ruleOf = new Map();
    const results = [];
    const texts = {
        stacks: input.stacks?.workspace === input.workspace ? input.stacks : new SarifStacks(input.workspace),
        primaryLocations: new Map()
    };
    const maxResults = input.maxResultsPerRun ?? SARIF_RESULTS_PER_RUN;
    let omitted = 0;
    for (const finding of findings) {
        if (results.length >= maxResults) {
            if (finding.location !== undefined)
                omitted++;
            continue;
        }
        let kindRule = ruleOf.get(finding.kind);
        if (kindRule === undefined) {
            kindRule = { index: rules.length, heads: new Map() };
            ruleOf.set(finding.kind, kindRule);
            rules.push(rule(tool, finding.kind, findingCategory(finding), input.failOn));
        }
        const resultLevel = level(findingCategory(finding), input.failOn);
        let head = kindRule.heads.get(resultLevel);
        if (head === undefined) {
            head = `{"ruleId":${json(finding.kind)},"ruleIndex":${numberJson(kindRule.index)},"level":${json(resultLevel)}`;
            kindRule.heads.set(resultLevel, head);
        }
        const entry = resultJson(finding, head, input, texts);
        if (entry !== undefined)
            results.push(entry);
    }
    const driver = {
        name: `Valgrind ${toolLabel(tool)}`,
        ...(input.valgrindVersion !== undefined ? { version: input.valgrindVersion } : {}),
        informationUri: 'https://valgrind.org/',
        rules
    };
    const invocation = {
        executionSuccessful: (input.problems ?? []).length === 0,
        commandLine: input.commandLine,
        toolExecutionNotifications: [
            ...(input.problems ?? []).map((text) => ({
                level: 'error',
                message: { text }
            })),
            ...(omitted > 0
                ? [
                    {
                        level: 'warning',
                        message: { text: omittedResultsText(omitted, maxResults) }
                    }
                ]
                : [])
        ]
    };
    const baseIds = {
        [SRCROOT]: { uri: fileUri(input.workspace.replace(/\/?$/, '/')) }
    };
    const columnKind = 'utf16CodeUnits';
    return {
        head: `{"tool":${json({ driver })},"originalUriBaseIds":${json(baseIds)},"invocations":${json([invocation])},"results":[`,
        results,
        tail: `],"columnKind":${json(columnKind)}}`
    };
}
/** Why a run holds fewer results than findings. */
function omittedResultsText(omitted, kept) {
    return `${omitted} more finding${omitted === 1 ? '' : 's'} left out of the SARIF file: code scanning keeps the ${kept} most severe results of a run (and rejects a run of over 25,000). The JSON report lists every finding.`;
}
function buildSarif(input) {
    const tools = [...input.tools];
    for (const finding of input.findings)
        if (!tools.includes(finding.tool))
            tools.push(finding.tool);
    return { runs: tools.map((tool) => runJson(tool, input)) };
}
/** Characters of results joined into one piece of the text at most (beyond one result's own). */
const CHUNK_CHARS = 1 << 20;
/**
 * The log's JSON text in pieces of about a megabyte, in order. The file is written piece by piece:
 * a log of thousands of results is never copied into one string, then into one buffer.
 */
function* sarifChunks(log) {
    yield `{"$schema":${json(SARIF_SCHEMA)},"version":"2.1.0","runs":[`;
    for (let runIndex = 0; runIndex < log.runs.length; runIndex++) {
        const run = log.runs[runIndex];
        yield `${runIndex === 0 ? '' : ','}${run.head}`;
        let piece = '';
        for (let index = 0; index < run.results.length; index++) {
            piece += index === 0 ? run.results[index] : `,${run.results[index]}`;
            if (piece.length >= CHUNK_CHARS || index === run.results.length - 1) {
                yield piece;
                piece = '';
            }
        }
        yield run.tail;
    }
    yield ']}';
}
/** Writes the log to `file`. On failure the partial file is removed and the error thrown. */
async function writeSarif(file, log) {
    await writeTextFile(file, sarifFileChunks(log));
}
function* sarifFileChunks(log) {
    yield* sarifChunks(log);
    yield '\n';
}

// When a pass produced no usable XML, says why in valgrind's own words: an option of the user's
// that turns the XML off or sends it elsewhere, or valgrind refusing to start (an unknown option
// or tool, a suppressions file that is a directory or malformed). The message is got by starting
// valgrind again with the same options on `true`: cheap, and only on this failure path.
/** What valgrind printed when it refused to start, without its `==pid==` prefixes and banners. */
function valgrindStartupMessage(stderr) {
    const lines = stderr
        .split('\n')
        .map((line) => line
        .replace(/^==\d+==\s?/, '')
        .replace(/^valgrind:\s*/, '')
        .trim())
        .filter((line) => line !== '')
        .filter((line) => !/^Use --help for more information/.test(line))
        .filter((line) => !/^exiting now\.?$/.test(line));
    return lines.length > 0 ? lines.join(' ') : undefined;
}
/**
 * What valgrind's launcher said when it could not start the tool for the program (a binary for
 * another platform: `valgrind: failed to start tool 'memcheck' for platform 'arm64-linux': ...`),
 * from the start of the command's stderr; undefined when it said nothing. Its lines come first
 * and start with `valgrind: `; only asked when no XML file was written at all, so a program (which
 * runs only after valgrind wrote its XML preamble) cannot put words in valgrind's mouth there.
 */
function launcherRefusal(stderrHead) {
    const lines = [];
    for (const line of (stderrHead ?? '').split('\n')) {
        if (!line.startsWith('valgrind: '))
            break;
        lines.push(line);
    }
    return lines.length > 0 ? valgrindStartupMessage(lines.join('\n')) : undefined;
}
/**
 * An option of the user's that keeps the action from reading valgrind's XML, from valgrind's argv
 * (the last occurrence of an option wins, as in valgrind), or undefined.
 */
function xmlOptionProblem(valgrindArgv, expectedXmlFile) {
    if (lastOption(valgrindArgv, 'xml') === 'no') {
        return `valgrind-args turns valgrind's XML off (--xml=no), and the action reads every finding from that XML: nothing was checked. Remove --xml=no.`;
    }
    const xmlFile = lastOption(valgrindArgv, 'xml-file');
    if (xmlFile !== undefined && xmlFile !== expectedXmlFile) {
        return `valgrind-args sends valgrind's XML to '${xmlFile}', where the action does not read it: nothing was checked. Remove --xml-file (each process's file is kept in the output 'xml-dir').`;
    }
    const xmlFd = lastOption(valgrindArgv, 'xml-fd');
    if (xmlFd !== undefined && xmlFile === undefined) {
        return `valgrind-args sends valgrind's XML to file descriptor ${xmlFd}, where the action does not read it: nothing was checked. Remove --xml-fd.`;
    }
    return undefined;
}
/**
 * Starts valgrind with `options` on `true`: when it refuses to start, its message (else
 * undefined). Never throws.
 */
async function valgrindRefusal(executable, options, cwd) {
    return new Promise((resolve) => {
        execFile(executable, [...options, 'true'], { cwd, encoding: 'utf8', timeout: 60_000 }, (error, _stdout, stderr) => {
            if (error === null)
                return resolve(undefined);
            resolve(valgrindStartupMessage(stderr) ?? `exit status ${String(error.code)}`);
        });
    });
}

// Reads valgrind's XML output (protocol 4, 5 and 6; memcheck, helgrind, drd) into a ProcessRun,
// streaming: the file is read in chunks and never held whole, so memory depends on the number of
// distinct error contexts, not on the file's size. See tokenizer.ts for how malformed bytes are
// tolerated, reader.ts for what is kept, merge.ts for how repeated records become one finding.
/** Chunk size for reading files: measured faster than 1 MiB chunks (it stays in the CPU cache). */
const READ_CHUNK_BYTES = 1 << 16;
/** One document fed in pieces, as they arrive: from a stream, or from a file still being written. */
class XmlDocumentParser {
    reader;
    tokenizer;
    /** `file` names the source in warnings. */
    constructor(file) {
        this.reader = new ValgrindXmlReader(file);
        this.tokenizer = new XmlTokenizer(this.reader);
    }
    get bytesRead() {
        return this.tokenizer.bytesRead;
    }
    /** The document's end tag was read: nothing more is expected. */
    get documentEnded() {
        return this.reader.documentEnded;
    }
    /** The findings of the records read so far (see ValgrindXmlReader.findings). */
    get findingsSoFar() {
        return this.reader.findings;
    }
    feed(chunk) {
        this.tokenizer.feed(chunk);
    }
    /** A read that failed part-way: what was read is kept, the problem is a warning. */
    readFailed(error) {
        this.reader.warn(`reading stopped early: ${error.message}`);
    }
    finish() {
        this.tokenizer.end();
        return this.reader.finish(this.tokenizer.bytesRead);
    }
}
/**
 * Parses one valgrind XML file. Never throws on bad content: problems go to `run.warnings`, each
 * naming the file. Throws only when the file cannot be opened.
 */
async function parseValgrindXmlFile(file) {
    let handle;
    try {
        handle = await fs.promises.open(file, 'r');
    }
    catch (error) {
        const reason = error.code ?? error.message;
        throw new Error(`Cannot read valgrind XML file '${file}': ${reason}`);
    }
    try {
        return await parseValgrindXml(handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), file);
    }
    finally {
        await handle.close().catch(() => undefined);
    }
}
/** Same as parseValgrindXmlFile, from any byte stream; `file` names the source in warnings. */
async function parseValgrindXml(source, file) {
    const parser = new XmlDocumentParser(file);
    try {
        for await (const chunk of source)
            parser.feed(chunk);
    }
    catch (error) {
        // A read error part-way (or a bug of ours) must not lose what was read: report and go on.
        parser.readFailed(error);
    }
    return parser.finish();
}

// The XML files of one valgrind pass: each process writes `<pid>.xml` (`<pid>-<n>.xml` for the
// images it exec'd). Parsing them after the run costs as long as valgrind took to write them; the
// follower parses them while valgrind runs (valgrind keeps one core busy per process, the action's
// Node another), so that by the time the command exits little is left to read.
/** The XML files in `dir`, sorted by name (image order within a pid); none when it is missing. */
function xmlFileNames(dir) {
    return fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter((name) => name.endsWith('.xml'))
            .sort()
        : [];
}
function addRun(parsed, run) {
    parsed.runs.push(run);
    parsed.warnings.push(...run.warnings);
}
async function parseOne(file, parsed) {
    try {
        addRun(parsed, await parseValgrindXmlFile(file));
    }
    catch (error) {
        parsed.warnings.push(`${file}: could not be read (${error.message}).`);
    }
}
/** How many files are followed at once (each holds a descriptor); the rest are read at the end. */
const MAX_FOLLOWED_FILES = 256;
/**
 * Milliseconds before the next poll when the last one read something: valgrind writes its XML
 * faster as its translations warm up (30 MB/s and more), and a follower that sleeps a full interval
 * between reads leaves that much more to parse after the program exits.
 */
const BUSY_INTERVAL_MS = 10;
/** Idle intervals between looks at the files already read to their end. */
const RECHECK_ENDED_EVERY = 10;
/** Bytes of a file's start kept to tell, at the end, that it is still the file that was read. */
const HEAD_BYTES = 4096;
/**
 * Parses a pass's XML files while valgrind writes them. `finish()` gives what
 * `parseOutputDirectory` would give for the directory as it is then: files are followed by inode,
 * so a file moved (the exec launcher renames an image's file) or truncated in place (an exec
 * without the launcher) is read again whole, never mixed with what another image wrote.
 */
class XmlDirectoryFollower {
    dir;
    intervalMs;
    recheckEndedEvery;
    followed = new Map();
    /**
     * Files read to their document's end, by name: not looked at again until `finish()`, which checks
     * that they are unchanged (a suite of a thousand tests leaves a thousand files to poll).
     */
    ended = new Map();
    /** When ended files were last looked at (ms); the first poll looks. */
    lastRecheck = -Infinity;
    stopped = false;
    loop;
    timer;
    wake;
    findingsCallback;
    /** Of the files `finish()` returned: how many were followed to their end, how many read whole then. */
    counts = { followed: 0, readAtEnd: 0 };
    constructor(dir, intervalMs = 100, recheckEndedEvery = RECHECK_ENDED_EVERY) {
        this.dir = dir;
        this.intervalMs = intervalMs;
        this.recheckEndedEvery = recheckEndedEvery;
    }
    start() {
        this.loop ??= this.run();
    }
    async run() {
        while (!this.stopped) {
            // poll() catches what it expects; anything else must not end the run as an unhandled rejection.
            const bytesRead = await this.poll().catch(() => 0);
            if (this.stopped)
                break;
            await new Promise((resolve) => {
                this.wake = resolve;
                this.timer = setTimeout(resolve, bytesRead > 0 ? Math.min(BUSY_INTERVAL_MS, this.intervalMs) : this.intervalMs);
            });
        }
    }
    /** Reads what was appended to every file since the last poll; returns how many bytes. Never throws. */
    async poll() {
        let names;
        let bytesRead = 0;
        try {
            names = (await fs.promises.readdir(this.dir)).filter((name) => name.endsWith('.xml'));
        }
        catch {
            return 0; // not created yet
        }
        // Ended files are looked at again once in a while: a new file may have taken the name (an
        // exec'd image writes under its pid's name once the launcher moved the old file away).
        // Timed, not counted: busy polls come every few milliseconds.
        const now = Date.now();
        const recheck = now - this.lastRecheck >= this.intervalMs * this.recheckEndedEvery;
        if (recheck)
            this.lastRecheck = now;
        for (const name of names) {
            if (this.stopped)
                return bytesRead;
            if (this.ended.has(name) && !recheck)
                continue;
            const file = path.join(this.dir, name);
            let stat;
            try {
                stat = await fs.promises.stat(file);
            }
            catch {
                continue; // removed meanwhile (the launcher drops an image's file with no record)
            }
            const key = `${stat.dev}:${stat.ino}`;
            let entry = this.followed.get(key);
            const ended = this.ended.get(name);
            if (ended !== undefined) {
                if (ended === entry)
                    continue;
                this.ended.delete(name);
            }
            if (entry === undefined) {
                if (this.openCount() >= MAX_FOLLOWED_FILES)
                    continue;
                let handle;
                try {
                    handle = await fs.promises.open(file, 'r');
                }
                catch {
                    continue;
                }
                entry = {
                    name,
                    handle,
                    parser: new XmlDocumentParser(file),
                    offset: 0,
                    head: Buffer.alloc(0),
                    stale: false,
                    findingsSeen: 0
                };
                this.followed.set(key, entry);
            }
            if (entry.stale)
                continue;
            if (stat.size < entry.offset)
                entry.stale = true;
            else if (stat.size > entry.offset)
                bytesRead += await this.readAppended(entry);
            if (!entry.stale)
                this.handOnFindings(entry);
            if (!entry.stale && entry.name === name && entry.parser.documentEnded) {
                // Its descriptor is freed for other files; `finish()` reopens it to check its start.
                await entry.handle?.close().catch(() => undefined);
                entry.handle = undefined;
                this.ended.set(name, entry);
            }
        }
        return bytesRead;
    }
    /**
     * Called, while following, with the findings of records as they are read: a caller works out
     * what it can of each while valgrind still runs (its own cache: `finish()` returns every run
     * whole either way, and a file read again at the end brings new finding objects).
     */
    onFindings(callback) {
        this.findingsCallback = callback;
    }
    handOnFindings(entry) {
        const found = entry.parser.findingsSoFar;
        if (this.findingsCallback === undefined || found.length <= entry.findingsSeen)
            return;
        const fresh = found.slice(entry.findingsSeen);
        entry.findingsSeen = found.length;
        try {
            this.findingsCallback(fresh);
        }
        catch {
            // Only work ahead: what it failed to do is done after the run, where errors are reported.
        }
    }
    openCount() {
        let count = 0;
        for (const entry of this.followed.values())
            if (entry.handle !== undefined)
                count++;
        return count;
    }
    /** Feeds the parser what was appended to the file since the last read; returns how many bytes. */
    async readAppended(entry) {
        if (entry.handle === undefined)
            return 0;
        let total = 0;
        try {
            for (;;) {
                // A fresh buffer per read: the tokenizer may keep a view of a chunk's unfinished token.
                const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
                const { bytesRead } = await entry.handle.read(buffer, 0, buffer.length, entry.offset);
                if (bytesRead === 0)
                    return total;
                const chunk = buffer.subarray(0, bytesRead);
                if (entry.head.length < HEAD_BYTES) {
                    entry.head = Buffer.concat([
                        entry.head,
                        chunk.subarray(0, HEAD_BYTES - entry.head.length)
                    ]);
                }
                entry.parser.feed(chunk);
                entry.offset += bytesRead;
                total += bytesRead;
            }
        }
        catch {
            entry.stale = true;
            return total;
        }
    }
    /** Whether `file` still starts with what the entry read from it. */
    async sameStart(entry, file) {
        const buffer = Buffer.alloc(entry.head.length);
        let handle = entry.handle;
        try {
            handle ??= await fs.promises.open(file, 'r');
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
            return bytesRead === buffer.length && buffer.equals(entry.head);
        }
        catch {
            return false;
        }
        finally {
            if (handle !== entry.handle)
                await handle?.close().catch(() => undefined);
        }
    }
    async stop() {
        this.stopped = true;
        if (this.timer !== undefined)
            clearTimeout(this.timer);
        this.wake?.();
        await this.loop;
    }
    /**
     * Stops following and returns every file's run, as `parseOutputDirectory` would after the run:
     * the files followed to their end, the others (new, moved, truncated) read whole now.
     */
    async finish() {
        await this.stop();
        const parsed = { runs: [], warnings: [] };
        try {
            for (const name of xmlFileNames(this.dir)) {
                const file = path.join(this.dir, name);
                const entry = await this.entryFor(file, name);
                if (entry !== undefined)
                    await this.readAppended(entry);
                if (entry === undefined || entry.stale || !(await this.sameStart(entry, file))) {
                    this.counts.readAtEnd++;
                    await parseOne(file, parsed);
                    continue;
                }
                this.counts.followed++;
                addRun(parsed, entry.parser.finish());
            }
        }
        finally {
            await Promise.all([...this.followed.values()].map((entry) => entry.handle?.close().catch(() => undefined)));
            this.followed.clear();
        }
        return parsed;
    }
    /** The entry that followed this very file under this very name, if any. */
    async entryFor(file, name) {
        let stat;
        try {
            stat = await fs.promises.stat(file);
        }
        catch {
            return undefined;
        }
        const entry = this.followed.get(`${stat.dev}:${stat.ino}`);
        if (entry === undefined || entry.name !== name || stat.size < entry.offset)
            return undefined;
        // A file closed at its document's end that grew since (content after the end) is read whole.
        if (entry.handle === undefined && stat.size !== entry.offset)
            return undefined;
        return entry;
    }
}

// The engine shared by the GitHub Action and the command line (as actions/cache shares one core
// between restore and save): plan, run, parse, decide. What differs between the two entry points —
// where messages go, whether output is fenced — is passed in as an `EngineHost`.
/** The valgrind the install step found or installed, as the engine and the summary name it. */
function valgrindFromInstall(result) {
    return {
        executable: result.valgrindPath,
        version: result.version,
        source: SOURCE_WORDS[result.source],
        seconds: result.seconds
    };
}
function memcheckInvocation(config, host, tool, runDirectory, executable) {
    const outputDir = path.join(runDirectory, tool);
    // Memcheck is asked for every leak kind (byte totals must equal its LEAK SUMMARY); the user's
    // --show-leak-kinds and friends choose what is shown instead.
    const show = tool === 'memcheck' ? leakShowOptions(config.valgrindArgs) : undefined;
    const status = exitStatusArgs({
        tool,
        failOn: config.failOn,
        errorExitCode: config.errorExitCode
    });
    const argv = [
        executable,
        ...errorCheckArgs({
            tool,
            xmlDir: outputDir,
            trackOrigins: config.trackOrigins,
            traceChildren: config.traceChildren,
            traceChildrenSkip: config.traceChildrenSkip,
            suppressions: config.suppressions,
            // The exit-status options first: the user's own valgrind-args, after them, win.
            // valgrind writes a suppression into the XML for every error it reports.
            extraArgs: [
                ...status.args,
                ...(config.writeSuppressions ? ['--gen-suppressions=all'] : []),
                ...(show?.args ?? config.valgrindArgs)
            ]
        })
    ];
    const xmlProblem = xmlOptionProblem(argv.slice(1), valgrindFileOption(outputDir, '%p.xml'));
    if (xmlProblem !== undefined)
        throw new InputError(xmlProblem);
    let env;
    if (config.traceChildren) {
        // Every image of an exec'ing process keeps its own XML file (see exec-launcher.ts).
        const valgrind = resolveExecutable(executable, config.workingDirectory).path ?? executable;
        env = installExecLauncher({
            scriptPath: path.join(runDirectory, `${tool}-exec-launcher.sh`),
            valgrind,
            xmlDirectory: outputDir,
            // A Rust test checks the status of what it runs (assert_cmd): valgrind's --error-exitcode
            // stays on the test processes, which nextest and cargo judge, not on their children.
            dropErrorExitcode: parseCargoTestCommand(config.command) !== undefined
        });
        if (env === undefined) {
            host.warning(`Could not run a script from ${runDirectory} (mounted noexec?): a traced process that calls exec overwrites the XML of the image it replaces. Set 'output-directory' to a directory that allows running files.`);
        }
    }
    return {
        valgrind: { tool, outputDir, env, argv },
        shownLeakKinds: show?.shown,
        notes: status.note !== undefined ? [status.note] : []
    };
}
async function planRun(config, valgrind) {
    const rust = await planRustRun(config, valgrind);
    if (rust !== undefined)
        return rust;
    const program = config.command[0];
    const lookup = resolveExecutable(program, config.workingDirectory);
    if (lookup.problem === 'not found') {
        throw new InputError(`Input 'command': the program '${program}' was not found (looked ${program.includes('/') ? `at ${path.resolve(config.workingDirectory, program)}` : 'on PATH'}, from working directory ${config.workingDirectory}). Build it before this step, or fix the path.`);
    }
    if (lookup.problem === 'is not executable') {
        throw new InputError(`Input 'command': '${lookup.candidate}' exists but is not executable. Make it executable (chmod +x) before this step, or name its interpreter first (e.g. 'sh ${program}', 'python3 ${program}').`);
    }
    if (lookup.problem === 'is a directory') {
        throw new InputError(`Input 'command': '${lookup.candidate}' is a directory, not a program. Name the program inside it.`);
    }
    const suite = await planSuiteRun(config, valgrind);
    if (suite !== undefined)
        return suite;
    return planProgramRun(config, valgrind);
}
/** A plan that runs itself (nextest in batches): its output fenced like a program's. */
async function fenced(options, execute) {
    const token = randomUUID().replace(/-/g, '');
    if (options.fenceCommands)
        options.write(`::stop-commands::${token}\n`);
    try {
        return await execute(options);
    }
    finally {
        if (options.fenceCommands)
            options.write(`\n::${token}::\n`);
    }
}
/** Plans and runs one valgrind pass (memcheck-like or callgrind) over the user's command. */
async function runPass(config, host, valgrind, description) {
    // Cancelled before it began (e.g. while valgrind was being installed): start nothing.
    if (host.cancel?.aborted)
        throw new RunError('valgrind was not started.');
    fs.mkdirSync(valgrind.outputDir, { recursive: true });
    const plan = await planRun(config, valgrind);
    plan.env = { ...valgrind.env, ...plan.env };
    for (const note of plan.notes)
        host.info(note);
    host.info(`Running ${config.commandLine} under ${description} (files in ${valgrind.outputDir})`);
    const options = {
        fenceCommands: host.fenceCommands,
        write: host.write,
        cancel: host.cancel,
        // Unique to this run (run-<time>-<random>/<tool>), and in every valgrind's --xml-file.
        trackArgument: `=${valgrindFileOption(valgrind.outputDir, '')}`
    };
    const exit = plan.execute !== undefined
        ? await fenced(options, plan.execute)
        : await executePlan(plan, options);
    if (exit.cancelled !== undefined) {
        host.info(`Cancelled (${exit.cancelled}): valgrind and the program were stopped; reporting what valgrind wrote until then.`);
    }
    if (exit.leftRunning > 0) {
        const late = exit.lateOutputBytes > 0
            ? ` They wrote ${exit.lateOutputBytes} bytes after that, left out of the log.`
            : '';
        host.info(`${exit.leftRunning} process${exit.leftRunning === 1 ? '' : 'es'} started by the command ${exit.leftRunning === 1 ? 'was' : 'were'} still running after it exited; the action ended ${exit.leftRunning === 1 ? 'it' : 'them'} (SIGTERM, then SIGKILL if still running ${STOP_GRACE_MS / 1000} s later).${late}`);
    }
    return { plan, exit };
}
/** Why nothing usable came out of a pass: valgrind's or cargo's own failure, or a plain problem. */
async function noXmlProblem(config, invocation, plan, exit, testProcesses, top) {
    if (isRustMode(plan.mode) && testProcesses === 0) {
        if (exit.exitCode !== 0 && exit.signal === null) {
            const cargo = await cargoSetupProblem({
                mode: plan.mode,
                command: config.command,
                cwd: config.workingDirectory
            });
            if (cargo !== undefined)
                return { setup: `Cargo failed: ${cargo}` };
            return {
                problem: `cargo exited with status ${exit.exitCode} before any test ran under valgrind, so nothing was checked: see cargo's output above (a build error, or no test matched the filters).`
            };
        }
        return {
            problem: `No test ran under valgrind (cargo ${exit.signal !== null ? `was killed by ${exit.signal}` : 'exited with status 0'}), so nothing was checked: do the test filters match any test?`
        };
    }
    // Start valgrind again with the same options (XML to a scratch file) to hear why it refused.
    const scratch = fs.mkdtempSync(path.join(path.dirname(invocation.outputDir), 'startup-'));
    const [executable, ...options] = invocation.argv;
    const probe = options.map((option) => option.startsWith('--xml-file=')
        ? `--xml-file=${valgrindFileOption(scratch, '%p.xml')}`
        : option);
    // It may refuse the program only (a binary for another platform): what its launcher said first,
    // when the command's own process wrote no XML at all.
    const refusal = (await valgrindRefusal(executable, probe, config.workingDirectory)) ??
        (plan.mode === 'program' && top === undefined ? launcherRefusal(exit.stderrHead) : undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
    if (refusal !== undefined) {
        return {
            setup: `Valgrind failed to start, so nothing was checked. Valgrind says: ${refusal}`
        };
    }
    if (plan.mode === 'ctest' || plan.mode === 'meson') {
        // Valgrind starts: the driver ran no test under it (filters matching none, no build there).
        const driver = plan.mode === 'ctest' ? 'ctest' : 'meson test';
        return {
            problem: `${driver} ran no test under valgrind (no test process wrote valgrind's XML), so nothing was checked. Do the command's test filters match any test, and is ${plan.suiteDirectory !== undefined ? `'${plan.suiteDirectory}'` : 'its directory'} a configured build directory? ${driver}'s own words are in the log above.`
        };
    }
    if (top !== undefined && !usableXml(top)) {
        return {
            problem: `The XML of the program's own process${top.pid !== undefined ? ` (pid ${top.pid})` : ''} ends before its first record, so nothing was checked in it (${top.file} is kept).`
        };
    }
    return {
        problem: `Valgrind wrote no usable XML in ${invocation.outputDir} (no file, an empty one, or one cut before its first record), so nothing was checked. See valgrind's message in the log above.`
    };
}
async function runErrorCheck(config, host, tool, runDirectory) {
    const invocation = memcheckInvocation(config, host, tool, runDirectory, host.valgrind.executable);
    const valgrind = invocation.valgrind;
    for (const note of invocation.notes)
        host.info(note);
    const started = Date.now();
    // The XML is parsed while valgrind writes it, and each record's place, key and identity worked
    // out as it is read: after the run, only the rest is left to read, and findings to group.
    const follower = new XmlDirectoryFollower(valgrind.outputDir);
    const collector = new FindingCollector({
        workspace: config.workspace,
        failOn: config.failOn,
        shownLeakKinds: invocation.shownLeakKinds,
        allocatorWrappers: config.allocatorWrappers
    });
    const recipes = new RecipeHashes();
    const sarifStacks = config.sarif ? new SarifStacks(config.workspace) : undefined;
    const findingJson = new FindingJsonWriter();
    follower.onFindings((records) => {
        for (const record of records) {
            findingJson.prepare(collector.prepare(record));
            recipes.prepare(record);
            sarifStacks?.prepare(record);
        }
    });
    follower.start();
    let pass;
    try {
        pass = await runPass(config, host, valgrind, `valgrind ${tool}`);
    }
    catch (error) {
        await follower.finish(); // closes the files it holds open
        throw error;
    }
    const parsed = await follower.finish();
    const { plan, exit } = pass;
    let runs = parsed.runs;
    let warnings = parsed.warnings;
    let testFailures = [];
    let isolation = [];
    let failedByValgrind = [];
    let testProcesses;
    const problems = [];
    if (isRustMode(plan.mode)) {
        const finished = await finishRustRun(plan, runs, exit.exitCode, config.workspace);
        runs = finished.runs;
        testFailures = finished.testFailures;
        isolation = finished.isolation;
        failedByValgrind = finished.failedByValgrind;
        testProcesses = finished.testProcesses;
        for (const note of [...finished.isolation, ...finished.notes])
            host.info(note);
    }
    else {
        runs = attributeProcesses(runs, {
            workspace: config.workspace,
            workingDirectory: config.workingDirectory,
            runner: plan.mode === 'ctest' || plan.mode === 'meson' ? plan.mode : undefined,
            tests: plan.suiteTests ?? [],
            toolchain: globPattern(config.traceChildrenSkip),
            testOfLogFile: plan.mode === 'ctest' && plan.suiteDirectory !== undefined
                ? ctestTestsByLogFile(plan.suiteDirectory, started - 1000, plan.suiteLogsBefore)
                : undefined
        });
        // A skipped child's header-only file, or valgrind cut short by running under valgrind, is
        // not "the XML ends early (killed?)": those are explained once, below and in the summary.
        const explained = new Set(runs
            .filter((run) => run.role === 'untraced' || run.role === 'nested-valgrind')
            .flatMap((run) => run.warnings));
        warnings = warnings.filter((warning) => !explained.has(warning));
        const split = splitSuiteFailures(suiteFailures(plan, started), runs, plan.suiteTests);
        testFailures = split.own;
        failedByValgrind = split.byValgrind;
        if (failedByValgrind.length > 0) {
            host.info(`valgrind's --error-exitcode failed ${failedByValgrind.length} test(s) in which it found errors: ${failedByValgrind.map((test) => test.name ?? test.binary).join(', ')}.`);
        }
        const nested = nestedValgrindProblem(runs, plan.suiteTests);
        if (nested !== undefined)
            problems.push(nested);
    }
    if (plan.mode === 'program') {
        const crashed = crashedChildrenWarning(runs, topProcess(runs), config.workspace);
        if (crashed !== undefined)
            warnings.push(crashed);
    }
    const killed = exit.leftKilled ?? 0;
    if (killed > 0) {
        warnings.push(`${plural(killed, 'process', 'processes')} the command left running ignored SIGTERM and ${killed === 1 ? 'was' : 'were'} killed by the action (SIGKILL): valgrind could not finish checking ${killed === 1 ? 'it' : 'them'}, so ${killed === 1 ? 'its' : 'their'} leaks are unknown (${killed === 1 ? 'its XML file is' : 'their XML files are'} kept). Make the program stop its children on exit, or on SIGTERM.`);
    }
    const setupProblems = [];
    const top = plan.mode === 'program' ? topProcess(parsed.runs) : undefined;
    const topCut = top !== undefined && !usableXml(top);
    if (!parsed.runs.some(usableXml) || topCut) {
        const why = await noXmlProblem(config, valgrind, plan, exit, testProcesses, top);
        if (why.setup !== undefined) {
            setupProblems.push(why.setup);
            // The tests "failed" because valgrind or cargo could not run them: not failures of their own.
            testFailures = [];
        }
        if (why.problem !== undefined)
            problems.push(why.problem);
    }
    return {
        tool,
        mode: plan.mode,
        runs,
        exit,
        testFailures,
        isolation,
        failedByValgrind,
        warnings,
        problems,
        setupProblems,
        xmlDirectory: valgrind.outputDir,
        collector,
        recipes,
        sarifStacks,
        findingJson
    };
}
async function runProfile(config, host, runDirectory) {
    const outputDir = path.join(runDirectory, 'callgrind');
    // Address-space randomisation off, where the kernel allows it, for repeatable counts.
    const prefix = await noRandomizationPrefix();
    const valgrind = {
        tool: 'callgrind',
        outputDir,
        argv: [
            ...prefix,
            host.valgrind.executable,
            ...callgrindArgs({
                outputDir,
                traceChildren: config.traceChildren,
                traceChildrenSkip: config.traceChildrenSkip,
                extraArgs: config.callgrindArgs
            })
        ]
    };
    const { plan, exit } = await runPass(config, host, valgrind, 'valgrind callgrind');
    const profiles = await readCallgrindDirectory(outputDir);
    const testFailures = isRustMode(plan.mode)
        ? (await finishRustRun(plan, [], exit.exitCode)).testFailures
        : [];
    const rows = [];
    // A plain program's processes are no tests, whatever their arguments look like.
    const identify = plan.suiteTests !== undefined
        ? suiteTestIdentifier(plan)
        : isRustMode(plan.mode)
            ? testIdentifier(plan)
            : () => undefined;
    for (const profile of profiles) {
        const test = profile.exe !== undefined ? identify(profile.exe, profile.args) : undefined;
        if (test === 'list')
            continue; // nextest's list phase, if it ran under the runner
        rows.push({ profile, test });
    }
    const problems = [];
    if (rows.length === 0) {
        problems.push(`Callgrind wrote no profile in ${outputDir}: it did not start, or the program never ran under it (see the log above).`);
    }
    return {
        mode: plan.mode,
        exit,
        testFailures,
        rows,
        warnings: profiles.flatMap((profile) => profile.warnings),
        problems,
        directory: outputDir
    };
}
/** Wording for a program failure seen only in the callgrind pass (the verdict has the first). */
function profileFailure(check, profile) {
    if (check === undefined)
        return undefined;
    const failed = (exit) => exit.signal !== null || (exit.exitCode ?? 0) !== 0;
    if (!failed(profile.exit) || failed(check.exit))
        return undefined;
    const how = profile.exit.signal !== null
        ? `was killed by ${profile.exit.signal}`
        : `exited with status ${profile.exit.exitCode}`;
    return `Under callgrind, the ${profile.mode === 'program' ? 'program' : 'test command'} ${how}.`;
}
async function runEngine(config, host, options = {}) {
    // Read first: a bad baseline file is an input error, found before minutes of valgrind.
    const baseline = options.baseline ??
        (config.baseline.kind === 'file' ? readBaselineReport(config.baseline.file) : undefined);
    const runDirectory = createRunDirectory(config.outputDirectory);
    const checker = errorTool(config);
    const check = checker !== undefined ? await runErrorCheck(config, host, checker, runDirectory) : undefined;
    // A cancelled run does not start its next pass.
    const profile = config.tools.includes('callgrind') && check?.exit.cancelled === undefined
        ? await runProfile(config, host, runDirectory)
        : undefined;
    // One of the two passes ran: config validation guarantees at least one tool.
    const first = (check ?? profile);
    const runs = check?.runs ?? [];
    // Test failures of the error check when it ran: the callgrind pass would only repeat them.
    const testFailures = check?.testFailures ?? profile?.testFailures ?? [];
    const cancelled = first.exit.cancelled;
    const problems = [...(check?.problems ?? []), ...(profile?.problems ?? [])];
    if (cancelled !== undefined) {
        // First: it explains every other gap (a missing pass, incomplete XML).
        problems.unshift(`The run was cancelled (${cancelled}): valgrind and the program were stopped, and the findings are those valgrind had written by then.`);
    }
    const profileProblem = profile !== undefined ? profileFailure(check, profile) : undefined;
    if (profileProblem !== undefined)
        problems.push(profileProblem);
    const warnings = [...(check?.warnings ?? []), ...(profile?.warnings ?? [])];
    // Compilers, build tools and shells a suite runs are not the project: their findings are
    // reported apart (collapsed in the summary) and never fail the step.
    const projectRuns = runs.filter((run) => run.role !== 'toolchain' && run.role !== 'untraced');
    const toolchainRuns = runs.filter((run) => run.role === 'toolchain');
    let findings = check !== undefined
        ? assignFingerprints(check.collector.collect(projectRuns), workspaceLineReader(config.workspace), check.recipes)
        : [];
    let baselineResult;
    let regressions = [];
    if (baseline !== undefined) {
        const applied = applyBaseline({
            baseline,
            findings,
            checker,
            profileRows: profile?.rows,
            thresholdPercent: config.regressionThreshold
        });
        findings = applied.findings;
        baselineResult = applied.result;
        regressions = applied.regressions;
    }
    // The signal that ended a cancelled run is the action's, not the program's failure.
    const valgrindStatus = check === undefined || cancelled !== undefined
        ? false
        : first.mode === 'program'
            ? first.exit.signal === null && statusFromValgrind(first.exit.exitCode, topProcess(runs))
            : first.exit.exitCode !== 0 &&
                testFailures.length === 0 &&
                check.failedByValgrind.length > 0;
    const outcome = cancelled !== undefined
        ? { exitCode: null, valgrindErrorExit: false }
        : programOutcome(first.exit, runs, valgrindStatus);
    if (valgrindStatus && first.mode === 'program') {
        host.info(`Exit status ${first.exit.exitCode} is valgrind's (--error-exitcode): it found errors, and replaced the program's own exit status.`);
    }
    if (first.mode === 'program' &&
        check !== undefined &&
        !valgrindStatus &&
        outcome.exitCode !== null &&
        outcome.exitCode !== 0 &&
        outcome.signal === undefined) {
        // make check, a test script: the status may come from tests that valgrind's status failed.
        const below = processesFailedByValgrind(runs, topProcess(runs));
        if (below.length > 0) {
            outcome.failedByValgrindBelow = below.map((run) => ({
                name: run.test?.binary ?? path.basename(run.exe ?? run.file),
                toolchain: run.role === 'toolchain'
            }));
            host.info(`Exit status ${outcome.exitCode} follows valgrind's --error-exitcode in ${plural(below.length, 'process', 'processes')} the command started (${shortList([...new Set(outcome.failedByValgrindBelow.map((process) => process.name))])}): valgrind found errors there, and the command failed with them.`);
        }
    }
    const dwarf = dwarfWarning(host.valgrind.version, runs);
    if (dwarf !== undefined)
        warnings.push(dwarf);
    const verdict = decideVerdict({
        findings,
        failOn: config.failOn,
        outcome,
        subject: first.mode === 'program' ? 'program' : 'tests',
        testFailures,
        problems,
        setupProblems: check?.setupProblems,
        errorCheck: check !== undefined,
        workspace: config.workspace,
        regressions
    });
    const report = {
        schemaVersion: 1,
        command: config.commandLine,
        mode: first.mode,
        tool: config.tools.join(','),
        valgrind: {
            version: host.valgrind.version,
            source: host.valgrind.source,
            seconds: host.valgrind.seconds
        },
        verdict,
        outcome,
        cancelled,
        failOn: [...config.failOn],
        leakTotals: check !== undefined ? sumLeakTotals(projectRuns) : undefined,
        leaksUnchecked: checker === 'memcheck' && !projectRuns.some((run) => run.finished) ? true : undefined,
        failingFindings: findings.filter((f) => f.failing).length,
        findings,
        processes: runs.filter((run) => run.role !== 'untraced').map(processSummary),
        untracedChildren: runs.filter((run) => run.role === 'untraced').length,
        toolchain: toolchainRuns.length > 0
            ? describeToolchain(toolchainRuns, sumLeakTotals(toolchainRuns), config.workspace)
            : undefined,
        testFailures,
        isolation: check !== undefined && check.isolation.length > 0 ? check.isolation : undefined,
        clientMessages: reportedClientMessages(runs),
        warnings,
        runDirectory,
        xmlDirectory: check?.xmlDirectory,
        profiles: profile !== undefined
            ? {
                directory: profile.directory,
                instructions: totalInstructions(profile.rows),
                rows: profile.rows
            }
            : undefined,
        baseline: baselineResult
    };
    if (baseline === undefined && options.baselineMissing !== undefined) {
        warnings.push(options.baselineMissing);
    }
    // An empty SARIF run closes every open alert: only a run that checked the program writes one.
    const checkedAll = runs.length > 0 && cancelled === undefined;
    if (config.sarif && checker !== undefined && !checkedAll) {
        host.info('SARIF not written: the error check did not run to the end, and an empty SARIF file would close open code scanning alerts.');
    }
    if (config.sarif && checker !== undefined && checkedAll) {
        const sarif = buildSarif({
            findings,
            tools: [checker],
            failOn: config.failOn,
            workspace: config.workspace,
            valgrindVersion: host.valgrind.version,
            commandLine: config.commandLine,
            withBaseline: baseline !== undefined,
            problems,
            stacks: check?.sarifStacks
        });
        const sarifFile = path.join(runDirectory, 'valgrind.sarif');
        try {
            await writeSarif(sarifFile, sarif);
            report.sarifFile = sarifFile;
            const results = sarif.runs.reduce((sum, run) => sum + (run.results?.length ?? 0), 0);
            const located = findings.filter((finding) => finding.location !== undefined).length;
            if (located > results)
                host.info(`SARIF: ${omittedResultsText(located - results, results)}`);
        }
        catch (error) {
            report.warnings.push(notWrittenWarning('SARIF file', error, `${sarifFile} is missing, output 'sarif-file' is empty, and this run has nothing for code scanning`));
        }
    }
    if (config.writeSuppressions !== undefined) {
        const written = suppressionsFile(findings);
        try {
            makeDirectories(path.dirname(config.writeSuppressions));
            await writeTextFile(config.writeSuppressions, [written.text]);
            report.suppressionsFile = config.writeSuppressions;
            host.info(`Wrote ${written.written} suppressions to ${config.writeSuppressions}${written.missing > 0 ? ` (${written.missing} findings came without one from valgrind)` : ''}.`);
        }
        catch (error) {
            report.warnings.push(notWrittenWarning('suppressions file', error, `${config.writeSuppressions} is missing`));
        }
    }
    const reportFile = path.join(runDirectory, 'report.json');
    try {
        await writeJsonFile(reportFile, { ...report }, check !== undefined ? { findings: check.findingJson.finding } : {});
        report.reportFile = reportFile;
    }
    catch (error) {
        report.warnings.push(notWrittenWarning('JSON report', error, `${reportFile} is missing, and output 'report' is empty`));
    }
    return report;
}
/** The DWARF 5 advice, when stacks lack lines in binaries valgrind cannot read. */
function dwarfWarning(version, runs) {
    // A valgrind that reads DWARF 5 needs no look at the frames (thousands) nor at the binaries.
    if (!predatesDwarf5(version))
        return undefined;
    const objects = objectsWithoutLines(runs);
    if (objects.length === 0)
        return undefined;
    return dwarf5Advice(version, objects.map((obj) => ({ obj, dwarf: dwarfVersion(obj) })));
}

export { visibleFrames as A, workspaceRelativePath as B, framePath as C, artifactNameProblem as D, assertNoDebuggerWait as E, LEAK_KINDS as L, MAX_ARTIFACT_NAME_LENGTH as M, NAME_CHARACTERS as N, LEAK_KIND_WORDS as a, findingTitle as b, findingText as c, threadText as d, testsText as e, formatNumber as f, ensurePrivateDirectory as g, ensureValgrind as h, cancelOnSignals as i, joinShellWords as j, runEngine as k, readBaselineReport as l, describeFrame as m, addLeaks as n, occurrenceText as o, listNames as p, codeHtml as q, readConfig as r, stackLines as s, testLabel as t, escapeHtml as u, valgrindFromInstall as v, toolLabel as w, plural as x, renderProfileSection as y, kindLabel as z };
