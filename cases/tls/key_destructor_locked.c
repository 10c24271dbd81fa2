/* racelab-case
 * concept: tls
 * variant: correct
 * twin: key_destructor_shared_counter
 * title: A pthread_key_create destructor counts the freed buffers under a mutex
 * lesson: The destructor frees its own thread's value, which no other thread
 *   sees, and takes a mutex for the one shared update.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_key_t buffer_key;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static int buffers_freed; /* guarded by count_lock */

static void free_buffer(void *buffer)
{
    free(buffer);
    pthread_mutex_lock(&count_lock);
    buffers_freed++;
    pthread_mutex_unlock(&count_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_setspecific(buffer_key, malloc(256));
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_key_create(&buffer_key, free_buffer);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_lock(&count_lock);
    printf("buffers freed: %d\n", buffers_freed);
    pthread_mutex_unlock(&count_lock);
    pthread_key_delete(buffer_key);
    return 0;
}
