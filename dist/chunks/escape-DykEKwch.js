import * as fs from 'node:fs';
import { l as which, i as info, n as getExecOutput } from './core-BTpF9kUs.js';
import { createHash } from 'node:crypto';
import * as path from 'node:path';

// Errors that carry a message meant for the user: the entry points print the message alone,
// never a stack trace.
/** A problem with what the user gave us (an input, an option): what was wrong, what is accepted. */
class InputError extends Error {
    name = 'InputError';
}
/**
 * A system error as the user reads it: its code, then the message without the code Node puts in
 * front (`ENOSPC: no space left on device, write`); an error without a code, its message.
 */
function systemErrorText(error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error?.code;
    return code !== undefined ? `${code}: ${message.replace(/^[A-Z]+: /, '')}` : message;
}

// Valgrind version strings and the `valgrind-version` input's specs, as plain functions.
/** `valgrind --version` prints e.g. "valgrind-3.19.0", "valgrind-3.22.0.GIT" or "valgrind-3.18.1-Debian". */
function parseValgrindVersion(text) {
    const match = /valgrind-(\d+\.\d+(?:\.\d+)?)/.exec(text);
    return match?.[1];
}
/** The upstream part of a Debian package version: "1:3.19.0-1" → "3.19.0", "1:3.22.0-0ubuntu3" → "3.22.0". */
function upstreamOfDebianVersion(debianVersion) {
    const match = /^(?:\d+:)?(\d+\.\d+(?:\.\d+)?)/.exec(debianVersion.trim());
    return match?.[1];
}
/** Numeric comparison of dotted versions; missing parts count as 0 ("3.22" == "3.22.0"). */
function compareVersions(a, b) {
    const left = a.split('.').map(Number);
    const right = b.split('.').map(Number);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const difference = (left[i] ?? 0) - (right[i] ?? 0);
        if (difference !== 0)
            return Math.sign(difference);
    }
    return 0;
}
/**
 * The `valgrind-version` input: `system` (or nothing), a minimum `>=3.22` (`>= 3.22`), or an exact
 * release `3.26.0` or series `3.26`. The one reader of the grammar: config.ts checks the input with
 * it, and the installer reads what config.ts kept.
 */
function parseVersionSpec(spec) {
    const value = spec.trim();
    if (value === '' || value === 'system')
        return { kind: 'system' };
    const match = /^(>=)?\s*(\d+\.\d+(?:\.\d+)?)$/.exec(value);
    if (match === null) {
        throw new InputError(`Input 'valgrind-version': '${spec}' is not understood. Accepted: system, a minimum like >=3.22, or an exact release like 3.26.0.`);
    }
    return match[1] !== undefined
        ? { kind: 'minimum', version: match[2] }
        : { kind: 'exact', version: match[2] };
}
/** A spec as `Config.valgrindVersion` holds it, without spaces: `system`, `>=3.22`, `3.26.0`. */
function formatVersionSpec(spec) {
    switch (spec.kind) {
        case 'system':
            return 'system';
        case 'minimum':
            return `>=${spec.version}`;
        case 'exact':
            return spec.version;
    }
}
/** Whether an installed version meets the `valgrind-version` input. */
function satisfies(version, spec) {
    const parsed = parseVersionSpec(spec);
    switch (parsed.kind) {
        case 'system':
            return true;
        case 'minimum':
            return compareVersions(version, parsed.version) >= 0;
        case 'exact': {
            const wanted = parsed.version.split('.');
            const have = version.split('.');
            // "3.26" pins the minor series; "3.26.0" pins the release.
            return wanted.every((part, i) => Number(part) === Number(have[i] ?? 0));
        }
    }
}

// Where we are (OS, architecture, distribution) and what installing means there, as plain
// functions of their inputs so every branch is testable on one Debian machine.
/** Valgrind cannot run here: the message says so and what to do instead. */
class PlatformError extends Error {
    name = 'PlatformError';
}
/** Installing failed or was not allowed: the message names the cause and the fix. */
class InstallError extends Error {
    name = 'InstallError';
}
// Node's process.arch names of the Linux architectures valgrind supports (valgrind.org
// "Supported Platforms": x86, amd64, arm, arm64, ppc32/64, s390x, mips32/64, loongarch64 since
// 3.22, riscv64 since 3.25).
const SUPPORTED_ARCHES = new Set([
    'x64',
    'ia32',
    'arm64',
    'arm',
    'ppc',
    'ppc64',
    's390x',
    'mips',
    'mipsel',
    'loong64',
    'riscv64'
]);
/** Throws a PlatformError (clear message) on macOS/Windows/unsupported arch. Pure on its inputs. */
function assertSupportedPlatform(platform, arch) {
    if (platform === 'darwin' || platform === 'win32') {
        const os = platform === 'darwin' ? 'macOS' : 'Windows';
        throw new PlatformError(`valgrind does not run on ${os}. Run this step on a Linux runner (e.g. runs-on: ubuntu-latest).`);
    }
    if (platform !== 'linux') {
        throw new PlatformError(`This action runs valgrind on Linux only, and this runner's OS is '${platform}'. Run this step on a Linux runner (e.g. runs-on: ubuntu-latest).`);
    }
    if (!SUPPORTED_ARCHES.has(arch)) {
        throw new PlatformError(`valgrind does not support the '${arch}' architecture. Supported on Linux: ${[...SUPPORTED_ARCHES].join(', ')}. Run this step on an x64 or arm64 Linux runner.`);
    }
}
/** Reads /etc/os-release text (key=value lines, values optionally quoted). */
function detectDistro(osReleaseText) {
    const fields = new Map();
    for (const line of osReleaseText.split('\n')) {
        const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
        if (!match)
            continue;
        fields.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
    }
    const id = (fields.get('ID') ?? 'linux').toLowerCase();
    const versionId = fields.get('VERSION_ID') ?? '';
    const idLike = (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const names = [id, ...idLike];
    const has = (...candidates) => candidates.some((c) => names.includes(c));
    let family = 'unknown';
    if (has('debian', 'ubuntu'))
        family = 'apt';
    else if (has('alpine'))
        family = 'apk';
    else if (has('arch', 'archlinux'))
        family = 'pacman';
    else if (has('suse', 'opensuse', 'sles', 'opensuse-leap', 'opensuse-tumbleweed'))
        family = 'zypper';
    else if (has('fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'amzn', 'ol')) {
        // dnf since Fedora 22 / RHEL 8; yum on older RHEL clones and Amazon Linux 2.
        const major = Number(versionId.split('.')[0]);
        const old = (id === 'amzn' && major === 2) || (has('rhel', 'centos') && major > 0 && major < 8);
        family = old ? 'yum' : 'dnf';
    }
    return { id, versionId, idLike, prettyName: fields.get('PRETTY_NAME') ?? id, family };
}
/** Runs argv as root: plainly when we are root, through `sudo -n` (never prompting) otherwise. */
function asRoot(argv, isRoot, hasSudo, env = {}) {
    if (isRoot)
        return { argv, env };
    if (!hasSudo) {
        throw new InstallError(`Installing valgrind needs root rights: '${argv.join(' ')}' must run as root, and this runner neither runs as root nor has sudo. Install valgrind in the image (and set install: never), or run as root.`);
    }
    // sudo resets the environment, so variables go through env(1) after it.
    const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    return {
        argv: ['sudo', '-n', ...(assignments.length ? ['env', ...assignments] : []), ...argv],
        env: {}
    };
}
/** The packages that give valgrind, plus libc debug symbols so stacks through libc have names. */
function valgrindPackages(family) {
    switch (family) {
        case 'apt':
            // Debian's and Ubuntu's ld.so is stripped: memcheck needs libc6-dbg for its mandatory
            // redirections (Debian's valgrind depends on it for that reason).
            return ['valgrind', 'libc6-dbg'];
        case 'apk':
            return ['valgrind', 'musl-dbg'];
        default:
            // Fedora, Arch and openSUSE serve libc symbols through debuginfod or separate debuginfo
            // repositories that are off by default; valgrind works without them.
            return ['valgrind'];
    }
}
/** The non-interactive install command of the distribution's package manager. */
function installCommand(distro, isRoot, hasSudo, packages = valgrindPackages(distro.family)) {
    switch (distro.family) {
        case 'apt':
            return asRoot(['apt-get', 'install', '-y', '--no-install-recommends', ...packages], isRoot, hasSudo, {
                DEBIAN_FRONTEND: 'noninteractive'
            });
        case 'dnf':
            return asRoot(['dnf', 'install', '-y', ...packages], isRoot, hasSudo);
        case 'yum':
            return asRoot(['yum', 'install', '-y', ...packages], isRoot, hasSudo);
        case 'apk':
            return asRoot(['apk', 'add', '--no-cache', ...packages], isRoot, hasSudo);
        case 'pacman':
            return asRoot(['pacman', '-S', '--noconfirm', '--needed', ...packages], isRoot, hasSudo);
        case 'zypper':
            return asRoot(['zypper', '--non-interactive', 'install', ...packages], isRoot, hasSudo);
        case 'unknown':
            throw new InstallError(`No supported package manager on ${distro.prettyName} (supported: apt, dnf, yum, apk, pacman, zypper). Set valgrind-version to a release such as 3.26.0 to build valgrind from source, or install valgrind yourself and set install: never.`);
    }
}
/** The cache key of one installation: everything that makes a restored copy usable here. */
function cacheKey(parts) {
    const clean = (text) => text.replace(/[^A-Za-z0-9._+=-]+/g, '_');
    const fields = [
        'valgrind-action-1',
        parts.platform,
        parts.distro.id + (parts.distro.versionId ? `-${parts.distro.versionId}` : ''),
        parts.arch,
        parts.method,
        parts.version.replace(/^>=/, 'min'),
        ...(parts.extra ? [parts.extra] : [])
    ];
    return fields.map(clean).join('-');
}

// The thin I/O edge of installing: reading the host, running commands, probing a valgrind.
async function readHost() {
    const osRelease = ['/etc/os-release', '/usr/lib/os-release'].find((file) => fs.existsSync(file));
    return {
        platform: process.platform,
        arch: process.arch,
        distro: detectDistro(osRelease ? fs.readFileSync(osRelease, 'utf8') : ''),
        isRoot: process.getuid?.() === 0,
        hasSudo: (await which('sudo', false)) !== ''
    };
}
/** Runs a command to completion, capturing its output (shown only on failure by callers). */
async function run(command, options = {}) {
    const { argv, env } = Array.isArray(command) ? { argv: command, env: {} } : command;
    if (options.announce !== false)
        info(`$ ${argv.join(' ')}`);
    const mergedEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
        if (value !== undefined)
            mergedEnv[name] = value;
    }
    Object.assign(mergedEnv, env, options.env);
    try {
        return await getExecOutput(argv[0], argv.slice(1), {
            cwd: options.cwd,
            env: mergedEnv,
            ignoreReturnCode: true,
            silent: true
        });
    }
    catch (error) {
        // @actions/exec throws when the program does not exist.
        return { exitCode: 127, stdout: '', stderr: error.message };
    }
}
/** The last lines of a command's output, for an error message. */
function tail(result, lines = 25) {
    const text = `${result.stdout}\n${result.stderr}`.trim().split('\n');
    return text.slice(-lines).join('\n');
}
/** The valgrind a path or PATH lookup gives, with its version; undefined when there is none. */
async function probeValgrind(pathOrName = 'valgrind', env = {}) {
    const resolved = pathOrName.includes('/') ? pathOrName : await which(pathOrName, false);
    if (!resolved || !fs.existsSync(resolved))
        return undefined;
    // Even --version runs the tool binary, which a moved prefix finds only through VALGRIND_LIB.
    const result = await run([resolved, '--version'], { env, announce: false });
    const version = result.exitCode === 0 ? parseValgrindVersion(result.stdout) : undefined;
    return version ? { path: resolved, version } : undefined;
}
/**
 * Whether a valgrind really works: memcheck runs `true` cleanly. This catches a prefix whose tools
 * are missing (VALGRIND_LIB) and a glibc without the symbols memcheck's redirections need.
 */
async function valgrindWorks(valgrind, env = {}) {
    const truePath = ['/bin/true', '/usr/bin/true'].find((file) => fs.existsSync(file)) ?? 'true';
    const result = await run([valgrind, '--tool=memcheck', '-q', '--error-exitcode=99', truePath], {
        env,
        announce: false
    });
    return { ok: result.exitCode === 0, output: tail(result, 10) };
}

// @actions/cache around installs: optional by nature, so every failure becomes a note, never an
// error (the install then just takes longer).
// @actions/cache (and the Azure SDK under it) is loaded only when a step uses the cache: most runs
// never do, and loading it costs start-up time on every run.
const loadCache = async () => import('./cache-CsNfDord.js');
async function cacheAvailable() {
    return (await loadCache()).isFeatureAvailable();
}
async function restoreFromCache(paths, key, notes) {
    try {
        const matched = await (await loadCache()).restoreCache(paths, key);
        return matched === key;
    }
    catch (error) {
        notes.push(`cache restore failed (${error.message}); installing instead`);
        return false;
    }
}
async function saveToCache(paths, key, notes) {
    try {
        const id = await (await loadCache()).saveCache(paths, key);
        notes.push(id > 0
            ? `saved to the Actions cache under key ${key}`
            : `not saved to the Actions cache (key ${key} exists already or the service refused it)`);
    }
    catch (error) {
        notes.push(`could not save to the Actions cache: ${error.message}`);
    }
}
/**
 * Restores the newest entry whose key starts with `keyPrefix` (the rest of the key records what
 * was saved, e.g. a manifest digest). Returns the key it restored, or undefined.
 */
async function restoreLatest(paths, keyPrefix, notes) {
    try {
        const matched = await (await loadCache()).restoreCache(paths, keyPrefix, [keyPrefix]);
        return matched !== undefined && matched.startsWith(keyPrefix) ? matched : undefined;
    }
    catch (error) {
        notes.push(`cache restore failed (${error.message}); installing instead`);
        return undefined;
    }
}
/** Whether the Actions cache holds an entry under exactly `key` (nothing is downloaded). */
async function cacheEntryExists(paths, key, notes) {
    try {
        return (await (await loadCache()).restoreCache(paths, key, [], { lookupOnly: true })) === key;
    }
    catch (error) {
        notes.push(`cache lookup failed (${error.message})`);
        return false;
    }
}

// What the action installs from is checked before it is trusted, since it goes first on PATH
// for this step and later ones. A self-hosted runner keeps its tool cache between jobs, and the
// code under test of an earlier job (a pull request's) could have left a `bin/valgrind` there;
// the Actions cache hands back whatever was saved under a key.
//
// - A valgrind built from source carries a manifest (the sha256 and mode of every file, recorded
//   when it was built). A prefix is used only when every file matches it, no file is missing and
//   none was added. When the Actions cache is available, the manifest's digest must also be the
//   one a run recorded there when it built the prefix: a plant would have to forge that entry too.
// - Cached .deb files are installed only when each one's sha256 is the one apt's signed package
//   index gives for that package, version and architecture.
function sha256File(file) {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
/** The manifest of a directory tree; `skip` names top-level files left out (the marker itself). */
function treeManifest(dir, skip = []) {
    const manifest = {};
    const walk = (relative) => {
        for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
            const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
            if (relative === '' && skip.includes(entry.name))
                continue;
            const full = path.join(dir, name);
            if (entry.isDirectory())
                walk(name);
            else if (entry.isSymbolicLink())
                manifest[name] = `-> ${fs.readlinkSync(full)}`;
            else if (entry.isFile()) {
                const mode = (fs.statSync(full).mode & 0o7777).toString(8);
                manifest[name] = `${sha256File(full)} ${mode}`;
            }
            else
                manifest[name] = 'special';
        }
    };
    walk('');
    return manifest;
}
/** One digest for a whole manifest, independent of key order. */
function manifestDigest(manifest) {
    const lines = Object.keys(manifest)
        .sort()
        .map((name) => `${name}\0${manifest[name]}`);
    return createHash('sha256').update(lines.join('\n')).digest('hex');
}
/** How `actual` differs from `recorded`, in words; undefined when they are the same. */
function manifestDifference(recorded, actual) {
    const changed = [];
    const missing = [];
    for (const name of Object.keys(recorded)) {
        if (!(name in actual))
            missing.push(name);
        else if (actual[name] !== recorded[name])
            changed.push(name);
    }
    const added = Object.keys(actual).filter((name) => !(name in recorded));
    const parts = [];
    const list = (what, names) => {
        if (names.length > 0)
            parts.push(`${what} ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`);
    };
    list('changed', changed);
    list('missing', missing);
    list('added', added);
    return parts.length > 0 ? parts.join('; ') : undefined;
}
/** One package stanza of `apt-cache show`: its fields. */
function parseAptStanzas(output) {
    return output
        .split(/\n\s*\n/)
        .map((stanza) => {
        const fields = {};
        for (const line of stanza.split('\n')) {
            const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
            if (match)
                fields[match[1]] = match[2];
        }
        return fields;
    })
        .filter((fields) => fields.Package !== undefined);
}
/** The sha256 apt's index gives for a package version on an architecture. */
function indexedSha256(stanzas, pkg) {
    return stanzas.find((s) => s.Package === pkg.name &&
        s.Version === pkg.version &&
        s.Architecture === pkg.architecture &&
        s.SHA256 !== undefined)?.SHA256;
}

// Escaping for every place where something reads what the action writes as more than text. The
// program under test is untrusted: its output, the names in its debug information (function
// names, source directories, ELF symbols) and the `command` input can hold any characters,
// newlines included.
//
// The runner's log: the runner reads each line the step writes (split at \n and \r) and obeys it
// as a workflow command when, after leading whitespace, it starts with `::name` and has a second
// `::`, or when it contains the legacy `##[name` anywhere. So a line of ours that carries data
// holds no line break, does not start with `::` and holds no `##[`.
//
// The job summary: GitHub renders it as Markdown with HTML. Every value goes in as HTML text with
// every character that Markdown or HTML could read as syntax written as a character reference,
// and line breaks as `<br>`, so a value can neither end the HTML block it stands in (a blank line
// does that) nor start a link, an image, a heading or a table cell.
/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED_CONTROLS = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** `\n`, `\r`, `\t`, `\x1b`, `\u2028`: a control character as a reader sees it escaped in C. */
function visibleControl(character) {
    const named = NAMED_CONTROLS[character];
    if (named !== undefined)
        return named;
    const code = character.charCodeAt(0);
    return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
}
/** Keeps a single line from being read as a workflow command (V2 `::` at its start, legacy `##[`). */
function commandSafeLine(line) {
    // `##[` written `##\x5b`: the reader still sees the bracket, the runner sees no command.
    const safe = line.replace(/##\[/g, '##\\x5b');
    // A leading `::` written `\x3a:`.
    return /^\s*::/.test(safe) ? safe.replace(':', '\\x3a') : safe;
}
/**
 * One line of the action's own log (`core.info`) that may carry data from the program, its debug
 * information or the inputs. Control characters, line breaks included, are shown escaped (`\n`),
 * so the message stays one line, and that line cannot be a workflow command. Nothing is dropped.
 */
function logLine(message) {
    return commandSafeLine(message.replace(CONTROL_CHARACTERS, visibleControl));
}
/**
 * Text of several lines meant as such (the command line's report): each line is kept from being
 * read as a workflow command, for a CLI run inside a workflow step.
 */
function commandSafeText(text) {
    return text
        .split(/(\r\n|\r|\n)/)
        .map((part, i) => (i % 2 === 1 ? part : commandSafeLine(part)))
        .join('');
}
/**
 * Characters that HTML or Markdown read as syntax in the middle of a line, written as references:
 * tags and references, the quote of our attributes, table cells, links and images, code spans,
 * backslash escapes. (Emphasis marks are left: `__init__` shown bold is not an injection.)
 */
const SUMMARY_SYNTAX = /[&<>"|[\]!`\\]/g;
const NAMED_REFERENCES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;'
};
/**
 * HTML text for the job summary, safe in an HTML block, in Markdown text and in a table cell:
 * `SUMMARY_SYNTAX` and what GitHub turns into links by itself (`://`, `www.`) as character
 * references; line breaks as `<br>` (a blank line would end the HTML block, and a value never
 * starts a line, so it cannot start a heading or a list); other control characters escaped.
 */
function summaryText(text) {
    return text
        .replace(SUMMARY_SYNTAX, (c) => NAMED_REFERENCES[c] ?? `&#${c.charCodeAt(0)};`)
        .replace(/:\/\//g, '&#58;//')
        .replace(/www\./gi, (www) => `${www.slice(0, 3)}&#46;`)
        .replace(/\r\n|\r|\n/g, '<br>')
        .replace(CONTROL_CHARACTERS, visibleControl);
}
/** A URL for an HTML attribute: only http(s), with the attribute's quote and `&` escaped. */
function summaryUrl(url) {
    if (!/^https?:\/\//i.test(url))
        return undefined;
    return url
        .replace(CONTROL_CHARACTERS, (c) => encodeURIComponent(c))
        .replace(/&/g, '&amp;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
}
/**
 * A Markdown code fence around literal text: the fence is longer than any run of backticks in the
 * text, so the text cannot close it.
 */
function codeFence(text, language = '') {
    const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longestRun + 1));
    return `${fence}${language}\n${text}\n${fence}`;
}
/**
 * At most `limit` characters of a value, with how many were left out. For the job summary, which
 * GitHub drops entirely above 1 MiB; the JSON report keeps every value whole.
 */
function clip(text, limit) {
    if (text.length <= limit)
        return text;
    return `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

export { clip as A, compareVersions as B, manifestDigest as C, cacheEntryExists as D, restoreLatest as E, valgrindWorks as F, manifestDifference as G, treeManifest as H, InputError as I, codeFence as a, assertSupportedPlatform as b, commandSafeText as c, systemErrorText as d, cacheKey as e, formatVersionSpec as f, restoreFromCache as g, satisfies as h, installCommand as i, InstallError as j, saveToCache as k, logLine as l, asRoot as m, parseAptStanzas as n, indexedSha256 as o, parseVersionSpec as p, sha256File as q, run as r, summaryUrl as s, tail as t, upstreamOfDebianVersion as u, valgrindPackages as v, probeValgrind as w, readHost as x, cacheAvailable as y, summaryText as z };
