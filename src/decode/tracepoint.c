// SPDX-License-Identifier: GPL-2.0-or-later
/* Any tracepoint's fields, read by its format: what SYSTEM:EVENT shows and keys on. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "decode-int.h"

const struct tep_format_field *tp_first(const struct ftnet_event *ev)
{
	const struct tep_event *e = ev->tp;

	return e ? e->format.fields : NULL;
}

const struct tep_format_field *tp_next(const struct tep_format_field *f)
{
	return f->next;
}

const struct tep_format_field *tp_find(const struct ftnet_event *ev, const char *name)
{
	for (const struct tep_format_field *f = tp_first(ev); f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

const char *tp_name(const struct ftnet_event *ev, char *buf, size_t size)
{
	const struct tep_event *e = ev->tp;

	snprintf(buf, size, "%s:%s", e ? e->system : "?", e ? e->name : "?");
	return buf;
}

/* Where a field's bytes are in the record: a __data_loc's own offset and length. */
static bool field_span(const struct ftnet_event *ev, const struct tep_format_field *f,
		       uint32_t *off, uint32_t *len)
{
	*off = (uint32_t)f->offset;
	*len = (uint32_t)f->size;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		uint32_t loc;

		if (*off + 4 > ev->size)
			return false;
		memcpy(&loc, (const char *)ev->data + *off, 4);
		*len = loc >> 16;
		*off = (loc & 0xffff) + ((f->flags & TEP_FIELD_IS_RELATIVE) ? *off + 4 : 0);
	}
	return *off <= ev->size && *len <= ev->size - *off;
}

/* char arrays (libtraceevent's IS_STRING also marks u8 ones: addresses, bytes) */
static bool is_string(const struct tep_format_field *f)
{
	return (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)) && strstr(f->type, "char") &&
	       !strstr(f->type, "unsigned char");
}

/* u8 arrays named *addr*: IPv4, IPv6, or a sockaddr (family, port, address). */
static bool addr_value(const uint8_t *p, uint32_t len, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	uint16_t family, port;

	if (len == 4 || len == 16) {
		inet_ntop(len == 4 ? AF_INET : AF_INET6, p, ip, sizeof(ip));
		snprintf(buf, size, "%s", ip);
		return true;
	}
	if (len < 16)
		return false;
	memcpy(&family, p, 2);
	memcpy(&port, p + 2, 2);
	if (family == AF_INET)
		inet_ntop(AF_INET, p + 4, ip, sizeof(ip));
	else if (family == AF_INET6 && len >= 24)
		inet_ntop(AF_INET6, p + 8, ip, sizeof(ip));
	else
		return false;
	snprintf(buf, size, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, ntohs(port));
	return true;
}

int64_t tp_elem(const struct tp_value *v, uint32_t i)
{
	struct tep_format_field f = { .size = (int)v->elsize, .offset = 0,
				      .flags = v->elsigned ? TEP_FIELD_IS_SIGNED : 0 };

	return field_s64(&f, (const char *)v->elems + (size_t)i * v->elsize);
}

static void array_value(const struct ftnet_event *ev, const struct tep_format_field *f,
			uint32_t off, uint32_t len, struct tp_value *v)
{
	const uint8_t *p = (const uint8_t *)ev->data + off;
	size_t n = 0;

	v->elsize = f->elementsize > 0 && f->elementsize <= 8 ? (uint32_t)f->elementsize : 1;
	if (v->elsize == 1 && strstr(f->name, "addr") && addr_value(p, len, v->str, sizeof(v->str))) {
		v->kind = TP_STR;
		return;
	}
	v->kind = TP_ARRAY;
	v->elems = p;
	v->n = len / v->elsize;
	v->elsigned = f->flags & TEP_FIELD_IS_SIGNED;
	n += (size_t)snprintf(v->str, sizeof(v->str), "[");
	for (uint32_t i = 0; i < v->n && n < sizeof(v->str); i++)
		n += (size_t)snprintf(v->str + n, sizeof(v->str) - n, i ? ",%" PRId64 : "%" PRId64,
				      v->elsigned ? tp_elem(v, i) : (int64_t)(uint64_t)tp_elem(v, i));
	if (n < sizeof(v->str))
		snprintf(v->str + n, sizeof(v->str) - n, "]");
}

void tp_value(const struct ftnet_event *ev, const struct tep_format_field *f,
	      struct tp_value *v)
{
	uint32_t off, len;
	const char *sym;

	memset(v, 0, sizeof(*v));
	v->name = f->name;
	v->kind = TP_STR;
	if (!field_span(ev, f, &off, &len)) {
		snprintf(v->str, sizeof(v->str), "?");
		return;
	}
	if (is_string(f)) {
		size_t n = strnlen((const char *)ev->data + off, len);

		snprintf(v->str, sizeof(v->str), "%.*s", (int)n, (const char *)ev->data + off);
		return;
	}
	if (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)) {
		array_value(ev, f, off, len, v);
		return;
	}
	if ((f->flags & TEP_FIELD_IS_POINTER) || strchr(f->type, '*')) {
		snprintf(v->str, sizeof(v->str), "0x%llx", field_u64(f, ev->data));
		return;
	}
	sym = decode_symbol((struct tep_event *)ev->tp, f->name, field_s64(f, ev->data));
	if (sym) {
		snprintf(v->str, sizeof(v->str), "%s", sym);
		return;
	}
	if (f->flags & TEP_FIELD_IS_SIGNED) {
		v->kind = TP_INT;
		v->i = field_s64(f, ev->data);
	} else {
		v->kind = TP_UINT;
		v->u = field_u64(f, ev->data);
	}
}
