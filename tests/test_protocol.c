/* The run protocol's pure parts: --ready's grammar (every form, and every way to get it
 * wrong, each with the option named), and the /proc/net/tcp lines --ready listen reads
 * (captured here: a listening IPv4 socket, and an IPv6 listener with an established pair). */
#include "procinfo.h"
#include "protocol.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void ready_forms(void **state)
{
    (void)state;
    struct rl_ready r;
    char why[256], words[300];
    static const struct {
        const char *text, *words;
        enum rl_ready_how how;
    } good[] = {
        {"listen", "listen", RL_READY_LISTEN},
        {"listen:8080", "listen:8080", RL_READY_LISTEN},
        {"listen:1", "listen:1", RL_READY_LISTEN},
        {"listen:65535", "listen:65535", RL_READY_LISTEN},
        {"fd:3", "fd:3", RL_READY_FD},
        {"fd:255", "fd:255", RL_READY_FD},
        {"file:/run/x.ready", "file:/run/x.ready", RL_READY_FILE},
        {"file:rel/ready", "file:rel/ready", RL_READY_FILE},
        {"delay:0.5", "delay:0.5", RL_READY_DELAY},
        {"delay:3600", "delay:3600", RL_READY_DELAY},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(rl_ready_parse(good[i].text, &r, why, sizeof why), 0);
        assert_int_equal(r.how, good[i].how);
        rl_ready_format(&r, words, sizeof words);
        assert_string_equal(words, good[i].words);
    }
    assert_int_equal(rl_ready_parse("listen:8080", &r, why, sizeof why), 0);
    assert_int_equal(r.port, 8080);
    assert_int_equal(rl_ready_parse("fd:9", &r, why, sizeof why), 0);
    assert_int_equal(r.fd, 9);
}

static void ready_mistakes(void **state)
{
    (void)state;
    static const struct {
        const char *text, *said;
    } bad[] = {
        {"listen:0", "--ready listen:PORT takes a port from 1 to 65535, not '0'"},
        {"listen:65536", "not '65536'"},
        {"listen:", "not ''"},
        {"listen:80x", "not '80x'"},
        {"listen:-1", "not '-1'"},
        {"fd:2", "--ready fd:N takes a descriptor from 3 to 255"},
        {"fd:256", "not '256'"},
        {"fd:", "not ''"},
        {"fd:+4", "not '+4'"},
        {"fd", "--ready takes listen[:PORT], fd:N, file:PATH or delay:S, not 'fd'"},
        {"file:", "--ready file:PATH needs a path"},
        {"delay:0", "--ready delay:S takes seconds above 0 and at most 3600, not '0'"},
        {"delay:-1", "not '-1'"},
        {"delay:nan", "not 'nan'"},
        {"delay:inf", "not 'inf'"},
        {"delay:3601", "not '3601'"},
        {"delay:1s", "not '1s'"},
        {"", "not ''"},
        {"listening", "not 'listening'"},
        {"tcp:80", "not 'tcp:80'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct rl_ready r;
        char why[256] = "";
        assert_int_equal(rl_ready_parse(bad[i].text, &r, why, sizeof why), -1);
        if (!strstr(why, bad[i].said))
            fail_msg("--ready %s: said '%s', not '%s'", bad[i].text, why, bad[i].said);
    }
}

static void tcp_lines(void **state)
{
    (void)state;
    unsigned port = 0;
    unsigned long inode = 0;
    static const char header[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
                                 "tm->when retrnsmt   uid  timeout inode";
    static const char listen4[] = "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 "
                                  "00:00000000 00000000     0        0 117 1 0000000017fd9408 "
                                  "100 0 0 10 0";
    static const char listen6[] =
        "   0: 00000000000000000000000001000000:B081 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 5423953 1 000000004a52f551 100 "
        "0 0 10 0";
    static const char established6[] =
        "   1: 00000000000000000000000001000000:B081 00000000000000000000000001000000:8544 01 "
        "00000000:00000000 00:00000000 00000000     0        0 5423955 1 000000006f5f3c92 20 0 "
        "0 10 -1";
    assert_int_equal(rl_tcp_listen_parse(header, &port, &inode), 0);
    assert_int_equal(rl_tcp_listen_parse(listen4, &port, &inode), 1);
    assert_int_equal(port, 2024);
    assert_int_equal(inode, 117);
    assert_int_equal(rl_tcp_listen_parse(listen6, &port, &inode), 1);
    assert_int_equal(port, 0xB081);
    assert_int_equal(inode, 5423953);
    assert_int_equal(rl_tcp_listen_parse(established6, &port, &inode), 0);
    assert_int_equal(rl_tcp_listen_parse("", &port, &inode), 0);
    assert_int_equal(
        rl_tcp_listen_parse("   0: 00000000:ZZZZ 00000000:0000 0A 0 0 0 0 0 9", &port, &inode), 0);
    /* A listener whose inode is 0 has no socket to match to a process. */
    assert_int_equal(rl_tcp_listen_parse("   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 "
                                         "00:00000000 00000000     0        0 0 1",
                                         &port, &inode),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ready_forms),
        cmocka_unit_test(ready_mistakes),
        cmocka_unit_test(tcp_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
