/* scaffold.h: the waits that make a case's bad timing certain, shared by the cases.
 *
 * A case that must show one interleaving (a signal that falls between a check and a wait,
 * a read after a thread has really ended) cannot order its threads with a mutex, a
 * condition variable or a barrier: a race detector sees those as synchronisation, and the
 * race the case is about would vanish from its report. These waits are invisible instead:
 * one thread watches another through /proc (what it is blocked in, whether it still
 * exists), which no tool counts as synchronisation, so they order no memory access.
 *
 * Include it first, before any system header, as "../scaffold.h". Every function is static
 * inline, so a case that uses a part has no unused-function warnings.
 */
#ifndef RACELAB_SCAFFOLD_H
#define RACELAB_SCAFFOLD_H

#if defined(_FEATURES_H) && !defined(__USE_GNU)
#error "include scaffold.h before any system header: it needs _GNU_SOURCE"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* syscall(SYS_gettid) and the SYS_ numbers of the /proc checks */
#endif
#include <dirent.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Whether some thread of this process is blocked in system call nr with a first argument
 * in [lo, hi), read from /proc/self/task/(tid)/syscall. */
static inline int scaffold_someone_blocked_in(long nr, uintptr_t lo, uintptr_t hi)
{
    char path[300];
    long got;
    unsigned long arg0;
    int found = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "/proc/self/task/%s/syscall", e->d_name);
        FILE *f = fopen(path, "r");
        if (f && fscanf(f, "%ld %lx", &got, &arg0) == 2 && got == nr && arg0 >= lo && arg0 < hi)
            found = 1;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

static inline void scaffold_nap(void)
{
    const struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
}

/* ---- a thread asleep inside a synchronisation object ---------------------------------- */

/* Returns once some thread sleeps in the futex inside obj (e.g. a condition variable:
 * the thread is inside pthread_cond_wait). */
static inline void wait_until_someone_sleeps_on(const void *obj, size_t size)
{
    while (!scaffold_someone_blocked_in(SYS_futex, (uintptr_t)obj, (uintptr_t)obj + size))
        scaffold_nap();
}

/* ---- a pause at a chosen point --------------------------------------------------------- */

/* A thread that calls pause_here() stops there, as if preempted, by blocking in read() on a
 * pipe, until another thread calls end_pause(). Not invisible to every tool: TSan treats a
 * pipe write followed by a read of it as synchronisation (release, acquire), so accesses
 * after pause_here() are ordered after those before end_pause(). Nothing orders what the
 * paused thread did before it paused. */
static int scaffold_pause_pipe[2] = {-1, -1};

static inline int pause_init(void)
{
    return pipe(scaffold_pause_pipe);
}

static inline void pause_here(void)
{
    char c;
    if (read(scaffold_pause_pipe[0], &c, 1) != 1)
        perror("read");
}

/* Returns once a thread is blocked in pause_here(). */
static inline void wait_until_paused(void)
{
    uintptr_t fd = (uintptr_t)scaffold_pause_pipe[0];
    while (!scaffold_someone_blocked_in(SYS_read, fd, fd + 1))
        scaffold_nap();
}

static inline int end_pause(void)
{
    return write(scaffold_pause_pipe[1], "x", 1) == 1 ? 0 : -1;
}

/* ---- a thread that has really ended ---------------------------------------------------- */

/* The calling thread's kernel id, for wait_until_thread_gone(). */
static inline pid_t scaffold_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* Returns once the kernel task tid is gone from /proc/self/task: the thread has ended,
 * though no tool (and no memory model) sees an ordering in that. */
static inline void wait_until_thread_gone(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", (int)tid);
    while (access(path, F_OK) == 0)
        sched_yield();
}

#endif
