/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANAFO_CTRL_H
#define MANAFO_CTRL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "manafo.h"

/* Deferred work, run in order by the one control thread of the process. */
enum manafo_work_kind {
	MANAFO_WORK_RECOVERING,		/* VF: ERR_RECOVERING */
	MANAFO_WORK_RECOVERED,		/* VF: RECOVERY_SUCCESS */
	MANAFO_WORK_GONE,		/* RECOVERY_FAILED, INTR_RMV, DESTROY */
	MANAFO_WORK_RECOVERY_TIMEOUT,	/* no recovery result in time */
	MANAFO_WORK_LINK,		/* INTR_LSC of a sub-device */
	MANAFO_WORK_DEV_RESET,		/* VF: INTR_RESET */
	MANAFO_WORK_HOTPLUG,		/* try to attach an absent sub-device */
	MANAFO_WORK_FAILBACK,		/* hold-down expired */
	MANAFO_WORK_RETRY_CONFIG,	/* configuration refused with -EBUSY */
	MANAFO_WORK_WATCHDOG,		/* periodic TX stall check */
	MANAFO_WORK_DRILL_END,		/* live drill over */
	MANAFO_NB_WORK,
};

#define MANAFO_WORK_BIT(k)	(1u << (k))
#define MANAFO_WORK_ALL		(MANAFO_WORK_BIT(MANAFO_NB_WORK) - 1)

struct manafo_work {
	TAILQ_ENTRY(manafo_work) next;
	struct manafo_priv *priv;
	enum manafo_work_kind kind;
	enum manafo_role role;
	enum manafo_cause cause;
	uint32_t gen;		/* sub-device attach generation at the event */
	uint32_t epoch;		/* steering epoch at the event */
	uint64_t event_ns;	/* when the event was seen */
	uint64_t due_ns;	/* when to run */
};

/* Any thread, never blocks beyond a short list lock. */
int manafo_ctrl_post(const struct manafo_work *w, uint32_t delay_ms);
/* Drop queued items of a port (kinds mask, role -1 for any). */
void manafo_ctrl_cancel(struct manafo_priv *priv, uint32_t kinds, int role);
/* Drop every item of a port and wait for a running one (not on itself). */
void manafo_ctrl_forget(struct manafo_priv *priv);
bool manafo_ctrl_is_self(void);
int manafo_ctrl_get(void);
void manafo_ctrl_put(void);

/* The port registry, for device events and telemetry. */
void manafo_registry_add(struct manafo_priv *priv);
void manafo_registry_del(struct manafo_priv *priv);
/* An EAL device event (removal or addition) of the device devname. */
void manafo_registry_dev_event(const char *devname, bool removed);
/* An ethdev event of port_id, for the manafo port using it (if any). */
void manafo_registry_sub_event(uint16_t port_id, enum rte_eth_event_type event);
/* Visible to the API and telemetry from now on. */
void manafo_registry_publish(struct manafo_priv *priv);

/* manafo_event.c */
/*
 * What an ethdev event on sub-device role means: steer (atomically) and
 * fill the work item to post. False when there is nothing to do. Called by
 * the registry with its lock held (manafo_registry_sub_event()).
 */
bool manafo_event_work(struct manafo_priv *priv, enum manafo_role role, uint16_t port_id,
		       enum rte_eth_event_type event, struct manafo_work *w);

/* manafo_recover.c */
void manafo_work_run(struct manafo_work *w);

#endif /* MANAFO_CTRL_H */
