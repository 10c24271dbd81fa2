#!/usr/bin/env bash
# A verdict needs proof that the tool watched the program to its end (issue "proof that the
# tool watched the program"): each hostile program or environment below once gave a PASS it
# had not earned, or blocked racelab. Each check names what racelab must print.
# Usage: proof.sh RACELAB TSAN_DIR PLAIN_DIR (the programs of tests/proof, built both ways)
set -euo pipefail
racelab=$1 tsan=$2 plain=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The programs run in racelab's working directory: a folder of the test's own, since some
# leave files there on purpose.
mkdir "$work/cwd"
cd "$work/cwd"
failures=0

# check NAME WANT_STATUS WANT_TEXT [env...] -- racelab run arguments
check() {
  local name=$1 want=$2 text=$3 status=0
  shift 3
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  timeout -s KILL 120 env "${envs[@]}" "$racelab" run "$@" >"$work/out" 2>&1 || status=$?
  if [ "$status" -ne "$want" ] || ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL $name: exit $status (want $want), want the text: $text"
    sed 's/^/    | /' "$work/out" | head -30
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

# 1. A TSan that never ran the program: its suppressions file cannot be read.
check tsan-bad-suppressions 1 "ThreadSanitizer did not watch pid" \
  TSAN_OPTIONS=suppressions=/nonexistent.supp -- --tool tsan --expect clean -- "$tsan/racy"
# ... and a relative one, which TSan resolves against the binary's folder, not the cwd.
check tsan-relative-suppressions 1 "ThreadSanitizer did not watch pid" \
  TSAN_OPTIONS=suppressions=racelab-no-such.supp -- --tool tsan --expect clean -- "$tsan/racy"
# 2. A Valgrind that failed to start is not the program's exit status.
for tool in helgrind drd; do
  check "$tool-bad-suppressions" 1 "can't open suppressions file" \
    VALGRIND_OPTS=--suppressions=/nonexistent.supp -- --tool "$tool" --expect assertion -- \
    "$plain/quiet"
done
# 3. racelab's own checks change nothing the program prints or does.
check tsan-inherited-options 0 "PASS" TSAN_OPTIONS=halt_on_error=0 -- \
  --tool tsan --expect clean --keep -- "$tsan/quiet"
kept=$(sed -n 's/^  run directory kept: //p' "$work/out")
if [ -n "$kept" ] && grep -rqs "Installed the sigaction" "$kept"; then
  echo "FAIL tsan-inherited-options: racelab raised TSan's verbosity (lines on stderr)"
  failures=$((failures + 1))
fi
[ -z "$kept" ] || rm -rf "$kept"
check tsan-die-after-fork-0 0 "PASS" TSAN_OPTIONS=die_after_fork=0 -- \
  --tool tsan --expect clean -- "$tsan/fork_then_thread"
check tsan-unknown-option 2 "ThreadSanitizer has no option 'halt_on_erorr'" \
  TSAN_OPTIONS=halt_on_erorr=1 -- --tool tsan --expect clean -- "$tsan/quiet"
# 4. Inherited options that would move the logs.
check tsan-log-exe-name 0 "PASS" TSAN_OPTIONS=log_exe_name=1 -- \
  --tool tsan --expect data-race -- "$tsan/racy"
check tsan-log-suffix 0 "PASS" TSAN_OPTIONS=log_suffix=.txt -- \
  --tool tsan --expect data-race -- "$tsan/racy"
# 5. The program cannot reach its logs from its working directory.
check tsan-hide-logs 0 "PASS" -- --tool tsan --expect data-race -- "$tsan/hide_logs"
for tool in helgrind drd; do
  check "$tool-hide-logs" 0 "PASS" -- --tool "$tool" --expect data-race -- "$plain/hide_logs"
done
check tsan-fake-logs 0 "PASS" -- --tool tsan --expect clean --timeout 20 -- "$tsan/fake_logs"
check helgrind-fake-logs 0 "PASS" -- --tool helgrind --expect clean --timeout 20 -- \
  "$plain/fake_logs"
# 6. Reports lost on the way: a taken-over log descriptor, a log truncated by an exec.
check tsan-close-all 1 "without the module map it writes at exit" -- \
  --tool tsan --expect data-race -- "$tsan/close_all"
check tsan-exec 1 "exec'd, and its new image truncated the reports" -- \
  --tool tsan --expect data-race -- "$tsan/exec_after_race"
for tool in helgrind drd; do
  check "$tool-exec" 1 "exec'd, and its new image truncated the reports" -- \
    --tool "$tool" --expect data-race -- "$plain/exec_after_race"
done
# A log TSan cannot write: TMPDIR on a full filesystem (a tmpfs of our own: root only).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  status=0
  mkdir "$work/full"
  # shellcheck disable=SC2016 # expanded by the inner sh, from its own arguments
  unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" &&
    dd if=/dev/zero of="$1/fill" bs=4k count=100 2>/dev/null
    TMPDIR=$1 exec "$2" run --tool tsan --expect clean -- "$3"' sh "$work/full" "$racelab" \
    "$tsan/racy" >"$work/out.full" 2>&1 || status=$?
  if [ "$status" -eq 1 ] && grep -qF "the rest was lost (a full disk" "$work/out.full"; then
    echo "ok   tsan-full-disk"
  else
    echo "FAIL tsan-full-disk: exit $status, want 1 and the lost-reports cause"
    sed 's/^/    | /' "$work/out.full" | head -20
    failures=$((failures + 1))
  fi
else
  echo "skip tsan-full-disk: needs root for a tmpfs of its own"
fi

[ "$failures" -eq 0 ] || { echo "proof: $failures check(s) failed"; exit 1; }
echo "proof: every check passed"
