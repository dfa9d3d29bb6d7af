/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANASIM_H
#define MANASIM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_ring.h>
#include <rte_spinlock.h>
#include <rte_version.h>

#include "manafo_compat.h"
#include "rte_pmd_manasim.h"

#define MANASIM_DRIVER_NAME	"net_manasim"
#define MANASIM_MAX_QUEUES	16
#define MANASIM_RING_SIZE	4096
#define MANASIM_RETA_SIZE	RTE_ETH_RSS_RETA_SIZE_64
#define MANASIM_RSS_KEY_LEN	40
#define MANASIM_MAX_MAC		8
#define MANASIM_MAX_MC		RTE_PMD_MANASIM_MAX_MC
#define MANASIM_VLAN_WORDS	(RTE_ETHER_MAX_VLAN_ID / 64 + 1)
#define MANASIM_MIN_MTU		RTE_ETHER_MIN_MTU
#define MANASIM_MAX_MTU		9000
/* "<wire>_rx_15" must fit in a ring name (RTE_RING_NAMESIZE - 1 = 28). */
#define MANASIM_WIRE_MAX	20
#define MANASIM_RSS_HF		(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP | \
				 RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_IPV6 | \
				 RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP)

extern int manasim_logtype;

#define MS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, manasim_logtype, "manasim: " fmt "\n", ##__VA_ARGS__)

/*
 * Burst-state word of a queue, as MANA's: a burst enters with a CAS 0 -> BUSY
 * and leaves by clearing BUSY; any other bit set makes the CAS fail and the
 * burst return 0 without touching the mbufs.
 */
#define MS_Q_BUSY	1u /* a burst is inside */
#define MS_Q_BLOCKED	2u /* reset in progress or device dead */
#define MS_Q_STOPPED	4u /* queue stopped (queue_stop / dev_stop / not started) */

/* Event engine state: one injected or scheduled event at a time. */
enum manasim_ev_state {
	MS_EV_IDLE = 0,
	MS_EV_PENDING, /* alarm armed, not fired yet */
	MS_EV_RUNNING, /* being played (reset thread, link-down wait ...) */
};

/* Devargs, validated. */
struct manasim_args {
	int64_t reset_at_ms;	/* -1: no schedule */
	int64_t reset_every_ms;	/* -1: same as reset_at_ms */
	uint32_t reset_ms;
	uint32_t count;		/* scheduled events; 0: unlimited */
	enum rte_pmd_manasim_kind outcome;
	int64_t return_ms;	/* -1: never returns */
	int hang_queue;		/* -1: all */
	enum rte_pmd_manasim_hang_kind hang_kind;
	enum rte_pmd_manasim_hang_scope hang_scope;
	bool monitor;
	bool full_ops;
	bool rx_source;
	bool promisc;		/* the port comes up promiscuous */
	bool reset_clears;	/* rte_eth_dev_reset() loses the configuration */
	bool reset_on_stop;	/* the outcome begins as a dev_stop arrives */
	bool mac_given;
	struct rte_ether_addr mac;
	char wire[MANASIM_WIRE_MAX + 1];
};

/* Process-global memory of a device name, survives its ports. */
struct manasim_reg {
	char name[RTE_DEV_NAME_MAX_LEN];
	bool used;
	bool live;		/* a probe or a port holds it */
	bool removed;		/* the VF is gone until returns_at_ms */
	bool monitor;		/* removal played in device-event monitor mode */
	uint64_t returns_at_ms;	/* UINT64_MAX: never */
	uint32_t fired;		/* scheduled events fired so far */
};

struct manasim_priv;
struct rte_flow_ops;

struct __rte_cache_aligned manasim_rxq {
	uint32_t state;			/* burst-state word, MS_Q_* */
	uint16_t qid;
	uint16_t nb_desc;
	bool configured;		/* written atomically */
	struct manasim_priv *priv;
	struct rte_mempool *mp;
	struct rte_ring *ring;		/* wire mode: <wire>_rx_<q> */
	struct rte_eth_rxconf conf;
	/* Written by the polling lcore only. */
	uint64_t pkts;
	uint64_t bytes;
	uint64_t nombuf;
	uint64_t refused;		/* bursts refused while blocked */
};

struct __rte_cache_aligned manasim_txq {
	uint32_t state;			/* burst-state word, MS_Q_* */
	uint16_t qid;
	uint16_t nb_desc;
	bool configured;		/* atomic: the API and alarms read it */
	uint32_t hang;			/* 0, or 1 + enum rte_pmd_manasim_hang_kind */
	enum rte_pmd_manasim_hang_scope hang_scope;
	struct manasim_priv *priv;
	struct rte_ring *ring;		/* wire mode: <wire>_tx_<q> */
	struct rte_eth_txconf conf;
	struct rte_mbuf **held;		/* nocomplete/slow hang: accepted, not completed */
	uint16_t nb_held;
	/* Written by the polling lcore only. */
	uint64_t pkts;
	uint64_t bytes;
	uint64_t errors;
	uint64_t refused;		/* packets refused while blocked */
	uint64_t refused_hang;		/* packets refused by a hang */
	uint64_t prepared;		/* packets passed by tx_prepare */
};

/* Device-level counters, written by alarms and the reset thread (atomics). */
struct manasim_counters {
	uint64_t resets_started;
	uint64_t resets_completed;
	uint64_t resets_failed;
	uint64_t resets_aborted;
	uint64_t resets_nested;
	uint64_t removals;
	uint64_t rx_lost_in_reset;
	uint64_t tx_lost_in_reset;
	uint64_t tx_hangs;
	uint64_t tx_hang_dropped;
	uint64_t lsc_flaps;
};

/*
 * Private data of a port. Allocated apart from dev_private and reference
 * counted: an alarm callback or the reset thread may outlive the port when
 * the application closes it from inside an event callback they run, and an
 * API or telemetry call (manasim_port_get) may run on while another thread
 * closes the port. Such a caller reads priv only, never dev->data (ethdev
 * clears it after close): what it reads and close changes is atomic.
 */
struct manasim_priv {
	char name[RTE_DEV_NAME_MAX_LEN];
	uint16_t port_id;
	struct rte_eth_dev *eth_dev;
	struct manasim_args args;
	struct manasim_reg *reg;
	uint32_t refcnt;

	/*
	 * The reset lock. Control operations try it and return -EBUSY when it
	 * is contended, as MANA's do. Always taken and released in the same
	 * function; never held while an event is emitted, except the
	 * deliberate spurious NEW (see manasim_event.c).
	 */
	rte_spinlock_t lock;
	uint32_t state;		/* enum rte_pmd_manasim_state, atomic */
	bool started;		/* atomic: read by the API */
	uint16_t nb_rxq;	/* queues as of the last configure, atomic */
	uint16_t nb_txq;
	bool finishing;		/* reset thread decided, no more nesting */
	bool in_new_cb;		/* reset thread holds the lock inside NEW */
	uint32_t link_up;	/* atomic */

	/* Event engine. */
	uint32_t ev_state;	/* enum manasim_ev_state, atomic */
	struct rte_pmd_manasim_event pending;	/* for the event alarm */
	struct rte_pmd_manasim_event running;	/* being played */
	uint64_t deadline_ms;	/* recovery timer end, atomic */
	uint32_t nested_pending; /* nested ERR_RECOVERING armed, atomic */
	uint32_t nested_ext_ms;	/* timer restart of the next nested event */
	manafo_thread_t rst_thread;
	uint32_t rst_live;	/* rst_thread exists and is not joined, atomic */
	uint32_t rst_go;	/* rst_thread published, the thread may run */
	uint32_t abort;		/* stop/close asks the reset thread to quit */
	uint32_t closed;	/* port closed: emit nothing more, atomic */
	uint32_t alarms_running; /* alarm callbacks of this port running, atomic */

	/* Configuration that a reset keeps. */
	uint64_t rss_hf;
	uint8_t rss_key[MANASIM_RSS_KEY_LEN];
	uint16_t reta[MANASIM_RETA_SIZE];
	uint32_t nb_flows;	/* atomic: read by the API */
	void *flows;		/* list of rte_flow handles (full_ops) */
	/* Receive filters (full_ops), written under both locks, read under filt_lock. */
	rte_spinlock_t filt_lock;
	uint64_t vlan_ids[MANASIM_VLAN_WORDS];
	uint32_t nb_mc;
	struct rte_ether_addr mc[MANASIM_MAX_MC];

	struct manasim_counters cnt;
	uint64_t base_imissed;	/* stats_reset snapshots of derived stats */
	uint64_t base_oerrors;
	struct manasim_rxq rxq[MANASIM_MAX_QUEUES];
	struct manasim_txq txq[MANASIM_MAX_QUEUES];
};

/* dev_private of the ethdev: only a pointer, see struct manasim_priv. */
struct manasim_dev_private {
	struct manasim_priv *priv;
};

static inline struct manasim_priv *
manasim_priv(const struct rte_eth_dev *dev)
{
	return ((struct manasim_dev_private *)dev->data->dev_private)->priv;
}

static inline uint32_t
manasim_state(const struct manasim_priv *priv)
{
	return __atomic_load_n(&priv->state, __ATOMIC_ACQUIRE);
}

static inline void
manasim_state_set(struct manasim_priv *priv, enum rte_pmd_manasim_state st)
{
	__atomic_store_n(&priv->state, st, __ATOMIC_RELEASE);
}

static inline bool
manasim_is_dead(const struct manasim_priv *priv)
{
	return manasim_state(priv) >= RTE_PMD_MANASIM_ST_FAILED;
}

static inline void
manasim_cnt_add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* -EBUSY during a reset, -EIO once dead; caller holds the reset lock. */
static inline int
manasim_ctrl_state(const struct manasim_priv *priv)
{
	uint32_t st = manasim_state(priv);

	if (st == RTE_PMD_MANASIM_ST_RESETTING)
		return -EBUSY;
	if (st != RTE_PMD_MANASIM_ST_READY)
		return -EIO;
	return 0;
}

/* Thread detach is not in manafo_compat.h (the lead owns it). */
static inline void
manasim_thread_detach(manafo_thread_t t)
{
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
	rte_thread_detach(t);
#else
	pthread_detach(t);
#endif
}

uint64_t manasim_now_ms(void);

/* manasim_args.c */
int manasim_args_parse(const char *name, const char *params, struct manasim_args *a);
const char *manasim_kind_name(enum rte_pmd_manasim_kind k);
int manasim_kind_parse(const char *s, enum rte_pmd_manasim_kind *k);
const char *manasim_hang_kind_name(enum rte_pmd_manasim_hang_kind k);
int manasim_hang_kind_parse(const char *s, enum rte_pmd_manasim_hang_kind *k);

/* manasim_registry.c */
struct manasim_reg *manasim_reg_get(const char *name);
void manasim_reg_release(struct manasim_reg *r);
int manasim_reg_probe_check(struct manasim_reg *r);
void manasim_reg_removed(struct manasim_reg *r, int64_t return_ms, bool monitor);
bool manasim_reg_fire(struct manasim_reg *r, uint32_t count);
void manasim_reset_on_stop(struct manasim_priv *priv);
bool manasim_reg_sched_left(struct manasim_reg *r, uint32_t count);
uint32_t manasim_reg_fired(struct manasim_reg *r);
int manasim_reg_available(const char *name, uint64_t *ms_left);
void manasim_port_register(struct manasim_priv *priv);
void manasim_port_unregister(struct manasim_priv *priv);
struct manasim_priv *manasim_port_get(uint16_t port_id);
int manasim_port_alarm_set(struct manasim_priv *priv, uint64_t us, rte_eal_alarm_callback cb);

/* manasim_rxtx.c */
uint16_t manasim_rx_burst(void *qp, struct rte_mbuf **pkts, uint16_t n);
uint16_t manasim_tx_burst(void *qp, struct rte_mbuf **pkts, uint16_t n);
uint16_t manasim_tx_prepare(void *qp, struct rte_mbuf **pkts, uint16_t n);
uint32_t manasim_rx_queue_count(void *qp);
int manasim_tx_descriptor_status(void *qp, uint16_t offset);
void manasim_q_block(uint32_t *word, uint32_t bit);
void manasim_q_unblock(uint32_t *word, uint32_t bit);
void manasim_block_all(struct manasim_priv *priv, uint32_t bit);
void manasim_unblock_all(struct manasim_priv *priv, uint32_t bit);
uint16_t manasim_txq_free_held(struct manasim_txq *q);
uint32_t manasim_rxq_drop_ring(struct manasim_rxq *q);

/* manasim_event.c */
bool manasim_is_reset_thread(struct manasim_priv *priv);
void manasim_get(struct manasim_priv *priv);
void manasim_put(struct manasim_priv *priv);
int manasim_event_inject(struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev);
int manasim_event_check(const struct manasim_priv *priv, const struct rte_pmd_manasim_event *ev);
void manasim_event_defaults(const struct manasim_priv *priv, enum rte_pmd_manasim_kind kind,
			    struct rte_pmd_manasim_event *ev);
void manasim_sched_arm(struct manasim_priv *priv, bool first);
void manasim_quiesce(struct manasim_priv *priv, bool closing);
void manasim_txq_repair(struct manasim_txq *q, bool device_wide);
int manasim_link_set(struct manasim_priv *priv, bool up);

/* manasim_queue.c */
int manasim_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			   unsigned int socket, const struct rte_eth_rxconf *conf,
			   struct rte_mempool *mp);
int manasim_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			   unsigned int socket, const struct rte_eth_txconf *conf);
void manasim_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void manasim_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int manasim_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int manasim_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int manasim_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int manasim_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
void manasim_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qinfo);
void manasim_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qinfo);
uint16_t manasim_txq_fini(struct manasim_txq *q);

/* manasim_stats.c */
int manasim_stats_get(MANAFO_STATS_GET_ARGS);
int manasim_stats_reset(struct rte_eth_dev *dev);
int manasim_xstats_reset(struct rte_eth_dev *dev);
int manasim_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			     unsigned int size);
int manasim_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n);

/* manasim_flow.c */
int manasim_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops);
void manasim_flow_flush_all(struct manasim_priv *priv);

/* manasim_ethdev.c, manasim_stats.c */
void manasim_counters_read(const struct manasim_priv *priv, struct rte_pmd_manasim_counters *c);
void manasim_info_read(const struct manasim_priv *priv, struct rte_pmd_manasim_info *info);
void manasim_filters_read(struct manasim_priv *priv, struct rte_pmd_manasim_filters *f);

#endif /* MANASIM_H */
