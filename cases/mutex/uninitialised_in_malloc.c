/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: initialised_in_constructor
 * title: A mutex inside a malloc'd struct is never initialised
 * lesson: account_new() takes the struct from malloc() and sets its fields,
 *   but forgets pthread_mutex_init(). malloc() returns whatever the block
 *   held before; here it is a recycled block full of garbage (the memset
 *   stands for its previous user, or for MALLOC_PERTURB_), not the zeros that
 *   PTHREAD_MUTEX_INITIALIZER happens to be in glibc. glibc reads a mutex
 *   type it does not know and every lock and unlock fails with EINVAL: the
 *   "critical section" runs unprotected, and the two tellers race on the
 *   balance. Nobody checks the return value, so only the tools tell: TSan
 *   sees the failed lock as the use of an invalid mutex, Helgrind as a
 *   failed call (EINVAL) and an unlock of an invalid lock, DRD only as the
 *   unlock of a mutex nobody locked; all three see the race. Initialise
 *   every mutex you did not get from a static initialiser
 *   (initialised_in_constructor), and check what lock returns.
 * expect tsan: invalid-mutex, bad-unlock, data-race
 * expect helgrind: api-error, bad-unlock, data-race
 * expect drd: bad-unlock, data-race -- DRD does not say the mutex is
 *   invalid; it reports each unlock of the mutex the failed lock left
 *   unlocked.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct account {
    pthread_mutex_t lock;
    long balance;
};

static struct account *account_new(void)
{
    struct account *a = malloc(sizeof *a);
    if (a == NULL)
        exit(2);
    memset(a, 0xa5, sizeof *a); /* what the block held before: not part of the bug */
    a->balance = 0;             /* the bug: a->lock is never initialised */
    return a;
}

static void *teller(void *arg)
{
    struct account *a = arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&a->lock); /* fails with EINVAL */ /* racelab: invalid-mutex */ /* racelab: api-error */
        a->balance += 10;             /* racelab: data-race */
        pthread_mutex_unlock(&a->lock); /* racelab: bad-unlock */ /* racelab: api-error */
    }
    return NULL;
}

int main(void)
{
    struct account *a = account_new();
    pthread_t t1, t2;
    pthread_create(&t1, NULL, teller, a);
    pthread_create(&t2, NULL, teller, a);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("balance %ld\n", a->balance);
    free(a);
    return 0;
}
