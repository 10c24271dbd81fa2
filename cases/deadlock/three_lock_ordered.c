/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: three_lock_cycle
 * title: Three threads take three locks by a global rank
 * lesson: The locks are ranked users < orders < stock and every thread takes
 *   the lower rank first, so the notifier locks users before stock. Every
 *   wait then points up the ranking, and a cycle of waits cannot close.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

/* Rank: users < orders < stock. */
static pthread_mutex_t users = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t orders = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stock = PTHREAD_MUTEX_INITIALIZER;
static int n_users = 1, n_orders, n_stock = 5;

static void *place_order(void *arg) /* users -> orders */
{
    (void)arg;
    pthread_mutex_lock(&users);
    pthread_mutex_lock(&orders);
    n_orders += n_users;
    pthread_mutex_unlock(&orders);
    pthread_mutex_unlock(&users);
    return NULL;
}

static void *ship_order(void *arg) /* orders -> stock */
{
    (void)arg;
    pthread_mutex_lock(&orders);
    pthread_mutex_lock(&stock);
    n_stock -= n_orders;
    pthread_mutex_unlock(&stock);
    pthread_mutex_unlock(&orders);
    return NULL;
}

static void *restock_notify(void *arg) /* users -> stock: follows the rank */
{
    (void)arg;
    pthread_mutex_lock(&users);
    pthread_mutex_lock(&stock);
    printf("notify %d users: %d left\n", n_users, n_stock);
    pthread_mutex_unlock(&stock);
    pthread_mutex_unlock(&users);
    return NULL;
}

int main(void)
{
    void *(*steps[])(void *) = {place_order, ship_order, restock_notify};
    pthread_t t;

    /* Same schedule as the broken twin: one thread at a time. */
    for (int i = 0; i < 3; i++) {
        pthread_create(&t, NULL, steps[i], NULL);
        pthread_join(t, NULL);
    }
    return 0;
}
