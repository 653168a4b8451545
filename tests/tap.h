/*
 * tests/tap.h — the in-tree test harness.
 *
 * Each test binary defines test functions and calls them through TAP_RUN();
 * each prints "ok N - name" or "not ok N - name" (TAP), and tap_done()
 * prints the plan and returns the exit status (non-zero if anything failed
 * or no test ran). Checks are always on and print the expression, both
 * operands and file:line; a failed check marks the current test failed and
 * continues (so one run shows every failure).
 *
 *   TAP_CHECK(cond)
 *   TAP_EQ(a, b)        integers (signed or unsigned, printed as such)
 *   TAP_NEAR(a, b, tol) doubles, |a-b| <= tol
 *   TAP_LE(a, b), TAP_LT(a, b)  a <= b, a < b, compared (and printed) as doubles
 *   TAP_STREQ(a, b)     C strings
 *   TAP_CONTAINS(s, sub)
 *
 * tap_exit_status(fn) runs fn in a child process with stderr silenced and
 * returns its exit status (0 if fn returns), -1 if it did not exit
 * normally, -2 if the child could not be run: for checks that a misuse is
 * fatal (TAP_EQ(tap_exit_status(fn), HV_EXIT_CHECK)).
 */
#ifndef HV_TESTS_TAP_H
#define HV_TESTS_TAP_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_n_, tap_failed_tests_, tap_cur_failed_;

static inline void tap_fail_(const char *file, int line, const char *what)
{
    tap_cur_failed_ = 1;
    printf("#   %s:%d: %s\n", file, line, what);
}

#define TAP_CHECK(cond)                                                     \
    do {                                                                    \
        if (!(cond))                                                        \
            tap_fail_(__FILE__, __LINE__, "check failed: " #cond);          \
    } while (0)

#define TAP_EQ(a, b)                                                        \
    do {                                                                    \
        /* Each operand is evaluated exactly once. */                       \
        unsigned long long tap_ua_ = (unsigned long long)(a),               \
                           tap_ub_ = (unsigned long long)(b);               \
        long long tap_sa_ = (long long)tap_ua_, tap_sb_ = (long long)tap_ub_; \
        if (tap_ua_ != tap_ub_) {                                           \
            char tap_m_[512];                                               \
            snprintf(tap_m_, sizeof tap_m_,                                 \
                     "expected %s == %s: %lld (0x%llx) vs %lld (0x%llx)",   \
                     #a, #b, tap_sa_, tap_ua_, tap_sb_, tap_ub_);           \
            tap_fail_(__FILE__, __LINE__, tap_m_);                          \
        }                                                                   \
    } while (0)

#define TAP_NEAR(a, b, tol)                                                 \
    do {                                                                    \
        double tap_a_ = (double)(a), tap_b_ = (double)(b);                  \
        if (!(fabs(tap_a_ - tap_b_) <= (double)(tol))) {                    \
            char tap_m_[512];                                               \
            snprintf(tap_m_, sizeof tap_m_,                                 \
                     "expected %s ~= %s within %g: %.9g vs %.9g", #a, #b,   \
                     (double)(tol), tap_a_, tap_b_);                        \
            tap_fail_(__FILE__, __LINE__, tap_m_);                          \
        }                                                                   \
    } while (0)

#define TAP_CMP_(a, op, b)                                                  \
    do {                                                                    \
        double tap_a_ = (double)(a), tap_b_ = (double)(b);                  \
        if (!(tap_a_ op tap_b_)) {                                          \
            char tap_m_[512];                                               \
            snprintf(tap_m_, sizeof tap_m_, "expected %s " #op " %s: %.9g vs %.9g", \
                     #a, #b, tap_a_, tap_b_);                               \
            tap_fail_(__FILE__, __LINE__, tap_m_);                          \
        }                                                                   \
    } while (0)
#define TAP_LE(a, b) TAP_CMP_(a, <=, b)
#define TAP_LT(a, b) TAP_CMP_(a, <, b)

#define TAP_STREQ(a, b)                                                     \
    do {                                                                    \
        const char *tap_a_ = (a), *tap_b_ = (b);                            \
        if (!tap_a_ || !tap_b_ || strcmp(tap_a_, tap_b_) != 0) {            \
            char tap_m_[1024];                                              \
            snprintf(tap_m_, sizeof tap_m_,                                 \
                     "expected %s == %s: \"%s\" vs \"%s\"", #a, #b,         \
                     tap_a_ ? tap_a_ : "(null)", tap_b_ ? tap_b_ : "(null)"); \
            tap_fail_(__FILE__, __LINE__, tap_m_);                          \
        }                                                                   \
    } while (0)

#define TAP_CONTAINS(s, sub)                                                \
    do {                                                                    \
        const char *tap_s_ = (s), *tap_u_ = (sub);                          \
        if (!tap_s_ || !strstr(tap_s_, tap_u_)) {                           \
            char tap_m_[1024];                                              \
            snprintf(tap_m_, sizeof tap_m_,                                 \
                     "expected %s to contain \"%s\": \"%.600s\"", #s,       \
                     tap_u_, tap_s_ ? tap_s_ : "(null)");                   \
            tap_fail_(__FILE__, __LINE__, tap_m_);                          \
        }                                                                   \
    } while (0)

#define TAP_RUN(fn)                                                         \
    do {                                                                    \
        tap_cur_failed_ = 0;                                                \
        fn();                                                               \
        tap_n_++;                                                           \
        if (tap_cur_failed_)                                                \
            tap_failed_tests_++;                                            \
        printf("%sok %d - %s\n", tap_cur_failed_ ? "not " : "", tap_n_, #fn); \
        fflush(stdout);                                                     \
    } while (0)

static inline int tap_exit_status(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(99);
        fn();
        _exit(0);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -2;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n_);
    if (tap_n_ == 0) {
        printf("# no test ran\n");
        return 1;
    }
    printf("# %d passed, %d failed\n", tap_n_ - tap_failed_tests_, tap_failed_tests_);
    return tap_failed_tests_ ? 1 : 0;
}

#endif
