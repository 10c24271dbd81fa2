/* A case file: its header (what it teaches, what each tool must report) and its marker
 * comments (which lines a report of each kind must point at). Pure: no processes, no tools. */
#ifndef RACELAB_CASE_H
#define RACELAB_CASE_H

#include "kinds.h"

#include <stddef.h>

#define RL_CASE_TIMEOUT_DEFAULT 10
/* An exit status that accepts any exit (exit-status: any, --exit-status any). */
#define RL_EXIT_STATUS_ANY (-1)

/* "expect tsan (clang >= 19): ..." applies only where the tool's version matches;
 * "expect drd (glibc >= 2.43): ..." where the C library's does (racelab and the cases it
 * runs share one glibc, so its version is racelab's own gnu_get_libc_version());
 * "expect drd (--check-stack-var=yes): ..." only to a run given that --tool-option (the
 * option columns of the matrix), and "(valgrind >= 3.21, --check-stack-var=yes)" to both. */
#define RL_QUALIFIER_MAX_OPTIONS 4
struct rl_qualifier {
    char name[16];  /* "gcc", "clang", "valgrind" or "glibc"; empty: no version in it */
    char op[3];     /* ">=", "<=", ">", "<", "==" */
    int version[3]; /* major, minor, patch (missing parts are 0) */
    char options[RL_QUALIFIER_MAX_OPTIONS][128]; /* tool options, as --tool-option takes them */
    int noptions;
};

struct rl_expect {
    int line;         /* header line of the `expect` key; 0 when absent */
    rl_kindset kinds; /* empty set: clean */
    char note[512];   /* the text after " -- ", explaining a miss or a false positive */
    struct rl_qualifier when;
};

#define RL_CASE_MAX_QUALIFIED 8

/* A marker comment: / * racelab: KIND * / or / * racelab: KIND -- note * / (or // ...). */
struct rl_marker {
    int line;
    enum rl_kind kind;
    char note[256]; /* the text after " -- "; empty when there is none */
};

struct rl_case {
    char path[4096];
    char name[128]; /* the file's stem */
    char concept[32];
    char variant[16]; /* "correct" or "broken" */
    char twin[128];   /* may be empty */
    int twin_line;
    char title[256];
    char lesson[2048];
    int timeout;                            /* seconds */
    char args[1024];                        /* the program's arguments, space-separated */
    int exit_status;                        /* the exit status that is no assertion */
    char options[RL_TOOL_COUNT][1024];      /* "options <tool>:", space-separated; "" */
    int options_line[RL_TOOL_COUNT];        /* its header line; 0 when absent */
    struct rl_expect expect[RL_TOOL_COUNT]; /* the unqualified expectation of each tool */
    struct rl_expect qualified[RL_CASE_MAX_QUALIFIED]; /* version-qualified ones, in order */
    int qualified_tool[RL_CASE_MAX_QUALIFIED];
    int nqualified;
    struct rl_marker *markers;
    size_t nmarkers;
};

/* Reads and checks a case file. On error returns -1 and writes every error found to err, one
 * "path:line: message" a line (those that do not fit are counted on a last line). The concept
 * is the name of the folder the file sits in, through its real path when the path names it
 * as "." or "..".
 * check_twin: also require that the twin's file exists beside the case. */
int rl_case_load(const char *path, struct rl_case *c, int check_twin, char *err, size_t errsize);
/* The same from text in memory; path only names the file in messages and gives the folder. */
int rl_case_parse(const char *path, const char *text, size_t len, struct rl_case *c, char *err,
                  size_t errsize);
void rl_case_free(struct rl_case *c);

/* A header key, for `racelab lint --keys`: its name ("expect <tool>" for a per-tool key),
 * its default (NULL: the key is required) and what it means. */
struct rl_case_key {
    const char *name, *fallback, *meaning;
};
/* The keys, in the order a header lists them; NULL past the last. */
const struct rl_case_key *rl_case_key_at(int i);

/* Which tools the case carries expectations for (tsan, helgrind, drd; daemon for daemons). */
int rl_case_has_tool(const struct rl_case *c, enum rl_tool_id tool);
/* The expectation that applies to a tool of that version ("ThreadSanitizer (clang 19.1.7)",
 * "valgrind-3.19.0") given those --tool-option values (NULL-terminated; NULL: none): the
 * first qualified one that names options, all of them given, and whose version matches;
 * else the first qualified one without options that matches; else the unqualified one. */
const struct rl_expect *rl_case_expect_for(const struct rl_case *c, enum rl_tool_id tool,
                                           const char *tool_version, char *const *options);
/* Parses "(clang >= 19)", "(--check-stack-var=yes)" or "(valgrind >= 3.21, --x=y, ...)" (the
 * parentheses included: at most one version and RL_QUALIFIER_MAX_OPTIONS options, separated
 * by commas); returns -1 if it is not one. Whether an option has its tool's form is the
 * caller's to check (rl_qualifier_option_form). */
int rl_qualifier_parse(const char *text, struct rl_qualifier *q);
/* Whether opt has the form of one of the tool's options: "--name=value" for Helgrind and DRD,
 * "name=value" for TSan (a TSAN_OPTIONS flag). Returns NULL, or what the form must be. */
const char *rl_qualifier_option_form(enum rl_tool_id tool, const char *opt);
/* Whether a tool version string satisfies the qualifier; a glibc qualifier is checked
 * against the running C library (gnu_get_libc_version()). */
int rl_qualifier_matches(const struct rl_qualifier *q, const char *tool_version);
/* The same with the C library's version given ("2.36"; NULL: not glibc, so a glibc
 * qualifier never matches). */
int rl_qualifier_matches_libc(const struct rl_qualifier *q, const char *tool_version,
                              const char *glibc_version);
/* The running glibc's version ("2.36"), or NULL when the C library is not glibc. */
const char *rl_glibc_version(void);
/* "0".."255" or "any" (RL_EXIT_STATUS_ANY). Returns 0, or -1 when it is neither. */
int rl_exit_status_parse(const char *text, int *status);
/* Whether the case is a daemon (its concept): it runs the daemon protocol, and gets three
 * arguments after its own: its pidfile's path, its log's path, and the log interval in ms. */
int rl_case_is_daemon(const struct rl_case *c);
/* A daemon case's log interval, and how many intervals it works before it is asked to stop. */
#define RL_DAEMON_INTERVAL_MS 100
#define RL_DAEMON_INTERVALS   3
/* Kinds that have at least one marker. */
rl_kindset rl_case_marked_kinds(const struct rl_case *c);
/* Whether the line carries a marker of that kind. */
int rl_case_line_marked(const struct rl_case *c, int line, enum rl_kind kind);

#endif
