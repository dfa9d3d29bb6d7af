/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * rte_flow for full_ops=1 only: rules are accepted and counted, nothing
 * is matched. Without full_ops the port has no flow API, like MANA
 * (rte_flow_* fail with ENOSYS). Needs rte_flow_driver.h, which newer
 * DPDK releases no longer install: without it the flow API is absent.
 */

#include <errno.h>

#include <rte_malloc.h>

#include "manasim.h"

#ifdef MANASIM_HAVE_FLOW
#include <rte_flow_driver.h>

struct rte_flow {
	struct rte_flow *next;
};

static int
ms_flow_state(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
	uint32_t st = manasim_state(manasim_priv(dev));

	if (st == RTE_PMD_MANASIM_ST_RESETTING)
		return rte_flow_error_set(error, EBUSY, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
					  "reset in progress");
	if (st != RTE_PMD_MANASIM_ST_READY)
		return rte_flow_error_set(error, EIO, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
					  "device is dead");
	return 0;
}

static int
ms_flow_validate(struct rte_eth_dev *dev, const struct rte_flow_attr *attr __rte_unused,
		 const struct rte_flow_item pattern[] __rte_unused,
		 const struct rte_flow_action actions[] __rte_unused,
		 struct rte_flow_error *error)
{
	return ms_flow_state(dev, error);
}

static struct rte_flow *
ms_flow_create(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
	       const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
	       struct rte_flow_error *error)
{
	struct manasim_priv *priv = manasim_priv(dev);
	struct rte_flow *f;

	if (ms_flow_validate(dev, attr, pattern, actions, error) != 0)
		return NULL;
	f = rte_zmalloc(priv->name, sizeof(*f), 0);
	if (f == NULL) {
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL, NULL);
		return NULL;
	}
	/* ethdev serialises flow ops (no RTE_ETH_DEV_FLOW_OPS_THREAD_SAFE). */
	f->next = priv->flows;
	priv->flows = f;
	/* Atomic: rte_pmd_manasim_info_get() reads it from any thread. */
	__atomic_store_n(&priv->nb_flows, priv->nb_flows + 1, __ATOMIC_RELAXED);
	return f;
}

static int
ms_flow_destroy(struct rte_eth_dev *dev, struct rte_flow *flow, struct rte_flow_error *error)
{
	struct manasim_priv *priv = manasim_priv(dev);
	struct rte_flow **pp;

	for (pp = (struct rte_flow **)&priv->flows; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == flow) {
			*pp = flow->next;
			__atomic_store_n(&priv->nb_flows, priv->nb_flows - 1, __ATOMIC_RELAXED);
			rte_free(flow);
			return 0;
		}
	}
	return rte_flow_error_set(error, ENOENT, RTE_FLOW_ERROR_TYPE_HANDLE, flow, "no such rule");
}

void
manasim_flow_flush_all(struct manasim_priv *priv)
{
	struct rte_flow *f;

	while (priv->flows != NULL) {
		f = priv->flows;
		priv->flows = f->next;
		rte_free(f);
	}
	__atomic_store_n(&priv->nb_flows, 0, __ATOMIC_RELAXED);
}

static int
ms_flow_flush(struct rte_eth_dev *dev, struct rte_flow_error *error __rte_unused)
{
	manasim_flow_flush_all(manasim_priv(dev));
	return 0;
}

static const struct rte_flow_ops ms_flow_ops = {
	.validate = ms_flow_validate,
	.create = ms_flow_create,
	.destroy = ms_flow_destroy,
	.flush = ms_flow_flush,
};

int
manasim_flow_ops_get(struct rte_eth_dev *dev __rte_unused, const struct rte_flow_ops **ops)
{
	*ops = &ms_flow_ops;
	return 0;
}

#else /* !MANASIM_HAVE_FLOW */

int
manasim_flow_ops_get(struct rte_eth_dev *dev __rte_unused, const struct rte_flow_ops **ops)
{
	*ops = NULL; /* ethdev reports ENOSYS, as for MANA */
	return 0;
}

void
manasim_flow_flush_all(struct manasim_priv *priv __rte_unused)
{
}

#endif
