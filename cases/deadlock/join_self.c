/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: join_by_main
 * title: A worker thread runs the shutdown code that joins the worker itself
 * lesson: pthread_join waits for a thread to end, so a thread that joins
 *   itself would wait forever. POSIX leaves a self-join undefined (it only
 *   recommends EDEADLK); returning EDEADLK is glibc's choice, and musl, for
 *   one, blocks for ever instead. Here glibc returns it, and the program
 *   checks the result and gives up. Join a thread from another thread (here:
 *   main), never from the thread itself.
 * timeout: 10
 * expect tsan: assertion -- TSan does not report a failed pthread_join;
 *   only the program's own check of the EDEADLK result shows the bug.
 * expect helgrind: api-error, assertion
 * expect drd: assertion -- DRD does not report a failed pthread_join;
 *   only the program's own check of the EDEADLK result shows the bug.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_t worker;
static sem_t work_finished;
static int jobs_done;

/* Stops the worker: waits until it has ended. */
static void shutdown_worker(void)
{
    int err = pthread_join(worker, NULL); /* racelab: api-error */
    if (err != 0) {
        fprintf(stderr, "shutdown_worker: pthread_join: %s\n", strerror(err));
        exit(1);
    }
}

static void *work(void *arg)
{
    (void)arg;
    jobs_done = 3;
    /* The bug: the worker also runs the shutdown, so it joins itself. */
    shutdown_worker();
    sem_post(&work_finished);
    return NULL;
}

int main(void)
{
    sem_init(&work_finished, 0, 0);
    pthread_create(&worker, NULL, work, NULL);
    sem_wait(&work_finished);
    shutdown_worker();
    printf("%d jobs done\n", jobs_done);
    return 0;
}
