/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * manafo-bench: single-core io-forward benchmark of manafo against a bare
 * net_null port, net_failsafe and net_bonding (active-backup), all over
 * net_null in one process.
 *
 * net_null RX allocates its packets from the mempool and net_null TX frees
 * them, so the loop measures nothing but the per-packet cost of the PMD
 * stack under test. Variants run in a fixed alternating order, round after
 * round, so that a slow phase of the (shared) machine hits every variant
 * rather than one of them; the median over rounds is what to compare.
 * Slices in which the thread was preempted are left out (fwd_timed()).
 *
 * --packets N forwards exactly N packets per variant and exits: the loop
 * is then deterministic, for instruction counts under callgrind (ipp.sh).
 *
 * --scale forwards queue 0 alone on lcore 0, then queues 0 and 1 on lcores
 * 0 and 1 at once, alternately, and reports the per-queue rates and their
 * sum over the single queue's. --memory reports the rte_malloc heap cost of
 * a port and of each queue (run_memory()).
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
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "bench_util.h"
#include "rte_pmd_manafo.h"
/* Only for the sizes of manafo's structures in --memory. */
#include "manafo.h"

#define MAX_BURST	512
#define MAX_ROUNDS	101
#define NB_MBUFS	8191
#define MBUF_CACHE	256
#define NB_DESC		512
/* Look at the clock about every this many packets: rare enough to cost nothing. */
#define CLOCK_EVERY_PKTS	1024
#define WARMUP_MS	50
#define SLICE_NS	(10ULL * 1000 * 1000)
/* Below this share of undisturbed time, use the whole run. */
#define MIN_CLEAN	0.2
#define LINK_WAIT_MS	3000
/* --memory: queue counts of the three configurations (see run_memory()). */
#define MEM_QUEUES	8
/* --scale: the lcore of the second queue. */
#define SCALE_LCORE	1

static const uint16_t sweep_bursts[] = { 1, 4, 8, 32, 64 };

enum variant_id {
	V_DIRECT,
	V_MANAFO,
	V_MANAFO_CAS,
	V_MANAFO_MEMB,
	V_FAILSAFE,
	V_BONDING,
	NB_VARIANTS,
};

struct variant {
	const char *name;	/* as given to --variants */
	const char *port_name;	/* the ethdev under test */
	bool enabled;
	uint16_t port;
	double mpps[MAX_ROUNDS];
	uint64_t clean_ns, total_ns;	/* undisturbed and all time of the rounds */
	/* --scale: queue 0 alone, then queues 0 and 1 on two lcores at once */
	double one[MAX_ROUNDS], two[2][MAX_ROUNDS];
};

static struct variant variants[NB_VARIANTS] = {
	[V_DIRECT] = { .name = "direct", .port_name = "net_null_d0" },
	[V_MANAFO] = { .name = "manafo", .port_name = "net_manafo0" },
	[V_MANAFO_CAS] = { .name = "manafo-cas", .port_name = "net_manafo1" },
	[V_MANAFO_MEMB] = { .name = "manafo-memb", .port_name = "net_manafo2" },
	[V_FAILSAFE] = { .name = "failsafe", .port_name = "net_failsafe0" },
	[V_BONDING] = { .name = "bonding", .port_name = "net_bonding0" },
};

/* The PMD under every port: --sub null (default) or manasim. */
struct sub_pmd {
	const char *name;	/* as given to --sub */
	const char *driver;	/* vdev driver name, the prefix of each device */
	const char *args;	/* its arguments for a source/sink device */
};

static const struct sub_pmd sub_pmds[] = {
	{ "null", "net_null", "" },
	{ "manasim", "net_manasim", "rx_source=1,full_ops=1" },
};

static struct {
	unsigned int rounds;
	unsigned int time_ms;
	uint16_t burst;
	bool sweep;
	uint64_t packets;	/* fixed-count mode when not 0 */
	const char *guard;	/* guard= of the "manafo" variant */
	const char *json;
	bool quiet;
	bool scale;		/* --scale: 2 queues on 2 lcores vs 1 queue */
	bool memory;		/* --memory: heap bytes per port and per queue */
	bool variants_given;
	uint16_t queues;	/* queues per port */
	const struct sub_pmd *sub;
} opt = {
	.rounds = 7,
	.time_ms = 500,
	.burst = 32,
	.guard = "auto",
	.queues = 1,
	.sub = &sub_pmds[0],
};

static struct rte_mempool *pool;

static void
usage(const char *prog)
{
	printf("usage: %s [options] [-- EAL options]\n"
	       "  --burst N         packets per rx/tx burst (default 32)\n"
	       "  --burst-sweep     run bursts 1,4,8,32,64 in turn\n"
	       "  --rounds R        rounds of all variants (default 7)\n"
	       "  --time-ms T       time per variant per round (default 500)\n"
	       "  --variants LIST   comma list of direct,manafo,manafo-cas,manafo-memb,\n"
	       "                    failsafe,bonding (default direct,manafo,manafo-cas,\n"
	       "                    failsafe,bonding)\n"
	       "  --guard G         guard= of the \"manafo\" variant: auto|membarrier|cas\n"
	       "                    (default auto)\n"
	       "  --packets N       forward exactly N packets per variant, once, and exit\n"
	       "                    (deterministic: for callgrind)\n"
	       "  --json FILE       also write the results as JSON\n"
	       "  --quiet           no per-round lines\n"
	       "  --scale           per-queue throughput of 2 queues on lcores 0 and 1 at\n"
	       "                    once against queue 0 alone (default variants direct,manafo)\n"
	       "  --memory          rte_malloc heap bytes of a port and of each queue, manafo\n"
	       "                    over net_ring against net_ring, --rounds repetitions\n"
	       "  --sub PMD         the PMD under every port: null (default) or manasim\n"
	       "                    (rx_source=1: per-queue state in its own cache line)\n"
	       "EAL always gets -l 0 (-l 0,1 with --scale) --no-huge -m 512 --no-pci\n"
	       "--no-telemetry --no-shconf --file-prefix manafo-bench-<pid>; options after\n"
	       "-- are appended.\n",
	       prog);
}

static int
parse_variants(const char *list)
{
	char buf[256], *tok, *save = NULL;
	int i, n = 0;

	for (i = 0; i < NB_VARIANTS; i++)
		variants[i].enabled = false;
	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NB_VARIANTS; i++)
			if (strcmp(tok, variants[i].name) == 0)
				break;
		if (i == NB_VARIANTS) {
			fprintf(stderr, "unknown variant \"%s\"\n", tok);
			return -EINVAL;
		}
		variants[i].enabled = true;
		n++;
	}
	return n > 0 ? 0 : -EINVAL;
}

static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_sub(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(sub_pmds); i++) {
		if (strcmp(name, sub_pmds[i].name) != 0)
			continue;
#ifndef MANAFO_BENCH_MANASIM
		if (i > 0) {
			fprintf(stderr, "--sub manasim: built without net_manasim\n");
			return -ENOTSUP;
		}
#endif
		opt.sub = &sub_pmds[i];
		return 0;
	}
	return -EINVAL;
}

/* Bench options come before "--"; returns the index of the first EAL argument. */
static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "burst", required_argument, NULL, 'b' },
		{ "burst-sweep", no_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "time-ms", required_argument, NULL, 't' },
		{ "variants", required_argument, NULL, 'v' },
		{ "guard", required_argument, NULL, 'g' },
		{ "packets", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "scale", no_argument, NULL, 'S' },
		{ "memory", no_argument, NULL, 'M' },
		{ "sub", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	variants[V_DIRECT].enabled = true;
	variants[V_MANAFO].enabled = true;
	variants[V_MANAFO_CAS].enabled = true;
	variants[V_FAILSAFE].enabled = true;
	variants[V_BONDING].enabled = true;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_u64(optarg, 1, MAX_BURST, &v) < 0)
				goto bad;
			opt.burst = v;
			break;
		case 's':
			opt.sweep = true;
			break;
		case 'r':
			if (parse_u64(optarg, 1, MAX_ROUNDS, &v) < 0)
				goto bad;
			opt.rounds = v;
			break;
		case 't':
			if (parse_u64(optarg, 1, 3600000, &v) < 0)
				goto bad;
			opt.time_ms = v;
			break;
		case 'v':
			if (parse_variants(optarg) < 0)
				goto bad;
			opt.variants_given = true;
			break;
		case 'g':
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "cas") != 0 &&
			    strcmp(optarg, "membarrier") != 0)
				goto bad;
			opt.guard = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, UINT64_MAX / 2, &v) < 0)
				goto bad;
			opt.packets = v;
			break;
		case 'j':
			opt.json = optarg;
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'S':
			opt.scale = true;
			break;
		case 'M':
			opt.memory = true;
			break;
		case 'u':
			if (parse_sub(optarg) < 0)
				goto bad;
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		default:
			usage(argv[0]);
			return -EINVAL;
		}
	}
	if (opt.scale) {
		opt.queues = 2;
		if (!opt.variants_given)
			parse_variants("direct,manafo");
	}
	if ((opt.scale || opt.memory) && (opt.packets != 0 || opt.sweep)) {
		fprintf(stderr, "--scale and --memory take neither --packets nor --burst-sweep\n");
		return -EINVAL;
	}
	return optind;
bad:
	fprintf(stderr, "bad value \"%s\" for %s\n", optarg, argv[optind - 1]);
	return -EINVAL;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * One rx burst and the tx of what came in; what TX refuses is freed, as
 * testpmd's io forwarding does. Inlined into both loops so that the timed
 * and the counted runs execute the same per-burst code.
 */
static __rte_always_inline uint16_t
fwd_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb_rx, nb_tx;

	nb_rx = rte_eth_rx_burst(port, queue, pkts, n);
	if (unlikely(nb_rx == 0))
		return 0;
	nb_tx = rte_eth_tx_burst(port, queue, pkts, nb_rx);
	if (unlikely(nb_tx < nb_rx))
		rte_pktmbuf_free_bulk(&pkts[nb_tx], nb_rx - nb_tx);
	return nb_tx;
}

/* Times the measuring thread was preempted: the figures of a busy machine. */
static long
preemptions(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return ru.ru_nivcsw;
}

struct timed {
	uint64_t pkts, ns;		/* the whole run */
	uint64_t clean_pkts, clean_ns;	/* the slices that ran undisturbed */
};

/*
 * Forward for about `ns`, in slices of SLICE_NS. On a shared machine the
 * thread gets preempted and a preempted slice measures the other process:
 * the involuntary context-switch count tells which slices ran undisturbed,
 * and the rate is taken over those (run_rounds() falls back to the whole
 * run when too few are left).
 */
static __rte_noinline void
fwd_timed(uint16_t port, uint16_t queue, uint16_t burst, uint64_t ns, struct timed *res)
{
	struct rte_mbuf *pkts[MAX_BURST];
	unsigned int per_check = RTE_MAX(1u, (unsigned int)CLOCK_EVERY_PKTS / burst);
	uint64_t start, end, t, slice_start, slice_pkts = 0;
	unsigned int i;
	long csw, c;

	memset(res, 0, sizeof(*res));
	csw = preemptions();
	start = now_ns();
	end = start + ns;
	slice_start = start;
	do {
		for (i = 0; i < per_check; i++)
			slice_pkts += fwd_burst(port, queue, pkts, burst);
		t = now_ns();
		if (t - slice_start >= SLICE_NS || t >= end) {
			c = preemptions();
			res->pkts += slice_pkts;
			if (c == csw) {
				res->clean_pkts += slice_pkts;
				res->clean_ns += t - slice_start;
			}
			csw = c;
			slice_pkts = 0;
			/* getrusage() is not forwarding time: start after it. */
			slice_start = now_ns();
		}
	} while (t < end);
	res->ns = t - start;
}

/*
 * Forward exactly `count` packets. ipp.sh tells callgrind to count only
 * inside this function (--toggle-collect), so keep its name and noinline:
 * the EAL threads and start-up then stay out of the figure.
 */
static __rte_noinline uint64_t
fwd_count(uint16_t port, uint16_t burst, uint64_t count, uint64_t *bursts)
{
	struct rte_mbuf *pkts[MAX_BURST];
	uint64_t fwd = 0, nb = 0;
	unsigned int idle = 0;
	uint16_t k;

	while (fwd < count) {
		k = fwd_burst(port, 0, pkts, (uint16_t)RTE_MIN((uint64_t)burst, count - fwd));
		nb++;
		fwd += k;
		/* A port that stopped forwarding would spin forever: give up. */
		idle = k == 0 ? idle + 1 : 0;
		if (unlikely(idle > 1000000))
			break;
	}
	*bursts = nb;
	return fwd;
}

static int
port_config(uint16_t port, uint16_t nb_rx, uint16_t nb_tx)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, nb_rx, nb_tx, &conf);
	for (q = 0; ret == 0 && q < nb_rx; q++)
		ret = rte_eth_rx_queue_setup(port, q, NB_DESC, rte_eth_dev_socket_id(port),
					     NULL, pool);
	for (q = 0; ret == 0 && q < nb_tx; q++)
		ret = rte_eth_tx_queue_setup(port, q, NB_DESC, rte_eth_dev_socket_id(port),
					     NULL);
	return ret;
}

static int
port_setup(uint16_t port)
{
	struct rte_eth_link link;
	uint64_t deadline;
	int ret;

	ret = port_config(port, opt.queues, opt.queues);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_start(port);
	if (ret < 0)
		return ret;
	/* bonding picks its active member from link state: wait for it. */
	deadline = now_ns() + LINK_WAIT_MS * 1000000ULL;
	do {
		memset(&link, 0, sizeof(link));
		rte_eth_link_get_nowait(port, &link);
		if (link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_us_sleep(10000);
	} while (now_ns() < deadline);
	return -ENOLINK;
}

/* vdev name, then its arguments; members before the port that takes them. */
struct vdev {
	enum variant_id v;
	const char *name;
	const char *args;
};

/*
 * The sub-device vdev named <driver>_<tag>, standalone (args for
 * rte_vdev_init) or inline in an upper PMD's devargs ("name,args").
 */
static void
sub_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "%s_%s", opt.sub->driver, tag);
}

static void
sub_inline(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "%s_%s%s%s", opt.sub->driver, tag,
		 opt.sub->args[0] != '\0' ? "," : "", opt.sub->args);
}

static int
create_ports(void)
{
	static char d0[64];	/* the direct port's name, kept in variants[] */
	char m0[96], m1[96], c0[96], c1[96], e0[96], e1[96], f0[96], f1[96];
	char b0[64], b1[64], manafo[256], cas[256], memb[256], failsafe[256], bonding[256];
	const struct vdev vdevs[] = {
		{ V_DIRECT, d0, opt.sub->args },
		{ V_MANAFO, "net_manafo0", manafo },
		{ V_MANAFO_CAS, "net_manafo1", cas },
		{ V_MANAFO_MEMB, "net_manafo2", memb },
		{ V_FAILSAFE, "net_failsafe0", failsafe },
		{ V_BONDING, b0, opt.sub->args },
		{ V_BONDING, b1, opt.sub->args },
		{ V_BONDING, "net_bonding0", bonding },
	};
	unsigned int i;
	int ret;

	sub_name(d0, sizeof(d0), "d0");
	sub_inline(m0, sizeof(m0), "m0");
	sub_inline(m1, sizeof(m1), "m1");
	sub_inline(c0, sizeof(c0), "c0");
	sub_inline(c1, sizeof(c1), "c1");
	sub_inline(e0, sizeof(e0), "e0");
	sub_inline(e1, sizeof(e1), "e1");
	sub_inline(f0, sizeof(f0), "f0");
	sub_inline(f1, sizeof(f1), "f1");
	sub_name(b0, sizeof(b0), "b0");
	sub_name(b1, sizeof(b1), "b1");
	snprintf(manafo, sizeof(manafo), "vf(%s),synth(%s),guard=%s", m0, m1, opt.guard);
	snprintf(cas, sizeof(cas), "vf(%s),synth(%s),guard=cas", c0, c1);
	snprintf(memb, sizeof(memb), "vf(%s),synth(%s),guard=membarrier", e0, e1);
	snprintf(failsafe, sizeof(failsafe), "dev(%s),dev(%s)", f0, f1);
	snprintf(bonding, sizeof(bonding), "mode=1,slave=%s,slave=%s,primary=%s", b0, b1, b0);
	variants[V_DIRECT].port_name = d0;
	for (i = 0; i < RTE_DIM(vdevs); i++) {
		if (!variants[vdevs[i].v].enabled)
			continue;
		ret = rte_vdev_init(vdevs[i].name, vdevs[i].args);
		if (ret < 0) {
			fprintf(stderr, "cannot create %s,%s: %s\n", vdevs[i].name,
				vdevs[i].args, rte_strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < NB_VARIANTS; i++) {
		struct variant *v = &variants[i];

		if (!v->enabled)
			continue;
		ret = rte_eth_dev_get_port_by_name(v->port_name, &v->port);
		if (ret == 0)
			ret = port_setup(v->port);
		if (ret < 0) {
			fprintf(stderr, "%s: port %s: setup failed: %s\n", v->name,
				v->port_name, rte_strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Forward a little on every port before measuring, so that no variant pays
 * for cold caches, and check that each one forwards at all (bonding with no
 * active member would measure an empty loop).
 */
static int
warm_up(uint16_t burst)
{
	struct timed res;
	int i;

	for (i = 0; i < NB_VARIANTS; i++) {
		struct variant *v = &variants[i];

		if (!v->enabled)
			continue;
		fwd_timed(v->port, 0, burst, WARMUP_MS * 1000000ULL, &res);
		if (res.pkts == 0) {
			fprintf(stderr, "%s: port %s forwards nothing\n", v->name, v->port_name);
			return -EIO;
		}
	}
	return 0;
}

/* manafo must be forwarding on its VF, or the figure measures the wrong path. */
static void
check_manafo(void)
{
	struct rte_pmd_manafo_state st;
	int i;

	for (i = V_MANAFO; i <= V_MANAFO_MEMB; i++) {
		if (!variants[i].enabled)
			continue;
		if (rte_pmd_manafo_state_get(variants[i].port, &st) != 0) {
			fprintf(stderr, "%s: cannot read the manafo state\n", variants[i].name);
			continue;
		}
		if (st.tx_path != RTE_PMD_MANAFO_PATH_VF)
			fprintf(stderr, "WARNING: %s: TX is not on the VF (path %d)\n",
				variants[i].name, st.tx_path);
	}
}

struct summary {
	double median, min, max;
	double ratio;		/* median / direct's median */
	double paired;		/* median over rounds of this / direct, same round */
};

static void
summarize(const struct variant *v, unsigned int n, double direct_median, struct summary *s)
{
	const struct variant *d = &variants[V_DIRECT];
	double sorted[MAX_ROUNDS];
	unsigned int r;

	memcpy(sorted, v->mpps, n * sizeof(sorted[0]));
	s->median = bench_median(sorted, n);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->ratio = direct_median > 0 ? s->median / direct_median : 0;
	/* Both ran in the same round: a slow phase of the machine cancels. */
	s->paired = 0;
	if (d->enabled) {
		for (r = 0; r < n; r++)
			sorted[r] = d->mpps[r] > 0 ? v->mpps[r] / d->mpps[r] : 0;
		s->paired = bench_median(sorted, n);
	}
}

static void
json_burst(FILE *f, uint16_t burst, bool first)
{
	struct summary direct = { 0 }, s;
	unsigned int r;
	int i, n = 0;

	if (variants[V_DIRECT].enabled)
		summarize(&variants[V_DIRECT], opt.rounds, 0, &direct);
	fprintf(f, "%s    {\"burst\": %u, \"variants\": [", first ? "" : ",\n", burst);
	for (i = 0; i < NB_VARIANTS; i++) {
		const struct variant *v = &variants[i];

		if (!v->enabled)
			continue;
		summarize(v, opt.rounds, direct.median, &s);
		fprintf(f, "%s\n      {\"name\": \"%s\", \"median_mpps\": %.4f, "
			"\"min_mpps\": %.4f, \"max_mpps\": %.4f, ", n++ ? "," : "",
			v->name, s.median, s.min, s.max);
		if (variants[V_DIRECT].enabled)
			fprintf(f, "\"ratio_to_direct\": %.4f, \"paired_ratio\": %.4f, ",
				s.ratio, s.paired);
		else
			fprintf(f, "\"ratio_to_direct\": null, \"paired_ratio\": null, ");
		fprintf(f, "\"rounds_mpps\": [");
		for (r = 0; r < opt.rounds; r++)
			fprintf(f, "%s%.4f", r ? ", " : "", v->mpps[r]);
		fprintf(f, "]}");
	}
	fprintf(f, "\n    ]}");
}

static void
print_table(uint16_t burst)
{
	struct summary direct = { 0 }, s;
	int i;

	if (variants[V_DIRECT].enabled)
		summarize(&variants[V_DIRECT], opt.rounds, 0, &direct);
	printf("\nburst %u, %u rounds x %u ms per variant\n", burst, opt.rounds, opt.time_ms);
	printf("%-12s %10s %10s %10s %10s %10s %10s\n", "variant", "median", "min", "max",
	       "vs direct", "paired", "undisturb");
	printf("%-12s %10s %10s %10s %10s %10s %10s\n", "", "Mpps", "Mpps", "Mpps",
	       "(medians)", "(rounds)", "(time)");
	for (i = 0; i < NB_VARIANTS; i++) {
		const struct variant *v = &variants[i];

		if (!v->enabled)
			continue;
		summarize(v, opt.rounds, direct.median, &s);
		printf("%-12s %10.3f %10.3f %10.3f", v->name, s.median, s.min, s.max);
		if (variants[V_DIRECT].enabled)
			printf(" %10.3f %10.3f", s.ratio, s.paired);
		else
			printf(" %10s %10s", "-", "-");
		printf(" %9.0f%%\n", v->total_ns ? 100.0 * v->clean_ns / v->total_ns : 0);
	}
	fflush(stdout);
}

/* Medians of every burst size, kept for the sweep table. */
static struct summary sweep_sum[RTE_DIM(sweep_bursts)][NB_VARIANTS];

static void
keep_summary(unsigned int b)
{
	struct summary direct = { 0 };
	int i;

	if (b >= RTE_DIM(sweep_bursts))
		return;
	if (variants[V_DIRECT].enabled)
		summarize(&variants[V_DIRECT], opt.rounds, 0, &direct);
	for (i = 0; i < NB_VARIANTS; i++)
		if (variants[i].enabled)
			summarize(&variants[i], opt.rounds, direct.median, &sweep_sum[b][i]);
}

static void
print_sweep(const uint16_t *bursts, unsigned int nb)
{
	unsigned int b;
	int i;

	printf("\nsweep: median Mpps (ratio to direct)\n%-12s", "variant");
	for (b = 0; b < nb; b++)
		printf("  %16s%-3u", "burst ", bursts[b]);
	printf("\n");
	for (i = 0; i < NB_VARIANTS; i++) {
		if (!variants[i].enabled)
			continue;
		printf("%-12s", variants[i].name);
		for (b = 0; b < nb; b++) {
			if (variants[V_DIRECT].enabled)
				printf("  %9.3f (%6.3f)", sweep_sum[b][i].median,
				       sweep_sum[b][i].ratio);
			else
				printf("  %9.3f %8s", sweep_sum[b][i].median, "");
		}
		printf("\n");
	}
}

static int
run_rounds(uint16_t burst)
{
	struct timed res;
	double clean;
	unsigned int r;
	long csw;
	int i, j;

	if (warm_up(burst) < 0)
		return -EIO;
	csw = preemptions();
	for (i = 0; i < NB_VARIANTS; i++)
		variants[i].clean_ns = variants[i].total_ns = 0;
	for (r = 0; r < opt.rounds; r++) {
		/*
		 * Odd rounds run the variants in reverse, so that being first
		 * after the previous variant (or last before the next burst
		 * size) favours no one: ABCDE EDCBA ABCDE...
		 */
		for (j = 0; j < NB_VARIANTS; j++) {
			struct variant *v = &variants[r % 2 ? NB_VARIANTS - 1 - j : j];

			if (!v->enabled)
				continue;
			fwd_timed(v->port, 0, burst, opt.time_ms * 1000000ULL, &res);
			if (res.pkts == 0) {
				fprintf(stderr, "%s forwarded nothing in round %u\n", v->name, r);
				return -EIO;
			}
			clean = (double)res.clean_ns / (double)res.ns;
			if (clean >= MIN_CLEAN)
				v->mpps[r] = (double)res.clean_pkts * 1000.0 / (double)res.clean_ns;
			else
				v->mpps[r] = (double)res.pkts * 1000.0 / (double)res.ns;
			v->clean_ns += res.clean_ns;
			v->total_ns += res.ns;
			if (!opt.quiet)
				printf("burst %-3u round %u  %-12s %8.3f Mpps  (all slices %.3f, "
				       "%3.0f%% undisturbed)\n", burst, r, v->name, v->mpps[r],
				       (double)res.pkts * 1000.0 / (double)res.ns, clean * 100);
		}
	}
	print_table(burst);
	printf("measuring thread preempted %ld times (0 on a quiet machine)\n",
	       preemptions() - csw);
	return 0;
}

static int
run_count(void)
{
	uint64_t fwd, bursts, t0, t1;
	int i;

	for (i = 0; i < NB_VARIANTS; i++) {
		struct variant *v = &variants[i];

		if (!v->enabled)
			continue;
		t0 = now_ns();
		fwd = fwd_count(v->port, opt.burst, opt.packets, &bursts);
		t1 = now_ns();
		printf("%-12s packets %" PRIu64 " bursts %" PRIu64 " burst %u  %.3f s\n",
		       v->name, fwd, bursts, opt.burst, (t1 - t0) / 1e9);
		if (fwd != opt.packets) {
			fprintf(stderr, "%s: forwarded %" PRIu64 " of %" PRIu64 " packets\n",
				v->name, fwd, opt.packets);
			return -EIO;
		}
	}
	return 0;
}

/* ---- --scale: 2 queues on 2 lcores against 1 queue on 1 lcore ---------- */

struct scale_job {
	uint16_t port;
	uint16_t queue;
	uint64_t ns;
	int go;			/* set by the main lcore: start now */
	struct timed res;
};

static int
scale_worker(void *arg)
{
	struct scale_job *job = arg;

	while (!__atomic_load_n(&job->go, __ATOMIC_ACQUIRE))
		rte_pause();
	fwd_timed(job->port, job->queue, opt.burst, job->ns, &job->res);
	return 0;
}

/* Mpps of a run: over its undisturbed slices, as in run_rounds(). */
static double
timed_mpps(const struct timed *res)
{
	if (res->ns == 0)
		return 0;
	if ((double)res->clean_ns / (double)res->ns >= MIN_CLEAN)
		return (double)res->clean_pkts * 1000.0 / (double)res->clean_ns;
	return (double)res->pkts * 1000.0 / (double)res->ns;
}

/*
 * Queue 0 on the main lcore alone; or queue 0 on the main lcore and queue
 * 1 on SCALE_LCORE at the same time (the worker spins on `go` until the
 * main lcore starts too). out[] gets the Mpps of each queue.
 */
static int
scale_run(uint16_t port, unsigned int nb_queues, uint64_t ns, double out[2])
{
	struct scale_job job = { .port = port, .queue = 1, .ns = ns };
	struct timed res;
	int ret;

	if (nb_queues == 2) {
		ret = rte_eal_remote_launch(scale_worker, &job, SCALE_LCORE);
		if (ret != 0)
			return ret;
		__atomic_store_n(&job.go, 1, __ATOMIC_RELEASE);
	}
	fwd_timed(port, 0, opt.burst, ns, &res);
	out[0] = timed_mpps(&res);
	out[1] = 0;
	if (nb_queues == 2) {
		rte_eal_wait_lcore(SCALE_LCORE);
		out[1] = timed_mpps(&job.res);
	}
	return 0;
}

static void
stats3(const double *x, unsigned int n, double *med, double *min, double *max)
{
	double sorted[MAX_ROUNDS];

	memcpy(sorted, x, n * sizeof(sorted[0]));
	*med = bench_median(sorted, n);
	*min = sorted[0];
	*max = sorted[n - 1];
}

static int
run_scale(void)
{
	double out[2], one, ratio[MAX_ROUNDS], tot[MAX_ROUNDS], med, min, max;
	unsigned int r, k;
	int i;

	if (rte_lcore_count() < 2 || !rte_lcore_is_enabled(SCALE_LCORE)) {
		fprintf(stderr, "--scale needs lcore %d\n", SCALE_LCORE);
		return -EINVAL;
	}
	/* Warm up both queues of every port, and check that both forward. */
	for (i = 0; i < NB_VARIANTS; i++) {
		if (!variants[i].enabled)
			continue;
		if (scale_run(variants[i].port, 2, WARMUP_MS * 1000000ULL, out) != 0 ||
		    out[0] == 0 || out[1] == 0) {
			fprintf(stderr, "%s: a queue forwards nothing\n", variants[i].name);
			return -EIO;
		}
	}
	for (r = 0; r < opt.rounds; r++) {
		for (i = 0; i < NB_VARIANTS; i++) {
			struct variant *v = &variants[r % 2 ? NB_VARIANTS - 1 - i : i];

			if (!v->enabled)
				continue;
			/* 1 then 2 queues, or 2 then 1: neither goes first always. */
			for (k = 0; k < 2; k++) {
				unsigned int nq = (k + r) % 2 ? 2 : 1;

				if (scale_run(v->port, nq, opt.time_ms * 1000000ULL, out) != 0)
					return -EIO;
				if (nq == 1) {
					v->one[r] = out[0];
				} else {
					v->two[0][r] = out[0];
					v->two[1][r] = out[1];
				}
			}
			if (!opt.quiet)
				printf("round %u  %-12s 1 queue %8.3f Mpps   2 queues %8.3f + %8.3f "
				       "Mpps\n", r, v->name, v->one[r], v->two[0][r], v->two[1][r]);
		}
	}
	printf("\nscaling, burst %u, %u rounds x %u ms per run, queue 0 on lcore %u, "
	       "queue 1 on lcore %d\n", opt.burst, opt.rounds, opt.time_ms,
	       rte_get_main_lcore(), SCALE_LCORE);
	printf("%-12s %-26s %-26s %-26s %s\n", "variant", "1 queue Mpps", "2 queues: q0 Mpps",
	       "2 queues: q1 Mpps", "total(2q) / 1q");
	printf("%-12s %-26s %-26s %-26s %s\n", "", "median (min..max)", "median (min..max)",
	       "median (min..max)", "median (min..max) per round");
	for (i = 0; i < NB_VARIANTS; i++) {
		struct variant *v = &variants[i];

		if (!v->enabled)
			continue;
		printf("%-12s", v->name);
		stats3(v->one, opt.rounds, &med, &min, &max);
		printf(" %7.3f (%6.3f..%6.3f)  ", med, min, max);
		one = med;
		for (k = 0; k < 2; k++) {
			stats3(v->two[k], opt.rounds, &med, &min, &max);
			printf(" %7.3f (%6.3f..%6.3f)  ", med, min, max);
		}
		for (r = 0; r < opt.rounds; r++) {
			tot[r] = v->two[0][r] + v->two[1][r];
			ratio[r] = v->one[r] > 0 ? tot[r] / v->one[r] : 0;
		}
		stats3(ratio, opt.rounds, &med, &min, &max);
		printf(" %5.3f (%5.3f..%5.3f)", med, min, max);
		stats3(tot, opt.rounds, &med, &min, &max);
		printf("   [medians: %.3f]\n", one > 0 ? med / one : 0);
	}
	return 0;
}

/* ---- --memory: rte_malloc heap bytes per port and per queue -------------- */

struct heap {
	double bytes;		/* allocated, with the allocator's headers and padding */
	double count;		/* allocated elements */
};

static struct heap
heap_now(void)
{
	struct rte_malloc_socket_stats st;
	struct heap h = { 0, 0 };
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0) {
			h.bytes += st.heap_allocsz_bytes;
			h.count += st.alloc_count;
		}
	}
	return h;
}

static struct heap
heap_diff(struct heap a, struct heap b, double div)
{
	return (struct heap){ (a.bytes - b.bytes) / div, (a.count - b.count) / div };
}

/* Points of one create/configure/destroy cycle (run_memory()). */
enum {
	MEM_BEFORE,	/* nothing */
	MEM_CREATED,	/* the vdev probed */
	MEM_Q1,		/* configured with 1 RX and 1 TX queue, started */
	MEM_RX8,	/* MEM_QUEUES RX queues, 1 TX queue, started */
	MEM_TX8,	/* MEM_QUEUES RX and TX queues, started */
	MEM_AFTER,	/* closed and removed */
	MEM_NB,
};

static int
mem_cycle(const char *name, const char *args, struct heap h[MEM_NB])
{
	static const uint16_t conf[][2] = {
		[MEM_Q1] = { 1, 1 },
		[MEM_RX8] = { MEM_QUEUES, 1 },
		[MEM_TX8] = { MEM_QUEUES, MEM_QUEUES },
	};
	uint16_t port;
	int ret, k;

	h[MEM_BEFORE] = heap_now();
	ret = rte_vdev_init(name, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(name, &port);
	if (ret != 0) {
		fprintf(stderr, "cannot create %s,%s: %s\n", name, args, rte_strerror(-ret));
		return ret;
	}
	h[MEM_CREATED] = heap_now();
	for (k = MEM_Q1; k <= MEM_TX8; k++) {
		ret = port_config(port, conf[k][0], conf[k][1]);
		if (ret == 0)
			ret = rte_eth_dev_start(port);
		if (ret != 0) {
			fprintf(stderr, "%s: %u/%u queues: %s\n", name, conf[k][0], conf[k][1],
				rte_strerror(-ret));
			break;
		}
		h[k] = heap_now();
		rte_eth_dev_stop(port);
	}
	rte_eth_dev_close(port);
	rte_vdev_uninit(name);
	h[MEM_AFTER] = heap_now();
	return ret;
}

/* What one cycle cost: the port, each RX queue, each TX queue, what stayed. */
enum { COST_PORT, COST_RXQ, COST_TXQ, COST_LEFT, NB_COSTS };
static const char *const cost_names[NB_COSTS] = {
	"port (probed, no queue)", "per RX queue", "per TX queue", "left after removal",
};

static void
mem_costs(const struct heap h[MEM_NB], struct heap c[NB_COSTS])
{
	c[COST_PORT] = heap_diff(h[MEM_CREATED], h[MEM_BEFORE], 1);
	c[COST_RXQ] = heap_diff(h[MEM_RX8], h[MEM_Q1], MEM_QUEUES - 1);
	c[COST_TXQ] = heap_diff(h[MEM_TX8], h[MEM_RX8], MEM_QUEUES - 1);
	c[COST_LEFT] = heap_diff(h[MEM_AFTER], h[MEM_BEFORE], 1);
}

static void
print_cost(struct heap c[][NB_COSTS], unsigned int n, int k)
{
	double x[MAX_ROUNDS], med, min, max;
	unsigned int r;

	for (r = 0; r < n; r++)
		x[r] = c[r][k].bytes;
	stats3(x, n, &med, &min, &max);
	printf(" %8.0f (%6.0f..%6.0f)", med, min, max);
	for (r = 0; r < n; r++)
		x[r] = c[r][k].count;
	stats3(x, n, &med, &min, &max);
	printf(" %5.1f", med);
}

/*
 * A net_ring port, then a manafo port over two net_ring sub-devices it
 * probes itself; each created, configured with 1/1, MEM_QUEUES/1 and
 * MEM_QUEUES/MEM_QUEUES queues (started each time: manafo allocates its
 * watchdog state at start), closed and removed. net_ring allocates nothing
 * per queue (net_null does: a dummy packet per queue, never freed), so a
 * manafo queue's figure is manafo's own; the port's is manafo's plus two
 * net_ring probes, which the third column takes out. The first manafo port
 * of the process also starts the control thread: a first, unreported cycle
 * pays for that.
 */
static int
run_memory(void)
{
	struct heap h[MEM_NB], ring[MAX_ROUNDS][NB_COSTS], mfo[MAX_ROUNDS][NB_COSTS];
	struct heap own[MAX_ROUNDS][NB_COSTS];
	char name[64], args[256];
	unsigned int r;
	int k;

	if (mem_cycle("net_manafo_memw", "vf(net_ring_memwv),synth(net_ring_memws)", h) != 0)
		return -EIO;
	for (r = 0; r < opt.rounds; r++) {
		snprintf(name, sizeof(name), "net_ring_mem%u", r);
		if (mem_cycle(name, "", h) != 0)
			return -EIO;
		mem_costs(h, ring[r]);
		snprintf(name, sizeof(name), "net_manafo_mem%u", r);
		snprintf(args, sizeof(args), "vf(net_ring_mem%uv),synth(net_ring_mem%us)", r, r);
		if (mem_cycle(name, args, h) != 0)
			return -EIO;
		mem_costs(h, mfo[r]);
		for (k = 0; k < NB_COSTS; k++) {
			own[r][k] = mfo[r][k];
			own[r][k].bytes -= 2 * ring[r][k].bytes;
			own[r][k].count -= 2 * ring[r][k].count;
		}
	}
	printf("\nmemory: rte_malloc heap, bytes with the allocator's headers and padding, "
	       "median (min..max) over %u repetitions, and allocations (median)\n", opt.rounds);
	printf("%-24s %-28s %-28s %s\n", "", "net_ring", "net_manafo over 2 net_ring",
	       "manafo's own (manafo - 2 x net_ring)");
	for (k = 0; k < NB_COSTS; k++) {
		printf("%-24s", cost_names[k]);
		print_cost(ring, opt.rounds, k);
		print_cost(mfo, opt.rounds, k);
		print_cost(own, opt.rounds, k);
		printf("\n");
	}
	printf("sizeof: manafo_priv %zu (hot part %zu), manafo_rxq %zu, manafo_txq %zu, "
	       "manafo_txwd %zu per TX queue; RTE_MAX_ETHPORTS %d\n", sizeof(struct manafo_priv),
	       offsetof(struct manafo_priv, dev), sizeof(struct manafo_rxq),
	       sizeof(struct manafo_txq), sizeof(struct manafo_txwd), RTE_MAX_ETHPORTS);
	return 0;
}

static const char *
membarrier_note(void)
{
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	if (cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		return "membarrier PRIVATE_EXPEDITED available: guard=auto means membarrier";
	return "membarrier PRIVATE_EXPEDITED not available: guard=auto means cas";
}

static void
close_ports(void)
{
	/* Ports over members first, so that nothing closes a port still in use. */
	static const enum variant_id order[] = {
		V_BONDING, V_FAILSAFE, V_MANAFO, V_MANAFO_CAS, V_MANAFO_MEMB, V_DIRECT,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(order); i++) {
		struct variant *v = &variants[order[i]];

		if (!v->enabled)
			continue;
		rte_eth_dev_stop(v->port);
		rte_eth_dev_close(v->port);
	}
}

int
main(int argc, char **argv)
{
	char rundir[PATH_MAX];
	uint16_t bursts[RTE_DIM(sweep_bursts)];
	unsigned int nb_bursts, b;
	FILE *json = NULL;
	int first, i, ret;

	first = parse_args(argc, argv);
	if (first < 0)
		return 2;

	/* The main lcore only (and lcore 1 for --scale). */
	if (bench_eal_init("manafo-bench", opt.scale ? "0,1" : "0", argc, argv, first) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("bench_pool", NB_MBUFS, MBUF_CACHE, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "cannot create the mbuf pool: %s\n", rte_strerror(rte_errno));
		ret = 1;
		goto out;
	}
	if (opt.memory) {
		/* No variant port: close_ports() has nothing to close. */
		for (i = 0; i < NB_VARIANTS; i++)
			variants[i].enabled = false;
		printf("manafo-bench: %s\n", rte_version());
		bench_print_loadavg("before");
		ret = run_memory() < 0 ? 1 : 0;
		goto out;
	}
	if (create_ports() < 0) {
		ret = 1;
		goto out;
	}

	if (opt.packets != 0) {
		ret = run_count() < 0 ? 1 : 0;
		goto out;
	}

	printf("manafo-bench: %s, lcore %u, %s\n", rte_version(), rte_lcore_id(),
	       membarrier_note());
	printf("variants:");
	for (i = 0; i < NB_VARIANTS; i++)
		if (variants[i].enabled)
			printf(" %s(%s%s%s)", variants[i].name, variants[i].port_name,
			       i == V_MANAFO ? " guard=" : "", i == V_MANAFO ? opt.guard : "");
	printf("\n");

	if (opt.sweep) {
		nb_bursts = RTE_DIM(sweep_bursts);
		memcpy(bursts, sweep_bursts, sizeof(sweep_bursts));
	} else {
		nb_bursts = 1;
		bursts[0] = opt.burst;
	}
	if (opt.json != NULL) {
		json = fopen(opt.json, "w");
		if (json == NULL) {
			fprintf(stderr, "cannot write %s: %s\n", opt.json, strerror(errno));
			ret = 1;
			goto out;
		}
		fprintf(json, "{\n  \"dpdk\": \"%s\", \"rounds\": %u, \"time_ms\": %u, "
			"\"guard\": \"%s\", \"sub\": \"%s\",\n  \"results\": [\n",
			rte_version(), opt.rounds, opt.time_ms, opt.guard, opt.sub->name);
	}
	bench_print_loadavg("before");
	if (opt.scale) {
		check_manafo();
		ret = run_scale() < 0 ? 1 : 0;
		bench_print_loadavg("after");
		goto out;
	}
	ret = 0;
	for (b = 0; b < nb_bursts; b++) {
		if (run_rounds(bursts[b]) < 0) {
			ret = 1;
			break;
		}
		if (b == 0)
			check_manafo();
		keep_summary(b);
		if (json != NULL)
			json_burst(json, bursts[b], b == 0);
	}
	if (opt.sweep && ret == 0)
		print_sweep(bursts, nb_bursts);
	bench_print_loadavg("after");
	if (json != NULL) {
		fprintf(json, "\n  ]\n}\n");
		fclose(json);
	}
out:
	fflush(stdout);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	close_ports();
	rte_eal_cleanup();
	/* --no-shconf leaves the directory only, empty: rmdir fails otherwise. */
	rmdir(rundir);
	return ret;
}
