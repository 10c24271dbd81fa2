/* See sarif.h. Written by hand, as the JSON is (output.c), and validated in the tests against
 * the SARIF 2.1.0 schema (ci/sarif-schema). */
#include "sarif.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RACELAB_VERSION
#error "build racelab with -DRACELAB_VERSION=\"x.y\" (CMakeLists.txt does)"
#endif

/* The one base the relative URIs name; originalUriBaseIds says where it was. */
#define SRCROOT "SRCROOT"

/* Collapses "//", "/./" and "/x/../" of an absolute path, in place (for a file that is gone,
 * which realpath cannot resolve). */
static void normalize(char *p)
{
    char *out = p;
    const char *in = p;
    while (*in) {
        while (*in == '/')
            in++;
        size_t n = strcspn(in, "/");
        if (n == 0)
            break;
        if (n == 1 && in[0] == '.') {
        } else if (n == 2 && in[0] == '.' && in[1] == '.') {
            while (out > p && *--out != '/') {
            }
        } else {
            *out++ = '/';
            memmove(out, in, n);
            out += n;
        }
        in += n;
    }
    if (out == p)
        *out++ = '/';
    *out = '\0';
}

/* root, or by default GITHUB_WORKSPACE (the checkout, in a GitHub job), else the working
 * directory. */
static const char *source_root(const char *root, char *buf, size_t size)
{
    const char *workspace = getenv("GITHUB_WORKSPACE");
    if (root)
        return root;
    if (workspace && workspace[0] == '/')
        return workspace;
    return getcwd(buf, size) ? buf : "/";
}

int rl_source_path(const char *path, const char *root, char *out, size_t size)
{
    char cwd[PATH_MAX], real_root[PATH_MAX], file[PATH_MAX];
    if (path[0] != '/') {
        /* Relative to the compiler's folder, which the frame does not name. */
        while (path[0] == '.' && path[1] == '/')
            path += 2;
        return snprintf(out, size, "%s", path) < (int)size ? 1 : -1;
    }
    root = source_root(root, cwd, sizeof cwd);
    if (!realpath(root, real_root) && snprintf(real_root, sizeof real_root, "%s", root) >= 0)
        normalize(real_root);
    if (!realpath(path, file)) {
        if (snprintf(file, sizeof file, "%s", path) >= (int)sizeof file)
            return -1;
        normalize(file);
    }
    size_t n = strcmp(real_root, "/") == 0 ? 0 : strlen(real_root);
    if (strncmp(file, real_root, n) == 0 && file[n] == '/')
        return snprintf(out, size, "%s", file + n + 1) < (int)size ? 1 : -1;
    return snprintf(out, size, "%s", file) < (int)size ? 0 : -1;
}

int rl_side_line(const struct rl_report *r, int side)
{
    if (!r->frame[side][0] || !r->source[side][0])
        return 0;
    const char *slash = strrchr(r->source[side], '/');
    size_t base = strlen(slash ? slash + 1 : r->source[side]);
    if (strlen(r->frame[side]) <= base || r->frame[side][base] != ':')
        return 0;
    return atoi(r->frame[side] + base + 1);
}

/* A path as a URI reference: each byte but RFC 3986's unreserved ones and '/' percent-encoded
 * (a space, a '#', a '%' or a non-ASCII byte in a file name). */
static void uri_path(FILE *out, const char *p)
{
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c))
            fputc(c, out);
        else
            fprintf(out, "%%%02X", c);
    }
}

/* A physicalLocation: relative to SRCROOT inside the source root, a file: URI outside it. */
static void physical(FILE *out, const char *source, int line, const char *root)
{
    char path[PATH_MAX];
    int rel = rl_source_path(source, root, path, sizeof path);
    fputs("{\"artifactLocation\":{\"uri\":\"", out);
    if (rel == 0)
        fputs("file://", out);
    uri_path(out, rel < 0 ? source : path);
    fputs(rel == 1 ? "\",\"uriBaseId\":\"" SRCROOT "\"}" : "\"}", out);
    fprintf(out, ",\"region\":{\"startLine\":%d}}", line);
}

static const char *const side_words[RL_REPORT_SIDES] = {
    "the access or call reported",
    "the other side: the conflicting access, or the other edge of the lock cycle",
};

/* One side's stack as a code flow: its frames in the program's own code, outermost first.
 * What a report keeps today is each side's innermost such frame (frame, source); when the
 * whole stack of a side is kept (the other side's, issue 12), its frames go before it here. */
static void code_flow(FILE *out, const struct rl_report *r, int side, const char *root)
{
    fputs("{\"message\":{\"text\":", out);
    rl_json_string(out, side_words[side]);
    fputs("},\"threadFlows\":[{\"locations\":[", out);
    fputs("{\"location\":{\"physicalLocation\":", out);
    physical(out, r->source[side], rl_side_line(r, side), root);
    fputs(",\"message\":{\"text\":", out);
    rl_json_string(out, r->frame[side]);
    fputs("}}}]}]}", out);
}

/* Reports of two runs that are one finding: the same kind and sides (in either order). */
static int same_finding(const struct rl_report *a, const struct rl_report *b)
{
    if (a->kind != b->kind)
        return 0;
    if (!a->frame[0][0] && !a->frame[1][0] && !b->frame[0][0] && !b->frame[1][0])
        return strcmp(a->headline, b->headline) == 0 && strcmp(a->location, b->location) == 0;
    return (strcmp(a->frame[0], b->frame[0]) == 0 && strcmp(a->frame[1], b->frame[1]) == 0) ||
           (strcmp(a->frame[0], b->frame[1]) == 0 && strcmp(a->frame[1], b->frame[0]) == 0);
}

/* Whether the report is one the session did not expect: of a kind not expected, or on a
 * line the case does not mark for it. */
static int unexpected(const struct rl_session *s, const struct rl_outcome *o, size_t i)
{
    const struct rl_report *r = &o->result.reports.v[i];
    if (s->baseline || s->recording)
        return !o->verdict.pass;
    return !(o->verdict.expected & RL_KINDSET(r->kind)) ||
           (o->verdict.placement && o->verdict.placement[i] == RL_PLACE_WRONG);
}

static void result(FILE *out, const struct rl_session *s, int run, size_t i, int rule,
                   const char *root)
{
    const struct rl_report *r = &s->runs[run].result.reports.v[i];
    unsigned long count = 0;
    int bad = 0, runs = 0;
    for (int k = 0; k < s->nruns; k++) {
        const struct rl_reports *rs = &s->runs[k].result.reports;
        int seen = 0;
        for (size_t j = 0; j < rs->n; j++)
            if (same_finding(r, &rs->v[j])) {
                count += rs->v[j].count;
                bad |= unexpected(s, &s->runs[k], j);
                seen = 1;
            }
        runs += seen;
    }
    fputs("{\"ruleId\":", out);
    rl_json_string(out, rl_kind_name(r->kind));
    fprintf(out, ",\"ruleIndex\":%d,\"level\":\"%s\",\"message\":{\"text\":", rule,
            bad ? "error" : "note");
    char text[1024];
    int own = strcmp(r->tool_kind, rl_tool_name(s->tool)) != 0; /* Valgrind's <kind> */
    snprintf(text, sizeof text, "%s (%s%s%s): %s%s%s%s", rl_kind_name(r->kind),
             rl_tool_name(s->tool), own ? " " : "", own ? r->tool_kind : "", r->headline,
             bad ? "" : "; the test expects it", r->frame[1][0] ? "; the other side at " : "",
             r->frame[1]);
    rl_json_string(out, text);
    fputc('}', out);
    /* The location: the first side with a frame in the program's own code. */
    int at = r->source[0][0] ? 0 : r->source[1][0] ? 1 : -1;
    if (at >= 0) {
        fputs(",\"locations\":[{\"physicalLocation\":", out);
        physical(out, r->source[at], rl_side_line(r, at), root);
        fputs("}]", out);
    }
    int flows = 0;
    for (int side = 0; side < RL_REPORT_SIDES; side++) {
        if (!r->source[side][0])
            continue;
        fputs(flows++ ? "," : ",\"codeFlows\":[", out);
        code_flow(out, r, side, root);
    }
    if (flows)
        fputc(']', out);
    /* Stable across runs and line-independent of who names which side first. */
    int swap = strcmp(r->frame[0], r->frame[1]) > 0;
    snprintf(text, sizeof text, "%s|%s|%s", rl_kind_name(r->kind), r->frame[swap], r->frame[!swap]);
    fprintf(out, ",\"occurrenceCount\":%lu,\"partialFingerprints\":{\"racelab/v1\":", count);
    rl_json_string(out, text);
    fputs("},\"properties\":{\"tool\":", out);
    rl_json_string(out, rl_tool_name(s->tool));
    fputs(",\"toolKind\":", out);
    rl_json_string(out, r->tool_kind);
    fprintf(out, ",\"runs\":%d,\"expected\":%s}}", runs, bad ? "false" : "true");
}

/* Whether run k's report i is the first of its finding in the session. */
static int first_of_finding(const struct rl_session *s, int k, size_t i)
{
    const struct rl_report *r = &s->runs[k].result.reports.v[i];
    for (int a = 0; a <= k; a++) {
        const struct rl_reports *rs = &s->runs[a].result.reports;
        for (size_t j = 0; j < (a == k ? i : rs->n); j++)
            if (same_finding(r, &rs->v[j]))
                return 0;
    }
    return 1;
}

/* The harness's own findings (a hang, a crash, an exit status) and each tool failure: as the
 * invocation's notifications, since they cite no line. */
static void notifications(FILE *out, const struct rl_session *s)
{
    int n = 0;
    fputs(",\"toolExecutionNotifications\":[", out);
    for (int k = 0; k < s->nruns; k++) {
        const struct rl_outcome *o = &s->runs[k];
        for (int kind = 0; kind < RL_KIND_COUNT; kind++) {
            if (!(o->result.harness & RL_KINDSET(kind)))
                continue;
            char text[512];
            snprintf(text, sizeof text, "run %d: %s (observed by racelab itself)%s", k + 1,
                     rl_kind_name((enum rl_kind)kind),
                     o->verdict.expected & RL_KINDSET(kind) ? ", as expected" : "");
            fputs(n++ ? ",{\"level\":" : "{\"level\":", out);
            fputs(o->verdict.expected & RL_KINDSET(kind) ? "\"note\"" : "\"error\"", out);
            fputs(",\"message\":{\"text\":", out);
            rl_json_string(out, text);
            fputs("}}", out);
        }
        if (o->verdict.missing) {
            char kinds[512], text[640];
            rl_kindset_format(o->verdict.missing, kinds, sizeof kinds);
            snprintf(text, sizeof text, "run %d: expected, not reported: %s", k + 1, kinds);
            fputs(n++ ? ",{\"level\":\"error\",\"message\":{\"text\":"
                      : "{\"level\":\"error\",\"message\":{\"text\":",
                  out);
            rl_json_string(out, text);
            fputs("}}", out);
        }
    }
    fputc(']', out);
}

int rl_write_sarif(FILE *out, const struct rl_session *s)
{
    char cwd[PATH_MAX], real_root[PATH_MAX];
    const char *root = source_root(s->set.source_root, cwd, sizeof cwd);
    if (realpath(root, real_root))
        root = real_root;
    rl_kindset kinds = 0;
    int passed = 0, tool_ok = 1;
    for (int k = 0; k < s->nruns; k++) {
        kinds |= rl_reports_kinds(&s->runs[k].result.reports);
        passed += s->runs[k].verdict.pass;
        /* An unclassified report is the tool's own failure, or a text no table knows. */
        tool_ok &= !(s->runs[k].verdict.observed & RL_KINDSET(RL_KIND_UNCLASSIFIED));
    }
    int need = s->min_pass ? s->min_pass : s->nruns;

    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"racelab\",\"version\":\"" RACELAB_VERSION
          "\",\"rules\":[",
          out);
    int index[RL_KIND_COUNT] = {0}, rules = 0;
    for (int kind = 0; kind < RL_KIND_COUNT; kind++) {
        if (!(kinds & RL_KINDSET(kind)))
            continue;
        index[kind] = rules;
        char text[256];
        snprintf(text, sizeof text, "racelab's kind %s (observed by %s)",
                 rl_kind_name((enum rl_kind)kind),
                 rl_kind_group_name(rl_kind_group((enum rl_kind)kind)));
        fputs(rules++ ? ",{\"id\":" : "{\"id\":", out);
        rl_json_string(out, rl_kind_name((enum rl_kind)kind));
        fputs(",\"shortDescription\":{\"text\":", out);
        rl_json_string(out, text);
        fputs("}}", out);
    }
    fputs("]},\"extensions\":[{\"name\":", out);
    rl_json_string(out, s->tool_version[0] ? s->tool_version : rl_tool_name(s->tool));
    fputs("}]},\"automationDetails\":{\"id\":", out);
    char id[4096 + 96];
    snprintf(id, sizeof id, "racelab/%s:%s/", rl_tool_name(s->tool), rl_session_name(s));
    rl_json_string(out, id);
    fputs("},\"originalUriBaseIds\":{\"" SRCROOT "\":{\"uri\":\"file://", out);
    uri_path(out, root);
    fputs(strcmp(root, "/") == 0 ? "\"}}" : "/\"}}", out);
    fprintf(out, ",\"invocations\":[{\"executionSuccessful\":%s", tool_ok ? "true" : "false");
    notifications(out, s);
    fprintf(out, ",\"properties\":{\"test\":");
    rl_json_string(out, rl_session_name(s));
    fprintf(out, ",\"pass\":%s,\"runs\":%d,\"runsPassed\":%d,\"minPass\":%d}}],\"results\":[",
            passed >= need ? "true" : "false", s->nruns, passed, need);
    int n = 0;
    for (int k = 0; k < s->nruns; k++) {
        const struct rl_reports *rs = &s->runs[k].result.reports;
        for (size_t i = 0; i < rs->n; i++) {
            if (!first_of_finding(s, k, i))
                continue;
            if (n++)
                fputc(',', out);
            result(out, s, k, i, index[rs->v[i].kind], root);
        }
    }
    fputs("]}]}\n", out);
    return ferror(out) ? -1 : 0;
}
