/* ThreadSanitizer: the program is its own tool (built with -fsanitize=thread). Every process
 * writes its reports to log_path.<pid>; the program's exit status is never overridden. */
#include "tool.h"
#include "tsanlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The compiler that built the binary, from its .comment section ("clang version 14.0.6",
 * "GCC: (Debian 12.2.0-14) 12.2.0"); clang binaries carry GCC's line too, from crt files. */
static void compiler_of(const char *bin, char *out, size_t size)
{
    FILE *f = fopen(bin, "rb");
    snprintf(out, size, "unknown compiler");
    if (!f)
        return;
    static char buf[1 << 20];
    char gcc[64] = "", clang[64] = "";
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        const char *v = memmem(buf, n, "clang version ", 14);
        if (!clang[0] && v)
            snprintf(clang, sizeof clang, "clang %.*s", (int)strcspn(v + 14, " "), v + 14);
        v = memmem(buf, n, "GCC: (", 6);
        const char *space = v ? strrchr(v, ' ') : NULL;
        if (!gcc[0] && space)
            snprintf(gcc, sizeof gcc, "gcc %.40s", space + 1);
    }
    fclose(f);
    if (clang[0]) {
        snprintf(out, size, "%s", clang);
    } else if (gcc[0]) {
        snprintf(out, size, "%s", gcc);
    }
}

/* clang's runtime symbolizes with the llvm-symbolizer of its own release; Debian keeps the
 * newer ones under /usr/lib/llvm-N/bin, outside PATH. Found by probe, used by command. */
static char symbolizer[256];

/* The full path of a shared library as the dynamic loader's cache names it: the cache's
 * string table holds "/lib/x86_64-linux-gnu/libtsan.so.2\0" and its kin. */
static int from_loader_cache(const char *soname, char *out, size_t size)
{
    FILE *f = fopen("/etc/ld.so.cache", "rb");
    if (!f)
        return -1;
    static char cache[1 << 22];
    size_t n = fread(cache, 1, sizeof cache - 1, f);
    fclose(f);
    cache[n] = '\0';
    char tail[128];
    if (rl_fmt(tail, sizeof tail, "/%s", soname) < 0)
        return -1;
    size_t tlen = strlen(tail) + 1; /* with its NUL */
    for (const char *at = cache; (at = memmem(at, n - (size_t)(at - cache), tail, tlen));
         at += tlen) {
        const char *begin = at;
        while (begin > cache && begin[-1] != '\0')
            begin--;
        if (*begin == '/' && rl_fmt(out, size, "%s", begin) == 0 && access(out, R_OK) == 0)
            return 0;
    }
    return -1;
}

/* The image that holds the TSan runtime a binary runs with: the binary itself (clang links
 * the runtime in), or the libtsan.so.N it loads (gcc), looked up as the loader would: in
 * LD_LIBRARY_PATH, then in the loader's cache. */
static int runtime_image(const char *bin, char *out, size_t size)
{
    FILE *f = fopen(bin, "rb");
    if (!f)
        return -1;
    static char buf[1 << 20];
    char soname[64] = "";
    size_t n;
    while (!soname[0] && (n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        const char *at = memmem(buf, n, "libtsan.so.", 11);
        if (at && strlen(at) < sizeof soname && strspn(at + 11, "0123456789") == strlen(at + 11))
            snprintf(soname, sizeof soname, "%s", at);
    }
    fclose(f);
    if (!soname[0])
        return rl_fmt(out, size, "%s", bin);
    const char *paths = getenv("LD_LIBRARY_PATH");
    while (paths && *paths) {
        size_t len = strcspn(paths, ":");
        if (len && rl_fmt(out, size, "%.*s/%s", (int)len, paths, soname) == 0 &&
            access(out, R_OK) == 0)
            return 0;
        paths += len + (paths[len] == ':');
    }
    return from_loader_cache(soname, out, size);
}

/* The image whose flag names check the options: the program's runtime; for a wrapper
 * script, whose programs are unknown before the run, gcc's libtsan where installed. */
static int options_image(char *const *program, char *image, size_t size)
{
    char bin[4096];
    if (rl_which(program[0], bin, sizeof bin) != 0)
        return -1;
    if (rl_is_script(bin))
        return from_loader_cache("libtsan.so.2", image, size);
    return runtime_image(bin, image, size);
}

/* Every key of a TSAN_OPTIONS must be a flag the runtime knows: its name is a NUL-terminated
 * string in the runtime's image. TSan itself names an unknown flag only at verbosity 1 or
 * more, which also puts lines on the program's stderr: checked here instead, without running
 * anything. what names the options' source in messages. */
static int check_options(const char *image, const char *what, const char *options, char *why,
                         size_t whysize)
{
    const char *separators = " ,:\t\r\n";
    for (const char *p = options; *p;) {
        p += strspn(p, separators);
        size_t len = strcspn(p, separators);
        size_t key = strcspn(p, "=");
        if (key > len)
            key = len;
        if (key == 0 || key >= 128) {
            if (len) {
                snprintf(why, whysize, "%s: '%.*s' is not name=value", what, (int)len, p);
                return RL_EXIT_USAGE;
            }
            break;
        }
        char name[129];
        memcpy(name, p, key);
        name[key] = '\0';
        if (!rl_file_contains_bytes(image, name, key + 1)) {
            snprintf(why, whysize, "%s: ThreadSanitizer has no option '%s' (not in %s)", what, name,
                     image);
            return RL_EXIT_USAGE;
        }
        p += len;
    }
    return 0;
}

static int probe(char *const *program, char *version, size_t size, char *why, size_t whysize)
{
    char bin[4096];
    int rc = rl_tool_check_build(program, 1, "--tool tsan", bin, sizeof bin, why, whysize);
    if (rc)
        return rc;
    char compiler[96];
    if (rl_is_script(bin))
        snprintf(compiler, sizeof compiler, "a wrapped program");
    else
        compiler_of(bin, compiler, sizeof compiler);
    snprintf(version, size, "ThreadSanitizer (%s)", compiler);
    const char *inherited = getenv("TSAN_OPTIONS");
    if (inherited && *inherited) {
        char image[4096];
        if (options_image(program, image, sizeof image) < 0) {
            if (!rl_is_script(bin)) {
                snprintf(why, whysize,
                         "cannot find the ThreadSanitizer runtime of %s to check TSAN_OPTIONS "
                         "against",
                         bin);
                return RL_EXIT_USAGE;
            }
        } else if ((rc = check_options(image, "TSAN_OPTIONS", inherited, why, whysize))) {
            return rc;
        }
    }
    symbolizer[0] = '\0';
    int major;
    if (sscanf(compiler, "clang %d", &major) == 1) {
        char path[128];
        snprintf(path, sizeof path, "/usr/lib/llvm-%d/bin/llvm-symbolizer", major);
        if (access(path, X_OK) == 0)
            snprintf(symbolizer, sizeof symbolizer, "external_symbolizer_path=%s ", path);
    }
    return 0;
}

/* What racelab depends on, after the caller's options so that these win: reports go to
 * files of its own (log_path, and no exe name or suffix that would move them), the exit
 * status stays the program's, and every process that exits ends its log with the module
 * map, the proof that TSan watched it to its end. */
static const char owned_options[] = "log_exe_name=0 log_suffix= exitcode=0 print_module_map=1 "
                                    "atexit_sleep_ms=0";
/* And what racelab's reports show that TSan's do not by default: both stacks of a lock-order
 * cycle. The by-hand command keeps it. */
static const char report_options[] = "second_deadlock_stack=1";
/* Refused in --tool-option: the owned ones, and those that move the logs or replace
 * racelab's suppressions file (given with --suppressions instead). */
static const char *const refused_keys[] = {
    "log_exe_name",          "log_suffix", "exitcode",      "print_module_map", "atexit_sleep_ms",
    "second_deadlock_stack", "log_path",   "log_to_syslog", "suppressions",
};

static int check_option(char *const *program, const char *opt, char *why, size_t whysize)
{
    size_t key = strcspn(opt, "=");
    if (key == 0 || !opt[key] || opt[strcspn(opt, " ,:\t\r\n")]) {
        snprintf(why, whysize,
                 "--tool-option '%s': a ThreadSanitizer option is one name=value, without "
                 "spaces, commas or colons",
                 opt);
        return RL_EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof refused_keys / sizeof *refused_keys; i++)
        if (strlen(refused_keys[i]) == key && strncmp(opt, refused_keys[i], key) == 0) {
            snprintf(why, whysize, "--tool-option '%s': racelab owns %.*s%s", opt, (int)key, opt,
                     strcmp(refused_keys[i], "suppressions") == 0 ? " (use --suppressions FILE)"
                                                                  : "");
            return RL_EXIT_USAGE;
        }
    char image[4096];
    if (options_image(program, image, sizeof image) < 0)
        return 0; /* a wrapper without an installed libtsan: TSan's own check, at run time */
    char what[64];
    snprintf(what, sizeof what, "--tool-option");
    return check_options(image, what, opt, why, whysize);
}

/* Concatenates the files into one at path, each followed by a newline. */
static int merge_files(char *const *files, const char *path)
{
    FILE *out = fopen(path, "wx");
    if (!out)
        return -1;
    int rc = 0;
    for (char *const *f = files; rc == 0 && *f; f++) {
        FILE *in = fopen(*f, "r");
        char buf[8192];
        size_t n;
        if (!in) {
            rc = -1;
            break;
        }
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, out) != n)
                rc = -1;
        rc |= ferror(in) ? -1 : 0;
        fclose(in);
        fputc('\n', out);
    }
    return fclose(out) != 0 ? -1 : rc;
}

static int command(const struct rl_tool_run *tr, struct rl_strv *argv, struct rl_strv *env)
{
    for (char *const *a = tr->program; *a; a++)
        if (rl_strv_addf(argv, "%s", *a) < 0)
            return -1;
    const char *inherited = rl_strv_getenv(env, "TSAN_OPTIONS");
    struct rl_strv words = {0};
    int rc = rl_strv_addf(&words, "%s%s", symbolizer, inherited ? inherited : "");
    for (char *const *o = tr->tool_options; rc == 0 && o && *o; o++)
        rc = rl_strv_addf(&words, "%s", *o);
    /* TSan reads one suppressions file: several become one, in the run's log folder. The
     * by-hand command names the caller's one file, or that merged file (not made again: it
     * is there after the run only with --keep). */
    if (rc == 0 && tr->by_hand && tr->suppressions && tr->suppressions[0] && !tr->suppressions[1]) {
        rc = rl_strv_addf(&words, "suppressions=%s", tr->suppressions[0]);
    } else if (rc == 0 && tr->suppressions && tr->suppressions[0]) {
        char merged[4200];
        rc = rl_fmt(merged, sizeof merged, "%s/suppressions.tsan", tr->dir);
        if (rc == 0 && !tr->by_hand)
            rc = merge_files(tr->suppressions, merged);
        if (rc == 0)
            rc = rl_strv_addf(&words, "suppressions=%s", merged);
    }
    if (rc == 0 && !tr->by_hand)
        rc = rl_strv_addf(&words, "log_path=%s/tsan %s", tr->dir, owned_options);
    if (rc == 0)
        rc = rl_strv_addf(&words, "%s", report_options);
    char *options = rc == 0 ? rl_strv_join(&words, " ") : NULL;
    rl_strv_free(&words);
    if (!options)
        return -1;
    rc = rl_strv_setenv(env, "TSAN_OPTIONS", options);
    free(options);
    return rc;
}

/* The proof, per log: a process that ran to its exit wrote the module map (or TSan ended it
 * itself with a fatal report), and TSan's own count is what racelab read. A forked child
 * inherits its parent's count, so only the started process's count must be equal. */
static void check_log(const struct rl_tool_run *tr, pid_t pid, const char *path,
                      const struct rl_tsan_accounts *acc, struct rl_reports *rs)
{
    const struct rl_exit *ex = rl_tool_exit_of(tr, pid);
    int signalled = ex ? WIFSIGNALED(ex->status) : tr->killed;
    if (!acc->map_end && !acc->fatal && !signalled) {
        if (acc->other[0])
            rl_tool_failure(rs, "ThreadSanitizer did not watch pid %d to its end: %s", (int)pid,
                            acc->other);
        else
            rl_tool_failure(rs,
                            "ThreadSanitizer's log of pid %d stops after %lu report(s), without "
                            "the module map it writes at exit: the rest was lost (a full disk, "
                            "a closed log descriptor, or an exec)",
                            (int)pid, acc->reports);
        return;
    }
    /* Every line of the log is part of a report or on the harmless list (tsanlog.c). */
    if (acc->other[0])
        rl_tool_failure(rs,
                        "ThreadSanitizer's log of pid %d has %lu line(s) racelab cannot place, "
                        "the first: %s",
                        (int)pid, acc->unaccounted, acc->other);
    if (!acc->map_end)
        return;
    unsigned long counted = acc->reported < 0 ? 0 : (unsigned long)acc->reported;
    if (pid == tr->main_pid ? counted != acc->reports : counted < acc->reports)
        rl_tool_failure(rs,
                        "ThreadSanitizer counted %lu report(s) for pid %d, racelab read %lu "
                        "in %s",
                        counted, (int)pid, acc->reports, path);
}

/* TSan's runtime could not lay out its shadow memory around the program's mappings: "FATAL:
 * ThreadSanitizer: unexpected memory mapping", in the log or on stderr. With more than 28 bits
 * of randomisation, gcc 12's and clang 14's runtimes also die of SIGSEGV now and then (3 runs
 * in 60 here at 32 bits), before they write a line: a death by signal, without a log or a
 * line on stderr, while randomisation was on, is that failure too. Whether the run shows it;
 * the log's report of it (unclassified) becomes the one line of cause and fix. */
static const char mapping_fatal[] = "ThreadSanitizer: unexpected memory mapping";

/* vm.mmap_rnd_bits, or -1 when it cannot be read. */
static int mmap_rnd_bits(void)
{
    int bits = -1;
    FILE *f = fopen("/proc/sys/vm/mmap_rnd_bits", "r");
    if (f) {
        if (fscanf(f, "%d", &bits) != 1)
            bits = -1;
        fclose(f);
    }
    return bits;
}

/* The run kept mmap randomisation: RACELAB_KEEP_ASLR said so, or a personality is refused
 * here (a seccomp filter refuses it to racelab as to the program it starts). */
static int aslr_kept(void)
{
    return getenv("RACELAB_KEEP_ASLR") || personality(0xffffffff) < 0;
}

/* The started process died of a signal before TSan wrote anything: no log, nothing on
 * stderr. The signal, or 0. */
static int died_unwatched(const struct rl_tool_run *tr, int main_logged, const char *err)
{
    const struct rl_exit *ex = rl_tool_exit_of(tr, tr->main_pid);
    struct stat st;
    if (main_logged || !ex || !WIFSIGNALED(ex->status) || stat(err, &st) < 0 || st.st_size)
        return 0;
    return WTERMSIG(ex->status);
}

static int mapping_failed(const struct rl_tool_run *tr, int main_logged, const char *err,
                          struct rl_reports *rs)
{
    int found = rl_file_contains(err, mapping_fatal);
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].kind == RL_KIND_UNCLASSIFIED && strstr(rs->v[i].headline, mapping_fatal)) {
            rs->v[i].headline[0] = '\0'; /* (rewritten below, once) */
            found = 1;
        }
    int bits = mmap_rnd_bits();
    int sig = found || bits <= 28 || !aslr_kept() ? 0 : died_unwatched(tr, main_logged, err);
    if (!found && !sig)
        return 0;
    char how[64] = "unexpected memory mapping";
    if (sig)
        snprintf(how, sizeof how, "SIG%s before its first line", sigabbrev_np(sig));
    char bits_text[16] = "?";
    if (bits >= 0)
        snprintf(bits_text, sizeof bits_text, "%d", bits);
    /* One line (a report's headline holds 255 bytes): the cause, then the fix. */
    char why[sizeof rs->v[0].headline];
    snprintf(why, sizeof why,
             "ThreadSanitizer cannot map its shadow memory (%s): vm.mmap_rnd_bits=%s is above "
             "28, and %s; fix: sysctl -w vm.mmap_rnd_bits=28 (ci/aslr), or --security-opt "
             "seccomp=unconfined",
             how, bits_text,
             getenv("RACELAB_KEEP_ASLR") ? "RACELAB_KEEP_ASLR kept randomisation on"
                                         : "personality(ADDR_NO_RANDOMIZE) was refused");
    int rewritten = 0;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].kind == RL_KIND_UNCLASSIFIED && !rs->v[i].headline[0]) {
            snprintf(rs->v[i].headline, sizeof rs->v[i].headline, "%s", why);
            rewritten = 1;
        }
    if (!rewritten)
        rl_tool_failure(rs, "%s", why);
    return 1;
}

static int collect(const struct rl_tool_run *tr, struct rl_reports *rs)
{
    int pids[1024];
    int n = rl_tool_logs(tr->dir, "tsan.", "", pids, 1024);
    int main_logged = 0, watched = 0, fatal = 0;
    for (int i = 0; i < n; i++) {
        char path[4200];
        struct rl_tsan_accounts acc;
        if (rl_fmt(path, sizeof path, "%s/tsan.%d", tr->dir, pids[i]) < 0 ||
            rl_tsan_parse_file(path, tr->case_path, pids[i], rl_tool_sink, rs, &acc) < 0) {
            rl_tool_failure(rs, "cannot read %s: %s", path,
                            errno == EINVAL ? "not a regular file" : strerror(errno));
            continue;
        }
        check_log(tr, pids[i], path, &acc, rs);
        watched += acc.map_end || acc.fatal;
        fatal |= acc.fatal;
        rl_tool_check_writers(tr, strrchr(path, '/') + 1, pids[i], rs);
        main_logged |= pids[i] == tr->main_pid;
    }
    /* Flag problems, and a log that could not be written, are printed on stderr. */
    char err[4200];
    if (rl_fmt(err, sizeof err, "%s/stderr", tr->dir) < 0) {
        rl_tool_failure(rs, "cannot read the program's stderr: %s", strerror(errno));
        return 0;
    }
    /* The runtime died before the program ran: that one cause, nothing about the program. */
    if (mapping_failed(tr, main_logged, err, rs))
        return 0;
    /* A wrapper script is no TSan build: the proof is a process it started that TSan watched
     * to its end. Otherwise the started process writes a log whenever TSan ran it to its
     * exit. */
    const struct rl_exit *main_exit = rl_tool_exit_of(tr, tr->main_pid);
    if (tr->wrapped) {
        if (!watched && !tr->killed)
            rl_tool_failure(rs, "no process of the run was a ThreadSanitizer build (the wrapped "
                                "program left no TSan log with its end-of-run module map)");
    } else if (tr->main_pid && !main_logged && main_exit && WIFEXITED(main_exit->status))
        rl_tool_failure(rs,
                        "the started process (pid %d) exited without a ThreadSanitizer log: "
                        "TSan did not watch it to its end",
                        (int)tr->main_pid);
    int said = 0;
    if ((said |= rl_file_contains(err, "unrecognized flag(s)")))
        rl_tool_failure(rs, "TSAN_OPTIONS holds an option ThreadSanitizer does not know (listed "
                            "on the program's stderr)");
    if ((said |= rl_file_contains(err, "FATAL: ThreadSanitizer")))
        rl_tool_failure(rs, "ThreadSanitizer failed to start (FATAL on the program's stderr)");
    if ((said |= rl_file_contains(err, "ThreadSanitizer: CHECK failed")))
        rl_tool_failure(rs, "ThreadSanitizer failed its own check (CHECK failed on the "
                            "program's stderr)");
    if ((said |= rl_file_contains(err, "ReportFile::Write() can't output")))
        rl_tool_failure(rs, "ThreadSanitizer could not write its log (a full disk?): reports "
                            "were lost");
    /* Any other line of TSan's there: the causes above are named, the rest is quoted. A
     * deadly signal's handler writes "ThreadSanitizer:DEADLYSIGNAL" on stderr whatever
     * log_path says, once per thread it stops; its report is in the log. */
    if (!said)
        rl_tool_check_stderr(tr, rs, fatal ? "ThreadSanitizer:DEADLYSIGNAL" : NULL);
    return 0;
}

const struct rl_tool rl_tool_tsan = {
    .id = RL_TOOL_TSAN,
    .needs = RL_NEED_NO_ASLR,
    .probe = probe,
    .command = command,
    .check_option = check_option,
    .collect = collect,
};
