/* racelab-case
 * concept: libc
 * variant: broken
 * twin: localtime_r_own_buffer
 * title: main keeps the pointer localtime returned while another thread calls localtime
 * lesson: localtime returns a pointer to one static struct tm inside the C
 *   library: the next call, from any thread, overwrites it. main converts
 *   1970-01-01 and, before it reads the year, another thread converts
 *   2000-01-01 into the same buffer: main prints 2000 and exits 1. Unlike
 *   strtok, TSan sees this one: its localtime interceptor marks the returned
 *   struct as written by the caller, so the overwrite and main's read are a
 *   race; Helgrind and DRD see libc's own store into it. Use localtime_r with
 *   a struct tm of your own.
 * expect tsan: data-race, assertion
 * expect helgrind: data-race, assertion
 * expect drd: data-race, assertion
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *other(void *arg)
{
    time_t y2k = 946684800;
    (void)arg;
    wait_until_paused(); /* main holds localtime's pointer */
    localtime(&y2k);     /* racelab: data-race -- the same static struct tm */
    end_pause();
    return NULL;
}

int main(void)
{
    time_t epoch = 0;
    pthread_t t;
    setenv("TZ", "UTC", 1);
    tzset();
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, other, NULL);
    struct tm *when = localtime(&epoch); /* racelab: data-race */
    pause_here();
    int year = when->tm_year + 1900; /* racelab: data-race -- now 2000 */
    pthread_join(t, NULL);
    printf("epoch year %d\n", year);
    return year == 1970 ? 0 : 1;
}
