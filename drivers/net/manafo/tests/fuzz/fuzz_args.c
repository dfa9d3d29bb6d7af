/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * libFuzzer target for the devargs parser (manafo_args.c, libc only).
 * Each input is one devargs string; it is parsed with a large error
 * buffer, with an error buffer of every small size (allocated to the byte,
 * so that ASan sees any overflow) and with none, and the result must obey
 * the invariants the driver relies on. Any violation aborts: libFuzzer
 * saves the input, which then goes to regressions/args/ (replayed by the
 * manafo-fuzz-args-replay test, see replay_args.c).
 *
 * Build: see scripts/run-sanitizers.sh (clang -fsanitize=fuzzer,address,undefined).
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manafo_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_args: invariant broken: %s (line %d)\n", #cond, __LINE__); \
		abort(); \
	} \
} while (0)

static size_t
name_len(const char *s)
{
	return strcspn(s, ",");
}

static void
check_result(const char *in, int ret, const struct manafo_args *a, const char *err,
	     size_t errlen)
{
	int r;

	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
	if (ret != 0) {
		/* A NUL-terminated message naming the problem (it quotes the input). */
		if (errlen > 0)
			FUZZ_ASSERT(memchr(err, '\0', errlen) != NULL);
		if (errlen > 1)
			FUZZ_ASSERT(err[0] != '\0');
		return;
	}
	(void)in;
	FUZZ_ASSERT(manafo_args_has(a, MANAFO_SYNTH));
	for (r = 0; r < MANAFO_NB_ROLES; r++) {
		FUZZ_ASSERT(memchr(a->sub_devargs[r], '\0', MANAFO_SUB_ARGS_MAX) != NULL);
		FUZZ_ASSERT(memchr(a->sub_port[r], '\0', MANAFO_PORT_NAME_MAX) != NULL);
		/* Either probe from devargs or adopt a port, never both. */
		FUZZ_ASSERT(a->sub_devargs[r][0] == '\0' || a->sub_port[r][0] == '\0');
	}
	if (a->sub_devargs[MANAFO_VF][0] != '\0' && a->sub_devargs[MANAFO_SYNTH][0] != '\0') {
		const char *v = a->sub_devargs[MANAFO_VF], *s = a->sub_devargs[MANAFO_SYNTH];

		FUZZ_ASSERT(name_len(v) != name_len(s) || strncmp(v, s, name_len(v)) != 0);
	}
	if (a->sub_port[MANAFO_VF][0] != '\0')
		FUZZ_ASSERT(strcmp(a->sub_port[MANAFO_VF], a->sub_port[MANAFO_SYNTH]) != 0);
	FUZZ_ASSERT(a->guard == MANAFO_GUARD_AUTO || a->guard == MANAFO_GUARD_MEMBARRIER ||
		    a->guard == MANAFO_GUARD_CAS);
	/* The driver divides by, or polls with, these: never 0, never absurd. */
	FUZZ_ASSERT(a->recovery_timeout_ms >= 1 && a->recovery_timeout_ms <= 3600000);
	FUZZ_ASSERT(a->hotplug_poll_ms >= 1 && a->hotplug_poll_ms <= 3600000);
	FUZZ_ASSERT(a->tx_hang_max >= 1 && a->tx_hang_max <= 1000);
	FUZZ_ASSERT(a->failback_ms <= 3600000 && a->tx_timeout_ms <= 3600000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manafo_args *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char *in = malloc(size + 1), err[512];
	size_t errlen;
	int ret, ret2;

	if (a == NULL || b == NULL || in == NULL)
		abort();
	memcpy(in, data, size);
	in[size] = '\0';

	ret = manafo_args_parse(in, a, err, sizeof(err));
	check_result(in, ret, a, err, sizeof(err));

	/* Every small error buffer, exactly that large: truncation, never overflow. */
	for (errlen = 0; errlen <= 8; errlen++) {
		char *e = errlen ? malloc(errlen) : NULL;

		if (errlen && e == NULL)
			abort();
		ret2 = manafo_args_parse(in, b, e, errlen);
		FUZZ_ASSERT(ret2 == ret);
		check_result(in, ret2, b, e, errlen);
		free(e);
	}
	ret2 = manafo_args_parse(in, b, NULL, 0);
	FUZZ_ASSERT(ret2 == ret);
	/* Deterministic: the same input gives the same result. */
	if (ret == 0)
		FUZZ_ASSERT(memcmp(a->sub_devargs, b->sub_devargs, sizeof(a->sub_devargs)) == 0 &&
			    memcmp(a->sub_port, b->sub_port, sizeof(a->sub_port)) == 0);
	free(in);
	free(a);
	free(b);
	return 0;
}
