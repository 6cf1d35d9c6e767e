/* Minimal TAP producer shared by the native unit tests and the Windows test clients.
 * prove reads the output, so CI sees real pass/fail counts. Header-only on purpose: every test
 * program is one translation unit plus what it tests. */
#ifndef NAPAGENT_TESTS_TAP_H
#define NAPAGENT_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count;
static int tap_failed;

static inline void tap_vline(int pass, const char *file, int line, const char *fmt, va_list ap)
{
    va_list ap2;

    va_copy(ap2, ap);
    ++tap_count;
    if (!pass)
        ++tap_failed;
    printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
    vprintf(fmt, ap);
    printf("\n");
    if (!pass)
    {
        printf("#   failed at %s:%d\n", file, line);
        /* prove shows stderr even when it is not verbose: a rare failure in CI keeps its message. */
        fprintf(stderr, "# failed: %d - ", tap_count);
        vfprintf(stderr, fmt, ap2);
        fprintf(stderr, " (%s:%d)\n", file, line);
    }
    va_end(ap2);
    fflush(stdout);
}

static inline int tap_ok_at(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vline(pass, file, line, fmt, ap);
    va_end(ap);
    return pass;
}

/* ok(cond, "what was expected, got %#lx", value): the message says what came back. */
#define ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline void tap_vdiag(FILE *out, const char *fmt, va_list ap)
{
    fprintf(out, "# ");
    vfprintf(out, fmt, ap);
    fprintf(out, "\n");
    fflush(out);
}

static inline void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vdiag(stdout, fmt, ap);
    va_end(ap);
}

/* A diag that a later failure will need: written to stderr too, which prove always shows. */
static inline void diag_stderr(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vdiag(stdout, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    tap_vdiag(stderr, fmt, ap);
    va_end(ap);
}

/* Ends the plan; the exit code is non-zero when anything failed. */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

/* For a test that cannot continue: TAP's bail-out stops prove with a clear reason. */
static inline void tap_bail(const char *why)
{
    printf("Bail out! %s\n", why);
    fflush(stdout);
    exit(2);
}

#endif
