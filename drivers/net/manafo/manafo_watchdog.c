/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * TX watchdog (design.md §8), the kernel's dev_watchdog idea. A VF TX queue
 * is hung when, for tx_timeout_ms,
 * - refused: the application kept offering packets and the VF accepted
 *   none; or
 * - no completions: descriptors were outstanding and none completed, even
 *   while the VF kept accepting (it fills its ring before it refuses).
 * A queue that was offered nothing since a rule last saw progress is idle,
 * not hung: that restarts the rule's clock.
 *
 * The evidence is the per-queue counters the burst function keeps anyway
 * (offered, accepted) and, where the VF implements it, its TX descriptor
 * status: completed = accepted - outstanding. The check runs on the control
 * thread every tx_timeout_ms / 4. Repair escalates: restart the queue, then
 * the device, then give the VF up and re-probe it as after a removal.
 */

#define NS_PER_MS 1000000ULL
/* Failed repairs are counted within this many timeouts. */
#define HANG_WINDOW_TIMEOUTS 10

static uint32_t
check_period_ms(const struct manafo_priv *priv)
{
	return RTE_MAX(priv->args.tx_timeout_ms / 4, 1u);
}

const char *
manafo_hang_rule_name(enum manafo_hang_rule rule)
{
	switch (rule) {
	case MANAFO_HANG_REFUSED:
		return "refused";
	case MANAFO_HANG_NO_COMPLETIONS:
		return "no completions";
	default:
		return "none";
	}
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

/* Forget all evidence: the VF changed, was repaired, or the port started. */
static void
watchdog_reset(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	uint16_t i;

	for (i = 0; i < priv->nb_txq; i++) {
		priv->txwd[i].since_ns = 0;
		priv->txwd[i].c_since_ns = 0;
		priv->txwd[i].desc = MANAFO_WD_DESC_UNKNOWN;
	}
}

void
manafo_watchdog_start(struct manafo_priv *priv)
{
	if (priv->txwd != NULL)
		watchdog_reset(priv);
	manafo_watchdog_arm(priv);
}

/*
 * mlx5's tx_descriptor_status reaps completions (frees mbufs, moves the
 * ring's tail): called from the control thread beside the lcore's tx_burst
 * it would corrupt the queue. It also counts in-flight slots from offset 0
 * up, the other way round. For such a VF the watchdog cannot tell.
 */
static bool
desc_status_usable(const struct manafo_sub *vf)
{
	const char *drv = vf->info_valid ? vf->info.driver_name : NULL;

	return drv != NULL && strstr(drv, "mlx5") == NULL;
}

/*
 * Descriptors in flight on a VF TX queue. Offsets count from the ring tail
 * (0: the next slot to fill, the oldest): completed (DONE) slots come
 * first, the in-flight (FULL) ones occupy the highest offsets, so the first
 * FULL offset, found by bisection, gives the exact count in about
 * log2(nb_desc) calls. The lcore may transmit meanwhile: the count then
 * mixes two instants, off by what was sent during the calls. Drivers that
 * write completions back per batch of descriptors report an unreported
 * batch DONE (its last slot's status is from the previous lap): the count
 * errs low there, which can delay a detection, never cause one.
 * A negative errno when the VF cannot tell now; -ENOTSUP: it never can.
 */
static int
tx_outstanding(uint16_t port, uint16_t qid, uint16_t nb_desc)
{
	uint16_t lo = 0, hi, mid;
	int st;

	if (nb_desc == 0)
		return 0;
	hi = nb_desc - 1;
	st = rte_eth_tx_descriptor_status(port, qid, hi);
	if (st < 0)
		return st;
	if (st != RTE_ETH_TX_DESC_FULL)
		return 0;
	/* Invariant: offset hi is FULL, no offset below lo is. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		st = rte_eth_tx_descriptor_status(port, qid, mid);
		if (st < 0)
			return st;
		if (st == RTE_ETH_TX_DESC_FULL)
			hi = mid;
		else
			lo = mid + 1;
	}
	return nb_desc - lo;
}

/* Outstanding descriptors of VF TX queue qid, or -1 when it cannot tell. */
static int
wd_outstanding(struct manafo_priv *priv, struct manafo_txwd *wd, uint16_t qid,
	       const struct manafo_txq *txq) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	struct rte_eth_txq_info qi;
	uint16_t nb_desc = txq->nb_desc;
	int n;

	if (wd->desc == MANAFO_WD_DESC_UNKNOWN && !desc_status_usable(vf))
		wd->desc = MANAFO_WD_DESC_NONE;
	if (wd->desc == MANAFO_WD_DESC_NONE)
		return -1;
	/* The VF's own ring size: it may round the one asked for. */
	if (rte_eth_tx_queue_info_get(vf->port_id, qid, &qi) == 0 && qi.nb_desc != 0)
		nb_desc = qi.nb_desc;
	n = tx_outstanding(vf->port_id, qid, nb_desc);
	if (n == -ENOTSUP) {
		wd->desc = MANAFO_WD_DESC_NONE;
		PORT_LOG(priv, DEBUG, "VF TX queue %u: no descriptor status: completions "
			 "not watched", qid);
	} else if (n >= 0) {
		wd->desc = MANAFO_WD_DESC_OK;
	}
	return n < 0 ? -1 : n;
}

/* Refusal rule: the stall in ns, 0 while progressing or idle. */
static uint64_t
refused_for(struct manafo_txwd *wd, uint64_t now, uint64_t offered, uint64_t accepted)
{
	if (accepted != wd->accepted || offered == wd->offered || wd->since_ns == 0) {
		wd->since_ns = now;
		wd->offered = offered;
		wd->accepted = accepted;
		return 0;
	}
	return now - wd->since_ns;
}

/*
 * Completion rule: the stall in ns, 0 while progressing, idle, or with
 * nothing (known to be) outstanding. Progress is completed above its value
 * at the last progress: a reading lowered by packets sent during the probe
 * does not move the baseline down.
 */
static uint64_t
uncompleted_for(struct manafo_txwd *wd, uint64_t now, uint64_t offered, uint64_t accepted,
		int outstanding)
{
	int64_t completed = (int64_t)accepted - outstanding;

	if (outstanding <= 0 || completed > wd->completed || offered == wd->c_offered ||
	    wd->c_since_ns == 0) {
		wd->c_since_ns = now;
		wd->c_offered = offered;
		wd->c_accepted = accepted;
		wd->completed = completed;
		return 0;
	}
	return now - wd->c_since_ns;
}

/* Returns the first hung queue, or -1. */
static int
find_hung_queue(struct manafo_priv *priv, uint64_t now) MANAFO_REQUIRES(priv->lock)
{
	uint64_t timeout_ns = (uint64_t)priv->args.tx_timeout_ms * NS_PER_MS;
	uint32_t steer = manafo_steer_load(priv);
	/* Never ask a VF that is resetting or dead: its queues may be gone. */
	bool probe = (steer & MANAFO_VF_TX) &&
		!(steer & MANAFO_STEER(MANAFO_VF, MANAFO_STEER_RECOVERING | MANAFO_STEER_DEAD));
	int hung = -1;
	uint16_t i;

	for (i = 0; i < priv->nb_txq; i++) {
		struct manafo_txq *txq = priv->txqs[i];
		struct manafo_txwd *wd = &priv->txwd[i];
		uint64_t offered, accepted, refused_ns, uncompleted_ns;
		struct manafo_hang h;
		int outstanding;

		if (txq == NULL)
			continue;
		/* Counters before the probe: packets sent in between lower the count. */
		accepted = __atomic_load_n(&txq->pkts[MANAFO_VF], __ATOMIC_RELAXED);
		offered = accepted + __atomic_load_n(&txq->vf_short, __ATOMIC_RELAXED);
		outstanding = probe ? wd_outstanding(priv, wd, i, txq) : -1;
		refused_ns = refused_for(wd, now, offered, accepted);
		uncompleted_ns = uncompleted_for(wd, now, offered, accepted, outstanding);
		if (hung >= 0 || (refused_ns < timeout_ns && uncompleted_ns < timeout_ns))
			continue;
		hung = i;
		h = (struct manafo_hang){ .when_ns = now, .qid = i, .outstanding = outstanding };
		if (refused_ns >= timeout_ns) {
			h.rule = MANAFO_HANG_REFUSED;
			h.offered = offered - wd->offered;
			h.accepted = accepted - wd->accepted;
			h.stalled_ms = refused_ns / NS_PER_MS;
		} else {
			h.rule = MANAFO_HANG_NO_COMPLETIONS;
			h.offered = offered - wd->c_offered;
			h.accepted = accepted - wd->c_accepted;
			h.stalled_ms = uncompleted_ns / NS_PER_MS;
		}
		priv->last_hang = h;
		PORT_LOG(priv, ERR, "VF TX queue %u hung (%s): %" PRIu64 " packets offered, %"
			 PRIu64 " accepted in %" PRIu64 " ms, %d descriptors outstanding", i,
			 manafo_hang_rule_name(h.rule), h.offered, h.accepted, h.stalled_ms,
			 h.outstanding);
	}
	return hung;
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
	/*
	 * The application did not stop the port: the VF's rules, which a
	 * stop may drop (no RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP), are manafo's to
	 * restore. A failure is logged and counted there, and retried later.
	 */
	if (ret == 0) {
		manafo_flow_stale(priv, vf);
		if ((vf->dirty & MANAFO_DIRTY_FLOW) && manafo_flow_replay(priv, vf) == -EBUSY)
			manafo_retry_config(priv, MANAFO_VF, MANAFO_RETRY_CONFIG_MS);
	}
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
	/* A VF replaced between two checks: nothing learnt of the old one holds. */
	if (vf->state != MANAFO_SUB_ACTIVE || vf->gen != priv->txwd_vf_gen) {
		watchdog_reset(priv);
		priv->txwd_vf_gen = vf->gen;
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
