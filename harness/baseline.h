/* Baselines: the reports a codebase has today, written down so that a run fails only on a
 * new one. A baseline is a text file for people to review, one report a line:
 *
 *   # comment
 *   KIND TOOL FRAME OTHER
 *   data-race tsan pool.c:188:thpool_worker pool.c:201:thpool_add_work
 *
 * FRAME and OTHER are the two sides of the report (rl_report.frame): the innermost frame in
 * the program's own code, file:line:function, or "-" when the side has none. Matching takes
 * the two sides in either order and nothing else: no address, pid or thread number. Kinds
 * racelab observes itself (deadlock, timeout, crash, assertion) are entries with "- -".
 * Also here: the tools' own suppression files. Pure: files are read and written by the
 * caller's streams. */
#ifndef RACELAB_BASELINE_H
#define RACELAB_BASELINE_H

#include "kinds.h"
#include "report.h"

#include <stddef.h>
#include <stdio.h>

struct rl_baseline_entry {
    enum rl_kind kind;
    enum rl_tool_id tool;
    char frame[RL_REPORT_SIDES][256]; /* "" for "-" */
    int line;                         /* its line in the file; 0 for an entry of a run */
    int seen;                         /* a report of the run matched it */
};

struct rl_baseline {
    struct rl_baseline_entry *v;
    size_t n, cap;
};

/* Reads a baseline from text; path names the file in messages. On error returns -1 and
 * writes every error, "path:line: message" a line, to err. */
int rl_baseline_parse(const char *path, const char *text, size_t len, struct rl_baseline *b,
                      char *err, size_t errsize);
/* The same from a file. */
int rl_baseline_read(const char *path, struct rl_baseline *b, char *err, size_t errsize);
void rl_baseline_free(struct rl_baseline *b);

/* Adds an entry for each report (and each kind of harness) not yet in b. Returns 0 or -1
 * (out of memory). Unclassified reports are never added: they are failures of a tool. */
int rl_baseline_add(struct rl_baseline *b, enum rl_tool_id tool, const struct rl_reports *rs,
                    rl_kindset harness);
/* Writes b, sorted, with the header that says what a line is. Returns 0 or -1. */
int rl_baseline_write(FILE *out, const struct rl_baseline *b);

/* Checks one run: marks the entries its reports match, and says each report that matches
 * none ("new: data-race tsan pool.c:12:f pool.c:30:g (the tool's words)") on out, which may
 * be NULL. Returns how many reports (and harness kinds) were new. */
int rl_baseline_check(struct rl_baseline *b, enum rl_tool_id tool, const struct rl_reports *rs,
                      rl_kindset harness, FILE *out);
/* Says each entry of that tool that no run matched: "fixed: remove from the baseline:
 * FILE:LINE: ...". Returns how many. */
int rl_baseline_fixed(const struct rl_baseline *b, enum rl_tool_id tool, const char *path,
                      FILE *out);

/* The tools' own suppression files for the reports: TSan's "race:function" lines (and
 * mutex:, deadlock:, thread:, signal: for those kinds), Valgrind's --gen-suppressions=all
 * blocks, once each over the reports of every run. A report with nothing to suppress it by
 * is a comment. Returns how many entries, or -1 when the stream failed. */
int rl_suppressions_write(FILE *out, enum rl_tool_id tool, const struct rl_reports *const *runs,
                          int nruns);

#endif
