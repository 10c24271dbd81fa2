/* See catalog.h. */
#include "catalog.h"
#include "case.h"
#include "strv.h"
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Room for every error of one case file (case.c counts those that do not fit). */
#define ERRORS_MAX 8192

int rl_catalog_find(const char *tree, const char *name, char *out, size_t size)
{
    struct stat st;
    if (stat(name, &st) == 0 && rl_fmt(out, size, "%s", name) == 0)
        return 0;
    int err = errno;
    /* A name of the tree: never an absolute path, which means what it says. */
    if (tree && name[0] != '/') {
        if (rl_fmt(out, size, "%s/%s", tree, name) == 0 && stat(out, &st) == 0)
            return 0;
        if (rl_fmt(out, size, "%s/%s.c", tree, name) == 0 && stat(out, &st) == 0)
            return 0;
    }
    fprintf(stderr, "racelab: %s: %s%s%s\n", name, strerror(err),
            tree && name[0] != '/' ? ", nor under the cases folder " : "",
            tree && name[0] != '/' ? tree : "");
    return -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a copy of path to a growing list. Returns 0, or -1 when out of memory. */
static int push(char ***files, int *n, const char *path)
{
    char *copy = strdup(path);
    char **grown = copy ? realloc(*files, (size_t)(*n + 1) * sizeof **files) : NULL;
    if (!grown) {
        free(copy);
        fprintf(stderr, "racelab: out of memory\n");
        return -1;
    }
    *files = grown;
    (*files)[(*n)++] = copy;
    return 0;
}

static int is_case_file(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 2 && strcmp(name + len - 2, ".c") == 0;
}

/* The *.c files of dir, and (depth 1) those of its folders. */
static int scan(const char *dir, int depth, char ***files, int *n)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "racelab: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        struct stat st;
        if (rl_fmt(sub, sizeof sub, "%s/%s", dir, e->d_name) < 0) {
            fprintf(stderr, "racelab: %s/%s: path too long\n", dir, e->d_name);
            rc = -1;
        } else if (stat(sub, &st) != 0) {
            continue; /* (a dangling link is no case) */
        } else if (S_ISDIR(st.st_mode) && depth > 0) {
            rc = scan(sub, depth - 1, files, n);
        } else if (S_ISREG(st.st_mode) && is_case_file(e->d_name)) {
            rc = push(files, n, sub);
        }
    }
    closedir(d);
    return rc;
}

int rl_catalog_collect(const char *tree, char *const *args, int nargs, char ***files, int *n)
{
    char *const whole[] = {(char *)tree};
    if (nargs == 0) {
        args = whole;
        nargs = 1;
    }
    *files = NULL;
    *n = 0;
    int rc = 0;
    for (int i = 0; i < nargs; i++) {
        char path[4096];
        struct stat st;
        if (rl_catalog_find(tree, args[i], path, sizeof path) < 0 || stat(path, &st) != 0) {
            rc = -1;
            continue;
        }
        if (S_ISDIR(st.st_mode) ? scan(path, 1, files, n) < 0 : push(files, n, path) < 0)
            rc = -1;
    }
    if (*n)
        qsort(*files, (size_t)*n, sizeof **files, by_name);
    return rc;
}

void rl_catalog_free(char **files, int n)
{
    for (int i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

/* One tool's column of `racelab list`: padded, but the last ends the line. */
static void print_column(FILE *out, const char *text, int tool)
{
    if (tool == RL_TOOL_COUNT - 1)
        fprintf(out, " %s\n", text);
    else
        fprintf(out, " %-28s", text);
}

int rl_catalog_list(FILE *out, const char *tree, char *const *args, int nargs)
{
    char **files;
    int n, broken = 0, without_twin = 0;
    int status = rl_catalog_collect(tree, args, nargs, &files, &n) < 0 ? RL_EXIT_USAGE : 0;
    fprintf(out, "%-36s %-8s %-20s", "case", "variant", "twin");
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        print_column(out, rl_tool_name((enum rl_tool_id)t), t);
    for (int i = 0; i < n; i++) {
        struct rl_case c;
        char err[ERRORS_MAX];
        if (rl_case_load(files[i], &c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            status = RL_EXIT_USAGE;
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
        fprintf(out, "%-36s %-8s %-20s", name, c.variant, c.twin[0] ? c.twin : "-");
        for (int t = 0; t < RL_TOOL_COUNT; t++)
            print_column(out, e[t], t);
        broken += strcmp(c.variant, "broken") == 0;
        without_twin += strcmp(c.variant, "broken") == 0 && !c.twin[0];
        rl_case_free(&c);
    }
    rl_catalog_free(files, n);
    fprintf(out, "%d cases, %d broken (%d without a twin)\n", n, broken, without_twin);
    return n == 0 ? RL_EXIT_USAGE : status;
}

int rl_catalog_lint(FILE *out, const char *tree, char *const *args, int nargs)
{
    char **files;
    int n, bad = 0;
    int status = rl_catalog_collect(tree, args, nargs, &files, &n) < 0 ? RL_EXIT_USAGE : 0;
    for (int i = 0; i < n; i++) {
        struct rl_case c;
        char err[ERRORS_MAX];
        if (rl_case_load(files[i], &c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            bad++;
            continue;
        }
        rl_case_free(&c);
    }
    rl_catalog_free(files, n);
    if (n == 0 && status == 0) {
        fprintf(stderr, "racelab: lint: no case files there\n");
        status = RL_EXIT_USAGE;
    }
    if (n > 0)
        fprintf(out, "%d case file%s, %d with errors\n", n, n == 1 ? "" : "s", bad);
    return bad ? RL_EXIT_USAGE : status;
}

void rl_catalog_keys(FILE *out)
{
    fputs("A case file starts with its header, a comment whose first word is racelab-case:\n"
          "  /* racelab-case\n"
          "   * key: value\n"
          "   *   a continuation, indented past the key\n"
          "   */\n"
          "keys:\n",
          out);
    for (int i = 0; rl_case_key_at(i); i++) {
        const struct rl_case_key *k = rl_case_key_at(i);
        fprintf(out, "  %-16s %s\n", k->name, k->fallback ? "optional" : "required");
        if (k->fallback)
            fprintf(out, "  %-16s default: %s\n", "", k->fallback);
        /* The meaning, wrapped at 72 columns under the name. */
        const char *m = k->meaning;
        while (*m) {
            size_t n = strlen(m);
            if (n > 72) {
                n = 72;
                while (n > 0 && m[n] != ' ')
                    n--;
                if (n == 0)
                    n = 72;
            }
            fprintf(out, "  %-16s %.*s\n", "", (int)n, m);
            m += n;
            while (*m == ' ')
                m++;
        }
    }
    fputs("markers, anywhere after the header: /* racelab: KIND */ or // racelab: KIND, "
          "optionally\n  with ' -- note': a report of that kind must cite a marked line.\n",
          out);
}
