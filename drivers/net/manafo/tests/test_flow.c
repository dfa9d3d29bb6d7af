/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * rte_flow on a manafo port over two net_manasim ports: rules reach both
 * paths (the simulator counts them with full_ops=1 and has no flow API
 * without it, like MANA), and are replayed onto a VF back from a reset, a
 * removal or INTR_RESET, exactly once. Run with EAL arguments; an optional
 * first argument after `--` picks one scenario by name.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mbuf.h>
#include <ethdev_driver.h>

#include "manafo_test.h"
#include "tel_client.h"
#include "rte_pmd_manafo.h"
#include "rte_pmd_manasim.h"

#ifdef MANAFO_HAVE_FLOW

#define MAX_RULES 8

static struct rte_mempool *mp;

struct env {
	char name[32];
	char vfname[32];
	char syname[32];
	uint16_t port;
	struct rte_flow *rules[MAX_RULES];
};

MANAFO_TEST_PORT_HELPERS(struct env)

static int
vf_recovering(const struct env *e, uint64_t unused)
{
	RTE_SET_USED(unused);
	return state(e).vf.recovering;
}

static int
returns_reach(const struct env *e, uint64_t n)
{
	struct rte_pmd_manafo_state st = state(e);

	return st.vf_returns >= n && st.tx_path == RTE_PMD_MANAFO_PATH_VF;
}

/* Rules the simulator behind a path holds; -1 if the path has no port. */
static int
nb_flows(uint16_t port)
{
	struct rte_pmd_manasim_info info;

	if (port == RTE_MAX_ETHPORTS || rte_pmd_manasim_info_get(port, &info) != 0)
		return -1;
	return (int)info.nb_flows;
}

static int
vf_flows(const struct env *e)
{
	return nb_flows(state(e).vf.port_id);
}

static int
sy_flows(const struct env *e)
{
	return nb_flows(state(e).synth.port_id);
}

static uint64_t
xstat(const struct env *e, const char *name)
{
	uint64_t id, v = UINT64_MAX;

	if (rte_eth_xstats_get_id_by_name(e->port, name, &id) != 0 ||
	    rte_eth_xstats_get_by_id(e->port, &id, &v, 1) != 1)
		return UINT64_MAX;
	return v;
}

static int
env_start(struct env *e)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(e->port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(e->port, 0, 512, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(e->port, 0, 512, 0, NULL) != 0)
		return -1;
	return rte_eth_dev_start(e->port);
}

/* A manafo port over two manasims; full_ops per path gives it a flow API. */
static int
env_create(struct env *e, const char *tag, int vf_full, int sy_full)
{
	char args[512];

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "net_manafo_%s", tag);
	snprintf(e->vfname, sizeof(e->vfname), "net_manasim_v%s", tag);
	snprintf(e->syname, sizeof(e->syname), "net_manasim_s%s", tag);
	snprintf(args, sizeof(args), "vf(%s,mac=02:00:00:00:00:01,full_ops=%d),"
		 "synth(%s,mac=02:00:00:00:00:01,full_ops=%d),hotplug_poll_ms=50",
		 e->vfname, vf_full, e->syname, sy_full);
	if (rte_vdev_init(e->name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(e->name, &e->port) != 0 || env_start(e) != 0) {
		printf("FAIL cannot create %s with %s\n", e->name, args);
		failed++;
		return -1;
	}
	return 0;
}

static void
env_destroy(struct env *e)
{
	if (rte_eth_dev_is_valid_port(e->port) &&
	    strcmp(rte_eth_devices[e->port].data->name, e->name) == 0) {
		rte_eth_dev_stop(e->port);
		rte_eth_dev_close(e->port);
	}
	rte_vdev_uninit(e->name);
}

/* ingress, eth / ipv4 dst <n> -> queue 0 */
static struct rte_flow *
rule(const struct env *e, uint8_t n, int validate_only, struct rte_flow_error *err)
{
	const struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_ipv4 spec, mask;
	struct rte_flow_action_queue queue = { .index = 0 };
	struct rte_flow_item pattern[3];
	struct rte_flow_action actions[2];

	memset(&spec, 0, sizeof(spec));
	memset(&mask, 0, sizeof(mask));
	memset(pattern, 0, sizeof(pattern));
	memset(actions, 0, sizeof(actions));
	spec.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, n));
	mask.hdr.dst_addr = RTE_BE32(UINT32_MAX);
	pattern[0].type = RTE_FLOW_ITEM_TYPE_ETH;
	pattern[1].type = RTE_FLOW_ITEM_TYPE_IPV4;
	pattern[1].spec = &spec;
	pattern[1].mask = &mask;
	pattern[2].type = RTE_FLOW_ITEM_TYPE_END;
	actions[0].type = RTE_FLOW_ACTION_TYPE_QUEUE;
	actions[0].conf = &queue;
	actions[1].type = RTE_FLOW_ACTION_TYPE_END;
	memset(err, 0, sizeof(*err));
	if (validate_only)
		return rte_flow_validate(e->port, &attr, pattern, actions, err) == 0 ?
		       (struct rte_flow *)(uintptr_t)1 : NULL;
	return rte_flow_create(e->port, &attr, pattern, actions, err);
}

static int
create_n(struct env *e, unsigned int from, unsigned int n)
{
	struct rte_flow_error err;
	unsigned int i;

	for (i = from; i < from + n; i++) {
		e->rules[i] = rule(e, (uint8_t)i, 0, &err);
		if (e->rules[i] == NULL) {
			printf("     rule %u: %s\n", i, err.message ? err.message : "?");
			return 0;
		}
	}
	return 1;
}

static int
destroy_one(struct env *e, unsigned int i)
{
	struct rte_flow_error err;
	int ret = rte_flow_destroy(e->port, e->rules[i], &err);

	e->rules[i] = NULL;
	return ret;
}

static int
inject(uint16_t port, enum rte_pmd_manasim_kind kind, uint32_t reset_ms, int64_t return_ms)
{
	struct rte_pmd_manasim_event ev;

	rte_pmd_manasim_event_init(port, kind, &ev);
	ev.reset_ms = reset_ms;
	ev.return_ms = return_ms;
	return rte_pmd_manasim_inject(port, &ev);
}

static void
test_both_paths(void)
{
	struct rte_flow_error err;
	struct env e;

	printf("-- create, destroy, flush reach both paths\n");
	if (env_create(&e, "fb", 1, 1) < 0)
		return;
	CHECK(rule(&e, 1, 1, &err) != NULL, "validate: accepted");
	CHECK(create_n(&e, 0, 3), "3 rules created");
	CHECK(vf_flows(&e) == 3 && sy_flows(&e) == 3, "3 rules on each path (vf %d, synth %d)",
	      vf_flows(&e), sy_flows(&e));
	CHECK(destroy_one(&e, 1) == 0, "rule 1 destroyed");
	CHECK(vf_flows(&e) == 2 && sy_flows(&e) == 2, "2 rules on each path");
	CHECK(rte_flow_destroy(e.port, e.rules[1] = (struct rte_flow *)&e, &err) == -ENOENT,
	      "destroy of an unknown handle: ENOENT");
	CHECK(rte_flow_query(e.port, e.rules[0], NULL, NULL, &err) == -ENOTSUP &&
	      err.message != NULL && strstr(err.message, "manafo") != NULL,
	      "query: ENOTSUP (%s)", err.message ? err.message : "no message");
	CHECK(rte_flow_isolate(e.port, 1, &err) == -ENOTSUP, "isolate: ENOTSUP");
	CHECK(rte_flow_flush(e.port, &err) == 0, "flush");
	CHECK(vf_flows(&e) == 0 && sy_flows(&e) == 0, "no rule left on either path");
	CHECK(create_n(&e, 0, 2), "2 rules created again");
	env_destroy(&e);
}

static void
test_vf_without(void)
{
	struct rte_flow_error err;
	char cmd[64];
	const char *r;
	struct env e;

	printf("-- VF without flow API (as MANA)\n");
	if (env_create(&e, "fv", 0, 1) < 0)
		return;
	CHECK(rule(&e, 1, 1, &err) != NULL, "validate: accepted (synthetic path)");
	CHECK(create_n(&e, 0, 2), "2 rules created");
	CHECK(sy_flows(&e) == 2 && vf_flows(&e) == 0, "on the synthetic path only (synth %d)",
	      sy_flows(&e));
	snprintf(cmd, sizeof(cmd), "/manafo/info,%u", e.port);
	r = tel(cmd);
	CHECK(strstr(r, "\"flows\":{\"rules\":2,\"on_vf\":0,\"on_synth\":2,"
			"\"unsupported_vf\":2,\"unsupported_synth\":0,\"pending_vf\":0,"
			"\"pending_synth\":0}") != NULL, "/manafo/info: 2 rules, on synth, "
	      "not supported on the VF");
	CHECK(destroy_one(&e, 0) == 0 && sy_flows(&e) == 1, "destroy: 1 left");
	CHECK(inject(state(&e).vf.port_id, RTE_PMD_MANASIM_RESET_SUCCESS, 100, 0) == 0 &&
	      wait_for(&e, vf_recovering, 0, 1000), "VF reset");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 3000), "TX back on the VF after it");
	CHECK(sy_flows(&e) == 1 && xstat(&e, "flow_replay_errors") == 0,
	      "the rule stays on the synthetic path, no replay error");
	env_destroy(&e);
}

static void
test_neither(void)
{
	struct rte_flow_error err;
	struct env e;

	printf("-- no path with a flow API\n");
	if (env_create(&e, "fn", 0, 0) < 0)
		return;
	CHECK(rule(&e, 1, 1, &err) == NULL && err.message != NULL, "validate refused (%s)",
	      err.message ? err.message : "no message");
	CHECK(rule(&e, 1, 0, &err) == NULL && rte_errno == ENOSYS && err.message != NULL &&
	      strstr(err.message, "vf") != NULL && strstr(err.message, "synth") != NULL,
	      "create refused with ENOSYS, naming both paths (%s)",
	      err.message ? err.message : "no message");
	CHECK(rte_flow_flush(e.port, &err) == 0, "flush of nothing");
	env_destroy(&e);
}

static void
test_reset(void)
{
	struct env e;

	printf("-- rules across a VF reset\n");
	if (env_create(&e, "fr", 1, 1) < 0)
		return;
	CHECK(create_n(&e, 0, 2), "2 rules before the reset");
	CHECK(inject(state(&e).vf.port_id, RTE_PMD_MANASIM_RESET_SUCCESS, 300, 0) == 0,
	      "reset injected");
	CHECK(wait_for(&e, vf_recovering, 0, 1000), "VF recovering");
	CHECK(create_n(&e, 2, 1), "a rule created during the reset");
	CHECK(sy_flows(&e) == 3, "on the synthetic path at once (%d)", sy_flows(&e));
	CHECK(vf_flows(&e) == 2, "not on the recovering VF yet (%d)", vf_flows(&e));
	CHECK(destroy_one(&e, 0) == 0 && sy_flows(&e) == 2, "a rule destroyed during the reset");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 3000), "RECOVERY_SUCCESS: TX on the VF");
	/* The simulator kept its 2 rules: flush and create gives 2, not 2 + 2. */
	CHECK(vf_flows(&e) == 2, "the VF has exactly the 2 recorded rules (%d)", vf_flows(&e));
	CHECK(xstat(&e, "flow_replays") == 2 && xstat(&e, "flow_replay_errors") == 0,
	      "xstats: 2 rules replayed, 0 errors");
	CHECK(destroy_one(&e, 2) == 0 && vf_flows(&e) == 1 && sy_flows(&e) == 1,
	      "a replayed rule destroyed on both paths");
	env_destroy(&e);
}

static void
test_flush_during_reset(void)
{
	struct rte_flow_error err;
	struct env e;

	printf("-- flush during a VF reset\n");
	if (env_create(&e, "ff", 1, 1) < 0)
		return;
	CHECK(create_n(&e, 0, 3), "3 rules");
	inject(state(&e).vf.port_id, RTE_PMD_MANASIM_RESET_SUCCESS, 200, 0);
	CHECK(wait_for(&e, vf_recovering, 0, 1000), "VF recovering");
	CHECK(rte_flow_flush(e.port, &err) == 0 && sy_flows(&e) == 0,
	      "flush: synthetic path empty");
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 3000), "TX back on the VF");
	CHECK(vf_flows(&e) == 0, "the VF was flushed after its recovery (%d)", vf_flows(&e));
	env_destroy(&e);
}

static void
test_removal(void)
{
	struct env e;

	printf("-- rules across a VF removal and return\n");
	if (env_create(&e, "fm", 1, 1) < 0)
		return;
	CHECK(create_n(&e, 0, 3), "3 rules before the removal");
	CHECK(inject(state(&e).vf.port_id, RTE_PMD_MANASIM_REMOVE, 50, 300) == 0,
	      "removal injected");
	CHECK(wait_for(&e, vf_in, RTE_PMD_MANAFO_SUB_ABSENT, 3000), "VF detached");
	CHECK(destroy_one(&e, 1) == 0, "a rule destroyed while the VF is away");
	CHECK(create_n(&e, 3, 1), "a rule created while the VF is away");
	CHECK(sy_flows(&e) == 3, "synthetic path: 3 rules (%d)", sy_flows(&e));
	CHECK(wait_for(&e, returns_reach, 1, 5000), "VF back, TX on it");
	CHECK(vf_flows(&e) == 3, "the new VF has the 3 recorded rules (%d)", vf_flows(&e));
	CHECK(destroy_one(&e, 0) == 0 && destroy_one(&e, 2) == 0 && destroy_one(&e, 3) == 0,
	      "the 3 rules destroyed");
	CHECK(vf_flows(&e) == 0 && sy_flows(&e) == 0, "neither path has the destroyed rule");
	env_destroy(&e);
}

static void
test_intr_reset(void)
{
	struct env e;

	printf("-- rules across INTR_RESET\n");
	if (env_create(&e, "fi", 1, 1) < 0)
		return;
	CHECK(create_n(&e, 0, 2), "2 rules");
	rte_eth_dev_callback_process(&rte_eth_devices[state(&e).vf.port_id],
				     RTE_ETH_EVENT_INTR_RESET, NULL);
	usleep(50 * 1000);
	CHECK(wait_for(&e, tx_on, RTE_PMD_MANAFO_PATH_VF, 2000) && state(&e).failbacks == 1,
	      "VF reset, replayed, TX back on it");
	CHECK(vf_flows(&e) == 2 && sy_flows(&e) == 2, "2 rules on each path (vf %d)",
	      vf_flows(&e));
	env_destroy(&e);
}

static void
test_close(void)
{
	struct env e;
	int i;

	printf("-- close with rules (valgrind: nothing leaks)\n");
	for (i = 0; i < 3; i++) {
		if (env_create(&e, "fc", 1, i != 1) < 0)
			return;
		CHECK(create_n(&e, 0, MAX_RULES), "%d rules, closed with them", MAX_RULES);
		env_destroy(&e);
	}
}

int
main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	const char *only;

	if (n < 0)
		return 1;
	argc -= n;
	argv += n;
	only = argc > 1 ? argv[1] : NULL;
	mp = rte_pktmbuf_pool_create("fl_mp", 2048, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
#define RUN(name, call) do { if (only == NULL || strcmp(only, name) == 0) call; } while (0)
	RUN("both", test_both_paths());
	RUN("vf-without", test_vf_without());
	RUN("neither", test_neither());
	RUN("reset", test_reset());
	RUN("flush-reset", test_flush_during_reset());
	RUN("removal", test_removal());
	RUN("intr-reset", test_intr_reset());
	RUN("close", test_close());
	tel_close();
	rte_mempool_free(mp);
	rte_eal_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#else /* !MANAFO_HAVE_FLOW */

int
main(void)
{
	RTE_SET_USED(passed);
	RTE_SET_USED(failed);
	printf("skip: built without rte_flow_driver.h, manafo has no flow API\n");
	return 77;
}

#endif
