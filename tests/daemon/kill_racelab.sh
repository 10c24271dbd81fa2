#!/usr/bin/env bash
# Nothing outlives racelab, even when racelab itself is killed with SIGKILL (as CTest does on
# its own timeout): kill it during a hanging case and during a daemon case, in a PID namespace
# and in the fallback without one, then look with ps for anything the run started.
# The cases' tools, files and programs are CTest's (ci/case-tests).
# Usage: kill_racelab.sh RACELAB BUILD_DIR SOURCE_DIR
set -euo pipefail
racelab=$1 build=$2 src=$3
failures=0 checks=0

# The racelab run arguments of one case test of the build, one a line: --tool T --case C --bin B.
case_test() { # test name
  local name tool file bin
  IFS=$'\t' read -r name tool file bin _ < <("$src/ci/case-tests" "$build" -R "^$1\$") || {
    echo "FAIL no case test $1 in $build" >&2; exit 1
  }
  printf '%s\n' --tool "$tool" --case "$file" --bin "$bin"
}

run_and_kill() { # label, seconds before the kill, env, racelab arguments...
  local label=$1 delay=$2 envs=()
  read -r -a envs <<<"$3"
  shift 3
  checks=$((checks + 1))
  env "${envs[@]}" "$racelab" run "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$delay"
  kill -KILL "$pid" || true # (racelab gone already: what it left is checked below all the same)
  wait "$pid" 2>/dev/null || true
  sleep 0.5 # the kernel's teardown of the namespace, or the reaper's of the fallback
  local bin=${*: -1}
  if pgrep -f -- "$bin" >/dev/null; then
    echo "FAIL $label: left behind:"; pgrep -af -- "$bin"
    pkill -KILL -f -- "$bin" || true
    failures=$((failures + 1))
  else
    echo "ok   $label"
  fi
}

mapfile -t hang < <(case_test helgrind:deadlock/abba_deadlock)
mapfile -t daemon < <(case_test daemon:daemon/sigterm_ignored)
mapfile -t tdaemon < <(case_test tsan:daemon/well_behaved)
found() { [ $# -eq 6 ] || { echo "FAIL a case test is missing in $build"; exit 1; }; }
found "${hang[@]}"
found "${daemon[@]}"
found "${tdaemon[@]}"
for mode in "" "RACELAB_NO_NAMESPACE=1"; do
  name=${mode:-namespace}
  run_and_kill "hanging case under helgrind ($name)" 0.6 "$mode" "${hang[@]}"
  run_and_kill "daemon ignoring SIGTERM under the checker ($name)" 1.5 "$mode" "${daemon[@]}"
  run_and_kill "daemon under tsan ($name)" 0.2 "$mode" "${tdaemon[@]}"
done
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
