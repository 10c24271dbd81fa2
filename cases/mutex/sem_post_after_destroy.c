/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: sem_destroy_after_join
 * title: main destroys a semaphore that a worker posts afterwards
 * lesson: sem_destroy ends the semaphore's life; a sem_post on it afterwards
 *   is undefined (glibc happens to let it through, which is worse: nothing
 *   fails). main waits for the worker's first post and then destroys the
 *   semaphore, forgetting that the worker posts once more on its way out.
 *   Destroy a semaphore only after every thread that uses it is joined
 *   (sem_destroy_after_join). No tool notices: glibc's sem_destroy does
 *   nothing, and neither Helgrind nor DRD checks a post after it.
 * expect tsan: clean -- TSan does not check how semaphores are used.
 * expect helgrind: clean -- Helgrind 3.19 does not check a sem_post after sem_destroy.
 * expect drd: clean -- DRD 3.19 does not check a sem_post after sem_destroy.
 */
#include "../scaffold.h" /* pause_here(), end_pause() */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t done;

static void *worker(void *arg)
{
    (void)arg;
    sem_post(&done); /* the result is ready */
    pause_here();    /* main destroys the semaphore meanwhile */
    sem_post(&done); /* "and I am leaving": main has destroyed it */
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0 || sem_init(&done, 0, 0) != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&done);
    sem_destroy(&done); /* the bug: the worker still uses it */
    end_pause();
    pthread_join(t, NULL);
    puts("done");
    return 0;
}
