/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: errorcheck_locked_helper
 * title: An ERRORCHECK mutex turns a self-deadlock into an EDEADLK error
 * lesson: The same relocking bug as relock_default_hangs, but the account lock
 *   is PTHREAD_MUTEX_ERRORCHECK: the owner's second lock fails at once with
 *   EDEADLK instead of hanging, deposit() checks the result, and the error
 *   travels up until main reports it and exits with status 1. Error-checking
 *   mutexes make such bugs loud; the fix is still to not take the lock twice.
 * timeout: 10
 * expect tsan: assertion -- TSan reports a double lock only when the second
 *   lock succeeds; here it fails, and only the program's own check sees it.
 * expect helgrind: double-lock, api-error, assertion
 * expect drd: double-lock, assertion
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t account_lock;   /* ERRORCHECK: see main */
static int balance;

/* Returns 0, or the error of pthread_mutex_lock. */
static int deposit(int amount)
{
    int rc = pthread_mutex_lock(&account_lock);   /* racelab: double-lock */ /* racelab: api-error */
    if (rc != 0)
        return rc;   /* EDEADLK: this thread already holds the lock */
    balance += amount;
    pthread_mutex_unlock(&account_lock);
    return 0;
}

/* Move several amounts in as one step, so nobody sees half a transfer. */
static int transfer_in(const int *amounts, int n)
{
    int rc = pthread_mutex_lock(&account_lock);
    for (int i = 0; i < n && rc == 0; i++)
        rc = deposit(amounts[i]);       /* The bug: deposit() locks again */
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
    pthread_mutex_destroy(&account_lock);
    if (rc != 0) {
        fprintf(stderr, "transfer failed: %s\n", strerror(rc));
        return 1;
    }
    printf("balance %d\n", balance);
    return 0;
}
