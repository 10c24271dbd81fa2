#!/usr/bin/env bash
# Strict numbers: --timeout, RACELAB_TIMEOUT_SCALE and --runs take finite numbers in range
# (0 < timeout <= 86400, 0 < scale <= 100, 1 <= runs <= 1000000); anything else is one line
# on stderr and exit 2, before anything runs. (Before: nan waited for ever, inf and a scale of
# 1e308 made the timeout infinite, 4294967297 runs was 1.)
# Usage: numbers.sh RACELAB HOSTILE   (HOSTILE: tests/isolation/hostile.c's TSan build)
set -uo pipefail
racelab=$1 hostile=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 checks=0
program=(--tool tsan --no-backtrace --expect clean -- "$hostile" tmpdir "$work/pid")

bad() { # label, env assignment or "", racelab run options...
  local label=$1 envs=()
  [ -n "$2" ] && envs=("$2")
  shift 2
  checks=$((checks + 1))
  local got=0
  timeout -s KILL 20 env "${envs[@]}" "$racelab" run "$@" "${program[@]}" >"$work/out" 2>"$work/err" ||
    got=$?
  local lines
  lines=$(wc -l <"$work/err")
  if [ "$got" -ne 2 ] || [ "$lines" -ne 1 ]; then
    echo "FAIL $label: status $got (want 2), $lines lines on stderr (want 1):"
    sed 's/^/  | /' "$work/err" | head -n 5
    failures=$((failures + 1))
  else
    echo "ok   $label: $(cat "$work/err")"
  fi
}

good() { # label, env assignment or "", racelab run options...: accepted (the run happens)
  local label=$1 envs=()
  [ -n "$2" ] && envs=("$2")
  shift 2
  checks=$((checks + 1))
  local got=0
  timeout -s KILL 60 env "${envs[@]}" "$racelab" run "$@" "${program[@]}" >"$work/out" 2>&1 ||
    got=$?
  if [ "$got" -eq 2 ]; then
    echo "FAIL $label: refused:"; sed 's/^/  | /' "$work/out" | head -n 5
    failures=$((failures + 1))
  else
    echo "ok   $label: accepted"
  fi
}

for t in nan NaN inf -inf infinity 1e308 1e999 0 -1 86400.5 86401 "" " 5" 10s 0x; do
  bad "--timeout '$t'" "" --timeout "$t"
done
for s in nan inf 1e308 0 -2 100.01 101 abc "2 "; do
  bad "RACELAB_TIMEOUT_SCALE='$s'" "RACELAB_TIMEOUT_SCALE=$s"
done
for n in 4294967297 18446744073709551617 0 -1 1000001 1.5 "" " 2" 2x; do
  bad "--runs '$n'" "" --runs "$n"
done
good "--timeout 86400" "" --timeout 86400
good "--timeout 0.5" "" --timeout 0.5
good "RACELAB_TIMEOUT_SCALE=100" "RACELAB_TIMEOUT_SCALE=100"
good "RACELAB_TIMEOUT_SCALE=0.25" "RACELAB_TIMEOUT_SCALE=0.25"
good "--runs 2" "" --runs 2
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
