/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: destroy_locked
 * title: A mutex is unlocked before it is destroyed
 * lesson: The fixed job_finish() unlocks the job's mutex before destroying it,
 *   and does so only after the worker has been joined, so no thread can hold
 *   or wait for the mutex any more. Destroy succeeds and no tool reports.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
    pthread_mutex_t lock;
    int result;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    pthread_mutex_lock(&j->lock);
    j->result = 42;
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* Read the result and release the job. */
static int job_finish(struct job *j)
{
    pthread_mutex_lock(&j->lock);
    int result = j->result;
    pthread_mutex_unlock(&j->lock);    /* unlock first ... */
    pthread_mutex_destroy(&j->lock);   /* ... then destroy: nobody else can use it now */
    free(j);
    return result;
}

int main(void)
{
    struct job *j = malloc(sizeof *j);
    if (!j)
        return 1;
    pthread_mutex_init(&j->lock, NULL);
    j->result = 0;
    pthread_t t;
    pthread_create(&t, NULL, worker, j);
    pthread_join(t, NULL);
    printf("result %d\n", job_finish(j));
    return 0;
}
