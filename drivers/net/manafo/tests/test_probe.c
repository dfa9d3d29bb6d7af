/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Bad input at probe: every bad devarg, a sub-device that fails to probe,
 * a port owned by someone else. Each must fail the probe with one log line
 * naming the bad value, release everything it took (ports, ownership,
 * threads, memory: run under valgrind by meson), and leave a port that was
 * already there forwarding.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

struct probe_case {
	const char *args;
	const char *log;	/* must appear in the log of the failed probe */
	const char *leftover;	/* a sub-device that must not remain */
};

static const struct probe_case cases[] = {
	{ "synth(net_null_s1),bogus=1", "unknown devarg \"bogus=1\"", "net_null_s1" },
	{ "vf(net_null_v1)", "missing synthetic path", "net_null_v1" },
	{ "vf(net_null_v2,synth(net_null_s2)", "missing ')'", "net_null_v2" },
	{ "synth_port=no_such_port", "synth_port=no_such_port: no such port", NULL },
	{ "synth(net_nonexistent0)", "synth(net_nonexistent0): no bus knows", NULL },
	{ "synth(net_null_s3),vf(net_null_v3,bad=1)", "net_null_v3: probe failed", "net_null_s3" },
	{ "vf(net_null_s4),synth(net_null_s4)", "\"net_null_s4\" given as both", "net_null_s4" },
	{ "synth(net_null_s5),mac=02:00:00:00:00:zz", "bad MAC address \"02:00:00:00:00:zz\"",
	  "net_null_s5" },
	{ "synth_port=net_null_owned", "is owned by \"someone_else\"", NULL },
	{ "synth(net_null_s6),vf_port=net_null_ok", "is owned by \"direct_app\"", "net_null_s6" },
	{ "synth(net_null_s7),guard=fast", "bad guard \"fast\"", "net_null_s7" },
};

static char *logbuf;
static size_t loglen;
static FILE *logstream;

static int
count_threads(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int
forward_some(uint16_t port)
{
	struct rte_mbuf *pkts[32];
	uint16_t n = rte_eth_rx_burst(port, 0, pkts, 32);
	uint16_t sent = rte_eth_tx_burst(port, 0, pkts, n);

	rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	return n > 0 && sent == n;
}

static int
start_port(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 256, 0, NULL) != 0)
		return -1;
	return rte_eth_dev_start(port);
}

static int
run_case(int i, const struct probe_case *c, uint16_t ok_port)
{
	char name[32];
	uint16_t nb_before = rte_eth_dev_count_total(), pid;
	int threads = count_threads(), ret, fails = 0;

	snprintf(name, sizeof(name), "net_manafo%d", i);
	fflush(logstream);
	rewind(logstream);
	ret = rte_vdev_init(name, c->args);
	fflush(logstream);
	if (ret == 0) {
		printf("FAIL %s \"%s\": probe succeeded\n", name, c->args);
		rte_vdev_uninit(name);
		return 1;
	}
	if (strstr(logbuf, c->log) == NULL) {
		printf("FAIL %s \"%s\": log lacks \"%s\":\n%s\n", name, c->args, c->log, logbuf);
		fails++;
	}
	if (rte_eth_dev_count_total() != nb_before) {
		printf("FAIL %s: %u ports before, %u after\n", name, nb_before,
		       rte_eth_dev_count_total());
		fails++;
	}
	if (c->leftover != NULL && rte_eth_dev_get_port_by_name(c->leftover, &pid) == 0) {
		printf("FAIL %s: sub-device %s left behind as port %u\n", name, c->leftover, pid);
		fails++;
	}
	if (count_threads() != threads) {
		printf("FAIL %s: %d threads before, %d after\n", name, threads, count_threads());
		fails++;
	}
	if (!forward_some(ok_port)) {
		printf("FAIL %s: the other port stopped forwarding\n", name);
		fails++;
	}
	if (fails == 0) {
		const char *hit = strstr(logbuf, c->log), *start = hit;

		while (start > logbuf && start[-1] != '\n')
			start--;
		printf("ok   \"%s\" refused, nothing left: %.*s\n", c->args,
		       (int)strcspn(start, "\n"), start);
	}
	return fails;
}

static int
setup_owned(void)
{
	struct rte_eth_dev_owner other = { .name = "someone_else" };
	struct rte_eth_dev_owner app = { .name = "direct_app" };
	uint16_t pid;

	if (rte_vdev_init("net_null_owned", NULL) != 0 ||
	    rte_eth_dev_get_port_by_name("net_null_owned", &pid) != 0 ||
	    rte_eth_dev_owner_new(&other.id) != 0 || rte_eth_dev_owner_set(pid, &other) != 0)
		return -1;
	if (rte_eth_dev_get_port_by_name("net_null_ok", &pid) != 0 ||
	    rte_eth_dev_owner_new(&app.id) != 0 || rte_eth_dev_owner_set(pid, &app) != 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int i, n = sizeof(cases) / sizeof(cases[0]);
	struct rte_mempool *mp;
	uint16_t ok_port;
	int fails = 0;

	if (rte_eal_init(argc, argv) < 0)
		return 1;
	logstream = open_memstream(&logbuf, &loglen);
	rte_openlog_stream(logstream);
	mp = rte_pktmbuf_pool_create("probe_mp", 2048, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL || rte_vdev_init("net_null_ok", NULL) != 0 ||
	    rte_eth_dev_get_port_by_name("net_null_ok", &ok_port) != 0 ||
	    start_port(ok_port, mp) != 0 || setup_owned() != 0) {
		printf("FAIL setup\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		fails += run_case((int)i, &cases[i], ok_port) != 0;
	rte_eth_dev_stop(ok_port);
	rte_eth_dev_close(ok_port);
	rte_vdev_uninit("net_null_ok");
	rte_vdev_uninit("net_null_owned");
	rte_mempool_free(mp);
	rte_openlog_stream(NULL);
	rte_eal_cleanup();
	fclose(logstream);
	free(logbuf);
	printf("%u passed, %d failed\n", n - fails, fails);
	return fails ? 1 : 0;
}
