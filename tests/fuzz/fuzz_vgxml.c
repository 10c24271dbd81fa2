/* libFuzzer target: the Valgrind XML reader (rl_vgxml_new, feed, end, free), fed in chunks
 * whose size comes from a hash of the input (1 byte to 64 KiB), so that text, tags and
 * multi-byte characters are split across rl_vgxml_feed calls as they are when a run's file is
 * read while it grows. The tool (Helgrind or DRD) comes from the same hash. Reports go through
 * rl_reports_add, as in a run. Seeds: the .xml files of tests/fixtures. */
#include "fuzz.h"
#include "vgxml.h"

static const size_t chunks[] = {65536, 1, 2, 3, 7, 16, 61, 512, 4096};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned h = fuzz_hash(data, size);
    enum rl_tool_id tool = (h & 1) ? RL_TOOL_DRD : RL_TOOL_HELGRIND;
    size_t chunk = chunks[(h >> 1) % (sizeof chunks / sizeof chunks[0])];
    const char *case_path = (h & 2) ? "/tmp/racelab-fixtures/race.c" : "race.c";

    struct rl_reports rs = {0};
    struct rl_vgxml *x = rl_vgxml_new(tool, case_path, fuzz_sink, &rs);
    if (!x)
        return 0;
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
    struct rl_vgxml_result res;
    rl_vgxml_end(x, &res);
    rl_vgxml_free(x);
    FUZZ_CHECK(res.malformed == malformed);
    FUZZ_CHECK(FUZZ_TERMINATED(res.error));
    FUZZ_CHECK(!res.malformed || res.error[0]);
    FUZZ_CHECK(res.errors == rs.total);
    fuzz_reports_done(&rs);
    return 0;
}
