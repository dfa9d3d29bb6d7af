/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef RTE_PMD_MANASIM_H
#define RTE_PMD_MANASIM_H

/**
 * @file
 * net_manasim: a virtual ethdev that behaves like an Azure MANA VF during a
 * service reset, a hot-remove, a TX hang or a link flap, for tests and
 * drills of upper layers (manafo, netvsc, failsafe, bonding).
 *
 * Events are played on the threads MANA uses:
 * - RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_INTR_LSC and
 *   RTE_ETH_EVENT_INTR_RMV on the EAL interrupt thread (EAL alarms);
 * - RTE_ETH_EVENT_NEW (spurious, under the reset lock),
 *   RTE_ETH_EVENT_RECOVERY_SUCCESS and RTE_ETH_EVENT_RECOVERY_FAILED on the
 *   device's reset control thread "manasim-rst" (RECOVERY_FAILED comes from
 *   the interrupt thread only when that thread cannot be created).
 *
 * Injection is asynchronous: the functions below arm an EAL alarm and
 * return at once. None of them may be called from a data-path lcore loop
 * with the expectation of the event having happened on return.
 */

#include <stdint.h>

#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What to play on a manasim port. */
enum rte_pmd_manasim_kind {
	/** Service reset that recovers: ERR_RECOVERING, [NEW], RECOVERY_SUCCESS. */
	RTE_PMD_MANASIM_RESET_SUCCESS = 0,
	/** Service reset that fails: ERR_RECOVERING, RECOVERY_FAILED; port dead. */
	RTE_PMD_MANASIM_RESET_FAILED,
	/** Reset with a second ERR_RECOVERING half-way, then RECOVERY_SUCCESS. */
	RTE_PMD_MANASIM_RESET_NESTED,
	/**
	 * Hot-remove. monitor=1: ERR_RECOVERING, INTR_RMV and
	 * RTE_DEV_EVENT_REMOVE, no RECOVERY_* event. monitor=0:
	 * ERR_RECOVERING, then after reset_ms RECOVERY_FAILED. Port dead;
	 * the device name may be probed again after return_ms.
	 */
	RTE_PMD_MANASIM_REMOVE,
	/** TX queue(s) hang; no ethdev event (as on real hardware). */
	RTE_PMD_MANASIM_TX_HANG,
	/** Link down (INTR_LSC), reset_ms later link up (INTR_LSC). */
	RTE_PMD_MANASIM_LINK_FLAP,
	RTE_PMD_MANASIM_KIND_MAX,
};

/** How a hung TX queue behaves. */
enum rte_pmd_manasim_hang_kind {
	/** tx_burst returns 0 and leaves the mbufs to the caller. */
	RTE_PMD_MANASIM_HANG_REFUSE = 0,
	/**
	 * tx_burst accepts packets but never completes them: they are held
	 * (tx_descriptor_status reports them FULL) and, once nb_desc are
	 * held, tx_burst returns 0.
	 */
	RTE_PMD_MANASIM_HANG_NOCOMPLETE,
	/**
	 * Slow, not stopped: tx_burst holds packets as with NOCOMPLETE, but
	 * each call first completes (sends) the oldest held packet. The
	 * completions keep moving, far slower than the packets come, until
	 * the ring is full; then one packet is accepted per call.
	 */
	RTE_PMD_MANASIM_HANG_SLOW,
};

/** What repairs a TX hang of kind RTE_PMD_MANASIM_HANG_REFUSE. */
enum rte_pmd_manasim_hang_scope {
	/** tx_queue_stop + tx_queue_start of the queue (or more) repairs it. */
	RTE_PMD_MANASIM_SCOPE_QUEUE = 0,
	/** Only dev_stop + dev_start (or dev_reset) repairs it. */
	RTE_PMD_MANASIM_SCOPE_DEVICE,
};

/** Reset/removal state of a manasim port. */
enum rte_pmd_manasim_state {
	RTE_PMD_MANASIM_ST_READY = 0, /**< Healthy (started or not). */
	RTE_PMD_MANASIM_ST_RESETTING, /**< Queues blocked, recovery running. */
	RTE_PMD_MANASIM_ST_FAILED,    /**< Recovery failed: dead until closed. */
	RTE_PMD_MANASIM_ST_REMOVED,   /**< Hot-removed: dead until closed. */
	RTE_PMD_MANASIM_ST_ABORTED,   /**< Reset aborted by stop/close: dead. */
};

/** Return value of rte_pmd_manasim_name_available() for "never". */
#define RTE_PMD_MANASIM_NEVER UINT64_MAX

/**
 * One event to play. Fill it with rte_pmd_manasim_event_init(), which
 * copies the port's devargs, then change what the test needs.
 */
struct rte_pmd_manasim_event {
	enum rte_pmd_manasim_kind kind;
	/** Delay from the call until the event starts (0: at once). */
	uint32_t delay_ms;
	/** Reset duration (recovery timer) or link-down time, in ms. */
	uint32_t reset_ms;
	/**
	 * REMOVE: ms after the removal until the device name can be probed
	 * again; -1: never.
	 */
	int64_t return_ms;
	/** REMOVE: 1 to behave as with the EAL device-event monitor on. */
	int monitor;
	/** TX_HANG: queue index, or -1 for every TX queue. */
	int hang_queue;
	enum rte_pmd_manasim_hang_kind hang_kind;   /**< TX_HANG only. */
	enum rte_pmd_manasim_hang_scope hang_scope; /**< TX_HANG only. */
};

/** Counters of a manasim port (also exposed as xstats, same names). */
struct rte_pmd_manasim_counters {
	uint64_t resets_started;     /**< Resets that blocked the queues. */
	uint64_t resets_completed;   /**< RECOVERY_SUCCESS emitted. */
	uint64_t resets_failed;      /**< RECOVERY_FAILED emitted. */
	uint64_t resets_aborted;     /**< Resets abandoned by stop/close. */
	uint64_t resets_nested;      /**< Nested ERR_RECOVERING emitted. */
	uint64_t removals;           /**< Hot-removes played. */
	uint64_t rx_refused_blocked; /**< RX bursts refused while blocked. */
	uint64_t tx_refused_blocked; /**< TX packets refused while blocked. */
	uint64_t rx_lost_in_reset;   /**< Packets dropped from RX rings by a reset. */
	uint64_t tx_lost_in_reset;   /**< Held TX packets dropped by a reset. */
	uint64_t tx_hangs;           /**< TX hang events played. */
	uint64_t tx_refused_hang;    /**< TX packets refused by a hung queue. */
	uint64_t tx_hang_dropped;    /**< Held TX packets freed by a repair. */
	uint64_t lsc_flaps;          /**< Link flaps played. */
};

/** State of a manasim port. */
struct rte_pmd_manasim_info {
	enum rte_pmd_manasim_state state;
	int started;          /**< dev_start done and no dev_stop since. */
	int link_up;          /**< Link status reported now. */
	int event_busy;       /**< An injected/scheduled event is in progress. */
	uint32_t tx_hung_mask; /**< Bit q set: TX queue q hangs. */
	uint16_t nb_rx_queues;
	uint16_t nb_tx_queues;
	uint32_t sched_fired;  /**< Scheduled (devargs) events fired for this name. */
	uint32_t nb_flows;     /**< rte_flow rules held (full_ops=1). */
	uint64_t tx_prepared;  /**< Packets passed by tx_prepare, all queues. */
};

/** Most multicast addresses a port holds (full_ops=1). */
#define RTE_PMD_MANASIM_MAX_MC 32

/**
 * Receive filters of a port (full_ops=1) that ethdev cannot read back: the
 * VLAN filter table (rte_eth_dev_vlan_filter) and the multicast list
 * (rte_eth_dev_set_mc_addr_list). A service reset keeps them; with
 * dev_reset=clear, rte_eth_dev_reset() empties them.
 */
struct rte_pmd_manasim_filters {
	/** Bit (v % 64) of word (v / 64) set: VLAN v is accepted. */
	uint64_t vlan_ids[64];
	uint32_t nb_mc_addrs;
	struct rte_ether_addr mc_addrs[RTE_PMD_MANASIM_MAX_MC];
};

/**
 * Fill an event with the defaults of a port (its devargs).
 *
 * @return 0, -ENODEV if port_id is not a manasim port, -EINVAL on NULL or a
 *   bad kind.
 */
int rte_pmd_manasim_event_init(uint16_t port_id, enum rte_pmd_manasim_kind kind,
			       struct rte_pmd_manasim_event *ev);

/**
 * Play an event on a port, asynchronously (EAL alarm after ev->delay_ms).
 *
 * A reset-kind event (RESET_* or REMOVE) injected while a reset or a
 * removal without monitor is still waiting for its recovery timer is a
 * nested error: it emits one more ERR_RECOVERING (interrupt thread) and
 * restarts the recovery timer with its reset_ms; the outcome of the
 * running reset is kept.
 *
 * Safe against a concurrent close of the port, as are the other calls
 * taking a port id here: the call finds the port or not (-ENODEV), and an
 * event accepted just before a close is cancelled by it.
 *
 * @return 0 when accepted; -ENODEV: not a manasim port (or closed, or
 *   being closed); -EINVAL: bad parameters; -EBUSY: another event is in progress (until its last
 *   event callback has returned); -EIO: the port is dead (failed,
 *   removed, aborted).
 */
int rte_pmd_manasim_inject(uint16_t port_id, const struct rte_pmd_manasim_event *ev);

/**
 * @return 1 while the port's queues are blocked by a reset (from just after
 *   ERR_RECOVERING to just before RECOVERY_*), 0 otherwise, -ENODEV if not
 *   a manasim port.
 */
int rte_pmd_manasim_is_resetting(uint16_t port_id);

/** @return 0, -ENODEV, -EINVAL (NULL). */
int rte_pmd_manasim_counters_get(uint16_t port_id, struct rte_pmd_manasim_counters *c);

/** @return 0, -ENODEV, -EINVAL (NULL). */
int rte_pmd_manasim_info_get(uint16_t port_id, struct rte_pmd_manasim_info *info);

/** @return 0, -ENODEV, -EINVAL (NULL). */
int rte_pmd_manasim_filters_get(uint16_t port_id, struct rte_pmd_manasim_filters *f);

/** @return a static name of a state ("ready", "resetting", ...). */
const char *rte_pmd_manasim_state_name(enum rte_pmd_manasim_state st);

/**
 * Whether a probe of a device name would succeed now (the VF is present).
 *
 * @param name  device name, e.g. "net_manasim0".
 * @param ms_left  if not NULL, set to the ms until the name returns, 0 when
 *   available, RTE_PMD_MANASIM_NEVER when it never returns.
 * @return 1 available (never removed, or returned), 0 removed and not back
 *   yet, -EINVAL on NULL name.
 */
int rte_pmd_manasim_name_available(const char *name, uint64_t *ms_left);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_MANASIM_H */
