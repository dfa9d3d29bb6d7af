/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Reliability storms for net_manafo over net_manasim (devtools/RELIABILITY.md).
 *
 *   manafo-test-storm <EAL args> -- storm [--seed S] [--events N] [--stall-s S]
 *   manafo-test-storm <EAL args> -- churn [--cycles N]
 *   manafo-test-storm <EAL args> -- lifecycle [--cycles N] [--case C] [--jitter-us U]
 *   manafo-test-storm <EAL args> -- regress
 *   manafo-test-storm <EAL args> -- races
 *
 * storm: N random events, drawn from a seeded generator, played by several
 *   threads at once while 2 lcores forward on 2 queues: VF events injected
 *   in manasim (reset success/failed/nested, removal with and without the
 *   device-event monitor, link flap, TX hang), raw ethdev events on the VF
 *   port (ERR_RECOVERING, RECOVERY_SUCCESS, RECOVERY_FAILED, INTR_RMV) from
 *   two extra threads, and application control calls (stop/start,
 *   configure + queue setup, MTU, promiscuous, all-multicast, stats, xstats,
 *   info, drills, close + re-create) from two control threads. A watchdog
 *   thread aborts the run, naming the stuck thread and the seed, when any
 *   operation makes no progress for --stall-s seconds (30). Checked: port
 *   counters never go backwards (no stats reset is done), no control call
 *   fails, no packet is refused for want of a path, and after quiescing the
 *   final state is consistent in manafo and manasim alike; the mempool has
 *   every mbuf back. The sequence of events is a function of the seed: a
 *   failing seed is printed and replays the same sequence (the thread
 *   timing differs from run to run, as in production).
 * churn: N removal/return cycles of the VF with traffic; the counters stay
 *   monotonic and exact; file descriptors, threads, DPDK heap and mbufs are
 *   the same before and after.
 * lifecycle: N create/configure/start/stop/close/destroy cycles of a manafo
 *   port (some with a reset, a removal or a drill in flight at close; --case
 *   plays one kind in every cycle, --jitter-us makes the pause between the
 *   event and the close random, 0 to U microseconds, --hammer fires link
 *   events on ports 0-3 from a thread all along); file descriptors, threads, DPDK heap and mbufs are the same
 *   before and after.
 * Every mode but regress and races runs under a watchdog: an operation that
 * makes no progress for --stall-s seconds aborts the run with the stack of
 * every thread (stall_dump.c).
 * regress: the driver bugs the storm found, each as a minimal deterministic
 *   scenario.
 * races: deterministic concurrent scenarios for ThreadSanitizer (BUG-5, BUG-7,
 *   BUG-8 in devtools/RELIABILITY.md).
 *
 * Leaks of malloc memory are left to the tools that run this program
 * (valgrind in the memcheck suite, LSan in scripts/run-sanitizers.sh).
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <ethdev_driver.h>

#include "rte_pmd_manafo.h"
#include "rte_pmd_manasim.h"
#include "stall_dump.h"

#define NBQ	2
#define BURST	32
#define NB_MBUFS 16383

static int passed, failed;
static uint64_t seed;
static const char *mode = "storm";
static struct rte_mempool *mp;

#define CHECK(cond, ...) do { \
	if (cond) { \
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED); \
		printf("ok   "); \
	} else { \
		__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED); \
		printf("FAIL [%s seed %" PRIu64 "] ", mode, seed); \
	} \
	printf(__VA_ARGS__); \
	printf("\n"); \
	fflush(stdout); \
} while (0)

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
now_ms(void)
{
	return now_ns() / 1000000;
}

static void
sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* splitmix64: one state per generator, the sequence is the seed's. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
rnd_range(uint64_t *s, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd(s) % (uint64_t)(hi - lo + 1));
}

/* ---- resources that must come back -------------------------------------- */

static int
count_dir(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* opendir's own descriptor, or nothing for tasks */
}

struct resources {
	int fds;
	int threads;
	size_t heap;
	unsigned int mbufs;
};

static size_t
heap_allocated(void)
{
	struct rte_malloc_socket_stats st;
	size_t total = 0;
	unsigned int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats((int)s, &st) == 0)
			total += st.heap_allocsz_bytes;
	return total;
}

static struct resources
resources(void)
{
	struct resources r;

	r.fds = count_dir("/proc/self/fd");
	r.threads = count_dir("/proc/self/task") + 1;
	r.heap = heap_allocated();
	r.mbufs = rte_mempool_in_use_count(mp);
	return r;
}

/*
 * Threads may take a moment to exit after the last close, and what a
 * detached thread or a running alarm callback holds is freed when it ends:
 * wait for them, and say when the wait was needed.
 */
static void
check_resources(const char *when, const struct resources *before)
{
	struct resources after = resources(), first = after;
	uint64_t start = now_ms(), end = start + 3000;

	while ((after.threads != before->threads || after.fds != before->fds ||
		after.heap != before->heap) && now_ms() < end) {
		sleep_us(10000);
		after = resources();
	}
	if (now_ms() - start >= 10)
		printf("     %s: resources settled after %" PRIu64 " ms (at first: %+d threads, "
		       "%+d fds, %+" PRId64 " heap bytes)\n", when, now_ms() - start,
		       first.threads - before->threads, first.fds - before->fds,
		       (int64_t)first.heap - (int64_t)before->heap);
#ifndef STORM_TSAN
	/* (Not under TSan: its symbolizer keeps two pipes once it reported.) */
	CHECK(after.fds == before->fds, "%s: file descriptors %d before, %d after", when,
	      before->fds, after.fds);
#endif
	CHECK(after.threads == before->threads, "%s: threads %d before, %d after", when,
	      before->threads, after.threads);
	CHECK(after.heap == before->heap, "%s: DPDK heap %zu bytes allocated before, %zu after",
	      when, before->heap, after.heap);
	CHECK(after.mbufs == before->mbufs, "%s: mbufs in use %u before, %u after", when,
	      before->mbufs, after.mbufs);
}

/* ---- the port under test ------------------------------------------------ */

struct env {
	char name[32];
	char vfname[32];
	char syname[32];
	char vfwire[16];
	char sywire[16];
	char args[512];
	uint16_t port;
};

static void
env_names(struct env *e, const char *tag, bool wire, const char *extra)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "net_manafo_%s", tag);
	snprintf(e->vfname, sizeof(e->vfname), "net_manasim_v%s", tag);
	snprintf(e->syname, sizeof(e->syname), "net_manasim_s%s", tag);
	if (wire) {
		snprintf(e->vfwire, sizeof(e->vfwire), "v%s", tag);
		snprintf(e->sywire, sizeof(e->sywire), "s%s", tag);
	}
	snprintf(e->args, sizeof(e->args),
		 "vf(%s%s%s,mac=02:00:00:00:00:01),synth(%s%s%s,mac=02:00:00:00:00:01,full_ops=1)%s%s",
		 e->vfname, wire ? ",wire=" : "", e->vfwire, e->syname, wire ? ",wire=" : "",
		 e->sywire, *extra ? "," : "", extra);
}

static int
port_setup(uint16_t port, uint16_t nb_desc, bool start)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	conf.intr_conf.rmv = 1;
	ret = rte_eth_dev_configure(port, NBQ, NBQ, &conf);
	if (ret != 0)
		return ret;
	for (q = 0; q < NBQ; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_desc, 0, NULL, mp);
		if (ret != 0)
			return ret;
		ret = rte_eth_tx_queue_setup(port, q, nb_desc, 0, NULL);
		if (ret != 0)
			return ret;
	}
	return start ? rte_eth_dev_start(port) : 0;
}

/* Create (retrying while the VF's name is away after a removal) and start. */
static int
env_create(struct env *e, bool start)
{
	uint64_t end = now_ms() + 10000;
	int ret;

	while ((ret = rte_vdev_init(e->name, e->args)) != 0 && now_ms() < end)
		sleep_us(5000);
	if (ret != 0) {
		printf("     cannot create %s with %s: %s\n", e->name, e->args, rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_get_port_by_name(e->name, &e->port);
	if (ret == 0)
		ret = port_setup(e->port, 512, start);
	if (ret != 0)
		printf("     cannot set %s up: %s\n", e->name, rte_strerror(-ret));
	return ret;
}

static int
env_destroy(struct env *e)
{
	int ret = 0;

	if (rte_eth_dev_is_valid_port(e->port) &&
	    strcmp(rte_eth_devices[e->port].data->name, e->name) == 0) {
		ret = rte_eth_dev_stop(e->port);
		if (ret == 0)
			ret = rte_eth_dev_close(e->port);
	}
	if (rte_vdev_uninit(e->name) != 0 && ret == 0)
		ret = -1;
	return ret;
}

static struct rte_pmd_manafo_state
state_of(uint16_t port)
{
	struct rte_pmd_manafo_state st;

	memset(&st, 0, sizeof(st));
	if (rte_pmd_manafo_state_get(port, &st) != 0)
		st.tx_path = RTE_PMD_MANAFO_PATH_NONE;
	return st;
}

static int
inject(uint16_t port, enum rte_pmd_manasim_kind kind, uint32_t reset_ms, int64_t return_ms,
       int monitor)
{
	struct rte_pmd_manasim_event ev;
	int ret = rte_pmd_manasim_event_init(port, kind, &ev);

	if (ret != 0)
		return ret;
	ev.reset_ms = reset_ms;
	ev.return_ms = return_ms;
	ev.monitor = monitor;
	return rte_pmd_manasim_inject(port, &ev);
}

/* Wire rings are created by manasim at queue setup and never freed. */
static struct rte_ring *
wire_ring(const char *wire, const char *dir, uint16_t q)
{
	char rname[RTE_RING_NAMESIZE];

	if (wire[0] == '\0')
		return NULL;
	snprintf(rname, sizeof(rname), "%s_%s_%u", wire, dir, q);
	return rte_ring_lookup(rname);
}

static unsigned int
ring_drain(struct rte_ring *r)
{
	struct rte_mbuf *pkts[64];
	unsigned int n, total = 0;

	if (r == NULL)
		return 0;
	while ((n = rte_ring_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL)) > 0) {
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

static unsigned int
drain_wire(const char *wire, const char *dir, uint16_t q)
{
	return ring_drain(wire_ring(wire, dir, q));
}

static void
drain_all(const struct env *e)
{
	uint16_t q;

	for (q = 0; q < NBQ; q++) {
		drain_wire(e->vfwire, "tx", q);
		drain_wire(e->sywire, "tx", q);
		drain_wire(e->vfwire, "rx", q);
		drain_wire(e->sywire, "rx", q);
	}
}

static unsigned int
offer(uint16_t port, uint16_t q, unsigned int n)
{
	struct rte_mbuf *pkts[BURST];
	unsigned int i, sent;

	if (n > RTE_DIM(pkts) || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		rte_pktmbuf_append(pkts[i], 64);
		memset(rte_pktmbuf_mtod(pkts[i], void *), 0, 64);
	}
	sent = rte_eth_tx_burst(port, q, pkts, (uint16_t)n);
	rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	return sent;
}

/* ---- progress watchdog -------------------------------------------------- */

enum op {
	OP_IDLE,
	/* application control calls */
	OP_RESTART, OP_RECONFIGURE, OP_MTU, OP_PROMISC, OP_ALLMULTI, OP_STATS, OP_XSTATS,
	OP_INFO, OP_DRILL, OP_RECREATE,
	/* raw ethdev events on the VF port */
	OP_RAW_RECOVERING, OP_RAW_SUCCESS, OP_RAW_FAILED, OP_RAW_RMV, OP_RAW_PAIR,
	/* manasim injections */
	OP_INJ_RESET, OP_INJ_FAILED, OP_INJ_NESTED, OP_INJ_REMOVE, OP_INJ_REMOVE_MON,
	OP_INJ_LSC, OP_INJ_TXHANG,
	/* the other actors */
	OP_BURST, OP_HOST, OP_PUSH, OP_GATE, OP_QUIESCE,
	/* lifecycle and churn steps */
	OP_CREATE, OP_EVENT, OP_WAIT, OP_DESTROY,
	OP_NB,
};

static const char *const op_names[OP_NB] = {
	[OP_IDLE] = "idle",
	[OP_RESTART] = "stop+start", [OP_RECONFIGURE] = "stop+configure+queue setup+start",
	[OP_MTU] = "set MTU", [OP_PROMISC] = "promiscuous", [OP_ALLMULTI] = "all-multicast",
	[OP_STATS] = "stats", [OP_XSTATS] = "xstats", [OP_INFO] = "info/link/state",
	[OP_DRILL] = "drill", [OP_RECREATE] = "close+re-create",
	[OP_RAW_RECOVERING] = "raw ERR_RECOVERING", [OP_RAW_SUCCESS] = "raw RECOVERY_SUCCESS",
	[OP_RAW_FAILED] = "raw RECOVERY_FAILED", [OP_RAW_RMV] = "raw INTR_RMV",
	[OP_RAW_PAIR] = "raw ERR_RECOVERING+RECOVERY_SUCCESS",
	[OP_INJ_RESET] = "inject reset", [OP_INJ_FAILED] = "inject failed reset",
	[OP_INJ_NESTED] = "inject nested reset", [OP_INJ_REMOVE] = "inject removal",
	[OP_INJ_REMOVE_MON] = "inject removal (monitor)", [OP_INJ_LSC] = "inject link flap",
	[OP_INJ_TXHANG] = "inject TX hang",
	[OP_BURST] = "rx/tx burst", [OP_HOST] = "wire drain/feed", [OP_PUSH] = "queue work",
	[OP_GATE] = "park the lcores", [OP_QUIESCE] = "quiesce",
	[OP_CREATE] = "create+configure+start", [OP_EVENT] = "event in flight",
	[OP_WAIT] = "wait for the VF", [OP_DESTROY] = "stop+close+destroy",
};

struct actor {
	const char *name;
	uint64_t since_ns;	/* start of the current operation, 0 when idle */
	uint32_t op;
	uint32_t event;		/* index of the storm event being played */
	uint64_t done;
};

#define MAX_ACTORS 12
static struct actor actors[MAX_ACTORS];
static unsigned int nb_actors;
static unsigned int stall_s = 30;
static unsigned int nb_events;
static int watchdog_stop;
static bool no_raw;	/* --no-raw: manasim events and control calls only */

static struct actor *
actor_new(const char *name)
{
	struct actor *a = &actors[nb_actors++];

	a->name = name;
	return a;
}

static void
act_begin(struct actor *a, enum op op, uint32_t event)
{
	__atomic_store_n(&a->op, op, __ATOMIC_RELAXED);
	__atomic_store_n(&a->event, event, __ATOMIC_RELAXED);
	__atomic_store_n(&a->since_ns, now_ns(), __ATOMIC_RELEASE);
}

static void
act_end(struct actor *a)
{
	__atomic_store_n(&a->since_ns, 0, __ATOMIC_RELEASE);
	__atomic_fetch_add(&a->done, 1, __ATOMIC_RELAXED);
}

static void
actors_dump(FILE *f)
{
	uint64_t now = now_ns();
	unsigned int i;

	for (i = 0; i < nb_actors; i++) {
		struct actor *a = &actors[i];
		uint64_t since = __atomic_load_n(&a->since_ns, __ATOMIC_ACQUIRE);

		fprintf(f, "  %-10s %-36s event %-6u for %6" PRIu64 " ms, %" PRIu64 " ops done\n",
			a->name, since ? op_names[__atomic_load_n(&a->op, __ATOMIC_RELAXED)] : "idle",
			__atomic_load_n(&a->event, __ATOMIC_RELAXED),
			since ? (now - since) / 1000000 : 0,
			__atomic_load_n(&a->done, __ATOMIC_RELAXED));
	}
}

static void *
watchdog_main(void *arg __rte_unused)
{
	uint64_t limit = (uint64_t)stall_s * 1000000000ULL;

	while (!__atomic_load_n(&watchdog_stop, __ATOMIC_ACQUIRE)) {
		uint64_t now = now_ns();
		unsigned int i;

		for (i = 0; i < nb_actors; i++) {
			uint64_t since = __atomic_load_n(&actors[i].since_ns, __ATOMIC_ACQUIRE);

			if (since == 0 || now < since || now - since < limit)
				continue;
			fprintf(stderr, "\nSTALL: %s made no progress in \"%s\" for %u s "
				"(deadlock?)\n  reproduce with: -- %s --seed %" PRIu64
				" --events %u\n", actors[i].name,
				op_names[__atomic_load_n(&actors[i].op, __ATOMIC_RELAXED)], stall_s,
				mode, seed, nb_events);
			actors_dump(stderr);
			fflush(stdout);
			stall_dump_threads(stderr);
			abort();
		}
		sleep_us(200000);
	}
	return NULL;
}

static pthread_t watchdog_thread;

static void
watchdog_start(void)
{
	stall_dump_prepare();
	__atomic_store_n(&watchdog_stop, 0, __ATOMIC_RELEASE);
	pthread_create(&watchdog_thread, NULL, watchdog_main, NULL);
}

static void
watchdog_end(void)
{
	__atomic_store_n(&watchdog_stop, 1, __ATOMIC_RELEASE);
	pthread_join(watchdog_thread, NULL);
}

/* ---- storm -------------------------------------------------------------- */

struct item {
	uint32_t op;
	uint32_t a;
	uint32_t b;
	uint32_t event;
};

#define WQ_SIZE 8

struct wq {
	pthread_mutex_t m;
	pthread_cond_t c;
	struct item it[WQ_SIZE];
	unsigned int head;
	unsigned int count;
	bool stop;
	pthread_t th;
	struct actor *actor;
};

static struct {
	struct env e;
	pthread_rwlock_t life;		/* write: close + re-create of the port */
	pthread_mutex_t cfg;		/* ethdev configuration calls of one port */
	uint16_t port;			/* the manafo port, changed under life */
	uint32_t incarnation;
	/* monotonic checks, one reader at a time */
	pthread_mutex_t stats_lock;
	uint32_t stats_inc;
	uint64_t last_opackets;
	uint64_t last_ipackets;
	struct rte_pmd_manafo_state last_st;
	/* traffic */
	uint32_t gate_epoch;
	uint32_t gate_closed;
	uint32_t parked[NBQ];
	int traffic_stop;
	uint64_t offered[NBQ];
	uint64_t accepted[NBQ];	/* since the last re-create */
	uint64_t received[NBQ];
	struct actor *lcore_actor[NBQ];
	int lcore_done[NBQ];
	/* results */
	uint64_t ops[OP_NB];
	uint64_t inj_ok, inj_busy, inj_dead, inj_other, raw_sent, raw_noport;
	uint64_t ctl_errors, monotonic_errors, recreate_failures;
	/* counters of closed incarnations, for the report */
	uint64_t sum_failovers, sum_resets, sum_removals, sum_returns, sum_hangs, sum_refused;
} S;

static void
count_op(enum op op)
{
	__atomic_fetch_add(&S.ops[op], 1, __ATOMIC_RELAXED);
}

static void
ctl_error(uint32_t event, const char *what, int ret)
{
	__atomic_fetch_add(&S.ctl_errors, 1, __ATOMIC_RELAXED);
	printf("FAIL [storm seed %" PRIu64 "] event %u: %s returned %d (%s)\n", seed, event, what,
	       ret, rte_strerror(ret < 0 ? -ret : ret));
	fflush(stdout);
}

static uint16_t
cur_port(void)
{
	return __atomic_load_n(&S.port, __ATOMIC_ACQUIRE);
}

/* Park both lcores outside their bursts (the ethdev contract for stop/configure). */
static void
gate_close(struct actor *a, uint32_t event)
{
	uint32_t epoch = __atomic_add_fetch(&S.gate_epoch, 1, __ATOMIC_SEQ_CST);
	unsigned int q;

	act_begin(a, OP_GATE, event);
	__atomic_store_n(&S.gate_closed, 1, __ATOMIC_SEQ_CST);
	for (q = 0; q < NBQ; q++)
		while (__atomic_load_n(&S.parked[q], __ATOMIC_SEQ_CST) != epoch &&
		       !__atomic_load_n(&S.traffic_stop, __ATOMIC_SEQ_CST))
			sleep_us(50);
	act_end(a);
}

static void
gate_open(void)
{
	__atomic_store_n(&S.gate_closed, 0, __ATOMIC_SEQ_CST);
}

static int
traffic_lcore(void *arg)
{
	uint16_t q = (uint16_t)(uintptr_t)arg;
	struct actor *a = S.lcore_actor[q];
	struct rte_mbuf *pkts[BURST];
	uint16_t n, sent;

	while (!__atomic_load_n(&S.traffic_stop, __ATOMIC_SEQ_CST)) {
		if (__atomic_load_n(&S.gate_closed, __ATOMIC_SEQ_CST)) {
			uint32_t epoch = __atomic_load_n(&S.gate_epoch, __ATOMIC_SEQ_CST);

			__atomic_store_n(&S.parked[q], epoch, __ATOMIC_SEQ_CST);
			while (__atomic_load_n(&S.gate_closed, __ATOMIC_SEQ_CST) &&
			       __atomic_load_n(&S.gate_epoch, __ATOMIC_SEQ_CST) == epoch &&
			       !__atomic_load_n(&S.traffic_stop, __ATOMIC_SEQ_CST))
				rte_pause();
			continue;
		}
		act_begin(a, OP_BURST, 0);
		if (rte_pktmbuf_alloc_bulk(mp, pkts, BURST) == 0) {
			for (n = 0; n < BURST; n++)
				rte_pktmbuf_append(pkts[n], 60);
			sent = rte_eth_tx_burst(cur_port(), q, pkts, BURST);
			rte_pktmbuf_free_bulk(pkts + sent, BURST - sent);
			__atomic_fetch_add(&S.offered[q], BURST, __ATOMIC_RELAXED);
			__atomic_fetch_add(&S.accepted[q], sent, __ATOMIC_RELAXED);
		}
		n = rte_eth_rx_burst(cur_port(), q, pkts, BURST);
		rte_pktmbuf_free_bulk(pkts, n);
		__atomic_fetch_add(&S.received[q], n, __ATOMIC_RELAXED);
		act_end(a);
		rte_delay_us_block(20);
	}
	/* rte_eal_mp_wait_lcore() orders nothing TSan can see: this does. */
	__atomic_store_n(&S.lcore_done[q], 1, __ATOMIC_RELEASE);
	return 0;
}

/* The host: takes what left on the wires, delivers some inbound traffic. */
static int host_stop;

static void *
host_main(void *arg)
{
	struct actor *a = arg;
	struct rte_ring *tx[2][NBQ] = { { NULL } }, *rx[2][NBQ] = { { NULL } };
	const char *wires[2] = { S.e.vfwire, S.e.sywire };
	struct rte_mbuf *pkts[16];
	unsigned int w, q, n;

	while (!__atomic_load_n(&host_stop, __ATOMIC_ACQUIRE)) {
		act_begin(a, OP_HOST, 0);
		for (w = 0; w < 2; w++) {
			for (q = 0; q < NBQ; q++) {
				if (tx[w][q] == NULL)
					tx[w][q] = wire_ring(wires[w], "tx", (uint16_t)q);
				if (rx[w][q] == NULL)
					rx[w][q] = wire_ring(wires[w], "rx", (uint16_t)q);
				ring_drain(tx[w][q]);
				if (rx[w][q] != NULL && rte_ring_count(rx[w][q]) < 256 &&
				    rte_pktmbuf_alloc_bulk(mp, pkts, RTE_DIM(pkts)) == 0) {
					n = rte_ring_enqueue_burst(rx[w][q], (void **)pkts,
								   RTE_DIM(pkts), NULL);
					rte_pktmbuf_free_bulk(pkts + n, RTE_DIM(pkts) - n);
				}
			}
		}
		act_end(a);
		sleep_us(300);
	}
	return NULL;
}

/* Counters of one incarnation of the port never go backwards. */
static void
check_monotonic(uint16_t port, uint32_t event)
{
	struct rte_pmd_manafo_state st;
	struct rte_eth_stats s;
	uint32_t inc = __atomic_load_n(&S.incarnation, __ATOMIC_ACQUIRE);
	int ret;

	pthread_mutex_lock(&S.stats_lock);
	ret = rte_eth_stats_get(port, &s);
	if (ret != 0) {
		ctl_error(event, "rte_eth_stats_get", ret);
		goto out;
	}
	ret = rte_pmd_manafo_state_get(port, &st);
	if (ret != 0) {
		ctl_error(event, "rte_pmd_manafo_state_get", ret);
		goto out;
	}
	if (inc == S.stats_inc) {
		const struct rte_pmd_manafo_state *l = &S.last_st;

		if (s.opackets < S.last_opackets || s.ipackets < S.last_ipackets ||
		    st.failovers < l->failovers || st.failbacks < l->failbacks ||
		    st.vf_resets < l->vf_resets || st.vf_removals < l->vf_removals ||
		    st.vf_returns < l->vf_returns || st.tx_hangs < l->tx_hangs ||
		    st.synth_time_ms < l->synth_time_ms) {
			__atomic_fetch_add(&S.monotonic_errors, 1, __ATOMIC_RELAXED);
			printf("FAIL [storm seed %" PRIu64 "] event %u: a counter went backwards: "
			       "opackets %" PRIu64 " -> %" PRIu64 ", ipackets %" PRIu64 " -> %"
			       PRIu64 ", failovers %" PRIu64 " -> %" PRIu64 ", resets %" PRIu64
			       " -> %" PRIu64 "\n", seed, event, S.last_opackets, s.opackets,
			       S.last_ipackets, s.ipackets, l->failovers, st.failovers,
			       l->vf_resets, st.vf_resets);
		}
	}
	S.stats_inc = inc;
	S.last_opackets = s.opackets;
	S.last_ipackets = s.ipackets;
	S.last_st = st;
out:
	pthread_mutex_unlock(&S.stats_lock);
}

static void
do_xstats(uint16_t port, uint32_t event)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *vals = NULL;
	int n, got, tries;

	for (tries = 0; tries < 5; tries++) {
		n = rte_eth_xstats_get_names(port, NULL, 0);
		if (n < 0) {
			ctl_error(event, "rte_eth_xstats_get_names", n);
			return;
		}
		n += 8;
		names = calloc((size_t)n, sizeof(*names));
		vals = calloc((size_t)n, sizeof(*vals));
		if (names == NULL || vals == NULL)
			break;
		got = rte_eth_xstats_get_names(port, names, (unsigned int)n);
		if (got >= 0 && got <= n)
			got = rte_eth_xstats_get(port, vals, (unsigned int)n);
		free(names);
		free(vals);
		names = NULL;
		vals = NULL;
		if (got < 0) {
			ctl_error(event, "rte_eth_xstats_get", got);
			return;
		}
		if (got <= n)
			return;
		/* The VF came or went between the two calls: its xstats with it. */
	}
	free(names);
	free(vals);
}

static void
do_info(uint16_t port, uint32_t event)
{
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	uint16_t mtu;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret != 0)
		ctl_error(event, "rte_eth_dev_info_get", ret);
	ret = rte_eth_link_get_nowait(port, &link);
	if (ret != 0)
		ctl_error(event, "rte_eth_link_get_nowait", ret);
	ret = rte_eth_dev_get_mtu(port, &mtu);
	if (ret != 0)
		ctl_error(event, "rte_eth_dev_get_mtu", ret);
	check_monotonic(port, event);
}

static void
note_closed_incarnation(uint16_t port)
{
	struct rte_pmd_manafo_state st = state_of(port);

	S.sum_failovers += st.failovers;
	S.sum_resets += st.vf_resets;
	S.sum_removals += st.vf_removals;
	S.sum_returns += st.vf_returns;
	S.sum_hangs += st.tx_hangs;
	S.sum_refused += st.tx_refused;
}

static void
do_recreate(struct actor *a, uint32_t event)
{
	uint16_t port = cur_port();
	int ret;
	unsigned int q;

	gate_close(a, event);
	act_begin(a, OP_RECREATE, event);
	note_closed_incarnation(port);
	ret = rte_eth_dev_stop(port);
	if (ret != 0)
		ctl_error(event, "rte_eth_dev_stop before close", ret);
	ret = rte_eth_dev_close(port);
	if (ret != 0)
		ctl_error(event, "rte_eth_dev_close", ret);
	ret = rte_vdev_uninit(S.e.name);
	if (ret != 0)
		ctl_error(event, "rte_vdev_uninit", ret);
	ret = env_create(&S.e, true);
	if (ret != 0) {
		__atomic_fetch_add(&S.recreate_failures, 1, __ATOMIC_RELAXED);
		ctl_error(event, "re-create (rte_vdev_init + configure + start)", ret);
		/* Nothing left to storm on: stop here, the checks report it. */
		__atomic_store_n(&S.traffic_stop, 1, __ATOMIC_SEQ_CST);
	}
	for (q = 0; q < NBQ; q++)
		__atomic_store_n(&S.accepted[q], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&S.port, S.e.port, __ATOMIC_RELEASE);
	__atomic_fetch_add(&S.incarnation, 1, __ATOMIC_ACQ_REL);
	gate_open();
}

static void
ctl_run(struct actor *a, const struct item *it)
{
	uint16_t port;
	int ret;

	if (it->op == OP_RECREATE) {
		pthread_rwlock_wrlock(&S.life);
		pthread_mutex_lock(&S.cfg);
		do_recreate(a, it->event);
		pthread_mutex_unlock(&S.cfg);
		pthread_rwlock_unlock(&S.life);
		return;
	}
	pthread_rwlock_rdlock(&S.life);
	port = cur_port();
	switch (it->op) {
	case OP_RESTART:
	case OP_RECONFIGURE:
		pthread_mutex_lock(&S.cfg);
		gate_close(a, it->event);
		act_begin(a, (enum op)it->op, it->event);
		ret = rte_eth_dev_stop(port);
		if (ret != 0)
			ctl_error(it->event, "rte_eth_dev_stop", ret);
		if (it->b > 0)
			sleep_us(it->b * 1000);
		if (it->op == OP_RECONFIGURE) {
			ret = port_setup(port, (uint16_t)it->a, false);
			if (ret != 0)
				ctl_error(it->event, "configure + queue setup", ret);
		}
		ret = rte_eth_dev_start(port);
		if (ret != 0)
			ctl_error(it->event, "rte_eth_dev_start", ret);
		gate_open();
		pthread_mutex_unlock(&S.cfg);
		break;
	case OP_MTU:
		pthread_mutex_lock(&S.cfg);
		act_begin(a, OP_MTU, it->event);
		ret = rte_eth_dev_set_mtu(port, (uint16_t)it->a);
		if (ret != 0)
			ctl_error(it->event, "rte_eth_dev_set_mtu", ret);
		pthread_mutex_unlock(&S.cfg);
		break;
	case OP_PROMISC:
	case OP_ALLMULTI:
		pthread_mutex_lock(&S.cfg);
		act_begin(a, (enum op)it->op, it->event);
		if (it->op == OP_PROMISC)
			ret = it->a ? rte_eth_promiscuous_enable(port) :
				      rte_eth_promiscuous_disable(port);
		else
			ret = it->a ? rte_eth_allmulticast_enable(port) :
				      rte_eth_allmulticast_disable(port);
		if (ret != 0)
			ctl_error(it->event, op_names[it->op], ret);
		pthread_mutex_unlock(&S.cfg);
		break;
	case OP_STATS:
		act_begin(a, OP_STATS, it->event);
		check_monotonic(port, it->event);
		break;
	case OP_XSTATS:
		act_begin(a, OP_XSTATS, it->event);
		do_xstats(port, it->event);
		break;
	case OP_INFO:
		act_begin(a, OP_INFO, it->event);
		do_info(port, it->event);
		break;
	case OP_DRILL:
		act_begin(a, OP_DRILL, it->event);
		ret = rte_pmd_manafo_drill_start(port, it->a);
		/* Busy, no synthetic link or a stopped port are answers, not errors. */
		if (ret != 0 && ret != -EBUSY && ret != -ENOLINK && ret != -EINVAL)
			ctl_error(it->event, "rte_pmd_manafo_drill_start", ret);
		break;
	default:
		break;
	}
	pthread_rwlock_unlock(&S.life);
}

static const enum rte_eth_event_type raw_type[] = {
	[OP_RAW_RECOVERING] = RTE_ETH_EVENT_ERR_RECOVERING,
	[OP_RAW_SUCCESS] = RTE_ETH_EVENT_RECOVERY_SUCCESS,
	[OP_RAW_FAILED] = RTE_ETH_EVENT_RECOVERY_FAILED,
	[OP_RAW_RMV] = RTE_ETH_EVENT_INTR_RMV,
};

/*
 * The VF port as manafo knows it, or RTE_MAX_ETHPORTS. Under S.life: only
 * the VF itself can take a VF port id again (the synthetic path keeps its
 * id until the port is re-created). manafo may be closing the VF right now
 * (it gives a VF up on its control thread): see BUG-7 in RELIABILITY.md.
 */
static uint16_t
vf_port_now(void)
{
	return state_of(cur_port()).vf.port_id;
}

static void
raw_run(struct actor *a, const struct item *it)
{
	uint16_t vf;

	pthread_rwlock_rdlock(&S.life);
	act_begin(a, (enum op)it->op, it->event);
	vf = vf_port_now();
	if (vf == RTE_MAX_ETHPORTS) {
		__atomic_fetch_add(&S.raw_noport, 1, __ATOMIC_RELAXED);
	} else if (it->op == OP_RAW_PAIR) {
		rte_eth_dev_callback_process(&rte_eth_devices[vf], RTE_ETH_EVENT_ERR_RECOVERING, NULL);
		sleep_us(it->a * 1000);
		rte_eth_dev_callback_process(&rte_eth_devices[vf], RTE_ETH_EVENT_RECOVERY_SUCCESS,
					     NULL);
		__atomic_fetch_add(&S.raw_sent, 2, __ATOMIC_RELAXED);
	} else {
		rte_eth_dev_callback_process(&rte_eth_devices[vf], raw_type[it->op], NULL);
		__atomic_fetch_add(&S.raw_sent, 1, __ATOMIC_RELAXED);
	}
	pthread_rwlock_unlock(&S.life);
}

static void
inject_run(struct actor *a, const struct item *it)
{
	static const enum rte_pmd_manasim_kind kinds[] = {
		[OP_INJ_RESET] = RTE_PMD_MANASIM_RESET_SUCCESS,
		[OP_INJ_FAILED] = RTE_PMD_MANASIM_RESET_FAILED,
		[OP_INJ_NESTED] = RTE_PMD_MANASIM_RESET_NESTED,
		[OP_INJ_REMOVE] = RTE_PMD_MANASIM_REMOVE,
		[OP_INJ_REMOVE_MON] = RTE_PMD_MANASIM_REMOVE,
		[OP_INJ_LSC] = RTE_PMD_MANASIM_LINK_FLAP,
		[OP_INJ_TXHANG] = RTE_PMD_MANASIM_TX_HANG,
	};
	struct rte_pmd_manasim_event ev;
	uint16_t vf;
	int ret;

	pthread_rwlock_rdlock(&S.life);
	act_begin(a, (enum op)it->op, it->event);
	vf = vf_port_now();
	ret = vf == RTE_MAX_ETHPORTS ? -ENODEV :
	      rte_pmd_manasim_event_init(vf, kinds[it->op], &ev);
	if (ret == 0) {
		ev.reset_ms = it->a;
		ev.return_ms = it->b;
		ev.monitor = it->op == OP_INJ_REMOVE_MON;
		if (it->op == OP_INJ_TXHANG) {
			ev.hang_queue = (int)(it->b % 3) - 1;
			ev.hang_kind = (it->b / 3) % 2 ? RTE_PMD_MANASIM_HANG_NOCOMPLETE :
							 RTE_PMD_MANASIM_HANG_REFUSE;
			ev.hang_scope = (it->b / 6) % 2 ? RTE_PMD_MANASIM_SCOPE_DEVICE :
							  RTE_PMD_MANASIM_SCOPE_QUEUE;
			ev.return_ms = 0;
		}
		ret = rte_pmd_manasim_inject(vf, &ev);
	}
	pthread_rwlock_unlock(&S.life);
	if (ret == 0)
		S.inj_ok++;
	else if (ret == -EBUSY)
		S.inj_busy++;
	else if (ret == -EIO || ret == -ENODEV ||
		 (ret == -EINVAL && it->op == OP_INJ_TXHANG))	/* queues not set up yet */
		S.inj_dead++;
	else {
		S.inj_other++;
		printf("     event %u: %s refused by manasim: %d (%s)\n", it->event, op_names[it->op],
		       ret, rte_strerror(-ret));
	}
	act_end(a);
}

static void
wq_init(struct wq *q, struct actor *a)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->m, NULL);
	pthread_cond_init(&q->c, NULL);
	q->actor = a;
}

static void
wq_push(struct wq *q, const struct item *it, struct actor *pusher)
{
	act_begin(pusher, OP_PUSH, it->event);
	pthread_mutex_lock(&q->m);
	while (q->count == WQ_SIZE)
		pthread_cond_wait(&q->c, &q->m);
	q->it[(q->head + q->count) % WQ_SIZE] = *it;
	q->count++;
	pthread_cond_broadcast(&q->c);
	pthread_mutex_unlock(&q->m);
	act_end(pusher);
}

static bool
wq_pop(struct wq *q, struct item *it)
{
	bool ok = false;

	pthread_mutex_lock(&q->m);
	while (q->count == 0 && !q->stop)
		pthread_cond_wait(&q->c, &q->m);
	if (q->count > 0) {
		*it = q->it[q->head];
		q->head = (q->head + 1) % WQ_SIZE;
		q->count--;
		ok = true;
		pthread_cond_broadcast(&q->c);
	}
	pthread_mutex_unlock(&q->m);
	return ok;
}

static void
wq_stop(struct wq *q)
{
	pthread_mutex_lock(&q->m);
	q->stop = true;
	pthread_cond_broadcast(&q->c);
	pthread_mutex_unlock(&q->m);
	pthread_join(q->th, NULL);
}

static void *
ctl_main(void *arg)
{
	struct wq *q = arg;
	struct item it;

	while (wq_pop(q, &it)) {
		count_op((enum op)it.op);
		ctl_run(q->actor, &it);
		act_end(q->actor);
	}
	return NULL;
}

static void *
raw_main(void *arg)
{
	struct wq *q = arg;
	struct item it;

	while (wq_pop(q, &it)) {
		count_op((enum op)it.op);
		raw_run(q->actor, &it);
		act_end(q->actor);
	}
	return NULL;
}

/* One storm event, a function of the generator state only. */
static void
draw(uint64_t *rs, uint32_t idx, struct item *it, int *target)
{
	uint32_t r = rnd_range(rs, 0, 999);

	memset(it, 0, sizeof(*it));
	it->event = idx;
	if (r < 380) {			/* VF events injected in manasim */
		*target = 0;
		r = rnd_range(rs, 0, 99);
		if (r < 30) {
			it->op = OP_INJ_RESET;
			it->a = rnd_range(rs, 2, 60);
		} else if (r < 40) {
			it->op = OP_INJ_FAILED;
			it->a = rnd_range(rs, 2, 40);
		} else if (r < 50) {
			it->op = OP_INJ_NESTED;
			it->a = rnd_range(rs, 4, 60);
		} else if (r < 60) {
			it->op = OP_INJ_REMOVE;
			it->a = rnd_range(rs, 1, 30);
			it->b = rnd_range(rs, 0, 120);
		} else if (r < 70) {
			it->op = OP_INJ_REMOVE_MON;
			it->a = rnd_range(rs, 1, 30);
			it->b = rnd_range(rs, 0, 120);
		} else if (r < 85) {
			it->op = OP_INJ_LSC;
			it->a = rnd_range(rs, 2, 60);
		} else {
			it->op = OP_INJ_TXHANG;
			it->a = 20;
			it->b = rnd_range(rs, 0, 11);
		}
	} else if (r < 530 && no_raw) {
		*target = 0;
		it->op = OP_INJ_RESET;
		it->a = rnd_range(rs, 2, 60);
	} else if (r < 530) {		/* raw ethdev events, two threads */
		*target = 1 + (int)rnd_range(rs, 0, 1);
		r = rnd_range(rs, 0, 99);
		it->op = r < 35 ? OP_RAW_RECOVERING : r < 60 ? OP_RAW_SUCCESS :
			 r < 70 ? OP_RAW_FAILED : r < 80 ? OP_RAW_RMV : OP_RAW_PAIR;
		it->a = rnd_range(rs, 0, 20);
	} else {			/* control calls, two threads */
		*target = 3 + (int)rnd_range(rs, 0, 1);
		r = rnd_range(rs, 0, 999);
		if (r < 110) {
			it->op = OP_RESTART;
			it->b = rnd_range(rs, 0, 5);
		} else if (r < 200) {
			static const uint16_t descs[] = { 256, 512, 1024 };

			it->op = OP_RECONFIGURE;
			it->a = descs[rnd_range(rs, 0, 2)];
			it->b = rnd_range(rs, 0, 3);
		} else if (r < 320) {
			static const uint16_t mtus[] = { 1280, 1400, 1500, 2000 };

			it->op = OP_MTU;
			it->a = mtus[rnd_range(rs, 0, 3)];
		} else if (r < 420) {
			it->op = OP_PROMISC;
			it->a = rnd_range(rs, 0, 1);
		} else if (r < 500) {
			it->op = OP_ALLMULTI;
			it->a = rnd_range(rs, 0, 1);
		} else if (r < 680) {
			it->op = OP_STATS;
		} else if (r < 800) {
			it->op = OP_XSTATS;
		} else if (r < 920) {
			it->op = OP_INFO;
		} else if (r < 985) {
			it->op = OP_DRILL;
			it->a = rnd_range(rs, 1, 40);
		} else {
			it->op = OP_RECREATE;
		}
	}
}

static bool
stable(void)
{
	struct rte_pmd_manafo_state st = state_of(cur_port());
	struct rte_pmd_manasim_info vi;

	if (!st.started || st.drill_running || st.synth.state != RTE_PMD_MANAFO_SUB_ACTIVE)
		return false;
	if (st.vf.state == RTE_PMD_MANAFO_SUB_ACTIVE)
		return st.tx_path == RTE_PMD_MANAFO_PATH_VF &&
		       rte_pmd_manasim_info_get(st.vf.port_id, &vi) == 0 && !vi.event_busy &&
		       vi.tx_hung_mask == 0;
	/* Absent only while manasim keeps the VF's name away. */
	return st.vf.state == RTE_PMD_MANAFO_SUB_ABSENT &&
	       st.tx_path == RTE_PMD_MANAFO_PATH_SYNTH &&
	       rte_pmd_manasim_name_available(S.e.vfname, NULL) == 0;
}

static void
final_checks(uint64_t accepted)
{
	struct rte_pmd_manafo_state st = state_of(cur_port());
	struct rte_pmd_manasim_info vi, si;
	struct rte_eth_stats s;
	uint16_t port = cur_port(), vfmtu = 0, mtu = 0;
	unsigned int v = 0, y = 0, sent = 0, q;
	char name[RTE_ETH_NAME_MAX_LEN] = "";

	printf("-- final state: port %u started %d, VF %u %s, synth %u %s, TX on %s\n", port,
	       st.started, st.vf.port_id,
	       st.vf.state == RTE_PMD_MANAFO_SUB_ACTIVE ? "active" :
	       st.vf.state == RTE_PMD_MANAFO_SUB_ABSENT ? "absent" : "other",
	       st.synth.port_id, st.synth.state == RTE_PMD_MANAFO_SUB_ACTIVE ? "active" : "other",
	       st.tx_path == RTE_PMD_MANAFO_PATH_VF ? "vf" :
	       st.tx_path == RTE_PMD_MANAFO_PATH_SYNTH ? "synth" : "none");
	CHECK(st.started, "the port is started at the end");
	CHECK(st.synth.state == RTE_PMD_MANAFO_SUB_ACTIVE &&
	      rte_pmd_manasim_info_get(st.synth.port_id, &si) == 0 &&
	      si.state == RTE_PMD_MANASIM_ST_READY && si.started,
	      "synthetic path active in manafo, ready and started in manasim");
	if (st.vf.state == RTE_PMD_MANAFO_SUB_ACTIVE) {
		rte_eth_dev_get_name_by_port(st.vf.port_id, name);
		CHECK(strcmp(name, S.e.vfname) == 0 &&
		      rte_pmd_manasim_info_get(st.vf.port_id, &vi) == 0 &&
		      vi.state == RTE_PMD_MANASIM_ST_READY && vi.started && vi.link_up &&
		      vi.tx_hung_mask == 0 && !vi.event_busy,
		      "VF active in manafo (port %u, %s), ready, started, link up, no hung queue "
		      "in manasim", st.vf.port_id, name);
		CHECK(st.tx_path == RTE_PMD_MANAFO_PATH_VF, "TX on the VF");
		rte_eth_dev_get_mtu(port, &mtu);
		rte_eth_dev_get_mtu(st.vf.port_id, &vfmtu);
		CHECK(mtu == vfmtu, "the VF has the port's MTU (%u, %u)", vfmtu, mtu);
		CHECK(rte_eth_promiscuous_get(st.synth.port_id) == rte_eth_promiscuous_get(port),
		      "the synthetic path has the port's promiscuous mode");
	} else {
		CHECK(st.vf.state == RTE_PMD_MANAFO_SUB_ABSENT &&
		      st.tx_path == RTE_PMD_MANAFO_PATH_SYNTH &&
		      rte_pmd_manasim_name_available(S.e.vfname, NULL) == 0,
		      "VF absent in manafo and away in manasim, TX on the synthetic path");
	}
	drain_all(&S.e);
	for (q = 0; q < NBQ; q++)
		sent += offer(port, (uint16_t)q, BURST);
	for (q = 0; q < NBQ; q++) {
		v += drain_wire(S.e.vfwire, "tx", (uint16_t)q);
		y += drain_wire(S.e.sywire, "tx", (uint16_t)q);
	}
	CHECK(sent == NBQ * BURST && (st.tx_path == RTE_PMD_MANAFO_PATH_VF ? v : y) == sent,
	      "%u packets offered on %u queues: %u accepted, %u on the VF wire, %u on the synthetic "
	      "wire", NBQ * BURST, NBQ, sent, v, y);
	accepted += sent;
	rte_eth_stats_get(port, &s);
	CHECK(s.opackets <= accepted, "port opackets %" PRIu64 " <= %" PRIu64 " accepted since "
	      "the last re-create", s.opackets, accepted);
	check_monotonic(port, nb_events);
	CHECK(st.tx_refused + S.sum_refused == 0, "no packet refused for want of a path (%" PRIu64
	      ")", st.tx_refused + S.sum_refused);
}

static int
run_storm(void)
{
	struct wq queues[5];
	struct actor *director, *host_actor;
	pthread_t host;
	uint64_t rs = seed, t0, accepted = 0, offered = 0, received = 0;
	unsigned int lcore, i;
	struct resources before;
	pthread_rwlockattr_t attr;
	int ret;

	printf("-- storm: %u events, seed %" PRIu64 " (reproduce: -- storm --seed %" PRIu64
	       " --events %u)\n", nb_events, seed, seed, nb_events);
	if (rte_lcore_count() < 3) {
		printf("FAIL storm needs 3 lcores (EAL --lcores 0@0,1@1,2@1)\n");
		return 1;
	}
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&S.life, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&S.cfg, NULL);
	pthread_mutex_init(&S.stats_lock, NULL);
	env_names(&S.e, "st", true, "hotplug_poll_ms=20,recovery_timeout_ms=400,tx_timeout_ms=30");
	/* Warm up: the first port creates the wire rings, which stay. */
	if (env_create(&S.e, true) != 0 || env_destroy(&S.e) != 0) {
		CHECK(0, "storm port created");
		return 1;
	}
	drain_all(&S.e);
	before = resources();
	if (env_create(&S.e, true) != 0) {
		CHECK(0, "storm port created");
		return 1;
	}
	S.port = S.e.port;

	director = actor_new("director");
	host_actor = actor_new("host");
	for (i = 0; i < 5; i++) {
		static const char *const names[] = { "inject", "raw-1", "raw-2", "ctl-A", "ctl-B" };

		wq_init(&queues[i], actor_new(names[i]));
	}
	for (i = 0; i < NBQ; i++)
		S.lcore_actor[i] = actor_new(i ? "lcore-2" : "lcore-1");
	watchdog_start();
	pthread_create(&host, NULL, host_main, host_actor);
	for (i = 1; i < 5; i++)
		pthread_create(&queues[i].th, NULL, i < 3 ? raw_main : ctl_main, &queues[i]);
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == NBQ)
			break;
		rte_eal_remote_launch(traffic_lcore, (void *)(uintptr_t)i, lcore);
		i++;
	}

	t0 = now_ms();
	for (i = 0; i < nb_events && !__atomic_load_n(&S.traffic_stop, __ATOMIC_SEQ_CST); i++) {
		struct item it;
		int target;

		draw(&rs, i, &it, &target);
		if (target == 0) {
			count_op((enum op)it.op);
			inject_run(queues[0].actor, &it);
		} else {
			wq_push(&queues[target], &it, director);
		}
		/* Now and then a quiet spell: timeouts, the TX watchdog, hold-downs. */
		if (rnd_range(&rs, 0, 99) < 3)
			sleep_us(rnd_range(&rs, 40000, 120000));
		else
			sleep_us(rnd_range(&rs, 0, 8000));
		if ((i + 1) % 1000 == 0)
			printf("     %u events in %" PRIu64 " ms\n", i + 1, now_ms() - t0);
	}
	for (i = 1; i < 5; i++)
		wq_stop(&queues[i]);
	printf("     %u events played in %" PRIu64 " ms; quiescing\n", nb_events, now_ms() - t0);

	/* Quiesce: the port started, every reset over, the VF back or away. */
	act_begin(director, OP_QUIESCE, nb_events);
	pthread_rwlock_rdlock(&S.life);
	if (!state_of(cur_port()).started) {
		gate_close(director, nb_events);
		ret = rte_eth_dev_start(cur_port());
		gate_open();
		CHECK(ret == 0, "start the port for the final checks");
	}
	pthread_rwlock_unlock(&S.life);
	{
		uint64_t end = now_ms() + 15000, stable_since = 0;

		while (now_ms() < end) {
			if (!stable())
				stable_since = 0;
			else if (stable_since == 0)
				stable_since = now_ms();
			else if (now_ms() - stable_since >= 300)
				break;
			sleep_us(10000);
		}
		CHECK(stable_since != 0, "quiesced within 15 s (stable for 300 ms)");
	}
	act_end(director);
	__atomic_store_n(&S.traffic_stop, 1, __ATOMIC_SEQ_CST);
	rte_eal_mp_wait_lcore();
	for (i = 0; i < NBQ; i++)
		while (!__atomic_load_n(&S.lcore_done[i], __ATOMIC_ACQUIRE))
			sleep_us(100);
	__atomic_store_n(&host_stop, 1, __ATOMIC_RELEASE);
	pthread_join(host, NULL);
	for (i = 0; i < NBQ; i++) {
		accepted += __atomic_load_n(&S.accepted[i], __ATOMIC_ACQUIRE);
		offered += __atomic_load_n(&S.offered[i], __ATOMIC_ACQUIRE);
		received += __atomic_load_n(&S.received[i], __ATOMIC_ACQUIRE);
	}
	final_checks(accepted);
	CHECK(S.ctl_errors == 0, "no control call failed (%" PRIu64 ")", S.ctl_errors);
	CHECK(S.monotonic_errors == 0, "counters never went backwards (%" PRIu64 " violations)",
	      S.monotonic_errors);
	{
		struct rte_pmd_manafo_state st = state_of(cur_port());

		printf("-- storm figures (seed %" PRIu64 "): %u events in %" PRIu64 " ms\n"
		       "     manasim injections: %" PRIu64 " accepted, %" PRIu64 " busy, %" PRIu64
		       " on a dead/absent/unconfigured VF, %" PRIu64 " other\n"
		       "     raw ethdev events: %" PRIu64 " delivered, %" PRIu64 " with no VF\n",
		       seed, nb_events, now_ms() - t0, S.inj_ok, S.inj_busy, S.inj_dead,
		       S.inj_other, S.raw_sent, S.raw_noport);
		printf("     control calls:");
		for (i = OP_RESTART; i <= OP_RECREATE; i++)
			printf(" %s %" PRIu64 ",", op_names[i], S.ops[i]);
		printf("\n     manafo saw: %" PRIu64 " failovers, %" PRIu64 " resets, %" PRIu64
		       " removals, %" PRIu64 " returns, %" PRIu64 " TX hangs\n",
		       S.sum_failovers + st.failovers, S.sum_resets + st.vf_resets,
		       S.sum_removals + st.vf_removals, S.sum_returns + st.vf_returns,
		       S.sum_hangs + st.tx_hangs);
		printf("     traffic: %" PRIu64 " packets offered, %" PRIu64 " received\n", offered,
		       received);
	}
	watchdog_end();
	CHECK(env_destroy(&S.e) == 0, "port closed and destroyed");
	drain_all(&S.e);
	check_resources("storm", &before);
	return 0;
}

/* ---- churn -------------------------------------------------------------- */

static int
returns_reach(uint16_t port, uint64_t n)
{
	struct rte_pmd_manafo_state st = state_of(port);

	return st.vf_returns >= n && st.tx_path == RTE_PMD_MANAFO_PATH_VF;
}

static int
run_churn(unsigned int cycles)
{
	struct actor *me = actor_new("churn");
	struct rte_eth_stats s;
	struct resources before;
	uint64_t last = 0, accepted = 0, t0;
	unsigned int i, returned = 0, monotonic = 1, on_vf = 0;
	struct env e;
	uint16_t q;

	printf("-- churn: %u VF removal/return cycles with traffic\n", cycles);
	env_names(&e, "ch", true, "hotplug_poll_ms=5");
	/* Warm up: the first port creates the wire rings, which stay. */
	if (env_create(&e, true) != 0 || env_destroy(&e) != 0) {
		CHECK(0, "churn port created");
		return 1;
	}
	drain_all(&e);
	watchdog_start();
	before = resources();
	if (env_create(&e, true) != 0) {
		CHECK(0, "churn port created");
		watchdog_end();
		return 1;
	}
	t0 = now_ms();
	for (i = 1; i <= cycles; i++) {
		uint16_t vf = state_of(e.port).vf.port_id;
		uint64_t end = now_ms() + 2000;

		act_begin(me, OP_EVENT, i);
		for (q = 0; q < NBQ; q++)
			accepted += offer(e.port, q, BURST);
		if (inject(vf, RTE_PMD_MANASIM_REMOVE, 1, i % 3 == 0 ? 0 : (int64_t)(i % 7),
			   (int)(i & 1)) != 0) {
			CHECK(0, "cycle %u: removal injected", i);
			break;
		}
		while (state_of(e.port).vf.state != RTE_PMD_MANAFO_SUB_ABSENT && now_ms() < end) {
			accepted += offer(e.port, 0, 8);
			sleep_us(200);
		}
		for (q = 0; q < NBQ; q++)
			accepted += offer(e.port, q, BURST);
		act_begin(me, OP_WAIT, i);
		end = now_ms() + 5000;
		while (!returns_reach(e.port, i) && now_ms() < end)
			sleep_us(500);
		returned += returns_reach(e.port, i);
		for (q = 0; q < NBQ; q++)
			accepted += offer(e.port, q, BURST);
		for (q = 0; q < NBQ; q++)
			on_vf += drain_wire(e.vfwire, "tx", q) > 0;
		drain_all(&e);
		rte_eth_stats_get(e.port, &s);
		if (s.opackets < last)
			monotonic = 0;
		last = s.opackets;
		act_end(me);
		if (i % 100 == 0)
			printf("     %u cycles in %" PRIu64 " ms\n", i, now_ms() - t0);
	}
	CHECK(returned == cycles && on_vf == cycles * NBQ,
	      "%u of %u cycles: VF removed, returned, TX back on it (%u of %u queues) in %" PRIu64
	      " ms", returned, cycles, on_vf, cycles * NBQ, now_ms() - t0);
	CHECK(monotonic && last == accepted, "port opackets monotonic and exact (%" PRIu64 " of %"
	      PRIu64 ")", last, accepted);
	CHECK(state_of(e.port).vf_removals == cycles && state_of(e.port).tx_refused == 0,
	      "%" PRIu64 " removals counted, %" PRIu64 " packets refused",
	      state_of(e.port).vf_removals, state_of(e.port).tx_refused);
	act_begin(me, OP_DESTROY, i);
	CHECK(env_destroy(&e) == 0, "port closed and destroyed");
	act_end(me);
	drain_all(&e);
	check_resources("churn", &before);
	watchdog_end();
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

/* What is in flight when the port closes, by cycle. */
enum lc_case {
	LC_QUIET, LC_RESET, LC_REMOVE, LC_DRILL, LC_RAW_RECOVERING, LC_NB,
};

static int lc_only = -1;	/* --case N: every cycle plays case N */
static bool lc_hammer;		/* --hammer: link events on every port all along */
static int hammer_stop;

/*
 * Link events on the first ports, from a thread of their own, all the time:
 * ethdev callbacks are running whenever a port closes. (DPDK 22.11 can then
 * report an RTE_ETH_ALL unregistration done while a callback stays behind.)
 */
static void *
hammer_main(void *arg __rte_unused)
{
	uint16_t p;

	while (!__atomic_load_n(&hammer_stop, __ATOMIC_ACQUIRE))
		for (p = 0; p < 4; p++)
			/* A slot never allocated has no data to hand to the callback. */
			if (__atomic_load_n(&rte_eth_devices[p].data, __ATOMIC_ACQUIRE) != NULL)
				rte_eth_dev_callback_process(&rte_eth_devices[p],
							     RTE_ETH_EVENT_INTR_LSC, NULL);
	return NULL;
}
static unsigned int lc_jitter_us;	/* --jitter-us U: random pause before the close */

/* The pause between an event and the close: fixed, or random with --jitter-us. */
static void
lifecycle_pause(uint64_t *rs, unsigned int us)
{
	sleep_us(lc_jitter_us != 0 ? (unsigned int)(rnd(rs) % lc_jitter_us) : us);
}

static void
lifecycle_event(enum lc_case c, unsigned int i, uint16_t port, uint16_t vf, uint64_t *rs)
{
	switch (c) {
	case LC_RESET:
		inject(vf, RTE_PMD_MANASIM_RESET_SUCCESS, 50, 0, 0);
		lifecycle_pause(rs, 5000);
		break;
	case LC_REMOVE:
		/* Odd cycles: with the device-event monitor (ADD, REMOVE events). */
		inject(vf, RTE_PMD_MANASIM_REMOVE, 1, 0, (int)(i & 1));
		lifecycle_pause(rs, 3000);
		break;
	case LC_DRILL:
		rte_pmd_manafo_drill_start(port, 100);
		lifecycle_pause(rs, 0);
		break;
	case LC_RAW_RECOVERING:
		rte_eth_dev_callback_process(&rte_eth_devices[vf], RTE_ETH_EVENT_ERR_RECOVERING,
					     NULL);
		lifecycle_pause(rs, 0);
		break;
	default:
		lifecycle_pause(rs, 0);
		break;
	}
}

static int
run_lifecycle(unsigned int cycles)
{
	struct actor *me = actor_new("lifecycle");
	uint64_t rs = seed, t0;
	pthread_t hammer;
	struct resources before;
	unsigned int i, ok = 0, q;
	struct env e;

	printf("-- lifecycle: %u create/configure/start/stop/close/destroy cycles\n", cycles);
	env_names(&e, "lc", true, "hotplug_poll_ms=5,recovery_timeout_ms=200");
	if (env_create(&e, true) != 0 || env_destroy(&e) != 0) {
		CHECK(0, "lifecycle port created");
		return 1;
	}
	drain_all(&e);
	watchdog_start();
	if (lc_hammer)
		pthread_create(&hammer, NULL, hammer_main, NULL);
	before = resources();
	t0 = now_ms();
	for (i = 0; i < cycles; i++) {
		enum lc_case c = lc_only >= 0 ? (enum lc_case)lc_only : (enum lc_case)(i % LC_NB);
		uint16_t vf;
		int ret;

		act_begin(me, OP_CREATE, i);
		ret = env_create(&e, true);
		act_end(me);
		if (ret != 0)
			break;
		for (q = 0; q < NBQ; q++)
			offer(e.port, (uint16_t)q, BURST);
		vf = state_of(e.port).vf.port_id;
		act_begin(me, OP_EVENT, i);
		lifecycle_event(c, i, e.port, vf, &rs);
		act_end(me);
		for (q = 0; q < NBQ; q++)
			offer(e.port, (uint16_t)q, BURST);
		act_begin(me, OP_DESTROY, i);
		ret = env_destroy(&e);
		act_end(me);
		drain_all(&e);
		if (ret != 0) {
			CHECK(0, "cycle %u: destroy returned %d", i, ret);
			break;
		}
		ok++;
		if ((i + 1) % 50 == 0)
			printf("     %u cycles in %" PRIu64 " ms\n", i + 1, now_ms() - t0);
	}
	CHECK(ok == cycles, "%u of %u create/destroy cycles in %" PRIu64 " ms", ok, cycles,
	      now_ms() - t0);
	/* A removal in the last cycle keeps the name away for a moment. */
	sleep_us(20000);
	check_resources("lifecycle", &before);
	if (lc_hammer) {
		__atomic_store_n(&hammer_stop, 1, __ATOMIC_RELEASE);
		pthread_join(hammer, NULL);
	}
	watchdog_end();
	return 0;
}

/* ---- driver bugs found by the storm, kept as regression tests ------------ */

static int
wait_until(uint16_t port, enum rte_pmd_manafo_path path, enum rte_pmd_manafo_sub_state vf_st,
	   unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	for (;;) {
		struct rte_pmd_manafo_state st = state_of(port);

		if (st.tx_path == path && st.vf.state == vf_st)
			return 1;
		if (now_ms() > end)
			return 0;
		sleep_us(1000);
	}
}

/*
 * BUG-1/BUG-2 (RELIABILITY.md, fixed in f92d13a): an out-of-order
 * RECOVERY_SUCCESS during a real reset (design §3: harmless) lets manafo
 * replay a reconfiguration onto the VF: its stop aborts the VF's recovery
 * (MANA joins its reset thread), the VF is dead (-EIO) and no RECOVERY_*
 * follows. Expected: the application's calls still succeed (the synthetic
 * path took them) and manafo gives the dead VF up and re-probes it.
 */
static void
repro_success_during_reset(void)
{
	struct rte_pmd_manasim_info vi;
	struct env e;
	uint16_t vf;

	printf("-- regression: RECOVERY_SUCCESS during a reset, then a replay that finds the VF "
	       "dead\n");
	env_names(&e, "r1", true, "hotplug_poll_ms=20,recovery_timeout_ms=400");
	if (env_create(&e, true) != 0)
		return;
	vf = state_of(e.port).vf.port_id;
	CHECK(inject(vf, RTE_PMD_MANASIM_RESET_SUCCESS, 1000, 0, 0) == 0, "1 s reset injected");
	CHECK(wait_until(e.port, RTE_PMD_MANAFO_PATH_SYNTH, RTE_PMD_MANAFO_SUB_STANDBY, 1000),
	      "TX on the synthetic path");
	/* The application reconfigures the port during the reset: recorded, dirty. */
	CHECK(rte_eth_dev_stop(e.port) == 0 && port_setup(e.port, 512, true) == 0,
	      "stop + configure + queue setup + start during the reset");
	rte_eth_dev_callback_process(&rte_eth_devices[vf], RTE_ETH_EVENT_RECOVERY_SUCCESS, NULL);
	sleep_us(100000);
	CHECK(rte_pmd_manasim_info_get(vf, &vi) == 0, "manasim VF state: %s",
	      rte_pmd_manasim_state_name(vi.state));
	/* BUG-1: the dead VF's -EIO reaches the application, the port is unconfigured. */
	{
		int r1 = rte_eth_dev_stop(e.port), r2 = port_setup(e.port, 512, true);

		CHECK(r1 == 0 && r2 == 0, "the application reconfigures the port: stop %d, "
		      "configure + queue setup + start %d (want 0: the synthetic path took it)",
		      r1, r2);
	}
	CHECK(wait_until(e.port, RTE_PMD_MANAFO_PATH_VF, RTE_PMD_MANAFO_SUB_ACTIVE, 3000),
	      "within 3 s: the dead VF given up, re-probed, TX back on it (VF %s, TX on %s)",
	      state_of(e.port).vf.state == RTE_PMD_MANAFO_SUB_STANDBY ? "standby" : "not standby",
	      state_of(e.port).tx_path == RTE_PMD_MANAFO_PATH_VF ? "vf" : "synth");
	env_destroy(&e);
	drain_all(&e);
}

/*
 * BUG-5 (RELIABILITY.md), for TSan: a monitoring thread reads the port
 * (rte_pmd_manafo_state_get, as /manafo/info does) while the application
 * sets a queue up again, which releases the old one. Nothing to check here
 * without TSan; with it, any report fails the run.
 */
static int reader_stop;

static void *
state_reader(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_pmd_manafo_state st;

	while (!__atomic_load_n(&reader_stop, __ATOMIC_ACQUIRE))
		rte_pmd_manafo_state_get(port, &st);
	return NULL;
}

static void
race_queue_release(void)
{
	pthread_t th;
	struct env e;
	unsigned int i, ok = 0;

	printf("-- races: state reads while the stopped port's queues are set up again\n");
	env_names(&e, "rq", false, "");
	if (env_create(&e, false) != 0)
		return;
	pthread_create(&th, NULL, state_reader, &e.port);
	for (i = 0; i < 5000; i++)
		ok += rte_eth_rx_queue_setup(e.port, 0, 512, 0, NULL, mp) == 0 &&
		      rte_eth_tx_queue_setup(e.port, 0, 512, 0, NULL) == 0;
	__atomic_store_n(&reader_stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK(ok == 5000, "5000 queue setups during state reads");
	env_destroy(&e);
}

/*
 * BUG-8 (RELIABILITY.md), for TSan: the application configures the stopped
 * port again while the control thread replays the configuration onto the
 * VF (here after an INTR_RESET): rte_eth_dev_configure() rewrites
 * dev->data->dev_conf outside manafo's lock, the replay reads it. One
 * configure in three has no RX queue: ethdev then releases the RX queues
 * and frees its queue array before manafo's op runs, while the replay sets
 * the queues up again.
 */
static void *
configurer(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_eth_conf conf;
	unsigned int i = 0;

	while (!__atomic_load_n(&reader_stop, __ATOMIC_ACQUIRE)) {
		memset(&conf, 0, sizeof(conf));
		conf.intr_conf.lsc = 1;
		if (i & 1) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
		}
		rte_eth_dev_configure(port, i % 3 == 2 ? 0 : NBQ, NBQ, &conf);
		if (i++ % 3 != 2)
			rte_eth_rx_queue_setup(port, 0, 512, 0, NULL, mp);
		sleep_us(100);
	}
	return NULL;
}

static void
race_configure_replay(void)
{
	pthread_t th;
	struct env e;
	uint16_t vf;
	unsigned int i;

	printf("-- races: the stopped port configured again while the VF is reset and replayed\n");
	env_names(&e, "rc", false, "");
	if (env_create(&e, false) != 0)
		return;
	vf = state_of(e.port).vf.port_id;
	__atomic_store_n(&reader_stop, 0, __ATOMIC_RELEASE);
	pthread_create(&th, NULL, configurer, &e.port);
	for (i = 0; i < 100; i++) {
		rte_eth_dev_callback_process(&rte_eth_devices[vf], RTE_ETH_EVENT_INTR_RESET, NULL);
		sleep_us(3000);
		vf = state_of(e.port).vf.port_id;
		if (vf >= RTE_MAX_ETHPORTS)
			break;
	}
	__atomic_store_n(&reader_stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK(i == 100, "100 VF resets during configures (%u)", i);
	env_destroy(&e);
}

/*
 * BUG-7 (RELIABILITY.md), for TSan and ASan: a thread calls the manasim API
 * on the VF port (as a drill through /manasim/inject or /manasim/info does)
 * while manafo closes that VF on its control thread: every removal gives
 * the VF up (rte_eth_dev_close) and the return probes a new one. The API
 * must find the port and hold it, or not find it (-ENODEV); it never reads
 * what the close frees or clears.
 */
static void *
manasim_prober(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manasim_event ev;
	struct rte_pmd_manasim_info info;
	uint16_t vf;
	unsigned int i = 0;

	while (!__atomic_load_n(&reader_stop, __ATOMIC_ACQUIRE)) {
		vf = state_of(port).vf.port_id;
		if (vf >= RTE_MAX_ETHPORTS) {
			sleep_us(50);
			continue;
		}
		rte_pmd_manasim_info_get(vf, &info);
		rte_pmd_manasim_counters_get(vf, &c);
		rte_pmd_manasim_is_resetting(vf);
		/* A TX hang on queue 0: its check reads the queue that close finalises. */
		if (rte_pmd_manasim_event_init(vf, RTE_PMD_MANASIM_TX_HANG, &ev) == 0) {
			ev.hang_queue = 0;
			ev.delay_ms = i++ % 3;
			rte_pmd_manasim_inject(vf, &ev);
		}
	}
	return NULL;
}

static void
race_api_close(void)
{
	unsigned int i, returned = 0;
	pthread_t th;
	struct env e;
	uint16_t vf;
	int ret;

	printf("-- races: manasim API calls on the VF while manafo closes and re-probes it\n");
	env_names(&e, "ra", false, "hotplug_poll_ms=5");
	if (env_create(&e, true) != 0)
		return;
	__atomic_store_n(&reader_stop, 0, __ATOMIC_RELEASE);
	pthread_create(&th, NULL, manasim_prober, &e.port);
	for (i = 1; i <= 50; i++) {
		uint64_t end = now_ms() + 5000;

		/* -EBUSY while the prober's TX hang is being played: try again. */
		do {
			vf = state_of(e.port).vf.port_id;
			ret = vf < RTE_MAX_ETHPORTS ?
			      inject(vf, RTE_PMD_MANASIM_REMOVE, 1, 0, (int)(i & 1)) : -ENODEV;
		} while (ret == -EBUSY && now_ms() < end);
		if (ret != 0) {
			printf("     cycle %u: removal not injected: %d\n", i, ret);
			break;
		}
		while (!returns_reach(e.port, i) && now_ms() < end)
			sleep_us(500);
		if (!returns_reach(e.port, i))
			break;
		returned++;
	}
	__atomic_store_n(&reader_stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK(returned == 50, "50 VF closes and returns during manasim API calls (%u)", returned);
	env_destroy(&e);
}

/* ---- main --------------------------------------------------------------- */

static int
usage(void)
{
	printf("usage: manafo-test-storm <EAL args> -- storm|churn|lifecycle|regress|races\n"
	       "       [--seed S (0: from the clock)] [--events N] [--cycles N] [--stall-s S] "
	       "[--no-raw]\n"
	       "       lifecycle: [--case 0-%d (quiet, reset, removal, drill, raw "
	       "ERR_RECOVERING)] [--jitter-us U (random pause before the close)]\n"
	       "                  [--hammer (link events on ports 0-3 all along)]\n",
	       LC_NB - 1);
	return 2;
}

int
main(int argc, char **argv)
{
	unsigned int cycles = 100;
	bool seed_given = false;
	int n = rte_eal_init(argc, argv), i;

	if (n < 0)
		return 1;
	argc -= n;
	argv += n;
	nb_events = 300;
	seed = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
			seed_given = true;
		} else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
			nb_events = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc) {
			cycles = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			lc_only = (int)strtol(argv[++i], NULL, 0);
			if (lc_only < 0 || lc_only >= LC_NB)
				return usage();
		} else if (strcmp(argv[i], "--hammer") == 0) {
			lc_hammer = true;
		} else if (strcmp(argv[i], "--jitter-us") == 0 && i + 1 < argc) {
			lc_jitter_us = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--no-raw") == 0) {
			no_raw = true;
		} else if (strcmp(argv[i], "--stall-s") == 0 && i + 1 < argc) {
			stall_s = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (argv[i][0] != '-') {
			mode = argv[i];
		} else {
			return usage();
		}
	}
	if (seed_given && seed == 0)
		seed = now_ns() ^ ((uint64_t)getpid() << 32);
	setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef STORM_TSAN
	/* A mempool driver compiled with TSan (tsan_shim.c). */
	mp = rte_pktmbuf_pool_create_by_ops("storm_mp", NB_MBUFS, 256, 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE, 0, "storm_tsan");
#else
	mp = rte_pktmbuf_pool_create("storm_mp", NB_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
#endif
	if (mp == NULL)
		return 1;
	if (strcmp(mode, "storm") == 0)
		run_storm();
	else if (strcmp(mode, "churn") == 0)
		run_churn(cycles);
	else if (strcmp(mode, "lifecycle") == 0)
		run_lifecycle(cycles);
	else if (strcmp(mode, "regress") == 0)
		repro_success_during_reset();
	else if (strcmp(mode, "races") == 0) {
		race_queue_release();
		race_configure_replay();
		race_api_close();
	}
	else
		return usage();
	rte_mempool_free(mp);
	rte_eal_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	if (failed)
		printf("reproduce: <EAL args> -- %s --seed %" PRIu64 " --events %u --cycles %u\n",
		       mode, seed, nb_events, cycles);
	return failed ? 1 : 0;
}
