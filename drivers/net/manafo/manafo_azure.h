/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef MANAFO_AZURE_H
#define MANAFO_AZURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manafo_args.h"

/*
 * Azure integration: vf(auto) and synth(auto) find the MANA VF and the
 * synthetic NIC by MAC address in sysfs, and a returning MANA VF is probed
 * only once its IB device is registered.
 *
 * The scan functions read files only (no EAL) so that tests can run them
 * on a fake sysfs tree; manafo_azure_discover() and manafo_azure_vf_ready()
 * are the EAL side, called by manafo_sub.c with the port lock held.
 */

#define MANAFO_SYSFS_ENV	"MANAFO_SYSFS"
#define MANAFO_SYSFS_DEFAULT	"/sys"

#define MANAFO_MANA_VENDOR	0x1414	/* Microsoft */
#define MANAFO_MANA_DEVICE	0x00ba	/* MANA */
/* VMBus class id of a synthetic network adapter (netvsc). */
#define MANAFO_NETVSC_CLASS_ID	"f8615163-df3e-46c5-913f-f2d2f965ed0e"

#define MANAFO_IFNAME_MAX	16	/* IFNAMSIZ */
#define MANAFO_UUID_MAX		40

/* What a scan for the MANA VF of one MAC address saw. */
struct manafo_azure_vf {
	unsigned int nb_mana;		/* MANA PCI devices seen */
	unsigned int nb_ifaces;		/* their network interfaces */
	unsigned int nb_match;		/* devices with an interface of that MAC */
	char bdf[2][MANAFO_BDF_MAX];	/* the first two matches */
	char ifname[2][MANAFO_IFNAME_MAX];
};

/* What a scan for the hv_netvsc interface of one MAC address saw. */
struct manafo_azure_synth {
	unsigned int nb_netvsc;		/* VMBus network devices seen */
	unsigned int nb_unbound;	/* of those, with no kernel interface (uio) */
	unsigned int nb_match;
	char uuid[2][MANAFO_UUID_MAX];
	char ifname[2][MANAFO_IFNAME_MAX];
};

/* Synthetic path PMDs available to synth(auto), in order of preference. */
#define MANAFO_AZURE_HAVE_TAP		(1u << 0)
#define MANAFO_AZURE_HAVE_AF_PACKET	(1u << 1)

/* The sysfs root: the devarg, else $MANAFO_SYSFS, else /sys. */
const char *manafo_azure_sysfs(const char *devarg);

/* "xx:xx:xx:xx:xx:xx", lowercase; buf of at least 18 bytes. */
void manafo_azure_mac_str(const uint8_t mac[6], char *buf, size_t len);

/* A MAC address as sysfs writes it, either case. 0 on success. */
int manafo_azure_mac_parse(const char *s, uint8_t mac[6]);

/*
 * Scan <sysfs>/bus/pci/devices/ for MANA devices with a network interface
 * of that MAC. 0: exactly one, -ENOENT: none, -ENOTUNIQ: more than one
 * (out says which); out is filled in every case.
 */
int manafo_azure_find_vf(const char *sysfs, const uint8_t mac[6], struct manafo_azure_vf *out);

/* The devargs to probe a found VF with: "<bdf>,mac=<MAC>". */
int manafo_azure_vf_devargs(const char *bdf, const uint8_t mac[6], char *buf, size_t len);

/* Is <sysfs>/bus/pci/devices/<bdf> a MANA device? */
bool manafo_azure_is_mana(const char *sysfs, const char *bdf);

/*
 * Is the IB device of that PCI device registered (an entry in
 * <sysfs>/bus/pci/devices/<bdf>/infiniband/)? Its name goes to ibdev.
 */
bool manafo_azure_ib_registered(const char *sysfs, const char *bdf, char *ibdev, size_t len);

/*
 * Scan <sysfs>/bus/vmbus/devices/ for netvsc devices whose kernel interface
 * (hv_netvsc) has that MAC. Return values as manafo_azure_find_vf().
 */
int manafo_azure_find_synth(const char *sysfs, const uint8_t mac[6],
			    struct manafo_azure_synth *out);

/*
 * The devargs of a synthetic path over kernel interface ifname, with the
 * first PMD of `have` (MANAFO_AZURE_HAVE_*): "net_tap_<suffix>,remote=<if>"
 * or "net_af_packet_<suffix>,iface=<if>". -ENOTSUP when neither is there.
 */
int manafo_azure_synth_devargs(unsigned int have, const char *suffix, const char *ifname,
			       char *buf, size_t len);

struct manafo_priv;

/*
 * vf(auto) / synth(auto): the devargs to probe the role's device with, or
 * a negative errno: -EAGAIN when there is nothing to probe yet (no match,
 * IB device not registered: a later hot-plug poll tries again), -ENOTUNIQ
 * on two matches, -EINVAL when no MAC address is known, -ENODEV when the
 * synthetic path cannot be found. Logs why. Port lock held.
 */
int manafo_azure_discover(struct manafo_priv *priv, enum manafo_role role, char *devargs,
			  size_t len);

/*
 * Before probing PCI device devname for the role: when it is a MANA device,
 * -EAGAIN until its IB device is registered (probing earlier fails with
 * -ENODEV), logged once; 0 otherwise. Port lock held.
 */
int manafo_azure_vf_ready(struct manafo_priv *priv, enum manafo_role role, const char *devname);

#endif /* MANAFO_AZURE_H */
