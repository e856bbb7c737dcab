// SPDX-License-Identifier: GPL-2.0-or-later
/* Messages in the form "ftnet: <what failed>: <why>", allocation that cannot fail, parsers. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/esc.h"
#include "base/util.h"

const char *prog_name = "ftnet";
int verbose;

/*
 * One line on stderr whatever the names in it hold: a task, device or file name with a newline
 * or a terminal escape is printed escaped (base/esc.h), as is a byte that is not UTF-8.
 */
void msg_line(const char *prefix, const char *msg, const char *suffix)
{
	char buf[2048];

	esc_line(buf, sizeof(buf), msg);
	fflush(stdout);
	fprintf(stderr, "%s: %s%s%s\n", prog_name, prefix, buf, suffix);
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg_line(prefix, msg, "");
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	exit(code);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	return ERR_FAIL;
}

int error_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	return ERR_USAGE;
}

int error_errno(const char *fmt, ...)
{
	char msg[1024], suffix[128];
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(suffix, sizeof(suffix), ": %s", strerror(e));
	msg_line("", msg, suffix);
	errno = e;
	return ERR_FAIL;
}

void exit_if_error(int ret)
{
	if (ret == ERR_USAGE)
		exit(EXIT_USAGE);
	if (ret < 0)
		exit(EXIT_FAIL);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("note: ", fmt, ap);
	va_end(ap);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(EXIT_FAIL, "out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		die(EXIT_FAIL, "out of memory allocating %zu x %zu bytes", n, sz);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(EXIT_FAIL, "out of memory allocating %zu bytes", n);
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

const char *file_not_regular(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
		return NULL;
	if (S_ISDIR(st.st_mode))
		return "it is a directory";
	if (S_ISFIFO(st.st_mode))
		return "it is a pipe (FIFO)";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "it is a device";
	return S_ISSOCK(st.st_mode) ? "it is a socket" : "it is not a regular file";
}

unsigned long meminfo_kb(const char *field)
{
	char *buf = read_file("/proc/meminfo", NULL), *line, *save = NULL;
	size_t n = strlen(field);
	unsigned long kb = 0;

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line && !kb;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = strtoul(line + n + 1, NULL, 10);
	free(buf);
	return kb;
}

char *read_file(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	struct stat st;
	char *buf;
	ssize_t r;
	int fd;

	/* non-blocking: opening a FIFO must not wait for a writer before fstat says what it is */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;

		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : S_ISREG(st.st_mode) ? e : ESPIPE;
		return NULL;
	}
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int netns_enter(const char *spec)
{
	char path[512];
	const char *p = spec;
	int fd, ret = 0;

	while (*p >= '0' && *p <= '9')
		p++;
	if (!*spec)
		return -ENOENT;
	if (!*p)	/* all digits: a process's namespace */
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
	else if (strchr(spec, '/'))
		return -EINVAL;
	else
		snprintf(path, sizeof(path), "/run/netns/%s", spec);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
