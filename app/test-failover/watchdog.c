/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Every run ends in bounded time. Each thread of a run is an actor that
 * beats while it makes progress and says what it is doing; this thread
 * fails the run when one of them stops beating for --hang-s seconds (a
 * deadlock inside a PMD) or when the run outlives its deadline, prints
 * what every thread was doing and exits non-zero without cleaning up: a
 * hung PMD cannot be closed.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drill.h"

#define MAX_ACTORS	64
#define CHECK_MS	200

static struct {
	pthread_mutex_t lock;
	struct actor *actors[MAX_ACTORS];
	uint64_t hang_tsc;
	uint64_t deadline;
	volatile int stop;
	pthread_t thread;
	bool running;
} wd = { .lock = PTHREAD_MUTEX_INITIALIZER };

void
actor_register(struct actor *a, const char *name)
{
	unsigned int i;

	a->name = name;
	a->doing = "started";
	a->since = rte_get_tsc_cycles();
	a->beat = a->since;
	pthread_mutex_lock(&wd.lock);
	for (i = 0; i < MAX_ACTORS; i++) {
		if (wd.actors[i] == NULL || wd.actors[i] == a) {
			wd.actors[i] = a;
			break;
		}
	}
	a->active = 1;
	pthread_mutex_unlock(&wd.lock);
}

void
actor_unregister(struct actor *a)
{
	unsigned int i;

	pthread_mutex_lock(&wd.lock);
	for (i = 0; i < MAX_ACTORS; i++)
		if (wd.actors[i] == a)
			wd.actors[i] = NULL;
	a->active = 0;
	pthread_mutex_unlock(&wd.lock);
}

void
watchdog_deadline(uint64_t tsc)
{
	__atomic_store_n(&wd.deadline, tsc, __ATOMIC_RELEASE);
}

static void
dump_actor(FILE *f, const struct actor *a, uint64_t now)
{
	const char *doing = __atomic_load_n(&a->doing, __ATOMIC_ACQUIRE);
	uint64_t t_since = __atomic_load_n(&a->since, __ATOMIC_RELAXED);
	uint64_t t_beat = __atomic_load_n(&a->beat, __ATOMIC_RELAXED);
	/* The thread may beat after `now` was read. */
	double since = now > t_since ? tsc_ms(now - t_since) : 0.0;
	double beat = now > t_beat ? tsc_ms(now - t_beat) : 0.0;

	fprintf(f, "  %-14s %s(%d, %d) for %.1f ms, last progress %.1f ms ago\n", a->name, doing,
		a->arg0, a->arg1, since, beat);
}

static void
dump_all(FILE *f, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < MAX_ACTORS; i++) {
		const struct actor *a = wd.actors[i];

		if (a != NULL && a->active)
			dump_actor(f, a, now);
	}
}

static void __rte_noreturn
fire(const char *why, uint64_t now)
{
	fflush(stdout);
	fprintf(stderr, "\ndrill watchdog: %s: the run is hung; what each thread was doing:\n",
		why);
	dump_all(stderr, now);
	fflush(stderr);
	_exit(EXIT_HUNG);
}

static void
check(uint64_t now)
{
	char why[160];
	uint64_t deadline = __atomic_load_n(&wd.deadline, __ATOMIC_ACQUIRE);
	unsigned int i;

	pthread_mutex_lock(&wd.lock);
	for (i = 0; i < MAX_ACTORS; i++) {
		const struct actor *a = wd.actors[i];
		uint64_t beat;

		if (a == NULL || !a->active)
			continue;
		beat = __atomic_load_n(&a->beat, __ATOMIC_RELAXED);
		if (now > beat && now - beat > wd.hang_tsc) {
			snprintf(why, sizeof(why), "%s made no progress for %.1f s", a->name,
				 tsc_ms(now - beat) / 1000.0);
			fire(why, now);
		}
	}
	if (deadline != 0 && now > deadline)
		fire("the run outlived its deadline", now);
	pthread_mutex_unlock(&wd.lock);
}

static void *
wd_main(void *arg)
{
	RTE_SET_USED(arg);
	while (!wd.stop) {
		usleep(CHECK_MS * 1000);
		check(rte_get_tsc_cycles());
	}
	return NULL;
}

int
watchdog_start(uint32_t hang_s)
{
	int ret;

	wd.hang_tsc = us_tsc((uint64_t)hang_s * 1000000);
	ret = pthread_create(&wd.thread, NULL, wd_main, NULL);
	if (ret != 0)
		return -ret;
	pthread_setname_np(wd.thread, "drill-wd");
	wd.running = true;
	return 0;
}

void
watchdog_stop(void)
{
	if (!wd.running)
		return;
	wd.stop = 1;
	pthread_join(wd.thread, NULL);
	wd.running = false;
}
