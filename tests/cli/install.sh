#!/usr/bin/env bash
# cmake --install puts racelab in bin/ and racelab(1) in share/man/man1; --version, the man
# page and --help agree (the man page is made from --help, the version from project()).
# Usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
racelab=$prefix/bin/racelab
page=$prefix/share/man/man1/racelab.1
[ -x "$racelab" ] || { echo "install: no $racelab"; exit 1; }
[ -f "$page" ] || { echo "install: no $page"; exit 1; }
[ -f "$prefix/share/doc/racelab/LICENSE" ] || { echo "install: no LICENSE"; exit 1; }
want=$(sed -n 's/^project(racelab VERSION \([0-9.]*\).*/\1/p' "$source/CMakeLists.txt")
version=$("$racelab" --version)
[ "$version" = "racelab $want" ] || { echo "install: --version says '$version', want 'racelab $want'"; exit 1; }
grep -qF "\"$version\"" "$page" || { echo "install: the man page does not name $version"; exit 1; }
# The synopsis is --help, line for line (roff escapes undone).
diff <("$racelab" --help) <(sed -n '/^\.nf$/,/^\.fi$/p' "$page" | sed '1d;$d' |
  sed 's/^\\&//; s/\\e/\\/g') || { echo "install: the man page's synopsis is not --help"; exit 1; }
# And as a reader gets it: `man racelab` with the prefix on MANPATH (man-db, from ci/deps)
# shows the version in its footer and --help, line for line, as its synopsis.
command -v man >/dev/null || { echo "install: no man command (ci/deps installs man-db)"; exit 1; }
shown=$(MANPATH=$prefix/share/man MANWIDTH=200 man -P cat racelab 2>&1) ||
  { echo "install: man racelab failed: $shown"; exit 1; }
grep -q "^$version  .*RACELAB(1)\$" <<<"$shown" ||
  { echo "install: man racelab does not show $version in its footer"; exit 1; }
diff <("$racelab" --help | sed 's/^/       /; s/ *$//') \
  <(sed -n '/^SYNOPSIS$/,/^SEE ALSO$/p' <<<"$shown" | sed '1d;$d' | sed 's/ *$//' | sed '$d') ||
  { echo "install: man racelab's synopsis is not --help"; exit 1; }
echo "install: racelab, racelab(1) and LICENSE under $prefix; $version; man racelab = --help"
