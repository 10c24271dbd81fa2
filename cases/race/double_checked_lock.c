/* racelab-case
 * concept: race
 * variant: broken
 * twin: once_init
 * title: Lazy initialisation with double-checked locking on a plain pointer
 * lesson: The first check reads the pointer without the lock, while another
 *   thread may be writing it under the lock: a data race. Worse, the reader can
 *   see the new pointer before the fields it points to, and use a half-built
 *   object. Use pthread_once (once_init), or make the pointer atomic with
 *   release/acquire ordering.
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct config {
    int verbosity;
};

static struct config *instance; /* built once, on first use */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static struct config *get_config(void)
{
    if (instance == NULL) { /* racelab: data-race */
        /* Only the slow path takes the lock: the check above is not protected. */
        pthread_mutex_lock(&init_lock);
        if (instance == NULL) {
            struct config *c = malloc(sizeof *c);
            if (c == NULL)
                exit(1);
            c->verbosity = 3; /* racelab: data-race */
            instance = c;     /* racelab: data-race */
        }
        pthread_mutex_unlock(&init_lock);
    }
    return instance; /* racelab: data-race */
}

static void *worker(void *arg)
{
    int *verbosity = arg;
    *verbosity = get_config()->verbosity; /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    int verbosity[2];

    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, &verbosity[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("verbosity: %d %d\n", verbosity[0], verbosity[1]);
    free(instance);
    return 0;
}
