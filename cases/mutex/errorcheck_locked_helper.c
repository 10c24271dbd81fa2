/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: errorcheck_relock
 * title: A helper that expects the lock held avoids locking it twice
 * lesson: The fix for errorcheck_relock: the work moves into deposit_locked(),
 *   which must be called with the lock held, and deposit() becomes a thin
 *   wrapper that takes the lock. transfer_in() calls the helper, so every lock
 *   is taken once; the ERRORCHECK mutex stays as a guard against regressions.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t account_lock;   /* ERRORCHECK: see main */
static int balance;

/* The caller must hold account_lock. */
static void deposit_locked(int amount)
{
    balance += amount;
}

/* Returns 0, or the error of pthread_mutex_lock. */
static int deposit(int amount)
{
    int rc = pthread_mutex_lock(&account_lock);
    if (rc != 0)
        return rc;
    deposit_locked(amount);
    pthread_mutex_unlock(&account_lock);
    return 0;
}

/* Move several amounts in as one step, so nobody sees half a transfer. */
static int transfer_in(const int *amounts, int n)
{
    int rc = pthread_mutex_lock(&account_lock);
    if (rc != 0)
        return rc;
    for (int i = 0; i < n; i++)
        deposit_locked(amounts[i]);     /* the lock is already held */
    pthread_mutex_unlock(&account_lock);
    return rc;
}

static void *teller(void *arg)
{
    const int amounts[] = {10, 20, 30};
    *(int *)arg = transfer_in(amounts, 3);
    return NULL;
}

int main(void)
{
    pthread_t t;
    int rc = 0;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&account_lock, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_create(&t, NULL, teller, &rc);
    pthread_join(t, NULL);
    if (rc == 0)
        rc = deposit(5);                /* the locking entry point */
    pthread_mutex_destroy(&account_lock);
    if (rc != 0) {
        fprintf(stderr, "transfer failed: %s\n", strerror(rc));
        return 1;
    }
    printf("balance %d\n", balance);
    return 0;
}
