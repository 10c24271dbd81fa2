/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: lock_held_across_join
 * title: main releases the mutex before it joins the worker that needs it
 * lesson: main's critical section ends before the join, so the worker can take
 *   the lock, finish and be joined; main takes the lock again to read the
 *   result.
 * timeout: 5
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int results;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    results++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&lock);
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    pthread_mutex_lock(&lock);
    printf("results %d\n", results);
    pthread_mutex_unlock(&lock);
    return 0;
}
