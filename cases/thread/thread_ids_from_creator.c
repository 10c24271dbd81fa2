/* racelab-case
 * concept: thread
 * variant: broken
 * twin: thread_ids
 * title: Threads learn their id from the creator, and compare ids with ==
 * lesson: main stores each new thread's pthread_t in a shared table after
 *   pthread_create returns, and the thread reads its id from that table: the
 *   read races with the store, so a thread that runs first finds no id at all
 *   (and POSIX does not even promise that pthread_create fills in its own
 *   argument before the new thread runs). A thread learns its own id from
 *   pthread_self. The thread then compares ids with ==, which compiles on
 *   glibc only because its pthread_t happens to be an integer; pthread_t is
 *   opaque, so use pthread_equal. Nor is pthread_self the id that top, ps and
 *   /proc show: that is the kernel's thread id, gettid(), a different number
 *   in a different namespace, and neither can stand in for the other.
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#define _GNU_SOURCE /* gettid() */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define NTHREADS 4

struct worker_info {
    pthread_t id;     /* the bug: stored by main after pthread_create, read by the thread */
    int knows_itself; /* written by the thread, read by main after the join */
};
static struct worker_info info[NTHREADS];

static void *worker(void *arg)
{
    struct worker_info *w = arg;
    pthread_t told = w->id; /* racelab: data-race -- main may not have stored it yet */
    /* The second bug: == on an opaque type (pthread_equal is the comparison). */
    w->knows_itself = told == pthread_self();
    /* Two different ids of one thread: the kernel's and the library's. */
    printf("kernel tid %d, pthread_self %#lx\n", (int)gettid(), (unsigned long)pthread_self());
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];

    for (int k = 0; k < NTHREADS; k++) {
        pthread_create(&t[k], NULL, worker, &info[k]);
        info[k].id = t[k]; /* racelab: data-race -- the thread may already be reading it */
    }
    int knew = 0;
    for (int k = 0; k < NTHREADS; k++) {
        pthread_join(t[k], NULL);
        knew += info[k].knows_itself;
    }
    /* Not checked: how many knew depends on the schedule, which is the point. */
    printf("%d of %d threads were told their id in time\n", knew, NTHREADS);
    return 0;
}
