/* Two threads increment a counter without a lock: one data race, under every tool. It
 * prints a line on each stream, for --output. */
#include <pthread.h>
#include <stdio.h>

static int counter;

static void *work(void *arg)
{
    counter++; /* the race */
    return arg;
}

int main(void)
{
    pthread_t t;
    printf("racy: to stdout\n");
    fflush(stdout);
    fprintf(stderr, "racy: to stderr\n");
    pthread_create(&t, NULL, work, NULL);
    counter++;
    pthread_join(t, NULL);
    return 0;
}
