#!/usr/bin/env bash
# Runs every example of the README's "Running your own program" section (each sh block after a
# "readme-examples" comment), as a user would from the top of the tree after the quick
# start's build: each line must pass (exit 0).
# Usage: readme.sh RACELAB SOURCE_DIR BUILD_DIR
set -euo pipefail
racelab=$1 src=$2 build=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The tree as the README sees it: tests/ from the sources, build/ the build directory.
ln -s "$src/tests" "$work/tests"
ln -s "$build" "$work/build"
mkdir "$work/bin"
ln -s "$racelab" "$work/bin/racelab"
examples=$(awk '/<!-- readme-examples/ { on = 1; next }
  on && /^```sh/ { inside = 1; next }
  inside && /^```/ { inside = 0; on = 0; next }
  inside { print }' "$src/README.md")
[ -n "$examples" ] || { echo "readme.sh: no examples found in $src/README.md"; exit 1; }
failures=0 n=0
cd "$work"
while IFS= read -r line; do
  n=$((n + 1))
  status=0
  PATH="$work/bin:$PATH" timeout -s KILL 120 bash -c "$line" >"$work/out" 2>&1 </dev/null ||
    status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL (exit $status): $line"
    sed 's/^/    | /' "$work/out" | head -20
    failures=$((failures + 1))
  else
    echo "ok   $line"
  fi
done <<<"$examples"
[ "$failures" -eq 0 ] || { echo "$failures of $n README examples failed"; exit 1; }
echo "all $n README examples passed"
