/* A program that attacks the harness running it, one way per mode; tests/isolation/run.sh
 * runs it under racelab (its ThreadSanitizer build) and checks that racelab survives, gives a
 * verdict or a tool failure (never a false "clean"), and leaves nothing behind.
 * Usage: hostile MODE PIDFILE
 *   killpg-hup, killpg-int  ignore the signal, send it to the whole process group
 *                           (kill(0, sig)), then live on for a while
 *   stop                    kill(0, SIGSTOP): stop the whole process group
 *   kill-parent             kill(getppid(), SIGKILL), then race
 *   daemon                  leave a detached child (setsid) behind, then return
 *   tmpdir                  exit 3 unless TMPDIR is a private folder of the run (mode 0700,
 *                           ours, named tmp in a private racelab.XXXXXX run folder)
 * Every mode first writes its pid to PIDFILE, so the test looks for it by pid. */
#define _GNU_SOURCE /* usleep, under -std=c11 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long counter;

static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        counter++; /* the race */
    return NULL;
}

static void write_pid(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        perror(path);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hostile MODE PIDFILE\n");
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "daemon") != 0)
        write_pid(argv[2]);
    if (strcmp(mode, "killpg-hup") == 0 || strcmp(mode, "killpg-int") == 0) {
        int sig = strcmp(mode, "killpg-hup") == 0 ? SIGHUP : SIGINT;
        signal(sig, SIG_IGN);
        kill(0, sig);
        sleep(3);
        return 0;
    }
    if (strcmp(mode, "stop") == 0) {
        kill(0, SIGSTOP);
        return 0;
    }
    if (strcmp(mode, "kill-parent") == 0) {
        kill(getppid(), SIGKILL);
        usleep(300 * 1000);
        pthread_t a, b;
        pthread_create(&a, NULL, bump, NULL);
        pthread_create(&b, NULL, bump, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        return 0;
    }
    if (strcmp(mode, "daemon") == 0) {
        int ready[2];
        if (pipe(ready) < 0)
            return 2;
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0) {
            close(ready[0]);
            setsid();
            write_pid(argv[2]);
            close(ready[1]);
            for (;;)
                pause();
        }
        close(ready[1]);
        char c;
        return read(ready[0], &c, 1) == 0 ? 0 : 2; /* the daemon has written its pidfile */
    }
    if (strcmp(mode, "tmpdir") == 0) {
        const char *t = getenv("TMPDIR");
        struct stat st, parent_st;
        if (!t || stat(t, &st) != 0) {
            printf("TMPDIR=%s: not a folder\n", t ? t : "(unset)");
            return 3;
        }
        /* The run's folder is <TMPDIR of racelab>/racelab.XXXXXX, its TMPDIR that folder's
         * tmp: both private (0700, ours). The program runs in racelab's working directory,
         * so it knows the run's folder only as TMPDIR's parent. */
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", t);
        char *slash = strrchr(parent, '/');
        if (slash)
            *slash = '\0';
        const char *base = strrchr(parent, '/') ? strrchr(parent, '/') + 1 : parent;
        int named = slash && strcmp(slash + 1, "tmp") == 0 && strncmp(base, "racelab.", 8) == 0;
        if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0700 || st.st_uid != geteuid() ||
            !named || stat(parent, &parent_st) != 0 || (parent_st.st_mode & 07777) != 0700 ||
            parent_st.st_uid != geteuid()) {
            printf("TMPDIR=%s (mode %o, uid %d): not the run's own\n", t,
                   (unsigned)(st.st_mode & 07777), (int)st.st_uid);
            return 3;
        }
        return 0;
    }
    fprintf(stderr, "hostile: unknown mode '%s'\n", mode);
    return 2;
}
