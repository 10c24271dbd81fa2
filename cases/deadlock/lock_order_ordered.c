/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: lock_order_inversion
 * title: Two threads take the same two locks in one global order
 * lesson: Both threads lock accounts before audit. With a single global order
 *   no thread can hold the second lock while waiting for the first, so no
 *   cycle, and no deadlock, is possible however the threads interleave.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit = PTHREAD_MUTEX_INITIALIZER;
static int balance, audit_entries;

/* Order accounts -> audit. */
static void *deposit(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&accounts);
    pthread_mutex_lock(&audit);
    balance += 10;
    audit_entries++;
    pthread_mutex_unlock(&audit);
    pthread_mutex_unlock(&accounts);
    return NULL;
}

/* Same order accounts -> audit: the report does not need audit first. */
static void *audit_report(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&accounts);
    pthread_mutex_lock(&audit);
    printf("balance %d after %d entries\n", balance, audit_entries);
    pthread_mutex_unlock(&audit);
    pthread_mutex_unlock(&accounts);
    return NULL;
}

int main(void)
{
    pthread_t t;

    /* Same schedule as the broken twin: one thread after the other. */
    pthread_create(&t, NULL, deposit, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, audit_report, NULL);
    pthread_join(t, NULL);
    return 0;
}
