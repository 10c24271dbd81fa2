/* See logwatch.h. Opens and writes are both watched: inotify folds identical events that
 * follow each other, so two opens of one log in a row would read as one; the first image's
 * writes stand between them. */
#include "logwatch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int rl_logwatch_start(struct rl_logwatch *w, const char *dir)
{
    memset(w, 0, sizeof *w);
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0)
        return -1;
    if (inotify_add_watch(w->fd, dir, IN_OPEN | IN_MODIFY) < 0) {
        int e = errno;
        close(w->fd);
        w->fd = -1;
        errno = e;
        return -1;
    }
    return 0;
}

static void count_open(struct rl_logwatch *w, const char *name)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i].name, name) == 0) {
            w->v[i].opens++;
            return;
        }
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct rl_logwatch_entry *grown = realloc(w->v, cap * sizeof *grown);
        if (!grown) {
            w->overflow = 1;
            return;
        }
        w->v = grown;
        w->cap = cap;
    }
    snprintf(w->v[w->n].name, sizeof w->v[w->n].name, "%s", name);
    w->v[w->n++].opens = 1;
}

void rl_logwatch_collect(struct rl_logwatch *w)
{
    if (w->fd < 0)
        return;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t got;
    while ((got = read(w->fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + got;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if (e->mask & IN_Q_OVERFLOW)
                w->overflow = 1;
            else if ((e->mask & IN_OPEN) && e->len)
                count_open(w, e->name);
            p += sizeof *e + e->len;
        }
    }
    close(w->fd);
    w->fd = -1;
}

unsigned rl_logwatch_opens(const struct rl_logwatch *w, const char *name)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i].name, name) == 0)
            return w->v[i].opens;
    return 0;
}

void rl_logwatch_free(struct rl_logwatch *w)
{
    if (w->fd >= 0)
        close(w->fd);
    free(w->v);
    memset(w, 0, sizeof *w);
    w->fd = -1;
}
