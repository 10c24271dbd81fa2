/* racelab-case
 * concept: thread
 * variant: correct
 * twin: exit_destructor_races
 * title: main ends with pthread_exit, so the process exits only after its detached worker
 * lesson: pthread_exit in main ends the main thread only: the process lives
 *   on until its last thread ends, and exit (with its atexit handlers) runs
 *   then, on that thread. So the handler that clears the table runs after
 *   the worker has finished with it, on the worker's own thread. Under TSan
 *   the program never ends: TSan's own background thread outlives every
 *   thread of the program, so the process waits for it forever. Under
 *   Valgrind the handlers run as thread 1, unordered with the worker's
 *   writes, so Helgrind and DRD report a race that cannot happen.
 * timeout: 5
 * expect tsan: timeout -- TSan's background thread is a thread of the process: when main calls
 *   pthread_exit, it is never the last thread, so the process never exits (a false positive).
 * expect helgrind: data-race -- Valgrind runs the exit handlers as thread 1 once the last thread
 *   has ended, and Helgrind sees no order between the worker's end and them: a false positive.
 * expect drd: data-race -- Valgrind runs the exit handlers as thread 1 once the last thread has
 *   ended, and DRD sees no order between the worker's end and them: a false positive.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

int table[16]; /* not static: a static that nothing reads may have its stores removed */

static void clear_table(void)
{
    for (int i = 0; i < 16; i++) /* racelab: data-race -- Helgrind, DRD: a false positive */
        table[i] = -1;           /* racelab: data-race -- Helgrind, DRD */
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 16; i++) /* racelab: data-race -- Helgrind, DRD */
        table[i] = i * i;        /* racelab: data-race -- Helgrind, DRD */
    return NULL; /* the last thread: the process exits here */
}

int main(void)
{
    pthread_t t;
    if (atexit(clear_table) != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    pthread_detach(t);
    pthread_exit(NULL); /* not return: the worker keeps the process alive */
}
