/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * One port under test, in a child process of its own (see main.c): EAL,
 * then each scenario in turn against a fresh port, each result sent to the
 * parent through a pipe as soon as it is known.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_string_fns.h>

#include "drill.h"
#include "rte_pmd_manafo.h"

#define POOL_SIZE	131071
#define POOL_DATA	(RTE_PKTMBUF_HEADROOM + 256)
#define READY_MS	3000

/* Run-wide flags and the monitor, shared by the threads of a run. */
volatile int drill_host_stop;
volatile int drill_gen_stop;
volatile int drill_app_stop;
struct monitor *drill_mon;

static struct rte_mempool *pool;
static uint32_t run_counter;

/* ---- one run -------------------------------------------------------------------- */

static bool
vf_ready(const struct drill_port *p, const struct monitor *m)
{
	struct rte_pmd_manafo_state st;
	struct rte_pmd_manasim_info info;
	uint16_t vf = port_vf(p);

	if (vf >= RTE_MAX_ETHPORTS || rte_pmd_manasim_info_get(vf, &info) != 0 ||
	    info.state != RTE_PMD_MANASIM_ST_READY || !info.started)
		return false;
	RTE_SET_USED(m);
	if (p->peer != PEER_MANAFO)
		return true;
	return rte_pmd_manafo_state_get(p->port_id, &st) == 0 &&
	       st.tx_path == RTE_PMD_MANAFO_PATH_VF;
}

static int
wait_ready(const struct drill_port *p, const struct monitor *m, struct actor *a)
{
	uint64_t end = rte_get_tsc_cycles() + us_tsc(READY_MS * 1000);

	actor_doing(a, "waiting for the VF to carry traffic", p->port_id, -1);
	while (!vf_ready(p, m)) {
		if (rte_get_tsc_cycles() > end)
			return -ETIMEDOUT;
		actor_beat(a);
		sleep_us(1000);
	}
	return 0;
}

static void
print_evl(const struct monitor *m, uint64_t t0)
{
	uint32_t n = RTE_MIN(m->evl_n, m->evl_cap), i;

	printf("\n  VF events seen by the drill:\n");
	for (i = 0; i < n; i++)
		printf("  %10.3f ms  port %u  %s\n", tsc_ms(m->evl[i].tsc - t0), m->evl[i].port,
		       evl_name((enum evl_type)m->evl[i].type));
}

struct run_ctx {
	struct drill_port port;
	struct host host;
	struct app app;
	struct monitor mon;
	struct director dir;
	char label[96];
};

static int
run_setup(struct run_ctx *c, const struct drill_opts *o, enum drill_peer peer,
	  struct run_result *r)
{
	int ret;

	watchdog_deadline(rte_get_tsc_cycles() + us_tsc(60ULL * 1000000));
	actor_doing(&c->host.actor, "creating the port", -1, -1);
	ret = port_create(&c->port, peer, o, pool, r->error, sizeof(r->error));
	snprintf(r->devargs, sizeof(r->devargs), "%s,%s", c->port.name, c->port.args);
	r->synth = c->port.synth;
	strlcpy(r->tap_iface, c->port.tap_iface, sizeof(r->tap_iface));
	if (ret != 0)
		return ret;
	/*
	 * After the port's own: the host hears of an event once the port
	 * under test was told, so a packet the host sends after it is one the
	 * port could have steered.
	 */
	ret = monitor_callbacks_register(true);
	if (ret != 0) {
		snprintf(r->error, sizeof(r->error), "cannot register the event callbacks");
		return ret;
	}
	ret = host_init(&c->host, o, &c->port, pool, ++run_counter);
	if (ret == 0)
		ret = monitor_init(&c->mon, &c->port, o, &c->host, &c->app, c->label);
	if (ret != 0) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return ret;
	}
	actor_register(&c->host.actor, "host (main)");
	__atomic_store_n(&drill_mon, &c->mon, __ATOMIC_RELEASE);
	actor_doing(&c->host.actor, "rte_eth_dev_start", c->port.port_id, -1);
	ret = port_start(&c->port);
	if (ret == 0)
		ret = wait_ready(&c->port, &c->mon, &c->host.actor);
	if (ret != 0) {
		snprintf(r->error, sizeof(r->error), "%s did not start on the VF: %s",
			 c->port.name, rte_strerror(-ret));
		return ret;
	}
	return monitor_start(&c->mon);
}

static void
run_traffic(struct run_ctx *c, const struct drill_opts *o, const struct scenario *s,
	    struct run_result *r)
{
	uint64_t t0 = rte_get_tsc_cycles();

	c->host.t0 = t0;
	c->mon.t0 = t0;
	c->dir = (struct director){
		.o = o, .scn = s, .port = &c->port, .host = &c->host, .app = &c->app,
		.mon = &c->mon, .t0 = t0,
	};
	if (app_start(&c->app, o, c->port.port_id) != 0) {
		snprintf(r->error, sizeof(r->error), "cannot launch the forwarding lcores");
		return;
	}
	if (director_start(&c->dir) != 0) {
		snprintf(r->error, sizeof(r->error), "cannot start the director");
		drill_app_stop = 1;
		return;
	}
	host_run(&c->host);
	director_join(&c->dir);
	actor_doing(&c->host.actor, "waiting for the lcores", -1, -1);
	app_stop(&c->app);
	monitor_stop(&c->mon);
	monitor_sample_loss(&c->mon);
	report_compute(r, &c->host, &c->mon, &c->dir, &c->app, s);
	if (o->verbose)
		print_evl(&c->mon, t0);
}

static void
run_teardown(struct run_ctx *c)
{
	watchdog_deadline(rte_get_tsc_cycles() + us_tsc(60ULL * 1000000));
	actor_doing(&c->host.actor, "closing the port", c->port.port_id, -1);
	__atomic_store_n(&drill_mon, NULL, __ATOMIC_RELEASE);
	port_destroy(&c->port);
	monitor_callbacks_unregister(true);
	actor_unregister(&c->host.actor);
	monitor_fini(&c->mon);
	host_fini(&c->host);
	watchdog_deadline(0);
}

static void
run_one(const struct drill_opts *o, enum drill_peer peer, const struct scenario *s,
	struct run_result *r)
{
	static struct run_ctx c;

	memset(&c, 0, sizeof(c));
	r->peer = peer;
	strlcpy(r->scenario, s->name, sizeof(r->scenario));
	snprintf(c.label, sizeof(c.label), "%s %s", peer_name(peer), s->name);
	drill_host_stop = drill_gen_stop = drill_app_stop = 0;
	if (run_setup(&c, o, peer, r) == 0)
		run_traffic(&c, o, s, r);
	run_teardown(&c);
	if (r->error[0] != '\0') {
		r->pass = false;
		snprintf(r->fails, sizeof(r->fails), "run error");
	}
	report_run(stdout, r, o->verbose);
	fflush(stdout);
}

static void
quiet_logs(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--log-level", 11) == 0)
			return;
	/*
	 * The PMDs narrate every event, and EAL every failed re-probe of a
	 * removed VF: the report says what matters (--verbose shows them).
	 */
	rte_log_set_level_pattern("pmd.*", RTE_LOG_CRIT);
	rte_log_set_level_pattern("lib.ethdev*", RTE_LOG_CRIT);
	rte_log_set_level_pattern("lib.eal*", RTE_LOG_CRIT);
}

static int
setup(int argc, char **argv, const struct drill_opts *o)
{
	if (rte_lcore_count() < 2) {
		fprintf(stderr, "need at least one worker lcore (e.g. --lcores 0@0,1@1,2@1)\n");
		return -EINVAL;
	}
	if (!o->verbose)
		quiet_logs(argc, argv);
	pool = rte_pktmbuf_pool_create("drill_pool", POOL_SIZE, 256, 0, POOL_DATA,
				       (int)rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "cannot create the mbuf pool: %s\n", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if (o->synth == SYNTH_TAP)
		tap_rx_polling();
	/* Before any port: first on every port's list, for the events' times. */
	if (monitor_callbacks_register(false) != 0 || watchdog_start(o->hang_s) != 0)
		return -ENOMEM;
	return 0;
}

/* ---- the pipe to the parent ------------------------------------------------- */

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
send_msg(int fd, uint32_t kind, int scn_index, const struct scenario *s,
	 const struct run_result *r)
{
	struct wire_hdr h = {
		.magic = WIRE_MAGIC, .kind = kind, .scn_index = scn_index, .seed = s->seed,
		.nb_ev = s->nb_ev, .nb_res = r != NULL && r->res != NULL ? r->nb_res : 0,
	};
	struct run_result copy;

	if (write_all(fd, &h, sizeof(h)) != 0 || r == NULL)
		return;
	copy = *r;
	copy.res = NULL;
	if (write_all(fd, &copy, sizeof(copy)) == 0 && h.nb_res != 0)
		write_all(fd, r->res, h.nb_res * sizeof(*r->res));
}

/* ---- the child -------------------------------------------------------------------- */

static bool
run_scenario(const struct drill_opts *o, enum drill_peer peer, const struct scenario *s,
	     int idx, int fd)
{
	struct run_result r;
	bool pass;

	memset(&r, 0, sizeof(r));
	/* If this run crashes the process, the parent knows which one it was. */
	send_msg(fd, WIRE_RUN_START, idx, s, NULL);
	run_one(o, peer, s, &r);
	pass = r.pass;
	send_msg(fd, WIRE_RUN_RESULT, idx, s, &r);
	free(r.res);
	return pass;
}

static bool
run_all(const struct drill_opts *o, enum drill_peer peer, const struct scenario *s,
	unsigned int n, unsigned int first, int fd)
{
	bool pass = true;
	unsigned int i;

	for (i = first; i < n; i++) {
		if (s[i].seed != 0)
			printf("storm: seed %" PRIu64 ", %u events (reproduce with %s)\n",
			       s[i].seed, s[i].nb_ev, s[i].source);
		pass = run_scenario(o, peer, &s[i], (int)i, fd) && pass;
	}
	return pass;
}

static bool
soak(const struct drill_opts *o, enum drill_peer peer, int fd)
{
	uint64_t end = rte_get_tsc_cycles() + us_tsc((uint64_t)(o->soak_min * 60e6));
	uint64_t seed = o->seed;
	struct scenario s;
	bool pass = true;

	printf("soak on %s: %.0f minutes of storms of %u events from seed %" PRIu64 "\n",
	       peer_label(peer), o->soak_min, o->storm_events, seed);
	while (rte_get_tsc_cycles() < end) {
		if (scenario_storm(seed++, o->storm_events, &s) != 0)
			return false;
		pass = run_all(o, peer, &s, 1, 0, fd) && pass;
		scenario_free(&s);
	}
	return pass;
}

int
child_main(const struct drill_opts *o, enum drill_peer peer, const struct scenario *s,
	   unsigned int n, unsigned int first, int argc, char **argv, int fd)
{
	bool pass;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return EXIT_USAGE;
	}
	if (setup(argc, argv, o) != 0) {
		rte_eal_cleanup();
		return EXIT_USAGE;
	}
	pass = o->soak_min ? soak(o, peer, fd) : run_all(o, peer, s, n, first, fd);
	watchdog_stop();
	monitor_callbacks_unregister(false);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return pass ? 0 : EXIT_INVARIANT;
}
