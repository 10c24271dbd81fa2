/* racelab-case
 * concept: race
 * variant: broken
 * twin: reader_locked
 * title: The writer takes the lock, the reader does not
 * lesson: Locking only on the write side is not enough: the reader's unlocked
 *   loads race with the writer's stores, and it can see a transfer half done
 *   (money missing from both accounts). A lock orders only the threads that
 *   take it, so the reader must take it too (reader_locked).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

#define TRANSFERS 100

static pthread_mutex_t bank_lock = PTHREAD_MUTEX_INITIALIZER;
static long checking = 1000; /* guarded by bank_lock */
static long savings = 1000;  /* guarded by bank_lock */

static void *transfer(void *arg)
{
    (void)arg;
    for (int i = 0; i < TRANSFERS; i++) {
        pthread_mutex_lock(&bank_lock);
        checking -= 10; /* racelab: data-race */
        savings += 10;  /* racelab: data-race */
        pthread_mutex_unlock(&bank_lock);
    }
    return NULL;
}

static void *audit(void *arg)
{
    long *total = arg;
    /* Reads both balances without bank_lock: may see one update but not the other. */
    *total = checking + savings; /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t writer, reader;
    long total;

    pthread_create(&reader, NULL, audit, &total);
    pthread_create(&writer, NULL, transfer, NULL);
    pthread_join(reader, NULL);
    pthread_join(writer, NULL);
    printf("audited total = %ld (should be 2000)\n", total);
    return 0;
}
