/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef RTE_PMD_MANAFO_H
#define RTE_PMD_MANAFO_H

/**
 * @file
 * net_manafo public API: state of a manafo port, live drills and planned
 * failover. Every call takes the port id of a manafo port (not of one of its
 * sub-devices) and is safe from any control thread of the application.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which sub-device carries a direction of the traffic. */
enum rte_pmd_manafo_path {
	RTE_PMD_MANAFO_PATH_VF = 0,	/**< the VF (fast path) */
	RTE_PMD_MANAFO_PATH_SYNTH = 1,	/**< the synthetic path */
	RTE_PMD_MANAFO_PATH_NONE = 2,	/**< neither (port stopped or both down) */
};

/** Lifecycle state of one sub-device, as in the documentation. */
enum rte_pmd_manafo_sub_state {
	RTE_PMD_MANAFO_SUB_ABSENT = 0,	/**< no device behind this role */
	RTE_PMD_MANAFO_SUB_READY,	/**< attached and configured, not carrying traffic */
	RTE_PMD_MANAFO_SUB_ACTIVE,	/**< carrying traffic */
	RTE_PMD_MANAFO_SUB_STANDBY,	/**< present, traffic steered away */
	RTE_PMD_MANAFO_SUB_GONE,	/**< given up, being removed */
};

/** One sub-device of a manafo port. */
struct rte_pmd_manafo_sub {
	uint16_t port_id;	/**< its ethdev port, RTE_MAX_ETHPORTS when absent */
	enum rte_pmd_manafo_sub_state state; /**< lifecycle state */
	int recovering;		/**< between ERR_RECOVERING and its result */
	uint64_t rx_packets;	/**< received through it by this port */
	uint64_t tx_packets;	/**< sent through it by this port */
};

/** State and counters of a manafo port. */
struct rte_pmd_manafo_state {
	struct rte_pmd_manafo_sub vf;		/**< the VF */
	struct rte_pmd_manafo_sub synth;	/**< the synthetic path */
	enum rte_pmd_manafo_path tx_path;	/**< where TX goes now */
	int started;				/**< the port is started */
	int forced;				/**< held on the synthetic path */
	int drill_running;			/**< a live drill is in progress */
	uint64_t failovers;			/**< switches to the synthetic path */
	uint64_t failbacks;			/**< switches back to the VF */
	uint64_t vf_resets;			/**< VF service resets seen */
	uint64_t vf_removals;			/**< VF given up (removed, failed) */
	uint64_t vf_returns;			/**< VF re-attached */
	uint64_t tx_hangs;			/**< TX watchdog trips */
	uint64_t tx_redirected;			/**< packets moved to synth mid-burst */
	uint64_t tx_refused;			/**< packets refused with no path */
	uint64_t synth_time_ms;			/**< total time TX spent on synth */
};

/** Outcome of the last live drill. */
struct rte_pmd_manafo_drill {
	int running;		/**< still in progress */
	uint32_t duration_ms;	/**< how long TX stayed on the synthetic path */
	uint64_t tx_vf;		/**< packets sent on the VF during the drill */
	uint64_t tx_synth;	/**< packets sent on the synthetic path during it */
	uint64_t tx_refused;	/**< packets refused during it (0 expected) */
	int back_on_vf;		/**< TX returned to the VF afterwards */
};

/**
 * Read the state of a manafo port.
 *
 * @return 0, -ENODEV if port_id is not a manafo port, -EINVAL if st is NULL.
 */
int rte_pmd_manafo_state_get(uint16_t port_id, struct rte_pmd_manafo_state *st);

/**
 * Start a live drill: steer TX to the synthetic path for ms milliseconds
 * and back, without touching the VF. Returns at once.
 *
 * @return 0; -ENODEV (not a manafo port), -EINVAL (ms is 0 or over one hour,
 *   port not started), -ENOLINK (the synthetic path cannot carry traffic),
 *   -EBUSY (a drill is already running).
 */
int rte_pmd_manafo_drill_start(uint16_t port_id, uint32_t ms);

/**
 * Read the result of the last (or running) drill.
 *
 * @return 0, -ENODEV, -EINVAL if d is NULL, -ENOENT if no drill ran yet.
 */
int rte_pmd_manafo_drill_result(uint16_t port_id, struct rte_pmd_manafo_drill *d);

/**
 * Planned maintenance: steer TX to the synthetic path and keep it there,
 * through any VF event, until rte_pmd_manafo_failback().
 *
 * @return 0, -ENODEV, -ENOLINK if the synthetic path cannot carry traffic.
 */
int rte_pmd_manafo_failover(uint16_t port_id);

/**
 * End a forced failover: TX goes back to the VF when it is ready.
 *
 * @return 0 (back on the VF), -ENODEV, -EAGAIN if the VF is not ready now
 *   (TX returns to it by itself once it is).
 */
int rte_pmd_manafo_failback(uint16_t port_id);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_MANAFO_H */
