/* The server example's client: connects to 127.0.0.1:PORT (default: $RACELAB_PORT, which
 * racelab sets to the port it found the server listening on) COUNT times (default 3), sends
 * a line, and checks the answer. Exits 0 when every answer was "hits N". */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int ask(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("client: connect");
        return -1;
    }
    char reply[64] = "";
    ssize_t got = 0;
    if (write(fd, "hello\n", 6) != 6 || (got = read(fd, reply, sizeof reply - 1)) <= 0) {
        perror("client: no answer");
        close(fd);
        return -1;
    }
    close(fd);
    reply[got] = '\0';
    if (strncmp(reply, "hits ", 5) != 0) {
        fprintf(stderr, "client: unexpected answer '%s'\n", reply);
        return -1;
    }
    printf("%s", reply);
    return 0;
}

int main(int argc, char **argv)
{
    const char *port = argc > 1 ? argv[1] : getenv("RACELAB_PORT");
    int times = argc > 2 ? atoi(argv[2]) : 3;
    if (!port || atoi(port) <= 0 || atoi(port) > 65535) {
        fprintf(stderr, "usage: client PORT [COUNT] (or RACELAB_PORT in the environment)\n");
        return 2;
    }
    for (int i = 0; i < times; i++)
        if (ask(atoi(port)) < 0)
            return 1;
    return 0;
}
