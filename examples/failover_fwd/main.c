/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * failover_fwd: an l2fwd-style forwarder over a manafo port. Every packet
 * received is sent back out of the same port; one status line per second
 * says which path carries TX, the rate on each path and the failovers.
 *
 *   dpdk-failover-fwd <EAL args> --vdev 'net_manafo0,vf(...),synth(...)' -- [-t SECONDS]
 */

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "rte_pmd_manafo.h"

#define BURST 32
#define NB_MBUF 8192

static volatile int quit;
static uint64_t fwd_pkts;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int
find_manafo_port(uint16_t *port)
{
	struct rte_pmd_manafo_state st;
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid)
		if (rte_pmd_manafo_state_get(pid, &st) == 0) {
			*port = pid;
			return 0;
		}
	return -1;
}

static int
port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 1024, rte_eth_dev_socket_id(port), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 1024, rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(port);
	if (ret == 0 || ret == -ENOTSUP)
		ret = rte_eth_dev_start(port);
	return ret;
}

static int
forward(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_mbuf *pkts[BURST];
	uint16_t n, sent;

	while (!quit) {
		n = rte_eth_rx_burst(port, 0, pkts, BURST);
		if (n == 0)
			continue;
		sent = rte_eth_tx_burst(port, 0, pkts, n);
		if (sent < n)
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		__atomic_fetch_add(&fwd_pkts, sent, __ATOMIC_RELAXED);
	}
	return 0;
}

static const char *
path_name(enum rte_pmd_manafo_path p)
{
	return p == RTE_PMD_MANAFO_PATH_VF ? "vf" : p == RTE_PMD_MANAFO_PATH_SYNTH ? "synth" : "none";
}

static void
status_line(uint16_t port, struct rte_pmd_manafo_state *prev, double secs)
{
	struct rte_pmd_manafo_state st;

	if (rte_pmd_manafo_state_get(port, &st) != 0)
		return;
	printf("tx path %-5s | vf %7.3f Mpps | synth %7.3f Mpps | failovers %" PRIu64
	       " failbacks %" PRIu64 " | refused %" PRIu64 "\n", path_name(st.tx_path),
	       (st.vf.tx_packets - prev->vf.tx_packets) / secs / 1e6,
	       (st.synth.tx_packets - prev->synth.tx_packets) / secs / 1e6,
	       st.failovers, st.failbacks, st.tx_refused);
	fflush(stdout);
	*prev = st;
}

int
main(int argc, char **argv)
{
	struct rte_pmd_manafo_state prev;
	struct rte_mempool *mp;
	unsigned int lcore, seconds = 0, elapsed = 0;
	uint16_t port;
	int ret, opt;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	argc -= ret;
	argv += ret;
	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			rte_exit(EXIT_FAILURE, "usage: dpdk-failover-fwd [EAL] -- [-t seconds]\n");
		seconds = (unsigned int)atoi(optarg);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (find_manafo_port(&port) != 0)
		rte_exit(EXIT_FAILURE, "no net_manafo port: give --vdev 'net_manafo0,...'\n");
	mp = rte_pktmbuf_pool_create("fwd_mp", NB_MBUF, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL || port_init(port, mp) != 0)
		rte_exit(EXIT_FAILURE, "cannot set up port %u\n", port);
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE)
		rte_exit(EXIT_FAILURE, "needs 2 lcores (-l 0,1)\n");
	printf("forwarding on port %u from lcore %u; Ctrl-C to stop\n", port, lcore);
	rte_pmd_manafo_state_get(port, &prev);
	rte_eal_remote_launch(forward, &port, lcore);
	while (!quit && (seconds == 0 || elapsed < seconds)) {
		rte_delay_ms(1000);
		elapsed++;
		status_line(port, &prev, 1.0);
	}
	quit = 1;
	rte_eal_mp_wait_lcore();
	printf("forwarded %" PRIu64 " packets; stopping\n", fwd_pkts);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
