import { createHash } from 'node:crypto';
import * as fs$1 from 'node:fs';
import * as os$1 from 'node:os';
import * as path$1 from 'node:path';
import { i as info, d as debug, c as exec, f as isDebug, h as cp, m as mkdirP, r as rmRF, j as addPath, k as exportVariable, l as which } from './core-BTpF9kUs.js';
import * as crypto from 'crypto';
import * as fs from 'fs';
import { s as semverExports } from './index-DrxN3U0V.js';
import * as os from 'os';
import 'child_process';
import * as path from 'path';
import { H as HttpClient } from './index-Dvrdz__C.js';
import * as require$$0$1 from 'stream';
import * as require$$0 from 'util';
import { ok } from 'assert';
import { j as InstallError, p as parseVersionSpec, B as compareVersions, e as cacheKey, C as manifestDigest, D as cacheEntryExists, E as restoreLatest, F as valgrindWorks, k as saveToCache, G as manifestDifference, H as treeManifest, w as probeValgrind, l as logLine, r as run, t as tail } from './escape-DykEKwch.js';
import 'string_decoder';
import 'events';
import 'timers';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';

// The valgrind releases the action can build from source: where tarballs come from and the
// sha256 each must have. Upstream publishes md5/sha1 sums only, so the action carries sha256 sums
// it checked against independent sources (Debian's signed source index, which ships upstream's
// own signature for 3.24.0; Homebrew, OpenEmbedded and other distributions' recipes).
const DEFAULT_DOWNLOAD_BASE = 'https://sourceware.org/pub/valgrind';
/** Environment variable: another base URL for `valgrind-<version>.tar.bz2` (a mirror, a test server). */
const DOWNLOAD_BASE_ENV = 'VALGRIND_ACTION_DOWNLOAD_BASE';
/** Environment variable: extra or replacing checksums, "3.27.0=<sha256>[,<version>=<sha256>...]". */
const TARBALL_SHA256_ENV = 'VALGRIND_ACTION_TARBALL_SHA256';
const KNOWN_TARBALL_SHA256 = {
    '3.19.0': 'dd5e34486f1a483ff7be7300cc16b4d6b24690987877c3278d797534d6738f02',
    '3.22.0': 'c811db5add2c5f729944caf47c4e7a65dcaabb9461e472b578765dd7bf6d2d4c',
    '3.24.0': '71aee202bdef1ae73898ccf7e9c315134fa7db6c246063afc503aef702ec03bd',
    '3.25.1': '61deb8d0727b45c268efdc1b3b6c9e679cd97cbf5ee4b28d1dead7c8b7a271af',
    '3.26.0': '8d54c717029106f1644aadaf802ab9692e53d93dd015cbd19e74190eba616bd7'
};
/** The checksum table in force: the built-in one, extended or overridden by the environment. */
function tarballChecksums(env = process.env) {
    const table = { ...KNOWN_TARBALL_SHA256 };
    const raw = env[TARBALL_SHA256_ENV]?.trim();
    if (!raw)
        return table;
    for (const item of raw.split(/[,\s]+/).filter(Boolean)) {
        const match = /^(\d+\.\d+\.\d+)=([0-9a-fA-F]{64})$/.exec(item);
        if (!match) {
            throw new InstallError(`${TARBALL_SHA256_ENV}: '${item}' is not understood. Accepted: <version>=<64 hex digits of sha256>, separated by commas, e.g. 3.26.0=8d54c717029106f1644aadaf802ab9692e53d93dd015cbd19e74190eba616bd7.`);
        }
        table[match[1]] = match[2].toLowerCase();
    }
    return table;
}
function downloadBase(env = process.env) {
    return (env[DOWNLOAD_BASE_ENV]?.trim() || DEFAULT_DOWNLOAD_BASE).replace(/\/+$/, '');
}
function tarballUrl(version, env = process.env) {
    return `${downloadBase(env)}/valgrind-${version}.tar.bz2`;
}
/**
 * The release to build for a spec: an exact release as given; for "3.26" or ">=3.22" the newest
 * release with a known checksum that meets it. Throws when none does.
 */
function releaseToBuild(spec, checksums) {
    const parsed = parseVersionSpec(spec);
    const known = Object.keys(checksums).sort(compareVersions);
    const list = known.join(', ');
    if (parsed.kind === 'exact' && parsed.version.split('.').length === 3) {
        if (!checksums[parsed.version]) {
            throw new InstallError(`valgrind-version ${parsed.version}: the action knows no sha256 for valgrind-${parsed.version}.tar.bz2, so it will not build it (releases it can build: ${list}). Pick one of those, or give the checksum in ${TARBALL_SHA256_ENV}=${parsed.version}=<sha256>.`);
        }
        return parsed.version;
    }
    const candidates = known.filter((version) => {
        if (parsed.kind === 'system')
            return true;
        if (parsed.kind === 'minimum')
            return compareVersions(version, parsed.version) >= 0;
        return version.startsWith(`${parsed.version}.`);
    });
    const newest = candidates.at(-1);
    if (!newest) {
        throw new InstallError(`valgrind-version '${spec}': no release the action can build meets it (releases it can build: ${list}). Give an exact release and its checksum in ${TARBALL_SHA256_ENV}.`);
    }
    return newest;
}

(undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};

var __awaiter$1 = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
/**
 * Internal class for retries
 */
class RetryHelper {
    constructor(maxAttempts, minSeconds, maxSeconds) {
        if (maxAttempts < 1) {
            throw new Error('max attempts should be greater than or equal to 1');
        }
        this.maxAttempts = maxAttempts;
        this.minSeconds = Math.floor(minSeconds);
        this.maxSeconds = Math.floor(maxSeconds);
        if (this.minSeconds > this.maxSeconds) {
            throw new Error('min seconds should be less than or equal to max seconds');
        }
    }
    execute(action, isRetryable) {
        return __awaiter$1(this, void 0, void 0, function* () {
            let attempt = 1;
            while (attempt < this.maxAttempts) {
                // Try
                try {
                    return yield action();
                }
                catch (err) {
                    if (isRetryable && !isRetryable(err)) {
                        throw err;
                    }
                    info(err.message);
                }
                // Sleep
                const seconds = this.getSleepAmount();
                info(`Waiting ${seconds} seconds before trying again`);
                yield this.sleep(seconds);
                attempt++;
            }
            // Last attempt
            return yield action();
        });
    }
    getSleepAmount() {
        return (Math.floor(Math.random() * (this.maxSeconds - this.minSeconds + 1)) +
            this.minSeconds);
    }
    sleep(seconds) {
        return __awaiter$1(this, void 0, void 0, function* () {
            return new Promise(resolve => setTimeout(resolve, seconds * 1000));
        });
    }
}

var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class HTTPError extends Error {
    constructor(httpStatusCode) {
        super(`Unexpected HTTP response: ${httpStatusCode}`);
        this.httpStatusCode = httpStatusCode;
        Object.setPrototypeOf(this, new.target.prototype);
    }
}
const IS_WINDOWS = process.platform === 'win32';
process.platform === 'darwin';
const userAgent = 'actions/tool-cache';
/**
 * Download a tool from an url and stream it into a file
 *
 * @param url       url of tool to download
 * @param dest      path to download tool
 * @param auth      authorization header
 * @param headers   other headers
 * @returns         path to downloaded tool
 */
function downloadTool(url, dest, auth, headers) {
    return __awaiter(this, void 0, void 0, function* () {
        dest = dest || path.join(_getTempDirectory(), crypto.randomUUID());
        yield mkdirP(path.dirname(dest));
        debug(`Downloading ${url}`);
        debug(`Destination ${dest}`);
        const maxAttempts = 3;
        const minSeconds = _getGlobal('TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS', 10);
        const maxSeconds = _getGlobal('TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS', 20);
        const retryHelper = new RetryHelper(maxAttempts, minSeconds, maxSeconds);
        return yield retryHelper.execute(() => __awaiter(this, void 0, void 0, function* () {
            return yield downloadToolAttempt(url, dest || '', auth, headers);
        }), (err) => {
            if (err instanceof HTTPError && err.httpStatusCode) {
                // Don't retry anything less than 500, except 408 Request Timeout and 429 Too Many Requests
                if (err.httpStatusCode < 500 &&
                    err.httpStatusCode !== 408 &&
                    err.httpStatusCode !== 429) {
                    return false;
                }
            }
            // Otherwise retry
            return true;
        });
    });
}
function downloadToolAttempt(url, dest, auth, headers) {
    return __awaiter(this, void 0, void 0, function* () {
        if (fs.existsSync(dest)) {
            throw new Error(`Destination file path ${dest} already exists`);
        }
        // Get the response headers
        const http = new HttpClient(userAgent, [], {
            allowRetries: false
        });
        const response = yield http.get(url, headers);
        if (response.message.statusCode !== 200) {
            const err = new HTTPError(response.message.statusCode);
            debug(`Failed to download from "${url}". Code(${response.message.statusCode}) Message(${response.message.statusMessage})`);
            throw err;
        }
        // Download the response body
        const pipeline = require$$0.promisify(require$$0$1.pipeline);
        const responseMessageFactory = _getGlobal('TEST_DOWNLOAD_TOOL_RESPONSE_MESSAGE_FACTORY', () => response.message);
        const readStream = responseMessageFactory();
        let succeeded = false;
        try {
            yield pipeline(readStream, fs.createWriteStream(dest));
            debug('download complete');
            succeeded = true;
            return dest;
        }
        finally {
            // Error, delete dest before retry
            if (!succeeded) {
                debug('download failed');
                try {
                    yield rmRF(dest);
                }
                catch (err) {
                    debug(`Failed to delete '${dest}'. ${err.message}`);
                }
            }
        }
    });
}
/**
 * Extract a compressed tar archive
 *
 * @param file     path to the tar
 * @param dest     destination directory. Optional.
 * @param flags    flags for the tar command to use for extraction. Defaults to 'xz' (extracting gzipped tars). Optional.
 * @returns        path to the destination directory
 */
function extractTar(file_1, dest_1) {
    return __awaiter(this, arguments, void 0, function* (file, dest, flags = 'xz') {
        if (!file) {
            throw new Error("parameter 'file' is required");
        }
        // Create dest
        dest = yield _createExtractFolder(dest);
        // Determine whether GNU tar
        debug('Checking tar --version');
        let versionOutput = '';
        yield exec('tar --version', [], {
            ignoreReturnCode: true,
            silent: true,
            listeners: {
                stdout: (data) => (versionOutput += data.toString()),
                stderr: (data) => (versionOutput += data.toString())
            }
        });
        debug(versionOutput.trim());
        const isGnuTar = versionOutput.toUpperCase().includes('GNU TAR');
        // Initialize args
        let args;
        if (flags instanceof Array) {
            args = flags;
        }
        else {
            args = [flags];
        }
        if (isDebug() && !flags.includes('v')) {
            args.push('-v');
        }
        let destArg = dest;
        let fileArg = file;
        if (IS_WINDOWS && isGnuTar) {
            args.push('--force-local');
            destArg = dest.replace(/\\/g, '/');
            // Technically only the dest needs to have `/` but for aesthetic consistency
            // convert slashes in the file arg too.
            fileArg = file.replace(/\\/g, '/');
        }
        if (isGnuTar) {
            // Suppress warnings when using GNU tar to extract archives created by BSD tar
            args.push('--warning=no-unknown-keyword');
            args.push('--overwrite');
        }
        args.push('-C', destArg, '-f', fileArg);
        yield exec(`tar`, args);
        return dest;
    });
}
/**
 * Caches a directory and installs it into the tool cacheDir
 *
 * @param sourceDir    the directory to cache into tools
 * @param tool          tool name
 * @param version       version of the tool.  semver format
 * @param arch          architecture of the tool.  Optional.  Defaults to machine architecture
 */
function cacheDir(sourceDir, tool, version, arch) {
    return __awaiter(this, void 0, void 0, function* () {
        version = semverExports.clean(version) || version;
        arch = arch || os.arch();
        debug(`Caching tool ${tool} ${version} ${arch}`);
        debug(`source dir: ${sourceDir}`);
        if (!fs.statSync(sourceDir).isDirectory()) {
            throw new Error('sourceDir is not a directory');
        }
        // Create the tool dir
        const destPath = yield _createToolPath(tool, version, arch);
        // copy each child item. do not move. move can fail on Windows
        // due to anti-virus software having an open handle on a file.
        for (const itemName of fs.readdirSync(sourceDir)) {
            const s = path.join(sourceDir, itemName);
            yield cp(s, destPath, { recursive: true });
        }
        // write .complete
        _completeToolPath(tool, version, arch);
        return destPath;
    });
}
/**
 * Finds the path to a tool version in the local installed tool cache
 *
 * @param toolName      name of the tool
 * @param versionSpec   version of the tool
 * @param arch          optional arch.  defaults to arch of computer
 */
function find(toolName, versionSpec, arch) {
    if (!versionSpec) {
        throw new Error('versionSpec parameter is required');
    }
    arch = arch || os.arch();
    // attempt to resolve an explicit version
    if (!isExplicitVersion(versionSpec)) {
        const localVersions = findAllVersions(toolName, arch);
        const match = evaluateVersions(localVersions, versionSpec);
        versionSpec = match;
    }
    // check for the explicit version in the cache
    let toolPath = '';
    if (versionSpec) {
        versionSpec = semverExports.clean(versionSpec) || '';
        const cachePath = path.join(_getCacheDirectory(), toolName, versionSpec, arch);
        debug(`checking cache: ${cachePath}`);
        if (fs.existsSync(cachePath) && fs.existsSync(`${cachePath}.complete`)) {
            debug(`Found tool in cache ${toolName} ${versionSpec} ${arch}`);
            toolPath = cachePath;
        }
        else {
            debug('not found');
        }
    }
    return toolPath;
}
/**
 * Finds the paths to all versions of a tool that are installed in the local tool cache
 *
 * @param toolName  name of the tool
 * @param arch      optional arch.  defaults to arch of computer
 */
function findAllVersions(toolName, arch) {
    const versions = [];
    arch = arch || os.arch();
    const toolPath = path.join(_getCacheDirectory(), toolName);
    if (fs.existsSync(toolPath)) {
        const children = fs.readdirSync(toolPath);
        for (const child of children) {
            if (isExplicitVersion(child)) {
                const fullPath = path.join(toolPath, child, arch || '');
                if (fs.existsSync(fullPath) && fs.existsSync(`${fullPath}.complete`)) {
                    versions.push(child);
                }
            }
        }
    }
    return versions;
}
function _createExtractFolder(dest) {
    return __awaiter(this, void 0, void 0, function* () {
        if (!dest) {
            // create a temp dir
            dest = path.join(_getTempDirectory(), crypto.randomUUID());
        }
        yield mkdirP(dest);
        return dest;
    });
}
function _createToolPath(tool, version, arch) {
    return __awaiter(this, void 0, void 0, function* () {
        const folderPath = path.join(_getCacheDirectory(), tool, semverExports.clean(version) || version, arch || '');
        debug(`destination ${folderPath}`);
        const markerPath = `${folderPath}.complete`;
        yield rmRF(folderPath);
        yield rmRF(markerPath);
        yield mkdirP(folderPath);
        return folderPath;
    });
}
function _completeToolPath(tool, version, arch) {
    const folderPath = path.join(_getCacheDirectory(), tool, semverExports.clean(version) || version, arch || '');
    const markerPath = `${folderPath}.complete`;
    fs.writeFileSync(markerPath, '');
    debug('finished caching tool');
}
/**
 * Check if version string is explicit
 *
 * @param versionSpec      version string to check
 */
function isExplicitVersion(versionSpec) {
    const c = semverExports.clean(versionSpec) || '';
    debug(`isExplicit: ${c}`);
    const valid = semverExports.valid(c) != null;
    debug(`explicit? ${valid}`);
    return valid;
}
/**
 * Get the highest satisfiying semantic version in `versions` which satisfies `versionSpec`
 *
 * @param versions        array of versions to evaluate
 * @param versionSpec     semantic version spec to satisfy
 */
function evaluateVersions(versions, versionSpec) {
    let version = '';
    debug(`evaluating ${versions.length} versions`);
    versions = versions.sort((a, b) => {
        if (semverExports.gt(a, b)) {
            return 1;
        }
        return -1;
    });
    for (let i = versions.length - 1; i >= 0; i--) {
        const potential = versions[i];
        const satisfied = semverExports.satisfies(potential, versionSpec);
        if (satisfied) {
            version = potential;
            break;
        }
    }
    if (version) {
        debug(`matched: ${version}`);
    }
    else {
        debug('match not found');
    }
    return version;
}
/**
 * Gets RUNNER_TOOL_CACHE
 */
function _getCacheDirectory() {
    const cacheDirectory = process.env['RUNNER_TOOL_CACHE'] || '';
    ok(cacheDirectory, 'Expected RUNNER_TOOL_CACHE to be defined');
    return cacheDirectory;
}
/**
 * Gets RUNNER_TEMP
 */
function _getTempDirectory() {
    const tempDirectory = process.env['RUNNER_TEMP'] || '';
    ok(tempDirectory, 'Expected RUNNER_TEMP to be defined');
    return tempDirectory;
}
/**
 * Gets a global variable
 */
function _getGlobal(key, defaultValue) {
    /* eslint-disable @typescript-eslint/no-explicit-any */
    const value = global[key];
    /* eslint-enable @typescript-eslint/no-explicit-any */
    return value !== undefined ? value : defaultValue;
}

// Building a valgrind release from its tarball into the runner's tool cache
// (<tool cache>/valgrind/<version>/<arch>, @actions/tool-cache's layout), and using such a prefix:
// built here, restored from the Actions cache, or left by an earlier job. A prefix is trusted only
// when it matches the manifest recorded when it was built (trust.ts), checked before anything in
// it runs.
/** Written into each prefix we build: what it is, where it was configured to live, its files. */
const MARKER = 'valgrind-action.json';
const TOOL_NAME = 'valgrind';
function prefixFor(toolCacheDir, version, arch) {
    return path$1.join(toolCacheDir, TOOL_NAME, version, arch);
}
/**
 * @actions/tool-cache reads RUNNER_TOOL_CACHE and RUNNER_TEMP from the environment; the install
 * may use another tool cache (the CLI, tests), so they are set for the duration of `work`.
 */
async function withToolCache(toolCacheDir, work) {
    const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP };
    process.env.RUNNER_TOOL_CACHE = toolCacheDir;
    process.env.RUNNER_TEMP = saved.temp || os$1.tmpdir();
    try {
        return await work();
    }
    finally {
        for (const [name, value] of [
            ['RUNNER_TOOL_CACHE', saved.cache],
            ['RUNNER_TEMP', saved.temp]
        ]) {
            if (value === undefined)
                delete process.env[name];
            else
                process.env[name] = value;
        }
    }
}
function readMarker(prefix) {
    try {
        const marker = JSON.parse(fs$1.readFileSync(path$1.join(prefix, MARKER), 'utf8'));
        return typeof marker.files === 'object' && marker.files !== null ? marker : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * Puts a prefix's valgrind first on PATH (for this step and later ones). A prefix that moved since
 * it was configured gets VALGRIND_LIB, since the launcher otherwise looks for its tools at the old
 * place.
 */
function activate(prefix, marker, notes) {
    addPath(path$1.join(prefix, 'bin'));
    if (path$1.resolve(marker.prefix) !== path$1.resolve(prefix)) {
        const lib = path$1.join(prefix, 'libexec', 'valgrind');
        exportVariable('VALGRIND_LIB', lib);
        notes.push(`the prefix was built for ${marker.prefix}; set VALGRIND_LIB=${lib}`);
    }
}
/**
 * Whether a prefix is the build it claims to be: its marker names this release, and every file
 * matches the manifest recorded at build time. Nothing in the prefix runs before this holds.
 */
function verifiedMarker(prefix, version, sha256, notes) {
    if (!fs$1.existsSync(prefix))
        return undefined;
    const marker = readMarker(prefix);
    if (!marker) {
        notes.push(`${prefix} has no manifest of a build by this action; not trusted (nothing in it was run)`);
        return undefined;
    }
    if (marker.version !== version || marker.sha256 !== sha256) {
        notes.push(`${prefix} holds another build (valgrind ${marker.version}); replacing it`);
        return undefined;
    }
    const difference = manifestDifference(marker.files, treeManifest(prefix, [MARKER]));
    if (difference !== undefined) {
        notes.push(`${prefix} does not match the manifest recorded when it was built (${difference}); not trusted (nothing in it was run)`);
        return undefined;
    }
    return marker;
}
/** A usable prefix of the wanted build: verified (see above), and memcheck runs. */
async function usablePrefix(prefix, version, sha256, notes) {
    const marker = verifiedMarker(prefix, version, sha256, notes);
    if (!marker)
        return undefined;
    const env = path$1.resolve(marker.prefix) !== path$1.resolve(prefix)
        ? { VALGRIND_LIB: path$1.join(prefix, 'libexec', 'valgrind') }
        : {};
    const found = await probeValgrind(path$1.join(prefix, 'bin', 'valgrind'), env);
    const works = found?.version === version ? await valgrindWorks(found.path, env) : undefined;
    if (!found || !works?.ok) {
        notes.push(`the build in ${prefix} does not work (${works?.output || 'no valgrind'}); replacing it`);
        return undefined;
    }
    return { found, marker };
}
async function fileSha256(file) {
    const hash = createHash('sha256');
    for await (const chunk of fs$1.createReadStream(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/** Downloads the tarball (@actions/tool-cache retries transient failures) and checks its sha256. */
async function download(url, file, sha256, version) {
    try {
        await downloadTool(url, file);
    }
    catch (error) {
        throw new InstallError(`Could not download ${url}: ${error.message}.`);
    }
    const actual = await fileSha256(file);
    if (actual !== sha256) {
        fs$1.rmSync(file, { force: true });
        throw new InstallError(`The download of ${url} has sha256 ${actual}, but valgrind ${version}'s tarball has ${sha256}. The file was not used. If a mirror (VALGRIND_ACTION_DOWNLOAD_BASE) serves a different file, fix the mirror; to trust another file, set ${TARBALL_SHA256_ENV}=${version}=<sha256>.`);
    }
}
async function requireBuildTools(host) {
    const missing = [];
    for (const tool of ['make', 'tar', 'bzip2']) {
        if (!(await which(tool, false)))
            missing.push(tool);
    }
    if (!(await which('gcc', false)) && !(await which('cc', false)))
        missing.push('gcc');
    if (missing.length > 0) {
        const hint = host.distro.family === 'apt'
            ? 'apt-get install build-essential bzip2'
            : 'install a C compiler, make, tar and bzip2';
        throw new InstallError(`Building valgrind from source needs ${missing.join(', ')}, which this runner lacks. Install them in an earlier step (${hint}), or use valgrind-version: system.`);
    }
}
/**
 * Downloads, verifies, configures for the final prefix, installs into a staging directory
 * (DESTDIR), records the manifest, and moves the result into the tool cache with
 * `tc.cacheDir` (which marks it complete). Returns the prefix's manifest digest.
 */
async function build(host, version, sha256, prefix, notes) {
    await requireBuildTools(host);
    const work = fs$1.mkdtempSync(path$1.join(process.env.RUNNER_TEMP || os$1.tmpdir(), 'valgrind-build-'));
    try {
        const url = tarballUrl(version);
        const tarball = path$1.join(work, `valgrind-${version}.tar.bz2`);
        info(logLine(`Downloading ${url}`));
        await download(url, tarball, sha256, version);
        notes.push(`downloaded ${url} (sha256 verified)`);
        const step = async (argv, cwd) => {
            const result = await run(argv, { cwd });
            if (result.exitCode !== 0) {
                throw new InstallError(`Building valgrind ${version} failed at '${argv.join(' ')}' (exit ${result.exitCode}):\n${tail(result, 30)}`);
            }
        };
        const extracted = await extractTar(tarball, path$1.join(work, 'src'), 'xj');
        const source = path$1.join(extracted, `valgrind-${version}`);
        // 64-bit hosts skip the 32-bit secondary build: it halves the build time, needs multilib
        // headers that runners lack, and the action runs the workflow's own (64-bit) programs.
        const only64 = ['x64', 'arm64', 'ppc64', 's390x', 'loong64', 'riscv64'].includes(host.arch);
        await step(['./configure', `--prefix=${prefix}`, ...(only64 ? ['--enable-only64bit'] : [])], source);
        const jobs = String(os$1.availableParallelism?.() ?? os$1.cpus().length);
        await step(['make', `-j${jobs}`], source);
        const stage = path$1.join(work, 'stage');
        await step(['make', 'install', `DESTDIR=${stage}`], source);
        const staged = path$1.join(stage, prefix);
        const files = treeManifest(staged);
        const marker = { version, sha256, prefix, files };
        fs$1.writeFileSync(path$1.join(staged, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
        await cacheDir(staged, TOOL_NAME, version, host.arch);
        notes.push(`built valgrind ${version} from source into ${prefix}`);
        return manifestDigest(files);
    }
    finally {
        fs$1.rmSync(work, { recursive: true, force: true });
    }
}
/** The Actions cache key of a build: the release's key, then the digest of its manifest. */
function buildKey(releaseKey, digest) {
    return `${releaseKey}-${digest.slice(0, 32)}`;
}
/**
 * A prefix from the runner's tool cache, the Actions cache, or a fresh build, in that order.
 *
 * Trust: a prefix in the tool cache is used only when it matches its manifest, and, when the
 * Actions cache is available, when the run that built it saved it there under a key holding that
 * manifest's digest (something an earlier job's code under test, which can write the tool cache
 * of a self-hosted runner, cannot forge without the cache's credentials). A restored prefix must
 * match its manifest, and the manifest's digest must be the one in the key it was saved under.
 */
async function installFromSource(options) {
    const { host, spec, useCache, notes } = options;
    const checksums = tarballChecksums();
    const version = releaseToBuild(spec, checksums);
    const sha256 = checksums[version];
    const prefix = prefixFor(options.toolCacheDir, version, host.arch);
    const releaseKey = cacheKey({
        platform: host.platform,
        distro: host.distro,
        arch: host.arch,
        method: 'source',
        version,
        extra: sha256.slice(0, 12)
    });
    const forget = () => {
        fs$1.rmSync(prefix, { recursive: true, force: true });
        fs$1.rmSync(`${prefix}.complete`, { force: true });
    };
    return withToolCache(options.toolCacheDir, async () => {
        if (find(TOOL_NAME, version, host.arch) !== '') {
            const marker = verifiedMarker(prefix, version, sha256, notes);
            const key = marker ? buildKey(releaseKey, manifestDigest(marker.files)) : undefined;
            const anchored = key !== undefined && (!useCache || (await cacheEntryExists([prefix], key, notes)));
            if (key !== undefined && !anchored) {
                notes.push(`${prefix} matches its manifest, but no run saved that build to the Actions cache; not trusted`);
            }
            const usable = anchored ? await usablePrefix(prefix, version, sha256, notes) : undefined;
            if (usable) {
                notes.push(`reused the build already in the runner's tool cache (${prefix})`);
                activate(prefix, usable.marker, notes);
                return { found: usable.found, source: 'runner' };
            }
        }
        forget();
        if (useCache) {
            const restoredKey = await restoreLatest([prefix], `${releaseKey}-`, notes);
            const marker = restoredKey !== undefined ? verifiedMarker(prefix, version, sha256, notes) : undefined;
            if (restoredKey !== undefined && marker !== undefined) {
                if (buildKey(releaseKey, manifestDigest(marker.files)) !== restoredKey) {
                    notes.push(`the cached build's manifest is not the one its key records; not trusted`);
                }
                else {
                    const usable = await usablePrefix(prefix, version, sha256, notes);
                    if (usable) {
                        // What tc.cacheDir writes: the next tc.find sees the prefix.
                        fs$1.writeFileSync(`${prefix}.complete`, '');
                        notes.push(`restored from the Actions cache (key ${restoredKey})`);
                        activate(prefix, usable.marker, notes);
                        return { found: usable.found, source: 'cache' };
                    }
                }
            }
            if (restoredKey !== undefined)
                notes.push('the cached build was not used; building again');
            forget();
        }
        const digest = await build(host, version, sha256, prefix, notes);
        const usable = await usablePrefix(prefix, version, sha256, notes);
        if (!usable) {
            const works = await valgrindWorks(path$1.join(prefix, 'bin', 'valgrind'));
            throw new InstallError(`valgrind ${version} was built into ${prefix}, but does not run:\n${works.output}`);
        }
        activate(prefix, usable.marker, notes);
        if (useCache)
            await saveToCache([prefix], buildKey(releaseKey, digest), notes);
        return { found: usable.found, source: 'source-build' };
    });
}

export { installFromSource, prefixFor };
