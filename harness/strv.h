/* Strings: a growable, NULL-terminated vector of owned strings (argv and environment
 * building), and bounded formatting that fails instead of truncating. */
#ifndef RACELAB_STRV_H
#define RACELAB_STRV_H

#include <stdarg.h>
#include <stddef.h>

struct rl_strv {
    char **v; /* always NULL-terminated once anything was added */
    size_t n, cap;
};

/* Adds a copy of a printf-formatted string; returns -1 when out of memory. */
int rl_strv_addf(struct rl_strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets NAME=value, replacing an earlier NAME. */
int rl_strv_setenv(struct rl_strv *sv, const char *name, const char *value);
/* Looks NAME up; NULL when unset. */
const char *rl_strv_getenv(const struct rl_strv *sv, const char *name);
/* The strings joined by sep (empty strings skipped), malloc'd; NULL when out of memory. */
char *rl_strv_join(const struct rl_strv *sv, const char *sep);
/* Adds the words of text (split at spaces and tabs; no quoting). Returns -1 when out of
 * memory. */
int rl_strv_add_words(struct rl_strv *sv, const char *text);
void rl_strv_free(struct rl_strv *sv);
/* A command as a POSIX shell line: each NAME=value of assignments (its value quoted), then each
 * word of argv, quoted where the shell would read it otherwise ('it'\''s'). Either may be NULL.
 * malloc'd; NULL when out of memory. */
char *rl_shell_line(char *const *assignments, char *const *argv);

/* A file's every error, told at once: one "path:line: message" a line, each after those
 * found before. One that no longer fits is counted, and rl_errors_end adds the count. */
struct rl_errors {
    const char *path;
    char *buf; /* holds "" to start with */
    size_t size;
    int told, dropped;
};
void rl_errors_vadd(struct rl_errors *e, int line, const char *fmt, va_list ap);
void rl_errors_add(struct rl_errors *e, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Ends the text with "(and N more errors)" when some were dropped; returns how many errors
 * were found. */
int rl_errors_end(struct rl_errors *e);

/* snprintf into a fixed buffer that fails rather than truncates, since a cut path names
 * another file: returns 0, or -1 with errno ENAMETOOLONG (buf then holds "", never a
 * prefix). */
int rl_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A line of report text built in a fixed buffer, cut at its end (a report's words, where
 * a cut line still says what it said): no printf, since the parsers build a few such lines
 * for each of the millions of reports a flood brings, and snprintf was a seventh of their
 * CPU. buf always holds a string. */
struct rl_line {
    char *buf;
    size_t size, len; /* size > 0 */
};
/* An empty line in buf (size > 0). */
struct rl_line rl_line_at(char *buf, size_t size);
/* Appends s, or the first n bytes of it. */
void rl_line_put(struct rl_line *l, const char *s);
void rl_line_putn(struct rl_line *l, const char *s, size_t n);
/* Appends v in decimal. */
void rl_line_put_int(struct rl_line *l, long v);

#endif
