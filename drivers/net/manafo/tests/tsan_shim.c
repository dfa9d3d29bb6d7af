/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Linked into the storm test in a ThreadSanitizer build only (meson
 * b_sanitize=thread). The system DPDK libraries are not instrumented, so
 * TSan cannot see the synchronisation that happens inside them and would
 * report every access ordered by it as a race, in manafo's and manasim's
 * code. This shim makes that synchronisation visible instead of
 * suppressing the reports (devtools/tsan.supp explains the rest):
 *
 * - EAL alarms: rte_eal_alarm_set() queues the callback under an EAL
 *   spinlock and the interrupt thread runs it. The callback is wrapped:
 *   arming releases, running acquires; the end of the callback releases and
 *   rte_eal_alarm_cancel() (which waits for a running callback) acquires.
 * - ethdev event callbacks: rte_eth_dev_callback_register() links the
 *   callback under an ethdev spinlock and rte_eth_dev_callback_process() on
 *   any thread calls it. Same wrapping: registering releases, each call
 *   acquires, the end of each call releases, unregistering acquires.
 * - mbufs: the mempool's "ring_mp_mc" driver lives in an uninstrumented
 *   library; the storm's pool uses the "storm_tsan" ops below instead, a
 *   mutex-protected stack.
 * - the DPDK heap: rte_free() zeroes the block (a memset TSan sees) and
 *   puts it back under the heap's lock, and a later rte_malloc() on
 *   another thread takes it out under the same lock. That lock is in
 *   EAL: without it TSan reports the new owner's first writes as racing
 *   with the old owner's free (seen since manasim's API can drop the last
 *   reference to a port's data on the thread that called it, and manafo
 *   probes a new VF into the same block). The rte_malloc()/rte_free()
 *   family is wrapped in a mutex: the ordering the heap lock gives, no
 *   more.
 * - the inline primitives of DPDK's headers are compiled as C11 atomics in
 *   this build (RTE_USE_C11_MEM_MODEL for rings, RTE_FORCE_INTRINSICS for
 *   spinlocks: see scripts/run-sanitizers.sh); x86's inline assembly is
 *   invisible to TSan.
 *
 * The wrappers keep one node per (callback, argument) pair, never freed
 * (a few hundred in a storm).
 */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_alarm.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

struct hook {
	struct hook *next;
	void *cb;
	void *arg;
	uint16_t port;
	int event;
};

static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hook *hooks;

static struct hook *
hook_get(void *cb, void *arg, uint16_t port, int event, bool create)
{
	struct hook *h;

	pthread_mutex_lock(&hooks_lock);
	for (h = hooks; h != NULL; h = h->next)
		if (h->cb == cb && h->arg == arg && h->port == port && h->event == event)
			break;
	if (h == NULL && create) {
		h = calloc(1, sizeof(*h));
		if (h == NULL)
			abort();
		h->cb = cb;
		h->arg = arg;
		h->port = port;
		h->event = event;
		h->next = hooks;
		hooks = h;
	}
	pthread_mutex_unlock(&hooks_lock);
	return h;
}

static void *
real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "tsan_shim: no %s\n", name);
		abort();
	}
	return f;
}

/* ---- EAL alarms --------------------------------------------------------- */

typedef int (*alarm_set_t)(uint64_t, rte_eal_alarm_callback, void *);
typedef int (*alarm_cancel_t)(rte_eal_alarm_callback, void *);

static void
alarm_trampoline(void *p)
{
	struct hook *h = p;

	__tsan_acquire(h);
	((rte_eal_alarm_callback)h->cb)(h->arg);
	__tsan_release(h);
}

int
rte_eal_alarm_set(uint64_t us, rte_eal_alarm_callback cb, void *arg)
{
	static alarm_set_t set;
	struct hook *h = hook_get((void *)cb, arg, 0, -1, true);

	if (set == NULL)
		set = (alarm_set_t)real("rte_eal_alarm_set");
	__tsan_release(h);
	return set(us, alarm_trampoline, h);
}

int
rte_eal_alarm_cancel(rte_eal_alarm_callback cb, void *arg)
{
	static alarm_cancel_t cancel;
	struct hook *h, *list;
	int n = 0, ret;

	if (cancel == NULL)
		cancel = (alarm_cancel_t)real("rte_eal_alarm_cancel");
	pthread_mutex_lock(&hooks_lock);
	list = hooks;
	pthread_mutex_unlock(&hooks_lock);
	/* arg (void *)-1: every alarm of cb. Nodes are only ever prepended. */
	for (h = list; h != NULL; h = h->next) {
		if (h->cb != (void *)cb || h->event != -1 ||
		    (arg != (void *)-1 && h->arg != arg))
			continue;
		ret = cancel(alarm_trampoline, h);
		__tsan_acquire(h);
		if (ret > 0)
			n += ret;
		else if (ret < 0 && n == 0)
			n = ret;
	}
	return n;
}

/* ---- ethdev event callbacks --------------------------------------------- */

typedef int (*cb_reg_t)(uint16_t, enum rte_eth_event_type, rte_eth_dev_cb_fn, void *);

static int
event_trampoline(uint16_t port, enum rte_eth_event_type ev, void *p, void *ret_param)
{
	struct hook *h = p;
	int ret;

	__tsan_acquire(h);
	ret = ((rte_eth_dev_cb_fn)h->cb)(port, ev, h->arg, ret_param);
	__tsan_release(h);
	return ret;
}

int
rte_eth_dev_callback_register(uint16_t port, enum rte_eth_event_type ev, rte_eth_dev_cb_fn cb,
			      void *arg)
{
	static cb_reg_t reg;
	struct hook *h = hook_get((void *)cb, arg, port, ev, true);

	if (reg == NULL)
		reg = (cb_reg_t)real("rte_eth_dev_callback_register");
	__tsan_release(h);
	return reg(port, ev, event_trampoline, h);
}

int
rte_eth_dev_callback_unregister(uint16_t port, enum rte_eth_event_type ev, rte_eth_dev_cb_fn cb,
				void *arg)
{
	static cb_reg_t unreg;
	struct hook *h = hook_get((void *)cb, arg, port, ev, false);
	int ret;

	if (unreg == NULL)
		unreg = (cb_reg_t)real("rte_eth_dev_callback_unregister");
	if (h == NULL)
		return unreg(port, ev, cb, arg);
	ret = unreg(port, ev, event_trampoline, h);
	__tsan_acquire(h);
	return ret;
}

/* ---- the DPDK heap -------------------------------------------------------- */

/* Recursive: a heap operation that ran a memory event callback could nest. */
static pthread_mutex_t heap_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

/* The real function, looked up once; atomics, as any thread may be first. */
#define HEAP_REAL(type, name) __extension__ ({ \
	static type fn_; \
	type f_ = __atomic_load_n(&fn_, __ATOMIC_ACQUIRE); \
	if (f_ == NULL) { \
		f_ = (type)real(name); \
		__atomic_store_n(&fn_, f_, __ATOMIC_RELEASE); \
	} \
	f_; \
})

typedef void *(*heap_alloc_t)(const char *, size_t, unsigned int, int);
typedef void *(*heap_calloc_t)(const char *, size_t, size_t, unsigned int, int);
typedef void *(*heap_realloc_t)(void *, size_t, unsigned int, int);
typedef void (*heap_free_t)(void *);

void *
rte_malloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	void *p;

	pthread_mutex_lock(&heap_lock);
	p = HEAP_REAL(heap_alloc_t, "rte_malloc_socket")(type, size, align, socket);
	pthread_mutex_unlock(&heap_lock);
	return p;
}

void *
rte_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	void *p;

	pthread_mutex_lock(&heap_lock);
	p = HEAP_REAL(heap_alloc_t, "rte_zmalloc_socket")(type, size, align, socket);
	pthread_mutex_unlock(&heap_lock);
	return p;
}

void *
rte_calloc_socket(const char *type, size_t num, size_t size, unsigned int align, int socket)
{
	void *p;

	pthread_mutex_lock(&heap_lock);
	p = HEAP_REAL(heap_calloc_t, "rte_calloc_socket")(type, num, size, align, socket);
	pthread_mutex_unlock(&heap_lock);
	return p;
}

void *
rte_realloc_socket(void *ptr, size_t size, unsigned int align, int socket)
{
	void *p;

	pthread_mutex_lock(&heap_lock);
	p = HEAP_REAL(heap_realloc_t, "rte_realloc_socket")(ptr, size, align, socket);
	pthread_mutex_unlock(&heap_lock);
	return p;
}

void *
rte_malloc(const char *type, size_t size, unsigned int align)
{
	return rte_malloc_socket(type, size, align, SOCKET_ID_ANY);
}

void *
rte_zmalloc(const char *type, size_t size, unsigned int align)
{
	return rte_zmalloc_socket(type, size, align, SOCKET_ID_ANY);
}

void *
rte_calloc(const char *type, size_t num, size_t size, unsigned int align)
{
	return rte_calloc_socket(type, num, size, align, SOCKET_ID_ANY);
}

void *
rte_realloc(void *ptr, size_t size, unsigned int align)
{
	return rte_realloc_socket(ptr, size, align, SOCKET_ID_ANY);
}

void
rte_free(void *ptr)
{
	pthread_mutex_lock(&heap_lock);
	HEAP_REAL(heap_free_t, "rte_free")(ptr);
	pthread_mutex_unlock(&heap_lock);
}

/* ---- a mempool driver TSan can see through ------------------------------ */

/* A mutex-protected stack: slow, simple, and every hand-off is visible. */
struct tsan_pool {
	pthread_mutex_t lock;
	unsigned int n;
	void *objs[];
};

static int
tsan_pool_alloc(struct rte_mempool *mp)
{
	struct tsan_pool *p = calloc(1, sizeof(*p) + sizeof(void *) * (mp->size + 1));

	if (p == NULL)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	mp->pool_data = p;
	return 0;
}

static void
tsan_pool_free(struct rte_mempool *mp)
{
	struct tsan_pool *p = mp->pool_data;

	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int
tsan_pool_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	struct tsan_pool *p = mp->pool_data;
	unsigned int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < n; i++)
		p->objs[p->n++] = objs[i];
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int
tsan_pool_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct tsan_pool *p = mp->pool_data;
	unsigned int i;
	int ret = -ENOBUFS;

	pthread_mutex_lock(&p->lock);
	if (p->n >= n) {
		for (i = 0; i < n; i++)
			objs[i] = p->objs[--p->n];
		ret = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

static unsigned int
tsan_pool_count(const struct rte_mempool *mp)
{
	struct tsan_pool *p = mp->pool_data;
	unsigned int n;

	pthread_mutex_lock(&p->lock);
	n = p->n;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static struct rte_mempool_ops tsan_pool_ops = {
	.name = "storm_tsan",
	.alloc = tsan_pool_alloc,
	.free = tsan_pool_free,
	.enqueue = tsan_pool_enqueue,
	.dequeue = tsan_pool_dequeue,
	.get_count = tsan_pool_count,
};

RTE_MEMPOOL_REGISTER_OPS(tsan_pool_ops);
