/* racelab-case
 * concept: race
 * variant: correct
 * twin: reader_unlocked
 * title: Writer and reader both take the lock
 * lesson: The reader takes bank_lock too, so it sees the balances either
 *   before or after each transfer, never in between, and its loads are
 *   ordered with the writer's stores. The invariant (the total is 2000) holds
 *   on every audit.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
        checking -= 10;
        savings += 10;
        pthread_mutex_unlock(&bank_lock);
    }
    return NULL;
}

static void *audit(void *arg)
{
    long *total = arg;
    pthread_mutex_lock(&bank_lock);
    *total = checking + savings;
    pthread_mutex_unlock(&bank_lock);
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
    if (total != 2000) {
        fprintf(stderr, "audit saw a half-done transfer: total = %ld\n", total);
        return 1;
    }
    printf("audited total = %ld\n", total);
    return 0;
}
