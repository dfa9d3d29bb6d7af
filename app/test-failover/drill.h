/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef DRILL_H
#define DRILL_H

/*
 * dpdk-test-failover, the drill runner: plays an Azure host around a port
 * under test (net_manafo, or net_failsafe / net_bonding for comparison),
 * forwards its traffic on the application side, plays VF service events
 * from a scenario and checks what happened to every packet.
 *
 * Threads of one run:
 *   main lcore      host model (host.c): inbound traffic, outbound checks
 *   worker lcores   application io forwarding (app.c)
 *   "drill-dir"     the director (director.c): scenario events, control calls
 *   "drill-mon"     the monitor (monitor.c): VF health, counters, progress
 *   "drill-wd"      the watchdog (watchdog.c): fails a hung run
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "rte_pmd_manasim.h"

#define DRILL_MAX_QUEUES	16
#define DRILL_MAX_FILES		64
#define DRILL_NAME_LEN		64
#define DRILL_RING_SIZE		16384
#define DRILL_NB_DESC		512
#define DRILL_BURST		32
/* Failback within this budget after the VF is back (manafo invariant). */
#define DRILL_FAILBACK_BUDGET_MS 1000
/* On Azure the VF and the synthetic NIC share the MAC address. */
#define DRILL_MAC		"02:dd:00:00:00:01"
#define DRILL_ARGS_LEN		1024
#define DRILL_IFNAMSIZ		16
#define DRILL_ETYPE		0x88B5	/* local experimental: the drill's frames */

enum drill_peer {
	PEER_MANAFO,
	PEER_FAILSAFE,
	PEER_BONDING,
	PEER_MAX,
};

enum drill_wire {
	WIRE_VF,
	WIRE_SYNTH,
	WIRE_MAX,
};

/* What carries the synthetic path (--synth). */
enum drill_synth {
	SYNTH_RINGS,	/* a net_manasim on rte_rings, as the VF */
	SYNTH_TAP,	/* net_tap; the host on its kernel interface */
};

/* ---- scenarios (scenario.c) --------------------------------------------- */

enum ev_kind {
	EV_RESET,	/* VF service reset: success, failed, nested */
	EV_REMOVE,	/* VF hot-remove, then return */
	EV_TXHANG,	/* VF TX queue hang */
	EV_LSC,		/* VF link flap */
	EV_STOP,	/* application: rte_eth_dev_stop */
	EV_START,	/* application: rte_eth_dev_start */
	EV_RESTART,	/* application: stop, gap, start */
	EV_MTU,		/* application: rte_eth_dev_set_mtu */
	EV_PROMISC,	/* application: promiscuous on/off */
	EV_KIND_MAX,
};

struct scn_event {
	uint32_t at_ms;		/* from traffic start; after the previous if rel */
	bool rel;
	enum ev_kind kind;
	enum rte_pmd_manasim_kind outcome; /* EV_RESET */
	uint32_t reset_ms;	/* reset/remove recovery timer, LSC down time */
	int64_t return_ms;	/* EV_REMOVE; -1: never */
	int monitor;		/* EV_REMOVE */
	int queue;		/* EV_TXHANG; -1: all */
	enum rte_pmd_manasim_hang_kind hang_kind;
	enum rte_pmd_manasim_hang_scope hang_scope;
	uint32_t value;		/* MTU, promisc on/off, restart gap */
	int line;
};

struct scenario {
	char name[DRILL_NAME_LEN];
	char source[PATH_MAX];
	struct scn_event *ev;
	unsigned int nb_ev;
	uint32_t end_ms;	/* traffic stops after the last event and this */
	bool end_rel;
	bool vf_may_stay_gone;	/* a removal that never returns */
	uint64_t seed;		/* storms */
};

int scenario_load(const char *path, struct scenario *s);
int scenario_storm(uint64_t seed, unsigned int nb_events, struct scenario *s);
void scenario_free(struct scenario *s);
const char *ev_kind_name(enum ev_kind k);
void scenario_event_str(const struct scn_event *e, char *buf, size_t len);
bool ev_is_vf(enum ev_kind k);

/* ---- options (options.c) ------------------------------------------------ */

struct drill_opts {
	uint16_t nbq;
	uint64_t rate;
	uint32_t flows_per_q;
	uint32_t tx_retry_ms;
	uint32_t hang_s;
	bool peers[PEER_MAX];
	bool storm;
	uint64_t seed;
	bool seed_given;
	uint32_t storm_events;
	double soak_min;
	const char *json;
	bool verbose;
	bool progress;
	char scenario_dir[PATH_MAX];
	const char *files[DRILL_MAX_FILES];
	unsigned int nb_files;
	const char *set;
	enum drill_synth synth;
	const char *port_args_user;	/* --port-args; NULL: the built default */
	char port_args[DRILL_ARGS_LEN];	/* manafo's devargs, with placeholders */
	char port_args_sample[DRILL_ARGS_LEN];	/* the same, names of slot NN */
	bool vf_probed;		/* vf(...): manafo probes the VF; else the runner makes it */
	bool sy_probed;		/* synth(...): manafo probes the synthetic path */
};

void usage(const char *prog);
int opts_parse(struct drill_opts *o, int argc, char **argv);
int load_scenarios(const struct drill_opts *o, struct scenario *s, unsigned int *n,
		   unsigned int max);
const char *synth_name(enum drill_synth synth);

/* ---- the manafo devargs (portargs.c) ------------------------------------ */

struct drill_port;

int port_args_make(struct drill_opts *o);
int port_args_expand(const char *tmpl, const struct drill_port *p, char *out, size_t len);

/* ---- one port under test, in a child process (run.c) -------------------- */

#define EXIT_INVARIANT	1
#define EXIT_USAGE	2
#define EXIT_HUNG	3

/* What a child sends its parent, per run: a header, then the result. */
#define WIRE_MAGIC	0x44524c31u
#define WIRE_RUN_START	1	/* header only: a run begins */
#define WIRE_RUN_RESULT	2	/* header, struct run_result, nb_res struct ev_result */

struct wire_hdr {
	uint32_t magic;
	uint32_t kind;
	int32_t scn_index;	/* in the parent's list; -1: a soak storm */
	uint32_t nb_ev;
	uint64_t seed;
	uint32_t nb_res;
};

int child_main(const struct drill_opts *o, enum drill_peer peer, const struct scenario *s,
	       unsigned int n, unsigned int first, int argc, char **argv, int fd);

/* ---- threads and the watchdog (watchdog.c) ------------------------------- */

/* What a thread is doing, for the watchdog's report of a hung run. */
struct actor {
	const char *name;
	uint64_t beat;		/* tsc of its last sign of life */
	const char *doing;	/* static string */
	int arg0;
	int arg1;
	uint64_t since;		/* tsc when `doing` was set */
	int active;
};

void actor_register(struct actor *a, const char *name);
void actor_unregister(struct actor *a);

static inline void
actor_beat(struct actor *a)
{
	__atomic_store_n(&a->beat, rte_get_tsc_cycles(), __ATOMIC_RELAXED);
}

static inline void
actor_doing(struct actor *a, const char *what, int arg0, int arg1)
{
	uint64_t now = rte_get_tsc_cycles();

	a->arg0 = arg0;
	a->arg1 = arg1;
	__atomic_store_n(&a->since, now, __ATOMIC_RELAXED);
	__atomic_store_n(&a->doing, what, __ATOMIC_RELEASE);
	__atomic_store_n(&a->beat, now, __ATOMIC_RELAXED);
}

int watchdog_start(uint32_t hang_s);
void watchdog_stop(void);
void watchdog_deadline(uint64_t tsc);	/* 0: none */

/* ---- the port under test (port.c) --------------------------------------- */

struct drill_port {
	enum drill_peer peer;
	enum drill_synth synth;
	uint16_t nbq;
	unsigned int slot;
	char name[DRILL_NAME_LEN];	/* the port under test */
	char vf_name[DRILL_NAME_LEN];
	char vf_wire[24];
	char sy_name[DRILL_NAME_LEN];
	char sy_wire[24];		/* --synth rings */
	char tap_iface[DRILL_IFNAMSIZ];	/* --synth tap */
	char args[DRILL_ARGS_LEN];	/* the port's devargs, as created */
	struct tap_wire *tap;		/* --synth tap: the host's socket */
	uint16_t port_id;
	struct rte_ring *vf_rx[DRILL_MAX_QUEUES];
	struct rte_ring *vf_tx[DRILL_MAX_QUEUES];
	struct rte_ring *sy_rx[DRILL_MAX_QUEUES];
	struct rte_ring *sy_tx[DRILL_MAX_QUEUES];
};

int port_create(struct drill_port *p, enum drill_peer peer, const struct drill_opts *o,
		struct rte_mempool *mp, char *err, size_t errlen);
void port_names(struct drill_port *p, enum drill_synth synth, const char *slot,
		const char *run);
void port_destroy(struct drill_port *p);
int port_start(struct drill_port *p);
uint16_t port_vf(const struct drill_port *p);
const char *peer_name(enum drill_peer peer);
const char *peer_label(enum drill_peer peer);

/* ---- the host's side of a tap synthetic path (tap.c) -------------------- */

#define TAP_BATCH	32
#define TAP_FRAME_MAX	128

struct tap_wire;

struct tap_counters {
	uint64_t sent;		/* inbound frames the interface took */
	uint64_t refused;	/* inbound frames it refused: its queue was full */
	uint64_t held;		/* inbound frames held while it was down */
	uint64_t received;	/* outbound frames read */
	uint64_t left;		/* inbound frames still in its queue at the end */
	uint64_t if_dropped;	/* inbound frames it dropped otherwise (tx_dropped) */
	uint64_t sock_dropped;	/* outbound frames the socket dropped */
};

int tap_check(void);
void tap_rx_polling(void);
int tap_open(struct drill_port *p, char *err, size_t errlen);
void tap_close(struct drill_port *p);
unsigned int tap_send(struct drill_port *p, struct rte_mbuf **pkts, unsigned int n);
void tap_flush(struct drill_port *p);
unsigned int tap_take_held(struct drill_port *p, struct rte_mbuf **pkts, unsigned int max);
unsigned int tap_recv(struct drill_port *p, const uint8_t **frames, uint32_t *lens);
uint64_t tap_in_flight(const struct drill_port *p);
void tap_counters(const struct drill_port *p, struct tap_counters *c);

/* ---- timing ------------------------------------------------------------- */

static inline uint64_t
tsc_us(uint64_t tsc)
{
	return tsc * 1000000 / rte_get_tsc_hz();
}

static inline uint64_t
us_tsc(uint64_t us)
{
	return us * rte_get_tsc_hz() / 1000000;
}

static inline double
tsc_ms(uint64_t tsc)
{
	return (double)tsc * 1000.0 / (double)rte_get_tsc_hz();
}

void sleep_us(uint64_t us);

/* ---- the host model (host.c) -------------------------------------------- */

/* A span of time during which a wire carried outbound packets. */
struct span {
	uint64_t start;
	uint64_t end;
};

struct wire_spans {
	struct span *s;
	unsigned int n;
	unsigned int cap;
	bool open;
	bool overflow;
};

struct flow {
	uint64_t next_seq;	/* packets generated */
	uint64_t max_seen;
	bool seen_any;
	uint8_t *st;		/* per sequence number, HS_* */
	uint32_t *t_us;		/* per sequence number: send time from t0 */
	uint64_t cap;
};

#define HS_SYNTH	1u	/* delivered on the synthetic wire (else the VF's) */
#define HS_WIREFULL	2u	/* the RX wire was full: never delivered */
#define HS_RECV		4u	/* came back */
#define HS_STRANDED	8u	/* left in an RX ring at the end */

struct host_stats {
	uint64_t generated;
	uint64_t sent[WIRE_MAX];	/* delivered into the wire's RX ring */
	uint64_t wire_full;
	uint64_t alloc_fail;
	uint64_t lag_skipped;
	uint64_t back[WIRE_MAX];	/* came back on the wire's TX ring */
	uint64_t unique;
	uint64_t dup;
	uint64_t reorder;
	uint64_t stray;
	uint64_t stranded[WIRE_MAX];
	uint64_t delay_max_us;
	uint64_t delay_sum_us;
	struct tap_counters tap;	/* --synth tap */
};

struct host {
	const struct drill_opts *o;
	struct drill_port *port;
	struct rte_mempool *mp;
	uint32_t run_id;
	uint32_t nb_flows;
	uint32_t next_flow;
	uint64_t t0;
	uint64_t gap_tsc;	/* silence that ends a span */
	struct flow *flows;
	struct wire_spans spans[WIRE_MAX];
	uint64_t last_pkt[WIRE_MAX];
	struct host_stats st;
	int cur_wire;		/* where inbound goes now */
	uint64_t wire_switches;
	uint64_t quiet_since;	/* atomic: rings empty, nothing came back */
	struct actor actor;
};

int host_init(struct host *h, const struct drill_opts *o, struct drill_port *p,
	      struct rte_mempool *mp, uint32_t run_id);
void host_run(struct host *h);
void host_fini(struct host *h);

/* ---- the application (app.c) -------------------------------------------- */

struct app_lcore {
	unsigned int lcore;
	uint16_t port;
	uint16_t queues[DRILL_MAX_QUEUES];
	uint16_t nb_queues;
	uint32_t retry_ms;
	/* written by the lcore only */
	uint64_t rx;
	uint64_t offered;
	uint64_t sent;
	uint64_t refused;
	uint64_t short_bursts;	/* TX bursts that came back short (then retried) */
	uint64_t retried;	/* tx_burst calls of those retries */
	int parked;
	int exited;
	struct actor actor;
};

struct app {
	struct app_lcore lc[RTE_MAX_LCORE];
	unsigned int nb_lc;
};

struct app_sums {
	uint64_t offered;
	uint64_t sent;
	uint64_t refused;
	uint64_t rx;
	uint64_t short_bursts;
	uint64_t retried;
};

int app_start(struct app *a, const struct drill_opts *o, uint16_t port);
void app_park(struct app *a);
void app_unpark(struct app *a);
void app_stop(struct app *a);	/* main lcore only */
void app_totals(const struct app *a, struct app_sums *t);
bool app_exited(const struct app *a);

/* ---- the monitor and event log (monitor.c) ------------------------------ */

enum evl_type {
	EVL_ERR_RECOVERING,
	EVL_RECOVERY_SUCCESS,
	EVL_RECOVERY_FAILED,
	EVL_INTR_RMV,
	EVL_LSC_DOWN,
	EVL_LSC_UP,
	EVL_NEW,		/* a new instance of the VF */
	EVL_DESTROY,
	EVL_HANG_SET,		/* seen by the monitor */
	EVL_HANG_CLEAR,
	EVL_MAX,
};

struct evl_entry {
	uint64_t tsc;
	uint16_t port;
	uint8_t type;
};

/* Hardware loss of the VF, summed over its instances (manasim counters). */
struct vf_loss {
	uint64_t rx_lost;	/* rx_lost_in_reset */
	uint64_t tx_lost;	/* tx_lost_in_reset */
	uint64_t hang_dropped;	/* tx_hang_dropped */
	uint64_t link_drops;	/* TX dropped with no carrier (oerrors beyond those) */
	uint64_t resets;
	uint64_t removals;
	uint64_t instances;
};

struct mono_violation {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	uint64_t before;
	uint64_t after;
	uint64_t tsc;
};

#define MON_MAX_VIOL 8

struct monitor {
	struct drill_port *port;
	const struct drill_opts *o;
	struct host *host;
	struct app *app;
	const char *label;
	uint64_t t0;
	uint64_t planned_ms;
	/* published for the host (atomics) */
	uint32_t vf_ok;
	uint32_t vf_down_evt;
	uint16_t vf_port;
	uint32_t hung_mask;
	/* event log, appended by callbacks */
	struct evl_entry *evl;
	uint32_t evl_n;
	uint32_t evl_cap;
	/* VF counters, per instance, folded */
	pthread_mutex_t loss_lock;
	uint16_t loss_port;
	struct rte_pmd_manasim_counters loss_last;
	uint64_t loss_last_oerrors;
	struct vf_loss loss;
	/* counters that must not go backwards */
	struct rte_eth_xstat_name *mono_names;
	uint64_t *mono_vals;
	unsigned int mono_n;
	unsigned int mono_samples;
	unsigned int mono_nviol;
	struct mono_violation viol[MON_MAX_VIOL];
	char dup_name[RTE_ETH_XSTATS_NAME_SIZE];	/* an xstat name given twice */
	uint32_t vf_destroyed;	/* the VF instance is gone: next NEW is a new one */
	uint32_t vf_new;	/* early callback saw a new instance, for the late one */
	uint32_t vf_down_lsc;	/* the host's VF down because of its link */
	/* progress */
	uint64_t last_progress;
	unsigned int events_done;
	unsigned int events_total;
	int stop;
	pthread_t thread;
	struct actor actor;
};

int monitor_init(struct monitor *m, struct drill_port *p, const struct drill_opts *o,
		 struct host *h, struct app *a, const char *label);
int monitor_start(struct monitor *m);
void monitor_stop(struct monitor *m);
void monitor_fini(struct monitor *m);
void monitor_sample_loss(struct monitor *m);
void monitor_loss_total(struct monitor *m, struct vf_loss *out);
int monitor_callbacks_register(bool late);
void monitor_callbacks_unregister(bool late);
const char *evl_name(enum evl_type t);

/* ---- the director (director.c) ------------------------------------------ */

struct ev_result {
	const struct scn_event *ev;
	uint64_t t_exec;	/* tsc of the injection or call; 0: skipped */
	double at_ms;		/* t_exec from the run's start; -1: skipped */
	int ret;
	uint32_t retries;
	/* from the event log and the host's spans, by report.c */
	uint64_t t_event;
	uint64_t t_back;
	int64_t failover_us;	/* -1: no failover seen, -2: not applicable */
	int64_t failback_us;
};

struct director {
	const struct drill_opts *o;
	const struct scenario *scn;
	struct drill_port *port;
	struct host *host;
	struct app *app;
	struct monitor *mon;
	struct ev_result *res;
	uint64_t t0;
	uint64_t t_gen_stop;
	uint64_t t_end;
	bool stopped;		/* the scenario stopped the port */
	bool settled;
	bool back_on_vf;
	int mtu_set;
	unsigned int ctl_calls;
	unsigned int ctl_failed;
	unsigned int ctl_enotsup;
	unsigned int skipped;
	int done;
	pthread_t thread;
	struct actor actor;
};

int director_start(struct director *d);
void director_join(struct director *d);

/* ---- the report (report.c) ---------------------------------------------- */

struct lat {
	unsigned int n;
	unsigned int never;
	double min_ms;
	double med_ms;
	double max_ms;
};

struct run_result {
	enum drill_peer peer;
	char scenario[DRILL_NAME_LEN];
	char devargs[DRILL_NAME_LEN + DRILL_ARGS_LEN];	/* name,devargs of the port */
	enum drill_synth synth;
	char tap_iface[DRILL_IFNAMSIZ];
	uint64_t seed;
	bool is_storm;
	uint64_t t0;
	double duration_s;
	unsigned int events;
	unsigned int skipped;
	struct host_stats hs;
	uint64_t app_offered;
	uint64_t app_sent;
	uint64_t app_refused;
	uint64_t app_short_bursts;
	uint64_t app_retried;
	uint64_t app_rx;
	uint64_t lost;
	uint64_t lost_wire_full;
	uint64_t lost_stranded;
	uint64_t lost_after[WIRE_MAX];
	uint64_t lost_synth_link_down;	/* sent on synth while the VF link was down */
	uint64_t hw_loss;
	uint64_t link_inflight;	/* no-carrier drops counted as hardware loss */
	int64_t lost_beyond_hw;
	struct vf_loss vl;
	struct lat failover;
	struct lat failback;
	struct lat hang_failover;
	unsigned int failback_late;	/* over DRILL_FAILBACK_BUDGET_MS or never */
	double synth_ms;
	unsigned int mono_samples;
	unsigned int mono_viol;
	struct mono_violation viol[MON_MAX_VIOL];
	char dup_xstat[RTE_ETH_XSTATS_NAME_SIZE];
	unsigned int ctl_calls;
	unsigned int ctl_failed;
	bool settled;
	bool back_on_vf;
	bool expect_back;
	uint64_t manafo_failovers;
	uint64_t manafo_failbacks;
	uint64_t manafo_tx_refused;
	uint64_t manafo_synth_ms;
	uint64_t manafo_tx_hangs;
	char loss_windows[512];
	char error[256];
	struct ev_result *res;
	unsigned int nb_res;
	bool pass;
	bool crashed;		/* the child process died in this run */
	int scn_index;
	char fails[256];
};

void report_compute(struct run_result *r, struct host *h, struct monitor *m,
		    struct director *d, const struct app *a, const struct scenario *s);
void report_run(FILE *f, const struct run_result *r, bool verbose);
void report_table(FILE *f, const struct run_result *r, unsigned int n,
		  const bool peers[PEER_MAX]);
int report_json(const char *path, const struct run_result *r, unsigned int n,
		const struct drill_opts *o, int argc, char **argv, bool all_pass);

#endif /* DRILL_H */
