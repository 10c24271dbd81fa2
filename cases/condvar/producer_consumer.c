/* racelab-case
 * concept: condvar
 * variant: correct
 * title: A bounded queue shared by one producer and one consumer
 * lesson: The queue, its count and both condition variables are guarded by one
 *   mutex. Each side waits in a while loop, with the mutex held, until its
 *   condition holds (not full / not empty), changes the queue, and signals the
 *   other side. The while loop re-checks after every wake-up, so spurious or
 *   stolen wake-ups do no harm.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CAPACITY 4
#define ITEMS 20

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[CAPACITY];   /* ring buffer, guarded by lock */
static int head, count;       /* guarded by lock */

static void put(int item)
{
    pthread_mutex_lock(&lock);
    while (count == CAPACITY)                  /* while, not if */
        pthread_cond_wait(&not_full, &lock);   /* releases lock while asleep */
    queue[(head + count) % CAPACITY] = item;
    count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&lock);
}

static int take(void)
{
    pthread_mutex_lock(&lock);
    while (count == 0)
        pthread_cond_wait(&not_empty, &lock);
    int item = queue[head];
    head = (head + 1) % CAPACITY;
    count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&lock);
    return item;
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++)
        put(i);
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (int i = 1; i <= ITEMS; i++) {
        int item = take();
        if (item != i) {   /* one producer, one consumer: FIFO order holds */
            fprintf(stderr, "got %d, expected %d\n", item, i);
            exit(1);
        }
        *sum += item;
    }
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    long sum = 0;
    pthread_create(&c, NULL, consumer, &sum);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("sum %ld (expected %d)\n", sum, ITEMS * (ITEMS + 1) / 2);
    return sum == ITEMS * (ITEMS + 1) / 2 ? 0 : 1;
}
