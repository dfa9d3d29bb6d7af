/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * net_manasim: vdev probe/remove and the control path. Control operations
 * follow MANA: try the reset lock and return -EBUSY when it is contended or
 * a reset runs (configure, start, dev_infos_get, queue setup, MTU, RSS);
 * queue release is skipped during a reset; stats, link and queue info
 * always work; stop and close abort a running reset.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "manasim.h"

RTE_LOG_REGISTER(manasim_logtype, pmd.net.manasim, NOTICE);

static const uint8_t ms_default_rss_key[MANASIM_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* A control call made from our own NEW callback: the lock is ours already. */
static bool
ms_self_holds_lock(struct manasim_priv *priv)
{
	return manasim_is_reset_thread(priv) && priv->in_new_cb;
}

/* ---- Configuration ------------------------------------------------------ */

static void
ms_rss_defaults(struct manasim_priv *priv, uint16_t nb_rxq)
{
	unsigned int i;

	for (i = 0; i < MANASIM_RETA_SIZE; i++)
		priv->reta[i] = nb_rxq == 0 ? 0 : i % nb_rxq;
}

static int
ms_dev_configure(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	const struct rte_eth_rss_conf *rss = &dev->data->dev_conf.rx_adv_conf.rss_conf;
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		/* For rte_pmd_manasim_info_get(), which must not read dev->data. */
		__atomic_store_n(&priv->nb_rxq, dev->data->nb_rx_queues, __ATOMIC_RELAXED);
		__atomic_store_n(&priv->nb_txq, dev->data->nb_tx_queues, __ATOMIC_RELAXED);
		ms_rss_defaults(priv, dev->data->nb_rx_queues);
		if (rss->rss_key != NULL && rss->rss_key_len == MANASIM_RSS_KEY_LEN)
			memcpy(priv->rss_key, rss->rss_key, MANASIM_RSS_KEY_LEN);
		if (dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG)
			priv->rss_hf = rss->rss_hf & MANASIM_RSS_HF;
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

static int
ms_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct manasim_priv *priv = manasim_priv(dev);
	bool resetting;

	/* MANA answers -EBUSY while its reset lock is taken; a dead port answers. */
	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	resetting = manasim_state(priv) == RTE_PMD_MANASIM_ST_RESETTING;
	rte_spinlock_unlock(&priv->lock);
	if (resetting)
		return -EBUSY;

	info->max_rx_queues = MANASIM_MAX_QUEUES;
	info->max_tx_queues = MANASIM_MAX_QUEUES;
	info->min_mtu = MANASIM_MIN_MTU;
	info->max_mtu = MANASIM_MAX_MTU;
	info->max_rx_pktlen = MANASIM_MAX_MTU + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	info->min_rx_bufsize = 0;
	info->max_mac_addrs = priv->args.full_ops ? MANASIM_MAX_MAC : 1;
	info->reta_size = MANASIM_RETA_SIZE;
	info->hash_key_size = MANASIM_RSS_KEY_LEN;
	info->flow_type_rss_offloads = MANASIM_RSS_HF;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	if (priv->args.full_ops)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_desc_lim.nb_max = MANASIM_RING_SIZE;
	info->rx_desc_lim.nb_min = 64;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.ring_size = 1024;
	info->default_txportconf.ring_size = 1024;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G;
	info->err_handle_mode = RTE_ETH_ERROR_HANDLE_MODE_PROACTIVE;
#ifdef MANASIM_HAVE_FLOW
	if (priv->args.full_ops)
		info->dev_capa |= RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP;
#endif
	return 0;
}

/* For ops that only need the port idle: try the reset lock, check, release. */
static int
ms_ctrl_check(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

static int
ms_mtu_set(struct rte_eth_dev *dev, uint16_t mtu __rte_unused)
{
	return ms_ctrl_check(dev); /* ethdev stores data->mtu */
}

static int
ms_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if ((conf->rss_hf & ~MANASIM_RSS_HF) != 0 ||
	    (conf->rss_key != NULL && conf->rss_key_len != MANASIM_RSS_KEY_LEN))
		return -EINVAL;
	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		priv->rss_hf = conf->rss_hf;
		if (conf->rss_key != NULL)
			memcpy(priv->rss_key, conf->rss_key, MANASIM_RSS_KEY_LEN);
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

/* Read-only: works during a reset, and takes no lock (NEW callback safe). */
static int
ms_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct manasim_priv *priv = manasim_priv(dev);

	conf->rss_hf = priv->rss_hf;
	if (conf->rss_key != NULL) {
		if (conf->rss_key_len < MANASIM_RSS_KEY_LEN)
			return -EINVAL;
		memcpy(conf->rss_key, priv->rss_key, MANASIM_RSS_KEY_LEN);
	}
	conf->rss_key_len = MANASIM_RSS_KEY_LEN;
	return 0;
}

static int
ms_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	struct manasim_priv *priv = manasim_priv(dev);
	unsigned int i, g, b;
	int ret;

	if (size != MANASIM_RETA_SIZE)
		return -EINVAL;
	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	for (i = 0; ret == 0 && i < size; i++) {
		g = i / RTE_ETH_RETA_GROUP_SIZE;
		b = i % RTE_ETH_RETA_GROUP_SIZE;
		if (conf[g].mask & RTE_BIT64(b))
			priv->reta[i] = conf[g].reta[b];
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

static int
ms_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	struct manasim_priv *priv = manasim_priv(dev);
	unsigned int i, g, b;

	if (size != MANASIM_RETA_SIZE)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		g = i / RTE_ETH_RETA_GROUP_SIZE;
		b = i % RTE_ETH_RETA_GROUP_SIZE;
		if (conf[g].mask & RTE_BIT64(b))
			conf[g].reta[b] = priv->reta[i];
	}
	return 0;
}

/*
 * full_ops=1 only: MANA has none of these. ethdev keeps the result
 * (data->promiscuous, data->all_multicast, data->mac_addrs); a reset keeps it.
 */
static int
ms_promisc(struct rte_eth_dev *dev)
{
	return ms_ctrl_check(dev);
}

static int
ms_mac_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr __rte_unused)
{
	return ms_ctrl_check(dev);
}

static int
ms_mac_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr __rte_unused,
	   uint32_t index __rte_unused, uint32_t vmdq __rte_unused)
{
	return ms_ctrl_check(dev);
}

static void
ms_mac_remove(struct rte_eth_dev *dev, uint32_t index __rte_unused)
{
	/* ethdev clears the entry whatever the driver says. */
	ms_ctrl_check(dev);
}

/* full_ops=1: VLAN filter table and multicast list, kept for the API. */
static int
ms_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		rte_spinlock_lock(&priv->filt_lock);
		if (on)
			priv->vlan_ids[vid / 64] |= RTE_BIT64(vid % 64);
		else
			priv->vlan_ids[vid / 64] &= ~RTE_BIT64(vid % 64);
		rte_spinlock_unlock(&priv->filt_lock);
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

static int
ms_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *addrs, uint32_t nb)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (nb > MANASIM_MAX_MC)
		return -ENOSPC;
	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		rte_spinlock_lock(&priv->filt_lock);
		if (nb > 0)
			memcpy(priv->mc, addrs, nb * sizeof(*addrs));
		priv->nb_mc = nb;
		rte_spinlock_unlock(&priv->filt_lock);
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

void
manasim_filters_read(struct manasim_priv *priv, struct rte_pmd_manasim_filters *f)
{
	memset(f, 0, sizeof(*f));
	rte_spinlock_lock(&priv->filt_lock);
	memcpy(f->vlan_ids, priv->vlan_ids, sizeof(f->vlan_ids));
	f->nb_mc_addrs = priv->nb_mc;
	memcpy(f->mc_addrs, priv->mc, priv->nb_mc * sizeof(priv->mc[0]));
	rte_spinlock_unlock(&priv->filt_lock);
}

/* ---- Start / stop / reset / close -------------------------------------- */

static int
ms_start_queues(struct rte_eth_dev *dev, struct manasim_priv *priv)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (!priv->rxq[q].configured)
			return -EINVAL;
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (!priv->txq[q].configured)
			return -EINVAL;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		if (priv->rxq[q].conf.rx_deferred_start)
			continue;
		manasim_q_unblock(&priv->rxq[q].state, MS_Q_STOPPED);
		dev->data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		if (priv->txq[q].conf.tx_deferred_start)
			continue;
		manasim_q_unblock(&priv->txq[q].state, MS_Q_STOPPED);
		dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	__atomic_store_n(&priv->started, true, __ATOMIC_RELEASE);
	return 0;
}

static int
ms_dev_start(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0)
		ret = ms_start_queues(dev, priv);
	rte_spinlock_unlock(&priv->lock);
	if (ret != 0)
		return ret;
	manasim_link_set(priv, true);
	manasim_sched_arm(priv, true);
	return 0;
}

/* Caller keeps others out (reset lock, or it is the lock holder). */
static void
ms_stop_queues(struct rte_eth_dev *dev, struct manasim_priv *priv)
{
	uint64_t dropped = 0;
	uint16_t q;

	/* rte_eth_dev_stop does not wait for bursts on other lcores: we do. */
	manasim_block_all(priv, MS_Q_STOPPED);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		dropped += manasim_txq_free_held(&priv->txq[q]);
		manasim_txq_repair(&priv->txq[q], true);
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		dev->data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
	__atomic_store_n(&priv->started, false, __ATOMIC_RELEASE);
	manasim_cnt_add(&priv->cnt.tx_hang_dropped, dropped);
}

static void
ms_stop_locked(struct rte_eth_dev *dev, struct manasim_priv *priv)
{
	rte_spinlock_lock(&priv->lock);
	ms_stop_queues(dev, priv);
	rte_spinlock_unlock(&priv->lock);
}

static int
ms_dev_stop(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	bool self_locked = ms_self_holds_lock(priv);

	if (!self_locked)
		manasim_reset_on_stop(priv);
	/* Joins (and so aborts) a running reset, from any other thread. */
	manasim_quiesce(priv, false);
	if (self_locked) {
		MS_LOG(WARNING, "%s: dev_stop from the NEW callback under the reset lock "
		       "(a deadlock on MANA)", priv->name);
		ms_stop_queues(dev, priv);
	} else {
		ms_stop_locked(dev, priv);
	}
	return 0;
}

static void ms_default_mac(const char *name, struct rte_ether_addr *mac);

/*
 * dev_reset=clear: back to the configuration of the probe, as a PMD whose
 * reset is uninit + init: MTU, MAC list, promisc/allmulti, RSS, VLAN and
 * multicast filters. Queues stay set up. Caller holds the reset lock.
 */
static void
ms_config_clear(struct rte_eth_dev *dev, struct manasim_priv *priv)
{
	struct rte_eth_dev_data *data = dev->data;

	data->mtu = RTE_ETHER_MTU;
	data->promiscuous = priv->args.promisc;
	data->all_multicast = 0;
	memset(data->mac_addrs, 0, MANASIM_MAX_MAC * sizeof(data->mac_addrs[0]));
	memset(data->mac_pool_sel, 0, sizeof(data->mac_pool_sel));
	if (priv->args.mac_given)
		data->mac_addrs[0] = priv->args.mac;
	else
		ms_default_mac(priv->name, &data->mac_addrs[0]);
	memset(&data->vlan_filter_conf, 0, sizeof(data->vlan_filter_conf));
	priv->rss_hf = MANASIM_RSS_HF;
	memcpy(priv->rss_key, ms_default_rss_key, sizeof(priv->rss_key));
	ms_rss_defaults(priv, data->nb_rx_queues);
	rte_spinlock_lock(&priv->filt_lock);
	memset(priv->vlan_ids, 0, sizeof(priv->vlan_ids));
	priv->nb_mc = 0;
	rte_spinlock_unlock(&priv->filt_lock);
	MS_LOG(INFO, "%s: reset: configuration back to the probe's (dev_reset=clear)",
	       priv->name);
}

/*
 * rte_eth_dev_reset: stop was done by ethdev; repairs hangs. Keeps the
 * configuration, unless dev_reset=clear.
 */
static int
ms_dev_reset(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0)
		ms_stop_queues(dev, priv);
	if (ret == 0 && priv->args.reset_clears)
		ms_config_clear(dev, priv);
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

static void
ms_release_all(struct manasim_priv *priv)
{
	uint64_t dropped = 0;
	unsigned int q;

	manasim_block_all(priv, MS_Q_STOPPED);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		dropped += manasim_txq_fini(&priv->txq[q]);
		__atomic_store_n(&priv->rxq[q].configured, false, __ATOMIC_RELEASE);
	}
	manasim_cnt_add(&priv->cnt.tx_hang_dropped, dropped);
	manasim_flow_flush_all(priv);
}

static void
ms_release_locked(struct manasim_priv *priv)
{
	rte_spinlock_lock(&priv->lock);
	ms_release_all(priv);
	rte_spinlock_unlock(&priv->lock);
}

static int
ms_dev_close(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	bool self_locked;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	self_locked = ms_self_holds_lock(priv);
	/* Alarms and the reset thread emit nothing more for this port. */
	__atomic_store_n(&priv->closed, 1, __ATOMIC_RELEASE);
	/*
	 * API and telemetry calls find the port no more, and none arms an
	 * alarm for it from now on (manasim_port_alarm_set), so the quiesce
	 * below leaves none behind. A call that found the port before holds a
	 * reference: priv stays allocated until it returns, and what it reads
	 * is in priv, not in dev->data, which ethdev clears after this op.
	 */
	manasim_port_unregister(priv);
	manasim_quiesce(priv, true);
	if (self_locked)
		ms_release_all(priv);
	else
		ms_release_locked(priv);
	MS_LOG(INFO, "%s: port %u closed (%s)", priv->name, priv->port_id,
	       rte_pmd_manasim_state_name(manasim_state(priv)));
	((struct manasim_dev_private *)dev->data->dev_private)->priv = NULL;
	manasim_reg_release(priv->reg);
	manasim_put(priv); /* the port's reference */
	return 0;
}

static int
ms_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	struct manasim_priv *priv = manasim_priv(dev);

	/* MANA has no carrier state: always up, unless a link flap is played. */
	return manasim_link_set(priv, __atomic_load_n(&priv->link_up, __ATOMIC_ACQUIRE) != 0);
}

static int
ms_is_removed(struct rte_eth_dev *dev)
{
	return manasim_state(manasim_priv(dev)) == RTE_PMD_MANASIM_ST_REMOVED;
}

#define MS_COMMON_OPS \
	.dev_configure = ms_dev_configure, \
	.dev_start = ms_dev_start, \
	.dev_stop = ms_dev_stop, \
	.dev_close = ms_dev_close, \
	.dev_reset = ms_dev_reset, \
	.is_removed = ms_is_removed, \
	.link_update = ms_link_update, \
	.dev_infos_get = ms_dev_infos_get, \
	.mtu_set = ms_mtu_set, \
	.stats_get = manasim_stats_get, \
	.stats_reset = manasim_stats_reset, \
	.xstats_get = manasim_xstats_get, \
	.xstats_get_names = manasim_xstats_get_names, \
	.xstats_reset = manasim_xstats_reset, \
	.rx_queue_setup = manasim_rx_queue_setup, \
	.tx_queue_setup = manasim_tx_queue_setup, \
	.rx_queue_release = manasim_rx_queue_release, \
	.tx_queue_release = manasim_tx_queue_release, \
	.rx_queue_start = manasim_rx_queue_start, \
	.rx_queue_stop = manasim_rx_queue_stop, \
	.tx_queue_start = manasim_tx_queue_start, \
	.tx_queue_stop = manasim_tx_queue_stop, \
	.rxq_info_get = manasim_rxq_info_get, \
	.txq_info_get = manasim_txq_info_get, \
	.reta_update = ms_reta_update, \
	.reta_query = ms_reta_query, \
	.rss_hash_update = ms_rss_hash_update, \
	.rss_hash_conf_get = ms_rss_hash_conf_get

/* What MANA has: no promiscuous, allmulticast, MAC or flow operations. */
static const struct eth_dev_ops ms_ops = {
	MS_COMMON_OPS,
};

/* full_ops=1: a NIC that has them, to test their replay. */
static const struct eth_dev_ops ms_ops_full = {
	MS_COMMON_OPS,
	.promiscuous_enable = ms_promisc,
	.promiscuous_disable = ms_promisc,
	.allmulticast_enable = ms_promisc,
	.allmulticast_disable = ms_promisc,
	.mac_addr_set = ms_mac_set,
	.mac_addr_add = ms_mac_add,
	.mac_addr_remove = ms_mac_remove,
	.vlan_filter_set = ms_vlan_filter_set,
	.set_mc_addr_list = ms_set_mc_addr_list,
	.flow_ops_get = manasim_flow_ops_get,
};

static int
ms_dev_close_secondary(struct rte_eth_dev *dev __rte_unused)
{
	return 0; /* the primary owns the device; this process only lets go of it */
}

/*
 * A secondary process forwards and reads; it never controls the device,
 * plays events or touches the reset state (all of it lives in the primary).
 */
static const struct eth_dev_ops ms_ops_secondary = {
	.dev_close = ms_dev_close_secondary,
	.link_update = ms_link_update,
	.dev_infos_get = ms_dev_infos_get,
	.stats_get = manasim_stats_get,
	.xstats_get = manasim_xstats_get,
	.xstats_get_names = manasim_xstats_get_names,
	.rxq_info_get = manasim_rxq_info_get,
	.txq_info_get = manasim_txq_info_get,
};

/* ---- Probe / remove ----------------------------------------------------- */

/* A fixed locally administered MAC per device name: the same after return. */
static void
ms_default_mac(const char *name, struct rte_ether_addr *mac)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	mac->addr_bytes[0] = 0x02;
	mac->addr_bytes[1] = 0x4d;
	mac->addr_bytes[2] = 0x53;
	mac->addr_bytes[3] = (uint8_t)(h >> 16);
	mac->addr_bytes[4] = (uint8_t)(h >> 8);
	mac->addr_bytes[5] = (uint8_t)h;
}

static void
ms_priv_init(struct manasim_priv *priv, struct rte_eth_dev *eth_dev, const char *name,
	     const struct manasim_args *args, struct manasim_reg *reg)
{
	unsigned int q;

	strlcpy(priv->name, name, sizeof(priv->name));
	priv->port_id = eth_dev->data->port_id;
	priv->eth_dev = eth_dev;
	priv->args = *args;
	priv->reg = reg;
	priv->refcnt = 1;
	rte_spinlock_init(&priv->lock);
	rte_spinlock_init(&priv->filt_lock);
	priv->state = RTE_PMD_MANASIM_ST_READY;
	priv->link_up = 1;
	priv->rss_hf = MANASIM_RSS_HF;
	memcpy(priv->rss_key, ms_default_rss_key, sizeof(priv->rss_key));
	ms_rss_defaults(priv, 1);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		priv->rxq[q].state = MS_Q_STOPPED;
		priv->rxq[q].qid = q;
		priv->rxq[q].priv = priv;
		priv->txq[q].state = MS_Q_STOPPED;
		priv->txq[q].qid = q;
		priv->txq[q].priv = priv;
	}
}

static int
ms_create(struct rte_vdev_device *vdev, const struct manasim_args *args, struct manasim_reg *reg)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_ether_addr *macs;
	struct rte_eth_dev *eth_dev;
	struct manasim_priv *priv;
	int numa;

	if (vdev->device.numa_node == SOCKET_ID_ANY)
		vdev->device.numa_node = rte_socket_id();
	numa = vdev->device.numa_node;
	priv = rte_zmalloc_socket(name, sizeof(*priv), RTE_CACHE_LINE_SIZE, numa);
	macs = rte_zmalloc_socket(name, MANASIM_MAX_MAC * sizeof(*macs), 0, numa);
	eth_dev = rte_eth_vdev_allocate(vdev, sizeof(struct manasim_dev_private));
	if (priv == NULL || macs == NULL || eth_dev == NULL) {
		rte_free(priv);
		rte_free(macs);
		if (eth_dev != NULL)
			rte_eth_dev_release_port(eth_dev);
		return -ENOMEM;
	}
	ms_priv_init(priv, eth_dev, name, args, reg);
	((struct manasim_dev_private *)eth_dev->data->dev_private)->priv = priv;
	if (args->mac_given)
		macs[0] = args->mac;
	else
		ms_default_mac(name, &macs[0]);
	eth_dev->data->mac_addrs = macs; /* freed by ethdev at release */
	eth_dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_INTR_RMV |
				    RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	eth_dev->data->dev_link.link_status = RTE_ETH_LINK_UP;
	eth_dev->data->dev_link.link_speed = RTE_ETH_SPEED_NUM_100G;
	eth_dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	eth_dev->data->promiscuous = args->promisc;
	eth_dev->dev_ops = args->full_ops ? &ms_ops_full : &ms_ops;
	eth_dev->rx_pkt_burst = manasim_rx_burst;
	eth_dev->tx_pkt_burst = manasim_tx_burst;
	eth_dev->tx_pkt_prepare = manasim_tx_prepare;
	eth_dev->rx_queue_count = manasim_rx_queue_count;
	eth_dev->tx_descriptor_status = manasim_tx_descriptor_status;
	rte_eth_dev_probing_finish(eth_dev);
	manasim_port_register(priv);
	MS_LOG(INFO, "%s: port %u, MAC " RTE_ETHER_ADDR_PRT_FMT "%s%s", name, priv->port_id,
	       RTE_ETHER_ADDR_BYTES(&macs[0]), args->wire[0] ? ", wire " : "", args->wire);
	return 0;
}

/*
 * The queues, their blocked/busy words and the counters are in the shared
 * heap, so a secondary's bursts see a reset exactly as the primary's do.
 */
static int
ms_attach_secondary(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *eth_dev = rte_eth_dev_attach_secondary(rte_vdev_device_name(vdev));

	if (eth_dev == NULL) {
		MS_LOG(ERR, "%s: not found in the primary process", rte_vdev_device_name(vdev));
		return -ENODEV;
	}
	eth_dev->dev_ops = &ms_ops_secondary;
	eth_dev->device = &vdev->device;
	eth_dev->rx_pkt_burst = manasim_rx_burst;
	eth_dev->tx_pkt_burst = manasim_tx_burst;
	eth_dev->tx_pkt_prepare = manasim_tx_prepare;
	eth_dev->rx_queue_count = manasim_rx_queue_count;
	eth_dev->tx_descriptor_status = manasim_tx_descriptor_status;
	rte_eth_dev_probing_finish(eth_dev);
	return 0;
}

static int
manasim_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct manasim_args args;
	struct manasim_reg *reg;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return ms_attach_secondary(vdev);
	ret = manasim_args_parse(name, rte_vdev_device_args(vdev), &args);
	if (ret != 0)
		return ret;
	reg = manasim_reg_get(name);
	if (reg == NULL)
		return -ENOSPC;
	/* A hot-removed VF is not there to probe until it returns. */
	ret = manasim_reg_probe_check(reg);
	if (ret == 0)
		ret = ms_create(vdev, &args, reg);
	if (ret != 0)
		manasim_reg_release(reg);
	return ret;
}

static int
manasim_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *eth_dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	uint16_t port;

	if (eth_dev == NULL)
		return 0; /* closed by the application already */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(eth_dev);
	port = eth_dev->data->port_id;
	if (eth_dev->data->dev_started)
		rte_eth_dev_stop(port);
	return rte_eth_dev_close(port);
}

static struct rte_vdev_driver manasim_vdev_drv = {
	.probe = manasim_probe,
	.remove = manasim_remove,
};

RTE_PMD_REGISTER_VDEV(net_manasim, manasim_vdev_drv);
RTE_PMD_REGISTER_PARAM_STRING(net_manasim,
	"reset_at_ms=<ms> reset_every_ms=<ms> reset_ms=<ms> count=<n> "
	"outcome=success|failed|nested|rmv|txhang|lsc return_ms=<ms|-1> "
	"hang_queue=<q|-1> hang_kind=refuse|nocomplete|slow hang_scope=queue|device "
	"monitor=0|1 wire=<name> mac=<xx:xx:xx:xx:xx:xx> full_ops=0|1 rx_source=0|1 "
	"promisc=0|1 dev_reset=keep|clear");
