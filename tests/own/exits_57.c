/* A thread computes the exit status: 57, on purpose (a program whose failure code is its
 * answer, like grep's 1). */
#include <pthread.h>
#include <stdint.h>

static void *answer(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)57;
}

int main(void)
{
    pthread_t t;
    void *status;
    pthread_create(&t, NULL, answer, NULL);
    pthread_join(t, &status);
    return (int)(intptr_t)status;
}
