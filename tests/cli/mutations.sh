#!/usr/bin/env bash
# A verdict is only worth something if a wrong expectation fails: change a case's
# expectation (a kind removed, a kind added) or move its marker to another line, and its test
# must fail with a message that says what differs. Uses race/counter_unlocked, copied and
# built from the copy (so that its reports cite the copy's lines), under ThreadSanitizer; the
# case file is CTest's (ci/case-tests), the copy is built as the cases' TSan builds are.
# Usage: mutations.sh RACELAB BUILD_DIR SOURCE_DIR [CC]
set -euo pipefail
racelab=$1 build=$2 src=$3 cc=${4:-cc}
original=$("$src/ci/case-tests" "$build" -R '^tsan:race/counter_unlocked$' | cut -f3)
[ -n "$original" ] || { echo "FAIL no case test tsan:race/counter_unlocked in $build"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/race"
# Its twin, which the case header names.
cp "$(dirname "$original")/counter_mutex.c" "$work/race/"
failures=0 checks=0

mutate() { # label, expected text, sed program
  local label=$1 text=$2
  checks=$((checks + 1))
  sed "$3" "$original" >"$work/race/counter_unlocked.c"
  if cmp -s "$original" "$work/race/counter_unlocked.c"; then
    echo "FAIL $label: the mutation changed nothing"; failures=$((failures + 1)); return
  fi
  "$cc" -fsanitize=thread -g -O1 -pthread "$work/race/counter_unlocked.c" -o "$work/bin"
  local status=0
  "$racelab" run --tool tsan --case "$work/race/counter_unlocked.c" --bin "$work/bin" >"$work/out" 2>&1 ||
    status=$?
  if [ $status -ne 1 ] || ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL $label: status $status (want 1), output:"; sed 's/^/  | /' "$work/out"
    failures=$((failures + 1)); return
  fi
  echo "ok   $label: $(grep -F -- "$text" "$work/out" | head -n 1 | sed 's/^ *//')"
}

mutate "kind removed" "extra:    data-race" 's/^ \* expect tsan: data-race$/ * expect tsan: clean/'
mutate "kind added" "missing:  thread-leak" \
  's/^ \* expect tsan: data-race$/ * expect tsan: data-race, thread-leak/'
mutate "marker moved to another line" "WRONG LINE: data-race is marked on line(s) 28" \
  's| /\* racelab: data-race \*/||; s|^    return NULL;$|    return NULL; /* racelab: data-race */|'
# The unmutated case passes: the failures above come from the mutations alone.
checks=$((checks + 1))
cp "$original" "$work/race/counter_unlocked.c"
"$cc" -fsanitize=thread -g -O1 -pthread "$work/race/counter_unlocked.c" -o "$work/bin"
if "$racelab" run --tool tsan --case "$work/race/counter_unlocked.c" --bin "$work/bin" \
     >"$work/out" 2>&1; then
  echo "ok   unmutated copy passes"
else
  echo "FAIL unmutated copy:"; sed 's/^/  | /' "$work/out"; failures=$((failures + 1))
fi
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
