/* racelab-case
 * concept: thread
 * variant: correct
 * twin: exit_destructor_races
 * title: main ends with pthread_exit, so the process exits only after its detached worker
 * lesson: pthread_exit in main ends the main thread only: the process lives
 *   on until its last thread ends, and exit (with its atexit handlers) runs
 *   then, on that thread. Here the worker is the last thread: the handler
 *   that clears the table runs on the worker's own thread, after its writes.
 *   (Which thread is last is made certain, not left to the scheduler: the
 *   worker starts only once the kernel shows the main thread ended, which no
 *   tool counts as synchronisation. Were main last, it would run the handler,
 *   and a detached thread's end orders nothing: a race.) Under TSan the
 *   program never ends: TSan's own background thread outlives every thread
 *   of the program, so the process waits for it forever.
 * timeout: 5
 * expect tsan: timeout -- TSan's background thread is a thread of the process: when main calls
 *   pthread_exit, it is never the last thread, so the process never exits (a false positive).
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int table[16]; /* not static: a static that nothing reads may have its stores removed */

static void clear_table(void)
{
    for (int i = 0; i < 16; i++)
        table[i] = -1;
}

/* Whether the main thread has ended: the kernel keeps the group leader's task, a zombie,
 * until the last thread ends. Reading /proc is no synchronisation to any tool. */
static int main_thread_ended(void)
{
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)getpid());
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *state = strrchr(stat, ')');
    return state && (state[2] == 'Z' || state[2] == 'X');
}

static void *worker(void *arg)
{
    (void)arg;
    struct timespec ms = {0, 1000000};
    while (!main_thread_ended())
        nanosleep(&ms, NULL);
    for (int i = 0; i < 16; i++)
        table[i] = i * i;
    return NULL; /* the last thread: the process exits here, and clear_table runs here */
}

int main(void)
{
    pthread_t t;
    if (atexit(clear_table) != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    pthread_detach(t);
    pthread_exit(NULL); /* not return: the worker keeps the process alive */
}
