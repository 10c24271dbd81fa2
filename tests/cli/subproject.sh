#!/usr/bin/env bash
# A host project that adds racelab with add_subdirectory() gets the racelab program and none
# of racelab's tests (and so needs neither cmocka nor the cases' compilers).
# Usage: subproject.sh SOURCE_DIR C_COMPILER
set -euo pipefail
source=$1 cc=$2
host=$(mktemp -d)
trap 'rm -rf "$host"' EXIT
cat >"$host/CMakeLists.txt" <<EOS
cmake_minimum_required(VERSION 3.20)
project(host LANGUAGES C)
enable_testing()
add_subdirectory("$source" racelab)
add_test(NAME host:own COMMAND racelab --version)
EOS
cmake -S "$host" -B "$host/build" -DCMAKE_C_COMPILER="$cc" >"$host/configure.log" 2>&1 ||
  { cat "$host/configure.log"; exit 1; }
cmake --build "$host/build" --target racelab -j2 >"$host/build.log" 2>&1 ||
  { cat "$host/build.log"; exit 1; }
tests=$(ctest --test-dir "$host/build" -N | sed -n 's/^Total Tests: //p')
[ "$tests" = 1 ] || { echo "subproject: the host has $tests tests, want only its own 1"; ctest --test-dir "$host/build" -N; exit 1; }
ctest --test-dir "$host/build" --output-on-failure >/dev/null ||
  { echo "subproject: the host's test of racelab --version failed"; exit 1; }
echo "subproject: add_subdirectory(racelab) gives the host racelab and no racelab tests"
