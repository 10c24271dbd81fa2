/* racelab's command line. Exit statuses: 0 expectation met, 1 not met, 2 usage or bad case
 * file, 77 the tool is not installed. */
#include "case.h"
#include "session.h"
#include "strv.h"
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The version is written once, in CMakeLists.txt's project(); the build passes it here. */
#ifndef RACELAB_VERSION
#error "build racelab with -DRACELAB_VERSION=\"x.y\" (CMakeLists.txt does)"
#endif
#ifndef RACELAB_CASES_DIR
#define RACELAB_CASES_DIR "cases"
#endif

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
        return rl_usage_error("lint: name the case files");
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
        return rl_usage_error("kinds: the only option is --json ('%s')", argv[argc - 1]);
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
        return rl_usage_error(NULL);
    if (strcmp(argv[1], "run") == 0)
        return rl_session_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "lint") == 0)
        return cmd_lint(argc - 1, argv + 1);
    if (strcmp(argv[1], "kinds") == 0)
        return cmd_kinds(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        rl_print_usage(stdout);
        return RL_EXIT_PASS;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("racelab %s\n", RACELAB_VERSION);
        return fflush(stdout) == 0 ? RL_EXIT_PASS : RL_EXIT_USAGE;
    }
    return rl_usage_error("unknown command '%s'", argv[1]);
}
