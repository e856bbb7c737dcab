// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kprobes in the system "ftnet", for kernels without the tracepoints a group prefers: their
 * definitions written out for this kernel (offsets from koffs, arguments, registers). They are
 * global (kprobe_events), enabled per instance, and removed when no instance uses them.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <tracefs.h>
#include <unistd.h>

#include "kernel/koffs.h"
#include "kernel/probe.h"
#include "kernel/kprobe.h"
#include "kernel/tfs.h"
#include "base/util.h"

/* "sock_common.skc_v6_daddr+8" -> the number, from koffs (BTF, or the stable defaults). */
static int offset_arg(const char *name, size_t len, char *out, size_t size)
{
	char buf[96], *plus;
	long off, add = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, name, len);
	buf[len] = 0;
	plus = strchr(buf, '+');
	if (plus) {
		*plus = 0;
		add = atol(plus + 1);
	}
	if (koffs_lookup(buf, &off) < 0)
		return -ENOENT;
	snprintf(out, size, "%ld", off + add);
	return 0;
}

/* One fetch argument ("name=+8($A1):u32") written out for this kernel into buf. */
static int format_token(const struct probe_def *d, const char *p, const char *stop, bool argn,
			const char *arch, int v6off, char *buf, size_t size)
{
	size_t o = 0;

	for (; p < stop; p++) {
		char arg[16];
		const char *rep = NULL;

		if (p[0] == '$' && p[1] == '{') {	/* ${struct.member} or ${struct.member+N} */
			const char *end = strchr(p, '}');
			int ret;

			if (!end)
				return -EINVAL;
			ret = offset_arg(p + 2, (size_t)(end - p - 2), arg, sizeof(arg));
			if (ret < 0)
				return ret;
			rep = arg;
			p = end;
		} else if (p[0] == '$' && p[1] == 'S') {	/* the skb argument, from BTF */
			int n = koffs_skb_arg(d->func);

			if (n < 1)
				return -ENOENT;
			if (argn)
				snprintf(arg, sizeof(arg), "$arg%d", n);
			else if (probe_arg_reg(arch, n))
				snprintf(arg, sizeof(arg), "%s", probe_arg_reg(arch, n));
			else
				return -EINVAL;
			rep = arg;
			p += 1;
		} else if (p[0] == '$' && p[1] == 'R') {	/* the return address, at entry */
			if (!(rep = probe_return_address(arch)))
				return -ENOENT;
			p += 1;
		} else if (p[0] == '$' && p[1] == 'V' && p[2] >= '0' && p[2] <= '3') {
			snprintf(arg, sizeof(arg), "%d", v6off + 8 * (p[2] - '0'));
			rep = arg;
			p += 2;
		} else if (p[0] == '$' && p[1] == 'A' && p[2] >= '1' && p[2] <= '6') {
			int n = p[2] - '0';

			if (argn) {
				snprintf(arg, sizeof(arg), "$arg%d", n);
				rep = arg;
			} else if (!(rep = probe_arg_reg(arch, n))) {
				return -EINVAL;
			}
			p += 2;
		}
		if (rep) {
			size_t l = strlen(rep);

			if (o + l >= size)
				return -ENOSPC;
			memcpy(buf + o, rep, l);
			o += l;
		} else {
			if (o + 1 >= size)
				return -ENOSPC;
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
	return 0;
}
int probe_format(const struct probe_def *d, bool argn, const char *arch, int v6off, char *buf,
		 size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (const char *p = d->fetch; *p;) {
		const char *stop = p + strcspn(p, " ");
		bool optional = *p == '?';	/* left out where an offset is not known */
		int ret;

		if (o && o + 1 < size)
			buf[o++] = ' ';
		ret = format_token(d, p + optional, stop, argn, arch, v6off, buf + o, size - o);
		if (ret == -ENOENT && optional) {
			if (o)
				o--;	/* and its separator */
		} else if (ret < 0) {
			return ret;
		} else {
			o += strlen(buf + o);
		}
		buf[o] = '\0';
		p = *stop ? stop + 1 : stop;
	}
	return 0;
}

#define CALLER_NOT "${caller_not:"

int probe_filter_format(const struct probe_def *d, const char *kallsyms, char *buf, size_t size)
{
	const char *f = d->filter, *at = f ? strstr(f, CALLER_NOT) : NULL, *func, *close;
	char name[128];
	uint64_t start, end;
	int ret, n;

	if (!at) {
		snprintf(buf, size, "%s", f ? f : "");
		return 0;
	}
	func = at + strlen(CALLER_NOT);
	close = strchr(func, '}');
	if (!close || (size_t)(close - func) >= sizeof(name))
		return -EINVAL;
	memcpy(name, func, (size_t)(close - func));
	name[close - func] = '\0';
	ret = probe_func_range(kallsyms, name, &start, &end);
	if (ret < 0)
		return ret;
	n = snprintf(buf, size, "%.*s(ret_ip < 0x%" PRIx64 " || ret_ip >= 0x%" PRIx64 ")%s",
		     (int)(at - f), f, start, end, close + 1);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int probe_filter(const struct probe_def *d, const char **filter)
{
	/* kernel text does not move while ftnet runs: each probe's filter is written once */
	static struct { const struct probe_def *d; int ret; char text[160]; } memo[8];
	static size_t nmemo;
	size_t i;

	*filter = d->filter;
	if (!d->filter || !strstr(d->filter, CALLER_NOT))
		return 0;
	for (i = 0; i < nmemo && memo[i].d != d; i++)
		;
	if (i == nmemo) {
		if (nmemo == ARRAY_SIZE(memo))
			return -ENOSPC;
		memo[i].d = d;
		memo[i].ret = probe_filter_format(d, "/proc/kallsyms", memo[i].text,
						  sizeof(memo[i].text));
		/* no /proc yet: not remembered, it may be mounted later */
		if (memo[i].ret != -ENOENT || access("/proc/kallsyms", R_OK) == 0)
			nmemo++;
	}
	if (memo[i].ret == 0)
		*filter = memo[i].text;
	return memo[i].ret;
}

bool probe_usable(const struct probe_def *d)
{
	struct utsname u;
	char fetch[1024];
	const char *filter;

	uname(&u);
	return probe_func_exists(d->func) &&
	       probe_format(d, probe_argn_supported(), u.machine, probe_v6_offset(), fetch,
			    sizeof(fetch)) == 0 && probe_filter(d, &filter) == 0;
}

int probe_create(const struct probe_def *d, char *err, size_t errlen)
{
	struct utsname u;
	char fetch[1024];

	if (probe_exists(d->event))
		return 0;
	uname(&u);
	if (!probe_func_exists(d->func)) {
		snprintf(err, errlen, "this kernel has no function '%s' to probe (renamed or inlined in this build)",
			 d->func);
		return -ENOENT;
	}
	if (probe_format(d, probe_argn_supported(), u.machine, probe_v6_offset(), fetch,
			 sizeof(fetch)) < 0) {
		snprintf(err, errlen, "no $argN in this kernel and no register table for '%s', or a struct offset ftnet does not know ('ftnet check')",
			 u.machine);
		return -EINVAL;
	}
	return probe_register(d->event, d->func, fetch, err, errlen);
}


int probe_remove(const struct probe_def *d)
{
	return probe_remove_event(d->event);
}
