#define _GNU_SOURCE /* semtimedop */
/* semtimedop on a System V semaphore nobody posts, with a 2 s timeout: it ends by itself
 * with EAGAIN. Exits 0. */
#include <errno.h>
#include <sys/sem.h>
#include <time.h>

int main(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    if (id == -1)
        return 111;
    struct sembuf down = {0, -1, 0};
    struct timespec in2 = {2, 0};
    int rc = semtimedop(id, &down, 1, &in2);
    int e = errno;
    semctl(id, 0, IPC_RMID);
    return rc == -1 && e == EAGAIN ? 0 : 1;
}
