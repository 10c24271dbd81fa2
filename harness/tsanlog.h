/* ThreadSanitizer's log (one file per process with log_path), read line by line. Knows
 * nothing of processes: it is fed lines and sends finished reports to a sink. A report cut
 * short by a killed run is still sent, with what it had. */
#ifndef RACELAB_TSANLOG_H
#define RACELAB_TSANLOG_H

#include "report.h"

struct rl_tsan_parser {
    const char *case_path;
    rl_report_sink sink;
    void *ctx;
    int pid;
    int open; /* a report is being read */
    struct rl_report cur;
};

void rl_tsan_init(struct rl_tsan_parser *p, const char *case_path, int pid, rl_report_sink sink,
                  void *ctx);
/* One line, without its newline. */
void rl_tsan_line(struct rl_tsan_parser *p, const char *line);
/* Sends a report still open at the end of the log. */
void rl_tsan_finish(struct rl_tsan_parser *p);
/* Reads a whole log file; returns -1 (with errno) if it cannot be opened. */
int rl_tsan_parse_file(const char *path, const char *case_path, int pid, rl_report_sink sink,
                       void *ctx);

#endif
