/* See stacks.h. */
#include "stacks.h"
#include "procinfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef RACELAB_HAVE_LIBDW
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#endif

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

struct rl_thread_stack *rl_stacks_add_thread(struct rl_stacks *s, int pid, int tid)
{
    if (s->n >= RL_STACKS_MAX) {
        s->dropped++;
        return NULL;
    }
    struct rl_thread_stack *v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) {
        s->dropped++;
        return NULL;
    }
    s->v = v;
    struct rl_thread_stack *t = &v[s->n++];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->tid = tid;
    return t;
}

void rl_stacks_add_frame(struct rl_thread_stack *t, const char *function, const char *file,
                         int line, int inlined)
{
    if (t->nframes >= RL_STACK_FRAMES) {
        t->more_frames++;
        return;
    }
    struct rl_frame *f = &t->frames[t->nframes++];
    copy(f->function, sizeof f->function, function);
    copy(f->file, sizeof f->file, file);
    f->line = line > 0 ? line : 0;
    f->inlined = inlined != 0;
}

void rl_stacks_free(struct rl_stacks *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

void rl_stacks_error(struct rl_stacks *s, const char *fmt, ...)
{
    if (s->error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
}

const char *rl_frame_base(const struct rl_frame *f)
{
    const char *slash = strrchr(f->file, '/');
    return slash ? slash + 1 : f->file;
}

/* Source files that are not the program's: the C library's (Debian's libc6-dbg names them
 * relative, "./nptl/..." or "../sysdeps/..."), the sanitizer runtimes' and Valgrind's
 * preloaded intercepts. */
static int foreign_file(const struct rl_frame *f)
{
    static const char *const dirs[] = {"./nptl/", "../sysdeps/",       "./misc/", "../csu/",
                                       "./csu/",  "sanitizer_common/", "/tsan/",  "compiler-rt/"};
    static const char *const bases[] = {"vg_replace_",
                                        "hg_intercepts.c",
                                        "drd_pthread_intercepts.c",
                                        "futex-internal.",
                                        "lowlevellock.c",
                                        "pthread_",
                                        "libc_start",
                                        "clone"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (strstr(f->file, dirs[i]))
            return 1;
    for (size_t i = 0; i < sizeof bases / sizeof *bases; i++)
        if (strncmp(rl_frame_base(f), bases[i], strlen(bases[i])) == 0)
            return 1;
    return 0;
}

int rl_stack_user_frame(const struct rl_thread_stack *t, const char *case_file)
{
    const char *base = NULL;
    if (case_file) {
        base = strrchr(case_file, '/') ? strrchr(case_file, '/') + 1 : case_file;
    }
    for (int i = 0; i < t->nframes; i++) {
        const struct rl_frame *f = &t->frames[i];
        if (!f->file[0] || f->line <= 0)
            continue;
        if (base ? strcmp(rl_frame_base(f), base) == 0 : !foreign_file(f))
            return i;
    }
    return -1;
}

#ifdef RACELAB_HAVE_LIBDW
int rl_stacks_have_libdw(void)
{
    return 1;
}

struct walk {
    Dwfl *dwfl;
    struct rl_thread_stack *t;
};

/* The frames of one pc, innermost first: each function inlined there (its call site is the
 * location in the next frame), then the function it was inlined into. */
static void frames_of_pc(struct walk *w, Dwarf_Addr pc)
{
    Dwfl_Module *m = dwfl_addrmodule(w->dwfl, pc);
    const char *symbol = m ? dwfl_module_addrname(m, pc) : NULL;
    const char *file = NULL;
    int line = 0;
    Dwfl_Line *l = m ? dwfl_module_getsrc(m, pc) : NULL;
    if (l)
        file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = m ? dwfl_module_addrdie(m, pc, &bias) : NULL;
    Dwarf_Die *scopes = NULL;
    int nscopes = cu ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
    Dwarf_Files *files = NULL;
    size_t nfiles = 0;
    if (cu && dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
        files = NULL;
    for (int i = 0; i < nscopes; i++) {
        if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
            continue;
        Dwarf_Attribute a;
        const char *name = dwarf_formstring(dwarf_attr_integrate(&scopes[i], DW_AT_name, &a));
        rl_stacks_add_frame(w->t, name, file, line, 1);
        Dwarf_Word call_file = 0, call_line = 0;
        dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &a), &call_file);
        dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &a), &call_line);
        file = files && call_file < nfiles ? dwarf_filesrc(files, call_file, NULL, NULL) : NULL;
        line = (int)call_line;
    }
    free(scopes);
    rl_stacks_add_frame(w->t, symbol, file, line, 0);
}

static int on_frame(Dwfl_Frame *state, void *arg)
{
    Dwarf_Addr pc;
    bool activation;
    if (!dwfl_frame_pc(state, &pc, &activation))
        return DWARF_CB_ABORT;
    /* A return address points past the call: its line is the call's, one byte back. */
    frames_of_pc(arg, activation ? pc : pc - 1);
    return DWARF_CB_OK;
}

struct threads {
    Dwfl *dwfl;
    struct rl_stacks *s;
    int shown_pid;
    pid_t pid;
};

static int on_thread(Dwfl_Thread *thread, void *arg)
{
    struct threads *th = arg;
    /* The tid as the program knows it: racelab's view less the pid's offset is wrong across
     * namespaces, so a thread's own NSpid is read (the last field is the innermost view). */
    pid_t tid = dwfl_thread_tid(thread);
    int shown = rl_proc_own_id(th->pid, tid, "NSpid");
    if (shown < 0)
        shown = (int)tid;
    struct walk w = {.dwfl = th->dwfl, .t = rl_stacks_add_thread(th->s, th->shown_pid, shown)};
    if (!w.t)
        return DWARF_CB_OK;
    if (dwfl_thread_getframes(thread, on_frame, &w) != 0 && w.t->nframes == 0)
        rl_stacks_error(th->s, "libdw: pid %d thread %d: %s", th->shown_pid, shown,
                        dwfl_errmsg(-1));
    return DWARF_CB_OK;
}

int rl_stacks_libdw(pid_t pid, int shown_pid, struct rl_stacks *s)
{
    /* No debuginfod: a hang verdict must not wait for the network. */
    static char *debuginfo_path = NULL;
    static const Dwfl_Callbacks callbacks = {
        .find_elf = dwfl_linux_proc_find_elf,
        .find_debuginfo = dwfl_standard_find_debuginfo,
        .debuginfo_path = &debuginfo_path,
    };
    Dwfl *dwfl = dwfl_begin(&callbacks);
    if (!dwfl) {
        rl_stacks_error(s, "libdw: %s", dwfl_errmsg(-1));
        return -1;
    }
    int rc = -1;
    size_t before = s->n;
    if (dwfl_linux_proc_report(dwfl, pid) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0) {
        rl_stacks_error(s, "libdw: cannot read the modules of pid %d: %s", shown_pid,
                        dwfl_errmsg(-1));
        goto out;
    }
    /* Stops every thread (ptrace) while it is read; they go on afterwards. */
    int err = dwfl_linux_proc_attach(dwfl, pid, false);
    if (err != 0) {
        rl_stacks_error(s, "libdw: cannot attach to pid %d: %s", shown_pid,
                        err > 0 ? strerror(err) : dwfl_errmsg(-1));
        goto out;
    }
    struct threads th = {.dwfl = dwfl, .s = s, .shown_pid = shown_pid, .pid = pid};
    dwfl_getthreads(dwfl, on_thread, &th);
    rc = s->n > before ? 0 : -1;
    if (rc < 0)
        rl_stacks_error(s, "libdw: no thread of pid %d could be read", shown_pid);
out:
    dwfl_end(dwfl);
    return rc;
}
#else
int rl_stacks_have_libdw(void)
{
    return 0;
}

int rl_stacks_libdw(pid_t pid, int shown_pid, struct rl_stacks *s)
{
    (void)pid;
    rl_stacks_error(s, "racelab was built without libdw (libdw-dev): no stacks of pid %d",
                    shown_pid);
    return -1;
}
#endif

/* gdb's "Thread 2 (Thread 0x7f.. (LWP 123) "x"):" and "#3  0x.. in fn (a=1) at /p/x.c:12"
 * (or "#0  fn (...) at x.c:12"): the one place gdb's text is read, and only as the
 * fallback. */
int rl_stacks_gdb(pid_t pid, int shown_pid, struct rl_stacks *s)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "timeout -s KILL 5 gdb -p %d -batch -nx -ex 'thread apply all bt 32' 2>/dev/null",
             (int)pid);
    FILE *p = popen(cmd, "r");
    if (!p) {
        rl_stacks_error(s, "gdb: cannot start it");
        return -1;
    }
    size_t before = s->n;
    struct rl_thread_stack *t = NULL;
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        char *lwp = strstr(line, "(LWP ");
        if (strncmp(line, "Thread ", 7) == 0 && lwp) {
            t = rl_stacks_add_thread(s, shown_pid, atoi(lwp + 5));
            continue;
        }
        if (!t || line[0] != '#')
            continue;
        char *fn = strstr(line, " in ");
        fn = fn ? fn + 4 : line + strcspn(line, " ");
        fn += strspn(fn, " ");
        char *at = strstr(fn, " at ");
        char *colon = at ? strrchr(at, ':') : NULL;
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(fn, " ("), fn);
        char file[256] = "";
        if (at && colon)
            snprintf(file, sizeof file, "%.*s", (int)(colon - at - 4), at + 4);
        rl_stacks_add_frame(t, name, file, colon ? atoi(colon + 1) : 0, 0);
    }
    pclose(p);
    if (s->n == before) {
        rl_stacks_error(s, "gdb: no stacks of pid %d", shown_pid);
        return -1;
    }
    return 0;
}
