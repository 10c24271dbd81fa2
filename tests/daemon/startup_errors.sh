#!/usr/bin/env bash
# The correct daemon's start-up error paths: fork, setsid and the pidfile made to fail
# (RACELAB_DAEMON_FAULT), a pidfile held by a running instance, and a log directory that
# cannot be written. Each must make the original process exit non-zero with a one-line
# message naming the cause, and leave no process behind.
# Usage: startup_errors.sh PATH/TO/well_behaved
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap '[ -f "$dir/d.pid" ] && kill -9 "$(cat "$dir/d.pid")" 2>/dev/null; rm -rf "$dir"' EXIT
failures=0

expect_failure() { # name, expected stderr text, command...
  local name=$1 text=$2
  shift 2
  if "$@" 2>"$dir/err"; then
    echo "FAIL $name: exited 0"; failures=$((failures + 1)); return
  fi
  if ! grep -qF -- "$text" "$dir/err"; then
    echo "FAIL $name: stderr lacks '$text':"; cat "$dir/err"; failures=$((failures + 1)); return
  fi
  if [ "$(wc -l < "$dir/err")" -ne 1 ]; then
    echo "FAIL $name: message is not one line:"; cat "$dir/err"; failures=$((failures + 1)); return
  fi
  echo "ok   $name: $(cat "$dir/err")"
}

for fault in fork setsid pidfile; do
  expect_failure "fault $fault" "injected by RACELAB_DAEMON_FAULT=$fault" \
    env RACELAB_DAEMON_FAULT=$fault "$bin" "$dir/d.pid" "$dir/d.log" 100
done
expect_failure "log directory not writable" "cannot open log file" \
  "$bin" "$dir/d.pid" "$dir/missing/d.log" 100

# A second instance while the first runs.
if ! "$bin" "$dir/d.pid" "$dir/d.log" 100; then
  echo "FAIL the first instance did not start"; exit 1
fi
first=$(cat "$dir/d.pid")
expect_failure "pidfile held by a running instance" "already running as pid $first" \
  "$bin" "$dir/d.pid" "$dir/d2.log" 100
kill -TERM "$first" || true # (gone already: the checks below say so)
for _ in $(seq 50); do kill -0 "$first" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$first" 2>/dev/null; then echo "FAIL the daemon ignored SIGTERM"; failures=$((failures + 1)); fi
if [ -e "$dir/d.pid" ]; then echo "FAIL the pidfile was left behind"; failures=$((failures + 1)); fi
if pgrep -f "$dir/d" >/dev/null; then echo "FAIL processes left behind:"; pgrep -af "$dir/d"; failures=$((failures + 1)); fi
echo "$((6 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
