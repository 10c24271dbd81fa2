/* The pool: one queue under one mutex, one condition variable for "a task or the end". */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct task {
    struct task *next;
    pool_task *fn;
    void *arg;
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a task was queued, or the pool is stopping */
    struct task *head, *tail;
    int stopping;
    unsigned next_id; /* the id the next worker to start takes */
    unsigned workers;
    unsigned long *ran; /* per worker id: tasks run */
    pthread_t *threads;
};

/* Each worker takes an id of its own for its slot in ran[]. */
static unsigned take_id(struct pool *p)
{
#ifdef POOL_FIXED
    pthread_mutex_lock(&p->lock);
    unsigned id = p->next_id++;
    pthread_mutex_unlock(&p->lock);
#else
    /* The bug: every worker runs this first, before any lock, so nothing orders one
     * worker's read-modify-write against another's; two workers can take one id. */
    unsigned id = p->next_id++;
#endif
    return id;
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    unsigned id = take_id(p);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->work, &p->lock);
        struct task *t = p->head;
        if (!t)
            break; /* stopping, and the queue is empty */
        p->head = t->next;
        if (!p->head)
            p->tail = NULL;
        p->ran[id]++;
        pthread_mutex_unlock(&p->lock);
        t->fn(t->arg);
        free(t);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pool *pool_create(unsigned workers)
{
    struct pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ran = calloc(workers, sizeof *p->ran);
    p->threads = calloc(workers, sizeof *p->threads);
    if (!p->ran || !p->threads || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p->ran);
        free(p->threads);
        free(p);
        return NULL;
    }
    pthread_cond_init(&p->work, NULL);
    for (; p->workers < workers; p->workers++)
        if (pthread_create(&p->threads[p->workers], NULL, worker, p) != 0)
            break;
    if (p->workers < workers) {
        pool_destroy(p, NULL);
        return NULL;
    }
    return p;
}

int pool_submit(struct pool *p, pool_task *fn, void *arg)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        return -1;
    t->next = NULL;
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_lock(&p->lock);
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

void pool_destroy(struct pool *p, unsigned long *ran)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->workers; i++)
        pthread_join(p->threads[i], NULL);
    for (unsigned i = 0; ran && i < p->workers; i++)
        ran[i] = p->ran[i];
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p->ran);
    free(p);
}
