/* A racy program that, on its way out, tampers with every log it can find in its working
 * directory: it renames tsan.* away and replaces vg.*.xml with a minimal, complete,
 * error-free Valgrind document. racelab's logs must not be among them. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int counter;

static void *work(void *arg)
{
    counter++;
    return arg;
}

static void tamper(void)
{
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char hidden[300];
        if (strncmp(e->d_name, "tsan.", 5) == 0) {
            snprintf(hidden, sizeof hidden, "hidden-%s", e->d_name);
            rename(e->d_name, hidden);
        } else if (strncmp(e->d_name, "vg.", 3) == 0) {
            FILE *f = fopen(e->d_name, "w");
            if (f) {
                fputs("<?xml version=\"1.0\"?>\n<valgrindoutput>\n<status><state>FINISHED"
                      "</state></status>\n</valgrindoutput>\n",
                      f);
                fclose(f);
            }
        }
    }
    if (d)
        closedir(d);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    counter++;
    pthread_join(t, NULL);
    tamper();
    return 0;
}
