#!/usr/bin/env bash
# The README's adoption commands (between <!-- adopt:begin --> and <!-- adopt:end -->), run
# as written on tests/adopt/pool.c in a folder of their own, with this build's racelab first
# in PATH: each must succeed, and the baseline they write must hold both of pool.c's races.
# Usage: readme_adopt.sh RACELAB SOURCE_DIR [CC]
set -euo pipefail
racelab=$1 src=$2 cc=${3:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$racelab" "$work/bin/racelab"
ln -s "$(command -v "$cc")" "$work/bin/cc"
cp "$src/tests/adopt/pool.c" "$work/"
sed -n '/<!-- adopt:begin -->/,/<!-- adopt:end -->/p' "$src/README.md" |
  sed -e '/^<!--/d' -e '/^```/d' >"$work/commands.sh"
[ -s "$work/commands.sh" ] || { echo "FAIL no adopt:begin/end block in README.md"; exit 1; }
cd "$work"
n=0
while IFS= read -r command; do
  n=$((n + 1))
  if ! PATH="$work/bin:$PATH" bash -euo pipefail -c "$command" >out 2>&1; then
    echo "FAIL README command $n: $command"
    sed 's/^/  | /' out
    exit 1
  fi
  echo "ok   $command"
done <commands.sh
[ "$(grep -c '^data-race tsan ' known.txt)" -eq 2 ] ||
  { echo "FAIL known.txt does not hold pool.c's two races:"; cat known.txt; exit 1; }
echo "$n README commands ran"
