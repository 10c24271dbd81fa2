/* racelab-case
 * concept: race
 * variant: correct
 * twin: racy_null_crash
 * title: The check and the use of a shared pointer happen under the lock that guards its clearing
 * lesson: With the check and the dereference inside one critical section, the
 *   worker's clearing comes either before both (main sees NULL and skips) or
 *   after both. The same pause between check and use now only delays the
 *   worker, which waits for the lock.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int config_value = 7;
static int *config = &config_value; /* guarded by lock */

static void *reset(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    config = NULL;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, reset, NULL);
    pthread_mutex_lock(&lock);
    if (config != NULL)
        printf("value %d\n", *config);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    return 0;
}
