/* Checks case files at configure time and tells CMake what to build and test: one line per
 * case, "concept|name|variant|timeout|tool,tool,...". Errors name the file and line; any
 * error makes configuration fail. Built and run by CMake before the project is built. */
#include "case.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct rl_case c;
        char err[8192]; /* every error of the file */
        if (rl_case_load(argv[i], &c, 1, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            status = 2;
            continue;
        }
        printf("%s|%s|%s|%d|", c.concept, c.name, c.variant, c.timeout);
        const char *sep = "";
        for (int t = 0; t < RL_TOOL_COUNT; t++) {
            if (!rl_case_has_tool(&c, (enum rl_tool_id)t))
                continue;
            printf("%s%s", sep, rl_tool_name((enum rl_tool_id)t));
            sep = ",";
        }
        printf("\n");
        rl_case_free(&c);
    }
    return status;
}
