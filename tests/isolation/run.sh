#!/usr/bin/env bash
# A run the program cannot break: tests/isolation/hostile.c attacks racelab from inside the
# run, and racelab is stopped from outside the way a terminal or CI stops it. Each check looks
# for what the run left by the hostile program's pid and by its command line (a path unique to
# the check), never by a program's name.
#   - kill(0, SIGHUP) and kill(0, SIGINT) by a program that ignores them: racelab gives a
#     verdict (it used to die, 129/130, and the program lived on)
#   - kill(0, SIGSTOP): racelab ends the run at its timeout (it used to stop for ever)
#   - kill(getppid(), SIGKILL) then a race: never "clean" (a dead reaper used to read as a
#     clean exit); in the fallback, a tool failure that says the reaper died
#   - Ctrl-C (SIGINT to racelab's process group), SIGTERM, SIGHUP and SIGQUIT to racelab during
#     a run with a detached daemon: racelab dies of that signal, the daemon is gone, and so is
#     the run's folder (they used to be left behind)
#   - TMPDIR is the run's own folder, mode 0700 (it used to be the shared one)
#   - SIGKILL to racelab: the daemon is gone all the same (the folder stays: nobody is left)
#   - the JSON's isolation says the mode
# In the modes: namespace (racelab's own choice: pid-namespace as root, user-namespace
# without), fallback (RACELAB_NO_NAMESPACE=1), and, when run as root with setpriv, the same as
# the unprivileged user nobody.
# Usage: run.sh RACELAB HOSTILE [--as-user]
set -uo pipefail
racelab=$1 hostile=$2 as_user=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 checks=0
ulimit -c 0 # SIGQUIT's default action dumps core
# racelab starts with the stop signals at their default action, as from a terminal (a shell
# starts a background job with SIGINT and SIGQUIT ignored, and racelab keeps them so).
defaults=(env "--default-signal=HUP,INT,QUIT,TERM")

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# Processes whose command line holds the token (a check's unique pidfile path).
holders() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "$1" && echo "$pid"
  done
}

# Nothing of the check is left: no process with the token in its command line, and the pid in
# the pidfile (the program's view; racelab's too in the fallback) is not a process holding it.
left_nothing() { # label, token
  sleep 0.3
  local pids
  pids=$(holders "$2")
  if [ -n "$pids" ]; then
    fail "$1: left behind: $(for p in $pids; do tr '\0' ' ' <"/proc/$p/cmdline"; echo " (pid $p)"; done)"
    for p in $pids; do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
    return 1
  fi
  return 0
}

run_racelab() { # env-mode, out-file, racelab run options... (bounded: a stopped racelab is killed)
  local mode=$1 out=$2
  shift 2
  local envs=(TMPDIR="$work/tmp")
  [ "$mode" = fallback ] && envs+=(RACELAB_NO_NAMESPACE=1)
  # In a session of its own, so a program that stops its process group cannot stop this
  # watchdog too (as it stops timeout(1), which shares its child's group).
  setsid "${defaults[@]}" "${envs[@]}" "$racelab" run "$@" >"$out" 2>&1 &
  local pid=$! until=$((SECONDS + 60)) status=0
  while [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] && [ -e "/proc/$pid" ] &&
    [ "$SECONDS" -lt "$until" ]; do
    sleep 0.2
  done
  if [ "$SECONDS" -ge "$until" ]; then
    echo "racelab still running after 60 s: killed" >>"$out"
    kill -CONT -- "-$pid" 2>/dev/null
    kill -KILL -- "-$pid" 2>/dev/null
  fi
  { wait "$pid"; } 2>/dev/null || status=$?
  return "$status"
}

# Runs in the foreground: kill(0, sig), kill(0, SIGSTOP), kill(getppid()), TMPDIR, JSON.
inside() { # mode, expected isolation
  local mode=$1 want=$2 status t
  for attack in killpg-hup killpg-int; do
    checks=$((checks + 1))
    t="$work/$mode-$attack.pid"
    run_racelab "$mode" "$work/out" --tool tsan --timeout 20 --no-backtrace --expect clean -- \
      "$hostile" "$attack" "$t"
    status=$?
    if [ "$status" -gt 1 ]; then
      fail "$attack ($mode): racelab ended with status $status"; sed 's/^/  | /' "$work/out" | head -n 5
    elif left_nothing "$attack ($mode)" "$t"; then
      ok "$attack ($mode): racelab survived (status $status), nothing left"
    fi
  done

  checks=$((checks + 1))
  t="$work/$mode-stop.pid"
  local began=$SECONDS
  run_racelab "$mode" "$work/out" --tool tsan --timeout 2 --no-backtrace --expect clean -- \
    "$hostile" stop "$t"
  status=$?
  if [ "$status" -ne 1 ] || ! grep -qE 'observed: .*(timeout|deadlock)' "$work/out"; then
    fail "kill(0, SIGSTOP) ($mode): status $status after $((SECONDS - began)) s (want 1, a hang)"
    sed 's/^/  | /' "$work/out" | head -n 5
    left_nothing "kill(0, SIGSTOP) ($mode)" "$t"
  elif left_nothing "kill(0, SIGSTOP) ($mode)" "$t"; then
    ok "kill(0, SIGSTOP) ($mode): a hang verdict after $((SECONDS - began)) s, nothing left"
  fi

  checks=$((checks + 1))
  t="$work/$mode-kill-parent.pid"
  run_racelab "$mode" "$work/out" --tool tsan --timeout 20 --no-backtrace --expect clean -- \
    "$hostile" kill-parent "$t"
  status=$?
  if [ "$status" -eq 0 ]; then
    fail "kill(getppid(), SIGKILL) ($mode): a racy program passed as clean"
  elif [ "$want" = fallback ] && ! grep -q "reaper died" "$work/out"; then
    fail "kill(getppid(), SIGKILL) ($mode): status $status, but not a tool failure:"
    sed 's/^/  | /' "$work/out" | head -n 6
  elif left_nothing "kill(getppid(), SIGKILL) ($mode)" "$t"; then
    ok "kill(getppid(), SIGKILL) ($mode): $(grep -oE 'reaper died|observed: .*' "$work/out" | sort -r | head -n 1)"
  fi

  checks=$((checks + 1))
  t="$work/$mode-tmpdir.pid"
  run_racelab "$mode" "$work/out" --tool tsan --timeout 20 --expect clean --json "$work/j.json" -- \
    "$hostile" tmpdir "$t"
  status=$?
  if [ "$status" -ne 0 ]; then
    fail "private TMPDIR ($mode): status $status"; sed 's/^/  | /' "$work/out" | head -n 8
  else
    ok "private TMPDIR ($mode)"
  fi
  checks=$((checks + 1))
  if grep -q "\"isolation\":\"$want\"" "$work/j.json" 2>/dev/null; then
    ok "JSON isolation ($mode): $want"
  else
    fail "JSON isolation ($mode): want $want, in: $(grep -o '"isolation":"[^"]*"' "$work/j.json" 2>/dev/null || echo none)"
  fi
}

# Stops racelab from outside while a detached daemon of the run lives.
outside() { # mode, signal, whom (group: Ctrl-C, to racelab's process group; racelab: it alone)
  local mode=$1 sig=$2 whom=$3
  checks=$((checks + 1))
  local t="$work/$mode-$sig-$whom.pid" envs=(TMPDIR="$work/tmp")
  [ "$mode" = fallback ] && envs+=(RACELAB_NO_NAMESPACE=1)
  rm -rf "$work/tmp" && mkdir "$work/tmp"
  # setsid: racelab leads a process group of its own, as a shell job would.
  setsid "${defaults[@]}" "${envs[@]}" "$racelab" run --tool tsan --timeout 60 --expect clean -- \
    "$hostile" daemon "$t" >"$work/out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -s "$t" ] && break; sleep 0.1; done
  sleep 0.3
  if [ "$whom" = group ]; then kill -s "$sig" -- "-$pid"; else kill -s "$sig" "$pid"; fi
  local status=0
  { wait "$pid"; } 2>/dev/null || status=$?
  local want=$((128 + $(kill -l "$sig")))
  local label="SIG$sig to racelab ($mode)"
  [ "$whom" = group ] && label="SIG$sig to racelab's process group, as Ctrl-C ($mode)"
  local folders
  folders=$(find "$work/tmp" -mindepth 1 -maxdepth 1 -name 'racelab.*' | wc -l)
  if [ ! -s "$t" ]; then
    fail "$label: the daemon never started"; sed 's/^/  | /' "$work/out" | head -n 5
  elif [ "$status" -ne "$want" ]; then
    fail "$label: status $status (want $want, death by the signal)"
    left_nothing "$label" "$t"
  elif ! left_nothing "$label" "$t"; then
    :
  elif [ "$folders" -ne 0 ] && [ "$sig" != KILL ]; then # (nobody is left to remove it)
    fail "$label: the run's folder was left: $(ls "$work/tmp")"
  else
    ok "$label: status $status, daemon gone$([ "$sig" = KILL ] || echo ", folder removed")"
  fi
}

mkdir -p "$work/tmp"
if [ "$as_user" = --as-user ]; then
  modes="namespace:user-namespace fallback:fallback"
else
  modes="namespace:$([ "$(id -u)" = 0 ] && echo pid-namespace || echo user-namespace) fallback:fallback"
fi
for m in $modes; do
  inside "${m%%:*}" "${m#*:}"
  outside "${m%%:*}" INT group
  outside "${m%%:*}" TERM racelab
  outside "${m%%:*}" HUP racelab
  outside "${m%%:*}" QUIT racelab
  outside "${m%%:*}" KILL racelab
done

# The same as the unprivileged user nobody, with a TMPDIR nobody can write.
if [ "$as_user" != --as-user ] && [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
  setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$racelab" -a -x "$hostile"; then
  udir=$(mktemp -d)
  chown nobody "$udir"
  checks=$((checks + 1))
  if setpriv --reuid=nobody --regid=nogroup --clear-groups env TMPDIR="$udir" HOME="$udir" \
    bash "$0" "$racelab" "$hostile" --as-user | sed 's/^/  nobody: /'; then
    ok "the same as nobody"
  else
    fail "the same as nobody"
  fi
  rm -rf "$udir"
fi
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
