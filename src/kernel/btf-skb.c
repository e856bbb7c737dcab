// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The offsets of sk_buff, net_device and sock_common that ftnet's packet fetches need, from
 * BTF, and the line `ftnet check` prints about where they came from.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kernel/btf.h"
#include "base/util.h"

#define F(s, m, field) { #s, #m, #s "." #m, offsetof(struct btf_skb_offsets, field) }

static const struct skb_field {
	const char	*sname;
	const char	*member;
	const char	*name;
	size_t		at;	/* of its struct btf_field in struct btf_skb_offsets */
} skb_fields[] = {
	F(sk_buff, head, skb.head),
	F(sk_buff, data, skb.data),
	F(sk_buff, network_header, skb.network_header),
	F(sk_buff, transport_header, skb.transport_header),
	F(sk_buff, mac_header, skb.mac_header),
	F(sk_buff, len, skb.len),
	F(sk_buff, dev, skb.dev),
	F(sk_buff, sk, skb.sk),
	F(net_device, name, dev.name),
	F(net_device, ifindex, dev.ifindex),
	F(net_device, nd_net, dev.nd_net),
	F(sock_common, skc_daddr, sk.skc_daddr),
	F(sock_common, skc_rcv_saddr, sk.skc_rcv_saddr),
	F(sock_common, skc_dport, sk.skc_dport),
	F(sock_common, skc_num, sk.skc_num),
	F(sock_common, skc_family, sk.skc_family),
	F(sock_common, skc_state, sk.skc_state),
	F(sock_common, skc_net, sk.skc_net),
	F(sock_common, skc_v6_daddr, sk.skc_v6_daddr),
	F(sock_common, skc_v6_rcv_saddr, sk.skc_v6_rcv_saddr),
};

int btf_skb_offsets_total(void)
{
	return (int)ARRAY_SIZE(skb_fields);
}

const char *btf_skb_field(const struct btf_skb_offsets *o, int i, const struct btf_field **f)
{
	if (i < 0 || i >= (int)ARRAY_SIZE(skb_fields))
		return NULL;
	*f = (const struct btf_field *)((const char *)o + skb_fields[i].at);
	return skb_fields[i].name;
}

int btf_skb_offsets(const struct btf *btf, struct btf_skb_offsets *o)
{
	const char *sname = NULL;
	int id = -ENOENT, found = 0;

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < ARRAY_SIZE(skb_fields); i++) {
		const struct skb_field *sf = &skb_fields[i];
		struct btf_field *f = (struct btf_field *)((char *)o + sf->at);
		struct btf_member m;
		int r;

		if (!sname || strcmp(sname, sf->sname)) {
			sname = sf->sname;
			id = btf_find_struct(btf, sname);
		}
		if (id < 0)
			continue;
		r = btf_member(btf, (uint32_t)id, sf->member, &m);
		if (r == -EINVAL)
			return r;
		if (r < 0 || m.bit_size)
			continue;	/* absent, or a bitfield: no fetch of whole bytes */
		f->offset = m.offset;
		f->size = m.size;
		f->found = true;
		found++;
	}
	return found;
}

/* Appends the names of the fields not found, as far as the buffer goes. */
static void describe_missing(char *buf, size_t len, size_t n, const struct btf_skb_offsets *o)
{
	const char *sep = ": no ";

	for (int i = 0; i < btf_skb_offsets_total() && n < len; i++) {
		const struct btf_field *f;
		const char *name = btf_skb_field(o, i, &f);
		int w;

		if (f->found)
			continue;
		w = snprintf(buf + n, len - n, "%s%s", sep, name);
		if (w < 0 || (size_t)w >= len - n) {
			buf[n] = '\0';	/* the line stays whole rather than cut in a name */
			return;
		}
		n += (size_t)w;
		sep = ", ";
	}
}

const char *btf_describe(char *buf, size_t len, const char *path, int err,
			 const struct btf_skb_offsets *o)
{
	int found = 0, total = btf_skb_offsets_total(), w;

	if (!len)
		return buf;
	if (!path) {
		snprintf(buf, len, "no BTF: turned off by --btf none");
	} else if (err == -ENOENT && !strcmp(path, BTF_VMLINUX)) {
		snprintf(buf, len, "no BTF: %s is absent (a kernel built without CONFIG_DEBUG_INFO_BTF): give one with --btf FILE",
			 path);
	} else if (err == -ESPIPE && file_not_regular(path)) {
		snprintf(buf, len, "no BTF: '%s' is no BTF file: %s; give a file such as %s", path,
			 file_not_regular(path), BTF_VMLINUX);
	} else if (err == -EINVAL) {
		snprintf(buf, len, "no BTF: '%s' is not a BTF file ftnet can read", path);
	} else if (err < 0) {
		snprintf(buf, len, "no BTF: cannot read '%s': %s", path, strerror(-err));
	} else if (!o) {
		snprintf(buf, len, "BTF %s", path);
	} else {
		for (int i = 0; i < total; i++) {
			const struct btf_field *f;

			btf_skb_field(o, i, &f);
			found += f->found;
		}
		w = snprintf(buf, len, "BTF %s (%d of %d offsets)", path, found, total);
		if (found < total && w > 0 && (size_t)w < len)
			describe_missing(buf, len, (size_t)w, o);
	}
	return buf;
}
