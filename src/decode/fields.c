// SPDX-License-Identifier: GPL-2.0-or-later
/* A record's fields read by their format, and the addresses the network events carry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "decode-int.h"
#include "kernel/groups.h"
#include "kernel/probe.h"
#include "base/util.h"

unsigned long long field_u64(const struct tep_format_field *f, const void *data)
{
	const unsigned char *p = (const unsigned char *)data + f->offset;

	switch (f->size) {
	case 1: return *p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
	return 0;
}

long long field_s64(const struct tep_format_field *f, const void *data)
{
	unsigned long long v = field_u64(f, data);

	if (!(f->flags & TEP_FIELD_IS_SIGNED))
		return (long long)v;
	switch (f->size) {
	case 1: return (int8_t)v;
	case 2: return (int16_t)v;
	case 4: return (int32_t)v;
	}
	return (long long)v;
}

void field_str(const struct tep_format_field *f, const struct tep_record *rec, char *dst,
	       size_t size)
{
	unsigned int off = f->offset, len = f->size;
	size_t n;

	dst[0] = '\0';
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		uint32_t loc;

		if ((unsigned int)f->offset + 4 > (unsigned int)rec->size)
			return;
		memcpy(&loc, (const char *)rec->data + f->offset, 4);
		off = loc & 0xffff;
		len = loc >> 16;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
	}
	if (off >= (unsigned int)rec->size)
		return;
	if (off + len > (unsigned int)rec->size)
		len = rec->size - off;
	n = strnlen((const char *)rec->data + off, len);
	if (n >= size)
		n = size - 1;
	memcpy(dst, (const char *)rec->data + off, n);
	dst[n] = '\0';
}

static int is_v4_mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a, pfx, 12);
}

void v4_mapped_settle(struct ftnet_event *ev)
{
	if (ev->family == AF_INET6 && is_v4_mapped(ev->saddr) && is_v4_mapped(ev->daddr)) {
		ev->family = AF_INET;
		memmove(ev->saddr, ev->saddr + 12, 4);
		memmove(ev->daddr, ev->daddr + 12, 4);
		memset(ev->saddr + 4, 0, 12);
		memset(ev->daddr + 4, 0, 12);
	}
}

/* sockaddr_in / sockaddr_in6 stored as bytes (6.10+ tcp_send_reset): family host order, port BE. */
static void sockaddr_decode(const uint8_t *sa, uint16_t *family, uint8_t *addr, uint16_t *port)
{
	uint16_t fam, p;

	memcpy(&fam, sa, 2);
	memcpy(&p, sa + 2, 2);
	*port = ntohs(p);
	*family = fam;
	if (fam == AF_INET6)
		memcpy(addr, sa + 8, 16);
	else
		memcpy(addr, sa + 4, 4);
}

void decode_addrs(const struct evfields *f, const void *data, struct ftnet_event *ev)
{
	const uint8_t *d = data;

	if (f->saddr && f->saddr->size >= 16 && f->daddr) {
		sockaddr_decode(d + f->saddr->offset, &ev->family, ev->saddr, &ev->sport);
		sockaddr_decode(d + f->daddr->offset, &ev->family, ev->daddr, &ev->dport);
		if (ev->family != AF_INET && ev->family != AF_INET6)
			ev->family = 0;
		return;
	}
	if (f->sport)
		ev->sport = field_u64(f->sport, data);
	if (f->dport)
		ev->dport = field_u64(f->dport, data);
	if (f->family) {
		ev->family = field_u64(f->family, data);
	} else if (f->saddr_v6 && f->daddr_v6) {
		/* No family field (before 5.x): v4 sockets store v4-mapped v6 addresses. */
		ev->family = AF_INET6;	/* and the mapped ones turn into v4 below */
	} else {
		ev->family = AF_INET;
	}
	if (ev->family == AF_INET6 && f->saddr_v6 && f->daddr_v6) {
		memcpy(ev->saddr, d + f->saddr_v6->offset, 16);
		memcpy(ev->daddr, d + f->daddr_v6->offset, 16);
		v4_mapped_settle(ev);
	} else if (ev->family == AF_INET && f->saddr && f->daddr && f->saddr->size == 4) {
		memcpy(ev->saddr, d + f->saddr->offset, 4);
		memcpy(ev->daddr, d + f->daddr->offset, 4);
	} else if (ev->family != AF_INET && ev->family != AF_INET6) {
		ev->family = 0;
	}
}

const char *symtab_name(const struct symtab *t, long long v)
{
	if (!t->by_value || v < 0 || v > t->max)
		return NULL;
	return t->by_value[v];
}
