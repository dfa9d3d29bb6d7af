/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * eth_dev_ops: every change is recorded in the port, then applied to each
 * sub-device that can take it now. A sub-device that cannot (recovering,
 * absent, -EBUSY) is marked dirty and gets the change replayed by the
 * control thread: the application is never refused because of a reset.
 */

typedef int (*sub_op_t)(uint16_t port, const void *arg);


/*
 * A sub-device refused a change the other one can take (a VF that broke
 * without an event yet, say): keep it for a replay and, for the VF, carry
 * the traffic on the synthetic path until the replay succeeds. The control
 * thread gives the sub-device up after repeated refusals.
 */
void
manafo_sub_failed(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t dirty,
		  const char *what, int err)
{
	PORT_LOG(priv, WARNING, "%s: %s failed: %s; kept for a replay", manafo_role_name(sub->role),
		 what, rte_strerror(-err));
	sub->dirty |= dirty;
	if (sub->role == MANAFO_VF && sub->state == MANAFO_SUB_ACTIVE)
		manafo_failover(priv, MANAFO_CAUSE_CONFIG, manafo_now_ns());
	manafo_retry_config(priv, sub->role, MANAFO_RETRY_CONFIG_MS);
}

/*
 * Apply one recorded change to both sub-devices, VF first. The change is
 * made when one of them took it: -ENOTSUP from the other is fine (MANA has
 * no promiscuous, MAC or flow ops), -EBUSY and other refusals are replayed
 * from the control thread. It fails only when neither took it.
 */
static int
apply_all(struct manafo_priv *priv, uint32_t dirty, sub_op_t op, const void *arg,
	  const char *what) MANAFO_REQUIRES(priv->lock)
{
	unsigned int applied = 0, unsupported = 0;
	struct manafo_sub *refused[MANAFO_NB_ROLES];
	unsigned int nb_refused = 0, i;
	int r, ret, first_err = 0;

	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];

		if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE)
			continue;	/* it gets the whole record when it attaches */
		if (!manafo_sub_controllable(priv, sub) || (sub->dirty & MANAFO_DIRTY_CONF)) {
			sub->dirty |= dirty;
			applied++;
			continue;
		}
		ret = op(sub->port_id, arg);
		if (ret == 0) {
			applied++;
		} else if (ret == -ENOTSUP) {
			unsupported++;
		} else if (ret == -EBUSY) {
			sub->dirty |= dirty;
			manafo_retry_config(priv, (enum manafo_role)r, MANAFO_RETRY_CONFIG_MS);
			applied++;
		} else {
			refused[nb_refused++] = sub;
			if (first_err == 0)
				first_err = ret;
		}
	}
	if (applied == 0 && nb_refused > 0) {
		PORT_LOG(priv, ERR, "%s failed on every sub-device: %s", what,
			 rte_strerror(-first_err));
		return first_err;
	}
	for (i = 0; i < nb_refused; i++)
		manafo_sub_failed(priv, refused[i], dirty, what, first_err);
	return applied == 0 && unsupported > 0 ? -ENOTSUP : 0;
}

static int
op_promisc(uint16_t port, const void *arg)
{
	return *(const bool *)arg ? rte_eth_promiscuous_enable(port) :
				    rte_eth_promiscuous_disable(port);
}

static int
op_allmulti(uint16_t port, const void *arg)
{
	return *(const bool *)arg ? rte_eth_allmulticast_enable(port) :
				    rte_eth_allmulticast_disable(port);
}

static int
set_mode(struct rte_eth_dev *dev, bool *field, bool on, uint32_t dirty, sub_op_t op,
	 const char *what)
{
	struct manafo_priv *priv = manafo_priv(dev);
	bool old;
	int ret;

	manafo_mutex_lock(&priv->lock);
	old = *field;
	*field = on;
	ret = apply_all(priv, dirty, op, &on, what);
	if (ret < 0)
		*field = old;
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static int
manafo_promiscuous_enable(struct rte_eth_dev *dev)
{
	return set_mode(dev, &manafo_priv(dev)->promisc, true, MANAFO_DIRTY_PROMISC,
			op_promisc, "promiscuous on");
}

static int
manafo_promiscuous_disable(struct rte_eth_dev *dev)
{
	return set_mode(dev, &manafo_priv(dev)->promisc, false, MANAFO_DIRTY_PROMISC,
			op_promisc, "promiscuous off");
}

static int
manafo_allmulticast_enable(struct rte_eth_dev *dev)
{
	return set_mode(dev, &manafo_priv(dev)->allmulti, true, MANAFO_DIRTY_ALLMULTI,
			op_allmulti, "all-multicast on");
}

static int
manafo_allmulticast_disable(struct rte_eth_dev *dev)
{
	return set_mode(dev, &manafo_priv(dev)->allmulti, false, MANAFO_DIRTY_ALLMULTI,
			op_allmulti, "all-multicast off");
}

static int
op_mtu(uint16_t port, const void *arg)
{
	return rte_eth_dev_set_mtu(port, *(const uint16_t *)arg);
}

static int
manafo_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct manafo_priv *priv = manafo_priv(dev);
	uint16_t old;
	int ret;

	manafo_mutex_lock(&priv->lock);
	old = priv->mtu;
	priv->mtu = mtu;
	ret = apply_all(priv, MANAFO_DIRTY_MTU, op_mtu, &mtu, "MTU");
	if (ret < 0)
		priv->mtu = old;
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static int
op_mac_set(uint16_t port, const void *arg)
{
	return rte_eth_dev_default_mac_addr_set(port, (struct rte_ether_addr *)(uintptr_t)arg);
}

static int
op_mac_add(uint16_t port, const void *arg)
{
	return rte_eth_dev_mac_addr_add(port, (struct rte_ether_addr *)(uintptr_t)arg, 0);
}

static int
op_mac_remove(uint16_t port, const void *arg)
{
	int ret = rte_eth_dev_mac_addr_remove(port, (struct rte_ether_addr *)(uintptr_t)arg);

	return ret == -EADDRNOTAVAIL ? 0 : ret;
}

static int
manafo_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct rte_ether_addr old;
	int ret;

	manafo_mutex_lock(&priv->lock);
	old = priv->macs[0];
	priv->macs[0] = *addr;
	ret = apply_all(priv, MANAFO_DIRTY_MAC, op_mac_set, addr, "MAC address set");
	if (ret < 0)
		priv->macs[0] = old;
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static int
manafo_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr, uint32_t index,
		    uint32_t vmdq __rte_unused)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int ret;

	if (index >= MANAFO_MAX_MACS)
		return -ENOSPC;
	manafo_mutex_lock(&priv->lock);
	ret = apply_all(priv, MANAFO_DIRTY_MAC, op_mac_add, addr, "MAC address add");
	if (ret == 0) {
		priv->macs[index] = *addr;
		priv->nb_macs = RTE_MAX(priv->nb_macs, index + 1);
	}
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static void
manafo_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct rte_ether_addr addr;

	if (index == 0 || index >= MANAFO_MAX_MACS)
		return;
	manafo_mutex_lock(&priv->lock);
	addr = priv->macs[index];
	memset(&priv->macs[index], 0, sizeof(priv->macs[index]));
	apply_all(priv, MANAFO_DIRTY_MAC, op_mac_remove, &addr, "MAC address remove");
	manafo_mutex_unlock(&priv->lock);
}

struct mc_list {
	struct rte_ether_addr *addrs;
	uint32_t nb;
};

static int
op_mc_list(uint16_t port, const void *arg)
{
	const struct mc_list *l = arg;

	return rte_eth_dev_set_mc_addr_list(port, l->addrs, l->nb);
}

static int
manafo_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *addrs, uint32_t nb)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct rte_ether_addr *copy = NULL;
	struct mc_list l = { addrs, nb };
	int ret;

	if (nb > 0) {
		copy = rte_malloc("manafo_mc", nb * sizeof(*copy), 0);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, addrs, nb * sizeof(*copy));
	}
	manafo_mutex_lock(&priv->lock);
	ret = apply_all(priv, MANAFO_DIRTY_MC, op_mc_list, &l, "multicast list");
	if (ret == 0) {
		RTE_SWAP(copy, priv->mc_addrs);
		priv->nb_mc_addrs = nb;
		priv->mc_set = true;
	}
	manafo_mutex_unlock(&priv->lock);
	rte_free(copy);
	return ret;
}

struct vlan_arg {
	uint16_t vid;
	int on;
};

static int
op_vlan(uint16_t port, const void *arg)
{
	const struct vlan_arg *v = arg;

	return rte_eth_dev_vlan_filter(port, v->vid, v->on);
}

static int
manafo_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct vlan_arg v = { vid, on };
	int ret;

	manafo_mutex_lock(&priv->lock);
	ret = apply_all(priv, MANAFO_DIRTY_VLAN, op_vlan, &v, "VLAN filter");
	if (ret == 0) {
		if (on)
			priv->vlan_ids[vid / 64] |= RTE_BIT64(vid % 64);
		else
			priv->vlan_ids[vid / 64] &= ~RTE_BIT64(vid % 64);
	}
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static int
op_rss(uint16_t port, const void *arg)
{
	struct rte_eth_rss_conf conf = *(const struct rte_eth_rss_conf *)arg;
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port, &info) == 0)
		conf.rss_hf &= info.flow_type_rss_offloads;
	return rte_eth_dev_rss_hash_update(port, &conf);
}

/* The record's RSS key: ours, never the application's buffer. */
static void
conf_rss_key(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	struct rte_eth_rss_conf *rss = &priv->conf.rx_adv_conf.rss_conf;

	rss->rss_key = priv->rss_key_len > 0 ? priv->rss_key : NULL;
	rss->rss_key_len = priv->rss_key_len;
}

static int
manafo_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int ret;

	if (conf->rss_key != NULL && conf->rss_key_len > sizeof(priv->rss_key))
		return -EINVAL;
	manafo_mutex_lock(&priv->lock);
	ret = apply_all(priv, MANAFO_DIRTY_RSS, op_rss, conf, "RSS hash update");
	if (ret == 0) {
		if (conf->rss_key != NULL) {
			memcpy(priv->rss_key, conf->rss_key, conf->rss_key_len);
			priv->rss_key_len = conf->rss_key_len;
		}
		/*
		 * The record, so that a sub-device configured again (a VF back
		 * from a reset or a removal) gets the hash as it is now.
		 */
		priv->conf.rx_adv_conf.rss_conf.rss_hf = conf->rss_hf;
		conf_rss_key(priv);
		/* And the application's view (rte_eth_dev_conf_get()), on its own thread. */
		dev->data->dev_conf.rx_adv_conf.rss_conf.rss_hf = conf->rss_hf;
		priv->rss_set = true;
	}
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static int
manafo_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct manafo_priv *priv = manafo_priv(dev);

	manafo_mutex_lock(&priv->lock);
	conf->rss_hf = priv->conf.rx_adv_conf.rss_conf.rss_hf;
	if (conf->rss_key != NULL && priv->rss_key_len > 0) {
		uint8_t len = conf->rss_key_len ? RTE_MIN(priv->rss_key_len, conf->rss_key_len) :
						   priv->rss_key_len;

		memcpy(conf->rss_key, priv->rss_key, len);
		conf->rss_key_len = len;
	}
	manafo_mutex_unlock(&priv->lock);
	return 0;
}

struct reta_arg {
	const uint16_t *table;
	uint16_t size;
};

static int
op_reta(uint16_t port, const void *arg)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];
	const struct reta_arg *ra = arg;
	struct rte_eth_dev_info info;
	uint16_t i, size;

	if (rte_eth_dev_info_get(port, &info) != 0 || info.reta_size == 0)
		return -ENOTSUP;
	size = RTE_MIN(ra->size, info.reta_size);
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= RTE_BIT64(i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] = ra->table[i];
	}
	return rte_eth_dev_rss_reta_update(port, reta, size);
}

static int
manafo_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		   uint16_t size)
{
	struct manafo_priv *priv = manafo_priv(dev);
	uint16_t table[RTE_ETH_RSS_RETA_SIZE_512];
	struct reta_arg ra = { table, size };
	uint16_t i;
	int ret;

	if (size > RTE_ETH_RSS_RETA_SIZE_512)
		return -EINVAL;
	manafo_mutex_lock(&priv->lock);
	memcpy(table, priv->reta, sizeof(table));
	for (i = 0; i < size; i++) {
		const struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];

		if (e->mask & RTE_BIT64(i % RTE_ETH_RETA_GROUP_SIZE))
			table[i] = e->reta[i % RTE_ETH_RETA_GROUP_SIZE];
	}
	ret = apply_all(priv, MANAFO_DIRTY_RETA, op_reta, &ra, "RSS RETA update");
	if (ret == 0) {
		memcpy(priv->reta, table, sizeof(table));
		priv->reta_size = size;
		priv->reta_set = true;
	}
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

static int
manafo_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		  uint16_t size)
{
	struct manafo_priv *priv = manafo_priv(dev);
	uint16_t i;

	manafo_mutex_lock(&priv->lock);
	for (i = 0; i < size && i < RTE_ETH_RSS_RETA_SIZE_512; i++) {
		struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];

		if (e->mask & RTE_BIT64(i % RTE_ETH_RETA_GROUP_SIZE))
			e->reta[i % RTE_ETH_RETA_GROUP_SIZE] = priv->reta[i];
	}
	manafo_mutex_unlock(&priv->lock);
	return 0;
}

/* The capabilities both paths have: the application may use either. */
void
manafo_dev_info_merge(struct manafo_priv *priv, struct rte_eth_dev_info *info)
{
	const struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	const struct manafo_sub *sy = &priv->sub[MANAFO_SYNTH];
	const struct rte_eth_dev_info *a = sy->info_valid ? &sy->info : &vf->info;
	const struct rte_eth_dev_info *b = vf->info_valid ? &vf->info : a;

	info->max_rx_queues = RTE_MIN(a->max_rx_queues, b->max_rx_queues);
	info->max_tx_queues = RTE_MIN(a->max_tx_queues, b->max_tx_queues);
	info->max_rx_pktlen = RTE_MIN(a->max_rx_pktlen, b->max_rx_pktlen);
	info->min_rx_bufsize = RTE_MAX(a->min_rx_bufsize, b->min_rx_bufsize);
	info->min_mtu = RTE_MAX(a->min_mtu, b->min_mtu);
	info->max_mtu = RTE_MIN(a->max_mtu, b->max_mtu);
	info->max_mac_addrs = RTE_MIN(RTE_MAX(a->max_mac_addrs, 1u), (uint32_t)MANAFO_MAX_MACS);
	info->rx_offload_capa = a->rx_offload_capa & b->rx_offload_capa;
	info->tx_offload_capa = a->tx_offload_capa & b->tx_offload_capa;
	info->rx_queue_offload_capa = a->rx_queue_offload_capa & b->rx_queue_offload_capa;
	info->tx_queue_offload_capa = a->tx_queue_offload_capa & b->tx_queue_offload_capa;
	/*
	 * RSS is the exception to the intersection: a hash the synthetic path
	 * lacks (tap, ring) must not take RSS away from the VF; each sub-device
	 * gets the part of the request it supports (manafo_sub_configure).
	 */
	info->flow_type_rss_offloads = a->flow_type_rss_offloads | b->flow_type_rss_offloads;
	info->reta_size = RTE_MAX(a->reta_size, b->reta_size);
	info->hash_key_size = RTE_MAX(a->hash_key_size, b->hash_key_size);
	info->rx_desc_lim.nb_max = RTE_MIN(a->rx_desc_lim.nb_max, b->rx_desc_lim.nb_max);
	info->rx_desc_lim.nb_min = RTE_MAX(a->rx_desc_lim.nb_min, b->rx_desc_lim.nb_min);
	info->rx_desc_lim.nb_align = RTE_MAX(a->rx_desc_lim.nb_align, b->rx_desc_lim.nb_align);
	info->tx_desc_lim.nb_max = RTE_MIN(a->tx_desc_lim.nb_max, b->tx_desc_lim.nb_max);
	info->tx_desc_lim.nb_min = RTE_MAX(a->tx_desc_lim.nb_min, b->tx_desc_lim.nb_min);
	info->tx_desc_lim.nb_align = RTE_MAX(a->tx_desc_lim.nb_align, b->tx_desc_lim.nb_align);
	info->speed_capa = a->speed_capa | b->speed_capa;
	info->default_rxconf = a->default_rxconf;
	info->default_txconf = a->default_txconf;
	info->default_rxportconf = b->default_rxportconf;
	info->default_txportconf = b->default_txportconf;
	/* manafo absorbs the sub-devices' recoveries: the port has none. */
	info->err_handle_mode = RTE_ETH_ERROR_HANDLE_MODE_NONE;
	if (info->max_rx_queues > RTE_MAX_QUEUES_PER_PORT)
		info->max_rx_queues = RTE_MAX_QUEUES_PER_PORT;
	if (info->max_tx_queues > RTE_MAX_QUEUES_PER_PORT)
		info->max_tx_queues = RTE_MAX_QUEUES_PER_PORT;
}

static int
manafo_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct manafo_priv *priv = manafo_priv(dev);

	manafo_mutex_lock(&priv->lock);
	manafo_dev_info_merge(priv, info);
	manafo_mutex_unlock(&priv->lock);
	return 0;
}

/*
 * Nothing to replay: after a failed dev_configure op ethdev releases the
 * port's queues (and frees its queue arrays), so the counts go to 0 here
 * first, under the lock, before a control thread loop could walk them.
 */
static void
conf_forget(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	priv->configured = false;
	priv->nb_rxq = 0;
	priv->nb_txq = 0;
}

/*
 * Snapshot what rte_eth_dev_configure() has just stored in dev->data, on
 * the application's thread: the only moment it is consistent. From then
 * on the control thread replays this record, whatever ethdev does to
 * dev->data meanwhile (BUG-8 in devtools/RELIABILITY.md).
 */
static int
conf_record(struct manafo_priv *priv, const struct rte_eth_dev *dev) MANAFO_REQUIRES(priv->lock)
{
	const struct rte_eth_rss_conf *rss = &dev->data->dev_conf.rx_adv_conf.rss_conf;

	if (rss->rss_key != NULL && rss->rss_key_len > sizeof(priv->rss_key)) {
		PORT_LOG(priv, ERR, "configure: RSS key of %u bytes, at most %zu",
			 rss->rss_key_len, sizeof(priv->rss_key));
		return -EINVAL;
	}
	priv->conf = dev->data->dev_conf;
	priv->nb_rxq = dev->data->nb_rx_queues;
	priv->nb_txq = dev->data->nb_tx_queues;
	priv->mtu = dev->data->mtu;
	/* No key: each sub-device takes its default one, now and in a replay. */
	priv->rss_key_len = rss->rss_key != NULL ? rss->rss_key_len : 0;
	if (priv->rss_key_len > 0)
		memcpy(priv->rss_key, rss->rss_key, priv->rss_key_len);
	conf_rss_key(priv);
	priv->configured = true;
	return 0;
}

static int
manafo_dev_configure(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct manafo_sub *refused[MANAFO_NB_ROLES];
	unsigned int configured = 0, nb_refused = 0;
	struct manafo_txwd *txwd;
	int r, ret;

	/* Sized as the record's nb_txq: both change together, under the lock. */
	txwd = rte_zmalloc("manafo_txwd", sizeof(*txwd) * RTE_MAX(dev->data->nb_tx_queues, 1), 0);
	manafo_mutex_lock(&priv->lock);
	ret = txwd == NULL ? -ENOMEM : conf_record(priv, dev);
	if (ret < 0) {
		conf_forget(priv);
		manafo_mutex_unlock(&priv->lock);
		rte_free(txwd);
		return ret;
	}
	RTE_SWAP(txwd, priv->txwd);
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];
		int err;

		if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE)
			continue;
		if (!manafo_sub_controllable(priv, sub)) {
			sub->dirty |= MANAFO_DIRTY_CONF;
			continue;
		}
		sub->dirty &= ~MANAFO_DIRTY_CONF;
		err = manafo_sub_configure(priv, sub);
		if (err == 0) {
			configured++;
		} else if (err == -EBUSY) {
			sub->dirty |= MANAFO_DIRTY_CONF;
			manafo_retry_config(priv, (enum manafo_role)r, MANAFO_RETRY_CONFIG_MS);
		} else {
			refused[nb_refused++] = sub;
			ret = err;
		}
	}
	/* Neither sub-device configured: the application's arguments are bad. */
	if (configured == 0 && nb_refused > 0) {
		PORT_LOG(priv, ERR, "configure failed on every sub-device: %s", rte_strerror(-ret));
		conf_forget(priv);
	} else {
		for (r = 0; r < (int)nb_refused; r++)
			manafo_sub_failed(priv, refused[r], MANAFO_DIRTY_CONF, "configure", ret);
		ret = 0;
	}
	manafo_mutex_unlock(&priv->lock);
	rte_free(txwd);
	return ret;
}

/* Queue setup on one sub-device, or mark it for a full replay. */
static int
queue_setup_subs(struct manafo_priv *priv, bool rx, uint16_t idx) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *refused[MANAFO_NB_ROLES];
	unsigned int done = 0, nb_refused = 0;
	int r, ret, err = 0;

	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];

		if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE ||
		    (sub->dirty & MANAFO_DIRTY_CONF))
			continue;
		if (!manafo_sub_controllable(priv, sub)) {
			sub->dirty |= MANAFO_DIRTY_CONF;
			continue;
		}
		if (rx) {
			struct manafo_rxq *q = priv->rxqs[idx];
			struct rte_eth_rxconf conf = q->conf;

			conf.offloads &= sub->info.rx_queue_offload_capa |
					 sub->info.rx_offload_capa;
			ret = rte_eth_rx_queue_setup(sub->port_id, idx, q->nb_desc, q->socket,
						     &conf, q->mp);
		} else {
			struct manafo_txq *q = priv->txqs[idx];
			struct rte_eth_txconf conf = q->conf;

			conf.offloads &= sub->info.tx_queue_offload_capa |
					 sub->info.tx_offload_capa;
			ret = rte_eth_tx_queue_setup(sub->port_id, idx, q->nb_desc, q->socket,
						     &conf);
		}
		if (ret == 0) {
			done++;
		} else if (ret == -EBUSY) {
			sub->dirty |= MANAFO_DIRTY_CONF;
			manafo_retry_config(priv, (enum manafo_role)r, MANAFO_RETRY_CONFIG_MS);
		} else {
			refused[nb_refused++] = sub;
			err = ret;
		}
	}
	if (done == 0 && nb_refused > 0) {
		PORT_LOG(priv, ERR, "%s queue %u setup failed on every sub-device: %s",
			 rx ? "rx" : "tx", idx, rte_strerror(-err));
		return err;
	}
	for (r = 0; r < (int)nb_refused; r++)
		manafo_sub_failed(priv, refused[r], MANAFO_DIRTY_CONF, "queue setup", err);
	return 0;
}

static int
manafo_rx_queue_setup(struct rte_eth_dev *dev, uint16_t idx, uint16_t nb_desc,
		      unsigned int socket, const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct manafo_rxq *rxq;
	int ret;

	rxq = rte_zmalloc_socket("manafo_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE, socket);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->qid = idx;
	rxq->priv = priv;
	rxq->steer = &priv->steer;
	rxq->nb_desc = nb_desc;
	rxq->socket = socket;
	rxq->conf = *conf;
	rxq->mp = mp;
	manafo_mutex_lock(&priv->lock);
	rxq->port[MANAFO_VF] = priv->sub[MANAFO_VF].port_id;
	rxq->port[MANAFO_SYNTH] = priv->sub[MANAFO_SYNTH].port_id;
	dev->data->rx_queues[idx] = rxq;
	priv->rxqs[idx] = rxq;
	ret = queue_setup_subs(priv, true, idx);
	if (ret < 0) {
		dev->data->rx_queues[idx] = NULL;
		priv->rxqs[idx] = NULL;
	}
	manafo_mutex_unlock(&priv->lock);
	if (ret < 0)
		rte_free(rxq);
	return ret;
}

static int
manafo_tx_queue_setup(struct rte_eth_dev *dev, uint16_t idx, uint16_t nb_desc,
		      unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct manafo_txq *txq;
	int ret;

	txq = rte_zmalloc_socket("manafo_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE, socket);
	if (txq == NULL)
		return -ENOMEM;
	txq->qid = idx;
	txq->priv = priv;
	txq->steer = &priv->steer;
	txq->nb_desc = nb_desc;
	txq->socket = socket;
	txq->conf = *conf;
	manafo_mutex_lock(&priv->lock);
	txq->port[MANAFO_VF] = priv->sub[MANAFO_VF].port_id;
	txq->port[MANAFO_SYNTH] = priv->sub[MANAFO_SYNTH].port_id;
	dev->data->tx_queues[idx] = txq;
	priv->txqs[idx] = txq;
	ret = queue_setup_subs(priv, false, idx);
	if (ret < 0) {
		dev->data->tx_queues[idx] = NULL;
		priv->txqs[idx] = NULL;
	}
	manafo_mutex_unlock(&priv->lock);
	if (ret < 0)
		rte_free(txq);
	return ret;
}

/*
 * Sub-device queues go with their device's reconfigure or close. The
 * queue's counters are kept in the port so that sums never go backwards.
 */
static void
rx_queue_release_locked(struct manafo_priv *priv, struct rte_eth_dev *dev, uint16_t idx)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_rxq *rxq = priv->rxqs[idx];
	int r;

	if (rxq == NULL)
		return;
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		priv->base_rx[r] += rxq->pkts[r];
	priv->rxqs[idx] = NULL;
	dev->data->rx_queues[idx] = NULL;
	rte_free(rxq);
}

static void
tx_queue_release_locked(struct manafo_priv *priv, struct rte_eth_dev *dev, uint16_t idx)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_txq *txq = priv->txqs[idx];
	int r;

	if (txq == NULL)
		return;
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		priv->base_tx[r] += txq->pkts[r];
	priv->base_redirected += txq->redirected;
	priv->base_refused += txq->refused;
	priv->txqs[idx] = NULL;
	dev->data->tx_queues[idx] = NULL;
	rte_free(txq);
}

/* Under the port lock: counter readers walk the queue arrays. */
static void
manafo_rx_queue_release(struct rte_eth_dev *dev, uint16_t idx)
{
	struct manafo_priv *priv = manafo_priv(dev);

	manafo_mutex_lock(&priv->lock);
	rx_queue_release_locked(priv, dev, idx);
	manafo_mutex_unlock(&priv->lock);
}

static void
manafo_tx_queue_release(struct rte_eth_dev *dev, uint16_t idx)
{
	struct manafo_priv *priv = manafo_priv(dev);

	manafo_mutex_lock(&priv->lock);
	tx_queue_release_locked(priv, dev, idx);
	manafo_mutex_unlock(&priv->lock);
}

static void
manafo_rxq_info_get(struct rte_eth_dev *dev, uint16_t idx, struct rte_eth_rxq_info *qinfo)
{
	const struct manafo_rxq *rxq = dev->data->rx_queues[idx];

	qinfo->mp = rxq->mp;
	qinfo->conf = rxq->conf;
	qinfo->nb_desc = rxq->nb_desc;
	qinfo->queue_state = dev->data->rx_queue_state[idx];
}

static void
manafo_txq_info_get(struct rte_eth_dev *dev, uint16_t idx, struct rte_eth_txq_info *qinfo)
{
	const struct manafo_txq *txq = dev->data->tx_queues[idx];

	qinfo->conf = txq->conf;
	qinfo->nb_desc = txq->nb_desc;
	qinfo->queue_state = dev->data->tx_queue_state[idx];
}

static void
set_queue_state(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

/* Start one sub-device as the port would have it; false if it cannot now. */
static bool
start_sub(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock)
{
	int ret;

	if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE)
		return false;
	if (!manafo_sub_controllable(priv, sub)) {
		sub->dirty |= MANAFO_DIRTY_START;
		manafo_sub_set_state(priv, sub, MANAFO_SUB_STANDBY, MANAFO_CAUSE_RESET);
		return false;
	}
	ret = manafo_sub_replay(priv, sub, sub->dirty | MANAFO_DIRTY_START);
	if (ret < 0) {
		sub->dirty |= MANAFO_DIRTY_START;
		manafo_retry_config(priv, sub->role, MANAFO_RETRY_CONFIG_MS);
		manafo_sub_set_state(priv, sub, MANAFO_SUB_STANDBY, MANAFO_CAUSE_CONFIG);
		return false;
	}
	return true;
}

static int
manafo_dev_start(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	struct manafo_sub *sy = &priv->sub[MANAFO_SYNTH];
	bool vf_up, sy_up;
	uint32_t epoch;

	manafo_mutex_lock(&priv->lock);
	priv->started = true;
	sy_up = start_sub(priv, sy);
	vf_up = start_sub(priv, vf);
	if (!sy_up && !vf_up && vf->state != MANAFO_SUB_STANDBY) {
		priv->started = false;
		manafo_mutex_unlock(&priv->lock);
		PORT_LOG(priv, ERR, "start: no sub-device could start");
		return -EIO;
	}
	epoch = manafo_steer_epoch(manafo_steer_load(priv));
	if (sy_up) {
		manafo_steer_set(priv, MANAFO_SYN_RX | MANAFO_SYN_TX, 0);
		manafo_sub_set_state(priv, sy, MANAFO_SUB_ACTIVE, MANAFO_CAUSE_NONE);
	}
	if (vf_up && manafo_steer_on_if(priv, epoch, MANAFO_VF_RX | MANAFO_VF_TX)) {
		manafo_sub_set_state(priv, vf, MANAFO_SUB_ACTIVE, MANAFO_CAUSE_NONE);
	} else {
		if (vf->state == MANAFO_SUB_READY)
			manafo_sub_set_state(priv, vf, MANAFO_SUB_STANDBY, MANAFO_CAUSE_RESET);
		priv->on_synth_since_ns = manafo_now_ns();
	}
	manafo_watchdog_start(priv);
	manafo_link_refresh(priv);
	manafo_mutex_unlock(&priv->lock);
	set_queue_state(dev, RTE_ETH_QUEUE_STATE_STARTED);
	return 0;
}

/*
 * The sub-device's recovery began between our check and its stop: MANA's
 * stop then joined its reset thread and aborted the recovery, which ends
 * with no RECOVERY_* event. Waiting for one would leave the VF torn down
 * until recovery_timeout_ms; give it up now, so that it is re-probed.
 * (Had the recovery begun after the stop, it goes on; giving the VF up
 * costs one re-probe while the port is stopped.)
 */
static void
stop_raced_recovery(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_work w = {
		.priv = priv, .kind = MANAFO_WORK_GONE, .role = sub->role,
		.cause = MANAFO_CAUSE_STOPPED, .gen = sub->gen,
	};

	if (!(manafo_steer_load(priv) & MANAFO_STEER(sub->role, MANAFO_STEER_RECOVERING)))
		return;
	PORT_LOG(priv, NOTICE, "%s %s: a service reset began as it was stopped: its recovery "
		 "may be aborted, giving it up to probe it again", manafo_role_name(sub->role),
		 sub->devname);
	manafo_ctrl_post(&w, 0);
}

static void
stop_locked(struct manafo_priv *priv, bool giving_up) MANAFO_REQUIRES(priv->lock)
{
	int r;

	priv->started = false;
	manafo_steer_set(priv, 0, MANAFO_VF_RX | MANAFO_VF_TX | MANAFO_SYN_RX | MANAFO_SYN_TX);
	manafo_quiesce(priv);
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];

		if (sub->state == MANAFO_SUB_ABSENT || sub->state == MANAFO_SUB_GONE)
			continue;
		/* Stopping a VF in recovery aborts it: only when giving it up. */
		if (manafo_sub_controllable(priv, sub) || giving_up) {
			manafo_sub_stop(priv, sub);
			sub->dirty &= ~MANAFO_DIRTY_START;
			if (!giving_up)
				stop_raced_recovery(priv, sub);
		} else {
			sub->dirty |= MANAFO_DIRTY_START;
		}
		if (sub->state == MANAFO_SUB_ACTIVE ||
		    (sub->state == MANAFO_SUB_STANDBY && !sub->recovering))
			manafo_sub_set_state(priv, sub, MANAFO_SUB_READY, MANAFO_CAUSE_STOPPED);
	}
	if (priv->on_synth_since_ns != 0) {
		priv->cnt.synth_time_ns += manafo_now_ns() - priv->on_synth_since_ns;
		priv->on_synth_since_ns = 0;
	}
	priv->drill.running = false;
	manafo_ctrl_cancel(priv, MANAFO_WORK_BIT(MANAFO_WORK_WATCHDOG) |
			   MANAFO_WORK_BIT(MANAFO_WORK_FAILBACK) |
			   MANAFO_WORK_BIT(MANAFO_WORK_DRILL_END), -1);
}

static int
manafo_dev_stop(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	struct rte_eth_link link = { .link_status = RTE_ETH_LINK_DOWN };

	manafo_mutex_lock(&priv->lock);
	stop_locked(priv, false);
	manafo_mutex_unlock(&priv->lock);
	set_queue_state(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	rte_eth_linkstatus_set(dev, &link);
	return 0;
}

static void
free_queues(struct manafo_priv *priv, struct rte_eth_dev *dev) MANAFO_REQUIRES(priv->lock)
{
	uint16_t i;

	/* All of them: a queue beyond the counts would be a leak, never a use. */
	for (i = 0; i < RTE_DIM(priv->rxqs); i++)
		rx_queue_release_locked(priv, dev, i);
	for (i = 0; i < RTE_DIM(priv->txqs); i++)
		tx_queue_release_locked(priv, dev, i);
}

static int
manafo_dev_close(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	bool closing;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	manafo_mutex_lock(&priv->lock);
	closing = priv->closing;
	priv->closing = true;
	manafo_mutex_unlock(&priv->lock);
	if (closing)
		return 0;
	/* Out of the registry, no event reaches the port; none runs after forget. */
	manafo_registry_del(priv);
	manafo_ctrl_forget(priv);

	manafo_mutex_lock(&priv->lock);
	stop_locked(priv, true);
	manafo_flow_close(priv);
	manafo_sub_detach(priv, MANAFO_VF, false);
	manafo_sub_detach(priv, MANAFO_SYNTH, false);
	free_queues(priv, dev);
	manafo_mutex_unlock(&priv->lock);

	manafo_xstats_free(&priv->sub[MANAFO_VF]);
	manafo_xstats_free(&priv->sub[MANAFO_SYNTH]);
	rte_free(priv->txwd);
	priv->txwd = NULL;
	rte_free(priv->mc_addrs);
	priv->mc_addrs = NULL;
	rte_eth_dev_owner_delete(priv->owner.id);
	manafo_mutex_destroy(&priv->lock);
	manafo_port_put();
	PORT_LOG(priv, INFO, "closed");
	return 0;
}

/* Reset both sub-devices; the application configures the port again. */
static int
manafo_dev_reset(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int r, ret = 0;

	manafo_mutex_lock(&priv->lock);
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];

		if (!manafo_sub_controllable(priv, sub))
			continue;
		ret = rte_eth_dev_reset(sub->port_id);
		sub->started = false;
		sub->dirty |= MANAFO_DIRTY_ALL;
		manafo_flow_stale(priv, sub);
		if (ret < 0 && ret != -ENOTSUP)
			break;
		ret = 0;
	}
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

/* Up while either path is up; the speed of the path that carries TX. */
int
manafo_link_refresh(struct manafo_priv *priv)
{
	enum manafo_role tx_role = (manafo_steer_load(priv) & MANAFO_VF_TX) ? MANAFO_VF :
				   MANAFO_SYNTH;
	struct rte_eth_link link = {
		.link_status = RTE_ETH_LINK_DOWN,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};
	int r;

	for (r = 0; r < MANAFO_NB_ROLES && priv->started; r++) {
		const struct manafo_sub *sub = &priv->sub[r];
		struct rte_eth_link sl;

		if (!sub->started || rte_eth_link_get_nowait(sub->port_id, &sl) != 0 ||
		    sl.link_status != RTE_ETH_LINK_UP)
			continue;
		if (link.link_status == RTE_ETH_LINK_DOWN || (enum manafo_role)r == tx_role)
			link = sl;
	}
	return rte_eth_linkstatus_set(priv->dev, &link);
}

static int
manafo_link_update(struct rte_eth_dev *dev, int wait_to_complete __rte_unused)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int ret;

	manafo_mutex_lock(&priv->lock);
	ret = manafo_link_refresh(priv);
	manafo_mutex_unlock(&priv->lock);
	return ret;
}

/*
 * A secondary process reads the port (dpdk-proc-info, dpdk-pdump) and
 * forwards through it; configuring it is the primary's business.
 */
const struct eth_dev_ops manafo_secondary_ops = {
	.dev_infos_get = manafo_dev_infos_get,
	.stats_get = manafo_stats_get,
	.xstats_get = manafo_xstats_get,
	.xstats_get_names = manafo_xstats_get_names,
	.rxq_info_get = manafo_rxq_info_get,
	.txq_info_get = manafo_txq_info_get,
};

const struct eth_dev_ops manafo_ops = {
	.dev_configure = manafo_dev_configure,
	.dev_start = manafo_dev_start,
	.dev_stop = manafo_dev_stop,
	.dev_close = manafo_dev_close,
	.dev_reset = manafo_dev_reset,
	.link_update = manafo_link_update,
	.promiscuous_enable = manafo_promiscuous_enable,
	.promiscuous_disable = manafo_promiscuous_disable,
	.allmulticast_enable = manafo_allmulticast_enable,
	.allmulticast_disable = manafo_allmulticast_disable,
	.mac_addr_remove = manafo_mac_addr_remove,
	.mac_addr_add = manafo_mac_addr_add,
	.mac_addr_set = manafo_mac_addr_set,
	.set_mc_addr_list = manafo_set_mc_addr_list,
	.mtu_set = manafo_mtu_set,
	.stats_get = manafo_stats_get,
	.stats_reset = manafo_stats_reset,
	.xstats_get = manafo_xstats_get,
	.xstats_reset = manafo_xstats_reset,
	.xstats_get_names = manafo_xstats_get_names,
	.dev_infos_get = manafo_dev_infos_get,
	.rxq_info_get = manafo_rxq_info_get,
	.txq_info_get = manafo_txq_info_get,
	.vlan_filter_set = manafo_vlan_filter_set,
	.rx_queue_setup = manafo_rx_queue_setup,
	.rx_queue_release = manafo_rx_queue_release,
	.tx_queue_setup = manafo_tx_queue_setup,
	.tx_queue_release = manafo_tx_queue_release,
	.rss_hash_update = manafo_rss_hash_update,
	.rss_hash_conf_get = manafo_rss_hash_conf_get,
	.reta_update = manafo_reta_update,
	.reta_query = manafo_reta_query,
	.flow_ops_get = manafo_flow_ops_get,
};
