/* racelab's command line. Exit statuses: 0 expectation met, 1 not met, 2 usage or bad case
 * file, 77 the tool is not installed. */
#include "case.h"
#include "catalog.h"
#include "session.h"
#include "strv.h"
#include "tool.h"

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

/* --- list and lint (catalog.c) ----------------------------------------------------------- */

/* Takes "--cases DIR" (the tree, else the built-in one) and, for lint, "--keys", from the
 * front of the arguments. Returns how many it took, or -1 after a usage message. */
static int tree_options(int argc, char **argv, const char **tree, int *keys)
{
    int i = 1;
    *tree = RACELAB_CASES_DIR;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
            *tree = argv[++i];
        else if (keys && strcmp(argv[i], "--keys") == 0)
            *keys = 1;
        else if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-')
            break;
        else {
            rl_usage_error("%s: unknown option or missing value", argv[i]);
            return -1;
        }
    }
    return i + (i < argc && strcmp(argv[i], "--") == 0);
}

static int cmd_list(int argc, char **argv)
{
    const char *tree;
    int first = tree_options(argc, argv, &tree, NULL);
    if (first < 0)
        return RL_EXIT_USAGE;
    return rl_catalog_list(stdout, tree, argv + first, argc - first);
}

static int cmd_lint(int argc, char **argv)
{
    const char *tree;
    int keys = 0, first = tree_options(argc, argv, &tree, &keys);
    if (first < 0)
        return RL_EXIT_USAGE;
    if (keys) {
        rl_catalog_keys(stdout);
        return fflush(stdout) == 0 ? RL_EXIT_PASS : RL_EXIT_USAGE;
    }
    return rl_catalog_lint(stdout, tree, argv + first, argc - first);
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
        printf("concepts: %s (racelab's own; in a tree of your own any folder name is one)\n",
               list);
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
