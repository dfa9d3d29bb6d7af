/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef TEL_CLIENT_H
#define TEL_CLIENT_H

/*
 * A telemetry client for the C tests: the process's own socket, queried as
 * dpdk-telemetry.py would. One connection per process, opened on first use.
 */

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>

#include "manafo_test.h"

static int tel_fd = -1;

static inline int
tel_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[1024];
	uint64_t end = now_ms() + 5000;

	if (tel_fd >= 0)
		return 0;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	tel_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (tel_fd < 0)
		return -1;
	while (connect(tel_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		if (now_ms() > end) {
			close(tel_fd);
			tel_fd = -1;
			return -1;
		}
		usleep(10000);
	}
	/* The greeting: {"version": ..., "pid": ..., "max_output_len": ...} */
	return recv(tel_fd, buf, sizeof(buf), 0) > 0 ? 0 : -1;
}

/* The reply to cmd, "" when there is none. Valid until the next call. */
static inline const char *
tel(const char *cmd)
{
	static char reply[1 << 16];
	ssize_t n;

	reply[0] = '\0';
	if (tel_connect() != 0 || send(tel_fd, cmd, strlen(cmd), 0) < 0)
		return reply;
	n = recv(tel_fd, reply, sizeof(reply) - 1, 0);
	reply[n > 0 ? n : 0] = '\0';
	return reply;
}

static inline void
tel_close(void)
{
	if (tel_fd >= 0)
		close(tel_fd);
	tel_fd = -1;
}

#endif /* TEL_CLIENT_H */
