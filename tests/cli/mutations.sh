#!/usr/bin/env bash
# A verdict is only worth something if a wrong expectation fails: change a case's
# expectation (a kind removed, a kind added) or move its marker to another line, and its test
# must fail with a message that says what differs. Uses race/counter_unlocked, copied and
# built from the copy (so that its reports cite the copy's lines), under ThreadSanitizer; the
# case file is CTest's (ci/case-tests), the copy is built as the cases' TSan builds are.
# Then the hang lines: deadlock/abba_deadlock with one `deadlock` marker moved off its
# blocking line must fail under ThreadSanitizer, Helgrind and DRD alike (the stacks at the
# hang: libdw, and Valgrind's gdbserver), and the unmoved copy pass under each.
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
# The deadlock markers, under every tool: the marker of thread 1's blocking lock moved to the
# unlock after it.
abba=$("$src/ci/case-tests" "$build" -R '^tsan:deadlock/abba_deadlock$' | cut -f3)
[ -n "$abba" ] || { echo "FAIL no case test tsan:deadlock/abba_deadlock in $build"; exit 1; }
mkdir "$work/deadlock"
cp "$(dirname "$abba")/abba_same_order.c" "$work/deadlock/"
hang_run() { # label, tool, expected status, expected text
  local label=$1 tool=$2 want=$3 text=$4 status=0
  checks=$((checks + 1))
  if [ "$tool" = tsan ]; then
    "$cc" -fsanitize=thread -g -O1 -pthread "$work/deadlock/abba_deadlock.c" -o "$work/bin"
  else
    "$cc" -g -gdwarf-4 -O1 -pthread "$work/deadlock/abba_deadlock.c" -o "$work/bin"
  fi
  "$racelab" run --tool "$tool" --case "$work/deadlock/abba_deadlock.c" --bin "$work/bin" \
    >"$work/out" 2>&1 || status=$?
  if [ $status -ne "$want" ] || ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL $label ($tool): status $status (want $want), output:"; sed 's/^/  | /' "$work/out"
    failures=$((failures + 1)); return
  fi
  echo "ok   $label ($tool): $(grep -F -- "$text" "$work/out" | head -n 1 | sed 's/^ *//')"
}
moved='s|^\(    pthread_mutex_lock(&lock_b);\) /\* racelab: deadlock -- \(.*\) \*/$|\1 /* \2 */|
       /pthread_mutex_lock(&lock_b); \/\* blocks/{n;s|^\(    pthread_mutex_unlock(&lock_b);\)$|\1 /* racelab: deadlock */|;}'
for tool in tsan helgrind drd; do
  sed "$moved" "$abba" >"$work/deadlock/abba_deadlock.c"
  if cmp -s "$abba" "$work/deadlock/abba_deadlock.c"; then
    echo "FAIL deadlock marker moved: the mutation changed nothing"; exit 1
  fi
  line=$(grep -n 'pthread_mutex_unlock(&lock_b); /\* racelab: deadlock' "$work/deadlock/abba_deadlock.c" |
    head -n 1 | cut -d: -f1)
  hang_run "deadlock marker moved to another line" "$tool" 1 \
    "FAIL: line $line of $work/deadlock/abba_deadlock.c is marked deadlock, and no blocked thread"
  cp "$abba" "$work/deadlock/abba_deadlock.c"
  hang_run "unmutated deadlock copy passes" "$tool" 0 "(marked)"
done
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
