/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>

#include <rte_ethdev.h>

#include "manafo.h"
#include "manafo_ctrl.h"

/*
 * The sub-device state machine (design.md §3), run on the control thread
 * only. Each work item takes the port lock, moves the machine, releases the
 * lock and only then emits the application's events: the application may
 * close the port from inside its callback, so nothing touches the port after
 * the events are out.
 */

#define NS_PER_MS 1000000ULL

struct work_result {
	uint32_t events;	/* RTE_BIT32(rte_eth_event_type) to emit */
};

static uint64_t
ms_since(uint64_t then_ns)
{
	uint64_t now = manafo_now_ns();

	return then_ns != 0 && now > then_ns ? (now - then_ns) / NS_PER_MS : 0;
}

static void
post(struct manafo_priv *priv, enum manafo_work_kind kind, enum manafo_role role,
     uint32_t epoch, uint32_t delay_ms)
{
	struct manafo_work w = {
		.priv = priv, .kind = kind, .role = role, .epoch = epoch,
		.gen = priv->sub[role].gen,
	};

	manafo_ctrl_post(&w, delay_ms);
}

void
manafo_retry_config(struct manafo_priv *priv, enum manafo_role role, uint32_t delay_ms)
{
	post(priv, MANAFO_WORK_RETRY_CONFIG, role, 0, delay_ms);
}

void
manafo_hotplug_arm(struct manafo_priv *priv, enum manafo_role role, uint32_t delay_ms)
{
	if (!priv->closing && manafo_args_has(&priv->args, role))
		post(priv, MANAFO_WORK_HOTPLUG, role, 0, delay_ms);
}

/* Bookkeeping of a switch to the synthetic path; steering is the caller's. */
static void
note_failover(struct manafo_priv *priv, enum manafo_cause cause, uint64_t event_ns)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	uint64_t now = manafo_now_ns();

	if (vf->state == MANAFO_SUB_ACTIVE) {
		priv->cnt.failovers++;
		priv->cnt.last_failover_ns = event_ns && now > event_ns ? now - event_ns : 0;
		priv->on_synth_since_ns = now;
		priv->last_cause = cause;
		priv->last_switch_ns = now;
		vf->standby_since_ns = now;
		/* TX left in the event callback; this is when the work ran. */
		if (event_ns != 0)
			PORT_LOG(priv, NOTICE, "failover: TX on the synthetic path (%s, handled "
				 "%.3f ms after the event)", manafo_cause_name(cause),
				 priv->cnt.last_failover_ns / 1e6);
		else
			PORT_LOG(priv, NOTICE, "failover: TX on the synthetic path (%s)",
				 manafo_cause_name(cause));
	}
	if (vf->state == MANAFO_SUB_ACTIVE || vf->state == MANAFO_SUB_READY)
		manafo_sub_set_state(priv, vf, MANAFO_SUB_STANDBY, cause);
}

/* Steer TX (and RX when asked) away from the VF and record why. */
void
manafo_failover(struct manafo_priv *priv, enum manafo_cause cause, uint64_t event_ns)
{
	manafo_steer_off(priv, MANAFO_VF, MANAFO_STEER_TX);
	note_failover(priv, cause, event_ns);
}

/*
 * Back to the VF, unless it is not ready or an event moved the steering
 * epoch since the decision: the compare-and-swap loses against any newer
 * ERR_RECOVERING.
 */
bool
manafo_failback(struct manafo_priv *priv, uint32_t epoch, uint64_t event_ns)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	uint64_t now;

	if (!priv->started || priv->closing || vf->state != MANAFO_SUB_STANDBY ||
	    vf->recovering || !vf->started || vf->dirty != 0 || priv->drill.running ||
	    priv->forced) {
		PORT_LOG(priv, DEBUG, "no fail-back: port %s, VF %s%s%s, dirty 0x%x%s%s",
			 priv->started ? "started" : "stopped", manafo_state_name(vf->state),
			 vf->recovering ? " recovering" : "", vf->started ? " started" : "",
			 vf->dirty, priv->drill.running ? ", drill" : "",
			 priv->forced ? ", forced" : "");
		return false;
	}
	if (!manafo_steer_on_if(priv, epoch, MANAFO_VF_RX | MANAFO_VF_TX)) {
		PORT_LOG(priv, DEBUG, "fail-back skipped: a newer event moved the steering");
		return false;
	}
	now = manafo_now_ns();
	priv->cnt.failbacks++;
	priv->cnt.last_failback_ns = event_ns && now > event_ns ? now - event_ns : 0;
	if (priv->on_synth_since_ns != 0)
		priv->cnt.synth_time_ns += now - priv->on_synth_since_ns;
	PORT_LOG(priv, NOTICE, "failback: TX on the VF after %" PRIu64 " ms on the synthetic path "
		 "(%s)", ms_since(priv->on_synth_since_ns), manafo_cause_name(vf->cause));
	priv->on_synth_since_ns = 0;
	priv->last_switch_ns = now;
	manafo_sub_set_state(priv, vf, MANAFO_SUB_ACTIVE, MANAFO_CAUSE_NONE);
	return true;
}

/* Fail back now or after the hold-down. */
static void
failback_after_holddown(struct manafo_priv *priv, uint32_t epoch, uint64_t event_ns)
	MANAFO_REQUIRES(priv->lock)
{
	if (priv->args.failback_ms == 0) {
		manafo_failback(priv, epoch, event_ns);
		return;
	}
	{
		struct manafo_work w = {
			.priv = priv, .kind = MANAFO_WORK_FAILBACK, .role = MANAFO_VF,
			.epoch = epoch, .event_ns = event_ns, .gen = priv->sub[MANAFO_VF].gen,
		};

		manafo_ctrl_post(&w, priv->args.failback_ms);
	}
}

static bool
stale(struct manafo_priv *priv, const struct manafo_work *w, const char *what)
{
	struct manafo_sub *sub = &priv->sub[w->role];

	if (w->gen == sub->gen && sub->state != MANAFO_SUB_ABSENT)
		return false;
	PORT_LOG(priv, DEBUG, "%s of %s: stale (generation %u, now %u, %s): ignored", what,
		 manafo_role_name(w->role), w->gen, sub->gen, manafo_state_name(sub->state));
	return true;
}

static void
on_recovering(struct manafo_priv *priv, const struct manafo_work *w) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[w->role];

	if (stale(priv, w, "ERR_RECOVERING"))
		return;
	if (sub->recovering) {
		PORT_LOG(priv, INFO, "%s: ERR_RECOVERING again during its recovery",
			 manafo_role_name(w->role));
	} else {
		sub->recovering = true;
		sub->recovering_since_ns = w->event_ns;
		if (w->role == MANAFO_VF)
			priv->cnt.vf_resets++;
		PORT_LOG(priv, NOTICE, "%s: service reset started (ERR_RECOVERING)",
			 manafo_role_name(w->role));
	}
	sub->recovery_seq++;
	if (w->role == MANAFO_VF)
		note_failover(priv, MANAFO_CAUSE_RESET, w->event_ns);
	else if (sub->state == MANAFO_SUB_ACTIVE)
		manafo_sub_set_state(priv, sub, MANAFO_SUB_STANDBY, MANAFO_CAUSE_RESET);
	manafo_ctrl_cancel(priv, MANAFO_WORK_BIT(MANAFO_WORK_RECOVERY_TIMEOUT) |
			   MANAFO_WORK_BIT(MANAFO_WORK_FAILBACK), w->role);
	post(priv, MANAFO_WORK_RECOVERY_TIMEOUT, w->role, sub->recovery_seq,
	     priv->args.recovery_timeout_ms);
}

static void give_up(struct manafo_priv *priv, enum manafo_role role, enum manafo_cause cause,
		    struct work_result *res) MANAFO_REQUIRES(priv->lock);

#define CONFIG_FAILURES_MAX 3

/*
 * Replay what a sub-device has not received. -EBUSY is retried soon; other
 * refusals every hotplug_poll_ms, and after CONFIG_FAILURES_MAX in a row the
 * sub-device is broken without having said so: give it up and re-probe it
 * as after a removal. True when everything is applied.
 */
static bool
replay_or_retry(struct manafo_priv *priv, struct manafo_sub *sub, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	int ret = sub->dirty ? manafo_sub_replay(priv, sub, sub->dirty) : 0;

	if (ret == 0) {
		sub->config_failures = 0;
		return true;
	}
	if (ret == -EBUSY) {
		manafo_retry_config(priv, sub->role, MANAFO_RETRY_CONFIG_MS);
	} else if (++sub->config_failures >= CONFIG_FAILURES_MAX) {
		sub->config_failures = 0;
		give_up(priv, sub->role, MANAFO_CAUSE_CONFIG, res);
	} else {
		manafo_retry_config(priv, sub->role, priv->args.hotplug_poll_ms);
	}
	return false;
}

/* After a reset: apply what was recorded meanwhile, then go back. */
static void
resume_after_reset(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t epoch,
		   uint64_t event_ns, struct work_result *res) MANAFO_REQUIRES(priv->lock)
{
	if (!replay_or_retry(priv, sub, res))
		return;
	if (sub->role == MANAFO_SYNTH) {
		if (sub->state == MANAFO_SUB_STANDBY && sub->started) {
			manafo_steer_set(priv, MANAFO_SYN_RX | MANAFO_SYN_TX, 0);
			manafo_sub_set_state(priv, sub, MANAFO_SUB_ACTIVE, MANAFO_CAUSE_NONE);
		}
		return;
	}
	if (!priv->started && sub->started)
		manafo_sub_stop(priv, sub);	/* the port stopped during the reset */
	if (priv->started)
		failback_after_holddown(priv, epoch, event_ns);
}

static void
on_recovered(struct manafo_priv *priv, const struct manafo_work *w, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[w->role];

	if (stale(priv, w, "RECOVERY_SUCCESS"))
		return;
	if (!sub->recovering) {
		PORT_LOG(priv, DEBUG, "%s: RECOVERY_SUCCESS without ERR_RECOVERING: ignored",
			 manafo_role_name(w->role));
		return;
	}
	sub->recovering = false;
	manafo_ctrl_cancel(priv, MANAFO_WORK_BIT(MANAFO_WORK_RECOVERY_TIMEOUT), w->role);
	PORT_LOG(priv, NOTICE, "%s: service reset done (RECOVERY_SUCCESS) after %" PRIu64 " ms",
		 manafo_role_name(w->role), ms_since(sub->recovering_since_ns));
	/* Flow rules may be lost across a recovery: resynchronised by the replay. */
	manafo_flow_stale(priv, sub);
	resume_after_reset(priv, sub, w->epoch, w->event_ns, res);
}

/* The manafo link, refreshed; LSC for the application when it changed. */
static void
refresh_link(struct manafo_priv *priv, struct work_result *res) MANAFO_REQUIRES(priv->lock)
{
	/* The record: dev->data->dev_conf is the application's to rewrite (BUG-8). */
	if (manafo_link_refresh(priv) == 0 && priv->conf.intr_conf.lsc)
		res->events |= RTE_BIT32(RTE_ETH_EVENT_INTR_LSC);
}

static void
give_up(struct manafo_priv *priv, enum manafo_role role, enum manafo_cause cause,
	struct work_result *res) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[role];
	struct manafo_sub *other = &priv->sub[role ^ 1];
	uint64_t t0 = manafo_now_ns();

	PORT_LOG(priv, NOTICE, "%s %s gone (%s)%s", manafo_role_name(role), sub->devname,
		 manafo_cause_name(cause), sub->recovering ? " during its recovery" : "");
	manafo_steer_off(priv, role, MANAFO_STEER_RX | MANAFO_STEER_TX | MANAFO_STEER_DEAD);
	if (role == MANAFO_VF)
		note_failover(priv, cause, 0);
	manafo_sub_set_state(priv, sub, MANAFO_SUB_GONE, cause);
	manafo_ctrl_cancel(priv, MANAFO_WORK_BIT(MANAFO_WORK_RECOVERY_TIMEOUT) |
			   MANAFO_WORK_BIT(MANAFO_WORK_FAILBACK) |
			   MANAFO_WORK_BIT(MANAFO_WORK_RETRY_CONFIG), role);
	manafo_quiesce(priv);
	manafo_sub_detach(priv, role, true);
	PORT_LOG(priv, NOTICE, "%s detached in %.3f ms (quiesce, stop, close, remove)",
		 manafo_role_name(role), (manafo_now_ns() - t0) / 1e6);
	if (role == MANAFO_VF)
		priv->cnt.vf_removals++;
	else
		priv->cnt.synth_removals++;
	/* No path left at all: the port itself is removed for the application. */
	if (other->state == MANAFO_SUB_ABSENT && priv->conf.intr_conf.rmv)
		res->events |= RTE_BIT32(RTE_ETH_EVENT_INTR_RMV);
	else
		refresh_link(priv, res);
	manafo_hotplug_arm(priv, role, priv->args.hotplug_poll_ms);
}

static void
on_gone(struct manafo_priv *priv, const struct manafo_work *w, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	if (stale(priv, w, manafo_cause_name(w->cause)))
		return;
	give_up(priv, w->role, w->cause, res);
}

static void
on_recovery_timeout(struct manafo_priv *priv, const struct manafo_work *w,
		    struct work_result *res) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[w->role];

	if (stale(priv, w, "recovery timeout") || !sub->recovering ||
	    sub->recovery_seq != w->epoch)
		return;
	PORT_LOG(priv, WARNING, "%s: no recovery result after %u ms: giving it up",
		 manafo_role_name(w->role), priv->args.recovery_timeout_ms);
	give_up(priv, w->role, MANAFO_CAUSE_TIMEOUT, res);
}

/* Attach, configure as recorded, start, and use a returning sub-device. */
static void
on_hotplug(struct manafo_priv *priv, const struct manafo_work *w, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[w->role];
	int ret;

	if (sub->state != MANAFO_SUB_ABSENT || priv->closing)
		return;
	ret = manafo_sub_attach(priv, w->role, false);
	if (ret < 0) {
		manafo_hotplug_arm(priv, w->role, priv->args.hotplug_poll_ms);
		return;
	}
	ret = manafo_sub_replay(priv, sub, MANAFO_DIRTY_ALL);
	if (ret < 0 && ret != -EBUSY) {
		PORT_LOG(priv, ERR, "%s: the returning device refused the configuration: %s",
			 manafo_role_name(w->role), rte_strerror(-ret));
		priv->cnt.vf_reattach_failures++;
		manafo_sub_detach(priv, w->role, false);
		manafo_hotplug_arm(priv, w->role, priv->args.hotplug_poll_ms);
		return;
	}
	if (w->role == MANAFO_VF)
		priv->cnt.vf_returns++;
	PORT_LOG(priv, NOTICE, "%s %s returned after %" PRIu64 " ms as port %u",
		 manafo_role_name(w->role), sub->devname, ms_since(sub->absent_since_ns),
		 sub->port_id);
	if (ret == -EBUSY) {
		manafo_retry_config(priv, w->role, MANAFO_RETRY_CONFIG_MS);
		return;
	}
	if (!priv->started)
		return;
	if (w->role == MANAFO_VF) {
		manafo_sub_set_state(priv, sub, MANAFO_SUB_STANDBY, MANAFO_CAUSE_REMOVED);
		failback_after_holddown(priv, manafo_steer_epoch(manafo_steer_load(priv)),
					w->event_ns);
	} else {
		manafo_steer_set(priv, MANAFO_SYN_RX | MANAFO_SYN_TX, 0);
		manafo_sub_set_state(priv, sub, MANAFO_SUB_ACTIVE, MANAFO_CAUSE_NONE);
	}
	refresh_link(priv, res);
}

static void
on_link(struct manafo_priv *priv, const struct manafo_work *w, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *vf = &priv->sub[MANAFO_VF];
	struct rte_eth_link link;

	if (stale(priv, w, "LSC"))
		return;
	if (w->role == MANAFO_VF && priv->started && vf->started &&
	    rte_eth_link_get_nowait(vf->port_id, &link) == 0) {
		if (link.link_status == RTE_ETH_LINK_DOWN && vf->state == MANAFO_SUB_ACTIVE) {
			/*
			 * The callback steered already (and moved the epoch); a
			 * second move would lose a link-up that is queued behind.
			 */
			if (manafo_steer_load(priv) & MANAFO_VF_TX)
				manafo_failover(priv, MANAFO_CAUSE_LINK, w->event_ns);
			else
				note_failover(priv, MANAFO_CAUSE_LINK, w->event_ns);
		} else if (link.link_status == RTE_ETH_LINK_UP &&
			   vf->state == MANAFO_SUB_STANDBY && vf->cause == MANAFO_CAUSE_LINK) {
			/* The event's epoch: a link-down since then wins. */
			failback_after_holddown(priv, w->epoch, w->event_ns);
		}
	}
	refresh_link(priv, res);
}

/* INTR_RESET (passive error handling): reset the VF and replay everything. */
static void
on_dev_reset(struct manafo_priv *priv, const struct manafo_work *w) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[w->role];
	int ret;

	if (stale(priv, w, "INTR_RESET"))
		return;
	PORT_LOG(priv, NOTICE, "%s: INTR_RESET: resetting the device", manafo_role_name(w->role));
	manafo_steer_off(priv, w->role, MANAFO_STEER_RX | MANAFO_STEER_TX);
	if (w->role == MANAFO_VF)
		note_failover(priv, MANAFO_CAUSE_DEV_RESET, w->event_ns);
	manafo_quiesce(priv);
	ret = rte_eth_dev_reset(sub->port_id);
	sub->started = false;
	manafo_flow_stale(priv, sub);
	if (ret == 0)
		ret = manafo_sub_replay(priv, sub, MANAFO_DIRTY_ALL);
	if (ret < 0) {
		PORT_LOG(priv, ERR, "%s: reset failed: %s", manafo_role_name(w->role),
			 rte_strerror(-ret));
		sub->dirty = MANAFO_DIRTY_ALL;
		manafo_retry_config(priv, w->role, priv->args.hotplug_poll_ms);
		return;
	}
	if (w->role == MANAFO_VF)
		failback_after_holddown(priv, manafo_steer_epoch(manafo_steer_load(priv)),
					w->event_ns);
	else if (priv->started)
		manafo_steer_set(priv, MANAFO_SYN_RX | MANAFO_SYN_TX, 0);
}

/* Configuration refused with -EBUSY (MANA's contended reset lock): again. */
static void
on_retry_config(struct manafo_priv *priv, const struct manafo_work *w, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	struct manafo_sub *sub = &priv->sub[w->role];

	if (sub->dirty == 0 || !manafo_sub_controllable(priv, sub))
		return;
	priv->cnt.config_retries++;
	if (!replay_or_retry(priv, sub, res))
		return;
	if (w->role == MANAFO_VF && sub->state == MANAFO_SUB_STANDBY)
		failback_after_holddown(priv, manafo_steer_epoch(manafo_steer_load(priv)), 0);
	else if (w->role == MANAFO_SYNTH && priv->started && sub->started)
		manafo_steer_set(priv, MANAFO_SYN_RX | MANAFO_SYN_TX, 0);
}

static void
on_drill_end(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	struct manafo_drill *d = &priv->drill;
	uint64_t rx[MANAFO_NB_ROLES], tx[MANAFO_NB_ROLES], redirected, refused;
	int r;

	if (!d->running)
		return;
	manafo_counters_read(priv, rx, tx, &redirected, &refused);
	for (r = 0; r < MANAFO_NB_ROLES; r++)
		d->pkts_during[r] = tx[r] - d->pkts_start[r];
	d->refused = refused - d->refused;
	d->end_ns = manafo_now_ns();
	d->running = false;
	if (!manafo_failback(priv, manafo_steer_epoch(manafo_steer_load(priv)), d->end_ns))
		PORT_LOG(priv, NOTICE, "drill over; TX stays on the synthetic path (VF %s)",
			 manafo_state_name(priv->sub[MANAFO_VF].state));
	PORT_LOG(priv, NOTICE, "drill over: %" PRIu64 " packets sent on the synthetic path, "
		 "%" PRIu64 " refused", d->pkts_during[MANAFO_SYNTH], d->refused);
}

static void
work_dispatch(struct manafo_priv *priv, const struct manafo_work *w, struct work_result *res)
	MANAFO_REQUIRES(priv->lock)
{
	switch (w->kind) {
	case MANAFO_WORK_RECOVERING:
		on_recovering(priv, w);
		break;
	case MANAFO_WORK_RECOVERED:
		on_recovered(priv, w, res);
		break;
	case MANAFO_WORK_GONE:
		on_gone(priv, w, res);
		break;
	case MANAFO_WORK_RECOVERY_TIMEOUT:
		on_recovery_timeout(priv, w, res);
		break;
	case MANAFO_WORK_LINK:
		on_link(priv, w, res);
		break;
	case MANAFO_WORK_DEV_RESET:
		on_dev_reset(priv, w);
		break;
	case MANAFO_WORK_HOTPLUG:
		on_hotplug(priv, w, res);
		break;
	case MANAFO_WORK_FAILBACK:
		manafo_failback(priv, w->epoch, w->event_ns);
		break;
	case MANAFO_WORK_RETRY_CONFIG:
		on_retry_config(priv, w, res);
		break;
	case MANAFO_WORK_WATCHDOG:
		manafo_watchdog_check(priv);
		break;
	case MANAFO_WORK_DRILL_END:
		on_drill_end(priv);
		break;
	default:
		break;
	}
}

void
manafo_work_run(struct manafo_work *w)
{
	struct manafo_priv *priv = w->priv;
	uint16_t port_id = priv->port_id;
	struct work_result res = { 0 };

	manafo_mutex_lock(&priv->lock);
	if (!priv->closing)
		work_dispatch(priv, w, &res);
	manafo_mutex_unlock(&priv->lock);
	/* Last: the application may close the port from its callback. */
	if (res.events != 0)
		manafo_emit(port_id, priv, res.events);
}

/*
 * Events to the application, with no lock held (design.md §4). The port
 * may be closed by an earlier callback of the same batch: check first.
 */
void
manafo_emit(uint16_t port_id, struct manafo_priv *priv, uint32_t events)
{
	static const enum rte_eth_event_type order[] = {
		RTE_ETH_EVENT_INTR_LSC, RTE_ETH_EVENT_INTR_RMV,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(order); i++) {
		struct rte_eth_dev *dev = &rte_eth_devices[port_id];

		if (!(events & RTE_BIT32(order[i])))
			continue;
		if (dev->state == RTE_ETH_DEV_UNUSED || dev->data->dev_private != priv)
			return;
		rte_eth_dev_callback_process(dev, order[i], NULL);
	}
}
