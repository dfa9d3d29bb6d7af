/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * --synth tap: the synthetic path is net_tap, as on Azure where it is a
 * tap on the kernel's hv_netvsc interface. The host model plays the other
 * side through the tap's kernel interface: an AF_PACKET socket bound to it
 * for the drill's EtherType only, non-blocking, used by the host thread
 * alone. What the socket sends there the PMD reads (inbound); what the PMD
 * writes the socket reads (outbound).
 *
 * The interface is made quiet first (no IPv6, so no router solicitation or
 * MLD report goes through the port) and given a long queue: the kernel
 * queues inbound frames until the PMD reads them, as an RX ring holds them
 * for net_manasim. The socket bypasses the interface's qdisc, so that a
 * full queue fails the send: such a frame is counted as "RX wire full", as
 * with a full RX ring; the interface's tx_dropped counter would show any
 * other drop. Its tx_packets counter (frames the PMD read) tells how many
 * inbound frames still wait in its queue.
 *
 * net_tap takes its interface down while the port is stopped (a "restart"
 * event while the VF is away), and a down interface refuses every frame,
 * where an RX ring would have kept them for the port's return: those are
 * held here, in order, and sent once the interface is up again (up to
 * TAP_HELD_MAX, then "RX wire full" as well), so that a drill means the
 * same with either synthetic path.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_debug.h>
#include <rte_mbuf.h>

#include "drill.h"

#define TAP_TXQLEN	16384
#define TAP_RCVBUF	(32 << 20)
#define TAP_SNDBUF	(4 << 20)
#define TAP_HELD_MAX	DRILL_RING_SIZE

struct tap_wire {
	int fd;
	int ifindex;
	char iface[DRILL_IFNAMSIZ];
	int txp_fd;		/* statistics/tx_packets of the interface */
	uint64_t txp_base;
	uint64_t txd_base;	/* statistics/tx_dropped at the start */
	uint64_t nobufs;	/* sends failed with ENOBUFS: each one in tx_dropped */
	struct tap_counters c;
	struct mmsghdr msg[TAP_BATCH];
	struct iovec iov[TAP_BATCH];
	struct sockaddr_ll from[TAP_BATCH];
	uint8_t buf[TAP_BATCH][TAP_FRAME_MAX] __rte_aligned(8);
	/* inbound frames held while the interface is down, oldest first */
	unsigned int held_head;
	unsigned int nb_held;
	struct rte_mbuf *held[TAP_HELD_MAX];
};

int
tap_check(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "--synth tap: needs root (CAP_NET_ADMIN) to create a tap "
			"interface and open a packet socket on it; run as root, or use "
			"--synth rings\n");
		return -EPERM;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		fprintf(stderr, "--synth tap: /dev/net/tun: %s (modprobe tun, or use "
			"--synth rings)\n", strerror(errno));
		return -ENODEV;
	}
	return 0;
}

static int
stat_open(const char *iface, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", iface, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static uint64_t
stat_read(int fd)
{
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static uint64_t
stat_once(const char *iface, const char *name)
{
	int fd = stat_open(iface, name);
	uint64_t v = stat_read(fd);

	if (fd >= 0)
		close(fd);
	return v;
}

/* No IPv6 (no traffic of the kernel's own), a long queue. */
static int
iface_quiet(const char *iface, char *err, size_t errlen)
{
	char path[128];
	struct ifreq ifr;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", iface);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {		/* no IPv6 in this kernel: nothing to silence */
		if (write(fd, "1", 1) != 1)
			ret = -errno;
		close(fd);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	ifr.ifr_qlen = TAP_TXQLEN;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ret == 0 && (fd < 0 || ioctl(fd, SIOCSIFTXQLEN, &ifr) != 0))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret != 0)
		snprintf(err, errlen, "cannot set up the tap interface %s: %s", iface,
			 strerror(-ret));
	return ret;
}

static int
sock_open(struct tap_wire *t, char *err, size_t errlen)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = rte_cpu_to_be_16(DRILL_ETYPE),
		.sll_ifindex = t->ifindex,
	};
	int one = 1, rcv = TAP_RCVBUF, snd = TAP_SNDBUF;

	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       rte_cpu_to_be_16(DRILL_ETYPE));
	if (t->fd < 0 || bind(t->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open a packet socket on the tap interface: %s",
			 strerror(e));
		return -e;
	}
	/* Our own sends are not outbound packets of the port. */
	setsockopt(t->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	/* Straight to the tap's queue: a full one fails the send (ENOBUFS). */
	setsockopt(t->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (setsockopt(t->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) != 0)
		setsockopt(t->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(t->fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) != 0)
		setsockopt(t->fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	return 0;
}

static void
msgs_init(struct tap_wire *t)
{
	unsigned int i;

	for (i = 0; i < TAP_BATCH; i++) {
		t->iov[i].iov_base = t->buf[i];
		t->iov[i].iov_len = sizeof(t->buf[i]);
		t->msg[i].msg_hdr.msg_iov = &t->iov[i];
		t->msg[i].msg_hdr.msg_iovlen = 1;
		t->msg[i].msg_hdr.msg_name = &t->from[i];
		t->msg[i].msg_hdr.msg_namelen = sizeof(t->from[i]);
	}
}

/*
 * net_tap's RX waits for a real-time signal, which the kernel queues to the
 * process for every frame the interface takes: 100k a second at the
 * drill's rate. The main thread gets them first, and that is the host,
 * which sends those frames (blocked there, they go to the lcores, and the
 * host still pays to queue each): the drill would measure its own signal
 * handling, failback latencies of 5 to 15 ms instead of under one on the
 * development machine, and inbound traffic falling behind its rate. With no
 * real-time signal free, net_tap polls its queues instead (one read() per
 * RX burst): take them all before the first tap port of the process. The
 * drill uses none itself.
 */
void
tap_rx_polling(void)
{
	struct sigaction sa;
	int sig;

	for (sig = SIGRTMIN + 1; sig <= SIGRTMAX; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
			signal(sig, SIG_IGN);
}

/* Once the net_tap port exists: its interface does too. */
int
tap_open(struct drill_port *p, char *err, size_t errlen)
{
	struct tap_wire *t = calloc(1, sizeof(*t));
	int ret;

	if (t == NULL)
		return -ENOMEM;
	t->fd = t->txp_fd = -1;
	p->tap = t;
	snprintf(t->iface, sizeof(t->iface), "%s", p->tap_iface);
	t->ifindex = (int)if_nametoindex(p->tap_iface);
	if (t->ifindex == 0) {
		snprintf(err, errlen, "no tap interface %s: %s", p->tap_iface, strerror(errno));
		return -ENODEV;
	}
	ret = iface_quiet(p->tap_iface, err, errlen);
	if (ret == 0)
		ret = sock_open(t, err, errlen);
	if (ret != 0)
		return ret;
	t->txp_fd = stat_open(p->tap_iface, "tx_packets");
	t->txp_base = stat_read(t->txp_fd);
	t->txd_base = stat_once(p->tap_iface, "tx_dropped");
	msgs_init(t);
	return 0;
}

void
tap_close(struct drill_port *p)
{
	struct tap_wire *t = p->tap;

	if (t == NULL)
		return;
	for (; t->nb_held > 0; t->nb_held--, t->held_head = (t->held_head + 1) % TAP_HELD_MAX)
		rte_pktmbuf_free(t->held[t->held_head]);
	if (t->fd >= 0)
		close(t->fd);
	if (t->txp_fd >= 0)
		close(t->txp_fd);
	free(t);
	p->tap = NULL;
}

/* Sends pkts in order until one fails (*err: its errno); frees the sent. */
static unsigned int
send_frames(struct tap_wire *t, struct rte_mbuf **pkts, unsigned int n, int *err)
{
	unsigned int i, done = 0;
	int k;

	RTE_VERIFY(n <= TAP_BATCH);
	*err = 0;
	for (i = 0; i < n; i++) {
		t->iov[i].iov_base = rte_pktmbuf_mtod(pkts[i], void *);
		t->iov[i].iov_len = rte_pktmbuf_data_len(pkts[i]);
		t->msg[i].msg_hdr.msg_name = NULL;
		t->msg[i].msg_hdr.msg_namelen = 0;
	}
	while (done < n) {
		k = sendmmsg(t->fd, t->msg + done, n - done, MSG_DONTWAIT);
		if (k > 0) {
			done += (unsigned int)k;
		} else if (k < 0 && errno != EINTR) {
			*err = errno;	/* ENOBUFS: the queue is full; ENETDOWN */
			t->nobufs += errno == ENOBUFS;
			break;
		}
	}
	msgs_init(t);
	t->c.sent += done;
	rte_pktmbuf_free_bulk(pkts, done);
	return done;
}

/* The held frames, oldest first, while the interface takes them. */
void
tap_flush(struct drill_port *p)
{
	struct tap_wire *t = p->tap;
	unsigned int n, done;
	int err = 0;

	while (t->nb_held > 0 && err == 0) {
		n = RTE_MIN(t->nb_held, TAP_HELD_MAX - t->held_head);
		n = RTE_MIN(n, (unsigned int)TAP_BATCH);
		done = send_frames(t, &t->held[t->held_head], n, &err);
		t->held_head = (t->held_head + done) % TAP_HELD_MAX;
		t->nb_held -= done;
	}
}

static unsigned int
hold(struct tap_wire *t, struct rte_mbuf **pkts, unsigned int n)
{
	unsigned int i;

	n = RTE_MIN(n, TAP_HELD_MAX - t->nb_held);
	for (i = 0; i < n; i++)
		t->held[(t->held_head + t->nb_held + i) % TAP_HELD_MAX] = pkts[i];
	t->nb_held += n;
	t->c.held += n;
	return n;
}

/*
 * Going down, the interface stops its queues before it drops IFF_UP: sends
 * fail with ENOBUFS, as with a full queue, for a moment. Not running: down.
 */
static bool
iface_down(struct tap_wire *t, int err)
{
	struct ifreq ifr;

	if (err == ENETDOWN)
		return true;
	if (err != ENOBUFS)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->iface);
	return ioctl(t->fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_RUNNING);
}

/*
 * Inbound, n <= TAP_BATCH: returns how many of pkts the wire took, sent to
 * the interface or held for it (and no longer the caller's); the others
 * its queue refused.
 */
unsigned int
tap_send(struct drill_port *p, struct rte_mbuf **pkts, unsigned int n)
{
	struct tap_wire *t = p->tap;
	unsigned int done = 0;
	int err = 0;

	tap_flush(p);
	if (t->nb_held == 0)
		done = send_frames(t, pkts, n, &err);
	if (done < n && (t->nb_held > 0 || iface_down(t, err)))
		done += hold(t, pkts + done, n - done);
	t->c.refused += n - done;
	return done;
}

/* At the end: the frames still held, to be counted as never polled. */
unsigned int
tap_take_held(struct drill_port *p, struct rte_mbuf **pkts, unsigned int max)
{
	struct tap_wire *t = p->tap;
	unsigned int n = 0;

	while (t != NULL && t->nb_held > 0 && n < max) {
		pkts[n++] = t->held[t->held_head];
		t->held_head = (t->held_head + 1) % TAP_HELD_MAX;
		t->nb_held--;
	}
	return n;
}

/* Outbound: up to TAP_BATCH frames, valid until the next call. */
unsigned int
tap_recv(struct drill_port *p, const uint8_t **frames, uint32_t *lens)
{
	struct tap_wire *t = p->tap;
	unsigned int i, n = 0;
	int k;

	do {
		k = recvmmsg(t->fd, t->msg, TAP_BATCH, MSG_DONTWAIT, NULL);
	} while (k < 0 && errno == EINTR);
	for (i = 0; k > 0 && i < (unsigned int)k; i++) {
		t->msg[i].msg_hdr.msg_namelen = sizeof(t->from[i]);
		if (t->from[i].sll_pkttype == PACKET_OUTGOING)
			continue;	/* a kernel without PACKET_IGNORE_OUTGOING */
		frames[n] = t->buf[i];
		lens[n] = RTE_MIN(t->msg[i].msg_len, (unsigned int)TAP_FRAME_MAX);
		n++;
	}
	t->c.received += n;
	return n;
}

/* Inbound frames the interface took and the PMD has not read yet. */
uint64_t
tap_in_flight(const struct drill_port *p)
{
	const struct tap_wire *t = p->tap;
	uint64_t read = stat_read(t->txp_fd) - t->txp_base;

	return t->nb_held + (t->c.sent > read ? t->c.sent - read : 0);
}

void
tap_counters(const struct drill_port *p, struct tap_counters *c)
{
	const struct tap_wire *t = p->tap;
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	memset(c, 0, sizeof(*c));
	if (t == NULL)
		return;
	*c = t->c;
	c->left = tap_in_flight(p);
	/* A send that failed with ENOBUFS is in tx_dropped too (then held or refused). */
	c->if_dropped = stat_once(p->tap_iface, "tx_dropped") - t->txd_base;
	c->if_dropped = c->if_dropped > t->nobufs ? c->if_dropped - t->nobufs : 0;
	/* Reading them resets them: once, at the end of the run. */
	if (getsockopt(t->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		c->sock_dropped = st.tp_drops;
}
