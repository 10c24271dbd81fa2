/* racelab-case
 * concept: race
 * variant: correct
 * twin: double_checked_lock
 * title: Lazy initialisation with pthread_once
 * lesson: pthread_once runs the initialiser exactly once, and every call to it
 *   returns only after the initialiser has finished, with its writes visible:
 *   the fix for double-checked locking. Helgrind 3.19 does not see the
 *   ordering inside glibc's pthread_once and reports a race on its fast path
 *   here: a false positive. DRD is clean for another reason than TSan: its
 *   wrapper of pthread_once ignores every access made during the call, so it
 *   never sees the initialiser's writes that the later reads would conflict
 *   with (a write inside an initialiser and a read outside pthread_once by a
 *   thread that never calls it go unreported too).
 * expect tsan: clean
 * expect helgrind: data-race -- Helgrind 3.19 does not model glibc's lock-free pthread_once fast path, so it reports the once-built object: a false positive.
 * expect drd: clean -- DRD ignores every access made inside pthread_once, the initialiser's writes included, so nothing is left to conflict.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct config {
    int verbosity;
};

static struct config *instance; /* built once, by init_config */
static pthread_once_t instance_once = PTHREAD_ONCE_INIT;

static void init_config(void)
{
    struct config *c = malloc(sizeof *c);
    if (c == NULL)
        exit(1);
    c->verbosity = 3;
    instance = c;
}

static struct config *get_config(void)
{
    pthread_once(&instance_once, init_config);
    return instance; /* racelab: data-race -- ordered by pthread_once; Helgrind misses that */
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
