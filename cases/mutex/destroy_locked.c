/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: destroy_unlocked
 * title: A mutex is destroyed while the destroying thread still holds it
 * lesson: job_finish() locks the job to read its result and then destroys the
 *   mutex and frees the job without unlocking first. Destroying a locked mutex
 *   is undefined behaviour; glibc refuses with EBUSY, which nobody checks, and
 *   the memory is freed anyway. Unlock before you destroy, and destroy only
 *   when no thread can still use the mutex.
 * timeout: 10
 * expect tsan: destroy-locked
 * expect helgrind: destroy-locked, api-error -- Helgrind also reports the EBUSY
 *   that pthread_mutex_destroy returns.
 * expect drd: destroy-locked
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
    /* The bug: the unlock is missing here */
    pthread_mutex_destroy(&j->lock);   /* racelab: destroy-locked */ /* racelab: api-error */
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
