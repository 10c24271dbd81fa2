/* See session.h. */
#include "session.h"

#include "annotate.h"
#include "baseline.h"
#include "case.h"
#include "catalog.h"
#include "junit.h"
#include "match.h"
#include "output.h"
#include "proc.h"
#include "runner.h"
#include "sarif.h"
#include "strv.h"
#include "tool.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The bounds of the numbers racelab takes: a day, a hundredfold, a million runs. */
#define RL_TIMEOUT_MAX 86400.0
#define RL_SCALE_MAX   100.0
#define RL_RUNS_MAX    1000000L
/* --gen-suppressions reads the reports of at most this many runs. */
#define RL_RUNS_SUPPRESSED 1000

void rl_print_usage(FILE *out)
{
    fputs("usage:\n"
          "  racelab run --tool TOOL --case CASE.c --bin PROGRAM [options]\n"
          "  racelab run --tool TOOL --expect KINDS|clean [options] -- PROGRAM [ARGS...]\n"
          "  racelab run --tool TOOL --expect ... --serve --ready HOW [--client CMD...] -- SERVER\n"
          "  racelab run --tool daemon --pidfile PATH --expect ... [--serve ...] -- DAEMON\n"
          "  racelab list [--cases TREE] [CASE|DIR...]\n"
          "  racelab lint [--cases TREE] [CASE|DIR...]   every error of every case file\n"
          "  racelab lint --keys      the case header's keys, their defaults and meaning\n"
          "  racelab kinds [--json]   the kinds, the tools that report each, the concepts\n"
          "  racelab --version\n"
          "\n"
          "TOOL (and its default timeout):\n",
          out);
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        fprintf(out, "  %-10s %s (%d s)\n", rl_tool_name((enum rl_tool_id)t),
                rl_tool_needs((enum rl_tool_id)t), rl_tool_default_timeout((enum rl_tool_id)t));
    fputs(
        "options:\n"
        "  --cases TREE        where --case finds a name such as race/counter_unlocked\n"
        "  --timeout S         seconds before a run counts as hung (default: the case's, or the\n"
        "                      tool's); RACELAB_TIMEOUT_SCALE multiplies it\n"
        "  --runs N            run N times; passes only if every run passes\n"
        "  --tool-option OPT   passed to the tool (repeatable): a Valgrind option\n"
        "                      (--check-stack-var=yes), or a TSan name=value for TSAN_OPTIONS;\n"
        "                      a case's 'expect TOOL (OPT):' line applies to such a run\n"
        "  --informative       with --case and --tool-option: where no expectation names the\n"
        "                      options, record the verdict instead (fails only on what racelab\n"
        "                      cannot vouch for): the matrix's option columns\n"
        "  --suppressions FILE the tool's suppressions file (repeatable; every tool)\n"
        "  --cwd DIR           the program's working directory (default: racelab's own; for\n"
        "                      --case, the run's temporary folder)\n"
        "  --stdin FILE|-      the program's stdin, reopened for every run (default /dev/null;\n"
        "                      - is racelab's own, with one run only)\n"
        "  --output            pass the program's stdout and stderr through as it runs (else\n"
        "                      they are kept, and shown when the run fails)\n"
        "  --exit-status N|any the program's exit status that is not an assertion (default 0)\n"
        "  --name NAME         the test's name in the output, the JSON and the results lines\n"
        "  --serve             drive a server: wait until it is ready (--ready), run the clients\n"
        "                      (or let it serve --for S), stop it with SIGTERM; it must stop\n"
        "                      in time (no-clean-stop) and every client must exit 0 (assertion)\n"
        "  --ready HOW         listen[:PORT] (a socket of the run in LISTEN), fd:N (a line on\n"
        "                      the pipe racelab gives it at descriptor N), file:PATH (the file\n"
        "                      exists), delay:S\n"
        "  --client CMD        a shell command run once the server is ready (repeatable, in\n"
        "                      order), uninstrumented, with RACELAB_PORT, RACELAB_PID and\n"
        "                      RACELAB_READY set\n"
        "  --for S             without clients: how long the server serves before it is stopped\n"
        "  --pidfile PATH      --tool daemon on a daemon of your own: where it writes its pid\n"
        "  --json FILE         write the verdict, every report and the timings as JSON\n"
        "  --junit FILE        write JUnit XML: a testcase per run, racelab's account in each\n"
        "                      failure\n"
        "  --sarif FILE        write SARIF 2.1.0: a result per report, at the line it cites\n"
        "  --source-root DIR   what SARIF's and GitHub annotations' paths are relative to\n"
        "                      (default: $GITHUB_WORKSPACE, else the working directory);\n"
        "                      with GITHUB_ACTIONS=true a failure is also annotated there\n"
        "  --keep              keep each run's temporary directory (its path is printed)\n"
        "  --verbose           print the report excerpts of passing runs too\n"
        "  --backtrace         at a hang, take every thread's stack (the default: libdw, or\n"
        "                      Valgrind's gdbserver; gdb only where libdw cannot);\n"
        "                      --no-backtrace never (then deadlock markers cannot be checked)\n"
        "Relative paths are taken from racelab's working directory.\n"
        "exit status: 0 expectation met, 1 not met, 2 usage or bad case file, 77 tool not "
        "installed\n",
        out);
}

int rl_usage_error(const char *fmt, ...)
{
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "racelab: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
    }
    rl_print_usage(stderr);
    return RL_EXIT_USAGE;
}

/* Strict numbers: the whole text is one finite number in (lo, hi]; anything else (nan, inf,
 * "1e999", "10s", "", " 1") is an error of one line. Returns 0, or -1 after the message. */
static int parse_real(const char *what, const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = text[0] && !isspace((unsigned char)text[0]) ? strtod(text, &end) : NAN;
    if (isnan(v) || *end || errno == ERANGE || !isfinite(v) || v <= lo || v > hi) {
        fprintf(stderr, "racelab: %s takes a number greater than %g and at most %g, not '%s'\n",
                what, lo, hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* A whole number in [lo, hi], in decimal digits only. Returns 0, or -1 after the message. */
static int parse_count(const char *what, const char *text, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long long v = isdigit((unsigned char)text[0]) ? strtoll(text, &end, 10) : -1;
    if (v < 0 || *end || errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "racelab: %s takes a whole number from %ld to %ld, not '%s'\n", what, lo,
                hi, text);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* RACELAB_TIMEOUT_SCALE, 1 when unset or empty. Returns 0, or -1 after a one-line message. */
static int timeout_scale(double *scale)
{
    const char *s = getenv("RACELAB_TIMEOUT_SCALE");
    *scale = 1.0;
    if (!s || !*s)
        return 0;
    return parse_real("RACELAB_TIMEOUT_SCALE", s, 0, RL_SCALE_MAX, scale);
}

/* At most this many located expectations (KIND@FILE:LINE) in one --expect. */
#define RL_LOCATED_MAX 32

static int parse_kinds(const char *text, enum rl_tool_id tool, rl_kindset *out,
                       struct rl_located *located, int *nlocated)
{
    *out = 0;
    *nlocated = 0;
    if (strcmp(text, "clean") == 0)
        return 0;
    char buf[1024];
    if (rl_fmt(buf, sizeof buf, "%s", text) < 0) {
        fprintf(stderr, "racelab: --expect: the list is too long (%zu bytes; at most %zu)\n",
                strlen(text), sizeof buf - 1);
        return -1;
    }
    for (char *save = NULL, *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        while (*k == ' ')
            k++;
        if (strchr(k, '@')) {
            char why[256] = "";
            if (*nlocated == RL_LOCATED_MAX)
                snprintf(why, sizeof why, "more than %d located kinds", RL_LOCATED_MAX);
            if (why[0] || rl_located_parse(k, &located[*nlocated], why, sizeof why) < 0) {
                fprintf(stderr, "racelab: --expect: %s\n", why);
                return -1;
            }
            k[strcspn(k, "@")] = '\0'; /* the kind, checked below as any other */
            (*nlocated)++;
        }
        int kind = rl_kind_from_name(k);
        if (kind < 0 || kind == RL_KIND_UNCLASSIFIED) {
            fprintf(stderr, "racelab: --expect: unknown kind '%s'\n", k);
            return -1;
        }
        if (!(rl_tool_kinds(tool) & RL_KINDSET(kind))) {
            fprintf(stderr, "racelab: --expect: %s never reports '%s'\n", rl_tool_name(tool), k);
            return -1;
        }
        *out |= RL_KINDSET(kind);
    }
    return 0;
}

/* For the matrix scripts (ci/matrix), which run racelab through CTest: RACELAB_RESULTS names
 * a file that gets one tab-separated line per run (tool, test name, variant, expected,
 * observed, PASS/FAIL, seconds); RACELAB_JSON_DIR a folder that gets the --json document of
 * each case and tool. Lines are appended with O_APPEND, so parallel runs do not mix. */
static int append_results(const struct rl_session *s)
{
    const char *results = getenv("RACELAB_RESULTS"), *json_dir = getenv("RACELAB_JSON_DIR");
    const char *name = rl_session_name(s);
    if (results && *results) {
        FILE *f = fopen(results, "a");
        if (!f) {
            fprintf(stderr, "racelab: cannot append to RACELAB_RESULTS=%s: %s\n", results,
                    strerror(errno));
            return -1;
        }
        setvbuf(f, NULL, _IOFBF, 1 << 16);
        for (int i = 0; i < s->nruns; i++) {
            char expected[512], observed[512];
            rl_kindset_format(s->runs[i].verdict.expected, expected, sizeof expected);
            rl_kindset_format(s->runs[i].verdict.observed, observed, sizeof observed);
            fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", rl_tool_name(s->tool), name,
                    s->c ? s->c->variant : "-", expected, observed,
                    s->runs[i].verdict.pass ? "PASS" : "FAIL", s->runs[i].result.seconds);
        }
        fclose(f);
    }
    if (json_dir && *json_dir) {
        char path[4096];
        if (rl_fmt(path, sizeof path, "%s/%s_%s.json", json_dir, rl_tool_name(s->tool), name) < 0) {
            fprintf(stderr, "racelab: RACELAB_JSON_DIR=%s: the document's path is too long\n",
                    json_dir);
            return -1;
        }
        for (char *p = path + strlen(json_dir) + 1; *p; p++)
            if (*p == '/')
                *p = '_';
        FILE *f = fopen(path, "w");
        if (!f || rl_write_json(f, s) < 0 || fclose(f) != 0) {
            fprintf(stderr, "racelab: cannot write %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* --baseline-write and --gen-suppressions, once every run is done: the baseline keeps
 * the other tools' entries of the one read. Returns 0, or -1 after the message. */
static int write_adoption(const struct rl_session *s, const struct rl_baseline *known,
                          struct rl_baseline *seen, const char *baseline_out, const char *supp)
{
    for (size_t i = 0; baseline_out && i < known->n; i++) {
        const struct rl_baseline_entry *e = &known->v[i];
        struct rl_report r = {.kind = e->kind};
        struct rl_reports one = {.v = &r, .n = 1};
        memcpy(r.frame, e->frame, sizeof r.frame);
        if (e->tool != s->tool && rl_baseline_add(seen, e->tool, &one, 0) < 0)
            return -1;
    }
    const struct rl_reports *runs[RL_RUNS_SUPPRESSED];
    int n = 0, entries = 0;
    for (int i = 0; i < s->nruns && n < RL_RUNS_SUPPRESSED; i++)
        runs[n++] = &s->runs[i].result.reports;
    for (int which = 0; which < 2; which++) {
        const char *path = which ? supp : baseline_out;
        if (!path)
            continue;
        FILE *f = fopen(path, "w");
        int rc = !f      ? -1
                 : which ? (entries = rl_suppressions_write(f, s->tool, runs, n))
                         : rl_baseline_write(f, seen);
        if (f && fclose(f) != 0)
            rc = -1;
        if (rc < 0) {
            fprintf(stderr, "racelab: cannot write %s: %s\n", path, strerror(errno));
            return -1;
        }
        if (which)
            printf("suppressions written: %s (%d entries)\n", path, entries);
        else
            printf("baseline written: %s (%zu entries)\n", path, seen->n);
    }
    return 0;
}

/* What the command line said, before anything is opened. */
struct args {
    const char *tool, *case_path, *bin, *expect, *json, *name, *cwd, *stdin_path;
    const char *tree; /* --cases: where --case finds a name; NULL: a path only */
    const char *baseline, *baseline_out, *gen_suppressions, *min_pass;
    const char *exit_status;
    const char *ready, *pidfile;             /* --ready, --pidfile */
    double timeout;                          /* 0: not given */
    double for_seconds;                      /* --for; 0: not given */
    int serve;                               /* --serve */
    struct rl_strv clients;                  /* --client, in order */
    const char *junit, *sarif, *source_root; /* source_root: in root, real */
    char root[PATH_MAX];
    int runs, keep, verbose, backtrace, output;
    int informative;                           /* --informative */
    int min_runs;                              /* --min-pass, else --runs */
    struct rl_strv tool_options, suppressions; /* as given */
    char **program;                            /* after --; NULL with --case */
};

enum {
    OPT_TOOL_OPTION = 256,
    OPT_SUPPRESSIONS,
    OPT_CWD,
    OPT_STDIN,
    OPT_OUTPUT,
    OPT_EXIT_STATUS,
    OPT_NAME,
    OPT_CASES,
    OPT_BASELINE,
    OPT_BASELINE_WRITE,
    OPT_GEN_SUPPRESSIONS,
    OPT_MIN_PASS,
    OPT_SERVE,
    OPT_READY,
    OPT_CLIENT,
    OPT_FOR,
    OPT_PIDFILE,
    OPT_JUNIT,
    OPT_SARIF,
    OPT_SOURCE_ROOT,
    OPT_INFORMATIVE
};

/* Returns 0, 1 after --help, or -1 after a one-line message. */
static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option options[] = {
        {"tool", required_argument, 0, 't'},
        {"case", required_argument, 0, 'c'},
        {"bin", required_argument, 0, 'b'},
        {"expect", required_argument, 0, 'e'},
        {"timeout", required_argument, 0, 'T'},
        {"runs", required_argument, 0, 'n'},
        {"json", required_argument, 0, 'j'},
        {"keep", no_argument, 0, 'k'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"backtrace", no_argument, 0, 'B'},
        {"no-backtrace", no_argument, 0, 'N'},
        {"tool-option", required_argument, 0, OPT_TOOL_OPTION},
        {"suppressions", required_argument, 0, OPT_SUPPRESSIONS},
        {"cwd", required_argument, 0, OPT_CWD},
        {"stdin", required_argument, 0, OPT_STDIN},
        {"output", no_argument, 0, OPT_OUTPUT},
        {"exit-status", required_argument, 0, OPT_EXIT_STATUS},
        {"name", required_argument, 0, OPT_NAME},
        {"cases", required_argument, 0, OPT_CASES},
        {"baseline", required_argument, 0, OPT_BASELINE},
        {"baseline-write", required_argument, 0, OPT_BASELINE_WRITE},
        {"gen-suppressions", required_argument, 0, OPT_GEN_SUPPRESSIONS},
        {"min-pass", required_argument, 0, OPT_MIN_PASS},
        {"serve", no_argument, 0, OPT_SERVE},
        {"ready", required_argument, 0, OPT_READY},
        {"client", required_argument, 0, OPT_CLIENT},
        {"for", required_argument, 0, OPT_FOR},
        {"pidfile", required_argument, 0, OPT_PIDFILE},
        {"junit", required_argument, 0, OPT_JUNIT},
        {"sarif", required_argument, 0, OPT_SARIF},
        {"source-root", required_argument, 0, OPT_SOURCE_ROOT},
        {"informative", no_argument, 0, OPT_INFORMATIVE},
        {0, 0, 0, 0},
    };
    a->runs = 1;
    a->backtrace = -1;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
        switch (opt) {
        case 't':
            a->tool = optarg;
            break;
        case 'c':
            a->case_path = optarg;
            break;
        case 'b':
            a->bin = optarg;
            break;
        case 'e':
            a->expect = optarg;
            break;
        case 'j':
            a->json = optarg;
            break;
        case 'k':
            a->keep = 1;
            break;
        case 'v':
            a->verbose = 1;
            break;
        case 'B':
            a->backtrace = 1;
            break;
        case 'N':
            a->backtrace = 0;
            break;
        case 'T':
            if (parse_real("--timeout", optarg, 0, RL_TIMEOUT_MAX, &a->timeout) < 0)
                return -1;
            break;
        case 'n':
            if (parse_count("--runs", optarg, 1, RL_RUNS_MAX, &a->runs) < 0)
                return -1;
            break;
        case OPT_TOOL_OPTION:
            if (rl_strv_addf(&a->tool_options, "%s", optarg) < 0)
                return -1;
            break;
        case OPT_SUPPRESSIONS:
            if (rl_strv_addf(&a->suppressions, "%s", optarg) < 0)
                return -1;
            break;
        case OPT_CWD:
            a->cwd = optarg;
            break;
        case OPT_STDIN:
            a->stdin_path = optarg;
            break;
        case OPT_OUTPUT:
            a->output = 1;
            break;
        case OPT_EXIT_STATUS:
            a->exit_status = optarg;
            break;
        case OPT_NAME:
            a->name = optarg;
            break;
        case OPT_CASES:
            a->tree = optarg;
            break;
        case OPT_JUNIT:
            a->junit = optarg;
            break;
        case OPT_SARIF:
            a->sarif = optarg;
            break;
        case OPT_SOURCE_ROOT:
            if (!realpath(optarg, a->root)) {
                fprintf(stderr, "racelab: --source-root %s: %s\n", optarg, strerror(errno));
                return -1;
            }
            a->source_root = a->root;
            break;
        case OPT_INFORMATIVE:
            a->informative = 1;
            break;
        case OPT_BASELINE:
            a->baseline = optarg;
            break;
        case OPT_BASELINE_WRITE:
            a->baseline_out = optarg;
            break;
        case OPT_GEN_SUPPRESSIONS:
            a->gen_suppressions = optarg;
            break;
        case OPT_MIN_PASS:
            a->min_pass = optarg;
            break;
        case OPT_SERVE:
            a->serve = 1;
            break;
        case OPT_READY:
            a->ready = optarg;
            break;
        case OPT_CLIENT:
            if (!*optarg)
                return rl_usage_error("run: --client takes a shell command, not an empty one"), -1;
            if (rl_strv_addf(&a->clients, "%s", optarg) < 0)
                return -1;
            break;
        case OPT_FOR:
            if (parse_real("--for", optarg, 0, RL_TIMEOUT_MAX, &a->for_seconds) < 0)
                return -1;
            break;
        case OPT_PIDFILE:
            a->pidfile = optarg;
            break;
        case 'h':
            rl_print_usage(stdout);
            return 1;
        default:
            rl_print_usage(stderr);
            return -1;
        }
    }
    if (!a->tool)
        return rl_usage_error("run: --tool is required"), -1;
    /* A program of one's own is checked against --expect, or against --baseline, or only
     * recorded (--baseline-write or --gen-suppressions alone). */
    if (a->case_path ? a->expect || a->baseline
                     : !a->expect && !a->baseline && !a->baseline_out && !a->gen_suppressions)
        return rl_usage_error("run: give either --case with --bin, or --expect or --baseline "
                              "with -- PROGRAM"),
               -1;
    if (a->expect && a->baseline)
        return rl_usage_error("run: --expect and --baseline are two expectations: give one"), -1;
    if (a->informative && !a->case_path)
        return rl_usage_error("run: --informative is for a --case run given --tool-option (a "
                              "program of one's own records with --baseline-write)"),
               -1;
    a->min_runs = a->runs;
    if (a->min_pass && parse_count("--min-pass", a->min_pass, 1, a->runs, &a->min_runs) < 0)
        return -1;
    if (a->case_path) {
        if (!a->bin)
            return rl_usage_error("run: --case needs --bin (the case's built program)"), -1;
        if (optind < argc)
            return rl_usage_error("run: --case takes no program arguments ('%s'); the case's "
                                  "'args:' key gives them",
                                  argv[optind]),
                   -1;
    } else {
        if (optind >= argc)
            return rl_usage_error("run: --expect or --baseline needs -- PROGRAM [ARGS...]"), -1;
        a->program = argv + optind;
    }
    /* A server (--serve) is driven by its readiness and its clients, or a time. */
    const char *serving = a->ready         ? "--ready"
                          : a->clients.n   ? "--client"
                          : a->for_seconds ? "--for"
                                           : NULL;
    if (serving && !a->serve)
        return rl_usage_error("run: %s drives a server: it needs --serve", serving), -1;
    if (a->serve && a->case_path)
        return rl_usage_error("run: --serve drives a program of your own (-- PROGRAM); a case "
                              "says itself how it runs"),
               -1;
    if (a->serve && !a->ready)
        return rl_usage_error("run: --serve needs --ready listen[:PORT], fd:N, file:PATH or "
                              "delay:S: how racelab knows the server is ready"),
               -1;
    if (a->clients.n && a->for_seconds)
        return rl_usage_error("run: --client and --for both say how long the server serves: "
                              "give one"),
               -1;
    if (a->pidfile && a->case_path)
        return rl_usage_error("run: --pidfile is for a daemon of your own (-- PROGRAM); a daemon "
                              "case's pidfile is racelab's"),
               -1;
    return 0;
}

/* A path named on the command line, made absolute from racelab's working directory (the
 * program may run elsewhere). Symbolic links are kept: a program may look at its argv[0]. */
static int absolute(const char *what, const char *path, char *out, size_t size)
{
    char cwd[PATH_MAX];
    if (path[0] == '/') {
        if (rl_fmt(out, size, "%s", path) == 0)
            return 0;
    } else if (getcwd(cwd, sizeof cwd) && rl_fmt(out, size, "%s/%s", cwd, path) == 0) {
        return 0;
    }
    fprintf(stderr, "racelab: %s %s: %s\n", what, path,
            errno == ENAMETOOLONG ? "path too long" : strerror(errno));
    return -1;
}

/* A file the program or the tool will read: it must be there, readable, and not a folder;
 * out gets its real path. */
static int readable_file(const char *what, const char *path, char *out, size_t size)
{
    struct stat st;
    char real[PATH_MAX];
    if (!realpath(path, real) || stat(real, &st) != 0 || access(real, R_OK) != 0) {
        fprintf(stderr, "racelab: %s %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    if (rl_fmt(out, size, "%s", real) < 0) {
        fprintf(stderr, "racelab: %s %s: path too long\n", what, path);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "racelab: %s %s: is a folder, not a file\n", what, path);
        return -1;
    }
    return 0;
}

/* Everything a session owns. */
struct session {
    struct rl_session s;
    struct rl_case c;
    int have_case;
    struct rl_strv program, tool_options, suppressions;
    char cwd[PATH_MAX], stdin_path[PATH_MAX];
    struct rl_baseline known, seen; /* --baseline read; what --baseline-write records */
    struct rl_located located[RL_LOCATED_MAX];
    int nlocated;
    int serving;           /* --serve */
    struct rl_serve serve; /* its readiness and clients */
    char pidfile[PATH_MAX], ready_path[PATH_MAX];
};

static void session_free(struct session *ss)
{
    for (int i = 0; i < ss->s.nruns; i++) {
        rl_result_free(&ss->s.runs[i].result);
        rl_verdict_free(&ss->s.runs[i].verdict);
    }
    free(ss->s.runs);
    if (ss->have_case)
        rl_case_free(&ss->c);
    rl_strv_free(&ss->program);
    rl_strv_free(&ss->tool_options);
    rl_strv_free(&ss->suppressions);
    rl_baseline_free(&ss->known);
    rl_baseline_free(&ss->seen);
}

static const char *const empty_list[] = {NULL};

/* --serve, --ready, --client, --for and --pidfile (parse_args checked how they combine).
 * Returns 0, or -1 after a one-line message. */
static int serve_settings(const struct args *a, struct session *ss, int checker)
{
    if (checker && !a->case_path && !a->pidfile) {
        fprintf(stderr, "racelab: --tool daemon checks a daemon of your own through its pidfile: "
                        "give --pidfile PATH, where the daemon writes its pid\n");
        return -1;
    }
    if (!checker && a->pidfile) {
        fprintf(stderr, "racelab: --pidfile is for --tool daemon (the daemon checker)\n");
        return -1;
    }
    if (a->pidfile && absolute("--pidfile", a->pidfile, ss->pidfile, sizeof ss->pidfile) < 0)
        return -1;
    ss->s.set.pidfile = a->pidfile ? ss->pidfile : NULL;
    if (!a->serve)
        return 0;
    char why[512];
    struct rl_ready *r = &ss->serve.ready;
    if (rl_ready_parse(a->ready, r, why, sizeof why) < 0) {
        fprintf(stderr, "racelab: %s\n", why);
        return -1;
    }
    if (checker && r->how == RL_READY_FD && r->fd == RL_KEEP_FD) {
        fprintf(stderr,
                "racelab: --ready fd:%d: under --tool daemon, descriptor %d is the checker's "
                "canary; give another\n",
                RL_KEEP_FD, RL_KEEP_FD);
        return -1;
    }
    if (r->how == RL_READY_FILE) {
        if (absolute("--ready file:", r->path, ss->ready_path, sizeof ss->ready_path) < 0)
            return -1;
        r->path = ss->ready_path;
    }
    ss->serving = 1;
    ss->serve.clients = a->clients.n ? a->clients.v : NULL;
    ss->serve.for_seconds = a->for_seconds;
    ss->s.set.serve = &ss->serve;
    return 0;
}

/* Opens the case or names the program, and settles every option in effect. Returns 0, or an
 * exit status after a one-line message. */
static int prepare(const struct args *a, struct session *ss, const struct rl_tool **tool)
{
    struct rl_session *s = &ss->s;
    struct rl_settings *set = &s->set;
    char err[8192], found[PATH_MAX]; /* every error of a case file; the case, found */
    int t = rl_tool_from_name(a->tool);
    if (t < 0) {
        char tools[256];
        rl_tool_list(tools, sizeof tools);
        fprintf(stderr, "racelab: run: unknown tool '%s' (tools: %s)\n", a->tool, tools);
        rl_print_usage(stderr);
        return RL_EXIT_USAGE;
    }
    s->tool = (enum rl_tool_id)t;
    *tool = rl_tool_get(s->tool);
    if (!*tool) {
        fprintf(stderr, "racelab: the %s checker is not available in this build\n", a->tool);
        return RL_EXIT_USAGE;
    }
    /* Read before anything runs: a bad baseline is told with its every error. */
    if (a->baseline && rl_baseline_read(a->baseline, &ss->known, err, sizeof err) < 0) {
        fprintf(stderr, "racelab: %s\n", err);
        return RL_EXIT_USAGE;
    }
    s->min_pass = a->min_runs;
    s->baseline = a->baseline;
    s->recording = !a->expect && !a->case_path && !a->baseline;
    s->informative = a->informative;
    set->timeout = a->timeout;
    set->exit_status = 0;
    set->name = a->name;
    set->output = a->output;
    set->source_root = a->source_root;
    if (a->name && (!a->name[0] || a->name[strcspn(a->name, "\t\n\r")])) {
        fprintf(stderr, "racelab: --name takes a name without tabs or newlines, and not empty\n");
        return RL_EXIT_USAGE;
    }

    /* The program: the case's binary and its 'args:', or the words after --. */
    const char *program = a->case_path ? a->bin : a->program[0];
    char resolved[PATH_MAX], path[PATH_MAX];
    if (rl_which(program, resolved, sizeof resolved) != 0 ||
        absolute("program", resolved, path, sizeof path) < 0) {
        fprintf(stderr, "racelab: %s: no such executable\n", program);
        return RL_EXIT_USAGE;
    }
    if (rl_strv_addf(&ss->program, "%s", path) < 0)
        goto oom;
    if (a->case_path) {
        if (rl_catalog_find(a->tree, a->case_path, found, sizeof found) < 0)
            return RL_EXIT_USAGE;
        if (rl_case_load(found, &ss->c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "racelab: %s\n", err);
            return RL_EXIT_USAGE;
        }
        ss->have_case = 1;
        s->c = &ss->c;
        if (!rl_case_has_tool(s->c, s->tool)) {
            fprintf(stderr, "racelab: %s: no 'expect %s:' line\n", a->case_path, a->tool);
            return RL_EXIT_USAGE;
        }
        if (rl_strv_add_words(&ss->program, ss->c.args) < 0 ||
            rl_strv_add_words(&ss->tool_options, ss->c.options[t]) < 0)
            goto oom;
        if (!set->timeout)
            set->timeout = ss->c.timeout;
        set->exit_status = ss->c.exit_status;
    } else {
        for (char **w = a->program + 1; *w; w++)
            if (rl_strv_addf(&ss->program, "%s", *w) < 0)
                goto oom;
        if (a->expect &&
            parse_kinds(a->expect, s->tool, &s->expected, ss->located, &ss->nlocated) < 0)
            return RL_EXIT_USAGE;
        if (!set->timeout)
            set->timeout = rl_tool_default_timeout(s->tool);
    }
    s->program = ss->program.v;
    double scale;
    if (timeout_scale(&scale) < 0)
        return RL_EXIT_USAGE;
    set->timeout *= scale;

    if (a->exit_status && rl_exit_status_parse(a->exit_status, &set->exit_status) < 0) {
        fprintf(stderr,
                "racelab: --exit-status takes a whole number from 0 to 255 or 'any', not '%s'\n",
                a->exit_status);
        return RL_EXIT_USAGE;
    }
    /* The daemon checker gives the daemon a terminal for 0-2 and reads what it left. */
    int checker = s->tool == RL_TOOL_DAEMON;
    if (checker && (a->stdin_path || a->output || a->tool_options.n)) {
        fprintf(stderr,
                "racelab: --tool daemon takes no %s: the daemon gets a terminal of "
                "racelab's for its stdin, stdout and stderr, and no tool\n",
                a->stdin_path ? "--stdin"
                : a->output   ? "--output"
                              : "--tool-option");
        return RL_EXIT_USAGE;
    }
    if (serve_settings(a, ss, checker) < 0)
        return RL_EXIT_USAGE;
    if (a->stdin_path && strcmp(a->stdin_path, "-") == 0) {
        if (a->runs > 1) {
            fprintf(stderr,
                    "racelab: --stdin - is racelab's own stdin, which only one run can "
                    "read: give a FILE with --runs %d\n",
                    a->runs);
            return RL_EXIT_USAGE;
        }
        set->stdin_path = "-";
    } else if (a->stdin_path) {
        if (readable_file("--stdin", a->stdin_path, ss->stdin_path, sizeof ss->stdin_path) < 0)
            return RL_EXIT_USAGE;
        set->stdin_path = ss->stdin_path;
    }
    for (size_t i = 0; i < a->suppressions.n; i++) {
        char file[PATH_MAX];
        if (readable_file("--suppressions", a->suppressions.v[i], file, sizeof file) < 0)
            return RL_EXIT_USAGE;
        if (rl_strv_addf(&ss->suppressions, "%s", file) < 0)
            goto oom;
    }
    /* The working directory: --cwd; else a case's run folder, or racelab's own. */
    if (a->cwd) {
        struct stat st;
        if (!realpath(a->cwd, ss->cwd) || stat(ss->cwd, &st) != 0) {
            fprintf(stderr, "racelab: --cwd %s: %s\n", a->cwd, strerror(errno));
            return RL_EXIT_USAGE;
        }
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "racelab: --cwd %s: not a folder\n", a->cwd);
            return RL_EXIT_USAGE;
        }
        set->cwd = ss->cwd;
    } else if (!a->case_path) {
        if (!getcwd(ss->cwd, sizeof ss->cwd)) {
            fprintf(stderr, "racelab: cannot name the working directory: %s\n", strerror(errno));
            return RL_EXIT_USAGE;
        }
        set->cwd = ss->cwd;
    }
    for (size_t i = 0; i < a->tool_options.n; i++)
        if (rl_strv_addf(&ss->tool_options, "%s", a->tool_options.v[i]) < 0)
            goto oom;
    s->given_options = a->tool_options.n ? a->tool_options.v : (char *const *)empty_list;
    set->tool_options = ss->tool_options.n ? ss->tool_options.v : (char *const *)empty_list;
    set->suppressions = ss->suppressions.n ? ss->suppressions.v : (char *const *)empty_list;
    set->env_name = s->tool == RL_TOOL_TSAN                                 ? "TSAN_OPTIONS"
                    : s->tool == RL_TOOL_HELGRIND || s->tool == RL_TOOL_DRD ? "VALGRIND_OPTS"
                                                                            : NULL;
    set->env_value = set->env_name ? getenv(set->env_name) : NULL;
    if (set->env_value && !*set->env_value)
        set->env_value = NULL;
    return 0;
oom:
    fprintf(stderr, "racelab: out of memory\n");
    return RL_EXIT_USAGE;
}

/* A qualified expectation may apply to this tool's version and to the --tool-option values
 * given: picked when the probe knows the version (TSan's, from the binary), and again when a
 * run names it (Valgrind's XML). Under --informative, a run given options that no
 * expectation names records instead (an option column's cell the case says nothing of). */
static void pick_expectation(struct rl_session *s)
{
    if (!s->c)
        return;
    const struct rl_expect *e =
        rl_case_expect_for(s->c, s->tool, s->tool_version, s->given_options);
    s->expected = e->kinds;
    s->expect_note = e->note;
    s->recording =
        s->informative && s->given_options && s->given_options[0] && e->when.noptions == 0;
}

/* The tool is there and takes the program and every option. Returns 0 or an exit status. */
static int probe(struct session *ss, const struct rl_tool *tool)
{
    struct rl_session *s = &ss->s;
    char err[1024];
    int rc = tool->probe(s->program, s->tool_version, sizeof s->tool_version, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "racelab: %s%s\n", err, rc == RL_EXIT_SKIP ? " (skipped)" : "");
        return rc;
    }
    size_t from_case = 0;
    if (s->c)
        for (const char *p = s->c->options[s->tool]; *(p += strspn(p, " \t")); from_case++)
            p += strcspn(p, " \t");
    for (size_t i = 0; i < ss->tool_options.n; i++) {
        rc = tool->check_option
                 ? tool->check_option(s->program, ss->tool_options.v[i], err, sizeof err)
                 : RL_EXIT_USAGE;
        if (!tool->check_option)
            snprintf(err, sizeof err, "--tool-option: %s takes no tool options",
                     rl_tool_name(s->tool));
        if (rc == 0)
            continue;
        if (i < from_case)
            fprintf(stderr, "racelab: %s:%d: options %s: %s\n", s->c->path,
                    s->c->options_line[s->tool], rl_tool_name(s->tool), err);
        else
            fprintf(stderr, "racelab: %s\n", err);
        return RL_EXIT_USAGE;
    }
    pick_expectation(s);
    return 0;
}

/* Runs the program a->runs times, printing each verdict. Returns the exit status. */
static int run_all(const struct args *a, struct session *ss, const struct rl_tool *tool)
{
    struct rl_session *s = &ss->s;
    const struct rl_settings *set = &s->set;
    struct rl_job job = {
        .tool = tool,
        .c = s->c,
        .program = s->program,
        .timeout = set->timeout,
        .protocol = (s->c && rl_case_is_daemon(s->c)) || ss->pidfile[0] ? RL_PROTOCOL_DAEMON
                    : ss->serving                                       ? RL_PROTOCOL_SERVE
                                                                        : RL_PROTOCOL_PLAIN,
        .serve = ss->serving ? &ss->serve : NULL,
        .pidfile = ss->pidfile[0] ? ss->pidfile : NULL,
        .keep = a->keep,
        .backtraces = a->backtrace != 0,
        .tool_options = set->tool_options,
        .suppressions = set->suppressions,
        .cwd = set->cwd,
        .stdin_path = set->stdin_path,
        .output = set->output,
        .exit_status = set->exit_status,
        .wrapped = rl_is_script(s->program[0]),
        .gen_suppressions = a->gen_suppressions != NULL,
    };
    s->runs = calloc((size_t)a->runs, sizeof *s->runs);
    if (!s->runs) {
        fprintf(stderr, "racelab: out of memory\n");
        return RL_EXIT_USAGE;
    }
    /* SIGINT, SIGHUP, SIGQUIT, SIGTERM: the run is killed and its folder removed, then racelab
     * dies of the signal, so a shell loop around it stops as it should. */
    if (rl_run_catch_signals() < 0) {
        fprintf(stderr, "racelab: sigaction: %s\n", strerror(errno));
        return RL_EXIT_USAGE;
    }
    int status = RL_EXIT_PASS, passed = 0;
    char err[1024];
    for (int i = 0; i < a->runs && !rl_run_interrupted(); i++) {
        struct rl_outcome *o = &s->runs[i];
        if (rl_runner_run(&job, &o->result, err, sizeof err) < 0) {
            fprintf(stderr, "racelab: %s: %s\n", s->c ? s->c->path : s->program[0], err);
            status = RL_EXIT_USAGE;
            break;
        }
        s->nruns++;
        if (o->result.tool_version[0] && strcmp(o->result.tool_version, s->tool_version) != 0) {
            snprintf(s->tool_version, sizeof s->tool_version, "%s", o->result.tool_version);
            pick_expectation(s);
        }
        if (rl_match(s->c, s->expected, &o->result.reports, o->result.harness, &o->result.stacks,
                     &o->verdict) < 0) {
            fprintf(stderr, "racelab: out of memory\n");
            status = RL_EXIT_USAGE;
            break;
        }
        struct rl_verdict *v = &o->verdict;
        const struct rl_reports *rs = &o->result.reports;
        int fresh = 0; /* reports the baseline does not know */
        if (s->baseline || s->recording) {
            /* The baseline is the expectation, not a set of kinds; a run that only records
             * still fails on what racelab cannot vouch for. (A case's informative run records
             * what the option did: a report on an unmarked line is part of that.) */
            fresh = a->baseline
                        ? rl_baseline_check(&ss->known, s->tool, rs, o->result.harness, NULL)
                        : !!(v->observed & RL_KINDSET(RL_KIND_UNCLASSIFIED));
            v->expected = v->observed;
            v->missing = v->extra = 0;
            v->pass = !fresh && (s->c || (!v->misplaced && !v->unchecked));
        }
        for (int l = 0; l < ss->nlocated; l++)
            v->pass &= rl_located_met(&ss->located[l], rs);
        if (a->runs == 1 || !v->pass || a->verbose)
            rl_print_run(stdout, s, o, a->verbose);
        for (int l = 0; l < ss->nlocated; l++)
            if (!rl_located_met(&ss->located[l], rs))
                printf("  not cited: no %s report cites %s:%d, on either side\n",
                       rl_kind_name(ss->located[l].kind), ss->located[l].file, ss->located[l].line);
        if (a->baseline && fresh && (a->runs == 1 || a->verbose || !v->pass))
            rl_baseline_check(&ss->known, s->tool, rs, o->result.harness, stdout);
        if (a->baseline_out && rl_baseline_add(&ss->seen, s->tool, rs, o->result.harness) < 0) {
            fprintf(stderr, "racelab: out of memory\n");
            status = RL_EXIT_USAGE;
        }
        if (a->keep)
            printf("  run directory kept: %s\n", o->result.dir);
        passed += v->pass;
    }
    if (status == RL_EXIT_PASS && passed < a->min_runs)
        status = RL_EXIT_FAIL;
    if (rl_run_interrupted()) {
        fflush(stdout);
        rl_run_reraise(); /* (the folders are gone already: the runner removes each) */
    }
    if (a->runs > 1 && s->nruns == a->runs)
        rl_print_summary(stdout, s);
    if (a->baseline && s->nruns == a->runs) {
        int fixed = rl_baseline_fixed(&ss->known, s->tool, a->baseline, stdout);
        /* "Fixed" is what these runs saw: a race that shows in some runs only may be back. */
        printf("baseline %s: %zu entries, %d fixed (seen in none of %d run%s)\n", a->baseline,
               ss->known.n, fixed, a->runs, a->runs == 1 ? "" : "s");
    }
    if (status != RL_EXIT_USAGE && s->nruns == a->runs &&
        write_adoption(s, &ss->known, &ss->seen, a->baseline_out, a->gen_suppressions) < 0)
        status = RL_EXIT_USAGE;
    return status;
}

int rl_session_main(int argc, char **argv)
{
    struct args a = {0};
    struct session ss = {0};
    int status = parse_args(argc, argv, &a);
    const struct rl_tool *tool = NULL;
    if (status != 0) {
        status = status > 0 ? RL_EXIT_PASS : RL_EXIT_USAGE;
    } else if ((status = prepare(&a, &ss, &tool)) == 0 && (status = probe(&ss, tool)) == 0) {
        status = run_all(&a, &ss, tool);
        const struct {
            const char *path;
            int (*write)(FILE *, const struct rl_session *);
        } outputs[] = {
            {a.json, rl_write_json}, {a.junit, rl_write_junit}, {a.sarif, rl_write_sarif}};
        for (size_t i = 0; ss.s.nruns > 0 && i < sizeof outputs / sizeof outputs[0]; i++) {
            if (!outputs[i].path)
                continue;
            FILE *f = fopen(outputs[i].path, "w");
            int failed = !f || outputs[i].write(f, &ss.s) < 0;
            if ((f && fclose(f) != 0) || failed) {
                fprintf(stderr, "racelab: cannot write %s: %s\n", outputs[i].path, strerror(errno));
                status = RL_EXIT_USAGE;
            }
        }
        if (ss.s.nruns > 0 && rl_annotations_wanted())
            rl_write_annotations(stdout, &ss.s);
        if (ss.s.nruns > 0 && append_results(&ss.s) < 0)
            status = RL_EXIT_USAGE;
    }
    fflush(stdout);
    session_free(&ss);
    rl_strv_free(&a.tool_options);
    rl_strv_free(&a.suppressions);
    rl_strv_free(&a.clients);
    return status;
}
