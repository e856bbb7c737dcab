/* Struct offsets for the probes: BTF first, the stable head of sock_common without it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "koffs.h"
#include "util.h"

static const char *btf_opt;	/* --btf */
static struct btf *btf;
static struct btf_skb_offsets skb;
static int btf_err, nfound;
static bool loaded;

void koffs_configure(const char *opt)
{
	btf_opt = opt;
}

static const char *btf_path(void)
{
	if (btf_opt && !strcmp(btf_opt, "none"))
		return NULL;
	return btf_opt ? btf_opt : BTF_VMLINUX;
}

static void load(void)
{
	const char *path = btf_path();

	if (loaded)
		return;
	loaded = true;
	if (!path)
		return;
	btf_err = btf_open(path, &btf);
	if (btf_err < 0)
		return;
	nfound = btf_skb_offsets(btf, &skb);
	if (nfound < 0) {
		btf_err = nfound;
		btf_free(btf);
		btf = NULL;
	}
}

/* Without BTF: the head of struct sock_common, the same on 64-bit kernels since 3.x. */
static int builtin(const char *name, long *off)
{
	static const struct { const char *name; long off; } head[] = {
		{ "skc_daddr", 0 }, { "skc_rcv_saddr", 4 }, { "skc_dport", 12 }, { "skc_num", 14 },
		{ "skc_family", 16 }, { "skc_state", 18 },
	};
	/* IPv6 addresses just past skc_net, which is empty without CONFIG_NET_NS */
	bool netns = access("/proc/self/ns/net", F_OK) == 0 || errno != ENOENT;

	if (strncmp(name, "sock_common.", 12))
		return -ENOENT;
	name += 12;
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		if (!strcmp(name, head[i].name)) {
			*off = head[i].off;
			return 0;
		}
	if (!strcmp(name, "skc_v6_daddr") || !strcmp(name, "skc_v6_rcv_saddr")) {
		*off = (netns ? 56 : 48) + (name[7] == 'r' ? 16 : 0);
		return 0;
	}
	return -ENOENT;
}

int koffs_lookup(const char *name, long *off)
{
	const char *dot = strchr(name, '.');
	char sname[64];
	struct btf_member m;

	load();
	if (!dot || dot - name >= (long)sizeof(sname))
		return -ENOENT;
	snprintf(sname, sizeof(sname), "%.*s", (int)(dot - name), name);
	if (btf && !btf_struct_member(btf, sname, dot + 1, &m) && !m.bit_size) {
		*off = m.offset;
		return 0;
	}
	return btf ? -ENOENT : builtin(name, off);
}

const char *koffs_describe(char *buf, size_t size)
{
	load();
	if (btf)
		return btf_describe(buf, size, btf_path(), 0, &skb);
	btf_describe(buf, size, btf_path(), btf_err, NULL);
	snprintf(buf + strlen(buf), size - strlen(buf), "; socket fields from the head of "
		 "sock_common, stable on 64-bit kernels");
	return buf;
}

bool koffs_packets(char *why, size_t size)
{
	load();
	if (btf && skb.skb.head.found && skb.skb.data.found && skb.skb.network_header.found &&
	    skb.skb.transport_header.found && skb.skb.len.found)
		return true;
	if (btf)
		snprintf(why, size, "the BTF in '%s' lacks sk_buff's header offsets", btf_path());
	else
		btf_describe(why, size, btf_path(), btf_err, NULL);
	return false;
}

int koffs_skb_arg(const char *func)
{
	int nargs, i;

	load();
	if (!btf)
		return -ENOENT;
	i = btf_func_arg(btf, func, "sk_buff", &nargs);
	return i < 0 ? i : i + 1;
}

int koffs_check(char *why, size_t size)
{
	load();
	if (!btf_opt || !strcmp(btf_opt, "none") || btf)
		return 0;
	btf_describe(why, size, btf_opt, btf_err, NULL);
	return btf_err;
}
