/* Valgrind's XML output (--xml=yes), read incrementally with expat. Knows nothing of
 * processes: it is fed bytes and sends each finished <error> to a sink. A file cut short by a
 * killed run still yields every error it completed. */
#ifndef RACELAB_VGXML_H
#define RACELAB_VGXML_H

#include "report.h"

#include <stddef.h>

struct rl_vgxml_result {
    int pid;                /* <pid> of the process */
    int finished;           /* <status><state>FINISHED: Valgrind ran to the end */
    int complete;           /* the document was closed (</valgrindoutput>) */
    int malformed;          /* expat rejected the bytes: not XML, or not Valgrind's */
    char error[256];        /* why, for a malformed file */
    unsigned long errors;   /* <error> elements sent */
    unsigned long unknown;  /* elements under <valgrindoutput> racelab does not know */
    char first_unknown[64]; /* the first one's name */
    char version[32];       /* "valgrind-3.19.0", from the preamble's "Using Valgrind-3.19.0
                               and LibVEX" line; "" when it has none */
};

struct rl_vgxml;

struct rl_vgxml *rl_vgxml_new(enum rl_tool_id tool, const char *case_path, rl_report_sink sink,
                              void *ctx);
/* Feeds bytes; returns -1 once the input is malformed (later calls do nothing). */
int rl_vgxml_feed(struct rl_vgxml *x, const char *bytes, size_t len);
/* Ends the input and fills res. A document that simply stops is not malformed. */
void rl_vgxml_end(struct rl_vgxml *x, struct rl_vgxml_result *res);
void rl_vgxml_free(struct rl_vgxml *x);
/* Reads a whole file in chunks; returns -1 (with errno) if it cannot be opened. */
int rl_vgxml_parse_file(const char *path, enum rl_tool_id tool, const char *case_path,
                        rl_report_sink sink, void *ctx, struct rl_vgxml_result *res);

#endif
