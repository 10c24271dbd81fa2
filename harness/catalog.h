/* The case tree: finding case files by name or folder, and the `list` and `lint` commands.
 * A tree is a folder of concept folders (racelab's cases/, or one's own given by --cases);
 * any folder name is a concept. */
#ifndef RACELAB_CATALOG_H
#define RACELAB_CATALOG_H

#include <stddef.h>
#include <stdio.h>

/* Finds a case named on the command line: the path as given when it exists, else
 * TREE/NAME, else TREE/NAME.c (so "race/counter_unlocked" names a case of the tree).
 * Writes the path found; returns 0, or -1 after a one-line message on stderr. */
int rl_catalog_find(const char *tree, const char *name, char *out, size_t size);
/* Collects case files, sorted: each argument (found as rl_catalog_find does) is a file, or a
 * folder, whose own *.c files and those of its folders one level down are taken (a concept
 * folder or a whole tree). No argument: the whole tree. Returns how many, or -1 when an
 * argument names nothing (after its message; the rest are still collected). */
int rl_catalog_collect(const char *tree, char *const *args, int nargs, char ***files, int *n);
void rl_catalog_free(char **files, int n);

/* `racelab list`: one line per case with its expectations. Returns racelab's exit status. */
int rl_catalog_list(FILE *out, const char *tree, char *const *args, int nargs);
/* `racelab lint`: every error of every case file, on stderr. Returns the exit status. */
int rl_catalog_lint(FILE *out, const char *tree, char *const *args, int nargs);
/* `racelab lint --keys`: the header keys with their defaults and meaning (case.c's table). */
void rl_catalog_keys(FILE *out);

#endif
