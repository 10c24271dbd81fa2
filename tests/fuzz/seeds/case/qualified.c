/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: producer_consumer
 * title: A version-qualified expectation (a hand-written seed of the fuzzer)
 * lesson: Newer runtimes see what older ones miss,
 *   so the expectation depends on the tool's version.
 * timeout: 5
 * expect tsan: data-race
 * expect tsan (clang >= 19): clean -- clang 19's runtime intercepts it.
 * expect tsan (gcc < 13.1): data-race, thread-leak
 * expect helgrind: cond-misuse
 * expect helgrind (valgrind >= 3.21.0): cond-misuse, data-race -- Dubious.
 * expect drd (valgrind == 3.19.0): clean
 * expect drd: cond-misuse
 */
#include <pthread.h>
int ready; /* racelab: data-race */
void f(void) { ready = 1; // racelab: cond-misuse
}
