/* libFuzzer target: the Valgrind XML reader (rl_vgxml_new, feed, end, free). The bytes are
 * read three ways, which must send the same reports in the same order and agree on the result:
 *  - fed whole, in one rl_vgxml_feed;
 *  - fed in chunks whose size comes from a hash of the input (1 byte to 4 KiB), so that
 *    text, tags and multi-byte characters are split across calls as they are when a run's
 *    file is read while it grows;
 *  - read from a file by rl_vgxml_parse_file, as racelab reads every run's vg.<pid>.xml.
 * The tool (Helgrind or DRD) comes from the same hash. When the input has no references,
 * CDATA, comments or processing instructions, every case line a report cites must be
 * written in it ("<line>N"). Reports go
 * through rl_reports_add, as in a run. Seeds: the .xml files of tests/fixtures. */
#include "fuzz.h"
#include "vgxml.h"

static const size_t chunks[] = {1, 2, 3, 7, 16, 61, 512, 4096};

static void feed(const uint8_t *data, size_t size, size_t chunk, enum rl_tool_id tool,
                 const char *case_path, struct fuzz_trace *t, struct rl_vgxml_result *res)
{
    struct rl_vgxml *x = rl_vgxml_new(tool, case_path, fuzz_sink, t);
    FUZZ_CHECK(x != NULL);
    int malformed = 0;
    for (size_t i = 0; i < size; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        int rc = rl_vgxml_feed(x, (const char *)data + i, n);
        FUZZ_CHECK(rc == 0 || rc == -1);
        if (rc < 0)
            malformed = 1;
        else
            FUZZ_CHECK(!malformed); /* once malformed, always malformed */
    }
    rl_vgxml_end(x, res);
    rl_vgxml_free(x);
    /* A feed that failed stays failed; an expat that defers a token cut by a chunk's end
     * (2.6, Debian 12's 2.5.0 from deb12u2 on) may find the document malformed only when
     * rl_vgxml_end reads what it deferred, and then so does every way of feeding it. */
    FUZZ_CHECK(res->malformed == malformed || (!malformed && res->malformed));
    FUZZ_CHECK(FUZZ_TERMINATED(res->error) && FUZZ_TERMINATED(res->version));
    FUZZ_CHECK(!res->version[0] || strncmp(res->version, "valgrind-", 9) == 0);
    FUZZ_CHECK(!res->malformed || res->error[0]);
    FUZZ_CHECK(res->errors == t->rs.total);
}

static void same_result(const struct rl_vgxml_result *a, const struct rl_vgxml_result *b)
{
    FUZZ_CHECK(a->pid == b->pid);
    FUZZ_CHECK(a->finished == b->finished);
    FUZZ_CHECK(a->complete == b->complete);
    FUZZ_CHECK(a->malformed == b->malformed);
    FUZZ_CHECK(a->errors == b->errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned h = fuzz_hash(data, size);
    enum rl_tool_id tool = (h & 1) ? RL_TOOL_DRD : RL_TOOL_HELGRIND;
    size_t chunk = chunks[(h >> 1) % (sizeof chunks / sizeof chunks[0])];
    const char *case_path = (h & 16) ? "/tmp/racelab-fixtures/race.c" : "race.c";

    struct fuzz_trace whole = {0}, chunked = {0}, by_file = {0};
    struct rl_vgxml_result rw, rc, rf;
    feed(data, size, size ? size : 1, tool, case_path, &whole, &rw);
    feed(data, size, chunk, tool, case_path, &chunked, &rc);
    same_result(&rw, &rc);
    FUZZ_CHECK(fuzz_trace_same(&whole, &chunked, "fed whole", "fed in chunks"));

    /* (References, CDATA, comments and processing instructions can spell a number otherwise.) */
    if (!memchr(data, '&', size) && !memmem(data, size, "<!", 2) &&
        !(size > 1 && memmem(data + 1, size - 1, "<?", 2)))
        for (size_t g = 0; g < whole.rs.n; g++)
            for (int l = 0; l < whole.rs.v[g].nlines; l++)
                FUZZ_CHECK(fuzz_number_after(data, size, "<line>", whole.rs.v[g].lines[l]));

    char path[64];
    int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd >= 0) {
        FUZZ_CHECK(rl_vgxml_parse_file(path, tool, case_path, fuzz_sink, &by_file, &rf) == 0);
        fuzz_memfile_done(fd, path);
        same_result(&rw, &rf);
        FUZZ_CHECK(fuzz_trace_same(&whole, &by_file, "fed whole", "rl_vgxml_parse_file"));
    }
    fuzz_trace_done(&whole);
    fuzz_trace_done(&chunked);
    fuzz_trace_done(&by_file);
    return 0;
}
