#!/usr/bin/env bash
# Valgrind's gdbserver leaves nothing behind. racelab runs Helgrind and DRD with --vgdb=yes and
# its FIFOs in the run's own folder, and at a hang runs vgdb inside the run's namespaces for the
# guests' stacks. Checked for each tool on a real ABBA hang:
#   - a run that ends: its folder is gone, FIFOs with it, and no FIFO was made in /tmp or TMPDIR
#   - SIGKILL to racelab while vgdb is asking for the stacks: no valgrind and no vgdb is left
#     (the run's folder stays, as after any SIGKILL; no FIFO is anywhere else)
# Usage: vgdb_kill.sh RACELAB ABBA_PLAIN_BUILD
set -uo pipefail
racelab=$1 abba=$2
command -v valgrind >/dev/null || { echo "skipped: no valgrind"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 checks=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
mkdir "$work/tmp"
touch "$work/start"

# Processes whose command line names the work folder (valgrind's --vgdb-prefix, vgdb's).
left() {
  local f pid out=""
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- "$work/tmp" && out+=" $pid"
  done
  echo "$out"
}
fifos_outside() { # FIFOs made since the start, outside the run folders
  find /tmp "$work/tmp" -maxdepth 1 -type p -newer "$work/start" 2>/dev/null
}

for tool in helgrind drd; do
  checks=$((checks + 1))
  TMPDIR=$work/tmp "$racelab" run --tool "$tool" --expect deadlock -- "$abba" >"$work/out" 2>&1
  status=$?
  if [ $status -ne 0 ] || ! grep -q '^  stacks (vgdb):' "$work/out"; then
    fail "$tool: status $status, want 0 with stacks:"; sed 's/^/  | /' "$work/out"
  elif [ -n "$(ls -A "$work/tmp")" ] || [ -n "$(fifos_outside)" ]; then
    fail "$tool: left behind: $(ls -A "$work/tmp") $(fifos_outside)"
  else
    ok "$tool: stacks from vgdb, the run's folder and its FIFOs gone"
  fi

  checks=$((checks + 1))
  TMPDIR=$work/tmp "$racelab" run --tool "$tool" --expect deadlock -- "$abba" >"$work/out" 2>&1 &
  pid=$!
  until=$((SECONDS + 60))
  while ! pgrep -f "vgdb --pid=.* --vgdb-prefix=$work/tmp" >/dev/null && [ "$SECONDS" -lt "$until" ] &&
    kill -0 "$pid" 2>/dev/null; do
    sleep 0.02
  done
  if ! kill -KILL "$pid" 2>/dev/null; then
    fail "$tool: racelab ended before vgdb was seen"; sed 's/^/  | /' "$work/out"
    continue
  fi
  wait "$pid" 2>/dev/null
  sleep 1 # the kernel kills the namespace once its reaper is gone
  still=$(left)
  if [ -n "$still" ]; then
    fail "$tool: SIGKILL left:$(for p in $still; do echo; tr '\0' ' ' <"/proc/$p/cmdline"; done)"
    for p in $still; do kill -KILL "$p" 2>/dev/null; done
  elif [ -n "$(fifos_outside)" ]; then
    fail "$tool: SIGKILL left FIFOs outside the run's folder: $(fifos_outside)"
  else
    ok "$tool: SIGKILL during vgdb left no process and no FIFO outside the run's folder"
  fi
  rm -rf "${work:?}/tmp/"*
done
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
