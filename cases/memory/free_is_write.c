/* racelab-case
 * concept: memory
 * variant: broken
 * twin: free_after_join_free_is_write
 * title: A worker frees a buffer that main has just read, with nothing ordering the two
 * lesson: main reads the buffer for the last time and the worker, thinking
 *   main is done, frees it, but nothing orders the read before the free:
 *   on another run main's read comes after it. TSan always treats free as
 *   a write to the whole block and reports the unordered read as a data
 *   race; it says heap-use-after-free only for an access after the free
 *   (use_after_free). Helgrind and DRD count free as nothing by default and
 *   miss it; with --free-is-write=yes (the option columns
 *   helgrind+free-is-write and drd+free-is-write) they count it as a write
 *   and report a data race too (they have no separate word for
 *   use-after-free). Helgrind stops tracking a block once it is freed, so
 *   even with the option it sees only accesses before the free: a read
 *   after it (use_after_free) goes unseen. The option is off by default
 *   because allocators that recycle blocks inside one thread then look racy.
 * expect tsan: data-race
 * expect helgrind: clean -- Without --free-is-write=yes Helgrind does not count free as an access.
 * expect helgrind (--free-is-write=yes): data-race -- With --free-is-write=yes Helgrind checks the free as a write to the whole block.
 * expect drd: clean -- Without --free-is-write=yes DRD does not count free as an access.
 * expect drd (--free-is-write=yes): data-race -- With --free-is-write=yes DRD checks the free as a store to the whole block.
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int *buffer;

static void *worker(void *arg)
{
    (void)arg;
    wait_until_paused(); /* main has read the buffer */
    free(buffer); /* racelab: data-race -- unordered with main's read */
    end_pause();
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0 || (buffer = calloc(64, sizeof *buffer)) == NULL)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    int first = buffer[0]; /* racelab: data-race */
    pause_here();
    pthread_join(t, NULL);
    printf("first %d\n", first);
    return 0;
}
