#!/usr/bin/env bash
# Bad environments give clear errors, never wrong verdicts: a tool that is not installed
# (skip, 77), a temporary directory that cannot be written, a case binary that is missing, a
# tool that crashes itself, an option in TSAN_OPTIONS that ThreadSanitizer does not know.
# Each must end in a non-pass exit status with a message that names the cause.
# The case file and its two builds are CTest's (ci/case-tests).
# Usage: bad_env.sh RACELAB BUILD_DIR SOURCE_DIR
set -euo pipefail
racelab=$1 build=$2 src=$3
# The case file and program of one case test: "$src/ci/case-tests" fields 3 and 4.
case_test() { # test name
  "$src/ci/case-tests" "$build" -R "^$1\$" | cut -f3,4 | grep . ||
    { echo "FAIL no case test $1 in $build" >&2; exit 1; }
}
IFS=$'\t' read -r case_file vg < <(case_test drd:race/counter_mutex)
IFS=$'\t' read -r _ tsan < <(case_test tsan:race/counter_mutex)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 checks=0

check() { # label, expected status, expected text, command...
  local label=$1 want=$2 text=$3
  shift 3
  checks=$((checks + 1))
  local got=0
  "$@" >"$work/out" 2>&1 || got=$?
  if [ "$got" -ne "$want" ] || ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL $label: status $got (want $want), output:"; sed 's/^/  | /' "$work/out"
    failures=$((failures + 1))
  else
    echo "ok   $label: $(grep -F -- "$text" "$work/out" | head -n 1 | sed 's/^ *//')"
  fi
}

check "valgrind not installed" 77 "valgrind is not installed" \
  env PATH=/nonexistent "$racelab" run --tool helgrind --case "$case_file" --bin "$vg"
check "temporary directory not writable" 2 "cannot make a temporary directory in $work/none" \
  env TMPDIR="$work/none" "$racelab" run --tool drd --case "$case_file" --bin "$vg"
check "case binary missing" 2 "$work/missing: no such executable" \
  "$racelab" run --tool drd --case "$case_file" --bin "$work/missing"
check "TSan build under Valgrind" 2 "Valgrind needs the plain build" \
  "$racelab" run --tool helgrind --case "$case_file" --bin "$tsan"
check "plain build under tsan" 2 "is not built with -fsanitize=thread" \
  "$racelab" run --tool tsan --case "$case_file" --bin "$vg"
mkdir -p "$work/fake"
cat >"$work/fake/valgrind" <<'EOS'
#!/bin/sh
[ "$1" = --version ] && { echo valgrind-0.0-fake; exit 0; }
kill -SEGV $$
EOS
chmod +x "$work/fake/valgrind"
check "valgrind crashes itself" 1 "valgrind wrote no XML" \
  env PATH="$work/fake:$PATH" "$racelab" run --tool drd --case "$case_file" --bin "$vg"
check "unknown TSAN_OPTIONS flag" 2 "ThreadSanitizer has no option 'no_such_flag'" \
  env TSAN_OPTIONS=no_such_flag=1 "$racelab" run --tool tsan --case "$case_file" --bin "$tsan"
check "bad case header" 2 "bad.c:2: concept 'memory' does not match the case's folder 'race'" \
  "$racelab" lint "$src/tests/cli/race/bad.c"
check "unknown tool" 2 "unknown tool 'memcheck'" \
  "$racelab" run --tool memcheck --case "$case_file" --bin "$vg"
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
