/* racelab-case
 * concept: thread
 * variant: correct
 * twin: loop_arg_address
 * title: Each thread gets its own argument slot
 * lesson: ids[k] is written before thread k is created and never written
 *   again, and pthread_create orders that write before everything the new
 *   thread does: no race, and every thread sees its own id. The array lives
 *   in main until all threads are joined.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 * expect drd (--check-stack-var=yes): clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define NTHREADS 4

static void *worker(void *arg)
{
    /* Hand the id back to the joiner: ids[k] never changes after creation. */
    return (void *)(intptr_t)*(const int *)arg;
}

int main(void)
{
    pthread_t t[NTHREADS];
    int ids[NTHREADS]; /* one slot per thread, alive until every join */

    for (int i = 0; i < NTHREADS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, worker, &ids[i]);
    }

    int seen[NTHREADS] = { 0 };
    for (int k = 0; k < NTHREADS; k++) {
        void *id;
        pthread_join(t[k], &id);
        if ((intptr_t)id >= 0 && (intptr_t)id < NTHREADS)
            seen[(intptr_t)id]++;
    }
    for (int k = 0; k < NTHREADS; k++) {
        if (seen[k] != 1) {
            fprintf(stderr, "id %d seen %d time(s)\n", k, seen[k]);
            return 1;
        }
    }
    printf("every id seen once\n");
    return 0;
}
