/* Reads the file its argument names (a relative path works only from the right working
 * directory) and exits 0 when it holds "hello", 3 otherwise; prints what it found. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    char buf[64] = "";
    FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
    if (!f) {
        fprintf(stderr, "reads_file: cannot open %s\n", argc > 1 ? argv[1] : "(no argument)");
        return 3;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    printf("reads_file: read '%s'\n", buf);
    return strncmp(buf, "hello", 5) == 0 ? 0 : 3;
}
