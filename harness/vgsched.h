/* The reply of Valgrind's gdbserver to `v.info scheduler` (run through vgdb at a hang): every
 * guest thread's status and stack, one "Thread N: status = ... (lwpid L)" line, then its frames
 * as Valgrind prints them ("==P==    at 0xADDR: fn (file.c:12)", "by ...", "(in /lib/x.so)").
 * A parser: fed the bytes, bounded (stacks.h's limits; a line past RL_VGSCHED_LINE is cut),
 * it knows nothing of processes. The host stack Valgrind prints first is not a guest's and is
 * skipped. */
#ifndef RACELAB_VGSCHED_H
#define RACELAB_VGSCHED_H

#include "stacks.h"

#include <stddef.h>

#define RL_VGSCHED_LINE 1024

/* Adds each guest thread of the reply to s, as threads of process pid (the pid as the program
 * knows it). A frame whose address is the next frame's is a function inlined there. Returns
 * the number of threads added. */
int rl_vgsched_parse(const char *text, size_t len, int pid, struct rl_stacks *s);

#endif
