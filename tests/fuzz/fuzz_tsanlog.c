/* libFuzzer target: the ThreadSanitizer log parser. The bytes are read twice:
 *  - fed to rl_tsan_line line by line, as the log format means: lines end at '\n', a line
 *    keeps at most its first 4095 bytes, a NUL byte ends what the parser sees of that line
 *    (a C string), and then rl_tsan_finish;
 *  - read from a file by rl_tsan_parse_file, as racelab reads every run's tsan.<pid>.
 * Both must send the same reports in the same order, and every case line a report cites must
 * be written in the log (":<line>"). Reports go through rl_reports_add, as in a run. Seeds:
 * the .log files of tests/fixtures. */
#include "fuzz.h"
#include "tsanlog.h"

/* The sources the fixtures were captured from: frames that name them are case lines. */
static const char *const case_paths[] = {
    "/tmp/racelab-fixtures/race.c",
    "/tmp/racelab-fixtures/lockorder.c",
    "/tmp/racelab-fixtures/misuse.c",
    "/tmp/racelab-fixtures/forkrace.c",
    "/tmp/racelab-fixtures/leak.c",
    "race.c",
    NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned h = fuzz_hash(data, size);
    const char *case_path = case_paths[h % (sizeof case_paths / sizeof case_paths[0])];
    int pid = 1000 + (int)(h % 7);

    struct fuzz_trace by_line = {0};
    struct rl_tsan_parser p;
    rl_tsan_init(&p, case_path, pid, fuzz_sink, &by_line);
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

    struct fuzz_trace by_file = {0};
    char path[64];
    int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd >= 0) {
        FUZZ_CHECK(rl_tsan_parse_file(path, case_path, pid, fuzz_sink, &by_file, NULL) == 0);
        fuzz_memfile_done(fd, path);
        FUZZ_CHECK(fuzz_trace_same(&by_line, &by_file, "line by line", "rl_tsan_parse_file"));
    }
    for (size_t g = 0; g < by_line.rs.n; g++)
        for (int l = 0; l < by_line.rs.v[g].nlines; l++)
            FUZZ_CHECK(fuzz_number_after(data, size, ":", by_line.rs.v[g].lines[l]));
    fuzz_trace_done(&by_line);
    fuzz_trace_done(&by_file);
    return 0;
}
