#!/usr/bin/env bash
# Servers and daemons of one's own (issue "Your own programs (2)"): every phase of the run
# protocol that --serve and --tool daemon --pidfile drive, right and wrong, on small real
# servers (tests/serve/server.c) and the examples (examples/server, examples/daemon). Each check
# names what racelab must print and the exit status it must give; then nothing may be left.
# Usage: serve.sh RACELAB BUILD_DIR
# (The clients' commands are in single quotes: their shell expands RACELAB_PORT and the rest.)
# shellcheck disable=SC2016
set -euo pipefail
racelab=$1 build=$2
srv=$build/serve srvx=$build/examples/server tinyd=$build/examples/daemon/vg/tinyd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# check NAME WANT_STATUS WANT_TEXT -- racelab run arguments
check() {
  local name=$1 want=$2 text=$3 status=0
  shift 4
  timeout -s KILL 200 "$racelab" run "$@" </dev/null >"$work/out" 2>&1 || status=$?
  if [ "$status" -ne "$want" ] || ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL $name: exit $status (want $want), want the text: $text"
    sed 's/^/    | /' "$work/out" | head -30
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}
cd "$work"

# 1. The example server, under every tool, clean and racy (the README shows these lines).
for tool in tsan helgrind drd; do
  kind=vg
  [ $tool = tsan ] && kind=tsan
  check "example-$tool-clean" 0 "PASS" -- --tool $tool --serve --ready listen \
    --client "$srvx/vg/client" --expect clean -- "$srvx/$kind/server" --port 0
  check "example-$tool-racy" 0 "observed: data-race" -- --tool $tool --serve --ready listen \
    --client "$srvx/vg/client" --expect data-race -- "$srvx/$kind/server" --port 0 --racy
done

# 2. Readiness: each signal, and a server that never gets ready.
check ready-listen-port 0 "PASS" -- --tool tsan --serve --ready listen \
  --client 'test -n "$RACELAB_PORT" && [ "$RACELAB_READY" = "listen:$RACELAB_PORT" ]' \
  --expect clean -- "$srv/tsan/server" listen
check ready-fd 0 "--serve --ready fd:3" -- --tool helgrind --serve --ready fd:3 \
  --client '[ "$RACELAB_READY" = ready ]' --expect clean -- "$srv/vg/server" fd 3
check ready-fd-eof 1 "the server closed its readiness descriptor 4 before writing a line" -- \
  --tool tsan --serve --ready fd:4 --expect clean -- "$srv/tsan/server" fd-eof 4
check ready-file 0 "PASS" -- --tool drd --serve --ready "file:$work/ready" \
  --client "test -e '$work/ready'" --expect clean -- "$srv/vg/server" file "$work/ready"
touch "$work/stale"
check ready-file-stale 2 "the file is there before the server started" -- --tool tsan --serve \
  --ready "file:$work/stale" --expect clean -- "$srv/tsan/server" file "$work/stale"
check ready-delay 0 "PASS" -- --tool tsan --serve --ready delay:0.3 --for 0.3 --expect clean \
  -- "$srv/tsan/server" never
check never-ready 1 "not ready after" -- --tool tsan --timeout 1 --serve --ready listen \
  --expect clean -- "$srv/tsan/server" never
check never-ready-timeout 0 "signal wait" -- --tool tsan --timeout 1 --serve --ready listen \
  --expect timeout -- "$srv/tsan/server" never
check deadlock-before-ready 0 "every thread blocked" -- --tool helgrind --serve \
  --ready listen --expect deadlock -- "$srv/vg/server" deadlock
check exits-before-ready 0 "the server ended in its ready phase" -- --tool tsan --serve \
  --ready listen --expect assertion -- "$srv/tsan/server" exit

# 3. Clients: their environment, their failures, their time, and what they leave.
check client-pid 0 "PASS" -- --tool tsan --serve --ready listen \
  --client 'kill -0 "$RACELAB_PID" && test -z "$TSAN_OPTIONS$VALGRIND_OPTS"' --expect clean \
  -- "$srv/tsan/server" listen
check client-fails 1 'client 2 (`echo refused; exit 3`) exited with status 3: refused' -- \
  --tool tsan --serve --ready listen --client true --client 'echo refused; exit 3' \
  --client 'touch never-run' --expect clean -- "$srv/tsan/server" listen
[ ! -e never-run ] || { echo "FAIL client-fails: a client ran after one failed"; failures=$((failures + 1)); }
check client-slow 1 'client 1 (`sleep 30`) did not finish within 1 s' -- --tool tsan \
  --timeout 1 --serve --ready listen --client 'sleep 30' --expect clean -- "$srv/tsan/server" listen
check client-leaves 0 "PASS" -- --tool tsan --serve --ready listen \
  --client "sleep 300 & (setsid sleep 301 &) ; echo started" --expect clean \
  -- "$srv/tsan/server" listen
if pgrep -f 'sleep 30[01]' >/dev/null; then
  echo "FAIL client-leaves: a client's process outlived the run"; pgrep -af 'sleep 30[01]'
  failures=$((failures + 1))
fi
# A client's own reports are not the server's: a racy TSan client (its exit status 0), a
# clean server.
check client-racy 0 "PASS" -- --tool tsan --serve --ready listen \
  --client "TSAN_OPTIONS=exitcode=0 $build/own/tsan/racy" --expect clean -- "$srv/tsan/server" listen
check for-seconds 0 "--for 0.5 s" -- --tool drd --serve --ready listen --for 0.5 --expect clean \
  -- "$srv/vg/server" listen

# 4. The stop: SIGTERM must end it, in time; a server gone early is no clean run either.
check ignores-term 0 "the server was still running" -- --tool tsan --timeout 1 --serve \
  --ready listen --expect no-clean-stop -- "$srv/tsan/server" listen-ignore-term
# (The client ends only once the server is gone, so the server is gone first in every run.)
check exits-while-serving 0 "the server ended in its work phase" -- --tool tsan --serve \
  --ready listen --client "$srvx/vg/client \$RACELAB_PORT 1 &&
    while kill -0 \$RACELAB_PID 2>/dev/null; do sleep 0.1; done" --expect assertion \
  -- "$srv/tsan/server" listen-then-exit

# 5. A daemon of one's own: --tool daemon --pidfile, with and without a readiness descriptor.
check daemon-clean 0 "PASS" -- --tool daemon --pidfile tinyd.pid --expect clean \
  -- "$tinyd" --pidfile tinyd.pid
check daemon-single-fork 0 "session leader" -- --tool daemon --pidfile tinyd.pid \
  --expect session-leader,controlling-tty -- "$tinyd" --pidfile tinyd.pid --single-fork
check daemon-ready-fd 0 "PASS" -- --tool daemon --pidfile tinyd.pid --serve --ready fd:3 \
  --client 'kill -0 "$RACELAB_PID"' --expect clean -- "$tinyd" --pidfile tinyd.pid --notify-fd 3
check daemon-keeps-ready-fd 0 "still holds its readiness descriptor" -- --tool daemon \
  --pidfile tinyd.pid --serve --ready fd:5 --expect fd-leak \
  -- "$tinyd" --pidfile tinyd.pid --notify-fd 5 --keep-notify-fd
check daemon-canary-fd 2 "descriptor 7 is the checker's canary" -- --tool daemon \
  --pidfile tinyd.pid --serve --ready fd:7 --expect clean -- "$tinyd" --pidfile tinyd.pid
check daemon-no-pidfile 2 "give --pidfile PATH" -- --tool daemon --expect clean -- "$tinyd"
[ ! -e tinyd.pid ] || { echo "FAIL: tinyd.pid left behind"; failures=$((failures + 1)); }

# 6. Options that do not fit together: exit 2 and one line naming them.
check ready-needs-serve 2 "--ready drives a server: it needs --serve" -- --tool tsan \
  --ready listen --expect clean -- "$srv/tsan/server" listen
check client-needs-serve 2 "--client drives a server: it needs --serve" -- --tool tsan \
  --client true --expect clean -- "$srv/tsan/server" listen
check serve-needs-ready 2 "--serve needs --ready" -- --tool tsan --serve --expect clean \
  -- "$srv/tsan/server" listen
check client-and-for 2 "--client and --for" -- --tool tsan --serve --ready listen --client true \
  --for 1 --expect clean -- "$srv/tsan/server" listen
check bad-ready 2 "--ready listen:PORT takes a port from 1 to 65535, not '99999'" -- --tool tsan \
  --serve --ready listen:99999 --expect clean -- "$srv/tsan/server" listen
check pidfile-needs-daemon 2 "--pidfile is for --tool daemon" -- --tool tsan --pidfile x.pid \
  --expect clean -- "$srv/tsan/server" listen
check serve-with-case 2 "--serve drives a program of your own" -- --tool tsan --serve \
  --ready listen --case race/counter_unlocked --bin "$srv/tsan/server"
check empty-client 2 "--client takes a shell command" -- --tool tsan --serve --ready listen \
  --client '' --expect clean -- "$srv/tsan/server" listen

# Nothing of any run is left: no server, no client, no racelab folder.
if pgrep -f "$build/(serve|examples)/" >/dev/null; then
  echo "FAIL: a process of a run is still there:"; pgrep -af "$build/(serve|examples)/"
  failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || { echo "$failures checks failed"; exit 1; }
echo "all checks passed"
