/* The matcher. A verdict passes only if the observed kinds equal the expected ones exactly
 * and no report of a marked kind points at an unmarked line of the case. */
#include "match.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum rl_placement place(const struct rl_case *c, rl_kindset marked,
                               const struct rl_report *r)
{
    if (!c || !(marked & RL_KINDSET(r->kind)))
        return RL_PLACE_FREE;
    if (r->nlines == 0)
        return RL_PLACE_UNLOCATED;
    for (int i = 0; i < r->nlines; i++)
        if (rl_case_line_marked(c, r->lines[i], r->kind))
            return RL_PLACE_MARKED;
    return RL_PLACE_WRONG;
}

int rl_match_hang_line(const struct rl_case *c, const struct rl_thread_stack *t)
{
    int f = c ? rl_stack_user_frame(t, c->path) : -1;
    return f < 0 ? 0 : t->frames[f].line;
}

/* The deadlock markers against the stacks (see match.h). */
static void match_hang(const struct rl_case *c, const struct rl_stacks *st, struct rl_verdict *v)
{
    if (!st || !st->source) {
        v->hang_unchecked = 1;
        return;
    }
    for (size_t i = 0; i < st->n; i++) {
        int line = rl_match_hang_line(c, &st->v[i]);
        if (line && !rl_case_line_marked(c, line, RL_KIND_DEADLOCK))
            v->hang_unmarked++;
    }
    for (size_t m = 0; m < c->nmarkers; m++) {
        if (c->markers[m].kind != RL_KIND_DEADLOCK)
            continue;
        int met = 0;
        for (size_t i = 0; i < st->n && !met; i++)
            met = rl_match_hang_line(c, &st->v[i]) == c->markers[m].line;
        v->hang_unmet += !met;
    }
}

int rl_match(const struct rl_case *c, rl_kindset expected, const struct rl_reports *reports,
             rl_kindset observed_extra, const struct rl_stacks *stacks, struct rl_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->expected = expected;
    v->observed = rl_reports_kinds(reports) | observed_extra;
    v->missing = expected & ~v->observed;
    v->extra = v->observed & ~expected;
    rl_kindset marked = c ? rl_case_marked_kinds(c) : 0;
    if (reports->n) {
        v->placement = calloc(reports->n, sizeof *v->placement);
        if (!v->placement)
            return -1;
    }
    for (size_t i = 0; i < reports->n; i++) {
        v->placement[i] = place(c, marked, &reports->v[i]);
        if (v->placement[i] == RL_PLACE_WRONG)
            v->misplaced++;
    }
    /* Groups past the limit were counted, not kept: their lines cannot be checked. */
    if (reports->dropped && (reports->dropped_kinds & marked))
        v->unchecked = reports->dropped;
    if ((marked & RL_KINDSET(RL_KIND_DEADLOCK)) && (v->observed & RL_KINDSET(RL_KIND_DEADLOCK)))
        match_hang(c, stacks, v);
    v->pass = !v->missing && !v->extra && !v->misplaced && !v->unchecked && !v->hang_unmet &&
              !v->hang_unmarked && !v->hang_unchecked;
    return 0;
}

void rl_verdict_free(struct rl_verdict *v)
{
    free(v->placement);
    v->placement = NULL;
}

int rl_located_parse(const char *text, struct rl_located *l, char *why, size_t whysize)
{
    memset(l, 0, sizeof *l);
    const char *at = strchr(text, '@'), *colon = strrchr(text, ':');
    char kind[64];
    if (!at || !colon || colon < at || (size_t)(at - text) >= sizeof kind) {
        snprintf(why, whysize, "'%s' is not KIND@FILE:LINE", text);
        return -1;
    }
    snprintf(kind, sizeof kind, "%.*s", (int)(at - text), text);
    int k = rl_kind_from_name(kind);
    if (k < 0 || k == RL_KIND_UNCLASSIFIED) {
        snprintf(why, whysize, "unknown kind '%s'", kind);
        return -1;
    }
    /* A report cites a file by its base name: "src/pool.c" is "pool.c". */
    const char *file = at + 1;
    for (const char *c = file; c < colon; c++)
        if (*c == '/')
            file = c + 1;
    char *end;
    long line = strtol(colon + 1, &end, 10);
    if (colon == file || (size_t)(colon - file) >= sizeof l->file || colon[1] < '1' ||
        colon[1] > '9' || *end || line > INT_MAX) {
        snprintf(why, whysize, "'%s' is not KIND@FILE:LINE (a file name, a line from 1)", text);
        return -1;
    }
    l->kind = (enum rl_kind)k;
    snprintf(l->file, sizeof l->file, "%.*s", (int)(colon - file), file);
    l->line = (int)line;
    return 0;
}

int rl_located_met(const struct rl_located *l, const struct rl_reports *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        const struct rl_report *r = &rs->v[i];
        for (int j = 0; r->kind == l->kind && j < r->ncites; j++)
            if (r->cites[j].line == l->line && strcmp(r->cites[j].file, l->file) == 0)
                return 1;
    }
    return 0;
}
