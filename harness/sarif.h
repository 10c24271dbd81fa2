/* SARIF 2.1.0 (--sarif FILE), the format GitHub's code scanning reads: one result per report
 * (its rule is the kind), located at the line it cites in the program's source, given as a
 * path relative to the source root with the uriBaseId SRCROOT (GitHub shows nothing for an
 * absolute path), each side's stack a code flow. */
#ifndef RACELAB_SARIF_H
#define RACELAB_SARIF_H

#include "output.h"

#include <stddef.h>
#include <stdio.h>

/* Where a source file is for a reader of the repository. Writes its path relative to root
 * ("src/pool.c": no "..", no leading "/") and returns 1; for a file outside root, writes its
 * absolute path and returns 0; returns -1 when it does not fit. A path without a folder, or a
 * relative one, is taken as relative to root already. root NULL: GITHUB_WORKSPACE, else
 * the working directory. */
int rl_source_path(const char *path, const char *root, char *out, size_t size);

/* The line a side's frame ("file.c:12:function") cites, with its source file (the report's
 * source[side]); 0 when the side has none. */
int rl_side_line(const struct rl_report *r, int side);

/* Every run's reports, alike ones merged (same kind, same two sides in either order). */
int rl_write_sarif(FILE *out, const struct rl_session *s);

#endif
