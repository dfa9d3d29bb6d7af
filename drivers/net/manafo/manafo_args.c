/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manafo_args.h"

/*
 * Grammar: a comma separated list of items at parenthesis depth 0, each
 * either `key(value)` (value may hold commas and balanced parentheses, as
 * failsafe's dev(...)) or `key=value`.
 */

enum manafo_key_kind {
	KEY_SUB,	/* key(devargs) */
	KEY_PORT,	/* key=port name */
	KEY_MAC,
	KEY_GUARD,
	KEY_U32,
	KEY_PATH,	/* key=a file system path */
};

struct manafo_key {
	const char *name;
	enum manafo_key_kind kind;
	int role;
	size_t offset;		/* KEY_U32: offset of the field */
	uint32_t min;
	uint32_t max;
};

#define U32_KEY(n, field, lo, hi) \
	{ n, KEY_U32, -1, offsetof(struct manafo_args, field), lo, hi }

static const struct manafo_key manafo_keys[] = {
	{ "vf", KEY_SUB, MANAFO_VF, 0, 0, 0 },
	{ "synth", KEY_SUB, MANAFO_SYNTH, 0, 0, 0 },
	{ "vf_port", KEY_PORT, MANAFO_VF, 0, 0, 0 },
	{ "synth_port", KEY_PORT, MANAFO_SYNTH, 0, 0, 0 },
	{ "mac", KEY_MAC, -1, 0, 0, 0 },
	{ "guard", KEY_GUARD, -1, 0, 0, 0 },
	U32_KEY("failback_ms", failback_ms, 0, 3600000),
	U32_KEY("recovery_timeout_ms", recovery_timeout_ms, 1, 3600000),
	U32_KEY("hotplug_poll_ms", hotplug_poll_ms, 1, 3600000),
	U32_KEY("tx_timeout_ms", tx_timeout_ms, 0, 3600000),
	U32_KEY("tx_hang_max", tx_hang_max, 1, 1000),
	{ "sysfs", KEY_PATH, -1, 0, 0, 0 },
};

#define NB_KEYS (sizeof(manafo_keys) / sizeof(manafo_keys[0]))

const char *const manafo_args_keys[] = {
	"vf", "synth", "vf_port", "synth_port", "mac", "guard", "failback_ms",
	"recovery_timeout_ms", "hotplug_poll_ms", "tx_timeout_ms", "tx_hang_max", "sysfs", NULL,
};

static int __attribute__((format(printf, 3, 4)))
args_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static void
args_defaults(struct manafo_args *args)
{
	memset(args, 0, sizeof(*args));
	args->guard = MANAFO_GUARD_AUTO;
	args->failback_ms = MANAFO_DEF_FAILBACK_MS;
	args->recovery_timeout_ms = MANAFO_DEF_RECOVERY_TIMEOUT_MS;
	args->hotplug_poll_ms = MANAFO_DEF_HOTPLUG_POLL_MS;
	args->tx_timeout_ms = MANAFO_DEF_TX_TIMEOUT_MS;
	args->tx_hang_max = MANAFO_DEF_TX_HANG_MAX;
}

static const struct manafo_key *
key_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NB_KEYS; i++)
		if (strlen(manafo_keys[i].name) == len &&
		    strncmp(manafo_keys[i].name, name, len) == 0)
			return &manafo_keys[i];
	return NULL;
}

static void
keys_list(char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < NB_KEYS && off < len; i++) {
		const struct manafo_key *k = &manafo_keys[i];
		int n = snprintf(buf + off, len - off, "%s%s%s", i ? ", " : "", k->name,
				 k->kind == KEY_SUB ? "(...)" : "=");
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static int
parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	unsigned int i;

	if (len != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		char hex[3] = { s[i * 3], s[i * 3 + 1], '\0' };
		char *end;

		if (i < 5 && s[i * 3 + 2] != ':' && s[i * 3 + 2] != '-')
			return -1;
		if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
			return -1;
		mac[i] = (uint8_t)strtoul(hex, &end, 16);
	}
	return 0;
}

static int
parse_u32(const char *s, size_t len, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* The device name in sub-device devargs: what precedes the first comma. */
static size_t
devargs_name_len(const char *s)
{
	return strcspn(s, ",");
}

static int
apply_value(struct manafo_args *args, const struct manafo_key *k, const char *v, size_t vlen,
	    unsigned int *seen, char *err, size_t errlen)
{
	unsigned int bit = 1u << (k - manafo_keys);
	uint32_t u;

	if (*seen & bit)
		return args_error(err, errlen, "devarg \"%s\" given twice", k->name);
	*seen |= bit;
	switch (k->kind) {
	case KEY_SUB:
		if (vlen == 0)
			return args_error(err, errlen, "devarg \"%s()\" is empty", k->name);
		if (vlen >= MANAFO_SUB_ARGS_MAX)
			return args_error(err, errlen, "devarg \"%s(...)\" longer than %d",
					  k->name, MANAFO_SUB_ARGS_MAX - 1);
		/* A device named "auto" cannot be probed: discovery takes no arguments. */
		if (vlen > sizeof(MANAFO_AUTO) - 1 && v[sizeof(MANAFO_AUTO) - 1] == ',' &&
		    strncmp(v, MANAFO_AUTO, sizeof(MANAFO_AUTO) - 1) == 0)
			return args_error(err, errlen, "devarg \"%s(%.*s)\": %s takes no arguments",
					  k->name, (int)vlen, v, MANAFO_AUTO);
		memcpy(args->sub_devargs[k->role], v, vlen);
		args->sub_devargs[k->role][vlen] = '\0';
		/* Kept in sub_devargs too: the role counts as given, logs show "auto". */
		args->sub_auto[k->role] = strcmp(args->sub_devargs[k->role], MANAFO_AUTO) == 0;
		return 0;
	case KEY_PORT:
		if (vlen == 0 || vlen >= MANAFO_PORT_NAME_MAX)
			return args_error(err, errlen, "bad port name \"%.*s\" for %s",
					  (int)vlen, v, k->name);
		memcpy(args->sub_port[k->role], v, vlen);
		args->sub_port[k->role][vlen] = '\0';
		return 0;
	case KEY_MAC:
		if (parse_mac(v, vlen, args->mac) < 0)
			return args_error(err, errlen,
				"bad MAC address \"%.*s\" for mac (want xx:xx:xx:xx:xx:xx)",
				(int)vlen, v);
		args->has_mac = true;
		return 0;
	case KEY_GUARD:
		if (vlen == 10 && strncmp(v, "membarrier", 10) == 0)
			args->guard = MANAFO_GUARD_MEMBARRIER;
		else if (vlen == 3 && strncmp(v, "cas", 3) == 0)
			args->guard = MANAFO_GUARD_CAS;
		else if (vlen == 4 && strncmp(v, "auto", 4) == 0)
			args->guard = MANAFO_GUARD_AUTO;
		else
			return args_error(err, errlen,
				"bad guard \"%.*s\" (want membarrier, cas or auto)", (int)vlen, v);
		return 0;
	case KEY_PATH:
		if (vlen == 0 || vlen >= MANAFO_SYSFS_MAX)
			return args_error(err, errlen,
					  "bad path \"%.*s\" for %s (1..%d characters)",
					  (int)vlen, v, k->name, MANAFO_SYSFS_MAX - 1);
		memcpy(args->sysfs, v, vlen);
		args->sysfs[vlen] = '\0';
		return 0;
	case KEY_U32:
		if (parse_u32(v, vlen, k->min, k->max, &u) < 0)
			return args_error(err, errlen, "bad value \"%.*s\" for %s (want %u..%u)",
					  (int)vlen, v, k->name, k->min, k->max);
		memcpy((char *)args + k->offset, &u, sizeof(u));
		return 0;
	}
	return args_error(err, errlen, "internal error on devarg \"%s\"", k->name);
}

/* Length of one item at depth 0, or -1 on unbalanced parentheses. */
static long
item_len(const char *s, char *err, size_t errlen)
{
	long depth = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')') {
			if (--depth < 0) {
				args_error(err, errlen, "unexpected ')' in \"%s\"", s);
				return -1;
			}
		} else if (s[i] == ',' && depth == 0) {
			break;
		}
	}
	if (depth != 0) {
		args_error(err, errlen, "missing ')' in \"%s\"", s);
		return -1;
	}
	return (long)i;
}

/* The parentheses inside key(...) must balance on their own. */
static bool
sub_balanced(const char *s, size_t len)
{
	long depth = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth < 0)
			return false;
	}
	return depth == 0;
}

static int
parse_item(struct manafo_args *args, const char *s, size_t len, unsigned int *seen,
	   char *err, size_t errlen)
{
	size_t klen = strcspn(s, "=(");
	const struct manafo_key *k;
	char valid[512];

	if (klen > len)
		klen = len;
	k = key_lookup(s, klen);
	if (k == NULL) {
		keys_list(valid, sizeof(valid));
		return args_error(err, errlen, "unknown devarg \"%.*s\" (valid: %s)",
				  (int)len, s, valid);
	}
	if (k->kind == KEY_SUB) {
		if (klen == len || s[klen] != '(' || s[len - 1] != ')')
			return args_error(err, errlen, "devarg \"%.*s\" must be %s(<devargs>)",
					  (int)len, s, k->name);
		if (!sub_balanced(s + klen + 1, len - klen - 2))
			return args_error(err, errlen, "malformed parentheses in \"%.*s\"",
					  (int)len, s);
		return apply_value(args, k, s + klen + 1, len - klen - 2, seen, err, errlen);
	}
	if (klen == len || s[klen] != '=')
		return args_error(err, errlen, "devarg \"%.*s\" must be %s=<value>",
				  (int)len, s, k->name);
	return apply_value(args, k, s + klen + 1, len - klen - 1, seen, err, errlen);
}

int
manafo_args_devargs_mac(const char *devargs, uint8_t mac[6])
{
	const char *s = strchr(devargs, ',');
	size_t len;

	/* The first item is the device name, the others key=value. */
	while (s != NULL) {
		s++;
		len = strcspn(s, ",");
		if (len > 4 && strncmp(s, "mac=", 4) == 0)
			return parse_mac(s + 4, len - 4, mac);
		s = s[len] == ',' ? s + len : NULL;
	}
	return -1;
}

bool
manafo_args_has(const struct manafo_args *args, enum manafo_role role)
{
	return args->sub_devargs[role][0] != '\0' || args->sub_port[role][0] != '\0';
}

static int
args_check(const struct manafo_args *args, char *err, size_t errlen)
{
	const char *vf = args->sub_devargs[MANAFO_VF];
	const char *sy = args->sub_devargs[MANAFO_SYNTH];
	uint8_t mac[6];
	int r;

	for (r = 0; r < MANAFO_NB_ROLES; r++)
		if (args->sub_devargs[r][0] != '\0' && args->sub_port[r][0] != '\0')
			return args_error(err, errlen, "give either %s(...) or %s_port=, not both",
				manafo_keys[r].name, manafo_keys[r].name);
	if (!manafo_args_has(args, MANAFO_SYNTH))
		return args_error(err, errlen, "missing synthetic path: give synth(<devargs>) "
				  "or synth_port=<name>");
	if (args->sub_auto[MANAFO_SYNTH] && !args->has_mac &&
	    manafo_args_devargs_mac(vf, mac) < 0)
		return args_error(err, errlen, "synth(auto) needs the NIC's MAC address: give "
				  "mac=<MAC> (or vf(<BDF>,mac=<MAC>))");
	/* Two "auto" are two discoveries, not one device given twice. */
	if (!args->sub_auto[MANAFO_VF] && !args->sub_auto[MANAFO_SYNTH] &&
	    vf[0] != '\0' && sy[0] != '\0' && devargs_name_len(vf) == devargs_name_len(sy) &&
	    strncmp(vf, sy, devargs_name_len(vf)) == 0)
		return args_error(err, errlen, "device \"%.*s\" given as both vf and synth",
				  (int)devargs_name_len(vf), vf);
	if (args->sub_port[MANAFO_VF][0] != '\0' &&
	    strcmp(args->sub_port[MANAFO_VF], args->sub_port[MANAFO_SYNTH]) == 0)
		return args_error(err, errlen, "port \"%s\" given as both vf_port and synth_port",
				  args->sub_port[MANAFO_VF]);
	return 0;
}

int
manafo_args_parse(const char *str, struct manafo_args *args, char *err, size_t errlen)
{
	unsigned int seen = 0;
	const char *s = str;
	long len;
	int ret;

	args_defaults(args);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	while (s != NULL && *s != '\0') {
		len = item_len(s, err, errlen);
		if (len < 0)
			return -EINVAL;
		if (len == 0)
			return args_error(err, errlen, "empty devarg in \"%s\"", str);
		ret = parse_item(args, s, (size_t)len, &seen, err, errlen);
		if (ret < 0)
			return ret;
		s += len;
		if (*s == ',') {
			s++;
			if (*s == '\0')
				return args_error(err, errlen, "trailing ',' in \"%s\"", str);
		}
	}
	return args_check(args, err, errlen);
}
