/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * The devargs of the manafo port under test: the built default, with the
 * items of --port-args put over it (the same key, or the same role: vf()
 * and vf_port= are one, synth() and synth_port= the other), then checked
 * before any child starts.
 *
 * The runner plays the host on both wires, so the sub-devices must be the
 * ones it made, named by placeholders that each run fills in:
 *
 *   {vf}          the VF, a net_manasim: net_manasim_v<NN>
 *   {vf_wire}     its wire: rings dv<NN>_rx_<q>, dv<NN>_tx_<q>
 *   {synth}       the synthetic path: net_manasim_s<NN>, or net_tap_d<NN>
 *   {synth_wire}  its wire (--synth rings): ds<NN>
 *   {tap}         its kernel interface (--synth tap): dft<pid>_<run>
 *   {mac}         the MAC address the host sends to
 *
 * vf_port={vf} / synth_port={synth}: the runner creates the sub-device and
 * manafo takes it. vf({vf},wire={vf_wire},...) / synth({synth},...): manafo
 * probes it; the wire (iface={tap} for a tap) must be the runner's.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_string_fns.h>

#include "drill.h"
#include "manafo_args.h"

#define MAX_ITEMS 32

static const char port_args_default[] =
	"vf({vf},wire={vf_wire},mac={mac}),synth_port={synth},failback_ms=0,"
	"hotplug_poll_ms=50,recovery_timeout_ms=3000,tx_timeout_ms=20";

struct item {
	const char *s;
	size_t len;
	size_t klen;	/* the key: up to '=' or '(' */
};

static int
item_add(const char *all, const char *start, const char *end, struct item *it,
	 unsigned int *n)
{
	if (end == start) {
		fprintf(stderr, "--port-args: empty item (two commas, or one at an end) in "
			"\"%s\"\n", all);
		return -EINVAL;
	}
	if (*n == MAX_ITEMS) {
		fprintf(stderr, "--port-args: more than %u items\n", MAX_ITEMS);
		return -E2BIG;
	}
	it[*n].s = start;
	it[*n].len = (size_t)(end - start);
	it[*n].klen = strcspn(start, "=(,");
	(*n)++;
	return 0;
}

/* Items at parenthesis depth 0. */
static int
split(const char *all, struct item *it, unsigned int *n)
{
	const char *start = all, *s;
	int depth = 0, ret;

	*n = 0;
	for (s = all; *s != '\0'; s++) {
		if (*s == '(') {
			depth++;
		} else if (*s == ')' && --depth < 0) {
			fprintf(stderr, "--port-args: unexpected ')' in \"%s\"\n", all);
			return -EINVAL;
		} else if (*s == ',' && depth == 0) {
			ret = item_add(all, start, s, it, n);
			if (ret != 0)
				return ret;
			start = s + 1;
		}
	}
	if (depth != 0) {
		fprintf(stderr, "--port-args: missing ')' in \"%s\"\n", all);
		return -EINVAL;
	}
	return item_add(all, start, s, it, n);
}

/* vf and vf_port are one role, synth and synth_port another. */
static size_t
role_len(const struct item *it)
{
	if (it->klen == 7 && strncmp(it->s, "vf_port", 7) == 0)
		return 2;
	if (it->klen == 10 && strncmp(it->s, "synth_port", 10) == 0)
		return 5;
	return it->klen;
}

static bool
same_role(const struct item *a, const struct item *b)
{
	size_t la = role_len(a);

	return la == role_len(b) && strncmp(a->s, b->s, la) == 0;
}

static int
merge(const char *user, char *out, size_t len)
{
	struct item d[MAX_ITEMS], u[MAX_ITEMS];
	unsigned int nd, nu, i, j;
	size_t off = 0;

	if (user == NULL || user[0] == '\0') {
		if (strlcpy(out, port_args_default, len) >= len)
			return -E2BIG;
		return 0;
	}
	if (split(port_args_default, d, &nd) != 0 || split(user, u, &nu) != 0)
		return -EINVAL;
	for (i = 0; i < nu; i++) {
		for (j = 0; j < i; j++)
			if (same_role(&u[i], &u[j])) {
				fprintf(stderr, "--port-args: \"%.*s\" and \"%.*s\" give the same "
					"thing twice\n", (int)u[j].len, u[j].s, (int)u[i].len,
					u[i].s);
				return -EINVAL;
			}
		for (j = 0; j < nd && !same_role(&u[i], &d[j]); j++)
			;
		if (j < nd)
			d[j] = u[i];
		else if (nd < MAX_ITEMS)
			d[nd++] = u[i];
	}
	out[0] = '\0';
	for (i = 0; i < nd && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%.*s", i ? "," : "",
					(int)d[i].len, d[i].s);
	if (off >= len) {
		fprintf(stderr, "--port-args: longer than %zu characters\n", len - 1);
		return -E2BIG;
	}
	return 0;
}

/* ---- placeholders ------------------------------------------------------------- */

static const char *const ph_names[] = {
	"vf", "vf_wire", "synth", "synth_wire", "tap", "mac",
};

static const char *
ph_value(const struct drill_port *p, unsigned int i)
{
	switch (i) {
	case 0: return p->vf_name;
	case 1: return p->vf_wire;
	case 2: return p->sy_name;
	case 3: return p->sy_wire;
	case 4: return p->tap_iface;
	default: return DRILL_MAC;
	}
}

static int
ph_find(const char *s, size_t len)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ph_names); i++)
		if (strlen(ph_names[i]) == len && strncmp(ph_names[i], s, len) == 0)
			return (int)i;
	return -1;
}

static int
ph_check(const char *tmpl, enum drill_synth synth)
{
	const char *s = tmpl, *end;
	int i;

	while ((s = strchr(s, '{')) != NULL) {
		end = strchr(s, '}');
		i = end == NULL ? -1 : ph_find(s + 1, (size_t)(end - s - 1));
		if (i < 0) {
			fprintf(stderr, "--port-args: unknown placeholder \"%.*s\" (known: {vf} "
				"{vf_wire} {synth} {synth_wire} {tap} {mac})\n",
				end ? (int)(end - s + 1) : (int)strlen(s), s);
			return -EINVAL;
		}
		if ((i == 3 && synth == SYNTH_TAP) || (i == 4 && synth != SYNTH_TAP)) {
			fprintf(stderr, "--port-args: {%s} is for --synth %s only\n", ph_names[i],
				i == 3 ? "rings" : "tap");
			return -EINVAL;
		}
		s = end + 1;
	}
	return 0;
}

int
port_args_expand(const char *tmpl, const struct drill_port *p, char *out, size_t len)
{
	size_t off = 0, n;
	const char *end;
	int i;

	for (; *tmpl != '\0' && off + 1 < len; tmpl++) {
		end = *tmpl == '{' ? strchr(tmpl, '}') : NULL;
		i = end != NULL ? ph_find(tmpl + 1, (size_t)(end - tmpl - 1)) : -1;
		if (i < 0) {
			out[off++] = *tmpl;
			continue;
		}
		n = strlcpy(out + off, ph_value(p, (unsigned int)i), len - off);
		off = RTE_MIN(off + n, len - 1);
		tmpl = end;
	}
	out[off] = '\0';
	return *tmpl == '\0' ? 0 : -E2BIG;
}

/* ---- what the host model needs ------------------------------------------------ */

/* The value of key in a kvargs list "name,k=v,...", or NULL. */
static const char *
kv_find(const char *devargs, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *s = strchr(devargs, ',');

	while (s != NULL) {
		s++;
		if (strncmp(s, key, klen) == 0 && s[klen] == '=') {
			*vlen = strcspn(s + klen + 1, ",");
			return s + klen + 1;
		}
		s = strchr(s, ',');
	}
	return NULL;
}

static int
need_kv(const char *role, const char *devargs, const char *key, const char *want,
	const char *ph)
{
	size_t vlen = 0;
	const char *v = kv_find(devargs, key, &vlen);

	if (v == NULL) {
		fprintf(stderr, "--port-args: %s(...) has no %s=%s: the runner plays the host on "
			"that %s and would see no traffic\n", role, key, ph,
			strcmp(key, "wire") == 0 ? "wire" : "interface");
		return -EINVAL;
	}
	if (vlen != strlen(want) || strncmp(v, want, vlen) != 0) {
		fprintf(stderr, "--port-args: \"%s=%.*s\" in %s(...): the runner plays the host "
			"on %s=%s\n", key, (int)vlen, v, role, key, ph);
		return -EINVAL;
	}
	return 0;
}

static int
bad_sub(const char *role, const char *given, const char *what)
{
	bool vf = strcmp(role, "vf") == 0;

	fprintf(stderr, "--port-args: %s \"%s\": the %s must be the runner's %s, "
		"%s({%s},...) or %s_port={%s}\n", role, given, vf ? "VF" : "synthetic path", what,
		role, role, role, role);
	return -EINVAL;
}

static int
check_vf(const struct manafo_args *a, const struct drill_port *p, bool *probed)
{
	const char *d = a->sub_devargs[MANAFO_VF];
	size_t vlen, nlen = strcspn(d, ",");
	const char *v;

	*probed = d[0] != '\0';
	if (a->sub_auto[MANAFO_VF])
		return bad_sub("vf", "auto", "net_manasim");
	if (!*probed && a->sub_port[MANAFO_VF][0] == '\0') {
		fprintf(stderr, "--port-args: no VF: the runner plays the service events on "
			"its net_manasim, vf({vf},wire={vf_wire},...) or vf_port={vf}\n");
		return -EINVAL;
	}
	if (!*probed)
		return strcmp(a->sub_port[MANAFO_VF], p->vf_name) == 0 ? 0 :
		       bad_sub("vf", a->sub_port[MANAFO_VF], "net_manasim");
	if (nlen != strlen(p->vf_name) || strncmp(d, p->vf_name, nlen) != 0)
		return bad_sub("vf", d, "net_manasim");
	v = kv_find(d, "rx_source", &vlen);
	if (v != NULL && !(vlen == 1 && *v == '0')) {
		fprintf(stderr, "--port-args: \"rx_source=%.*s\" in vf(...): the VF would make "
			"traffic of its own; the runner plays the host\n", (int)vlen, v);
		return -EINVAL;
	}
	return need_kv("vf", d, "wire", p->vf_wire, "{vf_wire}");
}

static int
check_synth(const struct manafo_args *a, const struct drill_port *p, enum drill_synth synth,
	    bool *probed)
{
	const char *d = a->sub_devargs[MANAFO_SYNTH];
	const char *what = synth == SYNTH_TAP ? "net_tap" : "net_manasim";
	size_t nlen = strcspn(d, ",");

	*probed = d[0] != '\0';
	if (a->sub_auto[MANAFO_SYNTH])
		return bad_sub("synth", "auto", what);
	if (!*probed)
		return strcmp(a->sub_port[MANAFO_SYNTH], p->sy_name) == 0 ? 0 :
		       bad_sub("synth", a->sub_port[MANAFO_SYNTH], what);
	if (nlen != strlen(p->sy_name) || strncmp(d, p->sy_name, nlen) != 0)
		return bad_sub("synth", d, what);
	if (synth == SYNTH_TAP)
		return need_kv("synth", d, "iface", p->tap_iface, "{tap}");
	return need_kv("synth", d, "wire", p->sy_wire, "{synth_wire}");
}

/* Names no user would write: a literal name would miss the run's own. */
static void
sample_names(struct drill_port *p, enum drill_synth synth)
{
	memset(p, 0, sizeof(*p));
	port_names(p, synth, "NN", "PID_RUN");
}

int
port_args_make(struct drill_opts *o)
{
	static struct manafo_args a;
	static struct drill_port p;
	char err[256];
	int ret;

	ret = merge(o->port_args_user, o->port_args, sizeof(o->port_args));
	if (ret == 0)
		ret = ph_check(o->port_args, o->synth);
	if (ret != 0)
		return ret;
	sample_names(&p, o->synth);
	if (port_args_expand(o->port_args, &p, o->port_args_sample,
			     sizeof(o->port_args_sample)) != 0) {
		fprintf(stderr, "--port-args: longer than %zu characters once expanded\n",
			sizeof(o->port_args_sample) - 1);
		return -E2BIG;
	}
	if (manafo_args_parse(o->port_args_sample, &a, err, sizeof(err)) != 0) {
		fprintf(stderr, "--port-args: net_manafo would refuse \"%s\": %s\n",
			o->port_args_sample, err);
		return -EINVAL;
	}
	ret = check_vf(&a, &p, &o->vf_probed);
	if (ret == 0)
		ret = check_synth(&a, &p, o->synth, &o->sy_probed);
	return ret;
}
