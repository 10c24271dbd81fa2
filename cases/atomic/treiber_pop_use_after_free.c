/* racelab-case
 * concept: atomic
 * variant: broken
 * twin: treiber_pop_deferred_free
 * title: A lock-free stack's pop reads the next pointer of a node another thread has freed
 * lesson: A Treiber stack's pop loads top, reads top->next, and swings top
 *   to it with a compare-and-swap. Between the load and the read another
 *   popper can take the same node and free it: the read of ->next is then a
 *   use-after-free. The CAS does not save it: it compares a bare pointer,
 *   so it fails here only because the freed address has not come back yet;
 *   once malloc hands it out again to a fresh push, the CAS succeeds with
 *   the stale next (the ABA problem). Here main is preempted between the
 *   load and the read while a second popper pops and frees the node. TSan
 *   sees the free and the read unordered and reports heap-use-after-free;
 *   Helgrind and DRD do not count free as an access, and see only reads of
 *   the node. With --free-is-write=yes DRD catches it (drd+free-is-write):
 *   the free is a store, unordered with main's load of ->next; Helgrind does
 *   not even then, since it stops tracking a freed block. Never free a
 *   node another popper may still hold: retire it and free it when no
 *   popper is left (treiber_pop_deferred_free), or use hazard pointers or
 *   epochs.
 * expect tsan: use-after-free
 * expect helgrind: clean -- Without --free-is-write=yes Helgrind does not count free as an access.
 * expect helgrind (--free-is-write=yes): clean -- Helgrind stops tracking a freed block, so even with --free-is-write=yes it does not see the read of ->next after the free.
 * expect drd: clean -- Without --free-is-write=yes DRD does not count free as an access.
 * expect drd (--free-is-write=yes): data-race -- With --free-is-write=yes DRD counts the free as a store, and main's later load of ->next conflicts with it.
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

static _Atomic(struct node *) top;

static void push(int value)
{
    struct node *n = malloc(sizeof *n);
    if (n == NULL)
        exit(2);
    n->value = value;
    n->next = atomic_load(&top);
    while (!atomic_compare_exchange_weak(&top, &n->next, n))
        ;
}

/* preempted, if not NULL, runs once between the load of top and the read of its next. */
static struct node *pop(void (*preempted)(void))
{
    struct node *old = atomic_load(&top);
    while (old != NULL) {
        if (preempted != NULL) {
            preempted();
            preempted = NULL;
        }
        struct node *next = old->next; /* racelab: use-after-free -- old may be freed */
        if (atomic_compare_exchange_weak(&top, &old, next))
            break;
    }
    return old;
}

static void *rival(void *arg)
{
    (void)arg;
    struct node *n = pop(NULL);
    int value = n != NULL ? n->value : -1;
    free(n); /* the bug: main may still hold n, loaded from top */ /* racelab: use-after-free */
    pause_here();
    return (void *)(long)value;
}

/* Scaffolding (not part of the bug): a preemption at the worst moment. The rival runs a
 * whole pop and frees the node; main goes on once the rival waits in pause_here(), a wait
 * that orders nothing the rival did before it. */
static pthread_t rival_thread;

static void preempt_main(void)
{
    pthread_create(&rival_thread, NULL, rival, NULL);
    wait_until_paused();
}

int main(void)
{
    if (pause_init() != 0)
        return 2;
    for (int i = 1; i <= 3; i++)
        push(i);
    struct node *mine = pop(preempt_main);
    int value = mine != NULL ? mine->value : -1;
    free(mine);
    end_pause();
    void *theirs;
    pthread_join(rival_thread, &theirs);
    printf("main popped %d, the rival %ld\n", value, (long)theirs);
    for (struct node *n; (n = pop(NULL)) != NULL;)
        free(n);
    return 0;
}
