/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

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

int
bench_eal_init(const char *name, const char *lcores, int argc, char **argv, int first)
{
	char prefix[64];
	char *eal_argv[64];
	int eal_argc = 0, i, ret;

	snprintf(prefix, sizeof(prefix), "%s-%d", name, (int)getpid());
	eal_argv[eal_argc++] = argv[0];
	eal_argv[eal_argc++] = "-l";
	eal_argv[eal_argc++] = (char *)(uintptr_t)lcores;
	eal_argv[eal_argc++] = "--no-huge";
	eal_argv[eal_argc++] = "-m";
	eal_argv[eal_argc++] = "512";
	eal_argv[eal_argc++] = "--no-pci";
	eal_argv[eal_argc++] = "--no-telemetry";
	/* No mmap-ed runtime files left behind: nothing attaches to us. */
	eal_argv[eal_argc++] = "--no-shconf";
	eal_argv[eal_argc++] = "--file-prefix";
	eal_argv[eal_argc++] = prefix;
	for (i = first; i < argc && eal_argc < (int)RTE_DIM(eal_argv) - 1; i++)
		eal_argv[eal_argc++] = argv[i];
	eal_argv[eal_argc] = NULL;
	ret = rte_eal_init(eal_argc, eal_argv);
	if (ret < 0)
		fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
	return ret;
}
