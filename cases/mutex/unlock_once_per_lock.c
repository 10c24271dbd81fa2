/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: double_unlock
 * title: Every path through the function unlocks the mutex exactly once
 * lesson: The fixed withdraw() keeps a single unlock at its single exit point;
 *   the error path only records the refusal. One lock, one unlock, on every
 *   path: no tool has anything to report.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    if (balance >= amount) {   /* the error path just leaves ok at 0 */
        balance -= amount;
        ok = 1;
    }
    pthread_mutex_unlock(&lock);   /* the only unlock */
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
    int small = 30, big = 1000;
    pthread_t a, b;
    pthread_create(&a, NULL, client, &small);
    pthread_create(&b, NULL, client, &big);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("balance %d\n", balance);
    return 0;
}
