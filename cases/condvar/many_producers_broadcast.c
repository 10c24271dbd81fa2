/* racelab-case
 * concept: condvar
 * variant: correct
 * title: Several producers and consumers share a bounded queue, using broadcast
 * lesson: Three producers and three consumers wait on the same two condition
 *   variables. pthread_cond_broadcast wakes every waiter; all but the ones that
 *   find their condition true go back to sleep, because each waits in a while
 *   loop with the mutex held. Broadcast is always safe with while loops (signal
 *   is enough when any one waiter can use the change).
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

#define CAPACITY 2
#define PER_THREAD 10
#define THREADS 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[CAPACITY];   /* ring buffer, guarded by lock */
static int head, count;       /* guarded by lock */

static void put(int item)
{
    pthread_mutex_lock(&lock);
    while (count == CAPACITY)
        pthread_cond_wait(&not_full, &lock);
    queue[(head + count) % CAPACITY] = item;
    count++;
    pthread_cond_broadcast(&not_empty);   /* wake all consumers ... */
    pthread_mutex_unlock(&lock);
}

static int take(void)
{
    pthread_mutex_lock(&lock);
    while (count == 0)                     /* ... all but one go back to sleep */
        pthread_cond_wait(&not_empty, &lock);
    int item = queue[head];
    head = (head + 1) % CAPACITY;
    count--;
    pthread_cond_broadcast(&not_full);
    pthread_mutex_unlock(&lock);
    return item;
}

static void *producer(void *arg)
{
    int base = *(int *)arg;
    for (int i = 1; i <= PER_THREAD; i++)
        put(base + i);
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (int i = 0; i < PER_THREAD; i++)
        *sum += take();
    return NULL;
}

int main(void)
{
    pthread_t p[THREADS], c[THREADS];
    int base[THREADS];
    long sums[THREADS] = {0}, total = 0, expected = 0;
    for (int i = 0; i < THREADS; i++) {
        base[i] = 100 * i;
        for (int j = 1; j <= PER_THREAD; j++)
            expected += base[i] + j;
        pthread_create(&c[i], NULL, consumer, &sums[i]);
        pthread_create(&p[i], NULL, producer, &base[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(p[i], NULL);
        pthread_join(c[i], NULL);
        total += sums[i];
    }
    printf("total %ld (expected %ld)\n", total, expected);
    return total == expected ? 0 : 1;
}
