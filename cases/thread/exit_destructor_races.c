/* racelab-case
 * concept: thread
 * variant: broken
 * twin: main_pthread_exit
 * title: main returns while a detached thread still uses a table that an atexit handler clears
 * lesson: Returning from main calls exit, which runs the atexit handlers (and,
 *   in C++, the destructors of static objects) while other threads are still
 *   running: here the handler tears down the table the worker is using. The
 *   process ends only after that. A detached thread is no reason for main to
 *   keep the process alive; end main with pthread_exit (main_pthread_exit),
 *   or stop and join the workers before returning.
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused() */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

int table[16]; /* not static: a static that nothing reads may have its stores removed */

static void clear_table(void)
{
    for (int i = 0; i < 16; i++) /* racelab: data-race -- DRD cites the loop */
        table[i] = -1; /* racelab: data-race -- the worker still uses the table */
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 16; i++) /* racelab: data-race -- DRD cites the loop */
        table[i] = i * i; /* racelab: data-race */
    pause_here(); /* still working, as far as exit knows: it never ends */
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0 || atexit(clear_table) != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    pthread_detach(t);
    wait_until_paused(); /* the worker has filled the table and is still running */
    return 0; /* exit: clear_table runs now */
}
