/* Helgrind and DRD: the same launcher and XML reader, different flags and tables.
 * One XML file per image a process runs (%p.%n in --xml-file; never %p in --log-file, see
 * DETECTORS.md), and no
 * --error-exitcode, so the exit status stays the program's. */
#include "tool.h"
#include "vgsched.h"
#include "vgxml.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int probe(char *const *program, char *version, size_t size, char *why, size_t whysize)
{
    char valgrind[4096], bin[4096];
    if (rl_which("valgrind", valgrind, sizeof valgrind) != 0) {
        snprintf(why, whysize, "valgrind is not installed (no valgrind in PATH)");
        return RL_EXIT_SKIP;
    }
    int rc = rl_tool_check_build(program, 0, "Valgrind", bin, sizeof bin, why, whysize);
    if (rc)
        return rc;
    /* The version comes from the run itself, its XML's preamble (collect): a `valgrind
     * --version` here cost 40-130 ms of every run (ci/cost), a third of racelab's own. */
    snprintf(version, size, "valgrind");
    return 0;
}

/* Refused in --tool-option: what racelab sets itself (below), what would silence a process
 * of the run or change its exit status, and what makes Valgrind not run the program. */
static const char *const refused_options[] = {
    "--tool",
    "--xml",
    "--xml-file",
    "--xml-fd",
    "--xml-socket",
    "--log-file",
    "--log-fd",
    "--log-socket",
    "--trace-children",
    "--trace-children-skip",
    "--trace-children-skip-by-arg",
    "--child-silent-after-fork",
    "--error-exitcode",
    "--exit-on-first-error",
    "--vgdb",
    "--vgdb-prefix",
    "--vgdb-error",
    "--suppressions",
    "--help",
    "--help-debug",
    "--help-dyn-options",
    "--version",
};

static int check_option(char *const *program, const char *opt, char *why, size_t whysize)
{
    (void)program;
    size_t name = strcspn(opt, "=");
    if (strncmp(opt, "--", 2) != 0 || name <= 2 || opt[strcspn(opt, " \t\n")]) {
        snprintf(why, whysize,
                 "--tool-option '%s': a Valgrind option is one word that starts with --", opt);
        return RL_EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof refused_options / sizeof *refused_options; i++)
        if (strlen(refused_options[i]) == name && strncmp(opt, refused_options[i], name) == 0) {
            snprintf(why, whysize, "--tool-option '%s': racelab owns %.*s%s", opt, (int)name, opt,
                     strcmp(refused_options[i], "--suppressions") == 0
                         ? " (use --suppressions FILE)"
                         : "");
            return RL_EXIT_USAGE;
        }
    /* --gen-suppressions=yes asks on stdin after every error. */
    if (strcmp(opt, "--gen-suppressions=yes") == 0) {
        snprintf(why, whysize,
                 "--tool-option '%s': it waits for an answer on stdin after every "
                 "error (use --gen-suppressions=all)",
                 opt);
        return RL_EXIT_USAGE;
    }
    return 0;
}

static int add_program(const struct rl_tool_run *tr, struct rl_strv *argv)
{
    for (char *const *a = tr->program; *a; a++)
        if (rl_strv_addf(argv, "%s", *a) < 0)
            return -1;
    return 0;
}

static int command(const struct rl_tool_run *tr, struct rl_strv *argv, const char *tool)
{
    if (rl_strv_addf(argv, "valgrind") < 0 || rl_strv_addf(argv, "--tool=%s", tool) < 0)
        return -1;
    /* The caller's options first: racelab's own, after them, win over VALGRIND_OPTS and the
     * .valgrindrc files as well (Valgrind reads the command line last). */
    for (char *const *o = tr->tool_options; o && *o; o++)
        if (rl_strv_addf(argv, "%s", *o) < 0)
            return -1;
    for (char *const *f = tr->suppressions; f && *f; f++)
        if (rl_strv_addf(argv, "--suppressions=%s", *f) < 0)
            return -1;
    if (tr->by_hand) /* the report on the terminal; every process of the run watched */
        return rl_strv_addf(argv, "--trace-children=yes") < 0 ? -1 : add_program(tr, argv);
    if (rl_strv_addf(argv, "--xml=yes") < 0 ||
        /* %n is a count Valgrind keeps in the process's memory: a forked child's file gets
         * the parent's count plus one, and the image it execs starts again from one, so a
         * fork and exec (system(), posix_spawn, a shell running a program) keeps what the
         * child wrote before the exec. An exec in the started process (or a second exec)
         * still reuses its name and truncates it: rl_tool_check_writers says so. */
        rl_strv_addf(argv, "--xml-file=%s/vg.%%p.%%n.xml", tr->dir) < 0 ||
        rl_strv_addf(argv, "--log-file=%s/valgrind.log", tr->dir) < 0 ||
        rl_strv_addf(argv, "--trace-children=yes") < 0 ||
        /* Owned as well: a VALGRIND_OPTS that silenced forked children, or made errors
         * change the exit status, would pass as the program's doing. */
        rl_strv_addf(argv, "--child-silent-after-fork=no") < 0 ||
        rl_strv_addf(argv, "--error-exitcode=0") < 0 ||
        /* The gdbserver gives the guest's stacks at a hang (valgrind_stacks). In racelab's
         * PID namespace every run's valgrind is pid 2: its FIFOs, named from the prefix and
         * the pid, go in the run's own folder, so runs never share one and none outlives
         * the run's folder. It writes nothing to the XML or valgrind.log unless asked. */
        rl_strv_addf(argv, "--vgdb=yes") < 0 ||
        rl_strv_addf(argv, "--vgdb-prefix=%s/vgdb", tr->dir) < 0 ||
        /* racelab --gen-suppressions: each error's entry, in the XML (<suppression>). */
        (tr->gen_suppressions && rl_strv_addf(argv, "--gen-suppressions=all") < 0))
        return -1;
    return add_program(tr, argv);
}

static int helgrind_command(const struct rl_tool_run *tr, struct rl_strv *argv, struct rl_strv *env)
{
    (void)env;
    return command(tr, argv, "helgrind");
}

static int drd_command(const struct rl_tool_run *tr, struct rl_strv *argv, struct rl_strv *env)
{
    (void)env;
    return command(tr, argv, "drd");
}

/* What valgrind.log may hold besides nothing: with --xml=yes Valgrind writes only its own
 * remarks there. Each entry is the start of a line, after its "==PID==" prefix and indent. */
static const char *const harmless_log_lines[] = {
    /* After a fatal signal of the program (the signal itself is in the XML). */
    "If you believe this happened as a result of a stack",
    "overflow in your program's main thread (unlikely but",
    "possible), you can try to increase the size of the",
    "main thread stack using the --main-stacksize= flag.",
    "The main thread stack size used in this run was ",
    /* A large allocation or mapping. */
    "Warning: set address range perms: large range ",
    /* A program that switches stacks (coroutines, sigaltstack). */
    "Warning: client switching stacks?",
    "to suppress, use: --max-stackframe=",
    "further instances of this message will not be shown.",
    /* A daemon closing every descriptor up to the limit meets Valgrind's reserved ones. */
    "Warning: invalid file descriptor ",
};

static int harmless(const char *text)
{
    if (!*text)
        return 1;
    for (size_t i = 0; i < sizeof harmless_log_lines / sizeof harmless_log_lines[0]; i++)
        if (strncmp(text, harmless_log_lines[i], strlen(harmless_log_lines[i])) == 0)
            return 1;
    return 0;
}

/* The text of a valgrind.log line, after its "==PID==" or "--PID--" prefix and the spaces
 * that indent it. */
static const char *log_text(char *line)
{
    line[strcspn(line, "\n")] = '\0';
    const char *text = line;
    if ((line[0] == '=' || line[0] == '-') && line[1] == line[0]) {
        const char *end = strstr(line + 2, line[0] == '=' ? "==" : "--");
        if (end)
            text = end + 2;
    }
    return text + strspn(text, " ");
}

/* Valgrind's own word in valgrind.log: the first line not on the harmless list, preferring
 * a FATAL or error line (why it stopped), into why; 0 when every line is harmless. */
static int log_trouble(const char *dir, char *why, size_t size)
{
    char path[4200], line[512];
    why[0] = '\0';
    FILE *f = rl_fmt(path, sizeof path, "%s/valgrind.log", dir) == 0 ? rl_log_open(path) : NULL;
    if (!f)
        return 0; /* no log is no trouble: Valgrind opens it only to write */
    int fatal = 0;
    while (fgets(line, sizeof line, f)) {
        const char *text = log_text(line);
        if (harmless(text))
            continue;
        int this_fatal = strstr(text, "FATAL") || strstr(text, "rror");
        if (!why[0] || (this_fatal && !fatal))
            snprintf(why, size, "%.200s", text);
        fatal |= this_fatal;
    }
    fclose(f);
    return why[0] != '\0';
}

/* Valgrind's word on stderr when it refused to start ("valgrind: Bad option: --foo"): the
 * first such line, into why; 0 when there is none. */
static int stderr_trouble(const char *dir, char *why, size_t size)
{
    char path[4200], line[512];
    FILE *f = rl_fmt(path, sizeof path, "%s/stderr", dir) == 0 ? rl_log_open(path) : NULL;
    why[0] = '\0';
    while (f && !why[0] && fgets(line, sizeof line, f))
        if (strncmp(line, "valgrind: ", 10) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(why, size, "%.200s", line);
        }
    if (f)
        fclose(f);
    return why[0] != '\0';
}

/* One XML file: vg.PID.N.xml, an image process PID ran (N: Valgrind's %n, see command). */
struct xml_log {
    int pid, seq;
    int finished; /* 1: FINISHED; 0: not; -1: unreadable (already a failure) */
};

static int by_pid_then_seq(const void *a, const void *b)
{
    const struct xml_log *x = a, *y = b;
    return x->pid != y->pid ? (x->pid > y->pid) - (x->pid < y->pid)
                            : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The run's XML files, sorted by pid and then image; NULL with *n 0 when there are none. */
static struct xml_log *xml_logs(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct xml_log *logs = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int pid, seq, end = 0;
        if (sscanf(e->d_name, "vg.%d.%d.xml%n", &pid, &seq, &end) != 2 || e->d_name[end] != '\0' ||
            end == 0 || pid <= 0 || seq <= 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            struct xml_log *grown = realloc(logs, cap * sizeof *logs);
            if (!grown)
                break;
            logs = grown;
        }
        logs[(*n)++] = (struct xml_log){pid, seq, 0};
    }
    if (d)
        closedir(d);
    if (*n)
        qsort(logs, *n, sizeof *logs, by_pid_then_seq);
    return logs;
}

static int collect(const struct rl_tool_run *tr, struct rl_reports *rs, enum rl_tool_id tool)
{
    char trouble[256];
    int troubled = log_trouble(tr->dir, trouble, sizeof trouble);
    size_t n;
    struct xml_log *logs = xml_logs(tr->dir, &n);
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        struct rl_vgxml_result res;
        logs[i].finished = 0;
        if (rl_fmt(path, sizeof path, "%s/vg.%d.%d.xml", tr->dir, logs[i].pid, logs[i].seq) < 0 ||
            rl_vgxml_parse_file(path, tool, tr->case_path, rl_tool_sink, rs, &res) < 0) {
            rl_tool_failure(rs, "cannot read %s: %s", path,
                            errno == EINVAL ? "not a regular file" : strerror(errno));
            logs[i].finished = -1;
            continue;
        }
        rl_tool_check_writers(tr, strrchr(path, '/') + 1, logs[i].pid, rs);
        if (tr->version && tr->version_size && !tr->version[0] && res.version[0])
            snprintf(tr->version, tr->version_size, "%s", res.version);
        if (res.unknown)
            rl_tool_failure(rs, "%s has %lu element(s) racelab does not know, the first: <%s>",
                            path, res.unknown, res.first_unknown);
        if (res.malformed) {
            rl_tool_failure(rs, "%s is not Valgrind XML (%s)", path, res.error);
            logs[i].finished = -1;
        } else {
            logs[i].finished = res.finished;
        }
    }
    /* Valgrind closes its XML with <state>FINISHED</state> on every exit of its own, a fatal
     * signal of the program included; a run racelab did not cut short that lacks it was not
     * watched to its end. A forked child that exec'd is the exception: its file ends without
     * FINISHED, and the proof that it got as far as the exec is the finished file of the
     * image it exec'd, under the same pid. */
    for (size_t i = 0; i < n && !tr->killed; i++) {
        if (logs[i].finished)
            continue;
        int successor = 0;
        for (size_t j = 0; j < n; j++)
            successor |= logs[j].pid == logs[i].pid && logs[j].finished == 1;
        if (!successor)
            rl_tool_failure(rs, "valgrind stopped before finishing %s/vg.%d.%d.xml: %s", tr->dir,
                            logs[i].pid, logs[i].seq, troubled ? trouble : "valgrind.log is empty");
    }
    free(logs);
    int stderr_said = 0;
    if (n == 0 && !troubled)
        troubled = stderr_said = stderr_trouble(tr->dir, trouble, sizeof trouble);
    if (n == 0)
        rl_tool_failure(rs, "valgrind wrote no XML: it did not run the program (%s)",
                        troubled ? trouble : "valgrind.log is empty");
    else if (troubled)
        rl_tool_failure(rs, "valgrind.log: %s", trouble);
    /* Any other line of Valgrind's on the program's stderr (the one above is named already). */
    if (!stderr_said)
        rl_tool_check_stderr(tr, rs, NULL);
    return 0;
}

static int helgrind_collect(const struct rl_tool_run *tr, struct rl_reports *rs)
{
    return collect(tr, rs, RL_TOOL_HELGRIND);
}

static int drd_collect(const struct rl_tool_run *tr, struct rl_reports *rs)
{
    return collect(tr, rs, RL_TOOL_DRD);
}

/* How long one vgdb call may take (it took 0.24-0.33 s here). */
#define RL_VGDB_TIMEOUT 5.0

/* Guest stacks at a hang, from Valgrind's own gdbserver: `vgdb --pid=P v.info scheduler` for
 * each valgrind process of the run, run inside the run's namespaces (its pid and the lwps vgdb
 * ptraces to wake a gdbserver whose threads all sit in system calls are the namespace's). The
 * reply is kept beside the logs (vgdb.PID.txt) and read by vgsched.c. */
static int valgrind_stacks(const char *dir, struct rl_run *run, const pid_t *pids, int n,
                           struct rl_stacks *s)
{
    char vgdb[4096];
    if (rl_which("vgdb", vgdb, sizeof vgdb) != 0) {
        rl_stacks_error(s, "vgdb is not installed: no guest stacks");
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        pid_t inner = rl_run_inner_pid(run, pids[i]);
        char exe[4096] = "", link[64];
        snprintf(link, sizeof link, "/proc/%d/exe", (int)pids[i]);
        ssize_t len = readlink(link, exe, sizeof exe - 1);
        exe[len > 0 ? len : 0] = '\0';
        if (inner <= 0 || !strstr(exe, "valgrind"))
            continue; /* gone, or not valgrind (a program it does not trace) */
        char pid_arg[32], prefix[4096 + 16], reply[65536];
        snprintf(pid_arg, sizeof pid_arg, "--pid=%d", (int)inner);
        snprintf(prefix, sizeof prefix, "--vgdb-prefix=%s/vgdb", dir);
        char *argv[] = {vgdb, pid_arg, prefix, "v.info", "scheduler", NULL};
        int st = rl_run_capture_inside(run, argv, reply, sizeof reply, RL_VGDB_TIMEOUT);
        char path[4096 + 32];
        snprintf(path, sizeof path, "%s/vgdb.%d.txt", dir, (int)inner);
        FILE *f = fopen(path, "we");
        if (f) {
            fputs(reply, f);
            fclose(f);
        }
        if (rl_vgsched_parse(reply, strlen(reply), (int)inner, s) == 0) {
            rl_stacks_error(s, "vgdb gave no stacks of pid %d (%s %d)", (int)inner,
                            st >= 0 && WIFEXITED(st) ? "exit status" : "wait status",
                            st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : st);
            rc = -1;
        }
    }
    return rc;
}

const struct rl_tool rl_tool_helgrind = {
    .id = RL_TOOL_HELGRIND,
    .probe = probe,
    .command = helgrind_command,
    .check_option = check_option,
    .collect = helgrind_collect,
    .stacks = valgrind_stacks,
};
const struct rl_tool rl_tool_drd = {
    .id = RL_TOOL_DRD,
    .probe = probe,
    .command = drd_command,
    .check_option = check_option,
    .collect = drd_collect,
    .stacks = valgrind_stacks,
};
