/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Scenario files and random event storms.
 *
 * A scenario file holds one event per line: a time in ms from the start of
 * the traffic, a kind, then key=value parameters. '#' starts a comment.
 *
 *   200  reset   outcome=success reset_ms=300
 *   900  remove  monitor=1 return_ms=300
 *   1500 txhang  queue=0 mode=refuse scope=queue
 *   1800 lsc     down_ms=100
 *   2000 mtu     size=1400
 *   2100 promisc mode=on
 *   2200 restart gap_ms=20
 *   2600 end
 *
 * Every error names the file, the line and what was expected: a drill
 * that silently plays something else than written is worse than none.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_string_fns.h>

#include "drill.h"

#define LINE_MAX_LEN 512
#define MAX_EVENTS 100000

static const char *const kind_names[EV_KIND_MAX] = {
	[EV_RESET] = "reset",
	[EV_REMOVE] = "remove",
	[EV_TXHANG] = "txhang",
	[EV_LSC] = "lsc",
	[EV_STOP] = "stop",
	[EV_START] = "start",
	[EV_RESTART] = "restart",
	[EV_MTU] = "mtu",
	[EV_PROMISC] = "promisc",
};

const char *
ev_kind_name(enum ev_kind k)
{
	return (unsigned int)k < EV_KIND_MAX ? kind_names[k] : "?";
}

bool
ev_is_vf(enum ev_kind k)
{
	return k == EV_RESET || k == EV_REMOVE || k == EV_TXHANG || k == EV_LSC;
}

static const char *
outcome_name(enum rte_pmd_manasim_kind k)
{
	switch (k) {
	case RTE_PMD_MANASIM_RESET_SUCCESS: return "success";
	case RTE_PMD_MANASIM_RESET_FAILED: return "failed";
	case RTE_PMD_MANASIM_RESET_NESTED: return "nested";
	default: return "?";
	}
}

void
scenario_event_str(const struct scn_event *e, char *buf, size_t len)
{
	switch (e->kind) {
	case EV_RESET:
		snprintf(buf, len, "reset %s %ums", outcome_name(e->outcome), e->reset_ms);
		break;
	case EV_REMOVE:
		snprintf(buf, len, "remove monitor=%d return=%" PRId64 "ms", e->monitor,
			 e->return_ms);
		break;
	case EV_TXHANG:
		snprintf(buf, len, "txhang q%d %s/%s", e->queue,
			 e->hang_kind == RTE_PMD_MANASIM_HANG_REFUSE ? "refuse" :
			 e->hang_kind == RTE_PMD_MANASIM_HANG_NOCOMPLETE ? "nocomplete" : "slow",
			 e->hang_scope == RTE_PMD_MANASIM_SCOPE_QUEUE ? "queue" : "device");
		break;
	case EV_LSC:
		snprintf(buf, len, "lsc down %ums", e->reset_ms);
		break;
	case EV_MTU:
		snprintf(buf, len, "mtu %u", e->value);
		break;
	case EV_PROMISC:
		snprintf(buf, len, "promisc %s", e->value ? "on" : "off");
		break;
	case EV_RESTART:
		snprintf(buf, len, "restart gap %ums", e->value);
		break;
	default:
		snprintf(buf, len, "%s", ev_kind_name(e->kind));
		break;
	}
}

/* ---- parsing ------------------------------------------------------------- */

struct parse_ctx {
	const char *path;
	int line;
};

static int __rte_format_printf(2, 3)
perr(const struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", c->path, c->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

static int
parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static void
event_defaults(struct scn_event *e)
{
	e->outcome = RTE_PMD_MANASIM_RESET_SUCCESS;
	switch (e->kind) {
	case EV_RESET:
		e->reset_ms = 200;
		break;
	case EV_REMOVE:
		/* Without the monitor: the time until RECOVERY_FAILED. */
		e->reset_ms = 100;
		e->return_ms = 300;
		break;
	case EV_LSC:
		e->reset_ms = 100;
		break;
	case EV_RESTART:
		e->value = 20;
		break;
	case EV_PROMISC:
		e->value = 1;
		break;
	default:
		break;
	}
	e->hang_kind = RTE_PMD_MANASIM_HANG_REFUSE;
	e->hang_scope = RTE_PMD_MANASIM_SCOPE_QUEUE;
}

static int
parse_choice(const char *v, const char *const *names, unsigned int n, int *out)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return -EINVAL;
}

/* One key=value of an event; returns -EINVAL with a message on error. */
static int
parse_param(const struct parse_ctx *c, struct scn_event *e, const char *key, const char *v)
{
	static const char *const outcomes[] = { "success", "failed", "nested" };
	static const char *const hang_kinds[] = { "refuse", "nocomplete", "slow" };
	static const char *const scopes[] = { "queue", "device" };
	static const char *const onoff[] = { "off", "on" };
	int64_t x;
	int ch;

	if (e->kind == EV_RESET && strcmp(key, "outcome") == 0) {
		if (parse_choice(v, outcomes, RTE_DIM(outcomes), &ch) != 0)
			return perr(c, "outcome=%s: expected success|failed|nested", v);
		e->outcome = ch == 0 ? RTE_PMD_MANASIM_RESET_SUCCESS :
			     ch == 1 ? RTE_PMD_MANASIM_RESET_FAILED :
				       RTE_PMD_MANASIM_RESET_NESTED;
	} else if ((e->kind == EV_RESET || e->kind == EV_REMOVE) && strcmp(key, "reset_ms") == 0) {
		if (parse_i64(v, 0, 60000, &x) != 0)
			return perr(c, "reset_ms=%s: expected 0..60000", v);
		e->reset_ms = (uint32_t)x;
	} else if (e->kind == EV_REMOVE && strcmp(key, "return_ms") == 0) {
		if (parse_i64(v, -1, 600000, &x) != 0)
			return perr(c, "return_ms=%s: expected -1 (never) or 0..600000", v);
		e->return_ms = x;
	} else if (e->kind == EV_REMOVE && strcmp(key, "monitor") == 0) {
		if (parse_i64(v, 0, 1, &x) != 0)
			return perr(c, "monitor=%s: expected 0|1", v);
		e->monitor = (int)x;
	} else if (e->kind == EV_TXHANG && strcmp(key, "queue") == 0) {
		if (parse_i64(v, -1, DRILL_MAX_QUEUES - 1, &x) != 0)
			return perr(c, "queue=%s: expected -1 (all) or 0..%d", v,
				    DRILL_MAX_QUEUES - 1);
		e->queue = (int)x;
	} else if (e->kind == EV_TXHANG && strcmp(key, "mode") == 0) {
		if (parse_choice(v, hang_kinds, RTE_DIM(hang_kinds), &ch) != 0)
			return perr(c, "mode=%s: expected refuse|nocomplete|slow", v);
		e->hang_kind = (enum rte_pmd_manasim_hang_kind)ch;
	} else if (e->kind == EV_TXHANG && strcmp(key, "scope") == 0) {
		if (parse_choice(v, scopes, RTE_DIM(scopes), &ch) != 0)
			return perr(c, "scope=%s: expected queue|device", v);
		e->hang_scope = (enum rte_pmd_manasim_hang_scope)ch;
	} else if (e->kind == EV_LSC && strcmp(key, "down_ms") == 0) {
		if (parse_i64(v, 1, 60000, &x) != 0)
			return perr(c, "down_ms=%s: expected 1..60000", v);
		e->reset_ms = (uint32_t)x;
	} else if (e->kind == EV_MTU && strcmp(key, "size") == 0) {
		if (parse_i64(v, 68, 9000, &x) != 0)
			return perr(c, "size=%s: expected 68..9000", v);
		e->value = (uint32_t)x;
	} else if (e->kind == EV_PROMISC && strcmp(key, "mode") == 0) {
		if (parse_choice(v, onoff, RTE_DIM(onoff), &ch) != 0)
			return perr(c, "mode=%s: expected on|off", v);
		e->value = (uint32_t)ch;
	} else if (e->kind == EV_RESTART && strcmp(key, "gap_ms") == 0) {
		if (parse_i64(v, 0, 1000, &x) != 0)
			return perr(c, "gap_ms=%s: expected 0..1000", v);
		e->value = (uint32_t)x;
	} else {
		return perr(c, "\"%s\" is not a parameter of %s", key, ev_kind_name(e->kind));
	}
	return 0;
}

static int
parse_kind(const struct parse_ctx *c, const char *word, int *kind)
{
	unsigned int i;

	if (strcmp(word, "end") == 0) {
		*kind = EV_KIND_MAX;
		return 0;
	}
	if (strcmp(word, "removal") == 0) {
		*kind = EV_REMOVE;
		return 0;
	}
	for (i = 0; i < EV_KIND_MAX; i++)
		if (strcmp(word, kind_names[i]) == 0) {
			*kind = (int)i;
			return 0;
		}
	return perr(c, "unknown event \"%s\" (reset, remove, txhang, lsc, stop, start, "
		    "restart, mtu, promisc, end)", word);
}

static int
push_event(struct scenario *s, const struct scn_event *e, unsigned int *cap)
{
	struct scn_event *n;

	if (s->nb_ev == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		n = realloc(s->ev, *cap * sizeof(*n));
		if (n == NULL)
			return -ENOMEM;
		s->ev = n;
	}
	s->ev[s->nb_ev++] = *e;
	return 0;
}

/* Parse one non-empty line: "<ms> <kind> [key=value ...]". */
static int
parse_line(const struct parse_ctx *c, char *line, struct scenario *s, unsigned int *cap,
	   uint32_t *last_ms, bool *ended)
{
	struct scn_event e;
	char *save = NULL, *tok, *eq;
	int64_t at;
	int kind, ret;

	tok = strtok_r(line, " \t", &save);
	if (parse_i64(tok, 0, 24LL * 3600 * 1000, &at) != 0)
		return perr(c, "\"%s\": expected a time in ms", tok);
	if ((uint32_t)at < *last_ms)
		return perr(c, "time %" PRId64 " ms is before the previous event (%u ms)",
			    at, *last_ms);
	if (*ended)
		return perr(c, "event after \"end\"");
	tok = strtok_r(NULL, " \t", &save);
	if (tok == NULL)
		return perr(c, "missing event kind after the time");
	if (parse_kind(c, tok, &kind) != 0)
		return -EINVAL;
	*last_ms = (uint32_t)at;
	if (kind == EV_KIND_MAX) {
		s->end_ms = (uint32_t)at;
		*ended = true;
		return strtok_r(NULL, " \t", &save) ? perr(c, "\"end\" takes no parameter") : 0;
	}
	memset(&e, 0, sizeof(e));
	e.kind = (enum ev_kind)kind;
	e.at_ms = (uint32_t)at;
	e.line = c->line;
	event_defaults(&e);
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		eq = strchr(tok, '=');
		if (eq == NULL)
			return perr(c, "\"%s\": expected key=value", tok);
		*eq = '\0';
		ret = parse_param(c, &e, tok, eq + 1);
		if (ret != 0)
			return ret;
	}
	if (e.kind == EV_MTU && e.value == 0)
		return perr(c, "mtu needs size=<68..9000>");
	if (e.kind == EV_REMOVE && e.return_ms < 0)
		s->vf_may_stay_gone = true;
	return push_event(s, &e, cap);
}

static void
scenario_name_from(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	char *dot;

	strlcpy(name, base ? base + 1 : path, len);
	dot = strrchr(name, '.');
	if (dot != NULL && dot != name)
		*dot = '\0';
}

int
scenario_load(const char *path, struct scenario *s)
{
	struct parse_ctx c = { .path = path, .line = 0 };
	char buf[LINE_MAX_LEN], *p, *hash;
	unsigned int cap = 0;
	uint32_t last_ms = 0;
	bool ended = false;
	FILE *f;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	strlcpy(s->source, path, sizeof(s->source));
	scenario_name_from(path, s->name, sizeof(s->name));
	while (ret == 0 && fgets(buf, sizeof(buf), f) != NULL) {
		c.line++;
		hash = strchr(buf, '#');
		if (hash != NULL)
			*hash = '\0';
		for (p = buf + strlen(buf); p > buf && isspace((unsigned char)p[-1]); p--)
			p[-1] = '\0';
		for (p = buf; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		if (s->nb_ev >= MAX_EVENTS)
			ret = perr(&c, "more than %d events", MAX_EVENTS);
		else
			ret = parse_line(&c, p, s, &cap, &last_ms, &ended);
	}
	fclose(f);
	if (ret == 0 && s->nb_ev == 0) {
		fprintf(stderr, "%s: no event\n", path);
		ret = -EINVAL;
	}
	if (ret == 0 && !ended)
		s->end_ms = last_ms + 500;	/* let the last event play out */
	if (ret != 0)
		scenario_free(s);
	return ret;
}

void
scenario_free(struct scenario *s)
{
	free(s->ev);
	s->ev = NULL;
	s->nb_ev = 0;
}

/* ---- storms --------------------------------------------------------------- */

/* xorshift64*: the same seed plays the same storm on every machine. */
static uint64_t
rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 2685821657736338717ULL;
}

static uint32_t
rnd_range(uint64_t *state, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd(state) % (uint64_t)(hi - lo + 1));
}

/* Weights of the event kinds in a storm, in percent. */
static void
storm_event(uint64_t *rs, struct scn_event *e)
{
	uint32_t p = rnd_range(rs, 0, 99);

	memset(e, 0, sizeof(e[0]));
	e->rel = true;
	/* The gap after the previous event was played. */
	e->at_ms = rnd_range(rs, 20, 250);
	if (p < 24) {
		e->kind = EV_RESET;
		e->outcome = RTE_PMD_MANASIM_RESET_SUCCESS;
	} else if (p < 32) {
		e->kind = EV_RESET;
		e->outcome = RTE_PMD_MANASIM_RESET_FAILED;
	} else if (p < 40) {
		e->kind = EV_RESET;
		e->outcome = RTE_PMD_MANASIM_RESET_NESTED;
	} else if (p < 50) {
		e->kind = EV_REMOVE;
	} else if (p < 62) {
		e->kind = EV_TXHANG;
	} else if (p < 72) {
		e->kind = EV_LSC;
	} else if (p < 80) {
		e->kind = EV_MTU;
	} else if (p < 88) {
		e->kind = EV_PROMISC;
	} else if (p < 95) {
		e->kind = EV_RESTART;
	} else {
		/* A second reset right away: nested when the first still runs. */
		e->kind = EV_RESET;
		e->outcome = RTE_PMD_MANASIM_RESET_SUCCESS;
		e->at_ms = rnd_range(rs, 0, 30);
	}
	if (e->kind == EV_RESET) {
		e->reset_ms = rnd_range(rs, 10, 300);
	} else if (e->kind == EV_REMOVE) {
		e->monitor = (int)rnd_range(rs, 0, 1);
		e->reset_ms = rnd_range(rs, 10, 150);
		e->return_ms = rnd_range(rs, 0, 300);
	} else if (e->kind == EV_TXHANG) {
		e->queue = (int)rnd_range(rs, 0, 3) - 1;
		e->hang_kind = (enum rte_pmd_manasim_hang_kind)rnd_range(rs, 0, 1);
		e->hang_scope = (enum rte_pmd_manasim_hang_scope)rnd_range(rs, 0, 1);
	} else if (e->kind == EV_LSC) {
		e->reset_ms = rnd_range(rs, 10, 200);
	} else if (e->kind == EV_MTU) {
		e->value = rnd_range(rs, 0, 1) ? 1400 : 1500;
	} else if (e->kind == EV_PROMISC) {
		e->value = rnd_range(rs, 0, 1);
	} else if (e->kind == EV_RESTART) {
		e->value = rnd_range(rs, 0, 40);
	}
}

int
scenario_storm(uint64_t seed, unsigned int nb_events, struct scenario *s)
{
	uint64_t rs = seed * 0x9E3779B97F4A7C15ULL + 1;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (nb_events == 0 || nb_events > MAX_EVENTS)
		return -EINVAL;
	s->ev = calloc(nb_events, sizeof(*s->ev));
	if (s->ev == NULL)
		return -ENOMEM;
	for (i = 0; i < nb_events; i++) {
		storm_event(&rs, &s->ev[i]);
		s->ev[i].line = (int)i + 1;
	}
	s->nb_ev = nb_events;
	s->end_ms = 500;
	s->end_rel = true;
	s->seed = seed;
	snprintf(s->name, sizeof(s->name), "storm-%" PRIu64 "x%u", seed, nb_events);
	snprintf(s->source, sizeof(s->source), "--storm --seed %" PRIu64 " --events %u",
		 seed, nb_events);
	return 0;
}
