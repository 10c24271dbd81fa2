/* libFuzzer target: the ThreadSanitizer log parser (rl_tsan_line, rl_tsan_finish), fed line
 * by line as rl_tsan_parse_file does: lines cut at '\n', at most 4095 bytes each (the rest of
 * a longer line is dropped), a NUL byte ending the line early as it does for fgets+strlen.
 * Reports go through rl_reports_add, as in a run. Seeds: the .log files of tests/fixtures. */
#include "fuzz.h"
#include "tsanlog.h"

/* The sources the fixtures were captured from: frames that name them are case lines. */
static const char *const case_paths[] = {
    "/tmp/racelab-fixtures/race.c",      "/tmp/racelab-fixtures/lockorder.c",
    "/tmp/racelab-fixtures/misuse.c",    "/tmp/racelab-fixtures/forkrace.c",
    "/tmp/racelab-fixtures/leak.c",      "race.c",
    NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned h = fuzz_hash(data, size);
    const char *case_path = case_paths[h % (sizeof case_paths / sizeof case_paths[0])];
    struct rl_reports rs = {0};
    struct rl_tsan_parser p;
    rl_tsan_init(&p, case_path, 1000 + (int)(h % 7), fuzz_sink, &rs);

    char line[4096];
    size_t i = 0;
    while (i < size) {
        size_t end = i;
        while (end < size && data[end] != '\n')
            end++;
        size_t n = end - i < sizeof line - 1 ? end - i : sizeof line - 1;
        memcpy(line, data + i, n);
        line[n] = '\0';
        rl_tsan_line(&p, line);
        FUZZ_CHECK(p.open == 0 || p.open == 1);
        i = end + 1;
    }
    rl_tsan_finish(&p);
    FUZZ_CHECK(p.open == 0 && p.cur.excerpt == NULL);
    fuzz_reports_done(&rs);
    return 0;
}
