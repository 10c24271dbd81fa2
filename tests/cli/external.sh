#!/usr/bin/env bash
# ci/external valgrind reads a test's expected outputs as Valgrind's own runner does
# (tests/vg_regtest.in): the test passes when its output matches any NAME.stderr.exp*, not
# only NAME.stderr.exp (drd/tests/bar_bad has a -nohang variant that glibc 2.36 gives), and
# answers a prereq that tests for the program itself, "[ -e PROG ]" as "test -e PROG".
# A tree of the same shape as Valgrind's, made here with a program of our own: one DRD test
# whose second variant is what DRD reports, and one whose variants both differ.
# Usage: external.sh RACELAB SOURCE_DIR   (exit 77 without valgrind)
set -euo pipefail
racelab=$1 src=$2
command -v valgrind >/dev/null || { echo "SKIP: no valgrind"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree/helgrind/tests" "$work/tree/drd/tests"
tests=$work/tree/drd/tests
# Two contexts: two unlocks of a mutex nobody holds, on two lines.
cat >"$tests/unlocks.c" <<'EOF'
#include <pthread.h>

int main(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_unlock(&m);
    pthread_mutex_unlock(&m);
    return 0;
}
EOF
summary() { printf '\nERROR SUMMARY: %s errors from %s contexts (suppressed: 0 from 0)\n' "$1" "$1"; }
# Its prereq names the program it runs, which ci/external builds (drd/tests/sem_wait's form).
printf 'prereq: [ -e unlocks ]\nprog: unlocks\n' >"$tests/twice.vgtest"
summary 1 >"$tests/twice.stderr.exp"
summary 2 >"$tests/twice.stderr.exp-glibc"
summary 3 >"$tests/twice.stderr.exp~" # an editor's backup: never a variant
printf 'prog: unlocks\n' >"$tests/never.vgtest"
summary 1 >"$tests/never.stderr.exp"
summary 3 >"$tests/never.stderr.exp-other"

status=0
RACELAB=$racelab "$src/ci/external" valgrind "$work/tree" twice never >"$work/out" 2>&1 || status=$?
failures=0
expect() { # what the output must hold
  if ! grep -qF -- "$1" "$work/out"; then
    echo "FAIL: no '$1' in ci/external's output"
    failures=$((failures + 1))
  fi
}
expect "disagree  drd never: expected 1 or 3 context(s), racelab read 2 error(s)"
expect "valgrind: 2 tests, 1 agree, 1 disagree, 0 not run"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, not 1"; failures=$((failures + 1)); }
if [ "$failures" -ne 0 ]; then
  sed 's/^/  | /' "$work/out"
  exit 1
fi
echo "PASS: a test agrees with any of its expected outputs, its [ -e PROG ] prereq met (3 checks)"
