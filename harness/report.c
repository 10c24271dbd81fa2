/* Grouping of reports and the frame bookkeeping shared by the parsers. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_group(const struct rl_report *a, const struct rl_report *b)
{
    if (a->kind != b->kind || strcmp(a->tool_kind, b->tool_kind) != 0 || a->nlines != b->nlines)
        return 0;
    /* Each unknown report is shown: the point of `unclassified` is to be looked at. */
    if (a->kind == RL_KIND_UNCLASSIFIED && strcmp(a->headline, b->headline) != 0)
        return 0;
    /* Reports that cite no case line are told apart by where they point. */
    if (a->nlines == 0 && strcmp(a->location, b->location) != 0)
        return 0;
    /* And by their two sides, in either order: which access a tool calls the previous one
     * changes from run to run. */
    int same = strcmp(a->frame[0], b->frame[0]) == 0 && strcmp(a->frame[1], b->frame[1]) == 0;
    int swapped = strcmp(a->frame[0], b->frame[1]) == 0 && strcmp(a->frame[1], b->frame[0]) == 0;
    if (!same && !swapped)
        return 0;
    return memcmp(a->lines, b->lines, (size_t)a->nlines * sizeof a->lines[0]) == 0;
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void rl_reports_add(struct rl_reports *rs, struct rl_report *r)
{
    rs->total++;
    qsort(r->lines, (size_t)r->nlines, sizeof r->lines[0], by_value);
    for (size_t i = 0; i < rs->n; i++) {
        if (same_group(&rs->v[i], r)) {
            rs->v[i].count += r->count ? r->count : 1;
            free(r->excerpt);
            r->excerpt = NULL;
            free(r->suppression);
            r->suppression = NULL;
            return;
        }
    }
    if (rs->n == RL_REPORTS_MAX_GROUPS) {
        free(r->suppression);
        r->suppression = NULL;
        rs->dropped++;
        rs->dropped_kinds |= RL_KINDSET(r->kind);
        free(r->excerpt);
        r->excerpt = NULL;
        return;
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        struct rl_report *v = realloc(rs->v, cap * sizeof *v);
        if (!v) {
            free(r->suppression);
            r->suppression = NULL;
            rs->dropped++;
            rs->dropped_kinds |= RL_KINDSET(r->kind);
            free(r->excerpt);
            r->excerpt = NULL;
            return;
        }
        rs->v = v;
        rs->cap = cap;
    }
    if (r->excerpt && rs->excerpts[r->kind] >= RL_REPORTS_EXCERPTS_PER_KIND) {
        free(r->excerpt);
        r->excerpt = NULL;
    } else if (r->excerpt) {
        rs->excerpts[r->kind]++;
    }
    if (!r->count)
        r->count = 1;
    rs->v[rs->n++] = *r;
    r->excerpt = NULL;
    r->suppression = NULL;
}

void rl_reports_free(struct rl_reports *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->v[i].excerpt);
        free(rs->v[i].suppression);
    }
    free(rs->v);
    memset(rs, 0, sizeof *rs);
}

rl_kindset rl_reports_kinds(const struct rl_reports *rs)
{
    rl_kindset set = rs->dropped_kinds;
    for (size_t i = 0; i < rs->n; i++)
        set |= RL_KINDSET(rs->v[i].kind);
    return set;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int rl_frame_is_case(const char *frame_path, const char *case_path)
{
    if (!case_path || !frame_path || !*frame_path)
        return 0;
    if (strcmp(base_name(frame_path), base_name(case_path)) != 0)
        return 0;
    if (!strchr(frame_path, '/') || strcmp(frame_path, case_path) == 0)
        return 1;
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(frame_path, a) || !realpath(case_path, b))
        return 0;
    return strcmp(a, b) == 0;
}

/* Frames in the C library or the sanitizer runtime say nothing about the program. */
int rl_system_path(const char *path)
{
    return strncmp(path, "/usr/", 5) == 0 || strstr(path, "libsanitizer") != NULL ||
           strstr(path, "compiler-rt") != NULL || strncmp(path, "./", 2) == 0 ||
           strncmp(path, "../", 3) == 0;
}

void rl_report_add_frame(struct rl_report *r, const char *path, int line, const char *case_path)
{
    if (!path || !*path || line <= 0)
        return;
    if (!r->location[0] && !rl_system_path(path))
        snprintf(r->location, sizeof r->location, "%s:%d", base_name(path), line);
    if (!rl_frame_is_case(path, case_path))
        return;
    for (int i = 0; i < r->nlines; i++)
        if (r->lines[i] == line)
            return;
    if (r->nlines < RL_REPORT_MAX_LINES)
        r->lines[r->nlines++] = line;
}

void rl_report_add_frame_fn(struct rl_report *r, const char *path, int line, const char *fn,
                            const char *case_path)
{
    rl_report_add_frame(r, path, line, case_path);
    if (!path || !*path || line <= 0 || rl_system_path(path) || r->side < 0 ||
        r->side >= RL_REPORT_SIDES)
        return;
    const char *file = base_name(path);
    if (!r->frame[r->side][0]) {
        /* One token: a function name with blanks in it (C++'s "operator new") gets '_'. */
        int n = snprintf(r->frame[r->side], sizeof r->frame[r->side], "%s:%d:%s", file, line,
                         fn && *fn ? fn : "?");
        snprintf(r->source[r->side], sizeof r->source[r->side], "%s", path);
        for (int i = 0; i < n && r->frame[r->side][i]; i++)
            if (r->frame[r->side][i] == ' ' || r->frame[r->side][i] == '\t')
                r->frame[r->side][i] = '_';
    }
    for (int i = 0; i < r->ncites; i++)
        if (r->cites[i].line == line && strcmp(r->cites[i].file, file) == 0)
            return;
    if (r->ncites < RL_REPORT_MAX_CITES) {
        snprintf(r->cites[r->ncites].file, sizeof r->cites[r->ncites].file, "%s", file);
        r->cites[r->ncites++].line = line;
    }
}

/* A line of other_stack, if it fits whole. */
static void add_other_line(struct rl_report *r, const char *line)
{
    size_t used = strlen(r->other_stack), n = strlen(line);
    if (used + n + 2 <= sizeof r->other_stack)
        snprintf(r->other_stack + used, sizeof r->other_stack - used, "%s\n", line);
}

void rl_report_other_stack(struct rl_report *r, const char *words)
{
    r->other = RL_OTHER_RECORDED;
    add_other_line(r, words);
}

void rl_report_other_frame(struct rl_report *r, const char *line)
{
    if (r->side == 1 && r->other == RL_OTHER_RECORDED)
        add_other_line(r, line);
}

void rl_excerpt_append(char **excerpt, const char *text)
{
    if (!*excerpt) {
        *excerpt = calloc(1, RL_REPORT_EXCERPT_MAX);
        if (!*excerpt)
            return;
    }
    size_t used = strlen(*excerpt);
    if (used + 1 >= RL_REPORT_EXCERPT_MAX)
        return;
    snprintf(*excerpt + used, RL_REPORT_EXCERPT_MAX - used, "%s\n", text);
}

void rl_reports_vaddf(struct rl_reports *rs, enum rl_kind kind, const char *tool_kind,
                      const char *fmt, va_list ap)
{
    struct rl_report r = {.kind = kind};
    snprintf(r.tool_kind, sizeof r.tool_kind, "%s", tool_kind);
    vsnprintf(r.headline, sizeof r.headline, fmt, ap);
    rl_reports_add(rs, &r);
}

FILE *rl_log_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f)
        close(fd);
    return f;
}
