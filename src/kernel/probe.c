/*
 * kprobes in the system "ftnet", for kernels without the tracepoints a group prefers. They are
 * global (kprobe_events), enabled per instance, and removed when no instance uses them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <tracefs.h>
#include <unistd.h>

#include "kernel/koffs.h"
#include "kernel/probe.h"
#include "kernel/tfs.h"
#include "base/util.h"

const char *probe_arg_reg(const char *arch, int n)
{
	static const char *x86_64[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
	static const char *arm64[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" };

	if (n < 1 || n > 6)
		return NULL;
	if (!strcmp(arch, "x86_64"))
		return x86_64[n - 1];
	if (!strcmp(arch, "aarch64") || !strcmp(arch, "arm64"))
		return arm64[n - 1];
	return NULL;
}

const char *probe_return_address(const char *arch)
{
	if (!strcmp(arch, "x86_64"))
		return "$stack0";	/* the call pushed it: the top of the stack at entry */
	if (!strcmp(arch, "aarch64") || !strcmp(arch, "arm64"))
		return "%x30";		/* the link register */
	return NULL;
}

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

int probe_v6_offset(void)
{
	/* possible_net_t skc_net is empty without CONFIG_NET_NS; /proc/self/ns/net tells */
	return access("/proc/self/ns/net", F_OK) == 0 || errno != ENOENT ? PROBE_V6_NETNS :
	       PROBE_V6_NO_NETNS;
}

bool probe_kprobes_supported(void)
{
	return tracefs_file_exists(NULL, "kprobe_events");
}

bool probe_argn_supported(void)
{
	static int known = -1;	/* the README does not change: read it once per run */
	const char *force = getenv("FTNET_KPROBE_ARGS");
	char *readme;

	if (known >= 0)
		return known;
	/* as on kernels without $argN: the calling convention's registers (for the tests) */
	if (force && !strcmp(force, "registers"))
		return (known = 0);
	readme = tracefs_instance_file_read(NULL, "README", NULL);
	if (readme)
		known = strstr(readme, "$arg<N>") != NULL;
	free(readme);
	return known > 0;
}

static bool func_in_kallsyms(const char *func)
{
	size_t n = strlen(func);
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return false;
	/* "ffffffff81234560 t tcp_v4_send_reset" (maybe "\t[module]" after it) */
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, ' ');

		if (!name || (name[1] != 't' && name[1] != 'T') || name[2] != ' ')
			continue;
		name += 3;
		found = !strncmp(name, func, n) && (name[n] == '\n' || name[n] == '\t' ||
						     name[n] == '\0');
	}
	fclose(f);
	return found;
}

/* Each function is looked up once per run: the groups ask again and again. */
bool probe_func_exists(const char *func)
{
	static struct { char func[64]; bool found; } memo[128];
	static size_t nmemo;
	bool found;

	for (size_t i = 0; i < nmemo; i++)
		if (!strcmp(memo[i].func, func))
			return memo[i].found;
	found = func_in_kallsyms(func);
	/* a missing kallsyms (no /proc yet) is not remembered: it may be mounted later */
	if (nmemo < ARRAY_SIZE(memo) && strlen(func) < sizeof(memo[0].func) &&
	    access("/proc/kallsyms", R_OK) == 0) {
		strcpy(memo[nmemo].func, func);
		memo[nmemo++].found = found;
	}
	return found;
}

static bool probe_exists(const char *event)
{
	return tracefs_event_file_exists(NULL, PROBE_SYSTEM, event, "format");
}

bool probe_usable(const struct probe_def *d)
{
	struct utsname u;
	char fetch[1024];

	uname(&u);
	return probe_func_exists(d->func) &&
	       probe_format(d, probe_argn_supported(), u.machine, probe_v6_offset(), fetch,
			    sizeof(fetch)) == 0;
}

int probe_create(const struct probe_def *d, char *err, size_t errlen)
{
	struct utsname u;
	char fetch[1024];
	int ret;

	if (probe_exists(d->event))
		return 0;
	uname(&u);
	if (!probe_func_exists(d->func)) {
		snprintf(err, errlen, "this kernel has no function '%s' to probe (renamed or "
			 "inlined in this build)", d->func);
		return -ENOENT;
	}
	if (probe_format(d, probe_argn_supported(), u.machine, probe_v6_offset(), fetch,
			 sizeof(fetch)) < 0) {
		snprintf(err, errlen, "no $argN in this kernel and no register table for '%s', "
			 "or a struct offset ftnet does not know ('ftnet check')", u.machine);
		return -EINVAL;
	}
	tracefs_instance_file_clear(NULL, "error_log");
	ret = tracefs_kprobe_raw(PROBE_SYSTEM, d->event, d->func, fetch);
	if (ret < 0) {
		char *log = tracefs_error_last(NULL);

		ret = errno ? -errno : -EINVAL;
		snprintf(err, errlen, "the kernel refused 'p:%s/%s %s %s': %s", PROBE_SYSTEM,
			 d->event, d->func, fetch, log && *log ? log : strerror(-ret));
		free(log);
		return ret;
	}
	return 0;
}

/* "-:ftnet/NAME" to kprobe_events; the kernel refuses (EBUSY) while it is enabled anywhere. */
static int remove_event(const char *event)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "-:%s/%s\n", PROBE_SYSTEM, event);
	if (tracefs_instance_file_append(NULL, "kprobe_events", cmd) < 0)
		return errno == ENOENT ? 0 : -EBUSY;
	return 0;
}

int probe_remove(const struct probe_def *d)
{
	if (!probe_exists(d->event))
		return 0;
	return remove_event(d->event);
}

/* Enabled in the top level or in any instance? */
static bool enabled_anywhere(const char *event)
{
	char path[1024];
	struct dirent *de;
	bool on = false;
	DIR *d;

	if (tfs_event_enabled(NULL, PROBE_SYSTEM, event) == 1)
		return true;
	snprintf(path, sizeof(path), "%s/instances", tracefs_tracing_dir());
	d = opendir(path);
	if (!d)
		return false;
	while (!on && (de = readdir(d))) {
		struct tracefs_instance *inst;

		if (de->d_name[0] == '.')
			continue;
		inst = tracefs_instance_alloc(NULL, de->d_name);
		if (inst) {
			on = tfs_event_enabled(inst, PROBE_SYSTEM, event) == 1;
			tracefs_instance_free(inst);
		}
	}
	closedir(d);
	return on;
}

/* Every ftnet/ probe in kprobe_events ("p:ftnet/NAME func args" lines). */
static int walk(bool remove, int *busy)
{
	char *text = tracefs_instance_file_read(NULL, "kprobe_events", NULL), *line, *save;
	char prefix[32];
	int n = 0;

	if (busy)
		*busy = 0;
	if (!text)
		return 0;
	snprintf(prefix, sizeof(prefix), ":%s/", PROBE_SYSTEM);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ev = strstr(line, prefix), *end;

		if (!ev || (line[0] != 'p' && line[0] != 'r'))
			continue;
		ev += strlen(prefix);
		end = strchr(ev, ' ');
		if (end)
			*end = '\0';
		if (enabled_anywhere(ev)) {
			if (busy)
				(*busy)++;
		} else if (!remove || remove_event(ev) == 0) {
			n++;
		} else if (busy) {
			(*busy)++;
		}
	}
	free(text);
	return n;
}

int probe_sweep(int *busy)
{
	return walk(true, busy);
}

int probe_stale(void)
{
	return walk(false, NULL);
}
