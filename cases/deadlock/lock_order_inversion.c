/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: lock_order_ordered
 * title: Two threads take the same two locks in opposite orders (no hang this time)
 * lesson: One thread locks accounts then audit, the other audit then accounts.
 *   Here they run one after the other, so nothing hangs, but had they
 *   overlapped, each could hold one lock and wait forever for the other.
 *   Lock-order detectors flag the cycle without the hang; the fix is one
 *   global order that every thread follows.
 * timeout: 10
 * expect tsan: lock-order
 * expect helgrind: lock-order
 * expect drd: clean -- DRD has no lock-order detector, and no hang happens.
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
    pthread_mutex_lock(&audit); /* racelab: lock-order */
    balance += 10;
    audit_entries++;
    pthread_mutex_unlock(&audit);
    pthread_mutex_unlock(&accounts);
    return NULL;
}

/* Order audit -> accounts: the inversion. */
static void *audit_report(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&audit);
    pthread_mutex_lock(&accounts); /* racelab: lock-order */
    printf("balance %d after %d entries\n", balance, audit_entries);
    pthread_mutex_unlock(&accounts);
    pthread_mutex_unlock(&audit);
    return NULL;
}

int main(void)
{
    pthread_t t;

    /* The threads run one after the other (join in between), so this run
     * cannot hang; both orders still happen, which is all a detector needs. */
    pthread_create(&t, NULL, deposit, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, audit_report, NULL);
    pthread_join(t, NULL);
    return 0;
}
