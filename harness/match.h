/* The verdict: observed kinds against the expectation, and the marker rule. Pure: the unit
 * tests feed it structs. */
#ifndef RACELAB_MATCH_H
#define RACELAB_MATCH_H

#include "case.h"
#include "report.h"
#include "stacks.h"

/* Where a report points, against the case's markers for its kind. */
enum rl_placement {
    RL_PLACE_FREE,      /* its kind has no markers: any line will do */
    RL_PLACE_MARKED,    /* it cites a marked line of its kind */
    RL_PLACE_UNLOCATED, /* it cites no line of the case file: accepted, shown as such */
    RL_PLACE_WRONG,     /* it cites case lines, none of them marked for its kind: a failure */
    RL_PLACE_COUNT
};

struct rl_verdict {
    int pass;
    rl_kindset expected, observed, missing, extra;
    unsigned misplaced;           /* reports with RL_PLACE_WRONG */
    unsigned long unchecked;      /* reports past the group limit, of a marked kind */
    enum rl_placement *placement; /* one per report group (owned), parallel to reports->v */
    /* The deadlock markers, at a `deadlock` verdict of a case that has them: */
    unsigned hang_unmet;    /* marked lines that no blocked thread sits on */
    unsigned hang_unmarked; /* blocked threads whose innermost case frame is not marked */
    int hang_unchecked;     /* no stacks were taken: the markers could not be checked */
};

/* c may be NULL (a program run with --expect): then there are no markers. observed_extra
 * holds the kinds the harness saw itself (deadlock, timeout, crash, assertion, daemon).
 * stacks are every thread's at a hang (NULL or source NULL: none taken). At a `deadlock`
 * verdict of a case with deadlock markers, each marked line must be the innermost frame in
 * the case file (inlined frames included) of some thread, and each thread with a frame in
 * the case file must have its innermost one on a marked line. */
int rl_match(const struct rl_case *c, rl_kindset expected, const struct rl_reports *reports,
             rl_kindset observed_extra, const struct rl_stacks *stacks, struct rl_verdict *v);
/* Where thread t of a hang sits in the case: the line of its innermost frame in the case
 * file, or 0 when it has none. */
int rl_match_hang_line(const struct rl_case *c, const struct rl_thread_stack *t);
void rl_verdict_free(struct rl_verdict *v);

/* A located expectation, --expect data-race@pool.c:188: a report of that kind must cite
 * that line of that file (by its base name), on either side. */
struct rl_located {
    enum rl_kind kind;
    char file[64];
    int line;
};
/* Parses "kind@file:line"; returns 0, or -1 with why (a kind is checked by the caller). */
int rl_located_parse(const char *text, struct rl_located *l, char *why, size_t whysize);
/* Whether some report of the kind cites the line. */
int rl_located_met(const struct rl_located *l, const struct rl_reports *rs);

#endif
