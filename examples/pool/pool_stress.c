/* pool_stress TASKS WORKERS: runs TASKS tasks on a pool of WORKERS threads and checks that
 * every task ran once. Each task writes only its own slot: the test itself shares nothing
 * unsynchronised, so a race reported here is the pool's. Exit status 0, or 1 when a check
 * failed, 2 on bad arguments. */
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>

static void square(void *arg)
{
    unsigned long *slot = arg;
    *slot = *slot * *slot;
}

int main(int argc, char **argv)
{
    unsigned long tasks = argc == 3 ? strtoul(argv[1], NULL, 10) : 0;
    unsigned long workers = argc == 3 ? strtoul(argv[2], NULL, 10) : 0;
    if (tasks == 0 || workers == 0 || workers > 64) {
        fprintf(stderr, "usage: pool_stress TASKS WORKERS (1 to 64 workers)\n");
        return 2;
    }
    unsigned long *slots = malloc(tasks * sizeof *slots);
    unsigned long ran[64];
    struct pool *p = slots ? pool_create((unsigned)workers) : NULL;
    if (!p) {
        perror("pool_stress: pool_create");
        free(slots);
        return 1;
    }
    unsigned long queued = 0;
    for (; queued < tasks; queued++) {
        slots[queued] = queued;
        if (pool_submit(p, square, &slots[queued]) != 0) {
            perror("pool_stress: pool_submit");
            break;
        }
    }
    if (queued < tasks) {
        pool_destroy(p, NULL);
        free(slots);
        return 1;
    }
    pool_destroy(p, ran);
    unsigned long total = 0;
    for (unsigned long i = 0; i < workers; i++)
        total += ran[i];
    int status = 0;
    for (unsigned long i = 0; i < tasks && status == 0; i++)
        if (slots[i] != i * i) {
            fprintf(stderr, "pool_stress: task %lu did not run once\n", i);
            status = 1;
        }
    if (status == 0 && total != tasks) {
        fprintf(stderr, "pool_stress: the workers counted %lu tasks, not %lu\n", total, tasks);
        status = 1;
    }
    if (status == 0)
        printf("pool_stress: %lu tasks on %lu workers\n", tasks, workers);
    free(slots);
    return status;
}
