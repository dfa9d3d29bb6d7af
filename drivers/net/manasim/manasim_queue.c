/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Queue control operations. Queue objects live in the port's private data
 * and so survive a reset (MANA restarts the same queue objects); in wire
 * mode each queue is bound to a named ring that outlives the port, because
 * the host model holds it.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "manasim.h"

static struct rte_ring *
ms_wire_ring(struct manasim_priv *priv, const char *dir, uint16_t qid, int socket)
{
	char name[64];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "%s_%s_%u", priv->args.wire, dir, qid);
	r = rte_ring_lookup(name);
	if (r == NULL)
		r = rte_ring_create(name, MANASIM_RING_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (r == NULL && rte_errno == EEXIST)
		r = rte_ring_lookup(name); /* the host model was faster */
	if (r == NULL)
		MS_LOG(ERR, "%s: cannot create wire ring %s: %s", priv->name, name,
		       rte_strerror(rte_errno));
	return r;
}

int
manasim_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket, const struct rte_eth_rxconf *conf,
		       struct rte_mempool *mp)
{
	struct manasim_priv *priv = manasim_priv(dev);
	struct manasim_rxq *q = &priv->rxq[qid];
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0 && priv->args.wire[0] != '\0') {
		q->ring = ms_wire_ring(priv, "rx", qid, (int)socket);
		if (q->ring == NULL)
			ret = -ENOMEM;
	}
	if (ret == 0) {
		__atomic_fetch_or(&q->state, MS_Q_STOPPED, __ATOMIC_RELEASE);
		q->nb_desc = nb_desc;
		q->mp = mp;
		q->conf = *conf;
		__atomic_store_n(&q->configured, true, __ATOMIC_RELEASE);
		dev->data->rx_queues[qid] = q;
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

static int
ms_txq_init(struct manasim_priv *priv, struct manasim_txq *q, uint16_t nb_desc,
	    unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct rte_mbuf **held;

	if (priv->args.wire[0] != '\0') {
		q->ring = ms_wire_ring(priv, "tx", q->qid, (int)socket);
		if (q->ring == NULL)
			return -ENOMEM;
	}
	held = rte_zmalloc_socket(priv->name, nb_desc * sizeof(*held), 0, (int)socket);
	if (held == NULL)
		return -ENOMEM;
	__atomic_fetch_or(&q->state, MS_Q_STOPPED, __ATOMIC_RELEASE);
	manasim_txq_free_held(q);
	rte_free(q->held);
	q->held = held;
	q->nb_desc = nb_desc;
	q->conf = *conf;
	__atomic_store_n(&q->hang, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&q->configured, true, __ATOMIC_RELEASE);
	return 0;
}

int
manasim_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0)
		ret = ms_txq_init(priv, &priv->txq[qid], nb_desc, socket, conf);
	if (ret == 0)
		dev->data->tx_queues[qid] = &priv->txq[qid];
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

/* Frees what a TX queue owns; the wire ring stays (the host model's). */
uint16_t
manasim_txq_fini(struct manasim_txq *q)
{
	uint16_t n;

	__atomic_fetch_or(&q->state, MS_Q_STOPPED, __ATOMIC_RELEASE);
	n = manasim_txq_free_held(q);
	rte_free(q->held);
	q->held = NULL;
	/* rte_pmd_manasim_inject() checks it on a port being closed. */
	__atomic_store_n(&q->configured, false, __ATOMIC_RELEASE);
	__atomic_store_n(&q->hang, 0, __ATOMIC_RELAXED);
	return n;
}

void
manasim_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct manasim_priv *priv = manasim_priv(dev);

	/* MANA skips queue release while its reset lock is taken. */
	if (!rte_spinlock_trylock(&priv->lock)) {
		MS_LOG(DEBUG, "%s: RX queue %u release skipped (reset lock busy)", priv->name, qid);
		return;
	}
	if (manasim_state(priv) != RTE_PMD_MANASIM_ST_RESETTING) {
		__atomic_fetch_or(&priv->rxq[qid].state, MS_Q_STOPPED, __ATOMIC_RELEASE);
		__atomic_store_n(&priv->rxq[qid].configured, false, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&priv->lock);
}

void
manasim_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct manasim_priv *priv = manasim_priv(dev);

	if (!rte_spinlock_trylock(&priv->lock)) {
		MS_LOG(DEBUG, "%s: TX queue %u release skipped (reset lock busy)", priv->name, qid);
		return;
	}
	if (manasim_state(priv) != RTE_PMD_MANASIM_ST_RESETTING)
		manasim_cnt_add(&priv->cnt.tx_hang_dropped, manasim_txq_fini(&priv->txq[qid]));
	rte_spinlock_unlock(&priv->lock);
}

int
manasim_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		manasim_q_block(&priv->rxq[qid].state, MS_Q_STOPPED);
		dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

int
manasim_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct manasim_priv *priv = manasim_priv(dev);
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		manasim_q_unblock(&priv->rxq[qid].state, MS_Q_STOPPED);
		dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

int
manasim_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct manasim_priv *priv = manasim_priv(dev);
	struct manasim_txq *q = &priv->txq[qid];
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		/* Stopping a queue releases its mbufs, completed or not. */
		manasim_q_block(&q->state, MS_Q_STOPPED);
		manasim_cnt_add(&priv->cnt.tx_hang_dropped, manasim_txq_free_held(q));
		dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

int
manasim_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct manasim_priv *priv = manasim_priv(dev);
	struct manasim_txq *q = &priv->txq[qid];
	int ret;

	if (!rte_spinlock_trylock(&priv->lock))
		return -EBUSY;
	ret = manasim_ctrl_state(priv);
	if (ret == 0) {
		manasim_txq_repair(q, false);
		manasim_q_unblock(&q->state, MS_Q_STOPPED);
		dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	rte_spinlock_unlock(&priv->lock);
	return ret;
}

void
manasim_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qinfo)
{
	struct manasim_rxq *q = &manasim_priv(dev)->rxq[qid];

	qinfo->mp = q->mp;
	qinfo->nb_desc = q->nb_desc;
	qinfo->conf = q->conf;
	qinfo->queue_state = dev->data->rx_queue_state[qid];
}

void
manasim_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qinfo)
{
	struct manasim_txq *q = &manasim_priv(dev)->txq[qid];

	qinfo->nb_desc = q->nb_desc;
	qinfo->conf = q->conf;
	qinfo->queue_state = dev->data->tx_queue_state[qid];
}
