/* The floor of ci/flood: expat alone on a Valgrind XML file, read as racelab reads one
 * (64 KiB at a time, an element handler and a text handler set, doing nothing). What a
 * reader built on expat adds to this is its own cost.
 * Usage: expat_floor FILE   (exits 1 when expat finds the file malformed) */
#include <expat.h>
#include <stdio.h>

static void on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    (void)data, (void)name, (void)attrs;
}

static void on_end(void *data, const XML_Char *name)
{
    (void)data, (void)name;
}

static void on_text(void *data, const XML_Char *s, int len)
{
    (void)data, (void)s, (void)len;
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: expat_floor FILE (a readable file)\n");
        return 2;
    }
    XML_Parser parser = XML_ParserCreate("UTF-8");
    if (!parser)
        return 2;
    XML_SetElementHandler(parser, on_start, on_end);
    XML_SetCharacterDataHandler(parser, on_text);
    static char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (XML_Parse(parser, buf, (int)n, 0) == XML_STATUS_ERROR) {
            fprintf(stderr, "expat_floor: %s: line %lu: %s\n", argv[1],
                    (unsigned long)XML_GetCurrentLineNumber(parser),
                    XML_ErrorString(XML_GetErrorCode(parser)));
            return 1;
        }
    XML_ParserFree(parser);
    fclose(f);
    return 0;
}
