/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * What the process remembers about a device name across its ports: whether
 * the simulated VF was hot-removed and when it comes back, and how many
 * scheduled (devargs) events already fired, so that a re-probe with the
 * same devargs does not replay an exhausted schedule.
 *
 * Entries are static and never freed: a return alarm may still point at
 * one after every port of that name is gone.
 *
 * Also the open manasim port of each ethdev port id, for the public API and
 * telemetry (see manasim_port_get).
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <rte_alarm.h>
#include <rte_dev.h>
#include <rte_string_fns.h>

#include "manasim.h"

#define MS_REG_MAX 256

static struct manasim_reg ms_reg[MS_REG_MAX];
/* Guards ms_reg[] and ms_ports[]. Taken last, held briefly, never while cancelling an alarm. */
static rte_spinlock_t ms_reg_lock = RTE_SPINLOCK_INITIALIZER;

/*
 * The open manasim port of each port id. An entry holds no reference of its
 * own: it stands for the port's, which close drops only after it cleared
 * the entry.
 */
static struct manasim_priv *ms_ports[RTE_MAX_ETHPORTS];

uint64_t
manasim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct manasim_reg *
ms_reg_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < MS_REG_MAX; i++)
		if (ms_reg[i].used && strcmp(ms_reg[i].name, name) == 0)
			return &ms_reg[i];
	return NULL;
}

struct manasim_reg *
manasim_reg_get(const char *name)
{
	struct manasim_reg *r;
	unsigned int i;

	rte_spinlock_lock(&ms_reg_lock);
	r = ms_reg_find(name);
	for (i = 0; r == NULL && i < MS_REG_MAX; i++)
		if (!ms_reg[i].used)
			r = &ms_reg[i];
	/* Full: reuse an entry that remembers nothing (no port, removal, schedule). */
	for (i = 0; r == NULL && i < MS_REG_MAX; i++)
		if (!ms_reg[i].live && !ms_reg[i].removed && ms_reg[i].fired == 0)
			r = &ms_reg[i];
	if (r != NULL && strcmp(r->name, name) != 0) {
		memset(r, 0, sizeof(*r));
		strlcpy(r->name, name, sizeof(r->name));
		r->used = true;
	}
	if (r != NULL)
		r->live = true;
	rte_spinlock_unlock(&ms_reg_lock);
	if (r == NULL)
		MS_LOG(ERR, "%s: more than %d manasim device names in this process",
		       name, MS_REG_MAX);
	return r;
}

/* ms until the name returns; 0 when present; UINT64_MAX when never. */
static uint64_t
ms_reg_left(struct manasim_reg *r, uint64_t now)
{
	if (!r->removed)
		return 0;
	if (r->returns_at_ms == UINT64_MAX)
		return UINT64_MAX;
	if (now >= r->returns_at_ms) {
		r->removed = false;
		return 0;
	}
	return r->returns_at_ms - now;
}

void
manasim_reg_release(struct manasim_reg *r)
{
	rte_spinlock_lock(&ms_reg_lock);
	r->live = false;
	rte_spinlock_unlock(&ms_reg_lock);
}

int
manasim_reg_probe_check(struct manasim_reg *r)
{
	uint64_t left;

	rte_spinlock_lock(&ms_reg_lock);
	left = ms_reg_left(r, manasim_now_ms());
	rte_spinlock_unlock(&ms_reg_lock);
	if (left == 0)
		return 0;
	if (left == UINT64_MAX)
		MS_LOG(ERR, "%s: the VF was hot-removed and never returns (return_ms=-1): "
		       "probe fails with -ENODEV", r->name);
	else
		MS_LOG(ERR, "%s: the VF was hot-removed and is not back yet (%" PRIu64
		       " ms left): probe fails with -ENODEV", r->name, left);
	return -ENODEV;
}

/*
 * The VF is back: tell EAL device-event watchers, as the hotplug monitor
 * does for a newly added PCI device. Runs on the EAL interrupt thread.
 */
static void
ms_reg_return_alarm(void *arg)
{
	struct manasim_reg *r = arg;

	MS_LOG(INFO, "%s: VF returned, RTE_DEV_EVENT_ADD", r->name);
	rte_dev_event_callback_process(r->name, RTE_DEV_EVENT_ADD);
}

void
manasim_reg_removed(struct manasim_reg *r, int64_t return_ms, bool monitor)
{
	uint64_t now = manasim_now_ms();

	/* A pending return notice of an earlier removal is stale now. */
	rte_eal_alarm_cancel(ms_reg_return_alarm, r);
	rte_spinlock_lock(&ms_reg_lock);
	r->removed = true;
	r->monitor = monitor;
	r->returns_at_ms = return_ms < 0 ? UINT64_MAX : now + (uint64_t)return_ms;
	rte_spinlock_unlock(&ms_reg_lock);
	if (monitor && return_ms >= 0 &&
	    rte_eal_alarm_set((uint64_t)return_ms * 1000 + 1, ms_reg_return_alarm, r) != 0)
		MS_LOG(ERR, "%s: cannot arm the return alarm: no RTE_DEV_EVENT_ADD", r->name);
}

bool
manasim_reg_fire(struct manasim_reg *r, uint32_t count)
{
	bool ok;

	rte_spinlock_lock(&ms_reg_lock);
	ok = count == 0 || r->fired < count;
	if (ok)
		r->fired++;
	rte_spinlock_unlock(&ms_reg_lock);
	return ok;
}

bool
manasim_reg_sched_left(struct manasim_reg *r, uint32_t count)
{
	bool left;

	rte_spinlock_lock(&ms_reg_lock);
	left = count == 0 || r->fired < count;
	rte_spinlock_unlock(&ms_reg_lock);
	return left;
}

uint32_t
manasim_reg_fired(struct manasim_reg *r)
{
	uint32_t n;

	rte_spinlock_lock(&ms_reg_lock);
	n = r->fired;
	rte_spinlock_unlock(&ms_reg_lock);
	return n;
}

int
manasim_reg_available(const char *name, uint64_t *ms_left)
{
	struct manasim_reg *r;
	uint64_t left = 0;

	if (name == NULL)
		return -EINVAL;
	rte_spinlock_lock(&ms_reg_lock);
	r = ms_reg_find(name);
	if (r != NULL)
		left = ms_reg_left(r, manasim_now_ms());
	rte_spinlock_unlock(&ms_reg_lock);
	if (ms_left != NULL)
		*ms_left = left;
	return left == 0;
}

/* ---- Ports, for the API and telemetry ------------------------------------ */

void
manasim_port_register(struct manasim_priv *priv)
{
	rte_spinlock_lock(&ms_reg_lock);
	ms_ports[priv->port_id] = priv;
	rte_spinlock_unlock(&ms_reg_lock);
}

void
manasim_port_unregister(struct manasim_priv *priv)
{
	rte_spinlock_lock(&ms_reg_lock);
	if (ms_ports[priv->port_id] == priv)
		ms_ports[priv->port_id] = NULL;
	rte_spinlock_unlock(&ms_reg_lock);
}

/*
 * The open manasim port of port_id with a reference the caller drops with
 * manasim_put(), or NULL. Neither rte_eth_devices[] nor the port's
 * dev->data is read: a VF that manafo owns is closed on manafo's control
 * thread at any time, and ethdev frees its private data and clears its
 * dev->data without a lock of ours. The reference keeps priv allocated
 * until the caller is done, however the close and this call interleave.
 */
struct manasim_priv *
manasim_port_get(uint16_t port_id)
{
	struct manasim_priv *priv;

	if (port_id >= RTE_MAX_ETHPORTS)
		return NULL;
	rte_spinlock_lock(&ms_reg_lock);
	priv = ms_ports[port_id];
	if (priv != NULL)
		manasim_get(priv);
	rte_spinlock_unlock(&ms_reg_lock);
	return priv;
}

/*
 * Arm an EAL alarm for a port that is still open; -ENODEV once its close
 * has begun. Under the lock that close takes to unregister the port, so an
 * alarm is armed either before that, and close's quiesce cancels it, or not
 * at all: an API call that found the port just before the close cannot
 * leave an alarm behind that fires after priv is freed.
 */
int
manasim_port_alarm_set(struct manasim_priv *priv, uint64_t us, rte_eal_alarm_callback cb)
{
	int ret = -ENODEV;

	rte_spinlock_lock(&ms_reg_lock);
	if (ms_ports[priv->port_id] == priv)
		ret = rte_eal_alarm_set(us, cb, priv);
	rte_spinlock_unlock(&ms_reg_lock);
	return ret;
}
