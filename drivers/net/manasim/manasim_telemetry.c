/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Telemetry commands, so that a person can run a drill in a live process:
 *   dpdk-telemetry.py -f <prefix>
 *   --> /manasim/inject,0,reset,100
 *   --> /manasim/info,0
 * Events are the devargs outcomes (success|failed|nested|rmv|txhang|lsc,
 * "reset" = success); the optional ms is the reset (or link-down) time.
 * Other parameters come from the port's devargs.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_string_fns.h>
#include <rte_telemetry.h>

#include "manasim.h"

#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define MS_TEL_U64 rte_tel_data_add_dict_uint
#else
#define MS_TEL_U64 rte_tel_data_add_dict_u64
#endif

static int
ms_tel_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
ms_tel_error(struct rte_tel_data *d, const char *err)
{
	rte_tel_data_add_dict_int(d, "accepted", 0);
	rte_tel_data_add_dict_string(d, "error", err);
	return 0;
}

static int
ms_tel_inject(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_pmd_manasim_event ev;
	enum rte_pmd_manasim_kind kind;
	char buf[128], *tok[4];
	long port, ms = -1;
	int n, ret;

	rte_tel_data_start_dict(d);
	if (params == NULL || strlcpy(buf, params, sizeof(buf)) >= sizeof(buf))
		return ms_tel_error(d, "usage: /manasim/inject,<port>,<event>[,<ms>]");
	n = rte_strsplit(buf, sizeof(buf), tok, RTE_DIM(tok), ',');
	if (n < 2 || n > 3 || ms_tel_num(tok[0], 0, RTE_MAX_ETHPORTS - 1, &port) != 0)
		return ms_tel_error(d, "usage: /manasim/inject,<port>,<event>[,<ms>]");
	rte_tel_data_add_dict_int(d, "port", (int)port);
	rte_tel_data_add_dict_string(d, "event", tok[1]);
	if (manasim_kind_parse(tok[1], &kind) != 0)
		return ms_tel_error(d, "event: reset|success|failed|nested|rmv|txhang|lsc");
	if (n == 3 && ms_tel_num(tok[2], 0, 3600 * 1000, &ms) != 0)
		return ms_tel_error(d, "ms: 0..3600000");
	ret = rte_pmd_manasim_event_init((uint16_t)port, kind, &ev);
	if (ret == 0 && ms >= 0)
		ev.reset_ms = (uint32_t)ms;
	if (ret == 0)
		ret = rte_pmd_manasim_inject((uint16_t)port, &ev);
	if (ret == -ENODEV)
		return ms_tel_error(d, "not a manasim port");
	if (ret != 0)
		return ms_tel_error(d, ret == -EBUSY ? "an event is in progress" :
				       ret == -EIO ? "the device is dead" : rte_strerror(-ret));
	rte_tel_data_add_dict_int(d, "accepted", 1);
	rte_tel_data_add_dict_int(d, "reset_ms", (int)ev.reset_ms);
	return 0;
}

static void
ms_tel_counters(struct rte_tel_data *d, const struct rte_pmd_manasim_counters *c)
{
	MS_TEL_U64(d, "resets_started", c->resets_started);
	MS_TEL_U64(d, "resets_completed", c->resets_completed);
	MS_TEL_U64(d, "resets_failed", c->resets_failed);
	MS_TEL_U64(d, "resets_aborted", c->resets_aborted);
	MS_TEL_U64(d, "resets_nested", c->resets_nested);
	MS_TEL_U64(d, "removals", c->removals);
	MS_TEL_U64(d, "rx_refused_blocked", c->rx_refused_blocked);
	MS_TEL_U64(d, "tx_refused_blocked", c->tx_refused_blocked);
	MS_TEL_U64(d, "rx_lost_in_reset", c->rx_lost_in_reset);
	MS_TEL_U64(d, "tx_lost_in_reset", c->tx_lost_in_reset);
	MS_TEL_U64(d, "tx_hangs", c->tx_hangs);
	MS_TEL_U64(d, "tx_refused_hang", c->tx_refused_hang);
	MS_TEL_U64(d, "tx_hang_dropped", c->tx_hang_dropped);
	MS_TEL_U64(d, "lsc_flaps", c->lsc_flaps);
}

static int
ms_tel_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_pmd_manasim_counters c;
	struct rte_pmd_manasim_info info;
	struct manasim_priv *priv;
	long port;

	rte_tel_data_start_dict(d);
	if (ms_tel_num(params, 0, RTE_MAX_ETHPORTS - 1, &port) != 0) {
		rte_tel_data_add_dict_string(d, "error", "usage: /manasim/info,<port>");
		return 0;
	}
	rte_tel_data_add_dict_int(d, "port", (int)port);
	/* A reference: manafo may close the VF port meanwhile. */
	priv = manasim_port_get((uint16_t)port);
	if (priv == NULL) {
		rte_tel_data_add_dict_string(d, "error", "not a manasim port");
		return 0;
	}
	manasim_info_read(priv, &info);
	manasim_counters_read(priv, &c);
	rte_tel_data_add_dict_string(d, "name", priv->name);
	rte_tel_data_add_dict_string(d, "state", rte_pmd_manasim_state_name(info.state));
	rte_tel_data_add_dict_int(d, "started", info.started);
	rte_tel_data_add_dict_int(d, "link_up", info.link_up);
	rte_tel_data_add_dict_int(d, "event_busy", info.event_busy);
	MS_TEL_U64(d, "tx_hung_mask", info.tx_hung_mask);
	MS_TEL_U64(d, "sched_fired", info.sched_fired);
	ms_tel_counters(d, &c);
	manasim_put(priv);
	return 0;
}

static int
ms_tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	struct manasim_priv *priv;
	uint16_t port;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	/* Every open port: under manafo the VF is owned, and still listed. */
	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		priv = manasim_port_get(port);
		if (priv == NULL)
			continue;
		rte_tel_data_add_array_int(d, port);
		manasim_put(priv);
	}
	return 0;
}

RTE_INIT(manasim_telemetry_init)
{
	rte_telemetry_register_cmd("/manasim/list", ms_tel_list,
		"Lists the manasim ports. No parameters");
	rte_telemetry_register_cmd("/manasim/info", ms_tel_info,
		"State and counters of a manasim port. Parameters: int port_id");
	rte_telemetry_register_cmd("/manasim/inject", ms_tel_inject,
		"Plays an event on a manasim port. Parameters: int port_id, "
		"reset|success|failed|nested|rmv|txhang|lsc, [int reset_ms]");
}
