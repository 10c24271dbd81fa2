/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: lock_after_destroy
 * title: A mutex is destroyed only after its last user has been joined
 * lesson: The fixed main joins both loggers before destroying the log lock, so
 *   no thread can lock it after it is gone. The lifetime rule: initialise a
 *   mutex before the first thread that uses it starts, destroy it after the
 *   last one has ended.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines;

static void *logger(void *arg)
{
    pthread_mutex_lock(&log_lock);
    lines++;
    printf("%s: line %d\n", (const char *)arg, lines);
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

int main(void)
{
    pthread_t early, late;
    pthread_create(&early, NULL, logger, "early");
    pthread_join(early, NULL);
    pthread_create(&late, NULL, logger, "late");
    pthread_join(late, NULL);
    pthread_mutex_destroy(&log_lock);   /* the last user has been joined */
    return 0;
}
