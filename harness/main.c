/* racelab's command line. Exit statuses: 0 expectation met, 1 not met, 2 usage or bad case
 * file, 77 the tool is not installed. */
#include "case.h"
#include "match.h"
#include "output.h"
#include "proc.h"
#include "runner.h"
#include "tool.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The bounds of the numbers racelab takes: a day, a hundredfold, a million runs. */
#define RL_TIMEOUT_MAX 86400.0
#define RL_SCALE_MAX   100.0
#define RL_RUNS_MAX    1000000L

/* The version is written once, in CMakeLists.txt's project(); the build passes it here. */
#ifndef RACELAB_VERSION
#error "build racelab with -DRACELAB_VERSION=\"x.y\" (CMakeLists.txt does)"
#endif
#ifndef RACELAB_CASES_DIR
#define RACELAB_CASES_DIR "cases"
#endif

/* The usage text; the tool lines come from the tool table (kinds.h). */
static void print_usage(FILE *out)
{
    fputs("usage:\n"
          "  racelab run --tool TOOL --case CASE.c --bin PROGRAM [options]\n"
          "  racelab run --tool TOOL --expect KINDS|clean [options] -- PROGRAM [ARGS...]\n"
          "  racelab list [CASE.c|DIR...]\n"
          "  racelab lint CASE.c...\n"
          "  racelab kinds [--json]   the kinds, the tools that report each, the concepts\n"
          "  racelab --version\n"
          "\n"
          "TOOL:\n",
          out);
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        fprintf(out, "  %-10s %s\n", rl_tool_name((enum rl_tool_id)t),
                rl_tool_needs((enum rl_tool_id)t));
    fputs(
        "options:\n"
        "  --timeout S   seconds before a run counts as hung (default: the case's, or 10);\n"
        "                RACELAB_TIMEOUT_SCALE multiplies it\n"
        "  --runs N      run N times; passes only if every run passes\n"
        "  --json FILE   write the verdict, every report and the timings as JSON\n"
        "  --keep        keep each run's temporary directory (its path is printed)\n"
        "  --verbose     print the report excerpts of passing runs too\n"
        "  --backtrace   at a hang, show gdb's backtrace of every thread (default: only when the\n"
        "                case does not expect the hang); --no-backtrace never\n"
        "exit status: 0 expectation met, 1 not met, 2 usage or bad case file, 77 tool not "
        "installed\n",
        out);
}

static int usage(const char *fmt, const char *arg)
{
    if (fmt) {
        fprintf(stderr, "racelab: ");
        fprintf(stderr, fmt, arg);
        fprintf(stderr, "\n");
    }
    print_usage(stderr);
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

static int parse_kinds(const char *text, enum rl_tool_id tool, rl_kindset *out)
{
    *out = 0;
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
 * a file that gets one tab-separated line per run (tool, case, variant, expected, observed,
 * PASS/FAIL, seconds); RACELAB_JSON_DIR a folder that gets the --json document of each case
 * and tool. Lines are appended with O_APPEND, so parallel runs do not mix. */
static int append_results(const struct rl_session *s)
{
    const char *results = getenv("RACELAB_RESULTS"), *json_dir = getenv("RACELAB_JSON_DIR");
    char name[4096];
    if (s->c ? rl_fmt(name, sizeof name, "%s/%s", s->c->concept, s->c->name)
             : rl_fmt(name, sizeof name, "%s", s->program[0])) {
        fprintf(stderr, "racelab: the program's path is too long for RACELAB_RESULTS\n");
        return -1;
    }
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

static int cmd_run(int argc, char **argv)
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
        {0, 0, 0, 0},
    };
    const char *tool_name = NULL, *case_path = NULL, *bin = NULL, *expect = NULL, *json = NULL;
    double timeout = 0;
    int runs = 1, keep = 0, verbose = 0, backtrace = -1, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
        switch (opt) {
        case 't':
            tool_name = optarg;
            break;
        case 'c':
            case_path = optarg;
            break;
        case 'b':
            bin = optarg;
            break;
        case 'e':
            expect = optarg;
            break;
        case 'j':
            json = optarg;
            break;
        case 'k':
            keep = 1;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'B':
            backtrace = 1;
            break;
        case 'N':
            backtrace = 0;
            break;
        case 'T':
            if (parse_real("--timeout", optarg, 0, RL_TIMEOUT_MAX, &timeout) < 0)
                return RL_EXIT_USAGE;
            break;
        case 'n':
            if (parse_count("--runs", optarg, 1, RL_RUNS_MAX, &runs) < 0)
                return RL_EXIT_USAGE;
            break;
        case 'h':
            print_usage(stdout);
            return RL_EXIT_PASS;
        default:
            return usage(NULL, NULL);
        }
    }
    if (!tool_name)
        return usage("run: --tool is required", NULL);
    int tool = rl_tool_from_name(tool_name);
    if (tool < 0) {
        char tools[256];
        rl_tool_list(tools, sizeof tools);
        fprintf(stderr, "racelab: run: unknown tool '%s' (tools: %s)\n", tool_name, tools);
        print_usage(stderr);
        return RL_EXIT_USAGE;
    }
    if (!case_path == !expect)
        return usage("run: give either --case with --bin, or --expect with -- PROGRAM", NULL);

    struct rl_session s = {.tool = (enum rl_tool_id)tool};
    struct rl_case c;
    char *bin_argv[2] = {(char *)bin, NULL};
    char err[1024];
    if (case_path) {
        if (!bin)
            return usage("run: --case needs --bin (the case's built program)", NULL);
        if (optind < argc)
            return usage("run: --case takes no program arguments ('%s')", argv[optind]);
        if (rl_case_load(case_path, &c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "racelab: %s\n", err);
            return RL_EXIT_USAGE;
        }
        if (!rl_case_has_tool(&c, s.tool)) {
            fprintf(stderr, "racelab: %s: no 'expect %s:' line\n", case_path, tool_name);
            rl_case_free(&c);
            return RL_EXIT_USAGE;
        }
        s.c = &c;
        s.program = bin_argv;
        if (timeout == 0)
            timeout = c.timeout;
    } else {
        if (optind >= argc)
            return usage("run: --expect needs -- PROGRAM [ARGS...]", NULL);
        if (parse_kinds(expect, s.tool, &s.expected) < 0)
            return RL_EXIT_USAGE;
        s.program = argv + optind;
        if (timeout == 0)
            timeout = RL_CASE_TIMEOUT_DEFAULT;
    }
    double scale;
    if (timeout_scale(&scale) < 0 || !isfinite(timeout) || timeout <= 0) {
        if (s.c)
            rl_case_free(&c);
        return RL_EXIT_USAGE;
    }
    timeout *= scale;

    const struct rl_tool *t = rl_tool_get(s.tool);
    if (!t) {
        fprintf(stderr, "racelab: the %s checker is not available in this build\n", tool_name);
        if (s.c)
            rl_case_free(&c);
        return RL_EXIT_USAGE;
    }
    int probe = t->probe(s.program, s.tool_version, sizeof s.tool_version, err, sizeof err);
    if (probe != 0) {
        fprintf(stderr, "racelab: %s%s\n", err, probe == RL_EXIT_SKIP ? " (skipped)" : "");
        if (s.c)
            rl_case_free(&c);
        return probe;
    }

    if (s.c) {
        /* A version-qualified expectation may apply to this tool's version. */
        const struct rl_expect *e = rl_case_expect_for(s.c, s.tool, s.tool_version);
        s.expected = e->kinds;
        s.expect_note = e->note;
    }

    /* The program runs in its own temporary directory: name it by an absolute path. */
    char resolved[4096], absolute[4096];
    char **program = s.c ? bin_argv : argv + optind;
    if (rl_which(program[0], resolved, sizeof resolved) == 0 && realpath(resolved, absolute))
        program[0] = absolute;

    /* gdb costs about a second: by default only where a hang is not expected. */
    rl_kindset hangs = RL_KINDSET(RL_KIND_DEADLOCK) | RL_KINDSET(RL_KIND_TIMEOUT);
    if (backtrace < 0)
        backtrace = !(s.expected & hangs);
    struct rl_job job = {
        t, s.c, s.program, timeout, s.c && strcmp(s.c->concept, "daemon") == 0, keep, backtrace};
    s.runs = calloc((size_t)runs, sizeof *s.runs);
    if (!s.runs) {
        fprintf(stderr, "racelab: out of memory\n");
        return RL_EXIT_USAGE;
    }
    int status = RL_EXIT_PASS;
    /* SIGINT, SIGHUP, SIGQUIT, SIGTERM: the run is killed and its folder removed, then racelab
     * dies of the signal, so a shell loop around it stops as it should. */
    if (rl_run_catch_signals() < 0) {
        fprintf(stderr, "racelab: sigaction: %s\n", strerror(errno));
        status = RL_EXIT_USAGE;
        runs = 0;
    }
    for (int i = 0; i < runs && !rl_run_interrupted(); i++) {
        struct rl_outcome *o = &s.runs[i];
        if (rl_runner_run(&job, &o->result, err, sizeof err) < 0) {
            fprintf(stderr, "racelab: %s: %s\n", s.c ? s.c->path : s.program[0], err);
            status = RL_EXIT_USAGE;
            break;
        }
        s.nruns++;
        if (rl_match(s.c, s.expected, &o->result.reports, o->result.harness, &o->verdict) < 0) {
            fprintf(stderr, "racelab: out of memory\n");
            status = RL_EXIT_USAGE;
            break;
        }
        if (runs == 1 || !o->verdict.pass || verbose)
            rl_print_run(stdout, &s, o, verbose);
        if (keep)
            printf("  run directory kept: %s\n", o->result.dir);
        if (!o->verdict.pass)
            status = RL_EXIT_FAIL;
    }
    if (rl_run_interrupted()) {
        fflush(stdout);
        rl_run_reraise(); /* (the folders are gone already: the runner removes each) */
    }
    if (runs > 1 && s.nruns == runs)
        rl_print_summary(stdout, &s);
    if (json && s.nruns > 0) {
        FILE *f = fopen(json, "w");
        if (!f || rl_write_json(f, &s) < 0 || fclose(f) != 0) {
            fprintf(stderr, "racelab: cannot write %s: %s\n", json, strerror(errno));
            status = RL_EXIT_USAGE;
        }
    }
    if (s.nruns > 0 && append_results(&s) < 0)
        status = RL_EXIT_USAGE;
    fflush(stdout);
    for (int i = 0; i < s.nruns; i++) {
        rl_result_free(&s.runs[i].result);
        rl_verdict_free(&s.runs[i].verdict);
    }
    free(s.runs);
    if (s.c)
        rl_case_free(&c);
    return status;
}

/* --- list and lint ---------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a path (taken) to a growing list; drops it when out of memory. */
static void push_file(char ***files, int *n, char *path)
{
    char **grown = path ? realloc(*files, (size_t)(*n + 1) * sizeof **files) : NULL;
    if (!grown) {
        free(path);
        return;
    }
    *files = grown;
    (*files)[(*n)++] = path;
}

/* Collects case files: each argument is a file, or a folder searched two levels deep. */
static int collect(char **args, int nargs, char ***out)
{
    char **files = NULL;
    int n = 0;
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            fprintf(stderr, "racelab: %s: %s\n", args[i], strerror(errno));
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            push_file(&files, &n, strdup(args[i]));
            continue;
        }
        DIR *d = opendir(args[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char sub[4096];
            if (rl_fmt(sub, sizeof sub, "%s/%s", args[i], e->d_name) < 0) {
                fprintf(stderr, "racelab: %s/%s: path too long\n", args[i], e->d_name);
                continue;
            }
            DIR *dd = opendir(sub);
            struct dirent *f;
            while (dd && (f = readdir(dd))) {
                size_t len = strlen(f->d_name);
                if (len < 3 || strcmp(f->d_name + len - 2, ".c") != 0)
                    continue;
                char *path;
                if (asprintf(&path, "%s/%s", sub, f->d_name) >= 0)
                    push_file(&files, &n, path);
            }
            if (dd)
                closedir(dd);
        }
        if (d)
            closedir(d);
    }
    if (n)
        qsort(files, (size_t)n, sizeof *files, by_name);
    *out = files;
    return n;
}

/* One tool's column of `racelab list`: padded, but the last ends the line. */
static void print_column(const char *text, int tool)
{
    if (tool == RL_TOOL_COUNT - 1)
        printf(" %s\n", text);
    else
        printf(" %-28s", text);
}

static int cmd_list(int argc, char **argv)
{
    char *fallback[] = {RACELAB_CASES_DIR};
    char **files;
    int n = argc > 1 ? collect(argv + 1, argc - 1, &files) : collect(fallback, 1, &files);
    int status = RL_EXIT_PASS, broken = 0, without_twin = 0;
    printf("%-36s %-8s %-20s", "case", "variant", "twin");
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        print_column(rl_tool_name((enum rl_tool_id)t), t);
    for (int i = 0; i < n; i++) {
        struct rl_case c;
        char err[1024];
        if (rl_case_load(files[i], &c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "racelab: %s\n", err);
            status = RL_EXIT_USAGE;
            free(files[i]);
            continue;
        }
        char name[sizeof c.concept + sizeof c.name], e[RL_TOOL_COUNT][256];
        rl_fmt(name, sizeof name, "%s/%s", c.concept, c.name); /* sized so: cannot be cut */
        for (int t = 0; t < RL_TOOL_COUNT; t++) {
            if (rl_case_has_tool(&c, (enum rl_tool_id)t))
                rl_kindset_format(c.expect[t].kinds, e[t], sizeof e[t]);
            else
                snprintf(e[t], sizeof e[t], "-");
        }
        printf("%-36s %-8s %-20s", name, c.variant, c.twin[0] ? c.twin : "-");
        for (int t = 0; t < RL_TOOL_COUNT; t++)
            print_column(e[t], t);
        broken += strcmp(c.variant, "broken") == 0;
        without_twin += strcmp(c.variant, "broken") == 0 && !c.twin[0];
        rl_case_free(&c);
        free(files[i]);
    }
    free(files);
    printf("%d cases, %d broken (%d without a twin)\n", n, broken, without_twin);
    return n == 0 ? RL_EXIT_USAGE : status;
}

static int cmd_lint(int argc, char **argv)
{
    if (argc < 2)
        return usage("lint: name the case files", NULL);
    int status = RL_EXIT_PASS;
    for (int i = 1; i < argc; i++) {
        struct rl_case c;
        char err[1024];
        if (rl_case_load(argv[i], &c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            status = RL_EXIT_USAGE;
            continue;
        }
        rl_case_free(&c);
    }
    return status;
}

/* --- kinds ------------------------------------------------------------------------------ */

static void json_names(FILE *out, const char *(*name)(int), int n)
{
    fputc('[', out);
    for (int i = 0; i < n; i++)
        fprintf(out, "%s\"%s\"", i ? "," : "", name(i));
    fputc(']', out);
}

static const char *tool_at(int t)
{
    return rl_tool_name((enum rl_tool_id)t);
}

/* The vocabulary, for people and for scripts (racelab-kinds/1): the names here are plain
 * ASCII words, so they need no JSON escaping. */
static int cmd_kinds(int argc, char **argv)
{
    int json = argc == 2 && strcmp(argv[1], "--json") == 0;
    if (argc > 2 || (argc == 2 && !json))
        return usage("kinds: the only option is --json ('%s')", argv[argc - 1]);
    if (json)
        printf("{\"schema\":\"racelab-kinds/1\",\"kinds\":[");
    else
        printf("%-16s %-13s %s\n", "kind", "group", "tools");
    for (int k = 0; k < RL_KIND_COUNT; k++) {
        int first = 1;
        if (json)
            printf("%s{\"name\":\"%s\",\"group\":\"%s\",\"tools\":[", k ? "," : "", rl_kind_name(k),
                   rl_kind_group_name(rl_kind_group(k)));
        else
            printf("%-16s %-13s ", rl_kind_name(k), rl_kind_group_name(rl_kind_group(k)));
        for (int t = 0; t < RL_TOOL_COUNT; t++) {
            if (!(rl_tool_kinds((enum rl_tool_id)t) & RL_KINDSET(k)))
                continue;
            printf(json ? "%s\"%s\"" : "%s%s", first ? "" : (json ? "," : ", "), tool_at(t));
            first = 0;
        }
        printf(json ? "]}" : "%s\n", first ? "-" : "");
    }
    if (json) {
        printf("],\"tools\":");
        json_names(stdout, tool_at, RL_TOOL_COUNT);
        printf(",\"concepts\":");
        json_names(stdout, rl_concept_name, rl_concept_count());
        printf("}\n");
    } else {
        char list[512];
        rl_concept_list(list, sizeof list);
        printf("concepts: %s\n", list);
    }
    return fflush(stdout) == 0 ? RL_EXIT_PASS : RL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(NULL, NULL);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "lint") == 0)
        return cmd_lint(argc - 1, argv + 1);
    if (strcmp(argv[1], "kinds") == 0)
        return cmd_kinds(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return RL_EXIT_PASS;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("racelab %s\n", RACELAB_VERSION);
        return fflush(stdout) == 0 ? RL_EXIT_PASS : RL_EXIT_USAGE;
    }
    return usage("unknown command '%s'", argv[1]);
}
