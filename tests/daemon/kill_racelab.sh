#!/usr/bin/env bash
# Nothing outlives racelab, even when racelab itself is killed with SIGKILL (as CTest does on
# its own timeout): kill it during a hanging case and during a daemon case, in a PID namespace
# and in the fallback without one, then look with ps for anything the run started.
# Usage: kill_racelab.sh RACELAB BUILD_DIR SOURCE_DIR
set -u
racelab=$1 build=$2 src=$3
failures=0 checks=0

run_and_kill() { # label, seconds before the kill, env, racelab arguments...
  local label=$1 delay=$2 envs=$3
  shift 3
  checks=$((checks + 1))
  env $envs "$racelab" run "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$delay"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  sleep 0.5 # the kernel's teardown of the namespace, or the reaper's of the fallback
  local bin=${*: -1}
  if pgrep -f -- "$bin" >/dev/null; then
    echo "FAIL $label: left behind:"; pgrep -af -- "$bin"
    pkill -KILL -f -- "$bin"
    failures=$((failures + 1))
  else
    echo "ok   $label"
  fi
}

hang=(--tool helgrind --case "$src/cases/deadlock/abba_deadlock.c" --bin "$build/cases/vg/deadlock/abba_deadlock")
daemon=(--tool daemon --case "$src/cases/daemon/sigterm_ignored.c" --bin "$build/cases/vg/daemon/sigterm_ignored")
tdaemon=(--tool tsan --case "$src/cases/daemon/well_behaved.c" --bin "$build/cases/tsan/daemon/well_behaved")
for mode in "" "RACELAB_NO_NAMESPACE=1"; do
  name=${mode:-namespace}
  run_and_kill "hanging case under helgrind ($name)" 0.6 "$mode" "${hang[@]}"
  run_and_kill "daemon ignoring SIGTERM under the checker ($name)" 1.5 "$mode" "${daemon[@]}"
  run_and_kill "daemon under tsan ($name)" 0.2 "$mode" "${tdaemon[@]}"
done
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
