/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Bad input at probe: every bad devarg, a sub-device that fails to probe,
 * a port owned by someone else. Each must fail the probe with one log line
 * naming the bad value (exactly one ERR-level line of pmd.net.manafo, and
 * that line names it), release everything it took (ports, ownership,
 * threads, memory: run under valgrind by meson), and leave a port that was
 * already there forwarding.
 *
 * The log goes to a stream of this test: each message is recorded with the
 * level and type rte_log gave it (rte_log_cur_msg_*, read in the writer).
 */

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_string_fns.h>

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

/* The log lines of one probe, each with its level and type. */
#define LOG_MAX_LINES 64
#define LOG_LINE_LEN 512

struct log_line {
	int level;
	int type;
	char text[LOG_LINE_LEN];
};

static struct log_line loglines[LOG_MAX_LINES];
static unsigned int nb_loglines, nb_logdropped;
static struct log_line *log_cur;	/* the line a message goes on, NULL: dropped */
static bool log_midline;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *logstream;
static char logstream_buf[8192];
static int manafo_type;

/*
 * rte_vlog() prints a message then flushes: one call here per message, on
 * the logging thread, so rte_log_cur_msg_* describe it. A message longer
 * than the stream buffer comes in pieces: a line goes on until its '\n'.
 */
static ssize_t
log_write(void *cookie, const char *buf, size_t size)
{
	int level = rte_log_cur_msg_loglevel(), type = rte_log_cur_msg_logtype();
	const char *nl;
	size_t i, len;

	(void)cookie;
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < size; ) {
		struct log_line *l;

		nl = memchr(buf + i, '\n', size - i);
		len = nl != NULL ? (size_t)(nl - (buf + i)) : size - i;
		if (!log_midline) {
			log_cur = NULL;
			if (nb_loglines == LOG_MAX_LINES) {
				nb_logdropped++;
			} else {
				log_cur = &loglines[nb_loglines++];
				log_cur->level = level;
				log_cur->type = type;
				log_cur->text[0] = '\0';
			}
		}
		l = log_cur;
		if (l != NULL)
			snprintf(l->text + strlen(l->text), sizeof(l->text) - strlen(l->text),
				 "%.*s", (int)len, buf + i);
		i += len;
		log_midline = nl == NULL;
		if (nl != NULL)
			i++;	/* the '\n' */
	}
	pthread_mutex_unlock(&log_lock);
	return (ssize_t)size;
}

static void
log_reset(void)
{
	fflush(logstream);
	pthread_mutex_lock(&log_lock);
	nb_loglines = 0;
	nb_logdropped = 0;
	log_cur = NULL;
	log_midline = false;
	pthread_mutex_unlock(&log_lock);
}

static void
log_dump(void)
{
	unsigned int i;

	for (i = 0; i < nb_loglines; i++)
		printf("     log: level %d %s: %s\n", loglines[i].level,
		       loglines[i].type == manafo_type ? "manafo" : "other", loglines[i].text);
	if (nb_logdropped > 0)
		printf("     log: %u more lines dropped\n", nb_logdropped);
}

/* ERR-level (or worse) lines of pmd.net.manafo: their number, the first. */
static unsigned int
manafo_errors(const struct log_line **first)
{
	unsigned int i, n = 0;

	*first = NULL;
	for (i = 0; i < nb_loglines; i++) {
		if (loglines[i].type != manafo_type || loglines[i].level > (int)RTE_LOG_ERR)
			continue;
		if (n++ == 0)
			*first = &loglines[i];
	}
	return n;
}

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
	uint16_t nb_before = rte_eth_dev_count_total(), pid;
	int threads = count_threads(), ret, fails = 0;
	char name[32], errline[LOG_LINE_LEN];
	const struct log_line *err;
	unsigned int nb_err;

	snprintf(name, sizeof(name), "net_manafo%d", i);
	log_reset();
	ret = rte_vdev_init(name, c->args);
	fflush(logstream);
	if (ret == 0) {
		printf("FAIL %s \"%s\": probe succeeded\n", name, c->args);
		rte_vdev_uninit(name);
		return 1;
	}
	pthread_mutex_lock(&log_lock);
	nb_err = manafo_errors(&err);
	if (nb_err != 1 || strstr(err->text, c->log) == NULL) {
		printf("FAIL %s \"%s\": %u manafo ERR lines, want one with \"%s\":\n", name,
		       c->args, nb_err, c->log);
		log_dump();
		fails++;
	} else {
		strlcpy(errline, err->text, sizeof(errline));
	}
	pthread_mutex_unlock(&log_lock);
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
	if (fails == 0)
		printf("ok   \"%s\" refused, one ERR line naming it, nothing left: %s\n", c->args,
		       errline);
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
	manafo_type = rte_log_register("pmd.net.manafo");	/* the existing type's id */
	logstream = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = log_write });
	if (manafo_type < 0 || logstream == NULL ||
	    setvbuf(logstream, logstream_buf, _IOFBF, sizeof(logstream_buf)) != 0) {
		printf("FAIL log capture\n");
		return 1;
	}
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
	printf("%u passed, %d failed\n", n - fails, fails);
	return fails ? 1 : 0;
}
