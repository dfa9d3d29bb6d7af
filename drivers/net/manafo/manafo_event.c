/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_ethdev.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * Sub-device event callbacks. They run on whatever thread the sub-device
 * uses (EAL interrupt thread, the VF's reset thread, the device-event
 * thread) and do exactly two things: one atomic update of the steering word
 * and posting a work item. Nothing here blocks, takes the port lock or calls
 * a sub-device control function: MANA emits some of these events while it
 * holds its reset lock.
 */

static const enum rte_eth_event_type manafo_sub_events[] = {
	RTE_ETH_EVENT_ERR_RECOVERING,
	RTE_ETH_EVENT_RECOVERY_SUCCESS,
	RTE_ETH_EVENT_RECOVERY_FAILED,
	RTE_ETH_EVENT_INTR_RMV,
	RTE_ETH_EVENT_INTR_LSC,
	RTE_ETH_EVENT_INTR_RESET,
	RTE_ETH_EVENT_DESTROY,
};

/*
 * One callback per event for every port (RTE_ETH_ALL), registered when the
 * first manafo port of the process is created and kept for the life of the
 * process, with no argument: the port a sub-device belongs to is looked up
 * in the registry (manafo_registry_sub_event()), and with no port there the
 * callback does nothing. Per-port callbacks would not do: a port released
 * under us (someone else removed the device) keeps its callback list, and
 * ethdev's RTE_ETH_ALL unregistration can report success while the callback
 * still runs on a port (DPDK 22.11: the status is the last port's only),
 * leaving it registered. With no argument, nothing a close frees is reached.
 * manafo_event_unregister() is only for a registration that failed midway.
 */
bool
manafo_event_work(struct manafo_priv *priv, enum manafo_role role, uint16_t port_id,
		  enum rte_eth_event_type event, struct manafo_work *w)
{
	struct manafo_sub *sub = &priv->sub[role];
	uint32_t steer;

	w->gen = __atomic_load_n(&sub->gen, __ATOMIC_RELAXED);
	switch (event) {
	case RTE_ETH_EVENT_ERR_RECOVERING:
		/* TX leaves at once, while the VF's queues still work. */
		steer = manafo_steer_off(priv, role, MANAFO_STEER_TX | MANAFO_STEER_RECOVERING);
		w->kind = MANAFO_WORK_RECOVERING;
		break;
	case RTE_ETH_EVENT_RECOVERY_SUCCESS:
		steer = manafo_steer_set(priv, 0, MANAFO_STEER(role, MANAFO_STEER_RECOVERING));
		w->kind = MANAFO_WORK_RECOVERED;
		break;
	case RTE_ETH_EVENT_RECOVERY_FAILED:
		steer = manafo_steer_off(priv, role, MANAFO_STEER_RX | MANAFO_STEER_TX |
					 MANAFO_STEER_DEAD);
		w->kind = MANAFO_WORK_GONE;
		w->cause = MANAFO_CAUSE_FAILED;
		break;
	case RTE_ETH_EVENT_INTR_RMV:
	case RTE_ETH_EVENT_DESTROY:
		steer = manafo_steer_off(priv, role, MANAFO_STEER_RX | MANAFO_STEER_TX |
					 MANAFO_STEER_DEAD);
		w->kind = MANAFO_WORK_GONE;
		w->cause = MANAFO_CAUSE_REMOVED;
		break;
	case RTE_ETH_EVENT_INTR_RESET:
		steer = manafo_steer_off(priv, role, MANAFO_STEER_TX);
		w->kind = MANAFO_WORK_DEV_RESET;
		break;
	case RTE_ETH_EVENT_INTR_LSC:
		/*
		 * A VF without carrier drops what it is given: TX leaves it at
		 * once. The PMD stored the link before emitting: no driver call.
		 */
		if (role == MANAFO_VF &&
		    rte_eth_devices[port_id].data->dev_link.link_status == RTE_ETH_LINK_DOWN)
			steer = manafo_steer_off(priv, role, MANAFO_STEER_TX);
		else
			steer = manafo_steer_load(priv);
		w->kind = MANAFO_WORK_LINK;
		break;
	default:
		return false;
	}
	w->epoch = manafo_steer_epoch(steer);
	return true;
}

static int
manafo_sub_event(uint16_t port_id, enum rte_eth_event_type event, void *arg __rte_unused,
		 void *ret_param __rte_unused)
{
	manafo_registry_sub_event(port_id, event);
	return 0;
}

int
manafo_event_register(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(manafo_sub_events); i++) {
		ret = rte_eth_dev_callback_register(RTE_ETH_ALL, manafo_sub_events[i],
						    manafo_sub_event, NULL);
		if (ret < 0) {
			MANAFO_LOG(ERR, "cannot register event %d: %s", manafo_sub_events[i],
				   rte_strerror(-ret));
			manafo_event_unregister();
			return ret;
		}
	}
	return 0;
}

/*
 * Until no port reports the callback running: the RTE_ETH_ALL call removes
 * every idle entry, the per-port calls tell (truthfully) where one still
 * runs. The callback only posts work, so the wait is short.
 */
static void
event_unregister_one(enum rte_eth_event_type event)
{
	unsigned int tries = 0;
	bool busy;
	uint16_t p;

	do {
		busy = rte_eth_dev_callback_unregister(RTE_ETH_ALL, event, manafo_sub_event,
						       NULL) == -EAGAIN;
		for (p = 0; p < RTE_MAX_ETHPORTS; p++)
			if (rte_eth_dev_is_valid_port(p) &&
			    rte_eth_dev_callback_unregister(p, event, manafo_sub_event,
							    NULL) == -EAGAIN)
				busy = true;
		if (busy) {
			if (++tries % 1000 == 0)
				MANAFO_LOG(WARNING, "event %d callback still running", event);
			usleep(100);
		}
	} while (busy);
}

void
manafo_event_unregister(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(manafo_sub_events); i++)
		event_unregister_one(manafo_sub_events[i]);
}

/* EAL device events, delivered once the application runs the monitor. */
static void
manafo_dev_event(const char *device_name, enum rte_dev_event_type event, void *arg __rte_unused)
{
	if (device_name == NULL)
		return;
	if (event == RTE_DEV_EVENT_REMOVE)
		manafo_registry_dev_event(device_name, true);
	else if (event == RTE_DEV_EVENT_ADD)
		manafo_registry_dev_event(device_name, false);
}

int
manafo_dev_event_register(void)
{
	int ret = rte_dev_event_callback_register(NULL, manafo_dev_event, NULL);

	if (ret == -EEXIST)
		return 0;
	if (ret < 0)
		MANAFO_LOG(ERR, "cannot register the device event callback: %s",
			   rte_strerror(-ret));
	return ret;
}

void
manafo_dev_event_unregister(void)
{
	int ret;

	while ((ret = rte_dev_event_callback_unregister(NULL, manafo_dev_event, NULL)) == -EAGAIN)
		usleep(100);
}
