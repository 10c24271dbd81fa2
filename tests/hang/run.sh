#!/bin/sh
# Regression tests of the hang check (issue 13) on small real programs: waits that end by
# themselves are `clean`, an undriven server and a FIFO reader are `timeout` with the reason,
# 1100 processes are all read, and a starved deadlock stays `deadlock`.
# usage: run.sh RACELAB NAME TSAN_BIN PLAIN_BIN
# exit status: 0 pass, 1 a verdict was wrong, 100 wrong usage.
[ $# -eq 4 ] || { echo "usage: run.sh RACELAB NAME TSAN_BIN PLAIN_BIN" >&2; exit 100; }
racelab=$1 name=$2 tsan=$3 plain=$4
out=$(mktemp) || exit 111
fails=0 pin='' dir=''
trap 'rm -f "$out"; [ -n "$dir" ] && rm -rf "$dir"' EXIT

# check TOOL EXPECT TEXT PROGRAM...: the verdict must pass, and TEXT (if any) be in it.
# $timeout is racelab's --timeout, $pin a command to run racelab under.
check() {
    tool=$1 expect=$2 text=$3
    shift 3
    if ! $pin "$racelab" run --tool "$tool" --timeout "${timeout:-5}" --no-backtrace \
        --expect "$expect" -- "$@" >"$out" 2>&1; then
        echo "FAIL: $name under $tool: expected $expect" >&2
        cat "$out" >&2
        fails=$((fails + 1))
    elif [ -n "$text" ] && ! grep -qF "$text" "$out"; then
        echo "FAIL: $name under $tool: no \"$text\" in the verdict" >&2
        cat "$out" >&2
        fails=$((fails + 1))
    else
        head -n 1 "$out"
    fi
}

case $name in
accept_server)
    timeout=2
    for tool in tsan helgrind drd; do
        bin=$plain
        [ $tool = tsan ] && bin=$tsan
        check $tool timeout "accept on a listening socket: waiting for a client" "$bin"
    done
    # Where each thread waits and its stack name a thread alike: the ids the program knows
    # in its PID namespace (the tools' logs' ids), not racelab's view of them.
    if "$racelab" run --tool tsan --timeout 2 --expect timeout -- "$tsan" >"$out" 2>&1; then
        waits=$(sed -n 's/^    \(pid [0-9]* thread [0-9]*\): state .*/\1/p' "$out" | sort)
        stacks=$(sed -n '/^  stacks /,$ s/^    \(pid [0-9]* thread [0-9]*\):.*/\1/p' "$out" | sort)
        if [ -z "$waits" ] || [ "$waits" != "$stacks" ]; then
            echo "FAIL: $name: the waits name other threads than the stacks" >&2
            cat "$out" >&2
            fails=$((fails + 1))
        else
            echo "waits and stacks name the same threads: $(echo "$waits" | tr '\n' ';')"
        fi
    else
        echo "FAIL: $name under tsan with stacks: expected timeout" >&2
        cat "$out" >&2
        fails=$((fails + 1))
    fi
    ;;
fifo_cat)
    # cat FIFO waits in open for a writer: only the outside world could bring one.
    timeout=2
    dir=$(mktemp -d) || exit 111
    mkfifo "$dir/fifo" || exit 111
    for tool in helgrind drd; do
        check $tool timeout "waiting for the other end of a FIFO" /bin/cat "$dir/fifo"
    done
    ;;
epoll_pwait2)
    # Valgrind 3.19 does not know system call 441 ("unhandled amd64-linux syscall"): TSan only.
    check tsan clean "" "$tsan"
    ;;
many_children)
    timeout=30 check tsan clean "" "$tsan"
    ;;
starved_deadlock)
    # One CPU shared with three busy loops: the program gets a quarter of it, so its 1 s of
    # work takes about 4 s of wall-clock time, past the 1.5 s timeout. Still `deadlock`.
    pids=
    for _ in 1 2 3; do
        taskset -c 0 sh -c 'while :; do :; done' &
        pids="$pids $!"
    done
    timeout=1.5 pin="taskset -c 0" check tsan deadlock "" "$tsan"
    # shellcheck disable=SC2086 # a list of pids
    kill $pids
    ;;
*)
    # A wait that ends by itself after 2 s: clean under every tool.
    for tool in tsan helgrind drd; do
        bin=$plain
        [ $tool = tsan ] && bin=$tsan
        check $tool clean "" "$bin"
    done
    ;;
esac
[ $fails -eq 0 ]
