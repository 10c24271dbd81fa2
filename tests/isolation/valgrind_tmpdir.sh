#!/usr/bin/env bash
# Another local user cannot make Valgrind runs fail through a shared TMPDIR. Valgrind names
# its temporary files valgrind_proc_<pid>_<what>_<8 hex digits>, the digits from a seed made of
# its pid and its parent's pid; in a PID namespace those are the same on every run, so the
# user nobody can create all eleven names it tries first, and Valgrind then stops with "Can't
# create client cmdline file". racelab gives the tools a TMPDIR of the run's own: the run must
# pass all the same. Root only (the victim is root; nobody is the attacker).
# Usage: valgrind_tmpdir.sh RACELAB PLAIN_HOSTILE
set -uo pipefail
racelab=$1 hostile=$2
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! command -v valgrind >/dev/null; then
  echo "skipped: needs root, setpriv and valgrind"
  exit 0
fi
shared=$(mktemp -d)
trap 'rm -rf "$shared"' EXIT
chmod 1777 "$shared"
names=()
for pid in 2 3 4 5; do
  for ppid in 1 2; do
    seed=$(((pid << 9) ^ ppid))
    for _ in $(seq 11); do
      seed=$(((1103515245 * seed + 12345) & 0xffffffff))
      for what in cmdline auxv exe; do
        names+=("$shared/$(printf 'valgrind_proc_%d_%s_%08x' "$pid" "$what" "$seed")")
      done
    done
  done
done
setpriv --reuid=nobody --regid=nogroup --clear-groups touch "${names[@]}" || exit 1
failures=0
for tool in helgrind drd; do
  status=0
  TMPDIR=$shared timeout -s KILL 120 "$racelab" run --tool "$tool" --expect clean -- \
    "$hostile" tmpdir "$shared/pid" >"$shared/out" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL $tool with nobody's files in the shared TMPDIR: status $status"
    sed 's/^/  | /' "$shared/out" | head -n 12
    failures=$((failures + 1))
  else
    echo "ok   $tool with nobody's files in the shared TMPDIR: passed"
  fi
done
[ "$failures" -eq 0 ]
