/* Exits 0 when its stdin starts with "ping", 4 otherwise (/dev/null gives 4). */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char buf[16] = "";
    if (!fgets(buf, sizeof buf, stdin))
        return 4;
    printf("reads_stdin: got %s", buf);
    return strncmp(buf, "ping", 4) == 0 ? 0 : 4;
}
