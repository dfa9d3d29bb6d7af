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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
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
};

static struct rte_pmd_manafo_state
state(const struct env *e)
{
	struct rte_pmd_manafo_state st;

	memset(&st, 0, sizeof(st));
	rte_pmd_manafo_state_get(e->port, &st);
	return st;
}

typedef int (*cond_fn)(const struct env *e, uint64_t arg);

static int
wait_for(const struct env *e, cond_fn fn, uint64_t arg, unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	while (!fn(e, arg)) {
		if (now_ms() > end)
			return 0;
		usleep(1000);
	}
	return 1;
}

static int
tx_on(const struct env *e, uint64_t path)
{
	return state(e).tx_path == (enum rte_pmd_manafo_path)path;
}

static int
vf_in(const struct env *e, uint64_t st)
{
	return state(e).vf.state == (enum rte_pmd_manafo_sub_state)st;
}

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
	if (rte_eth_dev_configure(e->port, e->nbq, e->nbq, &conf) != 0)
		return -1;
	for (q = 0; q < e->nbq; q++)
		if (rte_eth_rx_queue_setup(e->port, q, 512, 0, NULL, mp) != 0 ||
		    rte_eth_tx_queue_setup(e->port, q, 512, 0, NULL) != 0)
			return -1;
	return rte_eth_dev_start(e->port);
}

static int
env_create(struct env *e, const char *tag, const char *vf_extra, const char *sy_extra,
	   const char *extra, uint16_t nbq)
{
	char args[512];

	memset(e, 0, sizeof(*e));
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
	if (env_create(&e, "ir", "", "", "", 1) < 0)
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
	uint64_t offered;
	uint64_t accepted;
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
		t->offered += 32;
		t->accepted += sent;
		rte_pktmbuf_free_bulk(pkts + sent, 32 - sent);
		rte_delay_us_block(100);
	}
	return 0;
}

/* 2 queues on 2 lcores, `resets` resets; the main lcore drains the wires. */
static uint64_t
run_resets(const struct env *e, uint16_t port, uint16_t vf, unsigned int resets,
	   uint64_t *offered)
{
	struct traffic t[2];
	volatile int stop = 0;
	unsigned int lcore, i = 0, done = 0;
	uint64_t refused = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == 2)
			break;
		t[i] = (struct traffic){ e, port, (uint16_t)i, &stop, 0, 0 };
		rte_eal_remote_launch(traffic_lcore, &t[i], lcore);
		i++;
	}
	while (done < resets) {
		struct rte_pmd_manasim_info info;

		rte_pmd_manasim_info_get(vf, &info);
		if (!info.event_busy && info.state == RTE_PMD_MANASIM_ST_READY &&
		    inject(vf, RTE_PMD_MANASIM_RESET_SUCCESS, 5, 0, 0) == 0)
			done++;
		drain(e->vfwire, 0);
		drain(e->vfwire, 1);
		drain(e->sywire, 0);
		drain(e->sywire, 1);
		usleep(200);
	}
	while (rte_pmd_manasim_is_resetting(vf) == 1)
		usleep(1000);
	stop = 1;
	rte_eal_mp_wait_lcore();
	*offered = 0;
	for (i = 0; i < 2; i++) {
		refused += t[i].offered - t[i].accepted;
		*offered += t[i].offered;
	}
	return refused;
}

static void
test_zero_refused(unsigned int resets)
{
	uint64_t refused, offered;
	struct env e;

	printf("-- %u resets with traffic on 2 queues, 2 lcores\n", resets);
	if (rte_lcore_count() < 3) {
		printf("skip: needs 3 lcores (EAL --lcores 0@0,1@1,2@1)\n");
		return;
	}
	if (env_create(&e, "zr", "", "", "", 2) < 0)
		return;
	refused = run_resets(&e, e.port, vf_port(&e), resets, &offered);
	CHECK(refused == 0, "manafo: %lu packets offered, %lu refused (%lu with no path)", offered,
	      refused, state(&e).tx_refused);
	CHECK(wait_for(&e, resets_reach, resets, 2000), "%lu resets seen", state(&e).vf_resets);
	/* The same run against the VF alone. */
	refused = run_resets(&e, vf_port(&e), vf_port(&e), resets / 10 ? resets / 10 : 1, &offered);
	CHECK(refused > 0, "the VF alone: %lu offered, %lu refused during its resets",
	      offered, refused);
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
	RUN("removal-monitor", test_removal(1));
	RUN("no-return", test_removal_no_return());
	RUN("timeout", test_recovery_timeout());
	RUN("lsc", test_link_flap());
	RUN("intr-reset", test_intr_reset());
	RUN("synth-removal", test_synth_removal());
	RUN("close-callback", test_close_from_callback());
	RUN("control", test_control_during_resets());
	RUN("close-removal", test_close_during_removal());
	RUN("odd", test_odd_orders());
	RUN("churn", test_churn(50));
	RUN("zero-refused", test_zero_refused(100));
	rte_mempool_free(mp);
	rte_eal_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
