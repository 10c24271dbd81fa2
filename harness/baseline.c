/* See baseline.h. */
#include "baseline.h"
#include "strv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* "-", or file:line:function: a file, a line number from 1, a function, no blank. */
static int frame_ok(const char *f)
{
    if (strcmp(f, "-") == 0)
        return 1;
    for (const char *c = strchr(f, ':'); c; c = strchr(c + 1, ':')) {
        size_t digits = strspn(c + 1, "0123456789");
        if (c > f && digits && c[1] != '0' && c[1 + digits] == ':' && c[2 + digits])
            return 1;
    }
    return 0;
}

static int same(const char *a0, const char *a1, const char *b0, const char *b1)
{
    return (strcmp(a0, b0) == 0 && strcmp(a1, b1) == 0) ||
           (strcmp(a0, b1) == 0 && strcmp(a1, b0) == 0);
}

static struct rl_baseline_entry *find(struct rl_baseline *b, enum rl_tool_id tool,
                                      enum rl_kind kind, const char *f0, const char *f1)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].tool == tool && b->v[i].kind == kind &&
            same(b->v[i].frame[0], b->v[i].frame[1], f0, f1))
            return &b->v[i];
    return NULL;
}

/* Adds an entry; the sides in a fixed order (a frame before none, then by name), since the
 * order a tool gives them in changes between runs. */
static int add(struct rl_baseline *b, enum rl_tool_id tool, enum rl_kind kind, const char *f0,
               const char *f1, int line)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct rl_baseline_entry *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -1;
        b->v = v;
        b->cap = cap;
    }
    struct rl_baseline_entry *e = &b->v[b->n++];
    memset(e, 0, sizeof *e);
    e->tool = tool;
    e->kind = kind;
    e->line = line;
    int swap = (!*f0 && *f1) || (*f0 && *f1 && strcmp(f1, f0) < 0);
    snprintf(e->frame[0], sizeof e->frame[0], "%s", swap ? f1 : f0);
    snprintf(e->frame[1], sizeof e->frame[1], "%s", swap ? f0 : f1);
    return 0;
}

static void parse_line(struct rl_baseline *b, struct rl_errors *e, int lineno, char *text)
{
    char *field[5];
    int n = 0;
    for (char *save = NULL, *t = strtok_r(text, " \t", &save); t && n < 5;
         t = strtok_r(NULL, " \t", &save))
        field[n++] = t;
    if (n != 4) {
        rl_errors_add(e, lineno, "expected 'KIND TOOL FRAME OTHER' (4 fields), found %s%d",
                      n == 5 ? "more than " : "", n == 5 ? 4 : n);
        return;
    }
    int kind = rl_kind_from_name(field[0]), tool = rl_tool_from_name(field[1]), bad = 0;
    if (kind < 0) {
        rl_errors_add(e, lineno, "unknown kind '%s' (racelab kinds lists them)", field[0]);
        bad = 1;
    } else if (kind == RL_KIND_UNCLASSIFIED) {
        rl_errors_add(e, lineno, "'unclassified' is a failure of the tool, never a known report");
        bad = 1;
    }
    if (tool < 0) {
        char tools[256];
        rl_tool_list(tools, sizeof tools);
        rl_errors_add(e, lineno, "unknown tool '%s' (tools: %s)", field[1], tools);
        bad = 1;
    } else if (!bad && !(rl_tool_kinds((enum rl_tool_id)tool) & RL_KINDSET(kind))) {
        rl_errors_add(e, lineno, "%s never reports '%s'", field[1], field[0]);
        bad = 1;
    }
    for (int i = 2; i < 4; i++) {
        if (!frame_ok(field[i]) || strlen(field[i]) >= sizeof b->v[0].frame[0]) {
            rl_errors_add(e, lineno, "'%s' is not a frame: write file:line:function, or - for none",
                          field[i]);
            bad = 1;
        }
    }
    if (bad)
        return;
    const char *f0 = strcmp(field[2], "-") == 0 ? "" : field[2];
    const char *f1 = strcmp(field[3], "-") == 0 ? "" : field[3];
    const struct rl_baseline_entry *dup =
        find(b, (enum rl_tool_id)tool, (enum rl_kind)kind, f0, f1);
    if (dup)
        rl_errors_add(e, lineno, "the same report as line %d", dup->line);
    else if (add(b, (enum rl_tool_id)tool, (enum rl_kind)kind, f0, f1, lineno) < 0)
        rl_errors_add(e, lineno, "out of memory");
}

int rl_baseline_parse(const char *path, const char *text, size_t len, struct rl_baseline *b,
                      char *err, size_t errsize)
{
    memset(b, 0, sizeof *b);
    err[0] = '\0';
    struct rl_errors e = {path, err, errsize, 0, 0};
    int lineno = 0;
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        char line[1024];
        if (end - i >= sizeof line) {
            rl_errors_add(&e, lineno, "line longer than %zu bytes", sizeof line - 1);
        } else if (memchr(text + i, '\0', end - i)) {
            rl_errors_add(&e, lineno, "a NUL byte: not a baseline");
        } else {
            memcpy(line, text + i, end - i);
            line[end - i] = '\0';
            char *s = line + strspn(line, " \t\r");
            size_t n = strlen(s);
            while (n > 0 && isspace((unsigned char)s[n - 1]))
                s[--n] = '\0';
            if (*s && *s != '#')
                parse_line(b, &e, lineno, s);
        }
        i = end + 1;
    }
    if (rl_errors_end(&e)) {
        rl_baseline_free(b);
        return -1;
    }
    return 0;
}

int rl_baseline_read(const char *path, struct rl_baseline *b, char *err, size_t errsize)
{
    memset(b, 0, sizeof *b);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsize, "%s: cannot read the baseline: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *grown = len + n > cap && len + n <= 64u << 20 ? realloc(text, (len + n) * 2) : text;
        if (!grown || len + n > 64u << 20) {
            fclose(f);
            free(text);
            snprintf(err, errsize, "%s: %s", path,
                     grown ? "a baseline larger than 64 MiB" : "out of memory");
            return -1;
        }
        if (len + n > cap)
            cap = (len + n) * 2;
        text = grown;
        memcpy(text + len, chunk, n);
        len += n;
    }
    int failed = ferror(f);
    fclose(f);
    int rc = failed ? (snprintf(err, errsize, "%s: cannot read the baseline", path), -1)
                    : rl_baseline_parse(path, text ? text : "", len, b, err, errsize);
    free(text);
    return rc;
}

void rl_baseline_free(struct rl_baseline *b)
{
    free(b->v);
    memset(b, 0, sizeof *b);
}

int rl_baseline_add(struct rl_baseline *b, enum rl_tool_id tool, const struct rl_reports *rs,
                    rl_kindset harness)
{
    for (size_t i = 0; i < rs->n; i++) {
        const struct rl_report *r = &rs->v[i];
        if (r->kind != RL_KIND_UNCLASSIFIED && !find(b, tool, r->kind, r->frame[0], r->frame[1]) &&
            add(b, tool, r->kind, r->frame[0], r->frame[1], 0) < 0)
            return -1;
    }
    for (int k = 0; k < RL_KIND_COUNT; k++)
        if ((harness & RL_KINDSET(k)) && k != RL_KIND_UNCLASSIFIED &&
            !find(b, tool, (enum rl_kind)k, "", "") && add(b, tool, (enum rl_kind)k, "", "", 0) < 0)
            return -1;
    return 0;
}

static int by_entry(const void *x, const void *y)
{
    const struct rl_baseline_entry *a = x, *b = y;
    int c = strcmp(rl_kind_name(a->kind), rl_kind_name(b->kind));
    if (!c)
        c = strcmp(rl_tool_name(a->tool), rl_tool_name(b->tool));
    if (!c)
        c = strcmp(a->frame[0], b->frame[0]);
    return c ? c : strcmp(a->frame[1], b->frame[1]);
}

static const char *or_dash(const char *frame)
{
    return *frame ? frame : "-";
}

int rl_baseline_write(FILE *out, const struct rl_baseline *b)
{
    struct rl_baseline_entry *v = b->n ? malloc(b->n * sizeof *v) : NULL;
    if (b->n && !v)
        return -1;
    if (b->n) {
        memcpy(v, b->v, b->n * sizeof *v);
        qsort(v, b->n, sizeof *v, by_entry);
    }
    fputs("# racelab baseline: the reports known today. racelab run --baseline FILE fails only\n"
          "# on a report that no line here matches, and lists the lines no report matched.\n"
          "# KIND TOOL FRAME OTHER: FRAME and OTHER are the report's two sides (in either order),\n"
          "# each its innermost frame in the program's own code, file:line:function, or - .\n",
          out);
    for (size_t i = 0; i < b->n; i++)
        fprintf(out, "%s %s %s %s\n", rl_kind_name(v[i].kind), rl_tool_name(v[i].tool),
                or_dash(v[i].frame[0]), or_dash(v[i].frame[1]));
    free(v);
    return ferror(out) ? -1 : 0;
}

/* The tool's words, on one line of printable bytes. */
static void words(FILE *out, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

int rl_baseline_check(struct rl_baseline *b, enum rl_tool_id tool, const struct rl_reports *rs,
                      rl_kindset harness, FILE *out)
{
    int fresh = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rl_report *r = &rs->v[i];
        struct rl_baseline_entry *e = r->kind == RL_KIND_UNCLASSIFIED
                                          ? NULL
                                          : find(b, tool, r->kind, r->frame[0], r->frame[1]);
        if (e) {
            e->seen = 1;
            continue;
        }
        fresh++;
        if (!out)
            continue;
        fprintf(out, "  new: %s %s %s %s (", rl_kind_name(r->kind), rl_tool_name(tool),
                or_dash(r->frame[0]), or_dash(r->frame[1]));
        words(out, r->headline);
        fputs(r->kind == RL_KIND_UNCLASSIFIED ? "; a failure of the tool: never baselined)\n"
                                              : ")\n",
              out);
    }
    for (int k = 0; k < RL_KIND_COUNT; k++) {
        if (!(harness & RL_KINDSET(k)))
            continue;
        struct rl_baseline_entry *e = find(b, tool, (enum rl_kind)k, "", "");
        if (e) {
            e->seen = 1;
            continue;
        }
        fresh++;
        if (out)
            fprintf(out, "  new: %s %s - - (seen by racelab)\n", rl_kind_name((enum rl_kind)k),
                    rl_tool_name(tool));
    }
    /* Reports past the group limit were counted, not kept: nothing can match them. */
    if (rs->dropped) {
        fresh++;
        if (out)
            fprintf(out,
                    "  new: %lu reports past the limit of %d groups, which cannot be checked\n",
                    rs->dropped, RL_REPORTS_MAX_GROUPS);
    }
    return fresh;
}

int rl_baseline_fixed(const struct rl_baseline *b, enum rl_tool_id tool, const char *path,
                      FILE *out)
{
    int n = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct rl_baseline_entry *e = &b->v[i];
        if (e->tool != tool || e->seen)
            continue;
        n++;
        if (out)
            fprintf(out, "  fixed: remove from the baseline: %s:%d: %s %s %s %s\n", path, e->line,
                    rl_kind_name(e->kind), rl_tool_name(e->tool), or_dash(e->frame[0]),
                    or_dash(e->frame[1]));
    }
    return n;
}

/* TSan's suppression type for a kind, NULL when it has none. */
static const char *tsan_type(enum rl_kind kind)
{
    switch (kind) {
    case RL_KIND_DATA_RACE:
    case RL_KIND_USE_AFTER_FREE:
        return "race";
    case RL_KIND_THREAD_LEAK:
        return "thread";
    case RL_KIND_LOCK_ORDER:
        return "deadlock";
    case RL_KIND_BAD_UNLOCK:
    case RL_KIND_DOUBLE_LOCK:
    case RL_KIND_DESTROY_LOCKED:
    case RL_KIND_INVALID_MUTEX:
    case RL_KIND_SYNC_MISUSE:
        return "mutex";
    case RL_KIND_SIGNAL_UNSAFE:
        return "signal";
    default:
        return NULL;
    }
}

/* The function of a frame "file:line:function". */
static const char *function_of(const char *frame)
{
    const char *c = strchr(frame, ':');
    c = c ? strchr(c + 1, ':') : NULL;
    return c && c[1] && strcmp(c + 1, "?") != 0 ? c + 1 : NULL;
}

/* The suppression line or block of a report, in buf; 0 when it has none. */
static int suppression_of(enum rl_tool_id tool, const struct rl_report *r, char *buf, size_t size)
{
    if (tool != RL_TOOL_TSAN) {
        /* Valgrind's block, named after the report instead of its placeholder. */
        static const char placeholder[] = "<insert_a_suppression_name_here>";
        const char *at = r->suppression ? strstr(r->suppression, placeholder) : NULL;
        if (!r->suppression)
            return 0;
        if (!at)
            return snprintf(buf, size, "%s", r->suppression) > 0;
        return snprintf(buf, size, "%.*sracelab:%s:%s%s", (int)(at - r->suppression),
                        r->suppression, rl_kind_name(r->kind), or_dash(r->frame[0]),
                        at + sizeof placeholder - 1) > 0;
    }
    /* The side a baseline writes first (add): the same line whichever side TSan calls the
     * previous access. */
    const char *f0 = r->frame[0], *f1 = r->frame[1];
    int swap = (!*f0 && *f1) || (*f0 && *f1 && strcmp(f1, f0) < 0);
    const char *type = tsan_type(r->kind), *fn = function_of(swap ? f1 : f0);
    if (!fn)
        fn = function_of(swap ? f0 : f1);
    /* Anchored: TSan matches an unanchored name anywhere in a frame's. */
    return type && fn && snprintf(buf, size, "%s:^%s$", type, fn) > 0;
}

int rl_suppressions_write(FILE *out, enum rl_tool_id tool, const struct rl_reports *const *runs,
                          int nruns)
{
    int n = 0;
    fprintf(out, "# %s suppressions written by racelab run --gen-suppressions, one per report.\n",
            rl_tool_name(tool));
    for (int k = 0; k < nruns; k++) {
        for (size_t i = 0; i < runs[k]->n; i++) {
            const struct rl_report *r = &runs[k]->v[i];
            char mine[8192], other[8192];
            if (!suppression_of(tool, r, mine, sizeof mine)) {
                fprintf(out, "# no suppression for %s at %s%s\n", rl_kind_name(r->kind),
                        or_dash(r->frame[0]), tool == RL_TOOL_TSAN ? "" : " (the tool gave none)");
                continue;
            }
            /* Once each, over every run so far. */
            int dup = 0;
            for (int j = 0; j <= k && !dup; j++)
                for (size_t m = 0; m < (j < k ? runs[j]->n : i) && !dup; m++)
                    dup = suppression_of(tool, &runs[j]->v[m], other, sizeof other) &&
                          strcmp(other, mine) == 0;
            if (!dup) {
                fprintf(out, "%s\n", mine);
                n++;
            }
        }
    }
    return ferror(out) ? -1 : n;
}
