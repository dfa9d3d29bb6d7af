/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "manafo.h"

/*
 * The data-path guard (design.md §5).
 *
 * A burst marks its queue busy (seq odd), loads the steering word, calls
 * the sub-device bursts it selects, and marks the queue idle (seq even).
 * The control thread, before it stops or closes a sub-device, clears that
 * sub-device's steering bits and waits until every queue was seen idle, or
 * has left the burst it was in (seq moved).
 *
 * For that wait to be sound the reader's store to seq must be visible before
 * its load of the steering word. With the membarrier guard the reader only
 * has a compiler barrier; the writer's membarrier(PRIVATE_EXPEDITED) makes
 * every running thread of the process execute a full fence, which supplies
 * the ordering (the userspace-RCU "memb" technique): no fence and no atomic
 * read-modify-write per burst. Where membarrier is not available, or the
 * reader lives in another process, the reader uses an atomic increment.
 */

#define QUIESCE_WARN_NS	(100ULL * 1000 * 1000)
#define QUIESCE_LOG_NS	(1000ULL * 1000 * 1000)

static bool membarrier_ready;

static long
sys_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

const char *
manafo_guard_name(enum manafo_guard_mode mode)
{
	switch (mode) {
	case MANAFO_GUARD_MEMBARRIER:
		return "membarrier";
	case MANAFO_GUARD_CAS:
		return "cas";
	default:
		return "auto";
	}
}

static bool
membarrier_register(void)
{
	long cmds;

	if (membarrier_ready)
		return true;
	cmds = sys_membarrier(MEMBARRIER_CMD_QUERY);
	if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		return false;
	if (sys_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0)
		return false;
	membarrier_ready = true;
	return true;
}

int
manafo_guard_init(struct manafo_priv *priv)
{
	enum manafo_guard_mode want = priv->args.guard;

	/* membarrier covers this process only: a secondary's lcores use CAS. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		priv->guard = MANAFO_GUARD_CAS;
		return 0;
	}
	if (want == MANAFO_GUARD_CAS) {
		priv->guard = MANAFO_GUARD_CAS;
	} else if (membarrier_register()) {
		priv->guard = MANAFO_GUARD_MEMBARRIER;
	} else if (want == MANAFO_GUARD_MEMBARRIER) {
		PORT_LOG(priv, ERR, "guard=membarrier: membarrier(2) PRIVATE_EXPEDITED is "
			 "not available on this kernel");
		return -ENOTSUP;
	} else {
		priv->guard = MANAFO_GUARD_CAS;
	}
	PORT_LOG(priv, INFO, "data-path guard: %s%s", manafo_guard_name(priv->guard),
		 want == MANAFO_GUARD_AUTO ? " (auto)" : "");
	return 0;
}

#ifdef MANAFO_GUARD_RWLOCK
/*
 * Benchmark variant only (meson -Dguard_rwlock=true): a reader-writer lock
 * shared by every queue, taken per burst, the way net/netvsc guards its VF.
 * It shows what the per-queue guard saves; it is not for production.
 */
#include <rte_rwlock.h>

static rte_rwlock_t manafo_bench_rwlock = RTE_RWLOCK_INITIALIZER;
#define BENCH_READ_LOCK() rte_rwlock_read_lock(&manafo_bench_rwlock)
#define BENCH_READ_UNLOCK() rte_rwlock_read_unlock(&manafo_bench_rwlock)
#else
#define BENCH_READ_LOCK() do { } while (0)
#define BENCH_READ_UNLOCK() do { } while (0)
#endif

/*
 * Instruction economy of the burst functions (bench/README.md, ipp.sh).
 * The guard and the counters cost one instruction each on x86: an add to
 * memory. A volatile ++ or a relaxed atomic load-add-store compiles to three
 * or four (gcc does not fold them into one read-modify-write instruction),
 * so on x86 they are written as an add to memory in inline assembly: a
 * plain, unlocked add, which is what the single-writer rule allows (only
 * the polling lcore writes its queue's line; an aligned 4- or 8-byte store
 * is seen whole by the readers, which load atomically). Elsewhere, and
 * under ThreadSanitizer, which must see the accesses, the C11 atomics.
 */
#if defined(RTE_ARCH_X86) && !defined(MANAFO_TSAN)
#define MANAFO_ASM_ADD 1
#endif

/* seq + 1: on x86 every store is a release store; `order` is for the rest. */
static __rte_always_inline void
seq_store(uint32_t *seq, int order)
{
#ifdef MANAFO_ASM_ADD
	RTE_SET_USED(order);
	/* "memory": also a compiler barrier, as the guard needs. */
	__asm__ volatile("addl $1, %0" : "+m"(*seq) : : "memory");
#else
	__atomic_store_n(seq, __atomic_load_n(seq, __ATOMIC_RELAXED) + 1, order);
#endif
}

/* A per-queue packet counter: one writer, readers load it atomically. */
static __rte_always_inline void
counter_add(uint64_t *c, uint16_t n)
{
#ifdef MANAFO_ASM_ADD
	__asm__ volatile("addq %1, %0" : "+m"(*c) : "r"((uint64_t)n));
#else
	MANAFO_COUNTER_ADD(*c, n);
#endif
}

static __rte_always_inline void
guard_enter(uint32_t *seq, bool atomic)
{
	BENCH_READ_LOCK();
	if (atomic) {
		__atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
	} else {
		/*
		 * Only this lcore writes seq; membarrier() on the writer's side
		 * orders this store before the steering load.
		 */
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		seq_store(seq, __ATOMIC_RELAXED);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	}
}

static __rte_always_inline void
guard_exit(uint32_t *seq)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	seq_store(seq, __ATOMIC_RELEASE);
	BENCH_READ_UNLOCK();
}

/* What a burst touches in steady state fits in the queue's first line. */
#define HOT_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
_Static_assert(HOT_END(struct manafo_rxq, pkts) <= RTE_CACHE_LINE_SIZE,
	       "manafo_rxq: the hot part spans two cache lines");
_Static_assert(HOT_END(struct manafo_txq, pkts) <= RTE_CACHE_LINE_SIZE,
	       "manafo_txq: the hot part spans two cache lines");
_Static_assert(HOT_END(struct manafo_priv, tx_fn) <= RTE_CACHE_LINE_SIZE,
	       "manafo_priv: the hot part spans two cache lines");
_Static_assert(MANAFO_VF_RX <= UINT8_MAX, "manafo_rxq.vf_rx holds MANAFO_VF_RX");

/* The port's private data, from a queue's pointer to its steering word. */
static __rte_always_inline const struct manafo_priv *
steer_priv(const uint32_t *steer)
{
	return container_of(steer, const struct manafo_priv, steer);
}

/*
 * One sub-device burst, counted. `sp` is the queue's steering pointer as the
 * caller loaded it: loading it again after the steering word's acquire load
 * would cost an instruction.
 */
static __rte_always_inline uint16_t
sub_rx(struct manafo_rxq *rxq, const uint32_t *sp, enum manafo_role r,
       struct rte_mbuf **pkts, uint16_t n, bool direct)
{
	uint16_t nb = direct ? steer_priv(sp)->rx_fn[r](rxq->rxq[r], pkts, n) :
			       rte_eth_rx_burst(rxq->port[r], rxq->qid, pkts, n);

	counter_add(&rxq->pkts[r], nb);
	return nb;
}

static __rte_always_inline uint16_t
sub_tx(struct manafo_txq *txq, const uint32_t *sp, enum manafo_role r,
       struct rte_mbuf **pkts, uint16_t n, bool direct)
{
	uint16_t nb = direct ? steer_priv(sp)->tx_fn[r](txq->txq[r], pkts, n) :
			       rte_eth_tx_burst(txq->port[r], txq->qid, pkts, n);

	counter_add(&txq->pkts[r], nb);
	return nb;
}

/*
 * RX fairness: while the VF fills every burst the synthetic path, where the
 * host still delivers some traffic, would never be polled. `turn` counts
 * the VF bursts that filled the array down from RX_TURN_EVERY; at 0 the
 * queue's `vf_rx` mask goes to 0 and the next burst, whatever the steering
 * word says, goes to rx_slow(), which polls the synthetic path first. The
 * common path pays for it with the mask in its steering test (`steer &
 * vf_rx` instead of `steer & MANAFO_VF_RX`, the same instruction) and a
 * decrement after a full VF burst. A new queue is zeroed: its first burst
 * goes to rx_slow(), which sets both.
 */
#define RX_TURN_EVERY 8

/*
 * Everything but "VF on, no turn due": the synthetic path's turn, RX on the
 * synthetic path alone (after a failover), or no path. A turn due while the
 * synthetic path is off is dropped: the synthetic path is polled first
 * RX_TURN_EVERY full VF bursts after it returns. The burst's arguments are
 * in the queue's line (rx_burst()), and the steering word is loaded again
 * after a sub-device burst: still inside the guard, any value read now is
 * as good as the one the burst started with. Fewer values live across the
 * calls, fewer registers to save.
 */
static __rte_always_inline uint16_t
rx_slow(struct manafo_rxq *rxq, uint32_t steer, bool direct)
{
	uint16_t nb = 0;

	if (rxq->vf_rx == 0) {
		rxq->vf_rx = MANAFO_VF_RX;
		rxq->turn = RX_TURN_EVERY;
	}
	if (steer & MANAFO_SYN_RX) {
		nb = sub_rx(rxq, rxq->steer, MANAFO_SYNTH, rxq->arg_pkts, rxq->arg_n, direct);
		if (nb == rxq->arg_n)
			return nb;
		steer = __atomic_load_n(rxq->steer, __ATOMIC_ACQUIRE);
	}
	if (steer & MANAFO_VF_RX)
		nb += sub_rx(rxq, rxq->steer, MANAFO_VF, rxq->arg_pkts + nb, rxq->arg_n - nb,
			     direct);
	return nb;
}

/* The VF filled part of the array: the synthetic path gets the rest. */
static __rte_always_inline uint16_t
rx_vf_short(struct manafo_rxq *rxq, uint16_t nb, bool direct)
{
	const uint32_t *sp = rxq->steer;
	uint32_t steer = __atomic_load_n(sp, __ATOMIC_ACQUIRE);

	if (steer & MANAFO_SYN_RX)
		nb += sub_rx(rxq, sp, MANAFO_SYNTH, rxq->arg_pkts + nb, rxq->arg_n - nb,
			     direct);
	return nb;
}

/*
 * The VF took fewer than offered. A VF that is merely full pushes back to
 * the application; one we steered away from meanwhile (MANA's blocked
 * bursts return 0 without taking the mbufs) must not refuse anything: the
 * rest goes out on the synthetic path in the same call.
 */
static __rte_always_inline uint16_t
tx_vf_short(struct manafo_txq *txq, uint16_t sent, bool direct)
{
	const uint32_t *sp = txq->steer;
	uint32_t steer = __atomic_load_n(sp, __ATOMIC_ACQUIRE);
	uint16_t rest = txq->arg_n - sent;

	MANAFO_COUNTER_ADD(txq->vf_short, rest);
	if (steer & MANAFO_VF_TX)
		return sent;
	MANAFO_COUNTER_ADD(txq->redirected, rest);
	if (likely(steer & MANAFO_SYN_TX))
		return sent + sub_tx(txq, sp, MANAFO_SYNTH, txq->arg_pkts + sent, rest, direct);
	MANAFO_COUNTER_ADD(txq->refused, rest);
	return sent;
}

/* TX off the VF: on the synthetic path (after a failover), or refused. */
static __rte_always_inline uint16_t
tx_slow(struct manafo_txq *txq, uint32_t steer, bool direct)
{
	if (likely(steer & MANAFO_SYN_TX))
		return sub_tx(txq, txq->steer, MANAFO_SYNTH, txq->arg_pkts, txq->arg_n, direct);
	MANAFO_COUNTER_ADD(txq->refused, txq->arg_n);
	return 0;
}

/*
 * The slow paths out of line, so that their registers are not saved on
 * the common path; one copy per dispatch (a `direct` argument would make
 * every copy carry both).
 */
#define OUT_OF_LINE(name, type, arg2_t)						\
static __rte_noinline uint16_t							\
name ## _direct(type *q, arg2_t a) { return name(q, a, true); }		\
static __rte_noinline uint16_t							\
name ## _ethdev(type *q, arg2_t a) { return name(q, a, false); }
OUT_OF_LINE(rx_slow, struct manafo_rxq, uint32_t)
OUT_OF_LINE(rx_vf_short, struct manafo_rxq, uint16_t)
OUT_OF_LINE(tx_slow, struct manafo_txq, uint32_t)
OUT_OF_LINE(tx_vf_short, struct manafo_txq, uint16_t)
#define OUT_OF_LINE_CALL(name, direct, q, a) \
	((direct) ? name ## _direct(q, a) : name ## _ethdev(q, a))

/*
 * The common path keeps only the queue pointer live across the VF's
 * burst: the arguments the rest of the burst may need are stored in the
 * queue's line first and read back from it (the call may have changed the
 * line, as far as the compiler knows, so it does not keep copies in
 * registers). One register saved instead of three. Do not use `pkts` or
 * `n` after the call. The VF gets `arg_n` read back from the line (the
 * guard is a compiler barrier, so it is a load), not `n`: with `n` gcc
 * zero-extends it into one register and copies it into the argument
 * register, one instruction more.
 */
static __rte_always_inline uint16_t
rx_burst(struct manafo_rxq *rxq, struct rte_mbuf **pkts, uint16_t n, bool atomic, bool direct)
{
	const uint32_t *sp;
	uint16_t nb;
	uint32_t steer;

	rxq->arg_n = n;
	rxq->arg_pkts = pkts;
	guard_enter(&rxq->seq, atomic);
	sp = rxq->steer;
	steer = __atomic_load_n(sp, __ATOMIC_ACQUIRE);
	/* vf_rx has the VF's RX bit only (8 bits suffice), 0 on a turn. */
	if (likely((uint8_t)steer & rxq->vf_rx)) {
		/* arg_n, not n: see below. */
		nb = sub_rx(rxq, sp, MANAFO_VF, pkts, rxq->arg_n, direct);
		if (likely(nb == rxq->arg_n)) {
			if (unlikely(--rxq->turn == 0))
				rxq->vf_rx = 0;
			guard_exit(&rxq->seq);
			return nb;
		}
		nb = OUT_OF_LINE_CALL(rx_vf_short, direct, rxq, nb);
	} else {
		nb = OUT_OF_LINE_CALL(rx_slow, direct, rxq, steer);
	}
	guard_exit(&rxq->seq);
	return nb;
}

/* As rx_burst(): only the queue pointer is live across the VF's burst. */
static __rte_always_inline uint16_t
tx_burst(struct manafo_txq *txq, struct rte_mbuf **pkts, uint16_t n, bool atomic, bool direct)
{
	const uint32_t *sp;
	uint16_t sent;
	uint32_t steer;

	txq->arg_n = n;
	txq->arg_pkts = pkts;
	guard_enter(&txq->seq, atomic);
	sp = txq->steer;
	steer = __atomic_load_n(sp, __ATOMIC_ACQUIRE);
	if (likely(steer & MANAFO_VF_TX)) {
		sent = sub_tx(txq, sp, MANAFO_VF, pkts, txq->arg_n, direct);
		if (likely(sent == txq->arg_n)) {
			guard_exit(&txq->seq);
			return sent;
		}
		sent = OUT_OF_LINE_CALL(tx_vf_short, direct, txq, sent);
	} else {
		sent = OUT_OF_LINE_CALL(tx_slow, direct, txq, steer);
	}
	guard_exit(&txq->seq);
	return sent;
}

static uint16_t
manafo_rx_burst_memb(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return rx_burst(q, pkts, n, false, true);
}

static uint16_t
manafo_rx_burst_cas(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return rx_burst(q, pkts, n, true, true);
}

static uint16_t
manafo_rx_burst_secondary(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return rx_burst(q, pkts, n, true, false);
}

static uint16_t
manafo_tx_burst_memb(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return tx_burst(q, pkts, n, false, true);
}

static uint16_t
manafo_tx_burst_cas(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return tx_burst(q, pkts, n, true, true);
}

static uint16_t
manafo_tx_burst_secondary(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return tx_burst(q, pkts, n, true, false);
}

/* The slow-path helpers below always use the atomic guard: not per burst. */
static uint16_t
manafo_tx_prepare(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct manafo_txq *txq = q;
	enum manafo_role role;
	uint32_t steer;
	uint16_t ret;

	guard_enter(&txq->seq, true);
	steer = __atomic_load_n(txq->steer, __ATOMIC_ACQUIRE);
	role = (steer & MANAFO_VF_TX) ? MANAFO_VF : MANAFO_SYNTH;
	if (steer & MANAFO_STEER(role, MANAFO_STEER_TX))
		ret = rte_eth_tx_prepare(txq->port[role], txq->qid, pkts, n);
	else
		ret = n;
	guard_exit(&txq->seq);
	return ret;
}

static uint32_t
manafo_rx_queue_count(void *q)
{
	struct manafo_rxq *rxq = q;
	uint32_t steer;
	int count = 0, r;

	guard_enter(&rxq->seq, true);
	steer = __atomic_load_n(rxq->steer, __ATOMIC_ACQUIRE);
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		if (steer & MANAFO_STEER(r, MANAFO_STEER_RX)) {
			int c = rte_eth_rx_queue_count(rxq->port[r], rxq->qid);

			if (c > 0)
				count += c;
		}
	}
	guard_exit(&rxq->seq);
	return (uint32_t)count;
}

static int
manafo_rx_descriptor_status(void *q, uint16_t offset)
{
	struct manafo_rxq *rxq = q;
	uint32_t steer;
	int ret = -ENODEV;

	guard_enter(&rxq->seq, true);
	steer = __atomic_load_n(rxq->steer, __ATOMIC_ACQUIRE);
	if (steer & MANAFO_VF_RX)
		ret = rte_eth_rx_descriptor_status(rxq->port[MANAFO_VF], rxq->qid, offset);
	else if (steer & MANAFO_SYN_RX)
		ret = rte_eth_rx_descriptor_status(rxq->port[MANAFO_SYNTH], rxq->qid, offset);
	guard_exit(&rxq->seq);
	return ret;
}

static int
manafo_tx_descriptor_status(void *q, uint16_t offset)
{
	struct manafo_txq *txq = q;
	uint32_t steer;
	int ret = -ENODEV;

	guard_enter(&txq->seq, true);
	steer = __atomic_load_n(txq->steer, __ATOMIC_ACQUIRE);
	if (steer & MANAFO_VF_TX)
		ret = rte_eth_tx_descriptor_status(txq->port[MANAFO_VF], txq->qid, offset);
	else if (steer & MANAFO_SYN_TX)
		ret = rte_eth_tx_descriptor_status(txq->port[MANAFO_SYNTH], txq->qid, offset);
	guard_exit(&txq->seq);
	return ret;
}

/*
 * The burst functions of this process. A secondary process always takes the
 * atomic guard (membarrier reaches one process only); the primary's writer
 * fences with a sequentially consistent read-modify-write on the steering
 * word, which pairs with the atomic guard too.
 */
void
manafo_set_burst(struct rte_eth_dev *dev, bool atomic)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		dev->rx_pkt_burst = manafo_rx_burst_secondary;
		dev->tx_pkt_burst = manafo_tx_burst_secondary;
	} else {
		dev->rx_pkt_burst = atomic ? manafo_rx_burst_cas : manafo_rx_burst_memb;
		dev->tx_pkt_burst = atomic ? manafo_tx_burst_cas : manafo_tx_burst_memb;
	}
	dev->tx_pkt_prepare = manafo_tx_prepare;
	dev->rx_queue_count = manafo_rx_queue_count;
	dev->rx_descriptor_status = manafo_rx_descriptor_status;
	dev->tx_descriptor_status = manafo_tx_descriptor_status;
}

void
manafo_queues_set_port(struct manafo_priv *priv, enum manafo_role role, uint16_t port)
{
	uint16_t i;

	for (i = 0; i < priv->nb_rxq; i++) {
		struct manafo_rxq *rxq = priv->rxqs[i];

		if (rxq != NULL)
			rxq->port[role] = port;
	}
	for (i = 0; i < priv->nb_txq; i++) {
		struct manafo_txq *txq = priv->txqs[i];

		if (txq != NULL)
			txq->port[role] = port;
	}
}

/*
 * Cache a started sub-device's burst functions in the port and its queue
 * objects in every queue. The caller has not steered to the role yet (it is off while the
 * sub-device starts), so no burst reads them meanwhile.
 */
void
manafo_queues_bind(struct manafo_priv *priv, enum manafo_role role)
{
	uint16_t port = priv->sub[role].port_id;
	const struct rte_eth_fp_ops *fp = &rte_eth_fp_ops[port];
	uint16_t i;

	priv->rx_fn[role] = fp->rx_pkt_burst;
	priv->tx_fn[role] = fp->tx_pkt_burst;
	for (i = 0; i < priv->nb_rxq; i++) {
		struct manafo_rxq *rxq = priv->rxqs[i];

		if (rxq != NULL)
			rxq->rxq[role] = fp->rxq.data[i];
	}
	for (i = 0; i < priv->nb_txq; i++) {
		struct manafo_txq *txq = priv->txqs[i];

		if (txq != NULL)
			txq->txq[role] = fp->txq.data[i];
	}
}

/* Wait until a queue is idle, or has left the burst it was seen in. */
static void
quiesce_queue(struct manafo_priv *priv, uint32_t *seq, const char *dir, uint16_t qid)
{
	uint32_t s = __atomic_load_n(seq, __ATOMIC_ACQUIRE);
	uint64_t start, next_log;
	unsigned int spins = 0;

	if (!(s & 1))
		return;
	start = manafo_now_ns();
	next_log = start + QUIESCE_WARN_NS;
	while (__atomic_load_n(seq, __ATOMIC_ACQUIRE) == s) {
		uint64_t now;

		if (++spins < 1000) {
			rte_pause();
			continue;
		}
		rte_delay_us_sleep(10);
		now = manafo_now_ns();
		if (now >= next_log) {
			/*
			 * Correctness needs the wait: stopping a sub-device under a
			 * running burst is a use-after-free. Say loudly why we wait.
			 */
			PORT_LOG(priv, WARNING, "%s queue %u has been inside one burst for "
				 "%" PRIu64 " ms; still waiting before stopping a sub-device",
				 dir, qid, (now - start) / 1000000);
			if (next_log == start + QUIESCE_WARN_NS)
				priv->cnt.quiesce_slow++;
			next_log = now + QUIESCE_LOG_NS;
		}
	}
}

void
manafo_quiesce(struct manafo_priv *priv)
{
	uint16_t i;

	if (priv->guard == MANAFO_GUARD_MEMBARRIER) {
		if (sys_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0)
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} else {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
#ifdef MANAFO_GUARD_RWLOCK
	rte_rwlock_write_lock(&manafo_bench_rwlock);
	rte_rwlock_write_unlock(&manafo_bench_rwlock);
#endif
	for (i = 0; i < priv->nb_rxq; i++) {
		struct manafo_rxq *rxq = priv->rxqs[i];

		if (rxq != NULL)
			quiesce_queue(priv, &rxq->seq, "rx", i);
	}
	for (i = 0; i < priv->nb_txq; i++) {
		struct manafo_txq *txq = priv->txqs[i];

		if (txq != NULL)
			quiesce_queue(priv, &txq->seq, "tx", i);
	}
}

uint32_t
manafo_steer_epoch(uint32_t word)
{
	return word / MANAFO_STEER_EPOCH_ONE;
}

/*
 * Steer away from a role: clear its RX/TX bits and set its RECOVERING/DEAD
 * flags as given in `bits` (unshifted), and bump the epoch, in one update.
 * Lock-free and wait-free in practice: safe from any event callback.
 */
uint32_t
manafo_steer_off(struct manafo_priv *priv, enum manafo_role role, uint32_t bits)
{
	uint32_t old = __atomic_load_n(&priv->steer, __ATOMIC_RELAXED);
	uint32_t clear = MANAFO_STEER(role, bits & (MANAFO_STEER_RX | MANAFO_STEER_TX));
	uint32_t set = MANAFO_STEER(role, bits & (MANAFO_STEER_RECOVERING | MANAFO_STEER_DEAD));
	uint32_t new;

	do {
		new = ((old & ~clear) | set) + MANAFO_STEER_EPOCH_ONE;
	} while (!__atomic_compare_exchange_n(&priv->steer, &old, new, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return new;
}

/* Set and clear flag bits without touching the epoch. */
uint32_t
manafo_steer_set(struct manafo_priv *priv, uint32_t set, uint32_t clear)
{
	uint32_t old = __atomic_load_n(&priv->steer, __ATOMIC_RELAXED);
	uint32_t new;

	do {
		new = (old & ~clear) | set;
	} while (!__atomic_compare_exchange_n(&priv->steer, &old, new, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return new;
}

/*
 * Steer back, unless an event moved the epoch since the decision or a role
 * to steer to is recovering or dead (its callback ran before our decision).
 */
bool
manafo_steer_on_if(struct manafo_priv *priv, uint32_t epoch, uint32_t set)
{
	uint32_t old = __atomic_load_n(&priv->steer, __ATOMIC_RELAXED);
	uint32_t blocked = 0, new;
	int r;

	for (r = 0; r < MANAFO_NB_ROLES; r++)
		if (set & MANAFO_STEER(r, MANAFO_STEER_RX | MANAFO_STEER_TX))
			blocked |= MANAFO_STEER(r, MANAFO_STEER_RECOVERING | MANAFO_STEER_DEAD);
	do {
		if (manafo_steer_epoch(old) != epoch || (old & blocked))
			return false;
		new = old | set;
	} while (!__atomic_compare_exchange_n(&priv->steer, &old, new, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return true;
}

/* Sums of the per-queue counters; plain reads of lcore-written words. */
void
manafo_counters_read(struct manafo_priv *priv, uint64_t rx[MANAFO_NB_ROLES],
		     uint64_t tx[MANAFO_NB_ROLES], uint64_t *redirected, uint64_t *refused)
{
	uint16_t i;
	int r;

	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		rx[r] = priv->base_rx[r];
		tx[r] = priv->base_tx[r];
	}
	*redirected = priv->base_redirected;
	*refused = priv->base_refused;
	for (i = 0; i < priv->nb_rxq; i++) {
		const struct manafo_rxq *rxq = priv->rxqs[i];

		for (r = 0; rxq != NULL && r < MANAFO_NB_ROLES; r++)
			rx[r] += __atomic_load_n(&rxq->pkts[r], __ATOMIC_RELAXED);
	}
	for (i = 0; i < priv->nb_txq; i++) {
		const struct manafo_txq *txq = priv->txqs[i];

		if (txq == NULL)
			continue;
		for (r = 0; r < MANAFO_NB_ROLES; r++)
			tx[r] += __atomic_load_n(&txq->pkts[r], __ATOMIC_RELAXED);
		*redirected += __atomic_load_n(&txq->redirected, __ATOMIC_RELAXED);
		*refused += __atomic_load_n(&txq->refused, __ATOMIC_RELAXED);
	}
}
