/* racelab-case
 * concept: libc
 * variant: broken
 * twin: strtok_r_own_state
 * title: Two threads split strings with strtok, which keeps its position in one hidden static
 * lesson: strtok remembers where it stopped in a static pointer inside the C
 *   library, shared by every thread. When another thread starts a strtok of
 *   its own, the first thread's next strtok(NULL, ...) carries on in the
 *   other thread's string: here main gets "y" instead of "b" and exits 1.
 *   The race is inside libc, which TSan does not instrument (its strtok
 *   interceptor checks only the strings), so TSan misses it.
 *   Use strtok_r, whose position lives in the caller's variable.
 * expect tsan: assertion -- strtok's state is inside libc, which TSan does not instrument.
 * expect helgrind: assertion
 * expect drd: assertion
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *other(void *arg)
{
    static char line[] = "x y z";
    (void)arg;
    wait_until_paused(); /* main is between two strtok calls */
    strtok(line, " ");   /* restarts the hidden position, in this thread's string */
    end_pause();
    return NULL;
}

int main(void)
{
    char line[] = "a b c";
    pthread_t t;
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, other, NULL);
    const char *first = strtok(line, " ");
    pause_here();
    const char *second = strtok(NULL, " "); /* continues in the other thread's string */
    pthread_join(t, NULL);
    printf("%s %s\n", first, second ? second : "(null)");
    return second && strcmp(second, "b") == 0 ? 0 : 1;
}
