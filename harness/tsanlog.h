/* ThreadSanitizer's log (one file per process with log_path), read line by line. Knows
 * nothing of processes: it is fed lines and sends finished reports to a sink. A report cut
 * short by a killed run is still sent, with what it had. */
#ifndef RACELAB_TSANLOG_H
#define RACELAB_TSANLOG_H

#include "report.h"

/* What a log says of the run itself, beside its reports: the proof that TSan watched the
 * process to its end. With print_module_map=1 every process that exits ends its log with
 * "Process memory map follows:" ... "End of process memory map.", then its own count,
 * "ThreadSanitizer: reported N warnings" (absent for none). */
struct rl_tsan_accounts {
    unsigned long reports;     /* "WARNING: ThreadSanitizer:" report blocks read */
    long reported;             /* TSan's own count; -1 when the log has no count line */
    int map_end;               /* "End of process memory map." seen: the process ran to its exit */
    int fatal;                 /* an "ERROR: ThreadSanitizer:" report: TSan ended the process */
    unsigned long unaccounted; /* lines outside every report and the harmless list */
    char other[256];           /* the first of them: the cause */
};

struct rl_tsan_parser {
    struct rl_tsan_accounts acc;
    int in_map;
    int in_suppressions; /* inside "ThreadSanitizer: Matched N suppressions" */
    const char *case_path;
    rl_report_sink sink;
    void *ctx;
    int pid;
    int open; /* a report is being read */
    /* The sides of the report being read (rl_report.frame): the side the next stack belongs
     * to (-1: the report's first stack is side 0, any later one neither), whether a stack is
     * being read, and the sides seen so far (a bit each). */
    int next_side, in_stack, sides;
    /* The words of the "Previous ..." stack to come: side 1 of a race is also its other side
     * (rl_report.other_stack); "" when the next stack is no such. */
    char previous[256];
    struct rl_report cur;
};

void rl_tsan_init(struct rl_tsan_parser *p, const char *case_path, int pid, rl_report_sink sink,
                  void *ctx);
/* One line, without its newline. */
void rl_tsan_line(struct rl_tsan_parser *p, const char *line);
/* Sends a report still open at the end of the log. */
void rl_tsan_finish(struct rl_tsan_parser *p);
/* Reads a whole log file (a regular file only: see rl_log_open); returns -1 with errno if it
 * cannot be opened. acc (may be NULL) gets the log's accounts. */
int rl_tsan_parse_file(const char *path, const char *case_path, int pid, rl_report_sink sink,
                       void *ctx, struct rl_tsan_accounts *acc);

#endif
