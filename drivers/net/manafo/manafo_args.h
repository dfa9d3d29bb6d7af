/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANAFO_ARGS_H
#define MANAFO_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Devargs of a manafo port. The parser depends on nothing but libc so that
 * it can be unit-tested and fuzzed without EAL.
 */

/* The two sub-devices of a manafo port. */
enum manafo_role {
	MANAFO_VF = 0,		/* fast path: the MANA VF */
	MANAFO_SYNTH = 1,	/* slow path that always works: netvsc, tap... */
	MANAFO_NB_ROLES,
};

/* How the control path waits for data-path threads to leave a sub-device. */
enum manafo_guard_mode {
	MANAFO_GUARD_AUTO = 0,		/* membarrier when the kernel has it */
	MANAFO_GUARD_MEMBARRIER,	/* plain stores + membarrier(2) on the writer */
	MANAFO_GUARD_CAS,		/* per-queue atomic read-modify-write */
};

#define MANAFO_SUB_ARGS_MAX	512
#define MANAFO_PORT_NAME_MAX	64
#define MANAFO_SYSFS_MAX	256
#define MANAFO_BDF_MAX		32	/* a PCI address, "dddd:bb:dd.f" and then some */

/* vf(auto) / synth(auto): the value that asks for discovery on Azure. */
#define MANAFO_AUTO		"auto"

#define MANAFO_DEF_FAILBACK_MS		0
#define MANAFO_DEF_RECOVERY_TIMEOUT_MS	60000
#define MANAFO_DEF_HOTPLUG_POLL_MS	2000
#define MANAFO_DEF_TX_TIMEOUT_MS	5000
#define MANAFO_DEF_TX_HANG_MAX		3

struct manafo_args {
	/* vf(<devargs>) / synth(<devargs>): probe from these devargs */
	char sub_devargs[MANAFO_NB_ROLES][MANAFO_SUB_ARGS_MAX];
	/* vf_port=<name> / synth_port=<name>: adopt an existing port */
	char sub_port[MANAFO_NB_ROLES][MANAFO_PORT_NAME_MAX];
	bool has_mac;
	uint8_t mac[6];
	enum manafo_guard_mode guard;
	uint32_t failback_ms;
	uint32_t recovery_timeout_ms;
	uint32_t hotplug_poll_ms;
	uint32_t tx_timeout_ms;		/* 0: watchdog off */
	uint32_t tx_hang_max;
	/* vf(auto) / synth(auto): find the device by MAC (manafo_azure.c) */
	bool sub_auto[MANAFO_NB_ROLES];
	/* sysfs=<path>: root of the sysfs tree to scan; "" for $MANAFO_SYSFS or /sys */
	char sysfs[MANAFO_SYSFS_MAX];
	/*
	 * Runtime state of the discovery, not parsed: it lives exactly as long
	 * as the devargs of the port, and only the control path (port lock
	 * held) touches it.
	 */
	struct manafo_auto_state {
		bool has_mac;		/* mac below learned from the synthetic path */
		uint8_t mac[6];
		uint32_t misses;	/* scans with no match since the last find */
		uint32_t logged_gen;	/* sub-device generation of the last "found" line */
		bool logged;		/* logged_gen is valid */
		bool ambiguous_logged;	/* "two matches" said once per streak */
		bool ib_wait_logged;	/* "IB device not registered yet" said once */
		char logged_dev[48];	/* device (BDF, VMBus UUID) of the "found" line */
	} auto_state[MANAFO_NB_ROLES];
};

/* The keys, for the error message of an unknown key and for the docs check. */
extern const char *const manafo_args_keys[];

/*
 * Parse a devargs string (may be NULL or empty: then it fails, synth is
 * required). On error returns -EINVAL and writes one line naming the bad
 * value into err.
 */
int manafo_args_parse(const char *str, struct manafo_args *args, char *err, size_t errlen);

/* True when the role was given at all (probe or adopt). */
bool manafo_args_has(const struct manafo_args *args, enum manafo_role role);

/*
 * The MAC address of a mac=<MAC> item of sub-device devargs
 * ("<name>,k=v,mac=<MAC>,..."), as the MANA PMD takes it. 0 when found,
 * -1 when absent or malformed.
 */
int manafo_args_devargs_mac(const char *devargs, uint8_t mac[6]);

#endif /* MANAFO_ARGS_H */
