/* See vgsched.h. */
#include "vgsched.h"

#include <stdlib.h>
#include <string.h>

/* One frame line, "==P==    at 0xADDR: fn (file.c:12)" or "by 0xADDR: fn (in /lib/x.so)";
 * returns 0 and fills the parts, or -1 when it is not one. */
static int frame_line(const char *line, unsigned long long *addr, char *fn, size_t fnsize,
                      char *file, size_t filesize, int *lineno)
{
    if (strncmp(line, "==", 2) != 0)
        return -1;
    const char *p = strstr(line + 2, "==");
    if (!p)
        return -1;
    p += 2;
    p += strspn(p, " ");
    if (strncmp(p, "at ", 3) != 0 && strncmp(p, "by ", 3) != 0)
        return -1;
    p += 3;
    char *end;
    *addr = strtoull(p, &end, 16);
    if (end == p || *end != ':')
        return -1;
    p = end + 1;
    p += strspn(p, " ");
    size_t n = strcspn(p, " ");
    if (n >= fnsize)
        n = fnsize - 1;
    memcpy(fn, p, n);
    fn[n] = '\0';
    if (strcmp(fn, "???") == 0)
        fn[0] = '\0';
    file[0] = '\0';
    *lineno = 0;
    const char *open = strchr(p + strcspn(p, " "), '(');
    const char *close = open ? strrchr(open, ')') : NULL;
    if (open && close && strncmp(open, "(in ", 4) != 0) {
        const char *colon = NULL;
        for (const char *c = open; c < close; c++)
            if (*c == ':')
                colon = c;
        /* "(file.c:12)": a place needs a file's name before its line ("(:5)" has none). */
        if (colon && colon > open + 1 && colon[1] >= '0' && colon[1] <= '9') {
            size_t flen = (size_t)(colon - open - 1);
            if (flen >= filesize)
                flen = filesize - 1;
            memcpy(file, open + 1, flen);
            file[flen] = '\0';
            long l = strtol(colon + 1, NULL, 10);
            *lineno = l > 0 && l < 1000000000 ? (int)l : 0;
        }
    }
    return 0;
}

int rl_vgsched_parse(const char *text, size_t len, int pid, struct rl_stacks *s)
{
    int added = 0;
    struct rl_thread_stack *t = NULL;
    unsigned long long last_addr = 0;
    size_t i = 0;
    while (i < len) {
        size_t n = 0;
        while (i + n < len && text[i + n] != '\n')
            n++;
        char line[RL_VGSCHED_LINE];
        size_t kept = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, text + i, kept);
        line[kept] = '\0';
        if (memchr(line, '\0', kept)) /* a NUL byte inside the line ends what is read of it */
            kept = strlen(line);
        i += n + 1;

        const char *lwp = strstr(line, "(lwpid ");
        if (strncmp(line, "Thread ", 7) == 0 && strstr(line, ": status = ") && lwp) {
            long tid = strtol(lwp + 7, NULL, 10);
            /* lwpid 0: a slot with no live thread (in a forked child, the parent's other
             * threads): nothing waits there. */
            t = tid > 0 && tid < 1 << 30 ? rl_stacks_add_thread(s, pid, (int)tid) : NULL;
            added += t != NULL;
            last_addr = 0;
            continue;
        }
        unsigned long long addr;
        char fn[96], file[256];
        int lineno;
        if (t && frame_line(line, &addr, fn, sizeof fn, file, sizeof file, &lineno) == 0) {
            /* Valgrind prints a pc once per function inlined there, innermost first: the
             * frame before this one was inlined into this one. */
            if (t->nframes > 0 && addr == last_addr && !t->more_frames)
                t->frames[t->nframes - 1].inlined = 1;
            rl_stacks_add_frame(t, fn, file, lineno, 0);
            last_addr = addr;
            continue;
        }
        /* Anything else ends the thread's frames ("client stack range", a blank line, the
         * next "Thread", the host stack's own header). */
        t = NULL;
    }
    return added;
}
