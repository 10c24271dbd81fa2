#include "procinfo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rl_read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t used = 0;
    ssize_t n = 0;
    while (used < size - 1 && (n = read(fd, buf + used, size - 1 - used)) > 0)
        used += (size_t)n;
    close(fd);
    buf[used] = '\0';
    return n < 0 && used == 0 ? -1 : 0;
}

int rl_proc_own_id(pid_t pid, pid_t tid, const char *key)
{
    char path[64], buf[2048];
    if (tid > 0)
        snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid, (int)tid);
    else
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (rl_read_text(path, buf, sizeof buf) < 0)
        return -1;
    size_t klen = strlen(key);
    for (const char *line = buf; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, klen) != 0 || line[klen] != ':')
            continue;
        const char *eol = strchr(line, '\n'), *last = NULL;
        for (const char *c = line + klen + 1; *c && c != eol; c++)
            if (*c == '\t' || *c == ' ')
                last = c;
        return last ? atoi(last + 1) : -1;
    }
    return -1;
}

int rl_proc_stat_parse(const char *text, struct rl_proc_stat *st)
{
    memset(st, 0, sizeof *st);
    const char *close = strrchr(text, ')');
    int pid, ppid, pgrp, session, tty, tpgid;
    if (!close || sscanf(text, "%d", &pid) != 1 ||
        sscanf(close + 1, " %c %d %d %d %d %d", &st->state, &ppid, &pgrp, &session, &tty, &tpgid) !=
            6)
        return -1;
    st->pid = pid;
    st->ppid = ppid;
    st->pgrp = pgrp;
    st->session = session;
    st->tty_nr = tty;
    st->tpgid = tpgid;
    return 0;
}

int rl_proc_read_stat(pid_t pid, struct rl_proc_stat *st)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (rl_read_text(path, buf, sizeof buf) < 0)
        return -1;
    return rl_proc_stat_parse(buf, st);
}

int rl_proc_link(pid_t pid, int fd, char *buf, size_t size)
{
    char path[64];
    if (fd < 0)
        snprintf(path, sizeof path, "/proc/%d/cwd", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
    ssize_t n = readlink(path, buf, size - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

int rl_proc_has_fd_to(pid_t pid, const char *target)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char link[512];
        if (rl_proc_link(pid, atoi(e->d_name), link, sizeof link) == 0 && strcmp(link, target) == 0)
            found = 1;
    }
    closedir(d);
    return found;
}

/* Lines look like "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" (FLOCK likewise). */
int rl_locks_has_inode(const char *text, unsigned long inode)
{
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        char buf[256];
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len >= sizeof buf)
            len = sizeof buf - 1;
        memcpy(buf, line, len);
        buf[len] = '\0';
        if (!strstr(buf, "->")) { /* "->" marks a waiter, not a holder */
            char *save = NULL;
            for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
                char *last = strrchr(tok, ':');
                if (last && last != tok && strchr(tok, ':') != last &&
                    strtoul(last + 1, NULL, 10) == inode)
                    return 1;
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return 0;
}

int rl_file_locked(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    static char buf[1 << 16];
    if (rl_read_text("/proc/locks", buf, sizeof buf) < 0)
        return -1;
    return rl_locks_has_inode(buf, (unsigned long)st.st_ino);
}

long rl_pidfile_read(const char *path)
{
    char buf[64];
    if (rl_read_text(path, buf, sizeof buf) < 0)
        return -1;
    char *end;
    errno = 0;
    long pid = strtol(buf, &end, 10);
    while (*end == '\n' || *end == ' ')
        end++;
    if (errno || end == buf || *end || pid <= 0 || pid > 4194304)
        return 0;
    return pid;
}

long rl_file_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long lines = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    return lines;
}

/* "  0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 12345 ..."
 * (tcp6's addresses are 32 hex digits long). */
int rl_tcp_listen_parse(const char *line, unsigned *port, unsigned long *inode)
{
    char local[64], remote[64];
    unsigned st, p;
    unsigned long ino;
    int sl;
    if (sscanf(line, " %d: %63s %63s %x %*s %*s %*s %*u %*u %lu", &sl, local, remote, &st, &ino) !=
            5 ||
        st != 0x0A)
        return 0;
    const char *colon = strrchr(local, ':');
    char *end;
    if (!colon || !colon[1])
        return 0;
    p = (unsigned)strtoul(colon + 1, &end, 16);
    if (*end || p > 65535 || ino == 0)
        return 0;
    *port = p;
    *inode = ino;
    return 1;
}

unsigned rl_listening_port(const pid_t *pids, int n, unsigned want)
{
    static const char *const tables[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        FILE *f = fopen(tables[t], "re");
        if (!f)
            continue;
        char line[512];
        while (fgets(line, sizeof line, f)) {
            unsigned port;
            unsigned long inode;
            if (!rl_tcp_listen_parse(line, &port, &inode) || (want && port != want))
                continue;
            char target[64];
            snprintf(target, sizeof target, "socket:[%lu]", inode);
            for (int i = 0; i < n; i++)
                if (rl_proc_has_fd_to(pids[i], target) == 1) {
                    fclose(f);
                    return port;
                }
        }
        fclose(f);
    }
    return 0;
}
