/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * manafo through every VF service event, with net_manasim as the VF and a
 * second manasim (no events of its own) as the synthetic path, both in
 * wire mode so that the test sees on which path each packet left.
 * Run with EAL arguments; an optional first argument after `--` picks one
 * scenario by name.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <ethdev_driver.h>

#include "manafo_test.h"
#include "rte_pmd_manafo.h"
#include "rte_pmd_manasim.h"

static struct rte_mempool *mp;

struct env {
	char name[32];
	char vfname[32];
	char syname[32];
	char vfwire[16];
	char sywire[16];
	uint16_t port;
	uint16_t nbq;
	uint64_t rx_offloads;	/* in the port's configuration */
	uint64_t rss_hf;	/* not 0: RSS mode with these hash types */
};

MANAFO_TEST_PORT_HELPERS(struct env)

static int
vf_recovering(const struct env *e, uint64_t unused)
{
	struct rte_pmd_manafo_state st = state(e);

	RTE_SET_USED(unused);
	return st.vf.recovering && st.vf.state == RTE_PMD_MANAFO_SUB_STANDBY;
}

static int
returns_reach(const struct env *e, uint64_t n)
{
	struct rte_pmd_manafo_state st = state(e);

	return st.vf_returns >= n && st.tx_path == RTE_PMD_MANAFO_PATH_VF;
}

/* A VF back (returned n times), not recovering, while the port is stopped. */
static int
returns_reach_stopped(const struct env *e, uint64_t n)
{
	struct rte_pmd_manafo_state st = state(e);

	return st.vf_returns >= n && !st.vf.recovering && st.vf.state == RTE_PMD_MANAFO_SUB_READY;
}

static int
resets_reach(const struct env *e, uint64_t n)
{
	return state(e).vf_resets >= n;
}

static int
env_start(struct env *e)
{
	struct rte_eth_conf conf;
	uint16_t q;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	conf.intr_conf.rmv = 1;
	conf.rxmode.offloads = e->rx_offloads;
	if (e->rss_hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = e->rss_hf;
	}
	if (rte_eth_dev_configure(e->port, e->nbq, e->nbq, &conf) != 0)
		return -1;
	for (q = 0; q < e->nbq; q++)
		if (rte_eth_rx_queue_setup(e->port, q, 512, 0, NULL, mp) != 0 ||
		    rte_eth_tx_queue_setup(e->port, q, 512, 0, NULL) != 0)
			return -1;
	return rte_eth_dev_start(e->port);
}

/* The port configured with rx_offloads and, if rss_hf is not 0, RSS. */
static int
env_create_conf(struct env *e, const char *tag, const char *vf_extra, const char *sy_extra,
		const char *extra, uint16_t nbq, uint64_t rx_offloads, uint64_t rss_hf)
{
	char args[512];

	memset(e, 0, sizeof(*e));
	e->rx_offloads = rx_offloads;
	e->rss_hf = rss_hf;
	snprintf(e->name, sizeof(e->name), "net_manafo_%s", tag);
	snprintf(e->vfname, sizeof(e->vfname), "net_manasim_v%s", tag);
	snprintf(e->syname, sizeof(e->syname), "net_manasim_s%s", tag);
	snprintf(e->vfwire, sizeof(e->vfwire), "v%s", tag);
	snprintf(e->sywire, sizeof(e->sywire), "s%s", tag);
	e->nbq = nbq;
	snprintf(args, sizeof(args), "vf(%s,wire=%s,mac=02:00:00:00:00:01%s%s),"
		 "synth(%s,wire=%s,mac=02:00:00:00:00:01%s%s)%s%s",
		 e->vfname, e->vfwire, *vf_extra ? "," : "", vf_extra, e->syname, e->sywire,
		 *sy_extra ? "," : "", sy_extra,
		 strstr(extra, "hotplug_poll_ms") ? "" : ",hotplug_poll_ms=50",
		 *extra ? "," : "");
	strlcat(args, extra, sizeof(args));
	if (rte_vdev_init(e->name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(e->name, &e->port) != 0 || env_start(e) != 0) {
		printf("FAIL cannot create %s with %s\n", e->name, args);
		failed++;
		return -1;
	}
	return 0;
}

static int
env_create(struct env *e, const char *tag, const char *vf_extra, const char *sy_extra,
	   const char *extra, uint16_t nbq)
{
	return env_create_conf(e, tag, vf_extra, sy_extra, extra, nbq, 0, 0);
}

static void
env_destroy(struct env *e)
{
	if (rte_eth_dev_is_valid_port(e->port) &&
	    strcmp(rte_eth_devices[e->port].data->name, e->name) == 0) {
		rte_eth_dev_stop(e->port);
		rte_eth_dev_close(e->port);
	}
	rte_vdev_uninit(e->name);
}

/* Offer n packets on queue q; returns how many the port accepted. */
static unsigned int
offer(const struct env *e, uint16_t q, unsigned int n)
{
	struct rte_mbuf *pkts[64];
	unsigned int i, sent;

	if (n > RTE_DIM(pkts) || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		rte_pktmbuf_append(pkts[i], 64);
		memset(rte_pktmbuf_mtod(pkts[i], void *), 0, 64);
	}
	sent = rte_eth_tx_burst(e->port, q, pkts, (uint16_t)n);
	rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	return sent;
}

/* Take what went out on a wire's TX ring. */
static unsigned int
drain(const char *wire, uint16_t q)
{
	char rname[RTE_RING_NAMESIZE];
	struct rte_mbuf *pkts[64];
	struct rte_ring *r;
	unsigned int n, total = 0;

	snprintf(rname, sizeof(rname), "%s_tx_%u", wire, q);
	r = rte_ring_lookup(rname);
	if (r == NULL)
		return 0;
	while ((n = rte_ring_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL)) > 0) {
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

/* Inbound packets on a wire, as the host would deliver them. */
static unsigned int
deliver(const char *wire, uint16_t q, unsigned int n)
{
	char rname[RTE_RING_NAMESIZE];
	struct rte_mbuf *pkts[64];
	struct rte_ring *r;
	unsigned int done;

	snprintf(rname, sizeof(rname), "%s_rx_%u", wire, q);
	r = rte_ring_lookup(rname);
	if (r == NULL || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return 0;
	done = rte_ring_enqueue_burst(r, (void **)pkts, n, NULL);
	rte_pktmbuf_free_bulk(pkts + done, n - done);
	return done;
}

static unsigned int
receive(const struct env *e, uint16_t q)
{
	struct rte_mbuf *pkts[64];
	unsigned int n, total = 0, idle = 0;

	while (idle < 3) {
		n = rte_eth_rx_burst(e->port, q, pkts, RTE_DIM(pkts));
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
		idle = n ? 0 : idle + 1;
	}
	return total;
}

/* Send 32 and say which path carried them: "vf", "synth", "both", "none". */
static const char *
offer_path(const struct env *e)
{
	unsigned int sent = offer(e, 0, 32), v, s;

	v = drain(e->vfwire, 0);
	s = drain(e->sywire, 0);
	if (sent != 32)
		return "refused";
	return v == 32 && s == 0 ? "vf" : s == 32 && v == 0 ? "synth" : v + s == 32 ? "both" :
	       "none";
}

static uint16_t
vf_port(const struct env *e)
{
	return state(e).vf.port_id;
}

static int
inject(uint16_t port, enum rte_pmd_manasim_kind kind, uint32_t reset_ms, int64_t return_ms,
       int monitor)
{
	struct rte_pmd_manasim_event ev;

	rte_pmd_manasim_event_init(port, kind, &ev);
	ev.reset_ms = reset_ms;
	ev.return_ms = return_ms;
	ev.monitor = monitor;
	return rte_pmd_manasim_inject(port, &ev);
}

static void
test_reset_success(void)
{
	struct rte_pmd_manafo_state st;
	struct env e;

	printf("-- reset, recovery succeeds\n");
	if (env_create(&e, "rs", "", "", "", 1) < 0)
		return;
	CHECK(strcmp(offer_path(&e), "vf") == 0, "TX on the VF while it is active");
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_RESET_SUCCESS, 300, 0, 0) == 0, "reset injected");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "ERR_RECOVERING: TX moves to the synthetic path");
	CHECK(strcmp(offer_path(&e), "synth") == 0, "during the reset every packet goes out on the synthetic path");
	CHECK(deliver(e.sywire, 0, 10) == 10 && receive(&e, 0) == 10, "RX from the synthetic path during the reset");
	CHECK(wait_for(&e, vf_recovering, 0, 1000), "VF standby and recovering");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 3000), "RECOVERY_SUCCESS: TX back on the VF");
	CHECK(strcmp(offer_path(&e), "vf") == 0, "after the reset packets go out on the VF");
	CHECK(deliver(e.vfwire, 0, 10) == 10 && receive(&e, 0) == 10, "RX from the VF after the reset");
	st = state(&e);
	CHECK(st.failovers == 1 && st.failbacks == 1 && st.vf_resets == 1 && st.vf_removals == 0,
	      "counters: 1 failover, 1 failback, 1 reset, 0 removals (%lu %lu %lu %lu)",
	      st.failovers, st.failbacks, st.vf_resets, st.vf_removals);
	CHECK(st.tx_refused == 0, "0 packets refused");
	env_destroy(&e);
}

static void
test_reset_failed(void)
{
	struct rte_pmd_manafo_state st;
	uint16_t old_vf;
	struct env e;

	printf("-- reset, recovery fails; the VF is given up and comes back\n");
	if (env_create(&e, "rf", "", "", "", 1) < 0)
		return;
	old_vf = vf_port(&e);
	CHECK(inject(old_vf, RTE_PMD_MANASIM_RESET_FAILED, 100, 0, 0) == 0, "failing reset injected");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "TX on the synthetic path");
	CHECK(strcmp(offer_path(&e), "synth") == 0, "packets go out on the synthetic path");
	CHECK(wait_for(&e, returns_reach, 1, 5000), "RECOVERY_FAILED: VF removed, re-probed, TX back on it");
	st = state(&e);
	CHECK(st.vf_removals == 1 && st.vf_returns == 1 && st.failovers == 1 && st.failbacks == 1,
	      "counters: 1 removal, 1 return, 1 failover, 1 failback");
	CHECK(strcmp(offer_path(&e), "vf") == 0, "packets go out on the returned VF");
	env_destroy(&e);
}

static void
test_reset_nested(void)
{
	struct rte_pmd_manafo_state st;
	struct rte_pmd_manasim_counters c;
	struct env e;

	printf("-- nested reset: two ERR_RECOVERING, one RECOVERY_SUCCESS\n");
	if (env_create(&e, "rn", "", "", "", 1) < 0)
		return;
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_RESET_NESTED, 300, 0, 0) == 0, "nested reset injected");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "TX on the synthetic path");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 3000), "TX back on the VF after the result");
	rte_pmd_manasim_counters_get(vf_port(&e), &c);
	st = state(&e);
	CHECK(c.resets_nested == 1 && st.failovers == 1 && st.failbacks == 1 && st.vf_resets == 1,
	      "one nested event seen, counted as one reset, one failover, one failback");
	env_destroy(&e);
}

static void
test_removal(int monitor)
{
	struct rte_pmd_manafo_state st;
	struct env e;
	uint64_t t0;

	printf("-- removal then return (device-event monitor %s)\n", monitor ? "on" : "off");
	/* With the monitor, the return is seen by the ADD event, not the 10 s poll. */
	if (env_create(&e, monitor ? "rm1" : "rm0", "", "",
		       monitor ? "hotplug_poll_ms=10000" : "", 1) < 0)
		return;
	if (monitor)
		rte_dev_event_monitor_start();
	t0 = now_ms();
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 100, 300, monitor) == 0, "removal injected");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "TX on the synthetic path");
	CHECK(wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000), "VF detached");
	CHECK(strcmp(offer_path(&e), "synth") == 0, "packets go out on the synthetic path");
	CHECK(wait_for(&e, returns_reach, 1, 5000), "VF returned and TX back on it (after %lu ms)",
	      now_ms() - t0);
	st = state(&e);
	CHECK(st.vf_removals == 1 && st.vf_returns == 1, "1 removal and 1 return (not two removals)");
	CHECK(strcmp(offer_path(&e), "vf") == 0, "packets go out on the returned VF");
	if (monitor)
		rte_dev_event_monitor_stop();
	env_destroy(&e);
}

/*
 * A service reset that begins as the application stops the port: the VF
 * (reset_on_stop=1) starts its reset just as manafo's stop reaches it, and
 * the stop joins the reset thread, aborting the recovery: no RECOVERY_*
 * event will come. manafo must give the VF up and probe it again at once,
 * not wait recovery_timeout_ms (60 s here) for an event that never comes.
 */
static void
test_stop_races_reset(void)
{
	struct rte_pmd_manafo_state st;
	struct env e;

	printf("-- a reset begins as the port stops: the aborted recovery is not waited for\n");
	if (env_create(&e, "sr", "reset_on_stop=1,reset_ms=200", "",
		       "recovery_timeout_ms=60000,hotplug_poll_ms=20", 1) < 0)
		return;
	CHECK(strcmp(offer_path(&e), "vf") == 0, "TX on the VF");
	CHECK(rte_eth_dev_stop(e.port) == 0 && state(&e).vf_resets == 1,
	      "port stopped; the VF's reset began during the stop (ERR_RECOVERING seen)");
	CHECK(wait_for(&e, returns_reach_stopped, 1, 3000),
	      "the VF was given up and probed again within 3 s (returns %lu, recovering %d)",
	      state(&e).vf_returns, state(&e).vf.recovering);
	CHECK(rte_eth_dev_start(e.port) == 0 && wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 1000),
	      "port started again: TX on the new VF");
	CHECK(strcmp(offer_path(&e), "vf") == 0, "packets go out on the VF");
	st = state(&e);
	CHECK(st.tx_refused == 0, "0 packets refused");
	env_destroy(&e);
}

static void
test_removal_no_return(void)
{
	struct env e;

	printf("-- removal with no return\n");
	if (env_create(&e, "rnr", "", "", "", 1) < 0)
		return;
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 50, -1, 0) == 0, "removal injected");
	CHECK(wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000), "VF detached");
	usleep(300 * 1000);
	CHECK(vf_in(&e, RTE_PMD_MANAFO_SUB_ABSENT) && state(&e).vf_returns == 0,
	      "VF stays absent while it does not come back");
	CHECK(strcmp(offer_path(&e), "synth") == 0, "the port keeps forwarding on the synthetic path");
	env_destroy(&e);
}

static void
test_recovery_timeout(void)
{
	struct rte_pmd_manafo_state st;
	struct env e;

	printf("-- recovery that never reports a result in time\n");
	if (env_create(&e, "rto", "", "", "recovery_timeout_ms=150", 1) < 0)
		return;
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_RESET_SUCCESS, 5000, 0, 0) == 0, "long reset injected");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "TX on the synthetic path");
	CHECK(wait_for(&e, returns_reach, 1, 4000), "VF given up after the timeout, re-probed, back on it");
	st = state(&e);
	CHECK(st.vf_removals == 1 && st.vf_returns == 1, "1 removal (timeout) and 1 return");
	env_destroy(&e);
}

static void
test_link_flap(void)
{
	struct rte_pmd_manafo_state st;
	struct env e;

	printf("-- VF link flap\n");
	if (env_create(&e, "lsc", "", "", "", 1) < 0)
		return;
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_LINK_FLAP, 200, 0, 0) == 0, "link flap injected");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "link down: TX on the synthetic path");
	CHECK(strcmp(offer_path(&e), "synth") == 0, "packets go out on the synthetic path");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 2000), "link up: TX back on the VF");
	st = state(&e);
	CHECK(st.failovers == 1 && st.failbacks == 1, "1 failover, 1 failback");
	env_destroy(&e);
}

static void
test_intr_reset(void)
{
	struct env e;
	uint16_t vf, mtu = 0;

	printf("-- INTR_RESET (passive error handling)\n");
	/* The VF's reset loses its MTU, as most PMDs' do: the replay restores it. */
	if (env_create(&e, "ir", "dev_reset=clear", "", "", 1) < 0)
		return;
	CHECK(rte_eth_dev_set_mtu(e.port, 1400) == 0, "MTU 1400 set on the port");
	vf = vf_port(&e);
	rte_eth_dev_callback_process(&rte_eth_devices[vf], RTE_ETH_EVENT_INTR_RESET, NULL);
	usleep(50 * 1000);
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 2000) && state(&e).failovers == 1 &&
	      state(&e).failbacks == 1, "VF reset, replayed, started, TX back on it");
	rte_eth_dev_get_mtu(vf, &mtu);
	CHECK(mtu == 1400, "the reset VF has the port's MTU again (%u)", mtu);
	CHECK(strcmp(offer_path(&e), "vf") == 0, "packets go out on the VF");
	env_destroy(&e);
}

static int app_events[RTE_ETH_EVENT_MAX];

static int
app_event(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	RTE_SET_USED(port);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	__atomic_fetch_add(&app_events[ev], 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int
synth_in(const struct env *e, uint64_t st)
{
	return state(e).synth.state == (enum rte_pmd_manafo_sub_state)st;
}

static void
test_synth_removal(void)
{
	struct env e;

	printf("-- synthetic path removed, then the VF too\n");
	if (env_create(&e, "sr", "", "", "hotplug_poll_ms=100000", 1) < 0)
		return;
	memset(app_events, 0, sizeof(app_events));
	rte_eth_dev_callback_register(e.port, RTE_ETH_EVENT_INTR_RMV, app_event, NULL);
	CHECK(inject(state(&e).synth.port_id, RTE_PMD_MANASIM_REMOVE, 50, -1, 0) == 0,
	      "synthetic path removal injected");
	CHECK(wait_for(&e, synth_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000), "synthetic path detached");
	CHECK(strcmp(offer_path(&e), "vf") == 0, "TX stays on the VF");
	CHECK(app_events[RTE_ETH_EVENT_INTR_RMV] == 0, "no INTR_RMV while the VF is there");
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 50, -1, 0) == 0, "VF removal injected");
	CHECK(wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000), "VF detached");
	usleep(100 * 1000);
	CHECK(app_events[RTE_ETH_EVENT_INTR_RMV] == 1, "the application got one INTR_RMV");
	rte_eth_dev_callback_unregister(e.port, RTE_ETH_EVENT_INTR_RMV, app_event, NULL);
	env_destroy(&e);
}

static volatile int closed_in_callback;

static int
app_close_on_rmv(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	RTE_SET_USED(ev);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	closed_in_callback = 1;
	return 0;
}

static void
test_close_from_callback(void)
{
	struct env e;
	uint64_t end;

	printf("-- the application stops and closes the port from its INTR_RMV callback\n");
	if (env_create(&e, "cb", "", "", "hotplug_poll_ms=100000", 1) < 0)
		return;
	closed_in_callback = 0;
	rte_eth_dev_callback_register(e.port, RTE_ETH_EVENT_INTR_RMV, app_close_on_rmv, NULL);
	inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 20, -1, 0);
	wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000);
	inject(state(&e).synth.port_id, RTE_PMD_MANASIM_REMOVE, 20, -1, 0);
	end = now_ms() + 3000;
	while (!closed_in_callback && now_ms() < end)
		usleep(1000);
	CHECK(closed_in_callback, "dev_stop + dev_close from the callback returned (no deadlock, no self-join)");
	CHECK(!rte_eth_dev_is_valid_port(e.port) ||
	      rte_eth_devices[e.port].state == RTE_ETH_DEV_UNUSED, "the port is closed");
	rte_vdev_uninit(e.name);
}

/* What an application's INTR_LSC callback does to the port, once. */
struct lsc_app {
	int armed;		/* act on the next INTR_LSC */
	int done;		/* the callback returned */
	int close;		/* stop + close, else stop + configure + start */
	int ret[4];		/* stop, configure/close, queue setup, start */
};

static struct lsc_app lsc_app;

/* Stopped already: configure again with MTU 1400, set the queues up, start. */
static void
lsc_reconfigure(uint16_t port, struct lsc_app *a)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	conf.intr_conf.rmv = 1;
	conf.rxmode.mtu = 1400;
	a->ret[1] = rte_eth_dev_configure(port, 1, 1, &conf);
	a->ret[2] = rte_eth_rx_queue_setup(port, 0, 512, 0, NULL, mp);
	if (a->ret[2] == 0)
		a->ret[2] = rte_eth_tx_queue_setup(port, 0, 512, 0, NULL);
	a->ret[3] = rte_eth_dev_start(port);
}

static int
app_lsc(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	struct lsc_app *a = arg;

	RTE_SET_USED(ev);
	RTE_SET_USED(ret);
	if (!__atomic_exchange_n(&a->armed, 0, __ATOMIC_ACQ_REL))
		return 0;
	a->ret[0] = rte_eth_dev_stop(port);
	if (a->close)
		a->ret[1] = rte_eth_dev_close(port);
	else
		lsc_reconfigure(port, a);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return 0;
}

static int
lsc_done(const struct env *e, uint64_t unused)
{
	RTE_SET_USED(e);
	RTE_SET_USED(unused);
	return __atomic_load_n(&lsc_app.done, __ATOMIC_ACQUIRE);
}

/* The port's link goes down (INTR_LSC) when both paths' links are down. */
static int
both_links_flap(const struct env *e)
{
	return inject(state(e).synth.port_id, RTE_PMD_MANASIM_LINK_FLAP, 400, 0, 0) == 0 &&
	       inject(vf_port(e), RTE_PMD_MANASIM_LINK_FLAP, 200, 0, 0) == 0;
}

/* Also from a port closed since, whose id the next tests reuse. */
static void
lsc_unregister(void)
{
	while (rte_eth_dev_callback_unregister(RTE_ETH_ALL, RTE_ETH_EVENT_INTR_LSC, app_lsc,
					       (void *)-1) == -EAGAIN)
		usleep(1000);
}

static int
subs_gone(const struct env *e)
{
	uint16_t p;

	return rte_eth_dev_get_port_by_name(e->vfname, &p) != 0 &&
	       rte_eth_dev_get_port_by_name(e->syname, &p) != 0;
}

static int
lsc_env(struct env *e, const char *tag, int close)
{
	if (env_create(e, tag, "", "", "hotplug_poll_ms=100000", 1) < 0)
		return -1;
	memset(&lsc_app, 0, sizeof(lsc_app));
	lsc_app.close = close;
	__atomic_store_n(&lsc_app.armed, 1, __ATOMIC_RELEASE);
	CHECK(rte_eth_dev_callback_register(e->port, RTE_ETH_EVENT_INTR_LSC, app_lsc,
					    &lsc_app) == 0, "INTR_LSC callback registered");
	CHECK(both_links_flap(e), "link flap on both paths injected");
	return 0;
}

static void
test_lsc_reconfigure(void)
{
	struct lsc_app *a = &lsc_app;
	uint16_t mtu = 0;
	struct env e;

	printf("-- the application stops, configures and starts the port from its INTR_LSC "
	       "callback\n");
	if (lsc_env(&e, "lscc", 0) < 0)
		return;
	CHECK(wait_for(&e, lsc_done, 0, 3000), "INTR_LSC callback returned (no deadlock)");
	CHECK(a->ret[0] == 0 && a->ret[1] == 0 && a->ret[2] == 0 && a->ret[3] == 0,
	      "in the callback: stop %d, configure %d, queue setup %d, start %d", a->ret[0],
	      a->ret[1], a->ret[2], a->ret[3]);
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 3000) &&
	      strcmp(offer_path(&e), "vf") == 0, "the port forwards on the VF afterwards");
	rte_eth_dev_get_mtu(vf_port(&e), &mtu);
	CHECK(mtu == 1400, "the VF has the configuration made in the callback (MTU %u)", mtu);
	lsc_unregister();
	env_destroy(&e);
}

static void
test_lsc_close(void)
{
	struct lsc_app *a = &lsc_app;
	struct env e;

	printf("-- the application stops and closes the port from its INTR_LSC callback\n");
	if (lsc_env(&e, "lscx", 1) < 0)
		return;
	CHECK(wait_for(&e, lsc_done, 0, 3000), "INTR_LSC callback returned (no deadlock, no "
	      "self-join)");
	CHECK(a->ret[0] == 0 && a->ret[1] == 0, "in the callback: stop %d, close %d", a->ret[0],
	      a->ret[1]);
	CHECK(!rte_eth_dev_is_valid_port(e.port) ||
	      rte_eth_devices[e.port].state == RTE_ETH_DEV_UNUSED, "the port is closed");
	CHECK(subs_gone(&e), "both sub-devices closed and removed with it");
	lsc_unregister();
	rte_vdev_uninit(e.name);
}

struct ctl_thread {
	const struct env *e;
	volatile int stop;
	int calls;
	int errors;
};

/* Configure, queue setup, MTU and promiscuous calls while the VF resets. */
static void *
control_calls(void *arg)
{
	struct ctl_thread *t = arg;
	uint16_t port = t->e->port;
	int i = 0;

	while (!t->stop) {
		int ret = 0;

		switch (i++ % 4) {
		case 0:
			ret = rte_eth_dev_set_mtu(port, (i & 4) ? 1400 : 1500);
			break;
		case 1:
			ret = (i & 8) ? rte_eth_promiscuous_enable(port) :
					rte_eth_promiscuous_disable(port);
			break;
		case 2:
			ret = rte_eth_dev_stop(port);
			if (ret == 0)
				ret = env_start((struct env *)(uintptr_t)t->e);
			break;
		default:
			ret = rte_eth_allmulticast_enable(port);
			break;
		}
		t->calls++;
		if (ret != 0 && ret != -ENOTSUP) {
			t->errors++;
			printf("     control call %d returned %d\n", i % 4, ret);
		}
		usleep(2000);
	}
	return NULL;
}

/*
 * A stop that reaches the VF just as its reset begins aborts the recovery
 * (MANA joins its reset thread): the VF then never reports a result, and
 * recovery_timeout_ms gives it up and re-probes it. The short timeout here
 * lets that path finish within the test.
 */
static void
test_control_during_resets(void)
{
	struct ctl_thread t = { 0 };
	pthread_t th;
	uint16_t vf_mtu = 0, mtu = 0;
	struct env e;
	uint64_t end;
	int injected = 0;

	printf("-- configure/queue setup/MTU/promisc from another thread during resets\n");
	if (env_create(&e, "ctl", "full_ops=1", "full_ops=1", "recovery_timeout_ms=500", 1) < 0)
		return;
	t.e = &e;
	pthread_create(&th, NULL, control_calls, &t);
	end = now_ms() + 20000;
	while (injected < 10 && now_ms() < end) {
		if (inject(vf_port(&e), RTE_PMD_MANASIM_RESET_SUCCESS, 40, 0, 0) == 0)
			injected++;
		usleep(60 * 1000);
	}
	t.stop = 1;
	pthread_join(th, NULL);
	CHECK(injected == 10, "10 resets played");
	CHECK(t.errors == 0, "%d control calls during resets, none refused", t.calls);
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 5000), "back on the VF at the end");
	usleep(50 * 1000);
	rte_eth_dev_get_mtu(e.port, &mtu);
	rte_eth_dev_get_mtu(vf_port(&e), &vf_mtu);
	CHECK(mtu == vf_mtu, "the VF's MTU matches the port's after the replays (%u, %u)", vf_mtu, mtu);
	CHECK(rte_eth_promiscuous_get(vf_port(&e)) == rte_eth_promiscuous_get(e.port),
	      "the VF's promiscuous mode matches the port's");
	env_destroy(&e);
}

static void
test_close_during_removal(void)
{
	struct env e;
	uint64_t t0;

	printf("-- close in the middle of a removal\n");
	if (env_create(&e, "cdr", "", "", "", 1) < 0)
		return;
	inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 300, 500, 0);
	wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000);
	t0 = now_ms();
	rte_eth_dev_stop(e.port);
	CHECK(rte_eth_dev_close(e.port) == 0, "close during the VF's removal returns 0");
	CHECK(now_ms() - t0 < 2000, "close finished in bounded time (%lu ms)", now_ms() - t0);
	rte_vdev_uninit(e.name);
}

static void
fake_event(uint16_t port, enum rte_eth_event_type ev)
{
	rte_eth_dev_callback_process(&rte_eth_devices[port], ev, NULL);
}

static void
test_odd_orders(void)
{
	struct rte_pmd_manafo_state st;
	struct env e;
	uint16_t vf;

	printf("-- duplicate, unmatched and out-of-order events\n");
	if (env_create(&e, "odd", "", "", "hotplug_poll_ms=100000", 1) < 0)
		return;
	vf = vf_port(&e);
	fake_event(vf, RTE_ETH_EVENT_RECOVERY_SUCCESS);
	usleep(50 * 1000);
	st = state(&e);
	CHECK(st.tx_path == RTE_PMD_MANAFO_PATH_VF && st.failbacks == 0 && st.failovers == 0,
	      "RECOVERY_SUCCESS without ERR_RECOVERING: ignored");
	fake_event(vf, RTE_ETH_EVENT_ERR_RECOVERING);
	fake_event(vf, RTE_ETH_EVENT_ERR_RECOVERING);
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_SYNTH, 1000), "two ERR_RECOVERING: on the synthetic path");
	fake_event(vf, RTE_ETH_EVENT_NEW);
	fake_event(vf, RTE_ETH_EVENT_RECOVERY_SUCCESS);
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 1000), "spurious NEW ignored, RECOVERY_SUCCESS: back");
	st = state(&e);
	CHECK(st.failovers == 1 && st.failbacks == 1 && st.vf_resets == 1, "counted once");
	fake_event(vf, RTE_ETH_EVENT_ERR_RECOVERING);
	fake_event(vf, RTE_ETH_EVENT_INTR_RMV);
	fake_event(vf, RTE_ETH_EVENT_RECOVERY_FAILED);
	CHECK(wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 2000), "INTR_RMV during recovery: VF given up");
	usleep(50 * 1000);
	st = state(&e);
	CHECK(st.vf_removals == 1, "INTR_RMV then RECOVERY_FAILED: one removal (%lu)", st.vf_removals);
	CHECK(strcmp(offer_path(&e), "synth") == 0, "still forwarding on the synthetic path");
	env_destroy(&e);
	/* Events for a port id manafo used, after close: nobody listens. */
	if (rte_eth_dev_is_valid_port(vf)) {
		fake_event(vf, RTE_ETH_EVENT_ERR_RECOVERING);
		fake_event(vf, RTE_ETH_EVENT_INTR_RMV);
	}
}

/*
 * Replay completeness (design.md §6): the configuration the application
 * made on the port, read back from the VF that carries it after an event.
 * Both manasims have full_ops=1 (a VF with promisc, MAC, VLAN and
 * multicast ops) and come up promiscuous, so that "off" is a change; the
 * VF's rte_eth_dev_reset() loses its configuration (dev_reset=clear).
 */
#define REPLAY_VF "full_ops=1,promisc=1,dev_reset=clear"
#define REPLAY_SY "full_ops=1,promisc=1"
#define REPLAY_HF (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6)
#define CFG_KEY_LEN 40		/* manasim's RSS key */
#define CFG_RETA 64		/* manasim's RETA */
#define CFG_MAX_MACS 16

struct port_cfg {
	const char *name;
	uint16_t mtu;
	int promisc;
	int allmulti;
	struct rte_ether_addr mac;	/* the main address */
	struct rte_ether_addr extra;	/* rte_eth_dev_mac_addr_add() */
	uint32_t nb_mc;
	struct rte_ether_addr mc[2];
	uint16_t vlan;
	uint64_t rss_hf;
	uint8_t key_seed;		/* key[i] = seed + 7 * i */
	uint16_t reta_div;		/* reta[i] = (i / div) % 2 */
};

static const struct port_cfg cfg_a = {
	.name = "A", .mtu = 1400, .promisc = 0, .allmulti = 1,
	.mac = { { 0x02, 0, 0, 0, 0x0a, 0x01 } }, .extra = { { 0x02, 0, 0, 0, 0x0a, 0x02 } },
	.nb_mc = 2, .mc = { { { 0x01, 0, 0x5e, 0, 0, 0x0a } }, { { 0x01, 0, 0x5e, 0, 0, 0x0b } } },
	.vlan = 100, .rss_hf = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP,
	.key_seed = 1, .reta_div = 2,
};

/* Every item of A changed; A's extra MAC, VLAN and multicast list removed. */
static const struct port_cfg cfg_b = {
	.name = "B", .mtu = 1280, .promisc = 1, .allmulti = 0,
	.mac = { { 0x02, 0, 0, 0, 0x0b, 0x01 } }, .extra = { { 0x02, 0, 0, 0, 0x0b, 0x02 } },
	.nb_mc = 0, .vlan = 300, .rss_hf = RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_UDP,
	.key_seed = 5, .reta_div = 3,
};

static void
cfg_key(const struct port_cfg *c, uint8_t *key)
{
	unsigned int i;

	for (i = 0; i < CFG_KEY_LEN; i++)
		key[i] = (uint8_t)(c->key_seed + 7 * i);
}

static uint16_t
cfg_reta(const struct port_cfg *c, unsigned int i)
{
	return (i / c->reta_div) % 2;
}

#define TRY(call) do { \
	int ret_ = (call); \
	if (ret_ != 0) { \
		printf("     %s returned %d\n", #call, ret_); \
		return ret_; \
	} \
} while (0)

static void
reta_mask_all(struct rte_eth_rss_reta_entry64 *reta)
{
	unsigned int i;

	memset(reta, 0, sizeof(*reta) * CFG_RETA / RTE_ETH_RETA_GROUP_SIZE);
	for (i = 0; i < CFG_RETA; i++)
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= RTE_BIT64(i % RTE_ETH_RETA_GROUP_SIZE);
}

static int
cfg_apply_rss(uint16_t port, const struct port_cfg *c)
{
	struct rte_eth_rss_reta_entry64 reta[CFG_RETA / RTE_ETH_RETA_GROUP_SIZE];
	uint8_t key[CFG_KEY_LEN];
	struct rte_eth_rss_conf rss = {
		.rss_key = key, .rss_key_len = CFG_KEY_LEN, .rss_hf = c->rss_hf,
	};
	unsigned int i;

	cfg_key(c, key);
	TRY(rte_eth_dev_rss_hash_update(port, &rss));
	reta_mask_all(reta);
	for (i = 0; i < CFG_RETA; i++)
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			cfg_reta(c, i);
	TRY(rte_eth_dev_rss_reta_update(port, reta, CFG_RETA));
	return 0;
}

/* c on the port, through ethdev; old: the configuration c replaces. */
static int
cfg_apply(uint16_t port, const struct port_cfg *c, const struct port_cfg *old)
{
	struct port_cfg v = *c;		/* ethdev takes non-const addresses */

	if (old != NULL) {
		struct port_cfg o = *old;

		TRY(rte_eth_dev_mac_addr_remove(port, &o.extra));
		TRY(rte_eth_dev_vlan_filter(port, o.vlan, 0));
	}
	TRY(rte_eth_dev_set_mtu(port, v.mtu));
	/* On first, so that off is a change the sub-devices get. */
	TRY(rte_eth_promiscuous_enable(port));
	if (!v.promisc)
		TRY(rte_eth_promiscuous_disable(port));
	TRY(v.allmulti ? rte_eth_allmulticast_enable(port) : rte_eth_allmulticast_disable(port));
	TRY(rte_eth_dev_default_mac_addr_set(port, &v.mac));
	TRY(rte_eth_dev_mac_addr_add(port, &v.extra, 0));
	TRY(rte_eth_dev_set_mc_addr_list(port, v.nb_mc ? v.mc : NULL, v.nb_mc));
	TRY(rte_eth_dev_vlan_filter(port, v.vlan, 1));
	return cfg_apply_rss(port, c);
}

static void
cfg_check_modes(uint16_t port, const struct port_cfg *c, const char *who)
{
	int promisc = rte_eth_promiscuous_get(port), allmulti = rte_eth_allmulticast_get(port);
	uint16_t mtu = 0;

	rte_eth_dev_get_mtu(port, &mtu);
	CHECK(mtu == c->mtu, "%s: MTU %u as in %s (%u)", who, c->mtu, c->name, mtu);
	CHECK(promisc == c->promisc, "%s: promiscuous %s as in %s (%d)", who,
	      c->promisc ? "on" : "off", c->name, promisc);
	CHECK(allmulti == c->allmulti, "%s: all-multicast %s as in %s (%d)", who,
	      c->allmulti ? "on" : "off", c->name, allmulti);
}

/* The MAC list holds addr (in use, any slot): 1 or 0. */
static int
mac_has(uint16_t port, const struct rte_ether_addr *addr, int *in_use)
{
	struct rte_ether_addr ma[CFG_MAX_MACS];
	int i, n = rte_eth_macaddrs_get(port, ma, RTE_DIM(ma)), found = 0;

	*in_use = 0;
	for (i = 0; i < n; i++) {
		*in_use += !rte_is_zero_ether_addr(&ma[i]);
		found |= rte_is_same_ether_addr(&ma[i], addr);
	}
	return found;
}

static void
cfg_check_macs(uint16_t port, const struct port_cfg *c, const char *who)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr main_mac;
	int in_use, extra = mac_has(port, &c->extra, &in_use);

	memset(&main_mac, 0, sizeof(main_mac));
	rte_eth_macaddr_get(port, &main_mac);
	rte_ether_format_addr(buf, sizeof(buf), &c->mac);
	CHECK(rte_is_same_ether_addr(&main_mac, &c->mac), "%s: main MAC %s as in %s", who, buf,
	      c->name);
	CHECK(extra && in_use == 2, "%s: MAC list is the main and %s's extra address, no other "
	      "(%d in use)", who, c->name, in_use);
}

static void
cfg_check_filters(uint16_t port, const struct port_cfg *c, const char *who)
{
	struct rte_pmd_manasim_filters f;
	unsigned int w, nb_vlans = 0;
	int ret;

	memset(&f, 0, sizeof(f));
	ret = rte_pmd_manasim_filters_get(port, &f);
	for (w = 0; w < RTE_DIM(f.vlan_ids); w++)
		nb_vlans += __builtin_popcountll(f.vlan_ids[w]);
	CHECK(ret == 0 && nb_vlans == 1 && (f.vlan_ids[c->vlan / 64] & RTE_BIT64(c->vlan % 64)),
	      "%s: VLAN filter table is {%u} as in %s (%u entries)", who, c->vlan, c->name,
	      nb_vlans);
	CHECK(ret == 0 && f.nb_mc_addrs == c->nb_mc &&
	      memcmp(f.mc_addrs, c->mc, c->nb_mc * sizeof(c->mc[0])) == 0,
	      "%s: multicast list of %u as in %s (%u)", who, c->nb_mc, c->name, f.nb_mc_addrs);
}

static void
cfg_check_rss(uint16_t port, const struct port_cfg *c, const char *who)
{
	struct rte_eth_rss_reta_entry64 reta[CFG_RETA / RTE_ETH_RETA_GROUP_SIZE];
	uint8_t want[CFG_KEY_LEN], got[CFG_KEY_LEN];
	struct rte_eth_rss_conf rss = { .rss_key = got, .rss_key_len = CFG_KEY_LEN };
	unsigned int i, bad = 0;
	int ret;

	cfg_key(c, want);
	memset(got, 0, sizeof(got));
	ret = rte_eth_dev_rss_hash_conf_get(port, &rss);
	CHECK(ret == 0 && memcmp(got, want, sizeof(want)) == 0, "%s: RSS key as in %s", who,
	      c->name);
	CHECK(ret == 0 && rss.rss_hf == c->rss_hf, "%s: RSS hash types 0x%" PRIx64 " as in %s "
	      "(0x%" PRIx64 ")", who, c->rss_hf, c->name, rss.rss_hf);
	reta_mask_all(reta);
	ret = rte_eth_dev_rss_reta_query(port, reta, CFG_RETA);
	for (i = 0; i < CFG_RETA; i++)
		bad += reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] !=
		       cfg_reta(c, i);
	CHECK(ret == 0 && bad == 0, "%s: RETA as in %s (%u of %u entries differ)", who, c->name,
	      bad, CFG_RETA);
}

/* Everything of c, read back from a port through ethdev and manasim's API. */
static void
cfg_check(uint16_t port, const struct port_cfg *c, const char *event)
{
	char who[96];

	snprintf(who, sizeof(who), "%s: VF port %u", event, port);
	cfg_check_modes(port, c, who);
	cfg_check_macs(port, c, who);
	cfg_check_filters(port, c, who);
	cfg_check_rss(port, c, who);
}

static int
replay_env(struct env *e, const char *tag)
{
	if (env_create_conf(e, tag, REPLAY_VF, REPLAY_SY, "", 2, RTE_ETH_RX_OFFLOAD_VLAN_FILTER,
			    REPLAY_HF) < 0)
		return -1;
	CHECK(cfg_apply(e->port, &cfg_a, NULL) == 0, "configuration A set on the manafo port: MTU, "
	      "promiscuous off, all-multicast on, main MAC, extra MAC, multicast list, VLAN, "
	      "RSS key and hash types, RETA");
	return 0;
}

static void
test_replay_removal(void)
{
	struct env e;

	printf("-- replay: the whole configuration onto a VF back from a removal\n");
	if (replay_env(&e, "rpr") < 0)
		return;
	cfg_check(vf_port(&e), &cfg_a, "before");
	CHECK(inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 50, 200, 0) == 0, "removal injected");
	CHECK(wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000), "VF detached");
	CHECK(wait_for(&e, returns_reach, 1, 5000), "VF returned (a new probe), TX back on it");
	cfg_check(vf_port(&e), &cfg_a, "removal and return");
	env_destroy(&e);
}

static int
failbacks_reach(const struct env *e, uint64_t n)
{
	struct rte_pmd_manafo_state st = state(e);

	return st.failbacks >= n && st.tx_path == RTE_PMD_MANAFO_PATH_VF;
}

static void
test_replay_intr_reset(void)
{
	struct env e;
	uint16_t vf;

	printf("-- replay: the whole configuration onto a VF whose reset (INTR_RESET) lost it\n");
	if (replay_env(&e, "rpi") < 0)
		return;
	vf = vf_port(&e);
	fake_event(vf, RTE_ETH_EVENT_INTR_RESET);
	CHECK(wait_for(&e, failbacks_reach, 1, 3000) && vf_port(&e) == vf,
	      "INTR_RESET: VF %u reset, replayed, TX back on it", vf);
	cfg_check(vf, &cfg_a, "INTR_RESET");
	env_destroy(&e);
}

/*
 * A MANA recovery keeps the configuration (flow rules aside); what the
 * application changes while it runs reaches the VF only by the replay
 * after RECOVERY_SUCCESS: removals included.
 */
static void
test_replay_recovery(void)
{
	struct env e;
	uint16_t vf;
	int ret, resetting;

	printf("-- replay: changes made during a service reset, onto the VF after it\n");
	if (replay_env(&e, "rpc") < 0)
		return;
	vf = vf_port(&e);
	CHECK(inject(vf, RTE_PMD_MANASIM_RESET_SUCCESS, 500, 0, 0) == 0, "reset injected (500 ms)");
	CHECK(wait_for(&e, vf_recovering, 0, 1000), "VF recovering");
	ret = cfg_apply(e.port, &cfg_b, &cfg_a);
	resetting = rte_pmd_manasim_is_resetting(vf);
	CHECK(ret == 0 && resetting == 1, "configuration B set on the manafo port while the VF "
	      "resets (A's extra MAC and VLAN removed, multicast list emptied) (%d, %d)", ret,
	      resetting);
	CHECK(wait_for(&e, failbacks_reach, 1, 3000), "RECOVERY_SUCCESS: replayed, TX back on it");
	cfg_check(vf, &cfg_b, "changes during a reset");
	env_destroy(&e);
}

/* Bit vid of a port's VLAN filter table (manasim keeps it): 1, 0, -1 on error. */
static int
vlan_on(uint16_t port, uint16_t vid)
{
	struct rte_pmd_manasim_filters f;

	if (rte_pmd_manasim_filters_get(port, &f) != 0)
		return -1;
	return (f.vlan_ids[vid / 64] >> (vid % 64)) & 1;
}

static void
check_mac_remove(const struct env *e, uint16_t vf, uint16_t sy)
{
	struct rte_ether_addr x = { { 0x02, 0, 0, 0, 0x0c, 0x01 } };
	int u, on_port, on_vf, on_sy;

	CHECK(rte_eth_dev_mac_addr_add(e->port, &x, 0) == 0 && mac_has(vf, &x, &u) &&
	      mac_has(sy, &x, &u), "MAC 02:00:00:00:0c:01 added: in both sub-devices' lists");
	CHECK(rte_eth_dev_mac_addr_remove(e->port, &x) == 0, "MAC 02:00:00:00:0c:01 removed");
	on_port = mac_has(e->port, &x, &u);
	on_vf = mac_has(vf, &x, &u);
	on_sy = mac_has(sy, &x, &u);
	CHECK(!on_port && !on_vf && !on_sy, "MAC remove: gone from the port and both sub-devices "
	      "(%d %d %d)", on_port, on_vf, on_sy);
}

static void
test_ops_reach_subs(void)
{
	struct env e;
	uint16_t vf, sy;

	printf("-- VLAN filter, RSS hash and RETA, MAC remove: on both sub-devices\n");
	if (env_create_conf(&e, "ops", REPLAY_VF, REPLAY_SY, "", 2,
			    RTE_ETH_RX_OFFLOAD_VLAN_FILTER, REPLAY_HF) < 0)
		return;
	vf = vf_port(&e);
	sy = state(&e).synth.port_id;
	CHECK(rte_eth_dev_vlan_filter(e.port, 42, 1) == 0 && vlan_on(vf, 42) == 1 &&
	      vlan_on(sy, 42) == 1, "VLAN 42 set: in the VF's and the synthetic path's tables");
	CHECK(rte_eth_dev_vlan_filter(e.port, 42, 0) == 0 && vlan_on(vf, 42) == 0 &&
	      vlan_on(sy, 42) == 0, "VLAN 42 cleared: in neither table");
	CHECK(cfg_apply_rss(e.port, &cfg_a) == 0,
	      "RSS key, hash types and RETA updated on the port");
	cfg_check_rss(e.port, &cfg_a, "the manafo port");
	cfg_check_rss(vf, &cfg_a, "the VF");
	cfg_check_rss(sy, &cfg_a, "the synthetic path");
	check_mac_remove(&e, vf, sy);
	env_destroy(&e);
}

static uint64_t
tx_prepared(uint16_t port)
{
	struct rte_pmd_manasim_info info;

	memset(&info, 0, sizeof(info));
	rte_pmd_manasim_info_get(port, &info);
	return info.tx_prepared;
}

/* tx_prepare of n frames on queue 0, the last one 1600 bytes if big. */
static uint16_t
prepare(const struct env *e, unsigned int n, int big)
{
	struct rte_mbuf *pkts[4];
	unsigned int i;
	uint16_t ret;

	if (n > RTE_DIM(pkts) || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return UINT16_MAX;
	for (i = 0; i < n; i++)
		rte_pktmbuf_append(pkts[i], big && i == n - 1 ? 1600 : 64);
	rte_errno = 0;
	ret = rte_eth_tx_prepare(e->port, 0, pkts, (uint16_t)n);
	rte_pktmbuf_free_bulk(pkts, n);
	return ret;
}

static void
check_tx_prepare(const struct env *e, uint16_t vf, uint16_t sy)
{
	uint64_t v0 = tx_prepared(vf), s0 = tx_prepared(sy);
	uint16_t n = prepare(e, 3, 1);
	int err = rte_errno;

	CHECK(n == 2 && err == EINVAL && tx_prepared(vf) - v0 == 2 && tx_prepared(sy) == s0,
	      "tx_prepare on the VF: 2 of 3 passed, the 1600-byte frame refused by the VF "
	      "(%u, errno %d), the synthetic path not asked", n, err);
	CHECK(rte_pmd_manafo_failover(e->port) == 0 && tx_on(e, RTE_PMD_MANAFO_PATH_SYNTH),
	      "forced failover: TX on the synthetic path");
	v0 = tx_prepared(vf);
	n = prepare(e, 2, 0);
	CHECK(n == 2 && tx_prepared(sy) - s0 == 2 && tx_prepared(vf) == v0,
	      "tx_prepare follows TX: the synthetic path prepared 2, the VF none (%u)", n);
	rte_pmd_manafo_failback(e->port);
}

static void
test_queue_ops(void)
{
	struct rte_eth_rxq_info ri;
	struct rte_eth_txq_info ti;
	struct env e;
	int count;

	printf("-- queue info, rx_queue_count, tx_prepare through the port\n");
	if (env_create(&e, "qops", "", "", "", 2) < 0)
		return;
	memset(&ri, 0, sizeof(ri));
	memset(&ti, 0, sizeof(ti));
	CHECK(rte_eth_rx_queue_info_get(e.port, 1, &ri) == 0 && ri.mp == mp && ri.nb_desc == 512 &&
	      ri.queue_state == RTE_ETH_QUEUE_STATE_STARTED,
	      "rx queue 1 info: the pool, 512 descriptors, started (%u)", ri.nb_desc);
	CHECK(rte_eth_tx_queue_info_get(e.port, 1, &ti) == 0 && ti.nb_desc == 512,
	      "tx queue 1 info: 512 descriptors (%u)", ti.nb_desc);
	deliver(e.vfwire, 0, 5);
	deliver(e.sywire, 0, 3);
	count = rte_eth_rx_queue_count(e.port, 0);
	CHECK(count == 8, "rx_queue_count: 5 waiting on the VF + 3 on the synthetic path (%d)",
	      count);
	CHECK(receive(&e, 0) == 8 && rte_eth_rx_queue_count(e.port, 0) == 0,
	      "rx_queue_count 0 once the 8 are received");
	check_tx_prepare(&e, vf_port(&e), state(&e).synth.port_id);
	env_destroy(&e);
}

static void
test_churn(unsigned int cycles)
{
	struct rte_eth_stats s;
	uint64_t last_opackets = 0;
	unsigned int i, monotonic = 1, returned = 0;
	struct env e;

	printf("-- %u removal/return cycles with traffic\n", cycles);
	if (env_create(&e, "churn", "", "", "hotplug_poll_ms=5", 1) < 0)
		return;
	for (i = 1; i <= cycles; i++) {
		offer(&e, 0, 32);
		if (inject(vf_port(&e), RTE_PMD_MANASIM_REMOVE, 1, 0, i & 1) != 0)
			break;
		wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 2000);
		offer(&e, 0, 32);
		returned += wait_for(&e, returns_reach, i, 5000);
		offer(&e, 0, 32);
		drain(e.vfwire, 0);
		drain(e.sywire, 0);
		rte_eth_stats_get(e.port, &s);
		if (s.opackets < last_opackets)
			monotonic = 0;
		last_opackets = s.opackets;
	}
	CHECK(returned == cycles, "%u of %u cycles: VF removed, returned, back on it", returned, cycles);
	CHECK(monotonic && last_opackets == (uint64_t)cycles * 96,
	      "port TX counter monotonic and complete (%lu of %u)", last_opackets, cycles * 96);
	env_destroy(&e);
}

struct traffic {
	const struct env *e;
	uint16_t port;
	uint16_t q;
	volatile int *stop;
	uint64_t offered;	/* written by its lcore, read by the main one */
	uint64_t refused;
};

static int
traffic_lcore(void *arg)
{
	struct traffic *t = arg;
	struct rte_mbuf *pkts[32];
	uint16_t sent;

	while (!*t->stop) {
		if (rte_pktmbuf_alloc_bulk(mp, pkts, 32) != 0)
			continue;
		sent = rte_eth_tx_burst(t->port, t->q, pkts, 32);
		__atomic_store_n(&t->offered, t->offered + 32, __ATOMIC_RELAXED);
		__atomic_store_n(&t->refused, t->refused + 32 - sent, __ATOMIC_RELAXED);
		rte_pktmbuf_free_bulk(pkts + sent, 32 - sent);
		/*
		 * The host side of this queue's wires, drained here: drained
		 * from the main lcore, they filled whenever it was off its CPU
		 * for a few ms, and a full wire refuses like any NIC ring.
		 */
		drain(t->e->vfwire, t->q);
		drain(t->e->sywire, t->q);
		rte_delay_us_block(100);
	}
	return 0;
}

/* Refusals over a run of resets, counted reset by reset. */
struct reset_run {
	unsigned int resets;	/* played */
	unsigned int refusing;	/* resets during which a packet was refused */
	uint64_t refused;
	uint64_t min;		/* refused in one reset: least and most */
	uint64_t max;
	uint64_t offered;
};

static uint64_t
traffic_sum(const struct traffic *t, unsigned int n, int refused)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += __atomic_load_n(refused ? &t[i].refused : &t[i].offered, __ATOMIC_RELAXED);
	return sum;
}

static void
drain_wires(const struct env *e)
{
	drain(e->vfwire, 0);
	drain(e->vfwire, 1);
	drain(e->sywire, 0);
	drain(e->sywire, 1);
}

/* The VF has no event in progress (the traffic lcores drain the wires). */
static void
wait_vf_idle(uint16_t vf)
{
	struct rte_pmd_manasim_info info;

	for (;;) {
		rte_pmd_manasim_info_get(vf, &info);
		if (!info.event_busy && info.state == RTE_PMD_MANASIM_ST_READY)
			return;
		usleep(200);
	}
}

/* One reset of reset_ms, played to its end (RECOVERY_SUCCESS delivered). */
static void
one_reset(uint16_t vf, uint32_t reset_ms, const struct traffic *t, unsigned int nt,
	  struct reset_run *run)
{
	uint64_t before, refused;

	wait_vf_idle(vf);
	before = traffic_sum(t, nt, 1);
	while (inject(vf, RTE_PMD_MANASIM_RESET_SUCCESS, reset_ms, 0, 0) != 0)
		usleep(200);
	wait_vf_idle(vf);
	refused = traffic_sum(t, nt, 1) - before;
	run->resets++;
	run->refusing += refused > 0;
	run->refused += refused;
	run->min = RTE_MIN(run->min, refused);
	run->max = RTE_MAX(run->max, refused);
}

/* 2 queues on 2 lcores, `resets` resets; each lcore drains its queue's wires. */
static void
run_resets(const struct env *e, uint16_t port, uint16_t vf, unsigned int resets,
	   uint32_t reset_ms, struct reset_run *run)
{
	struct traffic t[2];
	volatile int stop = 0;
	unsigned int lcore, nt = 0;

	memset(run, 0, sizeof(*run));
	run->min = UINT64_MAX;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (nt == 2)
			break;
		t[nt] = (struct traffic){ e, port, (uint16_t)nt, &stop, 0, 0 };
		rte_eal_remote_launch(traffic_lcore, &t[nt], lcore);
		nt++;
	}
	while (traffic_sum(t, nt, 0) == 0)
		usleep(200);
	while (run->resets < resets)
		one_reset(vf, reset_ms, t, nt, run);
	stop = 1;
	rte_eal_mp_wait_lcore();
	run->offered = traffic_sum(t, nt, 0);
	drain_wires(e);
}

/*
 * The VF alone refuses TX while its queues are blocked. Its resets are 20 ms
 * there: the two traffic lcores share one core with whatever else runs on
 * the machine, and each reset must find one of them sending.
 */
static void
test_zero_refused(unsigned int resets)
{
	unsigned int alone = resets / 10 ? resets / 10 : 1;
	struct reset_run run;
	struct env e;

	printf("-- %u resets with traffic on 2 queues, 2 lcores\n", resets);
	if (rte_lcore_count() < 3) {
		printf("skip: needs 3 lcores (EAL --lcores 0@0,1@1,2@1)\n");
		return;
	}
	if (env_create(&e, "zr", "", "", "", 2) < 0)
		return;
	run_resets(&e, e.port, vf_port(&e), resets, 5, &run);
	CHECK(run.resets == resets && run.refusing == 0 && run.refused == 0,
	      "manafo: %u resets of 5 ms, each refused 0 packets (%u refused some, at most %lu); "
	      "%lu offered, %lu with no path", run.resets, run.refusing, run.max, run.offered,
	      state(&e).tx_refused);
	CHECK(wait_for(&e, resets_reach, resets, 2000), "%lu resets seen", state(&e).vf_resets);
	/* The same run against the VF alone. */
	run_resets(&e, vf_port(&e), vf_port(&e), alone, 20, &run);
	CHECK(run.resets == alone && run.refusing == alone,
	      "the VF alone: %u of its %u resets of 20 ms refused packets (%lu to %lu per reset, "
	      "%lu of %lu offered)", run.refusing, run.resets, run.min, run.max, run.refused,
	      run.offered);
	env_destroy(&e);
}

int
main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	const char *only;

	if (n < 0)
		return 1;
	argc -= n;
	argv += n;
	only = argc > 1 ? argv[1] : NULL;
	mp = rte_pktmbuf_pool_create("ev_mp", 8192, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
#define RUN(name, call) do { if (only == NULL || strcmp(only, name) == 0) call; } while (0)
	RUN("reset", test_reset_success());
	RUN("failed", test_reset_failed());
	RUN("nested", test_reset_nested());
	RUN("removal", test_removal(0));
	RUN("stop-races-reset", test_stop_races_reset());
	RUN("removal-monitor", test_removal(1));
	RUN("no-return", test_removal_no_return());
	RUN("timeout", test_recovery_timeout());
	RUN("lsc", test_link_flap());
	RUN("intr-reset", test_intr_reset());
	RUN("synth-removal", test_synth_removal());
	RUN("close-callback", test_close_from_callback());
	RUN("lsc-reconfigure", test_lsc_reconfigure());
	RUN("lsc-close", test_lsc_close());
	RUN("control", test_control_during_resets());
	RUN("close-removal", test_close_during_removal());
	RUN("odd", test_odd_orders());
	RUN("replay-removal", test_replay_removal());
	RUN("replay-intr-reset", test_replay_intr_reset());
	RUN("replay-recovery", test_replay_recovery());
	RUN("ops-subs", test_ops_reach_subs());
	RUN("queue-ops", test_queue_ops());
	RUN("churn", test_churn(50));
	RUN("zero-refused", test_zero_refused(100));
	rte_mempool_free(mp);
	rte_eal_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
