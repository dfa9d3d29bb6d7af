/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * What happened to the traffic: figures of one run from the host's
 * per-packet record, the monitor's event log and counters and the
 * director's results; the invariants; the text report, the side-by-side
 * table and the JSON file.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "rte_pmd_manafo.h"

#define LOSS_WINDOW_GAP_US	5000
#define LOSS_WINDOWS_SHOWN	6
#define LOSS_SAMPLE_MAX		(4u << 20)

/* ---- loss ------------------------------------------------------------------- */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Lost packets grouped by send time: "37 at 201.3-202.0 ms". */
static void
loss_windows(struct run_result *r, uint32_t *t, size_t n)
{
	size_t i, start = 0, off = 0, shown = 0, windows = 0;
	char *buf = r->loss_windows;
	size_t len = sizeof(r->loss_windows);

	buf[0] = '\0';
	if (n == 0)
		return;
	qsort(t, n, sizeof(*t), cmp_u32);
	for (i = 1; i <= n; i++) {
		if (i < n && t[i] - t[i - 1] <= LOSS_WINDOW_GAP_US)
			continue;
		windows++;
		if (shown < LOSS_WINDOWS_SHOWN && off < len) {
			int k = snprintf(buf + off, len - off, "%s%zu sent at %.1f-%.1f ms",
					 shown ? ", " : "", i - start, t[start] / 1000.0,
					 t[i - 1] / 1000.0);

			off += k > 0 ? (size_t)k : 0;
			shown++;
		}
		start = i;
	}
	if (windows > shown && off < len)
		snprintf(buf + off, len - off, ", ... (%zu windows)", windows);
}

/* LSC-down windows of the VF, in us from the run's start. */
struct lsc_windows {
	uint32_t down[256];
	uint32_t up[256];
	unsigned int n;
};

static void
lsc_windows(struct lsc_windows *w, const struct monitor *m, uint64_t t0, uint64_t end)
{
	uint32_t n = RTE_MIN(m->evl_n, m->evl_cap), i;
	bool down = false;

	w->n = 0;
	for (i = 0; i < n && w->n < RTE_DIM(w->down); i++) {
		const struct evl_entry *e = &m->evl[i];

		if (e->type == EVL_LSC_DOWN && !down) {
			w->down[w->n] = (uint32_t)tsc_us(e->tsc - t0);
			down = true;
		} else if (e->type == EVL_LSC_UP && down) {
			w->up[w->n++] = (uint32_t)tsc_us(e->tsc - t0);
			down = false;
		}
	}
	if (down && w->n < RTE_DIM(w->down))
		w->up[w->n++] = (uint32_t)tsc_us(end - t0);
}

/*
 * The drill's LSC callback may run just before manafo's (both are called
 * from one rte_eth_dev_callback_process()), and a burst the application
 * had already started may be past its steering load: a packet the host
 * sent within LSC_INFLIGHT_US of the event is in flight at the carrier
 * loss, the VF's loss, not the port's.
 */
#define LSC_INFLIGHT_US 1000

static bool
in_lsc_window(const struct lsc_windows *w, uint32_t t)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		if (t >= w->down[i] + LSC_INFLIGHT_US && t <= w->up[i])
			return true;
	return false;
}

static void
count_loss(struct run_result *r, const struct host *h, const struct lsc_windows *w)
{
	uint32_t *t = malloc(LOSS_SAMPLE_MAX * sizeof(*t));
	size_t nt = 0;
	uint32_t fi;
	uint64_t s;

	for (fi = 0; fi < h->nb_flows; fi++) {
		const struct flow *f = &h->flows[fi];

		for (s = 0; s < f->next_seq; s++) {
			uint8_t st = f->st[s];

			if (st & HS_RECV)
				continue;
			r->lost++;
			if (st & HS_WIREFULL) {
				r->lost_wire_full++;
			} else if (st & HS_STRANDED) {
				r->lost_stranded++;
			} else {
				r->lost_after[(st & HS_SYNTH) ? WIRE_SYNTH : WIRE_VF]++;
				if ((st & HS_SYNTH) && in_lsc_window(w, f->t_us[s]))
					r->lost_synth_link_down++;
			}
			if (t != NULL && nt < LOSS_SAMPLE_MAX)
				t[nt++] = f->t_us[s];
		}
	}
	if (t != NULL)
		loss_windows(r, t, nt);
	free(t);
}

/* ---- latencies ----------------------------------------------------------------- */

static uint64_t
evl_first(const struct monitor *m, uint64_t from, uint64_t to, uint32_t types)
{
	uint32_t n = RTE_MIN(m->evl_n, m->evl_cap), i;

	for (i = 0; i < n; i++) {
		const struct evl_entry *e = &m->evl[i];

		if (e->tsc >= from && e->tsc < to && (types & RTE_BIT32(e->type)))
			return e->tsc;
	}
	return 0;
}

/*
 * First packet on a wire at or after t (before `to`): -2 when the wire was
 * already carrying traffic at t, -1 when none came.
 */
static int64_t
first_on_wire(const struct host *h, int wire, uint64_t t, uint64_t to)
{
	const struct wire_spans *w = &h->spans[wire];
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		const struct span *s = &w->s[i];

		if (s->start <= t && t <= s->end + h->gap_tsc)
			return -2;
		if (s->start >= t)
			return s->start < to ? (int64_t)tsc_us(s->start - t) : -1;
	}
	return -1;
}

static uint32_t
event_types(enum ev_kind k)
{
	switch (k) {
	case EV_RESET:
		return RTE_BIT32(EVL_ERR_RECOVERING);
	case EV_REMOVE:
		return RTE_BIT32(EVL_ERR_RECOVERING) | RTE_BIT32(EVL_INTR_RMV) |
		       RTE_BIT32(EVL_RECOVERY_FAILED);
	case EV_LSC:
		return RTE_BIT32(EVL_LSC_DOWN);
	default:
		return RTE_BIT32(EVL_HANG_SET);
	}
}

static uint32_t
back_types(const struct scn_event *e)
{
	if (e->kind == EV_RESET && e->outcome != RTE_PMD_MANASIM_RESET_FAILED)
		return RTE_BIT32(EVL_RECOVERY_SUCCESS);
	if (e->kind == EV_RESET || e->kind == EV_REMOVE)
		return RTE_BIT32(EVL_NEW);	/* a new VF instance */
	if (e->kind == EV_LSC)
		return RTE_BIT32(EVL_LSC_UP);
	return RTE_BIT32(EVL_HANG_CLEAR);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
lat_fill(struct lat *l, int64_t *v, unsigned int n, unsigned int never)
{
	memset(l, 0, sizeof(*l));
	l->never = never;
	l->n = n;
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_i64);
	l->min_ms = v[0] / 1000.0;
	l->max_ms = v[n - 1] / 1000.0;
	l->med_ms = (n & 1) ? v[n / 2] / 1000.0 : (v[n / 2 - 1] + v[n / 2]) / 2000.0;
}

/* The end of event i's window: the next VF event played, or the run's end. */
static uint64_t
window_end(const struct director *d, unsigned int i, uint64_t end)
{
	unsigned int j;

	for (j = i + 1; j < d->scn->nb_ev; j++)
		if (ev_is_vf(d->scn->ev[j].kind) && d->res[j].t_exec != 0)
			return d->res[j].t_exec;
	return end;
}

static void
one_latency(struct ev_result *x, const struct host *h, const struct monitor *m,
	    uint64_t wend, uint64_t bend)
{
	const struct scn_event *e = x->ev;

	x->failover_us = -1;
	x->failback_us = -1;
	x->t_event = e->kind == EV_TXHANG ? x->t_exec :
		     evl_first(m, x->t_exec, wend, event_types(e->kind));
	if (x->t_event != 0)
		x->failover_us = first_on_wire(h, WIRE_SYNTH, x->t_event, wend);
	x->t_back = evl_first(m, x->t_event ? x->t_event : x->t_exec, bend, back_types(e));
	if (x->t_back != 0)
		x->failback_us = first_on_wire(h, WIRE_VF, x->t_back, bend);
}

static void
latencies(struct run_result *r, const struct host *h, const struct monitor *m,
	  const struct director *d)
{
	unsigned int n = d->scn->nb_ev, i, nfo = 0, nfb = 0, nh = 0;
	unsigned int fo_never = 0, fb_never = 0, h_never = 0;
	int64_t *fo = calloc(n + 1, sizeof(*fo)), *fb = calloc(n + 1, sizeof(*fb));
	int64_t *hg = calloc(n + 1, sizeof(*hg));
	uint64_t budget = us_tsc(DRILL_FAILBACK_BUDGET_MS * 1000ULL);

	for (i = 0; fo != NULL && fb != NULL && hg != NULL && i < n; i++) {
		struct ev_result *x = &d->res[i];
		uint64_t wend, bend;

		if (x->ev == NULL || !ev_is_vf(x->ev->kind) || x->t_exec == 0)
			continue;
		wend = window_end(d, i, d->t_gen_stop);
		bend = window_end(d, i, d->t_end);
		one_latency(x, h, m, wend, bend);
		if (x->ev->kind == EV_TXHANG) {
			/* No event to fail over on: how long until the queue works again. */
			if (x->t_back != 0)
				hg[nh++] = (int64_t)tsc_us(x->t_back - x->t_exec);
			else
				h_never++;
		} else if (x->failover_us >= 0) {
			fo[nfo++] = x->failover_us;
		} else if (x->failover_us == -1 && x->t_event != 0) {
			fo_never++;
		}
		if (x->failback_us >= 0)
			fb[nfb++] = x->failback_us;
		else if (x->failback_us == -1 && x->t_back != 0)
			fb_never++;
		/* Late: not back on the VF within budget though time allowed it. */
		if (x->t_back != 0 && bend - x->t_back >= budget &&
		    (x->failback_us == -1 ||
		     x->failback_us > (int64_t)DRILL_FAILBACK_BUDGET_MS * 1000))
			r->failback_late++;
	}
	lat_fill(&r->failover, fo, nfo, fo_never);
	lat_fill(&r->failback, fb, nfb, fb_never);
	lat_fill(&r->hang_failover, hg, nh, h_never);
	free(fo);
	free(fb);
	free(hg);
}

/*
 * Time TX spent on the synthetic path: from each first packet on the
 * synthetic wire to the next first packet on the VF wire (the spans alone
 * would miss the gaps when the forwarding lcores are descheduled).
 */
static double
synth_time_ms(const struct host *h, uint64_t end)
{
	const struct wire_spans *v = &h->spans[WIRE_VF], *s = &h->spans[WIRE_SYNTH];
	unsigned int i = 0, j = 0;
	uint64_t t = 0, since = 0;
	bool on_synth = false;

	while (i < v->n || j < s->n) {
		bool synth_next = j < s->n && (i >= v->n || s->s[j].start < v->s[i].start);
		uint64_t at = synth_next ? s->s[j++].start : v->s[i++].start;

		if (synth_next && !on_synth) {
			on_synth = true;
			since = at;
		} else if (!synth_next && on_synth) {
			on_synth = false;
			t += at - since;
		}
	}
	if (on_synth && end > since)
		t += end - since;
	return tsc_ms(t);
}

/* ---- invariants ---------------------------------------------------------------- */

static void
fail(struct run_result *r, const char *what)
{
	size_t off = strlen(r->fails);

	r->pass = false;
	snprintf(r->fails + off, sizeof(r->fails) - off, "%s%s", off ? ", " : "", what);
}

static void
invariants(struct run_result *r)
{
	r->pass = true;
	r->fails[0] = '\0';
	if (r->error[0] != '\0')
		fail(r, "run error");
	if (r->app_refused != 0)
		fail(r, "refused");
	if (r->lost_beyond_hw > 0)
		fail(r, "lost");
	if (r->hs.dup != 0 || r->hs.stray != 0)
		fail(r, "duplicates");
	if (r->mono_viol != 0)
		fail(r, "counters went backwards");
	if (r->ctl_failed != 0)
		fail(r, "control calls failed");
	if (r->expect_back && !r->back_on_vf)
		fail(r, "not back on the VF");
	if (r->failback_late != 0)
		fail(r, "failback late");
}

static void
manafo_counters(struct run_result *r, uint16_t port)
{
	struct rte_pmd_manafo_state st;

	if (rte_pmd_manafo_state_get(port, &st) != 0)
		return;
	r->manafo_failovers = st.failovers;
	r->manafo_failbacks = st.failbacks;
	r->manafo_tx_refused = st.tx_refused;
	r->manafo_synth_ms = st.synth_time_ms;
	r->manafo_tx_hangs = st.tx_hangs;
}

/*
 * What the VF lost itself: its rings' contents at a reset, TX packets it
 * held and freed (nocomplete hang, reset), and packets it dropped with no
 * carrier that it already had when its link went down (in flight at the
 * carrier loss). A packet the host sent while the VF's link was down went
 * on the synthetic wire (the host saw the link go down); if the VF dropped
 * it, the port had been told and still sent it there: the port's loss.
 */
static void
hw_loss(struct run_result *r)
{
	uint64_t avoidable = RTE_MIN(r->vl.link_drops, r->lost_synth_link_down);

	r->link_inflight = r->vl.link_drops - avoidable;
	r->hw_loss = r->vl.rx_lost + r->vl.tx_lost + r->vl.hang_dropped + r->link_inflight;
	r->lost_beyond_hw = (int64_t)r->lost - (int64_t)r->hw_loss;
}

void
report_compute(struct run_result *r, struct host *h, struct monitor *m, struct director *d,
	       const struct app *a, const struct scenario *s)
{
	static struct lsc_windows w;
	struct app_sums t;
	unsigned int i;

	r->hs = h->st;
	r->t0 = d->t0;
	r->duration_s = tsc_ms(d->t_gen_stop - d->t0) / 1000.0;
	r->events = s->nb_ev;
	r->skipped = d->skipped;
	r->seed = s->seed;
	r->is_storm = s->seed != 0 || strncmp(s->name, "storm", 5) == 0;
	app_totals(a, &t);
	r->app_offered = t.offered;
	r->app_sent = t.sent;
	r->app_refused = t.refused;
	r->app_rx = t.rx;
	r->app_short_bursts = t.short_bursts;
	r->app_retried = t.retried;
	lsc_windows(&w, m, d->t0, d->t_end);
	count_loss(r, h, &w);
	monitor_loss_total(m, &r->vl);
	hw_loss(r);
	latencies(r, h, m, d);
	r->synth_ms = synth_time_ms(h, d->t_gen_stop);
	r->mono_samples = m->mono_samples;
	r->mono_viol = m->mono_nviol;
	memcpy(r->viol, m->viol, sizeof(r->viol));
	memcpy(r->dup_xstat, m->dup_name, sizeof(r->dup_xstat));
	r->ctl_calls = d->ctl_calls;
	r->ctl_failed = d->ctl_failed;
	r->settled = d->settled;
	r->back_on_vf = d->back_on_vf;
	r->expect_back = !s->vf_may_stay_gone;
	if (r->peer == PEER_MANAFO)
		manafo_counters(r, d->port->port_id);
	for (i = 0; i < s->nb_ev; i++)
		d->res[i].at_ms = d->res[i].t_exec ? tsc_ms(d->res[i].t_exec - d->t0) : -1.0;
	r->res = d->res;
	r->nb_res = s->nb_ev;
	invariants(r);
}

/* ---- text --------------------------------------------------------------------------- */

static const char *
verdict(const struct run_result *r, bool ok)
{
	if (ok)
		return "ok";
	return r->peer == PEER_MANAFO ? "FAIL" : "(peer)";
}

static void
lat_str(const struct lat *l, char *buf, size_t len)
{
	if (l->n == 0 && l->never == 0)
		snprintf(buf, len, "-");
	else if (l->n == 0)
		snprintf(buf, len, "never (%u events)", l->never);
	else if (l->never == 0)
		snprintf(buf, len, "min/med/max %.2f / %.2f / %.2f ms (%u events)", l->min_ms,
			 l->med_ms, l->max_ms, l->n);
	else
		snprintf(buf, len, "min/med/max %.2f / %.2f / %.2f ms (%u events), never %u",
			 l->min_ms, l->med_ms, l->max_ms, l->n, l->never);
}

static void
print_events(FILE *f, const struct run_result *r, uint64_t t0)
{
	unsigned int i;

	fprintf(f, "  %-10s %-34s %5s %12s %12s\n", "at ms", "event", "ret", "failover ms",
		"failback ms");
	for (i = 0; i < r->nb_res; i++) {
		const struct ev_result *x = &r->res[i];
		char buf[64], fo[16] = "", fb[16] = "";

		if (x->ev == NULL)
			continue;
		scenario_event_str(x->ev, buf, sizeof(buf));
		if (ev_is_vf(x->ev->kind) && x->t_exec != 0) {
			snprintf(fo, sizeof(fo), "%s", x->failover_us == -2 ? "n/a" :
				 x->failover_us == -1 ? "never" : "");
			if (x->failover_us >= 0)
				snprintf(fo, sizeof(fo), "%.3f", x->failover_us / 1000.0);
			snprintf(fb, sizeof(fb), "%s", x->t_back == 0 ? "-" :
				 x->failback_us == -2 ? "n/a" : x->failback_us == -1 ? "never" : "");
			if (x->failback_us >= 0)
				snprintf(fb, sizeof(fb), "%.3f", x->failback_us / 1000.0);
		}
		if (x->t_exec != 0)
			fprintf(f, "  %10.1f %-34s %5d %12s %12s\n", tsc_ms(x->t_exec - t0), buf,
				x->ret, fo, fb);
		else
			fprintf(f, "  %10s %-34s %5d %12s\n", "skipped", buf, x->ret, "");
	}
}

/* What the tap interface did with the frames (their loss is in "lost"). */
static void
report_tap(FILE *f, const struct run_result *r)
{
	const struct tap_counters *t = &r->hs.tap;
	char what[64];

	snprintf(what, sizeof(what), "  tap interface %s", r->tap_iface);
	fprintf(f, "  %-40s in: %" PRIu64 " taken (%" PRIu64 " held while it was down), %" PRIu64
		" refused (queue full), %" PRIu64 " dropped, %" PRIu64 " unread at the end; out: %"
		PRIu64 " read, %" PRIu64 " dropped by the socket\n", what, t->sent, t->held,
		t->refused, t->if_dropped, t->left, t->received, t->sock_dropped);
}

void
report_run(FILE *f, const struct run_result *r, bool verbose)
{
	char fo[96], fb[96], hg[96];
	unsigned int i;

	lat_str(&r->failover, fo, sizeof(fo));
	lat_str(&r->failback, fb, sizeof(fb));
	lat_str(&r->hang_failover, hg, sizeof(hg));
	fprintf(f, "\n== %s: %s (%u events, %u skipped, %.1f s, %" PRIu64 " packets) %s\n",
		peer_label(r->peer), r->scenario, r->events, r->skipped, r->duration_s,
		r->hs.generated,
		r->peer != PEER_MANAFO ? "" : r->pass ? "PASS" : "FAIL");
	if (verbose && r->devargs[0] != '\0')
		fprintf(f, "  %-40s %s\n", "port", r->devargs);
	if (r->error[0] != '\0') {
		fprintf(f, "  error: %s\n", r->error);
		return;
	}
	fprintf(f, "  %-40s %" PRIu64 " of %" PRIu64 " offered%*s%s\n",
		"refused by the port (after TX retries)", r->app_refused, r->app_offered, 8, "",
		verdict(r, r->app_refused == 0));
	fprintf(f, "  %-40s %" PRIu64 " bursts, %" PRIu64 " retries (info)\n",
		"  short TX bursts, retried", r->app_short_bursts, r->app_retried);
	fprintf(f, "  %-40s %" PRIu64 " = %" PRIu64 " VF hardware (rx ring %" PRIu64 ", tx held %"
		PRIu64 ", hang %" PRIu64 ", no carrier %" PRIu64 ") + %" PRId64 " beyond   %s\n",
		"lost end to end", r->lost, r->hw_loss, r->vl.rx_lost, r->vl.tx_lost,
		r->vl.hang_dropped, r->link_inflight, r->lost_beyond_hw,
		verdict(r, r->lost_beyond_hw <= 0));
	if (r->lost != 0)
		fprintf(f, "  %-40s delivered on the VF %" PRIu64 ", on synth %" PRIu64
			" (%" PRIu64 " while the VF link was down), RX wire full %" PRIu64
			", never polled %" PRIu64 "; VF no-carrier drops %" PRIu64 "\n", "  where",
			r->lost_after[WIRE_VF], r->lost_after[WIRE_SYNTH], r->lost_synth_link_down,
			r->lost_wire_full, r->lost_stranded, r->vl.link_drops);
	if (r->loss_windows[0] != '\0')
		fprintf(f, "  %-40s %s\n", "  when", r->loss_windows);
	if (r->synth == SYNTH_TAP)
		report_tap(f, r);
	fprintf(f, "  %-40s %" PRIu64 " / %" PRIu64 "%*s%s\n", "duplicates / stray",
		r->hs.dup, r->hs.stray, 20, "", verdict(r, r->hs.dup == 0 && r->hs.stray == 0));
	fprintf(f, "  %-40s %" PRIu64 " (info)\n", "reordered", r->hs.reorder);
	fprintf(f, "  %-40s %s\n", "failover: event -> synth wire", fo);
	fprintf(f, "  %-40s %s   %s\n", "failback: back -> VF wire", fb,
		verdict(r, r->failback_late == 0));
	if (r->hang_failover.n || r->hang_failover.never)
		fprintf(f, "  %-40s %s\n", "TX hang: injected -> repaired", hg);
	fprintf(f, "  %-40s %.1f ms\n", "time on the synthetic path", r->synth_ms);
	fprintf(f, "  %-40s %s (%u samples)%*s%s\n", "counters monotonic",
		r->mono_viol ? "NO" : "yes", r->mono_samples, 8, "", verdict(r, r->mono_viol == 0));
	for (i = 0; i < RTE_MIN(r->mono_viol, (unsigned int)MON_MAX_VIOL); i++)
		fprintf(f, "  %-40s %s went %" PRIu64 " -> %" PRIu64 " at %.1f ms\n", "",
			r->viol[i].name, r->viol[i].before, r->viol[i].after,
			tsc_ms(r->viol[i].tsc - r->t0));
	if (r->dup_xstat[0] != '\0')
		fprintf(f, "  %-40s \"%s\" is given twice (info)\n", "xstats names", r->dup_xstat);
	fprintf(f, "  %-40s %u of %u failed%*s%s\n", "application control calls",
		r->ctl_failed, r->ctl_calls, 16, "", verdict(r, r->ctl_failed == 0));
	fprintf(f, "  %-40s %s%*s%s\n", "back on the VF at the end",
		!r->expect_back ? "not expected" : r->back_on_vf ? "yes" : "no", 22, "",
		verdict(r, !r->expect_back || r->back_on_vf));
	fprintf(f, "  %-40s resets %" PRIu64 ", removals %" PRIu64 ", instances %" PRIu64
		", packet delay max %" PRIu64 " us\n", "VF", r->vl.resets, r->vl.removals,
		r->vl.instances, r->hs.delay_max_us);
	if (r->peer == PEER_MANAFO)
		fprintf(f, "  %-40s failovers %" PRIu64 ", failbacks %" PRIu64 ", tx hangs %" PRIu64
			", synth %" PRIu64 " ms, tx_refused %" PRIu64 "\n", "manafo counters",
			r->manafo_failovers, r->manafo_failbacks, r->manafo_tx_hangs,
			r->manafo_synth_ms, r->manafo_tx_refused);
	if (!r->pass && r->peer != PEER_MANAFO)
		fprintf(f, "  %-40s %s (reported, not fatal)\n", "invariants broken", r->fails);
	if (verbose)
		print_events(f, r, r->t0);
}

static const struct run_result *
find(const struct run_result *r, unsigned int n, const char *scn, enum drill_peer peer)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i].peer == peer && strcmp(r[i].scenario, scn) == 0)
			return &r[i];
	return NULL;
}

static void
cell(FILE *f, const struct run_result *r)
{
	char buf[64], lat[24];

	if (r == NULL) {
		fprintf(f, " | %-34s", "");
		return;
	}
	if (r->crashed || r->error[0] != '\0') {
		fprintf(f, " | %-34.34s", r->error[0] ? r->error : "error");
		return;
	}
	/* A TX hang has no event: its failover waits for the watchdog. */
	if (r->failover.n)
		snprintf(lat, sizeof(lat), "%.2fms", r->failover.med_ms);
	else if (r->hang_failover.n)
		snprintf(lat, sizeof(lat), "%.1fms(repair)", r->hang_failover.med_ms);
	else
		snprintf(lat, sizeof(lat), "%s", r->failover.never || r->hang_failover.never ?
			 "never" : "-");
	snprintf(buf, sizeof(buf), "%" PRIu64 "(%" PRIu64 ")/%" PRId64 "/%" PRIu64 " %s%s",
		 r->app_refused, r->app_short_bursts, RTE_MAX(r->lost_beyond_hw, (int64_t)0),
		 r->hs.dup, lat,
		 r->peer == PEER_MANAFO ? (r->pass ? " PASS" : " FAIL") : "");
	fprintf(f, " | %-34s", buf);
}

void
report_table(FILE *f, const struct run_result *r, unsigned int n, const bool peers[PEER_MAX])
{
	unsigned int i, j;
	int p;

	fprintf(f, "\nper port: packets refused (short TX bursts retried) / lost beyond the VF's "
		"own loss / duplicated, failover latency median\n");
	fprintf(f, "%-18s", "scenario");
	for (p = 0; p < PEER_MAX; p++)
		if (peers[p])
			fprintf(f, " | %-34s", peer_label((enum drill_peer)p));
	fprintf(f, "\n");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(r[j].scenario, r[i].scenario) == 0)
				break;
		if (j < i)
			continue;
		fprintf(f, "%-18.18s", r[i].scenario);
		for (p = 0; p < PEER_MAX; p++)
			if (peers[p])
				cell(f, find(r, n, r[i].scenario, (enum drill_peer)p));
		fprintf(f, "\n");
	}
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_lat(FILE *f, const char *name, const struct lat *l)
{
	fprintf(f, "      \"%s\": {\"n\": %u, \"never\": %u, \"min_ms\": %.3f, \"median_ms\": %.3f, "
		"\"max_ms\": %.3f},\n", name, l->n, l->never, l->min_ms, l->med_ms, l->max_ms);
}

static void
json_events(FILE *f, const struct run_result *r)
{
	unsigned int i;

	fprintf(f, "      \"events\": [");
	for (i = 0; i < r->nb_res; i++) {
		const struct ev_result *x = &r->res[i];
		char buf[64];

		if (x->ev == NULL)
			continue;
		scenario_event_str(x->ev, buf, sizeof(buf));
		fprintf(f, "%s\n        {\"event\": ", i ? "," : "");
		json_str(f, buf);
		fprintf(f, ", \"kind\": \"%s\", \"at_ms\": %.3f, \"skipped\": %s, \"ret\": %d, "
			"\"retries\": %u, \"failover_us\": %" PRId64 ", \"failback_us\": %" PRId64
			"}", ev_kind_name(x->ev->kind), x->at_ms,
			x->t_exec ? "false" : "true", x->ret, x->retries, x->failover_us,
			x->failback_us);
	}
	fprintf(f, "\n      ],\n");
}

static void
json_run(FILE *f, const struct run_result *r)
{
	const struct host_stats *h = &r->hs;

	fprintf(f, "    {\n      \"peer\": \"%s\",\n      \"scenario\": ", peer_name(r->peer));
	json_str(f, r->scenario);
	fprintf(f, ",\n      \"devargs\": ");
	json_str(f, r->devargs);
	fprintf(f, ",\n      \"seed\": %" PRIu64 ",\n      \"crashed\": %s,\n      \"error\": ",
		r->seed, r->crashed ? "true" : "false");
	json_str(f, r->error);
	fprintf(f, ",\n      \"duration_s\": %.3f, \"events\": %u, \"skipped\": %u,\n",
		r->duration_s, r->events, r->skipped);
	fprintf(f, "      \"generated\": %" PRIu64 ", \"sent_vf\": %" PRIu64 ", \"sent_synth\": %"
		PRIu64 ", \"back_vf\": %" PRIu64 ", \"back_synth\": %" PRIu64 ",\n", h->generated,
		h->sent[WIRE_VF], h->sent[WIRE_SYNTH], h->back[WIRE_VF], h->back[WIRE_SYNTH]);
	fprintf(f, "      \"app_rx\": %" PRIu64 ", \"app_offered\": %" PRIu64 ", \"app_sent\": %"
		PRIu64 ", \"app_refused\": %" PRIu64 ",\n", r->app_rx, r->app_offered, r->app_sent,
		r->app_refused);
	fprintf(f, "      \"app_short_bursts\": %" PRIu64 ", \"app_retried\": %" PRIu64 ",\n",
		r->app_short_bursts, r->app_retried);
	fprintf(f, "      \"lost\": %" PRIu64 ", \"lost_beyond_hw\": %" PRId64 ", \"hw_loss\": %"
		PRIu64 ", \"vf_rx_lost_in_reset\": %" PRIu64 ", \"vf_tx_lost_in_reset\": %" PRIu64
		", \"vf_tx_hang_dropped\": %" PRIu64 ", \"vf_link_down_drops\": %" PRIu64
		", \"vf_link_down_inflight\": %" PRIu64 ",\n", r->lost, r->lost_beyond_hw, r->hw_loss,
		r->vl.rx_lost, r->vl.tx_lost, r->vl.hang_dropped, r->vl.link_drops,
		r->link_inflight);
	fprintf(f, "      \"lost_after_vf_delivery\": %" PRIu64 ", \"lost_after_synth_delivery\": %"
		PRIu64 ", \"lost_wire_full\": %" PRIu64 ", \"lost_never_polled\": %" PRIu64 ",\n",
		r->lost_after[WIRE_VF], r->lost_after[WIRE_SYNTH], r->lost_wire_full,
		r->lost_stranded);
	fprintf(f, "      \"loss_windows\": ");
	json_str(f, r->loss_windows);
	fprintf(f, ",\n      \"duplicates\": %" PRIu64 ", \"stray\": %" PRIu64 ", \"reordered\": %"
		PRIu64 ", \"alloc_fail\": %" PRIu64 ", \"host_lag_skipped\": %" PRIu64
		", \"delay_max_us\": %" PRIu64 ",\n", h->dup, h->stray, h->reorder, h->alloc_fail,
		h->lag_skipped, h->delay_max_us);
	if (r->synth == SYNTH_TAP) {
		fprintf(f, "      \"tap\": {\"iface\": ");
		json_str(f, r->tap_iface);
		fprintf(f, ", \"in_taken\": %" PRIu64 ", \"in_held\": %" PRIu64
			", \"in_refused\": %" PRIu64
			", \"in_dropped\": %" PRIu64 ", \"in_unread\": %" PRIu64
			", \"out_read\": %" PRIu64 ", \"out_socket_dropped\": %" PRIu64 "},\n",
			h->tap.sent, h->tap.held, h->tap.refused, h->tap.if_dropped, h->tap.left,
			h->tap.received, h->tap.sock_dropped);
	}
	json_lat(f, "failover", &r->failover);
	json_lat(f, "failback", &r->failback);
	json_lat(f, "txhang_repair", &r->hang_failover);
	fprintf(f, "      \"failback_late\": %u, \"synth_time_ms\": %.3f,\n", r->failback_late,
		r->synth_ms);
	fprintf(f, "      \"monotonic_samples\": %u, \"monotonic_violations\": %u, "
		"\"xstat_name_twice\": ", r->mono_samples, r->mono_viol);
	json_str(f, r->dup_xstat);
	fprintf(f, ",\n");
	fprintf(f, "      \"control_calls\": %u, \"control_failed\": %u, \"settled\": %s, "
		"\"back_on_vf\": %s, \"expect_back\": %s,\n", r->ctl_calls, r->ctl_failed,
		r->settled ? "true" : "false", r->back_on_vf ? "true" : "false",
		r->expect_back ? "true" : "false");
	fprintf(f, "      \"vf_resets\": %" PRIu64 ", \"vf_removals\": %" PRIu64
		", \"vf_instances\": %" PRIu64 ",\n", r->vl.resets, r->vl.removals, r->vl.instances);
	if (r->peer == PEER_MANAFO)
		fprintf(f, "      \"manafo\": {\"failovers\": %" PRIu64 ", \"failbacks\": %" PRIu64
			", \"tx_hangs\": %" PRIu64 ", \"synth_time_ms\": %" PRIu64
			", \"tx_refused\": %" PRIu64 "},\n", r->manafo_failovers, r->manafo_failbacks,
			r->manafo_tx_hangs, r->manafo_synth_ms, r->manafo_tx_refused);
	json_events(f, r);
	fprintf(f, "      \"invariants_broken\": ");
	json_str(f, r->fails);
	fprintf(f, ",\n      \"pass\": %s\n    }", r->pass ? "true" : "false");
}

int
report_json(const char *path, const struct run_result *r, unsigned int n,
	    const struct drill_opts *o, int argc, char **argv, bool all_pass)
{
	FILE *f = fopen(path, "w");
	unsigned int i;
	int a;

	if (f == NULL)
		return -errno;
	fprintf(f, "{\n  \"tool\": \"dpdk-test-failover\",\n  \"argv\": [");
	for (a = 0; a < argc; a++) {
		fprintf(f, "%s", a ? ", " : "");
		json_str(f, argv[a]);
	}
	fprintf(f, "],\n  \"queues\": %u, \"rate_pps\": %" PRIu64 ", \"flows\": %u, "
		"\"tx_retry_ms\": %u,\n  \"synth\": \"%s\", \"port_args_given\": %s,\n"
		"  \"port_args\": ", o->nbq, o->rate, o->flows_per_q * o->nbq, o->tx_retry_ms,
		synth_name(o->synth), o->port_args_user && o->port_args_user[0] ? "true" : "false");
	json_str(f, o->port_args);
	fprintf(f, ",\n  \"port_args_as_run\": ");
	json_str(f, o->port_args_sample);
	fprintf(f, ",\n  \"runs\": [\n");
	for (i = 0; i < n; i++) {
		json_run(f, &r[i]);
		fprintf(f, "%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ],\n  \"pass\": %s\n}\n", all_pass ? "true" : "false");
	return fclose(f) == 0 ? 0 : -errno;
}
