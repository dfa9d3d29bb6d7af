/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The monitor: what the drill learns about the VF and the port under test
 * while a run plays.
 *
 * - Ethdev callbacks on every port (RTE_ETH_ALL, filtered by the VF's
 *   device name, so they follow the VF across re-probes and port ids)
 *   timestamp ERR_RECOVERING, RECOVERY_*, INTR_RMV, LSC and the VF's
 *   instances coming and going, and tell the host that the VF is going
 *   down as soon as the port under test has been told.
 * - A thread polls every millisecond: the VF's port id (manafo: its state
 *   API), its health (manasim info: ready, started, link up), its TX hang
 *   mask and its loss counters; every 50 ms the counters of the port under
 *   test that must never go backwards; every second a progress line.
 *
 * manasim's counters restart with each VF instance: they are sampled
 * before the instance goes (in the RECOVERY_FAILED / INTR_RMV callbacks,
 * which run before the port is closed, and every ms) and folded into the
 * run's totals when it is destroyed.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ethdev_driver.h>

#include "drill.h"
#include "rte_pmd_manafo.h"

#define MON_PERIOD_US	1000
#define MONO_PERIOD_MS	50
#define EVL_CAP		(1u << 16)

extern struct monitor *drill_mon;

static const char *const evl_names[EVL_MAX] = {
	[EVL_ERR_RECOVERING] = "ERR_RECOVERING",
	[EVL_RECOVERY_SUCCESS] = "RECOVERY_SUCCESS",
	[EVL_RECOVERY_FAILED] = "RECOVERY_FAILED",
	[EVL_INTR_RMV] = "INTR_RMV",
	[EVL_LSC_DOWN] = "LSC down",
	[EVL_LSC_UP] = "LSC up",
	[EVL_NEW] = "NEW (VF instance)",
	[EVL_DESTROY] = "DESTROY",
	[EVL_HANG_SET] = "TX hang",
	[EVL_HANG_CLEAR] = "TX hang repaired",
};



const char *
evl_name(enum evl_type t)
{
	return (unsigned int)t < EVL_MAX ? evl_names[t] : "?";
}

static void
evl_add(struct monitor *m, enum evl_type t, uint16_t port)
{
	uint32_t i = __atomic_fetch_add(&m->evl_n, 1, __ATOMIC_ACQ_REL);

	if (i >= m->evl_cap)
		return;
	m->evl[i].tsc = rte_get_tsc_cycles();
	m->evl[i].port = port;
	m->evl[i].type = (uint8_t)t;
}

/* ---- VF loss counters ------------------------------------------------------ */

static void
loss_fold_locked(struct monitor *m)
{
	const struct rte_pmd_manasim_counters *c = &m->loss_last;
	uint64_t known = c->tx_lost_in_reset + c->tx_hang_dropped;

	if (m->loss_port == RTE_MAX_ETHPORTS)
		return;
	m->loss.rx_lost += c->rx_lost_in_reset;
	m->loss.tx_lost += c->tx_lost_in_reset;
	m->loss.hang_dropped += c->tx_hang_dropped;
	m->loss.resets += c->resets_started;
	m->loss.removals += c->removals;
	if (m->loss_last_oerrors > known)
		m->loss.link_drops += m->loss_last_oerrors - known;
	memset(&m->loss_last, 0, sizeof(m->loss_last));
	m->loss_last_oerrors = 0;
	m->loss_port = RTE_MAX_ETHPORTS;
}

static void
loss_sample_locked(struct monitor *m, uint16_t port)
{
	struct rte_pmd_manasim_counters c;
	struct rte_eth_stats s;

	if (port >= RTE_MAX_ETHPORTS)
		return;
	if (rte_pmd_manasim_counters_get(port, &c) != 0)
		return;
	if (port != m->loss_port) {
		loss_fold_locked(m);
		m->loss_port = port;
		m->loss.instances++;
	}
	m->loss_last = c;
	if (rte_eth_stats_get(port, &s) == 0)
		m->loss_last_oerrors = s.oerrors;
}

static void
loss_sample(struct monitor *m, uint16_t port)
{
	pthread_mutex_lock(&m->loss_lock);
	loss_sample_locked(m, port);
	pthread_mutex_unlock(&m->loss_lock);
}

void
monitor_sample_loss(struct monitor *m)
{
	loss_sample(m, port_vf(m->port));
}

void
monitor_loss_total(struct monitor *m, struct vf_loss *out)
{
	pthread_mutex_lock(&m->loss_lock);
	loss_fold_locked(m);
	*out = m->loss;
	pthread_mutex_unlock(&m->loss_lock);
}

/* ---- callbacks --------------------------------------------------------------- */

/*
 * By device name, read from the port's data: NEW is emitted before the
 * port is marked attached, when the ethdev API still calls it invalid.
 */
static bool
is_vf(const struct monitor *m, uint16_t port)
{
	const struct rte_eth_dev_data *data = rte_eth_devices[port].data;

	return data != NULL && strcmp(data->name, m->port->vf_name) == 0;
}

static void
vf_down(struct monitor *m, bool down)
{
	__atomic_store_n(&m->vf_down_evt, down ? 1 : 0, __ATOMIC_RELEASE);
}

static bool
link_up(uint16_t port)
{
	struct rte_pmd_manasim_info info;

	return rte_pmd_manasim_info_get(port, &info) == 0 && info.link_up;
}

/*
 * First on the VF's list (registered before any port): the time of the
 * event, the counters of an instance about to go, which NEW is a new VF.
 */
static int
mon_event_early(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	struct monitor *m = __atomic_load_n(&drill_mon, __ATOMIC_ACQUIRE);

	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	if (m == NULL || port >= RTE_MAX_ETHPORTS || !is_vf(m, port))
		return 0;
	switch (ev) {
	case RTE_ETH_EVENT_ERR_RECOVERING:
		evl_add(m, EVL_ERR_RECOVERING, port);
		break;
	case RTE_ETH_EVENT_RECOVERY_SUCCESS:
		evl_add(m, EVL_RECOVERY_SUCCESS, port);
		break;
	case RTE_ETH_EVENT_RECOVERY_FAILED:
	case RTE_ETH_EVENT_INTR_RMV:
		/* The instance is torn down and about to go: its counters now. */
		loss_sample(m, port);
		evl_add(m, ev == RTE_ETH_EVENT_INTR_RMV ? EVL_INTR_RMV : EVL_RECOVERY_FAILED,
			port);
		break;
	case RTE_ETH_EVENT_INTR_LSC:
		evl_add(m, link_up(port) ? EVL_LSC_UP : EVL_LSC_DOWN, port);
		break;
	case RTE_ETH_EVENT_NEW:
		/*
		 * MANA's reset emits a spurious NEW for its own, living port: only
		 * a NEW after the last instance was destroyed is a returning VF.
		 */
		if (__atomic_exchange_n(&m->vf_destroyed, 0, __ATOMIC_ACQ_REL) != 0) {
			evl_add(m, EVL_NEW, port);
			__atomic_store_n(&m->vf_new, 1, __ATOMIC_RELEASE);
		}
		break;
	case RTE_ETH_EVENT_DESTROY:
		pthread_mutex_lock(&m->loss_lock);
		loss_fold_locked(m);
		pthread_mutex_unlock(&m->loss_lock);
		__atomic_store_n(&m->vf_destroyed, 1, __ATOMIC_RELEASE);
		evl_add(m, EVL_DESTROY, port);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Last on the VF's list (registered after the port under test's): the
 * host moves its inbound traffic once the port has been told, so what it
 * sends afterwards is traffic the port could have steered.
 */
static int
mon_event_late(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	struct monitor *m = __atomic_load_n(&drill_mon, __ATOMIC_ACQUIRE);
	bool down;

	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	if (m == NULL || port >= RTE_MAX_ETHPORTS || !is_vf(m, port))
		return 0;
	switch (ev) {
	case RTE_ETH_EVENT_ERR_RECOVERING:
	case RTE_ETH_EVENT_RECOVERY_FAILED:
	case RTE_ETH_EVENT_INTR_RMV:
		vf_down(m, true);
		break;
	case RTE_ETH_EVENT_RECOVERY_SUCCESS:
		vf_down(m, false);
		break;
	case RTE_ETH_EVENT_INTR_LSC:
		down = !link_up(port);
		__atomic_store_n(&m->vf_down_lsc, down ? 1 : 0, __ATOMIC_RELEASE);
		vf_down(m, down);
		break;
	case RTE_ETH_EVENT_NEW:
		if (__atomic_exchange_n(&m->vf_new, 0, __ATOMIC_ACQ_REL) != 0)
			vf_down(m, false);
		break;
	default:
		break;
	}
	return 0;
}

static const enum rte_eth_event_type mon_events[] = {
	RTE_ETH_EVENT_ERR_RECOVERING, RTE_ETH_EVENT_RECOVERY_SUCCESS,
	RTE_ETH_EVENT_RECOVERY_FAILED, RTE_ETH_EVENT_INTR_RMV, RTE_ETH_EVENT_INTR_LSC,
	RTE_ETH_EVENT_NEW, RTE_ETH_EVENT_DESTROY,
};

static rte_eth_dev_cb_fn
mon_cb(bool late)
{
	return late ? mon_event_late : mon_event_early;
}

/* RTE_ETH_ALL: on every port, also those that do not exist yet. */
int
monitor_callbacks_register(bool late)
{
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(mon_events); i++) {
		ret = rte_eth_dev_callback_register(RTE_ETH_ALL, mon_events[i], mon_cb(late),
						    NULL);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
monitor_callbacks_unregister(bool late)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(mon_events); i++)
		while (rte_eth_dev_callback_unregister(RTE_ETH_ALL, mon_events[i], mon_cb(late),
						       NULL) == -EAGAIN)
			usleep(100);
}

/* ---- monotonic counters ------------------------------------------------------ */

#define MONO_MAX 1024

/*
 * Every counter of the port under test must only grow, but for gauges
 * (last_*, on_synthetic_path) and the sub-devices' own xstats (vf_*,
 * synth_*), which start again with each new instance of the sub-device.
 */
static bool
mono_checked(const char *name)
{
	return strncmp(name, "vf_", 3) != 0 && strncmp(name, "synth_", 6) != 0 &&
	       strstr(name, "last_") == NULL && strcmp(name, "on_synthetic_path") != 0;
}

static int
mono_index(struct monitor *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->mono_n; i++)
		if (strcmp(name, m->mono_names[i].name) == 0)
			return (int)i;
	if (m->mono_n == MONO_MAX)
		return -1;
	snprintf(m->mono_names[m->mono_n].name, sizeof(m->mono_names[0].name), "%s", name);
	m->mono_vals[m->mono_n] = 0;
	return (int)m->mono_n++;
}

static void
mono_violation(struct monitor *m, const char *name, uint64_t before, uint64_t after)
{
	struct mono_violation *v;

	if (m->mono_nviol < MON_MAX_VIOL) {
		v = &m->viol[m->mono_nviol];
		snprintf(v->name, sizeof(v->name), "%s", name);
		v->before = before;
		v->after = after;
		v->tsc = rte_get_tsc_cycles();
	}
	m->mono_nviol++;
}

/* Names and values are two calls: a list that changed in between is skipped. */
static int
xstats_read(uint16_t port, struct rte_eth_xstat_name **names, struct rte_eth_xstat **vals)
{
	int n = rte_eth_xstats_get_names(port, NULL, 0);

	*names = NULL;
	*vals = NULL;
	if (n <= 0)
		return -1;
	*names = calloc((size_t)n, sizeof(**names));
	*vals = calloc((size_t)n, sizeof(**vals));
	if (*names == NULL || *vals == NULL ||
	    rte_eth_xstats_get_names(port, *names, (unsigned int)n) != n ||
	    rte_eth_xstats_get(port, *vals, (unsigned int)n) != n ||
	    rte_eth_xstats_get_names(port, NULL, 0) != n)
		return -1;
	return n;
}

static void
mono_check(struct monitor *m)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
	bool *seen = calloc(MONO_MAX, sizeof(*seen));
	int n, i, k;

	n = xstats_read(m->port->port_id, &names, &vals);
	for (i = 0; seen != NULL && i < n; i++) {
		if (!mono_checked(names[i].name))
			continue;
		k = mono_index(m, names[i].name);
		if (k < 0)
			continue;
		/* Two xstats with one name: check the first, report the clash. */
		if (seen[k]) {
			if (m->dup_name[0] == '\0')
				snprintf(m->dup_name, sizeof(m->dup_name), "%s", names[i].name);
			continue;
		}
		seen[k] = true;
		if (vals[i].value < m->mono_vals[k])
			mono_violation(m, names[i].name, m->mono_vals[k], vals[i].value);
		m->mono_vals[k] = vals[i].value;
	}
	if (n > 0)
		m->mono_samples++;
	free(seen);
	free(names);
	free(vals);
}

/* ---- the polling thread -------------------------------------------------------- */

static void
poll_vf(struct monitor *m)
{
	struct rte_pmd_manasim_info info;
	uint16_t vf;
	bool ok = false;
	uint32_t mask = 0, old;

	actor_doing(&m->actor, "VF lookup", m->port->port_id, -1);
	vf = port_vf(m->port);
	__atomic_store_n(&m->vf_port, vf, __ATOMIC_RELEASE);
	if (vf < RTE_MAX_ETHPORTS) {
		actor_doing(&m->actor, "VF info", vf, -1);
		if (rte_pmd_manasim_info_get(vf, &info) == 0) {
			ok = info.state == RTE_PMD_MANASIM_ST_READY && info.started &&
			     info.link_up;
			mask = info.tx_hung_mask;
		}
		loss_sample(m, vf);
	}
	__atomic_store_n(&m->vf_ok, ok ? 1 : 0, __ATOMIC_RELEASE);
	/*
	 * A stop/start of the VF brings its link up without an LSC event
	 * (ethdev reports no change it did not see): the flap is over.
	 */
	if (ok && __atomic_load_n(&m->vf_down_lsc, __ATOMIC_ACQUIRE) &&
	    __atomic_exchange_n(&m->vf_down_lsc, 0, __ATOMIC_ACQ_REL)) {
		evl_add(m, EVL_LSC_UP, vf);
		vf_down(m, false);
	}
	old = m->hung_mask;
	if (mask != old) {
		if (old == 0)
			evl_add(m, EVL_HANG_SET, vf);
		else if (mask == 0)
			evl_add(m, EVL_HANG_CLEAR, vf);
		m->hung_mask = mask;
	}
}

static const char *
out_wire(const struct monitor *m, uint64_t now)
{
	const struct host *h = m->host;
	uint64_t v = h->last_pkt[WIRE_VF], s = h->last_pkt[WIRE_SYNTH];
	uint64_t recent = us_tsc(100000);

	if (now - RTE_MAX(v, s) > recent)
		return "-";
	return v >= s ? "VF" : "synth";
}

static void
progress(struct monitor *m, uint64_t now)
{
	struct rte_pmd_manasim_info info;
	const char *vf = "absent";
	struct app_sums t;
	uint64_t back;
	uint16_t vfp = __atomic_load_n(&m->vf_port, __ATOMIC_ACQUIRE);
	char line[200];

	if (vfp < RTE_MAX_ETHPORTS && rte_pmd_manasim_info_get(vfp, &info) == 0)
		vf = info.link_up ? rte_pmd_manasim_state_name(info.state) : "link down";
	app_totals(m->app, &t);
	back = m->host->st.back[WIRE_VF] + m->host->st.back[WIRE_SYNTH];
	snprintf(line, sizeof(line), "[%s] %5.1f/%.1f s  out:%-5s vf:%-9s sent %-8" PRIu64
		 " back %-8" PRIu64 " refused %-6" PRIu64 " events %u/%u", m->label,
		 tsc_ms(now - m->t0) / 1000.0, (double)m->planned_ms / 1000.0, out_wire(m, now),
		 vf, m->host->st.generated, back, t.refused,
		 __atomic_load_n(&m->events_done, __ATOMIC_RELAXED), m->events_total);
	if (isatty(STDOUT_FILENO))
		printf("\r%-118s", line);
	else
		printf("%s\n", line);
	fflush(stdout);
}

static void *
mon_main(void *arg)
{
	struct monitor *m = arg;
	uint64_t now, next_mono = 0, next_progress;
	uint64_t progress_tsc = us_tsc(isatty(STDOUT_FILENO) ? 250000 : 1000000);

	actor_register(&m->actor, "monitor");
	next_progress = rte_get_tsc_cycles() + progress_tsc;
	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
		now = rte_get_tsc_cycles();
		actor_beat(&m->actor);
		poll_vf(m);
		if (now >= next_mono) {
			actor_doing(&m->actor, "xstats of the port", m->port->port_id, -1);
			mono_check(m);
			next_mono = now + us_tsc(MONO_PERIOD_MS * 1000);
		}
		if (m->o->progress && now >= next_progress) {
			progress(m, now);
			next_progress = now + progress_tsc;
		}
		actor_doing(&m->actor, "sleep", -1, -1);
		sleep_us(MON_PERIOD_US);
	}
	if (m->o->progress && isatty(STDOUT_FILENO))
		printf("\r%-118s\r", "");
	actor_unregister(&m->actor);
	return NULL;
}

int
monitor_init(struct monitor *m, struct drill_port *p, const struct drill_opts *o,
	     struct host *h, struct app *a, const char *label)
{
	memset(m, 0, sizeof(*m));
	m->port = p;
	m->o = o;
	m->host = h;
	m->app = a;
	m->label = label;
	m->loss_port = RTE_MAX_ETHPORTS;
	m->vf_port = RTE_MAX_ETHPORTS;
	pthread_mutex_init(&m->loss_lock, NULL);
	m->evl_cap = EVL_CAP;
	m->evl = calloc(m->evl_cap, sizeof(*m->evl));
	m->mono_names = calloc(MONO_MAX, sizeof(*m->mono_names));
	m->mono_vals = calloc(MONO_MAX, sizeof(*m->mono_vals));
	if (m->evl == NULL || m->mono_names == NULL || m->mono_vals == NULL)
		return -ENOMEM;
	return 0;
}

int
monitor_start(struct monitor *m)
{
	int ret;

	/* The first health sample before any packet is sent. */
	poll_vf(m);
	ret = pthread_create(&m->thread, NULL, mon_main, m);
	if (ret != 0)
		return -ret;
	pthread_setname_np(m->thread, "drill-mon");
	return 0;
}

void
monitor_stop(struct monitor *m)
{
	__atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
	pthread_join(m->thread, NULL);
}

void
monitor_fini(struct monitor *m)
{
	free(m->evl);
	free(m->mono_names);
	free(m->mono_vals);
	pthread_mutex_destroy(&m->loss_lock);
	m->evl = NULL;
	m->mono_names = NULL;
	m->mono_vals = NULL;
}
