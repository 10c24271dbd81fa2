/* Races, then execs itself (with an argument: the new image only exits). The exec keeps the
 * pid, so the new image's tools reopen the same per-process log and truncate the report of
 * the old one. racelab must say so. */
#include <pthread.h>
#include <unistd.h>

static int counter;

static void *work(void *arg)
{
    counter++;
    return arg;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return 0;
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    counter++;
    pthread_join(t, NULL);
    /* argv[0] is an absolute path (racelab runs the program by one); /proc/self/exe would
     * be Valgrind itself. */
    execl(argv[0], argv[0], "again", (char *)NULL);
    return 1;
}
