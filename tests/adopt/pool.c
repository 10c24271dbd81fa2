/* A thread pool in the shape of C-Thread-Pool (a job queue under a mutex, workers woken by a
 * condition variable, a wait for the queue to drain), with the two races such pools have:
 * a counter the jobs share without a lock, and a wait that reads the pool's state without
 * one. tests/cli/baseline.sh baselines them. Built three ways:
 *   (plain)      the two races
 *   -DFIX_FIRST  the jobs' counter under a mutex: one race left, the other "fixed"
 *   -DNEW_RACE   a third race: each job also records itself in a global without a lock
 * The first two jobs wait for each other through a relaxed atomic, which orders nothing for a
 * race detector: two workers then run jobs at the same time in every run, at any load. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WORKERS 2
#define JOBS    4

struct job {
    void (*run)(int arg);
    int arg;
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t has_jobs;
    struct job queue[JOBS];
    int head, tail;
    int pending; /* jobs queued or running */
    int stopping;
    pthread_t workers[WORKERS];
};

static int jobs_done;
static atomic_int started;
#ifdef FIX_FIRST
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
#endif
#ifdef NEW_RACE
static int last_job;
#endif

static void nap(void)
{
    const struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
}

static void count_job(int arg)
{
    /* Until a second worker runs a job too, for at most 5 s. */
    atomic_fetch_add_explicit(&started, 1, memory_order_relaxed);
    for (int i = 0; i < 5000 && atomic_load_explicit(&started, memory_order_relaxed) < 2; i++)
        nap();
#ifdef FIX_FIRST
    pthread_mutex_lock(&done_lock);
    jobs_done++;
    pthread_mutex_unlock(&done_lock);
#else
    jobs_done++; /* race 1: the jobs' counter */
#endif
#ifdef NEW_RACE
    last_job = arg; /* race 3: new */
#else
    (void)arg;
#endif
}

static void *worker(void *p)
{
    struct pool *pool = p;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->head == pool->tail && !pool->stopping)
            pthread_cond_wait(&pool->has_jobs, &pool->lock);
        if (pool->head == pool->tail)
            break;
        struct job j = pool->queue[pool->head++];
        pthread_mutex_unlock(&pool->lock);
        j.run(j.arg);
        pthread_mutex_lock(&pool->lock);
        pool->pending--; /* (the write the unlocked wait reads) */
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

static void pool_add(struct pool *pool, void (*run)(int), int arg)
{
    pthread_mutex_lock(&pool->lock);
    pool->queue[pool->tail++] = (struct job){run, arg};
    pool->pending++;
    pthread_cond_signal(&pool->has_jobs);
    pthread_mutex_unlock(&pool->lock);
}

static void pool_wait(struct pool *pool)
{
    while (pool->pending > 0) /* race 2: the wait reads the pool without its lock */
        nap();
}

int main(void)
{
    static struct pool pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    for (int i = 0; i < WORKERS; i++)
        if (pthread_create(&pool.workers[i], NULL, worker, &pool) != 0)
            return 1;
    for (int i = 0; i < JOBS; i++)
        pool_add(&pool, count_job, i);
    pool_wait(&pool);
    pthread_mutex_lock(&pool.lock);
    pool.stopping = 1;
    pthread_cond_broadcast(&pool.has_jobs);
    pthread_mutex_unlock(&pool.lock);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(pool.workers[i], NULL);
    printf("%d jobs done\n", jobs_done);
#ifdef NEW_RACE
    printf("the last job was %d\n", last_job);
#endif
    return 0;
}
