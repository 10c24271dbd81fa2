/* racelab-case
 * concept: atomic
 * variant: correct
 * twin: treiber_pop_use_after_free
 * title: A lock-free stack whose popped nodes are freed only when no popper is left
 * lesson: A Treiber stack's pop reads top->next of a node that another
 *   popper may take at the same moment. That read is safe only if the node
 *   is still allocated: so a popper does not free what it pops, it retires
 *   it, and retired nodes are freed once every popper has been joined. The
 *   same preemption as in treiber_pop_use_after_free now reads live memory,
 *   and since no address is reused while poppers run, the CAS on a bare
 *   pointer cannot be fooled by ABA either. Hazard pointers and epoch-based
 *   reclamation free earlier with the same guarantee.
 * expect tsan: clean
 * expect helgrind: clean
 * expect helgrind (--free-is-write=yes): clean
 * expect drd: clean
 * expect drd (--free-is-write=yes): clean
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
        struct node *next = old->next; /* still allocated: nobody frees while poppers run */
        if (atomic_compare_exchange_weak(&top, &old, next))
            break;
    }
    return old;
}

static void *rival(void *arg)
{
    (void)arg;
    struct node *n = pop(NULL); /* FIX: retired, freed by main after the join */
    pause_here();
    return n;
}

/* Scaffolding: the same preemption as in treiber_pop_use_after_free. */
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
    end_pause();
    void *theirs;
    pthread_join(rival_thread, &theirs);
    /* No popper is left: the retired nodes can go. */
    struct node *rn = theirs;
    printf("main popped %d, the rival %d\n", mine != NULL ? mine->value : -1,
           rn != NULL ? rn->value : -1);
    free(mine);
    free(rn);
    for (struct node *n; (n = pop(NULL)) != NULL;)
        free(n);
    return 0;
}
