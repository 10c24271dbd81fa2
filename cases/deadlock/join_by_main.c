/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: join_self
 * title: The worker only signals it is done; main runs the shutdown that joins it
 * lesson: The worker posts "finished" and returns; main, a different thread,
 *   runs the shutdown code and joins it. pthread_join then waits for
 *   something that can happen, and it returns 0.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    int err = pthread_join(worker, NULL);
    if (err != 0) {
        fprintf(stderr, "shutdown_worker: pthread_join: %s\n", strerror(err));
        exit(1);
    }
}

static void *work(void *arg)
{
    (void)arg;
    jobs_done = 3;
    /* The fix: no shutdown_worker() here; main runs it. */
    sem_post(&work_finished);
    return NULL;
}

int main(void)
{
    sem_init(&work_finished, 0, 0);
    pthread_create(&worker, NULL, work, NULL);
    sem_wait(&work_finished);
    shutdown_worker(); /* main is another thread: the join succeeds */
    printf("%d jobs done\n", jobs_done);
    return 0;
}
