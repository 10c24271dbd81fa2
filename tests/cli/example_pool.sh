#!/usr/bin/env bash
# examples/pool, a project of its own, tests its thread pool with racelab_add_test(), racelab
# found one of two ways, and `ctest -L racelab` in its build gives the verdicts its
# CMakeLists.txt expects: the pool's race (in pool.c, the library) caught under tsan,
# helgrind and drd, clean with its suppressions, the fixed pool clean.
#   installed   find_package(racelab) after cmake --install of BUILD_DIR into a temporary
#               prefix; also: the same TSan build linked with the plain library misses the
#               race (so the catch shows that the library was twinned), a shared library
#               of another directory is twinned too, the README's "Use it in your project"
#               shows this example and its lines work, and calls that racelab_add_test()
#               refuses fail at configure time with one line
#   subproject  add_subdirectory() of SOURCE_DIR: racelab adds none of its own tests, and its
#               configure step looks for nothing of its test stack (no cmocka in the cache)
# Usage: example_pool.sh installed BUILD_DIR SOURCE_DIR C_COMPILER
#        example_pool.sh subproject SOURCE_DIR C_COMPILER
# KEEP=1 keeps the work folder (its path: mktemp's, printed by bash -x).
set -euo pipefail
mode=$1
shift
if [ "$mode" = installed ]; then
  build=$1 source=$2 cc=$3
else
  source=$1 cc=$2
fi
example=$source/examples/pool
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() {
  echo "example_pool $mode: $*"
  exit 1
}
# run LOG COMMAND...: the command's output goes to LOG, shown only when it fails.
run() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 || { cat "$log"; fail "failed: $*"; }
}

if [ "$mode" = installed ]; then
  run "$work/install.log" cmake --install "$build" --prefix "$work/prefix"
  run "$work/configure.log" cmake -S "$example" -B "$work/pool" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DRACELAB_REPORTS_DIR="$work/reports"
  found=$(sed -n 's/^racelab_DIR:PATH=//p' "$work/pool/CMakeCache.txt")
  [ "$found" = "$work/prefix/lib/cmake/racelab" ] || fail "found racelab in '$found', not the prefix"
else
  run "$work/configure.log" cmake -S "$example" -B "$work/pool" -DCMAKE_C_COMPILER="$cc" \
    -DPOOL_RACELAB_SOURCE="$source"
  if grep -i '^cmocka' "$work/pool/CMakeCache.txt"; then
    fail "racelab as a subproject looked for cmocka"
  fi
fi
run "$work/build.log" cmake --build "$work/pool" -j2

# Exactly the example's nine tests, each with its labels: none of racelab's own.
listed=$(ctest --test-dir "$work/pool" -N | sed -n 's/^ *Test *#[0-9]*: //p' | sort | paste -sd ' ' -)
want=""
for tool in drd helgrind tsan; do
  want="$want $tool:pool_fixed_stress $tool:pool_stress $tool:pool_stress_suppressed"
done
want=${want# }
[ "$listed" = "$want" ] || fail "the tests are '$listed', want '$want'"
for tool in tsan helgrind drd; do
  n=$(ctest --test-dir "$work/pool" -N -L "^$tool\$" -L '^racelab$' | sed -n 's/^Total Tests: //p')
  [ "$n" = 3 ] || fail "$n tests carry the labels $tool and racelab, want 3"
done
ctest --test-dir "$work/pool" -L racelab -V >"$work/ctest.log" 2>&1 ||
  { cat "$work/ctest.log"; fail "ctest -L racelab failed"; }
# The race TSan caught is the library's own: pool.c's take_id, as pool.c marks it.
line=$(grep -n 'The bug:' "$example/pool.c" | cut -d: -f1)
line=$((line + 2))
# (grep without -q reads to the end: an early exit would kill the writer, and pipefail fail.)
sed -n '/tsan:pool_stress/,/Passed/p' "$work/ctest.log" | grep "at pool.c:$line\$" >/dev/null ||
  { cat "$work/ctest.log"; fail "TSan's report is not at pool.c:$line"; }

if [ "$mode" = installed ]; then
  # What CI systems read (RACELAB_REPORTS_DIR): each test's JUnit parses and passes, each
  # SARIF file is valid SARIF 2.1.0, and TSan's race is a result at take_id's line, given
  # relative to the example's source tree.
  ls "$work/reports"/*.junit.xml "$work/reports"/*.sarif >"$work/reports.list"
  [ "$(wc -l <"$work/reports.list")" = 18 ] || { cat "$work/reports.list"; fail "not 18 reports"; }
  "$source/ci/sarif-schema" --cache "$build/sarif-schema" "$work/reports"/*.sarif \
    >"$work/sarif.log" || { cat "$work/sarif.log"; fail "a SARIF file is not valid"; }
  python3 - "$work/reports" "$line" <<'PY' || fail "the JUnit or SARIF reports are not as wanted"
import glob, json, sys
import xml.etree.ElementTree as ET
folder, line = sys.argv[1], int(sys.argv[2])
for path in glob.glob(folder + "/*.junit.xml"):
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0", path
    assert suite.find("testcase/system-out").text.startswith("PASS "), path
run = json.load(open(folder + "/tsan_pool_stress.sarif"))["runs"][0]
where = [r["locations"][0]["physicalLocation"] for r in run["results"] if r["ruleId"] == "data-race"]
assert where, "no data-race result"
assert where[0]["artifactLocation"] == {"uri": "pool.c", "uriBaseId": "SRCROOT"}, where
assert where[0]["region"]["startLine"] == line, where
PY

  # The counter-proof: the test program built with TSan but linked with the plain library.
  "$cc" -fsanitize=thread -g -O1 -I"$example" "$example/pool_stress.c" "$work/pool/libpool.a" \
    -pthread -o "$work/untwinned"
  set +e
  "$work/prefix/bin/racelab" run --tool tsan --expect clean -- "$work/untwinned" 1000 8 \
    >"$work/untwinned.log" 2>&1
  status=$?
  set -e
  [ "$status" = 0 ] || { cat "$work/untwinned.log"; fail "the untwinned build was not clean"; }

  # Twinning through another layout: the pool as a shared library in another directory,
  # reached through an ALIAS and an INTERFACE library, the test's target defined (and its
  # C_STANDARD set) after the call; the twin is linked with the twin library.
  mkdir -p "$work/shared/lib" "$work/shared/test"
  cp "$example/pool.c" "$example/pool.h" "$work/shared/lib/"
  cp "$example/pool_stress.c" "$work/shared/test/"
  cat >"$work/shared/CMakeLists.txt" <<'EOS'
cmake_minimum_required(VERSION 3.20)
project(shared LANGUAGES C)
enable_testing()
find_package(racelab 1 REQUIRED)
find_package(Threads REQUIRED)
add_compile_options(-g)
add_subdirectory(lib)
add_subdirectory(test)
EOS
  cat >"$work/shared/lib/CMakeLists.txt" <<'EOS'
add_library(poolcore SHARED pool.c)
add_library(shared::pool ALIAS poolcore)
add_library(poolapi INTERFACE)
target_link_libraries(poolapi INTERFACE shared::pool)
target_include_directories(poolcore PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(poolcore PRIVATE Threads::Threads)
EOS
  cat >"$work/shared/test/CMakeLists.txt" <<'EOS'
racelab_add_test(NAME shared TARGET stress TOOLS tsan EXPECT data-race ARGS 100 4)
set(CMAKE_C_STANDARD 99)
add_executable(stress pool_stress.c)
target_link_libraries(stress PRIVATE poolapi)
EOS
  run "$work/shared.log" cmake -S "$work/shared" -B "$work/shared/build" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$work/prefix"
  run "$work/shared.log" cmake --build "$work/shared/build" -j2
  ldd "$work/shared/build/racelab-tsan/stress" |
    grep "=> $work/shared/build/racelab-tsan/libpoolcore.so" >/dev/null ||
    fail "the TSan twin of stress does not load the twin of libpoolcore.so"
  grep -q -- '-std=gnu99' "$work/shared/build/test/CMakeFiles/stress.tsan.dir/flags.make" ||
    fail "the twin of stress lost its C_STANDARD"
  run "$work/shared.log" ctest --test-dir "$work/shared/build" -L racelab -V
  grep -q "at pool.c:$line\$" "$work/shared.log" || { cat "$work/shared.log"; fail "no report at pool.c:$line"; }

  # The README's "Use it in your project" shows this example: its CMake lines are the
  # example's, and its `racelab run` lines pass in the example's build, racelab on PATH.
  section=$(awk '/^## Use it in your project$/ { on = 1; next } on && /^## / { exit } on' \
    "$source/README.md")
  shown=$(awk '/^```cmake$/ { on = 1; next } on && /^```$/ { exit } on' <<<"$section" |
    sed 's/^ *//')
  [ -n "$shown" ] || fail "no cmake block in the README's 'Use it in your project'"
  while IFS= read -r l; do
    sed 's/^ *//' "$example/CMakeLists.txt" | grep -xF -- "$l" >/dev/null ||
      fail "the README's line '$l' is not in examples/pool/CMakeLists.txt"
  done <<<"$shown"
  runs=$(grep '^racelab run ' <<<"$section") || fail "no racelab run line in the README's section"
  while IFS= read -r l; do
    (cd "$work/pool" && PATH="$work/prefix/bin:$PATH" bash -c "$l") >"$work/readme.log" 2>&1 ||
      { cat "$work/readme.log"; fail "the README's '$l' failed in the example's build"; }
  done <<<"$runs"

  # Calls racelab_add_test() refuses: configure fails, with the reason on one line.
  mkdir "$work/bad"
  cat >"$work/bad/CMakeLists.txt" <<'EOS'
cmake_minimum_required(VERSION 3.20)
project(bad LANGUAGES C)
enable_testing()
find_package(racelab 1 REQUIRED)
file(WRITE "${CMAKE_BINARY_DIR}/main.c" "int main(void) { return 0; }\n")
add_executable(prog "${CMAKE_BINARY_DIR}/main.c")
add_library(lib STATIC "${CMAKE_BINARY_DIR}/main.c")
cmake_language(EVAL CODE "${CALL}")
EOS
  check_refused() {
    local call=$1 want=$2
    if cmake -S "$work/bad" -B "$work/bad/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCALL="$call" >"$work/bad.log" 2>&1; then
      fail "configure accepted: $call"
    fi
    grep -qF -- "$want" "$work/bad.log" || { cat "$work/bad.log"; fail "no '$want' for: $call"; }
  }
  # A call that configures: each tool's command, TIMEOUT and labels, the per-tool arguments
  # standing in place of the common ones.
  run "$work/bad.log" cmake -S "$work/bad" -B "$work/bad/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
    "-DCALL=racelab_add_test(NAME t TARGET prog ARGS a b EXPECT clean EXPECT_DRD data-race lock-order
      TIMEOUT 5 TIMEOUT_DRD 20 EXIT_STATUS any SUPPRESSIONS common.supp SUPPRESSIONS_TSAN t.supp
      TOOL_OPTIONS_HELGRIND --fair-sched=yes)"
  ctest --test-dir "$work/bad/build" --show-only=json-v1 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    p = {x["name"]: x["value"] for x in t["properties"]}
    print(t["name"], " ".join(t["command"][1:]), p["TIMEOUT"], ",".join(p["LABELS"]),
          p["SKIP_RETURN_CODE"])' >"$work/commands"
  b=$work/bad
  cat >"$work/commands.want" <<EOS
tsan:t run --tool tsan --name t --expect clean --timeout 5 --exit-status any --suppressions $b/t.supp -- $b/build/racelab-tsan/prog a b 50.0 racelab,tsan 77
helgrind:t run --tool helgrind --name t --expect clean --timeout 5 --exit-status any --suppressions $b/common.supp --tool-option --fair-sched=yes -- $b/build/prog a b 50.0 helgrind,racelab 77
drd:t run --tool drd --name t --expect data-race,lock-order --timeout 20 --exit-status any --suppressions $b/common.supp -- $b/build/prog a b 110.0 drd,racelab 77
EOS
  # The TIMEOUTs are racelab's formula at RACELAB_TIMEOUT_SCALE=1: stretch x seconds + 30.
  if [ -z "${RACELAB_TIMEOUT_SCALE:-}" ] || [ "$RACELAB_TIMEOUT_SCALE" = 1 ]; then
    diff "$work/commands.want" "$work/commands" || fail "racelab_add_test's tests are not as wanted"
  fi
  rm -rf "$work/bad/build"

  base="NAME t TARGET prog EXPECT clean"
  for later in SERVE READY CLIENT BASELINE; do
    check_refused "racelab_add_test($base $later x)" "racelab_add_test(NAME t): $later needs a later racelab than"
  done
  check_refused "racelab_add_test(NAME t TARGET prog TOOLS drd)" "racelab_add_test(NAME t): no EXPECT or EXPECT_DRD for drd"
  check_refused "racelab_add_test($base TOOLS daemon)" "racelab_add_test(NAME t): TOOLS: 'daemon' is not one of tsan, helgrind, drd"
  check_refused "racelab_add_test($base TIMEOUT 1.5)" "racelab_add_test(NAME t): TIMEOUT takes whole seconds, not '1.5'"
  check_refused "racelab_add_test($base TARGET lib)" "racelab_add_test(NAME t): TARGET lib is a STATIC_LIBRARY, not an executable"
  check_refused "racelab_add_test($base TARGET nothing)" "racelab_add_test(NAME t): TARGET nothing is not a target"
  check_refused "racelab_add_test(NAME t EXPECTS clean TARGET prog EXPECT clean)" "racelab_add_test(NAME t): unknown arguments: EXPECTS;clean"
  check_refused "racelab_add_test(TARGET prog EXPECT clean)" "racelab_add_test(): NAME is required"
  check_refused "find_package(racelab 999 REQUIRED)" "compatible with requested version \"999\""
fi
echo "example_pool $mode: 9 tests, the pool's race caught at pool.c:$line under tsan, helgrind and drd, suppressed clean, the fixed pool clean"
