/* A clean program that leaves files named like racelab's logs in its working directory: a
 * fake TSan race report, and FIFOs that would block a reader for ever. None of them may
 * count. */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

static void *work(void *arg)
{
    return arg;
}

int main(void)
{
    FILE *f = fopen("tsan.99999", "w");
    if (f) {
        fputs("==================\nWARNING: ThreadSanitizer: data race (pid=99999)\n"
              "SUMMARY: ThreadSanitizer: data race x.c:1 in f\n==================\n",
              f);
        fclose(f);
    }
    mkfifo("tsan.5", 0600);
    mkfifo("vg.5.xml", 0600);
    mkfifo("vg.5.1.xml", 0600);
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    pthread_join(t, NULL);
    return 0;
}
