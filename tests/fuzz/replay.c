/* The regression test of the fuzz targets, without libFuzzer: feeds every file found in the
 * given files and folders (recursively; names starting with '.' or README are skipped) to the
 * target's LLVMFuzzerTestOneInput, once each, each in a child process of its own. A crash, a
 * sanitizer report or a broken invariant (abort) fails the test and names the input; the
 * other inputs still run; a missing folder is not an error (regressions/<target>/ is
 * empty until the fuzzer finds something). With no arguments it replays the folders compiled
 * in: REPLAY_REGRESSIONS (tests/fuzz/regressions/<target>), REPLAY_SEEDS (the real
 * fixtures or cases the fuzzer starts from) and REPLAY_EXTRA (tests/fuzz/seeds/<target>,
 * hand-written seeds). Prints how many inputs it replayed. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static unsigned long replayed, failed;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap *= 2);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        return -1;
    }
    /* An exact-size copy, so that reading past the input is caught as it is under libFuzzer. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    if (getenv("REPLAY_VERBOSE"))
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "replay: fork: %s\n", strerror(errno));
        free(exact);
        return -1;
    }
    if (child == 0) {
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
    }
    free(exact);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    replayed++;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    failed++;
    if (WIFSIGNALED(status))
        fprintf(stderr, "replay: FAILED %s (%zu bytes): signal %d (%s)\n", path, len,
                WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        fprintf(stderr, "replay: FAILED %s (%zu bytes): exit status %d\n", path, len,
                WEXITSTATUS(status));
    return 0;
}

static int replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0)
        return -1;
    int status = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (name[0] != '.' && strncmp(name, "README", 6) != 0) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, name);
            if (replay_path(sub) < 0)
                status = -1;
        }
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay_path(argv[i]) < 0)
                status = 1;
    } else {
        static const char *const dirs[] = {REPLAY_REGRESSIONS, REPLAY_SEEDS, REPLAY_EXTRA};
        for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
            if (replay_path(dirs[i]) < 0) {
                fprintf(stderr, "replay: cannot read %s\n", dirs[i]);
                status = 1;
            }
    }
    printf("replayed %lu inputs, %lu failed\n", replayed, failed);
    return status || failed;
}
