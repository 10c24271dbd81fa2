/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: unlock_once_per_lock
 * title: An error path unlocks a mutex that the normal path unlocks again
 * lesson: withdraw() unlocks early when the balance is too small and then falls
 *   through to the common unlock at the end, so the mutex is unlocked twice.
 *   Unlocking a mutex you do not hold is undefined behaviour; with a default
 *   mutex glibc does not check the owner, so the second unlock can release
 *   the mutex while another thread holds it, and two threads are then inside
 *   the critical section at once. Give every lock exactly one
 *   unlock on every path (one exit point, or return right after the unlock).
 * timeout: 10
 * expect tsan: bad-unlock
 * expect helgrind: bad-unlock
 * expect drd: bad-unlock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int balance = 100;

/* Take amount from the shared balance; returns 1 on success. */
static int withdraw(int amount)
{
    int ok = 0;
    pthread_mutex_lock(&lock);
    if (balance < amount) {
        pthread_mutex_unlock(&lock);   /* early unlock on the error path ... */
    } else {
        balance -= amount;
        ok = 1;
    }
    pthread_mutex_unlock(&lock);       /* racelab: bad-unlock -- the second unlock, on the error path */
    return ok;
}

static void *client(void *arg)
{
    int amount = *(int *)arg;
    printf("withdraw %d: %s\n", amount, withdraw(amount) ? "ok" : "refused");
    return NULL;
}

int main(void)
{
    /* The second client asks for more than the balance can ever hold, so it
     * always takes the error path, whatever the order of the two threads. */
    int small = 30, big = 1000;
    pthread_t a, b;
    pthread_create(&a, NULL, client, &small);
    pthread_create(&b, NULL, client, &big);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("balance %d\n", balance);
    return 0;
}
