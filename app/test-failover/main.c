/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * dpdk-test-failover: run a service-event drill and show what happened to
 * the traffic. See drill.h for the threads and the files, and --help.
 *
 * Each port under test (net_manafo, then the peers) runs in a child process
 * of its own, one after the other: a peer that crashes or hangs (net_failsafe
 * calls into a removed VF's queues after INTR_RMV) is reported as such and
 * the drill goes on. The parent never initialises EAL: it forks, collects
 * each child's results through a pipe, and prints the side-by-side table
 * and the JSON file.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_string_fns.h>

#include "drill.h"

#define MAX_ARGS 256

static struct run_result *results;
static unsigned int nb_results;
static unsigned int cap_results;

static struct run_result *
result_new(void)
{
	struct run_result *n;

	if (nb_results == cap_results) {
		cap_results = cap_results ? cap_results * 2 : 16;
		n = realloc(results, cap_results * sizeof(*n));
		if (n == NULL)
			return NULL;
		results = n;
	}
	memset(&results[nb_results], 0, sizeof(results[0]));
	return &results[nb_results++];
}

/* ---- arguments ------------------------------------------------------------------- */

struct args {
	int eal_argc;
	char *eal_argv[MAX_ARGS];
	int app_argc;
	char *app_argv[MAX_ARGS];
};

/* EAL arguments before "--", the drill's after; argv[0] heads both. */
static int
args_split(int argc, char **argv, struct args *a)
{
	int i, dd = argc;

	if (argc + 2 > MAX_ARGS)
		return -E2BIG;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	a->eal_argc = 0;
	for (i = 0; i < dd; i++)
		a->eal_argv[a->eal_argc++] = argv[i];
	a->app_argv[0] = argv[0];
	a->app_argc = 1;
	for (i = dd + 1; i < argc; i++)
		a->app_argv[a->app_argc++] = argv[i];
	return 0;
}

/* Each child gets its own --file-prefix: <prefix>_<port>. */
static void
child_args(const struct args *a, enum drill_peer peer, int *argc, char **argv,
	   char *prefix, size_t len)
{
	const char *base = "drill";
	int i, n = 0;

	for (i = 0; i < a->eal_argc; i++) {
		if (strcmp(a->eal_argv[i], "--file-prefix") == 0 && i + 1 < a->eal_argc) {
			base = a->eal_argv[++i];
			continue;
		}
		if (strncmp(a->eal_argv[i], "--file-prefix=", 14) == 0) {
			base = a->eal_argv[i] + 14;
			continue;
		}
		argv[n++] = a->eal_argv[i];
	}
	snprintf(prefix, len, "%s_%s", base, peer_name(peer));
	argv[n++] = (char *)(uintptr_t)"--file-prefix";
	argv[n++] = prefix;
	argv[n] = NULL;
	*argc = n;
}

/* ---- the children ------------------------------------------------------------------ */

static int
read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The scenario a message is about: ours, or a soak storm made again. */
static const struct scenario *
scenario_of(const struct wire_hdr *h, const struct scenario *s, unsigned int n)
{
	static struct scenario storm;

	if (h->scn_index >= 0 && (unsigned int)h->scn_index < n)
		return &s[h->scn_index];
	if (storm.seed != h->seed || storm.nb_ev != h->nb_ev) {
		scenario_free(&storm);
		if (scenario_storm(h->seed, h->nb_ev, &storm) != 0)
			return NULL;
	}
	return &storm;
}

static int
read_result(int fd, const struct wire_hdr *h, const struct scenario *scn,
	    struct run_result *r)
{
	unsigned int i;

	if (read_all(fd, r, sizeof(*r)) != 0)
		return -1;
	r->res = NULL;
	if (h->nb_res == 0)
		return 0;
	r->res = calloc(h->nb_res, sizeof(*r->res));
	if (r->res == NULL || read_all(fd, r->res, h->nb_res * sizeof(*r->res)) != 0)
		return -1;
	/* Soak storms are made again here: their events live at new addresses. */
	for (i = 0; i < h->nb_res; i++)
		r->res[i].ev = scn != NULL && i < scn->nb_ev && r->res[i].ev != NULL ?
			       &scn->ev[i] : NULL;
	return 0;
}

/* Reads a child's messages; returns the run that was going on at EOF, if any. */
static struct run_result *
collect(int fd, enum drill_peer peer, const struct scenario *s, unsigned int n)
{
	struct run_result *open_run = NULL, *r;
	const struct scenario *scn;
	struct wire_hdr h;

	while (read_all(fd, &h, sizeof(h)) == 0 && h.magic == WIRE_MAGIC) {
		scn = scenario_of(&h, s, n);
		if (h.kind == WIRE_RUN_START) {
			open_run = result_new();
			if (open_run == NULL)
				return NULL;
			open_run->peer = peer;
			open_run->scn_index = h.scn_index;
			strlcpy(open_run->scenario, scn ? scn->name : "?", sizeof(open_run->scenario));
			open_run->seed = h.seed;
			open_run->events = h.nb_ev;
			continue;
		}
		r = open_run != NULL ? open_run : result_new();
		open_run = NULL;
		if (r == NULL || read_result(fd, &h, scn, r) != 0)
			return NULL;
	}
	return open_run;
}

static void
child_died(struct run_result *r, enum drill_peer peer, int status)
{
	if (r == NULL) {
		r = result_new();
		if (r == NULL)
			return;
		r->peer = peer;
		strlcpy(r->scenario, "(setup)", sizeof(r->scenario));
	}
	r->crashed = true;
	r->pass = false;
	if (WIFSIGNALED(status))
		snprintf(r->error, sizeof(r->error), "crashed: %s", strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_HUNG)
		snprintf(r->error, sizeof(r->error), "hung: stopped by the watchdog");
	else
		snprintf(r->error, sizeof(r->error), "child exited with %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	snprintf(r->fails, sizeof(r->fails), "%s", r->error);
	printf("\n== %s: %s: %s\n", peer_label(peer), r->scenario, r->error);
}

/*
 * Runs scenarios first.. against one port type in a child. Returns the
 * child's status; *crashed_at is the scenario it died in, or -1.
 */
static int
spawn(const struct drill_opts *o, enum drill_peer peer, const struct args *a,
      const struct scenario *s, unsigned int n, unsigned int first, int *crashed_at)
{
	char *argv[MAX_ARGS + 3], prefix[128];
	struct run_result *open_run;
	int fds[2], argc, status = 0;
	pid_t pid;

	*crashed_at = -1;
	if (pipe(fds) != 0)
		return -errno;
	child_args(a, peer, &argc, argv, prefix, sizeof(prefix));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		exit(child_main(o, peer, s, n, first, argc, argv, fds[1]));
	}
	close(fds[1]);
	open_run = collect(fds[0], peer, s, n);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (open_run != NULL || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != EXIT_INVARIANT)) {
		if (open_run != NULL)
			*crashed_at = open_run->scn_index;
		child_died(open_run, peer, status);
	}
	return status;
}

/* Every scenario against one port type; after a crash, on with the next one. */
static int
run_peer(const struct drill_opts *o, enum drill_peer peer, const struct args *a,
	 const struct scenario *s, unsigned int n)
{
	unsigned int first = 0;
	int status, crashed_at;

	for (;;) {
		status = spawn(o, peer, a, s, n, first, &crashed_at);
		if (crashed_at < 0 || o->soak_min || (unsigned int)crashed_at + 1 >= n)
			return status;
		first = (unsigned int)crashed_at + 1;
	}
}

/* ---- the drill ------------------------------------------------------------------------ */

static void
print_header(const struct drill_opts *o, unsigned int nscn)
{
	bool given;
	int p;

	if (o->soak_min)
		printf("dpdk-test-failover: soak, %.0f minutes, on", o->soak_min);
	else
		printf("dpdk-test-failover: %u scenario(s) on", nscn);
	for (p = 0; p < PEER_MAX; p++)
		if (o->peers[p])
			printf(" %s", peer_label((enum drill_peer)p));
	printf("; %u queues, %" PRIu64 " pps inbound, %u flows, TX retry %u ms\n", o->nbq,
	       o->rate, o->flows_per_q * o->nbq, o->tx_retry_ms);
	printf("synthetic path: %s\n", o->synth == SYNTH_TAP ?
	       "net_tap; the host on its kernel interface (AF_PACKET)" :
	       "net_manasim on rte_rings");
	if (!o->peers[PEER_MANAFO])
		return;
	given = o->port_args_user != NULL && o->port_args_user[0] != '\0';
	printf("manafo devargs (%s): %s\n", given ? "--port-args over the default" :
	       "built default", o->port_args);
	printf("  as run, NN the run's slot: net_manafo_dNN,%s\n", o->port_args_sample);
}

static bool
manafo_pass(void)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < nb_results; i++) {
		if (results[i].peer != PEER_MANAFO)
			continue;
		any = true;
		if (!results[i].pass)
			return false;
	}
	return any;
}

int
main(int argc, char **argv)
{
	static struct scenario scn[DRILL_MAX_FILES + 1];
	static struct drill_opts o;
	static struct args a;
	unsigned int nscn = 0;
	bool pass, hung = false;
	int p, status;

	for (p = 1; p < argc; p++)
		if (strcmp(argv[p], "--help") == 0 || strcmp(argv[p], "-h") == 0) {
			usage(argv[0]);
			return 0;
		}
	if (args_split(argc, argv, &a) != 0 || opts_parse(&o, a.app_argc, a.app_argv) != 0 ||
	    (o.soak_min == 0 && load_scenarios(&o, scn, &nscn, RTE_DIM(scn)) != 0))
		return EXIT_USAGE;
	print_header(&o, nscn);
	for (p = 0; p < PEER_MAX; p++) {
		if (!o.peers[p])
			continue;
		status = run_peer(&o, (enum drill_peer)p, &a, scn, nscn);
		if (status < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE))
			return EXIT_USAGE;
		if (p == PEER_MANAFO && WIFEXITED(status) && WEXITSTATUS(status) == EXIT_HUNG)
			hung = true;
	}
	pass = manafo_pass();
	report_table(stdout, results, nb_results, o.peers);
	if (o.peers[PEER_MANAFO])
		printf("\nmanafo: %s\n", pass ? "PASS (every invariant holds)" :
		       "FAIL (an invariant does not hold, see above)");
	if (o.json != NULL && report_json(o.json, results, nb_results, &o, argc, argv, pass) != 0)
		fprintf(stderr, "cannot write %s\n", o.json);
	if (hung)
		return EXIT_HUNG;
	return pass || !o.peers[PEER_MANAFO] ? 0 : EXIT_INVARIANT;
}
