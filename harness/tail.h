/* --output: what the program writes to its stdout and stderr files reaches racelab's own
 * stdout and stderr as the run goes. The files stay the record (shown on failure, kept with
 * --keep); a thread follows them as `tail -f` would, so the program's descriptors are the
 * same files with or without --output. */
#ifndef RACELAB_TAIL_H
#define RACELAB_TAIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

struct rl_tail_file {
    const char *path; /* opened once the program has made it */
    int fd;
    int to;   /* racelab's descriptor: 1 or 2 */
    off_t at; /* bytes copied so far */
};

struct rl_tail {
    struct rl_tail_file files[2];
    pthread_t thread;
    int started;
    atomic_int stop;
};

/* Starts following out_path (to racelab's stdout) and err_path (to its stderr). Returns 0,
 * or -1 with errno. */
int rl_tail_start(struct rl_tail *t, const char *out_path, const char *err_path);
/* Copies what is left, then stops. Safe to call when not started. */
void rl_tail_stop(struct rl_tail *t);

#endif
