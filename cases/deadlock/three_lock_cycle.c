/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: three_lock_ordered
 * title: Three threads form a lock-order cycle of three locks (no hang this time)
 * lesson: No two threads take the same pair in opposite orders, yet
 *   users -> orders, orders -> stock and stock -> users close a cycle: if the
 *   three overlapped, each could hold one lock and wait for the next forever.
 *   Here they run one after the other, so only a lock-order detector sees it.
 *   Give the locks a global rank and always take the lower rank first.
 * timeout: 10
 * expect tsan: lock-order
 * expect helgrind: lock-order
 * expect drd: clean -- DRD has no lock-order detector, and no hang happens.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t users = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t orders = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stock = PTHREAD_MUTEX_INITIALIZER;
static int n_users = 1, n_orders, n_stock = 5;

static void *place_order(void *arg) /* users -> orders */
{
    (void)arg;
    pthread_mutex_lock(&users);
    pthread_mutex_lock(&orders); /* racelab: lock-order */
    n_orders += n_users;
    pthread_mutex_unlock(&orders);
    pthread_mutex_unlock(&users);
    return NULL;
}

static void *ship_order(void *arg) /* orders -> stock */
{
    (void)arg;
    pthread_mutex_lock(&orders);
    pthread_mutex_lock(&stock); /* racelab: lock-order */
    n_stock -= n_orders;
    pthread_mutex_unlock(&stock);
    pthread_mutex_unlock(&orders);
    return NULL;
}

static void *restock_notify(void *arg) /* stock -> users: closes the cycle */
{
    (void)arg;
    pthread_mutex_lock(&stock);
    pthread_mutex_lock(&users); /* racelab: lock-order */
    printf("notify %d users: %d left\n", n_users, n_stock);
    pthread_mutex_unlock(&users);
    pthread_mutex_unlock(&stock);
    return NULL;
}

int main(void)
{
    void *(*steps[])(void *) = {place_order, ship_order, restock_notify};
    pthread_t t;

    /* One thread at a time (join in between): this run cannot hang. */
    for (int i = 0; i < 3; i++) {
        pthread_create(&t, NULL, steps[i], NULL);
        pthread_join(t, NULL);
    }
    return 0;
}
