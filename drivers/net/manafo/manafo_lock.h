/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANAFO_LOCK_H
#define MANAFO_LOCK_H

#include <pthread.h>

/*
 * A mutex that clang's -Wthread-safety can reason about. Every function
 * that takes one releases it before it returns (design.md §4), so the
 * annotations below are all the analysis needs: none is turned off.
 */
#if defined(__clang__)
#define MANAFO_TSA(x) __attribute__((x))
#else
#define MANAFO_TSA(x)
#endif

#define MANAFO_CAPABILITY(x)	MANAFO_TSA(capability(x))
#define MANAFO_GUARDED_BY(x)	MANAFO_TSA(guarded_by(x))
#define MANAFO_REQUIRES(...)	MANAFO_TSA(requires_capability(__VA_ARGS__))
#define MANAFO_EXCLUDES(...)	MANAFO_TSA(locks_excluded(__VA_ARGS__))
#define MANAFO_ACQUIRE(...)	MANAFO_TSA(acquire_capability(__VA_ARGS__))
#define MANAFO_RELEASE(...)	MANAFO_TSA(release_capability(__VA_ARGS__))
/* Only for the two primitives below: pthread itself carries no annotation. */
#define MANAFO_TSA_PRIMITIVE	MANAFO_TSA(no_thread_safety_analysis)

struct MANAFO_CAPABILITY("mutex") manafo_mutex {
	pthread_mutex_t m;
};

/* Process-shared: the port lock lives in the port's shared data. */
static inline void
manafo_mutex_init(struct manafo_mutex *mu)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&mu->m, &attr);
	pthread_mutexattr_destroy(&attr);
}

static inline void
manafo_mutex_destroy(struct manafo_mutex *mu)
{
	pthread_mutex_destroy(&mu->m);
}

static inline void
manafo_mutex_lock(struct manafo_mutex *mu) MANAFO_ACQUIRE(*mu) MANAFO_TSA_PRIMITIVE
{
	pthread_mutex_lock(&mu->m);
}

static inline void
manafo_mutex_unlock(struct manafo_mutex *mu) MANAFO_RELEASE(*mu) MANAFO_TSA_PRIMITIVE
{
	pthread_mutex_unlock(&mu->m);
}

#endif /* MANAFO_LOCK_H */
