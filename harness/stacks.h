/* Stacks at a hang: every thread of the run, its frames innermost first, each with its
 * function, source file and line where known. Filled from a stopped process with elfutils'
 * libdw (native and TSan builds), from Valgrind's gdbserver (vgsched.h: guest stacks under
 * Helgrind and DRD), or, only where neither gives a stack, from gdb. It knows pids, nothing
 * of tools or cases; match.c checks the `deadlock` markers against it. */
#ifndef RACELAB_STACKS_H
#define RACELAB_STACKS_H

#include <stddef.h>
#include <sys/types.h>

/* Bounds: a thread's frames past RL_STACK_FRAMES are counted, not kept (the innermost ones,
 * where a thread waits, are the ones kept); threads past RL_STACKS_MAX too. */
#define RL_STACK_FRAMES 32
#define RL_STACKS_MAX   256
/* The most processes of a run whose stacks are taken at a hang (each costs 0.1-0.3 s; the
 * rest are named in the stacks' error). */
#define RL_STACKS_PROCS 16

struct rl_frame {
    char function[96]; /* empty when unknown */
    char file[256];    /* as the debug information names it (a path or a base name); empty */
    int line;          /* 0 when unknown */
    int inlined;       /* a frame of a function inlined into the next frame's */
};

struct rl_thread_stack {
    int pid; /* as the program knows it (inside the run's namespace) */
    int tid; /* likewise; for Valgrind, the guest thread's lwp */
    int nframes;
    unsigned more_frames; /* frames past RL_STACK_FRAMES */
    struct rl_frame frames[RL_STACK_FRAMES];
};

struct rl_stacks {
    const char *source;        /* "libdw", "vgdb", "gdb"; NULL: no stacks were taken */
    struct rl_thread_stack *v; /* owned */
    size_t n;
    unsigned dropped; /* threads past RL_STACKS_MAX */
    char error[200];  /* why some process has no stacks; empty when every one has */
};

/* A new thread at the end of s (its frames to be added), or NULL past the bound or out of
 * memory (counted in dropped). */
struct rl_thread_stack *rl_stacks_add_thread(struct rl_stacks *s, int pid, int tid);
/* Adds a frame at the outer end of t; NULL fields are unknown. */
void rl_stacks_add_frame(struct rl_thread_stack *t, const char *function, const char *file,
                         int line, int inlined);
void rl_stacks_free(struct rl_stacks *s);
/* Notes why a process has no stacks (the first reason is kept). */
void rl_stacks_error(struct rl_stacks *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The base name of a frame's file ("/a/b/x.c" is "x.c"). */
const char *rl_frame_base(const struct rl_frame *f);
/* The innermost frame of t in the program's own source: with case_file (a path or a base
 * name), the innermost frame in that file; without, the innermost frame with a line in a
 * file that is neither the C library's, the sanitizer runtime's nor Valgrind's. -1: none. */
int rl_stack_user_frame(const struct rl_thread_stack *t, const char *case_file);

/* Whether libdw is built in (else rl_stacks_libdw always fails, and gdb is the fallback). */
int rl_stacks_have_libdw(void);
/* Every thread of process pid (racelab's view of it; shown_pid is the pid as the program knows
 * it), stopped while it is read, with libdw. Returns 0, or -1 with why in s->error. */
int rl_stacks_libdw(pid_t pid, int shown_pid, struct rl_stacks *s);
/* The fallback: the same from gdb's backtrace (slower, about 0.5 s a process; only where libdw
 * is not built in or failed). Returns 0, or -1. */
int rl_stacks_gdb(pid_t pid, int shown_pid, struct rl_stacks *s);

#endif
