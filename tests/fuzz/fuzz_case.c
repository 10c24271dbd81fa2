/* libFuzzer target: the case-header and marker parser (rl_case_parse), on the bytes of a case
 * file. The case's path is made from the input's own "concept:" value, so inputs get past the
 * folder check and reach the expectations and markers. A parsed case is then asked which
 * expectation applies to a few real tool versions, with no tool option and with one
 * (rl_case_expect_for). An input that starts with '(' is instead a qualifier (a version, tool
 * options, or both), a newline and a tool version string (rl_qualifier_parse,
 * rl_qualifier_matches). Seeds: every file under cases/. */
#include "case.h"
#include "fuzz.h"

#include <ctype.h>

/* "cases/<concept>/fuzzed.c" with the first "concept:" value of the input (letters only). */
static void path_for(const uint8_t *data, size_t size, char *path, size_t psize)
{
    char concept[32] = "race";
    static const char key[] = "concept:";
    for (size_t i = 0; i + sizeof key - 1 <= size; i++) {
        if (memcmp(data + i, key, sizeof key - 1) != 0)
            continue;
        size_t j = i + sizeof key - 1, n = 0;
        while (j < size && data[j] == ' ')
            j++;
        while (j < size && n < sizeof concept - 1 && islower(data[j]))
        concept[n++] = (char)data[j++];
        concept[n] = '\0';
        break;
    }
    snprintf(path, psize, "cases/%s/fuzzed.c", concept);
}

/* Tool versions as racelab's probes write them. */
static const char *const versions[] = {
    "ThreadSanitizer (gcc 12.2.0)",
    "ThreadSanitizer (clang 14.0.6)",
    "ThreadSanitizer (clang 19.1.7)",
    "ThreadSanitizer (unknown compiler)",
    "valgrind-3.19.0",
    "valgrind-3.22.0",
    "",
    NULL,
};

static void qualifier(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    char *version = strchr(text, '\n');
    if (version)
        *version++ = '\0';
    struct rl_qualifier q;
    if (rl_qualifier_parse(text, &q) == 0) {
        FUZZ_CHECK(FUZZ_TERMINATED(q.name) && FUZZ_TERMINATED(q.op));
        /* A version, or options (one word each, none twice), or both. */
        FUZZ_CHECK(q.name[0] || q.noptions > 0);
        FUZZ_CHECK(!q.name[0] || strcmp(q.name, "gcc") == 0 || strcmp(q.name, "clang") == 0 ||
                   strcmp(q.name, "valgrind") == 0 || strcmp(q.name, "glibc") == 0);
        FUZZ_CHECK(q.noptions >= 0 && q.noptions <= RL_QUALIFIER_MAX_OPTIONS);
        for (int o = 0; o < q.noptions; o++) {
            FUZZ_CHECK(FUZZ_TERMINATED(q.options[o]) && q.options[o][0] &&
                       !strpbrk(q.options[o], " \t,)"));
            for (int p = 0; p < o; p++)
                FUZZ_CHECK(strcmp(q.options[o], q.options[p]) != 0);
        }
        (void)rl_qualifier_matches_libc(&q, version, version);
        int m = rl_qualifier_matches(&q, version);
        FUZZ_CHECK(m == 0 || m == 1);
        for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
            (void)rl_qualifier_matches(&q, versions[i]);
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && data[0] == '(') {
        qualifier(data, size);
        return 0;
    }
    char path[64];
    path_for(data, size, path, sizeof path);
    /* A heap copy of exactly size bytes, not terminated: what rl_case_load hands over. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);

    struct rl_case c;
    char err[1024];
    int rc = rl_case_parse(path, text, size, &c, err, sizeof err);
    free(text);
    FUZZ_CHECK(FUZZ_TERMINATED(err));
    if (rc != 0) {
        FUZZ_CHECK(rc == -1);
        FUZZ_CHECK(err[0] != '\0');
        /* Callers (caselint, racelab) free nothing after an error: nothing may be left. */
        FUZZ_CHECK(c.markers == NULL && c.nmarkers == 0);
        return 0;
    }
    /* What a successful parse promises the rest of racelab. */
    FUZZ_CHECK(FUZZ_TERMINATED(c.concept) && FUZZ_TERMINATED(c.variant));
    FUZZ_CHECK(FUZZ_TERMINATED(c.title) && FUZZ_TERMINATED(c.lesson) && FUZZ_TERMINATED(c.twin));
    FUZZ_CHECK(strcmp(c.variant, "correct") == 0 || strcmp(c.variant, "broken") == 0);
    FUZZ_CHECK(c.title[0] && c.lesson[0]);
    FUZZ_CHECK(c.timeout >= 1 && c.timeout <= 3600);
    rl_kindset expected = 0;
    for (int t = 0; t < RL_TOOL_COUNT; t++) {
        FUZZ_CHECK(FUZZ_TERMINATED(c.expect[t].note));
        FUZZ_CHECK((c.expect[t].kinds & ~rl_tool_kinds((enum rl_tool_id)t)) == 0);
        FUZZ_CHECK(!(c.expect[t].kinds & RL_KINDSET(RL_KIND_UNCLASSIFIED)));
        if (t != RL_TOOL_DAEMON)
            FUZZ_CHECK(rl_case_has_tool(&c, (enum rl_tool_id)t));
        expected |= c.expect[t].kinds;
    }
    FUZZ_CHECK(c.nqualified >= 0 && c.nqualified <= RL_CASE_MAX_QUALIFIED);
    for (int i = 0; i < c.nqualified; i++) {
        int t = c.qualified_tool[i];
        FUZZ_CHECK(t >= 0 && t < RL_TOOL_COUNT && rl_case_has_tool(&c, (enum rl_tool_id)t));
        FUZZ_CHECK((c.qualified[i].kinds & ~rl_tool_kinds((enum rl_tool_id)t)) == 0);
        const struct rl_qualifier *q = &c.qualified[i].when;
        FUZZ_CHECK(q->name[0] != '\0' || q->noptions > 0);
        FUZZ_CHECK(q->noptions >= 0 && q->noptions <= RL_QUALIFIER_MAX_OPTIONS);
        for (int o = 0; o < q->noptions; o++)
            FUZZ_CHECK(FUZZ_TERMINATED(q->options[o]) &&
                       !rl_qualifier_option_form((enum rl_tool_id)t, q->options[o]));
        expected |= c.qualified[i].kinds;
    }
    /* With no option given, or one: an expectation of this tool that names at most it. */
    char *const none[] = {NULL}, *const stack[] = {"--check-stack-var=yes", NULL};
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++)
            for (int given = 0; given < 2; given++) {
                const struct rl_expect *e =
                    rl_case_expect_for(&c, (enum rl_tool_id)t, versions[v], given ? stack : none);
                int ok = e == &c.expect[t];
                for (int i = 0; i < c.nqualified && !ok; i++)
                    ok = e == &c.qualified[i] && c.qualified_tool[i] == t &&
                         e->when.noptions <= given;
                FUZZ_CHECK(ok);
            }
    FUZZ_CHECK((rl_case_marked_kinds(&c) & ~expected) == 0);
    for (size_t m = 0; m < c.nmarkers; m++) {
        FUZZ_CHECK(c.markers[m].line > 0);
        FUZZ_CHECK(rl_case_line_marked(&c, c.markers[m].line, c.markers[m].kind));
        FUZZ_CHECK(FUZZ_TERMINATED(c.markers[m].note));
    }
    rl_case_free(&c);
    FUZZ_CHECK(c.markers == NULL && c.nmarkers == 0);
    return 0;
}
