/* report/outfile.c: a failed write is reported with its own errno even when
 * it happened at an earlier flush and nothing is left to flush at the close
 * (the output a multiple of stdio's buffer, errno clobbered since), for a
 * file output and for standard output. */
#define _XOPEN_SOURCE 700
#include "report/outfile.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exactly k buffers of stdio's size, then errno cleared. */
static void fill(FILE *f, int k)
{
    static char block[BUFSIZ];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < k; i++)
        fwrite(block, 1, sizeof block, f);
    fflush(f); /* the failing write happens here, before the close */
    errno = 0;
}

static void t_file(void)
{
    rep_out o;
    char err[256];
    TAP_EQ(rep_out_open(&o, "/dev/full", 0, err, sizeof err), 0);
    fill(o.f, 3);
    TAP_CHECK(rep_out_close(&o, err, sizeof err) != 0);
    TAP_STREQ(err, "cannot write '/dev/full': No space left on device");
    rep_out_abort(&o);
}

static void t_stdout(void)
{
    int p[2];
    TAP_EQ(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int full = open("/dev/full", O_WRONLY);
        if (full < 0 || dup2(full, STDOUT_FILENO) < 0)
            _exit(2);
        rep_out_stdout_init();
        fill(stdout, 2);
        rep_out o = {.f = stdout};
        char err[256] = "";
        int rc = rep_out_close(&o, err, sizeof err);
        if (write(p[1], err, strlen(err) + 1) < 0)
            _exit(2);
        _exit(rc ? 0 : 1);
    }
    close(p[1]);
    char got[256] = "";
    ssize_t n = read(p[0], got, sizeof got - 1);
    close(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    TAP_CHECK(n > 0);
    TAP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    TAP_STREQ(got, "cannot write 'standard output': No space left on device");
}

int main(void)
{
    TAP_RUN(t_file);
    TAP_RUN(t_stdout);
    return tap_done();
}
