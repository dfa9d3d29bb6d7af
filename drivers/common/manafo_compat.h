/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The few DPDK APIs that changed between the LTS releases manafo builds
 * against (22.11, 23.11, 24.11, 25.11), wrapped in one place.
 */

#ifndef MANAFO_COMPAT_H
#define MANAFO_COMPAT_H

#include <pthread.h>

#include <rte_version.h>
#include <rte_lcore.h>
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
#include <rte_thread.h>
#endif

/* A control thread: EAL's, so it runs on the control-plane cpuset. */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
typedef rte_thread_t manafo_thread_t;

static inline int
manafo_ctrl_thread_create(manafo_thread_t *t, const char *name,
			  void *(*fn)(void *), void *arg)
{
	return rte_thread_create_internal_control(t, name,
			(rte_thread_func)(uintptr_t)fn, arg);
}

static inline int
manafo_thread_join(manafo_thread_t t)
{
	return rte_thread_join(t, NULL);
}

static inline int
manafo_thread_is_self(manafo_thread_t t)
{
	return rte_thread_equal(t, rte_thread_self());
}

static inline int
manafo_thread_detach(manafo_thread_t t)
{
	return rte_thread_detach(t);
}
#else
typedef pthread_t manafo_thread_t;

static inline int
manafo_ctrl_thread_create(manafo_thread_t *t, const char *name,
			  void *(*fn)(void *), void *arg)
{
	return rte_ctrl_thread_create(t, name, NULL, fn, arg);
}

static inline int
manafo_thread_join(manafo_thread_t t)
{
	return pthread_join(t, NULL);
}

static inline int
manafo_thread_is_self(manafo_thread_t t)
{
	return pthread_equal(t, pthread_self());
}

static inline int
manafo_thread_detach(manafo_thread_t t)
{
	return pthread_detach(t);
}
#endif

/* 25.11 passes per-queue counters to stats_get in a separate structure. */
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
#define MANAFO_STATS_GET_ARGS struct rte_eth_dev *dev, struct rte_eth_stats *stats, \
	struct eth_queue_stats *qstats __rte_unused
#else
#define MANAFO_STATS_GET_ARGS struct rte_eth_dev *dev, struct rte_eth_stats *stats
#endif

/* Telemetry's unsigned 64-bit values were renamed in 23.03. */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define manafo_tel_dict_u64(d, name, v) rte_tel_data_add_dict_uint(d, name, v)
#else
#define manafo_tel_dict_u64(d, name, v) rte_tel_data_add_dict_u64(d, name, v)
#endif

/*
 * A counter with one writer (the lcore that polls the queue) and readers on
 * other threads: a relaxed atomic store of the sum, which compiles to the
 * same load, add and store as a plain +=, without the C11 data race.
 */
#define MANAFO_COUNTER_ADD(c, n) \
	__atomic_store_n(&(c), __atomic_load_n(&(c), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)

#if defined(__SANITIZE_THREAD__)
#define MANAFO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MANAFO_TSAN 1
#endif
#endif

#endif /* MANAFO_COMPAT_H */
