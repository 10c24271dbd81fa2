/* See annotate.h. */
#include "annotate.h"

#include "sarif.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int rl_annotations_wanted(void)
{
    const char *v = getenv("GITHUB_ACTIONS");
    return v && strcmp(v, "true") == 0;
}

/* A workflow command's value, on one line: '%' (and in a property ':' and ',', which end it)
 * percent-encoded, as GitHub's toolkit does; a control byte (newlines too: nothing the program
 * wrote may start a line of its own) or one that begins no valid UTF-8 character shown as the
 * text \xNN, a C1 control as \u00NN, a backslash as \\, as racelab's own text shows them. */
static void command_text(FILE *out, const char *s, int property)
{
    size_t left = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    while (left) {
        unsigned cp;
        size_t len = rl_utf8_char(p, left, &cp);
        if (len && (cp == '%' || (property && (cp == ':' || cp == ','))))
            fprintf(out, "%%%02X", cp);
        else if (len == 0 || cp < 0x20 || cp == 0x7f)
            fprintf(out, "\\x%02x", p[0]);
        else if (cp >= 0x80 && cp <= 0x9f)
            fprintf(out, "\\u%04x", cp);
        else if (cp == '\\')
            fputs("\\\\", out);
        else
            fwrite(p, 1, len, out);
        len = len ? len : 1;
        p += len;
        left -= len;
    }
}

/* One "::error [file=F,line=L,]title=T::M" line. source NULL: no file (nothing cited). */
static void annotation(FILE *out, const struct rl_session *s, const char *source, int line,
                       const char *title, const char *message)
{
    fputs("::error ", out);
    if (source && *source && line > 0) {
        char path[PATH_MAX];
        if (rl_source_path(source, s->set.source_root, path, sizeof path) < 0)
            snprintf(path, sizeof path, "%s", source);
        fputs("file=", out);
        command_text(out, path, 1);
        fprintf(out, ",line=%d,", line);
    }
    fputs("title=", out);
    command_text(out, title, 1);
    fputs("::", out);
    command_text(out, message, 0);
    fputc('\n', out);
}

int rl_write_annotations(FILE *out, const struct rl_session *s)
{
    int passed = 0, first = -1;
    for (int i = 0; i < s->nruns; i++) {
        passed += s->runs[i].verdict.pass;
        if (first < 0 && !s->runs[i].verdict.pass)
            first = i;
    }
    if (first < 0 || passed >= (s->min_pass ? s->min_pass : s->nruns))
        return 0;
    const struct rl_outcome *o = &s->runs[first];
    const struct rl_verdict *v = &o->verdict;
    char test[4096 + 96], title[4096 + 256], message[8192];
    snprintf(test, sizeof test, "%s:%s", rl_tool_name(s->tool), rl_session_name(s));
    int n = 0, more = 0;
    for (size_t i = 0; i < o->result.reports.n; i++) {
        const struct rl_report *r = &o->result.reports.v[i];
        int wrong = v->placement && v->placement[i] == RL_PLACE_WRONG;
        /* Under --baseline or a recording run every report is in question; else only those
         * the expectation does not allow. */
        if (!s->baseline && !s->recording && (v->expected & RL_KINDSET(r->kind)) && !wrong)
            continue;
        if (n == RL_ANNOTATIONS_MAX) {
            more++;
            continue;
        }
        int side = r->source[0][0] ? 0 : 1;
        snprintf(title, sizeof title, "racelab %s (%s)", rl_kind_name(r->kind),
                 rl_tool_name(s->tool));
        snprintf(message, sizeof message, "%s: %s%s%s%s", test, r->headline,
                 r->frame[1][0] ? "; the other side at " : "", r->frame[1],
                 wrong ? "; on a line not marked for it" : "");
        annotation(out, s, r->source[side], rl_side_line(r, side), title, message);
        n++;
    }
    /* What cites no line: the harness's own findings, the kinds that did not show, or a
     * failure with neither (a located expectation not met). */
    rl_kindset harness = o->result.harness & ~v->expected;
    if ((harness || v->missing || n == 0) && n < RL_ANNOTATIONS_MAX) {
        char kinds[512], missing[512];
        rl_kindset_format(harness, kinds, sizeof kinds);
        rl_kindset_format(v->missing, missing, sizeof missing);
        snprintf(title, sizeof title, "racelab %s failed", test);
        snprintf(message, sizeof message, "run %d of %d did not give the expected verdict%s%s%s%s",
                 first + 1, s->nruns, harness ? "; observed " : "", harness ? kinds : "",
                 v->missing ? "; expected, not reported: " : "", v->missing ? missing : "");
        annotation(out, s, NULL, 0, title, message);
        n++;
    }
    if (more) {
        snprintf(message, sizeof message,
                 "%d more reports of %s are not annotated (GitHub shows %d errors of a step)", more,
                 test, RL_ANNOTATIONS_MAX);
        fputs("::notice title=racelab::", out);
        command_text(out, message, 0);
        fputc('\n', out);
    }
    return n;
}
