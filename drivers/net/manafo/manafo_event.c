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
	RTE_ETH_EVENT_NEW,
};

/*
 * The callbacks are registered for every port (RTE_ETH_ALL): a port that is
 * released under us (someone else removed the device) keeps its callback
 * list, and only an RTE_ETH_ALL registration can always be taken back.
 */
static int
manafo_sub_event(uint16_t port_id, enum rte_eth_event_type event, void *arg,
		 void *ret_param __rte_unused)
{
	struct manafo_priv *priv = arg;
	struct manafo_work w = {
		.priv = priv,
		.event_ns = manafo_now_ns(),
	};
	enum manafo_role role;
	struct manafo_sub *sub;
	uint32_t steer;

	for (role = MANAFO_VF; role < MANAFO_NB_ROLES; role++)
		if (__atomic_load_n(&priv->sub[role].port_id, __ATOMIC_ACQUIRE) == port_id)
			break;
	if (role == MANAFO_NB_ROLES)
		return 0;
	sub = &priv->sub[role];
	w.role = role;
	w.gen = __atomic_load_n(&sub->gen, __ATOMIC_RELAXED);
	switch (event) {
	case RTE_ETH_EVENT_ERR_RECOVERING:
		/* TX leaves at once, while the VF's queues still work. */
		steer = manafo_steer_off(priv, role, MANAFO_STEER_TX | MANAFO_STEER_RECOVERING);
		w.kind = MANAFO_WORK_RECOVERING;
		break;
	case RTE_ETH_EVENT_RECOVERY_SUCCESS:
		steer = manafo_steer_set(priv, 0, MANAFO_STEER(role, MANAFO_STEER_RECOVERING));
		w.kind = MANAFO_WORK_RECOVERED;
		break;
	case RTE_ETH_EVENT_RECOVERY_FAILED:
		steer = manafo_steer_off(priv, role, MANAFO_STEER_RX | MANAFO_STEER_TX |
					 MANAFO_STEER_DEAD);
		w.kind = MANAFO_WORK_GONE;
		w.cause = MANAFO_CAUSE_FAILED;
		break;
	case RTE_ETH_EVENT_INTR_RMV:
	case RTE_ETH_EVENT_DESTROY:
		steer = manafo_steer_off(priv, role, MANAFO_STEER_RX | MANAFO_STEER_TX |
					 MANAFO_STEER_DEAD);
		w.kind = MANAFO_WORK_GONE;
		w.cause = MANAFO_CAUSE_REMOVED;
		break;
	case RTE_ETH_EVENT_INTR_RESET:
		steer = manafo_steer_off(priv, role, MANAFO_STEER_TX);
		w.kind = MANAFO_WORK_DEV_RESET;
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
		w.kind = MANAFO_WORK_LINK;
		break;
	default:
		/* MANA emits a spurious NEW for its own port after a reset. */
		rte_log(RTE_LOG_DEBUG, manafo_logtype, "manafo %s: %s port %u: event %d ignored\n",
			priv->name, manafo_role_name(role), port_id, event);
		return 0;
	}
	w.epoch = manafo_steer_epoch(steer);
	manafo_ctrl_post(&w, 0);
	return 0;
}

int
manafo_event_register(struct manafo_priv *priv)
{
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(manafo_sub_events); i++) {
		ret = rte_eth_dev_callback_register(RTE_ETH_ALL, manafo_sub_events[i],
						    manafo_sub_event, priv);
		if (ret < 0) {
			PORT_LOG(priv, ERR, "cannot register event %d: %s", manafo_sub_events[i],
				 rte_strerror(-ret));
			manafo_event_unregister(priv);
			return ret;
		}
	}
	return 0;
}

/*
 * -EAGAIN means the callback is running right now: retry, never ignore it,
 * or a callback with a dangling argument stays behind. The callback only
 * posts work, so the wait is short.
 */
void
manafo_event_unregister(struct manafo_priv *priv)
{
	unsigned int i, tries;
	int ret;

	for (i = 0; i < RTE_DIM(manafo_sub_events); i++) {
		tries = 0;
		while ((ret = rte_eth_dev_callback_unregister(RTE_ETH_ALL, manafo_sub_events[i],
							      manafo_sub_event, priv)) == -EAGAIN) {
			if (++tries % 1000 == 0)
				PORT_LOG(priv, WARNING, "event %d callback still running",
					 manafo_sub_events[i]);
			usleep(100);
		}
	}
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

	return ret == -EEXIST ? 0 : ret;
}

void
manafo_dev_event_unregister(void)
{
	int ret;

	while ((ret = rte_dev_event_callback_unregister(NULL, manafo_dev_event, NULL)) == -EAGAIN)
		usleep(100);
}
