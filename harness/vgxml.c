/* The Valgrind XML reader. Of the document it keeps only what a verdict needs:
 *
 *   <pid>, <status><state>, and per <error>: <kind>, the text (<what> for DRD and most
 *   tools, <xwhat><text> for Helgrind; a Helgrind PthAPIerror has both: the failed call and
 *   the error code, kept together), and every <frame>'s <dir>/<file>:<line>.
 *
 * Every stack of an error is kept in the excerpt and its frames count as cited lines: the
 * conflicting access too (Helgrind's <xauxwhat> "This conflicts with a previous write ..."
 * and its second <stack>, DRD's <other_segment_start>/<other_segment_end>). A stack is never
 * glued to the one before: it follows its <auxwhat>/<xauxwhat>, or a label line of ours. A
 * race whose other side the tool did not record (Helgrind's --history-level=approx keeps only
 * the bounds of the other thread's segment) says "other access not recorded".
 *
 * Each field is a bounded buffer, so a flood of errors costs the sink's memory, not ours. */
#include "vgxml.h"
#include "strv.h"

#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field {
    F_NONE,
    F_PID,
    F_STATE,
    F_KIND,
    F_WHAT,
    F_XWHAT_TEXT,
    F_AUXWHAT,
    F_OBSERVED_WHAT,
    F_ADDRESS,
    F_FN,
    F_DIR,
    F_FILE,
    F_LINE,
    F_RAWTEXT,
    F_PREAMBLE_LINE
};

struct rl_vgxml {
    XML_Parser parser;
    size_t offset; /* bytes fed so far */
    enum rl_tool_id tool;
    const char *case_path;
    rl_report_sink sink;
    void *ctx;
    struct rl_vgxml_result res;

    int depth;
    int in_error, in_xwhat, in_xauxwhat, in_frame;
    int in_preamble;  /* inside <preamble>, whose <line>s name the version */
    int stacks;       /* <stack>s of this error so far */
    int labelled;     /* an aux text was written since the last stack: the next needs no label */
    int other_side;   /* a stack of the other access was seen (Helgrind's second, DRD's segment) */
    int in_segment;   /* inside <other_segment_start> (1) or <other_segment_end> (2) */
    int segment_seen; /* that segment element held a stack */
    int in_observed;  /* inside DRD's <first_observed_at> */
    int conflict;     /* Helgrind named the other access: the next stack is its side */
    char conflict_words[256]; /* its words, "This conflicts with a previous write ..." */
    enum field field;
    char text[1024]; /* the field being read */
    size_t text_len;

    char kind[64], what[256], xwhat[256], fn[128], dir[512], file[256];
    char observed_what[64], address[64];
    char raw[8192]; /* <suppression><rawtext>, with --gen-suppressions=all */
    size_t raw_len;
    int line;
    struct rl_report cur;
};

/* Every element Valgrind writes under <valgrindoutput> (docs/internals/xml-output-protocol4.txt
 * of 3.19, and <error_summary> of protocol 6): the errors are read, the rest says nothing of
 * the program's threads (<fatal_signal> is seen in the exit status, <clientmsg> is the
 * program's own VALGRIND_PRINTF, <trace> the output of DRD's --trace-* options, drd_error.c,
 * which racelab never passes: a caller's VALGRIND_OPTS asked for it). Any other element is
 * counted, and fails the run: a newer Valgrind may put a finding in it. */
static const char *const known_elements[] = {
    "protocolversion",
    "protocoltool",
    "preamble",
    "pid",
    "ppid",
    "tool",
    "logfilequalifier",
    "usercomment",
    "args",
    "status",
    "error",
    "errorcounts",
    "suppcounts",
    "announcethread",
    "clientmsg",
    "fatal_signal",
    "error_summary",
    "trace",
};

/* The elements the parser acts on. */
enum element {
    E_ADDRESS,
    E_AUXWHAT,
    E_DIR,
    E_ERROR,
    E_FILE,
    E_FIRST_OBSERVED_AT,
    E_FN,
    E_FRAME,
    E_KIND,
    E_LINE,
    E_OTHER_SEGMENT_END,
    E_OTHER_SEGMENT_START,
    E_PID,
    E_PREAMBLE,
    E_RAWTEXT,
    E_STACK,
    E_STATE,
    E_TEXT,
    E_VALGRINDOUTPUT,
    E_WHAT,
    E_XAUXWHAT,
    E_XWHAT,
    E_OTHER
};

static int is(const char *name, const char *element)
{
    return strcmp(name, element) == 0;
}

/* Each start and end tag is looked up once, and a flood brings some thirty of them per
 * error: the first letter picks the one or two candidates (a bsearch's strcmp calls were a
 * tenth of a flood's CPU). */
static enum element element_of(const char *name)
{
    switch (name[0]) {
    case 'a':
        return is(name, "address") ? E_ADDRESS : is(name, "auxwhat") ? E_AUXWHAT : E_OTHER;
    case 'd':
        return is(name, "dir") ? E_DIR : E_OTHER;
    case 'e':
        return is(name, "error") ? E_ERROR : E_OTHER;
    case 'f':
        return is(name, "fn")                  ? E_FN
               : is(name, "file")              ? E_FILE
               : is(name, "frame")             ? E_FRAME
               : is(name, "first_observed_at") ? E_FIRST_OBSERVED_AT
                                               : E_OTHER;
    case 'k':
        return is(name, "kind") ? E_KIND : E_OTHER;
    case 'l':
        return is(name, "line") ? E_LINE : E_OTHER;
    case 'o':
        return is(name, "other_segment_start") ? E_OTHER_SEGMENT_START
               : is(name, "other_segment_end") ? E_OTHER_SEGMENT_END
                                               : E_OTHER;
    case 'p':
        return is(name, "pid") ? E_PID : is(name, "preamble") ? E_PREAMBLE : E_OTHER;
    case 'r':
        return is(name, "rawtext") ? E_RAWTEXT : E_OTHER;
    case 's':
        return is(name, "stack") ? E_STACK : is(name, "state") ? E_STATE : E_OTHER;
    case 't':
        return is(name, "text") ? E_TEXT : E_OTHER;
    case 'v':
        return is(name, "valgrindoutput") ? E_VALGRINDOUTPUT : E_OTHER;
    case 'w':
        return is(name, "what") ? E_WHAT : E_OTHER;
    case 'x':
        return is(name, "xwhat") ? E_XWHAT : is(name, "xauxwhat") ? E_XAUXWHAT : E_OTHER;
    default:
        return E_OTHER;
    }
}

static int known_element(const char *name)
{
    for (size_t i = 0; i < sizeof known_elements / sizeof known_elements[0]; i++)
        if (strcmp(name, known_elements[i]) == 0)
            return 1;
    return 0;
}

/* Copies a field, cutting it to the destination's size. */
static void set(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void reset_error(struct rl_vgxml *x)
{
    free(x->cur.excerpt);
    free(x->cur.suppression);
    memset(&x->cur, 0, sizeof x->cur);
    x->kind[0] = x->what[0] = x->xwhat[0] = '\0';
    x->stacks = x->labelled = x->other_side = x->in_segment = x->in_observed = x->conflict = 0;
    x->conflict_words[0] = '\0';
}

/* A stack begins: one after the first gets a label unless an aux text just named it (DRD's
 * segment and first-observed stacks always get theirs: the aux text before them is about the
 * address). */
static void start_stack(struct rl_vgxml *x)
{
    if (x->stacks++ && (!x->labelled || x->in_segment || x->in_observed)) {
        char label[200];
        if (x->in_segment)
            snprintf(label, sizeof label,
                     "Other segment %s:", x->in_segment == 1 ? "start" : "end");
        else if (x->in_observed)
            snprintf(label, sizeof label, "%s %s was first observed at:",
                     x->observed_what[0] ? x->observed_what : "object",
                     x->address[0] ? x->address : "?");
        else
            snprintf(label, sizeof label, "another stack:");
        rl_excerpt_append(&x->cur.excerpt, label);
    }
    x->labelled = 0;
    if (x->in_segment) {
        x->segment_seen = 1;
        x->other_side = 1;
    }
    /* The sides (rl_report.frame): the error's first stack, and the other access of a race
     * (Helgrind's stack after "This conflicts with ...", DRD's other segment). */
    x->cur.side = x->stacks == 1 ? 0 : x->in_segment || x->conflict ? 1 : -1;
    /* Side 1 is also the other side's stacks (rl_report.other_stack), each after its words. */
    if (x->cur.side == 1)
        rl_report_other_stack(&x->cur, x->in_segment == 1   ? "Other segment start:"
                                       : x->in_segment == 2 ? "Other segment end:"
                                                            : x->conflict_words);
    x->conflict = 0;
}

static void on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct rl_vgxml *x = data;
    enum element elem = element_of(name);
    (void)attrs;
    x->depth++;
    x->field = F_NONE;
    x->text_len = 0;
    x->text[0] = '\0';
    if (x->depth == 2 && elem != E_ERROR && !known_element(name) && x->res.unknown++ == 0)
        set(x->res.first_unknown, sizeof x->res.first_unknown, name);
    if (elem == E_ERROR && x->depth == 2) {
        x->in_error = 1;
        reset_error(x);
        return;
    }
    if (x->depth == 2 && elem == E_PID) {
        x->field = F_PID;
        return;
    }
    if (x->depth == 3 && elem == E_STATE) {
        x->field = F_STATE;
        return;
    }
    if (x->depth == 2 && elem == E_PREAMBLE)
        x->in_preamble = 1;
    if (x->depth == 3 && x->in_preamble && elem == E_LINE) {
        x->field = F_PREAMBLE_LINE;
        return;
    }
    if (!x->in_error)
        return;
    if (elem == E_KIND && x->depth == 3)
        x->field = F_KIND;
    else if (elem == E_WHAT && x->depth == 3)
        x->field = F_WHAT;
    else if (elem == E_XWHAT)
        x->in_xwhat = 1;
    else if (elem == E_XAUXWHAT)
        x->in_xauxwhat = 1;
    else if (elem == E_TEXT && x->in_xwhat)
        x->field = F_XWHAT_TEXT;
    else if (elem == E_TEXT && x->in_xauxwhat)
        x->field = F_AUXWHAT;
    else if (elem == E_AUXWHAT)
        x->field = F_AUXWHAT;
    else if (elem == E_STACK)
        start_stack(x);
    else if (elem == E_OTHER_SEGMENT_START || elem == E_OTHER_SEGMENT_END) {
        x->in_segment = name[14] == 's' ? 1 : 2;
        x->segment_seen = 0;
    } else if (elem == E_FIRST_OBSERVED_AT) {
        x->in_observed = 1;
        x->observed_what[0] = x->address[0] = '\0';
    } else if (x->in_observed && elem == E_WHAT)
        x->field = F_OBSERVED_WHAT;
    else if (x->in_observed && elem == E_ADDRESS)
        x->field = F_ADDRESS;
    else if (elem == E_FRAME) {
        x->in_frame = 1;
        x->fn[0] = x->dir[0] = x->file[0] = '\0';
        x->line = 0;
    } else if (x->in_frame && elem == E_FN)
        x->field = F_FN;
    else if (x->in_frame && elem == E_DIR)
        x->field = F_DIR;
    else if (x->in_frame && elem == E_FILE)
        x->field = F_FILE;
    else if (x->in_frame && elem == E_LINE)
        x->field = F_LINE;
    else if (elem == E_RAWTEXT) {
        x->field = F_RAWTEXT;
        x->raw_len = 0;
        x->raw[0] = '\0';
    }
}

static void on_text(void *data, const XML_Char *s, int len)
{
    struct rl_vgxml *x = data;
    if (x->field == F_NONE || len <= 0)
        return;
    if (x->field == F_RAWTEXT) {
        size_t room = sizeof x->raw - 1 - x->raw_len, n = (size_t)len < room ? (size_t)len : room;
        memcpy(x->raw + x->raw_len, s, n);
        x->raw_len += n;
        x->raw[x->raw_len] = '\0';
        return;
    }
    size_t room = sizeof x->text - 1 - x->text_len;
    size_t n = (size_t)len < room ? (size_t)len : room;
    memcpy(x->text + x->text_len, s, n);
    x->text_len += n;
    x->text[x->text_len] = '\0';
}

static void end_frame(struct rl_vgxml *x)
{
    char path[sizeof x->dir + sizeof x->file + 1], text[1200]; /* sized so: cannot be cut */
    struct rl_line line = rl_line_at(text, sizeof text);
    rl_line_put(&line, "   at ");
    rl_line_put(&line, x->fn[0] ? x->fn : "???");
    if (x->file[0]) {
        rl_line_put(&line, " (");
        rl_line_put(&line, x->file);
        rl_line_put(&line, ":");
        rl_line_put_int(&line, x->line);
        rl_line_put(&line, ")");
    }
    rl_excerpt_append(&x->cur.excerpt, text);
    rl_report_other_frame(&x->cur, text);
    if (!x->file[0])
        return;
    struct rl_line full = rl_line_at(path, sizeof path);
    if (x->dir[0]) {
        rl_line_put(&full, x->dir);
        rl_line_put(&full, "/");
    }
    rl_line_put(&full, x->file);
    rl_report_add_frame_fn(&x->cur, path, x->line, x->fn, x->case_path);
}

static void end_error(struct rl_vgxml *x)
{
    /* Helgrind's PthAPIerror: "Thread #1's call to pthread_mutex_unlock failed" in <xwhat>,
     * "with error code 1 (EPERM: ...)" in <what>: the headline keeps both. */
    char text[sizeof x->xwhat + sizeof x->what + 2];
    struct rl_line headline = rl_line_at(text, sizeof text);
    rl_line_put(&headline, x->xwhat);
    if (x->xwhat[0] && x->what[0])
        rl_line_put(&headline, " ");
    rl_line_put(&headline, x->what);
    x->cur.kind = rl_kind_from_valgrind(x->tool, x->kind, text);
    x->cur.pid = x->res.pid;
    set(x->cur.tool_kind, sizeof x->cur.tool_kind, x->kind[0] ? x->kind : "?");
    set(x->cur.headline, sizeof x->cur.headline, text);
    /* A race has two sides; the tool may not have kept the other one (Helgrind
     * --history-level=none or approx, DRD --show-confl-seg=no or a finished thread). */
    if (strcmp(x->kind, "Race") == 0 || strcmp(x->kind, "ConflictingAccess") == 0) {
        x->cur.other = x->other_side ? RL_OTHER_RECORDED : RL_OTHER_NOT_RECORDED;
        if (!x->other_side)
            rl_excerpt_append(&x->cur.excerpt, "other access not recorded");
    }
    x->res.errors++;
    x->sink(x->ctx, &x->cur);
    /* The next <error> resets cur (and rl_vgxml_free frees what the sink left): one memset
     * of a 4 KiB report per error, not two. */
}

static void on_end(void *data, const XML_Char *name)
{
    struct rl_vgxml *x = data;
    enum element elem = element_of(name);
    switch (x->field) {
    case F_PID:
        x->res.pid = atoi(x->text);
        break;
    case F_STATE:
        if (strcmp(x->text, "FINISHED") == 0)
            x->res.finished = 1;
        break;
    case F_PREAMBLE_LINE: {
        /* The version that watched this process: it picks a case's version-qualified
         * expectation (so racelab never runs `valgrind --version` to learn it). */
        const char *v = strstr(x->text, "Using Valgrind-");
        size_t n = v ? strspn(v + 15, "0123456789.") : 0;
        if (n && !x->res.version[0])
            snprintf(x->res.version, sizeof x->res.version, "valgrind-%.*s", (int)(n < 20 ? n : 20),
                     v + 15);
        break;
    }
    case F_KIND:
        set(x->kind, sizeof x->kind, x->text);
        break;
    case F_WHAT:
        set(x->what, sizeof x->what, x->text);
        rl_excerpt_append(&x->cur.excerpt, x->text);
        break;
    case F_XWHAT_TEXT:
        set(x->xwhat, sizeof x->xwhat, x->text);
        rl_excerpt_append(&x->cur.excerpt, x->text);
        break;
    case F_AUXWHAT:
        rl_excerpt_append(&x->cur.excerpt, x->text);
        x->labelled = 1;
        /* Helgrind (hg_errors.c): "This conflicts with a previous write of size 4 by thread
         * #2" names the other access; its stack follows. With --history-level=approx it
         * writes "This conflicts with a previous access by thread #2, after" instead, and
         * the two stacks that follow only bound the other thread's segment (its start, "but
         * before", its end): the access itself was not recorded, and neither is a side. */
        if (x->in_xauxwhat && strstr(x->text, "conflicts with a previous") &&
            !strstr(x->text, "conflicts with a previous access by thread")) {
            x->other_side = x->conflict = 1;
            set(x->conflict_words, sizeof x->conflict_words, x->text);
        }
        break;
    case F_RAWTEXT: {
        /* The block between its blank lines, as Valgrind prints it in text mode. */
        const char *b = x->raw + strspn(x->raw, " \t\n");
        size_t n = strlen(b);
        while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t' || b[n - 1] == '\n'))
            n--;
        free(x->cur.suppression);
        x->cur.suppression = strndup(b, n);
        break;
    }
    case F_OBSERVED_WHAT:
        set(x->observed_what, sizeof x->observed_what, x->text);
        break;
    case F_ADDRESS:
        set(x->address, sizeof x->address, x->text);
        break;
    case F_FN:
        set(x->fn, sizeof x->fn, x->text);
        break;
    case F_DIR:
        set(x->dir, sizeof x->dir, x->text);
        break;
    case F_FILE:
        set(x->file, sizeof x->file, x->text);
        break;
    case F_LINE: {
        /* Not atoi: "4294967306" would wrap around to line 10. */
        long line = strtol(x->text, NULL, 10);
        x->line = line > 0 && line <= INT_MAX ? (int)line : 0;
        break;
    }
    case F_NONE:
        break;
    }
    x->field = F_NONE;
    if (x->in_error) {
        if (elem == E_FRAME) {
            end_frame(x);
            x->in_frame = 0;
        } else if (elem == E_XWHAT) {
            x->in_xwhat = 0;
        } else if (elem == E_XAUXWHAT) {
            x->in_xauxwhat = 0;
        } else if (x->in_segment &&
                   (elem == E_OTHER_SEGMENT_START || elem == E_OTHER_SEGMENT_END)) {
            if (!x->segment_seen)
                rl_excerpt_append(&x->cur.excerpt, x->in_segment == 1
                                                       ? "Other segment start: not recorded"
                                                       : "Other segment end: not recorded");
            x->in_segment = 0;
        } else if (elem == E_FIRST_OBSERVED_AT) {
            x->in_observed = 0;
        } else if (elem == E_ERROR && x->depth == 2) {
            end_error(x);
            x->in_error = 0;
        }
    }
    if (x->depth == 1 && elem == E_VALGRINDOUTPUT)
        x->res.complete = 1;
    if (x->depth == 2 && elem == E_PREAMBLE)
        x->in_preamble = 0;
    x->depth--;
}

struct rl_vgxml *rl_vgxml_new(enum rl_tool_id tool, const char *case_path, rl_report_sink sink,
                              void *ctx)
{
    struct rl_vgxml *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->parser = XML_ParserCreate("UTF-8");
    if (!x->parser) {
        free(x);
        return NULL;
    }
    x->tool = tool;
    x->case_path = case_path;
    x->sink = sink;
    x->ctx = ctx;
    XML_SetUserData(x->parser, x);
    XML_SetElementHandler(x->parser, on_start, on_end);
    XML_SetCharacterDataHandler(x->parser, on_text);
    return x;
}

/* Looked up when racelab starts, not when it is built: the library an update installs under
 * a built racelab may have it when the headers it was built with did not (NULL then). */
XML_Bool XML_SetReparseDeferralEnabled(XML_Parser parser, XML_Bool enabled) __attribute__((weak));

static int parse(struct rl_vgxml *x, const char *bytes, size_t len)
{
    if (XML_Parse(x->parser, bytes, (int)len, 0) == XML_STATUS_ERROR) {
        x->res.malformed = 1;
        snprintf(x->res.error, sizeof x->res.error, "line %lu: %s",
                 (unsigned long)XML_GetCurrentLineNumber(x->parser),
                 XML_ErrorString(XML_GetErrorCode(x->parser)));
        return -1;
    }
    return 0;
}

/* Expat 2.6 (and Debian 12's 2.5.0 from deb12u2 on, a backport) defers a token cut by a
 * chunk's end until enough new input has come (CVE-2023-52425: a huge token parsed again for
 * every chunk). A document never fed as final then keeps its last elements unread:
 * </valgrindoutput>, and with small chunks the last <error> and <status> too. An empty feed
 * without deferral reads them, as Python's xmlparser.flush() does; deferral is on again
 * after it. */
static void flush(struct rl_vgxml *x)
{
    if (x->res.malformed || !XML_SetReparseDeferralEnabled ||
        XML_SetReparseDeferralEnabled(x->parser, XML_FALSE) != XML_TRUE)
        return;
    parse(x, "", 0);
    XML_SetReparseDeferralEnabled(x->parser, XML_TRUE);
}

int rl_vgxml_feed(struct rl_vgxml *x, const char *bytes, size_t len)
{
    if (x->res.malformed)
        return -1;
    /* Valgrind's XML is UTF-8 text and never holds a NUL byte. Rejecting one here keeps the
     * verdict the same however the bytes are split: expat decides some such inputs only
     * when more bytes arrive (found by fuzzing: "n\0" whole passed, byte by byte failed). */
    const char *nul = memchr(bytes, '\0', len);
    if (nul) {
        /* What comes before it counts, as it would have in a smaller chunk. */
        if (nul > bytes && rl_vgxml_feed(x, bytes, (size_t)(nul - bytes)) < 0)
            return -1;
        flush(x); /* and what an expat deferred of it, since no byte will follow */
        if (x->res.malformed)
            return -1;
        x->res.malformed = 1;
        snprintf(x->res.error, sizeof x->res.error, "a NUL byte at offset %lu: not Valgrind XML",
                 (unsigned long)x->offset);
        return -1;
    }
    x->offset += len;
    return parse(x, bytes, len);
}

void rl_vgxml_end(struct rl_vgxml *x, struct rl_vgxml_result *res)
{
    /* No final XML_Parse(isFinal=1): a truncated document is expected after a kill, and the
     * errors it completed have been sent already. */
    flush(x);
    *res = x->res;
}

void rl_vgxml_free(struct rl_vgxml *x)
{
    if (!x)
        return;
    reset_error(x);
    XML_ParserFree(x->parser);
    free(x);
}

int rl_vgxml_parse_file(const char *path, enum rl_tool_id tool, const char *case_path,
                        rl_report_sink sink, void *ctx, struct rl_vgxml_result *res)
{
    memset(res, 0, sizeof *res);
    FILE *f = rl_log_open(path);
    if (!f)
        return -1;
    struct rl_vgxml *x = rl_vgxml_new(tool, case_path, sink, ctx);
    if (!x) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (rl_vgxml_feed(x, buf, n) < 0)
            break;
    fclose(f);
    rl_vgxml_end(x, res);
    rl_vgxml_free(x);
    return 0;
}
