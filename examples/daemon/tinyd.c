/* A tiny daemon outside racelab's cases, to show `racelab run --tool daemon --pidfile` on a
 * daemon of one's own (README, "Servers and daemons"). It takes daemon(7)'s steps: fork,
 * setsid, fork again, /dev/null for stdin, stdout and stderr, umask 0, chdir("/"), a locked
 * pidfile, and only then tells the original process that it is ready; it stops on SIGTERM and
 * removes its pidfile.
 *
 *   tinyd --pidfile PATH [--notify-fd N] [--single-fork | --keep-notify-fd]
 *
 * --notify-fd N: also write "ready\n" on descriptor N once ready, then close it (s6's readiness
 * protocol: racelab's --ready fd:N). Two broken variants: --single-fork skips the second fork,
 * so the daemon leads its session and could acquire a controlling terminal; --keep-notify-fd
 * writes its readiness but never closes the descriptor, which it inherited. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static void fail(int ready_fd, const char *what)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "tinyd: %s: %s\n", what, strerror(errno));
    if (write(ready_fd, msg, (size_t)n) < 0) { /* the original process is gone */
    }
    _exit(1);
}

int main(int argc, char **argv)
{
    const char *pidfile = NULL;
    int notify_fd = -1, single_fork = 0, keep_notify_fd = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pidfile") == 0 && i + 1 < argc)
            pidfile = argv[++i];
        else if (strcmp(argv[i], "--notify-fd") == 0 && i + 1 < argc)
            notify_fd = atoi(argv[++i]);
        else if (strcmp(argv[i], "--single-fork") == 0)
            single_fork = 1;
        else if (strcmp(argv[i], "--keep-notify-fd") == 0)
            keep_notify_fd = 1;
        else
            pidfile = NULL, i = argc;
    }
    char path[PATH_MAX];
    char cwd[PATH_MAX];
    if (!pidfile || notify_fd == 0 || notify_fd > 255 || !getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "usage: tinyd --pidfile PATH [--notify-fd N] [--single-fork | "
                        "--keep-notify-fd]\n");
        return 2;
    }
    /* Relative to where it was started: chdir("/") comes. */
    if (pidfile[0] != '/' && snprintf(path, sizeof path, "%s/%s", cwd, pidfile) < (int)sizeof path)
        pidfile = path;

    /* The original process waits for one line: "ready", or why start-up failed. */
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0) {
        perror("tinyd: pipe");
        return 1;
    }
    pid_t first = fork();
    if (first < 0) {
        perror("tinyd: fork");
        return 1;
    }
    if (first > 0) {
        close(ready[1]);
        char line[256] = "";
        ssize_t got = read(ready[0], line, sizeof line - 1);
        if (!single_fork) /* (single-fork: the first child is the daemon itself) */
            waitpid(first, NULL, 0);
        if (got > 0 && strncmp(line, "ready\n", 6) == 0)
            return 0;
        fprintf(stderr, "%s", got > 0 ? line : "tinyd: the daemon died before it was ready\n");
        return 1;
    }
    close(ready[0]);
    if (setsid() < 0)
        fail(ready[1], "setsid");
    if (!single_fork) {
        pid_t second = fork();
        if (second < 0)
            fail(ready[1], "fork");
        if (second > 0)
            _exit(0);
    }
    /* Every inherited descriptor but the two pipes is closed; 0-2 go to /dev/null. */
    for (int fd = 3; fd < 1024; fd++)
        if (fd != ready[1] && fd != notify_fd)
            close(fd);
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        fail(ready[1], "/dev/null");
    if (null > 2)
        close(null);
    umask(0);
    if (chdir("/") < 0)
        fail(ready[1], "chdir");
    struct sigaction sa = {.sa_handler = on_term};
    sigaction(SIGTERM, &sa, NULL);
    int pid_fd = open(pidfile, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (pid_fd < 0 || flock(pid_fd, LOCK_EX | LOCK_NB) < 0 || ftruncate(pid_fd, 0) < 0 ||
        dprintf(pid_fd, "%d\n", (int)getpid()) < 0)
        fail(ready[1], "pidfile");
    if (write(ready[1], "ready\n", 6) < 0) { /* the original process is gone */
    }
    close(ready[1]);
    if (notify_fd > 0) {
        if (write(notify_fd, "ready\n", 6) < 0) { /* nobody listens */
        }
        if (!keep_notify_fd)
            close(notify_fd);
    }
    /* The daemon's work: here, waiting for SIGTERM. */
    sigset_t none;
    sigemptyset(&none);
    while (!stopping)
        sigsuspend(&none);
    unlink(pidfile);
    return 0;
}
