/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Devargs parser unit tests: each case gives a devargs string and either
 * the parsed fields it must yield or a piece of the error message, which
 * must name the bad value.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "manafo_args.h"

struct args_case {
	const char *in;
	const char *err;	/* NULL: must parse; else a substring of the error */
	const char *vf;		/* expected sub_devargs / sub_port, "" for none */
	const char *synth;
	const char *vf_port;
	const char *synth_port;
	int check_num;		/* compare the numeric fields below */
	enum manafo_guard_mode guard;
	uint32_t failback_ms;
	uint32_t tx_timeout_ms;
};

static const struct args_case cases[] = {
	{ "synth(net_ring0)", NULL, "", "net_ring0", "", "" },
	{ "vf(net_null0),synth(net_ring0)", NULL, "net_null0", "net_ring0", "", "" },
	{ "vf(0000:00:05.0,mac=00:15:5d:aa:bb:cc),synth(net_tap0,iface=eth1)", NULL,
	  "0000:00:05.0,mac=00:15:5d:aa:bb:cc", "net_tap0,iface=eth1", "", "" },
	{ "vf(net_x0,a=(1,2)),synth(net_y0)", NULL, "net_x0,a=(1,2)", "net_y0", "", "" },
	{ "vf_port=net_mana0,synth_port=net_tap0", NULL, "", "", "net_mana0", "net_tap0" },
	{ "vf(net_null0),synth_port=eth1", NULL, "net_null0", "", "", "eth1" },
	{ "synth(net_ring0),guard=cas,failback_ms=1500,tx_timeout_ms=0", NULL, "", "net_ring0",
	  "", "", 1, MANAFO_GUARD_CAS, 1500, 0 },
	{ "synth(net_ring0),guard=membarrier", NULL, "", "net_ring0", "", "", 1,
	  MANAFO_GUARD_MEMBARRIER, MANAFO_DEF_FAILBACK_MS, MANAFO_DEF_TX_TIMEOUT_MS },
	{ "synth(net_ring0)", NULL, "", "net_ring0", "", "", 1, MANAFO_GUARD_AUTO,
	  MANAFO_DEF_FAILBACK_MS, MANAFO_DEF_TX_TIMEOUT_MS },
	{ "synth(net_ring0),mac=02:00:00:00:00:01", NULL, "", "net_ring0", "", "" },
	/* errors */
	{ NULL, "missing synthetic path" },
	{ "", "missing synthetic path" },
	{ "vf(net_null0)", "missing synthetic path" },
	{ "synth(net_ring0),bogus=1", "unknown devarg \"bogus=1\"" },
	{ "synth(net_ring0),bogus=1", "valid: vf(...), synth(...)" },
	{ "synth(net_ring0", "missing ')'" },
	{ "synth(net_ring0))", "unexpected ')'" },
	{ "synth(net_ring0)x", "must be synth(<devargs>)" },
	{ "synth()", "\"synth()\" is empty" },
	{ "synth=net_ring0", "must be synth(<devargs>)" },
	{ "vf_port(net_ring0),synth(net_ring1)", "must be vf_port=<value>" },
	{ "synth(net_ring0),synth(net_ring1)", "\"synth\" given twice" },
	{ "vf(net_ring0),synth(net_ring0)", "\"net_ring0\" given as both vf and synth" },
	{ "vf(net_ring0,x=1),synth(net_ring0,y=2)", "\"net_ring0\" given as both" },
	{ "vf_port=p0,synth_port=p0", "port \"p0\" given as both" },
	{ "vf(net_null0),vf_port=p1,synth(net_ring0)", "either vf(...) or vf_port=" },
	{ "synth(net_ring0),mac=02:00:00:00:00", "bad MAC address \"02:00:00:00:00\"" },
	{ "synth(net_ring0),mac=zz:00:00:00:00:01", "bad MAC address \"zz:00:00:00:00:01\"" },
	{ "synth(net_ring0),guard=rcu", "bad guard \"rcu\"" },
	{ "synth(net_ring0),failback_ms=-1", "bad value \"-1\" for failback_ms" },
	{ "synth(net_ring0),failback_ms=12x", "bad value \"12x\" for failback_ms" },
	{ "synth(net_ring0),recovery_timeout_ms=0", "bad value \"0\" for recovery_timeout_ms" },
	{ "synth(net_ring0),tx_hang_max=99999999999", "bad value \"99999999999\" for tx_hang_max" },
	{ "vf(auto),synth(auto,iface=eth1)",
	  "devarg \"synth(auto,iface=eth1)\": auto takes no arguments" },
	{ "vf(auto,mac=00:0d:3a:00:00:01),synth(net_ring0)",
	  "devarg \"vf(auto,mac=00:0d:3a:00:00:01)\": auto takes no arguments" },
	{ "synth(net_ring0),hotplug_poll_ms=", "bad value \"\" for hotplug_poll_ms" },
	{ "synth(net_ring0),", "trailing ','" },
	{ ",synth(net_ring0)", "empty devarg" },
	{ "synth(net_ring0),,vf(net_null0)", "empty devarg" },
	{ "vf(a)(b),synth(net_ring0)", "malformed parentheses in \"vf(a)(b)\"" },
	{ "vf(a)b(c),synth(net_ring0)", "malformed parentheses in \"vf(a)b(c)\"" },
	{ "vf(a(b)c)d),synth(x)", "unexpected ')'" },
};

static int
check_str(int i, const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 0;
	printf("FAIL case %d: %s is \"%s\", want \"%s\"\n", i, what, got, want);
	return 1;
}

static int
run_case(int i, const struct args_case *c)
{
	struct manafo_args a;
	char err[512];
	int ret, fails = 0;

	ret = manafo_args_parse(c->in, &a, err, sizeof(err));
	if (c->err != NULL) {
		if (ret != -EINVAL || strstr(err, c->err) == NULL) {
			printf("FAIL case %d \"%s\": ret %d err \"%s\", want error \"%s\"\n", i,
			       c->in ? c->in : "(null)", ret, err, c->err);
			return 1;
		}
		printf("ok   case %d: \"%s\" -> %s\n", i, c->in ? c->in : "(null)", err);
		return 0;
	}
	if (ret != 0) {
		printf("FAIL case %d \"%s\": unexpected error \"%s\"\n", i, c->in, err);
		return 1;
	}
	fails += check_str(i, "vf", a.sub_devargs[MANAFO_VF], c->vf);
	fails += check_str(i, "synth", a.sub_devargs[MANAFO_SYNTH], c->synth);
	fails += check_str(i, "vf_port", a.sub_port[MANAFO_VF], c->vf_port);
	fails += check_str(i, "synth_port", a.sub_port[MANAFO_SYNTH], c->synth_port);
	if (c->check_num && (a.guard != c->guard || a.failback_ms != c->failback_ms ||
			     a.tx_timeout_ms != c->tx_timeout_ms)) {
		printf("FAIL case %d: guard %d failback_ms %u tx_timeout_ms %u\n", i, a.guard,
		       a.failback_ms, a.tx_timeout_ms);
		fails++;
	}
	if (fails == 0)
		printf("ok   case %d: \"%s\" parsed\n", i, c->in);
	return fails;
}

static int
check_mac(void)
{
	static const uint8_t want[6] = { 0x02, 0xab, 0xcd, 0xef, 0x00, 0x01 };
	struct manafo_args a;
	char err[256];

	if (manafo_args_parse("synth(x),mac=02:AB:cd:ef:00:01", &a, err, sizeof(err)) != 0 ||
	    !a.has_mac || memcmp(a.mac, want, 6) != 0) {
		printf("FAIL mac: not parsed to 02:ab:cd:ef:00:01 (%s)\n", err);
		return 1;
	}
	printf("ok   mac=02:AB:cd:ef:00:01 parsed byte for byte\n");
	return 0;
}

int
main(void)
{
	unsigned int i, n = sizeof(cases) / sizeof(cases[0]);
	int fails = 0;

	for (i = 0; i < n; i++)
		fails += run_case((int)i, &cases[i]) != 0;
	fails += check_mac();
	printf("%u passed, %d failed\n", n + 1 - fails, fails);
	return fails ? 1 : 0;
}
