/* racelab-case
 * concept: thread
 * variant: correct
 * twin: never_joined
 * title: Each thread returns its result through pthread_join
 * lesson: A thread's return value is handed to whoever joins it, and
 *   pthread_join both waits for the thread to end and orders everything the
 *   thread did before the joiner's next line: no lock is needed to read the
 *   result. Joining also frees the thread's stack and descriptor.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 1000

static int numbers[N]; /* filled before the threads start, then only read */

struct slice {
    int begin, end;
};

static void *sum_slice(void *arg)
{
    const struct slice *s = arg;
    long *sum = malloc(sizeof *sum); /* outlives the thread; the joiner frees it */
    if (sum == NULL)
        return NULL;
    *sum = 0;
    for (int i = s->begin; i < s->end; i++)
        *sum += numbers[i];
    return sum;
}

int main(void)
{
    pthread_t t[2];
    struct slice slices[2] = { { 0, N / 2 }, { N / 2, N } };
    long total = 0;

    for (int i = 0; i < N; i++)
        numbers[i] = i + 1;
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, sum_slice, &slices[i]);
    for (int i = 0; i < 2; i++) {
        void *result;
        pthread_join(t[i], &result); /* waits, then hands over the return value */
        if (result == NULL) {
            fprintf(stderr, "worker %d: out of memory\n", i);
            return 1;
        }
        total += *(long *)result;
        free(result);
    }
    if (total != (long)N * (N + 1) / 2) {
        fprintf(stderr, "wrong total %ld\n", total);
        return 1;
    }
    printf("total = %ld\n", total);
    return 0;
}
