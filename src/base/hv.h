/*
 * base/hv.h — what every room shares: fatal checks, the hvwake error table.
 *
 * Three error domains, never mixed (docs/architecture.md):
 *   - guest-visible results are PAPR H_* codes (xics/, kvm/);
 *   - hvwake API errors are the negative HV_E* codes below, one X-macro table
 *     giving the enum, the name and the message;
 *   - a broken invariant is fatal: HV_CHECK*() / hv_die() print file:line, the
 *     expression and both operands, then exit with status 1 (HV_EXIT_CHECK).
 *
 * Checks never compile out. HV_CHECKS (a compile definition, 0 or 1) only
 * decides whether the *per-event* invariant hooks run; HV_CHECK() itself is
 * always evaluated.
 *
 * Exit codes of the hvwake program: 0 success, 1 the model failed a check,
 * 2 bad input, 3 an output could not be written or a worker was lost (disk
 * full, file-size limit, permissions, a worker of sweep or compare killed by a signal).
 *
 * hv_source() is the source revision the binary was built from (`git
 * describe --always --dirty --tags` at build time, "unknown" outside git);
 * every results header carries it next to HV_VERSION.
 */
#ifndef HV_BASE_HV_H
#define HV_BASE_HV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#ifndef HV_CHECKS
#define HV_CHECKS 1
#endif

enum { HV_EXIT_OK = 0, HV_EXIT_CHECK = 1, HV_EXIT_USAGE = 2, HV_EXIT_IO = 3 };

const char *hv_source(void);

/* X(enum, value, name, message) */
#define HV_ERRORS(X)                                                        \
    X(HV_OK, 0, "OK", "success")                                            \
    X(HV_EINVAL, -1, "EINVAL", "invalid argument")                          \
    X(HV_ENOMEM, -2, "ENOMEM", "out of memory")                             \
    X(HV_ERANGE, -3, "ERANGE", "value out of range")                        \
    X(HV_ENOENT, -4, "ENOENT", "no such entry")                             \
    X(HV_EEXIST, -5, "EEXIST", "entry already exists")                      \
    X(HV_EIO, -6, "EIO", "input/output error")                              \
    X(HV_EPARSE, -7, "EPARSE", "parse error")                               \
    X(HV_EBUSY, -8, "EBUSY", "resource busy")                               \
    X(HV_ECHECK, -9, "ECHECK", "a model check failed")

typedef enum {
#define HV_ERR_ENUM(e, v, n, m) e = v,
    HV_ERRORS(HV_ERR_ENUM)
#undef HV_ERR_ENUM
} hv_err;

const char *hv_err_name(int err);
const char *hv_err_msg(int err);

/* Print "file:line: <message>" on stderr and exit(HV_EXIT_CHECK). */
noreturn void hv_die(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define HV_DIE(...) hv_die(__FILE__, __LINE__, __VA_ARGS__)

/* Allocation that dies on failure (hvwake never runs on a half-built model). */
void *hv_xmalloc(size_t n);
void *hv_xcalloc(size_t n, size_t size);
void *hv_xrealloc(void *p, size_t n);
char *hv_xstrdup(const char *s);

/* Always-on checks: print the expression, both operands and file:line. */
#define HV_CHECK(cond)                                                      \
    do {                                                                    \
        if (!(cond))                                                        \
            hv_die(__FILE__, __LINE__, "check failed: %s", #cond);          \
    } while (0)
#define HV_CHECK_OP_(a, op, b, T, fmt)                                      \
    do {                                                                    \
        T hv_a_ = (T)(a), hv_b_ = (T)(b);                                   \
        if (!(hv_a_ op hv_b_))                                              \
            hv_die(__FILE__, __LINE__, "check failed: %s %s %s (" fmt       \
                   " vs " fmt ")", #a, #op, #b, hv_a_, hv_b_);              \
    } while (0)
#define HV_CHECK_U64(a, op, b) HV_CHECK_OP_(a, op, b, unsigned long long, "%llu")
#define HV_CHECK_I64(a, op, b) HV_CHECK_OP_(a, op, b, long long, "%lld")

#define HV_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
