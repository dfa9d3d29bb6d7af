/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * TX watchdog over manasim's TX-hang mode: a hung VF TX queue is detected
 * within tx_timeout_ms and one check period, by either rule (refusals, or
 * completions that stopped while the ring is far from full), traffic moves
 * to the synthetic path, the queue is repaired (queue restart, then device
 * restart), and a VF that keeps hanging is given up. Idle queues, slow
 * queues and queues whose completions crawl but move never trip.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "manafo_test.h"
#include "tel_client.h"
#include "rte_pmd_manafo.h"
#include "rte_pmd_manasim.h"

#define TIMEOUT_MS 200
#define PERIOD_MS (TIMEOUT_MS / 4)
#define NB_DESC 512
/* Light traffic: a ring of NB_DESC takes seconds to fill at this rate. */
#define LIGHT_N 4
#define LIGHT_GAP_MS 20

static struct rte_mempool *mp;

struct wd_env {
	char name[32];
	char vfwire[16];
	char sywire[16];
	uint16_t port;
	/* packets the application holds because the port pushed back */
	struct rte_mbuf *held[32];
	unsigned int nb_held;
	uint64_t offered;
	uint64_t accepted;
	uint64_t flow_replays0;	/* flow_replays before a hang */
};

MANAFO_TEST_PORT_HELPERS(struct wd_env)

static uint64_t
xstat(const struct wd_env *e, const char *name)
{
	uint64_t id, v = UINT64_MAX;

	if (rte_eth_xstats_get_id_by_name(e->port, name, &id) == 0)
		rte_eth_xstats_get_by_id(e->port, &id, &v, 1);
	return v;
}

static void
drain(const char *wire)
{
	char rname[RTE_RING_NAMESIZE];
	struct rte_mbuf *pkts[64];
	struct rte_ring *r;
	unsigned int n;

	snprintf(rname, sizeof(rname), "%s_tx_0", wire);
	r = rte_ring_lookup(rname);
	while (r != NULL && (n = rte_ring_dequeue_burst(r, (void **)pkts, 64, NULL)) > 0)
		rte_pktmbuf_free_bulk(pkts, n);
}

/* One burst, as an application with back-pressure: what is refused is kept. */
static void
app_burst(struct wd_env *e, unsigned int n)
{
	uint16_t sent;

	if (e->nb_held == 0) {
		if (rte_pktmbuf_alloc_bulk(mp, e->held, n) != 0)
			return;
		e->nb_held = n;
	}
	sent = rte_eth_tx_burst(e->port, 0, e->held, (uint16_t)e->nb_held);
	e->offered += e->nb_held;
	e->accepted += sent;
	memmove(e->held, e->held + sent, (e->nb_held - sent) * sizeof(e->held[0]));
	e->nb_held -= sent;
	drain(e->vfwire);
	drain(e->sywire);
}

/* Traffic for ms milliseconds, a burst of n every gap_ms. */
static void
traffic(struct wd_env *e, unsigned int ms, unsigned int n, unsigned int gap_ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		if (n > 0)
			app_burst(e, n);
		usleep(gap_ms * 1000);
	}
}

/* Bursts of n every gap_ms until counter reaches want: 1, or 0 after ms. */
static int
traffic_until_n(struct wd_env *e, const char *counter, uint64_t want, unsigned int ms,
		unsigned int n, unsigned int gap_ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		app_burst(e, n);
		if (xstat(e, counter) >= want)
			return 1;
		usleep(gap_ms * 1000);
	}
	return 0;
}

static int
traffic_until(struct wd_env *e, const char *counter, uint64_t want, unsigned int ms)
{
	return traffic_until_n(e, counter, want, ms, 8, 1);
}

/* ---- /manafo/info through this process's telemetry socket ---- */

static const char *
tel_info(const struct wd_env *e)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "/manafo/info,%u", e->port);
	return tel(cmd);
}

/* "key":<int> of a telemetry reply, or INT64_MIN. */
static int64_t
tel_int(const char *r, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(r, pat);
	return p == NULL ? INT64_MIN : strtoll(p + strlen(pat), NULL, 10);
}

/* "key":"<string>" of a telemetry reply, or "" (at most len - 1 chars). */
static const char *
tel_str(const char *r, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p, *q;

	buf[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(r, pat);
	if (p == NULL)
		return buf;
	p += strlen(pat);
	q = strchr(p, '"');
	if (q != NULL && (size_t)(q - p) < len) {
		memcpy(buf, p, q - p);
		buf[q - p] = '\0';
	}
	return buf;
}

/* Devargs added to the VF's (net_manasim), for the next wd_create() only. */
static const char *wd_vf_extra = "";

static int
wd_create(struct wd_env *e, const char *tag, const char *extra)
{
	struct rte_eth_conf conf;
	char args[512];

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "net_manafo_%s", tag);
	snprintf(e->vfwire, sizeof(e->vfwire), "v%s", tag);
	snprintf(e->sywire, sizeof(e->sywire), "s%s", tag);
	snprintf(args, sizeof(args), "vf(net_manasim_v%s,wire=%s%s%s),synth(net_manasim_s%s,wire=%s),"
		 "tx_timeout_ms=%u,hotplug_poll_ms=20%s%s", tag, e->vfwire,
		 *wd_vf_extra ? "," : "", wd_vf_extra, tag, e->sywire,
		 TIMEOUT_MS, *extra ? "," : "", extra);
	wd_vf_extra = "";
	memset(&conf, 0, sizeof(conf));
	if (rte_vdev_init(e->name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(e->name, &e->port) != 0 ||
	    rte_eth_dev_configure(e->port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(e->port, 0, 512, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(e->port, 0, NB_DESC, 0, NULL) != 0 ||
	    rte_eth_dev_start(e->port) != 0) {
		printf("FAIL cannot create %s\n", args);
		failed++;
		return -1;
	}
	return 0;
}

static void
wd_destroy(struct wd_env *e)
{
	rte_pktmbuf_free_bulk(e->held, e->nb_held);
	e->nb_held = 0;
	rte_eth_dev_stop(e->port);
	rte_eth_dev_close(e->port);
	rte_vdev_uninit(e->name);
}

/* Descriptors the VF reports in flight on queue 0, over every offset. */
static unsigned int
vf_outstanding(const struct wd_env *e)
{
	uint16_t vf = state(e).vf.port_id, off;
	struct rte_eth_txq_info qi;
	unsigned int n = 0;

	if (rte_eth_tx_queue_info_get(vf, 0, &qi) != 0)
		return 0;
	for (off = 0; off < qi.nb_desc; off++)
		n += rte_eth_tx_descriptor_status(vf, 0, off) == RTE_ETH_TX_DESC_FULL;
	return n;
}

static struct rte_pmd_manasim_counters
vf_counters(const struct wd_env *e)
{
	struct rte_pmd_manasim_counters c;

	memset(&c, 0, sizeof(c));
	rte_pmd_manasim_counters_get(state(e).vf.port_id, &c);
	return c;
}

static int
hang(const struct wd_env *e, enum rte_pmd_manasim_hang_kind kind,
     enum rte_pmd_manasim_hang_scope scope)
{
	struct rte_pmd_manasim_event ev;
	uint16_t vf = state(e).vf.port_id;

	rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_TX_HANG, &ev);
	ev.hang_queue = 0;
	ev.hang_kind = kind;
	ev.hang_scope = scope;
	return rte_pmd_manasim_inject(vf, &ev);
}

static void
test_queue_hang(void)
{
	struct rte_pmd_manafo_state st;
	struct wd_env e;
	uint64_t t0, detect_ms, refused0;

	printf("-- queue-level hang: detected, traffic on synth, queue restart repairs it\n");
	if (wd_create(&e, "wq", "") < 0)
		return;
	traffic(&e, 50, 8, 1);
	refused0 = state(&e).tx_refused;
	t0 = now_ms();
	CHECK(hang(&e, RTE_PMD_MANASIM_HANG_REFUSE, RTE_PMD_MANASIM_SCOPE_QUEUE) == 0,
	      "TX hang injected on VF queue 0");
	CHECK(traffic_until(&e, "tx_hangs", 1, 3 * TIMEOUT_MS), "hang detected");
	detect_ms = now_ms() - t0;
	CHECK(detect_ms <= TIMEOUT_MS + PERIOD_MS + 100,
	      "detected in %" PRIu64 " ms (tx_timeout_ms %u + one check period %u + 100 ms "
	      "scheduling)", detect_ms, TIMEOUT_MS, PERIOD_MS);
	traffic(&e, 100, 8, 1);
	st = state(&e);
	CHECK(st.tx_path == RTE_PMD_MANAFO_PATH_VF && xstat(&e, "tx_hang_repairs_light") == 1 &&
	      xstat(&e, "tx_hang_repairs_full") == 0,
	      "queue restart repaired it; TX back on the VF");
	traffic(&e, 3 * TIMEOUT_MS, 8, 1);
	CHECK(xstat(&e, "tx_hangs") == 1, "no further hang after the repair");
	CHECK(state(&e).tx_refused == refused0, "0 packets refused for want of a path");
	CHECK(e.nb_held == 0, "every packet the application held back went out in the end");
	wd_destroy(&e);
}

/*
 * The device restart is manafo's, not the application's: the VF's rule,
 * which a stop may drop, is flushed and created again (flow_replays), and
 * the VF holds exactly the one rule after it.
 */
static void
flow_on_vf(struct wd_env *e)
{
#ifdef MANAFO_HAVE_FLOW
	const struct rte_flow_attr attr = { .ingress = 1 };
	const struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH }, { .type = RTE_FLOW_ITEM_TYPE_END },
	};
	const struct rte_flow_action_queue queue = { .index = 0 };
	const struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error err;

	CHECK(rte_flow_create(e->port, &attr, pattern, actions, &err) != NULL,
	      "a flow rule on the manafo port before the hang");
	e->flow_replays0 = xstat(e, "flow_replays");
#else
	RTE_SET_USED(e);
#endif
}

static void
flow_after_restart(struct wd_env *e)
{
#ifdef MANAFO_HAVE_FLOW
	struct rte_pmd_manasim_info info;

	memset(&info, 0, sizeof(info));
	rte_pmd_manasim_info_get(state(e).vf.port_id, &info);
	CHECK(xstat(e, "flow_replays") == e->flow_replays0 + 1 && info.nb_flows == 1,
	      "the device restart gave the VF its rule back (flow_replays +%" PRIu64
	      ", rules on the VF %u)", xstat(e, "flow_replays") - e->flow_replays0,
	      info.nb_flows);
#else
	RTE_SET_USED(e);
	printf("skip: built without the flow API: no rule to give back\n");
#endif
}

static void
test_device_hang(void)
{
	struct wd_env e;

	printf("-- device-level hang: queue restart is not enough, device restart is\n");
	wd_vf_extra = "full_ops=1";	/* a VF with a flow API */
	if (wd_create(&e, "wd", "") < 0)
		return;
	flow_on_vf(&e);
	traffic(&e, 50, 8, 1);
	hang(&e, RTE_PMD_MANASIM_HANG_REFUSE, RTE_PMD_MANASIM_SCOPE_DEVICE);
	CHECK(traffic_until(&e, "tx_hang_repairs_full", 1, 6 * TIMEOUT_MS),
	      "second detection led to a full repair (hangs %lu, light %lu, full %lu)",
	      xstat(&e, "tx_hangs"), xstat(&e, "tx_hang_repairs_light"),
	      xstat(&e, "tx_hang_repairs_full"));
	traffic(&e, 3 * TIMEOUT_MS, 8, 1);
	CHECK(xstat(&e, "tx_hangs") == 2 && state(&e).tx_path == RTE_PMD_MANAFO_PATH_VF,
	      "fixed by the device restart: TX on the VF, no third hang");
	flow_after_restart(&e);
	wd_destroy(&e);
}

static void
test_nocomplete_hang(void)
{
	struct wd_env e;

	printf("-- completions stop under heavy traffic: the VF ring fills, then refuses\n");
	if (wd_create(&e, "wn", "") < 0)
		return;
	traffic(&e, 50, 8, 1);
	hang(&e, RTE_PMD_MANASIM_HANG_NOCOMPLETE, RTE_PMD_MANASIM_SCOPE_QUEUE);
	CHECK(traffic_until(&e, "tx_hangs", 1, 4000), "hang detected");
	traffic(&e, 100, 8, 1);
	CHECK(state(&e).tx_path == RTE_PMD_MANAFO_PATH_VF, "repaired; TX back on the VF");
	wd_destroy(&e);
}

static void
test_completion_stall(void)
{
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manafo_state st;
	uint64_t t0, detect_ms, refused0, synth0;
	int64_t outstanding, accepted, stalled;
	struct wd_env e;
	const char *r;
	char rule[32];

	printf("-- completions stop under light traffic (the VF ring never fills): "
	       "the completion rule finds it\n");
	if (wd_create(&e, "wc", "") < 0)
		return;
	traffic(&e, 100, LIGHT_N, LIGHT_GAP_MS);
	st = state(&e);
	refused0 = st.tx_refused;
	synth0 = st.synth.tx_packets;
	t0 = now_ms();
	CHECK(hang(&e, RTE_PMD_MANASIM_HANG_NOCOMPLETE, RTE_PMD_MANASIM_SCOPE_QUEUE) == 0,
	      "no-completion hang injected on VF queue 0 (%u descriptors)", NB_DESC);
	CHECK(traffic_until_n(&e, "tx_hangs", 1, 3 * TIMEOUT_MS, LIGHT_N, LIGHT_GAP_MS),
	      "hang detected, %u packets every %u ms", LIGHT_N, LIGHT_GAP_MS);
	detect_ms = now_ms() - t0;
	CHECK(detect_ms <= TIMEOUT_MS + PERIOD_MS + 100,
	      "detected in %" PRIu64 " ms (tx_timeout_ms %u + one check period %u + 100 ms "
	      "scheduling)", detect_ms, TIMEOUT_MS, PERIOD_MS);
	r = tel_info(&e);
	tel_str(r, "hang_rule", rule, sizeof(rule));
	outstanding = tel_int(r, "hang_outstanding");
	accepted = tel_int(r, "hang_accepted");
	stalled = tel_int(r, "hang_stalled_ms");
	CHECK(strcmp(rule, "no completions") == 0, "/manafo/info: hang_rule \"%s\"", rule);
	CHECK(outstanding > 0 && outstanding < NB_DESC && accepted > 0 && stalled >= TIMEOUT_MS,
	      "/manafo/info: %" PRId64 " of %u descriptors outstanding; the VF accepted %" PRId64
	      " packets and completed none in %" PRId64 " ms", outstanding, NB_DESC, accepted,
	      stalled);
	c = vf_counters(&e);
	CHECK(c.tx_refused_hang == 0, "the VF never refused a packet: the refusal rule could "
	      "not have fired");
	traffic(&e, 100, LIGHT_N, LIGHT_GAP_MS);
	st = state(&e);
	c = vf_counters(&e);
	CHECK(st.tx_path == RTE_PMD_MANAFO_PATH_VF && xstat(&e, "tx_hang_repairs_light") == 1 &&
	      xstat(&e, "tx_hang_repairs_full") == 0,
	      "queue restart repaired it (%" PRIu64 " packets it held dropped); TX back on the VF",
	      c.tx_hang_dropped);
	CHECK(st.tx_refused == refused0 && e.nb_held == 0 && e.accepted == e.offered,
	      "0 packets refused or pushed back to the application (%" PRIu64 " offered, %"
	      PRIu64 " of them on the synthetic path)", e.offered, st.synth.tx_packets - synth0);
	traffic(&e, 3 * TIMEOUT_MS, LIGHT_N, LIGHT_GAP_MS);
	CHECK(xstat(&e, "tx_hangs") == 1, "no further hang after the repair");
	wd_destroy(&e);
}

static void
test_slow_completions(void)
{
	struct rte_eth_stats vs0, vs1;
	unsigned int out;
	struct wd_env e;
	uint16_t vf;

	printf("-- completions crawl but move (one per burst) for 3 x tx_timeout_ms: "
	       "never a hang\n");
	if (wd_create(&e, "wl", "") < 0)
		return;
	traffic(&e, 100, LIGHT_N, LIGHT_GAP_MS);
	vf = state(&e).vf.port_id;
	rte_eth_stats_get(vf, &vs0);
	CHECK(hang(&e, RTE_PMD_MANASIM_HANG_SLOW, RTE_PMD_MANASIM_SCOPE_QUEUE) == 0,
	      "slow-completion mode injected on VF queue 0");
	traffic(&e, 3 * TIMEOUT_MS, LIGHT_N, LIGHT_GAP_MS);
	out = vf_outstanding(&e);
	rte_eth_stats_get(vf, &vs1);
	CHECK(out > 2 * LIGHT_N && out < NB_DESC && vs1.opackets - vs0.opackets > 3 * LIGHT_N,
	      "slow but moving: %u descriptors outstanding and growing, %" PRIu64
	      " packets completed meanwhile", out, vs1.opackets - vs0.opackets);
	CHECK(xstat(&e, "tx_hangs") == 0 && state(&e).tx_path == RTE_PMD_MANAFO_PATH_VF,
	      "no hang in %u ms; TX stayed on the VF", 3 * TIMEOUT_MS);
	/* This VF completes only when given more: idle, its descriptors stay out. */
	traffic(&e, 3 * TIMEOUT_MS, 0, 10);
	out = vf_outstanding(&e);
	CHECK(out > 0 && xstat(&e, "tx_hangs") == 0,
	      "then idle for %u ms with %u descriptors outstanding: no hang", 3 * TIMEOUT_MS,
	      out);
	wd_destroy(&e);
}

static void
test_escalation(void)
{
	struct rte_pmd_manafo_state st;
	struct wd_env e;
	int i;

	printf("-- a VF that keeps hanging is given up and re-probed\n");
	if (wd_create(&e, "we", "tx_hang_max=2") < 0)
		return;
	for (i = 0; i < 3; i++) {
		traffic(&e, 30, 8, 1);
		hang(&e, RTE_PMD_MANASIM_HANG_REFUSE, RTE_PMD_MANASIM_SCOPE_QUEUE);
		traffic_until(&e, "tx_hangs", (uint64_t)i + 1, 4 * TIMEOUT_MS);
	}
	CHECK(traffic_until(&e, "tx_hang_escalations", 1, 2000), "escalated after 2 repairs");
	CHECK(traffic_until(&e, "returns_vf", 1, 3000), "VF given up and re-probed");
	traffic(&e, 100, 8, 1);
	st = state(&e);
	CHECK(st.vf_removals == 1 && st.tx_path == RTE_PMD_MANAFO_PATH_VF,
	      "one removal; TX on the fresh VF");
	wd_destroy(&e);
}

static void
test_idle_and_slow(void)
{
	struct wd_env e;

	printf("-- idle and slow queues never trip\n");
	if (wd_create(&e, "wi", "") < 0)
		return;
	traffic(&e, 3 * TIMEOUT_MS, 0, 10);
	CHECK(xstat(&e, "tx_hangs") == 0, "idle for 3 x tx_timeout_ms: no hang");
	hang(&e, RTE_PMD_MANASIM_HANG_REFUSE, RTE_PMD_MANASIM_SCOPE_QUEUE);
	traffic(&e, 3 * TIMEOUT_MS, 0, 10);
	CHECK(xstat(&e, "tx_hangs") == 0, "a hung queue nobody sends to: not reported");
	wd_destroy(&e);
	if (wd_create(&e, "ws", "") < 0)
		return;
	traffic(&e, 4 * TIMEOUT_MS, 1, TIMEOUT_MS / 3);
	CHECK(xstat(&e, "tx_hangs") == 0 && e.accepted == e.offered,
	      "one packet every %u ms for %u ms: no hang", TIMEOUT_MS / 3, 4 * TIMEOUT_MS);
	wd_destroy(&e);
}

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	mp = rte_pktmbuf_pool_create("wd_mp", 8192, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
	test_queue_hang();
	test_device_hang();
	test_nocomplete_hang();
	test_completion_stall();
	test_slow_completions();
	test_escalation();
	test_idle_and_slow();
	tel_close();
	rte_mempool_free(mp);
	rte_eal_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
