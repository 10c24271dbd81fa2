/* `racelab run`: from its command line to a verdict. A session parses the options, opens the
 * case or the program, probes the tool, runs the program N times and writes the outputs;
 * main.c only hands it argv and returns its exit status. */
#ifndef RACELAB_SESSION_H
#define RACELAB_SESSION_H

#include <stdio.h>

/* racelab's whole usage text (every command). */
void rl_print_usage(FILE *out);
/* Prints "racelab: " and the message, then the usage, to stderr; returns RL_EXIT_USAGE.
 * fmt NULL: the usage alone. */
int rl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* racelab run ARGS (argv[0] is "run"): returns racelab's exit status (tool.h). */
int rl_session_main(int argc, char **argv);

#endif
