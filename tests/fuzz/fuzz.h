/* Shared by the fuzz targets and the replay test: the libFuzzer entry point, an invariant
 * check that aborts (so libFuzzer records the input), and a sink that groups reports exactly
 * as racelab does (rl_reports_add), checking each report on the way. */
#ifndef RACELAB_FUZZ_H
#define RACELAB_FUZZ_H

#include "report.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Whether a fixed-size field is a terminated string. */
#define FUZZ_TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

/* A cheap hash of the input, to choose options without consuming bytes (so the real fixtures
 * stay valid inputs as they are). */
static inline unsigned fuzz_hash(const uint8_t *data, size_t size)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < size && i < 64; i++)
        h = (h ^ data[i]) * 16777619u;
    return h ^ (unsigned)size;
}

/* What a parser sent, in order: a line per report (kind, tool kind, headline, pid, cited
 * lines, location), to compare two ways of parsing the same bytes; and the reports grouped
 * by rl_reports_add, as in a run. */
struct fuzz_trace {
    struct rl_reports rs;
    char *text;
    size_t len, cap;
};

static inline void fuzz_trace_append(struct fuzz_trace *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *grown = realloc(t->text, cap);
        FUZZ_CHECK(grown != NULL);
        t->text = grown;
        t->cap = cap;
    }
    memcpy(t->text + t->len, s, n + 1);
    t->len += n;
}

static inline void fuzz_sink(void *ctx, struct rl_report *r)
{
    struct fuzz_trace *t = ctx;
    FUZZ_CHECK((unsigned)r->kind < RL_KIND_COUNT);
    FUZZ_CHECK(r->nlines >= 0 && r->nlines <= RL_REPORT_MAX_LINES);
    for (int i = 0; i < r->nlines; i++)
        FUZZ_CHECK(r->lines[i] > 0);
    FUZZ_CHECK(FUZZ_TERMINATED(r->tool_kind));
    FUZZ_CHECK(FUZZ_TERMINATED(r->headline));
    FUZZ_CHECK(FUZZ_TERMINATED(r->location));
    if (r->excerpt)
        FUZZ_CHECK(memchr(r->excerpt, '\0', RL_REPORT_EXCERPT_MAX) != NULL);
    char line[1024];
    snprintf(line, sizeof line, "%d|%s|%s|%d|%s|", (int)r->kind, r->tool_kind, r->headline, r->pid,
             r->location);
    fuzz_trace_append(t, line);
    for (int i = 0; i < r->nlines; i++) {
        snprintf(line, sizeof line, "%d,", r->lines[i]);
        fuzz_trace_append(t, line);
    }
    fuzz_trace_append(t, "\n");
    rl_reports_add(&t->rs, r);
}

/* Checks the grouped reports against what was sent, and frees everything. */
static inline void fuzz_trace_done(struct fuzz_trace *t)
{
    struct rl_reports *rs = &t->rs;
    FUZZ_CHECK(rs->n <= RL_REPORTS_MAX_GROUPS);
    unsigned long counted = rs->dropped;
    for (size_t i = 0; i < rs->n; i++)
        counted += rs->v[i].count;
    FUZZ_CHECK(counted == rs->total);
    (void)rl_reports_kinds(rs);
    rl_reports_free(rs);
    free(t->text);
    memset(t, 0, sizeof *t);
}

/* Whether two traces are the same report sequence; prints both when not. */
static inline int fuzz_trace_same(const struct fuzz_trace *a, const struct fuzz_trace *b,
                                  const char *what_a, const char *what_b)
{
    const char *x = a->text ? a->text : "", *y = b->text ? b->text : "";
    if (strcmp(x, y) == 0)
        return 1;
    fprintf(stderr, "reports differ:\n-- %s:\n%s-- %s:\n%s", what_a, x, what_b, y);
    return 0;
}

/* Whether the input writes the number n right after some occurrence of prefix (after
 * blanks, a '+' and leading zeros, and followed by a non-digit): a cited line must come from
 * the text, not from an int that wrapped around. */
static inline int fuzz_number_after(const uint8_t *data, size_t size, const char *prefix, int n)
{
    char digits[16];
    int len = snprintf(digits, sizeof digits, "%d", n);
    size_t plen = strlen(prefix);
    for (size_t i = 0; i + plen <= size; i++) {
        if (memcmp(data + i, prefix, plen) != 0)
            continue;
        size_t j = i + plen;
        while (j < size &&
               (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r'))
            j++;
        if (j < size && data[j] == '+')
            j++;
        while (j < size && data[j] == '0')
            j++;
        if (j + (size_t)len <= size && memcmp(data + j, digits, (size_t)len) == 0 &&
            (j + (size_t)len == size || data[j + (size_t)len] < '0' || data[j + (size_t)len] > '9'))
            return 1;
    }
    return 0;
}

/* A temporary file holding the bytes, for the parsers' file readers: returns its descriptor
 * (end with fuzz_memfile_done) and writes its path; -1 when it cannot be made. */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t psize)
{
    /* A real file, not a memfd: racelab opens logs with O_NOFOLLOW, and /proc/self/fd/N is
     * a link. On tmpfs where there is one, so the fuzzer stays fast. */
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    if (snprintf(path, psize, "%s/racelab-fuzz.XXXXXX", dir) >= (int)psize)
        return -1;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        done += (size_t)n;
    }
    return fd;
}

/* Ends what fuzz_memfile began. */
static inline void fuzz_memfile_done(int fd, const char *path)
{
    close(fd);
    unlink(path);
}

#endif
