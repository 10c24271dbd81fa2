/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: uninitialised_in_malloc
 * title: A mutex inside a malloc'd struct is initialised by its constructor
 * lesson: malloc() returns whatever the block held before, so a mutex in
 *   malloc'd memory is not a mutex until pthread_mutex_init() makes it one.
 *   account_new() initialises it (and checks the result), account_free()
 *   destroys it once the last teller has been joined; in between every lock
 *   works, and the tellers' updates are ordered.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    memset(a, 0xa5, sizeof *a); /* what the block held before */
    a->balance = 0;
    if (pthread_mutex_init(&a->lock, NULL) != 0) /* FIX: now it is a mutex */
        exit(2);
    return a;
}

static void account_free(struct account *a)
{
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void *teller(void *arg)
{
    struct account *a = arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&a->lock);
        a->balance += 10;
        pthread_mutex_unlock(&a->lock);
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
    int ok = a->balance == 2000;
    account_free(a);
    return ok ? 0 : 1;
}
