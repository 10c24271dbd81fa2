/* See junit.h. The XML is written by hand: a fixed, small shape, checked against a real XML
 * parser in the tests. */
#include "junit.h"

#include <stdlib.h>
#include <string.h>

/* Writes s as XML 1.0 character data (attr: inside a quoted attribute, where a newline must
 * be a reference to survive). A byte XML cannot carry (a control other than tab and newline,
 * one that begins no valid UTF-8 character, U+FFFE and U+FFFF) is written as the text \xNN
 * or \uNNNN, as racelab's own text shows them; so is a backslash (\\) of a raw text, which
 * racelab's own text has escaped already. */
static void xml_text(FILE *out, const char *s, int attr, int raw)
{
    size_t left = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    while (left) {
        unsigned cp;
        size_t len = rl_utf8_char(p, left, &cp);
        if (len == 0 || (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f)
            fprintf(out, "\\x%02x", p[0]);
        else if (cp == 0xfffe || cp == 0xffff || (cp >= 0x80 && cp <= 0x9f))
            fprintf(out, "\\u%04x", cp);
        else if (cp == '\\' && raw)
            fputs("\\\\", out);
        else if (cp == '&')
            fputs("&amp;", out);
        else if (cp == '<')
            fputs("&lt;", out);
        else if (cp == '>')
            fputs("&gt;", out);
        else if (cp == '"' && attr)
            fputs("&quot;", out);
        else if ((cp == '\n' || cp == '\t') && attr)
            fprintf(out, "&#%u;", cp);
        else
            fwrite(p, 1, len, out);
        len = len ? len : 1;
        p += len;
        left -= len;
    }
}

/* The first line of racelab's account: why the run failed, in a few words. */
static void failure_message(const struct rl_outcome *o, char *buf, size_t size)
{
    char expected[512], observed[512];
    rl_kindset_format(o->verdict.expected, expected, sizeof expected);
    rl_kindset_format(o->verdict.observed, observed, sizeof observed);
    int n = snprintf(buf, size, "expected %s, observed %s", expected, observed);
    if (o->verdict.misplaced && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "; %u report(s) on a line not marked for their kind",
                 o->verdict.misplaced);
}

int rl_write_junit(FILE *out, const struct rl_session *s)
{
    int passed = 0;
    double seconds = 0;
    for (int i = 0; i < s->nruns; i++) {
        passed += s->runs[i].verdict.pass;
        seconds += s->runs[i].result.seconds;
    }
    int need = s->min_pass ? s->min_pass : s->nruns;
    /* With --min-pass, a failed run the session can afford is skipped, not failed: the CI
     * system then agrees with racelab's exit status. */
    int afford = passed >= need, failures = afford ? 0 : s->nruns - passed;
    int skipped = afford ? s->nruns - passed : 0;
    char name[4096 + 96];
    snprintf(name, sizeof name, "%s:%s", rl_tool_name(s->tool), rl_session_name(s));
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"racelab\"", out);
    fprintf(out, " tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n",
            s->nruns, failures, skipped, seconds);
    fputs("  <testsuite name=\"", out);
    xml_text(out, name, 1, 1);
    fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n",
            s->nruns, failures, skipped, seconds);
    fputs("    <properties>\n      <property name=\"tool_version\" value=\"", out);
    xml_text(out, s->tool_version, 1, 1);
    fputs("\"/>\n    </properties>\n", out);
    for (int i = 0; i < s->nruns; i++) {
        const struct rl_outcome *o = &s->runs[i];
        char *account = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&account, &len);
        if (!m)
            return -1;
        rl_print_run(m, s, o, 0);
        if (fclose(m) != 0) {
            free(account);
            return -1;
        }
        fputs("    <testcase name=\"", out);
        xml_text(out, name, 1, 1);
        if (s->nruns > 1)
            fprintf(out, " (run %d of %d)", i + 1, s->nruns);
        fprintf(out, "\" classname=\"racelab.%s\" time=\"%.3f\">\n", rl_tool_name(s->tool),
                o->result.seconds);
        if (!o->verdict.pass) {
            char msg[1280];
            failure_message(o, msg, sizeof msg);
            if (afford)
                fprintf(out, "      <skipped message=\"--min-pass %d: %d of %d runs passed; ", need,
                        passed, s->nruns);
            else
                fputs("      <failure type=\"racelab\" message=\"", out);
            xml_text(out, msg, 1, 0);
            fputs(afford ? "\"/>\n" : "\">", out);
            if (!afford) {
                xml_text(out, account, 0, 0);
                fputs("</failure>\n", out);
            }
        }
        if (o->verdict.pass || afford) { /* (a failure carries it already) */
            fputs("      <system-out>", out);
            xml_text(out, account, 0, 0);
            fputs("</system-out>\n", out);
        }
        fputs("    </testcase>\n", out);
        free(account);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
