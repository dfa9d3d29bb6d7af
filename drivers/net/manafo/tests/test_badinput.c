/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Bad input, table-driven: every telemetry command of manafo (and manasim's
 * inject/info) with bad arguments, read back over this process's own
 * telemetry socket as dpdk-telemetry.py would; every public API call
 * (rte_pmd_manafo_*, rte_pmd_manasim_*) with bad port ids and NULLs. Each
 * must answer with a clear error, never crash, never return null.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <ethdev_driver.h>

#include "manafo_test.h"
#include "tel_client.h"
#include "rte_pmd_manafo.h"
#include "rte_pmd_manasim.h"

static struct rte_mempool *mp;

/* ---- the ports ---------------------------------------------------------- */

struct port {
	char name[32];
	char vf[32];
	char sy[32];
	uint16_t id;
};

static int
port_make(struct port *p, const char *tag, bool start)
{
	struct rte_eth_conf conf;
	char args[256];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "net_manafo_%s", tag);
	snprintf(p->vf, sizeof(p->vf), "net_manasim_v%s", tag);
	snprintf(p->sy, sizeof(p->sy), "net_manasim_s%s", tag);
	snprintf(args, sizeof(args), "vf(%s),synth(%s,full_ops=1),hotplug_poll_ms=100000", p->vf,
		 p->sy);
	memset(&conf, 0, sizeof(conf));
	if (rte_vdev_init(p->name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(p->name, &p->id) != 0 ||
	    rte_eth_dev_configure(p->id, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(p->id, 0, 256, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(p->id, 0, 256, 0, NULL) != 0 ||
	    (start && rte_eth_dev_start(p->id) != 0)) {
		CHECK(0, "create %s with %s", p->name, args);
		return -1;
	}
	return 0;
}

static void
port_drop(struct port *p)
{
	if (rte_eth_dev_is_valid_port(p->id) &&
	    strcmp(rte_eth_devices[p->id].data->name, p->name) == 0) {
		rte_eth_dev_stop(p->id);
		rte_eth_dev_close(p->id);
	}
	rte_vdev_uninit(p->name);
}

static struct rte_pmd_manafo_state
state_of(uint16_t port)
{
	struct rte_pmd_manafo_state st;

	memset(&st, 0, sizeof(st));
	rte_pmd_manafo_state_get(port, &st);
	return st;
}

/* Remove a sub-device for good and wait until manafo let it go. */
static int
remove_sub(uint16_t port, bool vf)
{
	struct rte_pmd_manafo_state st = state_of(port);
	uint16_t sub = vf ? st.vf.port_id : st.synth.port_id;
	struct rte_pmd_manasim_event ev;
	uint64_t end = now_ms() + 3000;

	if (rte_pmd_manasim_event_init(sub, RTE_PMD_MANASIM_REMOVE, &ev) != 0)
		return -1;
	ev.reset_ms = 10;
	ev.return_ms = -1;
	if (rte_pmd_manasim_inject(sub, &ev) != 0)
		return -1;
	while (now_ms() < end) {
		st = state_of(port);
		if ((vf ? st.vf.state : st.synth.state) == RTE_PMD_MANAFO_SUB_ABSENT)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* ---- telemetry cases (client: tel_client.h) ------------------------------ */

struct tel_case {
	char cmd[96];
	const char *want;	/* a substring of the reply */
};

static void
tel_run(const struct tel_case *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const char *r = tel(c[i].cmd);

		CHECK(strstr(r, c[i].want) != NULL && strstr(r, ":null") == NULL,
		      "%-40s -> %.160s", c[i].cmd, r);
	}
}

#define USAGE_INFO "usage: /manafo/info,<port id>"
#define USAGE_DRILL "usage: /manafo/drill,<port id>,<ms 1..60000>"
#define NOT_MANAFO "not a manafo port"

static void
test_telemetry(const struct port *p, const struct port *q, const struct port *z, uint16_t vf,
	       uint16_t unused)
{
	struct tel_case c[64];
	unsigned int n = 0;

#define TC(w, ...) do { \
	snprintf(c[n].cmd, sizeof(c[n].cmd), __VA_ARGS__); \
	c[n++].want = (w); \
} while (0)

	printf("-- telemetry: /manafo/info and /manafo/drill with bad arguments\n");
	if (tel_connect() != 0) {
		CHECK(0, "connect to the telemetry socket of this process");
		return;
	}
	TC(USAGE_INFO, "/manafo/info");
	TC(USAGE_INFO, "/manafo/info,");
	TC(USAGE_INFO, "/manafo/info,abc");
	TC(USAGE_INFO, "/manafo/info,-1");
	TC(USAGE_INFO, "/manafo/info,+1");
	TC(USAGE_INFO, "/manafo/info, 1");
	TC(USAGE_INFO, "/manafo/info,1x");
	TC(USAGE_INFO, "/manafo/info,0x1");
	TC(USAGE_INFO, "/manafo/info,%u", RTE_MAX_ETHPORTS);
	TC(USAGE_INFO, "/manafo/info,65536");
	TC(USAGE_INFO, "/manafo/info,99999999999999999999999");
	TC(USAGE_INFO, "/manafo/info,%u,1", p->id);
	TC(NOT_MANAFO, "/manafo/info,%u", vf);
	TC(NOT_MANAFO, "/manafo/info,%u", unused);
	TC("\"name\":\"net_manafo_", "/manafo/info,%u", p->id);
	TC("\"started\":0", "/manafo/info,%u", q->id);
	TC("\"state\":\"absent\"", "/manafo/info,%u", z->id);
	TC(USAGE_DRILL, "/manafo/drill");
	TC(USAGE_DRILL, "/manafo/drill,");
	TC(USAGE_DRILL, "/manafo/drill,%u", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,0", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,70000", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,4294967297", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,-5", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,abc", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u,5,6", p->id);
	TC(USAGE_DRILL, "/manafo/drill,%u;5", p->id);
	TC(USAGE_DRILL, "/manafo/drill,,10");
	TC(USAGE_DRILL, "/manafo/drill,x,10");
	TC(USAGE_DRILL, "/manafo/drill,%u,10", RTE_MAX_ETHPORTS);
	TC(NOT_MANAFO, "/manafo/drill,%u,10", vf);
	TC(NOT_MANAFO, "/manafo/drill,%u,10", unused);
	TC("refused: the port is not started", "/manafo/drill,%u,10", q->id);
	TC("refused: the synthetic path is down", "/manafo/drill,%u,10", z->id);
	tel_run(c, n);

	printf("-- telemetry: a drill while a drill runs\n");
	CHECK(rte_pmd_manafo_drill_start(p->id, 400) == 0, "API drill of 400 ms started");
	n = 0;
	TC("refused: a drill is already running", "/manafo/drill,%u,10", p->id);
	TC("\"drill_running\":1", "/manafo/info,%u", p->id);
	tel_run(c, n);
	usleep(500 * 1000);
	n = 0;
	TC("\"back_on_vf\":1", "/manafo/drill,%u,20", p->id);
	TC("\"tx_refused\":0", "/manafo/drill,%u,1", p->id);
	TC("[", "/manafo/list");
	TC("[", "/manafo/list,junk,1,2");
	tel_run(c, n);
	{
		const char *r = tel("/manafo/list");
		char want[16];

		snprintf(want, sizeof(want), "%u", q->id);
		CHECK(strstr(r, want) != NULL, "/manafo/list names port %u: %s", q->id, r);
	}

	printf("-- telemetry: /manasim/inject and /manasim/info with bad arguments\n");
	n = 0;
	TC("usage: /manasim/inject", "/manasim/inject");
	TC("usage: /manasim/inject", "/manasim/inject,%u", vf);
	TC("event: reset|success", "/manasim/inject,%u,bogus", vf);
	TC("ms: 0..3600000", "/manasim/inject,%u,reset,3600001", vf);
	TC("\"error\"", "/manasim/inject,%u,reset,-1", vf);
	TC("\"error\"", "/manasim/inject,abc,reset");
	TC("not a manasim port", "/manasim/inject,%u,reset", p->id);
	TC("not a manasim port", "/manasim/inject,%u,reset", unused);
	TC("usage: /manasim/info", "/manasim/info");
	TC("\"error\"", "/manasim/info,abc");
	TC("not a manasim port", "/manasim/info,%u", p->id);
	tel_run(c, n);
#undef TC
	tel_close();
}

/* ---- the public API ----------------------------------------------------- */

static void
test_api(const struct port *p, const struct port *q, const struct port *z,
	 const struct port *w, uint16_t vf, uint16_t unused)
{
	const uint16_t bad[] = { RTE_MAX_ETHPORTS, RTE_MAX_ETHPORTS + 1, UINT16_MAX, vf, unused };
	struct rte_pmd_manafo_state st;
	struct rte_pmd_manafo_drill d;
	unsigned int i;

	printf("-- rte_pmd_manafo_*: bad port ids and NULLs\n");
	for (i = 0; i < RTE_DIM(bad); i++) {
		CHECK(rte_pmd_manafo_state_get(bad[i], &st) == -ENODEV,
		      "state_get(%u) -> -ENODEV", bad[i]);
		CHECK(rte_pmd_manafo_state_get(bad[i], NULL) == -EINVAL,
		      "state_get(%u, NULL) -> -EINVAL", bad[i]);
		CHECK(rte_pmd_manafo_drill_start(bad[i], 10) == -ENODEV,
		      "drill_start(%u, 10) -> -ENODEV", bad[i]);
		CHECK(rte_pmd_manafo_drill_result(bad[i], &d) == -ENODEV,
		      "drill_result(%u) -> -ENODEV", bad[i]);
		CHECK(rte_pmd_manafo_drill_result(bad[i], NULL) == -EINVAL,
		      "drill_result(%u, NULL) -> -EINVAL", bad[i]);
		CHECK(rte_pmd_manafo_failover(bad[i]) == -ENODEV, "failover(%u) -> -ENODEV", bad[i]);
		CHECK(rte_pmd_manafo_failback(bad[i]) == -ENODEV, "failback(%u) -> -ENODEV", bad[i]);
	}
	CHECK(rte_pmd_manafo_state_get(p->id, NULL) == -EINVAL, "state_get(manafo, NULL) -> -EINVAL");
	CHECK(rte_pmd_manafo_drill_result(p->id, NULL) == -EINVAL,
	      "drill_result(manafo, NULL) -> -EINVAL");
	CHECK(rte_pmd_manafo_drill_result(q->id, &d) == -ENOENT,
	      "drill_result of a port that never drilled -> -ENOENT");
	CHECK(rte_pmd_manafo_drill_start(p->id, 0) == -EINVAL, "drill_start(0 ms) -> -EINVAL");
	CHECK(rte_pmd_manafo_drill_start(p->id, 3600001) == -EINVAL,
	      "drill_start(3600001 ms) -> -EINVAL");
	CHECK(rte_pmd_manafo_drill_start(p->id, UINT32_MAX) == -EINVAL,
	      "drill_start(UINT32_MAX ms) -> -EINVAL");
	CHECK(rte_pmd_manafo_drill_start(q->id, 10) == -EINVAL,
	      "drill_start on a port not started -> -EINVAL");
	CHECK(rte_pmd_manafo_drill_start(z->id, 10) == -ENOLINK,
	      "drill_start with the synthetic path gone -> -ENOLINK");
	CHECK(rte_pmd_manafo_failover(z->id) == -ENOLINK,
	      "failover with the synthetic path gone -> -ENOLINK");
	CHECK(rte_pmd_manafo_drill_start(p->id, 300) == 0, "drill_start(300 ms) -> 0");
	CHECK(rte_pmd_manafo_drill_start(p->id, 10) == -EBUSY, "a second drill -> -EBUSY");
	CHECK(rte_pmd_manafo_drill_result(p->id, &d) == 0 && d.running, "drill_result: running");
	usleep(400 * 1000);
	CHECK(rte_pmd_manafo_drill_result(p->id, &d) == 0 && !d.running && d.back_on_vf,
	      "drill_result: over, back on the VF");
	CHECK(rte_pmd_manafo_failback(p->id) == 0, "failback with no failover -> 0");
	CHECK(rte_pmd_manafo_failover(p->id) == 0 && rte_pmd_manafo_failover(p->id) == 0,
	      "failover twice -> 0, 0");
	CHECK(state_of(p->id).forced && state_of(p->id).tx_path == RTE_PMD_MANAFO_PATH_SYNTH,
	      "forced onto the synthetic path");
	CHECK(rte_pmd_manafo_failback(p->id) == 0 &&
	      state_of(p->id).tx_path == RTE_PMD_MANAFO_PATH_VF, "failback -> 0, TX on the VF");
	CHECK(rte_pmd_manafo_failover(w->id) == 0 && rte_pmd_manafo_failback(w->id) == -EAGAIN,
	      "failback with the VF gone -> -EAGAIN");
	{
		int r1 = rte_pmd_manafo_failover(q->id), r2 = rte_pmd_manafo_failback(q->id);

		CHECK((r1 == 0 || r1 == -ENOLINK) && (r2 == 0 || r2 == -EAGAIN),
		      "failover/failback on a port not started -> %d, %d (0/-ENOLINK, 0/-EAGAIN)",
		      r1, r2);
	}
}

static void
test_manasim_api(uint16_t vf, uint16_t manafo_port)
{
	struct rte_pmd_manasim_event ev;
	struct rte_pmd_manasim_info info;
	struct rte_pmd_manasim_counters c;
	uint64_t left;

	printf("-- rte_pmd_manasim_*: bad port ids, kinds, parameters and NULLs\n");
	CHECK(rte_pmd_manasim_event_init(RTE_MAX_ETHPORTS, RTE_PMD_MANASIM_RESET_SUCCESS, &ev) ==
	      -ENODEV, "event_init(RTE_MAX_ETHPORTS) -> -ENODEV");
	CHECK(rte_pmd_manasim_event_init(manafo_port, RTE_PMD_MANASIM_RESET_SUCCESS, &ev) ==
	      -ENODEV, "event_init(a manafo port) -> -ENODEV");
	CHECK(rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_KIND_MAX, &ev) == -EINVAL,
	      "event_init(bad kind) -> -EINVAL");
	CHECK(rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_RESET_SUCCESS, NULL) == -EINVAL,
	      "event_init(NULL) -> -EINVAL");
	CHECK(rte_pmd_manasim_inject(vf, NULL) == -EINVAL, "inject(NULL) -> -EINVAL");
	CHECK(rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_RESET_SUCCESS, &ev) == 0,
	      "event_init -> 0");
	CHECK(rte_pmd_manasim_inject(RTE_MAX_ETHPORTS, &ev) == -ENODEV,
	      "inject(RTE_MAX_ETHPORTS) -> -ENODEV");
	CHECK(rte_pmd_manasim_inject(manafo_port, &ev) == -ENODEV,
	      "inject(a manafo port) -> -ENODEV");
	ev.reset_ms = 3600001;
	CHECK(rte_pmd_manasim_inject(vf, &ev) == -EINVAL, "inject(reset_ms 3600001) -> -EINVAL");
	rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_TX_HANG, &ev);
	ev.hang_queue = 99;
	CHECK(rte_pmd_manasim_inject(vf, &ev) == -EINVAL, "inject(hang_queue 99) -> -EINVAL");
	rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_REMOVE, &ev);
	ev.monitor = 2;
	CHECK(rte_pmd_manasim_inject(vf, &ev) == -EINVAL, "inject(monitor 2) -> -EINVAL");
	ev.monitor = 0;
	ev.return_ms = -2;
	CHECK(rte_pmd_manasim_inject(vf, &ev) == -EINVAL, "inject(return_ms -2) -> -EINVAL");
	ev.return_ms = 0;
	ev.kind = (enum rte_pmd_manasim_kind)42;
	CHECK(rte_pmd_manasim_inject(vf, &ev) == -EINVAL, "inject(kind 42) -> -EINVAL");
	CHECK(rte_pmd_manasim_info_get(vf, NULL) == -EINVAL, "info_get(NULL) -> -EINVAL");
	CHECK(rte_pmd_manasim_info_get(UINT16_MAX, &info) == -ENODEV, "info_get(65535) -> -ENODEV");
	CHECK(rte_pmd_manasim_counters_get(vf, NULL) == -EINVAL, "counters_get(NULL) -> -EINVAL");
	CHECK(rte_pmd_manasim_counters_get(manafo_port, &c) == -ENODEV,
	      "counters_get(a manafo port) -> -ENODEV");
	CHECK(rte_pmd_manasim_is_resetting(RTE_MAX_ETHPORTS) == -ENODEV,
	      "is_resetting(RTE_MAX_ETHPORTS) -> -ENODEV");
	CHECK(rte_pmd_manasim_name_available(NULL, &left) == -EINVAL,
	      "name_available(NULL) -> -EINVAL");
	CHECK(rte_pmd_manasim_name_available("no_such_device", NULL) == 1,
	      "name_available(a name never seen, NULL ms_left) -> 1");
	CHECK(rte_pmd_manasim_state_name((enum rte_pmd_manasim_state)99) != NULL,
	      "state_name(99) is not NULL");
}

/* Ethdev calls that reach manafo's own argument checks. */
static void
test_ethdev_ops(const struct port *p)
{
	struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0x10, 0 } };
	struct rte_eth_rss_reta_entry64 reta[1024 / RTE_ETH_RETA_GROUP_SIZE];
	unsigned int i;
	int ret = 0;

	printf("-- ethdev calls on the manafo port with bad arguments\n");
	for (i = 0; i < 40 && ret == 0; i++) {
		mac.addr_bytes[5] = (uint8_t)i;
		ret = rte_eth_dev_mac_addr_add(p->id, &mac, 0);
	}
	CHECK(ret == -ENOSPC, "MAC address %u refused with -ENOSPC (table full), got %d", i, ret);
	ret = rte_eth_dev_set_mc_addr_list(p->id, NULL, 0);
	CHECK(ret == 0 || ret == -ENOTSUP, "empty multicast list -> %d (0 or -ENOTSUP)", ret);
	CHECK(rte_eth_dev_vlan_filter(p->id, 4096, 1) != 0, "VLAN 4096 refused");
	CHECK(rte_eth_dev_set_mtu(p->id, 10) != 0, "MTU 10 refused");
	CHECK(rte_eth_dev_set_mtu(p->id, 65535) != 0, "MTU 65535 refused");
	memset(reta, 0, sizeof(reta));
	CHECK(rte_eth_dev_rss_reta_update(p->id, reta, 1024) != 0, "RETA of 1024 entries refused");
	CHECK(rte_eth_dev_rss_reta_query(p->id, reta, 0) != 0, "RETA query of 0 entries refused");
	CHECK(rte_eth_dev_set_mtu(p->id, 1500) == 0 && rte_eth_promiscuous_enable(p->id) == 0,
	      "and the port still takes good values");
}

int
main(int argc, char **argv)
{
	struct port p, q, z, w;
	uint16_t vf, unused;
	int n = rte_eal_init(argc, argv);

	if (n < 0)
		return 1;
	mp = rte_pktmbuf_pool_create("bad_mp", 4096, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
	/* p: started; q: configured, not started; z: synth gone; w: VF gone. */
	if (port_make(&p, "b1", true) != 0 || port_make(&q, "b2", false) != 0 ||
	    port_make(&z, "b3", true) != 0 || port_make(&w, "b4", true) != 0)
		return 1;
	CHECK(remove_sub(z.id, false) == 0, "port %u: synthetic path removed for good", z.id);
	CHECK(remove_sub(w.id, true) == 0, "port %u: VF removed for good", w.id);
	vf = state_of(p.id).vf.port_id;
	for (unused = RTE_MAX_ETHPORTS - 1; rte_eth_dev_is_valid_port(unused); unused--)
		;
	test_telemetry(&p, &q, &z, vf, unused);
	test_api(&p, &q, &z, &w, vf, unused);
	test_manasim_api(vf, p.id);
	test_ethdev_ops(&p);

	printf("-- the same calls on a port id that was closed\n");
	{
		uint16_t old = w.id;
		struct rte_pmd_manafo_state st;

		port_drop(&w);
		CHECK(rte_pmd_manafo_state_get(old, &st) == -ENODEV &&
		      rte_pmd_manafo_drill_start(old, 10) == -ENODEV &&
		      rte_pmd_manafo_failover(old) == -ENODEV && rte_pmd_manafo_failback(old) == -ENODEV,
		      "every API call on the closed port %u -> -ENODEV", old);
	}
	port_drop(&z);
	port_drop(&q);
	port_drop(&p);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
