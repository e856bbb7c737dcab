// SPDX-License-Identifier: GPL-2.0-or-later
/* Drops' packets: a pcap filter on their rebuilt headers, and a pcapng file of them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/dropsink.h"
#include "net/pcapng.h"
#include "net/pkt.h"
#include "base/util.h"

struct dropsink {
	struct pkt_filter	*filter;
	struct pcapng		*w;
	int			fd;
	char			*path, *tmp;
	int			err;	/* first write error */
	unsigned long		written;
};

static int open_file(struct dropsink *d, const char *path, char *err, size_t size)
{
	size_t n = strlen(path) + 32;

	d->path = xstrdup(path);
	d->tmp = xmalloc(n);
	snprintf(d->tmp, n, "%s.tmp.%d", path, (int)getpid());
	d->fd = open(d->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (d->fd < 0) {
		snprintf(err, size, "cannot write '%s': %s", path, strerror(errno));
		return -errno;
	}
	d->w = pcapng_open(d->fd, "ftnet " PACKAGE_VERSION);
	/* interface 0: raw IP, the drops' headers; 1: Ethernet, for ARP's frames */
	if (!d->w || pcapng_interface(d->w, PCAPNG_LINKTYPE_RAW, 2 * 64 + 16, "drops") < 0 ||
	    pcapng_interface(d->w, PCAPNG_LINKTYPE_ETHERNET, 2 * 64 + 16 + 14, "drops-arp") < 0) {
		snprintf(err, size, "cannot write '%s': %s", path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

struct dropsink *dropsink_new(const char *filter, const char *path, char *err, size_t size)
{
	struct dropsink *d = xcalloc(1, sizeof(*d));

	d->fd = -1;
	if (filter && !(d->filter = pkt_filter_new(filter, err, size))) {
		dropsink_close(d);
		return NULL;
	}
	if (path && open_file(d, path, err, size) < 0) {
		dropsink_close(d);
		return NULL;
	}
	return d;
}

bool dropsink_match(const struct dropsink *d, const struct ftnet_event *ev)
{
	if (!d || !d->filter)
		return true;
	if (ev->type != EV_DROP || !ev->pkt || !ev->pkt_len)
		return false;	/* headers unknown: never a match, never a guess */
	if (ev->pkt_eth)
		return pkt_filter_match_frame(d->filter, ev->pkt, ev->pkt_len, ev->pkt_wirelen);
	return pkt_filter_match(d->filter, ev->pkt, ev->pkt_len, ev->pkt_wirelen);
}

int dropsink_write(struct dropsink *d, const struct ftnet_event *ev, const char *location)
{
	char comment[256];
	int ret;

	if (!d || !d->w || d->err || ev->type != EV_DROP || !ev->pkt || !ev->pkt_len)
		return d && d->err ? -d->err : 0;
	snprintf(comment, sizeof(comment), "%s %s dev %s netns %" PRIu32,
		 ev->reason_name ? ev->reason_name : "drop", location, ev->dev[0] ? ev->dev : "-",
		 ev->netns);
	ret = pcapng_packet(d->w, ev->pkt_eth ? 1 : 0, ev->ts, ev->pkt, ev->pkt_len,
			    ev->pkt_wirelen > ev->pkt_len ? ev->pkt_wirelen : ev->pkt_len, comment);
	if (ret < 0) {
		d->err = -ret;
		return ret;
	}
	d->written++;
	return 0;
}

unsigned long dropsink_written(const struct dropsink *d)
{
	return d ? d->written : 0;
}

int dropsink_close(struct dropsink *d)
{
	int ret = 0;

	if (!d)
		return 0;
	if (d->w && (ret = pcapng_close(d->w)) == 0 && d->err)
		ret = -d->err;
	if (d->fd >= 0 && !ret && (fsync(d->fd) < 0 || close(d->fd) < 0))
		ret = -errno;
	else if (d->fd >= 0 && ret)
		close(d->fd);
	if (d->tmp && d->fd >= 0 && !ret && rename(d->tmp, d->path) < 0)
		ret = -errno;
	if (d->tmp && d->fd >= 0 && ret)
		unlink(d->tmp);
	if (d->filter)
		pkt_filter_free(d->filter);
	free(d->path);
	free(d->tmp);
	free(d);
	return ret;
}
