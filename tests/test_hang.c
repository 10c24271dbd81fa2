/* hang.c's one table, row by row, on real blocked threads: a child process is made to block
 * in the call, then its thread is classified as the run's only process. Each row says who can
 * end the wait: the run itself (deadlock material), the clock, or the outside world. */
#include "hang.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static char scratch[256];   /* a folder of this test's own */
static int outside_fd = -1; /* a descriptor the parent holds: the outside world */

/* Runs block(arg) in a child; returns once the child sits in system call nr. */
static pid_t blocked_in(long nr, void (*block)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        block();
        _exit(0);
    }
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(path, "r");
        long got = -2;
        if (f) {
            if (fgets(buf, sizeof buf, f))
                got = strtol(buf, NULL, 10);
            fclose(f);
        }
        if (got == nr) {
            char st[64];
            snprintf(st, sizeof st, "/proc/%d/stat", (int)pid);
            f = fopen(st, "r");
            char state = 0;
            if (f) {
                if (fgets(buf, sizeof buf, f) && strrchr(buf, ')'))
                    sscanf(strrchr(buf, ')') + 1, " %c", &state);
                fclose(f);
            }
            if (state == 'S')
                return pid;
        }
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("the child never blocked in system call %ld", nr);
    return -1;
}

/* Classifies the child's thread, the run being just the child, and ends the child. */
static void expect(long nr, void (*block)(void), enum rl_wait_end end, const char *why)
{
    pid_t pid = blocked_in(nr, block);
    struct rl_wait w;
    int rc = rl_thread_wait(pid, pid, &pid, 1, &w);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_int_equal(rc, 0);
    if (w.end != end || (why && !strstr(w.why, why)))
        fail_msg("system call %ld: end %d (expected %d), why \"%s\" (expected \"%s\")", nr, w.end,
                 end, w.why, why ? why : "");
}

/* A pipe whose both ends this process holds, at descriptors past 20. */
static int pipe_with_writer_here(void)
{
    int p[2];
    if (pipe(p) < 0 || fcntl(p[1], F_DUPFD, 20) < 0)
        _exit(111);
    int r = fcntl(p[0], F_DUPFD, 20);
    close(p[0]);
    close(p[1]);
    return r;
}

static void read_own_pipe(void)
{
    char c;
    (void)!read(pipe_with_writer_here(), &c, 1);
}

static void read_outside_pipe(void)
{
    char c;
    (void)!read(outside_fd, &c, 1);
}

/* A shell pipeline's way: the write end at descriptor 1, still the run's own. */
static void read_pipe_at_stdout(void)
{
    int p[2];
    char c;
    if (pipe(p) < 0 || dup2(p[1], 1) < 0)
        _exit(111);
    close(p[1]);
    (void)!read(p[0], &c, 1);
}

static void readv_own_pipe(void)
{
    char c;
    struct iovec v = {&c, 1};
    (void)!readv(pipe_with_writer_here(), &v, 1);
}

static void write_full_pipe(void)
{
    int p[2];
    static char big[1 << 20];
    if (pipe(p) < 0 || fcntl(p[0], F_DUPFD, 20) < 0) /* the read end past 20, as above */
        _exit(111);
    close(p[0]);
    (void)!write(p[1], big, sizeof big);
}

static int socket_pair_end(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        _exit(111);
    return sv[0];
}

static void recvfrom_socket(void)
{
    char c;
    (void)!recvfrom(socket_pair_end(), &c, 1, 0, NULL, NULL);
}

static void recvmsg_socket(void)
{
    char c;
    struct iovec v = {&c, 1};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    (void)!recvmsg(socket_pair_end(), &m, 0);
}

static void accept_listening(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0 || bind(s, (struct sockaddr *)&any, sizeof any) < 0 || listen(s, 1) < 0)
        _exit(111);
    (void)!accept(s, NULL, NULL);
}

static void open_fifo(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/fifo", scratch);
    (void)!open(path, O_RDONLY);
}

static void do_pause(void)
{
    pause();
}

static void do_sigsuspend(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigsuspend(&none);
}

static void do_sigwait(void)
{
    sigset_t set;
    int sig;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigwait(&set, &sig);
}

static void do_sigtimedwait(void)
{
    sigset_t set;
    struct timespec ts = {30, 0};
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigtimedwait(&set, NULL, &ts);
}

static void wait_child(void)
{
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        pause();
        _exit(0);
    }
    waitpid(c, NULL, 0);
}

static void waitid_child(void)
{
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        pause();
        _exit(0);
    }
    siginfo_t info;
    waitid(P_PID, (id_t)c, &info, WEXITED);
}

static void lock_held_file(int how)
{
    char path[300];
    snprintf(path, sizeof path, "%s/lock", scratch);
    int fd = open(path, O_RDWR);
    if (how == 0) {
        flock(fd, LOCK_EX);
    } else {
        struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        fcntl(fd, F_SETLKW, &l);
    }
}

static void do_flock(void)
{
    lock_held_file(0);
}

static void do_fcntl_lock(void)
{
    lock_held_file(1);
}

static void do_nanosleep(void)
{
    struct timespec ts = {30, 0};
    syscall(SYS_nanosleep, &ts, NULL); /* glibc's nanosleep is clock_nanosleep */
}

static void do_clock_nanosleep(void)
{
    struct timespec ts = {30, 0};
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

static void futex_untimed(void)
{
    sem_t s;
    sem_init(&s, 0, 0);
    sem_wait(&s);
}

static void futex_timed(void)
{
    sem_t s;
    struct timespec at;
    sem_init(&s, 0, 0);
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += 30;
    sem_timedwait(&s, &at);
}

static void futex_with_posix_timer(void)
{
    timer_t t;
    struct sigevent ev = {.sigev_notify = SIGEV_NONE};
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0)
        _exit(111);
    futex_untimed();
}

static void poll_own_pipe(void)
{
    struct pollfd p = {pipe_with_writer_here(), POLLIN, 0};
    poll(&p, 1, -1);
}

static void poll_socket(void)
{
    struct pollfd p = {socket_pair_end(), POLLIN, 0};
    poll(&p, 1, -1);
}

static void poll_timed(void)
{
    struct pollfd p = {pipe_with_writer_here(), POLLIN, 0};
    poll(&p, 1, 30000);
}

static void poll_nothing(void)
{
    poll(NULL, 0, -1);
}

static void ppoll_own_pipe(void)
{
    struct pollfd p = {pipe_with_writer_here(), POLLIN, 0};
    ppoll(&p, 1, NULL, NULL);
}

static void select_own_pipe(void)
{
    int fd = pipe_with_writer_here();
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    syscall(SYS_select, fd + 1, &r, NULL, NULL, NULL); /* glibc's select is pselect6 */
}

static void pselect_socket(void)
{
    int fd = socket_pair_end();
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    pselect(fd + 1, &r, NULL, NULL, NULL, NULL);
}

static void pselect_timed(void)
{
    struct timespec ts = {30, 0};
    pselect(0, NULL, NULL, NULL, &ts, NULL);
}

static int epoll_on(int fd)
{
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        _exit(111);
    return ep;
}

static void epoll_wait_own_pipe(void)
{
    struct epoll_event ev;
    epoll_wait(epoll_on(pipe_with_writer_here()), &ev, 1, -1);
}

static void epoll_pwait_socket(void)
{
    struct epoll_event ev;
    epoll_pwait(epoll_on(socket_pair_end()), &ev, 1, -1, NULL);
}

static void epoll_pwait2_timed(void)
{
    struct epoll_event ev;
    struct timespec ts = {30, 0};
    syscall(SYS_epoll_pwait2, epoll_on(pipe_with_writer_here()), &ev, 1, &ts, NULL, 0);
}

static void do_semop(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    struct sembuf down = {0, -1, 0};
    syscall(SYS_semop, id, &down, 1); /* glibc's semop is semtimedop with no timeout */
}

static void do_semop_glibc(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    struct sembuf down = {0, -1, 0};
    semop(id, &down, 1);
}

static void do_semtimedop(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    struct sembuf down = {0, -1, 0};
    struct timespec ts = {30, 0};
    semtimedop(id, &down, 1, &ts);
}

static void do_msgrcv(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    long m[2]; /* the type, then the text */
    msgrcv(id, m, sizeof m[1], 0, 0);
}

static void mq_receive_from(const struct timespec *at)
{
    char name[64], msg[16];
    snprintf(name, sizeof name, "/racelab-test-hang-%d", (int)getpid());
    struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = sizeof msg};
    mqd_t q = mq_open(name, O_RDWR | O_CREAT, 0600, &attr);
    mq_unlink(name);
    /* mq_receive is mq_timedreceive with no timeout, system call 243 either way (glibc
     * declares the timeout of mq_timedreceive non-null). */
    if (at)
        mq_timedreceive(q, msg, sizeof msg, NULL, at);
    else
        mq_receive(q, msg, sizeof msg, NULL);
}

static void do_mq_receive(void)
{
    mq_receive_from(NULL);
}

static void do_mq_timedreceive(void)
{
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += 30;
    mq_receive_from(&at);
}

static void read_timerfd(int armed)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec in30 = {.it_value = {30, 0}};
    uint64_t ticks;
    if (armed)
        timerfd_settime(fd, 0, &in30, NULL);
    (void)!read(fd, &ticks, sizeof ticks);
}

static void read_armed_timerfd(void)
{
    read_timerfd(1);
}

static void read_disarmed_timerfd(void)
{
    read_timerfd(0);
}

static void read_signalfd(void)
{
    sigset_t set;
    struct signalfd_siginfo si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    (void)!read(signalfd(-1, &set, 0), &si, sizeof si);
}

static void read_eventfd(void)
{
    uint64_t v;
    (void)!read(eventfd(0, 0), &v, sizeof v);
}

/* The rows: one test each. */
static void row_read(void **s)
{
    (void)s;
    expect(SYS_read, read_own_pipe, RL_END_INSIDE, "only the run holds its write end");
    expect(SYS_read, read_outside_pipe, RL_END_OUTSIDE, "outside the run");
    expect(SYS_read, read_pipe_at_stdout, RL_END_INSIDE, "only the run holds its write end");
    expect(SYS_read, read_armed_timerfd, RL_END_ITSELF, "armed timerfd");
    expect(SYS_read, read_disarmed_timerfd, RL_END_INSIDE, "not armed");
    expect(SYS_read, read_signalfd, RL_END_OUTSIDE, "signal wait");
    expect(SYS_read, read_eventfd, RL_END_INSIDE, "eventfd");
}

static void row_readv(void **s)
{
    (void)s;
    expect(SYS_readv, readv_own_pipe, RL_END_INSIDE, "pipe");
}

static void row_write(void **s)
{
    (void)s;
    expect(SYS_write, write_full_pipe, RL_END_INSIDE, "only the run holds its read end");
}

static void row_recvfrom(void **s)
{
    (void)s;
    expect(SYS_recvfrom, recvfrom_socket, RL_END_OUTSIDE, "socket: waiting for a peer");
}

static void row_recvmsg(void **s)
{
    (void)s;
    expect(SYS_recvmsg, recvmsg_socket, RL_END_OUTSIDE, "socket");
}

static void row_accept(void **s)
{
    (void)s;
    expect(SYS_accept, accept_listening, RL_END_OUTSIDE,
           "accept on a listening socket: waiting for a client");
}

static void row_openat(void **s)
{
    (void)s;
    expect(SYS_openat, open_fifo, RL_END_OUTSIDE, "FIFO");
}

static void row_pause(void **s)
{
    (void)s;
    expect(SYS_pause, do_pause, RL_END_OUTSIDE, "an alarm may be pending");
}

static void row_rt_sigsuspend(void **s)
{
    (void)s;
    expect(SYS_rt_sigsuspend, do_sigsuspend, RL_END_OUTSIDE, "signal wait");
}

static void row_rt_sigtimedwait(void **s)
{
    (void)s;
    expect(SYS_rt_sigtimedwait, do_sigwait, RL_END_OUTSIDE, "signal wait");
    expect(SYS_rt_sigtimedwait, do_sigtimedwait, RL_END_ITSELF, "timeout");
}

static void row_wait4(void **s)
{
    (void)s;
    expect(SYS_wait4, wait_child, RL_END_INSIDE, "child");
}

static void row_waitid(void **s)
{
    (void)s;
    expect(SYS_waitid, waitid_child, RL_END_INSIDE, "child");
}

static void hold_lock_and_expect(long nr, void (*block)(void), int how)
{
    char path[300];
    snprintf(path, sizeof path, "%s/lock", scratch);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    if (how == 0) {
        assert_int_equal(flock(fd, LOCK_EX), 0);
    } else {
        struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        assert_int_equal(fcntl(fd, F_SETLK, &l), 0);
    }
    expect(nr, block, RL_END_INSIDE, "file lock");
    close(fd);
}

static void row_flock(void **s)
{
    (void)s;
    hold_lock_and_expect(SYS_flock, do_flock, 0);
}

static void row_fcntl(void **s)
{
    (void)s;
    hold_lock_and_expect(SYS_fcntl, do_fcntl_lock, 1);
}

static void row_nanosleep(void **s)
{
    (void)s;
    expect(SYS_nanosleep, do_nanosleep, RL_END_ITSELF, NULL);
}

static void row_clock_nanosleep(void **s)
{
    (void)s;
    expect(SYS_clock_nanosleep, do_clock_nanosleep, RL_END_ITSELF, NULL);
}

static void row_futex(void **s)
{
    (void)s;
    expect(SYS_futex, futex_untimed, RL_END_INSIDE, "lock, condition variable or join");
    expect(SYS_futex, futex_timed, RL_END_ITSELF, "timeout");
    expect(SYS_futex, futex_with_posix_timer, RL_END_OUTSIDE, "POSIX timer");
}

static void row_poll(void **s)
{
    (void)s;
    expect(SYS_poll, poll_own_pipe, RL_END_INSIDE, "only the run holds");
    expect(SYS_poll, poll_socket, RL_END_OUTSIDE, "socket");
    expect(SYS_poll, poll_timed, RL_END_ITSELF, "timeout");
    expect(SYS_poll, poll_nothing, RL_END_OUTSIDE, "signal wait");
}

static void row_ppoll(void **s)
{
    (void)s;
    expect(SYS_ppoll, ppoll_own_pipe, RL_END_INSIDE, "pipe");
}

static void row_select(void **s)
{
    (void)s;
    expect(SYS_select, select_own_pipe, RL_END_INSIDE, "pipe");
}

static void row_pselect6(void **s)
{
    (void)s;
    expect(SYS_pselect6, pselect_socket, RL_END_OUTSIDE, "socket");
    expect(SYS_pselect6, pselect_timed, RL_END_ITSELF, "timeout");
}

static void row_epoll_wait(void **s)
{
    (void)s;
    expect(SYS_epoll_wait, epoll_wait_own_pipe, RL_END_INSIDE, "pipe");
}

static void row_epoll_pwait(void **s)
{
    (void)s;
    expect(SYS_epoll_pwait, epoll_pwait_socket, RL_END_OUTSIDE, "socket");
}

static void row_epoll_pwait2(void **s)
{
    (void)s;
    /* Valgrind 3.19 does not know system call 441 (the selfcheck runs this under memcheck):
     * where the call does not exist, there is nothing to classify. */
    if (syscall(SYS_epoll_pwait2, -1, NULL, 0, NULL, NULL, 0) < 0 && errno == ENOSYS)
        skip();
    expect(SYS_epoll_pwait2, epoll_pwait2_timed, RL_END_ITSELF, "timeout");
}

static void row_semop(void **s)
{
    (void)s;
    expect(SYS_semop, do_semop, RL_END_OUTSIDE, "System V semaphore");
    expect(SYS_semtimedop, do_semop_glibc, RL_END_OUTSIDE, "System V semaphore");
}

static void row_semtimedop(void **s)
{
    (void)s;
    expect(SYS_semtimedop, do_semtimedop, RL_END_ITSELF, "timeout");
}

static void row_msgrcv(void **s)
{
    (void)s;
    expect(SYS_msgrcv, do_msgrcv, RL_END_OUTSIDE, "message queue");
}

static void row_mq_timedreceive(void **s)
{
    (void)s;
    expect(SYS_mq_timedreceive, do_mq_receive, RL_END_OUTSIDE, "POSIX message queue");
    expect(SYS_mq_timedreceive, do_mq_timedreceive, RL_END_ITSELF, "timeout");
}

/* The rows not made to block here (their calls rarely block on demand): the table's timeout
 * column alone. */
static void rows_timeout_column(void **s)
{
    (void)s;
    unsigned long none[6] = {0}, some[6] = {1, 1, 1, 1, 1, 1};
    unsigned long minus[6] = {0, 0, (unsigned long)-1, (unsigned long)-1, 0, 0};
    assert_false(rl_syscall_timed(SYS_mq_timedsend, none));
    assert_true(rl_syscall_timed(SYS_mq_timedsend, some));
    assert_false(rl_syscall_timed(SYS_poll, minus));
    assert_false(rl_syscall_timed(SYS_epoll_wait, minus));
    assert_true(rl_syscall_timed(SYS_epoll_pwait, some));
    assert_false(rl_syscall_timed(SYS_read, some));
    assert_false(rl_syscall_timed(SYS_accept4, some));
    assert_false(rl_syscall_timed(SYS_connect, some));
    assert_false(rl_syscall_timed(SYS_msgsnd, some));
    assert_string_equal(rl_syscall_name(SYS_epoll_pwait2), "epoll_pwait2");
    assert_string_equal(rl_syscall_name(SYS_semtimedop), "semtimedop");
    assert_null(rl_syscall_name(SYS_getpid));
}

/* A whole run: threads in waits only it could end are a deadlock; a socket makes it not one,
 * and the description says why. */
static void run_description(void **s)
{
    (void)s;
    pid_t pid = blocked_in(SYS_accept, accept_listening);
    assert_false(rl_threads_all_blocked(&pid, 1));
    char buf[2048];
    rl_threads_describe(&pid, 1, buf, sizeof buf);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_non_null(strstr(buf, "not a deadlock: "));
    assert_non_null(strstr(buf, "accept on a listening socket: waiting for a client"));
    pid = blocked_in(SYS_futex, futex_untimed);
    assert_true(rl_threads_all_blocked(&pid, 1));
    rl_threads_describe(&pid, 1, buf, sizeof buf);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_null(strstr(buf, "not a deadlock"));
}

static int setup(void **s)
{
    (void)s;
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/test_hang.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        return -1;
    char fifo[300];
    snprintf(fifo, sizeof fifo, "%s/fifo", scratch);
    int p[2];
    if (mkfifo(fifo, 0600) < 0 || pipe(p) < 0)
        return -1;
    outside_fd = p[0]; /* p[1] stays open here, outside the child's run */
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    char path[300];
    snprintf(path, sizeof path, "%s/fifo", scratch);
    unlink(path);
    snprintf(path, sizeof path, "%s/lock", scratch);
    unlink(path);
    rmdir(scratch);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(row_read),
        cmocka_unit_test(row_readv),
        cmocka_unit_test(row_write),
        cmocka_unit_test(row_recvfrom),
        cmocka_unit_test(row_recvmsg),
        cmocka_unit_test(row_accept),
        cmocka_unit_test(row_openat),
        cmocka_unit_test(row_pause),
        cmocka_unit_test(row_rt_sigsuspend),
        cmocka_unit_test(row_rt_sigtimedwait),
        cmocka_unit_test(row_wait4),
        cmocka_unit_test(row_waitid),
        cmocka_unit_test(row_flock),
        cmocka_unit_test(row_fcntl),
        cmocka_unit_test(row_nanosleep),
        cmocka_unit_test(row_clock_nanosleep),
        cmocka_unit_test(row_futex),
        cmocka_unit_test(row_poll),
        cmocka_unit_test(row_ppoll),
        cmocka_unit_test(row_select),
        cmocka_unit_test(row_pselect6),
        cmocka_unit_test(row_epoll_wait),
        cmocka_unit_test(row_epoll_pwait),
        cmocka_unit_test(row_epoll_pwait2),
        cmocka_unit_test(row_semop),
        cmocka_unit_test(row_semtimedop),
        cmocka_unit_test(row_msgrcv),
        cmocka_unit_test(row_mq_timedreceive),
        cmocka_unit_test(rows_timeout_column),
        cmocka_unit_test(run_description),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
