/* Two threads increment a counter without a lock: one data race, under every tool. */
#include <pthread.h>
#include <stdio.h>

static int counter;

static void *work(void *arg)
{
    counter++;
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    counter++;
    pthread_join(t, NULL);
    return 0;
}
