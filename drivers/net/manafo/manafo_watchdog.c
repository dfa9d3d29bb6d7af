/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>

#include <rte_ethdev.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * TX watchdog (design.md §8), the kernel's dev_watchdog idea: a VF TX queue
 * to which the application kept offering packets while the VF accepted none
 * for tx_timeout_ms is hung. The evidence is the per-queue counters the
 * burst function keeps anyway; the check runs on the control thread every
 * tx_timeout_ms / 4. Repair escalates: restart the queue, then the device,
 * then give the VF up and re-probe it as after a removal.
 */

#define NS_PER_MS 1000000ULL
/* Failed repairs are counted within this many timeouts. */
#define HANG_WINDOW_TIMEOUTS 10

static uint32_t
check_period_ms(const struct manafo_priv *priv)
{
	return RTE_MAX(priv->args.tx_timeout_ms / 4, 1u);
}

void
manafo_watchdog_arm(struct manafo_priv *priv)
{
	struct manafo_work w = {
		.priv = priv, .kind = MANAFO_WORK_WATCHDOG, .role = MANAFO_VF,
	};

	if (priv->args.tx_timeout_ms == 0 || !priv->started || priv->closing)
		return;
	manafo_ctrl_post(&w, check_period_ms(priv));
}

/* Outstanding descriptors, where the VF can tell (-1 otherwise). */
static int
tx_outstanding(uint16_t port, uint16_t qid, uint16_t nb_desc)
{
	int st = rte_eth_tx_descriptor_status(port, qid, nb_desc ? nb_desc - 1 : 0);

	if (st == RTE_ETH_TX_DESC_FULL)
		return nb_desc;
	return st < 0 ? -1 : 0;
}

/* Returns the first hung queue, or -1. */
static int
find_hung_queue(struct manafo_priv *priv, uint64_t now)
{
	struct rte_eth_dev_data *data = priv->dev->data;
	uint64_t timeout_ns = (uint64_t)priv->args.tx_timeout_ms * NS_PER_MS;
	int hung = -1;
	uint16_t i;

	for (i = 0; i < data->nb_tx_queues; i++) {
		struct manafo_txq *txq = data->tx_queues[i];
		struct manafo_txwd *wd = &priv->txwd[i];
		uint64_t offered, accepted;

		if (txq == NULL)
			continue;
		accepted = __atomic_load_n(&txq->pkts[MANAFO_VF], __ATOMIC_RELAXED);
		offered = accepted + __atomic_load_n(&txq->vf_short, __ATOMIC_RELAXED);
		/* Progress, or simply idle: not hung. */
		if (accepted != wd->accepted || offered == wd->offered || wd->since_ns == 0) {
			wd->since_ns = now;
			wd->offered = offered;
			wd->accepted = accepted;
			continue;
		}
		if (now - wd->since_ns < timeout_ns || hung >= 0)
			continue;
		hung = i;
		priv->last_hang = (struct manafo_hang){
			.when_ns = now, .qid = i,
			.offered = offered - wd->offered,
			.accepted = accepted - wd->accepted,
			.stalled_ms = (now - wd->since_ns) / NS_PER_MS,
			.outstanding = tx_outstanding(priv->sub[MANAFO_VF].port_id, i,
						      txq->nb_desc),
		};
		PORT_LOG(priv, ERR, "VF TX queue %u hung: %" PRIu64 " packets offered, %" PRIu64
			 " accepted in %" PRIu64 " ms, %d descriptors outstanding", i,
			 priv->last_hang.offered, priv->last_hang.accepted,
			 priv->last_hang.stalled_ms, priv->last_hang.outstanding);
	}
	return hung;
}

static void
watchdog_reset(struct manafo_priv *priv)
{
	uint16_t i;

	for (i = 0; i < priv->dev->data->nb_tx_queues; i++)
		priv->txwd[i].since_ns = 0;
}

static int
repair_light(struct manafo_priv *priv, uint16_t qid)
{
	uint16_t port = priv->sub[MANAFO_VF].port_id;
	int ret;

	ret = rte_eth_dev_tx_queue_stop(port, qid);
	if (ret == 0)
		ret = rte_eth_dev_tx_queue_start(port, qid);
	if (ret == 0)
		priv->cnt.tx_hang_repairs_light++;
	return ret;
}

static int
repair_full(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	int ret;

	manafo_sub_stop(priv, vf);
	ret = manafo_sub_start(priv, vf);
	/* RX back at once, unless the VF died meanwhile; TX by fail-back. */
	if (ret == 0 && !(manafo_steer_load(priv) & MANAFO_STEER(MANAFO_VF, MANAFO_STEER_DEAD)))
		manafo_steer_set(priv, MANAFO_VF_RX, 0);
	if (ret == 0)
		priv->cnt.tx_hang_repairs_full++;
	return ret;
}

static void
repair(struct manafo_priv *priv, uint16_t qid, uint64_t now) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	uint64_t window = (uint64_t)HANG_WINDOW_TIMEOUTS * priv->args.tx_timeout_ms * NS_PER_MS;
	const char *what = "queue restart";
	int ret = -1;

	if (now - priv->tx_hang_window_ns > window) {
		priv->tx_hang_window_ns = now;
		priv->tx_hang_repairs = 0;
	}
	if (priv->tx_hang_repairs >= priv->args.tx_hang_max) {
		struct manafo_work w = {
			.priv = priv, .kind = MANAFO_WORK_GONE, .role = MANAFO_VF,
			.cause = MANAFO_CAUSE_TX_HANG, .gen = vf->gen,
		};

		priv->cnt.tx_hang_escalations++;
		PORT_LOG(priv, ERR, "VF TX hung again after %u repairs: giving the VF up",
			 priv->tx_hang_repairs);
		manafo_ctrl_post(&w, 0);
		return;
	}
	manafo_quiesce(priv);
	if (priv->tx_hang_repairs == 0)
		ret = repair_light(priv, qid);
	if (ret != 0) {
		/* A device restart: no burst may be inside the VF's RX either. */
		manafo_steer_off(priv, MANAFO_VF, MANAFO_STEER_RX | MANAFO_STEER_TX);
		manafo_quiesce(priv);
	}
	if (ret != 0) {
		what = "device restart";
		ret = repair_full(priv);
	}
	priv->tx_hang_repairs++;
	PORT_LOG(priv, NOTICE, "VF TX queue %u: %s repair %s", qid, what,
		 ret == 0 ? "done" : "failed");
	watchdog_reset(priv);
	if (ret == 0)
		manafo_failback(priv, manafo_steer_epoch(manafo_steer_load(priv)), now);
}

void
manafo_watchdog_check(struct manafo_priv *priv)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	uint64_t now = manafo_now_ns();
	int qid;

	if (!priv->started || priv->txwd == NULL || priv->args.tx_timeout_ms == 0)
		return;
	if (vf->state != MANAFO_SUB_ACTIVE) {
		watchdog_reset(priv);
	} else {
		qid = find_hung_queue(priv, now);
		if (qid >= 0) {
			priv->cnt.tx_hangs++;
			manafo_failover(priv, MANAFO_CAUSE_TX_HANG, now);
			repair(priv, (uint16_t)qid, now);
		}
	}
	manafo_watchdog_arm(priv);
}
