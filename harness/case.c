/* The case-file parser. The header is the first comment of the file:
 *
 *   / * racelab-case
 *    * key: value
 *    *   continuation (indented past the key)
 *    * /
 *
 * Markers are comments anywhere after it: / * racelab: KIND * / or // racelab: KIND, each
 * optionally with a note: / * racelab: KIND -- why this line is wrong * /. */
#include "case.h"
#include "strv.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

/* One header key as read, before it is checked. */
struct raw_value {
    int line;
    char text[2048];
};

enum {
    K_CONCEPT,
    K_VARIANT,
    K_TWIN,
    K_TITLE,
    K_LESSON,
    K_TIMEOUT,
    K_ARGS,
    K_EXIT_STATUS,
    K_EXPECT, /* the per-tool keys follow: "expect <tool>", "options <tool>" */
    K_OPTIONS,
    K_COUNT
};

#define STR(x)  #x
#define XSTR(x) STR(x)
/* The header's keys, each written once: the parser finds plain keys here, and
 * `racelab lint --keys` prints this table (a NULL fallback: the key is required). The rows
 * from K_EXPECT on are per-tool keys: their name ends in " <tool>". */
static const struct rl_case_key key_rows[] = {
    [K_CONCEPT] = {"concept", NULL,
                   "what the case is about: the name of the folder it sits in (any name of "
                   "lower-case letters, digits, '_' and '-'; thread, race, mutex, condvar, "
                   "deadlock and daemon are racelab's own, and daemon cases run the daemon "
                   "protocol)"},
    [K_VARIANT] = {"variant", NULL, "'correct' or 'broken': whether the case has the bug"},
    [K_TWIN] = {"twin", "none",
                "the case's other variant, by name, in the same folder (its file must exist)"},
    [K_TITLE] = {"title", NULL, "one line: what the program does"},
    [K_LESSON] = {"lesson", NULL, "what to learn; continuation lines are indented past the key"},
    [K_TIMEOUT] = {"timeout", XSTR(RL_CASE_TIMEOUT_DEFAULT),
                   "seconds (1 to 3600) before a run counts as hung; RACELAB_TIMEOUT_SCALE "
                   "multiplies it"},
    [K_ARGS] = {"args", "none", "the program's arguments, separated by spaces"},
    [K_EXIT_STATUS] = {"exit-status", "0",
                       "the exit status that is not an assertion: 0 to 255, or 'any'"},
    [K_EXPECT] = {"expect <tool>", NULL,
                  "the kinds the tool must report, or 'clean', then optionally ' -- note'; "
                  "required for tsan, helgrind and drd, and for daemon in daemon cases only; "
                  "'expect <tool> (NAME OP VERSION):' applies where the tool's (gcc, clang, "
                  "valgrind) or the C library's (glibc) version matches, 'expect <tool> "
                  "(--opt=value):' to a run given that --tool-option, and both, "
                  "comma-separated, to both"},
    [K_OPTIONS] = {"options <tool>", "none",
                   "options for tsan, helgrind or drd, separated by spaces (e.g. 'options drd: "
                   "--check-stack-var=yes')"},
};
_Static_assert(sizeof key_rows / sizeof key_rows[0] == K_COUNT, "one row per key");

struct parse {
    struct rl_errors errors; /* in the caller's err, each naming the file */
    struct raw_value keys[K_EXPECT];
    struct raw_value expect[RL_TOOL_COUNT];
    struct raw_value options[RL_TOOL_COUNT];
    struct raw_value qualified[RL_CASE_MAX_QUALIFIED];
    int qualified_tool[RL_CASE_MAX_QUALIFIED];
    struct rl_qualifier qualifier[RL_CASE_MAX_QUALIFIED];
    int nqualified;
};

/* Records an error, one line each, after those already found: a file's every error is
 * told at once. One that no longer fits is counted, and the count ends the text. */
static int fail(struct parse *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_errors_vadd(&p->errors, line, fmt, ap);
    va_end(ap);
    return -1;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t start = 0;
    while (s[start] && isspace((unsigned char)s[start]))
        start++;
    memmove(s, s + start, n - start + 1);
}

/* Copies src, cut to the destination's size. */
static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memmove(dst, src, n);
    dst[n] = '\0';
}

/* Finds the raw slot for a key ("expect helgrind" included); NULL for an unknown key. */
static struct raw_value *slot_for(struct parse *p, const char *key, int line, int *bad)
{
    *bad = 0;
    for (int k = 0; k < K_EXPECT; k++)
        if (strcmp(key, key_rows[k].name) == 0)
            return &p->keys[k];
    if (strncmp(key, "options ", 8) == 0) {
        int t = rl_tool_from_name(key + 8);
        if (t < 0 || t == RL_TOOL_DAEMON) {
            *bad = fail(p, line, "'%s': options are for tsan, helgrind or drd", key);
            return NULL;
        }
        return &p->options[t];
    }
    if (strncmp(key, "expect ", 7) == 0) {
        char tool[64];
        copy(tool, sizeof tool, key + 7);
        char *paren = strchr(tool, '(');
        if (paren)
            *paren = '\0';
        trim(tool);
        int t = rl_tool_from_name(tool);
        if (t < 0) {
            char tools[256];
            rl_tool_list(tools, sizeof tools);
            *bad = fail(p, line, "unknown tool '%s' in '%s' (tools: %s)", tool, key, tools);
            return NULL;
        }
        if (!paren)
            return &p->expect[t];
        int i = p->nqualified;
        if (i == RL_CASE_MAX_QUALIFIED) {
            *bad = fail(p, line, "more than %d qualified expectations", RL_CASE_MAX_QUALIFIED);
            return NULL;
        }
        if (rl_qualifier_parse(key + 7 + (paren - tool), &p->qualifier[i]) < 0) {
            *bad = fail(p, line,
                        "bad qualifier in '%s' (write '(NAME OP VERSION)', NAME one of gcc, "
                        "clang, valgrind, glibc, or tool options, or both, separated by "
                        "commas, e.g. 'expect tsan (clang >= 19):' or 'expect drd (valgrind "
                        ">= 3.21, --check-stack-var=yes):')",
                        key);
            return NULL;
        }
        for (int o = 0; o < p->qualifier[i].noptions; o++) {
            const char *form =
                rl_qualifier_option_form((enum rl_tool_id)t, p->qualifier[i].options[o]);
            if (form) {
                *bad =
                    fail(p, line, "'%s': option '%s': %s", key, p->qualifier[i].options[o], form);
                return NULL;
            }
        }
        p->qualified_tool[i] = t;
        p->nqualified++;
        return &p->qualified[i];
    }
    char keys[256] = "";
    for (size_t k = 0; k < sizeof key_rows / sizeof key_rows[0]; k++)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", k ? ", " : "",
                 key_rows[k].name);
    *bad =
        fail(p, line, "unknown key '%s' (keys: %s; racelab lint --keys explains them)", key, keys);
    return NULL;
}

/* Reads the header's lines into p; returns the offset just past the closing comment. */
static long read_header(struct parse *p, const char *text, size_t len, int *line_out)
{
    size_t i = 0;
    int line = 1;
    while (i < len && isspace((unsigned char)text[i]))
        line += text[i++] == '\n';
    if (i + 1 >= len || text[i] != '/' || text[i + 1] != '*')
        return fail(p, line, "the file must start with a '/* racelab-case' header comment");
    i += 2;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i + 12 > len || memcmp(text + i, "racelab-case", 12) != 0)
        return fail(p, line, "the first comment must start with 'racelab-case'");
    i += 12;
    /* Skip the rest of the opening line. */
    while (i < len && text[i] != '\n')
        i++;

    struct raw_value *current = NULL;
    int key_indent = 0, skipping = 0;
    int closed = 0;
    while (i < len && !closed) {
        i++; /* past '\n' */
        line++;
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        char buf[2048];
        size_t n = end - i < sizeof buf - 1 ? end - i : sizeof buf - 1;
        memcpy(buf, text + i, n);
        buf[n] = '\0';
        char *close = strstr(buf, "*/");
        if (close) {
            *close = '\0';
            closed = 1;
        }
        char *s = buf;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '*')
            s++;
        if (*s == ' ')
            s++;
        int indent = 0;
        while (s[indent] == ' ' || s[indent] == '\t')
            indent++;
        i = end;
        char content[2048];
        copy(content, sizeof content, s);
        trim(content);
        if (content[0] == '\0')
            continue;
        if (indent > key_indent && (current || skipping)) {
            if (current) {
                size_t used = strlen(current->text);
                snprintf(current->text + used, sizeof current->text - used, " %s", content);
            }
            continue;
        }
        /* A bad line is told and skipped, with what continues it: the rest is still read. */
        current = NULL;
        skipping = 1;
        key_indent = indent;
        char *colon = strchr(content, ':');
        if (!colon) {
            fail(p, line, "expected 'key: value', found '%s'", content);
            continue;
        }
        *colon = '\0';
        char key[128];
        copy(key, sizeof key, content);
        trim(key);
        int bad;
        struct raw_value *slot = slot_for(p, key, line, &bad);
        if (!slot)
            continue;
        if (slot->line) {
            fail(p, line, "duplicate key '%s' (first at line %d)", key, slot->line);
            continue;
        }
        slot->line = line;
        copy(slot->text, sizeof slot->text, colon + 1);
        trim(slot->text);
        current = slot;
        skipping = 0;
    }
    if (!closed)
        return fail(p, line, "the racelab-case header comment is never closed with '*/'");
    *line_out = line;
    return (long)i;
}

/* "clean" or "kind, kind" followed by an optional " -- note". */
static int parse_expect(struct parse *p, enum rl_tool_id tool, struct raw_value *raw,
                        struct rl_expect *e)
{
    char text[2048];
    copy(text, sizeof text, raw->text);
    e->line = raw->line;
    char *note = strstr(text, " -- ");
    if (note) {
        *note = '\0';
        copy(e->note, sizeof e->note, note + 4);
        trim(e->note);
    } else if (strncmp(text, "-- ", 3) == 0) {
        return fail(p, raw->line, "expect %s: the kinds come before ' -- note'",
                    rl_tool_name(tool));
    }
    trim(text);
    if (text[0] == '\0')
        return fail(p, raw->line, "expect %s: empty; write 'clean' or a list of kinds",
                    rl_tool_name(tool));
    if (strcmp(text, "clean") == 0)
        return 0;
    rl_kindset allowed = rl_tool_kinds(tool);
    for (char *save = NULL, *item = strtok_r(text, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        trim(item);
        int k = rl_kind_from_name(item);
        if (strcmp(item, "clean") == 0)
            return fail(p, raw->line, "expect %s: 'clean' cannot be combined with kinds",
                        rl_tool_name(tool));
        if (k < 0 || k == RL_KIND_UNCLASSIFIED)
            return fail(p, raw->line, "expect %s: unknown kind '%s'", rl_tool_name(tool), item);
        if (!(allowed & RL_KINDSET(k)))
            return fail(p, raw->line, "expect %s: %s never reports '%s'", rl_tool_name(tool),
                        rl_tool_name(tool), item);
        if (e->kinds & RL_KINDSET(k))
            return fail(p, raw->line, "expect %s: kind '%s' listed twice", rl_tool_name(tool),
                        item);
        e->kinds |= RL_KINDSET(k);
    }
    return 0;
}

static int add_marker(struct parse *p, struct rl_case *c, int line, const char *kind,
                      const char *note)
{
    int k = rl_kind_from_name(kind);
    if (k < 0 || k == RL_KIND_UNCLASSIFIED)
        return fail(p, line, "marker names unknown kind '%s'", kind);
    struct rl_marker *m = realloc(c->markers, (c->nmarkers + 1) * sizeof *m);
    if (!m)
        return fail(p, line, "out of memory");
    c->markers = m;
    c->markers[c->nmarkers].line = line;
    c->markers[c->nmarkers].kind = (enum rl_kind)k;
    copy(c->markers[c->nmarkers].note, sizeof c->markers[c->nmarkers].note, note);
    c->nmarkers++;
    return 0;
}

/* Finds "racelab:" right after a comment opener on each line. What follows is one kind,
 * then optionally " -- note", then the end of the comment: the closing star-slash of a block
 * comment on the same line, or the end of the line for //. A bad marker is told and the rest
 * of its line skipped. */
static void read_markers(struct parse *p, struct rl_case *c, const char *text, size_t len,
                         size_t from, int line)
{
    size_t i = from;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        for (size_t j = i; j + 8 <= end; j++) {
            if (memcmp(text + j, "racelab:", 8) != 0)
                continue;
            size_t b = j;
            while (b > i && (text[b - 1] == ' ' || text[b - 1] == '\t'))
                b--;
            if (b < i + 2 || !((text[b - 2] == '/' && text[b - 1] == '*') ||
                               (text[b - 2] == '/' && text[b - 1] == '/')))
                continue;
            int block = text[b - 1] == '*';
            size_t k = j + 8;
            while (k < end && (text[k] == ' ' || text[k] == '\t'))
                k++;
            char kind[64];
            size_t n = 0;
            while (k < end && n < sizeof kind - 1 &&
                   (islower((unsigned char)text[k]) || (n > 0 && text[k] == '-')))
                kind[n++] = text[k++];
            kind[n] = '\0';
            if (n == 0) {
                fail(p, line, "marker 'racelab:' without a kind");
                break;
            }
            /* The comment's end: where the note (if any) stops. */
            size_t stop = end;
            if (block) {
                stop = k;
                while (stop + 1 < end && !(text[stop] == '*' && text[stop + 1] == '/'))
                    stop++;
                if (stop + 1 >= end) {
                    fail(p, line, "marker 'racelab: %s': close its comment on the same line", kind);
                    break;
                }
            }
            while (k < stop && (text[k] == ' ' || text[k] == '\t'))
                k++;
            char note[256] = "";
            if (k + 2 <= stop && text[k] == '-' && text[k + 1] == '-' &&
                (k + 2 == stop || text[k + 2] == ' ' || text[k + 2] == '\t')) {
                size_t m = stop - (k + 2) < sizeof note - 1 ? stop - (k + 2) : sizeof note - 1;
                memcpy(note, text + k + 2, m);
                note[m] = '\0';
                trim(note);
                if (note[0] == '\0') {
                    fail(p, line, "marker 'racelab: %s --' without a note", kind);
                    break;
                }
            } else if (k < stop) {
                size_t last = stop;
                while (last > k && (text[last - 1] == ' ' || text[last - 1] == '\t'))
                    last--;
                /* At most 40 bytes of what follows, for the message. */
                char rest[41];
                snprintf(rest, sizeof rest, "%.*s", (int)(last - k), text + k);
                {
                    fail(p, line,
                         "marker 'racelab: %s' is followed by '%s': one kind per marker, "
                         "then optionally ' -- note'",
                         kind, rest);
                    break;
                }
            }
            if (add_marker(p, c, line, kind, note) < 0)
                break;
            j = stop;
        }
        i = end + 1;
        line++;
    }
}

static void folder_of(const char *path, char *dir, size_t size, char *base, size_t bsize)
{
    copy(dir, size, path);
    char *slash = strrchr(dir, '/');
    const char *file = path;
    if (slash) {
        file = path + (slash - dir) + 1;
        *slash = '\0';
    } else {
        copy(dir, size, ".");
    }
    copy(base, bsize, file);
}

/* Whether a concept (a folder's name) is a word: lower-case letters, digits, '_' and '-',
 * starting with a letter or digit, short enough for rl_case.concept. */
static int concept_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof((struct rl_case *)0)->concept || !isalnum((unsigned char)name[0]))
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* The parser proper; folder is the name of the folder the case sits in. */
static int parse_in(const char *path, const char *folder, const char *text, size_t len,
                    struct rl_case *c, char *err, size_t errsize)
{
    struct parse p = {.errors = {path, err, errsize, 0, 0}};
    memset(c, 0, sizeof *c);
    copy(c->path, sizeof c->path, path);
    err[0] = '\0';

    char dir[4096], file[256];
    folder_of(path, dir, sizeof dir, file, sizeof file);
    char *dot = strrchr(file, '.');
    if (dot)
        *dot = '\0';
    copy(c->name, sizeof c->name, file);

    int line = 0;
    long body = read_header(&p, text, len, &line);
    if (body < 0)
        return -1;

    static const int required[] = {K_CONCEPT, K_VARIANT, K_TITLE, K_LESSON};
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
        if (!p.keys[required[r]].line)
            fail(&p, 1, "header lacks required key '%s'", key_rows[required[r]].name);

    struct raw_value *v = &p.keys[K_CONCEPT];
    if (v->line && !concept_name_ok(v->text))
        fail(&p, v->line,
             "concept '%s' is not a folder name of lower-case letters, digits, '_' and '-'",
             v->text);
    else if (v->line && strcmp(v->text, folder) != 0)
        fail(&p, v->line, "concept '%s' does not match the case's folder '%s'", v->text, folder);
    copy(c->concept, sizeof c->concept, v->text);

    v = &p.keys[K_VARIANT];
    if (v->line && strcmp(v->text, "correct") != 0 && strcmp(v->text, "broken") != 0)
        fail(&p, v->line, "variant must be 'correct' or 'broken', not '%s'", v->text);
    copy(c->variant, sizeof c->variant, v->text);
    copy(c->title, sizeof c->title, p.keys[K_TITLE].text);
    copy(c->lesson, sizeof c->lesson, p.keys[K_LESSON].text);
    if (p.keys[K_TITLE].line && c->title[0] == '\0')
        fail(&p, p.keys[K_TITLE].line, "title is empty");
    if (p.keys[K_LESSON].line && c->lesson[0] == '\0')
        fail(&p, p.keys[K_LESSON].line, "lesson is empty");

    v = &p.keys[K_TWIN];
    if (v->line) {
        if (v->text[0] == '\0' || strchr(v->text, '/') || strcmp(v->text, c->name) == 0)
            fail(&p, v->line, "twin must name another case in the same folder");
        copy(c->twin, sizeof c->twin, v->text);
        c->twin_line = v->line;
    }

    c->timeout = RL_CASE_TIMEOUT_DEFAULT;
    v = &p.keys[K_TIMEOUT];
    if (v->line) {
        char *end;
        errno = 0;
        long t = strtol(v->text, &end, 10);
        if (errno || *end || end == v->text || t < 1 || t > 3600)
            fail(&p, v->line, "timeout must be whole seconds from 1 to 3600, not '%s'", v->text);
        else
            c->timeout = (int)t;
    }

    v = &p.keys[K_ARGS];
    if (v->line) {
        if (v->text[0] == '\0')
            fail(&p, v->line, "args is empty");
        copy(c->args, sizeof c->args, v->text);
    }
    c->exit_status = 0;
    v = &p.keys[K_EXIT_STATUS];
    if (v->line && rl_exit_status_parse(v->text, &c->exit_status) < 0)
        fail(&p, v->line, "exit-status must be a whole number from 0 to 255 or 'any', not '%s'",
             v->text);
    for (int t = 0; t < RL_TOOL_COUNT; t++) {
        v = &p.options[t];
        if (!v->line)
            continue;
        if (v->text[0] == '\0')
            fail(&p, v->line, "options %s is empty", rl_tool_name(t));
        copy(c->options[t], sizeof c->options[t], v->text);
        c->options_line[t] = v->line;
    }

    int daemon = strcmp(c->concept, "daemon") == 0;
    for (int t = 0; t < RL_TOOL_COUNT; t++) {
        int needed = t != RL_TOOL_DAEMON || daemon;
        if (!p.expect[t].line) {
            if (needed)
                fail(&p, 1, "header lacks 'expect %s:'", rl_tool_name(t));
            continue;
        }
        if (!needed)
            fail(&p, p.expect[t].line, "'expect daemon:' belongs to daemon cases only");
        else
            parse_expect(&p, (enum rl_tool_id)t, &p.expect[t], &c->expect[t]);
    }
    for (int i = 0; i < p.nqualified; i++) {
        int t = p.qualified_tool[i];
        if (!p.expect[t].line)
            fail(&p, p.qualified[i].line, "a qualified 'expect %s' needs the unqualified one too",
                 rl_tool_name(t));
        else
            parse_expect(&p, (enum rl_tool_id)t, &p.qualified[i], &c->qualified[i]);
        c->qualified[i].when = p.qualifier[i];
        c->qualified_tool[i] = t;
    }
    c->nqualified = p.nqualified;

    read_markers(&p, c, text, len, (size_t)body + 1, line + 1);
    rl_kindset expected = 0;
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        expected |= c->expect[t].kinds;
    for (int i = 0; i < c->nqualified; i++)
        expected |= c->qualified[i].kinds;
    /* (An expectation with errors lists fewer kinds: its markers are not blamed for that.) */
    int expect_errors = p.errors.told + p.errors.dropped > 0;
    for (size_t m = 0; m < c->nmarkers && !expect_errors; m++)
        if (!(expected & RL_KINDSET(c->markers[m].kind)))
            fail(&p, c->markers[m].line, "marker kind '%s' is expected by no tool",
                 rl_kind_name(c->markers[m].kind));
    if (rl_errors_end(&p.errors)) {
        rl_case_free(c);
        return -1;
    }
    return 0;
}

int rl_case_is_daemon(const struct rl_case *c)
{
    return strcmp(c->concept, "daemon") == 0;
}

int rl_exit_status_parse(const char *text, int *status)
{
    if (strcmp(text, "any") == 0) {
        *status = RL_EXIT_STATUS_ANY;
        return 0;
    }
    char *end;
    errno = 0;
    long v = isdigit((unsigned char)text[0]) ? strtol(text, &end, 10) : -1;
    if (v < 0 || v > 255 || errno || *end)
        return -1;
    *status = (int)v;
    return 0;
}

int rl_case_parse(const char *path, const char *text, size_t len, struct rl_case *c, char *err,
                  size_t errsize)
{
    char dir[4096], file[256];
    folder_of(path, dir, sizeof dir, file, sizeof file);
    const char *folder = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    return parse_in(path, folder, text, len, c, err, errsize);
}

int rl_case_load(const char *path, struct rl_case *c, int check_twin, char *err, size_t errsize)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsize, "%s: cannot open case file: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n > 4u << 20) {
            fclose(f);
            free(text);
            snprintf(err, errsize, "%s: case file larger than 4 MiB", path);
            return -1;
        }
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *grown = realloc(text, cap);
            if (!grown) {
                fclose(f);
                free(text);
                snprintf(err, errsize, "%s: out of memory", path);
                return -1;
            }
            text = grown;
        }
        memcpy(text + len, chunk, n);
        len += n;
    }
    fclose(f);
    /* The concept is the folder's name: "counter_unlocked.c" read inside cases/race, or
     * "../race/x.c", names it only through the real path. */
    char dir[4096], base[256], real[PATH_MAX];
    folder_of(path, dir, sizeof dir, base, sizeof base);
    const char *folder = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    if ((strcmp(folder, ".") == 0 || strcmp(folder, "..") == 0 || !*folder) && realpath(dir, real))
        folder = strrchr(real, '/') + 1;
    int rc = parse_in(path, folder, text ? text : "", len, c, err, errsize);
    free(text);
    if (rc == 0 && check_twin && c->twin[0]) {
        char twin[4400];
        snprintf(twin, sizeof twin, "%s/%s.c", dir, c->twin);
        struct stat st;
        if (stat(twin, &st) != 0) {
            snprintf(err, errsize, "%s:%d: twin '%s' does not exist (no %s)", path, c->twin_line,
                     c->twin, twin);
            rl_case_free(c);
            return -1;
        }
    }
    return rc;
}

void rl_case_free(struct rl_case *c)
{
    free(c->markers);
    c->markers = NULL;
    c->nmarkers = 0;
}

const struct rl_case_key *rl_case_key_at(int i)
{
    return i >= 0 && i < (int)(sizeof key_rows / sizeof key_rows[0]) ? &key_rows[i] : NULL;
}

int rl_case_has_tool(const struct rl_case *c, enum rl_tool_id tool)
{
    return (unsigned)tool < RL_TOOL_COUNT && c->expect[tool].line != 0;
}

rl_kindset rl_case_marked_kinds(const struct rl_case *c)
{
    rl_kindset set = 0;
    for (size_t m = 0; m < c->nmarkers; m++)
        set |= RL_KINDSET(c->markers[m].kind);
    return set;
}

int rl_case_line_marked(const struct rl_case *c, int line, enum rl_kind kind)
{
    for (size_t m = 0; m < c->nmarkers; m++)
        if (c->markers[m].line == line && c->markers[m].kind == kind)
            return 1;
    return 0;
}

/* One "NAME OP VERSION" item of a qualifier, alone in text. */
static int parse_version_item(const char *text, struct rl_qualifier *q)
{
    char name[16], op[3], version[32];
    int end = 0;
    if (sscanf(text, " %15[a-z] %2[<>=] %31[0-9.] %n", name, op, version, &end) != 3 ||
        text[end] != '\0')
        return -1;
    if (strcmp(name, "gcc") != 0 && strcmp(name, "clang") != 0 && strcmp(name, "valgrind") != 0 &&
        strcmp(name, "glibc") != 0)
        return -1;
    if (strcmp(op, ">=") != 0 && strcmp(op, "<=") != 0 && strcmp(op, ">") != 0 &&
        strcmp(op, "<") != 0 && strcmp(op, "==") != 0)
        return -1;
    if (sscanf(version, "%d.%d.%d", &q->version[0], &q->version[1], &q->version[2]) < 1)
        return -1;
    copy(q->name, sizeof q->name, name);
    copy(q->op, sizeof q->op, op);
    return 0;
}

int rl_qualifier_parse(const char *text, struct rl_qualifier *q)
{
    memset(q, 0, sizeof *q);
    const char *open = text + strspn(text, " \t"), *close = strchr(text, ')');
    /* Nothing may follow: "expect tsan (clang >= 19) on arm:" is not what it seems. */
    if (*open != '(' || !close || close[1 + strspn(close + 1, " \t")] != '\0')
        return -1;
    for (const char *item = open + 1; item <= close;) {
        size_t len = strcspn(item, ",)");
        char one[160];
        if (len >= sizeof one)
            return -1;
        memcpy(one, item, len);
        one[len] = '\0';
        trim(one);
        struct rl_qualifier version = {0};
        if (parse_version_item(one, &version) == 0) {
            if (q->name[0]) /* one version a qualifier */
                return -1;
            copy(q->name, sizeof q->name, version.name);
            copy(q->op, sizeof q->op, version.op);
            memcpy(q->version, version.version, sizeof q->version);
        } else if (one[0] == '-' || strchr(one, '=')) {
            /* A tool option: one word, each at most once (its form is the tool's to say). */
            if (q->noptions == RL_QUALIFIER_MAX_OPTIONS || strlen(one) >= sizeof q->options[0] ||
                strpbrk(one, " \t"))
                return -1;
            for (int i = 0; i < q->noptions; i++)
                if (strcmp(q->options[i], one) == 0)
                    return -1;
            copy(q->options[q->noptions++], sizeof q->options[0], one);
        } else {
            return -1;
        }
        item += len + 1;
    }
    return 0;
}

const char *rl_qualifier_option_form(enum rl_tool_id tool, const char *opt)
{
    const char *eq = strchr(opt, '=');
    int words = strpbrk(opt, " \t") == NULL;
    if (tool == RL_TOOL_TSAN)
        return words && eq && eq > opt && opt[0] != '-' && eq[1]
                   ? NULL
                   : "a TSan option is a TSAN_OPTIONS flag, name=value (e.g. "
                     "force_seq_cst_atomics=1)";
    if (tool == RL_TOOL_HELGRIND || tool == RL_TOOL_DRD)
        return words && strncmp(opt, "--", 2) == 0 && opt[2] && opt[2] != '=' && eq && eq[1]
                   ? NULL
                   : "a Valgrind option is --name=value (e.g. --check-stack-var=yes)";
    return "the daemon checker takes no tool options";
}

/* Finds "<name> X.Y.Z" or "<name>-X.Y.Z" in a tool version string. */
static int version_of(const char *tool_version, const char *name, int v[3])
{
    v[0] = v[1] = v[2] = 0;
    size_t len = strlen(name);
    for (const char *p = tool_version; p && (p = strstr(p, name)); p += len) {
        const char *num = p + len;
        if (*num != ' ' && *num != '-')
            continue;
        if (sscanf(num + 1, "%d.%d.%d", &v[0], &v[1], &v[2]) >= 1)
            return 0;
    }
    return -1;
}

const char *rl_glibc_version(void)
{
#ifdef __GLIBC__
    return gnu_get_libc_version();
#else
    return NULL;
#endif
}

int rl_qualifier_matches(const struct rl_qualifier *q, const char *tool_version)
{
    return rl_qualifier_matches_libc(q, tool_version, rl_glibc_version());
}

int rl_qualifier_matches_libc(const struct rl_qualifier *q, const char *tool_version,
                              const char *glibc_version)
{
    int v[3] = {0, 0, 0};
    if (!q->name[0])
        return 1;
    if (strcmp(q->name, "glibc") == 0) {
        /* "2.36", as gnu_get_libc_version() gives it: the tool's version plays no part. */
        if (!glibc_version || sscanf(glibc_version, "%d.%d.%d", &v[0], &v[1], &v[2]) < 1)
            return 0;
    } else if (!tool_version || version_of(tool_version, q->name, v) < 0) {
        return 0;
    }
    int cmp = 0;
    for (int i = 0; i < 3 && cmp == 0; i++)
        cmp = (v[i] > q->version[i]) - (v[i] < q->version[i]);
    if (strcmp(q->op, ">=") == 0)
        return cmp >= 0;
    if (strcmp(q->op, "<=") == 0)
        return cmp <= 0;
    if (strcmp(q->op, ">") == 0)
        return cmp > 0;
    if (strcmp(q->op, "<") == 0)
        return cmp < 0;
    return cmp == 0;
}

/* Whether every option the qualifier names is among those given. */
static int options_given(const struct rl_qualifier *q, char *const *options)
{
    for (int i = 0; i < q->noptions; i++) {
        char *const *o = options;
        while (o && *o && strcmp(*o, q->options[i]) != 0)
            o++;
        if (!o || !*o)
            return 0;
    }
    return 1;
}

const struct rl_expect *rl_case_expect_for(const struct rl_case *c, enum rl_tool_id tool,
                                           const char *tool_version, char *const *options)
{
    /* Those that name options first: a run with the option is what they are written for. */
    for (int named = 1; named >= 0; named--)
        for (int i = 0; i < c->nqualified; i++) {
            const struct rl_qualifier *q = &c->qualified[i].when;
            if (c->qualified_tool[i] == (int)tool && (q->noptions > 0) == named &&
                options_given(q, options) && rl_qualifier_matches(q, tool_version))
                return &c->qualified[i];
        }
    return &c->expect[tool];
}
