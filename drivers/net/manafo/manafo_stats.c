/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "manafo.h"

/*
 * Counters that never go backwards: each role folds the positive deltas of
 * the sub-device instance behind it (a counter that shrank restarted: a
 * returning VF counts from zero), as Linux net_failover does.
 */

#define STATS_WORDS (sizeof(struct rte_eth_stats) / sizeof(uint64_t))

static bool
sub_readable(const struct manafo_sub *sub)
{
	return sub->state != MANAFO_SUB_ABSENT && sub->port_id != MANAFO_NO_PORT &&
	       rte_eth_dev_is_valid_port(sub->port_id);
}

void
manafo_stats_fold(struct manafo_sub *sub)
{
	struct rte_eth_stats raw;
	uint64_t *r = (uint64_t *)&raw;
	uint64_t *last = (uint64_t *)&sub->fold.last;
	uint64_t *acc = (uint64_t *)&sub->fold.accum;
	size_t i;

	if (!sub_readable(sub) || rte_eth_stats_get(sub->port_id, &raw) != 0)
		return;
	for (i = 0; i < STATS_WORDS; i++) {
		acc[i] += r[i] >= last[i] ? r[i] - last[i] : r[i];
		last[i] = r[i];
	}
}

/* The next instance behind this role counts from zero. */
void
manafo_stats_detach(struct manafo_sub *sub)
{
	memset(&sub->fold.last, 0, sizeof(sub->fold.last));
}

int
manafo_stats_get(MANAFO_STATS_GET_ARGS)
{
	struct manafo_priv *priv = manafo_priv(dev);
	uint64_t *out = (uint64_t *)stats;
	size_t i;
	int r;

	manafo_mutex_lock(&priv->lock);
	memset(stats, 0, sizeof(*stats));
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		const uint64_t *acc = (const uint64_t *)&priv->sub[r].fold.accum;

		manafo_stats_fold(&priv->sub[r]);
		for (i = 0; i < STATS_WORDS; i++)
			out[i] += acc[i];
	}
	manafo_mutex_unlock(&priv->lock);
	return 0;
}

int
manafo_stats_reset(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int r;

	manafo_mutex_lock(&priv->lock);
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		struct manafo_sub *sub = &priv->sub[r];

		/* A recovering VF is not reset; its counters are re-based instead. */
		if (manafo_sub_controllable(priv, sub))
			rte_eth_stats_reset(sub->port_id);
		if (sub_readable(sub))
			rte_eth_stats_get(sub->port_id, &sub->fold.last);
		memset(&sub->fold.accum, 0, sizeof(sub->fold.accum));
	}
	manafo_mutex_unlock(&priv->lock);
	return 0;
}

/*
 * manafo's own counters, first in the xstats list. None starts with "vf_" or
 * "synth_": those prefixes belong to the sub-devices' own xstats.
 */
enum {
	X_FAILOVERS, X_FAILBACKS, X_VF_RESETS, X_VF_REMOVALS, X_VF_RETURNS,
	X_VF_REATTACH_FAILURES, X_SYNTH_REMOVALS, X_CONFIG_REPLAYS, X_CONFIG_RETRIES,
	X_SYNTH_TIME_MS, X_LAST_FAILOVER_US, X_LAST_FAILBACK_US, X_DRILLS, X_TX_HANGS,
	X_TX_HANG_REPAIRS_LIGHT, X_TX_HANG_REPAIRS_FULL, X_TX_HANG_ESCALATIONS, X_QUIESCE_SLOW,
	X_RX_VF, X_RX_SYNTH, X_TX_VF, X_TX_SYNTH, X_TX_REDIRECTED, X_TX_REFUSED, X_ON_SYNTH,
	X_FLOW_REPLAYS, X_FLOW_REPLAY_ERRORS, X_NB_OWN,
};

static void own_values(struct manafo_priv *priv, uint64_t v[X_NB_OWN]) MANAFO_REQUIRES(priv->lock);

static const char *const own_names[X_NB_OWN] = {
	"failovers", "failbacks", "resets_absorbed", "removals_vf", "returns_vf",
	"reattach_failures_vf", "removals_synth", "config_replays", "config_retries",
	"time_on_synth_ms", "last_failover_us", "last_failback_us", "drills", "tx_hangs",
	"tx_hang_repairs_light", "tx_hang_repairs_full", "tx_hang_escalations", "quiesce_slow",
	"rx_vf_packets", "rx_synth_packets", "tx_vf_packets", "tx_synth_packets",
	"tx_redirected_packets", "tx_refused_packets", "on_synthetic_path",
	"flow_replays", "flow_replay_errors",
};

unsigned int
manafo_own_counters(struct manafo_priv *priv, const char *const **names, uint64_t *v)
{
	if (names != NULL)
		*names = own_names;
	if (v != NULL)
		own_values(priv, v);
	return X_NB_OWN;
}

static void
own_values(struct manafo_priv *priv, uint64_t v[X_NB_OWN])
{
	const struct manafo_counters *c = &priv->cnt;
	uint64_t rx[MANAFO_NB_ROLES], tx[MANAFO_NB_ROLES], synth_ns = c->synth_time_ns;

	if (priv->on_synth_since_ns != 0)
		synth_ns += manafo_now_ns() - priv->on_synth_since_ns;
	manafo_counters_read(priv, rx, tx, &v[X_TX_REDIRECTED], &v[X_TX_REFUSED]);
	v[X_FAILOVERS] = c->failovers;
	v[X_FAILBACKS] = c->failbacks;
	v[X_VF_RESETS] = c->vf_resets;
	v[X_VF_REMOVALS] = c->vf_removals;
	v[X_VF_RETURNS] = c->vf_returns;
	v[X_VF_REATTACH_FAILURES] = c->vf_reattach_failures;
	v[X_SYNTH_REMOVALS] = c->synth_removals;
	v[X_CONFIG_REPLAYS] = c->config_replays;
	v[X_CONFIG_RETRIES] = c->config_retries;
	v[X_SYNTH_TIME_MS] = synth_ns / 1000000;
	v[X_LAST_FAILOVER_US] = c->last_failover_ns / 1000;
	v[X_LAST_FAILBACK_US] = c->last_failback_ns / 1000;
	v[X_DRILLS] = c->drills;
	v[X_TX_HANGS] = c->tx_hangs;
	v[X_TX_HANG_REPAIRS_LIGHT] = c->tx_hang_repairs_light;
	v[X_TX_HANG_REPAIRS_FULL] = c->tx_hang_repairs_full;
	v[X_TX_HANG_ESCALATIONS] = c->tx_hang_escalations;
	v[X_QUIESCE_SLOW] = c->quiesce_slow;
	v[X_RX_VF] = rx[MANAFO_VF];
	v[X_RX_SYNTH] = rx[MANAFO_SYNTH];
	v[X_TX_VF] = tx[MANAFO_VF];
	v[X_TX_SYNTH] = tx[MANAFO_SYNTH];
	v[X_ON_SYNTH] = !(manafo_steer_load(priv) & MANAFO_VF_TX);
	v[X_FLOW_REPLAYS] = c->flow_replays;
	v[X_FLOW_REPLAY_ERRORS] = c->flow_replay_errors;
}

void
manafo_xstats_free(struct manafo_sub *sub)
{
	rte_free(sub->xnames);
	rte_free(sub->xvalues);
	sub->xnames = NULL;
	sub->xvalues = NULL;
	sub->nb_xstats = 0;
}

/* Names of the sub-device's xstats, cached at attach; values kept. */
void
manafo_xstats_cache(struct manafo_sub *sub)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *vals = NULL;
	int n, i;

	n = rte_eth_xstats_get_names(sub->port_id, NULL, 0);
	if (n <= 0)
		return;
	names = calloc(n, sizeof(*names));
	vals = calloc(n, sizeof(*vals));
	if (names == NULL || vals == NULL ||
	    rte_eth_xstats_get_names(sub->port_id, names, n) != n) {
		free(names);
		free(vals);
		return;
	}
	if ((unsigned int)n != sub->nb_xstats) {
		manafo_xstats_free(sub);
		/* In shared memory: secondary processes read them too. */
		sub->xnames = rte_zmalloc("manafo_xnames", n * sizeof(*sub->xnames), 0);
		sub->xvalues = rte_zmalloc("manafo_xvalues", n * sizeof(*sub->xvalues), 0);
		if (sub->xnames == NULL || sub->xvalues == NULL) {
			manafo_xstats_free(sub);
			goto out;
		}
		sub->nb_xstats = n;
	}
	for (i = 0; i < n; i++)
		snprintf(sub->xnames[i].name, sizeof(sub->xnames[i].name), "%s_%s",
			 manafo_role_name(sub->role), names[i].name);
	if (rte_eth_xstats_get(sub->port_id, vals, n) == n)
		for (i = 0; i < n; i++)
			sub->xvalues[i] = vals[i].value;
out:
	free(names);
	free(vals);
}

/*
 * A sub-device's xstats change with its configuration (per-queue ones), so
 * names and values are read again whenever it can answer; a detached one
 * keeps its last names and values.
 */
static void
sub_xstats_refresh(struct manafo_sub *sub)
{
	if (sub_readable(sub))
		manafo_xstats_cache(sub);
}

static unsigned int
xstats_count(const struct manafo_priv *priv)
{
	return X_NB_OWN + priv->sub[MANAFO_VF].nb_xstats + priv->sub[MANAFO_SYNTH].nb_xstats;
}

int
manafo_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			unsigned int size)
{
	struct manafo_priv *priv = manafo_priv(dev);
	unsigned int n, i, k = 0;
	int r;

	manafo_mutex_lock(&priv->lock);
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		sub_xstats_refresh(&priv->sub[r]);
	n = xstats_count(priv);
	if (names != NULL && size >= n) {
		for (i = 0; i < X_NB_OWN; i++)
			strlcpy(names[k++].name, own_names[i], sizeof(names->name));
		for (r = 0; r < MANAFO_NB_ROLES; r++)
			for (i = 0; i < priv->sub[r].nb_xstats; i++)
				strlcpy(names[k++].name, priv->sub[r].xnames[i].name,
					sizeof(names->name));
	}
	manafo_mutex_unlock(&priv->lock);
	return (int)n;
}

int
manafo_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int size)
{
	struct manafo_priv *priv = manafo_priv(dev);
	uint64_t own[X_NB_OWN];
	unsigned int n, i, k = 0;
	int r;

	manafo_mutex_lock(&priv->lock);
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		sub_xstats_refresh(&priv->sub[r]);
	n = xstats_count(priv);
	if (xs != NULL && size >= n) {
		own_values(priv, own);
		for (i = 0; i < X_NB_OWN; i++, k++) {
			xs[k].id = k;
			xs[k].value = own[i];
		}
		for (r = 0; r < MANAFO_NB_ROLES; r++) {
			for (i = 0; i < priv->sub[r].nb_xstats; i++, k++) {
				xs[k].id = k;
				xs[k].value = priv->sub[r].xvalues[i];
			}
		}
	}
	manafo_mutex_unlock(&priv->lock);
	return (int)n;
}

int
manafo_xstats_reset(struct rte_eth_dev *dev)
{
	struct manafo_priv *priv = manafo_priv(dev);
	int r;

	manafo_stats_reset(dev);
	manafo_mutex_lock(&priv->lock);
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		if (manafo_sub_controllable(priv, &priv->sub[r]))
			rte_eth_xstats_reset(priv->sub[r].port_id);
	manafo_mutex_unlock(&priv->lock);
	return 0;
}
