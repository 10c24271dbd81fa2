/* racelab-case
 * concept: memory
 * variant: correct
 * twin: use_after_free
 * title: The buffer is freed by main, after it has joined the last thread that uses it
 * lesson: The owner of a shared block frees it once every other user is known
 *   to be done, and pthread_join is that knowledge: everything the worker did
 *   happens before the join returns.
 * expect tsan: clean
 * expect helgrind: clean
 * expect helgrind (--free-is-write=yes): clean
 * expect drd: clean
 * expect drd (--free-is-write=yes): clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int *buffer;

static void *worker(void *arg)
{
    (void)arg;
    buffer[0] = 1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    if ((buffer = calloc(64, sizeof *buffer)) == NULL)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    int first = buffer[0];
    free(buffer);
    printf("first %d\n", first);
    return 0;
}
