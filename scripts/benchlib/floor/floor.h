/* Shared by the C floor programs of scripts/bench: the timing loop and its output protocol.
 *
 * A floor program measures one operation the way the least a C program can do it: the same
 * ioctls as the Python libraries, in a tight loop, no allocation per operation.  FLOOR_BENCH
 * first finds how many operations fill TARGET_MS, then times REPEATS loops of that many and
 * prints one line per loop: nanoseconds per operation.  The harness takes the median.
 */
#ifndef LHW_BENCH_FLOOR_H
#define LHW_BENCH_FLOOR_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what)
{
    fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long parse_long(const char *text, const char *what)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 0);
    if (errno || *end || end == text) {
        fprintf(stderr, "floor: %s must be a number, not %s\n", what, text);
        exit(2);
    }
    return value;
}

/* Run the body (the variadic argument: one operation, which may use the loop index floor_i) in
 * timed loops: calibrate the count to fill target_ms, then print ns/op for each of repeats loops. */
#define FLOOR_BENCH(target_ms, repeats, ...)                                                   \
    do {                                                                                         \
        long floor_n = 1;                                                                        \
        double floor_target = (double)(target_ms) * 1e6;                                         \
        for (;;) { /* calibrate: double the count until a loop takes a tenth of the target */    \
            double floor_t0 = now_ns();                                                          \
            for (long floor_i = 0; floor_i < floor_n; floor_i++) {                               \
                __VA_ARGS__;                                                                     \
            }                                                                                    \
            double floor_dt = now_ns() - floor_t0;                                               \
            if (floor_dt >= floor_target / 10 || floor_n >= (1L << 30)) {                        \
                double floor_per = floor_dt / (double)floor_n;                                   \
                floor_n = floor_per > 0 ? (long)(floor_target / floor_per) : floor_n;            \
                if (floor_n < 1)                                                                 \
                    floor_n = 1;                                                                 \
                break;                                                                           \
            }                                                                                    \
            floor_n *= 2;                                                                        \
        }                                                                                        \
        for (long floor_r = 0; floor_r < (repeats); floor_r++) {                                 \
            double floor_t0 = now_ns();                                                          \
            for (long floor_i = 0; floor_i < floor_n; floor_i++) {                               \
                __VA_ARGS__;                                                                     \
            }                                                                                    \
            printf("%.1f\n", (now_ns() - floor_t0) / (double)floor_n);                           \
        }                                                                                        \
        fflush(stdout);                                                                          \
    } while (0)

#endif
