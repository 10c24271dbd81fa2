#define _GNU_SOURCE /* pipe2 */
/* 1100 child processes (sh, each blocked reading a pipe whose write end only main holds) and,
 * started last, one busy worker that finishes after 3 s. The run is never stuck: main waits
 * for the worker, which runs. Then main closes the pipe, every child reads EOF and exits.
 * The children are spawned (posix_spawn, no copy of the sanitized process) to keep it quick.
 * Exits 0. */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILDREN 1100

extern char **environ;

int main(void)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) == -1)
        return 111;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 3); /* dup2 clears FD_CLOEXEC */
    char *argv[] = {"sh", "-c", "read x <&3", NULL};
    for (int i = 0; i < CHILDREN; i++) {
        pid_t pid;
        if (posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) != 0)
            return 111;
    }
    pid_t busy = fork();
    if (busy == 0) {
        struct timespec start, now;
        clock_gettime(CLOCK_MONOTONIC, &start);
        do
            clock_gettime(CLOCK_MONOTONIC, &now);
        while (now.tv_sec - start.tv_sec < 3);
        _exit(0);
    }
    int status;
    if (busy == -1 || waitpid(busy, &status, 0) != busy)
        return 111;
    close(p[1]);
    while (wait(NULL) > 0)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
