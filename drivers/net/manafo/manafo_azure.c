/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_string_fns.h>

#ifdef MANAFO_HAVE_IBVERBS
#include <infiniband/verbs.h>
#endif

#include "manafo.h"
#include "manafo_azure.h"

/*
 * Azure integration (see manafo_azure.h). On Azure the synthetic NIC
 * (VMBus, hv_netvsc) and its MANA VF share one MAC address, as Linux's own
 * pairing of the two does: that MAC is the key of every look-up here.
 * Discovery runs at probe and again at every hot-plug poll of an absent
 * sub-device, because a VF that returns after a PCI remove and rescan may
 * come back at another PCI address.
 */

/* ---- sysfs scans: files only, no EAL (unit-tested on a fake tree) ---- */

const char *
manafo_azure_sysfs(const char *devarg)
{
	const char *env;

	if (devarg != NULL && devarg[0] != '\0')
		return devarg;
	env = getenv(MANAFO_SYSFS_ENV);
	if (env != NULL && env[0] != '\0')
		return env;
	return MANAFO_SYSFS_DEFAULT;
}

void
manafo_azure_mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int
manafo_azure_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int i;

	for (i = 0; i < 6; i++) {
		const char *p = s + i * 3;

		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return -EINVAL;
		if (p[2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		mac[i] = (uint8_t)((isdigit((unsigned char)p[0]) ? p[0] - '0' :
				    tolower((unsigned char)p[0]) - 'a' + 10) << 4 |
				   (isdigit((unsigned char)p[1]) ? p[1] - '0' :
				    tolower((unsigned char)p[1]) - 'a' + 10));
	}
	return 0;
}

/* One line of a sysfs attribute, trailing white space removed. */
static int
read_attr(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
read_attr(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	size_t n;
	FILE *f;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (ret < 0 || (size_t)ret >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

static DIR *
open_dir(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static DIR *
open_dir(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (ret < 0 || (size_t)ret >= sizeof(path))
		return NULL;
	return opendir(path);
}

static bool
is_dot(const struct dirent *de)
{
	return de->d_name[0] == '.';
}

/* Does one interface of <dir>/net/ (a device of bus) have that MAC? */
static bool
dev_iface_with_mac(const char *sysfs, const char *bus, const char *dev, const uint8_t mac[6],
		   char *ifname, size_t len, unsigned int *nb_ifaces, bool *has_net)
{
	struct dirent *de;
	uint8_t got[6];
	char buf[64];
	bool found = false;
	DIR *d;

	d = open_dir("%s/bus/%s/devices/%s/net", sysfs, bus, dev);
	*has_net = d != NULL;
	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		if (is_dot(de))
			continue;
		if (nb_ifaces != NULL)
			(*nb_ifaces)++;
		if (read_attr(buf, sizeof(buf), "%s/bus/%s/devices/%s/net/%s/address", sysfs, bus,
			      dev, de->d_name) != 0 || manafo_azure_mac_parse(buf, got) != 0)
			continue;
		if (memcmp(got, mac, sizeof(got)) == 0) {
			strlcpy(ifname, de->d_name, len);
			found = true;
		}
	}
	closedir(d);
	return found;
}

bool
manafo_azure_is_mana(const char *sysfs, const char *bdf)
{
	char buf[32];

	if (read_attr(buf, sizeof(buf), "%s/bus/pci/devices/%s/vendor", sysfs, bdf) != 0 ||
	    strtoul(buf, NULL, 16) != MANAFO_MANA_VENDOR)
		return false;
	return read_attr(buf, sizeof(buf), "%s/bus/pci/devices/%s/device", sysfs, bdf) == 0 &&
	       strtoul(buf, NULL, 16) == MANAFO_MANA_DEVICE;
}

int
manafo_azure_find_vf(const char *sysfs, const uint8_t mac[6], struct manafo_azure_vf *out)
{
	char ifname[MANAFO_IFNAME_MAX], tmp[MANAFO_BDF_MAX];
	struct dirent *de;
	bool has_net;
	DIR *d;

	memset(out, 0, sizeof(*out));
	d = open_dir("%s/bus/pci/devices", sysfs);
	if (d == NULL)
		return -ENOENT;
	while ((de = readdir(d)) != NULL) {
		if (is_dot(de) || strlen(de->d_name) >= MANAFO_BDF_MAX ||
		    !manafo_azure_is_mana(sysfs, de->d_name))
			continue;
		out->nb_mana++;
		if (!dev_iface_with_mac(sysfs, "pci", de->d_name, mac, ifname, sizeof(ifname),
					&out->nb_ifaces, &has_net))
			continue;
		if (out->nb_match < 2) {
			strlcpy(out->bdf[out->nb_match], de->d_name, MANAFO_BDF_MAX);
			strlcpy(out->ifname[out->nb_match], ifname, MANAFO_IFNAME_MAX);
		}
		out->nb_match++;
	}
	closedir(d);
	/* readdir order: sort the two kept so that logs and tests are stable. */
	if (out->nb_match >= 2 && strcmp(out->bdf[0], out->bdf[1]) > 0) {
		memcpy(tmp, out->bdf[0], sizeof(tmp));
		memcpy(out->bdf[0], out->bdf[1], sizeof(tmp));
		memcpy(out->bdf[1], tmp, sizeof(tmp));
		memcpy(ifname, out->ifname[0], sizeof(ifname));
		memcpy(out->ifname[0], out->ifname[1], sizeof(ifname));
		memcpy(out->ifname[1], ifname, sizeof(ifname));
	}
	return out->nb_match == 0 ? -ENOENT : out->nb_match == 1 ? 0 : -ENOTUNIQ;
}

int
manafo_azure_vf_devargs(const char *bdf, const uint8_t mac[6], char *buf, size_t len)
{
	char m[18];
	int n;

	/* mac= makes the MANA PMD probe this NIC's port only, not every port of the device. */
	manafo_azure_mac_str(mac, m, sizeof(m));
	n = snprintf(buf, len, "%s,mac=%s", bdf, m);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool
manafo_azure_ib_registered(const char *sysfs, const char *bdf, char *ibdev, size_t len)
{
	struct dirent *de;
	bool found = false;
	DIR *d;

	/* mana_ib adds <bdf>/infiniband/<ibdev> once it registered the device. */
	if (len > 0)
		ibdev[0] = '\0';
	d = open_dir("%s/bus/pci/devices/%s/infiniband", sysfs, bdf);
	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		if (is_dot(de))
			continue;
		strlcpy(ibdev, de->d_name, len);
		found = true;
	}
	closedir(d);
	return found;
}

/* The class_id attribute of a netvsc VMBus device, braces and case aside. */
static bool
is_netvsc_class(const char *sysfs, const char *uuid)
{
	char buf[64];
	const char *p = buf;
	size_t n;

	if (read_attr(buf, sizeof(buf), "%s/bus/vmbus/devices/%s/class_id", sysfs, uuid) != 0)
		return false;
	if (*p == '{')
		p++;
	n = strlen(MANAFO_NETVSC_CLASS_ID);
	return strncasecmp(p, MANAFO_NETVSC_CLASS_ID, n) == 0 &&
	       (p[n] == '\0' || (p[n] == '}' && p[n + 1] == '\0'));
}

int
manafo_azure_find_synth(const char *sysfs, const uint8_t mac[6], struct manafo_azure_synth *out)
{
	char ifname[MANAFO_IFNAME_MAX], tmp[MANAFO_UUID_MAX];
	struct dirent *de;
	bool has_net;
	DIR *d;

	/*
	 * VMBus devices, not <sysfs>/class/net: the MANA VF's own interface
	 * has the same MAC, and so does a tap device that copied it.
	 */
	memset(out, 0, sizeof(*out));
	d = open_dir("%s/bus/vmbus/devices", sysfs);
	if (d == NULL)
		return -ENOENT;
	while ((de = readdir(d)) != NULL) {
		if (is_dot(de) || strlen(de->d_name) >= MANAFO_UUID_MAX ||
		    !is_netvsc_class(sysfs, de->d_name))
			continue;
		out->nb_netvsc++;
		if (!dev_iface_with_mac(sysfs, "vmbus", de->d_name, mac, ifname, sizeof(ifname),
					NULL, &has_net)) {
			/* Bound to uio_hv_generic: no interface, its MAC is not in sysfs. */
			if (!has_net)
				out->nb_unbound++;
			continue;
		}
		if (out->nb_match < 2) {
			strlcpy(out->uuid[out->nb_match], de->d_name, MANAFO_UUID_MAX);
			strlcpy(out->ifname[out->nb_match], ifname, MANAFO_IFNAME_MAX);
		}
		out->nb_match++;
	}
	closedir(d);
	if (out->nb_match >= 2 && strcmp(out->uuid[0], out->uuid[1]) > 0) {
		memcpy(tmp, out->uuid[0], sizeof(tmp));
		memcpy(out->uuid[0], out->uuid[1], sizeof(tmp));
		memcpy(out->uuid[1], tmp, sizeof(tmp));
		memcpy(ifname, out->ifname[0], sizeof(ifname));
		memcpy(out->ifname[0], out->ifname[1], sizeof(ifname));
		memcpy(out->ifname[1], ifname, sizeof(ifname));
	}
	return out->nb_match == 0 ? -ENOENT : out->nb_match == 1 ? 0 : -ENOTUNIQ;
}

int
manafo_azure_synth_devargs(unsigned int have, const char *suffix, const char *ifname,
			   char *buf, size_t len)
{
	int n;

	/*
	 * tap first: with remote= it takes the interface's traffic away from
	 * the kernel stack (tc redirect) and copies its MAC address, where an
	 * af_packet socket only shares it (the kernel still answers) and has
	 * one queue pair unless told otherwise.
	 */
	if (have & MANAFO_AZURE_HAVE_TAP)
		n = snprintf(buf, len, "net_tap_%s,remote=%s", suffix, ifname);
	else if (have & MANAFO_AZURE_HAVE_AF_PACKET)
		n = snprintf(buf, len, "net_af_packet_%s,iface=%s", suffix, ifname);
	else
		return -ENOTSUP;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ---- EAL side: called by sub_find()/sub_probe() with the port lock held ---- */

/* Still inside the vdev probe: the port is published by probing_finish. */
static bool
at_probe(const struct manafo_priv *priv)
{
	return priv->dev->state == RTE_ETH_DEV_UNUSED;
}

/* A vdev driver is loaded when the vdev bus can parse a device of that name. */
static bool
vdev_driver_loaded(const char *name)
{
	struct rte_devargs da;
	bool loaded;

	memset(&da, 0, sizeof(da));
	loaded = rte_devargs_parse(&da, name) == 0 && da.bus != NULL &&
		 strcmp(rte_bus_name(da.bus), "vdev") == 0;
	rte_devargs_reset(&da);
	return loaded;
}

/* An ethdev port of the net_netvsc PMD with that MAC, or -1. */
static int
netvsc_port_with_mac(const uint8_t mac[6])
{
	uint16_t pid;

	for (pid = 0; pid < RTE_MAX_ETHPORTS; pid++) {
		struct rte_eth_dev *edev = &rte_eth_devices[pid];
		const struct rte_driver *drv;

		if (!rte_eth_dev_is_valid_port(pid) || edev->device == NULL ||
		    edev->data->mac_addrs == NULL)
			continue;
		drv = rte_dev_driver(edev->device);
		if (drv != NULL && strcmp(rte_driver_name(drv), "net_netvsc") == 0 &&
		    memcmp(edev->data->mac_addrs[0].addr_bytes, mac, 6) == 0)
			return pid;
	}
	return -1;
}

/*
 * The MAC to look for: mac=, else (synth) the vf(...,mac=) one, else (VF)
 * the synthetic path's, learned once: the application may change the
 * port's MAC later, the VF's stays the one Azure gave the NIC.
 */
static int
auto_mac(struct manafo_priv *priv, enum manafo_role role, uint8_t mac[6])
{
	struct manafo_auto_state *st = &priv->args.auto_state[role];
	const struct manafo_sub *synth = &priv->sub[MANAFO_SYNTH];
	struct rte_ether_addr ea;
	char m[18];

	if (priv->args.has_mac) {
		memcpy(mac, priv->args.mac, 6);
		return 0;
	}
	if (role == MANAFO_SYNTH) {
		if (manafo_args_devargs_mac(priv->args.sub_devargs[MANAFO_VF], mac) == 0)
			return 0;
	} else if (st->has_mac) {
		memcpy(mac, st->mac, 6);
		return 0;
	} else if (synth->state != MANAFO_SUB_ABSENT &&
		   rte_eth_macaddr_get(synth->port_id, &ea) == 0 &&
		   !rte_is_zero_ether_addr(&ea)) {
		memcpy(st->mac, ea.addr_bytes, 6);
		st->has_mac = true;
		memcpy(mac, st->mac, 6);
		manafo_azure_mac_str(mac, m, sizeof(m));
		PORT_LOG(priv, INFO, "vf(auto): looking for the MANA VF of MAC %s, the synthetic "
			 "path's (give mac= when that is not the NIC's)", m);
		return 0;
	}
	PORT_LOG(priv, ERR, "%s(auto): no MAC address to look for: give mac=<MAC>",
		 manafo_role_name(role));
	return -EINVAL;
}

/* Say "found" once per attach generation and device, not at every poll. */
static bool
first_sighting(struct manafo_priv *priv, enum manafo_role role, const char *dev)
{
	struct manafo_auto_state *st = &priv->args.auto_state[role];
	uint32_t gen = priv->sub[role].gen;

	if (st->logged && st->logged_gen == gen && strcmp(st->logged_dev, dev) == 0)
		return false;
	st->logged = true;
	st->logged_gen = gen;
	strlcpy(st->logged_dev, dev, sizeof(st->logged_dev));
	return true;
}

static int
discover_vf(struct manafo_priv *priv, const char *sysfs, const uint8_t mac[6], char *devargs,
	    size_t len)
{
	struct manafo_auto_state *st = &priv->args.auto_state[MANAFO_VF];
	bool probe = at_probe(priv);
	struct manafo_azure_vf vf;
	char m[18], later[48] = "";
	int ret;

	manafo_azure_mac_str(mac, m, sizeof(m));
	ret = manafo_azure_find_vf(sysfs, mac, &vf);
	if (ret == -ENOTUNIQ) {
		if (probe || !st->ambiguous_logged)
			PORT_LOG(priv, ERR, "vf(auto): %u MANA VFs have MAC %s: %s (%s) and "
				 "%s (%s); not guessing: give vf(<BDF>,mac=%s)", vf.nb_match, m,
				 vf.bdf[0], vf.ifname[0], vf.bdf[1], vf.ifname[1], m);
		st->ambiguous_logged = true;
		/* At probe: a configuration error. Later: maybe a transition, look again. */
		return probe ? -ENOTUNIQ : -EAGAIN;
	}
	st->ambiguous_logged = false;
	if (ret < 0) {
		PORT_LOG_LVL(priv, st->misses == 0 ? (probe ? RTE_LOG_WARNING : RTE_LOG_INFO) :
			     RTE_LOG_DEBUG, "vf(auto): no MANA VF with MAC %s (%u MANA PCI "
			     "device(s), %u interface(s) under %s/bus/pci/devices); %s every %u ms",
			     m, vf.nb_mana, vf.nb_ifaces, sysfs,
			     probe ? "starting on the synthetic path, looking again" : "looking",
			     priv->args.hotplug_poll_ms);
		st->misses++;
		return -EAGAIN;
	}
	if (first_sighting(priv, MANAFO_VF, vf.bdf[0])) {
		if (st->misses > 0)
			snprintf(later, sizeof(later), " appeared after %u scan(s)", st->misses);
		PORT_LOG(priv, NOTICE, "vf(auto): MANA VF %s (interface %s, MAC %s)%s", vf.bdf[0],
			 vf.ifname[0], m, later[0] != '\0' ? later : " found");
	}
	st->misses = 0;
	ret = manafo_azure_vf_devargs(vf.bdf[0], mac, devargs, len);
	if (ret < 0)
		PORT_LOG_LVL(priv, probe ? RTE_LOG_ERR : RTE_LOG_INFO,
			     "vf(auto): the devargs of MANA VF %s do not fit in %zu bytes: %s",
			     vf.bdf[0], len, rte_strerror(-ret));
	return ret;
}

static int
discover_synth(struct manafo_priv *priv, const char *sysfs, const uint8_t mac[6],
	       char *devargs, size_t len)
{
	struct manafo_auto_state *st = &priv->args.auto_state[MANAFO_SYNTH];
	bool probe = at_probe(priv);
	struct manafo_azure_synth sy;
	unsigned int have = 0;
	const char *suffix = priv->name;
	uint32_t lvl;
	int ret, nvsc;
	char m[18];

	manafo_azure_mac_str(mac, m, sizeof(m));
	ret = manafo_azure_find_synth(sysfs, mac, &sy);
	if (ret == -ENOTUNIQ) {
		if (probe || !st->ambiguous_logged)
			PORT_LOG(priv, ERR, "synth(auto): hv_netvsc interfaces %s (VMBus %s) "
				 "and %s (VMBus %s) both have MAC %s; not guessing: give "
				 "synth(net_tap0,remote=<interface>)", sy.ifname[0], sy.uuid[0],
				 sy.ifname[1], sy.uuid[1], m);
		st->ambiguous_logged = true;
		return probe ? -ENOTUNIQ : -EAGAIN;
	}
	st->ambiguous_logged = false;
	nvsc = netvsc_port_with_mac(mac);
	if (ret < 0) {
		lvl = probe ? RTE_LOG_ERR : st->misses == 0 ? RTE_LOG_INFO : RTE_LOG_DEBUG;
		if (nvsc >= 0)
			/* Its VMBus device is bound to uio_hv_generic: no kernel interface. */
			PORT_LOG_LVL(priv, lvl, "synth(auto): MAC %s belongs to net_netvsc port "
				"%d (%s), not to a kernel interface; manafo does not pick DPDK "
				"22.11's netvsc PMD: it takes the un-owned port of its MAC, the "
				"manafo port, as its VF. Leave that VMBus device on hv_netvsc "
				"(doc: Azure deployment)", m, nvsc,
				rte_dev_name(rte_eth_devices[nvsc].device));
		else
			PORT_LOG_LVL(priv, lvl, "synth(auto): no hv_netvsc interface with MAC %s "
				"(%u netvsc VMBus device(s) under %s/bus/vmbus/devices, %u without "
				"a kernel interface)", m, sy.nb_netvsc, sysfs, sy.nb_unbound);
		st->misses++;
		return probe ? -ENODEV : -EAGAIN;
	}
	if (vdev_driver_loaded("net_tap"))
		have |= MANAFO_AZURE_HAVE_TAP;
	if (vdev_driver_loaded("net_af_packet"))
		have |= MANAFO_AZURE_HAVE_AF_PACKET;
	/* "net_manafo0" -> "net_tap_manafo0": unique while the manafo port lives. */
	if (strncmp(suffix, "net_", 4) == 0)
		suffix += 4;
	ret = manafo_azure_synth_devargs(have, suffix, sy.ifname[0], devargs, len);
	if (ret == -ENOTSUP) {
		PORT_LOG(priv, ERR, "synth(auto): hv_netvsc interface %s has MAC %s, but neither "
			 "net_tap nor net_af_packet is loaded (-d librte_net_tap.so)",
			 sy.ifname[0], m);
		return ret;
	}
	if (ret < 0) {
		PORT_LOG_LVL(priv, probe ? RTE_LOG_ERR : RTE_LOG_INFO,
			     "synth(auto): the devargs for interface %s do not fit in %zu "
			     "bytes: %s",
			     sy.ifname[0], len, rte_strerror(-ret));
		return ret;
	}
	if (ret == 0 && first_sighting(priv, MANAFO_SYNTH, sy.uuid[0]))
		PORT_LOG(priv, NOTICE, "synth(auto): hv_netvsc interface %s (VMBus %s, MAC %s)%s, "
			 "through %s", sy.ifname[0], sy.uuid[0], m,
			 st->misses > 0 ? " appeared" : " found", devargs);
	if (ret == 0 && nvsc >= 0)
		PORT_LOG(priv, WARNING, "synth(auto): net_netvsc port %d has MAC %s too: it takes "
			 "the manafo port as its VF (doc: Azure deployment)", nvsc, m);
	st->misses = 0;
	return ret;
}

int
manafo_azure_discover(struct manafo_priv *priv, enum manafo_role role, char *devargs,
		      size_t len)
{
	const char *sysfs = manafo_azure_sysfs(priv->args.sysfs);
	uint8_t mac[6];
	int ret;

	if (at_probe(priv) && priv->args.auto_state[role].misses == 0)
		PORT_LOG(priv, INFO, "%s(auto): sysfs root %s (%s)", manafo_role_name(role), sysfs,
			 priv->args.sysfs[0] != '\0' ? "sysfs=" :
			 getenv(MANAFO_SYSFS_ENV) != NULL && getenv(MANAFO_SYSFS_ENV)[0] != '\0' ?
			 "$" MANAFO_SYSFS_ENV : "default");
	ret = auto_mac(priv, role, mac);
	if (ret < 0)
		return ret;
	return role == MANAFO_VF ? discover_vf(priv, sysfs, mac, devargs, len) :
				   discover_synth(priv, sysfs, mac, devargs, len);
}

#ifdef MANAFO_HAVE_IBVERBS
/* The name libibverbs gives the IB device of that PCI device ("" if none). */
static void
ibverbs_name(const char *sysfs, const char *bdf, char *name, size_t len)
{
	char path[PATH_MAX], want[PATH_MAX], got[PATH_MAX];
	struct ibv_device **list;
	int i, n = 0;

	name[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs, bdf);
	if (realpath(path, want) == NULL)
		return;
	list = ibv_get_device_list(&n);
	if (list == NULL)
		return;
	/* An IB device's ibdev_path/device is a link to its PCI device. */
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/device", list[i]->ibdev_path);
		if (realpath(path, got) != NULL && strcmp(got, want) == 0) {
			strlcpy(name, ibv_get_device_name(list[i]), len);
			break;
		}
	}
	ibv_free_device_list(list);
}
#endif

int
manafo_azure_vf_ready(struct manafo_priv *priv, enum manafo_role role, const char *devname)
{
	struct manafo_auto_state *st = &priv->args.auto_state[role];
	const char *sysfs = manafo_azure_sysfs(priv->args.sysfs);
	bool probe = at_probe(priv), is_auto = priv->args.sub_auto[role];
	char ibdev[64], verbs[80] = "";
	uint32_t lvl;

	/* Not MANA, or not in sysfs at all: the probe itself says what is wrong. */
	if (!manafo_azure_is_mana(sysfs, devname))
		return 0;
	if (!manafo_azure_ib_registered(sysfs, devname, ibdev, sizeof(ibdev))) {
		/* vf(auto) starts without its VF; a VF given by address must be there. */
		lvl = probe ? (is_auto ? RTE_LOG_WARNING : RTE_LOG_ERR) :
		      st->ib_wait_logged ? RTE_LOG_DEBUG : RTE_LOG_INFO;
		PORT_LOG_LVL(priv, lvl, "%s %s: MANA IB device not registered yet (nothing in "
			     "%s/bus/pci/devices/%s/infiniband/; mana_ib loaded?): %s",
			     manafo_role_name(role), devname, sysfs, devname,
			     !probe ? "skipping this poll" : is_auto ?
			     "starting on the synthetic path" : "it cannot be probed now");
		st->ib_wait_logged = true;
		return -EAGAIN;
	}
#ifdef MANAFO_HAVE_IBVERBS
	{
		char name[64];

		/* libibverbs sees only the real /sys: skip it for a test tree. */
		if (strcmp(sysfs, MANAFO_SYSFS_DEFAULT) == 0) {
			ibverbs_name(sysfs, devname, name, sizeof(name));
			if (name[0] != '\0')
				snprintf(verbs, sizeof(verbs), ", libibverbs: %s", name);
			else
				snprintf(verbs, sizeof(verbs),
					 ", not listed by libibverbs (ib_uverbs loaded?)");
		}
	}
#endif
	PORT_LOG_LVL(priv, st->ib_wait_logged || probe ? RTE_LOG_INFO : RTE_LOG_DEBUG,
		     "%s %s: IB device %s registered%s", manafo_role_name(role), devname, ibdev,
		     verbs);
	st->ib_wait_logged = false;
	return 0;
}
