// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcapng writer: blocks in host byte order (the section header's byte-order magic says which),
 * options padded to 32 bits, buffered and written with every error returned to the caller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/pcapng.h"

#define BT_SHB		0x0A0D0D0A
#define BT_IDB		0x00000001
#define BT_EPB		0x00000006
#define BYTE_ORDER_MAGIC 0x1A2B3C4D

#define OPT_END		0
#define OPT_COMMENT	1
#define SHB_USERAPPL	4
#define IF_NAME		2
#define IF_TSRESOL	9

#define BUF_SIZE	(64 * 1024)
#define MAX_IFACES	256

struct pcapng {
	int		fd;
	int		err;		/* the first write error, returned from then on */
	uint32_t	nifaces;
	uint32_t	snaplen[MAX_IFACES];
	size_t		used;
	uint8_t		buf[BUF_SIZE];
};

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int pcapng_flush(struct pcapng *w)
{
	int ret;

	if (w->err)
		return w->err;
	ret = write_all(w->fd, w->buf, w->used);
	w->used = 0;
	if (ret < 0)
		w->err = ret;
	return ret;
}

/* Appends to the buffer, flushing it when full; what is larger than the buffer goes directly. */
static void put(struct pcapng *w, const void *p, size_t n)
{
	if (w->err || !n)
		return;
	if (w->used + n > BUF_SIZE && pcapng_flush(w) < 0)
		return;
	if (n > BUF_SIZE) {
		w->err = write_all(w->fd, p, n);
		return;
	}
	memcpy(w->buf + w->used, p, n);
	w->used += n;
}

static void put32(struct pcapng *w, uint32_t v)
{
	put(w, &v, 4);
}

static void put_opt(struct pcapng *w, uint16_t code, const void *v, uint16_t len)
{
	static const uint8_t zero[4];

	put(w, &code, 2);
	put(w, &len, 2);
	put(w, v, len);
	put(w, zero, pad4(len) - len);
}

/* An option's room: code, length, value padded. */
static uint32_t opt_size(size_t len)
{
	return 4 + pad4((uint32_t)len);
}

static int section(struct pcapng *w, const char *app)
{
	size_t alen = app ? strlen(app) : 0;
	uint32_t total = 24 + (alen ? opt_size(alen) : 0) + 4 + 4;
	uint64_t section_len = UINT64_MAX;	/* not given */
	uint16_t version[2] = { 1, 0 };

	if (alen > 0xffff)
		return -EINVAL;
	put32(w, BT_SHB);
	put32(w, total);
	put32(w, BYTE_ORDER_MAGIC);
	put(w, version, 4);
	put(w, &section_len, 8);
	if (alen)
		put_opt(w, SHB_USERAPPL, app, (uint16_t)alen);
	put_opt(w, OPT_END, NULL, 0);
	put32(w, total);
	return w->err;
}

struct pcapng *pcapng_open(int fd, const char *app)
{
	struct pcapng *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return NULL;
	w->fd = fd;
	ret = section(w, app);
	if (ret < 0) {
		free(w);
		errno = -ret;
		return NULL;
	}
	return w;
}

int pcapng_interface(struct pcapng *w, uint16_t linktype, uint32_t snaplen, const char *name)
{
	size_t nlen = name ? strlen(name) : 0;
	uint32_t total = 16 + (nlen ? opt_size(nlen) : 0) + opt_size(1) + 4 + 4;
	uint16_t reserved = 0;
	uint8_t tsresol = 9;

	if (w->err)
		return w->err;
	if (w->nifaces == MAX_IFACES || nlen > 0xffff)
		return -EINVAL;
	put32(w, BT_IDB);
	put32(w, total);
	put(w, &linktype, 2);
	put(w, &reserved, 2);
	put32(w, snaplen);
	if (nlen)
		put_opt(w, IF_NAME, name, (uint16_t)nlen);
	put_opt(w, IF_TSRESOL, &tsresol, 1);
	put_opt(w, OPT_END, NULL, 0);
	put32(w, total);
	if (w->err)
		return w->err;
	w->snaplen[w->nifaces] = snaplen;
	return (int)w->nifaces++;
}

int pcapng_packet(struct pcapng *w, uint32_t ifid, uint64_t ts_ns, const void *data,
		  uint32_t caplen, uint32_t len, const char *comment)
{
	static const uint8_t zero[4];
	size_t clen = comment ? strlen(comment) : 0;
	uint64_t total;

	if (w->err)
		return w->err;
	if (ifid >= w->nifaces || caplen > len || clen > 0xffff ||
	    (w->snaplen[ifid] && caplen > w->snaplen[ifid]))
		return -EINVAL;
	total = 28 + (uint64_t)pad4(caplen) + (clen ? opt_size(clen) + 4 : 0) + 4;
	if (total > UINT32_MAX)
		return -EINVAL;
	put32(w, BT_EPB);
	put32(w, (uint32_t)total);
	put32(w, ifid);
	put32(w, (uint32_t)(ts_ns >> 32));
	put32(w, (uint32_t)ts_ns);
	put32(w, caplen);
	put32(w, len);
	put(w, data, caplen);
	put(w, zero, pad4(caplen) - caplen);
	if (clen) {
		put_opt(w, OPT_COMMENT, comment, (uint16_t)clen);
		put_opt(w, OPT_END, NULL, 0);
	}
	put32(w, (uint32_t)total);
	return w->err;
}

int pcapng_close(struct pcapng *w)
{
	int ret;

	if (!w)
		return 0;
	ret = pcapng_flush(w);
	free(w);
	return ret;
}
