/* A report as racelab keeps it: its kind, the tool's own words, the case lines its stacks
 * cite, and how many identical reports were folded into it. A flood of reports (a racy loop
 * under DRD prints one per iteration) stays bounded: reports are grouped by kind, tool kind
 * and cited lines, counted, and only the first few of each kind keep their raw text. A flood
 * of distinct reports stays bounded too: a hash table finds a report's group in constant
 * time, at most RL_REPORTS_MAX_GROUPS groups are kept, and the distinct groups past them are
 * only counted, by a 64-bit fingerprint each. */
#ifndef RACELAB_REPORT_H
#define RACELAB_REPORT_H

#include "kinds.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RL_REPORT_MAX_LINES   32
#define RL_REPORT_EXCERPT_MAX 4096
#define RL_REPORTS_MAX_GROUPS 5000 /* 4.4 KiB each: 22 MiB at most */
/* The most fingerprints of groups past RL_REPORTS_MAX_GROUPS that are told apart (8 bytes
 * each, in a table at most twice that): beyond them, more_distinct is a lower bound. */
#define RL_REPORTS_MAX_UNKEPT        (1UL << 20)
#define RL_REPORTS_EXCERPTS_PER_KIND 3
#define RL_REPORT_SIDES              2
#define RL_REPORT_MAX_CITES          16

/* A line of the program's own code a report cites: the file's base name and the line. */
struct rl_cite {
    char file[64];
    int line;
};

/* The other side of a race: the conflicting access, as the tool kept it. */
enum rl_other_side {
    RL_OTHER_NONE,         /* the report has no second access (not a race) */
    RL_OTHER_RECORDED,     /* its stack (or DRD's segment stacks) is in other_stack */
    RL_OTHER_NOT_RECORDED, /* the tool did not keep it (Helgrind --history-level=approx or
                              none, DRD --show-confl-seg=no, TSan's lost history) */
};

#define RL_REPORT_OTHER_MAX 1024

struct rl_report {
    enum rl_kind kind;
    char tool_kind[64]; /* Valgrind's <kind>, or "tsan" */
    char headline[256]; /* the tool's words: TSan's headline, Valgrind's <what> */
    int pid;
    int lines[RL_REPORT_MAX_LINES]; /* distinct lines of the case file the stacks cite */
    int nlines;
    char location[256]; /* the first source frame outside system code, for display */
    /* The two sides of a report (side 0: the access or call reported; side 1: the other
     * access of a race, the other edge of a lock cycle): each side's innermost frame in the
     * program's own code, "file.c:12:function", "" when it has none. What a baseline and a
     * suppression are made of. */
    char frame[RL_REPORT_SIDES][256];
    /* The same frames' source files, as the tool named them (a full path when the build gave
     * one): where SARIF and GitHub's annotations point, relative to the source root. */
    char source[RL_REPORT_SIDES][512];
    int side; /* the side of the stack being read, -1 for neither: the parsers' state */
    struct rl_cite cites[RL_REPORT_MAX_CITES]; /* the program's own frames of both sides */
    int ncites;
    char *suppression;   /* Valgrind's own suppression entry (owned), NULL unless asked for */
    unsigned long count; /* identical reports folded into this one */
    char *excerpt;       /* raw text (owned), NULL beyond the first few of a kind */
    enum rl_other_side other;
    /* Each stack of the other side (side 1 of a race): a line of the tool's words (or
     * racelab's label), then its frames, each a line that starts "   at ". Whole lines only,
     * cut at the end. */
    char other_stack[RL_REPORT_OTHER_MAX];
};

struct rl_reports {
    struct rl_report *v;
    size_t n, cap;
    unsigned long total;   /* every report seen */
    unsigned long dropped; /* reports of groups past RL_REPORTS_MAX_GROUPS: counted only */
    /* The distinct groups those reports make ("N more distinct reports"); a lower bound once
     * more than RL_REPORTS_MAX_UNKEPT of them were seen (more_distinct_capped). */
    unsigned long more_distinct;
    int more_distinct_capped;
    rl_kindset dropped_kinds;
    unsigned excerpts[RL_KIND_COUNT];
    /* The hash index over v (owned): slot i holds 1 + the group's index, 0 when empty. */
    uint32_t *slots;
    uint64_t *hashes; /* each kept group's hash, parallel to v (owned) */
    size_t nslots;
    /* The fingerprints of the groups past the limit (owned; 0 marks an empty slot). */
    uint64_t *unkept;
    size_t unkept_slots;
};

/* Adds r, taking its excerpt; folds it into an equal group when there is one. */
void rl_reports_add(struct rl_reports *rs, struct rl_report *r);
void rl_reports_free(struct rl_reports *rs);
/* Adds a report made here rather than read from a tool: a kind, who says so, and the words. */
void rl_reports_vaddf(struct rl_reports *rs, enum rl_kind kind, const char *tool_kind,
                      const char *fmt, va_list ap);
/* The union of the kinds of all reports. */
rl_kindset rl_reports_kinds(const struct rl_reports *rs);

/* Where parsers send each report they finish. */
typedef void (*rl_report_sink)(void *ctx, struct rl_report *r);

/* Whether a frame's source path names the case file (same path, or same file by realpath,
 * or the same base name when the frame has no folder). case_path may be NULL. */
int rl_frame_is_case(const char *frame_path, const char *case_path);
/* Records a frame: a cited case line, and the first non-system location. */
void rl_report_add_frame(struct rl_report *r, const char *path, int line, const char *case_path);
/* The same, for a frame of the stack being read, with its function (may be NULL): the first
 * one in the program's own code becomes its side's frame; each such frame is cited. */
void rl_report_add_frame_fn(struct rl_report *r, const char *path, int line, const char *fn,
                            const char *case_path);
/* Whether a source path is system code: the C library, the sanitizer runtime, glibc's own
 * relative paths. */
int rl_system_path(const char *path);
/* Opens a tool's log for reading: a regular file only, never through a symbolic link, and
 * never blocking (a FIFO in its place would stall racelab). NULL with errno: ELOOP for a
 * link, EINVAL for anything but a regular file. */
FILE *rl_log_open(const char *path);
/* The other side's stacks (other_stack) are side 1's stacks of a race, read in the same pass
 * as its frame: rl_report_other_stack begins one with the tool's words (or racelab's label)
 * and marks the other side recorded; rl_report_other_frame then adds a frame's line
 * ("   at ..."), only while the stack being read is side 1 of a recorded other side. Each
 * line is kept if it fits whole. */
void rl_report_other_stack(struct rl_report *r, const char *words);
void rl_report_other_frame(struct rl_report *r, const char *line);
/* Appends text to a bounded excerpt buffer (allocates it on first use). */
void rl_excerpt_append(char **excerpt, const char *text);

#endif
