/* racelab-case
 * concept: tls
 * variant: broken
 * twin: key_destructor_locked
 * title: A pthread_key_create destructor updates a shared counter without a lock
 * lesson: A key's destructor runs in each exiting thread, after the thread
 *   function returns, so destructors of different threads run concurrently
 *   like any other code. Here each frees its thread's buffer and counts it in
 *   a plain global: two threads exit at once and the count races. The
 *   per-thread value is private; anything else a destructor touches is
 *   shared and needs a lock (key_destructor_locked).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_key_t buffer_key;
static int buffers_freed;

static void free_buffer(void *buffer)
{
    free(buffer);
    buffers_freed++; /* racelab: data-race -- every exiting thread runs this */
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_setspecific(buffer_key, malloc(256));
    return NULL; /* free_buffer runs after this, in this thread */
}

int main(void)
{
    pthread_t t[2];
    pthread_key_create(&buffer_key, free_buffer);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("buffers freed: %d\n", buffers_freed);
    pthread_key_delete(buffer_key);
    return 0;
}
