/* racelab-case
 * concept: memory
 * variant: broken
 * twin: free_after_join
 * title: A worker frees a buffer that main reads afterwards, with nothing in between
 * lesson: The worker is done with the buffer and frees it; main still holds
 *   the pointer and reads through it. Nothing orders the free before or
 *   after the read: a use-after-free that depends on the schedule. TSan
 *   treats free as a write to the whole block and reports the read as a
 *   heap-use-after-free. Helgrind and DRD treat free as nothing unless
 *   --free-is-write=yes (free_is_write), so they miss it. With the option
 *   (drd+free-is-write), DRD catches it: the free is a store to the block,
 *   unordered with main's later load. Helgrind still misses it
 *   (helgrind+free-is-write): it stops tracking a block once it is freed,
 *   so it never sees main's read. Free memory in the thread that outlives
 *   every user, after a join (free_after_join).
 * expect tsan: use-after-free
 * expect helgrind: clean -- Without --free-is-write=yes Helgrind does not count free as an access.
 * expect helgrind (--free-is-write=yes): clean -- Helgrind stops tracking a freed block, so even with --free-is-write=yes it does not see a read after the free.
 * expect drd: clean -- Without --free-is-write=yes DRD does not count free as an access.
 * expect drd (--free-is-write=yes): data-race -- With --free-is-write=yes DRD counts the free as a store, and main's later load conflicts with it.
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int *buffer;

static void *worker(void *arg)
{
    (void)arg;
    free(buffer); /* racelab: use-after-free -- main still uses it */
    pause_here();
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0 || (buffer = calloc(64, sizeof *buffer)) == NULL)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    wait_until_paused(); /* the worker has freed the buffer */
    int first = buffer[0]; /* racelab: use-after-free */
    end_pause();
    pthread_join(t, NULL);
    printf("first %d\n", first);
    return 0;
}
