/* Grouping of reports and the frame bookkeeping shared by the parsers. */
#include "report.h"
#include "strv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Both reports are bounded by rl_reports_add: kind and nlines in range, strings ended. */
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

/* FNV-1a, 64 bits: small, and good enough to spread report keys over a table. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    return fnv(h, s, strlen(s) + 1); /* with its end, so "ab"+"c" and "a"+"bc" differ */
}

/* A hash of exactly what same_group compares: equal groups hash alike. The two sides are
 * hashed in a fixed order (the smaller first), since they compare equal in either order. */
static uint64_t group_hash(const struct rl_report *r)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int kind = (int)r->kind;
    h = fnv(h, &kind, sizeof kind);
    h = fnv_str(h, r->tool_kind);
    h = fnv(h, &r->nlines, sizeof r->nlines);
    h = fnv(h, r->lines, (size_t)r->nlines * sizeof r->lines[0]);
    if (r->kind == RL_KIND_UNCLASSIFIED)
        h = fnv_str(h, r->headline);
    if (r->nlines == 0)
        h = fnv_str(h, r->location);
    int swap = strcmp(r->frame[0], r->frame[1]) > 0;
    h = fnv_str(h, r->frame[swap]);
    h = fnv_str(h, r->frame[!swap]);
    /* The tables index by the low bits, which FNV mixes poorly (a product's low bits depend
     * only on its factors' low bits): reports that differ in a line number crowded a few
     * slots. The finaliser of MurmurHash3 spreads every bit over the low ones. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    /* 0 marks an empty slot of the fingerprint table. */
    return h ? h : 1;
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The slot of the group with hash h equal to r, or the empty slot where it would go. */
static size_t find_slot(const struct rl_reports *rs, uint64_t h, const struct rl_report *r)
{
    size_t mask = rs->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t s = rs->slots[i];
        if (!s || (rs->hashes[s - 1] == h && same_group(&rs->v[s - 1], r)))
            return i;
    }
}

/* Room for one more group: the index at most half full, v and hashes one longer. */
static int make_room(struct rl_reports *rs)
{
    if (2 * (rs->n + 1) > rs->nslots) {
        size_t nslots = rs->nslots ? rs->nslots * 2 : 64;
        uint32_t *slots = calloc(nslots, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t g = 0; g < rs->n; g++) {
            size_t i = (size_t)rs->hashes[g] & (nslots - 1);
            while (slots[i])
                i = (i + 1) & (nslots - 1);
            slots[i] = (uint32_t)(g + 1);
        }
        free(rs->slots);
        rs->slots = slots;
        rs->nslots = nslots;
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        struct rl_report *v = realloc(rs->v, cap * sizeof *v);
        if (v)
            rs->v = v;
        uint64_t *hashes = v ? realloc(rs->hashes, cap * sizeof *hashes) : NULL;
        if (!hashes)
            return -1;
        rs->hashes = hashes;
        rs->cap = cap;
    }
    return 0;
}

/* Counts a group past the limit once, by its fingerprint (an open-addressing set, at most
 * half full, of at most RL_REPORTS_MAX_UNKEPT fingerprints). */
static void count_unkept(struct rl_reports *rs, uint64_t h)
{
    if (rs->more_distinct_capped)
        return;
    if (2 * (rs->more_distinct + 1) > rs->unkept_slots) {
        size_t nslots = rs->unkept_slots ? rs->unkept_slots * 2 : 1024;
        uint64_t *set =
            rs->more_distinct < RL_REPORTS_MAX_UNKEPT ? calloc(nslots, sizeof *set) : NULL;
        if (!set) {
            rs->more_distinct_capped = 1; /* from here on, a lower bound */
            return;
        }
        for (size_t j = 0; j < rs->unkept_slots; j++) {
            uint64_t f = rs->unkept[j];
            if (!f)
                continue;
            size_t i = (size_t)f & (nslots - 1);
            while (set[i])
                i = (i + 1) & (nslots - 1);
            set[i] = f;
        }
        free(rs->unkept);
        rs->unkept = set;
        rs->unkept_slots = nslots;
    }
    size_t mask = rs->unkept_slots - 1;
    size_t i = (size_t)h & mask;
    while (rs->unkept[i] && rs->unkept[i] != h)
        i = (i + 1) & mask;
    if (!rs->unkept[i]) {
        rs->unkept[i] = h;
        rs->more_distinct++;
    }
}

static void release(struct rl_report *r)
{
    free(r->excerpt);
    r->excerpt = NULL;
    free(r->suppression);
    r->suppression = NULL;
}

void rl_reports_add(struct rl_reports *rs, struct rl_report *r)
{
    rs->total++;
    /* What a parser hands over is bounded here, whatever it holds. */
    if ((unsigned)r->kind >= RL_KIND_COUNT)
        r->kind = RL_KIND_UNCLASSIFIED;
    if (r->nlines < 0)
        r->nlines = 0;
    if (r->nlines > RL_REPORT_MAX_LINES)
        r->nlines = RL_REPORT_MAX_LINES;
    r->tool_kind[sizeof r->tool_kind - 1] = r->headline[sizeof r->headline - 1] = '\0';
    r->location[sizeof r->location - 1] = '\0';
    for (int i = 0; i < RL_REPORT_SIDES; i++)
        r->frame[i][sizeof r->frame[i] - 1] = '\0';
    if (r->nlines > 1)
        qsort(r->lines, (size_t)r->nlines, sizeof r->lines[0], by_value);
    uint64_t h = group_hash(r);
    size_t slot = 0;
    if (rs->nslots) {
        slot = find_slot(rs, h, r);
        if (rs->slots[slot]) {
            rs->v[rs->slots[slot] - 1].count += r->count ? r->count : 1;
            release(r);
            return;
        }
    }
    if (rs->n == RL_REPORTS_MAX_GROUPS || make_room(rs) < 0) {
        rs->dropped++;
        rs->dropped_kinds |= RL_KINDSET(r->kind);
        count_unkept(rs, h);
        release(r);
        return;
    }
    if (r->excerpt && rs->excerpts[r->kind] >= RL_REPORTS_EXCERPTS_PER_KIND) {
        free(r->excerpt);
        r->excerpt = NULL;
    } else if (r->excerpt) {
        rs->excerpts[r->kind]++;
    }
    if (!r->count)
        r->count = 1;
    /* make_room may have grown the index: look for the empty slot again. */
    slot = find_slot(rs, h, r);
    rs->slots[slot] = (uint32_t)(rs->n + 1);
    rs->hashes[rs->n] = h;
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
    free(rs->slots);
    free(rs->hashes);
    free(rs->unkept);
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
    if (!r->location[0] && !rl_system_path(path)) {
        struct rl_line location = rl_line_at(r->location, sizeof r->location);
        rl_line_put(&location, base_name(path));
        rl_line_put(&location, ":");
        rl_line_put_int(&location, line);
    }
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
        struct rl_line frame = rl_line_at(r->frame[r->side], sizeof r->frame[r->side]);
        rl_line_put(&frame, file);
        rl_line_put(&frame, ":");
        rl_line_put_int(&frame, line);
        rl_line_put(&frame, ":");
        rl_line_put(&frame, fn && *fn ? fn : "?");
        for (size_t i = 0; i < frame.len; i++)
            if (frame.buf[i] == ' ' || frame.buf[i] == '\t')
                frame.buf[i] = '_';
        struct rl_line source = rl_line_at(r->source[r->side], sizeof r->source[r->side]);
        rl_line_put(&source, path);
    }
    for (int i = 0; i < r->ncites; i++)
        if (r->cites[i].line == line && strcmp(r->cites[i].file, file) == 0)
            return;
    if (r->ncites < RL_REPORT_MAX_CITES) {
        struct rl_line cite = rl_line_at(r->cites[r->ncites].file, sizeof r->cites[r->ncites].file);
        rl_line_put(&cite, file);
        r->cites[r->ncites++].line = line;
    }
}

/* A line of other_stack, if it fits whole. */
static void add_other_line(struct rl_report *r, const char *line)
{
    size_t used = strlen(r->other_stack), n = strlen(line);
    if (used + n + 2 <= sizeof r->other_stack) {
        memcpy(r->other_stack + used, line, n);
        memcpy(r->other_stack + used + n, "\n", 2);
    }
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
    /* Called for every line of every report a flood brings, most of them never kept: no
     * zeroing of the buffer, and no printf. */
    if (!*excerpt) {
        *excerpt = malloc(RL_REPORT_EXCERPT_MAX);
        if (!*excerpt)
            return;
        **excerpt = '\0';
    }
    size_t used = strlen(*excerpt);
    if (used + 1 >= RL_REPORT_EXCERPT_MAX)
        return;
    size_t len = strlen(text), room = RL_REPORT_EXCERPT_MAX - 1 - used;
    if (len > room)
        len = room;
    memcpy(*excerpt + used, text, len);
    used += len;
    if (used < RL_REPORT_EXCERPT_MAX - 1)
        (*excerpt)[used++] = '\n';
    (*excerpt)[used] = '\0';
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
