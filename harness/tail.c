/* See tail.h. */
#include "tail.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How often the files are read: often enough to look live, rare enough to cost nothing. */
#define RL_TAIL_PERIOD_NS (20 * 1000 * 1000L)

/* Copies what the file has beyond what was copied. A file the program cut shorter (its own
 * ftruncate) is followed from its new end. */
static void copy_new(struct rl_tail_file *f)
{
    if (f->fd < 0 && (f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
        return;
    struct stat st;
    if (fstat(f->fd, &st) == 0 && st.st_size < f->at)
        f->at = st.st_size;
    char buf[16384];
    ssize_t n;
    while ((n = pread(f->fd, buf, sizeof buf, f->at)) > 0) {
        f->at += n;
        for (ssize_t done = 0, w; done < n; done += w)
            if ((w = write(f->to, buf + done, (size_t)(n - done))) <= 0) {
                if (w < 0 && errno == EINTR) {
                    w = 0;
                    continue;
                }
                return; /* racelab's own output is gone: nothing to copy to */
            }
    }
}

static void *follow(void *arg)
{
    struct rl_tail *t = arg;
    const struct timespec period = {0, RL_TAIL_PERIOD_NS};
    for (;;) {
        int last = atomic_load(&t->stop);
        for (int i = 0; i < 2; i++)
            copy_new(&t->files[i]);
        if (last)
            return NULL;
        nanosleep(&period, NULL);
    }
}

int rl_tail_start(struct rl_tail *t, const char *out_path, const char *err_path)
{
    memset(t, 0, sizeof *t);
    t->files[0] = (struct rl_tail_file){out_path, -1, 1, 0};
    t->files[1] = (struct rl_tail_file){err_path, -1, 2, 0};
    atomic_init(&t->stop, 0);
    int rc = pthread_create(&t->thread, NULL, follow, t);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    t->started = 1;
    return 0;
}

void rl_tail_stop(struct rl_tail *t)
{
    if (!t->started)
        return;
    atomic_store(&t->stop, 1);
    pthread_join(t->thread, NULL);
    for (int i = 0; i < 2; i++)
        if (t->files[i].fd >= 0)
            close(t->files[i].fd);
    t->started = 0;
}
