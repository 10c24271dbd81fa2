/* Small readers of /proc and of a daemon's files, for the runner, the hang watch and the
 * daemon checker. Each returns -1 when the process is gone or the entry cannot be read, so a
 * check never mistakes a vanished process for a property. */
#ifndef RACELAB_PROCINFO_H
#define RACELAB_PROCINFO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads a small file (a /proc entry) into buf, NUL-terminated, at most size - 1 bytes. */
int rl_read_text(const char *path, char *buf, size_t size);

/* An id of process pid (thread tid; 0: the process itself) as the program knows it in its
 * PID namespace: the innermost (last) number of its status line key ("NStgid" for the
 * process, "NSpid" for the thread), as its tools' logs name it. -1 when it cannot be read. */
int rl_proc_own_id(pid_t pid, pid_t tid, const char *key);

struct rl_proc_stat {
    pid_t pid, ppid, pgrp, session, tpgid;
    int tty_nr;
    char state;
};

/* Parses /proc/PID/stat (the fields after the last ')': comm may hold anything). */
int rl_proc_stat_parse(const char *text, struct rl_proc_stat *st);
int rl_proc_read_stat(pid_t pid, struct rl_proc_stat *st);
/* Where /proc/PID/fd/N (or cwd, with fd < 0) points. */
int rl_proc_link(pid_t pid, int fd, char *buf, size_t size);
/* Whether any descriptor of pid points at target (e.g. "pipe:[123]"): 1, 0, or -1. */
int rl_proc_has_fd_to(pid_t pid, const char *target);
/* Whether /proc/locks text holds a lock on that inode. */
int rl_locks_has_inode(const char *locks_text, unsigned long inode);
int rl_file_locked(const char *path);
/* A pidfile's pid: -1 missing or unreadable, 0 not a pid (garbage), else the pid. */
long rl_pidfile_read(const char *path);
/* Lines in a file, -1 if it cannot be read. */
long rl_file_lines(const char *path);
/* One line of /proc/net/tcp or tcp6: 1 for a socket in LISTEN (state 0A), with its local port
 * and inode; 0 for any other line (the header, another state, garbage). */
int rl_tcp_listen_parse(const char *line, unsigned *port, unsigned long *inode);
/* The port of a TCP socket in LISTEN that one of pids holds (want 0: any port, else that
 * port): the port, or 0 when none. racelab never connects to find out. */
unsigned rl_listening_port(const pid_t *pids, int n, unsigned want);

#endif
