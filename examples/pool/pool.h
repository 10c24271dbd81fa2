/* A fixed-size thread pool: pool_create starts the workers, pool_submit queues a task,
 * pool_destroy runs every queued task, joins the workers and frees the pool. */
#ifndef POOL_H
#define POOL_H

struct pool;

typedef void pool_task(void *arg);

/* Returns the pool, or NULL when a thread or the memory could not be had. */
struct pool *pool_create(unsigned workers);
/* Returns 0, or -1 when the task could not be queued (out of memory). */
int pool_submit(struct pool *p, pool_task *fn, void *arg);
/* How many tasks each worker ran, into ran[0..workers-1]; then the pool is gone. */
void pool_destroy(struct pool *p, unsigned long *ran);

#endif
