/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reader of BTF, the kernel's own type information (/sys/kernel/btf/vmlinux), of ftnet's own:
 * struct member offsets and function parameters, without libbpf and without bpf(). Every call
 * returns 0 (or a count, an id) or -errno and never exits; hostile files give -EINVAL.
 */
#ifndef FTNET_BTF_H
#define FTNET_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BTF_VMLINUX	"/sys/kernel/btf/vmlinux"
#define BTF_MAX_SIZE	(256u << 20)	/* refused beyond: vmlinux BTF is a few MB */

struct btf;

/*
 * Reads and checks a raw BTF file (header, sections, every type). 0, -ENOENT (no such file),
 * -EINVAL (not BTF, or BTF that does not hold together), -EFBIG, -ENOMEM, or open/read's -errno.
 */
int btf_open(const char *path, struct btf **out);
/* The same on bytes in memory (copied). */
int btf_parse(const void *data, size_t size, struct btf **out);
void btf_free(struct btf *btf);

/* The number of type ids, void (id 0) included. */
uint32_t btf_type_count(const struct btf *btf);

/* The id of the struct (or union) with that name: > 0, or -ENOENT. */
int btf_find_struct(const struct btf *btf, const char *name);

/*
 * The size in bytes of a type after typedef, const, volatile, restrict and type tags (arrays:
 * elements times count; pointers: the size of long). 0, -EINVAL (no size: void, function,
 * forward declaration; or a broken or looping chain).
 */
int btf_type_size(const struct btf *btf, uint32_t id, uint32_t *size);

/* Where a member lies in its outermost struct. */
struct btf_member {
	uint32_t	offset;		/* bytes: bit_offset / 8 */
	uint32_t	bit_offset;	/* bits from the start of the outermost struct */
	uint32_t	bit_size;	/* 0 unless a bitfield */
	uint32_t	size;		/* bytes of its type, resolved as btf_type_size does */
	uint32_t	type;		/* its type id as declared */
};

/*
 * A member of struct (or union) id by name. Members of anonymous structs and unions are found
 * as the C compiler finds them (sk_buff's len, head, network_header); a path "a.b.c" descends
 * into named struct members. 0, -ENOENT (no such member), -EINVAL (broken BTF).
 */
int btf_member(const struct btf *btf, uint32_t id, const char *path, struct btf_member *m);
/* The same with the struct named: btf_find_struct() then btf_member(). */
int btf_struct_member(const struct btf *btf, const char *sname, const char *path,
		      struct btf_member *m);

/*
 * For the function func (BTF_KIND_FUNC): the index from 0 of its first parameter whose type is
 * a pointer to struct sname (const or not: kprobe's $arg is the index plus 1), with the number
 * of parameters in *nargs (variadic "..." not counted) when the function is found. -ENOENT: no
 * such function; -ESRCH: no such parameter; -EINVAL: broken BTF.
 */
int btf_func_arg(const struct btf *btf, const char *func, const char *sname, int *nargs);

/* One member's place for the packet fetches. */
struct btf_field {
	uint32_t	offset;		/* bytes */
	uint32_t	size;		/* bytes */
	bool		found;
};

/* The members ftnet fetches from an skb, its device and its socket. */
struct btf_skb_offsets {
	struct {
		struct btf_field head, data, network_header, transport_header, mac_header, len,
				 dev, sk;
	} skb;				/* struct sk_buff */
	struct {
		struct btf_field name, ifindex, nd_net;
	} dev;				/* struct net_device */
	struct {
		struct btf_field skc_daddr, skc_rcv_saddr, skc_dport, skc_num, skc_family,
				 skc_state, skc_net, skc_v6_daddr, skc_v6_rcv_saddr;
	} sk;				/* struct sock_common */
};

/*
 * Fills o from BTF (fields not found: found false, offset and size 0). The number of fields
 * found, or -EINVAL (broken BTF).
 */
int btf_skb_offsets(const struct btf *btf, struct btf_skb_offsets *o);
/* The number of fields in struct btf_skb_offsets. */
int btf_skb_offsets_total(void);
/* The field's "struct.member" name and place by index (< btf_skb_offsets_total()). */
const char *btf_skb_field(const struct btf_skb_offsets *o, int i, const struct btf_field **f);

/*
 * One line for `ftnet check`: where the offsets come from ("BTF /sys/kernel/btf/vmlinux (19 of
 * 19 offsets)"), or why there is no BTF, from what btf_open(path) returned in err (path NULL:
 * BTF was turned off with --btf none). o may be NULL. Returns buf.
 */
const char *btf_describe(char *buf, size_t len, const char *path, int err,
			 const struct btf_skb_offsets *o);

#endif
