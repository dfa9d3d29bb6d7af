/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The host model: what the Azure host does around a VM's NIC pair.
 *
 * Inbound, it sends packets at a fixed rate to the VF's RX wire while the
 * VF is healthy, and to the synthetic wire otherwise. It learns about
 * health as the host would: at once from the VF's own events (the host
 * starts the service event; the monitor's callbacks set vf_down_evt), and
 * from the VF's state for the way back (monitor.c polls it every ms).
 *
 * Outbound, it takes every packet the port sent on either wire, checks its
 * flow's sequence (lost, duplicate, reordered) and records when each wire
 * carried traffic: the spans give the failover and failback latencies.
 *
 * A wire is a pair of rte_rings per queue, or with --synth tap the tap's
 * kernel interface (tap.c), whose queues the host does not see: inbound
 * frames go to whatever queue the kernel picks, which does not matter, as
 * every check is per flow and sequence number.
 *
 * Everything here runs on the main lcore; only the quiet_since word and the
 * actor are read by others.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_ether.h>
#include <rte_lcore.h>

#include "drill.h"

#define DRILL_MAGIC	0x4452494cu	/* "DRIL" */
#define DRILL_FRAME	64
#define GEN_MAX_PER_TICK 1024
#define DRAIN_MAX	2048
#define HOST_TICK_US	20
#define SPAN_GAP_US	1000

struct drill_hdr {
	struct rte_ether_hdr eth;
	uint32_t magic;
	uint16_t flow;
	uint16_t queue;
	uint64_t seq;
	uint64_t tsc;
};

/* Set by main.c; the monitor publishes VF health here. */
extern struct monitor *drill_mon;
extern volatile int drill_host_stop;
extern volatile int drill_gen_stop;

void
sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / 1000000),
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	nanosleep(&ts, NULL);
}

static int
flow_grow(struct flow *f, uint64_t need)
{
	uint64_t cap = f->cap ? f->cap : 4096;
	uint8_t *st;
	uint32_t *t;

	while (cap <= need)
		cap *= 2;
	st = realloc(f->st, cap);
	if (st == NULL)
		return -ENOMEM;
	f->st = st;
	t = realloc(f->t_us, cap * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	f->t_us = t;
	memset(f->st + f->cap, 0, cap - f->cap);
	f->cap = cap;
	return 0;
}

int
host_init(struct host *h, const struct drill_opts *o, struct drill_port *p,
	  struct rte_mempool *mp, uint32_t run_id)
{
	uint32_t i;

	memset(h, 0, sizeof(*h));
	h->o = o;
	h->port = p;
	h->mp = mp;
	h->run_id = run_id;
	h->nb_flows = o->flows_per_q * p->nbq;
	h->gap_tsc = us_tsc(SPAN_GAP_US);
	h->flows = calloc(h->nb_flows, sizeof(*h->flows));
	if (h->flows == NULL)
		return -ENOMEM;
	for (i = 0; i < h->nb_flows; i++)
		if (flow_grow(&h->flows[i], 0) != 0)
			return -ENOMEM;
	for (i = 0; i < WIRE_MAX; i++) {
		h->spans[i].cap = 4096;
		h->spans[i].s = calloc(h->spans[i].cap, sizeof(struct span));
		if (h->spans[i].s == NULL)
			return -ENOMEM;
	}
	h->cur_wire = WIRE_VF;
	return 0;
}

void
host_fini(struct host *h)
{
	uint32_t i;

	for (i = 0; h->flows != NULL && i < h->nb_flows; i++) {
		free(h->flows[i].st);
		free(h->flows[i].t_us);
	}
	free(h->flows);
	for (i = 0; i < WIRE_MAX; i++)
		free(h->spans[i].s);
	memset(h, 0, sizeof(*h));
}

/* ---- outbound spans -------------------------------------------------------- */

static void
span_note(struct host *h, int wire, uint64_t now)
{
	struct wire_spans *w = &h->spans[wire];

	if (w->open && now - h->last_pkt[wire] <= h->gap_tsc) {
		w->s[w->n - 1].end = now;
	} else if (w->n < w->cap) {
		w->s[w->n].start = now;
		w->s[w->n].end = now;
		w->n++;
		w->open = true;
	} else {
		w->overflow = true;
	}
	h->last_pkt[wire] = now;
}

/* ---- inbound ---------------------------------------------------------------- */

static bool
vf_healthy(void)
{
	return __atomic_load_n(&drill_mon->vf_ok, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&drill_mon->vf_down_evt, __ATOMIC_ACQUIRE);
}

static void
pkt_fill(struct host *h, struct rte_mbuf *m, uint32_t flow, uint16_t q, uint64_t seq,
	 uint64_t now)
{
	struct drill_hdr *d = rte_pktmbuf_mtod(m, struct drill_hdr *);

	memset(&d->eth, 0, sizeof(d->eth));
	d->eth.src_addr.addr_bytes[0] = 0x02;
	d->eth.src_addr.addr_bytes[5] = 0x99;
	d->eth.dst_addr.addr_bytes[0] = 0x02;
	d->eth.dst_addr.addr_bytes[1] = 0xdd;
	d->eth.dst_addr.addr_bytes[5] = 0x01;
	d->eth.ether_type = rte_cpu_to_be_16(DRILL_ETYPE);
	d->magic = DRILL_MAGIC ^ h->run_id;
	d->flow = (uint16_t)flow;
	d->queue = q;
	d->seq = seq;
	d->tsc = now;
	m->data_len = DRILL_FRAME;
	m->pkt_len = DRILL_FRAME;
}

/* Send the per-queue batches to the chosen wire; what does not fit is lost. */
static void
deliver(struct host *h, int wire, struct rte_mbuf **batch, unsigned int *nb, uint16_t nbq)
{
	struct drill_port *p = h->port;
	uint16_t q;

	RTE_BUILD_BUG_ON(DRILL_BURST > TAP_BATCH);
	for (q = 0; q < nbq; q++) {
		struct rte_ring *r = wire == WIRE_VF ? p->vf_rx[q] : p->sy_rx[q];
		struct rte_mbuf **b = &batch[q * DRILL_BURST];
		unsigned int done, i;

		if (nb[q] == 0)
			continue;
		if (r != NULL)
			done = rte_ring_enqueue_burst(r, (void **)b, nb[q], NULL);
		else	/* the tap's: the first `done` are no longer ours */
			done = tap_send(p, b, nb[q]);
		h->st.sent[wire] += done;
		for (i = done; i < nb[q]; i++) {
			struct drill_hdr *d = rte_pktmbuf_mtod(b[i], struct drill_hdr *);

			h->flows[d->flow].st[d->seq] |= HS_WIREFULL;
			h->st.wire_full++;
		}
		rte_pktmbuf_free_bulk(b + done, nb[q] - done);
		nb[q] = 0;
	}
}

static unsigned int
gen_burst(struct host *h, int wire, unsigned int n, uint64_t now)
{
	struct rte_mbuf *batch[DRILL_MAX_QUEUES * DRILL_BURST];
	struct rte_mbuf *m[DRILL_BURST];
	unsigned int nb[DRILL_MAX_QUEUES] = { 0 };
	uint16_t nbq = h->port->nbq;
	uint32_t t_us = (uint32_t)tsc_us(now - h->t0);
	unsigned int i, k;

	k = RTE_MIN(n, (unsigned int)DRILL_BURST);
	if (rte_pktmbuf_alloc_bulk(h->mp, m, k) != 0) {
		h->st.alloc_fail += k;
		return k;
	}
	for (i = 0; i < k; i++) {
		uint32_t fl = h->next_flow++ % h->nb_flows;
		struct flow *f = &h->flows[fl];
		uint16_t q = (uint16_t)(fl % nbq);

		if (f->next_seq >= f->cap && flow_grow(f, f->next_seq) != 0) {
			rte_pktmbuf_free(m[i]);
			h->st.alloc_fail++;
			continue;
		}
		f->st[f->next_seq] = wire == WIRE_SYNTH ? HS_SYNTH : 0;
		f->t_us[f->next_seq] = t_us;
		pkt_fill(h, m[i], fl, q, f->next_seq++, now);
		h->st.generated++;
		if (nb[q] == DRILL_BURST)
			deliver(h, wire, batch, nb, nbq);
		batch[q * DRILL_BURST + nb[q]++] = m[i];
	}
	deliver(h, wire, batch, nb, nbq);
	return k;
}

static void
generate(struct host *h, uint64_t now)
{
	uint64_t due = (uint64_t)((double)(now - h->t0) * (double)h->o->rate /
				  (double)rte_get_tsc_hz());
	uint64_t done = h->st.generated + h->st.alloc_fail + h->st.lag_skipped;
	int wire = vf_healthy() ? WIRE_VF : WIRE_SYNTH;
	uint64_t n;

	if (due <= done)
		return;
	n = due - done;
	/* Descheduled for a while: do not burst the backlog into the rings. */
	if (n > GEN_MAX_PER_TICK) {
		h->st.lag_skipped += n - GEN_MAX_PER_TICK;
		n = GEN_MAX_PER_TICK;
	}
	if (wire != h->cur_wire) {
		h->cur_wire = wire;
		h->wire_switches++;
	}
	while (n > 0)
		n -= gen_burst(h, wire, (unsigned int)n, now);
}

/* ---- outbound --------------------------------------------------------------- */

static void
check(struct host *h, const void *frame, uint32_t len, int wire, uint64_t now)
{
	const struct drill_hdr *d = frame;
	struct flow *f;
	uint64_t delay;

	if (len < sizeof(*d) || d->magic != (DRILL_MAGIC ^ h->run_id) ||
	    d->flow >= h->nb_flows || d->seq >= h->flows[d->flow].next_seq) {
		h->st.stray++;
		return;
	}
	f = &h->flows[d->flow];
	if (f->st[d->seq] & HS_RECV) {
		h->st.dup++;
		return;
	}
	f->st[d->seq] |= HS_RECV;
	h->st.unique++;
	h->st.back[wire]++;
	if (f->seen_any && d->seq < f->max_seen)
		h->st.reorder++;
	else
		f->max_seen = d->seq;
	f->seen_any = true;
	delay = tsc_us(now - d->tsc);
	h->st.delay_sum_us += delay;
	if (delay > h->st.delay_max_us)
		h->st.delay_max_us = delay;
}

static unsigned int
drain_ring(struct host *h, struct rte_ring *r, int wire, uint64_t now)
{
	struct rte_mbuf *pkts[64];
	unsigned int n, i, total = 0;

	while (total < DRAIN_MAX &&
	       (n = rte_ring_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL)) > 0) {
		for (i = 0; i < n; i++)
			check(h, rte_pktmbuf_mtod(pkts[i], void *), pkts[i]->data_len, wire, now);
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

static unsigned int
drain_tap(struct host *h, uint64_t now)
{
	const uint8_t *frames[TAP_BATCH];
	uint32_t lens[TAP_BATCH];
	unsigned int n, i, total = 0;

	while (total < DRAIN_MAX && (n = tap_recv(h->port, frames, lens)) > 0) {
		for (i = 0; i < n; i++)
			check(h, frames[i], lens[i], WIRE_SYNTH, now);
		total += n;
	}
	return total;
}

static unsigned int
drain(struct host *h, uint64_t now)
{
	struct drill_port *p = h->port;
	unsigned int total = 0, n;
	uint16_t q;
	int w;

	for (w = 0; w < WIRE_MAX; w++) {
		n = 0;
		if (w == WIRE_SYNTH && p->tap != NULL)
			n = drain_tap(h, now);
		else
			for (q = 0; q < p->nbq; q++)
				n += drain_ring(h, w == WIRE_VF ? p->vf_tx[q] : p->sy_tx[q], w,
						now);
		if (n > 0)
			span_note(h, w, now);
		total += n;
	}
	return total;
}

/* Empty, and no inbound frame waiting in a tap interface's queue. */
static bool
rx_rings_empty(const struct host *h)
{
	const struct drill_port *p = h->port;
	uint16_t q;

	for (q = 0; q < p->nbq; q++)
		if (rte_ring_count(p->vf_rx[q]) != 0 ||
		    (p->sy_rx[q] != NULL && rte_ring_count(p->sy_rx[q]) != 0))
			return false;
	return p->tap == NULL || tap_in_flight(p) == 0;
}

static void
strand_ring(struct host *h, struct rte_ring *r, int w)
{
	struct rte_mbuf *pkts[64];
	const struct drill_hdr *d;
	unsigned int n, i;

	while ((n = r != NULL ?
		    rte_ring_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL) :
		    tap_take_held(h->port, pkts, RTE_DIM(pkts))) > 0) {
		for (i = 0; i < n; i++) {
			d = rte_pktmbuf_mtod(pkts[i], const struct drill_hdr *);
			if (d->magic == (DRILL_MAGIC ^ h->run_id) && d->flow < h->nb_flows &&
			    d->seq < h->flows[d->flow].next_seq)
				h->flows[d->flow].st[d->seq] |= HS_STRANDED;
		}
		h->st.stranded[w] += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
}

/*
 * Inbound packets nobody took: left in an RX ring at the end, or held for a
 * tap interface that stayed down. A tap's queue cannot be read back:
 * tap_counters() counts what is left there.
 */
static void
strand(struct host *h)
{
	struct drill_port *p = h->port;
	uint16_t q;

	for (q = 0; q < p->nbq; q++) {
		strand_ring(h, p->vf_rx[q], WIRE_VF);
		if (p->sy_rx[q] != NULL)
			strand_ring(h, p->sy_rx[q], WIRE_SYNTH);
	}
	if (p->tap != NULL)
		strand_ring(h, NULL, WIRE_SYNTH);
}

void
host_run(struct host *h)
{
	uint64_t now;
	unsigned int n;

	/* Ticks of tens of microseconds: the default 50 us slack is too coarse. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	actor_doing(&h->actor, "host loop", 0, 0);
	while (!drill_host_stop) {
		now = rte_get_tsc_cycles();
		actor_beat(&h->actor);
		if (h->port->tap != NULL)
			tap_flush(h->port);	/* what the interface refused while down */
		if (!drill_gen_stop)
			generate(h, now);
		n = drain(h, now);
		if (n == 0 && drill_gen_stop && rx_rings_empty(h)) {
			if (__atomic_load_n(&h->quiet_since, __ATOMIC_RELAXED) == 0)
				__atomic_store_n(&h->quiet_since, now, __ATOMIC_RELEASE);
		} else {
			__atomic_store_n(&h->quiet_since, 0, __ATOMIC_RELEASE);
		}
		if (n < DRILL_BURST)
			sleep_us(HOST_TICK_US);
	}
	actor_doing(&h->actor, "host final drain", 0, 0);
	now = rte_get_tsc_cycles();
	while (drain(h, now) > 0)
		;
	strand(h);
	tap_counters(h->port, &h->st.tap);
	actor_doing(&h->actor, "host done", 0, 0);
}
