/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <ethdev_vdev.h>
#include <bus_vdev_driver.h>
#include <rte_malloc.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * net_manafo: one port over a MANA VF and a synthetic path (design.md §1).
 * This file holds the vdev probe and remove, and what every other file uses.
 */

RTE_LOG_REGISTER(manafo_logtype, pmd.net.manafo, NOTICE);

static pthread_mutex_t ports_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int nb_ports;

uint64_t
manafo_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *
manafo_cause_name(enum manafo_cause cause)
{
	static const char *const names[] = {
		[MANAFO_CAUSE_NONE] = "none",
		[MANAFO_CAUSE_RESET] = "service reset",
		[MANAFO_CAUSE_LINK] = "link down",
		[MANAFO_CAUSE_TX_HANG] = "TX hang",
		[MANAFO_CAUSE_DRILL] = "drill",
		[MANAFO_CAUSE_FORCED] = "forced",
		[MANAFO_CAUSE_REMOVED] = "removed",
		[MANAFO_CAUSE_FAILED] = "recovery failed",
		[MANAFO_CAUSE_TIMEOUT] = "recovery timeout",
		[MANAFO_CAUSE_DEV_RESET] = "device reset",
		[MANAFO_CAUSE_STOPPED] = "stopped",
		[MANAFO_CAUSE_CONFIG] = "configuration pending",
	};

	return (unsigned int)cause < RTE_DIM(names) ? names[cause] : "?";
}

/*
 * The control thread and the device-event callback live while ports do.
 * The ethdev event callbacks, once registered, stay for the life of the
 * process: ethdev cannot always take an RTE_ETH_ALL callback back (see
 * manafo_event.c), and with no port in the registry they do nothing.
 */
static int
manafo_port_get(void)
{
	static bool events_registered;
	int ret = 0;

	pthread_mutex_lock(&ports_lock);
	if (!events_registered) {
		ret = manafo_event_register();
		events_registered = ret == 0;
	}
	if (ret == 0 && nb_ports == 0) {
		ret = manafo_ctrl_get();
		if (ret == 0) {
			ret = manafo_dev_event_register();
			if (ret < 0)
				manafo_ctrl_put();
		}
	}
	if (ret == 0)
		nb_ports++;
	pthread_mutex_unlock(&ports_lock);
	return ret;
}

void
manafo_port_put(void)
{
	bool last;

	pthread_mutex_lock(&ports_lock);
	last = nb_ports > 0 && --nb_ports == 0;
	pthread_mutex_unlock(&ports_lock);
	if (!last)
		return;
	manafo_dev_event_unregister();
	manafo_ctrl_put();
}

static int
manafo_port_mac(struct manafo_priv *priv)
{
	struct rte_eth_dev_data *data = priv->dev->data;

	data->mac_addrs = rte_zmalloc(priv->name, sizeof(*data->mac_addrs) * MANAFO_MAX_MACS, 0);
	if (data->mac_addrs == NULL)
		return -ENOMEM;
	/* On Azure the synthetic NIC and its VF share one MAC address. */
	if (priv->args.has_mac)
		memcpy(&priv->macs[0], priv->args.mac, RTE_ETHER_ADDR_LEN);
	else
		rte_eth_macaddr_get(priv->sub[MANAFO_SYNTH].port_id, &priv->macs[0]);
	if (rte_is_zero_ether_addr(&priv->macs[0]) &&
	    priv->sub[MANAFO_VF].port_id != MANAFO_NO_PORT)
		rte_eth_macaddr_get(priv->sub[MANAFO_VF].port_id, &priv->macs[0]);
	if (rte_is_zero_ether_addr(&priv->macs[0]))
		rte_eth_random_addr(priv->macs[0].addr_bytes);
	priv->nb_macs = 1;
	data->mac_addrs[0] = priv->macs[0];
	return 0;
}

static void
manafo_priv_init(struct manafo_priv *priv, struct rte_eth_dev *dev, const char *name)
{
	int r;

	priv->dev = dev;
	priv->port_id = dev->data->port_id;
	strlcpy(priv->name, name, sizeof(priv->name));
	manafo_mutex_init(&priv->lock);
	manafo_flow_init(priv);
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		priv->sub[r].priv = priv;
		priv->sub[r].role = (enum manafo_role)r;
		priv->sub[r].state = MANAFO_SUB_ABSENT;
		priv->sub[r].port_id = MANAFO_NO_PORT;
	}
}

static int
manafo_owner_init(struct manafo_priv *priv)
{
	int ret = rte_eth_dev_owner_new(&priv->owner.id);

	if (ret == 0)
		snprintf(priv->owner.name, sizeof(priv->owner.name), "%s", priv->name);
	return ret;
}

/* Probe-time attach of both sub-devices; unwinds itself on failure. */
static int
manafo_attach_all(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	int ret;

	ret = manafo_sub_attach(priv, MANAFO_SYNTH, true);
	if (ret < 0)
		return ret;
	if (manafo_args_has(&priv->args, MANAFO_VF)) {
		ret = manafo_sub_attach(priv, MANAFO_VF, true);
		/* vf(auto) with no VF yet: start on the synthetic path, polls find it later. */
		if (ret == -EAGAIN && priv->args.sub_auto[MANAFO_VF])
			ret = 0;
		if (ret < 0) {
			manafo_sub_detach(priv, MANAFO_SYNTH, false);
			return ret;
		}
	}
	return 0;
}

/* Every failure is logged once, by the code that finds it. */
static int
manafo_create(struct rte_vdev_device *vdev, const struct manafo_args *args)
{
	const char *name = rte_vdev_device_name(vdev);
	struct manafo_priv *priv;
	struct rte_eth_dev *dev;
	int ret;

	dev = rte_eth_vdev_allocate(vdev, sizeof(*priv));
	if (dev == NULL) {
		NAME_LOG(name, ERR, "cannot allocate the ethdev port");
		return -ENOMEM;
	}
	priv = dev->data->dev_private;
	manafo_priv_init(priv, dev, name);
	priv->args = *args;
	ret = manafo_guard_init(priv);
	if (ret == 0) {
		ret = manafo_owner_init(priv);
		if (ret < 0)
			PORT_LOG(priv, ERR, "no ethdev owner id: %s", rte_strerror(-ret));
	}
	if (ret == 0)
		ret = manafo_port_get();
	if (ret < 0)
		goto fail_early;
	/* In the registry first: it routes the sub-devices' events from their probe on. */
	manafo_registry_add(priv);
	manafo_mutex_lock(&priv->lock);
	ret = manafo_attach_all(priv);
	manafo_mutex_unlock(&priv->lock);
	if (ret < 0)
		goto fail_registry;
	ret = manafo_port_mac(priv);
	if (ret < 0) {
		PORT_LOG(priv, ERR, "no memory for the MAC address table");
		goto fail_attach;
	}
	dev->dev_ops = &manafo_ops;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_INTR_RMV |
				RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	manafo_set_burst(dev, priv->guard != MANAFO_GUARD_MEMBARRIER);
	manafo_registry_publish(priv);
	rte_eth_dev_probing_finish(dev);
	if (manafo_args_has(&priv->args, MANAFO_VF) &&
	    priv->sub[MANAFO_VF].state == MANAFO_SUB_ABSENT)
		manafo_hotplug_arm(priv, MANAFO_VF, priv->args.hotplug_poll_ms);
	PORT_LOG(priv, INFO, "port %u: vf %s, synth %s, guard %s", priv->port_id,
		 priv->sub[MANAFO_VF].state == MANAFO_SUB_ABSENT ? "(none)" :
		 priv->sub[MANAFO_VF].devname, priv->sub[MANAFO_SYNTH].devname,
		 manafo_guard_name(priv->guard));
	return 0;

fail_attach:
	manafo_mutex_lock(&priv->lock);
	manafo_sub_detach(priv, MANAFO_VF, false);
	manafo_sub_detach(priv, MANAFO_SYNTH, false);
	manafo_mutex_unlock(&priv->lock);
fail_registry:
	manafo_registry_del(priv);
	manafo_ctrl_forget(priv);
	manafo_port_put();
fail_early:
	if (priv->owner.id != 0)
		rte_eth_dev_owner_delete(priv->owner.id);
	manafo_xstats_free(&priv->sub[MANAFO_VF]);
	manafo_xstats_free(&priv->sub[MANAFO_SYNTH]);
	manafo_mutex_destroy(&priv->lock);
	rte_eth_dev_release_port(dev);
	return ret;
}

static int
manafo_probe_secondary(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_attach_secondary(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return -ENODEV;
	/* Shared port data is the primary's: choose this process's bursts only. */
	dev->dev_ops = &manafo_secondary_ops;
	dev->device = &vdev->device;
	manafo_set_burst(dev, true);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
manafo_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	const char *params = rte_vdev_device_args(vdev);
	struct manafo_args args;
	char err[512];
	int ret;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return manafo_probe_secondary(vdev);
	ret = manafo_args_parse(params, &args, err, sizeof(err));
	if (ret < 0) {
		NAME_LOG(name, ERR, "%s", err);
		return ret;
	}
	/*
	 * A failure was logged where it was found, naming the bad value (a
	 * sub-device, a port, an owner): one error line per failed probe.
	 */
	return manafo_create(vdev, &args);
}

static int
manafo_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;	/* already closed by the application */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(dev);
	return rte_eth_dev_close(dev->data->port_id);
}

static struct rte_vdev_driver manafo_driver = {
	.probe = manafo_probe,
	.remove = manafo_remove,
};

RTE_PMD_REGISTER_VDEV(net_manafo, manafo_driver);
RTE_PMD_REGISTER_ALIAS(net_manafo, net_failover);
RTE_PMD_REGISTER_PARAM_STRING(net_manafo,
	"vf(<devargs>|auto) "
	"synth(<devargs>|auto) "
	"vf_port=<name> "
	"synth_port=<name> "
	"mac=<xx:xx:xx:xx:xx:xx> "
	"guard=membarrier|cas|auto "
	"failback_ms=<ms> "
	"recovery_timeout_ms=<ms> "
	"hotplug_poll_ms=<ms> "
	"tx_timeout_ms=<ms> "
	"tx_hang_max=<n> "
	"sysfs=<path>");

RTE_INIT(manafo_init)
{
	manafo_telemetry_register();
}
