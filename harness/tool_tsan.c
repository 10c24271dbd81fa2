/* ThreadSanitizer: the program is its own tool (built with -fsanitize=thread). Every process
 * writes its reports to log_path.<pid>; the program's exit status is never overridden. */
#include "tool.h"
#include "tsanlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The compiler that built the binary, from its .comment section ("clang version 14.0.6",
 * "GCC: (Debian 12.2.0-14) 12.2.0"); clang binaries carry GCC's line too, from crt files. */
static void compiler_of(const char *bin, char *out, size_t size)
{
    FILE *f = fopen(bin, "rb");
    snprintf(out, size, "unknown compiler");
    if (!f)
        return;
    static char buf[1 << 20];
    char gcc[64] = "", clang[64] = "";
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        const char *v = memmem(buf, n, "clang version ", 14);
        if (!clang[0] && v)
            snprintf(clang, sizeof clang, "clang %.*s", (int)strcspn(v + 14, " "), v + 14);
        v = memmem(buf, n, "GCC: (", 6);
        const char *space = v ? strrchr(v, ' ') : NULL;
        if (!gcc[0] && space)
            snprintf(gcc, sizeof gcc, "gcc %.40s", space + 1);
    }
    fclose(f);
    if (clang[0]) {
        snprintf(out, size, "%s", clang);
    } else if (gcc[0]) {
        snprintf(out, size, "%s", gcc);
    }
}

/* clang's runtime symbolizes with the llvm-symbolizer of its own release; Debian keeps the
 * newer ones under /usr/lib/llvm-N/bin, outside PATH. Found by probe, used by command. */
static char symbolizer[256];

static int probe(char *const *program, char *version, size_t size, char *why, size_t whysize)
{
    char bin[4096];
    int rc = rl_tool_check_build(program, 1, "--tool tsan", bin, sizeof bin, why, whysize);
    if (rc)
        return rc;
    char compiler[96];
    compiler_of(bin, compiler, sizeof compiler);
    snprintf(version, size, "ThreadSanitizer (%s)", compiler);
    symbolizer[0] = '\0';
    int major;
    if (sscanf(compiler, "clang %d", &major) == 1) {
        char path[128];
        snprintf(path, sizeof path, "/usr/lib/llvm-%d/bin/llvm-symbolizer", major);
        if (access(path, X_OK) == 0)
            snprintf(symbolizer, sizeof symbolizer, "external_symbolizer_path=%s ", path);
    }
    return 0;
}

static int command(const struct rl_tool_run *tr, struct rl_strv *argv, struct rl_strv *env)
{
    for (char *const *a = tr->program; *a; a++)
        if (rl_strv_addf(argv, "%s", *a) < 0)
            return -1;
    /* The caller's options first, so that ours win where they overlap: reports must go to
     * files, and the exit status must stay the program's. TSan reports an option it does
     * not know only at verbosity 1 or more, so an inherited TSAN_OPTIONS is checked that way
     * (the caller can still set verbosity=0). */
    const char *inherited = rl_strv_getenv(env, "TSAN_OPTIONS");
    int checked = inherited && *inherited;
    char *options = NULL;
    if (asprintf(&options,
                 "%s%s%s%slog_path=%s/tsan exitcode=0 atexit_sleep_ms=0 second_deadlock_stack=1",
                 symbolizer, checked ? "verbosity=1 " : "", checked ? inherited : "",
                 checked ? " " : "", tr->dir) < 0)
        return -1;
    int rc = rl_strv_setenv(env, "TSAN_OPTIONS", options);
    free(options);
    return rc;
}

static int collect(const struct rl_tool_run *tr, struct rl_reports *rs)
{
    int pids[1024];
    int n = rl_tool_logs(tr->dir, "tsan.", "", pids, 1024);
    for (int i = 0; i < n; i++) {
        char path[4200];
        if (rl_fmt(path, sizeof path, "%s/tsan.%d", tr->dir, pids[i]) < 0 ||
            rl_tsan_parse_file(path, tr->case_path, pids[i], rl_tool_sink, rs) < 0)
            rl_tool_failure(rs, "cannot read %s: %s", path, strerror(errno));
    }
    /* Flag problems are printed before log_path applies: they land on stderr. */
    char err[4200];
    if (rl_fmt(err, sizeof err, "%s/stderr", tr->dir) < 0) {
        rl_tool_failure(rs, "cannot read the program's stderr: %s", strerror(errno));
        return 0;
    }
    if (rl_file_contains(err, "unrecognized flag(s)"))
        rl_tool_failure(rs, "TSAN_OPTIONS holds an option ThreadSanitizer does not know (listed "
                            "on the program's stderr)");
    if (rl_file_contains(err, "FATAL: ThreadSanitizer"))
        rl_tool_failure(rs, "ThreadSanitizer failed to start (FATAL on the program's stderr)");
    if (rl_file_contains(err, "ThreadSanitizer: CHECK failed"))
        rl_tool_failure(rs, "ThreadSanitizer failed its own check (CHECK failed on the "
                            "program's stderr)");
    return 0;
}

const struct rl_tool rl_tool_tsan = {RL_TOOL_TSAN, probe, command, collect};
