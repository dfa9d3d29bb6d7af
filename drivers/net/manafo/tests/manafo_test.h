/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANAFO_TEST_H
#define MANAFO_TEST_H

/*
 * What the C tests share: a check that prints what it checked and counts,
 * and a millisecond clock. Each test is one translation unit.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_cycles.h>

static int passed, failed;

#define CHECK(cond, ...) do { \
	if (cond) { \
		passed++; \
		printf("ok   "); \
	} else { \
		failed++; \
		printf("FAIL "); \
	} \
	printf(__VA_ARGS__); \
	printf("\n"); \
	fflush(stdout); \
} while (0)

static inline uint64_t
now_ms(void)
{
	return rte_get_timer_cycles() * 1000 / rte_get_timer_hz();
}

#endif /* MANAFO_TEST_H */
