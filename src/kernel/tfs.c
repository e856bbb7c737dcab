// SPDX-License-Identifier: GPL-2.0-or-later
/* tracefs side of ftnet: mounting, instances, events, filters and per-CPU buffer statistics. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "kernel/tfs.h"
#include "base/util.h"

#define TRACEFS_PATH "/sys/kernel/tracing"

static bool tracefs_mounted_at(char *out, size_t outlen)
{
	char dev[256], dir[4096], type[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/mounts", "re");
	if (!f)
		return false;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "tracefs")) {
			snprintf(out, outlen, "%s", dir);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

int tfs_mount(const char **path)
{
	static char dir[4096];

	if (!tracefs_mounted_at(dir, sizeof(dir))) {
		/* never debugfs: integrity lockdown blocks it; tracefs works alone */
		if (mount("nodev", TRACEFS_PATH, "tracefs", 0, NULL) < 0) {
			int err = errno;
			bool now = false;

			/* another ftnet started at the same moment may be mounting it: wait 200 ms */
			for (int i = 0; i < 10 && !(now = tracefs_mounted_at(dir, sizeof(dir))); i++)
				usleep(20000);
			if (!now)
				return -err;
		} else {
			snprintf(dir, sizeof(dir), "%s", TRACEFS_PATH);
		}
	}
	if (tracefs_set_tracing_dir(dir) < 0)
		return -EIO;
	if (path)
		*path = dir;
	return 0;
}

int tfs_instance_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 64 || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return -EINVAL;
	return 0;
}

int tfs_buffer_percent(struct tracefs_instance *inst, int pct)
{
	char v[16];

	if (!tracefs_file_exists(inst, "buffer_percent"))
		return -ENOENT;
	snprintf(v, sizeof(v), "%d", pct);
	return tracefs_instance_file_write(inst, "buffer_percent", v) < 0 ? -EIO : 0;
}

bool tfs_instance_reserved(const char *name)
{
	static const char *const kinds[] = { "agg", "calib", "capture", "count", "diagnose",
					     "follow", "record", "selftest", "serve", "top" };
	const char *p;

	if (strncmp(name, "ftnet-", 6))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i]);

		if (strncmp(name + 6, kinds[i], n) || name[6 + n] != '-')
			continue;
		for (p = name + 7 + n; *p >= '0' && *p <= '9'; p++)
			;
		if (p > name + 7 + n && !*p)
			return true;
	}
	return false;
}

bool tfs_instance_exists(const char *name)
{
	return tracefs_instance_exists(name);
}

struct tracefs_instance *tfs_instance_open(const char *name, bool create, bool *created)
{
	struct tracefs_instance *inst;

	if (created)
		*created = false;
	if (tracefs_instance_exists(name))
		return tracefs_instance_alloc(NULL, name);
	if (!create) {
		errno = ENOENT;
		return NULL;
	}
	inst = tracefs_instance_create(name);
	if (!inst)
		return NULL;
	if (created)
		*created = tracefs_instance_is_new(inst);
	return inst;
}

/* "[local] global mono mono_raw" has the word "mono" (maybe in brackets) */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		char before = p == list ? ' ' : p[-1], after = p[n];

		if ((before == ' ' || before == '[') &&
		    (after == ' ' || after == ']' || after == '\n' || after == '\0'))
			return true;
	}
	return false;
}

bool tfs_instance_clock_is(struct tracefs_instance *inst, const char *clock)
{
	char *clocks = tracefs_instance_file_read(inst, "trace_clock", NULL);
	char want[32];
	bool ok;

	snprintf(want, sizeof(want), "[%s]", clock);
	ok = clocks && strstr(clocks, want);
	free(clocks);
	return ok;
}

int tfs_instance_setup(struct tracefs_instance *inst, unsigned long kb)
{
	char *clocks = tracefs_instance_file_read(inst, "trace_clock", NULL);

	/* mono: the clock user space can read too (CLOCK_MONOTONIC), for --time wall */
	/* a write resets the buffer: only when the clock is not mono already */
	if (clocks && has_word(clocks, "mono") && !strstr(clocks, "[mono]"))
		tracefs_instance_file_write(inst, "trace_clock", "mono");
	free(clocks);
	/* wake readers on the first event, not at 50% full */
	if (tracefs_file_exists(inst, "buffer_percent") &&
	    tracefs_instance_file_write(inst, "buffer_percent", "0") < 0)
		return -errno ? -errno : -EIO;
	if (kb && tracefs_instance_set_buffer_size(inst, kb, -1) < 0)
		return -errno ? -errno : -EIO;
	return 0;
}

int tfs_instance_remove(struct tracefs_instance *inst)
{
	int ret;

	/* tracefs_instance_destroy also disables every event before the rmdir */
	ret = tracefs_instance_destroy(inst);
	tracefs_instance_free(inst);
	return ret < 0 ? -EBUSY : 0;
}

int tfs_disable_all(struct tracefs_instance *inst)
{
	return tracefs_event_disable(inst, NULL, NULL) < 0 ? (errno ? -errno : -EIO) : 0;
}

int tfs_event_enabled(struct tracefs_instance *inst, const char *sys, const char *name)
{
	char *s;
	int on;

	if (!tracefs_event_file_exists(inst, sys, name, "enable"))
		return -ENOENT;
	s = tracefs_event_file_read(inst, sys, name, "enable", NULL);
	if (!s)
		return -errno ? -errno : -EIO;
	on = s[0] == '1';
	free(s);
	return on;
}

int tfs_event_set(struct tracefs_instance *inst, const char *sys, const char *name, bool on)
{
	int ret = on ? tracefs_event_enable(inst, sys, name) : tracefs_event_disable(inst, sys, name);

	return ret < 0 ? (errno ? -errno : -EIO) : 0;
}

/*
 * The kernel's last error_log entry as one line: its message and the position its caret marks
 * in the command ("[ 1.2] event filter parse error: error: Field not found\n  Command: x > 1\n
 * ^" gives "Field not found at position 3").
 */
static void error_log_text(struct tracefs_instance *inst, char *err, size_t errlen)
{
	char *log = tracefs_error_last(inst), *msg, *cmd, *caret, *eol;
	long pos = -1;

	if (!log || !*log) {
		snprintf(err, errlen, "the kernel rejected the expression (no error_log text)");
		free(log);
		return;
	}
	msg = strstr(log, "error: ");
	msg = msg ? msg + 7 : log;
	if (msg != log && strstr(msg, "error: "))
		msg = strstr(msg, "error: ") + 7;
	cmd = strstr(log, "Command: ");
	eol = cmd ? strchr(cmd, '\n') : NULL;
	caret = eol ? strchr(eol, '^') : NULL;
	if (caret) {
		char *line = cmd;

		while (line > log && line[-1] != '\n')
			line--;
		/* columns: where the command starts on its line, where the caret is on the next */
		pos = (caret - (eol + 1)) - (cmd + 9 - line);
	}
	eol = strchr(msg, '\n');
	if (eol)
		*eol = 0;
	if (pos >= 0)
		snprintf(err, errlen, "%s at position %ld", msg, pos + 1);
	else
		snprintf(err, errlen, "%s", msg);
	free(log);
}

int tfs_filter_set(struct tracefs_instance *inst, const char *sys, const char *name,
		   const char *expr, char *err, size_t errlen)
{
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!expr)
		expr = "0";
	/* clear the old error log so the message we report belongs to this write */
	tracefs_instance_file_clear(inst, "error_log");
	ret = tracefs_event_file_write(inst, sys, name, "filter", expr);
	if (ret < 0) {
		ret = errno ? -errno : -EINVAL;
		if (err)
			error_log_text(inst, err, errlen);
		return ret;
	}
	return 0;
}

char *tfs_filter_get(struct tracefs_instance *inst, const char *sys, const char *name)
{
	char *s = tracefs_event_file_read(inst, sys, name, "filter", NULL);
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	if (!strcmp(s, "none")) {
		free(s);
		return NULL;
	}
	return s;
}

bool tfs_any_enabled(struct tracefs_instance *inst)
{
	char *s = tracefs_instance_file_read(inst, "set_event", NULL);
	bool any = s && *s;

	free(s);
	return any;
}

int tfs_cpu_stats(struct tracefs_instance *inst, int cpu, struct tfs_cpu_stats *st)
{
	char file[64], *s, *line;

	memset(st, 0, sizeof(*st));
	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	s = tracefs_instance_file_read(inst, file, NULL);
	if (!s)
		return -errno ? -errno : -EIO;
	for (line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long v;

		if (sscanf(line, "entries: %llu", &v) == 1)
			st->entries = v;
		else if (sscanf(line, "overrun: %llu", &v) == 1)
			st->overrun = v;
		else if (sscanf(line, "dropped events: %llu", &v) == 1)
			st->dropped = v;
		else if (sscanf(line, "read events: %llu", &v) == 1)
			st->read_events = v;
	}
	free(s);
	return 0;
}

/*
 * A tep handle with the formats of the given systems only. libtracefs's loader also parses
 * kallsyms, printk formats and cmdlines, which costs seconds on big kernels; we need none.
 */
struct tep_handle *tfs_tep_load(const char *const *systems)
{
	struct tep_handle *tep = tep_alloc();
	char path[4096], *text;
	size_t len;

	if (!tep)
		return NULL;
	tep_set_long_size(tep, sizeof(long));
	tep_set_file_bigendian(tep, (enum tep_endian)tep_is_bigendian());
	tep_set_local_bigendian(tep, (enum tep_endian)tep_is_bigendian());
	snprintf(path, sizeof(path), "%s/events/header_page", tracefs_tracing_dir());
	text = read_file(path, &len);
	if (text) {
		tep_parse_header_page(tep, text, len, sizeof(long));
		free(text);
	}
	for (int s = 0; systems[s]; s++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "%s/events/%s", tracefs_tracing_dir(), systems[s]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')	/* "enable", "filter": no format, skipped */
				tfs_tep_add(tep, systems[s], de->d_name);
		closedir(d);
	}
	return tep;
}

int tfs_tep_add(struct tep_handle *tep, const char *sys, const char *name)
{
	char path[4096], *text;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", tracefs_tracing_dir(), sys, name);
	text = read_file(path, &len);
	if (!text)
		return -1;
	ret = tep_parse_event(tep, text, len, sys);
	free(text);
	return ret ? -1 : 0;
}

int tfs_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (int)n : 1;
}

bool tfs_tracing_on(struct tracefs_instance *inst)
{
	char *s = tracefs_instance_file_read(inst, "tracing_on", NULL);
	bool on = !s || atoi(s) != 0;	/* unreadable: say nothing */

	free(s);
	return on;
}

const char *tfs_strerror(int err)
{
	static char buf[160];

	if (err < 0)
		err = -err;
	if (err == EACCES || err == EPERM)
		snprintf(buf, sizeof(buf), "%s: ftnet needs root (CAP_SYS_ADMIN) to change tracefs",
			 strerror(err));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(err));
	return buf;
}

struct tep_handle *tfs_tep_load_net(void)
{
	static const char *const systems[] = { "skb", "net", "tcp", "sock", "ftnet", NULL };
	struct tep_handle *tep = tfs_tep_load(systems);

	if (!tep)
		return NULL;
	/* udp:udp_fail_queue_rcv_skb tells the flow of a datagram dropped next (drops) */
	tfs_tep_add(tep, "udp", "udp_fail_queue_rcv_skb");
	/* the comm names' events (src/source/session.c), where the kernel has them */
	tfs_tep_add(tep, "task", "task_rename");
	tfs_tep_add(tep, "sched", "sched_process_fork");
	tfs_tep_add(tep, "sched", "sched_process_exit");
	/* the icmp group's one event, where the kernel has it (6.8+) */
	tfs_tep_add(tep, "icmp", "icmp_send");
	return tep;
}
