/* The matcher. A verdict passes only if the observed kinds equal the expected ones exactly
 * and no report of a marked kind points at an unmarked line of the case. */
#include "match.h"

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

int rl_match(const struct rl_case *c, rl_kindset expected, const struct rl_reports *reports,
             rl_kindset observed_extra, struct rl_verdict *v)
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
    v->pass = !v->missing && !v->extra && !v->misplaced && !v->unchecked;
    return 0;
}

void rl_verdict_free(struct rl_verdict *v)
{
    free(v->placement);
    v->placement = NULL;
}
