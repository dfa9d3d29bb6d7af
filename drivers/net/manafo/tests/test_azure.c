/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Azure integration (manafo_azure.c) on a fake sysfs tree built in a temp
 * directory: discovery of the MANA VF and of the hv_netvsc interface by
 * MAC, the devargs produced, the IB readiness check, the devargs of
 * vf(auto)/synth(auto)/sysfs=; then, with EAL, a manafo port with vf(auto)
 * and no VF in the tree: it probes, forwards on the synthetic path alone,
 * and its hot-plug polls find the VF when it is added to the tree.
 *
 * Usage: manafo-test-azure [EAL args]: the unit part runs before
 * rte_eal_init(), which it does not need.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "manafo_args.h"
#include "manafo_azure.h"
#include "rte_pmd_manafo.h"

#define MAC_A	"00:0d:3a:aa:bb:01"
#define MAC_B	"00:0d:3a:aa:bb:02"
#define MAC_C	"00:0d:3a:aa:bb:0c"	/* written uppercase in the tree */
#define NETVSC_CLASS "{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
#define STORVSC_CLASS "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}"

static int fails;
static int checks;

#define CHECK(cond, ...) do { \
	checks++; \
	if (!(cond)) { \
		fails++; \
		printf("FAIL %s:%d: ", __func__, __LINE__); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} \
} while (0)

/* ---- the fake sysfs tree ---- */

static void
mkdirs(const char *fmt, ...)
{
	char path[4096], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void
put(const char *content, const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "w");
	if (f == NULL) {
		printf("FAIL cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(f, "%s\n", content);
	fclose(f);
}

/* A PCI device with one network interface (ifname NULL: none). */
static void
add_pci(const char *root, const char *bdf, const char *vendor, const char *device,
	const char *ifname, const char *mac)
{
	mkdirs("%s/bus/pci/devices/%s", root, bdf);
	put(vendor, "%s/bus/pci/devices/%s/vendor", root, bdf);
	put(device, "%s/bus/pci/devices/%s/device", root, bdf);
	if (ifname == NULL)
		return;
	mkdirs("%s/bus/pci/devices/%s/net/%s", root, bdf, ifname);
	put(mac, "%s/bus/pci/devices/%s/net/%s/address", root, bdf, ifname);
}

static void
add_mana(const char *root, const char *bdf, const char *ifname, const char *mac)
{
	add_pci(root, bdf, "0x1414", "0x00ba", ifname, mac);
}

static void
add_ib(const char *root, const char *bdf, const char *ibdev)
{
	mkdirs("%s/bus/pci/devices/%s/infiniband/%s", root, bdf, ibdev);
}

static void
add_vmbus(const char *root, const char *uuid, const char *class_id, const char *ifname,
	  const char *mac)
{
	mkdirs("%s/bus/vmbus/devices/%s", root, uuid);
	put(class_id, "%s/bus/vmbus/devices/%s/class_id", root, uuid);
	if (ifname == NULL)
		return;
	mkdirs("%s/bus/vmbus/devices/%s/net/%s", root, uuid, ifname);
	put(mac, "%s/bus/vmbus/devices/%s/net/%s/address", root, uuid, ifname);
}

static char *
new_tree(const char *tag)
{
	char tmpl[256];
	char *dir;

	snprintf(tmpl, sizeof(tmpl), "/tmp/manafo-sysfs-%s-XXXXXX", tag);
	dir = mkdtemp(tmpl);
	if (dir == NULL) {
		printf("FAIL mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	return strdup(dir);
}

static void
rm_tree(char *root)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("warning: could not remove %s\n", root);
	free(root);
}

static void
mac_of(const char *s, uint8_t mac[6])
{
	if (manafo_azure_mac_parse(s, mac) != 0) {
		printf("FAIL bad test MAC %s\n", s);
		exit(1);
	}
}

/* ---- unit tests: no EAL ---- */

static void
test_vf_scan(void)
{
	char *root = new_tree("vf");
	struct manafo_azure_vf vf;
	char buf[MANAFO_SUB_ARGS_MAX];
	uint8_t mac[6];
	int ret;

	add_mana(root, "7870:00:00.0", "enP30832s1", MAC_A);
	add_mana(root, "7871:00:00.0", "enP30833s2", MAC_B);
	/* A Mellanox VF with the same MAC (the accelerated networking of old): not MANA. */
	add_pci(root, "0002:00:02.0", "0x15b3", "0x1016", "enP2s2", MAC_A);
	/* A MANA device of another vendor id, and a device with no net/ at all. */
	add_pci(root, "0003:00:02.0", "0x1234", "0x00ba", "eth9", MAC_A);
	add_pci(root, "0000:00:00.0", "0x8086", "0x7192", NULL, NULL);

	/* one match */
	mac_of(MAC_A, mac);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == 0, "one match: %d", ret);
	CHECK(vf.nb_mana == 2 && vf.nb_match == 1, "saw %u MANA, %u matches", vf.nb_mana,
	      vf.nb_match);
	CHECK(strcmp(vf.bdf[0], "7870:00:00.0") == 0 && strcmp(vf.ifname[0], "enP30832s1") == 0,
	      "found %s %s", vf.bdf[0], vf.ifname[0]);
	ret = manafo_azure_vf_devargs(vf.bdf[0], mac, buf, sizeof(buf));
	CHECK(ret == 0 && strcmp(buf, "7870:00:00.0," "mac=" MAC_A) == 0, "devargs \"%s\"", buf);

	/* no match, and the non-MANA devices of the same MAC stay ignored */
	mac_of("00:0d:3a:aa:bb:99", mac);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == -ENOENT && vf.nb_mana == 2 && vf.nb_ifaces == 2,
	      "no match: %d, %u MANA, %u interfaces", ret, vf.nb_mana, vf.nb_ifaces);

	/* uppercase in sysfs, lowercase asked for; devargs in lowercase */
	add_mana(root, "7872:00:00.0", "enP30834s3", "00:0D:3A:AA:BB:0C");
	mac_of("00:0D:3A:AA:BB:0C", mac);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == 0 && strcmp(vf.bdf[0], "7872:00:00.0") == 0, "uppercase: %d %s", ret,
	      vf.bdf[0]);
	manafo_azure_vf_devargs(vf.bdf[0], mac, buf, sizeof(buf));
	CHECK(strcmp(buf, "7872:00:00.0,mac=" MAC_C) == 0, "devargs \"%s\"", buf);

	/* two matches: refused, both named, in order */
	add_mana(root, "1111:00:00.0", "enP4369s9", MAC_A);
	mac_of(MAC_A, mac);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == -ENOTUNIQ && vf.nb_match == 2, "two matches: %d, %u", ret, vf.nb_match);
	CHECK(strcmp(vf.bdf[0], "1111:00:00.0") == 0 && strcmp(vf.bdf[1], "7870:00:00.0") == 0,
	      "two matches: %s and %s", vf.bdf[0], vf.bdf[1]);

	/* no such tree at all: no match, nothing seen */
	ret = manafo_azure_find_vf("/nonexistent/manafo", mac, &vf);
	CHECK(ret == -ENOENT && vf.nb_mana == 0, "no tree: %d", ret);
	rm_tree(root);
}

static void
test_vf_appears_later(void)
{
	char *root = new_tree("later");
	struct manafo_azure_vf vf;
	uint8_t mac[6];
	int ret;

	mac_of(MAC_B, mac);
	mkdirs("%s/bus/pci/devices", root);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == -ENOENT && vf.nb_mana == 0, "empty tree: %d", ret);
	/* The device comes first, its interface a moment later (udev). */
	add_mana(root, "5e1c:00:00.0", NULL, NULL);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == -ENOENT && vf.nb_mana == 1, "no interface yet: %d, %u MANA", ret, vf.nb_mana);
	add_mana(root, "5e1c:00:00.0", "enP24092s1", MAC_B);
	ret = manafo_azure_find_vf(root, mac, &vf);
	CHECK(ret == 0 && strcmp(vf.bdf[0], "5e1c:00:00.0") == 0, "appeared: %d %s", ret,
	      vf.bdf[0]);
	rm_tree(root);
}

static void
test_ib(void)
{
	char *root = new_tree("ib");
	char name[64];

	add_mana(root, "7870:00:00.0", "enP30832s1", MAC_A);
	add_pci(root, "0002:00:02.0", "0x15b3", "0x1016", "enP2s2", MAC_A);
	CHECK(manafo_azure_is_mana(root, "7870:00:00.0"), "is MANA");
	CHECK(!manafo_azure_is_mana(root, "0002:00:02.0"), "Mellanox is not MANA");
	CHECK(!manafo_azure_is_mana(root, "9999:00:00.0"), "absent is not MANA");
	CHECK(!manafo_azure_ib_registered(root, "7870:00:00.0", name, sizeof(name)),
	      "no infiniband/: not ready");
	mkdirs("%s/bus/pci/devices/7870:00:00.0/infiniband", root);
	CHECK(!manafo_azure_ib_registered(root, "7870:00:00.0", name, sizeof(name)),
	      "empty infiniband/: not ready");
	add_ib(root, "7870:00:00.0", "mana_0");
	CHECK(manafo_azure_ib_registered(root, "7870:00:00.0", name, sizeof(name)) &&
	      strcmp(name, "mana_0") == 0, "infiniband/mana_0: ready (%s)", name);
	rm_tree(root);
}

static void
test_synth_scan(void)
{
	char *root = new_tree("synth");
	struct manafo_azure_synth sy;
	char buf[MANAFO_SUB_ARGS_MAX];
	uint8_t mac[6];
	int ret;

	add_vmbus(root, "000d3aaa-bb01-000d-3aaa-bb01000d3aaa", NETVSC_CLASS, "eth1", MAC_A);
	add_vmbus(root, "000d3aaa-bb02-000d-3aaa-bb02000d3aaa", NETVSC_CLASS, "eth2", MAC_B);
	/* a storage device with an interface of that MAC (cannot be): not netvsc */
	add_vmbus(root, "f8b3781b-1e82-4818-a1c3-63d806ec15bb", STORVSC_CLASS, "eth7", MAC_A);
	/* a netvsc device bound to uio_hv_generic: no interface, MAC unknown */
	add_vmbus(root, "a2f0b2c0-0000-4000-8000-000000000001", NETVSC_CLASS, NULL, NULL);
	/* the MANA VF's interface and a tap that copied the MAC: not on VMBus */
	add_mana(root, "7870:00:00.0", "enP30832s1", MAC_A);

	mac_of(MAC_A, mac);
	ret = manafo_azure_find_synth(root, mac, &sy);
	CHECK(ret == 0 && strcmp(sy.ifname[0], "eth1") == 0 &&
	      strcmp(sy.uuid[0], "000d3aaa-bb01-000d-3aaa-bb01000d3aaa") == 0,
	      "one match: %d %s %s", ret, sy.ifname[0], sy.uuid[0]);
	CHECK(sy.nb_netvsc == 3 && sy.nb_unbound == 1, "saw %u netvsc, %u unbound", sy.nb_netvsc,
	      sy.nb_unbound);

	ret = manafo_azure_synth_devargs(MANAFO_AZURE_HAVE_TAP | MANAFO_AZURE_HAVE_AF_PACKET,
					 "manafo0", sy.ifname[0], buf, sizeof(buf));
	CHECK(ret == 0 && strcmp(buf, "net_tap_manafo0,remote=eth1") == 0, "tap: \"%s\"", buf);
	ret = manafo_azure_synth_devargs(MANAFO_AZURE_HAVE_AF_PACKET, "manafo0", sy.ifname[0],
					 buf, sizeof(buf));
	CHECK(ret == 0 && strcmp(buf, "net_af_packet_manafo0,iface=eth1") == 0,
	      "af_packet: \"%s\"", buf);
	ret = manafo_azure_synth_devargs(0, "manafo0", sy.ifname[0], buf, sizeof(buf));
	CHECK(ret == -ENOTSUP, "no PMD: %d", ret);

	/* class id in capitals, no braces: still netvsc */
	add_vmbus(root, "000d3aaa-bb0c-000d-3aaa-bb0c000d3aaa",
		  "F8615163-DF3E-46C5-913F-F2D2F965ED0E", "eth3", "00:0D:3A:AA:BB:0C");
	mac_of(MAC_C, mac);
	ret = manafo_azure_find_synth(root, mac, &sy);
	CHECK(ret == 0 && strcmp(sy.ifname[0], "eth3") == 0, "uppercase: %d %s", ret,
	      sy.ifname[0]);

	mac_of("00:0d:3a:aa:bb:99", mac);
	ret = manafo_azure_find_synth(root, mac, &sy);
	CHECK(ret == -ENOENT && sy.nb_netvsc == 4, "no match: %d, %u netvsc", ret, sy.nb_netvsc);

	add_vmbus(root, "000d3aaa-0000-000d-3aaa-bb01000d3aaa", NETVSC_CLASS, "eth4", MAC_A);
	mac_of(MAC_A, mac);
	ret = manafo_azure_find_synth(root, mac, &sy);
	CHECK(ret == -ENOTUNIQ && strcmp(sy.ifname[0], "eth4") == 0 &&
	      strcmp(sy.ifname[1], "eth1") == 0, "two matches: %d %s %s", ret, sy.ifname[0],
	      sy.ifname[1]);
	rm_tree(root);
}

static void
test_args(void)
{
	struct manafo_args a;
	char err[512];
	uint8_t mac[6];
	int ret;

	ret = manafo_args_parse("vf(auto),synth(auto),mac=" MAC_A ",sysfs=/tmp/fake-sys", &a,
				err, sizeof(err));
	CHECK(ret == 0 && a.sub_auto[MANAFO_VF] && a.sub_auto[MANAFO_SYNTH] &&
	      strcmp(a.sysfs, "/tmp/fake-sys") == 0, "auto both: %d %s", ret, err);
	ret = manafo_args_parse("vf(auto),synth(net_null0)", &a, err, sizeof(err));
	CHECK(ret == 0 && a.sub_auto[MANAFO_VF] && !a.sub_auto[MANAFO_SYNTH] && a.sysfs[0] == '\0',
	      "vf auto: %d %s", ret, err);
	ret = manafo_args_parse("vf(autox),synth(net_null0)", &a, err, sizeof(err));
	CHECK(ret == 0 && !a.sub_auto[MANAFO_VF], "autox is a device name");
	ret = manafo_args_parse("vf(auto),synth(auto)", &a, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "synth(auto) needs the NIC's MAC address") != NULL,
	      "synth auto without MAC: %d \"%s\"", ret, err);
	ret = manafo_args_parse("vf(7870:00:00.0,mac=" MAC_A "),synth(auto)", &a, err,
				sizeof(err));
	CHECK(ret == 0 && a.sub_auto[MANAFO_SYNTH], "synth auto, MAC of vf(): %d %s", ret, err);
	ret = manafo_args_parse("synth(net_null0),sysfs=", &a, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "bad path \"\" for sysfs") != NULL, "empty sysfs: %s",
	      err);
	ret = manafo_args_parse("synth(net_null0),sysfs=/a,sysfs=/b", &a, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "\"sysfs\" given twice") != NULL, "twice: %s", err);
	ret = manafo_args_parse("synth(net_null0),bogus=1", &a, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "sysfs=") != NULL, "listed as valid: %s", err);

	CHECK(manafo_args_devargs_mac("7870:00:00.0,mac=" MAC_A, mac) == 0 && mac[5] == 0x01,
	      "devargs mac");
	CHECK(manafo_args_devargs_mac("7870:00:00.0,x=1,mac=00:0D:3A:AA:BB:0C,y=2", mac) == 0 &&
	      mac[5] == 0x0c, "devargs mac in the middle, uppercase");
	CHECK(manafo_args_devargs_mac("mac=" MAC_A, mac) < 0, "the device name is no item");
	CHECK(manafo_args_devargs_mac("net_tap0,mac=fixed", mac) < 0, "tap's mac=fixed");
	CHECK(manafo_args_devargs_mac("net_null0", mac) < 0, "none");
}

static void
test_sysfs_root(void)
{
	unsetenv(MANAFO_SYSFS_ENV);
	CHECK(strcmp(manafo_azure_sysfs(""), "/sys") == 0, "default");
	setenv(MANAFO_SYSFS_ENV, "/tmp/env-sys", 1);
	CHECK(strcmp(manafo_azure_sysfs(""), "/tmp/env-sys") == 0, "environment");
	CHECK(strcmp(manafo_azure_sysfs("/tmp/arg-sys"), "/tmp/arg-sys") == 0, "devarg wins");
	unsetenv(MANAFO_SYSFS_ENV);
}

/* ---- with EAL ---- */

static char logpath[] = "/tmp/manafo-azure-log-XXXXXX";

/* The log so far (the control thread writes it too: read the file, not the stream). */
static char *
log_read(void)
{
	static char buf[1 << 20];
	FILE *f = fopen(logpath, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static bool
log_wait(const char *needle, unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms; t += 10) {
		if (strstr(log_read(), needle) != NULL)
			return true;
		usleep(10000);
	}
	printf("log so far:\n%s\n", log_read());
	return false;
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

static uint64_t
forward(uint16_t port, unsigned int rounds)
{
	struct rte_mbuf *pkts[32];
	uint64_t sent = 0;
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, 32);
		uint16_t s = rte_eth_tx_burst(port, 0, pkts, n);

		rte_pktmbuf_free_bulk(pkts + s, n - s);
		sent += s;
	}
	return sent;
}

/* vf(auto) with an empty tree: the probe succeeds, the port runs on synth alone. */
static void
test_eal_vf_auto(struct rte_mempool *mp)
{
	char *root = new_tree("eal");
	struct rte_pmd_manafo_state st;
	struct rte_ether_addr ea;
	char args[512], m[18];
	uint16_t port, synth;
	uint64_t sent;
	int ret;

	mkdirs("%s/bus/pci/devices", root);
	/* The synthetic path first: vf(auto) looks for its MAC (no mac= given). */
	ret = rte_vdev_init("net_null_az0", NULL);
	CHECK(ret == 0 && rte_eth_dev_get_port_by_name("net_null_az0", &synth) == 0 &&
	      rte_eth_macaddr_get(synth, &ea) == 0, "synthetic port");
	manafo_azure_mac_str(ea.addr_bytes, m, sizeof(m));
	snprintf(args, sizeof(args), "vf(auto),synth(net_null_az0),sysfs=%s,hotplug_poll_ms=20",
		 root);
	ret = rte_vdev_init("net_manafo_az0", args);
	CHECK(ret == 0, "probe of \"%s\": %d", args, ret);
	if (ret != 0)
		goto out;
	CHECK(rte_eth_dev_get_port_by_name("net_manafo_az0", &port) == 0, "manafo port");
	CHECK(strstr(log_read(), "vf(auto): no MANA VF with MAC") != NULL &&
	      strstr(log_read(), m) != NULL, "no-match line names MAC %s", m);
	CHECK(strstr(log_read(), "starting on the synthetic path") != NULL, "starts on synth");
	CHECK(start_port(port, mp) == 0, "start");
	sent = forward(port, 100);
	CHECK(rte_pmd_manafo_state_get(port, &st) == 0, "state");
	CHECK(sent > 0 && st.tx_path == RTE_PMD_MANAFO_PATH_SYNTH &&
	      st.vf.state == RTE_PMD_MANAFO_SUB_ABSENT && st.synth.tx_packets == sent &&
	      st.tx_refused == 0, "forwarding on synth alone: sent %" PRIu64 ", path %d, vf %d, "
	      "synth tx %" PRIu64, sent, st.tx_path, st.vf.state, st.synth.tx_packets);

	/* The VF appears in the tree: a poll finds it, waits for its IB device... */
	add_mana(root, "7870:00:00.0", "enP30832s1", m);
	CHECK(log_wait("vf(auto): MANA VF 7870:00:00.0 (interface enP30832s1, MAC ", 2000) &&
	      strstr(log_read(), "appeared after") != NULL, "appeared later");
	CHECK(log_wait("vf 7870:00:00.0: MANA IB device not registered yet", 2000),
	      "IB wait logged");
	/* ...then probes "<bdf>,mac=<MAC>" (no PCI bus here: that probe fails, polls go on). */
	add_ib(root, "7870:00:00.0", "mana_0");
	CHECK(log_wait("vf 7870:00:00.0: IB device mana_0 registered", 2000), "IB ready logged");
	CHECK(log_wait("vf 7870:00:00.0: probe failed", 2000), "probe attempted");
	sent = forward(port, 100);
	CHECK(rte_pmd_manafo_state_get(port, &st) == 0 && sent > 0 && st.tx_refused == 0 &&
	      st.tx_path == RTE_PMD_MANAFO_PATH_SYNTH, "still forwarding on synth");
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_vdev_uninit("net_manafo_az0");
out:
	rte_vdev_uninit("net_null_az0");
	rm_tree(root);
}

/*
 * A MANA VF comes back at a new PCI address: its RTE_DEV_EVENT_ADD (the
 * application runs the device-event monitor) starts discovery at once
 * instead of at the next poll, here ten minutes away.
 */
static void
test_eal_add_event(struct rte_mempool *mp)
{
	char *root = new_tree("add");
	struct rte_ether_addr ea;
	char args[512], m[18];
	uint64_t t0, waited;
	uint16_t port, synth;
	int ret;

	mkdirs("%s/bus/pci/devices", root);
	ret = rte_vdev_init("net_null_az3", NULL);
	CHECK(ret == 0 && rte_eth_dev_get_port_by_name("net_null_az3", &synth) == 0 &&
	      rte_eth_macaddr_get(synth, &ea) == 0, "synthetic port");
	manafo_azure_mac_str(ea.addr_bytes, m, sizeof(m));
	snprintf(args, sizeof(args), "vf(auto),synth(net_null_az3),sysfs=%s,"
		 "hotplug_poll_ms=600000", root);
	ret = rte_vdev_init("net_manafo_az3", args);
	CHECK(ret == 0 && rte_eth_dev_get_port_by_name("net_manafo_az3", &port) == 0,
	      "probe of \"%s\": %d", args, ret);
	if (ret != 0)
		goto out;
	CHECK(start_port(port, mp) == 0, "start");
	add_mana(root, "7872:00:00.0", "enP30834s1", m);
	add_ib(root, "7872:00:00.0", "mana_2");
	t0 = rte_get_timer_cycles();
	rte_dev_event_callback_process("7872:00:00.0", RTE_DEV_EVENT_ADD);
	ret = log_wait("vf(auto): MANA VF 7872:00:00.0 (interface enP30834s1", 2000);
	waited = (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
	CHECK(ret, "RTE_DEV_EVENT_ADD of an unknown device starts vf(auto) discovery");
	printf("eal: RTE_DEV_EVENT_ADD 7872:00:00.0 -> vf(auto) discovery in %" PRIu64
	       " ms (poll period 600000 ms): %s\n", waited, ret ? "ok" : "FAIL");
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_vdev_uninit("net_manafo_az3");
out:
	rte_vdev_uninit("net_null_az3");
	rm_tree(root);
}

/* vf(auto) refuses to guess between two VFs at probe; synth(auto) without a match fails. */
static void
test_eal_refusals(void)
{
	char *root = new_tree("refuse");
	char args[512];
	int ret;

	add_mana(root, "7870:00:00.0", "enP30832s1", MAC_A);
	add_mana(root, "7871:00:00.0", "enP30833s1", MAC_A);
	add_ib(root, "7870:00:00.0", "mana_0");
	snprintf(args, sizeof(args), "vf(auto),synth(net_null_az1),mac=%s,sysfs=%s", MAC_A, root);
	ret = rte_vdev_init("net_manafo_az1", args);
	CHECK(ret != 0 && strstr(log_read(), "vf(auto): 2 MANA VFs have MAC " MAC_A
				 ": 7870:00:00.0 (enP30832s1) and 7871:00:00.0 (enP30833s1)") !=
	      NULL, "two VFs refused: %d", ret);
	CHECK(rte_eth_dev_count_total() == 0, "nothing left: %u ports", rte_eth_dev_count_total());

	snprintf(args, sizeof(args), "vf(auto),synth(auto),mac=%s,sysfs=%s", MAC_B, root);
	ret = rte_vdev_init("net_manafo_az2", args);
	CHECK(ret != 0 && strstr(log_read(), "synth(auto): no hv_netvsc interface with MAC "
				 MAC_B) != NULL, "synth(auto) with no match: %d", ret);
	CHECK(rte_eth_dev_count_total() == 0, "nothing left: %u ports", rte_eth_dev_count_total());
	rm_tree(root);
}

int
main(int argc, char **argv)
{
	struct rte_mempool *mp;
	FILE *log;
	int fd;

	test_vf_scan();
	test_vf_appears_later();
	test_ib();
	test_synth_scan();
	test_args();
	test_sysfs_root();
	printf("unit: %d checks, %d failed\n", checks, fails);

	if (rte_eal_init(argc, argv) < 0) {
		printf("FAIL rte_eal_init\n");
		return 1;
	}
	fd = mkstemp(logpath);
	log = fd < 0 ? NULL : fdopen(fd, "w");
	if (log == NULL) {
		printf("FAIL log file\n");
		return 1;
	}
	setvbuf(log, NULL, _IOLBF, 0);
	rte_openlog_stream(log);
	mp = rte_pktmbuf_pool_create("azure_mp", 4096, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL) {
		printf("FAIL mempool\n");
		return 1;
	}
	test_eal_vf_auto(mp);
	test_eal_add_event(mp);
	test_eal_refusals();
	rte_mempool_free(mp);
	rte_openlog_stream(NULL);
	rte_eal_cleanup();
	fclose(log);
	/* The lines an operator would see, for the test log. */
	printf("--- manafo log ---\n%s--- end of log ---\n", log_read());
	if (fails == 0)
		unlink(logpath);
	else
		printf("log kept in %s\n", logpath);
	printf("%d checks, %d failed\n", checks, fails);
	return fails ? 1 : 0;
}
