/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: sem_post_after_destroy
 * title: main destroys a semaphore only after joining the worker that posts it
 * lesson: The worker may post as often as it likes; once pthread_join has
 *   returned, nobody else can touch the semaphore, and sem_destroy is safe.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t done;

static void *worker(void *arg)
{
    (void)arg;
    sem_post(&done);
    sem_post(&done);
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (sem_init(&done, 0, 0) != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&done);
    pthread_join(t, NULL);
    sem_destroy(&done);
    puts("done");
    return 0;
}
