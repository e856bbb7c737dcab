// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NIC's own counters, as 'ethtool -S' reads them: names and values through the
 * SIOCETHTOOL ioctl (ETHTOOL_GSSET_INFO for how many, ETHTOOL_GSTRINGS, ETHTOOL_GSTATS),
 * then the standard ones over netlink (nl-ethtool-std.c).
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nl.h"
#include "base/util.h"

static int ethtool(int fd, const char *dev, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

/* How many statistics the driver has; 0 when none (or no driver statistics at all). */
static uint32_t nstats(int fd, const char *dev)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} s;

	memset(&s, 0, sizeof(s));
	s.hdr.cmd = ETHTOOL_GSSET_INFO;
	s.hdr.sset_mask = 1ULL << ETH_SS_STATS;
	if (ethtool(fd, dev, &s) < 0 || !(s.hdr.sset_mask & (1ULL << ETH_SS_STATS)))
		return 0;
	return s.len;
}

/* One device's statistics appended to *out. */
static void dev_stats(int fd, const char *dev, struct nic_stat **out, size_t *n)
{
	uint32_t k = nstats(fd, dev);
	struct ethtool_gstrings *names;
	struct ethtool_stats *vals;

	if (!k || k > 4096)
		return;
	names = xcalloc(1, sizeof(*names) + (size_t)k * ETH_GSTRING_LEN);
	vals = xcalloc(1, sizeof(*vals) + (size_t)k * sizeof(uint64_t));
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = k;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = k;
	if (ethtool(fd, dev, names) == 0 && ethtool(fd, dev, vals) == 0) {
		k = names->len < vals->n_stats ? names->len : vals->n_stats;
		*out = xrealloc(*out, (*n + k + 1) * sizeof(**out));
		for (uint32_t i = 0; i < k; i++) {
			struct nic_stat *s = &(*out)[(*n)++];

			snprintf(s->dev, sizeof(s->dev), "%s", dev);
			snprintf(s->name, sizeof(s->name), "%.*s", ETH_GSTRING_LEN,
				 (const char *)names->data + (size_t)i * ETH_GSTRING_LEN);
			s->value = vals->data[i];
		}
	}
	free(names);
	free(vals);
}

int nic_stats(const struct link_stats *links, size_t nlinks, struct nic_stat **out, size_t *n)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < nlinks; i++)
		dev_stats(fd, links[i].name, out, n);
	close(fd);
	nic_std_stats(links, nlinks, out, n);	/* none where the kernel or driver has none */
	return 0;
}

const struct nic_stat *nic_stat_find(const struct nic_stat *s, size_t n, const char *dev,
				     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s[i].dev, dev) && !strcmp(s[i].name, name))
			return &s[i];
	return NULL;
}
