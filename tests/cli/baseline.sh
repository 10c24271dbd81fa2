#!/usr/bin/env bash
# Adopting racelab on code that already has races (issue 17), on tests/adopt/pool.c, a thread
# pool with two races: a baseline written from real runs, then checked against the same
# program (pass), the program with one race fixed (pass, the entry listed as fixed) and with
# a new race (fail, naming its file:line); a bad baseline; the tools' own suppression files,
# which must really silence the tool; located expectations; --runs N --min-pass K on a race
# that shows in some runs only (tests/adopt/sometimes.c).
# Under ThreadSanitizer, each baseline run three times: TSan misses a race about once in a
# thousand runs (DETECTORS.md), and the baseline is the union of the runs.
# Usage: baseline.sh RACELAB SOURCE_DIR [CC]
set -euo pipefail
racelab=$1 src=$2 cc=${3:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pool=$src/tests/adopt/pool.c
for variant in plain FIX_FIRST NEW_RACE; do
  flag=()
  [ "$variant" = plain ] || flag=(-D"$variant")
  "$cc" -fsanitize=thread -g -O1 -pthread "${flag[@]}" "$pool" -o "$work/pool.$variant"
done
"$cc" -fsanitize=thread -g -O1 -pthread "$src/tests/adopt/sometimes.c" -o "$work/sometimes"
# The lines the races are on, from the source's own comments.
line_of() { grep -n -F "$1" "$pool" | cut -d: -f1; }
race1=$(line_of "race 1:") race2=$(line_of "race 2:") race3=$(line_of "race 3:")
write2=$(line_of "(the write the unlocked wait reads)")
failures=0 checks=0

check() { # label, wanted status, wanted text (grep -E), command...
  local label=$1 want=$2 text=$3 status=0
  shift 3
  checks=$((checks + 1))
  "$@" >"$work/out" 2>&1 || status=$?
  if [ "$status" -ne "$want" ] || ! grep -qE -- "$text" "$work/out"; then
    echo "FAIL $label: status $status (want $want), no line matching '$text' in:"
    sed 's/^/  | /' "$work/out"
    failures=$((failures + 1))
    return
  fi
  echo "ok   $label: $(grep -E -- "$text" "$work/out" | head -n 1 | sed 's/^ *//')"
}
run() { "$racelab" run --tool tsan "$@"; }
b=$work/known.txt

check "baseline written" 0 "^baseline written: .*known.txt \(2 entries\)" \
  run --runs 3 --baseline-write "$b" -- "$work/pool.plain"
check "it holds race 1, both sides in count_job" 0 \
  "^data-race tsan pool.c:$race1:count_job pool.c:$race1:count_job$" cat "$b"
check "it holds race 2, the unlocked read and the locked write" 0 \
  "^data-race tsan pool.c:$write2:worker pool.c:$race2:pool_wait$" cat "$b"
check "the same program passes" 0 "^baseline .*known.txt: 2 entries, 0 fixed" \
  run --runs 3 --baseline "$b" -- "$work/pool.plain"
check "race 1 fixed: listed as fixed" 0 \
  "^  fixed: remove from the baseline: .*known.txt:[0-9]+: data-race tsan pool.c:$race1:count_job" \
  run --runs 3 --baseline "$b" -- "$work/pool.FIX_FIRST"
check "a new race fails with its file:line" 1 \
  "^  new: data-race tsan pool.c:$race3:count_job pool.c:$race3:count_job" \
  run --baseline "$b" -- "$work/pool.NEW_RACE"

# A bad baseline: racelab runs nothing and names each bad line.
printf 'data-race tsan pool.c:12:f\ndata-race tsan - -\nwrong-kind tsan - -\n' >"$work/bad.txt"
check "bad baseline: first error" 2 "bad.txt:1: expected 'KIND TOOL FRAME OTHER'" \
  run --baseline "$work/bad.txt" -- "$work/pool.plain"
check "bad baseline: every error" 2 "bad.txt:3: unknown kind 'wrong-kind'" \
  run --baseline "$work/bad.txt" -- "$work/pool.plain"
check "missing baseline" 2 "nothere.txt: cannot read the baseline" \
  run --baseline "$work/nothere.txt" -- "$work/pool.plain"

# The suppressions TSan is given must silence it: the same program is then clean.
check "suppressions written" 0 "^suppressions written: .*tsan.supp \(2 entries\)" \
  run --runs 3 --gen-suppressions "$work/tsan.supp" -- "$work/pool.plain"
check "suppression of race 1" 0 '^race:\^count_job\$$' cat "$work/tsan.supp"
check "TSan with them: clean" 0 "^PASS" \
  env TSAN_OPTIONS="suppressions=$work/tsan.supp" "$racelab" run --tool tsan --expect clean \
  -- "$work/pool.plain"

# Located expectations: a report of the kind must cite the line, on either side.
check "located: the read of race 2" 0 "^PASS" \
  run --expect "data-race@pool.c:$race2" -- "$work/pool.plain"
check "located: the write of race 2 (the other side)" 0 "^PASS" \
  run --expect "data-race@tests/adopt/pool.c:$write2" -- "$work/pool.plain"
check "located: a line no report cites" 1 \
  "^  not cited: no data-race report cites pool.c:$race1, on either side" \
  run --expect "data-race@pool.c:$race1" -- "$work/pool.FIX_FIRST"
check "located: a bad one" 2 "is not KIND@FILE:LINE" \
  run --expect "data-race@pool.c" -- "$work/pool.plain"

# --runs N --min-pass K: the race shows in runs 2 and 4 of 4.
echo 0 >"$work/count"
check "2 of 4 runs race: --min-pass 2 passes" 0 \
  "^PASS tsan:.*sometimes.*: 2 of 4 runs gave the expected verdict \(at least 2 must\)" \
  run --expect data-race --runs 4 --min-pass 2 --json "$work/runs.json" -- "$work/sometimes" \
  "$work/count"
check "the JSON says how many passed and how many must" 0 '"runs_passed":2,"min_pass":2' \
  grep -o '"pass":[a-z]*,"runs_passed":[0-9]*,"min_pass":[0-9]*' "$work/runs.json"
echo 0 >"$work/count"
check "2 of 4 runs race: --min-pass 3 fails" 1 \
  "^FAIL tsan:.*: 2 of 4 runs gave the expected verdict \(at least 3 must\)" \
  run --expect data-race --runs 4 --min-pass 3 -- "$work/sometimes" "$work/count"
echo 0 >"$work/count"
check "the default stays every run" 1 "^FAIL tsan:.*: 2 of 4 runs passed" \
  run --expect data-race --runs 4 -- "$work/sometimes" "$work/count"
check "--min-pass above --runs" 2 "--min-pass takes a whole number from 1 to 2" \
  run --expect data-race --runs 2 --min-pass 3 -- "$work/sometimes" "$work/count"
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
