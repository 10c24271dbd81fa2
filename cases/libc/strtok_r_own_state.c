/* racelab-case
 * concept: libc
 * variant: correct
 * twin: strtok_shared_state
 * title: Two threads split strings with strtok_r, each with its own position
 * lesson: strtok_r takes the position as a third argument, a variable of the
 *   caller's, so two threads splitting at the same time cannot disturb each
 *   other: the _r variants (strtok_r, localtime_r, rand_r, strerror_r) move
 *   the hidden static into the caller's hands.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *other(void *arg)
{
    static char line[] = "x y z";
    char *pos;
    (void)arg;
    wait_until_paused();
    strtok_r(line, " ", &pos);
    end_pause();
    return NULL;
}

int main(void)
{
    char line[] = "a b c";
    char *pos;
    pthread_t t;
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, other, NULL);
    const char *first = strtok_r(line, " ", &pos);
    pause_here();
    const char *second = strtok_r(NULL, " ", &pos);
    pthread_join(t, NULL);
    printf("%s %s\n", first, second ? second : "(null)");
    return second && strcmp(second, "b") == 0 ? 0 : 1;
}
