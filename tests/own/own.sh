#!/usr/bin/env bash
# Your own programs (issue "Your own programs (1)"): every option of `racelab run` that a
# program of one's own needs, on small real programs that need it. Each check names what
# racelab must print and the exit status it must give.
# Usage: own.sh RACELAB TSAN_DIR PLAIN_DIR CASES_BUILD_DIR
set -euo pipefail
racelab=$1 tsan=$2 plain=$3 cases=$4
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# check NAME WANT_STATUS WANT_TEXT [VAR=value...] -- racelab run arguments (run from $PWD)
check() {
  local name=$1 want=$2 text=$3 status=0
  shift 3
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  timeout -s KILL 120 env "${envs[@]}" "$racelab" run "$@" </dev/null >"$work/out" 2>&1 ||
    status=$?
  verdict "$name" "$want" "$text" "$status"
}

verdict() { # name, wanted status, wanted text, status
  if [ "$4" -ne "$2" ] || ! grep -qF -- "$3" "$work/out"; then
    echo "FAIL $1: exit $4 (want $2), want the text: $3"
    sed 's/^/    | /' "$work/out" | head -30
    failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}

# A project of one's own: data, suppressions, and a build folder to run from.
proj=$work/proj
mkdir -p "$proj/data" "$proj/supp" "$proj/build"
printf 'hello\n' >"$proj/data/hello.txt"
printf 'ping\n' >"$proj/data/ping.txt"
printf 'race:work\n' >"$proj/supp/race.tsan.supp"
cat >"$proj/supp/race.vg.supp" <<'SUPP'
{
   counter-race-helgrind
   Helgrind:Race
   ...
   obj:*/racy
}
{
   counter-race-drd
   drd:ConflictingAccess
   ...
   obj:*/racy
}
SUPP
printf 'this is not a suppression\n' >"$proj/supp/broken.supp"

# 1. Relative arguments and --cwd: the program runs in the caller's folder by default.
cd "$proj"
check relative-argument 0 "PASS" -- --tool tsan --expect clean -- "$tsan/reads_file" data/hello.txt
check relative-argument-helgrind 0 "PASS" -- \
  --tool helgrind --expect clean -- "$plain/reads_file" data/hello.txt
cd "$work"
check relative-argument-elsewhere 1 "exited with status 3" -- \
  --tool tsan --expect clean -- "$tsan/reads_file" data/hello.txt
check cwd-option 0 "cwd $proj," -- \
  --tool tsan --expect clean --cwd proj -- "$tsan/reads_file" data/hello.txt
check cwd-missing 2 "racelab: --cwd no-such-dir: No such file or directory" -- \
  --tool tsan --expect clean --cwd no-such-dir -- "$tsan/reads_file" data/hello.txt

# 2. Suppressions, given relative to the caller's folder, for every tool.
cd "$proj/build"
check tsan-race-unsuppressed 1 "data-race (reported, not expected)" -- \
  --tool tsan --expect clean -- "$tsan/racy"
check tsan-suppressions 0 "suppressions $proj/supp/race.tsan.supp" -- \
  --tool tsan --expect clean --suppressions ../supp/race.tsan.supp -- "$tsan/racy"
check tsan-two-suppressions 0 "PASS" -- --tool tsan --expect clean \
  --suppressions ../supp/race.tsan.supp --suppressions ../supp/race.tsan.supp -- "$tsan/racy"
for tool in helgrind drd; do
  check "$tool-suppressions" 0 "PASS" -- \
    --tool "$tool" --expect clean --suppressions ../supp/race.vg.supp -- "$plain/racy"
  check "$tool-broken-suppressions" 1 "FATAL: in suppressions file" -- \
    --tool "$tool" --expect clean --suppressions ../supp/broken.supp -- "$plain/racy"
done
check missing-suppressions 2 "racelab: --suppressions ../supp/none.supp: No such file or directory" \
  -- --tool drd --expect clean --suppressions ../supp/none.supp -- "$plain/racy"
check tsan-broken-suppressions 1 "failed to parse suppressions" -- \
  --tool tsan --expect clean --suppressions ../supp/broken.supp -- "$tsan/racy"

# 3. stdin: /dev/null by default, a file reopened for every run, or racelab's own.
check stdin-default 1 "exited with status 4" -- --tool tsan --expect clean -- "$tsan/reads_stdin"
check stdin-file-runs 0 "2 of 2 runs passed" -- \
  --tool tsan --expect clean --runs 2 --stdin ../data/ping.txt -- "$tsan/reads_stdin"
status=0
printf 'ping\n' | "$racelab" run --tool tsan --expect clean --stdin - -- "$tsan/reads_stdin" \
  >"$work/out" 2>&1 || status=$?
verdict stdin-piped 0 "stdin racelab's" "$status"
check stdin-piped-runs 2 "--stdin - is racelab's own stdin" -- \
  --tool tsan --expect clean --runs 2 --stdin - -- "$tsan/reads_stdin"

# 4. The exit status that is not an assertion.
check exit-57-default 1 "the program exited with status 57" -- \
  --tool tsan --expect clean -- "$tsan/exits_57"
check exit-status-any 0 "exit status any" -- \
  --tool tsan --expect clean --exit-status any -- "$tsan/exits_57"
check exit-status-57 0 "PASS" -- --tool drd --expect clean --exit-status 57 -- "$plain/exits_57"
check exit-status-other 1 "exited with status 57, not 58" -- \
  --tool tsan --expect clean --exit-status 58 -- "$tsan/exits_57"
check exit-status-bad 2 "--exit-status takes a whole number from 0 to 255 or 'any', not '256'" -- \
  --tool tsan --expect clean --exit-status 256 -- "$tsan/exits_57"

# 5. Tool options: DRD sees a thread's stack only with --check-stack-var=yes.
loop=$cases/vg/thread/loop_arg_address
check drd-stack-var-off 1 "data-race (expected, not reported)" -- \
  --tool drd --expect data-race -- "$loop"
check drd-stack-var-on 0 "--check-stack-var=yes" -- \
  --tool drd --expect data-race --tool-option --check-stack-var=yes -- "$loop"
check tsan-option 0 "halt_on_error=0" -- \
  --tool tsan --expect data-race --tool-option halt_on_error=0 -- "$tsan/racy"
# ... and the options racelab owns are refused, naming themselves.
check tsan-owned-log-path 2 "--tool-option 'log_path=/tmp/x': racelab owns log_path" -- \
  --tool tsan --expect clean --tool-option log_path=/tmp/x -- "$tsan/racy"
check tsan-owned-exitcode 2 "racelab owns exitcode" -- \
  --tool tsan --expect clean --tool-option exitcode=0 -- "$tsan/racy"
check tsan-owned-suppressions 2 "racelab owns suppressions (use --suppressions FILE)" -- \
  --tool tsan --expect clean --tool-option suppressions=x.supp -- "$tsan/racy"
check tsan-unknown-option 2 "ThreadSanitizer has no option 'halt_on_erorr'" -- \
  --tool tsan --expect clean --tool-option halt_on_erorr=0 -- "$tsan/racy"
check tsan-option-form 2 "a ThreadSanitizer option is one name=value" -- \
  --tool tsan --expect clean --tool-option "halt_on_error=0 verbosity=1" -- "$tsan/racy"
for opt in --xml-file=x.xml --log-file=x.log --trace-children=no --error-exitcode=1 \
  --child-silent-after-fork=yes --vgdb=yes --suppressions=x.supp; do
  check "helgrind-owned${opt%%=*}" 2 "--tool-option '$opt': racelab owns ${opt%%=*}" -- \
    --tool helgrind --expect clean --tool-option "$opt" -- "$plain/racy"
done
check valgrind-option-form 2 "a Valgrind option is one word that starts with --" -- \
  --tool drd --expect clean --tool-option check-stack-var=yes -- "$plain/racy"
check valgrind-unknown-option 1 "valgrind: Unknown option: --no-such-option=1" -- \
  --tool drd --expect clean --tool-option --no-such-option=1 -- "$plain/racy"
check daemon-no-options 2 "--tool daemon takes no --tool-option" -- \
  --tool daemon --expect clean --tool-option --x=1 -- "$plain/racy"

# 6. Wrapped programs: a libtool-style script that execs the real program, and one that
# runs it as a child.
mkdir -p "$work/wrap/.libs"
cp "$tsan/racy" "$work/wrap/.libs/racy-tsan"
cp "$plain/racy" "$work/wrap/.libs/racy-plain"
for build in tsan plain; do
  # shellcheck disable=SC2016 # expanded by the wrapper script, not here
  printf '#!/bin/sh\n# libtool-style wrapper\nexec "${0%%/*}/.libs/racy-%s" "$@"\n' \
    "$build" >"$work/wrap/exec-$build"
  # shellcheck disable=SC2016 # expanded by the wrapper script, not here
  printf '#!/bin/sh\n"${0%%/*}/.libs/racy-%s" "$@"\nexit $?\n' "$build" \
    >"$work/wrap/child-$build"
  chmod +x "$work/wrap/exec-$build" "$work/wrap/child-$build"
done
check wrapper-exec-tsan 0 "ThreadSanitizer (a wrapped program)" -- \
  --tool tsan --expect data-race -- "$work/wrap/exec-tsan"
check wrapper-child-tsan 0 "PASS" -- --tool tsan --expect data-race -- "$work/wrap/child-tsan"
check wrapper-exec-plain 1 "no process of the run was a ThreadSanitizer build" -- \
  --tool tsan --expect clean -- "$work/wrap/exec-plain"
check wrapper-child-plain 1 "no process of the run was a ThreadSanitizer build" -- \
  --tool tsan --expect clean -- "$work/wrap/child-plain"
# Under Valgrind the shell is traced too: a wrapper that runs the program as its child
# passes; one that execs it has its own XML truncated by the exec, which racelab reports.
check wrapper-helgrind-child 0 "PASS" -- \
  --tool helgrind --expect data-race -- "$work/wrap/child-plain"
check wrapper-helgrind-exec 1 "exec'd, and its new image truncated the reports of the old one" \
  -- --tool helgrind --expect data-race -- "$work/wrap/exec-plain"
check plain-build-refused 2 "is not built with -fsanitize=thread" -- \
  --tool tsan --expect clean -- "$plain/racy"

# 7. --output passes the program's output through as it runs; without it, the output is
# kept and shown when the run fails.
check output-passthrough 0 "racy: to stdout" -- \
  --tool tsan --expect data-race --output -- "$tsan/racy"
if ! grep -qF "racy: to stderr" "$work/out" ||
  [ "$(grep -n 'racy: to stdout' "$work/out" | cut -d: -f1)" -gt \
    "$(grep -n '^PASS' "$work/out" | cut -d: -f1)" ]; then
  echo "FAIL output-passthrough: the program's lines are not before the verdict"
  failures=$((failures + 1))
fi
check output-kept 1 "program stdout (tail):" -- --tool tsan --expect clean -- "$tsan/racy"
check output-quiet-on-pass 0 "PASS" -- --tool tsan --expect data-race -- "$tsan/racy"
if grep -qF "racy: to" "$work/out"; then
  echo "FAIL output-quiet-on-pass: a passing run printed the program's output"
  failures=$((failures + 1))
fi

# 8. --name, the JSON (racelab-run/2) and the results lines; per-tool default timeouts.
check name 0 "PASS helgrind:pool_stress" RACELAB_RESULTS="$work/results.tsv" -- \
  --tool helgrind --expect data-race --name pool_stress --json "$work/run.json" -- "$plain/racy"
if ! python3 - "$work/run.json" "$work/results.tsv" <<'PY'; then
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "racelab-run/2", doc["schema"]
assert doc["test"] == "pool_stress", doc["test"]
assert doc["options"]["timeout"] == 60, doc["options"]
assert doc["options"]["exit_status"] == 0, doc["options"]
line = open(sys.argv[2]).read().split("\t")
assert line[:2] == ["helgrind", "pool_stress"], line
PY
  echo "FAIL name: the JSON or the results line"
  failures=$((failures + 1))
fi
check tsan-default-timeout 0 "timeout 10 s" -- --tool tsan --expect data-race -- "$tsan/racy"
check scaled-timeout 0 "timeout 120 s" RACELAB_TIMEOUT_SCALE=2 -- \
  --tool drd --expect data-race -- "$plain/racy"

# 9. The same things as case keys: args:, options <tool>:, exit-status:.
mkdir -p "$work/cases/thread"
cat >"$work/cases/thread/own_keys.c" <<CASE
/* racelab-case
 * concept: thread
 * variant: correct
 * title: A case with arguments, tool options and an exit status of its own
 * lesson: The keys args:, options <tool>: and exit-status: say what --tool-option and the
 *   rest say on the command line.
 * args: $proj/data/hello.txt
 * options drd: --check-stack-var=yes
 * options tsan: halt_on_error=0
 * exit-status: 0
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
int main(void) { return 0; }
CASE
check case-keys-drd 0 "--check-stack-var=yes" -- \
  --tool drd --case "$work/cases/thread/own_keys.c" --bin "$plain/reads_file"
check case-keys-tsan 0 "halt_on_error=0" -- \
  --tool tsan --case "$work/cases/thread/own_keys.c" --bin "$tsan/reads_file"
sed -i 's/^ \* exit-status: 0$/ * exit-status: 3/' "$work/cases/thread/own_keys.c"
check case-exit-status 1 "exited with status 0, not 3" -- \
  --tool tsan --case "$work/cases/thread/own_keys.c" --bin "$tsan/reads_file"
sed -i 's/^ \* options tsan: .*/ * options tsan: log_path=x/' "$work/cases/thread/own_keys.c"
check case-owned-option 2 "own_keys.c:9: options tsan: --tool-option 'log_path=x': racelab owns" \
  -- --tool tsan --case "$work/cases/thread/own_keys.c" --bin "$tsan/reads_file"

# 11. A version-qualified expectation is picked by the version that ran: Valgrind's, from its
# XML preamble (racelab runs no `valgrind --version`). The racy program is racy under any
# version; the qualified line for the installed one says clean and must be the one read.
vg=$(valgrind --version | sed 's/^valgrind-//')
mkdir -p "$work/cases/race"
cat >"$work/cases/race/own_qualified.c" <<CASE
/* racelab-case
 * concept: race
 * variant: broken
 * title: A version-qualified expectation
 * lesson: The expectation for the installed Valgrind is the qualified one.
 * expect tsan: data-race
 * expect helgrind: clean
 * expect helgrind (valgrind == $vg): data-race
 * expect drd: clean
 * expect drd (valgrind < 3.0): clean
 */
int main(void) { return 0; }
CASE
check qualified-this-version 0 "expected: data-race" -- \
  --tool helgrind --case "$work/cases/race/own_qualified.c" --bin "$plain/racy"
check qualified-other-version 1 "expected: clean" -- \
  --tool drd --case "$work/cases/race/own_qualified.c" --bin "$plain/racy"

# 12. An option-qualified expectation is picked by the --tool-option given (the matrix's option
# columns); --informative records a run whose options no expectation names, and asserts one
# whose options an expectation does.
cat >"$work/cases/race/own_options.c" <<'CASE'
/* racelab-case
 * concept: race
 * variant: broken
 * title: An option-qualified expectation
 * lesson: The expectation for a run given the option is the qualified one.
 * expect tsan: data-race
 * expect helgrind: clean
 * expect drd: clean
 * expect drd (valgrind >= 3.0, --check-stack-var=yes): data-race
 */
int main(void) { return 0; }
CASE
opts=$work/cases/race/own_options.c
check option-qualified-given 0 "expected: data-race" -- \
  --tool drd --case "$opts" --bin "$plain/racy" --tool-option --check-stack-var=yes
check option-qualified-not-given 1 "expected: clean" -- --tool drd --case "$opts" --bin "$plain/racy"
check option-informative-named 0 "expected: data-race" -- --tool drd --case "$opts" \
  --bin "$plain/racy" --informative --tool-option --check-stack-var=yes
check option-informative-records 0 "expected: any report (informative" -- --tool helgrind \
  --case "$opts" --bin "$plain/racy" --informative --tool-option --history-level=approx
check option-informative-no-options 1 "expected: clean" -- --tool helgrind --case "$opts" \
  --bin "$plain/racy" --informative
check option-informative-needs-case 2 "--informative is for a --case run" -- --tool helgrind \
  --informative --expect clean -- "$plain/racy"
sed -i 's/^ \* expect tsan: data-race$/ * expect tsan: data-race\n * expect tsan (--force_seq_cst_atomics=1): clean/' "$opts"
check option-qualifier-form 2 "own_options.c:7: 'expect tsan (--force_seq_cst_atomics=1)': option" \
  -- --tool tsan --case "$opts" --bin "$tsan/racy"

# 13. The commands --verbose prints are the ones to reproduce a run without racelab: the
# by-hand one, run by a shell, shows the tool's own report on the terminal (and honours the
# suppressions and options racelab was given); the exact one, in a run's folder kept with
# --keep, writes the tool's log there.
by_hand() { # name, the text the tool's own output must hold ("" : no report), racelab args...
  local name=$1 want=$2 line status=0
  shift 2
  timeout -s KILL 120 "$racelab" run --verbose "$@" </dev/null >"$work/run" 2>&1 || true
  line=$(sed -n 's/^  by hand:  //p' "$work/run")
  if [ -z "$line" ]; then
    cp "$work/run" "$work/out"
    verdict "$name" 0 "by hand:" 1
    return
  fi
  timeout -s KILL 120 sh -c "$line" </dev/null >"$work/out" 2>&1 || status=$?
  if [ -n "$want" ]; then
    verdict "$name" 0 "$want" 0
  elif grep -qE "ThreadSanitizer: data race|Possible data race|Conflicting (load|store)" "$work/out"; then
    echo "got a report" >>"$work/out"
    verdict "$name" 0 "no report" 1
  else
    verdict "$name" 0 "" 0
  fi
}
by_hand by-hand-tsan "WARNING: ThreadSanitizer: data race" \
  --tool tsan --expect data-race -- "$tsan/racy"
by_hand by-hand-helgrind "Possible data race during" \
  --tool helgrind --expect data-race -- "$plain/racy"
by_hand by-hand-drd "Conflicting store by thread" --tool drd --expect data-race -- "$plain/racy"
by_hand by-hand-tsan-suppressed "" --tool tsan --expect clean \
  --suppressions "$proj/supp/race.tsan.supp" -- "$tsan/racy"
by_hand by-hand-helgrind-suppressed "" --tool helgrind --expect clean \
  --suppressions "$proj/supp/race.vg.supp" -- "$plain/racy"
by_hand by-hand-tool-option "Conflicting store by thread" --tool drd --expect data-race \
  --tool-option --check-stack-var=yes -- "$loop"
by_hand by-hand-no-tool-option "" --tool drd --expect clean -- "$loop"
# The daemon checker is racelab's own: no by-hand form.
"$racelab" run --verbose --tool daemon --case "$src/cases/daemon/well_behaved.c" \
  --bin "$cases/vg/daemon/well_behaved" </dev/null >"$work/out" 2>&1 || true
if grep -q "^  by hand:" "$work/out"; then verdict by-hand-not-daemon 0 "no by-hand line" 1
else verdict by-hand-not-daemon 0 "command:" 0; fi
# The exact command, in the kept folder: TSan's log lands in the run's log folder again.
"$racelab" run --verbose --keep --tool tsan --expect data-race -- "$tsan/racy" </dev/null \
  >"$work/run" 2>&1 || true
kept=$(sed -n 's/^  run directory kept: //p' "$work/run")
line=$(sed -n 's/^  command:  //p' "$work/run")
rm -f "$kept"/logs/tsan.*
sh -c "$line" </dev/null >/dev/null 2>&1 || true
cat "$kept"/logs/tsan.* >"$work/out" 2>/dev/null || true
verdict exact-command-tsan 0 "WARNING: ThreadSanitizer: data race" 0
"$racelab" run --verbose --keep --tool helgrind --expect data-race -- "$plain/racy" </dev/null \
  >"$work/run" 2>&1 || true
kept2=$(sed -n 's/^  run directory kept: //p' "$work/run")
line=$(sed -n 's/^  command:  //p' "$work/run")
rm -f "$kept2"/logs/vg.*.xml
sh -c "$line" </dev/null >/dev/null 2>&1 || true
cat "$kept2"/logs/vg.*.xml >"$work/out" 2>/dev/null || true
verdict exact-command-helgrind 0 "<kind>Race</kind>" 0
rm -rf "$kept" "$kept2"

# 10. A crash is a crash under every tool: TSan's SEGV report, its "==PID==ABORTING" in the
# log and "ThreadSanitizer:DEADLYSIGNAL" on stderr are TSan's own, no tool failure.
check crash-tsan 0 "observed: crash" -- --tool tsan --expect crash -- "$tsan/segv"
for tool in helgrind drd; do
  check "crash-$tool" 0 "observed: crash" -- --tool "$tool" --expect crash -- "$plain/segv"
done

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
