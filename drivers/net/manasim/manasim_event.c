/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The event engine: plays a service reset, a hot-remove, a TX hang or a
 * link flap on the threads and in the order MANA uses (see
 * reference/mana-reset.md):
 *
 *   EAL interrupt thread (alarm)     reset thread "manasim-rst"
 *   ERR_RECOVERING, no lock held
 *   lock, block queues, drain, unlock
 *   start the reset thread --------> lock, drop ring contents, unlock
 *                                    wait reset_ms (abortable, nestable)
 *                                    lock, unblock, NEW (under the lock), unlock
 *                                    RECOVERY_SUCCESS | RECOVERY_FAILED, no lock
 *
 * Rules kept everywhere: every lock is taken and released in one function;
 * no event is emitted under a lock except the deliberate NEW; an alarm is
 * never cancelled under a lock (rte_eal_alarm_cancel spins on a running
 * callback, which may want that lock); the reset thread is joined exactly
 * once and never by itself.
 */

#include <errno.h>
#include <inttypes.h>

#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_string_fns.h>

#include "manasim.h"

static void ms_event_alarm(void *arg);
static void ms_sched_alarm(void *arg);
static void ms_nested_alarm(void *arg);
static void ms_lsc_up_alarm(void *arg);
static void ms_rmv_alarm(void *arg);

void
manasim_get(struct manasim_priv *priv)
{
	__atomic_fetch_add(&priv->refcnt, 1, __ATOMIC_RELAXED);
}

void
manasim_put(struct manasim_priv *priv)
{
	if (__atomic_sub_fetch(&priv->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		rte_free(priv);
}

/*
 * Every alarm callback of a port runs between these two. The reference
 * keeps priv alive when the application closes the port from inside the
 * callback; the count lets stop/close wait for a running callback sleeping,
 * instead of in rte_eal_alarm_cancel's busy loop (which can starve the
 * interrupt thread of the alarm list lock it needs to finish).
 */
static void
ms_alarm_enter(struct manasim_priv *priv)
{
	manasim_get(priv);
	__atomic_fetch_add(&priv->alarms_running, 1, __ATOMIC_ACQ_REL);
}

static void
ms_alarm_exit(struct manasim_priv *priv)
{
	__atomic_fetch_sub(&priv->alarms_running, 1, __ATOMIC_ACQ_REL);
	manasim_put(priv);
}

static bool
ms_closed(const struct manasim_priv *priv)
{
	return __atomic_load_n(&priv->closed, __ATOMIC_ACQUIRE) != 0;
}

static void
ms_ev_idle(struct manasim_priv *priv)
{
	__atomic_store_n(&priv->ev_state, MS_EV_IDLE, __ATOMIC_RELEASE);
}

static const char *
ms_event_name(enum rte_eth_event_type type)
{
	switch (type) {
	case RTE_ETH_EVENT_ERR_RECOVERING: return "ERR_RECOVERING";
	case RTE_ETH_EVENT_RECOVERY_SUCCESS: return "RECOVERY_SUCCESS";
	case RTE_ETH_EVENT_RECOVERY_FAILED: return "RECOVERY_FAILED";
	case RTE_ETH_EVENT_INTR_RMV: return "INTR_RMV";
	case RTE_ETH_EVENT_INTR_LSC: return "INTR_LSC";
	case RTE_ETH_EVENT_NEW: return "NEW";
	default: return "?";
	}
}

static void
ms_emit(struct manasim_priv *priv, enum rte_eth_event_type type)
{
	MS_LOG(INFO, "%s: port %u emits %s", priv->name, priv->port_id, ms_event_name(type));
	rte_eth_dev_callback_process(priv->eth_dev, type, NULL);
}

/* -ENODEV once the port's close has begun: no alarm may outlive it. */
static int
ms_alarm_arm(struct manasim_priv *priv, uint64_t ms, rte_eal_alarm_callback cb)
{
	int ret = manasim_port_alarm_set(priv, ms == 0 ? 1 : ms * 1000, cb);

	if (ret != 0 && ret != -ENODEV)
		MS_LOG(ERR, "%s: cannot arm an EAL alarm: %s", priv->name, rte_strerror(-ret));
	return ret;
}

static int
ms_cancel(rte_eal_alarm_callback cb, struct manasim_priv *priv)
{
	int n = rte_eal_alarm_cancel(cb, priv);

	return n > 0 ? n : 0;
}

int
manasim_link_set(struct manasim_priv *priv, bool up)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_100G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	__atomic_store_n(&priv->link_up, up, __ATOMIC_RELEASE);
	return rte_eth_linkstatus_set(priv->eth_dev, &link);
}

bool
manasim_is_reset_thread(struct manasim_priv *priv)
{
	return __atomic_load_n(&priv->rst_live, __ATOMIC_ACQUIRE) != 0 &&
	       manafo_thread_is_self(priv->rst_thread);
}

/* Join the reset thread: exactly one caller does (CAS), never the thread. */
static void
ms_thread_reap(struct manasim_priv *priv)
{
	uint32_t live = 1;

	if (manasim_is_reset_thread(priv))
		return;
	if (__atomic_compare_exchange_n(&priv->rst_live, &live, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		manafo_thread_join(priv->rst_thread);
}

/* ---- TX hang and link flap: interrupt thread only ---------------------- */

static void
ms_tx_hang(struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev)
{
	unsigned int q, hung = 0;

	rte_spinlock_lock(&priv->lock);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		struct manasim_txq *txq = &priv->txq[q];

		if (!txq->configured || (ev->hang_queue >= 0 && ev->hang_queue != (int)q))
			continue;
		txq->hang_scope = ev->hang_scope;
		__atomic_store_n(&txq->hang, 1 + ev->hang_kind, __ATOMIC_RELEASE);
		hung++;
	}
	rte_spinlock_unlock(&priv->lock);
	manasim_cnt_add(&priv->cnt.tx_hangs, 1);
	MS_LOG(WARNING, "%s: TX hang (%s, repaired by %s restart) on %u queue(s)", priv->name,
	       manasim_hang_kind_name(ev->hang_kind),
	       ev->hang_kind == RTE_PMD_MANASIM_HANG_REFUSE &&
	       ev->hang_scope == RTE_PMD_MANASIM_SCOPE_DEVICE ? "device" : "queue", hung);
	ms_ev_idle(priv);
}

static void
ms_link_down(struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev)
{
	manasim_cnt_add(&priv->cnt.lsc_flaps, 1);
	manasim_link_set(priv, false);
	MS_LOG(NOTICE, "%s: link down for %u ms", priv->name, ev->reset_ms);
	ms_emit(priv, RTE_ETH_EVENT_INTR_LSC);
	if (ms_closed(priv))
		return;
	if (ms_alarm_arm(priv, ev->reset_ms, ms_lsc_up_alarm) != 0) {
		manasim_link_set(priv, true);
		ms_emit(priv, RTE_ETH_EVENT_INTR_LSC);
		ms_ev_idle(priv);
	}
}

static void
ms_lsc_up_alarm(void *arg)
{
	struct manasim_priv *priv = arg;

	ms_alarm_enter(priv);
	manasim_link_set(priv, true);
	MS_LOG(NOTICE, "%s: link up", priv->name);
	ms_emit(priv, RTE_ETH_EVENT_INTR_LSC);
	ms_ev_idle(priv);
	ms_alarm_exit(priv);
}

/* ---- Reset: the reset thread ------------------------------------------- */

static bool
ms_timer_expired(struct manasim_priv *priv)
{
	return manasim_now_ms() >= __atomic_load_n(&priv->deadline_ms, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&priv->nested_pending, __ATOMIC_ACQUIRE) == 0;
}

/*
 * The hardware recovery timer. Returns false when stop/close aborts it.
 * A nested error restarts the timer; once decided (finishing), no more
 * nesting is accepted, so no ERR_RECOVERING can follow the result.
 */
static bool
ms_reset_wait(struct manasim_priv *priv)
{
	bool done = false;

	while (!done) {
		if (__atomic_load_n(&priv->abort, __ATOMIC_ACQUIRE) != 0)
			return false;
		if (ms_timer_expired(priv)) {
			rte_spinlock_lock(&priv->lock);
			done = ms_timer_expired(priv);
			priv->finishing = done;
			rte_spinlock_unlock(&priv->lock);
		}
		if (!done)
			rte_delay_us_sleep(1000);
	}
	return true;
}

/* Reference step 4: queues go at once; what the hardware rings hold is lost. */
static void
ms_teardown(struct manasim_priv *priv)
{
	uint64_t rx_lost = 0, tx_lost = 0;
	unsigned int q;

	rte_spinlock_lock(&priv->lock);
	for (q = 0; q < MANASIM_MAX_QUEUES; q++) {
		rx_lost += manasim_rxq_drop_ring(&priv->rxq[q]);
		tx_lost += manasim_txq_free_held(&priv->txq[q]);
		__atomic_store_n(&priv->txq[q].hang, 0, __ATOMIC_RELAXED);
	}
	rte_spinlock_unlock(&priv->lock);
	manasim_cnt_add(&priv->cnt.rx_lost_in_reset, rx_lost);
	manasim_cnt_add(&priv->cnt.tx_lost_in_reset, tx_lost);
	MS_LOG(INFO, "%s: queues torn down, %" PRIu64 " RX and %" PRIu64 " TX packets lost",
	       priv->name, rx_lost, tx_lost);
}

static void
ms_recover(struct manasim_priv *priv)
{
	rte_spinlock_lock(&priv->lock);
	manasim_unblock_all(priv, MS_Q_BLOCKED);
	manasim_state_set(priv, RTE_PMD_MANASIM_ST_READY);
	/*
	 * Reference point 8, reproduced on purpose: MANA re-probes the same
	 * ethdev from its reset thread, so ethdev reports a spurious NEW while
	 * MANA still holds its reset lock. The only event emitted under a lock:
	 * an upper layer must treat NEW for a port it owns as noise, and a
	 * control call it makes from that callback meets the busy lock
	 * (-EBUSY), as on MANA.
	 */
	priv->in_new_cb = true;
	ms_emit(priv, RTE_ETH_EVENT_NEW);
	priv->in_new_cb = false;
	rte_spinlock_unlock(&priv->lock);
	if (ms_closed(priv)) {
		ms_ev_idle(priv);
		return;
	}
	manasim_cnt_add(&priv->cnt.resets_completed, 1);
	MS_LOG(NOTICE, "%s: reset done: RECOVERY_SUCCESS", priv->name);
	ms_emit(priv, RTE_ETH_EVENT_RECOVERY_SUCCESS);
	ms_ev_idle(priv);
}

static void
ms_fail(struct manasim_priv *priv, enum rte_pmd_manasim_state st)
{
	rte_spinlock_lock(&priv->lock);
	manasim_state_set(priv, st);
	priv->finishing = true;
	rte_spinlock_unlock(&priv->lock);
	manasim_cnt_add(&priv->cnt.resets_failed, 1);
	MS_LOG(WARNING, "%s: %s: RECOVERY_FAILED, the device is dead", priv->name,
	       st == RTE_PMD_MANASIM_ST_REMOVED ? "VF removed" : "recovery failed");
	ms_emit(priv, RTE_ETH_EVENT_RECOVERY_FAILED);
	ms_ev_idle(priv);
}

static void
ms_aborted(struct manasim_priv *priv, bool removed)
{
	rte_spinlock_lock(&priv->lock);
	manasim_state_set(priv, removed ? RTE_PMD_MANASIM_ST_REMOVED : RTE_PMD_MANASIM_ST_ABORTED);
	priv->finishing = true;
	rte_spinlock_unlock(&priv->lock);
	manasim_cnt_add(&priv->cnt.resets_aborted, 1);
	MS_LOG(WARNING, "%s: dev_stop/dev_close during the reset: recovery aborted, "
	       "no RECOVERY event, the device stays torn down", priv->name);
	ms_ev_idle(priv);
}

/* Monitor mode: INTR_RMV comes from device-event processing, not from here. */
static void
ms_remove_notify(struct manasim_priv *priv)
{
	rte_spinlock_lock(&priv->lock);
	manasim_state_set(priv, RTE_PMD_MANASIM_ST_REMOVED);
	priv->finishing = true;
	rte_spinlock_unlock(&priv->lock);
	if (__atomic_load_n(&priv->abort, __ATOMIC_ACQUIRE) != 0 ||
	    ms_alarm_arm(priv, 0, ms_rmv_alarm) != 0)
		ms_ev_idle(priv);
}

static void *
ms_reset_thread(void *arg)
{
	struct manasim_priv *priv = arg;
	struct rte_pmd_manasim_event ev;
	bool rmv;

	/* The creator publishes the thread handle before anything is emitted. */
	while (__atomic_load_n(&priv->rst_go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	ev = priv->running;
	rmv = ev.kind == RTE_PMD_MANASIM_REMOVE;
	ms_teardown(priv);
	if (rmv)
		manasim_reg_removed(priv->reg, ev.return_ms, ev.monitor);
	if (rmv && ev.monitor)
		ms_remove_notify(priv);
	else if (!ms_reset_wait(priv))
		ms_aborted(priv, rmv);
	else if (ev.kind == RTE_PMD_MANASIM_RESET_SUCCESS ||
		 ev.kind == RTE_PMD_MANASIM_RESET_NESTED)
		ms_recover(priv);
	else
		ms_fail(priv, rmv ? RTE_PMD_MANASIM_ST_REMOVED : RTE_PMD_MANASIM_ST_FAILED);
	manasim_put(priv);
	return NULL;
}

static int
ms_thread_start(struct manasim_priv *priv)
{
	int ret;

	manasim_get(priv); /* the thread's reference */
	__atomic_store_n(&priv->rst_go, 0, __ATOMIC_RELAXED);
	ret = manafo_ctrl_thread_create(&priv->rst_thread, "manasim-rst", ms_reset_thread, priv);
	if (ret != 0) {
		manasim_put(priv);
		return ret;
	}
	__atomic_store_n(&priv->rst_live, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&priv->rst_go, 1, __ATOMIC_RELEASE);
	return 0;
}

/* ---- Reset: the interrupt-thread part ---------------------------------- */

/* Arm a nested ERR_RECOVERING; refused once the reset thread has decided. */
static int
ms_nested_arm(struct manasim_priv *priv, uint32_t delay_ms, uint32_t ext_ms)
{
	bool ok;

	rte_spinlock_lock(&priv->lock);
	ok = manasim_state(priv) == RTE_PMD_MANASIM_ST_RESETTING && !priv->finishing &&
	     !(priv->running.kind == RTE_PMD_MANASIM_REMOVE && priv->running.monitor);
	if (ok) {
		__atomic_fetch_add(&priv->nested_pending, 1, __ATOMIC_ACQ_REL);
		priv->nested_ext_ms = ext_ms;
	}
	rte_spinlock_unlock(&priv->lock);
	if (!ok)
		return -EBUSY;
	if (ms_alarm_arm(priv, delay_ms, ms_nested_alarm) != 0) {
		__atomic_fetch_sub(&priv->nested_pending, 1, __ATOMIC_ACQ_REL);
		return -ENOMEM;
	}
	return 0;
}

/* A larger error during recovery: MANA's interrupt handler reports it again. */
static void
ms_nested_alarm(void *arg)
{
	struct manasim_priv *priv = arg;
	bool emit;

	ms_alarm_enter(priv);
	rte_spinlock_lock(&priv->lock);
	emit = manasim_state(priv) == RTE_PMD_MANASIM_ST_RESETTING && !priv->finishing;
	if (emit)
		__atomic_store_n(&priv->deadline_ms, manasim_now_ms() + priv->nested_ext_ms,
				 __ATOMIC_RELEASE);
	rte_spinlock_unlock(&priv->lock);
	if (emit) {
		manasim_cnt_add(&priv->cnt.resets_nested, 1);
		MS_LOG(NOTICE, "%s: nested error during the reset: ERR_RECOVERING again",
		       priv->name);
		ms_emit(priv, RTE_ETH_EVENT_ERR_RECOVERING);
	}
	/* The reset thread does not decide while this is above zero. */
	__atomic_fetch_sub(&priv->nested_pending, 1, __ATOMIC_ACQ_REL);
	ms_alarm_exit(priv);
}

static void
ms_reset_no_thread(struct manasim_priv *priv)
{
	int n = ms_cancel(ms_nested_alarm, priv);

	__atomic_fetch_sub(&priv->nested_pending, n, __ATOMIC_ACQ_REL);
	MS_LOG(ERR, "%s: cannot create the reset thread: RECOVERY_FAILED from the interrupt thread",
	       priv->name);
	ms_fail(priv, RTE_PMD_MANASIM_ST_FAILED);
}

static void
ms_reset_begin(struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev)
{
	/*
	 * Reference steps 1-2: still on the interrupt thread and before the
	 * reset lock or the queues are touched, tell the application. Its
	 * callback may switch paths while the queues still work, or stop and
	 * close the port without deadlocking on the reset lock.
	 */
	ms_emit(priv, RTE_ETH_EVENT_ERR_RECOVERING);
	if (ms_closed(priv))
		return;
	ms_thread_reap(priv); /* a finished earlier reset thread */
	rte_spinlock_lock(&priv->lock);
	priv->running = *ev;
	priv->finishing = false;
	__atomic_store_n(&priv->deadline_ms, manasim_now_ms() + ev->reset_ms, __ATOMIC_RELEASE);
	manasim_state_set(priv, RTE_PMD_MANASIM_ST_RESETTING);
	/* Reference step 3: block every queue and wait for bursts to leave. */
	manasim_block_all(priv, MS_Q_BLOCKED);
	rte_spinlock_unlock(&priv->lock);
	manasim_cnt_add(ev->kind == RTE_PMD_MANASIM_REMOVE ? &priv->cnt.removals :
			&priv->cnt.resets_started, 1);
	MS_LOG(NOTICE, "%s: %s: queues blocked, recovery timer %u ms", priv->name,
	       manasim_kind_name(ev->kind), ev->reset_ms);
	if (ev->kind == RTE_PMD_MANASIM_RESET_NESTED)
		ms_nested_arm(priv, ev->reset_ms / 2, ev->reset_ms - ev->reset_ms / 2);
	if (ms_thread_start(priv) != 0)
		ms_reset_no_thread(priv);
}

/* ---- Dispatch ----------------------------------------------------------- */

static void
ms_play(struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev)
{
	MS_LOG(NOTICE, "%s: port %u: playing %s", priv->name, priv->port_id,
	       manasim_kind_name(ev->kind));
	switch (ev->kind) {
	case RTE_PMD_MANASIM_TX_HANG:
		ms_tx_hang(priv, ev);
		break;
	case RTE_PMD_MANASIM_LINK_FLAP:
		ms_link_down(priv, ev);
		break;
	default:
		ms_reset_begin(priv, ev);
		break;
	}
}

static void
ms_event_alarm(void *arg)
{
	struct manasim_priv *priv = arg;
	struct rte_pmd_manasim_event ev;

	ms_alarm_enter(priv);
	if (ms_closed(priv)) {
		/* Injected just before the close, which cancels or waits for us: play nothing. */
		ms_ev_idle(priv);
	} else {
		ev = priv->pending;
		__atomic_store_n(&priv->ev_state, MS_EV_RUNNING, __ATOMIC_RELEASE);
		ms_play(priv, &ev);
	}
	ms_alarm_exit(priv);
}

void
manasim_event_defaults(const struct manasim_priv *priv, enum rte_pmd_manasim_kind kind,
		       struct rte_pmd_manasim_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->reset_ms = priv->args.reset_ms;
	ev->return_ms = priv->args.return_ms;
	ev->monitor = priv->args.monitor;
	ev->hang_queue = priv->args.hang_queue;
	ev->hang_kind = priv->args.hang_kind;
	ev->hang_scope = priv->args.hang_scope;
}

int
manasim_event_check(const struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev)
{
	if ((unsigned int)ev->kind >= RTE_PMD_MANASIM_KIND_MAX ||
	    ev->delay_ms > 24u * 3600 * 1000 || ev->reset_ms > 3600u * 1000 ||
	    ev->return_ms < -1 || ev->return_ms > 24LL * 3600 * 1000 ||
	    (ev->monitor != 0 && ev->monitor != 1) ||
	    ev->hang_queue < -1 || ev->hang_queue >= MANASIM_MAX_QUEUES ||
	    manasim_hang_kind_name(ev->hang_kind) == NULL ||
	    (ev->hang_scope != RTE_PMD_MANASIM_SCOPE_QUEUE &&
	     ev->hang_scope != RTE_PMD_MANASIM_SCOPE_DEVICE))
		return -EINVAL;
	/* Atomic: the port may be closing under an API call (manasim_port_get). */
	if (ev->kind == RTE_PMD_MANASIM_TX_HANG && ev->hang_queue >= 0 &&
	    !__atomic_load_n(&priv->txq[ev->hang_queue].configured, __ATOMIC_ACQUIRE))
		return -EINVAL;
	return 0;
}

static bool
ms_is_reset_kind(enum rte_pmd_manasim_kind k)
{
	return k != RTE_PMD_MANASIM_TX_HANG && k != RTE_PMD_MANASIM_LINK_FLAP;
}

int
manasim_event_inject(struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev)
{
	uint32_t idle = MS_EV_IDLE;
	int ret;

	/* Found by the caller before its close: as if it had not been found. */
	if (ms_closed(priv))
		return -ENODEV;
	if (manasim_is_dead(priv))
		return -EIO;
	if (ms_is_reset_kind(ev->kind) && ms_nested_arm(priv, ev->delay_ms, ev->reset_ms) == 0) {
		MS_LOG(NOTICE, "%s: %s injected during a reset: nested ERR_RECOVERING in %u ms",
		       priv->name, manasim_kind_name(ev->kind), ev->delay_ms);
		return 0;
	}
	if (!__atomic_compare_exchange_n(&priv->ev_state, &idle, MS_EV_PENDING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return -EBUSY;
	priv->pending = *ev;
	ret = ms_alarm_arm(priv, ev->delay_ms, ms_event_alarm);
	if (ret != 0)
		ms_ev_idle(priv);
	return ret;
}

/* Resets and removals begun so far: ms_reset_begin() counts one before its thread starts. */
static uint64_t
ms_resets_begun(struct manasim_priv *priv)
{
	return __atomic_load_n(&priv->cnt.resets_started, __ATOMIC_ACQUIRE) +
	       __atomic_load_n(&priv->cnt.removals, __ATOMIC_ACQUIRE);
}

/*
 * reset_on_stop=1: the outcome begins on the interrupt thread as a dev_stop
 * arrives, and the stop goes on once the reset thread runs, so that it joins
 * (aborts) that reset: an application's stop racing the start of a real
 * service event, made deterministic. Counted against count= per device
 * name, like a scheduled event.
 */
void
manasim_reset_on_stop(struct manasim_priv *priv)
{
	struct rte_pmd_manasim_event ev;
	uint64_t begun = ms_resets_begun(priv), end;

	if (!priv->args.reset_on_stop || manasim_is_dead(priv) ||
	    !__atomic_load_n(&priv->started, __ATOMIC_ACQUIRE) ||
	    manasim_state(priv) != RTE_PMD_MANASIM_ST_READY ||
	    !ms_is_reset_kind(priv->args.outcome) ||
	    !manasim_reg_fire(priv->reg, priv->args.count))
		return;
	manasim_event_defaults(priv, priv->args.outcome, &ev);
	ev.delay_ms = 0;
	if (manasim_event_inject(priv, &ev) != 0)
		return;
	MS_LOG(NOTICE, "%s: reset_on_stop: %s begins as dev_stop arrives", priv->name,
	       manasim_kind_name(ev.kind));
	end = manasim_now_ms() + 1000;
	while ((ms_resets_begun(priv) == begun ||
		__atomic_load_n(&priv->rst_live, __ATOMIC_ACQUIRE) == 0) &&
	       manasim_now_ms() < end)
		rte_delay_us_sleep(100);
}

/* ---- Devargs schedule --------------------------------------------------- */

/* Retry period of a scheduled event that found another one in progress. */
#define MS_SCHED_RETRY_MS 10

static void
ms_sched_fire(struct manasim_priv *priv)
{
	struct rte_pmd_manasim_event ev;
	uint32_t idle = MS_EV_IDLE;

	if (!__atomic_compare_exchange_n(&priv->ev_state, &idle, MS_EV_RUNNING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		ms_alarm_arm(priv, MS_SCHED_RETRY_MS, ms_sched_alarm);
		return;
	}
	if (!manasim_reg_fire(priv->reg, priv->args.count)) {
		ms_ev_idle(priv);
		return;
	}
	manasim_event_defaults(priv, priv->args.outcome, &ev);
	if (ev.kind == RTE_PMD_MANASIM_TX_HANG && ev.hang_queue >= 0 &&
	    !__atomic_load_n(&priv->txq[ev.hang_queue].configured, __ATOMIC_ACQUIRE))
		ev.hang_queue = -1;
	manasim_sched_arm(priv, false);
	ms_play(priv, &ev);
}

static void
ms_sched_alarm(void *arg)
{
	struct manasim_priv *priv = arg;

	ms_alarm_enter(priv);
	if (!manasim_is_dead(priv))
		ms_sched_fire(priv);
	ms_alarm_exit(priv);
}

void
manasim_sched_arm(struct manasim_priv *priv, bool first)
{
	const struct manasim_args *a = &priv->args;
	int64_t ms;

	if (a->reset_at_ms < 0 || !manasim_reg_sched_left(priv->reg, a->count))
		return;
	ms = first || a->reset_every_ms < 0 ? a->reset_at_ms : a->reset_every_ms;
	ms_alarm_arm(priv, (uint64_t)ms, ms_sched_alarm);
}

/* ---- Removal notice: interrupt thread ----------------------------------- */

/*
 * Reference step 5: with the device-event monitor, MANA's EAL device-event
 * callback (registered at probe, so it runs first) emits INTR_RMV; then the
 * application's device-event callbacks see RTE_DEV_EVENT_REMOVE. Both run on
 * the EAL interrupt thread, which is the device-event thread.
 */
static void
ms_rmv_alarm(void *arg)
{
	struct manasim_priv *priv = arg;
	char name[RTE_DEV_NAME_MAX_LEN];

	ms_alarm_enter(priv);
	strlcpy(name, priv->name, sizeof(name));
	MS_LOG(NOTICE, "%s: VF hot-removed: INTR_RMV and RTE_DEV_EVENT_REMOVE", name);
	ms_emit(priv, RTE_ETH_EVENT_INTR_RMV);
	ms_ev_idle(priv);
	ms_alarm_exit(priv);
	rte_dev_event_callback_process(name, RTE_DEV_EVENT_REMOVE);
}

/* ---- Stop / close -------------------------------------------------------- */

struct ms_cancelled {
	int event;
	int nested;
	int lsc;
	int rmv;
};

/* Wait, sleeping, until no alarm callback of this port runs (see above). */
static void
ms_alarms_settle(struct manasim_priv *priv)
{
	bool waited = false;

	if (rte_thread_is_intr())
		return; /* inside a callback: the cancel does not wait for it */
	while (__atomic_load_n(&priv->alarms_running, __ATOMIC_ACQUIRE) != 0) {
		rte_delay_us_sleep(1000);
		waited = true;
	}
	if (waited)
		rte_delay_us_sleep(1000); /* EAL unlinks the alarm after the callback */
}

static void
ms_cancel_all(struct manasim_priv *priv, struct ms_cancelled *c)
{
	ms_alarms_settle(priv);
	c->event += ms_cancel(ms_event_alarm, priv);
	c->nested += ms_cancel(ms_nested_alarm, priv);
	c->lsc += ms_cancel(ms_lsc_up_alarm, priv);
	c->rmv += ms_cancel(ms_rmv_alarm, priv);
	ms_cancel(ms_sched_alarm, priv);
}

/*
 * Leave no alarm and no running reset for stop/close. A reset waiting for
 * its timer is aborted (no RECOVERY_* event follows). Holds no lock: the
 * cancel spins while a callback of ours runs, and those take the reset lock.
 * From the reset thread itself (a callback it runs called stop/close) the
 * thread is not joined; on close it is detached and frees priv on exit.
 */
void
manasim_quiesce(struct manasim_priv *priv, bool closing)
{
	struct ms_cancelled c = { 0 };
	uint32_t live = 1;

	__atomic_store_n(&priv->abort, 1, __ATOMIC_RELEASE);
	ms_cancel_all(priv, &c);
	if (!manasim_is_reset_thread(priv))
		ms_thread_reap(priv);
	else if (closing && __atomic_compare_exchange_n(&priv->rst_live, &live, 0, false,
							__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		manasim_thread_detach(priv->rst_thread);
	/* Alarms armed by the callbacks or the thread waited for above. */
	ms_cancel_all(priv, &c);
	if (c.nested != 0)
		__atomic_fetch_sub(&priv->nested_pending, c.nested, __ATOMIC_ACQ_REL);
	if (c.lsc != 0)
		manasim_link_set(priv, true);
	if (c.event != 0 || c.lsc != 0 || c.rmv != 0)
		ms_ev_idle(priv);
	if (!closing)
		__atomic_store_n(&priv->abort, 0, __ATOMIC_RELEASE);
}

/* Repair of a hung TX queue by a restart; the caller keeps bursts out. */
void
manasim_txq_repair(struct manasim_txq *q, bool device_wide)
{
	uint32_t hang = __atomic_load_n(&q->hang, __ATOMIC_ACQUIRE);

	if (hang == 0)
		return;
	if (!device_wide && hang == 1 + RTE_PMD_MANASIM_HANG_REFUSE &&
	    q->hang_scope == RTE_PMD_MANASIM_SCOPE_DEVICE) {
		MS_LOG(NOTICE, "%s: TX queue %u restart does not repair this hang "
		       "(hang_scope=device): stop and start the device", q->priv->name, q->qid);
		return;
	}
	__atomic_store_n(&q->hang, 0, __ATOMIC_RELEASE);
	MS_LOG(NOTICE, "%s: TX queue %u hang repaired by %s restart", q->priv->name, q->qid,
	       device_wide ? "device" : "queue");
}
