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

/* The last non-empty line of valgrind.log: Valgrind's own word on why it stopped. */
static void last_log_line(const char *dir, char *out, size_t size)
{
    char path[4200], line[512];
    snprintf(out, size, "valgrind.log is empty");
    FILE *f = rl_fmt(path, sizeof path, "%s/valgrind.log", dir) == 0 ? fopen(path, "r") : NULL;
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        const char *text = line;
        if (text[0] == '=' && strstr(text + 1, "== ")) /* "==123== " */
            text = strstr(text + 1, "== ") + 3;
        if (*text)
            snprintf(out, size, "%.150s", text);
    }
    fclose(f);
}

static int collect(const struct rl_tool_run *tr, struct rl_reports *rs, enum rl_tool_id tool)
{
    int pids[1024];
    int n = rl_tool_logs(tr->dir, "vg.", ".xml", pids, 1024);
    for (int i = 0; i < n; i++) {
        char path[4200];
        struct rl_vgxml_result res;
        if (rl_fmt(path, sizeof path, "%s/vg.%d.xml", tr->dir, pids[i]) < 0 ||
            rl_vgxml_parse_file(path, tool, tr->case_path, rl_tool_sink, rs, &res) < 0) {
            rl_tool_failure(rs, "cannot read %s: %s", path, strerror(errno));
            continue;
        }
        if (res.malformed)
            rl_tool_failure(rs, "%s is not Valgrind XML (%s)", path, res.error);
        /* Valgrind closes its XML on every exit of its own, a fatal signal of the program
         * included; an open document that racelab did not cut short means it died itself. */
        else if (!res.complete && !tr->killed) {
            char why[160];
            last_log_line(tr->dir, why, sizeof why);
            rl_tool_failure(rs, "valgrind stopped before finishing %s: %s", path, why);
        }
    }
    if (n == 0)
        rl_tool_failure(rs, "valgrind wrote no XML (see valgrind.log): it did not run the program");
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
