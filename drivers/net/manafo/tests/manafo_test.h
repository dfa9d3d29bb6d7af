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
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "rte_pmd_manafo.h"

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

/*
 * For a test whose environment type has a "port" member (the manafo port):
 * state() of the port, wait_for() a condition on it with a timeout (1 when
 * it held in time), and the two conditions every test waits on.
 */
#define MANAFO_TEST_PORT_HELPERS(env_t) \
static struct rte_pmd_manafo_state \
state(const env_t *e) \
{ \
	struct rte_pmd_manafo_state st; \
\
	memset(&st, 0, sizeof(st)); \
	rte_pmd_manafo_state_get(e->port, &st); \
	return st; \
} \
\
typedef int (*cond_fn)(const env_t *e, uint64_t arg); \
\
static __rte_unused int \
wait_for(const env_t *e, cond_fn fn, uint64_t arg, unsigned int timeout_ms) \
{ \
	uint64_t end = now_ms() + timeout_ms; \
\
	while (!fn(e, arg)) { \
		if (now_ms() > end) \
			return 0; \
		usleep(1000); \
	} \
	return 1; \
} \
\
static __rte_unused int \
tx_on(const env_t *e, uint64_t path) \
{ \
	return state(e).tx_path == (enum rte_pmd_manafo_path)path; \
} \
\
static __rte_unused int \
vf_in(const env_t *e, uint64_t st) \
{ \
	return state(e).vf.state == (enum rte_pmd_manafo_sub_state)st; \
}

#endif /* MANAFO_TEST_H */
