// The pure parts of the Rust support: which commands are cargo test runs, which frames are Rust's
// runtime, which test a stack or an argv belongs to, what libtest's report says failed — and the
// generated runner script, run for real on a stand-in binary.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseValgrindXmlFile } from '../src/parse/xml.js'
import type { Frame } from '../src/model.js'
import { InputError } from '../src/config.js'
import {
  bundledRustSuppressions,
  parseCargoTestCommand,
  testFromArgv,
  testFromStack
} from '../src/rust/index.js'
import { isRustRuntimeFrame } from '../src/analysis/runtime-frames.js'
import { decodeSymbolEscapes, listedTestInStack, listedTestName } from '../src/rust/frames.js'
import { parseLibtestFailures } from '../src/rust/libtest-output.js'
import { parseStatusRecord, runnerScript } from '../src/rust/runner-script.js'
import { runnerVariable } from '../src/rust/command.js'
import { repoRoot, samplesDir } from './support/paths.js'

const samples = samplesDir

describe('parseCargoTestCommand', () => {
  it.each([
    [['cargo', 'nextest', 'run'], 'nextest', 3],
    [['cargo', 'nextest', 'run', '-E', 'test(parse)', '--profile', 'ci'], 'nextest', 3],
    [['cargo', '+nightly', 'nextest', 'r', '--partition', 'hash:1/2'], 'nextest', 4],
    [
      ['cargo', 'nextest', 'run', '--archive-file', 'a.tar.zst', '--workspace-remap', '.'],
      'nextest',
      3
    ],
    [['/home/me/.cargo/bin/cargo', '--locked', 'nextest', 'run'], 'nextest', 4],
    [['cargo-nextest', 'nextest', 'run', '--workspace'], 'nextest', 3],
    [['cargo', 'test'], 'cargo-test', 2],
    [['cargo', '+1.80', '--config', 'k=v', 'test', '--', '--test-threads=1'], 'cargo-test', 5],
    [['cargo', '-Z', 'x', 't', '--release'], 'cargo-test', 4]
  ])('%j is a %s run', (command, mode, insertAt) => {
    expect(parseCargoTestCommand(command)).toMatchObject({ mode, insertAt })
  })

  it('keeps the toolchain and the --target triples', () => {
    expect(
      parseCargoTestCommand([
        'cargo',
        '+nightly',
        'test',
        '--target',
        'aarch64-unknown-linux-gnu',
        '--',
        '--target=ignored'
      ])
    ).toEqual({
      mode: 'cargo-test',
      toolchain: '+nightly',
      insertAt: 3,
      targets: ['aarch64-unknown-linux-gnu']
    })
  })

  it('leaves other programs and other cargo subcommands to the program mode', () => {
    expect(parseCargoTestCommand(['./build/app', 'test'])).toBeUndefined()
    expect(parseCargoTestCommand(['cargo', 'run', '--bin', 'x'])).toBeUndefined()
    expect(parseCargoTestCommand(['cargo', 'build'])).toBeUndefined()
  })

  it('refuses nextest subcommands that run no test, saying what is accepted', () => {
    expect(() => parseCargoTestCommand(['cargo', 'nextest', 'list'])).toThrow(InputError)
    expect(() => parseCargoTestCommand(['cargo', 'nextest', 'archive'])).toThrow(
      /'cargo nextest run \[options\]' or 'cargo test \[options\]'/
    )
  })

  it('names the runner variable as cargo does', () => {
    expect(runnerVariable('x86_64-unknown-linux-gnu')).toBe(
      'CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER'
    )
    expect(runnerVariable('thumbv7em-none-eabihf')).toBe(
      'CARGO_TARGET_THUMBV7EM_NONE_EABIHF_RUNNER'
    )
  })
})

describe('isRustRuntimeFrame', () => {
  const std = '/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860'
  it.each<[string, Frame]>([
    [
      'an inlined std frame',
      { ip: '0x1', fn: 'alloc', dir: `${std}/library/alloc/src`, file: 'alloc.rs', line: 95 }
    ],
    [
      'a core frame with a relative file',
      {
        ip: '0x1',
        fn: 'core::ops::function::FnOnce::call_once',
        dir: std,
        file: 'library/core/src/ops/function.rs',
        line: 250
      }
    ],
    [
      "std's vendored gimli",
      {
        ip: '0x1',
        fn: 'parse<gimli::read::EndianSlice>',
        dir: '/rust/deps/gimli-0.32.3/src/read',
        file: 'abbrev.rs',
        line: 3
      }
    ],
    ['libtest without sources', { ip: '0x1', fn: 'test::run_test', obj: '/x/deps/t-1' }],
    ['a std impl without sources', { ip: '0x1', fn: '<alloc::raw_vec::RawVecInner>::finish_grow' }],
    ['the allocator shim', { ip: '0x1', fn: '__rustc::__rust_alloc' }],
    ['the old allocator shim', { ip: '0x1', fn: '__rdl_alloc' }],
    [
      'the test harness main',
      { ip: '0x1', fn: 'rust_crate::main', dir: '/ws/src', file: 'lib.rs', line: 1 }
    ],
    [
      "the test harness main, in a test binary's object",
      {
        ip: '0x1',
        fn: 'app::main',
        dir: '/ws/src',
        file: 'main.rs',
        line: 1,
        obj: '/ws/target/debug/deps/app-0123456789abcdef'
      }
    ]
  ])('matches %s', (_, frame) => {
    expect(isRustRuntimeFrame(frame)).toBe(true)
  })

  it.each<[string, Frame]>([
    [
      'a user test',
      { ip: '0x1', fn: 'rust_crate::tests::leaks', dir: '/ws/src', file: 'lib.rs', line: 41 }
    ],
    ['a user main', { ip: '0x1', fn: 'app::main', dir: '/ws/src', file: 'main.rs', line: 7 }],
    [
      "a user main on line 1, in the crate's program (run by a test through CARGO_BIN_EXE)",
      {
        ip: '0x1',
        fn: 'app::main',
        dir: '/ws/src',
        file: 'main.rs',
        line: 1,
        obj: '/ws/target/debug/app'
      }
    ],
    [
      'a user trait impl for a std type',
      { ip: '0x1', fn: '<alloc::vec::Vec<u8> as app::Encode>::encode' }
    ],
    ['C main', { ip: '0x1', fn: 'main', dir: '/ws/src', file: 'leaks.c', line: 12 }],
    [
      'C malloc',
      { ip: '0x1', fn: 'malloc', obj: '/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so' }
    ],
    [
      'a C++ template in a header',
      {
        ip: '0x1',
        fn: 'std::vector<int>::push_back(int const&)',
        dir: '/usr/include/c++/12/bits',
        file: 'stl_vector.h',
        line: 1198
      }
    ],
    ['a frame with only an address', { ip: '0x1' }]
  ])('does not match %s', (_, frame) => {
    expect(isRustRuntimeFrame(frame)).toBe(false)
  })

  it('matches no frame of the C and C++ samples that has a source file', async () => {
    const names = ['leaks', 'invalid_rw', 'use_after_free', 'mismatched', 'segv', 'uninit_origins']
    let checked = 0
    for (const name of names) {
      const dir = path.join(samples, name)
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
        const run = await parseValgrindXmlFile(path.join(dir, file))
        for (const finding of run.findings) {
          for (const frame of [finding.stack, ...finding.auxStacks.map((a) => a.frames)].flat()) {
            if (frame.file === undefined) continue
            checked++
            expect(isRustRuntimeFrame(frame)).toBe(false)
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20)
  })
})

describe('testFromStack', () => {
  const std = '/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860'
  const frame = (fn: string, file?: string, line?: number): Frame =>
    file?.startsWith('/rustc')
      ? { ip: '0x1', fn, dir: std, file: file.slice(std.length + 1), line }
      : { ip: '0x1', fn, dir: file ? '/ws/src' : undefined, file, line }

  it('is the outermost user frame below libtest, with the crate name dropped', () => {
    const stack = [
      frame('malloc'),
      frame('alloc::vec::from_elem', `${std}/library/alloc/src/vec/mod.rs`, 3651),
      frame('rust_crate::leak_a_buffer', 'lib.rs', 15),
      frame('rust_crate::tests::leaks_a_buffer', 'lib.rs', 41),
      frame('rust_crate::tests::leaks_a_buffer::{{closure}}', 'lib.rs', 40),
      frame(
        'core::ops::function::FnOnce::call_once',
        `${std}/library/core/src/ops/function.rs`,
        250
      ),
      frame('test::__rust_begin_short_backtrace::<fn()>', `${std}/library/test/src/lib.rs`, 663),
      frame('start_thread')
    ]
    expect(testFromStack(stack)).toBe('tests::leaks_a_buffer')
  })

  it('is undefined for allocations outside any test (main thread, truncated stacks)', () => {
    expect(
      testFromStack([frame('malloc'), frame('rust_crate::main', 'lib.rs', 1), frame('main')])
    ).toBeUndefined()
  })

  it('names a doctest by its file and line', () => {
    expect(
      testFromStack([
        frame('malloc'),
        frame('rust_out::main::_doctest_main_src_lib_rs_6_0', 'src/lib.rs', 7)
      ])
    ).toBe('src/lib.rs (line 6)')
  })
})

describe('testFromArgv', () => {
  it('reads the test of a nextest run and drops the hash from the binary', () => {
    expect(
      testFromArgv('/ws/target/debug/deps/rust_crate-57fc12c90825a08a', [
        '--exact',
        'tests::x',
        '--nocapture',
        '--ignored'
      ])
    ).toEqual({ binary: 'rust_crate', name: 'tests::x' })
  })
  it('marks listing runs', () => {
    expect(
      testFromArgv('/ws/target/debug/deps/t-0123456789abcdef', ['--list', '--format', 'terse'])
    ).toBe('list')
  })
  it('names a whole-binary run (cargo test) and doctests', () => {
    expect(testFromArgv('/ws/target/debug/deps/integration-abae7895f4ff785a', [])).toEqual({
      binary: 'integration'
    })
    expect(testFromArgv('/tmp/rustdoctestqhhpcA/rust_out', [])).toEqual({ binary: 'doctest' })
  })
})

describe('parseLibtestFailures', () => {
  it('reads the pretty format, with each failed test’s panic message', () => {
    const stdout = [
      'running 3 tests',
      'test tests::a ... ok',
      'test tests::b ... FAILED',
      'test tests::c - should panic ... FAILED',
      '',
      'failures:',
      '',
      '---- tests::b stdout ----',
      '',
      "thread 'tests::b' (77) panicked at src/lib.rs:9:5:",
      'boom',
      'stack backtrace:',
      '   0: __rustc::rust_begin_unwind',
      '---- tests::c stdout ----',
      'note: test did not panic as expected',
      '',
      'failures:',
      '    tests::b',
      '    tests::c',
      '',
      'test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out'
    ].join('\n')
    expect(parseLibtestFailures(stdout)).toEqual([
      { name: 'tests::b', message: "thread 'tests::b' (77) panicked at src/lib.rs:9:5:\nboom" },
      { name: 'tests::c', message: 'note: test did not panic as expected' }
    ])
  })

  it('reads the terse format and the JSON format', () => {
    expect(parseLibtestFailures('..F\nfailures:\n    tests::z\n\ntest result: FAILED.')).toEqual([
      { name: 'tests::z' }
    ])
    expect(
      parseLibtestFailures(
        '{ "type": "test", "event": "failed", "name": "tests::j", "stdout": "panicked: no" }'
      )
    ).toEqual([{ name: 'tests::j', message: 'panicked: no' }])
  })

  it('finds nothing in a passing report', () => {
    expect(parseLibtestFailures('running 1 test\ntest t ... ok\n\ntest result: ok.')).toEqual([])
  })
})

describe('the runner script', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-runner-'))
  const state = path.join(dir, "state with 'quotes'")
  fs.mkdirSync(state)
  const log = path.join(dir, 'valgrind.log')
  // A stand-in for valgrind that logs how it was called, then runs the program.
  const fakeValgrind = path.join(dir, 'fake-valgrind')
  fs.writeFileSync(fakeValgrind, `#!/bin/sh\necho "$@" >> '${log}'\nshift 2\nexec "$@"\n`, {
    mode: 0o755
  })
  const binary = path.join(dir, 'test-binary')
  fs.writeFileSync(binary, '#!/bin/sh\necho "ran $*"\n[ "$2" = fails ] && exit 101\nexit 0\n', {
    mode: 0o755
  })

  const run = (
    mode: 'nextest' | 'cargo-test',
    args: string[],
    env: Record<string, string> = {}
  ) => {
    const script = path.join(dir, `runner-${mode}.sh`)
    fs.writeFileSync(
      script,
      runnerScript({
        mode,
        valgrindArgv: [fakeValgrind, '--tool=memcheck', '--xml-file=a b/%p.xml'],
        stateDir: state
      }),
      { mode: 0o755 }
    )
    return spawnSync(script, [binary, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env }
    })
  }

  it('lists without valgrind and leaves no record', () => {
    const result = run('nextest', ['--list', '--format', 'terse'])
    expect(result.stdout).toBe('ran --list --format terse\n')
    expect(fs.existsSync(log)).toBe(false)
    expect(fs.readdirSync(state)).toEqual([])
  })

  it('runs a test under valgrind, keeps its exit status and records it', () => {
    const result = run('nextest', ['--exact', 'fails', '--nocapture'], {
      NEXTEST_BINARY_ID: 'my-crate::it',
      NEXTEST_ATTEMPT: '2'
    })
    expect(result.status).toBe(101)
    expect(result.stdout).toBe('ran --exact fails --nocapture\n')
    expect(fs.readFileSync(log, 'utf8')).toContain('--tool=memcheck --xml-file=a b/%p.xml')
    const [name] = fs.readdirSync(state)
    const record = parseStatusRecord(1, fs.readFileSync(path.join(state, name), 'utf8'))
    expect(record).toEqual({
      pid: 1,
      binaryId: 'my-crate::it',
      attempt: 2,
      argv: [binary, '--exact', 'fails', '--nocapture'],
      exitCode: 101
    })
  })

  it('keeps libtest’s output for cargo test and still streams it', () => {
    for (const file of fs.readdirSync(state)) fs.rmSync(path.join(state, file))
    const result = run('cargo-test', ['--test-threads=1'])
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('ran --test-threads=1\n')
    const stdoutFile = fs.readdirSync(state).find((file) => file.endsWith('.stdout'))
    expect(fs.readFileSync(path.join(state, stdoutFile ?? ''), 'utf8')).toBe(
      'ran --test-threads=1\n'
    )
  })
})

describe('bundled suppressions', () => {
  it('are found from the sources (and, the same way, from dist/)', () => {
    expect(bundledRustSuppressions()).toBe(path.join(repoRoot, 'suppressions', 'rust-std.supp'))
  })
})

describe('test names from stacks', () => {
  it('spells a name outside ASCII as the source does, not as legacy mangling escapes it', () => {
    expect(decodeSymbolEscapes('beta::tests::$ufc$n$uef$c$uf6$d$ue9$_leak')).toBe(
      'beta::tests::ünïcödé_leak'
    )
    expect(decodeSymbolEscapes('a::$u1f600$')).toBe('a::😀')
    expect(decodeSymbolEscapes('plain::name')).toBe('plain::name')
  })

  it("names a spawned thread's finding by the batch's test whose closure it runs", () => {
    const stack = [
      { ip: '0x1', fn: 'malloc', obj: '/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so' },
      {
        ip: '0x2',
        fn: 'beta::tests::thread_leak::{{closure}}',
        dir: '/ws/src',
        file: 'lib.rs',
        line: 12
      },
      {
        ip: '0x3',
        fn: 'std::sys::backtrace::__rust_begin_short_backtrace',
        file: 'backtrace.rs',
        dir: '/rustc/abc/library/std/src/sys'
      }
    ]
    expect(listedTestInStack(stack, ['tests::clean_b', 'tests::thread_leak'])).toBe(
      'tests::thread_leak'
    )
    expect(listedTestInStack(stack, ['tests::clean_b'])).toBeUndefined()
    expect(listedTestInStack(stack, [])).toBeUndefined()
  })

  it("finds a raw identifier's test among the names libtest was given", () => {
    const listed = ['tests::r#type', 'tests::r#match::inner', 'tests::plain']
    expect(listedTestName('tests::type', listed)).toBe('tests::r#type')
    expect(listedTestName('tests::match::inner', listed)).toBe('tests::r#match::inner')
    expect(listedTestName('tests::plain', listed)).toBe('tests::plain')
    expect(listedTestName('tests::unlisted', listed)).toBe('tests::unlisted')
    expect(listedTestName('tests::type', [])).toBe('tests::type')
  })
})
