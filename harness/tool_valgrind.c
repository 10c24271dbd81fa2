/* Helgrind and DRD: the same launcher and XML reader, different flags and tables.
 * One XML file per process (%p in --xml-file; never in --log-file, see DETECTORS.md), and no
 * --error-exitcode, so the exit status stays the program's. */
#include "tool.h"
#include "vgxml.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
    snprintf(version, size, "valgrind");
    FILE *p = popen("valgrind --version 2>/dev/null", "r");
    if (p) {
        char line[128];
        if (fgets(line, sizeof line, p)) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(version, size, "%s", line);
        }
        pclose(p);
    }
    return 0;
}

static int command(const struct rl_tool_run *tr, struct rl_strv *argv, const char *tool)
{
    if (rl_strv_addf(argv, "valgrind") < 0 || rl_strv_addf(argv, "--tool=%s", tool) < 0 ||
        rl_strv_addf(argv, "--xml=yes") < 0 ||
        rl_strv_addf(argv, "--xml-file=%s/vg.%%p.xml", tr->dir) < 0 ||
        rl_strv_addf(argv, "--log-file=%s/valgrind.log", tr->dir) < 0 ||
        rl_strv_addf(argv, "--trace-children=yes") < 0 ||
        /* Owned as well: a VALGRIND_OPTS that silenced forked children, or made errors
         * change the exit status, would pass as the program's doing. */
        rl_strv_addf(argv, "--child-silent-after-fork=no") < 0 ||
        rl_strv_addf(argv, "--error-exitcode=0") < 0 ||
        /* In racelab's PID namespace every run's valgrind is pid 2: its gdbserver FIFOs
         * (/tmp/vgdb-pipe-...-to-2-...) would collide between parallel runs. */
        rl_strv_addf(argv, "--vgdb=no") < 0)
        return -1;
    for (char *const *a = tr->program; *a; a++)
        if (rl_strv_addf(argv, "%s", *a) < 0)
            return -1;
    return 0;
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

static int collect(const struct rl_tool_run *tr, struct rl_reports *rs, enum rl_tool_id tool)
{
    char trouble[256];
    int troubled = log_trouble(tr->dir, trouble, sizeof trouble);
    int pids[1024];
    int n = rl_tool_logs(tr->dir, "vg.", ".xml", pids, 1024);
    for (int i = 0; i < n; i++) {
        char path[4200];
        struct rl_vgxml_result res;
        if (rl_fmt(path, sizeof path, "%s/vg.%d.xml", tr->dir, pids[i]) < 0 ||
            rl_vgxml_parse_file(path, tool, tr->case_path, rl_tool_sink, rs, &res) < 0) {
            rl_tool_failure(rs, "cannot read %s: %s", path,
                            errno == EINVAL ? "not a regular file" : strerror(errno));
            continue;
        }
        rl_tool_check_writers(tr, strrchr(path, '/') + 1, pids[i], rs);
        if (res.malformed)
            rl_tool_failure(rs, "%s is not Valgrind XML (%s)", path, res.error);
        /* Valgrind closes its XML with <state>FINISHED</state> on every exit of its own, a
         * fatal signal of the program included; a run racelab did not cut short that lacks
         * it was not watched to its end. */
        else if (!res.finished && !tr->killed)
            rl_tool_failure(rs, "valgrind stopped before finishing %s: %s", path,
                            troubled ? trouble : "valgrind.log is empty");
    }
    if (n == 0)
        rl_tool_failure(rs, "valgrind wrote no XML: it did not run the program (%s)",
                        troubled ? trouble : "valgrind.log is empty");
    else if (troubled)
        rl_tool_failure(rs, "valgrind.log: %s", trouble);
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

const struct rl_tool rl_tool_helgrind = {RL_TOOL_HELGRIND, probe, helgrind_command,
                                         helgrind_collect};
const struct rl_tool rl_tool_drd = {RL_TOOL_DRD, probe, drd_command, drd_collect};
