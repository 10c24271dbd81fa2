/* The tool table and what the tool modules share. */
#include "tool.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct rl_tool *const tools[] = {
    [RL_TOOL_TSAN] = &rl_tool_tsan,
    [RL_TOOL_HELGRIND] = &rl_tool_helgrind,
    [RL_TOOL_DRD] = &rl_tool_drd,
    [RL_TOOL_DAEMON] = &rl_tool_daemon,
};
_Static_assert(sizeof tools / sizeof tools[0] == RL_TOOL_COUNT, "one module per tool");

const struct rl_tool *rl_tool_get(enum rl_tool_id id)
{
    return (unsigned)id < RL_TOOL_COUNT ? tools[id] : NULL;
}

static int by_pid(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int rl_tool_logs(const char *dir, const char *prefix, const char *suffix, int *pids, int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t plen = strlen(prefix), slen = strlen(suffix);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len <= plen + slen || strncmp(e->d_name, prefix, plen) != 0 ||
            strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + plen, &end, 10);
        if (end != e->d_name + len - slen || pid <= 0)
            continue;
        pids[n++] = (int)pid;
    }
    closedir(d);
    qsort(pids, (size_t)n, sizeof pids[0], by_pid);
    return n;
}

void rl_tool_sink(void *reports, struct rl_report *r)
{
    rl_reports_add(reports, r);
}

void rl_tool_failure(struct rl_reports *rs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_reports_vaddf(rs, RL_KIND_UNCLASSIFIED, "racelab", fmt, ap);
    va_end(ap);
}

int rl_file_contains(const char *path, const char *needle)
{
    return rl_file_contains_bytes(path, needle, strlen(needle));
}

/* Whether "==N==" starts the line with N a pid of the run (the started process or one that
 * ended during it). */
static int tool_pid_prefix(const struct rl_tool_run *tr, const char *line)
{
    char *end;
    if (strncmp(line, "==", 2) != 0 || line[2] < '0' || line[2] > '9')
        return 0;
    long pid = strtol(line + 2, &end, 10);
    if (strncmp(end, "==", 2) != 0)
        return 0;
    if (pid == tr->main_pid)
        return 1;
    for (size_t i = 0; i < tr->nexits; i++)
        if (tr->exits[i].pid == pid)
            return 1;
    return 0;
}

int rl_tool_check_stderr(const struct rl_tool_run *tr, struct rl_reports *rs, const char *expected)
{
    char path[4200], line[1024];
    if (rl_fmt(path, sizeof path, "%s/stderr", tr->dir) < 0)
        return 0;
    FILE *f = rl_log_open(path);
    if (!f)
        return 0; /* no stderr file: the program wrote nothing */
    unsigned long n = 0;
    char first[256] = "";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if ((!tool_pid_prefix(tr, line) && !strstr(line, "ThreadSanitizer") &&
             !strstr(line, "valgrind:")) ||
            (expected && strcmp(line, expected) == 0))
            continue;
        if (!n++)
            snprintf(first, sizeof first, "%.200s", line);
    }
    fclose(f);
    if (n)
        rl_tool_failure(rs,
                        "the program's stderr has %lu line(s) of the tool's own, which goes to "
                        "its log here: the first: %s",
                        n, first);
    return n > 0;
}

int rl_tool_failed(const struct rl_reports *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].kind == RL_KIND_UNCLASSIFIED && strcmp(rs->v[i].tool_kind, "racelab") == 0)
            return 1;
    return 0;
}

void rl_tool_check_writers(const struct rl_tool_run *tr, const char *log, int pid,
                           struct rl_reports *rs)
{
    if (!tr->watch)
        return;
    if (tr->watch->overflow)
        rl_tool_failure(rs,
                        "racelab missed opens of the logs (the inotify queue overflowed): "
                        "it cannot tell whether an exec truncated %s",
                        log);
    else if (rl_logwatch_opens(tr->watch, log) > 1)
        rl_tool_failure(rs,
                        "%s was opened %u times: pid %d exec'd, and its new image truncated the "
                        "reports of the old one",
                        log, rl_logwatch_opens(tr->watch, log), pid);
}

const struct rl_exit *rl_tool_exit_of(const struct rl_tool_run *tr, pid_t pid)
{
    for (size_t i = 0; i < tr->nexits; i++)
        if (tr->exits[i].pid == pid)
            return &tr->exits[i];
    return NULL;
}

int rl_file_contains_bytes(const char *path, const void *needle, size_t nlen)
{
    FILE *f = fopen(path, "rb");
    if (!f || nlen == 0 || nlen > 256) {
        if (f)
            fclose(f);
        return 0;
    }
    char buf[65536 + 256];
    size_t keep = 0, n;
    int found = 0;
    while (!found && (n = fread(buf + keep, 1, 65536, f)) > 0) {
        size_t len = keep + n;
        found = memmem(buf, len, needle, nlen) != NULL;
        keep = len < nlen - 1 ? len : nlen - 1;
        memmove(buf, buf + len - keep, keep);
    }
    fclose(f);
    return found;
}

int rl_which(const char *name, char *out, size_t size)
{
    if (strchr(name, '/')) {
        if (rl_fmt(out, size, "%s", name) < 0)
            return -1;
        return access(name, X_OK);
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        /* An entry too long for out is skipped: a cut path would name another file. */
        if (len && rl_fmt(out, size, "%.*s/%s", (int)len, path, name) == 0 &&
            access(out, X_OK) == 0)
            return 0;
        path += len + (path[len] == ':');
    }
    out[0] = '\0';
    return -1;
}

int rl_is_script(const char *path)
{
    char magic[2];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    ssize_t n = fd < 0 ? -1 : read(fd, magic, sizeof magic);
    if (fd >= 0)
        close(fd);
    return n == 2 && magic[0] == '#' && magic[1] == '!';
}

int rl_tool_check_build(char *const *program, int want_tsan, const char *runner, char *bin,
                        size_t binsize, char *why, size_t whysize)
{
    if (rl_which(program[0], bin, binsize) != 0) {
        snprintf(why, whysize, "%s: %s", program[0],
                 strlen(program[0]) >= binsize ? "path too long" : "no such executable");
        return RL_EXIT_USAGE;
    }
    /* A wrapper script's build is the build of the programs it starts: known only in the
     * run (TSan's collect requires a log of one of them). */
    if (rl_is_script(bin))
        return 0;
    int tsan = rl_file_contains(bin, "__tsan_init");
    if (want_tsan && !tsan) {
        snprintf(why, whysize, "%s is not built with -fsanitize=thread; build it so for %s", bin,
                 runner);
        return RL_EXIT_USAGE;
    }
    if (!want_tsan && tsan) {
        snprintf(why, whysize, "%s is built with -fsanitize=thread: %s needs the plain build", bin,
                 runner);
        return RL_EXIT_USAGE;
    }
    return 0;
}

void rl_tool_stacks(const struct rl_tool *tool, const char *dir, struct rl_run *run,
                    const pid_t *pids, int n, struct rl_stacks *s)
{
    /* A process costs 0.1-0.3 s: a run of hundreds would delay its verdict by minutes. */
    if (n > RL_STACKS_PROCS) {
        rl_stacks_error(s, "stacks of the first %d of %d processes only", RL_STACKS_PROCS, n);
        n = RL_STACKS_PROCS;
    }
    if (tool->stacks) {
        s->source = "vgdb";
        tool->stacks(dir, run, pids, n, s);
        return;
    }
    s->source = "libdw";
    char gdb[4096];
    int have_gdb = rl_which("gdb", gdb, sizeof gdb) == 0;
    for (int i = 0; i < n; i++) {
        pid_t inner = rl_run_inner_pid(run, pids[i]);
        if (inner <= 0)
            continue; /* gone meanwhile */
        /* gdb only where libdw gave nothing: it takes 0.4-0.6 s a process, libdw 0.1 s. */
        if (rl_stacks_libdw(pids[i], (int)inner, s) < 0 && have_gdb &&
            rl_stacks_gdb(pids[i], (int)inner, s) == 0)
            s->source = "libdw, gdb";
    }
}
