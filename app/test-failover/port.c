/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The port under test and its two wires.
 *
 * The VF is net_manasim in wire mode: queue q reads its RX from the ring
 * <wire>_rx_<q> and writes its TX to <wire>_tx_<q>.
 *
 * The synthetic path is a second net_manasim in wire mode that is never
 * given an event, with full_ops=1. Why not net_ring (rte_eth_from_rings):
 * the synthetic path stands for netvsc, which takes MTU, MAC and
 * promiscuous changes; net_ring has no mtu_set and no mac_addr_set, so
 * every MTU call of a drill would fail on the synthetic path (for manafo
 * and failsafe alike) and bonding could not make it its active member.
 * A manasim also gives both wires the same ring layout and counters, and
 * a device name every peer can take: manafo synth_port=, failsafe dev(),
 * bonding slave=.
 *
 * The drill owns every ring: it creates them before the ports, so manasim
 * finds them by name (and keeps using them across resets, removals and
 * re-probes), and it frees them after the port is gone.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "drill.h"
#include "rte_pmd_manafo.h"

/* On Azure the VF and the synthetic NIC share the MAC address. */
#define DRILL_MAC "02:dd:00:00:00:01"
#define SLOT_MAX 48

static const char *const peer_names[PEER_MAX] = {
	[PEER_MANAFO] = "manafo",
	[PEER_FAILSAFE] = "failsafe",
	[PEER_BONDING] = "bonding",
};

static const char *const peer_labels[PEER_MAX] = {
	[PEER_MANAFO] = "net_manafo",
	[PEER_FAILSAFE] = "net_failsafe",
	[PEER_BONDING] = "net_bonding mode 1",
};

const char *
peer_name(enum drill_peer peer)
{
	return (unsigned int)peer < PEER_MAX ? peer_names[peer] : "?";
}

const char *
peer_label(enum drill_peer peer)
{
	return (unsigned int)peer < PEER_MAX ? peer_labels[peer] : "?";
}

static bool
name_free(const char *name)
{
	uint16_t pid;

	return rte_pmd_manasim_name_available(name, NULL) == 1 &&
	       rte_eth_dev_get_port_by_name(name, &pid) != 0;
}

/*
 * manasim remembers every device name for the life of the process (at most
 * 64): reuse the first slot whose names are free, so that soaks do not run
 * out of names.
 */
static int
slot_pick(struct drill_port *p)
{
	char vf[DRILL_NAME_LEN], sy[DRILL_NAME_LEN];
	unsigned int i;

	for (i = 0; i < SLOT_MAX; i++) {
		snprintf(vf, sizeof(vf), "net_manasim_v%02u", i);
		snprintf(sy, sizeof(sy), "net_manasim_s%02u", i);
		if (name_free(vf) && name_free(sy))
			break;
	}
	if (i == SLOT_MAX)
		return -ENOSPC;
	p->slot = i;
	strlcpy(p->vf_name, vf, sizeof(p->vf_name));
	strlcpy(p->sy_name, sy, sizeof(p->sy_name));
	snprintf(p->vf_wire, sizeof(p->vf_wire), "dv%02u", i);
	snprintf(p->sy_wire, sizeof(p->sy_wire), "ds%02u", i);
	switch (p->peer) {
	case PEER_MANAFO:
		snprintf(p->name, sizeof(p->name), "net_manafo_d%02u", i);
		break;
	case PEER_FAILSAFE:
		snprintf(p->name, sizeof(p->name), "net_failsafe_d%02u", i);
		break;
	default:
		snprintf(p->name, sizeof(p->name), "net_bonding_d%02u", i);
		break;
	}
	return 0;
}

static void
ring_drain_free(struct rte_ring *r, bool free_ring)
{
	struct rte_mbuf *pkts[64];
	unsigned int n;

	if (r == NULL)
		return;
	while ((n = rte_ring_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL)) > 0)
		rte_pktmbuf_free_bulk(pkts, n);
	if (free_ring)
		rte_ring_free(r);
}

/* Single producer, single consumer: one host thread, one lcore per queue. */
static struct rte_ring *
ring_get(const char *wire, const char *dir, uint16_t q)
{
	char name[64];
	struct rte_ring *r;

	if (snprintf(name, sizeof(name), "%s_%s_%u", wire, dir, q) >= (int)RTE_RING_NAMESIZE) {
		rte_errno = ENAMETOOLONG;
		return NULL;
	}
	r = rte_ring_lookup(name);
	if (r != NULL) {
		ring_drain_free(r, false);	/* left by an earlier run */
		return r;
	}
	return rte_ring_create(name, DRILL_RING_SIZE, (int)rte_socket_id(),
			       RING_F_SP_ENQ | RING_F_SC_DEQ);
}

static int
rings_create(struct drill_port *p)
{
	uint16_t q;

	for (q = 0; q < p->nbq; q++) {
		p->vf_rx[q] = ring_get(p->vf_wire, "rx", q);
		p->vf_tx[q] = ring_get(p->vf_wire, "tx", q);
		p->sy_rx[q] = ring_get(p->sy_wire, "rx", q);
		p->sy_tx[q] = ring_get(p->sy_wire, "tx", q);
		if (p->vf_rx[q] == NULL || p->vf_tx[q] == NULL || p->sy_rx[q] == NULL ||
		    p->sy_tx[q] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void
rings_free(struct drill_port *p)
{
	uint16_t q;

	for (q = 0; q < p->nbq; q++) {
		ring_drain_free(p->vf_rx[q], true);
		ring_drain_free(p->vf_tx[q], true);
		ring_drain_free(p->sy_rx[q], true);
		ring_drain_free(p->sy_tx[q], true);
		p->vf_rx[q] = p->vf_tx[q] = p->sy_rx[q] = p->sy_tx[q] = NULL;
	}
}

static void
vf_devargs(const struct drill_port *p, char *buf, size_t len)
{
	/*
	 * bonding mode 1 sets the bond's MAC address on its active member and
	 * does not start when that fails; MANA has no MAC operation, so the
	 * bonding VF gets full_ops=1 (or bonding would not run at all).
	 */
	snprintf(buf, len, "wire=%s,mac=%s%s", p->vf_wire, DRILL_MAC,
		 p->peer == PEER_BONDING ? ",full_ops=1" : "");
}

static int
create_vdevs(struct drill_port *p, char *err, size_t errlen)
{
	char vfargs[128], syargs[128], args[512];
	int ret;

	vf_devargs(p, vfargs, sizeof(vfargs));
	snprintf(syargs, sizeof(syargs), "wire=%s,mac=%s,full_ops=1", p->sy_wire, DRILL_MAC);
	ret = rte_vdev_init(p->sy_name, syargs);
	if (ret != 0) {
		snprintf(err, errlen, "cannot create the synthetic path %s,%s: %s", p->sy_name,
			 syargs, rte_strerror(-ret));
		return ret;
	}
	switch (p->peer) {
	case PEER_MANAFO:
		/* Short timers: a drill plays many events in seconds. */
		snprintf(args, sizeof(args), "vf(%s,%s),synth_port=%s,failback_ms=0,"
			 "hotplug_poll_ms=50,recovery_timeout_ms=3000,tx_timeout_ms=20",
			 p->vf_name, vfargs, p->sy_name);
		break;
	case PEER_FAILSAFE:
		snprintf(args, sizeof(args), "dev(%s,%s),dev(%s),hotplug_poll=50", p->vf_name,
			 vfargs, p->sy_name);
		break;
	default:
		ret = rte_vdev_init(p->vf_name, vfargs);
		if (ret != 0) {
			snprintf(err, errlen, "cannot create the VF %s,%s: %s", p->vf_name,
				 vfargs, rte_strerror(-ret));
			return ret;
		}
		snprintf(args, sizeof(args), "mode=1,slave=%s,slave=%s,primary=%s",
			 p->vf_name, p->sy_name, p->vf_name);
		break;
	}
	ret = rte_vdev_init(p->name, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(p->name, &p->port_id);
	if (ret != 0)
		snprintf(err, errlen, "cannot create %s,%s: %s", p->name, args,
			 rte_strerror(-ret));
	return ret;
}

static int
configure(struct drill_port *p, struct rte_mempool *mp, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(p->port_id, p->nbq, p->nbq, &conf);
	for (q = 0; ret == 0 && q < p->nbq; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, DRILL_NB_DESC, rte_socket_id(),
					     NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(p->port_id, q, DRILL_NB_DESC,
						     rte_socket_id(), NULL);
	}
	if (ret != 0)
		snprintf(err, errlen, "cannot configure %s with %u queues: %s", p->name, p->nbq,
			 rte_strerror(-ret));
	return ret;
}

int
port_create(struct drill_port *p, enum drill_peer peer, uint16_t nbq, struct rte_mempool *mp,
	    char *err, size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->peer = peer;
	p->nbq = nbq;
	p->port_id = RTE_MAX_ETHPORTS;
	ret = slot_pick(p);
	if (ret != 0) {
		snprintf(err, errlen, "no free device name slot");
		return ret;
	}
	ret = rings_create(p);
	if (ret != 0) {
		snprintf(err, errlen, "cannot create the wire rings: %s", rte_strerror(rte_errno));
		port_destroy(p);
		return ret;
	}
	ret = create_vdevs(p, err, errlen);
	if (ret == 0)
		ret = configure(p, mp, err, errlen);
	if (ret != 0)
		port_destroy(p);
	return ret;
}

int
port_start(struct drill_port *p)
{
	return rte_eth_dev_start(p->port_id);
}

/* The VF's port id now: it changes when the VF is removed and returns. */
uint16_t
port_vf(const struct drill_port *p)
{
	struct rte_pmd_manafo_state st;
	uint16_t pid;

	if (p->peer == PEER_MANAFO) {
		if (rte_pmd_manafo_state_get(p->port_id, &st) != 0)
			return RTE_MAX_ETHPORTS;
		return st.vf.port_id;
	}
	if (rte_eth_dev_get_port_by_name(p->vf_name, &pid) != 0)
		return RTE_MAX_ETHPORTS;
	return pid;
}

static void
close_by_name(const char *name)
{
	uint16_t pid;

	if (name[0] == '\0')
		return;
	if (rte_eth_dev_get_port_by_name(name, &pid) == 0) {
		rte_eth_dev_stop(pid);
		rte_eth_dev_close(pid);
	}
	rte_vdev_uninit(name);
}

void
port_destroy(struct drill_port *p)
{
	/* The port under test first: it lets go of its sub-devices. */
	close_by_name(p->name);
	close_by_name(p->vf_name);
	close_by_name(p->sy_name);
	rings_free(p);
	p->port_id = RTE_MAX_ETHPORTS;
}
