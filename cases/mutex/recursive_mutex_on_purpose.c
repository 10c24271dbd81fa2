/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: relock_default_hangs
 * title: A RECURSIVE mutex lets its owner lock it again, on purpose
 * lesson: Here deposit() may be called with or without the account lock held,
 *   so the lock is created PTHREAD_MUTEX_RECURSIVE: the owner's second lock
 *   just counts up, and the mutex is free again after as many unlocks. Use it
 *   deliberately: a helper that expects the lock held is often the clearer fix.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t account_lock;   /* RECURSIVE: see main */
static int balance;

static void deposit(int amount)
{
    pthread_mutex_lock(&account_lock);   /* the owner may lock it again */
    balance += amount;
    pthread_mutex_unlock(&account_lock);
}

/* Move several amounts in as one step, so nobody sees half a transfer. */
static void transfer_in(const int *amounts, int n)
{
    pthread_mutex_lock(&account_lock);
    for (int i = 0; i < n; i++)
        deposit(amounts[i]);            /* locks a second time: allowed */
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
    /* deposit() is called both on its own and with the lock held, on
     * purpose: a recursive mutex counts the owner's locks and is released
     * when the owner has unlocked it as many times. */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&account_lock, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_create(&t, NULL, teller, NULL);
    pthread_join(t, NULL);
    deposit(5);                          /* and on its own, lock not held */
    printf("balance %d\n", balance);
    pthread_mutex_destroy(&account_lock);
    return 0;
}
