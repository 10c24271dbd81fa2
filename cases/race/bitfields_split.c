/* racelab-case
 * concept: race
 * variant: correct
 * twin: bitfields_two_locks
 * title: Two fields under two mutexes, kept in separate memory locations
 * lesson: A zero-width bit-field ends the run of adjacent bit-fields, so
 *   `count` starts a memory location of its own and an update of `ready`
 *   no longer stores to it. Each mutex now guards all the bytes its field's
 *   updates write.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static struct {
    unsigned ready : 1; /* guarded by ready_lock */
    unsigned : 0;       /* a new memory location starts here */
    unsigned count : 7; /* guarded by count_lock */
} flags;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void *set_ready(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&ready_lock);
    flags.ready = 1;
    pthread_mutex_unlock(&ready_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, set_ready, NULL);
    pthread_mutex_lock(&count_lock);
    flags.count++;
    pthread_mutex_unlock(&count_lock);
    pthread_join(t, NULL);
    printf("ready %u count %u\n", flags.ready, flags.count);
    return 0;
}
