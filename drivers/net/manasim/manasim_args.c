/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Devargs of net_manasim. Every bad key or value is rejected with one log
 * line that names it: a drill that silently runs with a default is worse
 * than one that does not start.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>
#include <rte_string_fns.h>

#include "manasim.h"

#define MS_DAY_MS	(24LL * 3600 * 1000)

static const char *const ms_kind_names[RTE_PMD_MANASIM_KIND_MAX] = {
	[RTE_PMD_MANASIM_RESET_SUCCESS] = "success",
	[RTE_PMD_MANASIM_RESET_FAILED] = "failed",
	[RTE_PMD_MANASIM_RESET_NESTED] = "nested",
	[RTE_PMD_MANASIM_REMOVE] = "rmv",
	[RTE_PMD_MANASIM_TX_HANG] = "txhang",
	[RTE_PMD_MANASIM_LINK_FLAP] = "lsc",
};

static const char *const ms_hang_kind_names[] = {
	[RTE_PMD_MANASIM_HANG_REFUSE] = "refuse",
	[RTE_PMD_MANASIM_HANG_NOCOMPLETE] = "nocomplete",
	[RTE_PMD_MANASIM_HANG_SLOW] = "slow",
};

struct ms_key {
	const char *key;
	int (*parse)(const char *val, struct manasim_args *a);
	const char *expect;
};

const char *
manasim_kind_name(enum rte_pmd_manasim_kind k)
{
	if ((unsigned int)k >= RTE_PMD_MANASIM_KIND_MAX)
		return "?";
	return ms_kind_names[k];
}

int
manasim_kind_parse(const char *s, enum rte_pmd_manasim_kind *k)
{
	unsigned int i;

	/* "reset" is what an operator types for a service reset drill. */
	if (strcmp(s, "reset") == 0) {
		*k = RTE_PMD_MANASIM_RESET_SUCCESS;
		return 0;
	}
	for (i = 0; i < RTE_DIM(ms_kind_names); i++) {
		if (strcmp(s, ms_kind_names[i]) == 0) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* NULL for a value that is not a hang kind. */
const char *
manasim_hang_kind_name(enum rte_pmd_manasim_hang_kind k)
{
	if ((unsigned int)k >= RTE_DIM(ms_hang_kind_names))
		return NULL;
	return ms_hang_kind_names[k];
}

int
manasim_hang_kind_parse(const char *s, enum rte_pmd_manasim_hang_kind *k)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ms_hang_kind_names); i++) {
		if (strcmp(s, ms_hang_kind_names[i]) == 0) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Whole string, decimal, within [min, max]. */
static int
ms_int(const char *val, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (val == NULL || *val == '\0' || isspace((unsigned char)*val))
		return -EINVAL;
	errno = 0;
	v = strtoll(val, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
ms_bool(const char *val, bool *out)
{
	int64_t v;

	if (ms_int(val, 0, 1, &v) != 0)
		return -EINVAL;
	*out = v != 0;
	return 0;
}

static int
ms_p_reset_at(const char *val, struct manasim_args *a)
{
	return ms_int(val, 0, MS_DAY_MS, &a->reset_at_ms);
}

static int
ms_p_reset_every(const char *val, struct manasim_args *a)
{
	return ms_int(val, 1, MS_DAY_MS, &a->reset_every_ms);
}

static int
ms_p_reset_ms(const char *val, struct manasim_args *a)
{
	int64_t v;

	if (ms_int(val, 0, 3600 * 1000, &v) != 0)
		return -EINVAL;
	a->reset_ms = (uint32_t)v;
	return 0;
}

static int
ms_p_count(const char *val, struct manasim_args *a)
{
	int64_t v;

	if (ms_int(val, 0, UINT32_MAX - 1, &v) != 0)
		return -EINVAL;
	a->count = (uint32_t)v;
	return 0;
}

static int
ms_p_outcome(const char *val, struct manasim_args *a)
{
	return manasim_kind_parse(val, &a->outcome);
}

static int
ms_p_return(const char *val, struct manasim_args *a)
{
	return ms_int(val, -1, MS_DAY_MS, &a->return_ms);
}

static int
ms_p_hang_queue(const char *val, struct manasim_args *a)
{
	int64_t v;

	if (ms_int(val, -1, MANASIM_MAX_QUEUES - 1, &v) != 0)
		return -EINVAL;
	a->hang_queue = (int)v;
	return 0;
}

static int
ms_p_hang_kind(const char *val, struct manasim_args *a)
{
	return manasim_hang_kind_parse(val, &a->hang_kind);
}

static int
ms_p_hang_scope(const char *val, struct manasim_args *a)
{
	if (strcmp(val, "queue") == 0)
		a->hang_scope = RTE_PMD_MANASIM_SCOPE_QUEUE;
	else if (strcmp(val, "device") == 0)
		a->hang_scope = RTE_PMD_MANASIM_SCOPE_DEVICE;
	else
		return -EINVAL;
	return 0;
}

static int
ms_p_monitor(const char *val, struct manasim_args *a)
{
	return ms_bool(val, &a->monitor);
}

static int
ms_p_full_ops(const char *val, struct manasim_args *a)
{
	return ms_bool(val, &a->full_ops);
}

static int
ms_p_rx_source(const char *val, struct manasim_args *a)
{
	return ms_bool(val, &a->rx_source);
}

static int
ms_p_promisc(const char *val, struct manasim_args *a)
{
	return ms_bool(val, &a->promisc);
}

static int
ms_p_reset_on_stop(const char *val, struct manasim_args *a)
{
	return ms_bool(val, &a->reset_on_stop);
}

static int
ms_p_dev_reset(const char *val, struct manasim_args *a)
{
	if (strcmp(val, "keep") == 0)
		a->reset_clears = false;
	else if (strcmp(val, "clear") == 0)
		a->reset_clears = true;
	else
		return -EINVAL;
	return 0;
}

static int
ms_p_wire(const char *val, struct manasim_args *a)
{
	size_t i, len = strlen(val);

	if (len == 0 || len > MANASIM_WIRE_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)val[i]) && val[i] != '_' && val[i] != '-')
			return -EINVAL;
	strlcpy(a->wire, val, sizeof(a->wire));
	return 0;
}

static int
ms_p_mac(const char *val, struct manasim_args *a)
{
	if (rte_ether_unformat_addr(val, &a->mac) != 0 ||
	    !rte_is_valid_assigned_ether_addr(&a->mac))
		return -EINVAL;
	a->mac_given = true;
	return 0;
}

static const struct ms_key ms_keys[] = {
	{ "reset_at_ms", ms_p_reset_at, "0..86400000 ms after dev_start" },
	{ "reset_every_ms", ms_p_reset_every, "1..86400000" },
	{ "reset_ms", ms_p_reset_ms, "0..3600000" },
	{ "count", ms_p_count, "0 (unlimited)..4294967294" },
	{ "outcome", ms_p_outcome, "success|failed|nested|rmv|txhang|lsc" },
	{ "return_ms", ms_p_return, "-1 (never) or 0..86400000" },
	{ "hang_queue", ms_p_hang_queue, "-1 (all) or 0..15" },
	{ "hang_kind", ms_p_hang_kind, "refuse|nocomplete|slow" },
	{ "hang_scope", ms_p_hang_scope, "queue|device" },
	{ "monitor", ms_p_monitor, "0|1" },
	{ "wire", ms_p_wire, "1..20 chars of [A-Za-z0-9_-]" },
	{ "mac", ms_p_mac, "a unicast MAC xx:xx:xx:xx:xx:xx" },
	{ "full_ops", ms_p_full_ops, "0|1" },
	{ "rx_source", ms_p_rx_source, "0|1" },
	{ "promisc", ms_p_promisc, "0|1" },
	{ "dev_reset", ms_p_dev_reset, "keep|clear" },
	{ "reset_on_stop", ms_p_reset_on_stop, "0|1" },
};

static void
ms_args_defaults(struct manasim_args *a)
{
	memset(a, 0, sizeof(*a));
	a->reset_at_ms = -1;
	a->reset_every_ms = -1;
	a->reset_ms = 15000;	/* MANA_RESET_TIMER_US */
	a->count = UINT32_MAX; /* not given */
	a->outcome = RTE_PMD_MANASIM_RESET_SUCCESS;
	a->return_ms = -1;
	a->hang_queue = 0;
	a->hang_kind = RTE_PMD_MANASIM_HANG_REFUSE;
	a->hang_scope = RTE_PMD_MANASIM_SCOPE_QUEUE;
}

static const struct ms_key *
ms_key_find(const char *key)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ms_keys); i++)
		if (strcmp(key, ms_keys[i].key) == 0)
			return &ms_keys[i];
	return NULL;
}

static int
ms_pair_apply(const char *name, const struct rte_kvargs *kv, unsigned int idx,
	      struct manasim_args *a)
{
	const struct rte_kvargs_pair *p = &kv->pairs[idx];
	const struct ms_key *k = ms_key_find(p->key);
	unsigned int j;

	if (k == NULL) {
		MS_LOG(ERR, "%s: unknown devarg '%s' (valid: reset_at_ms reset_every_ms "
		       "reset_ms count outcome return_ms hang_queue hang_kind hang_scope "
		       "monitor wire mac full_ops rx_source promisc dev_reset reset_on_stop)",
		       name, p->key);
		return -EINVAL;
	}
	for (j = 0; j < idx; j++) {
		if (strcmp(kv->pairs[j].key, p->key) == 0) {
			MS_LOG(ERR, "%s: devarg '%s' given twice", name, p->key);
			return -EINVAL;
		}
	}
	if (p->value == NULL || k->parse(p->value, a) != 0) {
		MS_LOG(ERR, "%s: invalid value '%s' for devarg %s (expected %s)",
		       name, p->value ? p->value : "", p->key, k->expect);
		return -EINVAL;
	}
	return 0;
}

int
manasim_args_parse(const char *name, const char *params, struct manasim_args *a)
{
	struct rte_kvargs *kv;
	unsigned int i;
	int ret = 0;

	ms_args_defaults(a);
	if (params == NULL || params[0] == '\0') {
		a->count = 1;
		return 0;
	}
	/* Parse without a key list so that an unknown key can be named. */
	kv = rte_kvargs_parse(params, NULL);
	if (kv == NULL) {
		MS_LOG(ERR, "%s: cannot parse devargs '%s'", name, params);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++)
		ret = ms_pair_apply(name, kv, i, a);
	rte_kvargs_free(kv);
	if (ret != 0)
		return ret;
	if (a->rx_source && a->wire[0] != '\0') {
		MS_LOG(ERR, "%s: rx_source=1 and wire=%s exclude each other", name, a->wire);
		return -EINVAL;
	}
	if (a->reset_on_stop && (a->reset_at_ms >= 0 || a->reset_every_ms >= 0)) {
		MS_LOG(ERR, "%s: reset_on_stop=1 and a reset_at_ms/reset_every_ms schedule "
		       "exclude each other", name);
		return -EINVAL;
	}
	/* One event by default; a periodic schedule runs until told otherwise. */
	if (a->count == UINT32_MAX)
		a->count = a->reset_every_ms >= 0 ? 0 : 1;
	if (a->reset_at_ms < 0 && a->reset_every_ms >= 0)
		a->reset_at_ms = a->reset_every_ms;
	return 0;
}
