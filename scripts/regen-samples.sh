#!/usr/bin/env bash
# Rebuilds the sample programs and regenerates every sample under
# __tests__/fixtures/valgrind-samples/samples with the valgrind on PATH (~2 min on 2 cores).
# Needs gcc, g++, valgrind (with callgrind_annotate), python3; rustc for the Rust samples (without it
# the Rust samples are left as they are).
#   bash scripts/regen-samples.sh
# Each sample directory gets:
#   cmd.txt            exact command lines (XML run, then plain-text oracle run)
#   <name>.xml         the XML written by --xml-file (some samples have several: %p)
#   xml-run.stderr.txt stderr of the XML run (program's own stderr; valgrind prints nothing else here)
#   text.stderr.txt    stderr of an identical run without --xml (ERROR SUMMARY / LEAK SUMMARY oracle)
#   stdout.txt         program stdout of the XML run
#   exitcode.txt       shell exit status of both runs
# Afterwards every path under the samples directory is rewritten to the runner-style workspace
# /home/runner/work/demo/demo (src/ and build/ under it), which the tests use as GITHUB_WORKSPACE,
# samples/VALGRIND_VERSION records the valgrind that wrote them, and samples/SUMMARY.txt (what
# tools/summarize.py derives from each XML next to its text oracle) is rewritten.
# Many tests check details of these files (file names with pids, pids, lines, counts, instruction
# counts): after regenerating, update the tests that name what changed, run `npm test`, review
# `git diff`.
set -u
ROOT="$(cd "$(dirname "$0")/../__tests__/fixtures/valgrind-samples" && pwd)"
BUILD="$ROOT/build"
S="$ROOT/samples"
WORKSPACE=/home/runner/work/demo/demo
for tool in gcc g++ valgrind callgrind_annotate python3; do
  command -v "$tool" >/dev/null || { echo "regen-samples: $tool is needed and not on PATH" >&2; exit 2; }
done
trap 'rm -rf "$BUILD"' EXIT
mkdir -p "$BUILD" "$S"
cd "$ROOT"

build() {
  for f in src/*.c; do
    n=$(basename "$f" .c)
    gcc -g -O0 -fno-builtin -o "$BUILD/$n" "$f" -lpthread 2>/dev/null
  done
  g++ -g -O0 -o "$BUILD/mismatched" src/mismatched.cpp
}

MC=(--leak-check=full --show-leak-kinds=all --error-exitcode=1)

# run_sample NAME "VALGRIND OPTS (no xml)" PROGRAM [ARGS...]
# Runs twice: with --xml=yes --xml-file=NAME.xml, and plain text (the oracle).
run_sample() {
  local name="$1"; shift
  local opts="$1"; shift
  local d="$S/$name"
  rm -rf "$d"; mkdir -p "$d"
  local xmlcmd=(valgrind --xml=yes "--xml-file=$d/$name.xml" $opts "$@")
  local txtcmd=(valgrind $opts "$@")
  {
    echo "# XML run (cwd: $ROOT)"
    printf '%q ' "${xmlcmd[@]}"; echo
    echo "# plain-text oracle run"
    printf '%q ' "${txtcmd[@]}"; echo
  } > "$d/cmd.txt"
  "${xmlcmd[@]}" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt" < /dev/null
  local rc1=$?
  "${txtcmd[@]}" > /dev/null 2> "$d/text.stderr.txt" < /dev/null
  local rc2=$?
  printf 'xml_run=%s\ntext_run=%s\n' "$rc1" "$rc2" > "$d/exitcode.txt"
}

build

run_sample clean          "${MC[*]}" "$BUILD/clean"
run_sample leaks          "${MC[*]}" "$BUILD/leaks"
run_sample leaks_default_kinds "--leak-check=full --error-exitcode=1" "$BUILD/leaks"
run_sample invalid_rw     "${MC[*]}" "$BUILD/invalid_rw"
run_sample use_after_free "${MC[*]}" "$BUILD/use_after_free"
run_sample invalid_free   "${MC[*]}" "$BUILD/invalid_free"
run_sample mismatched     "${MC[*]}" "$BUILD/mismatched"
run_sample uninit_origins "${MC[*]} --track-origins=yes" "$BUILD/uninit"
run_sample uninit_no_origins "${MC[*]}" "$BUILD/uninit"
run_sample syscall_param  "${MC[*]}" "$BUILD/syscall_param"
run_sample overlap        "${MC[*]}" "$BUILD/overlap"
run_sample fishy          "${MC[*]}" "$BUILD/fishy"
run_sample segv           "${MC[*]}" "$BUILD/segv"
run_sample gen_suppressions "${MC[*]} --gen-suppressions=all" "$BUILD/invalid_rw"
run_sample gen_suppressions_leaks "${MC[*]} --gen-suppressions=all" "$BUILD/leaks"
run_sample clientmsg      "${MC[*]}" "$BUILD/clientmsg"
run_sample threadname_memcheck "${MC[*]}" "$BUILD/threadname"
run_sample helgrind_race  "--tool=helgrind --error-exitcode=1" "$BUILD/race"
run_sample helgrind_threadname "--tool=helgrind --error-exitcode=1" "$BUILD/threadname"
run_sample drd_race       "--tool=drd --error-exitcode=1" "$BUILD/race"
run_sample drd_threadname "--tool=drd --error-exitcode=1" "$BUILD/threadname"
run_sample memcheck_race_clean "${MC[*]}" "$BUILD/race"
run_sample weird_args     "${MC[*]}" "$BUILD/weird_args" $'caf\xc3\xa9' $'bad\xff\xfebytes' '<tag attr="x">&amp;</tag>' 'spaces in arg' '--exact' 'tests::it_works'
run_sample control_chars_args "${MC[*]}" "$BUILD/weird_args" $'ctl\x01\x1bchar' "quote'\"" $'tab\there' $'new\nline'
run_sample user_comment   "${MC[*]} --xml-user-comment=<nextest><test>tests::it_works</test></nextest>" "$BUILD/clean"

# ---- --suppressions: feed back the suppressions generated above; gives non-empty <suppcounts>
d="$S/suppressions_used"; rm -rf "$d"; mkdir -p "$d"
# Extract the CDATA raw text of every generated suppression into a .supp file.
python3 - "$S/gen_suppressions/gen_suppressions.xml" "$d/generated.supp" <<'PY'
import re, sys
xml = open(sys.argv[1], encoding='utf-8', errors='replace').read()
blocks = re.findall(r'<rawtext>\s*<!\[CDATA\[(.*?)\]\]>\s*</rawtext>', xml, re.S)
# keep only the InvalidWrite suppression (first one) so something stays unsuppressed
open(sys.argv[2], 'w').write(blocks[0] + '\n')
PY
opts="${MC[*]} --suppressions=$d/generated.supp"
{ echo "# XML run"; echo "valgrind --xml=yes --xml-file=$d/suppressions_used.xml $opts $BUILD/invalid_rw";
  echo "# plain-text oracle run (-s lists used suppressions)"; echo "valgrind -s $opts $BUILD/invalid_rw"; } > "$d/cmd.txt"
valgrind --xml=yes --xml-file="$d/suppressions_used.xml" $opts "$BUILD/invalid_rw" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt"; rc1=$?
valgrind -s $opts "$BUILD/invalid_rw" > /dev/null 2> "$d/text.stderr.txt"; rc2=$?
printf 'xml_run=%s\ntext_run=%s\n' "$rc1" "$rc2" > "$d/exitcode.txt"

# ---- fork + exec with --trace-children=yes and %p: one XML file per process
d="$S/fork_exec_trace_children"; rm -rf "$d"; mkdir -p "$d"
opts="${MC[*]} --trace-children=yes"
{ echo "# XML run (%p expands to each process's pid)"; echo "valgrind --xml=yes --xml-file=$d/fork_exec.%p.xml $opts $BUILD/fork_exec $BUILD/leaks";
  echo "# plain-text oracle run (both processes write to the same stderr, each line prefixed ==PID==)"; echo "valgrind $opts $BUILD/fork_exec $BUILD/leaks"; } > "$d/cmd.txt"
valgrind --xml=yes --xml-file="$d/fork_exec.%p.xml" $opts "$BUILD/fork_exec" "$BUILD/leaks" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt"; rc1=$?
valgrind $opts "$BUILD/fork_exec" "$BUILD/leaks" > /dev/null 2> "$d/text.stderr.txt"; rc2=$?
printf 'xml_run=%s\ntext_run=%s\n' "$rc1" "$rc2" > "$d/exitcode.txt"

# ---- fork without exec; %p in file name
d="$S/fork_noexec_pct_p"; rm -rf "$d"; mkdir -p "$d"
opts="${MC[*]}"
{ echo "# XML run"; echo "valgrind --xml=yes --xml-file=$d/fork_noexec.%p.xml $opts $BUILD/fork_noexec";
  echo "# plain-text oracle run"; echo "valgrind $opts $BUILD/fork_noexec"; } > "$d/cmd.txt"
valgrind --xml=yes --xml-file="$d/fork_noexec.%p.xml" $opts "$BUILD/fork_noexec" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt"; rc1=$?
valgrind $opts "$BUILD/fork_noexec" > /dev/null 2> "$d/text.stderr.txt"; rc2=$?
printf 'xml_run=%s\ntext_run=%s\n' "$rc1" "$rc2" > "$d/exitcode.txt"

# ---- fork without exec; NO %p: parent and child share one file
d="$S/fork_noexec_shared_file"; rm -rf "$d"; mkdir -p "$d"
{ echo "# XML run (no %p: both processes write into the same file)"; echo "valgrind --xml=yes --xml-file=$d/fork_noexec.xml $opts $BUILD/fork_noexec"; } > "$d/cmd.txt"
valgrind --xml=yes --xml-file="$d/fork_noexec.xml" $opts "$BUILD/fork_noexec" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt"; rc1=$?
printf 'xml_run=%s\n' "$rc1" > "$d/exitcode.txt"

# ---- %q{VAR} in --xml-file: gives <logfilequalifier>
d="$S/logfilequalifier"; rm -rf "$d"; mkdir -p "$d"
opts="${MC[*]}"
{ echo "# XML run (env SAMPLE_TEST_NAME=tests__it_works; a real NEXTEST_TEST_NAME contains '::', which upload-artifact rejects in file names)"; echo "SAMPLE_TEST_NAME=tests__it_works valgrind --xml=yes '--xml-file=$d/vg.%q{SAMPLE_TEST_NAME}.%p.xml' $opts $BUILD/leaks"; } > "$d/cmd.txt"
SAMPLE_TEST_NAME='tests__it_works' valgrind --xml=yes "--xml-file=$d/vg.%q{SAMPLE_TEST_NAME}.%p.xml" $opts "$BUILD/leaks" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt"; rc1=$?
printf 'xml_run=%s\n' "$rc1" > "$d/exitcode.txt"

# ---- killed mid-run with SIGKILL (truncated XML) and with SIGTERM (complete XML + fatal_signal)
for sig in KILL TERM; do
  d="$S/killed_sig$(echo $sig | tr A-Z a-z)"; rm -rf "$d"; mkdir -p "$d"
  { echo "# XML run, then after 3 s: kill -$sig <valgrind pid>"; echo "valgrind --xml=yes --xml-file=$d/killed.xml $opts $BUILD/slow & sleep 3; kill -$sig \$!";
    echo "# plain-text oracle run, killed the same way"; echo "valgrind $opts $BUILD/slow & sleep 3; kill -$sig \$!"; } > "$d/cmd.txt"
  valgrind --xml=yes --xml-file="$d/killed.xml" $opts "$BUILD/slow" > "$d/stdout.txt" 2> "$d/xml-run.stderr.txt" &
  pid=$!; sleep 3; kill -$sig $pid; wait $pid; rc1=$?
  valgrind $opts "$BUILD/slow" > /dev/null 2> "$d/text.stderr.txt" &
  pid=$!; sleep 3; kill -$sig $pid; wait $pid; rc2=$?
  printf 'xml_run=%s\ntext_run=%s\n' "$rc1" "$rc2" > "$d/exitcode.txt"
done

# ---- --exit-on-first-error=yes (needs --error-exitcode)
run_sample exit_on_first_error "${MC[*]} --exit-on-first-error=yes" "$BUILD/invalid_rw"

# ---- Rust libtest binary, invoked exactly as cargo-nextest invokes a test binary through a target runner.
# RUST_BACKTRACE is pinned to 0: with RUST_BACKTRACE=1 the panicking test symbolises a backtrace under
# valgrind and leaves ~34 MB "still reachable" in ~75 loss records (a 1 MB XML file with --show-leak-kinds=all).
if command -v rustc >/dev/null; then
  export RUST_BACKTRACE=0
  rustc --test -g -C opt-level=0 --edition 2021 -o "$BUILD/rust_tests" src/rust_tests.rs 2>/dev/null
  rust_run() {  # rust_run SAMPLEDIR "EXTRA VALGRIND OPTS"
    local d="$1" xo="$2"
    rm -rf "$d"; mkdir -p "$d"
    local VG="valgrind --xml=yes --xml-file=$d/vg.%p.xml ${MC[*]} $xo"
    : > "$d/cmd.txt"; : > "$d/exitcode.txt"
    echo "# env: RUST_BACKTRACE=0" >> "$d/cmd.txt"
    echo "# list phase (a target runner is also used for listing: nextest lists each binary twice, plain and --ignored)" >> "$d/cmd.txt"
    for extra in "" "--ignored"; do
      echo "NEXTEST=1 NEXTEST_BINARY_ID=rust-samples $VG $BUILD/rust_tests --list --format terse $extra" >> "$d/cmd.txt"
      NEXTEST=1 NEXTEST_BINARY_ID=rust-samples $VG "$BUILD/rust_tests" --list --format terse $extra >> "$d/list.stdout.txt" 2>> "$d/list.stderr.txt"
      echo "list${extra:+ $extra}: rc=$?" >> "$d/exitcode.txt"
    done
    echo "# run phase: one process per test:  <runner> <binary> --exact <name> --nocapture [--ignored]" >> "$d/cmd.txt"
    for t in tests::clean tests::leaks_box tests::invalid_read tests::uninit_branch tests::panics tests::ignored_leak; do
      local extra=""; [ "$t" = tests::ignored_leak ] && extra="--ignored"
      local f="${t//::/__}"   # no ':' in file names (actions/upload-artifact rejects them)
      echo "NEXTEST=1 NEXTEST_TEST_NAME=$t NEXTEST_BINARY_ID=rust-samples $VG $BUILD/rust_tests --exact $t --nocapture $extra" >> "$d/cmd.txt"
      NEXTEST=1 NEXTEST_TEST_NAME="$t" NEXTEST_BINARY_ID=rust-samples $VG "$BUILD/rust_tests" --exact "$t" --nocapture $extra > "$d/$f.stdout.txt" 2> "$d/$f.stderr.txt"
      echo "$t: rc=$?" >> "$d/exitcode.txt"
      NEXTEST=1 valgrind ${MC[*]} $xo "$BUILD/rust_tests" --exact "$t" --nocapture $extra > /dev/null 2> "$d/$f.text.stderr.txt"
      echo "$t (text oracle): rc=$?" >> "$d/exitcode.txt"
    done
  }
  rust_run "$S/rust_nextest_style" ""
  # Same, with a suppression for the libtest/std "possibly lost" Thread handle (48 bytes) that every test shows.
  mkdir -p "$S/rust_with_std_suppression"
  cat > "$ROOT/src/rust-std.supp" <<'SUPP'
{
   rust-std-thread-current-init-possible-leak
   Memcheck:Leak
   match-leak-kinds: possible
   fun:malloc
   ...
   fun:*init_current*
}
SUPP
  rust_run "$S/rust_with_std_suppression" "--suppressions=$ROOT/src/rust-std.supp"
  cp "$ROOT/src/rust-std.supp" "$S/rust_with_std_suppression/"

  # %q{VAR} with a variable that is unset (as NEXTEST_TEST_NAME is during nextest's list phase)
  d="$S/qualifier_unset_var"; rm -rf "$d"; mkdir -p "$d"
  echo "env -u NEXTEST_TEST_NAME valgrind --xml=yes '--xml-file=$d/vg.%q{NEXTEST_TEST_NAME}.xml' ${MC[*]} $BUILD/rust_tests --list --format terse" > "$d/cmd.txt"
  env -u NEXTEST_TEST_NAME valgrind --xml=yes "--xml-file=$d/vg.%q{NEXTEST_TEST_NAME}.xml" ${MC[*]} "$BUILD/rust_tests" --list --format terse > "$d/stdout.txt" 2> "$d/stderr.txt"
  echo "rc=$?" > "$d/exitcode.txt"
fi

# ---- --xml=yes with no destination: valgrind refuses to start
d="$S/xml_no_destination"; rm -rf "$d"; mkdir -p "$d"
echo "valgrind --xml=yes ${MC[*]} $BUILD/clean" > "$d/cmd.txt"
valgrind --xml=yes ${MC[*]} "$BUILD/clean" > "$d/stdout.txt" 2> "$d/stderr.txt"; echo "rc=$?" > "$d/exitcode.txt"

# ---- --xml-file in a directory that does not exist: valgrind refuses to start (rc 1, no XML)
d="$S/xml_file_unwritable"; rm -rf "$d"; mkdir -p "$d"
echo "valgrind --xml=yes --xml-file=/nonexistent/dir/x.xml --error-exitcode=9 $BUILD/invalid_rw" > "$d/cmd.txt"
valgrind --xml=yes --xml-file=/nonexistent/dir/x.xml --error-exitcode=9 "$BUILD/invalid_rw" > "$d/stdout.txt" 2> "$d/stderr.txt"; echo "rc=$?" > "$d/exitcode.txt"

# ---- callgrind
cg() {  # cg NAME "OPTS"
  local d="$S/$1"; rm -rf "$d"; mkdir -p "$d"
  local cmd=(valgrind --tool=callgrind "--callgrind-out-file=$d/callgrind.out.%p" $2 "$BUILD/callgrind_work")
  { printf '%q ' "${cmd[@]}"; echo; } > "$d/cmd.txt"
  "${cmd[@]}" > "$d/stdout.txt" 2> "$d/stderr.txt"; echo "rc=$?" > "$d/exitcode.txt"
  local out; out=$(ls "$d"/callgrind.out.* | head -1)
  echo "callgrind_annotate $out" >> "$d/cmd.txt"
  callgrind_annotate "$out" > "$d/callgrind_annotate.txt" 2>&1
  echo "callgrind_annotate --inclusive=yes $out" >> "$d/cmd.txt"
  callgrind_annotate --inclusive=yes "$out" > "$d/callgrind_annotate.inclusive.txt" 2>&1
}
cg callgrind_basic ""
cg callgrind_instr_cache "--dump-instr=yes --cache-sim=yes --branch-sim=yes"
cg callgrind_collect_atstart_no "--collect-atstart=no --toggle-collect=fib"
# callgrind refuses --xml=yes
d="$S/callgrind_xml_unsupported"; rm -rf "$d"; mkdir -p "$d"
echo "valgrind --tool=callgrind --xml=yes --xml-file=$d/x.xml --callgrind-out-file=$d/callgrind.out.%p $BUILD/callgrind_work" > "$d/cmd.txt"
valgrind --tool=callgrind --xml=yes --xml-file="$d/x.xml" "--callgrind-out-file=$d/callgrind.out.%p" "$BUILD/callgrind_work" > "$d/stdout.txt" 2> "$d/stderr.txt"; echo "rc=$?" > "$d/exitcode.txt"

# ---- Rust, through an example runner script that skips valgrind for the list phase and uses
#      --errors-for-leak-kinds=definite and a distinctive --error-exitcode=99
if [ -x "$BUILD/rust_tests" ]; then
  d="$S/rust_via_runner_script"; rm -rf "$d"; mkdir -p "$d"
  cp "$ROOT/src/valgrind-runner.sh" "$d/"
  : > "$d/cmd.txt"; : > "$d/exitcode.txt"
  export RUST_BACKTRACE=0
  for extra in "" "--ignored"; do
    echo "VG_XML_DIR=$d src/valgrind-runner.sh $BUILD/rust_tests --list --format terse $extra" >> "$d/cmd.txt"
    VG_XML_DIR="$d" "$ROOT/src/valgrind-runner.sh" "$BUILD/rust_tests" --list --format terse $extra >> "$d/list.stdout.txt" 2>> "$d/list.stderr.txt"
    echo "list${extra:+ $extra}: rc=$?" >> "$d/exitcode.txt"
  done
  for t in tests::clean tests::leaks_box tests::invalid_read tests::uninit_branch tests::panics tests::ignored_leak; do
    extra=""; [ "$t" = tests::ignored_leak ] && extra="--ignored"
    f="${t//::/__}"
    echo "NEXTEST=1 NEXTEST_TEST_NAME=$t VG_XML_DIR=$d src/valgrind-runner.sh $BUILD/rust_tests --exact $t --nocapture $extra" >> "$d/cmd.txt"
    NEXTEST=1 NEXTEST_TEST_NAME="$t" VG_XML_DIR="$d" "$ROOT/src/valgrind-runner.sh" "$BUILD/rust_tests" --exact "$t" --nocapture $extra > "$d/$f.stdout.txt" 2> "$d/$f.stderr.txt"
    echo "$t: rc=$?" >> "$d/exitcode.txt"
  done
fi

# ---- paths of this machine -> the runner-style workspace; then the version and the summary
python3 - "$S" "$ROOT" "$WORKSPACE" <<'PY'
import os, sys
samples, root, workspace = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
for directory, _, files in os.walk(samples):
    for name in files:
        path = os.path.join(directory, name)
        data = open(path, 'rb').read()
        if root in data:
            open(path, 'wb').write(data.replace(root, workspace))
PY
valgrind --version | sed 's/^valgrind-//' > "$S/VALGRIND_VERSION"
python3 "$ROOT/tools/summarize.py" > "$S/SUMMARY.txt"
echo "regenerated $(find "$S" -mindepth 1 -maxdepth 1 -type d | wc -l) samples with valgrind $(cat "$S/VALGRIND_VERSION")"
