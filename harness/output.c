/* See output.h. The JSON is written by hand: a flat, documented shape (docs/json.md).
 *
 * Everything not racelab's own words (paths, the tools' texts, the program's stderr) is
 * written escaped, so that it cannot draw on a terminal or split a verdict line: in the text,
 * a control byte (C0, DEL) or a byte that begins no valid UTF-8 character is shown as \xNN, a
 * C1 control (U+0080-U+009F) as \u00NN, a backslash as \\; in the JSON, which is always
 * valid UTF-8, controls are \u00NN and an invalid byte is U+FFFD (\ufffd). */
#include "output.h"

#include <stdio.h>
#include <string.h>

static const char *const placement_names[] = {
    [RL_PLACE_FREE] = "free",
    [RL_PLACE_MARKED] = "marked",
    [RL_PLACE_UNLOCATED] = "unlocated",
    [RL_PLACE_WRONG] = "wrong-line",
};
_Static_assert(sizeof placement_names / sizeof placement_names[0] == RL_PLACE_COUNT,
               "one name per placement");

/* The length (1 to 4) of the valid UTF-8 character at s, of at most n bytes, with its code
 * point in *cp; 0 if s begins no valid character (a stray byte, an overlong form, a
 * surrogate, past U+10FFFF, or cut short). */
static size_t utf8_char(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
                 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
                 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                                : 0;
    if (!len || len > n)
        return 0;
    unsigned c = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
        (len == 4 && (c < 0x10000 || c > 0x10ffff)))
        return 0;
    *cp = c;
    return len;
}

/* Writes n bytes of s escaped for a terminal (see the top of this file). */
static void put_text(FILE *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    while (n) {
        unsigned cp;
        size_t len = utf8_char(p, n, &cp);
        if (len == 0 || cp < 0x20 || cp == 0x7f)
            fprintf(out, "\\x%02x", p[0]);
        else if (cp == '\\')
            fputs("\\\\", out);
        else if (cp >= 0x80 && cp <= 0x9f)
            fprintf(out, "\\u%04x", cp);
        else
            fwrite(p, 1, len, out);
        len = len ? len : 1;
        p += len;
        n -= len;
    }
}

/* s escaped as put_text does, for a printf argument: in one of a few static buffers, used in
 * turn (enough for every argument of one call). */
static const char *esc(const char *s)
{
    static char bufs[6][4096 * 4 + 64];
    static unsigned next;
    char *buf = bufs[next++ % 6];
    FILE *m = fmemopen(buf, sizeof bufs[0], "w");
    if (!m)
        return "?";
    put_text(m, s, strlen(s));
    fflush(m);
    long end = ftell(m);
    fclose(m);
    /* Terminated here, not by fmemopen: an empty string writes nothing at all. */
    buf[end < 0 ? 0 : end < (long)sizeof bufs[0] ? end : (long)sizeof bufs[0] - 1] = '\0';
    return buf;
}

static void lines_of(const struct rl_report *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->nlines && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%d", i ? ", " : "", r->lines[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void marked_lines(const struct rl_case *c, enum rl_kind kind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t m = 0; c && m < c->nmarkers && used < size; m++) {
        if (c->markers[m].kind != kind)
            continue;
        int n = snprintf(buf + used, size - used, "%s%d", used ? ", " : "", c->markers[m].line);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

const char *rl_session_name(const struct rl_session *s)
{
    /* A program's path is a PATH_MAX at most: room for it whole. */
    static char buf[4096 + 64];
    if (s->set.name)
        return s->set.name;
    if (s->c)
        snprintf(buf, sizeof buf, "%s/%s", s->c->concept, s->c->name);
    else
        snprintf(buf, sizeof buf, "%s", s->program[0]);
    return buf;
}

static const char *label(const struct rl_session *s)
{
    static char buf[4096 + 96];
    snprintf(buf, sizeof buf, "%s:%s", rl_tool_name(s->tool), rl_session_name(s));
    return esc(buf);
}

/* The options in effect, on one line: the settings, then what the tool was given. */
static void print_settings(FILE *out, const struct rl_session *s)
{
    const struct rl_settings *set = &s->set;
    fprintf(out, "  options:  timeout %g s, exit status ", set->timeout);
    if (set->exit_status == RL_EXIT_STATUS_ANY)
        fputs("any", out);
    else
        fprintf(out, "%d", set->exit_status);
    fprintf(out, ", cwd %s", set->cwd ? esc(set->cwd) : "the run's folder");
    fprintf(out, ", stdin %s",
            !set->stdin_path                    ? "/dev/null"
            : strcmp(set->stdin_path, "-") == 0 ? "racelab's"
                                                : esc(set->stdin_path));
    if (set->output)
        fputs(", --output", out);
    if (set->pidfile)
        fprintf(out, ", pidfile %s", esc(set->pidfile));
    if (set->serve) {
        char ready[300];
        rl_ready_format(&set->serve->ready, ready, sizeof ready);
        fprintf(out, ", --serve --ready %s", esc(ready));
        for (char *const *c = set->serve->clients; c && *c; c++)
            fprintf(out, ", client `%s`", esc(*c));
        if (set->serve->for_seconds > 0)
            fprintf(out, ", --for %g s", set->serve->for_seconds);
    }
    for (char *const *o = set->tool_options; o && *o; o++)
        fprintf(out, ", %s", esc(*o));
    for (char *const *f = set->suppressions; f && *f; f++)
        fprintf(out, ", suppressions %s", esc(*f));
    if (set->env_name && set->env_value)
        fprintf(out, ", %s=%s", set->env_name, esc(set->env_value));
    fputc('\n', out);
}

static void indent(FILE *out, const char *text, const char *prefix)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        fputs(prefix, out);
        put_text(out, text, n);
        fputc('\n', out);
        text += n + (text[n] == '\n');
    }
}

/* A race's other side, on a line of its own under the report (the location above is the
 * first access's): its innermost frame in the program's own code, "function at file:line";
 * DRD keeps the other thread's segment rather than the access, and the line says so. */
static void print_other(FILE *out, const struct rl_report *r)
{
    if (r->other == RL_OTHER_NONE)
        return;
    if (r->other == RL_OTHER_NOT_RECORDED) {
        fprintf(out, "  %-14s other access not recorded\n", "");
        return;
    }
    const char *what =
        strncmp(r->other_stack, "Other segment", 13) == 0 ? "other segment" : "other access";
    char where[sizeof r->frame[1]];
    snprintf(where, sizeof where, "%s", r->frame[1]);
    char *fn = strrchr(where, ':');
    if (!fn) {
        fprintf(out, "  %-14s %s: no frame in the program's own code\n", "", what);
        return;
    }
    *fn++ = '\0';
    fprintf(out, "  %-14s %s: %s at %s\n", "", what, esc(fn), esc(where));
}

/* Every thread's stack at a hang, its innermost frame in the case (or the program's own
 * source) first; then what the deadlock markers say of them. */
static void print_stacks(FILE *out, const struct rl_session *s, const struct rl_result *res,
                         const struct rl_verdict *v)
{
    const struct rl_stacks *st = &res->stacks;
    if (st->source) {
        fprintf(out, "  stacks (%s):%s\n", st->source, st->n ? "" : " none");
        for (size_t i = 0; i < st->n; i++) {
            const struct rl_thread_stack *t = &st->v[i];
            int first = rl_stack_user_frame(t, s->c ? s->c->path : NULL);
            fprintf(out, "    pid %d thread %d:", t->pid, t->tid);
            if (first >= 0)
                fprintf(out, " at %s:%d", esc(rl_frame_base(&t->frames[first])),
                        t->frames[first].line);
            int line = rl_match_hang_line(s->c, t);
            if (line && s->c && rl_case_marked_kinds(s->c) & RL_KINDSET(RL_KIND_DEADLOCK))
                fputs(rl_case_line_marked(s->c, line, RL_KIND_DEADLOCK)
                          ? " (marked)"
                          : " NOT MARKED: a blocked thread sits on an unmarked line",
                      out);
            fputc('\n', out);
            for (int f = first >= 0 ? first : 0; f < t->nframes; f++) {
                const struct rl_frame *fr = &t->frames[f];
                fprintf(out, "      %s", fr->function[0] ? esc(fr->function) : "??");
                if (fr->file[0])
                    fprintf(out, " (%s:%d)", esc(rl_frame_base(fr)), fr->line);
                fputs(fr->inlined ? " inlined\n" : "\n", out);
            }
            if (t->more_frames)
                fprintf(out, "      (%u more frames)\n", t->more_frames);
        }
        if (st->dropped)
            fprintf(out, "    (%u more threads)\n", st->dropped);
        if (st->error[0])
            fprintf(out, "    (%s)\n", esc(st->error));
    }
    if (v->hang_unchecked)
        fputs("  FAIL: no stacks were taken (--no-backtrace): the deadlock markers could not be "
              "checked\n",
              out);
    for (size_t m = 0; v->hang_unmet && s->c && m < s->c->nmarkers; m++) {
        int met = 0;
        for (size_t i = 0; i < st->n && !met; i++)
            met = rl_match_hang_line(s->c, &st->v[i]) == s->c->markers[m].line;
        if (s->c->markers[m].kind == RL_KIND_DEADLOCK && !met)
            fprintf(out,
                    "  FAIL: line %d of %s is marked deadlock, and no blocked thread sits "
                    "on it\n",
                    s->c->markers[m].line, esc(s->c->path));
    }
}

void rl_print_run(FILE *out, const struct rl_session *s, const struct rl_outcome *o, int verbose)
{
    const struct rl_result *res = &o->result;
    const struct rl_verdict *v = &o->verdict;
    char buf[1024];
    fprintf(out, "%s %s (%s, %.2f s)\n", v->pass ? "PASS" : "FAIL", label(s), esc(s->tool_version),
            res->seconds);
    print_settings(out, s);
    rl_kindset_format(v->expected, buf, sizeof buf);
    /* A baseline, not a set of kinds, is the expectation of --baseline and of a run that
     * only records (--baseline-write, --gen-suppressions). */
    if (s->baseline)
        fprintf(out, "  expected: no report that %s does not list\n", esc(s->baseline));
    else if (s->recording && s->c)
        fputs("  expected: any report (informative: no expectation of the case names the "
              "--tool-option given; only a failure of the tool fails it)\n",
              out);
    else if (s->recording)
        fputs("  expected: any report (a recording run: only a failure of the tool fails it)\n",
              out);
    else
        fprintf(out, "  expected: %s\n", buf);
    rl_kindset_format(v->observed, buf, sizeof buf);
    fprintf(out, "  observed: %s\n", buf);
    if (v->missing) {
        rl_kindset_format(v->missing, buf, sizeof buf);
        fprintf(out, "  missing:  %s (expected, not reported)\n", buf);
    }
    if (v->extra) {
        rl_kindset_format(v->extra, buf, sizeof buf);
        fprintf(out, "  extra:    %s (reported, not expected)\n", buf);
    }
    if (res->harness & (RL_KINDSET(RL_KIND_DEADLOCK) | RL_KINDSET(RL_KIND_TIMEOUT)))
        fprintf(out, "  hang:     %s after %.2f s\n",
                res->harness & RL_KINDSET(RL_KIND_DEADLOCK) ? "every thread blocked"
                                                            : "still running",
                res->hang_seconds);
    if (res->harness & RL_KINDSET(RL_KIND_ASSERTION)) {
        fprintf(out, "  exit:     the program exited with status %d", res->exit_code);
        if (s->set.exit_status > 0)
            fprintf(out, ", not %d", s->set.exit_status);
        fputc('\n', out);
    }
    if (res->harness & RL_KINDSET(RL_KIND_CRASH))
        fprintf(out, "  crash:    a process died of a signal racelab did not send\n");
    for (size_t i = 0; i < res->reports.n; i++) {
        const struct rl_report *r = &res->reports.v[i];
        char lines[256];
        lines_of(r, lines, sizeof lines);
        fprintf(out, "  %-14s %s: %s\n", rl_kind_name(r->kind), esc(r->tool_kind),
                esc(r->headline));
        enum rl_placement p = v->placement ? v->placement[i] : RL_PLACE_FREE;
        if (r->nlines)
            fprintf(out, "  %-14s case lines %s%s", "", lines,
                    p == RL_PLACE_MARKED ? " (marked)" : "");
        else
            fprintf(out, "  %-14s %s%s", "", r->location[0] ? "at " : "no source location",
                    esc(r->location));
        if (p == RL_PLACE_UNLOCATED)
            fprintf(out, " (unlocated: cites no line of the case)");
        if (r->count > 1)
            fprintf(out, "  x%lu", r->count);
        fprintf(out, "\n");
        print_other(out, r);
        if (p == RL_PLACE_WRONG) {
            char marked[256];
            marked_lines(s->c, r->kind, marked, sizeof marked);
            fprintf(out, "  %-14s WRONG LINE: %s is marked on line(s) %s of %s\n", "",
                    rl_kind_name(r->kind), marked, esc(s->c->path));
        }
    }
    if (res->reports.dropped)
        fprintf(out,
                "  (%s%lu more distinct reports past the limit of %d groups: %lu reports, counted, "
                "not kept)\n",
                res->reports.more_distinct_capped ? "at least " : "", res->reports.more_distinct,
                RL_REPORTS_MAX_GROUPS, res->reports.dropped);
    if (v->unchecked)
        fprintf(out, "  FAIL: %lu reports of a marked kind could not be checked against markers\n",
                v->unchecked);
    if (res->waits[0]) {
        fprintf(out, "  where the threads waited:\n");
        indent(out, res->waits, "    ");
    }
    print_stacks(out, s, res, v);
    if (verbose && res->command)
        fprintf(out, "  command:  %s\n", esc(res->command));
    if (verbose && res->by_hand)
        fprintf(out, "  by hand:  %s\n", esc(res->by_hand));
    if (!verbose && v->pass)
        return;
    if (s->c && !v->pass)
        fprintf(out, "  lesson:   %s\n", esc(s->c->lesson));
    if (s->expect_note && *s->expect_note && !v->pass)
        fprintf(out, "  note:     %s\n", esc(s->expect_note));
    int shown = 0;
    for (size_t i = 0; i < res->reports.n && shown < 3; i++) {
        if (!res->reports.v[i].excerpt)
            continue;
        if (!v->pass && v->placement && v->placement[i] != RL_PLACE_WRONG &&
            !(v->extra & RL_KINDSET(res->reports.v[i].kind)) && v->misplaced)
            continue;
        fprintf(out, "  report excerpt (%s):\n", rl_kind_name(res->reports.v[i].kind));
        indent(out, res->reports.v[i].excerpt, "    | ");
        shown++;
    }
    if (res->stdout_tail[0] && !v->pass) {
        fprintf(out, "  program stdout (tail):\n");
        indent(out, res->stdout_tail, "    | ");
    }
    if (res->stderr_tail[0] && !v->pass) {
        fprintf(out, "  program stderr (tail):\n");
        indent(out, res->stderr_tail, "    | ");
    }
}

void rl_print_summary(FILE *out, const struct rl_session *s)
{
    int passed = 0;
    for (int i = 0; i < s->nruns; i++)
        passed += s->runs[i].verdict.pass;
    int need = s->min_pass ? s->min_pass : s->nruns;
    if (need < s->nruns)
        fprintf(out, "%s %s: %d of %d runs gave the expected verdict (at least %d must)\n",
                passed >= need ? "PASS" : "FAIL", label(s), passed, s->nruns, need);
    else
        fprintf(out, "%s %s: %d of %d runs passed\n", passed >= need ? "PASS" : "FAIL", label(s),
                passed, s->nruns);
    /* Distinct observed sets, with their counts. */
    for (int i = 0; i < s->nruns; i++) {
        int first = 1;
        for (int j = 0; j < i; j++)
            if (s->runs[j].verdict.observed == s->runs[i].verdict.observed &&
                s->runs[j].verdict.pass == s->runs[i].verdict.pass)
                first = 0;
        if (!first)
            continue;
        int count = 0;
        for (int j = i; j < s->nruns; j++)
            count += s->runs[j].verdict.observed == s->runs[i].verdict.observed &&
                     s->runs[j].verdict.pass == s->runs[i].verdict.pass;
        char buf[512];
        rl_kindset_format(s->runs[i].verdict.observed, buf, sizeof buf);
        fprintf(out, "  %3d x %s  observed: %s\n", count, s->runs[i].verdict.pass ? "PASS" : "FAIL",
                buf);
    }
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    size_t left = strlen(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, left--) {
        unsigned cp;
        size_t len = *p < 0x80 ? 1 : utf8_char(p, left, &cp);
        if (len == 0) { /* not UTF-8: the replacement character, never the raw byte */
            fputs("\\ufffd", out);
            continue;
        }
        if (len > 1) {
            if (cp <= 0x9f)
                fprintf(out, "\\u%04x", cp); /* a C1 control */
            else
                fwrite(p, 1, len, out);
            p += len - 1;
            left -= len - 1;
            continue;
        }
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

size_t rl_utf8_char(const unsigned char *s, size_t n, unsigned *cp)
{
    return utf8_char(s, n, cp);
}

void rl_json_string(FILE *out, const char *s)
{
    json_string(out, s);
}

static void json_kinds(FILE *out, rl_kindset set)
{
    fputc('[', out);
    int first = 1;
    for (int k = 0; k < RL_KIND_COUNT; k++) {
        if (!(set & RL_KINDSET(k)))
            continue;
        if (!first)
            fputc(',', out);
        json_string(out, rl_kind_name(k));
        first = 0;
    }
    fputc(']', out);
}

/* A report's other side (docs/json.md): null, or {"recorded", "stacks": [{"words", "frames"}]},
 * read back from other_stack (a words line, then its "   at " frame lines). */
static void json_other(FILE *out, const struct rl_report *r)
{
    if (r->other == RL_OTHER_NONE) {
        fputs("null", out);
        return;
    }
    fprintf(out, "{\"recorded\":%s,\"stacks\":[", r->other == RL_OTHER_RECORDED ? "true" : "false");
    int stacks = 0, frames = 0;
    char line[RL_REPORT_OTHER_MAX];
    for (const char *s = r->other_stack; *s;) {
        size_t n = strcspn(s, "\n");
        snprintf(line, sizeof line, "%.*s", (int)n, s);
        s += n + (s[n] == '\n');
        if (strncmp(line, "   at ", 6) == 0) {
            if (!stacks++) /* frames before any words: a stack without them */
                fputs("{\"words\":\"\",\"frames\":[", out);
            fputs(frames++ ? "," : "", out);
            json_string(out, line + 6);
            continue;
        }
        fputs(stacks++ ? "]},{\"words\":" : "{\"words\":", out);
        json_string(out, line);
        fputs(",\"frames\":[", out);
        frames = 0;
    }
    fputs(stacks ? "]}]}" : "]}", out);
}

/* "stacks": null when none were taken, else where they came from and every thread's frames
 * innermost first, "first" the index of the innermost frame in the case or the program's own
 * source (null: none), "case_line" and "marked" what the deadlock markers see. */
static void json_stacks(FILE *out, const struct rl_session *s, const struct rl_result *res,
                        const struct rl_verdict *v)
{
    const struct rl_stacks *st = &res->stacks;
    fputs(",\"stacks\":", out);
    if (!st->source) {
        fputs("null", out);
        return;
    }
    fputs("{\"source\":", out);
    json_string(out, st->source);
    fputs(",\"error\":", out);
    if (st->error[0])
        json_string(out, st->error);
    else
        fputs("null", out);
    fprintf(out, ",\"threads_dropped\":%u,\"hang_unmet\":%u,\"hang_unmarked\":%u,\"threads\":[",
            st->dropped, v->hang_unmet, v->hang_unmarked);
    for (size_t i = 0; i < st->n; i++) {
        const struct rl_thread_stack *t = &st->v[i];
        int first = rl_stack_user_frame(t, s->c ? s->c->path : NULL);
        int line = rl_match_hang_line(s->c, t);
        fprintf(out, "%s{\"pid\":%d,\"tid\":%d,\"first\":", i ? "," : "", t->pid, t->tid);
        if (first >= 0)
            fprintf(out, "%d", first);
        else
            fputs("null", out);
        fputs(",\"case_line\":", out);
        if (line)
            fprintf(out, "%d,\"marked\":%s", line,
                    rl_case_line_marked(s->c, line, RL_KIND_DEADLOCK) ? "true" : "false");
        else
            fputs("null,\"marked\":null", out);
        fprintf(out, ",\"frames_dropped\":%u,\"frames\":[", t->more_frames);
        for (int f = 0; f < t->nframes; f++) {
            const struct rl_frame *fr = &t->frames[f];
            fputs(f ? ",{\"function\":" : "{\"function\":", out);
            json_string(out, fr->function);
            fputs(",\"file\":", out);
            json_string(out, fr->file);
            fprintf(out, ",\"line\":%d,\"inlined\":%s}", fr->line, fr->inlined ? "true" : "false");
        }
        fputs("]}", out);
    }
    fputs("]}", out);
}

static void json_strings(FILE *out, char *const *v)
{
    fputc('[', out);
    for (char *const *p = v; p && *p; p++) {
        if (p != v)
            fputc(',', out);
        json_string(out, *p);
    }
    fputc(']', out);
}

static void json_or_null(FILE *out, const char *text)
{
    if (text)
        json_string(out, text);
    else
        fputs("null", out);
}

static char *const no_strings[] = {NULL};

static void json_run(FILE *out, const struct rl_session *s, const struct rl_outcome *o)
{
    const struct rl_result *res = &o->result;
    const struct rl_verdict *v = &o->verdict;
    fprintf(out, "{\"pass\":%s,\"observed\":", v->pass ? "true" : "false");
    json_kinds(out, v->observed);
    fputs(",\"missing\":", out);
    json_kinds(out, v->missing);
    fputs(",\"extra\":", out);
    json_kinds(out, v->extra);
    fprintf(out, ",\"misplaced\":%u,\"seconds\":%.3f,\"hang_seconds\":", v->misplaced,
            res->seconds);
    if (res->harness & (RL_KINDSET(RL_KIND_DEADLOCK) | RL_KINDSET(RL_KIND_TIMEOUT)))
        fprintf(out, "%.3f", res->hang_seconds);
    else
        fputs("null", out);
    fprintf(out, ",\"exit_code\":%d,\"signal\":%d,\"isolation\":", res->exit_code,
            res->term_signal);
    json_string(out, res->isolation ? res->isolation : "unknown");
    fputs(",\"waits\":", out);
    json_string(out, res->waits);
    fputs(",\"command\":", out);
    json_or_null(out, res->command);
    fputs(",\"by_hand\":", out);
    json_or_null(out, res->by_hand);
    json_stacks(out, s, res, v);
    fprintf(out,
            ",\"reports_total\":%lu,\"reports_dropped\":%lu,\"reports_more_distinct\":%lu,"
            "\"reports\":[",
            res->reports.total, res->reports.dropped, res->reports.more_distinct);
    for (size_t i = 0; i < res->reports.n; i++) {
        const struct rl_report *r = &res->reports.v[i];
        fputs(i ? ",{\"kind\":" : "{\"kind\":", out);
        json_string(out, rl_kind_name(r->kind));
        fputs(",\"tool_kind\":", out);
        json_string(out, r->tool_kind);
        fputs(",\"headline\":", out);
        json_string(out, r->headline);
        fprintf(out, ",\"pid\":%d,\"count\":%lu,\"lines\":[", r->pid, r->count);
        for (int l = 0; l < r->nlines; l++)
            fprintf(out, "%s%d", l ? "," : "", r->lines[l]);
        fputs("],\"location\":", out);
        json_string(out, r->location);
        /* Each side's innermost frame of the program's own code (what a baseline holds). */
        fputs(",\"sides\":[", out);
        for (int k = 0; k < RL_REPORT_SIDES; k++) {
            if (k)
                fputc(',', out);
            if (r->frame[k][0])
                json_string(out, r->frame[k]);
            else
                fputs("null", out);
        }
        fputc(']', out);
        fputs(",\"placement\":", out);
        json_string(out, placement_names[v->placement ? v->placement[i] : RL_PLACE_FREE]);
        fputs(",\"excerpt\":", out);
        if (r->excerpt)
            json_string(out, r->excerpt);
        else
            fputs("null", out);
        fputs(",\"other\":", out);
        json_other(out, r);
        fputc('}', out);
    }
    fputs("]}", out);
}

static void json_settings(FILE *out, const struct rl_settings *set)
{
    fprintf(out, "{\"timeout\":%g,\"exit_status\":", set->timeout);
    if (set->exit_status == RL_EXIT_STATUS_ANY)
        fputs("\"any\"", out);
    else
        fprintf(out, "%d", set->exit_status);
    fputs(",\"cwd\":", out);
    json_or_null(out, set->cwd);
    fputs(",\"stdin\":", out);
    json_or_null(out, set->stdin_path);
    fprintf(out, ",\"output\":%s,\"tool_options\":", set->output ? "true" : "false");
    json_strings(out, set->tool_options);
    fputs(",\"suppressions\":", out);
    json_strings(out, set->suppressions);
    fputs(",\"pidfile\":", out);
    json_or_null(out, set->pidfile);
    fputs(",\"serve\":", out);
    if (set->serve) {
        char ready[300];
        rl_ready_format(&set->serve->ready, ready, sizeof ready);
        fputs("{\"ready\":", out);
        json_string(out, ready);
        fputs(",\"clients\":", out);
        json_strings(out, set->serve->clients ? set->serve->clients : no_strings);
        fprintf(out, ",\"for\":%g}", set->serve->for_seconds);
    } else {
        fputs("null", out);
    }
    fputs(",\"environment\":{", out);
    if (set->env_name && set->env_value) {
        json_string(out, set->env_name);
        fputc(':', out);
        json_string(out, set->env_value);
    }
    fputs("}}", out);
}

int rl_write_json(FILE *out, const struct rl_session *s)
{
    int passed = 0;
    for (int i = 0; i < s->nruns; i++)
        passed += s->runs[i].verdict.pass;
    fputs("{\"schema\":\"racelab-run/2\",\"test\":", out);
    json_string(out, rl_session_name(s));
    fputs(",\"tool\":", out);
    json_string(out, rl_tool_name(s->tool));
    fputs(",\"tool_version\":", out);
    json_string(out, s->tool_version);
    if (s->c) {
        fputs(",\"case\":", out);
        json_string(out, s->c->path);
        fputs(",\"concept\":", out);
        json_string(out, s->c->concept);
        fputs(",\"name\":", out);
        json_string(out, s->c->name);
        fputs(",\"variant\":", out);
        json_string(out, s->c->variant);
        fputs(",\"title\":", out);
        json_string(out, s->c->title);
    }
    fputs(",\"program\":[", out);
    for (char *const *a = s->program; *a; a++) {
        if (a != s->program)
            fputc(',', out);
        json_string(out, *a);
    }
    fputs("],\"options\":", out);
    json_settings(out, &s->set);
    fputs(",\"given_tool_options\":", out);
    json_strings(out, s->given_options ? s->given_options : no_strings);
    fputs(",\"expected\":", out);
    json_kinds(out, s->recording ? 0 : s->expected);
    fputs(",\"note\":", out);
    json_string(out, s->expect_note && !s->recording ? s->expect_note : "");
    fprintf(out, ",\"recording\":%s", s->recording ? "true" : "false");
    fputs(",\"baseline\":", out);
    if (s->baseline)
        json_string(out, s->baseline);
    else
        fputs("null", out);
    int need = s->min_pass ? s->min_pass : s->nruns;
    fprintf(out, ",\"pass\":%s,\"runs_passed\":%d,\"min_pass\":%d,\"runs\":[",
            passed >= need ? "true" : "false", passed, need);
    for (int i = 0; i < s->nruns; i++) {
        if (i)
            fputc(',', out);
        json_run(out, s, &s->runs[i]);
    }
    fputs("]}\n", out);
    return ferror(out) ? -1 : 0;
}
