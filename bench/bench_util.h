/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

/* What manafo-bench and manafo-react share: order statistics, machine notes. */

/* Sorts x in place and returns its median. */
double bench_median(double *x, unsigned int n);

/* Median, min and max of n values (x untouched; n <= 4096). */
void bench_stats(const double *x, unsigned int n, double out[3]);

/* "load average <when>: <contents of /proc/loadavg>" on stdout. */
void bench_print_loadavg(const char *when);

/*
 * rte_eal_init() with what every benchmark run gets: lcores, no hugepages,
 * 512 MB, no PCI, no telemetry, no shared config (nothing attaches to us),
 * and a prefix of its own, "<name>-<pid>"; then argv[first..] (the EAL
 * options after "--"). Returns rte_eal_init()'s result, after a message
 * when it failed.
 */
int bench_eal_init(const char *name, const char *lcores, int argc, char **argv, int first);

#endif /* BENCH_UTIL_H */
