/* racelab-case
 * concept: libc
 * variant: correct
 * twin: localtime_shared_buffer
 * title: Each thread converts times with localtime_r into a struct tm of its own
 * lesson: localtime_r writes into the caller's struct tm, so the other
 *   thread's conversion cannot change main's result.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *other(void *arg)
{
    time_t y2k = 946684800;
    struct tm mine;
    (void)arg;
    wait_until_paused();
    localtime_r(&y2k, &mine);
    end_pause();
    return NULL;
}

int main(void)
{
    time_t epoch = 0;
    struct tm when;
    pthread_t t;
    setenv("TZ", "UTC", 1);
    tzset();
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, other, NULL);
    localtime_r(&epoch, &when);
    pause_here();
    int year = when.tm_year + 1900;
    pthread_join(t, NULL);
    printf("epoch year %d\n", year);
    return year == 1970 ? 0 : 1;
}
