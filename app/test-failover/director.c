/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The director plays a scenario against the port under test: VF events
 * through manasim's injection API, application control calls through
 * ethdev, each at its time. Then it ends the run: it lets the VF settle,
 * stops the inbound traffic, waits until every packet in flight came back
 * (or clearly never will), and stops the application and the host.
 *
 * An event that the VF cannot take right now (another event in progress,
 * the VF removed and not back yet) is retried until the next event is due;
 * if it never gets in it is reported as skipped.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drill.h"
#include "rte_pmd_manafo.h"

#define RETRY_MS	2
#define RETRY_MIN_MS	50
#define RETRY_MAX_MS	2000
#define SETTLE_MANAFO_MS 5000
#define SETTLE_PEER_MS	1500
#define SETTLE_STABLE_MS 30
#define DRAIN_QUIET_MS	50
#define DRAIN_MAX_MS	1500
/* A run that outlives its plan by this much is hung. */
#define DEADLINE_SLACK_MS 60000

extern volatile int drill_gen_stop;
extern volatile int drill_host_stop;
extern volatile int drill_app_stop;

static uint64_t
ms_tsc(uint64_t ms)
{
	return us_tsc(ms * 1000);
}

/* Sleep until `until`, beating. */
static void
wait_until(struct director *d, uint64_t until, const char *why)
{
	uint64_t now;

	actor_doing(&d->actor, why, -1, -1);
	while ((now = rte_get_tsc_cycles()) < until) {
		actor_beat(&d->actor);
		sleep_us(RTE_MIN(tsc_us(until - now), 1000ULL));
	}
}

/* ---- VF events ---------------------------------------------------------------- */

static void
event_fill(const struct director *d, const struct scn_event *e, struct rte_pmd_manasim_event *ev)
{
	ev->delay_ms = 0;
	switch (e->kind) {
	case EV_RESET:
		ev->kind = e->outcome;
		ev->reset_ms = e->reset_ms;
		break;
	case EV_REMOVE:
		ev->kind = RTE_PMD_MANASIM_REMOVE;
		ev->reset_ms = e->reset_ms;
		ev->return_ms = e->return_ms;
		ev->monitor = e->monitor;
		break;
	case EV_TXHANG:
		ev->kind = RTE_PMD_MANASIM_TX_HANG;
		/* A queue the port does not have: fold it onto one it has. */
		ev->hang_queue = e->queue < 0 ? -1 : e->queue % d->port->nbq;
		ev->hang_kind = e->hang_kind;
		ev->hang_scope = e->hang_scope;
		break;
	default:
		ev->kind = RTE_PMD_MANASIM_LINK_FLAP;
		ev->reset_ms = e->reset_ms;
		break;
	}
}

static int
inject_once(struct director *d, const struct scn_event *e)
{
	struct rte_pmd_manasim_event ev;
	uint16_t vf;
	int ret;

	actor_doing(&d->actor, "VF lookup", d->port->port_id, -1);
	vf = port_vf(d->port);
	if (vf >= RTE_MAX_ETHPORTS)
		return -ENODEV;
	ret = rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_RESET_SUCCESS, &ev);
	if (ret != 0)
		return ret;
	event_fill(d, e, &ev);
	actor_doing(&d->actor, "rte_pmd_manasim_inject", vf, ev.kind);
	return rte_pmd_manasim_inject(vf, &ev);
}

static int
inject(struct director *d, const struct scn_event *e, uint64_t give_up, struct ev_result *r)
{
	int ret;

	for (;;) {
		ret = inject_once(d, e);
		if (ret == 0 || ret == -EINVAL || rte_get_tsc_cycles() >= give_up)
			return ret;
		r->retries++;
		wait_until(d, rte_get_tsc_cycles() + ms_tsc(RETRY_MS), "waiting for the VF");
	}
}

/* ---- application control calls -------------------------------------------------- */

static int
ctl_stop(struct director *d)
{
	int ret;

	if (d->stopped)
		return 0;
	actor_doing(&d->actor, "parking the lcores", d->port->port_id, -1);
	app_park(d->app);
	actor_doing(&d->actor, "rte_eth_dev_stop", d->port->port_id, -1);
	ret = rte_eth_dev_stop(d->port->port_id);
	d->stopped = true;
	return ret;
}

static int
ctl_start(struct director *d)
{
	int ret;

	if (!d->stopped)
		return 0;
	actor_doing(&d->actor, "rte_eth_dev_start", d->port->port_id, -1);
	ret = rte_eth_dev_start(d->port->port_id);
	if (ret == 0) {
		d->stopped = false;
		app_unpark(d->app);
	}
	return ret;
}

static int
control(struct director *d, const struct scn_event *e)
{
	uint16_t port = d->port->port_id;
	int ret;

	switch (e->kind) {
	case EV_STOP:
		return ctl_stop(d);
	case EV_START:
		return ctl_start(d);
	case EV_RESTART:
		ret = ctl_stop(d);
		wait_until(d, rte_get_tsc_cycles() + ms_tsc(e->value), "restart gap");
		return ret == 0 ? ctl_start(d) : ret;
	case EV_MTU:
		actor_doing(&d->actor, "rte_eth_dev_set_mtu", port, (int)e->value);
		ret = rte_eth_dev_set_mtu(port, (uint16_t)e->value);
		if (ret == 0)
			d->mtu_set = (int)e->value;
		return ret;
	default:
		actor_doing(&d->actor, "promiscuous on/off", port, (int)e->value);
		return e->value ? rte_eth_promiscuous_enable(port) :
				  rte_eth_promiscuous_disable(port);
	}
}

/* ---- the timeline ------------------------------------------------------------------ */

static uint64_t
event_due(const struct director *d, unsigned int i, uint64_t prev)
{
	const struct scn_event *e = &d->scn->ev[i];

	return e->rel ? prev + ms_tsc(e->at_ms) : d->t0 + ms_tsc(e->at_ms);
}

/* Until when a busy VF may delay event i: the next event's time, bounded. */
static uint64_t
give_up_at(const struct director *d, unsigned int i, uint64_t now)
{
	uint64_t lo = now + ms_tsc(RETRY_MIN_MS), hi = now + ms_tsc(RETRY_MAX_MS), next;

	/* The next event is timed from this one (storms): no hurry. */
	if (i + 1 >= d->scn->nb_ev || d->scn->ev[i + 1].rel)
		return hi;
	next = event_due(d, i + 1, now);
	return RTE_MAX(lo, RTE_MIN(hi, next));
}

static void
play(struct director *d, unsigned int i, uint64_t *prev)
{
	const struct scn_event *e = &d->scn->ev[i];
	struct ev_result *r = &d->res[i];
	uint64_t due = event_due(d, i, *prev);
	int ret;

	wait_until(d, due, "waiting for the next event");
	r->ev = e;
	r->t_exec = rte_get_tsc_cycles();
	if (ev_is_vf(e->kind)) {
		ret = inject(d, e, give_up_at(d, i, r->t_exec), r);
		if (ret != 0) {
			d->skipped++;
			r->t_exec = 0;
		} else {
			r->t_exec = rte_get_tsc_cycles();
		}
	} else {
		ret = control(d, e);
		d->ctl_calls++;
		/* MANA has no promiscuous mode: -ENOTSUP from a port is an answer. */
		if (ret == -ENOTSUP)
			d->ctl_enotsup++;
		if (ret != 0)
			d->ctl_failed++;
	}
	r->ret = ret;
	*prev = rte_get_tsc_cycles();
	__atomic_fetch_add(&d->mon->events_done, 1, __ATOMIC_RELAXED);
	if (d->o->verbose) {
		char buf[96];

		scenario_event_str(e, buf, sizeof(buf));
		if (r->t_exec != 0)
			printf("\n  %8.1f ms  %-32s -> %d\n", tsc_ms(r->t_exec - d->t0), buf, ret);
		else
			printf("\n  %8s     %-32s -> %d (skipped)\n", "", buf, ret);
	}
}

/* ---- the end of a run --------------------------------------------------------------- */

static bool
vf_settled(const struct director *d)
{
	struct rte_pmd_manafo_state st;
	struct rte_pmd_manasim_info info;
	uint16_t vf = port_vf(d->port);

	if (vf >= RTE_MAX_ETHPORTS || rte_pmd_manasim_info_get(vf, &info) != 0 ||
	    info.event_busy || info.tx_hung_mask != 0 ||
	    !__atomic_load_n(&d->mon->vf_ok, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&d->mon->vf_down_evt, __ATOMIC_ACQUIRE))
		return false;
	if (d->port->peer != PEER_MANAFO)
		return true;
	return rte_pmd_manafo_state_get(d->port->port_id, &st) == 0 &&
	       st.tx_path == RTE_PMD_MANAFO_PATH_VF && st.vf.state == RTE_PMD_MANAFO_SUB_ACTIVE;
}

/* The last outbound packets left on the VF's wire. */
static bool
out_on_vf(const struct director *d)
{
	const struct host *h = d->host;

	return __atomic_load_n(&h->last_pkt[WIRE_VF], __ATOMIC_RELAXED) >
	       __atomic_load_n(&h->last_pkt[WIRE_SYNTH], __ATOMIC_RELAXED);
}

/* Wait (bounded) until the VF is back and carrying traffic. */
static void
settle(struct director *d)
{
	uint64_t budget = d->port->peer == PEER_MANAFO ? SETTLE_MANAFO_MS : SETTLE_PEER_MS;
	uint64_t end = rte_get_tsc_cycles() + ms_tsc(budget), stable = 0, now;

	if (d->stopped) {
		d->ctl_calls++;
		if (ctl_start(d) != 0)
			d->ctl_failed++;
	}
	actor_doing(&d->actor, "waiting for the VF to settle", d->port->port_id, -1);
	while ((now = rte_get_tsc_cycles()) < end) {
		actor_beat(&d->actor);
		if (!vf_settled(d) || !out_on_vf(d)) {
			stable = 0;
		} else if (stable == 0) {
			stable = now;
		} else if (now - stable >= ms_tsc(SETTLE_STABLE_MS)) {
			d->settled = true;
			break;
		}
		sleep_us(1000);
	}
	d->back_on_vf = vf_settled(d) && out_on_vf(d);
}

/* Inbound off; wait until the rings are empty and nothing comes back. */
static void
drain(struct director *d)
{
	uint64_t end, quiet;

	d->t_gen_stop = rte_get_tsc_cycles();
	drill_gen_stop = 1;
	end = d->t_gen_stop + ms_tsc(DRAIN_MAX_MS);
	actor_doing(&d->actor, "draining", -1, -1);
	while (rte_get_tsc_cycles() < end) {
		actor_beat(&d->actor);
		quiet = __atomic_load_n(&d->host->quiet_since, __ATOMIC_ACQUIRE);
		if (quiet != 0 && rte_get_tsc_cycles() - quiet >= ms_tsc(DRAIN_QUIET_MS))
			break;
		sleep_us(1000);
	}
}

static void *
director_main(void *arg)
{
	struct director *d = arg;
	uint64_t prev = d->t0;
	unsigned int i;

	actor_register(&d->actor, "director");
	for (i = 0; i < d->scn->nb_ev; i++)
		play(d, i, &prev);
	wait_until(d, d->scn->end_rel ? prev + ms_tsc(d->scn->end_ms) :
		   RTE_MAX(prev, d->t0 + ms_tsc(d->scn->end_ms)), "scenario tail");
	settle(d);
	drain(d);
	/* The lcores stop at the next loop; the host drains what they sent. */
	actor_doing(&d->actor, "stopping the application", -1, -1);
	drill_app_stop = 1;
	while (!app_exited(d->app)) {
		actor_beat(&d->actor);
		sleep_us(1000);
	}
	d->t_end = rte_get_tsc_cycles();
	drill_host_stop = 1;
	actor_doing(&d->actor, "done", -1, -1);
	actor_unregister(&d->actor);
	__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static uint64_t
planned_ms(const struct scenario *s)
{
	uint64_t ms = 0;
	unsigned int i;

	for (i = 0; i < s->nb_ev; i++)
		ms = s->ev[i].rel ? ms + s->ev[i].at_ms + s->ev[i].reset_ms :
				    RTE_MAX(ms, (uint64_t)s->ev[i].at_ms);
	return s->end_rel ? ms + s->end_ms : RTE_MAX(ms, (uint64_t)s->end_ms);
}

int
director_start(struct director *d)
{
	unsigned int i;
	int ret;

	d->res = calloc(d->scn->nb_ev, sizeof(*d->res));
	if (d->res == NULL)
		return -ENOMEM;
	for (i = 0; i < d->scn->nb_ev; i++) {
		d->res[i].failover_us = -2;
		d->res[i].failback_us = -2;
	}
	d->mon->planned_ms = planned_ms(d->scn);
	d->mon->events_total = d->scn->nb_ev;
	/*
	 * Each VF event may wait for the VF up to RETRY_MAX_MS; then settle
	 * and drain: the plan plus that is the run's deadline.
	 */
	watchdog_deadline(d->t0 + ms_tsc(d->mon->planned_ms + (uint64_t)d->scn->nb_ev *
					 RETRY_MAX_MS + SETTLE_MANAFO_MS + DRAIN_MAX_MS +
					 DEADLINE_SLACK_MS));
	ret = pthread_create(&d->thread, NULL, director_main, d);
	if (ret != 0)
		return -ret;
	pthread_setname_np(d->thread, "drill-dir");
	return 0;
}

void
director_join(struct director *d)
{
	pthread_join(d->thread, NULL);
}
