/* racelab-case
 * concept: thread
 * variant: correct
 * twin: thread_ids_from_creator
 * title: Thread ids compared with pthread_self and pthread_equal
 * lesson: pthread_t is opaque (it may be a struct), so compare ids with
 *   pthread_equal, never with ==. A thread learns its own id from
 *   pthread_self; it must not read the creator's pthread_t variable, which
 *   pthread_create may fill in only after the new thread is already running.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define NTHREADS 2

static pthread_t main_thread;        /* set before any thread is created */
static pthread_t self_ids[NTHREADS]; /* slot k is written by thread k only */

static int on_main_thread(void)
{
    return pthread_equal(pthread_self(), main_thread);
}

static void *worker(void *arg)
{
    int k = *(const int *)arg;
    self_ids[k] = pthread_self(); /* our own id, as the joiner will know it */
    return (void *)(intptr_t)on_main_thread();
}

int main(void)
{
    pthread_t t[NTHREADS];
    int ids[NTHREADS];

    main_thread = pthread_self();
    for (int k = 0; k < NTHREADS; k++) {
        ids[k] = k;
        pthread_create(&t[k], NULL, worker, &ids[k]);
    }
    for (int k = 0; k < NTHREADS; k++) {
        void *was_main;
        pthread_join(t[k], &was_main);
        /* After the join, self_ids[k] is ordered before this read. */
        if (was_main != NULL || !pthread_equal(self_ids[k], t[k])) {
            fprintf(stderr, "thread %d: wrong id\n", k);
            return 1;
        }
    }
    if (!on_main_thread() || pthread_equal(t[0], t[1])) {
        fprintf(stderr, "main: wrong id\n");
        return 1;
    }
    printf("ids are consistent\n");
    return 0;
}
