/* A watch on the run's log folder (inotify), read once the run is over: how often each log
 * was opened. A per-process log opened twice was truncated by a second writer, typically the
 * image a process exec'd (TSan's tsan.PID and Valgrind's vg.PID.xml keep the pid across an
 * exec), and the first image's reports are gone: that must fail, never read as clean. */
#ifndef RACELAB_LOGWATCH_H
#define RACELAB_LOGWATCH_H

#include <stddef.h>

struct rl_logwatch_entry {
    char name[64];
    unsigned opens;
};

struct rl_logwatch {
    int fd; /* -1: no watch */
    struct rl_logwatch_entry *v;
    size_t n, cap;
    int overflow; /* the kernel's queue overflowed: opens were not all seen */
};

/* Starts watching dir; returns -1 with errno (the watch is then off). */
int rl_logwatch_start(struct rl_logwatch *w, const char *dir);
/* Reads every event queued since the start; call once the run's processes are gone. */
void rl_logwatch_collect(struct rl_logwatch *w);
/* How often the file name (in the folder) was opened. */
unsigned rl_logwatch_opens(const struct rl_logwatch *w, const char *name);
void rl_logwatch_free(struct rl_logwatch *w);

#endif
