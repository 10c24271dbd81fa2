/* A race that shows in some runs only, on purpose and by count: run k (counted in the file
 * named by argv[1]) races when k is even, so runs 1..4 race in 2 and 4 of them. What a
 * happens-before detector makes of a schedule-dependent race, made deterministic for the
 * --runs N --min-pass K test (tests/cli/baseline.sh). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static int counter;
static atomic_int arrived;

static void *bump(void *arg)
{
    /* Both threads arrive before either writes: a relaxed atomic orders nothing for TSan. */
    const struct timespec ms = {0, 1000000};
    atomic_fetch_add_explicit(&arrived, 1, memory_order_relaxed);
    for (int i = 0; i < 5000 && atomic_load_explicit(&arrived, memory_order_relaxed) < 2; i++)
        nanosleep(&ms, NULL);
    counter++;
    return arg;
}

int main(int argc, char **argv)
{
    int run = 0;
    FILE *f = argc > 1 ? fopen(argv[1], "r+") : NULL;
    if (!f || fscanf(f, "%d", &run) != 1 || fseek(f, 0, SEEK_SET) != 0)
        return 2;
    fprintf(f, "%d\n", ++run);
    fclose(f);
    pthread_t a, b;
    if (run % 2 == 0) {
        if (pthread_create(&a, NULL, bump, NULL) || pthread_create(&b, NULL, bump, NULL))
            return 1;
        pthread_join(a, NULL);
        pthread_join(b, NULL);
    }
    printf("run %d: counter %d\n", run, counter);
    return 0;
}
