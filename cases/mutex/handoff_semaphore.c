/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: unlock_not_owner
 * title: A token handed from one thread to another is a semaphore, not a mutex
 * lesson: The same hand-over as unlock_not_owner, with the token made a
 *   semaphore: main takes it with sem_wait, the worker gives it back with
 *   sem_post. A semaphore has no owner, so releasing it from another thread is
 *   exactly what it is for. It also orders memory: the worker updates the
 *   configuration and then posts, and main reads the update right after its
 *   sem_wait returns, before it joins the worker, so the semaphore alone
 *   orders the writes before the reads, and every tool knows that.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

struct config {
    int verbose;
    char name[16];
};

static sem_t config_token;   /* 1 = free, 0 = taken */
static struct config cfg;

static void *worker(void *arg)
{
    (void)arg;
    cfg.verbose++; /* the token is main's gift: the worker may change cfg */
    snprintf(cfg.name, sizeof cfg.name, "worker");
    sem_post(&config_token); /* any thread may give the token back */
    return NULL;
}

int main(void)
{
    pthread_t t;
    sem_init(&config_token, 0, 1);
    sem_wait(&config_token); /* main takes the token */
    cfg.verbose = 1;
    snprintf(cfg.name, sizeof cfg.name, "racelab");
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&config_token); /* the worker has given it back, with its writes */
    printf("main: %s verbose=%d\n", cfg.name, cfg.verbose); /* before the join */
    pthread_join(t, NULL);
    sem_destroy(&config_token);
    return cfg.verbose == 2 ? 0 : 1;
}
