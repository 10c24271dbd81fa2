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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                       \
        }                                                                                  \
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

static inline void fuzz_sink(void *ctx, struct rl_report *r)
{
    FUZZ_CHECK((unsigned)r->kind < RL_KIND_COUNT);
    FUZZ_CHECK(r->nlines >= 0 && r->nlines <= RL_REPORT_MAX_LINES);
    for (int i = 0; i < r->nlines; i++)
        FUZZ_CHECK(r->lines[i] > 0);
    FUZZ_CHECK(FUZZ_TERMINATED(r->tool_kind));
    FUZZ_CHECK(FUZZ_TERMINATED(r->headline));
    FUZZ_CHECK(FUZZ_TERMINATED(r->location));
    if (r->excerpt)
        FUZZ_CHECK(memchr(r->excerpt, '\0', RL_REPORT_EXCERPT_MAX) != NULL);
    rl_reports_add(ctx, r);
}

static inline void fuzz_reports_done(struct rl_reports *rs)
{
    FUZZ_CHECK(rs->n <= RL_REPORTS_MAX_GROUPS);
    unsigned long counted = rs->dropped;
    for (size_t i = 0; i < rs->n; i++)
        counted += rs->v[i].count;
    FUZZ_CHECK(counted == rs->total);
    (void)rl_reports_kinds(rs);
    rl_reports_free(rs);
}

#endif
