/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_telemetry.h>

#include "manafo.h"
#include "manafo_azure.h"
#include "manafo_ctrl.h"
#include "rte_pmd_manafo.h"

/*
 * /manafo/list, /manafo/info,<port> and /manafo/drill,<port>,<ms>, for
 * dpdk-telemetry.py. The values are the ones xstats reports.
 */

#define TEL_DRILL_MAX_MS 60000u

static int
parse_params(const char *params, unsigned long *v, int nb)
{
	char *end;
	int i;

	if (params == NULL)
		return -EINVAL;
	for (i = 0; i < nb; i++) {
		if (*params < '0' || *params > '9')
			return -EINVAL;
		v[i] = strtoul(params, &end, 10);
		if (i + 1 < nb && *end != ',')
			return -EINVAL;
		params = end + (i + 1 < nb);
	}
	return *params == '\0' ? 0 : -EINVAL;
}

static int
tel_error(struct rte_tel_data *d, const char *msg)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

static int
tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
	 struct rte_tel_data *d)
{
	uint16_t pid;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (pid = 0; pid < RTE_MAX_ETHPORTS; pid++) {
		struct manafo_priv *priv = manafo_priv_get(pid);

		if (priv == NULL)
			continue;
		rte_tel_data_add_array_int(d, pid);
		manafo_priv_put(priv);
	}
	return 0;
}

static struct rte_tel_data *
tel_sub(const struct manafo_sub *sub)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c == NULL)
		return NULL;
	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_string(c, "state", manafo_state_name(sub->state));
	rte_tel_data_add_dict_string(c, "cause", manafo_cause_name(sub->cause));
	rte_tel_data_add_dict_string(c, "device", sub->devname);
	rte_tel_data_add_dict_int(c, "port", sub->port_id == MANAFO_NO_PORT ? -1 : sub->port_id);
	rte_tel_data_add_dict_int(c, "recovering", sub->recovering);
	rte_tel_data_add_dict_int(c, "started", sub->started);
	rte_tel_data_add_dict_int(c, "generation", (int)sub->gen);
	rte_tel_data_add_dict_int(c, "dirty", (int)sub->dirty);
	return c;
}

/* How a role's device is found: discovery, its own devargs, or an adopted port. */
static const char *
sub_source(const struct manafo_args *args, enum manafo_role role)
{
	if (args->sub_auto[role])
		return "auto";
	if (args->sub_port[role][0] != '\0')
		return "port";
	return args->sub_devargs[role][0] != '\0' ? "devargs" : "none";
}

static struct rte_tel_data *
tel_config(const struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c == NULL)
		return NULL;
	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_int(c, "nb_rx_queues", priv->nb_rxq);
	rte_tel_data_add_dict_int(c, "nb_tx_queues", priv->nb_txq);
	rte_tel_data_add_dict_int(c, "mtu", priv->mtu);
	rte_tel_data_add_dict_int(c, "promiscuous", priv->promisc);
	rte_tel_data_add_dict_int(c, "allmulticast", priv->allmulti);
	manafo_tel_dict_u64(c, "failback_ms", priv->args.failback_ms);
	manafo_tel_dict_u64(c, "recovery_timeout_ms", priv->args.recovery_timeout_ms);
	manafo_tel_dict_u64(c, "hotplug_poll_ms", priv->args.hotplug_poll_ms);
	manafo_tel_dict_u64(c, "tx_timeout_ms", priv->args.tx_timeout_ms);
	manafo_tel_dict_u64(c, "tx_hang_max", priv->args.tx_hang_max);
	rte_tel_data_add_dict_string(c, "vf_source", sub_source(&priv->args, MANAFO_VF));
	rte_tel_data_add_dict_string(c, "synth_source", sub_source(&priv->args, MANAFO_SYNTH));
	/* Where discovery looks: devarg, $MANAFO_SYSFS or /sys. */
	if (priv->args.sub_auto[MANAFO_VF] || priv->args.sub_auto[MANAFO_SYNTH])
		rte_tel_data_add_dict_string(c, "sysfs", manafo_azure_sysfs(priv->args.sysfs));
	return c;
}

static struct rte_tel_data *
tel_counters(struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	const char *const *names;
	uint64_t v[64];
	unsigned int i, n;

	if (c == NULL)
		return NULL;
	rte_tel_data_start_dict(c);
	n = manafo_own_counters(priv, &names, NULL);
	if (n > RTE_DIM(v))
		n = RTE_DIM(v);
	manafo_own_counters(priv, NULL, v);
	for (i = 0; i < n; i++)
		manafo_tel_dict_u64(c, names[i], v[i]);
	return c;
}

/* The flow rule record: rules, and per path those on it and those it refused. */
static struct rte_tel_data *
tel_flows(const struct manafo_priv *priv) MANAFO_REQUIRES(priv->lock)
{
	const struct manafo_flows *fl = &priv->flows;
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c == NULL)
		return NULL;
	rte_tel_data_start_dict(c);
	manafo_tel_dict_u64(c, "rules", fl->nb);
	manafo_tel_dict_u64(c, "on_vf", fl->nb_on[MANAFO_VF]);
	manafo_tel_dict_u64(c, "on_synth", fl->nb_on[MANAFO_SYNTH]);
	manafo_tel_dict_u64(c, "unsupported_vf", fl->nb_unsup[MANAFO_VF]);
	manafo_tel_dict_u64(c, "unsupported_synth", fl->nb_unsup[MANAFO_SYNTH]);
	manafo_tel_dict_u64(c, "pending_vf",
			    fl->nb - fl->nb_on[MANAFO_VF] - fl->nb_unsup[MANAFO_VF]);
	manafo_tel_dict_u64(c, "pending_synth",
			    fl->nb - fl->nb_on[MANAFO_SYNTH] - fl->nb_unsup[MANAFO_SYNTH]);
	return c;
}

static struct rte_tel_data *
tel_last(const struct manafo_priv *priv)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	const struct manafo_hang *h = &priv->last_hang;
	const struct manafo_drill *dr = &priv->drill;

	if (c == NULL)
		return NULL;
	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_string(c, "switch_cause", manafo_cause_name(priv->last_cause));
	manafo_tel_dict_u64(c, "failover_latency_us", priv->cnt.last_failover_ns / 1000);
	manafo_tel_dict_u64(c, "failback_latency_us", priv->cnt.last_failback_ns / 1000);
	rte_tel_data_add_dict_int(c, "hang_queue", h->when_ns ? h->qid : -1);
	rte_tel_data_add_dict_string(c, "hang_rule", manafo_hang_rule_name(h->rule));
	manafo_tel_dict_u64(c, "hang_offered", h->offered);
	manafo_tel_dict_u64(c, "hang_accepted", h->accepted);
	manafo_tel_dict_u64(c, "hang_stalled_ms", h->stalled_ms);
	rte_tel_data_add_dict_int(c, "hang_outstanding", h->outstanding);
	rte_tel_data_add_dict_int(c, "drill_running", dr->running);
	manafo_tel_dict_u64(c, "drill_tx_vf", dr->pkts_during[MANAFO_VF]);
	manafo_tel_dict_u64(c, "drill_tx_synth", dr->pkts_during[MANAFO_SYNTH]);
	manafo_tel_dict_u64(c, "drill_refused", dr->running ? 0 : dr->refused);
	return c;
}

static void
tel_add(struct rte_tel_data *d, const char *name, struct rte_tel_data *c)
{
	if (c != NULL)
		rte_tel_data_add_dict_container(d, name, c, 0);
}

static int
tel_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct manafo_priv *priv;
	unsigned long port;
	uint32_t steer;

	if (parse_params(params, &port, 1) < 0 || port >= RTE_MAX_ETHPORTS)
		return tel_error(d, "usage: /manafo/info,<port id>");
	priv = manafo_priv_get((uint16_t)port);
	if (priv == NULL)
		return tel_error(d, "not a manafo port");
	rte_tel_data_start_dict(d);
	manafo_mutex_lock(&priv->lock);
	steer = manafo_steer_load(priv);
	rte_tel_data_add_dict_string(d, "name", priv->name);
	rte_tel_data_add_dict_int(d, "port", priv->port_id);
	rte_tel_data_add_dict_int(d, "started", priv->started);
	rte_tel_data_add_dict_string(d, "guard", manafo_guard_name(priv->guard));
	rte_tel_data_add_dict_string(d, "tx_path", (steer & MANAFO_VF_TX) ? "vf" :
				     (steer & MANAFO_SYN_TX) ? "synth" : "none");
	rte_tel_data_add_dict_int(d, "forced", priv->forced);
	tel_add(d, "vf", tel_sub(&priv->sub[MANAFO_VF]));
	tel_add(d, "synth", tel_sub(&priv->sub[MANAFO_SYNTH]));
	tel_add(d, "config", tel_config(priv));
	tel_add(d, "counters", tel_counters(priv));
	tel_add(d, "flows", tel_flows(priv));
	tel_add(d, "last", tel_last(priv));
	manafo_mutex_unlock(&priv->lock);
	manafo_priv_put(priv);
	return 0;
}

/* Runs the drill to its end, then reports what each path carried. */
static int
tel_drill(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_pmd_manafo_drill res;
	unsigned long v[2];
	int ret;

	if (parse_params(params, v, 2) < 0 || v[0] >= RTE_MAX_ETHPORTS || v[1] == 0 ||
	    v[1] > TEL_DRILL_MAX_MS)
		return tel_error(d, "usage: /manafo/drill,<port id>,<ms 1..60000>");
	ret = rte_pmd_manafo_drill_start((uint16_t)v[0], (uint32_t)v[1]);
	if (ret == -ENODEV)
		return tel_error(d, "not a manafo port");
	if (ret == -ENOLINK)
		return tel_error(d, "refused: the synthetic path is down");
	if (ret == -EBUSY)
		return tel_error(d, "refused: a drill is already running");
	if (ret < 0)
		return tel_error(d, "refused: the port is not started");
	do {
		usleep(1000);
		ret = rte_pmd_manafo_drill_result((uint16_t)v[0], &res);
	} while (ret == 0 && res.running);
	if (ret < 0)
		return tel_error(d, "the port went away during the drill");
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port", (int)v[0]);
	manafo_tel_dict_u64(d, "duration_ms", res.duration_ms);
	manafo_tel_dict_u64(d, "tx_vf", res.tx_vf);
	manafo_tel_dict_u64(d, "tx_synth", res.tx_synth);
	manafo_tel_dict_u64(d, "tx_refused", res.tx_refused);
	rte_tel_data_add_dict_int(d, "back_on_vf", res.back_on_vf);
	return 0;
}

void
manafo_telemetry_register(void)
{
	rte_telemetry_register_cmd("/manafo/list", tel_list,
				   "Returns the manafo port ids. No parameters");
	rte_telemetry_register_cmd("/manafo/info", tel_info,
				   "Returns a manafo port's state and counters. "
				   "Parameters: int port_id");
	rte_telemetry_register_cmd("/manafo/drill", tel_drill,
		"Live drill: TX on the synthetic path for ms, then back. "
		"Parameters: int port_id, int ms");
}
