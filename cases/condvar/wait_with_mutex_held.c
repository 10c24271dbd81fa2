/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: wait_without_mutex
 * title: A thread locks the mutex before checking the condition and waiting
 * lesson: The fix for wait_without_mutex: the waiter locks the mutex, checks
 *   `ready` in a while loop and calls pthread_cond_wait with the mutex held;
 *   the wait returns with it locked again, and the waiter unlocks it when done.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock;   /* initialised in main */
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* guarded by lock */

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);              /* first the mutex ... */
    while (!ready)                          /* ... then check ... */
        pthread_cond_wait(&cond, &lock);    /* ... and wait: unlocks, sleeps, relocks */
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_init(&lock, NULL);
    pthread_create(&t, NULL, waiter, NULL);
    wait_until_someone_sleeps_on(&cond, sizeof cond); /* the waiter is inside its wait */

    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
