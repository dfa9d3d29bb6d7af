/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <string.h>

#include "manafo.h"
#include "manafo_ctrl.h"
#include "rte_pmd_manafo.h"

/* The public API (rte_pmd_manafo.h): state, live drills, planned failover. */

#define DRILL_MAX_MS 3600000u

static void
sub_state(const struct manafo_sub *sub, uint64_t rx, uint64_t tx, struct rte_pmd_manafo_sub *out)
{
	out->port_id = sub->port_id;
	out->state = (enum rte_pmd_manafo_sub_state)sub->state;
	out->recovering = sub->recovering;
	out->rx_packets = rx;
	out->tx_packets = tx;
}

int
rte_pmd_manafo_state_get(uint16_t port_id, struct rte_pmd_manafo_state *st)
{
	uint64_t rx[MANAFO_NB_ROLES], tx[MANAFO_NB_ROLES], synth_ns;
	struct manafo_priv *priv;
	uint32_t steer;

	if (st == NULL)
		return -EINVAL;
	priv = manafo_priv_get(port_id);
	if (priv == NULL)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	manafo_mutex_lock(&priv->lock);
	manafo_counters_read(priv, rx, tx, &st->tx_redirected, &st->tx_refused);
	sub_state(&priv->sub[MANAFO_VF], rx[MANAFO_VF], tx[MANAFO_VF], &st->vf);
	sub_state(&priv->sub[MANAFO_SYNTH], rx[MANAFO_SYNTH], tx[MANAFO_SYNTH], &st->synth);
	steer = manafo_steer_load(priv);
	st->tx_path = (steer & MANAFO_VF_TX) ? RTE_PMD_MANAFO_PATH_VF :
		      (steer & MANAFO_SYN_TX) ? RTE_PMD_MANAFO_PATH_SYNTH :
		      RTE_PMD_MANAFO_PATH_NONE;
	st->started = priv->started;
	st->forced = priv->forced;
	st->drill_running = priv->drill.running;
	st->failovers = priv->cnt.failovers;
	st->failbacks = priv->cnt.failbacks;
	st->vf_resets = priv->cnt.vf_resets;
	st->vf_removals = priv->cnt.vf_removals;
	st->vf_returns = priv->cnt.vf_returns;
	st->tx_hangs = priv->cnt.tx_hangs;
	synth_ns = priv->cnt.synth_time_ns;
	if (priv->on_synth_since_ns != 0)
		synth_ns += manafo_now_ns() - priv->on_synth_since_ns;
	st->synth_time_ms = synth_ns / 1000000;
	manafo_mutex_unlock(&priv->lock);
	manafo_priv_put(priv);
	return 0;
}

static int
drill_start_locked(struct manafo_priv *priv, uint32_t ms) MANAFO_REQUIRES(priv->lock)
{
	uint64_t rx[MANAFO_NB_ROLES], redirected;
	struct manafo_drill *d = &priv->drill;
	struct manafo_work w = { .priv = priv, .kind = MANAFO_WORK_DRILL_END };

	if (!priv->started) {
		PORT_LOG(priv, ERR, "drill refused: the port is not started");
		return -EINVAL;
	}
	if (!(manafo_steer_load(priv) & MANAFO_SYN_TX)) {
		PORT_LOG(priv, ERR, "drill refused: the synthetic path is down (%s)",
			 manafo_state_name(priv->sub[MANAFO_SYNTH].state));
		return -ENOLINK;
	}
	if (d->running) {
		PORT_LOG(priv, ERR, "drill refused: a drill is already running");
		return -EBUSY;
	}
	memset(d, 0, sizeof(*d));
	d->running = true;
	d->result = 1;
	d->start_ns = manafo_now_ns();
	manafo_counters_read(priv, rx, d->pkts_start, &redirected, &d->refused);
	priv->cnt.drills++;
	PORT_LOG(priv, NOTICE, "drill: TX on the synthetic path for %u ms", ms);
	if (priv->sub[MANAFO_VF].state == MANAFO_SUB_ACTIVE)
		manafo_failover(priv, MANAFO_CAUSE_DRILL, d->start_ns);
	return manafo_ctrl_post(&w, ms);
}

int
rte_pmd_manafo_drill_start(uint16_t port_id, uint32_t ms)
{
	struct manafo_priv *priv;
	int ret;

	if (ms == 0 || ms > DRILL_MAX_MS) {
		MANAFO_LOG(ERR, "drill of %u ms refused: want 1..%u ms", ms, DRILL_MAX_MS);
		return -EINVAL;
	}
	priv = manafo_priv_get(port_id);
	if (priv == NULL)
		return -ENODEV;
	manafo_mutex_lock(&priv->lock);
	ret = drill_start_locked(priv, ms);
	manafo_mutex_unlock(&priv->lock);
	manafo_priv_put(priv);
	return ret;
}

int
rte_pmd_manafo_drill_result(uint16_t port_id, struct rte_pmd_manafo_drill *out)
{
	struct manafo_priv *priv;
	struct manafo_drill *d;
	int ret = 0;

	if (out == NULL)
		return -EINVAL;
	priv = manafo_priv_get(port_id);
	if (priv == NULL)
		return -ENODEV;
	manafo_mutex_lock(&priv->lock);
	d = &priv->drill;
	if (d->start_ns == 0) {
		ret = -ENOENT;
	} else {
		memset(out, 0, sizeof(*out));
		out->running = d->running;
		out->duration_ms = (uint32_t)(((d->running ? manafo_now_ns() : d->end_ns) -
					       d->start_ns) / 1000000);
		out->tx_vf = d->pkts_during[MANAFO_VF];
		out->tx_synth = d->pkts_during[MANAFO_SYNTH];
		out->tx_refused = d->refused;
		out->back_on_vf = !d->running && (manafo_steer_load(priv) & MANAFO_VF_TX);
	}
	manafo_mutex_unlock(&priv->lock);
	manafo_priv_put(priv);
	return ret;
}

int
rte_pmd_manafo_failover(uint16_t port_id)
{
	struct manafo_priv *priv = manafo_priv_get(port_id);
	int ret = 0;

	if (priv == NULL)
		return -ENODEV;
	manafo_mutex_lock(&priv->lock);
	if (!(manafo_steer_load(priv) & MANAFO_SYN_TX)) {
		PORT_LOG(priv, ERR, "forced failover refused: the synthetic path is down");
		ret = -ENOLINK;
	} else {
		priv->forced = true;
		manafo_failover(priv, MANAFO_CAUSE_FORCED, manafo_now_ns());
		PORT_LOG(priv, NOTICE, "forced failover: TX held on the synthetic path");
	}
	manafo_mutex_unlock(&priv->lock);
	manafo_priv_put(priv);
	return ret;
}

int
rte_pmd_manafo_failback(uint16_t port_id)
{
	struct manafo_priv *priv = manafo_priv_get(port_id);
	uint32_t epoch;
	int ret = 0;

	if (priv == NULL)
		return -ENODEV;
	manafo_mutex_lock(&priv->lock);
	priv->forced = false;
	epoch = manafo_steer_epoch(manafo_steer_load(priv));
	if (!(manafo_steer_load(priv) & MANAFO_VF_TX) &&
	    !manafo_failback(priv, epoch, manafo_now_ns()))
		ret = -EAGAIN;
	manafo_mutex_unlock(&priv->lock);
	manafo_priv_put(priv);
	return ret;
}
