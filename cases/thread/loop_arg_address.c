/* racelab-case
 * concept: thread
 * variant: broken
 * twin: loop_arg_per_thread
 * title: The creation loop passes &i to every thread
 * lesson: Every thread gets the address of the same loop variable, which main
 *   keeps incrementing while the threads read it: a data race, and threads
 *   often see the wrong id (two threads with id 2, none with id 0). Give each
 *   thread its own argument that lives until the thread has read it, e.g. an
 *   array element per thread (loop_arg_per_thread).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: clean -- DRD drops a thread's accesses to its own stack unless run with --check-stack-var=yes (which catches this bug), and i lives on main's stack.
 * expect drd (--check-stack-var=yes): data-race -- With --check-stack-var=yes DRD checks accesses to thread stacks too, and sees the threads read main's i while main writes it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define NTHREADS 4

static void *worker(void *arg)
{
    /* Hand the id back to the joiner: it is whatever i holds right now. */
    return (void *)(intptr_t)*(const int *)arg; /* racelab: data-race */
}

int main(void)
{
    pthread_t t[NTHREADS];
    /* Declared out here so that it outlives the threads: the bug shown is the
     * race, not a pointer to a dead loop variable. */
    int i;

    /* One line, so that main's store to i is reported on this line whatever
     * the compiler does with the increment. */
    for (i = 0; i < NTHREADS; i++) pthread_create(&t[i], NULL, worker, &i); /* racelab: data-race */

    int seen[NTHREADS] = { 0 };
    for (int k = 0; k < NTHREADS; k++) {
        void *id;
        pthread_join(t[k], &id);
        if ((intptr_t)id >= 0 && (intptr_t)id < NTHREADS)
            seen[(intptr_t)id]++;
    }
    /* Which ids repeat changes from run to run; the race is there every time. */
    for (int k = 0; k < NTHREADS; k++)
        printf("id %d seen %d time(s)\n", k, seen[k]);
    return 0;
}
