/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Data path. One burst function per direction: ethdev copies the burst
 * pointers into rte_eth_fp_ops at dev_start only, so state changes are
 * seen through the per-queue burst-state word, exactly as MANA does it.
 */

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "manasim.h"

/* A generated frame (rx_source=1): local experimental EtherType. */
#define MS_GEN_LEN	64
#define MS_GEN_ETYPE	0x88B5

static inline bool
ms_enter(uint32_t *word, uint32_t *seen)
{
	uint32_t exp = 0;

	if (likely(__atomic_compare_exchange_n(word, &exp, MS_Q_BUSY, false,
					       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)))
		return true;
	*seen = exp;
	return false;
}

static inline void
ms_leave(uint32_t *word)
{
	/* A blocker may have set a bit meanwhile: clear BUSY only. */
	__atomic_fetch_and(word, ~MS_Q_BUSY, __ATOMIC_RELEASE);
}

void
manasim_q_block(uint32_t *word, uint32_t bit)
{
	__atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) & MS_Q_BUSY)
		rte_pause();
}

void
manasim_q_unblock(uint32_t *word, uint32_t bit)
{
	__atomic_fetch_and(word, ~bit, __ATOMIC_RELEASE);
}

void
manasim_block_all(struct manasim_priv *priv, uint32_t bit)
{
	unsigned int i;

	/* Set every bit first, then wait: bursts drain in parallel. */
	for (i = 0; i < MANASIM_MAX_QUEUES; i++) {
		__atomic_fetch_or(&priv->rxq[i].state, bit, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&priv->txq[i].state, bit, __ATOMIC_SEQ_CST);
	}
	for (i = 0; i < MANASIM_MAX_QUEUES; i++) {
		manasim_q_block(&priv->rxq[i].state, bit);
		manasim_q_block(&priv->txq[i].state, bit);
	}
}

void
manasim_unblock_all(struct manasim_priv *priv, uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < MANASIM_MAX_QUEUES; i++) {
		manasim_q_unblock(&priv->rxq[i].state, bit);
		manasim_q_unblock(&priv->txq[i].state, bit);
	}
}

static inline bool
ms_link_up(const struct manasim_priv *priv)
{
	return __atomic_load_n(&priv->link_up, __ATOMIC_RELAXED) != 0;
}

static uint16_t
ms_rx_generate(struct manasim_rxq *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_ether_hdr *eh;
	uint16_t i;

	if (rte_pktmbuf_alloc_bulk(q->mp, pkts, n) != 0) {
		MANAFO_COUNTER_ADD(q->nombuf, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		memset(eh, 0, MS_GEN_LEN);
		/* By port id: priv->eth_dev is the primary's pointer, not a secondary's. */
		rte_ether_addr_copy(&rte_eth_devices[q->priv->port_id].data->mac_addrs[0],
				    &eh->dst_addr);
		eh->ether_type = rte_cpu_to_be_16(MS_GEN_ETYPE);
		pkts[i]->data_len = MS_GEN_LEN;
		pkts[i]->pkt_len = MS_GEN_LEN;
	}
	return n;
}

static uint16_t
ms_rx(struct manasim_rxq *q, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i, nb;

	if (unlikely(!ms_link_up(q->priv)))
		return 0;
	if (q->ring != NULL)
		nb = (uint16_t)rte_ring_dequeue_burst(q->ring, (void **)pkts, n, NULL);
	else if (q->priv->args.rx_source)
		nb = ms_rx_generate(q, pkts, n);
	else
		return 0;
	for (i = 0; i < nb; i++) {
		pkts[i]->port = q->priv->port_id;
		MANAFO_COUNTER_ADD(q->bytes, pkts[i]->pkt_len);
	}
	MANAFO_COUNTER_ADD(q->pkts, nb);
	return nb;
}

uint16_t
manasim_rx_burst(void *qp, struct rte_mbuf **pkts, uint16_t n)
{
	struct manasim_rxq *q = qp;
	uint32_t seen;
	uint16_t nb;

	if (unlikely(!ms_enter(&q->state, &seen))) {
		if (seen & MS_Q_BLOCKED)
			MANAFO_COUNTER_ADD(q->refused, 1);
		return 0;
	}
	nb = ms_rx(q, pkts, n);
	ms_leave(&q->state);
	return nb;
}

/* Wire mode: what the host has delivered and RX has not taken yet. */
uint32_t
manasim_rx_queue_count(void *qp)
{
	const struct manasim_rxq *q = qp;

	return q->ring != NULL ? rte_ring_count(q->ring) : 0;
}

/*
 * The NIC's TX checks: a frame longer than the MTU allows is refused
 * (rte_errno EINVAL), as a PMD whose hardware cannot segment it would.
 */
uint16_t
manasim_tx_prepare(void *qp, struct rte_mbuf **pkts, uint16_t n)
{
	struct manasim_txq *q = qp;
	uint32_t max = (uint32_t)rte_eth_devices[q->priv->port_id].data->mtu +
		       RTE_ETHER_HDR_LEN;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (pkts[i]->pkt_len > max) {
			rte_errno = EINVAL;
			break;
		}
	}
	MANAFO_COUNTER_ADD(q->prepared, i);
	return i;
}

static uint16_t
ms_tx_wire(struct manasim_txq *q, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i, sent;

	/* Count before the enqueue: the host model may free them at once. */
	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	sent = (uint16_t)rte_ring_enqueue_burst(q->ring, (void **)pkts, n, NULL);
	for (i = sent; i < n; i++)
		bytes -= pkts[i]->pkt_len;
	MANAFO_COUNTER_ADD(q->pkts, sent);
	MANAFO_COUNTER_ADD(q->bytes, bytes);
	return sent;
}

/* A healthy queue: the packets leave (wire ring, or freed). */
static uint16_t
ms_tx_out(struct manasim_txq *q, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	if (unlikely(!ms_link_up(q->priv))) {
		/* Carrier lost: the NIC drops what it is given. */
		rte_pktmbuf_free_bulk(pkts, n);
		MANAFO_COUNTER_ADD(q->errors, n);
		return n;
	}
	if (q->ring != NULL)
		return ms_tx_wire(q, pkts, n);
	for (i = 0; i < n; i++)
		MANAFO_COUNTER_ADD(q->bytes, pkts[i]->pkt_len);
	rte_pktmbuf_free_bulk(pkts, n);
	MANAFO_COUNTER_ADD(q->pkts, n);
	return n;
}

/*
 * Hung queue: refuse everything, or hold up to nb_desc packets, forever
 * (nocomplete) or completing the oldest one per call (slow). Only this
 * lcore touches held[]; tx_descriptor_status reads nb_held from others.
 */
static uint16_t
ms_tx_hung(struct manasim_txq *q, struct rte_mbuf **pkts, uint16_t n, uint32_t hang)
{
	uint16_t room, k;

	if (hang == 1 + RTE_PMD_MANASIM_HANG_REFUSE) {
		MANAFO_COUNTER_ADD(q->refused_hang, n);
		return 0;
	}
	if (hang == 1 + RTE_PMD_MANASIM_HANG_SLOW && q->nb_held != 0 &&
	    ms_tx_out(q, q->held, 1) == 1) {
		memmove(q->held, q->held + 1, (q->nb_held - 1) * sizeof(*q->held));
		__atomic_store_n(&q->nb_held, q->nb_held - 1, __ATOMIC_RELEASE);
	}
	room = q->nb_desc - q->nb_held;
	k = RTE_MIN(room, n);
	memcpy(&q->held[q->nb_held], pkts, k * sizeof(*pkts));
	__atomic_store_n(&q->nb_held, q->nb_held + k, __ATOMIC_RELEASE);
	MANAFO_COUNTER_ADD(q->refused_hang, n - k);
	return k;
}

static uint16_t
ms_tx(struct manasim_txq *q, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t hang = __atomic_load_n(&q->hang, __ATOMIC_RELAXED);

	if (unlikely(hang != 0))
		return ms_tx_hung(q, pkts, n, hang);
	return ms_tx_out(q, pkts, n);
}

uint16_t
manasim_tx_burst(void *qp, struct rte_mbuf **pkts, uint16_t n)
{
	struct manasim_txq *q = qp;
	uint32_t seen;
	uint16_t nb;

	if (unlikely(!ms_enter(&q->state, &seen))) {
		/* MANA returns 0 and leaves the mbufs to the caller. */
		if (seen & MS_Q_BLOCKED)
			MANAFO_COUNTER_ADD(q->refused, n);
		return 0;
	}
	nb = ms_tx(q, pkts, n);
	ms_leave(&q->state);
	return nb;
}

/*
 * Offsets count from the ring tail (0: next slot the driver fills); the
 * held packets of a nocomplete or slow hang occupy the slots just behind
 * it, so the last nb_held offsets are FULL. A full ring makes offset 0 FULL.
 */
int
manasim_tx_descriptor_status(void *qp, uint16_t offset)
{
	struct manasim_txq *q = qp;
	uint16_t held;

	if (offset >= q->nb_desc)
		return -EINVAL;
	held = __atomic_load_n(&q->nb_held, __ATOMIC_ACQUIRE);
	return offset >= q->nb_desc - held ? RTE_ETH_TX_DESC_FULL : RTE_ETH_TX_DESC_DONE;
}

/* Caller keeps the queue's bursts out (blocked or stopped bit). */
uint16_t
manasim_txq_free_held(struct manasim_txq *q)
{
	uint16_t n = q->nb_held;

	if (n != 0)
		rte_pktmbuf_free_bulk(q->held, n);
	__atomic_store_n(&q->nb_held, 0, __ATOMIC_RELEASE);
	return n;
}

/*
 * The hardware ring content lost by a reset: what sits in the RX ring now.
 * Packets the host model adds meanwhile are not the reset's loss.
 * Caller keeps bursts out.
 */
uint32_t
manasim_rxq_drop_ring(struct manasim_rxq *q)
{
	struct rte_mbuf *burst[64];
	uint32_t left, total = 0;
	unsigned int nb;

	if (q->ring == NULL)
		return 0;
	left = rte_ring_count(q->ring);
	while (left != 0) {
		nb = rte_ring_dequeue_burst(q->ring, (void **)burst,
					    RTE_MIN(left, RTE_DIM(burst)), NULL);
		if (nb == 0)
			break;
		rte_pktmbuf_free_bulk(burst, nb);
		total += nb;
		left -= nb;
	}
	return total;
}
