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
 *
 * With --synth tap, the synthetic path is net_tap on a kernel interface of
 * the runner's (tap.c), and there are no synthetic rings.
 *
 * The manafo port's devargs are the built default or --port-args
 * (portargs.c), with this run's names put in. Whatever they say, the VF is
 * this runner's net_manasim on its wire, and the synthetic path its own.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_string_fns.h>

#include "drill.h"
#include "rte_pmd_manafo.h"

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

/* The names of slot `slot` (two digits); `run` tells a tap interface apart. */
void
port_names(struct drill_port *p, enum drill_synth synth, const char *slot, const char *run)
{
	static const char *const port_fmt[PEER_MAX] = {
		[PEER_MANAFO] = "net_manafo_d%s",
		[PEER_FAILSAFE] = "net_failsafe_d%s",
		[PEER_BONDING] = "net_bonding_d%s",
	};

	snprintf(p->name, sizeof(p->name), port_fmt[p->peer], slot);
	snprintf(p->vf_name, sizeof(p->vf_name), "net_manasim_v%s", slot);
	snprintf(p->vf_wire, sizeof(p->vf_wire), "dv%s", slot);
	if (synth == SYNTH_TAP) {
		snprintf(p->sy_name, sizeof(p->sy_name), "net_tap_d%s", slot);
		snprintf(p->tap_iface, sizeof(p->tap_iface), "dft%s", run);
	} else {
		snprintf(p->sy_name, sizeof(p->sy_name), "net_manasim_s%s", slot);
		snprintf(p->sy_wire, sizeof(p->sy_wire), "ds%s", slot);
	}
}

/*
 * manasim remembers every device name for the life of the process (at most
 * 64): reuse the first slot whose names are free, so that soaks do not run
 * out of names. A tap interface is new at every run: "dft<pid>_<run>".
 */
static int
slot_pick(struct drill_port *p)
{
	static unsigned int runs;
	char slot[8], run[16];
	unsigned int i;

	snprintf(run, sizeof(run), "%u_%u", (unsigned int)getpid(), runs++ % 10000);
	for (i = 0; i < SLOT_MAX; i++) {
		snprintf(slot, sizeof(slot), "%02u", i);
		port_names(p, p->synth, slot, run);
		if (name_free(p->vf_name) && name_free(p->sy_name))
			break;
	}
	if (i == SLOT_MAX)
		return -ENOSPC;
	p->slot = i;
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
	bool rings = p->synth == SYNTH_RINGS;
	uint16_t q;

	for (q = 0; q < p->nbq; q++) {
		p->vf_rx[q] = ring_get(p->vf_wire, "rx", q);
		p->vf_tx[q] = ring_get(p->vf_wire, "tx", q);
		if (p->vf_rx[q] == NULL || p->vf_tx[q] == NULL)
			return -ENOMEM;
		if (!rings)
			continue;
		p->sy_rx[q] = ring_get(p->sy_wire, "rx", q);
		p->sy_tx[q] = ring_get(p->sy_wire, "tx", q);
		if (p->sy_rx[q] == NULL || p->sy_tx[q] == NULL)
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

/* Around a probe that may fail on its devargs: the PMDs' one line says why. */
static int
vdev_init(const char *name, const char *args)
{
	static const char *const types[] = { "pmd.net.manafo", "pmd.net.manasim" };
	uint32_t level[RTE_DIM(types)];
	unsigned int i;
	int id, ret;

	for (i = 0; i < RTE_DIM(types); i++) {
		id = rte_log_register(types[i]);
		level[i] = id >= 0 ? (uint32_t)rte_log_get_level((uint32_t)id) : 0;
		if (id >= 0 && level[i] < RTE_LOG_ERR)
			rte_log_set_level((uint32_t)id, RTE_LOG_ERR);
	}
	ret = rte_vdev_init(name, args);
	for (i = 0; i < RTE_DIM(types); i++) {
		id = rte_log_register(types[i]);
		if (id >= 0)
			rte_log_set_level((uint32_t)id, level[i]);
	}
	return ret;
}

static int
sub_create(const char *what, const char *name, const char *args, char *err, size_t errlen)
{
	int ret = vdev_init(name, args);

	if (ret != 0)
		snprintf(err, errlen, "cannot create the %s %s,%s: %s", what, name, args,
			 rte_strerror(-ret));
	return ret;
}

/* The sub-devices the runner makes itself (not those manafo probes). */
static int
create_subs(struct drill_port *p, const struct drill_opts *o, char *err, size_t errlen)
{
	bool manafo = p->peer == PEER_MANAFO;
	char vfargs[128], syargs[128];
	int ret = 0;

	vf_devargs(p, vfargs, sizeof(vfargs));
	if (p->synth == SYNTH_TAP)
		snprintf(syargs, sizeof(syargs), "iface=%s,mac=%s", p->tap_iface, DRILL_MAC);
	else
		snprintf(syargs, sizeof(syargs), "wire=%s,mac=%s,full_ops=1", p->sy_wire,
			 DRILL_MAC);
	if (!manafo || !o->sy_probed)
		ret = sub_create("synthetic path", p->sy_name, syargs, err, errlen);
	/* failsafe probes its VF from dev(); bonding and manafo's vf_port= take it. */
	if (ret == 0 && (p->peer == PEER_BONDING || (manafo && !o->vf_probed)))
		ret = sub_create("VF", p->vf_name, vfargs, err, errlen);
	return ret;
}

static int
create_vdevs(struct drill_port *p, const struct drill_opts *o, char *err, size_t errlen)
{
	char vfargs[128];
	int ret;

	vf_devargs(p, vfargs, sizeof(vfargs));
	ret = create_subs(p, o, err, errlen);
	if (ret != 0)
		return ret;
	switch (p->peer) {
	case PEER_MANAFO:
		ret = port_args_expand(o->port_args, p, p->args, sizeof(p->args));
		break;
	case PEER_FAILSAFE:
		snprintf(p->args, sizeof(p->args), "dev(%s,%s),dev(%s),hotplug_poll=50",
			 p->vf_name, vfargs, p->sy_name);
		break;
	default:
		snprintf(p->args, sizeof(p->args), "mode=1,slave=%s,slave=%s,primary=%s",
			 p->vf_name, p->sy_name, p->vf_name);
		break;
	}
	if (ret == 0)
		ret = vdev_init(p->name, p->args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(p->name, &p->port_id);
	if (ret != 0)
		snprintf(err, errlen, "cannot create %s,%s: %s", p->name, p->args,
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
port_create(struct drill_port *p, enum drill_peer peer, const struct drill_opts *o,
	    struct rte_mempool *mp, char *err, size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->peer = peer;
	p->synth = o->synth;
	p->nbq = o->nbq;
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
	ret = create_vdevs(p, o, err, errlen);
	if (ret == 0 && p->synth == SYNTH_TAP)
		ret = tap_open(p, err, errlen);
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
	tap_close(p);
	/* The port under test first: it lets go of its sub-devices. */
	close_by_name(p->name);
	close_by_name(p->vf_name);
	close_by_name(p->sy_name);
	rings_free(p);
	p->port_id = RTE_MAX_ETHPORTS;
}
