// SPDX-License-Identifier: GPL-2.0-or-later
/* Struct offsets for the probes: BTF first, the stable head of sock_common without it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/btf.h"
#include "kernel/calibrate.h"
#include "kernel/koffs.h"
#include "kernel/probe.h"
#include "base/util.h"

static const char *btf_opt;	/* --btf */
static struct btf *btf;
static struct btf_skb_offsets skb;
static int btf_err, nfound;
static bool loaded;
/* without BTF, where kprobes exist: sk_buff's offsets found by calibrate.c, tried once */
static struct calib cal;
static int cal_state;	/* 0 not tried, 1 found, -1 failed (cal_why) */
static char cal_why[256];

static bool calibrated(void)
{
	if (!cal_state) {
		cal_state = probe_kprobes_supported() && calibrate_skb(&cal, cal_why,
									sizeof(cal_why)) == 0 ? 1 : -1;
		if (cal_state < 0 && !cal_why[0])
			snprintf(cal_why, sizeof(cal_why), "no kprobes to calibrate with");
	}
	return cal_state > 0;
}

/* sk_buff's members calibration found; -ENOENT for the rest (dev, sk: never guessed). */
static int from_calibration(const char *member, long *off)
{
	const struct { const char *name; int *at; } m[] = {
		{ "head", &cal.head }, { "data", &cal.data },
		{ "network_header", &cal.network_header },
		{ "transport_header", &cal.transport_header }, { "mac_header", &cal.mac_header },
		{ "len", &cal.len },
	};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		if (!strcmp(member, m[i].name) && *m[i].at >= 0) {
			*off = *m[i].at;
			return 0;
		}
	return -ENOENT;
}

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
	if (btf)
		return -ENOENT;
	if (!strcmp(sname, "sk_buff"))
		return calibrated() ? from_calibration(dot + 1, off) : -ENOENT;
	return builtin(name, off);
}

/* "sk_buff head 200, data 208, ...": what the drop probes read, to compare BTF's and ours. */
static void skb_values(char *buf, size_t size)
{
	static const char *const names[] = { "head", "data", "network_header", "transport_header",
					     "mac_header", "len" };
	size_t n = strlen(buf);

	n += (size_t)snprintf(buf + n, size - n, "; sk_buff");
	for (size_t i = 0; i < ARRAY_SIZE(names) && n < size; i++) {
		char full[64];
		long off;

		snprintf(full, sizeof(full), "sk_buff.%s", names[i]);
		if (koffs_lookup(full, &off) == 0)
			n += (size_t)snprintf(buf + n, size - n, " %s %ld", names[i], off);
	}
}

const char *koffs_describe(char *buf, size_t size)
{
	load();
	if (btf) {
		btf_describe(buf, size, btf_path(), 0, &skb);
		skb_values(buf, size);
		return buf;
	}
	btf_describe(buf, size, btf_path(), btf_err, NULL);
	snprintf(buf + strlen(buf), size - strlen(buf), "; socket fields from the head of sock_common, stable on 64-bit kernels");
	if (probe_kprobes_supported() && calibrated()) {
		snprintf(buf + strlen(buf), size - strlen(buf), "; calibrated with loopback SYNs");
		skb_values(buf, size);
	} else if (probe_kprobes_supported()) {
		snprintf(buf + strlen(buf), size - strlen(buf), "; %s", cal_why);
	}
	return buf;
}

bool koffs_packets(char *why, size_t size)
{
	load();
	if (btf && skb.skb.head.found && skb.skb.data.found && skb.skb.network_header.found &&
	    skb.skb.transport_header.found && skb.skb.len.found)
		return true;
	if (btf) {
		snprintf(why, size, "the BTF in '%s' lacks sk_buff's header offsets", btf_path());
		return false;
	}
	if (calibrated())
		return true;
	btf_describe(why, size, btf_path(), btf_err, NULL);
	snprintf(why + strlen(why), size - strlen(why), "; %s", cal_why);
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

bool koffs_from_btf(void)
{
	load();
	return btf != NULL;
}
