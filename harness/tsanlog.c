/* The TSan log parser. A report looks like:
 *
 *   WARNING: ThreadSanitizer: data race (pid=1991)
 *     Read of size 4 at 0x... by thread T2:
 *       #0 w /tmp/r.c:4 (r_gcc+0x11cf)           gcc: file:line
 *       #0 w /tmp/r.c:4:65 (r_clang+0xd01a1) ... clang: file:line:col
 *   SUMMARY: ThreadSanitizer: data race /tmp/r.c:4 in w
 *
 * The headline decides the kind; SUMMARY differs between runtimes and is not used. */
#include "tsanlog.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char warning_prefix[] = "WARNING: ThreadSanitizer: ";
static const char long_cycle_text[] = "WARNING: too long mutex cycle found";
static const char fork_text[] = "starting new threads after multi-threaded fork is not supported";

void rl_tsan_init(struct rl_tsan_parser *p, const char *case_path, int pid, rl_report_sink sink,
                  void *ctx)
{
    memset(p, 0, sizeof *p);
    p->acc.reported = -1;
    p->case_path = case_path;
    p->pid = pid;
    p->sink = sink;
    p->ctx = ctx;
}

static void unaccounted(struct rl_tsan_parser *p, const char *line)
{
    p->acc.unaccounted++;
    if (!p->acc.other[0])
        snprintf(p->acc.other, sizeof p->acc.other, "%s", line);
}

static void flush(struct rl_tsan_parser *p)
{
    if (!p->open)
        return;
    p->open = 0;
    /* A race has two sides; a report without "Previous ..." lost the other one. */
    if (p->cur.kind == RL_KIND_DATA_RACE && p->cur.other == RL_OTHER_NONE)
        p->cur.other = RL_OTHER_NOT_RECORDED;
    if (p->cur.other == RL_OTHER_NOT_RECORDED)
        rl_excerpt_append(&p->cur.excerpt, "other access not recorded");
    p->sink(p->ctx, &p->cur);
    free(p->cur.excerpt);
    free(p->cur.suppression);
    memset(&p->cur, 0, sizeof p->cur);
}

static void start(struct rl_tsan_parser *p, const char *headline, enum rl_kind kind,
                  const char *line)
{
    flush(p);
    p->open = 1;
    p->next_side = -1;
    p->in_stack = p->sides = 0;
    p->previous[0] = '\0';
    p->cur.kind = kind;
    p->cur.pid = p->pid;
    snprintf(p->cur.tool_kind, sizeof p->cur.tool_kind, "tsan");
    snprintf(p->cur.headline, sizeof p->cur.headline, "%s", headline);
    rl_excerpt_append(&p->cur.excerpt, line);
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* "path:line" or "path:line:col": cuts tok down to the path and returns the line, or 0. */
static long split_location(char *tok)
{
    char *last = strrchr(tok, ':');
    if (!last || !all_digits(last + 1))
        return 0;
    *last = '\0';
    char *before = strrchr(tok, ':');
    if (before && all_digits(before + 1)) {
        *before = '\0';
        return strtol(before + 1, NULL, 10);
    }
    return strtol(last + 1, NULL, 10);
}

/* A line inside a report that is no frame: a blank ends a stack; any other introduces the
 * next one. "Previous write of size 4 ... by thread T1:" is the other side of a race;
 * "Mutex M1 acquired here while holding mutex M0 in thread T2:" is an edge of a lock cycle,
 * the second one the other side. What else introduces a stack ("Location is heap block",
 * "Mutex M0 (0x...) created at:", "Thread T1 ... created by main thread at:") is no side,
 * unless it is the report's first stack (a thread leak has only its creation). The
 * "Previous ..." stack is also the race's other side (rl_report.other_stack); in its place
 * "[failed to restore the stack]" means TSan's history no longer held it (history_size). */
static void stack_intro(struct rl_tsan_parser *p, const char *s)
{
    p->in_stack = 0;
    if (!*s)
        return;
    if (p->previous[0] && strstr(s, "[failed to restore the stack]")) {
        p->cur.other = RL_OTHER_NOT_RECORDED;
        p->cur.other_stack[0] = '\0';
    }
    p->previous[0] = '\0';
    if (strncmp(s, "Previous ", 9) == 0) {
        p->next_side = 1;
        snprintf(p->previous, sizeof p->previous, "%s", s);
    } else if (strstr(s, " acquired here while holding ")) {
        p->next_side = p->sides & 1 ? 1 : 0;
    } else {
        p->next_side = -1;
    }
}

/* A stack begins: which side is it? */
static void stack_start(struct rl_tsan_parser *p)
{
    int side = p->next_side;
    if (side < 0)
        side = p->sides & 1 ? -1 : 0;
    if (side >= 0 && (p->sides & (1 << side)))
        side = -1;
    if (side >= 0)
        p->sides |= 1 << side;
    p->cur.side = side;
    p->in_stack = 1;
    p->next_side = -1;
    if (side == 1 && p->previous[0])
        rl_report_other_stack(&p->cur, p->previous);
    p->previous[0] = '\0';
}

/* "#3 fn path/file.c:12:5 (module+0x1f)": the first path:line token after the number; the
 * function is the token right after it. */
static void frame(struct rl_tsan_parser *p, const char *s)
{
    if (!p->in_stack || strncmp(s, "#0 ", 3) == 0)
        stack_start(p);
    char at[300];
    snprintf(at, sizeof at, "   at %.290s", s);
    rl_report_other_frame(&p->cur, at);
    /* A copy of the whole line: a fixed buffer would cut a long frame's path:line token
     * ("x.c:123" read as "x.c:1"). */
    char *buf = strdup(s);
    if (!buf)
        return;
    char *save = NULL, fn[256] = "";
    strtok_r(buf, " \t", &save); /* "#N" */
    char *first = strtok_r(NULL, " \t", &save);
    if (first)
        snprintf(fn, sizeof fn, "%s", first);
    for (char *tok = first; tok; tok = strtok_r(NULL, " \t", &save)) {
        if (tok[0] == '(')
            break;
        long line = split_location(tok);
        if (line > 0 && line <= INT_MAX) { /* past INT_MAX, (int) would wrap to another line */
            rl_report_add_frame_fn(&p->cur, tok, (int)line, tok == first ? NULL : fn, p->case_path);
            break;
        }
    }
    free(buf);
}

/* "==123==ABORTING", exactly. */
static int aborting(const char *line)
{
    int pid, end = 0;
    return sscanf(line, "==%d==ABORTING%n", &pid, &end) == 1 && end && !line[end];
}

/* The harmless list: what a log holds outside its reports when all went well. Each entry
 * has a test (tests/test_tsanlog.c, harmless_lines):
 *   - an empty line, and the rule of '=' TSan draws around each report;
 *   - the module map, "Process memory map follows:" to "End of process memory map."
 *     (print_module_map=1: the proof that the process ran to its exit);
 *   - TSan's own count, "ThreadSanitizer: reported N warnings";
 *   - the suppressions that matched, "ThreadSanitizer: Matched N suppressions (pid=N):" and
 *     one "COUNT TYPE:PATTERN" line each, to an empty line (print_suppressions, on by
 *     default, when a suppressions file hid a report);
 *   - die_after_fork=0's "Continuing because of die_after_fork=0" (rl_tsan_line);
 *   - "==PID==ABORTING", the last line of a fatal report's process (a deadly signal: TSan
 *     ends the process itself).
 * Anything else is kept as the first unaccounted line: the run fails with it as the cause
 * (tool_tsan.c), so no line TSan writes is ever dropped unread. */
static void account(struct rl_tsan_parser *p, const char *line)
{
    long n;
    char tail[16];
    if (p->in_map) {
        p->in_map = !strstr(line, "End of process memory map.");
        p->acc.map_end |= !p->in_map;
    } else if (p->in_suppressions) {
        char type[64];
        p->in_suppressions = line[0] != '\0';
        if (p->in_suppressions && sscanf(line, "%ld %63[^:]:", &n, type) != 2)
            unaccounted(p, line);
    } else if (strstr(line, "Process memory map follows:")) {
        p->in_map = 1;
    } else if (sscanf(line, "ThreadSanitizer: reported %ld warning%15s", &n, tail) == 2) {
        p->acc.reported = n;
    } else if (strstr(line, "ThreadSanitizer: Matched ") == line &&
               strstr(line, " suppressions (pid=")) {
        p->in_suppressions = 1;
    } else if (p->acc.fatal && aborting(line)) {
        /* (the fatal report said it all) */
    } else if (strspn(line, "=") != strlen(line)) {
        unaccounted(p, line);
    }
}

void rl_tsan_line(struct rl_tsan_parser *p, const char *line)
{
    const char *w = strstr(line, warning_prefix);
    if (w == line) {
        p->acc.reports++;
        char headline[256];
        snprintf(headline, sizeof headline, "%s", line + sizeof warning_prefix - 1);
        char *pid = strstr(headline, " (pid=");
        if (pid)
            *pid = '\0';
        start(p, headline, rl_kind_from_tsan(headline), line);
        return;
    }
    /* The deadlock detector found a lock cycle too long to print: a warning without a report
     * block (and not in "reported N warnings"), one line, never silently dropped. */
    if (strcmp(line, long_cycle_text) == 0) {
        start(p, long_cycle_text + sizeof "WARNING: " - 1,
              rl_kind_from_tsan(long_cycle_text + sizeof "WARNING: " - 1), line);
        flush(p);
        return;
    }
    /* With die_after_fork=0 the same words only inform: the child goes on. */
    if (strstr(line, "ThreadSanitizer: ") && strstr(line, fork_text) &&
        strstr(line, "Continuing because of die_after_fork=0")) {
        flush(p);
        return;
    }
    if (strstr(line, "ThreadSanitizer: ") && strstr(line, fork_text)) {
        p->acc.fatal = 1; /* "Dying (set die_after_fork=0 to override)" */
        start(p, fork_text, RL_KIND_FORK_THREADS, line);
        flush(p);
        return;
    }
    /* "==123==ERROR: ThreadSanitizer: SEGV on unknown address 0x0 (pc ...)" */
    const char *e = strstr(line, "ERROR: ThreadSanitizer: ");
    if (e) {
        char headline[256];
        snprintf(headline, sizeof headline, "%s", e + 24);
        /* Cut at the address, or at "(pc ...)" where there is none: whichever comes first
         * (the pc is an address too). */
        char *cut = strstr(headline, " 0x"), *paren = strstr(headline, " (");
        if (!cut || (paren && paren < cut))
            cut = paren;
        if (cut)
            *cut = '\0';
        p->acc.fatal = 1;
        start(p, headline, rl_kind_from_tsan(headline), line);
        return;
    }
    /* The runtime itself failed ("FATAL: ThreadSanitizer: unexpected memory mapping", or clang
     * 14's "ThreadSanitizer: CHECK failed: sanitizer_thread_registry.cpp:348" when a thread is
     * joined twice, after which it exits with exitcode, 0 here), or did not understand
     * TSAN_OPTIONS: never a verdict about the program. */
    if (strstr(line, "FATAL: ThreadSanitizer") || strstr(line, "unrecognized flag") ||
        strstr(line, "ThreadSanitizer: CHECK failed")) {
        start(p, line, RL_KIND_UNCLASSIFIED, line);
        flush(p);
        return;
    }
    /* A report ends at its SUMMARY line, or (print_summary=0) at the rule TSan draws after
     * it, or where the module map begins. */
    if (p->open && (strstr(line, "Process memory map follows:") ||
                    (line[0] == '=' && strspn(line, "=") == strlen(line))))
        flush(p);
    if (!p->open) {
        account(p, line);
        return;
    }
    if (strncmp(line, "SUMMARY: ThreadSanitizer", 24) == 0) {
        rl_excerpt_append(&p->cur.excerpt, line);
        flush(p);
        return;
    }
    rl_excerpt_append(&p->cur.excerpt, line);
    const char *s = line;
    while (*s == ' ')
        s++;
    if (s[0] == '#' && isdigit((unsigned char)s[1]))
        frame(p, s);
    else
        stack_intro(p, s);
}

void rl_tsan_finish(struct rl_tsan_parser *p)
{
    flush(p);
}

/* Reads one line into buf (at most size - 1 bytes; the rest of a longer line is dropped),
 * without its '\n'. Returns 0 at the end of the file. A NUL byte inside a line ends what
 * the parser sees of that line (a C string) and nothing else: fgets could not tell such a
 * line from an over-long one, and dropped the next line as its "rest". */
static int read_line(FILE *f, char *buf, size_t size)
{
    size_t n = 0;
    int c, any = 0;
    while ((c = getc_unlocked(f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (n < size - 1)
            buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return any;
}

int rl_tsan_parse_file(const char *path, const char *case_path, int pid, rl_report_sink sink,
                       void *ctx, struct rl_tsan_accounts *acc)
{
    FILE *f = rl_log_open(path);
    if (!f)
        return -1;
    struct rl_tsan_parser p;
    rl_tsan_init(&p, case_path, pid, sink, ctx);
    char line[4096];
    while (read_line(f, line, sizeof line))
        rl_tsan_line(&p, line);
    rl_tsan_finish(&p);
    fclose(f);
    if (acc)
        *acc = p.acc;
    return 0;
}
