/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANAFO_H
#define MANAFO_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/queue.h>

#include <rte_atomic.h>
#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <ethdev_driver.h>

#include "manafo_compat.h"
#include "manafo_args.h"
#include "manafo_lock.h"

#define MANAFO_DRIVER_NAME "net_manafo"
#define MANAFO_MAX_MACS 16
#define MANAFO_NO_PORT RTE_MAX_ETHPORTS

extern int manafo_logtype;

#define MANAFO_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, manafo_logtype, "manafo: " fmt "\n", ##__VA_ARGS__)
/* Lines about one port: "manafo <port name>: ...", also before priv exists. */
#define NAME_LOG(name, level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, manafo_logtype, "manafo %s: " fmt "\n", (name), ##__VA_ARGS__)
#define PORT_LOG_LVL(priv, lvl, fmt, ...) \
	rte_log(lvl, manafo_logtype, "manafo %s: " fmt "\n", (priv)->name, ##__VA_ARGS__)
#define PORT_LOG(priv, level, fmt, ...) \
	PORT_LOG_LVL(priv, RTE_LOG_ ## level, fmt, ##__VA_ARGS__)

/*
 * Sub-device lifecycle (design.md §3). Owned by the control path: changed
 * only under the port lock, by application ops or the control thread.
 */
enum manafo_sub_state {
	MANAFO_SUB_ABSENT,	/* no device behind this role */
	MANAFO_SUB_READY,	/* probed, owned, configured as far as the port is */
	MANAFO_SUB_ACTIVE,	/* started and carrying traffic */
	MANAFO_SUB_STANDBY,	/* present, traffic steered away (see cause) */
	MANAFO_SUB_GONE,	/* given up: teardown pending */
};

/* Why a sub-device is in STANDBY/GONE, or why the last switch happened. */
enum manafo_cause {
	MANAFO_CAUSE_NONE,
	MANAFO_CAUSE_RESET,		/* ERR_RECOVERING */
	MANAFO_CAUSE_LINK,		/* link down */
	MANAFO_CAUSE_TX_HANG,		/* TX watchdog */
	MANAFO_CAUSE_DRILL,		/* live drill */
	MANAFO_CAUSE_FORCED,		/* rte_pmd_manafo_failover() */
	MANAFO_CAUSE_REMOVED,		/* INTR_RMV or destroyed under us */
	MANAFO_CAUSE_FAILED,		/* RECOVERY_FAILED */
	MANAFO_CAUSE_TIMEOUT,		/* no recovery result in time */
	MANAFO_CAUSE_DEV_RESET,		/* INTR_RESET */
	MANAFO_CAUSE_STOPPED,		/* the port is stopped */
	MANAFO_CAUSE_CONFIG,		/* a configuration could not be applied */
	MANAFO_NB_CAUSES,
};

/*
 * The steering word: the only shared state the data path reads.
 * Four bits per role, then an epoch that every event callback which steers
 * away from the VF bumps, so that a fail-back decided by the control thread
 * (a compare-and-swap on the whole word) loses against any newer event.
 */
#define MANAFO_STEER_RX		RTE_BIT32(0)	/* poll this role's RX */
#define MANAFO_STEER_TX		RTE_BIT32(1)	/* send on this role */
#define MANAFO_STEER_RECOVERING	RTE_BIT32(2)	/* between ERR_RECOVERING and result */
#define MANAFO_STEER_DEAD	RTE_BIT32(3)	/* failed/removed: no control call */
#define MANAFO_STEER_ROLE_BITS	4
#define MANAFO_STEER(role, bit)	((bit) << ((role) * MANAFO_STEER_ROLE_BITS))
#define MANAFO_STEER_EPOCH_ONE	RTE_BIT32(8)
#define MANAFO_STEER_FLAGS	(MANAFO_STEER_EPOCH_ONE - 1)

#define MANAFO_VF_RX	MANAFO_STEER(MANAFO_VF, MANAFO_STEER_RX)
#define MANAFO_VF_TX	MANAFO_STEER(MANAFO_VF, MANAFO_STEER_TX)
#define MANAFO_SYN_RX	MANAFO_STEER(MANAFO_SYNTH, MANAFO_STEER_RX)
#define MANAFO_SYN_TX	MANAFO_STEER(MANAFO_SYNTH, MANAFO_STEER_TX)

/*
 * Per-queue state. The first cache line is all a burst touches in steady
 * state, and only the lcore that polls the queue writes it; the control
 * thread reads `seq` while it waits for the queue to leave a sub-device, and
 * the counters when asked.
 *
 * The primary process calls the sub-devices' burst functions (in the port's
 * hot line, manafo_priv.rx_fn/tx_fn) on their queues (rxq/txq here)
 * directly, both cached when the sub-device starts, while the data path is
 * steered away from it: one dispatch per sub-device burst instead of two. A
 * secondary process, where those pointers are not valid, goes through
 * rte_eth_rx_burst() with the port ids of the cold part.
 *
 * arg_pkts/arg_n keep the burst's arguments across the sub-device call in
 * the queue's own line rather than in callee-saved registers: the common
 * path then saves one register instead of three (manafo_rxtx.c).
 */
struct manafo_rxq {
	uint32_t seq;			/* odd while inside a burst */
	uint16_t arg_n;			/* this burst's size (across the call) */
	uint8_t vf_rx;			/* MANAFO_VF_RX, 0 when synth goes first */
	uint8_t turn;			/* full VF bursts before synth goes first */
	const uint32_t *steer;		/* the port's steering word */
	struct rte_mbuf **arg_pkts;	/* this burst's array (across the call) */
	void *rxq[MANAFO_NB_ROLES];	/* sub-device queues (primary) */
	uint64_t pkts[MANAFO_NB_ROLES];	/* received from each path */
	/* cold */
	uint16_t qid;
	uint16_t port[MANAFO_NB_ROLES];	/* sub-device port ids */
	struct manafo_priv *priv;
	uint16_t nb_desc;
	unsigned int socket;
	struct rte_eth_rxconf conf;
	struct rte_mempool *mp;
} __rte_cache_aligned;

struct manafo_txq {
	uint32_t seq;			/* odd while inside a burst */
	uint16_t arg_n;			/* this burst's size (across the call) */
	const uint32_t *steer;		/* the port's steering word */
	struct rte_mbuf **arg_pkts;	/* this burst's array (across the call) */
	void *txq[MANAFO_NB_ROLES];	/* sub-device queues (primary) */
	uint64_t pkts[MANAFO_NB_ROLES];	/* accepted by each path */
	/* second line: written when a burst is cut short only */
	uint64_t vf_short __rte_cache_aligned;	/* offered to the VF, not taken */
	uint64_t redirected;		/* tail re-sent on synth after a steer */
	uint64_t refused;		/* returned to the app with no path */
	/* cold */
	uint16_t qid;
	uint16_t port[MANAFO_NB_ROLES];
	struct manafo_priv *priv;
	uint16_t nb_desc;
	unsigned int socket;
	struct rte_eth_txconf conf;
} __rte_cache_aligned;

/* Counters folded so that they never go backwards across churn. */
struct manafo_fold {
	struct rte_eth_stats last;	/* last raw read of the instance */
	struct rte_eth_stats accum;	/* what this role contributed since reset */
};

/* Configuration items a sub-device has not received yet. */
#define MANAFO_DIRTY_MTU	RTE_BIT32(0)
#define MANAFO_DIRTY_PROMISC	RTE_BIT32(1)
#define MANAFO_DIRTY_ALLMULTI	RTE_BIT32(2)
#define MANAFO_DIRTY_MAC	RTE_BIT32(3)
#define MANAFO_DIRTY_VLAN	RTE_BIT32(4)
#define MANAFO_DIRTY_RSS	RTE_BIT32(5)
#define MANAFO_DIRTY_RETA	RTE_BIT32(6)
#define MANAFO_DIRTY_MC		RTE_BIT32(7)
#define MANAFO_DIRTY_CONF	RTE_BIT32(8)	/* dev_configure + queue setup */
#define MANAFO_DIRTY_START	RTE_BIT32(9)	/* started/stopped as the port */
#define MANAFO_DIRTY_FLOW	RTE_BIT32(10)	/* flow rules (manafo_flow.c) */
#define MANAFO_DIRTY_ALL	(RTE_BIT32(11) - 1)

struct manafo_xname {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
};

struct manafo_sub {
	struct manafo_priv *priv;
	enum manafo_role role;
	enum manafo_sub_state state;
	enum manafo_cause cause;
	uint16_t port_id;
	bool probed;			/* we probed it: we remove it */
	bool configured;		/* dev_configure applied */
	bool started;
	bool recovering;		/* control thread's view of ERR_RECOVERING */
	uint32_t recovery_seq;		/* matches recovery timeouts to resets */
	uint64_t recovering_since_ns;
	uint32_t gen;			/* bumped at every attach */
	uint32_t dirty;			/* MANAFO_DIRTY_* not yet applied */
	char devname[RTE_DEV_NAME_MAX_LEN];	/* bus device name */
	struct rte_eth_dev_info info;	/* cached at attach (MANA: -EBUSY) */
	bool info_valid;
	struct manafo_fold fold;
	uint64_t standby_since_ns;	/* when traffic left this sub */
	uint64_t absent_since_ns;	/* when it was detached */
	unsigned int attach_failures;	/* consecutive, while absent */
	unsigned int config_failures;	/* consecutive refused replays */
	/* sub-device xstats, names cached at attach, last values kept */
	struct manafo_xname *xnames;
	uint64_t *xvalues;
	unsigned int nb_xstats;
};

/* manafo's own counters. */
struct manafo_counters {
	uint64_t failovers;
	uint64_t failbacks;
	uint64_t vf_resets;
	uint64_t vf_removals;
	uint64_t vf_returns;
	uint64_t vf_reattach_failures;
	uint64_t synth_removals;
	uint64_t config_replays;
	uint64_t config_retries;
	uint64_t synth_time_ns;		/* closed intervals on synth */
	uint64_t last_failover_ns;	/* event to steering change */
	uint64_t last_failback_ns;	/* result to steering change */
	uint64_t drills;
	uint64_t tx_hangs;
	uint64_t tx_hang_repairs_light;
	uint64_t tx_hang_repairs_full;
	uint64_t tx_hang_escalations;
	uint64_t quiesce_slow;
	uint64_t flow_replays;		/* rules created again on a sub-device */
	uint64_t flow_replay_errors;	/* rules a sub-device refused in a replay */
};

/* Whether a sub-device has a flow API: learned, see manafo_flow.c. */
enum manafo_flow_api {
	MANAFO_FLOW_API_UNKNOWN,
	MANAFO_FLOW_API_YES,
	MANAFO_FLOW_API_NO,
};

/*
 * The port's flow rules (struct rte_flow, manafo_flow.c), in creation
 * order, which is the replay order. The list lives in the primary's heap:
 * only the primary has flow ops; the counts are what others may read.
 */
TAILQ_HEAD(manafo_flow_list, rte_flow);

struct manafo_flows {
	struct manafo_flow_list list;
	uint32_t nb;				/* rules recorded */
	uint32_t nb_on[MANAFO_NB_ROLES];	/* with a handle on that path */
	uint32_t nb_unsup[MANAFO_NB_ROLES];	/* the path refused them: no flow API */
	enum manafo_flow_api api[MANAFO_NB_ROLES];
	bool resync[MANAFO_NB_ROLES];		/* handles stale: flush, create all */
	uint32_t next_id;			/* names rules in the logs */
};

/* Whether the VF can tell the watchdog what a TX queue has outstanding. */
enum manafo_wd_desc {
	MANAFO_WD_DESC_UNKNOWN,		/* not asked since the VF (re)started */
	MANAFO_WD_DESC_OK,
	MANAFO_WD_DESC_NONE,		/* cannot tell: the refusal rule alone */
};

/*
 * Watchdog evidence per TX queue, kept by the control thread: for each
 * rule, the counters when it last saw progress (0 ns: no baseline yet).
 */
struct manafo_txwd {
	/* refusal rule: progress is a packet accepted */
	uint64_t offered;
	uint64_t accepted;
	uint64_t since_ns;
	/* completion rule: progress is a descriptor completed */
	uint64_t c_offered;
	uint64_t c_accepted;
	int64_t completed;		/* accepted - outstanding */
	uint64_t c_since_ns;
	enum manafo_wd_desc desc;
};

/* Which watchdog rule found a queue hung. */
enum manafo_hang_rule {
	MANAFO_HANG_NONE,
	MANAFO_HANG_REFUSED,		/* offered, nothing accepted */
	MANAFO_HANG_NO_COMPLETIONS,	/* outstanding, nothing completed */
};

struct manafo_hang {
	uint64_t when_ns;
	uint16_t qid;
	enum manafo_hang_rule rule;
	uint64_t offered;		/* since the rule last saw progress */
	uint64_t accepted;
	uint64_t stalled_ms;
	int outstanding;		/* -1: the VF cannot tell */
};

struct manafo_drill {
	bool running;
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t pkts_start[MANAFO_NB_ROLES];
	uint64_t pkts_during[MANAFO_NB_ROLES];
	uint64_t refused;
	int result;
};

struct manafo_priv {
	/* hot, read by every burst, written on a switch only */
	uint32_t steer __rte_cache_aligned;
	enum manafo_guard_mode guard;
	/*
	 * The sub-devices' burst functions (primary process only), cached when
	 * a sub-device starts, before the data path is steered to it. One copy
	 * per port, next to the steering word that every burst loads anyway:
	 * the queues' lines keep room for the burst's arguments.
	 */
	eth_rx_burst_t rx_fn[MANAFO_NB_ROLES];
	eth_tx_burst_t tx_fn[MANAFO_NB_ROLES];

	/* everything below is control path */
	struct rte_eth_dev *dev __rte_cache_aligned;
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct manafo_mutex lock;	/* the port lock, design.md §4 */
	struct manafo_args args;
	struct rte_eth_dev_owner owner;
	struct manafo_sub sub[MANAFO_NB_ROLES];
	bool started;
	bool closing;
	bool forced;			/* rte_pmd_manafo_failover(): stay on synth */
	uint32_t api_refs;		/* API and telemetry calls in flight */
	bool published;			/* probe done: visible to the API and telemetry */
	/* the configuration record, replayed onto a (re)attached sub-device */
	/*
	 * dev_conf and the queue counts as of the last dev_configure op, copied
	 * under the lock. ethdev's rte_eth_dev_configure() rewrites
	 * dev->data->dev_conf, nb_rx_queues, nb_tx_queues and dev_configured
	 * before it calls the op and again after a failure (the rollback), all
	 * outside the port lock: the control thread and everything else that
	 * runs under the lock read these instead, never dev->data. The RSS key
	 * in conf points at rss_key below (or is NULL), never at the
	 * application's buffer. RSS hash updates keep conf current.
	 */
	struct rte_eth_conf conf;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	bool configured;		/* conf holds a configuration to replay */
	/*
	 * The port's queues, [0, nb_rxq) and [0, nb_txq), set and cleared by
	 * manafo's queue ops under the lock. dev->data->rx_queues/tx_queues
	 * hold the same pointers for ethdev and the data path, but ethdev also
	 * clears their slots and frees the arrays without the lock (a
	 * reconfiguration to no RX or no TX queue, a failed configure), before
	 * the op updates the counts: what runs under the lock walks these.
	 */
	struct manafo_rxq *rxqs[RTE_MAX_QUEUES_PER_PORT];
	struct manafo_txq *txqs[RTE_MAX_QUEUES_PER_PORT];
	uint16_t mtu;
	bool promisc;
	bool allmulti;
	uint32_t nb_macs;		/* entries in use, [0] is the default */
	struct rte_ether_addr macs[MANAFO_MAX_MACS];
	uint64_t vlan_ids[RTE_ETHER_MAX_VLAN_ID / 64 + 1];
	uint8_t rss_key[64];
	uint8_t rss_key_len;
	bool rss_set;
	bool reta_set;
	uint16_t reta_size;
	uint16_t reta[RTE_ETH_RSS_RETA_SIZE_512];
	struct rte_ether_addr *mc_addrs;
	uint32_t nb_mc_addrs;
	bool mc_set;			/* a multicast list was set, empty or not */
	struct manafo_counters cnt;
	/* per-queue counters of released queues, so that sums never go back */
	uint64_t base_rx[MANAFO_NB_ROLES];
	uint64_t base_tx[MANAFO_NB_ROLES];
	uint64_t base_redirected;
	uint64_t base_refused;
	enum manafo_cause last_cause;
	uint64_t last_switch_ns;
	uint64_t on_synth_since_ns;	/* 0 while TX is on the VF */
	uint32_t tx_hang_repairs;	/* failed repairs in the window */
	uint64_t tx_hang_window_ns;
	struct manafo_txwd *txwd;
	uint32_t txwd_vf_gen;		/* the VF attach the evidence is about */
	struct manafo_hang last_hang;
	struct manafo_drill drill;
	struct manafo_flows flows;
	TAILQ_ENTRY(manafo_priv) next;
};

static inline struct manafo_priv *
manafo_priv(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/*
 * The port's ethdev in this process. The private data is shared with
 * secondary processes, where a pointer stored by the primary is not valid:
 * go through the port id.
 */
static inline struct rte_eth_dev *
manafo_dev(const struct manafo_priv *priv)
{
	return &rte_eth_devices[priv->port_id];
}

static inline uint32_t
manafo_steer_load(const struct manafo_priv *priv)
{
	return __atomic_load_n(&priv->steer, __ATOMIC_ACQUIRE);
}

static inline const char *
manafo_role_name(enum manafo_role role)
{
	return role == MANAFO_VF ? "vf" : "synth";
}

/* manafo.c */
uint64_t manafo_now_ns(void);
void manafo_port_put(void);
const char *manafo_state_name(enum manafo_sub_state state);
const char *manafo_cause_name(enum manafo_cause cause);
/* A manafo port by id, held against close until manafo_priv_put(). */
struct manafo_priv *manafo_priv_get(uint16_t port_id);
void manafo_priv_put(struct manafo_priv *priv);

/* manafo_rxtx.c: lock-free updates of the steering word */
uint32_t manafo_steer_off(struct manafo_priv *priv, enum manafo_role role, uint32_t bits);
uint32_t manafo_steer_set(struct manafo_priv *priv, uint32_t set, uint32_t clear);
bool manafo_steer_on_if(struct manafo_priv *priv, uint32_t epoch, uint32_t set);
void manafo_counters_read(struct manafo_priv *priv, uint64_t rx[MANAFO_NB_ROLES],
			  uint64_t tx[MANAFO_NB_ROLES], uint64_t *redirected, uint64_t *refused)
	MANAFO_REQUIRES(priv->lock);
uint32_t manafo_steer_epoch(uint32_t word);

/* manafo_rxtx.c */
int manafo_guard_init(struct manafo_priv *priv);
void manafo_quiesce(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock);
void manafo_set_burst(struct rte_eth_dev *dev, bool atomic);
void manafo_queues_set_port(struct manafo_priv *priv, enum manafo_role role, uint16_t port)
	MANAFO_REQUIRES(priv->lock);
void manafo_queues_bind(struct manafo_priv *priv, enum manafo_role role)
	MANAFO_REQUIRES(priv->lock);
const char *manafo_guard_name(enum manafo_guard_mode mode);

/* manafo_sub.c */
int manafo_sub_attach(struct manafo_priv *priv, enum manafo_role role, bool at_probe)
	MANAFO_REQUIRES(priv->lock);
void manafo_sub_detach(struct manafo_priv *priv, enum manafo_role role, bool dead)
	MANAFO_REQUIRES(priv->lock);
int manafo_sub_configure(struct manafo_priv *priv, struct manafo_sub *sub)
	MANAFO_REQUIRES(priv->lock);
int manafo_sub_queues_setup(struct manafo_priv *priv, struct manafo_sub *sub)
	MANAFO_REQUIRES(priv->lock);
int manafo_sub_replay(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t what)
	MANAFO_REQUIRES(priv->lock);
int manafo_sub_start(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock);
void manafo_sub_stop(struct manafo_priv *priv, struct manafo_sub *sub) MANAFO_REQUIRES(priv->lock);
bool manafo_sub_controllable(const struct manafo_priv *priv, const struct manafo_sub *sub);
void manafo_sub_set_state(struct manafo_priv *priv, struct manafo_sub *sub,
			  enum manafo_sub_state state, enum manafo_cause cause)
	MANAFO_REQUIRES(priv->lock);

/* manafo_ops.c */
void manafo_sub_failed(struct manafo_priv *priv, struct manafo_sub *sub, uint32_t dirty,
		       const char *what, int err) MANAFO_REQUIRES(priv->lock);
extern const struct eth_dev_ops manafo_ops;
extern const struct eth_dev_ops manafo_secondary_ops;
int manafo_link_refresh(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock);
void manafo_dev_info_merge(struct manafo_priv *priv, struct rte_eth_dev_info *info)
	MANAFO_REQUIRES(priv->lock);

/* manafo_stats.c */
void manafo_stats_fold(struct manafo_sub *sub);
void manafo_stats_detach(struct manafo_sub *sub);
void manafo_xstats_cache(struct manafo_sub *sub);
void manafo_xstats_free(struct manafo_sub *sub);
int manafo_stats_get(MANAFO_STATS_GET_ARGS);
int manafo_stats_reset(struct rte_eth_dev *dev);
int manafo_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n);
int manafo_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			    unsigned int size);
int manafo_xstats_reset(struct rte_eth_dev *dev);
/* manafo's own counters: count, and names/values when not NULL. */
unsigned int manafo_own_counters(struct manafo_priv *priv, const char *const **names,
				 uint64_t *values) MANAFO_REQUIRES(priv->lock);

/* manafo_event.c: sub-device event callbacks, one set for every port */
int manafo_event_register(void);
void manafo_event_unregister(void);
int manafo_dev_event_register(void);
void manafo_dev_event_unregister(void);

/* manafo_recover.c: the state machine, run on the control thread */
void manafo_failover(struct manafo_priv *priv, enum manafo_cause cause, uint64_t event_ns)
	MANAFO_REQUIRES(priv->lock);
bool manafo_failback(struct manafo_priv *priv, uint32_t epoch, uint64_t event_ns)
	MANAFO_REQUIRES(priv->lock);
void manafo_emit(uint16_t port_id, struct manafo_priv *priv, uint32_t events);
void manafo_hotplug_arm(struct manafo_priv *priv, enum manafo_role role, uint32_t delay_ms);
/* A sub-device that answered -EBUSY: the control thread replays what it lacks after this. */
#define MANAFO_RETRY_CONFIG_MS 10
void manafo_retry_config(struct manafo_priv *priv, enum manafo_role role, uint32_t delay_ms);

/* manafo_watchdog.c */
void manafo_watchdog_arm(struct manafo_priv *priv);
void manafo_watchdog_start(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock);
const char *manafo_hang_rule_name(enum manafo_hang_rule rule);
void manafo_watchdog_check(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock);

/* manafo_flow.c: the flow rule record, applied to both paths and replayed */
struct rte_flow_ops;
void manafo_flow_init(struct manafo_priv *priv);
int manafo_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops);
void manafo_flow_attached(struct manafo_priv *priv, struct manafo_sub *sub)
	MANAFO_REQUIRES(priv->lock);
void manafo_flow_detached(struct manafo_priv *priv, struct manafo_sub *sub)
	MANAFO_REQUIRES(priv->lock);
void manafo_flow_stale(struct manafo_priv *priv, struct manafo_sub *sub)
	MANAFO_REQUIRES(priv->lock);
int manafo_flow_replay(struct manafo_priv *priv, struct manafo_sub *sub)
	MANAFO_REQUIRES(priv->lock);
void manafo_flow_close(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock);

/* manafo_telemetry.c */
void manafo_telemetry_register(void);

#endif /* MANAFO_H */
