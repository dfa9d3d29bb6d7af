/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>

#include "manafo.h"
#include "manafo_azure.h"
#include "manafo_ctrl.h"

/*
 * Sub-device attach, detach and configuration replay. Everything here runs
 * with the port lock held, from the probe, an application op or the
 * control thread: never from an event callback.
 */

const char *
manafo_state_name(enum manafo_sub_state state)
{
	static const char *const names[] = {
		[MANAFO_SUB_ABSENT] = "absent",
		[MANAFO_SUB_READY] = "ready",
		[MANAFO_SUB_ACTIVE] = "active",
		[MANAFO_SUB_STANDBY] = "standby",
		[MANAFO_SUB_GONE] = "gone",
	};

	return (unsigned int)state < RTE_DIM(names) ? names[state] : "?";
}

void
manafo_sub_set_state(struct manafo_priv *priv, struct manafo_sub *sub,
		     enum manafo_sub_state state, enum manafo_cause cause)
{
	if (sub->state == state && sub->cause == cause)
		return;
	PORT_LOG(priv, DEBUG, "%s: %s -> %s (%s)", manafo_role_name(sub->role),
		 manafo_state_name(sub->state), manafo_state_name(state),
		 manafo_cause_name(cause));
	sub->state = state;
	sub->cause = cause;
}

/* May we call this sub-device's control functions now? */
bool
manafo_sub_controllable(const struct manafo_priv *priv, const struct manafo_sub *sub)
{
	uint32_t steer = manafo_steer_load(priv);

	if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE)
		return false;
	return !(steer & MANAFO_STEER(sub->role, MANAFO_STEER_RECOVERING | MANAFO_STEER_DEAD));
}

/* Is the port still the one we own (not released and reused under us)? */
static bool
sub_still_ours(const struct manafo_priv *priv, const struct manafo_sub *sub)
{
	struct rte_eth_dev_owner owner;

	if (sub->port_id == MANAFO_NO_PORT || !rte_eth_dev_is_valid_port(sub->port_id))
		return false;
	if (rte_eth_dev_owner_get(sub->port_id, &owner) != 0)
		return false;
	return owner.id == priv->owner.id;
}

/* The port of a device; with mac, the one of that MAC (a device may have several). */
static int
port_of_device(const char *devname, const uint8_t *mac, uint16_t *port_id)
{
	uint16_t pid;

	for (pid = 0; pid < RTE_MAX_ETHPORTS; pid++) {
		struct rte_eth_dev *edev = &rte_eth_devices[pid];

		if (!rte_eth_dev_is_valid_port(pid) || edev->device == NULL)
			continue;
		if (strcmp(rte_dev_name(edev->device), devname) != 0)
			continue;
		if (mac != NULL && (edev->data->mac_addrs == NULL ||
				    memcmp(edev->data->mac_addrs[0].addr_bytes, mac, 6) != 0))
			continue;
		*port_id = pid;
		return 0;
	}
	return -ENODEV;
}

/*
 * Probe a sub-device from its devargs, or take the port it already has.
 * Every failure is logged here, once: at probe as an error, later (hot-plug
 * polls) once per run of failures.
 */
static int
sub_probe(struct manafo_priv *priv, struct manafo_sub *sub, const char *devargs,
	  uint16_t *port_id, bool at_probe)
{
	char busname[32];
	struct rte_devargs da;
	uint8_t mac[6];
	bool pci, by_mac;
	int ret;

	memset(&da, 0, sizeof(da));
	ret = rte_devargs_parse(&da, devargs);
	if (ret != 0) {
		PORT_LOG(priv, ERR, "%s(%s): no bus knows this device", manafo_role_name(sub->role),
			 devargs);
		return -EINVAL;
	}
	strlcpy(sub->devname, da.name, sizeof(sub->devname));
	strlcpy(busname, rte_bus_name(da.bus), sizeof(busname));
	sub->probed = false;
	/* One MANA PCI device carries the ports of several NICs: its mac= picks ours. */
	pci = strcmp(busname, "pci") == 0;
	by_mac = pci && manafo_args_devargs_mac(devargs, mac) == 0;
	if (port_of_device(da.name, by_mac ? mac : NULL, port_id) == 0) {
		PORT_LOG(priv, INFO, "%s: taking the already probed device %s",
			 manafo_role_name(sub->role), da.name);
		rte_devargs_reset(&da);
		return 0;
	}
	/* A MANA VF probed before its IB device is registered fails with -ENODEV. */
	ret = pci ? manafo_azure_vf_ready(priv, sub->role, da.name) : 0;
	if (ret < 0) {
		rte_devargs_reset(&da);
		return ret;
	}
	ret = rte_eal_hotplug_add(busname, da.name, da.args ? da.args : "");
	rte_devargs_reset(&da);
	if (ret < 0) {
		if (at_probe || sub->attach_failures++ == 0)
			PORT_LOG_LVL(priv, at_probe ? RTE_LOG_ERR : RTE_LOG_INFO,
				     "%s %s: probe failed: %s", manafo_role_name(sub->role),
				     sub->devname, rte_strerror(-ret));
		return ret;
	}
	if (port_of_device(sub->devname, by_mac ? mac : NULL, port_id) != 0) {
		PORT_LOG(priv, ERR, "%s: device %s has no ethdev port", manafo_role_name(sub->role),
			 sub->devname);
		rte_eal_hotplug_remove(busname, sub->devname);
		return -ENODEV;
	}
	sub->probed = true;
	return 0;
}

/* Finds the port of a sub-device; a failure is logged where it is found. */
static int
sub_find(struct manafo_priv *priv, struct manafo_sub *sub, uint16_t *port_id, bool at_probe)
{
	const char *devargs = priv->args.sub_devargs[sub->role];
	const char *pname = priv->args.sub_port[sub->role];
	char found[MANAFO_SUB_ARGS_MAX];
	int ret;

	/*
	 * vf(auto)/synth(auto): discover at every attempt, never remember the
	 * first answer: a VF back from a PCI remove and rescan may have
	 * another address.
	 */
	if (priv->args.sub_auto[sub->role]) {
		ret = manafo_azure_discover(priv, sub->role, found, sizeof(found));
		if (ret < 0) {
			/* Names the role in the logs until a device is found. */
			if (sub->devname[0] == '\0')
				strlcpy(sub->devname, MANAFO_AUTO, sizeof(sub->devname));
			return ret;
		}
		devargs = found;
	}
	if (devargs[0] != '\0')
		return sub_probe(priv, sub, devargs, port_id, at_probe);
	ret = rte_eth_dev_get_port_by_name(pname, port_id);
	if (ret != 0) {
		/* As for a probe: ERR at probe, once per run of failed polls after. */
		if (at_probe || sub->attach_failures++ == 0)
			PORT_LOG_LVL(priv, at_probe ? RTE_LOG_ERR : RTE_LOG_INFO,
				     "%s_port=%s: no such port", manafo_role_name(sub->role),
				     pname);
		return -ENODEV;
	}
	if (rte_eth_devices[*port_id].device != NULL)
		strlcpy(sub->devname, rte_dev_name(rte_eth_devices[*port_id].device),
			sizeof(sub->devname));
	sub->probed = false;
	return 0;
}

static int
sub_own(struct manafo_priv *priv, struct manafo_sub *sub, uint16_t port_id)
{
	const struct manafo_sub *other = &priv->sub[sub->role ^ 1];
	struct rte_eth_dev_owner owner;
	int ret;

	if (other->state != MANAFO_SUB_ABSENT && other->port_id == port_id) {
		PORT_LOG(priv, ERR, "port %u (%s) given as both vf and synth", port_id,
			 sub->devname);
		return -EINVAL;
	}
	ret = rte_eth_dev_owner_set(port_id, &priv->owner);
	if (ret != 0) {
		rte_eth_dev_owner_get(port_id, &owner);
		PORT_LOG(priv, ERR, "%s: port %u (%s) is owned by \"%s\", cannot take it",
			 manafo_role_name(sub->role), port_id, sub->devname, owner.name);
		return -EBUSY;
	}
	return 0;
}

/*
 * Hand a port back. A device we probed is removed; so is a dead one we only
 * adopted (probed by EAL's -a, or given as *_port=): left in place, the next
 * hot-plug poll would take the same dead port again.
 */
static void
sub_release(struct manafo_priv *priv, struct manafo_sub *sub, uint16_t port_id, bool owned,
	    bool dead)
{
	struct rte_device *dev = rte_eth_devices[port_id].device;

	if (owned)
		rte_eth_dev_owner_unset(port_id, priv->owner.id);
	if ((sub->probed || dead) && dev != NULL) {
		rte_eth_dev_close(port_id);
		rte_dev_remove(dev);
	}
	sub->probed = false;
}

int
manafo_sub_attach(struct manafo_priv *priv, enum manafo_role role, bool at_probe)
{
	struct manafo_sub *sub = &priv->sub[role];
	uint16_t port_id;
	int ret;

	/* sub_find logged why it failed: one line, naming the device or port. */
	ret = sub_find(priv, sub, &port_id, at_probe);
	if (ret < 0)
		return ret;
	ret = sub_own(priv, sub, port_id);
	if (ret < 0) {
		sub_release(priv, sub, port_id, false, false);
		return ret;
	}
	ret = rte_eth_dev_info_get(port_id, &sub->info);
	if (ret == 0) {
		sub->info_valid = true;
	} else if (!sub->info_valid) {
		/* MANA answers -EBUSY while its reset lock is contended. */
		PORT_LOG_LVL(priv, at_probe ? RTE_LOG_ERR : RTE_LOG_INFO,
			     "%s %s: no device info: %s",
			 manafo_role_name(role), sub->devname, rte_strerror(-ret));
		sub_release(priv, sub, port_id, true, false);
		return ret;
	}
	/* A new generation first: events of the new port carry it. */
	__atomic_store_n(&sub->gen, sub->gen + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&sub->port_id, port_id, __ATOMIC_RELEASE);
	sub->configured = false;
	sub->started = false;
	sub->recovering = false;
	sub->attach_failures = 0;
	sub->dirty = MANAFO_DIRTY_ALL;
	manafo_steer_set(priv, 0, MANAFO_STEER(role, MANAFO_STEER_DEAD | MANAFO_STEER_RECOVERING |
					       MANAFO_STEER_RX | MANAFO_STEER_TX));
	manafo_xstats_cache(sub);
	manafo_flow_attached(priv, sub);
	manafo_queues_set_port(priv, role, port_id);
	manafo_sub_set_state(priv, sub, MANAFO_SUB_READY, MANAFO_CAUSE_NONE);
	PORT_LOG(priv, INFO, "%s: port %u (%s, driver %s) attached", manafo_role_name(role),
		 port_id, sub->devname, sub->info.driver_name);
	return 0;
}

/*
 * Give a sub-device up (dead: it failed or left, remove it even if adopted).
 * The caller has steered away from it and waited for the data path to leave
 * it (manafo_quiesce).
 */
void
manafo_sub_detach(struct manafo_priv *priv, enum manafo_role role, bool dead)
{
	struct manafo_sub *sub = &priv->sub[role];
	uint16_t port_id = sub->port_id;
	bool ours;

	if (sub->state == MANAFO_SUB_ABSENT)
		return;
	ours = sub_still_ours(priv, sub);
	if (ours) {
		manafo_stats_fold(sub);
		manafo_xstats_cache(sub);
	}
	manafo_stats_detach(sub);
	/* Events of the port from now on are not this sub-device's. */
	__atomic_store_n(&sub->port_id, MANAFO_NO_PORT, __ATOMIC_RELEASE);
	if (ours) {
		if (sub->started)
			rte_eth_dev_stop(port_id);
		sub_release(priv, sub, port_id, true, dead);
	} else {
		PORT_LOG(priv, INFO, "%s: port %u was already released by someone else",
			 manafo_role_name(role), port_id);
	}
	sub->started = false;
	sub->configured = false;
	sub->recovering = false;
	manafo_flow_detached(priv, sub);
	sub->absent_since_ns = manafo_now_ns();
	manafo_sub_set_state(priv, sub, MANAFO_SUB_ABSENT, sub->cause);
}

/*
 * The port's configuration record, adjusted to what this sub-device can
 * signal. Never dev->data->dev_conf: on the control thread that is being
 * rewritten by the application's next rte_eth_dev_configure() (BUG-8).
 */
int
manafo_sub_configure(struct manafo_priv *priv, struct manafo_sub *sub)
{
	struct rte_eth_conf conf = priv->conf;
	uint32_t flags = rte_eth_devices[sub->port_id].data->dev_flags;
	int ret;

	conf.intr_conf.lsc = !!(flags & RTE_ETH_DEV_INTR_LSC);
	conf.intr_conf.rmv = !!(flags & RTE_ETH_DEV_INTR_RMV);
	conf.intr_conf.rxq = 0;
	conf.rxmode.offloads &= sub->info.rx_offload_capa;
	conf.txmode.offloads &= sub->info.tx_offload_capa;
	conf.rx_adv_conf.rss_conf.rss_hf &= sub->info.flow_type_rss_offloads;
	if (conf.rx_adv_conf.rss_conf.rss_hf == 0 &&
	    (conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG))
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	ret = rte_eth_dev_configure(sub->port_id, priv->nb_rxq, priv->nb_txq, &conf);
	if (ret < 0)
		return ret;
	sub->configured = true;
	return 0;
}

int
manafo_sub_queues_setup(struct manafo_priv *priv, struct manafo_sub *sub)
{
	uint16_t i;
	int ret;

	for (i = 0; i < priv->nb_rxq; i++) {
		struct manafo_rxq *rxq = priv->rxqs[i];
		struct rte_eth_rxconf conf;

		if (rxq == NULL)
			continue;
		conf = rxq->conf;
		conf.offloads &= sub->info.rx_queue_offload_capa | sub->info.rx_offload_capa;
		ret = rte_eth_rx_queue_setup(sub->port_id, i, rxq->nb_desc, rxq->socket, &conf,
					     rxq->mp);
		if (ret < 0)
			return ret;
	}
	for (i = 0; i < priv->nb_txq; i++) {
		struct manafo_txq *txq = priv->txqs[i];
		struct rte_eth_txconf conf;

		if (txq == NULL)
			continue;
		conf = txq->conf;
		conf.offloads &= sub->info.tx_queue_offload_capa | sub->info.tx_offload_capa;
		ret = rte_eth_tx_queue_setup(sub->port_id, i, txq->nb_desc, txq->socket, &conf);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
manafo_sub_start(struct manafo_priv *priv, struct manafo_sub *sub)
{
	int ret;

	if (sub->started)
		return 0;
	ret = rte_eth_dev_start(sub->port_id);
	if (ret < 0) {
		PORT_LOG(priv, ERR, "%s: start failed: %s", manafo_role_name(sub->role),
			 rte_strerror(-ret));
		return ret;
	}
	sub->started = true;
	manafo_queues_bind(priv, sub->role);
	return 0;
}

void
manafo_sub_stop(struct manafo_priv *priv, struct manafo_sub *sub)
{
	int ret;

	if (!sub->started)
		return;
	ret = rte_eth_dev_stop(sub->port_id);
	if (ret < 0 && ret != -ENODEV)
		PORT_LOG(priv, WARNING, "%s: stop failed: %s", manafo_role_name(sub->role),
			 rte_strerror(-ret));
	sub->started = false;
}

/* -ENOTSUP from one sub-device is fine: the other one carries the feature. */
static int
replay_result(struct manafo_priv *priv, struct manafo_sub *sub, const char *what, int ret)
{
	if (ret == -ENOTSUP || ret == 0)
		return 0;
	PORT_LOG_LVL(priv, ret == -EBUSY ? RTE_LOG_INFO : RTE_LOG_ERR,
		     "%s: replay of %s failed: %s",
		 manafo_role_name(sub->role), what, rte_strerror(-ret));
	return ret;
}

/* An extra address (not the main one) of the record? */
static bool
mac_recorded(const struct manafo_priv *priv, const struct rte_ether_addr *addr)
{
	uint32_t i;

	for (i = 1; i < priv->nb_macs; i++)
		if (rte_is_same_ether_addr(&priv->macs[i], addr))
			return true;
	return false;
}

/*
 * The sub-device's extra addresses the record no longer has: removed while
 * it could not be told (a recovery). Also the next main address if the
 * sub-device holds it as an extra one: ethdev refuses it as main then.
 */
static int
replay_mac_removals(struct manafo_priv *priv, struct manafo_sub *sub)
{
	struct rte_ether_addr held[MANAFO_MAX_MACS];
	int i, n, ret = 0;

	n = rte_eth_macaddrs_get(sub->port_id, held, RTE_DIM(held));
	if (n < 0)
		return replay_result(priv, sub, "MAC list", n);
	for (i = 1; ret == 0 && i < n; i++)
		if (!rte_is_zero_ether_addr(&held[i]) && !mac_recorded(priv, &held[i]))
			ret = replay_result(priv, sub, "MAC address removal",
					    rte_eth_dev_mac_addr_remove(sub->port_id, &held[i]));
	return ret;
}

/* The record's MAC list, exactly, and its multicast list (empty included). */
static int
replay_macs(struct manafo_priv *priv, struct manafo_sub *sub)
{
	uint16_t port = sub->port_id;
	uint32_t i;
	int ret;

	ret = replay_mac_removals(priv, sub);
	if (ret == 0)
		ret = replay_result(priv, sub, "MAC address",
				    rte_eth_dev_default_mac_addr_set(port, &priv->macs[0]));
	for (i = 1; ret == 0 && i < priv->nb_macs; i++)
		if (!rte_is_zero_ether_addr(&priv->macs[i]))
			ret = replay_result(priv, sub, "MAC address",
					    rte_eth_dev_mac_addr_add(port, &priv->macs[i], 0));
	if (ret == 0 && priv->mc_set)
		ret = replay_result(priv, sub, "multicast list",
			rte_eth_dev_set_mc_addr_list(port, priv->mc_addrs, priv->nb_mc_addrs));
	return ret;
}

/*
 * The record's VLAN filter table, exactly: first off what the sub-device
 * has and the record not (ethdev's copy of its table: ethdev updates it
 * on each success), then on every recorded VLAN.
 */
static int
replay_vlans(struct manafo_priv *priv, struct manafo_sub *sub)
{
	const struct rte_vlan_filter_conf *held =
		&rte_eth_devices[sub->port_id].data->vlan_filter_conf;
	unsigned int w, b;
	int ret = 0;

	for (w = 0; ret == 0 && w < RTE_DIM(priv->vlan_ids); w++) {
		uint64_t stale = held->ids[w] & ~priv->vlan_ids[w];

		for (b = 0; ret == 0 && stale != 0; b++, stale >>= 1)
			if (stale & 1)
				ret = replay_result(priv, sub, "VLAN filter removal",
					rte_eth_dev_vlan_filter(sub->port_id, w * 64 + b, 0));
	}
	for (w = 0; ret == 0 && w < RTE_DIM(priv->vlan_ids); w++) {
		uint64_t bits = priv->vlan_ids[w];

		for (b = 0; ret == 0 && bits != 0; b++, bits >>= 1)
			if (bits & 1)
				ret = replay_result(priv, sub, "VLAN filter",
					rte_eth_dev_vlan_filter(sub->port_id, w * 64 + b, 1));
	}
	return ret;
}

static int
replay_rss(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t what)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];
	/* The record, with its key (ours): kept current by rss_hash_update. */
	struct rte_eth_rss_conf rss = priv->conf.rx_adv_conf.rss_conf;
	uint16_t i, size;
	int ret = 0;

	if ((what & MANAFO_DIRTY_RSS) && priv->rss_set) {
		rss.rss_hf &= sub->info.flow_type_rss_offloads;
		ret = replay_result(priv, sub, "RSS hash", rte_eth_dev_rss_hash_update(sub->port_id,
										       &rss));
	}
	if (ret == 0 && (what & MANAFO_DIRTY_RETA) && priv->reta_set) {
		size = RTE_MIN(priv->reta_size, sub->info.reta_size);
		memset(reta, 0, sizeof(reta));
		for (i = 0; i < size; i++) {
			reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
				1ULL << (i % RTE_ETH_RETA_GROUP_SIZE);
			reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
				priv->reta[i];
		}
		ret = replay_result(priv, sub, "RSS RETA",
				    rte_eth_dev_rss_reta_update(sub->port_id, reta, size));
	}
	return ret;
}

static int
replay_modes(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t what)
{
	uint16_t port = sub->port_id;
	uint16_t mtu;
	int ret = 0;

	if ((what & MANAFO_DIRTY_MTU) && rte_eth_dev_get_mtu(port, &mtu) == 0 &&
	    mtu != priv->mtu)
		ret = replay_result(priv, sub, "MTU", rte_eth_dev_set_mtu(port, priv->mtu));
	if (ret == 0 && (what & MANAFO_DIRTY_PROMISC))
		ret = replay_result(priv, sub, "promiscuous mode", priv->promisc ?
				    rte_eth_promiscuous_enable(port) :
				    rte_eth_promiscuous_disable(port));
	if (ret == 0 && (what & MANAFO_DIRTY_ALLMULTI))
		ret = replay_result(priv, sub, "all-multicast mode", priv->allmulti ?
				    rte_eth_allmulticast_enable(port) :
				    rte_eth_allmulticast_disable(port));
	return ret;
}

/*
 * Apply the recorded configuration items `what` to a sub-device; clear the
 * ones applied from its dirty set. A returning VF gets the same
 * configuration as if it had been there all along.
 */
int
manafo_sub_replay(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t what)
{
	int ret = 0;

	if (!manafo_sub_controllable(priv, sub))
		return -EBUSY;
	if (what & MANAFO_DIRTY_CONF) {
		if (!priv->configured) {
			sub->dirty &= ~MANAFO_DIRTY_CONF;
			return 0;	/* nothing recorded yet */
		}
		manafo_sub_stop(priv, sub);
		ret = manafo_sub_configure(priv, sub);
		if (ret == 0)
			ret = manafo_sub_queues_setup(priv, sub);
		if (ret < 0) {
			/* Not even -ENOTSUP is fine here: the device has no queues. */
			PORT_LOG_LVL(priv, ret == -EBUSY ? RTE_LOG_INFO : RTE_LOG_ERR,
				     "%s: replay of the configuration failed: %s",
				     manafo_role_name(sub->role), rte_strerror(-ret));
			return ret;
		}
		sub->dirty &= ~MANAFO_DIRTY_CONF;
		priv->cnt.config_replays++;
		/* Rules may not survive a reconfiguration: the flow replay resyncs them. */
		manafo_flow_stale(priv, sub);
		what |= sub->dirty & MANAFO_DIRTY_FLOW;
	}
	ret = replay_modes(priv, sub, what);
	if (ret == 0 && (what & (MANAFO_DIRTY_MAC | MANAFO_DIRTY_MC)))
		ret = replay_macs(priv, sub);
	if (ret == 0 && (what & MANAFO_DIRTY_VLAN))
		ret = replay_vlans(priv, sub);
	if (ret == 0)
		ret = replay_rss(priv, sub, what);
	if (ret < 0)
		return ret;
	sub->dirty &= ~(what & ~(MANAFO_DIRTY_CONF | MANAFO_DIRTY_START | MANAFO_DIRTY_FLOW));
	if (what & MANAFO_DIRTY_START) {
		if (priv->started)
			ret = manafo_sub_start(priv, sub);
		else
			manafo_sub_stop(priv, sub);
		if (ret == 0)
			sub->dirty &= ~MANAFO_DIRTY_START;
	}
	/* Last: without RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP rules need a started port. */
	if (ret == 0 && (what & MANAFO_DIRTY_FLOW))
		ret = manafo_flow_replay(priv, sub);
	return ret;
}
