/* The Valgrind XML reader. Of the document it keeps only what a verdict needs:
 *
 *   <pid>, <status><state>, and per <error>: <kind>, the text (<what> for DRD and most
 *   tools, <xwhat><text> for Helgrind), and every <frame>'s <dir>/<file>:<line>.
 *
 * Each field is a bounded buffer, so a flood of errors costs the sink's memory, not ours. */
#include "vgxml.h"

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
    F_FN,
    F_DIR,
    F_FILE,
    F_LINE
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
    int in_error, in_xwhat, in_frame;
    enum field field;
    char text[1024]; /* the field being read */
    size_t text_len;

    char kind[64], what[256], fn[128], dir[512], file[256];
    int line;
    struct rl_report cur;
};

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
    memset(&x->cur, 0, sizeof x->cur);
    x->kind[0] = x->what[0] = '\0';
}

static void on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct rl_vgxml *x = data;
    (void)attrs;
    x->depth++;
    x->field = F_NONE;
    x->text_len = 0;
    x->text[0] = '\0';
    if (strcmp(name, "error") == 0 && x->depth == 2) {
        x->in_error = 1;
        reset_error(x);
        return;
    }
    if (x->depth == 2 && strcmp(name, "pid") == 0) {
        x->field = F_PID;
        return;
    }
    if (x->depth == 3 && strcmp(name, "state") == 0) {
        x->field = F_STATE;
        return;
    }
    if (!x->in_error)
        return;
    if (strcmp(name, "kind") == 0 && x->depth == 3)
        x->field = F_KIND;
    else if (strcmp(name, "what") == 0 && x->depth == 3)
        x->field = F_WHAT;
    else if (strcmp(name, "xwhat") == 0)
        x->in_xwhat = 1;
    else if (strcmp(name, "text") == 0 && x->in_xwhat)
        x->field = F_XWHAT_TEXT;
    else if (strcmp(name, "auxwhat") == 0)
        x->field = F_AUXWHAT;
    else if (strcmp(name, "frame") == 0) {
        x->in_frame = 1;
        x->fn[0] = x->dir[0] = x->file[0] = '\0';
        x->line = 0;
    } else if (x->in_frame && strcmp(name, "fn") == 0)
        x->field = F_FN;
    else if (x->in_frame && strcmp(name, "dir") == 0)
        x->field = F_DIR;
    else if (x->in_frame && strcmp(name, "file") == 0)
        x->field = F_FILE;
    else if (x->in_frame && strcmp(name, "line") == 0)
        x->field = F_LINE;
}

static void on_text(void *data, const XML_Char *s, int len)
{
    struct rl_vgxml *x = data;
    if (x->field == F_NONE || len <= 0)
        return;
    size_t room = sizeof x->text - 1 - x->text_len;
    size_t n = (size_t)len < room ? (size_t)len : room;
    memcpy(x->text + x->text_len, s, n);
    x->text_len += n;
    x->text[x->text_len] = '\0';
}

static void end_frame(struct rl_vgxml *x)
{
    char path[sizeof x->dir + sizeof x->file + 1], line[1200]; /* sized so: cannot be cut */
    if (!x->file[0]) {
        snprintf(line, sizeof line, "   at %s", x->fn[0] ? x->fn : "???");
        rl_excerpt_append(&x->cur.excerpt, line);
        return;
    }
    if (x->dir[0])
        snprintf(path, sizeof path, "%s/%s", x->dir, x->file);
    else
        snprintf(path, sizeof path, "%s", x->file);
    snprintf(line, sizeof line, "   at %s (%s:%d)", x->fn[0] ? x->fn : "???", x->file, x->line);
    rl_excerpt_append(&x->cur.excerpt, line);
    rl_report_add_frame(&x->cur, path, x->line, x->case_path);
}

static void end_error(struct rl_vgxml *x)
{
    x->cur.kind = rl_kind_from_valgrind(x->tool, x->kind, x->what);
    x->cur.pid = x->res.pid;
    snprintf(x->cur.tool_kind, sizeof x->cur.tool_kind, "%s", x->kind[0] ? x->kind : "?");
    snprintf(x->cur.headline, sizeof x->cur.headline, "%s", x->what);
    x->res.errors++;
    x->sink(x->ctx, &x->cur);
    reset_error(x);
}

static void on_end(void *data, const XML_Char *name)
{
    struct rl_vgxml *x = data;
    switch (x->field) {
    case F_PID:
        x->res.pid = atoi(x->text);
        break;
    case F_STATE:
        if (strcmp(x->text, "FINISHED") == 0)
            x->res.finished = 1;
        break;
    case F_KIND:
        set(x->kind, sizeof x->kind, x->text);
        break;
    case F_WHAT:
    case F_XWHAT_TEXT:
        set(x->what, sizeof x->what, x->text);
        rl_excerpt_append(&x->cur.excerpt, x->text);
        break;
    case F_AUXWHAT:
        rl_excerpt_append(&x->cur.excerpt, x->text);
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
        if (strcmp(name, "frame") == 0) {
            end_frame(x);
            x->in_frame = 0;
        } else if (strcmp(name, "xwhat") == 0) {
            x->in_xwhat = 0;
        } else if (strcmp(name, "error") == 0 && x->depth == 2) {
            end_error(x);
            x->in_error = 0;
        }
    }
    if (x->depth == 1 && strcmp(name, "valgrindoutput") == 0)
        x->res.complete = 1;
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
        x->res.malformed = 1;
        snprintf(x->res.error, sizeof x->res.error, "a NUL byte at offset %lu: not Valgrind XML",
                 (unsigned long)x->offset);
        return -1;
    }
    x->offset += len;
    if (XML_Parse(x->parser, bytes, (int)len, 0) == XML_STATUS_ERROR) {
        x->res.malformed = 1;
        snprintf(x->res.error, sizeof x->res.error, "line %lu: %s",
                 (unsigned long)XML_GetCurrentLineNumber(x->parser),
                 XML_ErrorString(XML_GetErrorCode(x->parser)));
        return -1;
    }
    return 0;
}

void rl_vgxml_end(struct rl_vgxml *x, struct rl_vgxml_result *res)
{
    /* No final XML_Parse(isFinal=1): a truncated document is expected after a kill, and the
     * errors it completed have been sent already. */
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
