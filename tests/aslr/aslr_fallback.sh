#!/usr/bin/env bash
# TSan where vm.mmap_rnd_bits cannot be lowered (issue 24): with the kernel's mmap
# randomisation raised to 32 bits, as on GitHub's and Ubuntu's runners, gcc 12's and clang 14's
# TSan runtimes die with "FATAL: ThreadSanitizer: unexpected memory mapping". racelab runs
# TSan programs with personality(ADDR_NO_RANDOMIZE), so each build still gets its case's
# verdict (a racy case and its clean twin); with the fallback off (RACELAB_KEEP_ASLR=1) the
# run fails with the one-line cause and the fix, and never as the program's failure.
# The old value is restored on every exit of this script. It writes a machine-wide sysctl:
# CTest runs it alone (RUN_SERIAL), and it holds the raised value only while racelab runs.
# Usage: aslr_fallback.sh RACELAB SOURCE_DIR
# Exit 77 (skipped) when /proc/sys/vm/mmap_rnd_bits cannot be written (not root, or a
# container without --privileged) or a compiler is missing.
set -euo pipefail
racelab=$1 source=$2
file=/proc/sys/vm/mmap_rnd_bits
old=$(cat "$file")
work=$(mktemp -d)
restore() {
  echo "$old" >"$file"
  rm -rf "$work"
}
fail() {
  echo "aslr_fallback: $*"
  exit 1
}
compilers=(gcc clang-14)
for cc in "${compilers[@]}"; do
  command -v "$cc" >/dev/null || { echo "aslr_fallback: no $cc (skipped)"; exit 77; }
  for name in counter_unlocked counter_mutex; do
    "$cc" -fsanitize=thread -g -O1 -pthread "$source/cases/race/$name.c" -o "$work/$name.$cc"
  done
done
[ -w "$file" ] || { echo "aslr_fallback: cannot write $file (skipped)"; exit 77; }
trap restore EXIT
trap 'exit 1' INT TERM HUP
echo 32 >"$file" 2>/dev/null || { echo "aslr_fallback: cannot raise $file to 32 (skipped)"; exit 77; }
[ "$(cat "$file")" = 32 ] || fail "$file reads $(cat "$file") after writing 32"

# Each racelab call is bounded, so that CTest's TIMEOUT (a kill no trap sees) never comes.
for cc in "${compilers[@]}"; do
  # Without racelab, the runtime dies: the fallback is what makes the verdicts below.
  if timeout 60 "$work/counter_mutex.$cc" >"$work/bare.log" 2>&1 ||
    ! grep -q 'unexpected memory mapping' "$work/bare.log"; then
    echo "aslr_fallback: note: $cc's TSan runs at vm.mmap_rnd_bits=32 without help:"
    cat "$work/bare.log"
  fi
  for name in counter_unlocked counter_mutex; do
    timeout 120 "$racelab" run --tool tsan --case "$source/cases/race/$name.c" \
      --bin "$work/$name.$cc" >"$work/run.log" 2>&1 ||
      { cat "$work/run.log"; fail "$cc: race/$name did not get its verdict at 32 bits"; }
    echo "aslr_fallback: $cc: $(head -n 1 "$work/run.log")"
  done
  # The runtime mostly says "unexpected memory mapping"; now and then it dies of SIGSEGV
  # before its first line (5 runs in 100 here), or the layout happens to fit and the program
  # gets its verdict (1 run in 40 under racelab). Each of twenty runs must be one of those: the
  # one line of cause and fix, or the case's own verdict.
  want="ThreadSanitizer cannot map its shadow memory \((unexpected memory mapping|SIGSEGV before its first line)\): vm.mmap_rnd_bits=32 is above 28, and RACELAB_KEEP_ASLR kept randomisation on; fix: sysctl -w vm.mmap_rnd_bits=28 \(ci/aslr\), or --security-opt seccomp=unconfined$"
  segv=0 fit=0
  for _ in $(seq 20); do
    set +e
    RACELAB_KEEP_ASLR=1 timeout 120 "$racelab" run --tool tsan --case \
      "$source/cases/race/counter_mutex.c" --bin "$work/counter_mutex.$cc" >"$work/keep.log" 2>&1
    status=$?
    set -e
    if [ "$status" = 0 ] && grep -q '^PASS tsan:race/counter_mutex ' "$work/keep.log"; then
      fit=$((fit + 1))
      continue
    fi
    [ "$status" = 1 ] || { cat "$work/keep.log"; fail "$cc without the fallback: exit $status, not 1"; }
    grep -qE "^  unclassified +racelab: $want" "$work/keep.log" || { cat "$work/keep.log"; fail "$cc: no cause and fix"; }
    grep -q '^  observed: unclassified$' "$work/keep.log" ||
      { cat "$work/keep.log"; fail "$cc: not only the tool's failure"; }
    [ "$(grep -c '^  unclassified ' "$work/keep.log")" = 1 ] ||
      { cat "$work/keep.log"; fail "$cc: more than the one line"; }
    ! grep -q SIGSEGV "$work/keep.log" || segv=$((segv + 1))
  done
  [ "$fit" -lt 20 ] || fail "$cc: 20 runs without the fallback and not one failed to map"
  echo "aslr_fallback: $cc without the fallback: 20 runs, $((20 - fit)) with the cause and the fix in one line ($segv of them SIGSEGV), $fit with a layout that fit"
done
echo "aslr_fallback: gcc and clang-14 TSan verdicts at vm.mmap_rnd_bits=32 through personality"
