/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * One control thread per process runs every blocking step (design.md §4):
 * it owns the order of operations, so events from the EAL interrupt thread,
 * the VF's reset thread and the device-event thread cannot race each other.
 * The work list lock is held only to link or unlink an item, never across
 * a call into a sub-device or the application.
 */

TAILQ_HEAD(manafo_work_list, manafo_work);
TAILQ_HEAD(manafo_priv_list, manafo_priv);

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* new work, or stop */
	pthread_cond_t done;		/* an item finished */
	struct manafo_work_list work;
	struct manafo_priv_list ports;
	struct manafo_priv *running;	/* port of the item being run */
	manafo_thread_t thread;
	unsigned int users;
	bool stop;
	bool cond_ready;
} ctrl = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = TAILQ_HEAD_INITIALIZER(ctrl.work),
	.ports = TAILQ_HEAD_INITIALIZER(ctrl.ports),
};

static const uint32_t coalesced_kinds = MANAFO_WORK_BIT(MANAFO_WORK_LINK) |
	MANAFO_WORK_BIT(MANAFO_WORK_HOTPLUG) | MANAFO_WORK_BIT(MANAFO_WORK_RETRY_CONFIG) |
	MANAFO_WORK_BIT(MANAFO_WORK_WATCHDOG);

static void
ctrl_cond_init(void)
{
	pthread_condattr_t attr;

	if (ctrl.cond_ready)
		return;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ctrl.wake, &attr);
	pthread_cond_init(&ctrl.done, &attr);
	pthread_condattr_destroy(&attr);
	ctrl.cond_ready = true;
}

/*
 * A queued item of the same kind makes a new one redundant; it runs at the
 * earlier of the two times (a device ADD event pulls the next poll forward).
 */
static bool
ctrl_coalesce(const struct manafo_work *w, uint64_t due_ns)
{
	struct manafo_work *it;

	if (!(coalesced_kinds & MANAFO_WORK_BIT(w->kind)))
		return false;
	TAILQ_FOREACH(it, &ctrl.work, next)
		if (it->priv == w->priv && it->kind == w->kind && it->role == w->role) {
			if (due_ns < it->due_ns) {
				it->due_ns = due_ns;
				pthread_cond_signal(&ctrl.wake);
			}
			return true;
		}
	return false;
}

static int
ctrl_post_locked(const struct manafo_work *w, uint32_t delay_ms)
{
	uint64_t due_ns = manafo_now_ns() + (uint64_t)delay_ms * 1000000;
	struct manafo_work *item;

	if (ctrl_coalesce(w, due_ns))
		return 0;
	item = malloc(sizeof(*item));
	if (item == NULL)
		return -ENOMEM;
	*item = *w;
	if (item->event_ns == 0)
		item->event_ns = manafo_now_ns();
	item->due_ns = due_ns;
	TAILQ_INSERT_TAIL(&ctrl.work, item, next);
	pthread_cond_signal(&ctrl.wake);
	return 0;
}

int
manafo_ctrl_post(const struct manafo_work *w, uint32_t delay_ms)
{
	int ret;

	pthread_mutex_lock(&ctrl.lock);
	ret = ctrl_post_locked(w, delay_ms);
	pthread_mutex_unlock(&ctrl.lock);
	if (ret < 0)
		MANAFO_LOG(ERR, "cannot post work %d: %s", w->kind, strerror(-ret));
	return ret;
}

void
manafo_ctrl_cancel(struct manafo_priv *priv, uint32_t kinds, int role)
{
	struct manafo_work *it, *tmp;

	pthread_mutex_lock(&ctrl.lock);
	for (it = TAILQ_FIRST(&ctrl.work); it != NULL; it = tmp) {
		tmp = TAILQ_NEXT(it, next);
		if (it->priv != priv || !(kinds & MANAFO_WORK_BIT(it->kind)))
			continue;
		if (role >= 0 && it->role != (enum manafo_role)role)
			continue;
		TAILQ_REMOVE(&ctrl.work, it, next);
		free(it);
	}
	pthread_mutex_unlock(&ctrl.lock);
}

bool
manafo_ctrl_is_self(void)
{
	bool self;

	pthread_mutex_lock(&ctrl.lock);
	self = ctrl.users > 0 && manafo_thread_is_self(ctrl.thread);
	pthread_mutex_unlock(&ctrl.lock);
	return self;
}

void
manafo_ctrl_forget(struct manafo_priv *priv)
{
	bool self = manafo_ctrl_is_self();

	manafo_ctrl_cancel(priv, MANAFO_WORK_ALL, -1);
	if (self)
		return;	/* the running item is our caller: it returns after us */
	pthread_mutex_lock(&ctrl.lock);
	while (ctrl.running == priv)
		pthread_cond_wait(&ctrl.done, &ctrl.lock);
	pthread_mutex_unlock(&ctrl.lock);
}

/* The earliest due item, or NULL. */
static struct manafo_work *
ctrl_next(void)
{
	struct manafo_work *it, *best = NULL;

	TAILQ_FOREACH(it, &ctrl.work, next)
		if (best == NULL || it->due_ns < best->due_ns)
			best = it;
	return best;
}

static void
ctrl_wait_until(uint64_t due_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(due_ns / 1000000000),
		.tv_nsec = (long)(due_ns % 1000000000),
	};

	pthread_cond_timedwait(&ctrl.wake, &ctrl.lock, &ts);
}

static void *
ctrl_main(void *arg __rte_unused)
{
	struct manafo_work *w;

	pthread_mutex_lock(&ctrl.lock);
	while (!ctrl.stop) {
		w = ctrl_next();
		if (w == NULL) {
			pthread_cond_wait(&ctrl.wake, &ctrl.lock);
			continue;
		}
		if (w->due_ns > manafo_now_ns()) {
			ctrl_wait_until(w->due_ns);
			continue;
		}
		TAILQ_REMOVE(&ctrl.work, w, next);
		ctrl.running = w->priv;
		pthread_mutex_unlock(&ctrl.lock);
		/* May free the port (the application closes it from an event). */
		manafo_work_run(w);
		free(w);
		pthread_mutex_lock(&ctrl.lock);
		ctrl.running = NULL;
		pthread_cond_broadcast(&ctrl.done);
	}
	pthread_mutex_unlock(&ctrl.lock);
	return NULL;
}

int
manafo_ctrl_get(void)
{
	int ret = 0;

	pthread_mutex_lock(&ctrl.lock);
	ctrl_cond_init();
	if (ctrl.users++ == 0) {
		ctrl.stop = false;
		ret = manafo_ctrl_thread_create(&ctrl.thread, "manafo-ctl", ctrl_main, NULL);
		if (ret != 0) {
			ctrl.users = 0;
			ret = -ret;
		}
	}
	pthread_mutex_unlock(&ctrl.lock);
	if (ret < 0)
		MANAFO_LOG(ERR, "cannot create the control thread: %s", strerror(-ret));
	return ret;
}

void
manafo_ctrl_put(void)
{
	manafo_thread_t thread;
	bool self, last;

	pthread_mutex_lock(&ctrl.lock);
	last = ctrl.users > 0 && --ctrl.users == 0;
	thread = ctrl.thread;
	self = last && manafo_thread_is_self(thread);
	if (last) {
		ctrl.stop = true;
		pthread_cond_signal(&ctrl.wake);
	}
	pthread_mutex_unlock(&ctrl.lock);
	if (!last)
		return;
	/* The last port closed from an event callback: never join oneself. */
	if (self)
		manafo_thread_detach(thread);
	else
		manafo_thread_join(thread);
}

void
manafo_registry_add(struct manafo_priv *priv)
{
	pthread_mutex_lock(&ctrl.lock);
	TAILQ_INSERT_TAIL(&ctrl.ports, priv, next);
	pthread_mutex_unlock(&ctrl.lock);
}

/*
 * An EAL device event for devname: steer away at once on removal, then let
 * the control thread do the rest. Runs on the device-event thread.
 * A role found by discovery (vf(auto)) may come back under another name (a
 * MANA VF returns at a new PCI address): any device added pulls its next
 * poll forward; the poll itself decides whether the device is ours.
 */
void
manafo_registry_dev_event(const char *devname, bool removed)
{
	struct manafo_priv *priv;
	int r;

	pthread_mutex_lock(&ctrl.lock);
	TAILQ_FOREACH(priv, &ctrl.ports, next) {
		for (r = 0; r < MANAFO_NB_ROLES; r++) {
			struct manafo_sub *sub = &priv->sub[r];
			struct manafo_work w = {
				.priv = priv, .role = (enum manafo_role)r,
				.kind = removed ? MANAFO_WORK_GONE : MANAFO_WORK_HOTPLUG,
				.cause = MANAFO_CAUSE_REMOVED,
				.gen = __atomic_load_n(&sub->gen, __ATOMIC_RELAXED),
			};

			if (strcmp(sub->devname, devname) != 0 &&
			    (removed || !priv->args.sub_auto[r]))
				continue;
			if (removed)
				manafo_steer_off(priv, (enum manafo_role)r, MANAFO_STEER_RX |
						 MANAFO_STEER_TX | MANAFO_STEER_DEAD);
			ctrl_post_locked(&w, 0);
		}
	}
	pthread_mutex_unlock(&ctrl.lock);
}

/*
 * An ethdev event of a sub-device, from its event callback. The registry
 * lock covers the lookup and the use of priv: a port leaves the registry at
 * close under this lock, so no callback can reach a closed port, whatever
 * ethdev's callback bookkeeping says (manafo_event.c).
 */
void
manafo_registry_sub_event(uint16_t port_id, enum rte_eth_event_type event)
{
	struct manafo_priv *priv;
	int r;

	pthread_mutex_lock(&ctrl.lock);
	TAILQ_FOREACH(priv, &ctrl.ports, next) {
		for (r = 0; r < MANAFO_NB_ROLES; r++) {
			struct manafo_work w = {
				.priv = priv, .role = (enum manafo_role)r,
				.event_ns = manafo_now_ns(),
			};

			if (__atomic_load_n(&priv->sub[r].port_id, __ATOMIC_ACQUIRE) != port_id)
				continue;
			if (manafo_event_work(priv, (enum manafo_role)r, port_id, event, &w) &&
			    ctrl_post_locked(&w, 0) < 0)
				MANAFO_LOG(ERR, "cannot post work %d: out of memory", w.kind);
		}
	}
	pthread_mutex_unlock(&ctrl.lock);
}

void
manafo_registry_publish(struct manafo_priv *priv)
{
	pthread_mutex_lock(&ctrl.lock);
	priv->published = true;
	pthread_mutex_unlock(&ctrl.lock);
}

struct manafo_priv *
manafo_priv_get(uint16_t port_id)
{
	struct manafo_priv *priv, *found = NULL;

	pthread_mutex_lock(&ctrl.lock);
	TAILQ_FOREACH(priv, &ctrl.ports, next)
		if (priv->published && priv->port_id == port_id) {
			found = priv;
			found->api_refs++;
			break;
		}
	pthread_mutex_unlock(&ctrl.lock);
	return found;
}

void
manafo_priv_put(struct manafo_priv *priv)
{
	pthread_mutex_lock(&ctrl.lock);
	priv->api_refs--;
	pthread_mutex_unlock(&ctrl.lock);
}

/* Out of the registry, and no API call inside it any more. */
void
manafo_registry_del(struct manafo_priv *priv)
{
	struct manafo_priv *it;
	bool busy;

	pthread_mutex_lock(&ctrl.lock);
	TAILQ_FOREACH(it, &ctrl.ports, next)
		if (it == priv) {
			TAILQ_REMOVE(&ctrl.ports, priv, next);
			break;
		}
	busy = priv->api_refs > 0;
	pthread_mutex_unlock(&ctrl.lock);
	while (busy) {
		usleep(1000);
		pthread_mutex_lock(&ctrl.lock);
		busy = priv->api_refs > 0;
		pthread_mutex_unlock(&ctrl.lock);
	}
}
