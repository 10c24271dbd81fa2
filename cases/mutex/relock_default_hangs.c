/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: recursive_mutex_on_purpose
 * title: A thread locks a default mutex it already holds and hangs forever
 * lesson: transfer_in() holds the account lock and calls deposit(), which takes
 *   the same lock again. POSIX keeps two types apart here: relocking a
 *   PTHREAD_MUTEX_NORMAL mutex deadlocks, while relocking a
 *   PTHREAD_MUTEX_DEFAULT one (what pthread_mutex_init(&m, NULL) gives) is
 *   undefined behaviour. glibc implements DEFAULT as NORMAL, so here the second
 *   lock waits for the owner, which is the waiting thread itself, and it blocks
 *   forever; another C library may do anything. Either make the mutex RECURSIVE
 *   on purpose, or ERRORCHECK to get EDEADLK, or split out a helper that
 *   expects the lock to be held already.
 * timeout: 5
 * expect tsan: deadlock -- TSan's deadlock detector looks for lock-order
 *   cycles between mutexes and says nothing about a self-deadlock on one.
 * expect helgrind: double-lock, deadlock
 * expect drd: double-lock, deadlock
 */
#include <pthread.h>
#include <stdio.h>

/* Initialised with pthread_mutex_init(&account_lock, NULL) in main: Helgrind
 * knows a mutex is non-recursive only if it saw that call. With the static
 * PTHREAD_MUTEX_INITIALIZER it says nothing here and only the hang shows. */
static pthread_mutex_t account_lock;
static int balance;

static void deposit(int amount)
{
    pthread_mutex_lock(&account_lock);   /* racelab: double-lock -- 2nd time: hangs */ /* racelab: deadlock */
    balance += amount;
    pthread_mutex_unlock(&account_lock);
}

/* Move several amounts in as one step, so nobody sees half a transfer. */
static void transfer_in(const int *amounts, int n)
{
    pthread_mutex_lock(&account_lock);
    for (int i = 0; i < n; i++)
        deposit(amounts[i]);            /* The bug: deposit() locks again */
    pthread_mutex_unlock(&account_lock);
}

static void *teller(void *arg)
{
    (void)arg;
    const int amounts[] = {10, 20, 30};
    transfer_in(amounts, 3);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_init(&account_lock, NULL);   /* a default, non-recursive mutex */
    pthread_create(&t, NULL, teller, NULL);
    pthread_join(t, NULL); /* racelab: deadlock */
    printf("balance %d\n", balance);
    return 0;
}
