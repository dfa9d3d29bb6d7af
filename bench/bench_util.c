/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#define BENCH_STATS_MAX 4096

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
bench_median(double *x, unsigned int n)
{
	qsort(x, n, sizeof(x[0]), cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

void
bench_stats(const double *x, unsigned int n, double out[3])
{
	static double s[BENCH_STATS_MAX];

	if (n > BENCH_STATS_MAX)
		n = BENCH_STATS_MAX;
	memcpy(s, x, n * sizeof(s[0]));
	out[0] = bench_median(s, n);
	out[1] = s[0];
	out[2] = s[n - 1];
}

void
bench_print_loadavg(const char *when)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	printf("load average %s: %s\n", when, buf);
}
