/* racelab-case
 * concept: race
 * variant: broken
 * twin: bitfields_split
 * title: Two adjacent bit-fields, each guarded by its own mutex
 * lesson: Adjacent bit-fields share one memory location: the compiler updates
 *   `ready` by loading the byte (or word) that holds both fields, changing
 *   its bits and storing it back, and the store writes `count` too. So a
 *   lock per field guards nothing, and an update of one field can undo a
 *   concurrent update of the other. C11 makes fields separate locations only
 *   when they are not adjacent bit-fields: put them in separate members, or
 *   end the run of bit-fields with a zero-width one (bitfields_split).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

static struct {
    unsigned ready : 1; /* guarded by ready_lock */
    unsigned count : 7; /* guarded by count_lock: the same byte */
} flags;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void *set_ready(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&ready_lock);
    flags.ready = 1; /* racelab: data-race -- writes count's byte too */
    pthread_mutex_unlock(&ready_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, set_ready, NULL);
    pthread_mutex_lock(&count_lock);
    flags.count++; /* racelab: data-race */
    pthread_mutex_unlock(&count_lock);
    pthread_join(t, NULL);
    printf("ready %u count %u\n", flags.ready, flags.count);
    return 0;
}
