// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kprobes in the system "ftnet": registered from a written-out definition, removed, swept when a
 * crashed run left them. The groups' definitions are written out by probe.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <tracefs.h>
#include <unistd.h>

#include "base/util.h"
#include "kernel/kprobe.h"
#include "kernel/tfs.h"

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

/* "ffffffff81234560 t name" (maybe "\t[module]" after it): a text symbol's address and name */
static bool text_symbol(char *line, uint64_t *addr, char **name)
{
	char *sp = strchr(line, ' ');

	if (!sp || (sp[1] != 't' && sp[1] != 'T') || sp[2] != ' ')
		return false;
	*addr = strtoull(line, NULL, 16);
	*name = sp + 3;
	(*name)[strcspn(*name, "\t\n")] = '\0';
	return true;
}

int probe_func_range(const char *kallsyms, const char *func, uint64_t *start, uint64_t *end)
{
	char line[512], *name;
	bool found = false;
	uint64_t a;
	FILE *f = fopen(kallsyms, "re");

	if (!f)
		return -errno;
	*start = *end = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (text_symbol(line, &a, &name) && !strcmp(name, func)) {
			*start = a;
			found = true;
		}
	}
	rewind(f);	/* the next text symbol above it ends it, wherever kallsyms lists it */
	while (*start && fgets(line, sizeof(line), f))
		if (text_symbol(line, &a, &name) && a > *start && (!*end || a < *end))
			*end = a;
	fclose(f);
	if (!found)
		return -ENOENT;
	return *start && *end ? 0 : -EPERM;	/* addresses hidden (kptr_restrict): all 0 */
}

bool probe_exists(const char *event)
{
	return tracefs_event_file_exists(NULL, PROBE_SYSTEM, event, "format");
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

int probe_remove_event(const char *event)
{
	if (!probe_exists(event))
		return 0;
	return remove_event(event);
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

int probe_register(const char *event, const char *func, const char *fetch, char *err,
		   size_t errlen)
{
	int ret;

	tracefs_instance_file_clear(NULL, "error_log");
	ret = tracefs_kprobe_raw(PROBE_SYSTEM, event, func, fetch);
	if (ret < 0) {
		char *log = tracefs_error_last(NULL);

		ret = errno ? -errno : -EINVAL;
		snprintf(err, errlen, "the kernel refused 'p:%s/%s %s %s': %s", PROBE_SYSTEM,
			 event, func, fetch, log && *log ? log : strerror(-ret));
		free(log);
		return ret;
	}
	return 0;
}

int probe_arg(int n, char *buf, size_t size)
{
	struct utsname u;

	if (probe_argn_supported()) {
		snprintf(buf, size, "$arg%d", n);
		return 0;
	}
	uname(&u);
	if (!probe_arg_reg(u.machine, n))
		return -EINVAL;
	snprintf(buf, size, "%s", probe_arg_reg(u.machine, n));
	return 0;
}
