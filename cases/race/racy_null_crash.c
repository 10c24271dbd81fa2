/* racelab-case
 * concept: race
 * variant: broken
 * twin: null_checked_under_lock
 * title: A worker clears a shared pointer while main dereferences it, and main crashes
 * lesson: main checked the pointer, then used it; in between, the worker set
 *   it to NULL (the check and the use are two loads of a racy variable). The
 *   second load sees NULL and the process dies of SIGSEGV: a race whose
 *   symptom is a crash. The pause between the check and the use makes the
 *   bad timing certain. Take the check and the use under the same lock as
 *   the clearing, or load the pointer once into a local. (handle_segv=0
 *   lets the process die of the signal under TSan too, instead of TSan's own
 *   SEGV report.)
 * options tsan: handle_segv=0
 * expect tsan: data-race, crash
 * expect helgrind: data-race, crash
 * expect drd: data-race, crash
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>

static int config_value = 7;
static int *volatile config = &config_value;

static void *reset(void *arg)
{
    (void)arg;
    wait_until_paused(); /* main has checked config */
    config = NULL;       /* racelab: data-race */
    end_pause();
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, reset, NULL);
    if (config != NULL) { /* racelab: data-race */
        pause_here();     /* as if preempted between the check and the use */
        printf("value %d\n", *config); /* racelab: data-race -- Helgrind, DRD */
    }
    pthread_join(t, NULL);
    return 0;
}
