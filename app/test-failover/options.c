/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/* Options of the drill runner, and the scenarios they name. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_string_fns.h>

#include "drill.h"

#ifndef DRILL_SCENARIO_DIR
#define DRILL_SCENARIO_DIR "app/test-failover/scenarios"
#endif

void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "Run VF service-event drills on net_manafo (and its peers) and report what\n"
	       "happened to the traffic. Without options: the default drill with --compare.\n\n"
	       "  --default            the default scenario set, with the peers\n"
	       "  --set NAME           a scenario set of the scenario directory (default, ci)\n"
	       "  --scenario FILE      a scenario file (repeatable)\n"
	       "  --scenario-dir DIR   where sets live (default %s)\n"
	       "  --storm              a random event storm; --seed N, --events K (100)\n"
	       "  --soak MINUTES       storms (seed, seed+1, ...) for that long\n"
	       "  --compare            also run net_failsafe and net_bonding mode 1\n"
	       "  --peers LIST         comma list of manafo, failsafe, bonding\n"
	       "  --queues N           queues and forwarding lcores (2)\n"
	       "  --rate PPS           inbound packets per second, all flows (100000)\n"
	       "  --flows N            flows per queue (4)\n"
	       "  --tx-retry-ms MS     retry a short TX burst that long before refusing (100)\n"
	       "  --synth rings|tap    the synthetic path: a net_manasim on rte_rings (rings),\n"
	       "                       or net_tap, the host on its kernel interface (root)\n"
	       "  --port-args ARGS     devargs of the manafo port, put over the built default\n"
	       "                       item by item (e.g. guard=cas,failback_ms=200); the\n"
	       "                       sub-devices are the runner's: {vf}, {vf_wire}, {synth},\n"
	       "                       {synth_wire}, {tap}, {mac} (see the drills guide)\n"
	       "  --hang-s S           a thread without progress that long fails the run (10)\n"
	       "  --json FILE          every figure, as JSON\n"
	       "  --no-progress        no progress line\n"
	       "  --verbose            every event, and the PMDs' logs\n"
	       "Each port type runs in a child process of its own (EAL options are passed on,\n"
	       "--file-prefix P becomes P_manafo, P_failsafe, P_bonding): a peer that crashes\n"
	       "or hangs is reported and the drill goes on.\n"
	       "Exit status: 0 when every manafo invariant holds, 1 when one fails, 2 on a\n"
	       "usage or setup error, 3 when the watchdog stopped a hung manafo run.\n",
	       prog, DRILL_SCENARIO_DIR);
}

/* ---- options ------------------------------------------------------------------ */

enum {
	OPT_DEFAULT = 256, OPT_SET, OPT_SCENARIO, OPT_SCN_DIR, OPT_STORM, OPT_SEED,
	OPT_EVENTS, OPT_SOAK, OPT_COMPARE, OPT_PEERS, OPT_QUEUES, OPT_RATE, OPT_FLOWS,
	OPT_RETRY, OPT_HANG, OPT_JSON, OPT_NOPROG, OPT_VERBOSE, OPT_HELP, OPT_PORT_ARGS,
	OPT_SYNTH,
};

static const struct option long_opts[] = {
	{ "default", no_argument, NULL, OPT_DEFAULT },
	{ "set", required_argument, NULL, OPT_SET },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "scenario-dir", required_argument, NULL, OPT_SCN_DIR },
	{ "storm", no_argument, NULL, OPT_STORM },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "soak", required_argument, NULL, OPT_SOAK },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "peers", required_argument, NULL, OPT_PEERS },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "tx-retry-ms", required_argument, NULL, OPT_RETRY },
	{ "port-args", required_argument, NULL, OPT_PORT_ARGS },
	{ "synth", required_argument, NULL, OPT_SYNTH },
	{ "hang-s", required_argument, NULL, OPT_HANG },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "no-progress", no_argument, NULL, OPT_NOPROG },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int
opt_u64(const char *name, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno != 0 || *v == '\0' || *end != '\0' || *v == '-' || x < min || x > max) {
		fprintf(stderr, "--%s %s: expected %" PRIu64 "..%" PRIu64 "\n", name, v, min, max);
		return -EINVAL;
	}
	*out = x;
	return 0;
}

static int
opt_peers(struct drill_opts *o, const char *v)
{
	char buf[128], *save = NULL, *tok;
	int p;

	memset(o->peers, 0, sizeof(o->peers));
	strlcpy(buf, v, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (p = 0; p < PEER_MAX; p++)
			if (strcmp(tok, peer_name((enum drill_peer)p)) == 0)
				break;
		if (p == PEER_MAX) {
			fprintf(stderr, "--peers: unknown \"%s\" (manafo, failsafe, bonding)\n", tok);
			return -EINVAL;
		}
		o->peers[p] = true;
	}
	return 0;
}

static void
opts_defaults(struct drill_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nbq = 2;
	o->rate = 100000;
	o->flows_per_q = 4;
	o->tx_retry_ms = 100;
	o->hang_s = 10;
	o->storm_events = 100;
	o->progress = true;
	o->peers[PEER_MANAFO] = true;
	strlcpy(o->scenario_dir, DRILL_SCENARIO_DIR, sizeof(o->scenario_dir));
}

static int
opt_one(struct drill_opts *o, int c, const char *arg, bool *compare, bool *peers_given,
	bool *dflt)
{
	uint64_t v = 0;
	int ret = 0;

	switch (c) {
	case OPT_DEFAULT: *dflt = true; break;
	case OPT_SET: o->set = arg; break;
	case OPT_SCENARIO:
		if (o->nb_files == DRILL_MAX_FILES)
			return -E2BIG;
		o->files[o->nb_files++] = arg;
		break;
	case OPT_SCN_DIR: strlcpy(o->scenario_dir, arg, sizeof(o->scenario_dir)); break;
	case OPT_STORM: o->storm = true; break;
	case OPT_SEED:
		ret = opt_u64("seed", arg, 1, UINT64_MAX, &o->seed);
		o->seed_given = true;
		break;
	case OPT_EVENTS:
		ret = opt_u64("events", arg, 1, 100000, &v);
		o->storm_events = (uint32_t)v;
		break;
	case OPT_SOAK:
		ret = opt_u64("soak", arg, 1, 100000, &v);
		o->soak_min = (double)v;
		break;
	case OPT_COMPARE: *compare = true; break;
	case OPT_PEERS: ret = opt_peers(o, arg); *peers_given = true; break;
	case OPT_QUEUES:
		ret = opt_u64("queues", arg, 1, DRILL_MAX_QUEUES, &v);
		o->nbq = (uint16_t)v;
		break;
	case OPT_RATE: ret = opt_u64("rate", arg, 1000, 10000000, &o->rate); break;
	case OPT_FLOWS:
		ret = opt_u64("flows", arg, 1, 1024, &v);
		o->flows_per_q = (uint32_t)v;
		break;
	case OPT_RETRY:
		ret = opt_u64("tx-retry-ms", arg, 0, 10000, &v);
		o->tx_retry_ms = (uint32_t)v;
		break;
	case OPT_HANG:
		ret = opt_u64("hang-s", arg, 1, 3600, &v);
		o->hang_s = (uint32_t)v;
		break;
	case OPT_PORT_ARGS: o->port_args_user = arg; break;
	case OPT_SYNTH:
		if (strcmp(arg, "rings") == 0 || strcmp(arg, "tap") == 0) {
			o->synth = arg[0] == 't' ? SYNTH_TAP : SYNTH_RINGS;
			break;
		}
		fprintf(stderr, "--synth %s: expected rings or tap\n", arg);
		return -EINVAL;
	case OPT_JSON: o->json = arg; break;
	case OPT_NOPROG: o->progress = false; break;
	case OPT_VERBOSE: o->verbose = true; break;
	default: return -EINVAL;
	}
	return ret;
}

int
opts_parse(struct drill_opts *o, int argc, char **argv)
{
	bool compare = false, peers_given = false, dflt = argc <= 1;
	int c, ret;

	opts_defaults(o);
	optind = 1;	/* EAL used getopt before us */
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			usage(argv[0]);
			exit(0);
		}
		ret = opt_one(o, c, optarg, &compare, &peers_given, &dflt);
		if (ret != 0) {
			if (ret != -EINVAL || c == '?')
				usage(argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	/* The default drill: the default set, side by side with the peers. */
	if (dflt) {
		if (o->set == NULL && o->nb_files == 0 && !o->storm && o->soak_min == 0)
			o->set = "default";
		compare = compare || !peers_given;
	}
	if (compare && !peers_given)
		o->peers[PEER_FAILSAFE] = o->peers[PEER_BONDING] = true;
	if (o->set == NULL && o->nb_files == 0 && !o->storm && o->soak_min == 0)
		o->set = "default";
	if (!o->seed_given)
		o->seed = (uint64_t)time(NULL);
	if (o->synth == SYNTH_TAP && tap_check() != 0)
		return -EINVAL;
	return port_args_make(o);
}

const char *
synth_name(enum drill_synth synth)
{
	return synth == SYNTH_TAP ? "tap" : "rings";
}

/* ---- scenarios ------------------------------------------------------------------ */

static int
load_set(const struct drill_opts *o, struct scenario *s, unsigned int *n, unsigned int max)
{
	char path[PATH_MAX + 64], line[256], *p;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s.list", o->scenario_dir, o->set);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "scenario set %s: %s: %s\n", o->set, path, strerror(errno));
		return -errno;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		p = line + strspn(line, " \t");
		p[strcspn(p, " \t\r\n#")] = '\0';
		if (*p == '\0')
			continue;
		if (*n == max) {
			ret = -E2BIG;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", o->scenario_dir, p);
		ret = scenario_load(path, &s[*n]);
		if (ret == 0)
			(*n)++;
	}
	fclose(f);
	return ret;
}

int
load_scenarios(const struct drill_opts *o, struct scenario *s, unsigned int *n,
	       unsigned int max)
{
	unsigned int i;
	int ret;

	*n = 0;
	if (o->set != NULL) {
		ret = load_set(o, s, n, max);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < o->nb_files && *n < max; i++) {
		ret = scenario_load(o->files[i], &s[*n]);
		if (ret != 0)
			return ret;
		(*n)++;
	}
	if (o->storm && *n < max) {
		ret = scenario_storm(o->seed, o->storm_events, &s[*n]);
		if (ret != 0)
			return ret;
		(*n)++;
	}
	return 0;
}
