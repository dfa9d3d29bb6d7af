/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * manafo-react: how fast a manafo port reacts to the VF's service events,
 * over net_manasim (the VF, and a second one without events as the
 * synthetic path), both in wire mode: what a sub-device sends lands on its
 * ring <wire>_tx_0.
 *
 * A sender on lcore 1 sends one packet per call to rte_eth_tx_burst() on
 * the manafo port, stamps the TSC when the call returns, and takes the
 * packet back from whichever wire ring it reached; every change of path is
 * logged (sequence number, TSC, path). The events are stamped by callbacks
 * of this program registered around manafo's: ethdev calls a port's event
 * callbacks in the order of registration, so one registered before the
 * manafo port exists (RTE_ETH_ALL) runs first and one registered after it
 * runs last. The same holds for the EAL device-event callback of the VF's
 * return.
 *
 * Measured, each over --reps repetitions:
 * - reset: manafo's ERR_RECOVERING callback (the steering store and the
 *   post to the control thread: from our first callback to our last), the
 *   first packet on the synthetic wire after ERR_RECOVERING, the first
 *   packet on the VF wire after RECOVERY_SUCCESS (failback_ms=0);
 * - removal with the device-event monitor (monitor=1): the first packet on
 *   the synthetic wire, and the first packet on the VF wire after the VF's
 *   return (RTE_DEV_EVENT_ADD);
 * - removal without it (monitor=0): the first packet on the VF wire after
 *   the VF's name can be probed again (polled here every 50 us), which
 *   manafo finds by polling every hotplug_poll_ms.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_version.h>

#include "bench_util.h"
#include "rte_pmd_manafo.h"
#include "rte_pmd_manasim.h"

#define MAX_REPS	101
#define SENDER_LCORE	1
#define NB_MBUFS	4095
#define PLOG_MAX	(1u << 18)
#define WAIT_MS		10000
#define PKT_LEN		64

#define PORT_NAME	"net_manafo_react"
#define VF_NAME		"net_manasim_rv"
#define SYNTH_NAME	"net_manasim_rs"

static struct {
	unsigned int reps;
	uint32_t reset_ms;
	uint32_t return_ms;
	uint32_t poll_ms;
	bool quiet;
} opt = {
	.reps = 11,
	.reset_ms = 20,
	.return_ms = 100,
	.poll_ms = 50,
};

/*
 * Where a packet went: a wire, refused by manafo, or on neither wire.
 * PATH_GAP marks a time the sender did not run (preempted): a figure whose
 * interval contains one measures the scheduler, not manafo.
 */
enum path { PATH_VF, PATH_SYNTH, PATH_REFUSED, PATH_LOST, PATH_NONE, PATH_GAP };
/* Longer than this between two sends: the sender was off its CPU. */
#define GAP_US		20

/* A change of the path the sender's packets take. */
struct path_change {
	uint64_t seq;
	uint64_t tsc;		/* when the tx_burst call that sent it returned */
	uint64_t gap_start;	/* PATH_GAP: the previous send */
	enum path to;
};

static struct rte_mempool *pool;
static uint16_t port_id;
static bool port_created;
static struct path_change plog[PLOG_MAX];
static uint32_t plog_n;		/* entries in plog, written by the sender */
static uint32_t plog_mark;	/* where the current event's entries start */
static int stop;
static uint64_t nb_sent[PATH_NONE];
static uint64_t nb_gaps;

/* Event stamps, reset by the main lcore before each event (0: not seen). */
static uint64_t t_err_first, t_err_last, t_rs_first, t_add_first;

static void
stamp_once(uint64_t *t)
{
	uint64_t zero = 0, now = rte_rdtsc();

	__atomic_compare_exchange_n(t, &zero, now, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* Registered before the manafo port exists: runs before manafo's callback. */
static int
cb_first(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	RTE_SET_USED(port);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	if (ev == RTE_ETH_EVENT_ERR_RECOVERING)
		stamp_once(&t_err_first);
	else if (ev == RTE_ETH_EVENT_RECOVERY_SUCCESS)
		stamp_once(&t_rs_first);
	return 0;
}

/* Registered after the manafo port: runs after manafo's callback. */
static int
cb_last(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	RTE_SET_USED(port);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	if (ev == RTE_ETH_EVENT_ERR_RECOVERING)
		stamp_once(&t_err_last);
	return 0;
}

static void
dev_cb_first(const char *name, enum rte_dev_event_type ev, void *arg)
{
	RTE_SET_USED(arg);
	if (ev == RTE_DEV_EVENT_ADD && name != NULL && strcmp(name, VF_NAME) == 0)
		stamp_once(&t_add_first);
}

static void
plog_add(const struct path_change *c)
{
	uint32_t n = plog_n;

	if (n < PLOG_MAX) {
		plog[n] = *c;
		__atomic_store_n(&plog_n, n + 1, __ATOMIC_RELEASE);
	}
}

/* Take back what reached a wire: the path of packet `seq`, if it is there. */
static enum path
drain(struct rte_ring *r, enum path p, uint64_t seq, enum path found)
{
	struct rte_mbuf *m[32];
	unsigned int i, n;

	while ((n = rte_ring_dequeue_burst(r, (void **)m, RTE_DIM(m), NULL)) > 0) {
		for (i = 0; i < n; i++) {
			if (*rte_pktmbuf_mtod(m[i], uint64_t *) == seq)
				found = p;
			rte_pktmbuf_free(m[i]);
		}
	}
	return found;
}

static int
sender(void *arg)
{
	struct rte_ring *vf = rte_ring_lookup("rv_tx_0"), *sy = rte_ring_lookup("rs_tx_0");
	uint64_t seq = 0, t, prev = 0, gap = GAP_US * rte_get_tsc_hz() / 1000000;
	enum path last = PATH_NONE, p;
	struct rte_mbuf *m;

	RTE_SET_USED(arg);
	if (vf == NULL || sy == NULL) {
		fprintf(stderr, "wire rings rv_tx_0/rs_tx_0 not found\n");
		return -1;
	}
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			continue;
		rte_pktmbuf_append(m, PKT_LEN);
		memset(rte_pktmbuf_mtod(m, void *), 0, PKT_LEN);
		*rte_pktmbuf_mtod(m, uint64_t *) = ++seq;
		if (rte_eth_tx_burst(port_id, 0, &m, 1) == 0) {
			t = rte_rdtsc();
			rte_pktmbuf_free(m);
			p = PATH_REFUSED;
		} else {
			t = rte_rdtsc();
			p = drain(vf, PATH_VF, seq, PATH_LOST);
			p = drain(sy, PATH_SYNTH, seq, p);
		}
		nb_sent[p]++;
		if (prev != 0 && t - prev > gap) {
			nb_gaps++;
			plog_add(&(struct path_change){ .seq = seq, .tsc = t, .gap_start = prev,
							.to = PATH_GAP });
		}
		prev = t;
		if (p != last) {
			plog_add(&(struct path_change){ .seq = seq, .tsc = t, .to = p });
			last = p;
		}
	}
	return 0;
}

/* Whether the sender was off its CPU for a while between a and b. */
static bool
sender_gap(uint64_t a, uint64_t b)
{
	uint32_t i, n = __atomic_load_n(&plog_n, __ATOMIC_ACQUIRE);

	for (i = plog_mark; i < n; i++)
		if (plog[i].to == PATH_GAP && plog[i].gap_start < b && plog[i].tsc > a)
			return true;
	return false;
}

/* The first change to path `to` stamped at or after `after`, 0 if none yet. */
static uint64_t
first_change(enum path to, uint64_t after)
{
	uint32_t i, n = __atomic_load_n(&plog_n, __ATOMIC_ACQUIRE);

	for (i = plog_mark; i < n; i++)
		if (plog[i].to == to && plog[i].tsc >= after)
			return plog[i].tsc;
	return 0;
}

/* manafo's own figure of the last switch (xstats), in microseconds. */
static double
xstat_us(const char *name)
{
	uint64_t id, v;

	if (rte_eth_xstats_get_id_by_name(port_id, name, &id) != 0 ||
	    rte_eth_xstats_get_by_id(port_id, &id, &v, 1) != 1)
		return -1;
	return (double)v;
}

static uint64_t
wait_stamp(const uint64_t *t, unsigned int ms)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)ms * rte_get_tsc_hz() / 1000, v;

	while ((v = __atomic_load_n(t, __ATOMIC_ACQUIRE)) == 0 && rte_get_tsc_cycles() < end)
		usleep(100);
	return v;
}

static uint64_t
wait_change(enum path to, uint64_t after, unsigned int ms)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)ms * rte_get_tsc_hz() / 1000, v;

	while ((v = first_change(to, after)) == 0 && rte_get_tsc_cycles() < end)
		usleep(100);
	return v;
}

/* Back to the steady state: TX on the VF, the VF active and not recovering. */
static int
wait_steady(struct rte_pmd_manafo_state *st)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)WAIT_MS * rte_get_tsc_hz() / 1000;

	do {
		if (rte_pmd_manafo_state_get(port_id, st) == 0 &&
		    st->tx_path == RTE_PMD_MANAFO_PATH_VF &&
		    st->vf.state == RTE_PMD_MANAFO_SUB_ACTIVE && !st->vf.recovering)
			return 0;
		usleep(1000);
	} while (rte_get_tsc_cycles() < end);
	fprintf(stderr, "manafo did not return to the VF within %u ms\n", WAIT_MS);
	return -ETIMEDOUT;
}

static double
us(uint64_t a, uint64_t b)
{
	return b >= a ? (double)(b - a) * 1e6 / (double)rte_get_tsc_hz() :
			-(double)(a - b) * 1e6 / (double)rte_get_tsc_hz();
}

static void
reset_stamps(void)
{
	plog_mark = __atomic_load_n(&plog_n, __ATOMIC_ACQUIRE);
	__atomic_store_n(&t_err_first, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t_err_last, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t_rs_first, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t_add_first, 0, __ATOMIC_RELEASE);
}

static int
inject(enum rte_pmd_manasim_kind kind, int monitor)
{
	struct rte_pmd_manafo_state st;
	struct rte_pmd_manasim_event ev;
	unsigned int tries;
	int ret;

	if (rte_pmd_manafo_state_get(port_id, &st) != 0)
		return -ENODEV;
	ret = rte_pmd_manasim_event_init(st.vf.port_id, kind, &ev);
	if (ret != 0)
		return ret;
	ev.reset_ms = opt.reset_ms;
	ev.return_ms = opt.return_ms;
	ev.monitor = monitor;
	/* -EBUSY until the last callback of the previous event has returned. */
	for (tries = 0; tries < WAIT_MS; tries++) {
		ret = rte_pmd_manasim_inject(st.vf.port_id, &ev);
		if (ret != -EBUSY)
			break;
		usleep(1000);
	}
	if (ret != 0)
		fprintf(stderr, "cannot inject event %d into port %u: %s\n", kind,
			st.vf.port_id, rte_strerror(-ret));
	return ret;
}

/* One series of measurements (microseconds), and its name. */
struct series {
	const char *name;
	double x[MAX_REPS];
	bool gap[MAX_REPS];	/* the sender was preempted meanwhile */
	unsigned int n;
};

enum {
	S_RESET_CB, S_RESET_SYNTH, S_RESET_STEER_VF, S_RESET_VF,
	S_RMV_SYNTH, S_RMV_VF, S_POLL_VF,
	NB_SERIES,
};

static struct series series[NB_SERIES] = {
	[S_RESET_CB] = {
		.name = "reset: manafo's ERR_RECOVERING callback (steering store + post)" },
	[S_RESET_SYNTH] = { .name = "reset: ERR_RECOVERING -> first packet on the synthetic wire" },
	[S_RESET_STEER_VF] = { .name = "reset: RECOVERY_SUCCESS -> steering on the VF "
				       "(manafo's last_failback_us)" },
	[S_RESET_VF] = { .name = "reset: RECOVERY_SUCCESS -> first packet on the VF wire" },
	[S_RMV_SYNTH] = { .name = "removal: ERR_RECOVERING -> first packet on the synthetic wire" },
	[S_RMV_VF] = {
		.name = "removal, monitor: VF back (DEV_EVENT_ADD) -> first packet on the VF" },
	[S_POLL_VF] = { .name = "removal, no monitor: VF name back -> first packet on the VF" },
};

/* The figure b - a; flagged when the sender did not run all along. */
static double
add(int s, uint64_t a, uint64_t b)
{
	struct series *x = &series[s];
	double v = us(a, b);

	if (x->n < MAX_REPS) {
		x->gap[x->n] = sender_gap(a, b);
		x->x[x->n++] = v;
	}
	return v;
}

static void
add_value(int s, double v)
{
	struct series *x = &series[s];

	if (x->n < MAX_REPS) {
		x->gap[x->n] = false;
		x->x[x->n++] = v;
	}
}

static int
one_reset(void)
{
	struct rte_pmd_manafo_state st;
	uint64_t te, tl, tr, ts, tv;
	int ret;

	reset_stamps();
	if (inject(RTE_PMD_MANASIM_RESET_SUCCESS, 0) != 0)
		return -EIO;
	te = wait_stamp(&t_err_first, WAIT_MS);
	tl = wait_stamp(&t_err_last, WAIT_MS);
	tr = wait_stamp(&t_rs_first, WAIT_MS);
	ts = te ? wait_change(PATH_SYNTH, te, WAIT_MS) : 0;
	tv = tr ? wait_change(PATH_VF, tr, WAIT_MS) : 0;
	if (!te || !tl || !tr || !ts || !tv) {
		fprintf(stderr, "reset: an event or a path change was not seen (%d%d%d%d%d)\n",
			!!te, !!tl, !!tr, !!ts, !!tv);
		return -EIO;
	}
	add(S_RESET_CB, te, tl);
	add(S_RESET_SYNTH, te, ts);
	add(S_RESET_VF, tr, tv);
	ret = wait_steady(&st);
	add_value(S_RESET_STEER_VF, xstat_us("last_failback_us"));
	if (!opt.quiet)
		printf("reset    callback %8.2f us  -> synth %8.2f us   recovered -> vf %9.2f us"
		       " (steering %.0f us)%s\n", us(te, tl), us(te, ts), us(tr, tv),
		       xstat_us("last_failback_us"),
		       sender_gap(te, tv) ? "  [sender preempted]" : "");
	return ret;
}

static int
one_removal_monitor(void)
{
	struct rte_pmd_manafo_state st;
	uint64_t te, ta, ts, tv;

	reset_stamps();
	if (inject(RTE_PMD_MANASIM_REMOVE, 1) != 0)
		return -EIO;
	te = wait_stamp(&t_err_first, WAIT_MS);
	ts = te ? wait_change(PATH_SYNTH, te, WAIT_MS) : 0;
	ta = wait_stamp(&t_add_first, WAIT_MS + opt.return_ms);
	tv = ta ? wait_change(PATH_VF, ta, WAIT_MS) : 0;
	if (!te || !ts || !ta || !tv) {
		fprintf(stderr, "removal (monitor): an event or a path change was not seen\n");
		return -EIO;
	}
	add(S_RMV_SYNTH, te, ts);
	add(S_RMV_VF, ta, tv);
	if (!opt.quiet)
		printf("removal  -> synth %8.2f us   VF back -> vf %9.2f us%s\n", us(te, ts),
		       us(ta, tv), sender_gap(te, ts) || sender_gap(ta, tv) ?
		       "  [sender preempted]" : "");
	return wait_steady(&st);
}

/* The VF's name probes again: polled every 50 us, stamped at the first yes. */
static uint64_t
wait_name_back(void)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)(WAIT_MS + opt.return_ms) *
		       rte_get_tsc_hz() / 1000, left;

	while (rte_get_tsc_cycles() < end) {
		if (rte_pmd_manasim_name_available(VF_NAME, &left) == 1)
			return rte_rdtsc();
		usleep(left > 2 ? 1000 : 50);
	}
	return 0;
}

static int
one_removal_poll(void)
{
	struct rte_pmd_manafo_state st;
	uint64_t te, tn, tv;

	reset_stamps();
	if (inject(RTE_PMD_MANASIM_REMOVE, 0) != 0)
		return -EIO;
	te = wait_stamp(&t_err_first, WAIT_MS);
	/* The name goes away at the teardown, right after ERR_RECOVERING. */
	usleep(1000);
	tn = te ? wait_name_back() : 0;
	tv = tn ? wait_change(PATH_VF, tn, WAIT_MS) : 0;
	if (!te || !tn || !tv) {
		fprintf(stderr, "removal (no monitor): an event or a path change was not seen\n");
		return -EIO;
	}
	add(S_POLL_VF, tn, tv);
	if (!opt.quiet)
		printf("removal, polled: name back -> vf %9.2f us%s\n", us(tn, tv),
		       sender_gap(tn, tv) ? "  [sender preempted]" : "");
	return wait_steady(&st);
}

/* Every repetition, then those during which the sender ran all along. */
static void
print_series(void)
{
	double clean[MAX_REPS], all[3], cl[3];
	unsigned int i, k, n, nc;

	printf("\nreaction times, microseconds: median (min..max) over the repetitions; "
	       "\"undisturbed\": those during which the sender was never off its CPU "
	       "for more than %d us\n", GAP_US);
	printf("%-72s %-30s %s\n", "", "all", "undisturbed");
	for (i = 0; i < NB_SERIES; i++) {
		n = series[i].n;
		if (n == 0)
			continue;
		for (k = 0, nc = 0; k < n; k++)
			if (!series[i].gap[k])
				clean[nc++] = series[i].x[k];
		bench_stats(series[i].x, n, all);
		printf("%-72s %9.2f (%7.2f..%9.2f) %2u", series[i].name, all[0], all[1], all[2], n);
		if (nc > 0) {
			bench_stats(clean, nc, cl);
			printf("  %9.2f (%7.2f..%9.2f) %2u", cl[0], cl[1], cl[2], nc);
		}
		printf("\n");
	}
}

static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "reset-ms", required_argument, NULL, 's' },
		{ "return-ms", required_argument, NULL, 't' },
		{ "hotplug-poll-ms", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'q') {
			opt.quiet = true;
			continue;
		}
		if (c == 'h' || c == '?') {
			printf("usage: %s [--reps N] [--reset-ms MS] [--return-ms MS]\n"
			       "          [--hotplug-poll-ms MS] [--quiet] [-- EAL options]\n"
			       "defaults: 11 repetitions, reset 20 ms, return 100 ms after the\n"
			       "removal, manafo hotplug_poll_ms=50. EAL always gets -l 0,1 --no-huge\n"
			       "-m 512 --no-pci --no-telemetry --no-shconf --file-prefix\n"
			       "manafo-react-<pid>; options after -- are appended.\n", argv[0]);
			exit(c == 'h' ? 0 : 2);
		}
		errno = 0;
		v = strtoul(optarg, &end, 0);
		if (errno != 0 || end == optarg || *end != '\0' || v == 0 || v > 600000) {
			fprintf(stderr, "bad value \"%s\"\n", optarg);
			return -EINVAL;
		}
		switch (c) {
		case 'r':
			opt.reps = RTE_MIN(v, (unsigned long)MAX_REPS);
			break;
		case 's':
			opt.reset_ms = v;
			break;
		case 't':
			opt.return_ms = v;
			break;
		case 'p':
			opt.poll_ms = v;
			break;
		}
	}
	return optind;
}

static int
setup_port(void)
{
	struct rte_pmd_manafo_state st;
	struct rte_eth_conf conf;
	char args[512];
	int ret;

	/* Before the manafo port: these run before its callbacks. */
	ret = rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_ERR_RECOVERING,
					    cb_first, NULL);
	ret |= rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_RECOVERY_SUCCESS,
					     cb_first, NULL);
	ret |= rte_dev_event_callback_register(NULL, dev_cb_first, NULL);
	if (ret != 0)
		return -EIO;
	snprintf(args, sizeof(args),
		 "vf(%s,wire=rv,mac=02:00:00:00:00:01),synth(%s,wire=rs,mac=02:00:00:00:00:01),"
		 "failback_ms=0,hotplug_poll_ms=%u", VF_NAME, SYNTH_NAME, opt.poll_ms);
	ret = rte_vdev_init(PORT_NAME, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(PORT_NAME, &port_id);
	if (ret != 0) {
		fprintf(stderr, "cannot create %s,%s: %s\n", PORT_NAME, args, rte_strerror(-ret));
		return ret;
	}
	port_created = true;
	printf("port %s,%s\n", PORT_NAME, args);
	/* After it: runs after manafo's callback. */
	if (rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_ERR_RECOVERING, cb_last,
					  NULL) != 0)
		return -EIO;
	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port_id, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port_id, 0, 512, rte_socket_id(), NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port_id, 0, 512, rte_socket_id(), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port_id);
	if (ret != 0) {
		fprintf(stderr, "cannot start the port: %s\n", rte_strerror(-ret));
		return ret;
	}
	return wait_steady(&st);
}

int
main(int argc, char **argv)
{
	char rundir[PATH_MAX];
	int first, ret = 1;
	unsigned int r;

	first = parse_args(argc, argv);
	if (first < 0)
		return 2;
	if (bench_eal_init("manafo-react", "0,1", argc, argv, first) < 0)
		return 1;
	if (!rte_lcore_is_enabled(SENDER_LCORE)) {
		fprintf(stderr, "lcore %d is needed\n", SENDER_LCORE);
		goto out;
	}
	pool = rte_pktmbuf_pool_create("react_pool", NB_MBUFS, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL || setup_port() != 0)
		goto out;
	printf("manafo-react: %s, %u repetitions, reset_ms %u, return_ms %u, TSC %" PRIu64
	       " Hz\n", rte_version(), opt.reps, opt.reset_ms, opt.return_ms,
	       rte_get_tsc_hz());
	bench_print_loadavg("before");
	if (rte_eal_remote_launch(sender, NULL, SENDER_LCORE) != 0)
		goto out;
	rte_delay_us_sleep(100 * 1000);
	/* Alternate the scenarios, so that a slow phase hits each of them. */
	ret = 0;
	for (r = 0; r < opt.reps && ret == 0; r++) {
		ret = one_reset();
		if (ret == 0)
			ret = one_removal_monitor();
		if (ret == 0)
			ret = one_removal_poll();
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	rte_eal_wait_lcore(SENDER_LCORE);
	print_series();
	printf("sender: %" PRIu64 " packets on the VF, %" PRIu64 " on the synthetic path, "
	       "%" PRIu64 " refused by manafo, %" PRIu64 " on neither wire; preempted %" PRIu64
	       " times for more than %d us\n", nb_sent[PATH_VF], nb_sent[PATH_SYNTH],
	       nb_sent[PATH_REFUSED], nb_sent[PATH_LOST], nb_gaps, GAP_US);
	bench_print_loadavg("after");
	ret = ret == 0 && nb_sent[PATH_REFUSED] == 0 ? 0 : 1;
out:
	fflush(stdout);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	if (port_created) {
		rte_eth_dev_stop(port_id);
		rte_eth_dev_close(port_id);
	}
	rte_eal_cleanup();
	rmdir(rundir);
	return ret;
}
