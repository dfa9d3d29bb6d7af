/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Unit test of net_manasim without manafo: creates manasim ports with
 * rte_vdev_init, registers ethdev and EAL device-event callbacks and checks,
 * for every outcome, the exact event sequence, the emitting threads, the
 * data and control path during a reset, ring loss, removal and return.
 * Prints one line per check; exits 1 at the first failure.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_string_fns.h>

#include "rte_pmd_manasim.h"

#define NB_MBUF		4095
#define NB_DESC		64
#define MAX_EV		64
#define WAIT_MS		5000
#define DEV_EV(e)	(100 + (e))

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		printf("FAIL [%s:%d] ", __func__, __LINE__); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		fflush(stdout); \
		exit(1); \
	} \
	printf("ok   "); \
	printf(__VA_ARGS__); \
	printf("\n"); \
} while (0)

struct ev_rec {
	int type;		/* enum rte_eth_event_type, or DEV_EV(rte_dev_event_type) */
	uint16_t port;
	pthread_t tid;
	char tname[16];
	int resetting;		/* rte_pmd_manasim_is_resetting() inside the callback */
	int info_ret;		/* rte_eth_dev_info_get() inside the callback */
	int link_up;
};

enum cb_action {
	ACT_NONE,
	ACT_CLOSE_ON_FAILED,	/* stop + close the port from RECOVERY_FAILED */
	ACT_CLOSE_ON_RECOVERING, /* stop + close the port from ERR_RECOVERING */
};

static struct rte_mempool *mp;
static pthread_t intr_tid;
static pthread_t main_tid;
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ev_rec evlog[MAX_EV];
static int nev;
static enum cb_action action;
static int action_done;

static const enum rte_eth_event_type watched[] = {
	RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_RECOVERY_SUCCESS,
	RTE_ETH_EVENT_RECOVERY_FAILED, RTE_ETH_EVENT_INTR_RMV,
	RTE_ETH_EVENT_INTR_LSC, RTE_ETH_EVENT_NEW,
};

/* ---- Helpers ------------------------------------------------------------- */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sleep_ms(unsigned int ms)
{
	usleep(ms * 1000);
}

static const char *
ev_name(int t)
{
	switch (t) {
	case RTE_ETH_EVENT_ERR_RECOVERING: return "ERR_RECOVERING";
	case RTE_ETH_EVENT_RECOVERY_SUCCESS: return "RECOVERY_SUCCESS";
	case RTE_ETH_EVENT_RECOVERY_FAILED: return "RECOVERY_FAILED";
	case RTE_ETH_EVENT_INTR_RMV: return "INTR_RMV";
	case RTE_ETH_EVENT_INTR_LSC: return "INTR_LSC";
	case RTE_ETH_EVENT_NEW: return "NEW";
	case DEV_EV(RTE_DEV_EVENT_ADD): return "DEV_ADD";
	case DEV_EV(RTE_DEV_EVENT_REMOVE): return "DEV_REMOVE";
	default: return "?";
	}
}

static int
ev_count(void)
{
	int n;

	pthread_mutex_lock(&ev_lock);
	n = nev;
	pthread_mutex_unlock(&ev_lock);
	return n;
}

static struct ev_rec
ev_get(int i)
{
	struct ev_rec r;

	pthread_mutex_lock(&ev_lock);
	r = evlog[i];
	pthread_mutex_unlock(&ev_lock);
	return r;
}

static void
ev_clear(void)
{
	pthread_mutex_lock(&ev_lock);
	nev = 0;
	pthread_mutex_unlock(&ev_lock);
}

static void
ev_add(const struct ev_rec *r)
{
	pthread_mutex_lock(&ev_lock);
	if (nev < MAX_EV)
		evlog[nev++] = *r;
	pthread_mutex_unlock(&ev_lock);
}

static bool
wait_events(int n, unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	while (ev_count() < n) {
		if (now_ms() > end)
			return false;
		sleep_ms(2);
	}
	return true;
}

static bool
wait_resetting(uint16_t port, int want)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (rte_pmd_manasim_is_resetting(port) != want) {
		if (now_ms() > end)
			return false;
		usleep(200);
	}
	return true;
}

static void
ev_dump(void)
{
	int i, n = ev_count();

	printf("     events:");
	for (i = 0; i < n; i++)
		printf(" %s(port %u, %s, resetting %d)", ev_name(ev_get(i).type), ev_get(i).port,
		       ev_get(i).tname, ev_get(i).resetting);
	printf("\n");
}

/* Waits for n events, then checks their types in order and that no more come. */
static void
expect_seq(const char *what, const int *types, int n, unsigned int quiet_ms)
{
	int i;

	if (!wait_events(n, WAIT_MS))
		ev_dump();
	CHECK(ev_count() >= n, "%s: %d events arrived", what, n);
	sleep_ms(quiet_ms);
	if (ev_count() != n)
		ev_dump();
	CHECK(ev_count() == n, "%s: no further event within %u ms", what, quiet_ms);
	for (i = 0; i < n; i++)
		CHECK(ev_get(i).type == types[i], "%s: event %d is %s", what, i, ev_name(types[i]));
}

static bool
is_intr(const struct ev_rec *r)
{
	return pthread_equal(r->tid, intr_tid) != 0;
}

static bool
is_reset_thread(const struct ev_rec *r)
{
	return !is_intr(r) && !pthread_equal(r->tid, main_tid) &&
	       strcmp(r->tname, "manasim-rst") == 0;
}

static bool
ev_on_intr(int i)
{
	struct ev_rec r = ev_get(i);

	return is_intr(&r);
}

static bool
ev_on_reset_thread(int i)
{
	struct ev_rec r = ev_get(i);

	return is_reset_thread(&r);
}

/* ---- Callbacks ------------------------------------------------------------ */

static void
close_port(uint16_t port)
{
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	__atomic_store_n(&action_done, 1, __ATOMIC_RELEASE);
}

static int
eth_cb(uint16_t port, enum rte_eth_event_type type, void *arg __rte_unused,
       void *ret_param __rte_unused)
{
	struct rte_eth_dev_info di;
	struct rte_eth_link link;
	struct ev_rec r = { .type = type, .port = port, .tid = pthread_self() };

	/* The NEW of a probe comes before the port is valid: not ours. */
	if (!rte_eth_dev_is_valid_port(port))
		return 0;
	pthread_getname_np(r.tid, r.tname, sizeof(r.tname));
	r.resetting = rte_pmd_manasim_is_resetting(port);
	r.info_ret = 1;
	/* Which lock is held when: free at ERR_RECOVERING, reset lock at NEW. */
	if (type == RTE_ETH_EVENT_ERR_RECOVERING || type == RTE_ETH_EVENT_NEW)
		r.info_ret = rte_eth_dev_info_get(port, &di);
	if (type == RTE_ETH_EVENT_INTR_LSC && rte_eth_link_get_nowait(port, &link) == 0)
		r.link_up = link.link_status;
	ev_add(&r);
	if ((action == ACT_CLOSE_ON_FAILED && type == RTE_ETH_EVENT_RECOVERY_FAILED) ||
	    (action == ACT_CLOSE_ON_RECOVERING && type == RTE_ETH_EVENT_ERR_RECOVERING))
		close_port(port);
	return 0;
}

static void
dev_cb(const char *name __rte_unused, enum rte_dev_event_type type, void *arg __rte_unused)
{
	struct ev_rec r = { .type = DEV_EV(type), .port = UINT16_MAX, .tid = pthread_self() };

	pthread_getname_np(r.tid, r.tname, sizeof(r.tname));
	ev_add(&r);
}

static void
tid_alarm(void *arg)
{
	int *done = arg;

	intr_tid = pthread_self();
	__atomic_store_n(done, 1, __ATOMIC_RELEASE);
}

static void
learn_intr_thread(void)
{
	uint64_t end = now_ms() + WAIT_MS;
	int done = 0;

	CHECK(rte_eal_alarm_set(1, tid_alarm, &done) == 0, "alarm to learn the interrupt thread");
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) == 0 && now_ms() < end)
		sleep_ms(1);
	CHECK(done == 1, "EAL interrupt thread id learned from an alarm callback");
}

/* ---- Ports -------------------------------------------------------------- */

static bool port_rss; /* configure the next ports with RSS */
static uint64_t port_rx_offloads; /* and with these RX offloads */

static uint16_t
port_make(const char *name, const char *args, uint16_t nq, bool start)
{
	struct rte_eth_conf conf = { 0 };
	uint16_t port, q;
	int ret;

	ret = rte_vdev_init(name, args);
	CHECK(ret == 0, "create %s,%s", name, args);
	CHECK(rte_eth_dev_get_port_by_name(name, &port) == 0, "%s is port %u", name, port);
	if (port_rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IPV4;
	}
	conf.rxmode.offloads = port_rx_offloads;
	CHECK(rte_eth_dev_configure(port, nq, nq, &conf) == 0, "configure %u queues", nq);
	for (q = 0; q < nq; q++) {
		CHECK(rte_eth_rx_queue_setup(port, q, NB_DESC, SOCKET_ID_ANY, NULL, mp) == 0 &&
		      rte_eth_tx_queue_setup(port, q, NB_DESC, SOCKET_ID_ANY, NULL) == 0,
		      "queue %u setup", q);
	}
	if (start)
		CHECK(rte_eth_dev_start(port) == 0, "start port %u", port);
	return port;
}

static void
port_drop(const char *name)
{
	CHECK(rte_vdev_uninit(name) == 0, "remove %s", name);
	ev_clear();
}

static void
counters(uint16_t port, struct rte_pmd_manasim_counters *c)
{
	CHECK(rte_pmd_manasim_counters_get(port, c) == 0, "counters of port %u", port);
}

/* Sends n fresh mbufs on a queue; returns how many it took, frees the rest. */
static uint16_t
tx_n(uint16_t port, uint16_t q, uint16_t n, bool *untouched)
{
	struct rte_mbuf *m[64];
	uint16_t i, sent;

	if (rte_pktmbuf_alloc_bulk(mp, m, n) != 0)
		return UINT16_MAX;
	for (i = 0; i < n; i++) {
		rte_pktmbuf_append(m[i], 60);
		rte_mbuf_refcnt_set(m[i], 1);
	}
	sent = rte_eth_tx_burst(port, q, m, n);
	if (untouched != NULL) {
		*untouched = true;
		for (i = sent; i < n; i++)
			if (rte_mbuf_refcnt_read(m[i]) != 1 || m[i]->pkt_len != 60)
				*untouched = false;
	}
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(m[i]);
	return sent;
}

static uint16_t
rx_n(uint16_t port, uint16_t q)
{
	struct rte_mbuf *m[32];
	uint16_t n = rte_eth_rx_burst(port, q, m, RTE_DIM(m));

	rte_pktmbuf_free_bulk(m, n);
	return n;
}

/* DPDK heap blocks in use: valgrind does not see the DPDK heap. */
static uint64_t
heap_blocks(void)
{
	struct rte_malloc_socket_stats st;
	uint64_t n = 0;
	int s;

	for (s = 0; s < (int)rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			n += st.alloc_count;
	return n;
}

static void
inject(uint16_t port, enum rte_pmd_manasim_kind kind, uint32_t reset_ms)
{
	struct rte_pmd_manasim_event ev;

	CHECK(rte_pmd_manasim_event_init(port, kind, &ev) == 0, "event init");
	ev.reset_ms = reset_ms;
	CHECK(rte_pmd_manasim_inject(port, &ev) == 0, "inject %d (reset_ms %u)", kind, reset_ms);
}

/* ---- Tests ---------------------------------------------------------------- */

static void
test_bad_devargs(void)
{
	static const char *const bad[] = {
		"reset_ms=abc", "foo=1", "outcome=explode", "hang_queue=16", "reset_ms=-5",
		"mac=01:00:5e:00:00:01", "wire=w,rx_source=1", "reset_ms=5,reset_ms=6",
		"monitor=2", "hang_kind=stuck", "wire=this_name_is_way_too_long_for_a_ring",
		"return_ms=-2", "count=x", "reset_on_stop=2", "reset_on_stop=1,reset_at_ms=10",
	};
	unsigned int i;

	printf("# bad devargs are rejected\n");
	for (i = 0; i < RTE_DIM(bad); i++)
		CHECK(rte_vdev_init("net_manasim_bad", bad[i]) == -EINVAL, "'%s' -> -EINVAL",
		      bad[i]);
}

static void
test_success(void)
{
	struct rte_pmd_manasim_counters c;
	struct rte_eth_conf conf = { 0 };
	struct rte_ether_addr mac0, mac1;
	struct rte_eth_dev_info di;
	struct rte_eth_rxq_info qi;
	struct rte_eth_link link;
	struct rte_eth_stats st;
	struct rte_pmd_manasim_event ev;
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_NEW,
			    RTE_ETH_EVENT_RECOVERY_SUCCESS };
	struct ev_rec e0, e1, e2;
	uint16_t port, mtu;
	bool untouched;

	printf("# outcome success\n");
	port = port_make("net_manasim_ok", "reset_ms=500,rx_source=1", 2, false);
	CHECK(rte_eth_dev_set_mtu(port, 3000) == 0, "MTU 3000 before the reset");
	CHECK(rte_eth_dev_start(port) == 0, "start");
	CHECK(rte_eth_dev_info_get(port, &di) == 0 &&
	      di.err_handle_mode == RTE_ETH_ERROR_HANDLE_MODE_PROACTIVE,
	      "err_handle_mode is PROACTIVE");
	rte_eth_macaddr_get(port, &mac0);
	CHECK(tx_n(port, 1, 8, NULL) == 8 && rx_n(port, 0) > 0, "bursts work before");
	ev_clear();
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 500);
	CHECK(wait_resetting(port, 1), "port enters the reset");
	CHECK(ev_count() == 1, "ERR_RECOVERING came before the queues were blocked");
	CHECK(rx_n(port, 0) == 0, "RX returns 0 during the reset");
	CHECK(tx_n(port, 1, 8, &untouched) == 0 && untouched,
	      "TX returns 0 during the reset and leaves the mbufs to the caller");
	CHECK(rte_eth_dev_configure(port, 2, 2, &conf) == -EBUSY, "configure -> -EBUSY");
	CHECK(rte_eth_dev_set_mtu(port, 2000) == -EBUSY, "set_mtu -> -EBUSY");
	CHECK(rte_eth_dev_info_get(port, &di) == -EBUSY, "dev_info_get -> -EBUSY");
	CHECK(rte_eth_rx_queue_setup(port, 0, NB_DESC, SOCKET_ID_ANY, NULL, mp) != 0,
	      "rx_queue_setup refused");
	CHECK(rte_eth_stats_get(port, &st) == 0 && st.opackets == 8, "stats work (opackets 8)");
	CHECK(rte_eth_link_get_nowait(port, &link) == 0 && link.link_status == RTE_ETH_LINK_UP,
	      "link reported up during the reset");
	CHECK(rte_eth_rx_queue_info_get(port, 0, &qi) == 0 && qi.nb_desc == NB_DESC,
	      "queue info works");
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_LINK_FLAP, &ev) == 0 &&
	      rte_pmd_manasim_inject(port, &ev) == -EBUSY, "another event -> -EBUSY");
	expect_seq("success", seq, 3, 100);
	e0 = ev_get(0);
	e1 = ev_get(1);
	e2 = ev_get(2);
	CHECK(is_intr(&e0), "ERR_RECOVERING on the EAL interrupt thread");
	CHECK(e0.resetting == 0 && e0.info_ret == 0,
	      "ERR_RECOVERING emitted before blocking, holding no lock");
	CHECK(is_reset_thread(&e2), "RECOVERY_SUCCESS on the reset thread (%s)", e2.tname);
	CHECK(pthread_equal(e1.tid, e2.tid), "spurious NEW on the reset thread");
	CHECK(e1.info_ret == -EBUSY, "NEW emitted under the reset lock (dev_info -> -EBUSY)");
	CHECK(e2.resetting == 0, "queues unblocked before RECOVERY_SUCCESS");
	CHECK(tx_n(port, 1, 8, NULL) == 8 && rx_n(port, 0) > 0, "bursts work after");
	CHECK(rte_eth_dev_get_mtu(port, &mtu) == 0 && mtu == 3000, "MTU kept");
	rte_eth_macaddr_get(port, &mac1);
	CHECK(rte_is_same_ether_addr(&mac0, &mac1), "MAC kept");
	counters(port, &c);
	CHECK(c.resets_started == 1 && c.resets_completed == 1 && c.tx_refused_blocked == 8 &&
	      c.rx_refused_blocked >= 1, "counters: started 1, completed 1, tx refused 8");
	CHECK(rte_eth_stats_get(port, &st) == 0 && st.opackets == 16,
	      "software counters survive the reset");
	port_drop("net_manasim_ok");
}

static void
test_stopped_port(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_NEW,
			    RTE_ETH_EVENT_RECOVERY_SUCCESS };
	struct rte_eth_conf conf = { 0 };
	uint16_t port;

	printf("# control path of a configured, stopped port during a reset\n");
	port = port_make("net_manasim_idle", "reset_ms=400", 1, false);
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 400);
	CHECK(wait_resetting(port, 1), "resetting");
	CHECK(rte_eth_dev_start(port) == -EBUSY, "start -> -EBUSY");
	CHECK(rte_eth_dev_configure(port, 1, 1, &conf) == -EBUSY, "configure -> -EBUSY");
	CHECK(rte_eth_dev_set_mtu(port, 2000) == -EBUSY, "set_mtu -> -EBUSY");
	CHECK(rte_eth_rx_queue_setup(port, 0, NB_DESC, SOCKET_ID_ANY, NULL, mp) == -EBUSY,
	      "rx_queue_setup -> -EBUSY");
	CHECK(rte_eth_tx_queue_setup(port, 0, NB_DESC, SOCKET_ID_ANY, NULL) == -EBUSY,
	      "tx_queue_setup -> -EBUSY");
	expect_seq("stopped", seq, 3, 20);
	CHECK(rte_eth_dev_configure(port, 1, 1, &conf) == 0 && rte_eth_dev_set_mtu(port, 2000) == 0,
	      "configure and set_mtu work after");
	port_drop("net_manasim_idle");
}

static void
test_failed(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_RECOVERY_FAILED };
	struct rte_eth_conf conf = { 0 };
	struct rte_pmd_manasim_info info;
	struct rte_pmd_manasim_event ev;
	struct ev_rec e0, e1;
	uint16_t port;
	bool untouched;

	printf("# outcome failed\n");
	port = port_make("net_manasim_fail", "reset_ms=100", 1, true);
	inject(port, RTE_PMD_MANASIM_RESET_FAILED, 100);
	expect_seq("failed", seq, 2, 100);
	e0 = ev_get(0);
	e1 = ev_get(1);
	CHECK(is_intr(&e0) && is_reset_thread(&e1),
	      "ERR_RECOVERING on intr, FAILED on reset thread");
	CHECK(rte_pmd_manasim_info_get(port, &info) == 0 && info.state == RTE_PMD_MANASIM_ST_FAILED,
	      "state failed");
	CHECK(rx_n(port, 0) == 0 && tx_n(port, 0, 4, &untouched) == 0 && untouched,
	      "dead port: bursts return 0, mbufs untouched");
	CHECK(rte_eth_dev_stop(port) == 0, "stop works on a dead port");
	CHECK(rte_eth_dev_start(port) == -EIO, "start -> -EIO");
	CHECK(rte_eth_dev_configure(port, 1, 1, &conf) == -EIO, "configure -> -EIO");
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_RESET_SUCCESS, &ev) == 0 &&
	      rte_pmd_manasim_inject(port, &ev) == -EIO, "inject on a dead port -> -EIO");
	port_drop("net_manasim_fail");
}

static void
test_nested(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_ERR_RECOVERING,
			    RTE_ETH_EVENT_NEW, RTE_ETH_EVENT_RECOVERY_SUCCESS };
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manasim_event ev;
	struct ev_rec e1;
	uint16_t port;

	printf("# outcome nested (devargs kind)\n");
	port = port_make("net_manasim_nest", "reset_ms=200", 1, true);
	inject(port, RTE_PMD_MANASIM_RESET_NESTED, 200);
	expect_seq("nested", seq, 4, 100);
	e1 = ev_get(1);
	CHECK(is_intr(&e1) && e1.resetting == 1,
	      "second ERR_RECOVERING on the interrupt thread, during the reset");
	CHECK(ev_on_reset_thread(3), "RECOVERY_SUCCESS on the reset thread");
	counters(port, &c);
	CHECK(c.resets_nested == 1 && c.resets_completed == 1, "nested 1, completed 1");
	ev_clear();

	printf("# nested by a second injection during the reset\n");
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 400);
	CHECK(wait_resetting(port, 1), "resetting");
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_RESET_FAILED, &ev) == 0, "init");
	ev.reset_ms = 100;
	CHECK(rte_pmd_manasim_inject(port, &ev) == 0, "second reset injected while resetting");
	expect_seq("nested-inject", seq, 4, 100);
	counters(port, &c);
	CHECK(c.resets_nested == 2 && c.resets_completed == 2 && c.resets_failed == 0,
	      "outcome of the first reset kept");
	port_drop("net_manasim_nest");
}

static void
test_rmv_no_monitor(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_RECOVERY_FAILED };
	const char *args = "reset_at_ms=50,outcome=rmv,reset_ms=100,return_ms=1000";
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manasim_info info;
	struct rte_ether_addr mac0, mac1;
	struct rte_eth_conf conf = { 0 };
	uint64_t left, end;
	uint16_t port;

	printf("# outcome rmv without the device-event monitor (devargs schedule)\n");
	port = port_make("net_manasim_rmv", args, 1, true);
	rte_eth_macaddr_get(port, &mac0);
	CHECK(tx_n(port, 0, 5, NULL) == 5, "traffic before");
	expect_seq("rmv", seq, 2, 100);
	CHECK(ev_on_intr(0) && ev_on_reset_thread(1),
	      "ERR_RECOVERING on intr, RECOVERY_FAILED on the reset thread");
	CHECK(rte_pmd_manasim_info_get(port, &info) == 0 &&
	      info.state == RTE_PMD_MANASIM_ST_REMOVED,
	      "state removed");
	CHECK(rte_eth_dev_is_removed(port) == 1, "rte_eth_dev_is_removed");
	CHECK(rx_n(port, 0) == 0 && tx_n(port, 0, 4, NULL) == 0, "bursts return 0");
	CHECK(rte_eth_dev_stop(port) == 0 && rte_eth_dev_configure(port, 1, 1, &conf) == -EIO,
	      "configure -> -EIO");
	port_drop("net_manasim_rmv");
	CHECK(rte_vdev_init("net_manasim_rmv", args) == -ENODEV,
	      "re-probe before return -> -ENODEV");
	CHECK(rte_pmd_manasim_name_available("net_manasim_rmv", &left) == 0 && left > 0 &&
	      left <= 1000, "name not available, %" PRIu64 " ms left", left);
	end = now_ms() + WAIT_MS;
	while (rte_pmd_manasim_name_available("net_manasim_rmv", NULL) != 1 && now_ms() < end)
		sleep_ms(5);
	port = port_make("net_manasim_rmv", args, 1, true);
	rte_eth_macaddr_get(port, &mac1);
	CHECK(rte_is_same_ether_addr(&mac0, &mac1), "returned VF has the same MAC");
	counters(port, &c);
	CHECK(c.removals == 0 && c.resets_failed == 0, "counters start from zero");
	sleep_ms(250);
	CHECK(ev_count() == 0, "exhausted schedule does not fire again after re-probe");
	CHECK(rte_pmd_manasim_info_get(port, &info) == 0 && info.sched_fired == 1,
	      "schedule fired once for this name");
	port_drop("net_manasim_rmv");
}

static void
test_rmv_monitor(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_INTR_RMV,
			    DEV_EV(RTE_DEV_EVENT_REMOVE) };
	const char *args = "reset_ms=100,return_ms=800,monitor=1";
	struct ev_rec e1;
	uint16_t port;
	uint64_t left;
	int i;

	printf("# outcome rmv with the device-event monitor\n");
	port = port_make("net_manasim_mon", args, 1, true);
	inject(port, RTE_PMD_MANASIM_REMOVE, 100);
	expect_seq("rmv-monitor", seq, 3, 150);
	CHECK(ev_on_intr(0) && ev_on_intr(1) && ev_on_intr(2),
	      "ERR_RECOVERING, INTR_RMV and DEV_REMOVE on the interrupt thread");
	CHECK(rx_n(port, 0) == 0 && tx_n(port, 0, 4, NULL) == 0, "bursts return 0");
	port_drop("net_manasim_mon");
	CHECK(rte_vdev_init("net_manasim_mon", args) == -ENODEV,
	      "re-probe before return -> -ENODEV");
	CHECK(wait_events(1, WAIT_MS), "an event after the return time");
	e1 = ev_get(0);
	CHECK(e1.type == DEV_EV(RTE_DEV_EVENT_ADD) && is_intr(&e1),
	      "DEV_ADD on the interrupt thread when the VF returns");
	CHECK(rte_pmd_manasim_name_available("net_manasim_mon", &left) == 1 && left == 0,
	      "name available");
	port_make("net_manasim_mon", args, 1, true);
	port_drop("net_manasim_mon");

	printf("# rmv that never returns\n");
	port = port_make("net_manasim_gone", "reset_ms=50,outcome=rmv,reset_at_ms=10", 1, true);
	CHECK(wait_events(2, WAIT_MS), "ERR_RECOVERING, RECOVERY_FAILED");
	port_drop("net_manasim_gone");
	for (i = 0; i < 2; i++)
		CHECK(rte_vdev_init("net_manasim_gone", NULL) == -ENODEV, "probe %d -> -ENODEV", i);
	CHECK(rte_pmd_manasim_name_available("net_manasim_gone", &left) == 0 &&
	      left == RTE_PMD_MANASIM_NEVER, "never returns (return_ms=-1)");
}

/* Descriptors a TX queue reports in flight (FULL), over every offset. */
static unsigned int
tx_full(uint16_t port, uint16_t q)
{
	unsigned int off, n = 0;

	for (off = 0; off < NB_DESC; off++)
		n += rte_eth_tx_descriptor_status(port, q, off) == RTE_ETH_TX_DESC_FULL;
	return n;
}

static void
test_txhang(void)
{
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manasim_info info;
	struct rte_pmd_manasim_event ev;
	struct rte_eth_stats st;
	uint64_t opackets0;
	unsigned int avail0;
	uint16_t port, got = 0;
	bool untouched;
	int i;

	printf("# TX hang, refuse, repaired by queue restart\n");
	port = port_make("net_manasim_hang", "hang_queue=0,hang_kind=refuse", 2, true);
	inject(port, RTE_PMD_MANASIM_TX_HANG, 0);
	for (i = 0; i < 500 && (rte_pmd_manasim_info_get(port, &info) != 0 ||
				 info.tx_hung_mask != 1); i++)
		sleep_ms(2);
	CHECK(info.tx_hung_mask == 1, "queue 0 hangs");
	CHECK(tx_n(port, 0, 8, &untouched) == 0 && untouched, "queue 0 refuses, mbufs untouched");
	CHECK(tx_n(port, 1, 8, NULL) == 8, "queue 1 works");
	CHECK(rte_eth_dev_tx_queue_stop(port, 0) == 0 && rte_eth_dev_tx_queue_start(port, 0) == 0,
	      "queue 0 stop/start");
	CHECK(tx_n(port, 0, 8, NULL) == 8, "queue 0 repaired");

	printf("# TX hang, refuse, hang_scope=device\n");
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_TX_HANG, &ev) == 0, "init");
	ev.hang_scope = RTE_PMD_MANASIM_SCOPE_DEVICE;
	ev.hang_queue = -1;
	CHECK(rte_pmd_manasim_inject(port, &ev) == 0, "inject device-scope hang on all queues");
	for (i = 0; i < 500 && (rte_pmd_manasim_info_get(port, &info) != 0 ||
				 info.tx_hung_mask != 3); i++)
		sleep_ms(2);
	CHECK(info.tx_hung_mask == 3, "both queues hang");
	CHECK(rte_eth_dev_tx_queue_stop(port, 0) == 0 && rte_eth_dev_tx_queue_start(port, 0) == 0 &&
	      tx_n(port, 0, 8, NULL) == 0, "queue restart does not repair it");
	CHECK(rte_eth_dev_stop(port) == 0 && rte_eth_dev_start(port) == 0 &&
	      tx_n(port, 0, 8, NULL) == 8 && tx_n(port, 1, 8, NULL) == 8,
	      "device stop/start repairs it");

	printf("# TX hang, nocomplete\n");
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_TX_HANG, &ev) == 0, "init");
	ev.hang_kind = RTE_PMD_MANASIM_HANG_NOCOMPLETE;
	ev.hang_queue = 0;
	avail0 = rte_mempool_avail_count(mp);
	CHECK(rte_pmd_manasim_inject(port, &ev) == 0, "inject");
	for (i = 0; i < 500 && (rte_pmd_manasim_info_get(port, &info) != 0 ||
				 info.tx_hung_mask != 1); i++)
		sleep_ms(2);
	CHECK(rte_eth_tx_descriptor_status(port, 0, 0) == RTE_ETH_TX_DESC_DONE, "ring empty");
	for (i = 0; i < 5; i++)
		got += tx_n(port, 0, 32, NULL);
	CHECK(got == NB_DESC, "accepted %u = nb_desc packets, then refuses", got);
	CHECK(rte_eth_tx_descriptor_status(port, 0, 0) == RTE_ETH_TX_DESC_FULL &&
	      rte_eth_tx_descriptor_status(port, 0, NB_DESC - 1) == RTE_ETH_TX_DESC_FULL,
	      "descriptors reported FULL (not done)");
	CHECK(rte_eth_tx_descriptor_status(port, 1, 0) == RTE_ETH_TX_DESC_DONE,
	      "queue 1 descriptors DONE");
	CHECK(rte_mempool_avail_count(mp) == avail0 - NB_DESC, "the port holds %u mbufs", NB_DESC);
	CHECK(rte_eth_dev_tx_queue_stop(port, 0) == 0 && rte_eth_dev_tx_queue_start(port, 0) == 0,
	      "queue 0 stop/start");
	CHECK(rte_mempool_avail_count(mp) == avail0, "held mbufs freed");
	CHECK(tx_n(port, 0, 8, NULL) == 8, "queue 0 repaired");
	counters(port, &c);
	CHECK(c.tx_hangs == 3 && c.tx_hang_dropped == NB_DESC, "tx_hangs 3, dropped %u", NB_DESC);

	printf("# TX hang, slow: the oldest held packet completes at each tx_burst call\n");
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_TX_HANG, &ev) == 0, "init");
	ev.hang_kind = RTE_PMD_MANASIM_HANG_SLOW;
	ev.hang_queue = 0;
	avail0 = rte_mempool_avail_count(mp);
	CHECK(rte_eth_stats_get(port, &st) == 0, "stats");
	opackets0 = st.opackets;
	CHECK(rte_pmd_manasim_inject(port, &ev) == 0, "inject");
	for (i = 0; i < 500 && (rte_pmd_manasim_info_get(port, &info) != 0 ||
				 info.tx_hung_mask != 1); i++)
		sleep_ms(2);
	CHECK(info.tx_hung_mask == 1, "queue 0 is slow");
	CHECK(tx_n(port, 0, 32, NULL) == 32 && tx_full(port, 0) == 32 &&
	      rte_eth_tx_descriptor_status(port, 0, NB_DESC - 32) == RTE_ETH_TX_DESC_FULL &&
	      rte_eth_tx_descriptor_status(port, 0, NB_DESC - 33) == RTE_ETH_TX_DESC_DONE,
	      "1st call: 32 accepted, none completed: the last 32 offsets FULL");
	CHECK(tx_n(port, 0, 32, NULL) == 32 && tx_full(port, 0) == 63,
	      "2nd call: the oldest completed, 32 accepted: 63 FULL");
	CHECK(tx_n(port, 0, 32, NULL) == 2 && tx_full(port, 0) == NB_DESC,
	      "3rd call: one completed, 2 accepted: the ring (%u) is full", NB_DESC);
	CHECK(tx_n(port, 0, 32, NULL) == 1 && tx_full(port, 0) == NB_DESC,
	      "4th call: one completed, one accepted");
	CHECK(rte_eth_stats_get(port, &st) == 0 && st.opackets - opackets0 == 3,
	      "3 packets sent (opackets +%" PRIu64 ")", st.opackets - opackets0);
	CHECK(rte_mempool_avail_count(mp) == avail0 - NB_DESC, "the port holds %u mbufs",
	      NB_DESC);
	CHECK(rte_eth_dev_tx_queue_stop(port, 0) == 0 && rte_eth_dev_tx_queue_start(port, 0) == 0,
	      "queue 0 stop/start");
	CHECK(rte_mempool_avail_count(mp) == avail0 && tx_full(port, 0) == 0,
	      "held mbufs freed, no descriptor FULL");
	CHECK(tx_n(port, 0, 8, NULL) == 8 && tx_full(port, 0) == 0, "queue 0 repaired");
	counters(port, &c);
	CHECK(c.tx_hangs == 4 && c.tx_hang_dropped == 2 * NB_DESC, "tx_hangs 4, dropped %u",
	      2 * NB_DESC);
	CHECK(ev_count() == 0, "a TX hang emits no ethdev event");
	port_drop("net_manasim_hang");

	port = port_make("net_manasim_slow", "hang_kind=slow", 1, false);
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_TX_HANG, &ev) == 0 &&
	      ev.hang_kind == RTE_PMD_MANASIM_HANG_SLOW, "devarg hang_kind=slow");
	port_drop("net_manasim_slow");
}

static void
test_lsc(void)
{
	const int seq[] = { RTE_ETH_EVENT_INTR_LSC, RTE_ETH_EVENT_INTR_LSC };
	struct ev_rec e0, e1;
	uint16_t port;

	printf("# link flap\n");
	port = port_make("net_manasim_lsc", "", 1, true);
	inject(port, RTE_PMD_MANASIM_LINK_FLAP, 100);
	expect_seq("lsc", seq, 2, 50);
	e0 = ev_get(0);
	e1 = ev_get(1);
	CHECK(is_intr(&e0) && is_intr(&e1), "both INTR_LSC on the interrupt thread");
	CHECK(e0.link_up == RTE_ETH_LINK_DOWN && e1.link_up == RTE_ETH_LINK_UP,
	      "link down, then up");
	port_drop("net_manasim_lsc");
}

static void
test_stop_during_reset(void)
{
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manasim_info info;
	uint64_t t0, dt;
	uint16_t port;

	printf("# dev_stop during a reset aborts it\n");
	port = port_make("net_manasim_abort", "reset_ms=3000", 1, true);
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 3000);
	CHECK(wait_resetting(port, 1), "resetting");
	t0 = now_ms();
	CHECK(rte_eth_dev_stop(port) == 0, "dev_stop during the reset");
	dt = now_ms() - t0;
	counters(port, &c);
	CHECK(c.resets_aborted == 1, "reset thread ended before dev_stop returned");
	CHECK(dt < 2000, "dev_stop took %" PRIu64 " ms (timer aborted)", dt);
	sleep_ms(200);
	CHECK(ev_count() == 1, "no RECOVERY_* event after the abort");
	CHECK(rte_pmd_manasim_info_get(port, &info) == 0 &&
	      info.state == RTE_PMD_MANASIM_ST_ABORTED,
	      "device stays torn down");
	CHECK(rte_eth_dev_start(port) != 0, "start refused");
	port_drop("net_manasim_abort");
}

static void
test_ring_loss(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_NEW,
			    RTE_ETH_EVENT_RECOVERY_SUCCESS };
	struct rte_pmd_manasim_counters c;
	struct rte_mbuf *m[16];
	struct rte_ring *rx, *tx;
	struct rte_eth_stats st;
	uint16_t port;

	printf("# wire mode: ring contents lost in a reset\n");
	port = port_make("net_manasim_wire", "wire=tw,reset_ms=300", 1, true);
	rx = rte_ring_lookup("tw_rx_0");
	tx = rte_ring_lookup("tw_tx_0");
	CHECK(rx != NULL && tx != NULL, "rings tw_rx_0 and tw_tx_0 exist");
	CHECK(rte_pktmbuf_alloc_bulk(mp, m, 10) == 0 &&
	      rte_ring_enqueue_bulk(rx, (void **)m, 10, NULL) == 10, "host puts 10 packets");
	CHECK(rte_eth_rx_burst(port, 0, m, 4) == 4 && m[0]->port == port, "RX takes 4");
	rte_pktmbuf_free_bulk(m, 4);
	CHECK(tx_n(port, 0, 3, NULL) == 3 && rte_ring_count(tx) == 3, "TX puts 3 on the wire");
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 300);
	CHECK(wait_resetting(port, 1), "resetting");
	CHECK(tx_n(port, 0, 3, NULL) == 0 && rte_ring_count(tx) == 3, "TX refused during reset");
	expect_seq("wire", seq, 3, 50);
	counters(port, &c);
	CHECK(c.rx_lost_in_reset == 6 && rte_ring_count(rx) == 0,
	      "6 packets in the RX ring lost, counted");
	CHECK(rte_eth_stats_get(port, &st) == 0 && st.imissed == 6, "imissed 6");
	CHECK(rte_ring_count(tx) == 3, "TX ring (the wire) untouched");
	while (rte_ring_dequeue(tx, (void **)&m[0]) == 0)
		rte_pktmbuf_free(m[0]);
	port_drop("net_manasim_wire");
	CHECK(rte_ring_lookup("tw_rx_0") == rx, "rings kept after the port is gone");
}

static void
test_close_in_callbacks(void)
{
	uint64_t end;
	uint16_t port;

	printf("# stop + close from the RECOVERY_FAILED callback (reset thread)\n");
	port = port_make("net_manasim_cb", "reset_ms=50", 1, true);
	action = ACT_CLOSE_ON_FAILED;
	action_done = 0;
	inject(port, RTE_PMD_MANASIM_RESET_FAILED, 50);
	end = now_ms() + WAIT_MS;
	while (__atomic_load_n(&action_done, __ATOMIC_ACQUIRE) == 0 && now_ms() < end)
		sleep_ms(2);
	CHECK(action_done == 1, "close returned inside the callback (no self-join)");
	sleep_ms(20);
	port_drop("net_manasim_cb");

	printf("# stop + close from the ERR_RECOVERING callback (interrupt thread)\n");
	port = port_make("net_manasim_cb2", "reset_ms=50", 1, true);
	action = ACT_CLOSE_ON_RECOVERING;
	action_done = 0;
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 50);
	end = now_ms() + WAIT_MS;
	while (__atomic_load_n(&action_done, __ATOMIC_ACQUIRE) == 0 && now_ms() < end)
		sleep_ms(2);
	CHECK(action_done == 1, "close returned inside the callback (no deadlock)");
	sleep_ms(150);
	CHECK(ev_count() == 1, "nothing emitted after the close");
	action = ACT_NONE;
	port_drop("net_manasim_cb2");
}

static void
test_schedule_every(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_NEW,
			    RTE_ETH_EVENT_RECOVERY_SUCCESS, RTE_ETH_EVENT_ERR_RECOVERING,
			    RTE_ETH_EVENT_NEW, RTE_ETH_EVENT_RECOVERY_SUCCESS };

	printf("# devargs schedule: reset_at_ms, reset_every_ms, count\n");
	port_make("net_manasim_sched", "reset_at_ms=30,reset_every_ms=150,count=2,reset_ms=40",
		  1, true);
	expect_seq("schedule", seq, 6, 300);
	port_drop("net_manasim_sched");
}

static void
test_ops(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_NEW,
			    RTE_ETH_EVENT_RECOVERY_SUCCESS };
	struct rte_ether_addr a = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x42 } }, got;
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item pat[] = { { .type = RTE_FLOW_ITEM_TYPE_END } };
	struct rte_flow_action act[] = { { .type = RTE_FLOW_ACTION_TYPE_DROP },
					 { .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_eth_rss_reta_entry64 reta[1] = { 0 };
	uint8_t key[40], key2[40];
	struct rte_eth_rss_conf rss = { .rss_key = key, .rss_key_len = 40,
					.rss_hf = RTE_ETH_RSS_IPV4 };
	struct rte_pmd_manasim_info info;
	struct rte_flow_error err;
	struct rte_flow *flow;
	uint16_t port;
	int i;

	printf("# MANA ops: promisc, MAC, flow are not supported\n");
	port_rss = true;
	port = port_make("net_manasim_min", "", 2, true);
	port_rss = false;
	CHECK(rte_eth_promiscuous_enable(port) == -ENOTSUP, "promiscuous_enable -> -ENOTSUP");
	CHECK(rte_eth_allmulticast_enable(port) == -ENOTSUP, "allmulticast_enable -> -ENOTSUP");
	CHECK(rte_eth_dev_default_mac_addr_set(port, &a) == -ENOTSUP, "mac_addr_set -> -ENOTSUP");
	CHECK(rte_flow_validate(port, &attr, pat, act, &err) != 0, "rte_flow refused");
	for (i = 0; i < 40; i++)
		key[i] = (uint8_t)i;
	CHECK(rte_eth_dev_rss_hash_update(port, &rss) == 0, "RSS key set");
	reta[0].mask = 1;
	reta[0].reta[0] = 1;
	CHECK(rte_eth_dev_rss_reta_update(port, reta, 64) == 0, "RETA[0] = 1");
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 50);
	expect_seq("ops", seq, 3, 20);
	memset(key2, 0, sizeof(key2));
	rss.rss_key = key2;
	CHECK(rte_eth_dev_rss_hash_conf_get(port, &rss) == 0 && memcmp(key, key2, 40) == 0 &&
	      rss.rss_hf == RTE_ETH_RSS_IPV4, "RSS key and hash types read back after reset");
	reta[0].reta[0] = 0;
	CHECK(rte_eth_dev_rss_reta_query(port, reta, 64) == 0 && reta[0].reta[0] == 1,
	      "RETA read back after reset");
	port_drop("net_manasim_min");

	printf("# full_ops=1: promisc, MAC, flow work and survive a reset\n");
	port = port_make("net_manasim_full", "full_ops=1", 1, true);
	CHECK(rte_eth_promiscuous_enable(port) == 0 && rte_eth_promiscuous_get(port) == 1,
	      "promiscuous on");
	CHECK(rte_eth_allmulticast_enable(port) == 0, "allmulticast on");
	CHECK(rte_eth_dev_default_mac_addr_set(port, &a) == 0, "MAC set");
	flow = rte_flow_create(port, &attr, pat, act, &err);
	CHECK(flow != NULL, "flow created");
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 50);
	expect_seq("full", seq, 3, 20);
	rte_eth_macaddr_get(port, &got);
	CHECK(rte_eth_promiscuous_get(port) == 1 && rte_eth_allmulticast_get(port) == 1 &&
	      rte_is_same_ether_addr(&a, &got), "promisc, allmulti, MAC kept");
	CHECK(rte_pmd_manasim_info_get(port, &info) == 0 && info.nb_flows == 1, "flow kept");
	CHECK(rte_flow_destroy(port, flow, &err) == 0, "flow destroyed");
	port_drop("net_manasim_full");
}

/* Frames on the wire's RX ring, as the host would deliver them. */
static unsigned int
wire_deliver(const char *ring, unsigned int n)
{
	struct rte_mbuf *m[16];
	struct rte_ring *r = rte_ring_lookup(ring);
	unsigned int done;

	if (r == NULL || n > RTE_DIM(m) || rte_pktmbuf_alloc_bulk(mp, m, n) != 0)
		return 0;
	done = rte_ring_enqueue_burst(r, (void **)m, n, NULL);
	rte_pktmbuf_free_bulk(m + done, n - done);
	return done;
}

/* tx_prepare of 3 frames, the last one longer than the MTU allows. */
static void
check_tx_prepare(uint16_t port)
{
	struct rte_pmd_manasim_info info;
	struct rte_mbuf *m[3];
	uint16_t n;
	int i;

	CHECK(rte_pktmbuf_alloc_bulk(mp, m, 3) == 0, "3 mbufs for tx_prepare");
	for (i = 0; i < 3; i++)
		rte_pktmbuf_append(m[i], i == 2 ? 1600 : 60);
	rte_errno = 0;
	n = rte_eth_tx_prepare(port, 0, m, 3);
	CHECK(n == 2 && rte_errno == EINVAL, "tx_prepare passes 2 of 3, refuses the 1600-byte "
	      "frame with EINVAL (%u, %d)", n, rte_errno);
	CHECK(rte_pmd_manasim_info_get(port, &info) == 0 && info.tx_prepared == 2,
	      "tx_prepared counts 2 (%" PRIu64 ")", info.tx_prepared);
	rte_pktmbuf_free_bulk(m, 3);
}

static void
check_filters(uint16_t port, uint16_t vid, uint32_t nb_mc, const char *when)
{
	struct rte_pmd_manasim_filters f;
	unsigned int w, nb_vlans = 0;

	CHECK(rte_pmd_manasim_filters_get(port, &f) == 0, "filters read %s", when);
	for (w = 0; w < RTE_DIM(f.vlan_ids); w++)
		nb_vlans += __builtin_popcountll(f.vlan_ids[w]);
	CHECK(nb_vlans == (vid ? 1u : 0u) &&
	      (vid == 0 || (f.vlan_ids[vid / 64] >> (vid % 64)) & 1),
	      "%s: VLAN filter table holds %s (%u entries)", when,
	      vid ? "VLAN 200 only" : "nothing", nb_vlans);
	CHECK(f.nb_mc_addrs == nb_mc && (nb_mc == 0 || f.mc_addrs[1].addr_bytes[5] == 0x02),
	      "%s: multicast list of %u (%u)", when, nb_mc, f.nb_mc_addrs);
}

/* Probe-time configuration changed, then brought back by dev_reset=clear. */
static void
change_then_reset(uint16_t port, const uint8_t *key0)
{
	struct rte_ether_addr a = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x43 } }, ma[8];
	uint8_t key[40], got[40];
	struct rte_eth_rss_conf rss = { .rss_key = key, .rss_key_len = 40,
					.rss_hf = RTE_ETH_RSS_IPV4 };
	uint16_t mtu = 0;
	int i, n, nb = 0;

	memset(key, 0x5a, sizeof(key));
	CHECK(rte_eth_dev_set_mtu(port, 1400) == 0 && rte_eth_allmulticast_enable(port) == 0 &&
	      rte_eth_promiscuous_disable(port) == 0 &&
	      rte_eth_dev_mac_addr_add(port, &a, 0) == 0 &&
	      rte_eth_dev_rss_hash_update(port, &rss) == 0,
	      "MTU 1400, allmulti on, promisc off, a second MAC, an RSS key");
	CHECK(rte_eth_dev_reset(port) == 0, "rte_eth_dev_reset with dev_reset=clear");
	rte_eth_dev_get_mtu(port, &mtu);
	/* Every slot, the unused ones zero. */
	n = rte_eth_macaddrs_get(port, ma, RTE_DIM(ma));
	for (i = 0; i < n; i++)
		nb += !rte_is_zero_ether_addr(&ma[i]);
	CHECK(mtu == RTE_ETHER_MTU && rte_eth_promiscuous_get(port) == 1 &&
	      rte_eth_allmulticast_get(port) == 0 && nb == 1,
	      "after the reset: MTU %u, promisc %d, allmulti %d, %d MAC(s): as at the probe", mtu,
	      rte_eth_promiscuous_get(port), rte_eth_allmulticast_get(port), nb);
	rss.rss_key = got;
	CHECK(rte_eth_dev_rss_hash_conf_get(port, &rss) == 0 && memcmp(got, key0, 40) == 0,
	      "after the reset: the default RSS key again");
	check_filters(port, 0, 0, "after rte_eth_dev_reset");
}

static void
test_filters(void)
{
	const int seq[] = { RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_NEW,
			    RTE_ETH_EVENT_RECOVERY_SUCCESS };
	struct rte_ether_addr mc[2] = { { .addr_bytes = { 0x01, 0, 0x5e, 0, 0, 0x01 } },
					{ .addr_bytes = { 0x01, 0, 0x5e, 0, 0, 0x02 } } };
	uint8_t key0[40];
	struct rte_eth_rss_conf rss = { .rss_key = key0, .rss_key_len = 40 };
	uint16_t port;

	printf("# full_ops=1: VLAN filter, multicast list, promisc=1, dev_reset=clear\n");
	port_rx_offloads = RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	port_rss = true;
	port = port_make("net_manasim_flt", "full_ops=1,promisc=1,dev_reset=clear,wire=msflt", 1,
			 true);
	port_rx_offloads = 0;
	port_rss = false;
	CHECK(rte_eth_promiscuous_get(port) == 1, "promisc=1: promiscuous from the probe");
	CHECK(rte_eth_dev_rss_hash_conf_get(port, &rss) == 0, "default RSS key read");
	CHECK(rte_eth_dev_vlan_filter(port, 100, 1) == 0 &&
	      rte_eth_dev_vlan_filter(port, 200, 1) == 0 &&
	      rte_eth_dev_vlan_filter(port, 100, 0) == 0, "VLAN 100 on, 200 on, 100 off");
	CHECK(rte_eth_dev_set_mc_addr_list(port, mc, 2) == 0, "multicast list of 2 set");
	check_filters(port, 200, 2, "after the changes");
	CHECK(wire_deliver("msflt_rx_0", 5) == 5 && rte_eth_rx_queue_count(port, 0) == 5,
	      "rx_queue_count: the 5 frames waiting on the wire");
	CHECK(rx_n(port, 0) == 5 && rte_eth_rx_queue_count(port, 0) == 0,
	      "rx_queue_count 0 once received");
	check_tx_prepare(port);
	inject(port, RTE_PMD_MANASIM_RESET_SUCCESS, 50);
	expect_seq("filters", seq, 3, 20);
	check_filters(port, 200, 2, "after a service reset");
	change_then_reset(port, key0);
	port_drop("net_manasim_flt");
}

static void
test_api_errors(void)
{
	struct rte_pmd_manasim_event ev;
	uint16_t port, null_port;

	printf("# API errors\n");
	port = port_make("net_manasim_api", "reset_ms=300", 1, true);
	CHECK(rte_pmd_manasim_inject(RTE_MAX_ETHPORTS - 1, &ev) == -ENODEV, "bad port -> -ENODEV");
	CHECK(rte_pmd_manasim_is_resetting(RTE_MAX_ETHPORTS - 1) == -ENODEV,
	      "is_resetting -> -ENODEV");
	if (rte_vdev_init("net_null_api", NULL) == 0 &&
	    rte_eth_dev_get_port_by_name("net_null_api", &null_port) == 0) {
		CHECK(rte_pmd_manasim_event_init(null_port, RTE_PMD_MANASIM_LINK_FLAP, &ev) ==
		      -ENODEV, "net_null port -> -ENODEV");
		rte_vdev_uninit("net_null_api");
	}
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_TX_HANG, &ev) == 0, "init");
	ev.hang_queue = 5;
	CHECK(rte_pmd_manasim_inject(port, &ev) == -EINVAL, "hang on a missing queue -> -EINVAL");
	ev.hang_queue = 0;
	ev.kind = RTE_PMD_MANASIM_KIND_MAX;
	CHECK(rte_pmd_manasim_inject(port, &ev) == -EINVAL, "bad kind -> -EINVAL");
	CHECK(rte_pmd_manasim_inject(port, NULL) == -EINVAL, "NULL -> -EINVAL");
	inject(port, RTE_PMD_MANASIM_LINK_FLAP, 300);
	CHECK(rte_pmd_manasim_event_init(port, RTE_PMD_MANASIM_TX_HANG, &ev) == 0 &&
	      rte_pmd_manasim_inject(port, &ev) == -EBUSY, "second event -> -EBUSY");
	CHECK(wait_events(1, WAIT_MS), "link down");
	/* Removal with an event in progress: cancelled, nothing dangles. */
	port_drop("net_manasim_api");
	sleep_ms(350);
	CHECK(ev_count() == 0, "no event after the port is gone");
}

/* EAL leaves its runtime directory behind: remove ours. */
static void
remove_runtime_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	char prefix[64], rundir[PATH_MAX];
	char *eal[32] = { argv[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
			  "--file-prefix", prefix };
	int n = 9, i, ret;
	uint64_t heap0;
	unsigned int e;

	snprintf(prefix, sizeof(prefix), "manasim_test_%d", (int)getpid());
	for (i = 1; i < argc && n < (int)RTE_DIM(eal); i++)
		eal[n++] = argv[i];
	ret = rte_eal_init(n, eal);
	if (ret < 0) {
		printf("FAIL cannot init EAL\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	main_tid = pthread_self();
	mp = rte_pktmbuf_pool_create("ms_test_pool", NB_MBUF, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     SOCKET_ID_ANY);
	CHECK(mp != NULL, "mbuf pool");
	for (e = 0; e < RTE_DIM(watched); e++)
		CHECK(rte_eth_dev_callback_register(RTE_ETH_ALL, watched[e], eth_cb, NULL) == 0,
		      "callback %s registered", ev_name(watched[e]));
	CHECK(rte_dev_event_callback_register(NULL, dev_cb, NULL) == 0, "device-event callback");
	learn_intr_thread();

	test_bad_devargs();
	test_success();
	test_stopped_port();
	test_failed();
	test_nested();
	test_rmv_no_monitor();
	test_rmv_monitor();
	test_txhang();
	test_lsc();
	test_stop_during_reset();
	test_ring_loss();
	test_filters();
	/* Warmed up; from here every port is gone at the end (no wire rings). */
	heap0 = heap_blocks();
	test_close_in_callbacks();
	test_schedule_every();
	test_ops();
	test_api_errors();
	CHECK(heap_blocks() == heap0, "no DPDK heap block left behind by %s",
	      "closed ports, callbacks-closed ports, flows, cancelled events");

	for (e = 0; e < RTE_DIM(watched); e++)
		rte_eth_dev_callback_unregister(RTE_ETH_ALL, watched[e], eth_cb, NULL);
	rte_dev_event_callback_unregister(NULL, dev_cb, NULL);
	rte_mempool_free(mp);
	strlcpy(rundir, rte_eal_get_runtime_dir(), sizeof(rundir));
	rte_eal_cleanup();
	remove_runtime_dir(rundir);
	printf("PASS test_manasim\n");
	return 0;
}
