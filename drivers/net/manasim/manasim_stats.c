/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Counters: ethdev stats (per queue too, and so rx_qN_* xstats through
 * RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS), the simulator's own xstats, and the
 * public C API that reads them or injects events. Software counters live in
 * the port's private data: they survive a reset and start from zero with a
 * new probe, as MANA's do.
 */

#include <errno.h>
#include <string.h>

#include <rte_string_fns.h>

#include "manasim.h"

struct ms_xstat {
	const char *name;
	size_t off; /* in struct rte_pmd_manasim_counters */
};

#define MS_X(f) { #f, offsetof(struct rte_pmd_manasim_counters, f) }

static const struct ms_xstat ms_xstats[] = {
	MS_X(resets_started),
	MS_X(resets_completed),
	MS_X(resets_failed),
	MS_X(resets_aborted),
	MS_X(resets_nested),
	MS_X(removals),
	MS_X(rx_refused_blocked),
	MS_X(tx_refused_blocked),
	MS_X(rx_lost_in_reset),
	MS_X(tx_lost_in_reset),
	MS_X(tx_hangs),
	MS_X(tx_refused_hang),
	MS_X(tx_hang_dropped),
	MS_X(lsc_flaps),
};

static uint64_t
ms_ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
manasim_counters_read(const struct manasim_priv *priv, struct rte_pmd_manasim_counters *c)
{
	const struct manasim_counters *d = &priv->cnt;
	unsigned int q;

	memset(c, 0, sizeof(*c));
	c->resets_started = ms_ld(&d->resets_started);
	c->resets_completed = ms_ld(&d->resets_completed);
	c->resets_failed = ms_ld(&d->resets_failed);
	c->resets_aborted = ms_ld(&d->resets_aborted);
	c->resets_nested = ms_ld(&d->resets_nested);
	c->removals = ms_ld(&d->removals);
	c->rx_lost_in_reset = ms_ld(&d->rx_lost_in_reset);
	c->tx_lost_in_reset = ms_ld(&d->tx_lost_in_reset);
	c->tx_hangs = ms_ld(&d->tx_hangs);
	c->tx_hang_dropped = ms_ld(&d->tx_hang_dropped);
	c->lsc_flaps = ms_ld(&d->lsc_flaps);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		c->rx_refused_blocked += __atomic_load_n(&priv->rxq[q].refused, __ATOMIC_RELAXED);
		c->tx_refused_blocked += __atomic_load_n(&priv->txq[q].refused, __ATOMIC_RELAXED);
		c->tx_refused_hang += __atomic_load_n(&priv->txq[q].refused_hang, __ATOMIC_RELAXED);
	}
}

int
manasim_stats_get(MANAFO_STATS_GET_ARGS)
{
	const struct manasim_priv *priv = manasim_priv(dev);
	const struct manasim_rxq *rxq;
	const struct manasim_txq *txq;
	unsigned int q;

	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		rxq = &priv->rxq[q];
		txq = &priv->txq[q];
		stats->ipackets += __atomic_load_n(&rxq->pkts, __ATOMIC_RELAXED);
		stats->ibytes += __atomic_load_n(&rxq->bytes, __ATOMIC_RELAXED);
		stats->rx_nombuf += __atomic_load_n(&rxq->nombuf, __ATOMIC_RELAXED);
		stats->opackets += __atomic_load_n(&txq->pkts, __ATOMIC_RELAXED);
		stats->obytes += __atomic_load_n(&txq->bytes, __ATOMIC_RELAXED);
		stats->oerrors += __atomic_load_n(&txq->errors, __ATOMIC_RELAXED);
		if (q >= RTE_ETHDEV_QUEUE_STAT_CNTRS)
			continue;
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
		if (qstats == NULL)
			continue;
		qstats->q_ipackets[q] = __atomic_load_n(&rxq->pkts, __ATOMIC_RELAXED);
		qstats->q_ibytes[q] = __atomic_load_n(&rxq->bytes, __ATOMIC_RELAXED);
		qstats->q_opackets[q] = __atomic_load_n(&txq->pkts, __ATOMIC_RELAXED);
		qstats->q_obytes[q] = __atomic_load_n(&txq->bytes, __ATOMIC_RELAXED);
		qstats->q_errors[q] = __atomic_load_n(&txq->errors, __ATOMIC_RELAXED);
#else
		stats->q_ipackets[q] = __atomic_load_n(&rxq->pkts, __ATOMIC_RELAXED);
		stats->q_ibytes[q] = __atomic_load_n(&rxq->bytes, __ATOMIC_RELAXED);
		stats->q_opackets[q] = __atomic_load_n(&txq->pkts, __ATOMIC_RELAXED);
		stats->q_obytes[q] = __atomic_load_n(&txq->bytes, __ATOMIC_RELAXED);
		stats->q_errors[q] = __atomic_load_n(&txq->errors, __ATOMIC_RELAXED);
#endif
	}
	/* What the hardware dropped: ring contents lost to resets. */
	stats->imissed = ms_ld(&priv->cnt.rx_lost_in_reset) - priv->base_imissed;
	/* Accepted by tx_burst, never sent: held by a hang, then dropped. */
	stats->oerrors += ms_ld(&priv->cnt.tx_lost_in_reset) + ms_ld(&priv->cnt.tx_hang_dropped) -
			  priv->base_oerrors;
	return 0;
}

int
manasim_stats_reset(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	unsigned int q;

	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		priv->rxq[q].pkts = 0;
		priv->rxq[q].bytes = 0;
		priv->rxq[q].nombuf = 0;
		priv->txq[q].pkts = 0;
		priv->txq[q].bytes = 0;
		priv->txq[q].errors = 0;
	}
	priv->base_imissed = ms_ld(&priv->cnt.rx_lost_in_reset);
	priv->base_oerrors = ms_ld(&priv->cnt.tx_lost_in_reset) +
			     ms_ld(&priv->cnt.tx_hang_dropped);
	return 0;
}

int
manasim_xstats_reset(struct rte_eth_dev *dev)
{
	struct manasim_priv *priv = manasim_priv(dev);
	uint64_t *c = (uint64_t *)&priv->cnt;
	unsigned int i, q;

	for (i = 0; i < sizeof(priv->cnt) / sizeof(uint64_t); i++)
		__atomic_store_n(&c[i], 0, __ATOMIC_RELAXED);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		priv->rxq[q].refused = 0;
		priv->txq[q].refused = 0;
		priv->txq[q].refused_hang = 0;
	}
	manasim_stats_reset(dev);
	priv->base_imissed = 0;
	priv->base_oerrors = 0;
	return 0;
}

int
manasim_xstats_get_names(struct rte_eth_dev *dev __rte_unused,
			 struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int i;

	if (names == NULL || size < RTE_DIM(ms_xstats))
		return RTE_DIM(ms_xstats);
	for (i = 0; i < RTE_DIM(ms_xstats); i++)
		strlcpy(names[i].name, ms_xstats[i].name, sizeof(names[i].name));
	return RTE_DIM(ms_xstats);
}

int
manasim_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n)
{
	struct rte_pmd_manasim_counters c;
	unsigned int i;

	if (xstats == NULL || n < RTE_DIM(ms_xstats))
		return RTE_DIM(ms_xstats);
	manasim_counters_read(manasim_priv(dev), &c);
	for (i = 0; i < RTE_DIM(ms_xstats); i++) {
		xstats[i].id = i;
		xstats[i].value = *(const uint64_t *)((const char *)&c + ms_xstats[i].off);
	}
	return RTE_DIM(ms_xstats);
}

/* ---- Public API --------------------------------------------------------- */

/*
 * The API and telemetry find a port with manasim_port_get() and hold a
 * reference across the call: the port may be closed meanwhile (manafo closes
 * a VF it owns on its control thread at any time). So they read priv only,
 * with atomics where close or the control path writes: never dev->data,
 * which ethdev frees and clears after close without a lock of ours.
 */
void
manasim_info_read(const struct manasim_priv *priv, struct rte_pmd_manasim_info *info)
{
	unsigned int q;

	memset(info, 0, sizeof(*info));
	info->state = manasim_state(priv);
	info->started = __atomic_load_n(&priv->started, __ATOMIC_ACQUIRE);
	info->link_up = __atomic_load_n(&priv->link_up, __ATOMIC_ACQUIRE) != 0;
	info->event_busy = __atomic_load_n(&priv->ev_state, __ATOMIC_ACQUIRE) != MS_EV_IDLE;
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		if (__atomic_load_n(&priv->txq[q].hang, __ATOMIC_ACQUIRE) != 0)
			info->tx_hung_mask |= RTE_BIT32(q);
		info->tx_prepared += __atomic_load_n(&priv->txq[q].prepared, __ATOMIC_RELAXED);
	}
	info->nb_rx_queues = __atomic_load_n(&priv->nb_rxq, __ATOMIC_RELAXED);
	info->nb_tx_queues = __atomic_load_n(&priv->nb_txq, __ATOMIC_RELAXED);
	info->sched_fired = manasim_reg_fired(priv->reg);
	info->nb_flows = __atomic_load_n(&priv->nb_flows, __ATOMIC_RELAXED);
}

int
rte_pmd_manasim_event_init(uint16_t port_id, enum rte_pmd_manasim_kind kind,
			   struct rte_pmd_manasim_event *ev)
{
	struct manasim_priv *priv = manasim_port_get(port_id);

	if (priv == NULL)
		return -ENODEV;
	if (ev == NULL || (unsigned int)kind >= RTE_PMD_MANASIM_KIND_MAX) {
		manasim_put(priv);
		return -EINVAL;
	}
	manasim_event_defaults(priv, kind, ev);
	manasim_put(priv);
	return 0;
}

int
rte_pmd_manasim_inject(uint16_t port_id, const struct rte_pmd_manasim_event *ev)
{
	struct manasim_priv *priv = manasim_port_get(port_id);
	int ret;

	if (priv == NULL)
		return -ENODEV;
	ret = ev == NULL ? -EINVAL : manasim_event_check(priv, ev);
	if (ret == 0)
		ret = manasim_event_inject(priv, ev);
	manasim_put(priv);
	return ret;
}

int
rte_pmd_manasim_is_resetting(uint16_t port_id)
{
	struct manasim_priv *priv = manasim_port_get(port_id);
	int ret;

	if (priv == NULL)
		return -ENODEV;
	ret = manasim_state(priv) == RTE_PMD_MANASIM_ST_RESETTING;
	manasim_put(priv);
	return ret;
}

int
rte_pmd_manasim_counters_get(uint16_t port_id, struct rte_pmd_manasim_counters *c)
{
	struct manasim_priv *priv = manasim_port_get(port_id);

	if (priv == NULL)
		return -ENODEV;
	if (c != NULL)
		manasim_counters_read(priv, c);
	manasim_put(priv);
	return c == NULL ? -EINVAL : 0;
}

int
rte_pmd_manasim_info_get(uint16_t port_id, struct rte_pmd_manasim_info *info)
{
	struct manasim_priv *priv = manasim_port_get(port_id);

	if (priv == NULL)
		return -ENODEV;
	if (info != NULL)
		manasim_info_read(priv, info);
	manasim_put(priv);
	return info == NULL ? -EINVAL : 0;
}

int
rte_pmd_manasim_filters_get(uint16_t port_id, struct rte_pmd_manasim_filters *f)
{
	struct manasim_priv *priv = manasim_port_get(port_id);

	if (priv == NULL)
		return -ENODEV;
	if (f != NULL)
		manasim_filters_read(priv, f);
	manasim_put(priv);
	return f == NULL ? -EINVAL : 0;
}

const char *
rte_pmd_manasim_state_name(enum rte_pmd_manasim_state st)
{
	switch (st) {
	case RTE_PMD_MANASIM_ST_READY: return "ready";
	case RTE_PMD_MANASIM_ST_RESETTING: return "resetting";
	case RTE_PMD_MANASIM_ST_FAILED: return "failed";
	case RTE_PMD_MANASIM_ST_REMOVED: return "removed";
	case RTE_PMD_MANASIM_ST_ABORTED: return "aborted";
	}
	return "?";
}

int
rte_pmd_manasim_name_available(const char *name, uint64_t *ms_left)
{
	return manasim_reg_available(name, ms_left);
}
