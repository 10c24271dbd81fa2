#!/usr/bin/env bash
# A case tree of one's own (issue 17): a folder named by a concept racelab does not know,
# listed, linted and run with --cases from another working directory; lint inside a case's
# folder; every error of a bad file, each with its line; lint --keys from case.c's table.
# Usage: own_tree.sh RACELAB SOURCE_DIR [CC]
set -euo pipefail
racelab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") src=$2 cc=${3:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/mine
mkdir -p "$tree/pool" "$tree/broken"
header() { # variant, twin, expect tsan
  printf '/* racelab-case\n * concept: pool\n * variant: %s\n * twin: %s\n' "$1" "$2"
  printf ' * title: a job counter\n * lesson: jobs share it.\n * expect tsan: %s\n' "$3"
  printf ' * expect helgrind: %s\n * expect drd: %s\n */\n' "$3" "$3"
}
body() { # the increment, with its marker or lock
  printf '#include <pthread.h>\nstatic int done;\nstatic pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n'
  printf 'static void *job(void *p)\n{\n    %s\n    return p;\n}\n' "$1"
  printf 'int main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, NULL, job, NULL);\n'
  printf '    pthread_create(&b, NULL, job, NULL);\n    pthread_join(a, NULL);\n'
  printf '    pthread_join(b, NULL);\n    return done > 2;\n}\n'
}
{ header broken counter_locked data-race; body 'done++; /* racelab: data-race */'; } \
  >"$tree/pool/counter_unlocked.c"
{ header correct counter_unlocked clean
  body 'pthread_mutex_lock(&m); done++; pthread_mutex_unlock(&m);'; } >"$tree/pool/counter_locked.c"
# Three errors on three lines: the variant (3), an unknown key (5), a marker's kind (17).
sed -e 's/^ \* variant: broken/ * variant: buggy/' -e 's/^ \* title:/ * colour: red\n * title:/' \
  -e 's/racelab: data-race/racelab: data-rice/' -e 's/^ \* concept: pool/ * concept: broken/' \
  "$tree/pool/counter_unlocked.c" >"$tree/broken/three_errors.c"
"$cc" -fsanitize=thread -g -O1 -pthread "$tree/pool/counter_unlocked.c" -o "$work/counter"
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
in_dir() { (cd "$1" && shift && "$@"); }

check "list a concept folder" 0 "^2 cases, 1 broken \(0 without a twin\)" \
  "$racelab" list "$tree/pool"
check "list names the new concept" 0 "^pool/counter_unlocked +broken +counter_locked +data-race" \
  "$racelab" list "$tree/pool"
check "list --cases from / by concept" 0 "^2 cases" in_dir / "$racelab" list --cases "$tree" pool
check "lint inside the case's folder" 0 "^1 case file, 0 with errors$" in_dir "$tree/pool" "$racelab" lint counter_unlocked.c
check "lint inside racelab's own race folder" 0 "^1 case file, 0 with errors$" \
  in_dir "$src/cases/race" "$racelab" lint counter_unlocked.c
check "lint a folder" 0 "^2 case files, 0 with errors" "$racelab" lint "$tree/pool"
check "lint every error: the variant" 2 "three_errors.c:3: variant must be 'correct' or 'broken'" \
  "$racelab" lint --cases "$tree" broken
check "lint every error: the key" 2 "three_errors.c:5: unknown key 'colour'" \
  "$racelab" lint --cases "$tree" broken
check "lint every error: the marker" 2 "three_errors.c:17: marker names unknown kind 'data-rice'" \
  "$racelab" lint --cases "$tree" broken
check "lint the whole tree" 2 "^3 case files, 1 with errors" "$racelab" lint --cases "$tree"
check "lint --keys: a default" 0 "^ +default: 10$" "$racelab" lint --keys
check "lint --keys: the per-tool key" 0 "^  expect <tool> +required$" "$racelab" lint --keys
check "run --cases from / by name" 0 "^PASS tsan:pool/counter_unlocked" \
  in_dir / "$racelab" run --tool tsan --cases "$tree" --case pool/counter_unlocked --bin "$work/counter"
check "a name in no tree" 2 "pool/nothing: No such file or directory, nor under the cases folder" \
  "$racelab" run --tool tsan --cases "$tree" --case pool/nothing --bin "$work/counter"
# The matrix of the tree: its own concept gets its group, after racelab's six (none here).
mkdir "$work/good" && cp -r "$tree/pool" "$work/good/"
check "the matrix groups the new concept" 0 '^\| \*\*pool\*\*: pool ' \
  "$src/ci/render-matrix" --declared --block --cases "$work/good"
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
