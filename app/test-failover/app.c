/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The application side: io forwarding on every queue of the port under
 * test (RX queue q -> TX queue q), queues spread over the worker lcores.
 *
 * A TX burst that comes back short is retried for up to --tx-retry-ms, as
 * testpmd's "set fwd io retry" does: a queue the port pushes back on (a
 * full VF, or a hung one before manafo's TX watchdog trips) is not a
 * refusal yet. What is still unsent after that is counted as refused and
 * freed. The report shows the short bursts and the retries next to the
 * refusals: a port that pushes back briefly is seen there.
 *
 * Control calls that need the queues idle (stop/start) park the lcores
 * first, as an application stops its forwarding before stopping a port:
 * ethdev does not wait for bursts running on other lcores.
 */

#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <rte_launch.h>
#include <rte_lcore.h>

#include "drill.h"

extern volatile int drill_app_stop;
static volatile int app_pause;

static inline void
lc_add(uint64_t *c, uint64_t n)
{
	/* Only this lcore writes; others read whole words. */
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static uint16_t
tx_retry(struct app_lcore *lc, uint16_t q, struct rte_mbuf **pkts, uint16_t n, uint16_t sent)
{
	uint64_t deadline = rte_get_tsc_cycles() + us_tsc((uint64_t)lc->retry_ms * 1000);

	actor_doing(&lc->actor, "tx_burst retry", lc->port, q);
	while (sent < n && rte_get_tsc_cycles() < deadline) {
		rte_delay_us_block(10);
		sent += rte_eth_tx_burst(lc->port, q, pkts + sent, n - sent);
		lc_add(&lc->retried, 1);
		actor_beat(&lc->actor);
	}
	return sent;
}

static unsigned int
fwd(struct app_lcore *lc, uint16_t q)
{
	struct rte_mbuf *pkts[DRILL_BURST];
	uint16_t n, sent;

	actor_doing(&lc->actor, "rx_burst", lc->port, q);
	n = rte_eth_rx_burst(lc->port, q, pkts, DRILL_BURST);
	if (n == 0)
		return 0;
	lc_add(&lc->rx, n);
	actor_doing(&lc->actor, "tx_burst", lc->port, q);
	sent = rte_eth_tx_burst(lc->port, q, pkts, n);
	if (sent < n) {
		lc_add(&lc->short_bursts, 1);
		if (lc->retry_ms != 0)
			sent = tx_retry(lc, q, pkts, n, sent);
	}
	lc_add(&lc->offered, n);
	lc_add(&lc->sent, sent);
	if (sent < n) {
		lc_add(&lc->refused, n - sent);
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	return n;
}

static void
park(struct app_lcore *lc)
{
	actor_doing(&lc->actor, "parked", lc->port, -1);
	__atomic_store_n(&lc->parked, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&app_pause, __ATOMIC_ACQUIRE) && !drill_app_stop) {
		actor_beat(&lc->actor);
		usleep(100);
	}
	__atomic_store_n(&lc->parked, 0, __ATOMIC_RELEASE);
}

static int
app_main(void *arg)
{
	struct app_lcore *lc = arg;
	unsigned int idle = 0, got, i;

	actor_register(&lc->actor, "app lcore");
	while (!drill_app_stop) {
		if (__atomic_load_n(&app_pause, __ATOMIC_ACQUIRE)) {
			park(lc);
			continue;
		}
		got = 0;
		for (i = 0; i < lc->nb_queues; i++)
			got += fwd(lc, lc->queues[i]);
		actor_doing(&lc->actor, "loop", lc->port, -1);
		/* The forwarding lcores may share a CPU: let the other one run. */
		if (got == 0 && ++idle >= 64) {
			idle = 0;
			sched_yield();
		}
	}
	actor_doing(&lc->actor, "exited", lc->port, -1);
	__atomic_store_n(&lc->exited, 1, __ATOMIC_RELEASE);
	return 0;
}

int
app_start(struct app *a, const struct drill_opts *o, uint16_t port)
{
	unsigned int lcore, n = 0, i;
	uint16_t q;

	memset(a, 0, sizeof(*a));
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (n == o->nbq)
			break;
		a->lc[n].lcore = lcore;
		a->lc[n].port = port;
		a->lc[n].retry_ms = o->tx_retry_ms;
		n++;
	}
	if (n == 0)
		return -1;
	a->nb_lc = n;
	for (q = 0; q < o->nbq; q++) {
		struct app_lcore *lc = &a->lc[q % n];

		lc->queues[lc->nb_queues++] = q;
	}
	app_pause = 0;
	for (i = 0; i < n; i++)
		if (rte_eal_remote_launch(app_main, &a->lc[i], a->lc[i].lcore) != 0)
			return -1;
	return 0;
}

static bool
all_parked(const struct app *a)
{
	unsigned int i;

	for (i = 0; i < a->nb_lc; i++)
		if (!__atomic_load_n(&a->lc[i].parked, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&a->lc[i].exited, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/* Returns once no lcore is inside a burst of the port. */
void
app_park(struct app *a)
{
	__atomic_store_n(&app_pause, 1, __ATOMIC_RELEASE);
	while (!all_parked(a))
		usleep(50);
}

void
app_unpark(struct app *a)
{
	RTE_SET_USED(a);
	__atomic_store_n(&app_pause, 0, __ATOMIC_RELEASE);
}

bool
app_exited(const struct app *a)
{
	unsigned int i;

	for (i = 0; i < a->nb_lc; i++)
		if (!__atomic_load_n(&a->lc[i].exited, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

void
app_stop(struct app *a)
{
	unsigned int i;

	drill_app_stop = 1;
	rte_eal_mp_wait_lcore();
	for (i = 0; i < a->nb_lc; i++)
		actor_unregister(&a->lc[i].actor);
}

void
app_totals(const struct app *a, struct app_sums *t)
{
	const struct app_lcore *lc;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < a->nb_lc; i++) {
		lc = &a->lc[i];
		t->offered += __atomic_load_n(&lc->offered, __ATOMIC_RELAXED);
		t->sent += __atomic_load_n(&lc->sent, __ATOMIC_RELAXED);
		t->refused += __atomic_load_n(&lc->refused, __ATOMIC_RELAXED);
		t->rx += __atomic_load_n(&lc->rx, __ATOMIC_RELAXED);
		t->short_bursts += __atomic_load_n(&lc->short_bursts, __ATOMIC_RELAXED);
		t->retried += __atomic_load_n(&lc->retried, __ATOMIC_RELAXED);
	}
}
