// SPDX-License-Identifier: GPL-2.0-or-later
/* A Prometheus text file built in a temporary file next to the target and renamed over it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/esc.h"
#include "base/prom.h"
#include "base/util.h"

struct prom {
	FILE	*f;
	char	*path;
	char	*tmp;
	char	*mem;		/* prom_open_mem: the text */
	size_t	memlen;
	bool	om;		/* OpenMetrics: counter families without _total, # EOF */
};

/* Only a regular file (or nothing yet) is replaced: never a device, a FIFO or a symlink. */
static int target_ok(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -EEXIST;
}

const char *prom_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == EEXIST)
		return "not a regular file (ftnet replaces only a regular file, or makes a new one)";
	return strerror(err);
}

struct prom *prom_open(const char *path)
{
	struct prom *p;
	size_t n = strlen(path) + 32;
	int fd, ret = target_ok(path);

	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->tmp = xmalloc(n);
	/* same directory: rename() is atomic only within one file system */
	snprintf(p->tmp, n, "%s.tmp.%d", path, (int)getpid());
	/* a new file of our own: O_EXCL follows no link planted under the temporary name */
	fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	p->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!p->f) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		free(p->path);
		free(p->tmp);
		free(p);
		errno = e;
		return NULL;
	}
	return p;
}

struct prom *prom_open_mem(bool openmetrics)
{
	struct prom *p = xcalloc(1, sizeof(*p));

	p->om = openmetrics;
	p->f = open_memstream(&p->mem, &p->memlen);
	if (!p->f) {
		free(p);
		return NULL;
	}
	return p;
}

char *prom_take(struct prom *p, size_t *len)
{
	char *text;

	if (p->om)
		fputs("# EOF\n", p->f);
	if (fclose(p->f)) {
		free(p->mem);
		free(p);
		return NULL;
	}
	text = p->mem;
	*len = p->memlen;
	free(p);
	return text;
}

void prom_family(struct prom *p, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);

	/* OpenMetrics names a counter's family without the _total its samples carry */
	if (p->om && !strcmp(type, "counter") && n > 6 && !strcmp(name + n - 6, "_total"))
		n -= 6;
	fprintf(p->f, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name, type);
}

/* Escaped (base/esc.h): one name that is not UTF-8 must not make a scraper reject the page. */
static void label_value(FILE *f, const char *v)
{
	char buf[256], *e = buf;
	size_t n = esc_prom(NULL, 0, v) + 1;

	if (n > sizeof(buf))
		e = xmalloc(n);
	esc_prom(e, n, v);
	fputs(e, f);
	if (e != buf)
		free(e);
}

static void sample_name(struct prom *p, const char *name, const char *const *labels)
{
	fputs(name, p->f);
	if (labels && labels[0]) {
		fputc('{', p->f);
		for (int i = 0; labels[i]; i += 2) {
			fprintf(p->f, "%s%s=\"", i ? "," : "", labels[i]);
			label_value(p->f, labels[i + 1] ? labels[i + 1] : "");
			fputc('"', p->f);
		}
		fputc('}', p->f);
	}
}

void prom_sample(struct prom *p, const char *name, uint64_t value, const char *const *labels)
{
	sample_name(p, name, labels);
	fprintf(p->f, " %" PRIu64 "\n", value);
}

/* Not %g: a double of today's time in seconds has 7 digits after the point, %.9g had none. */
const char *prom_seconds(uint64_t ns, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%" PRIu64 ".%09" PRIu64, ns / 1000000000, ns % 1000000000);

	while (n > 0 && (size_t)n < size && buf[n - 1] == '0')
		buf[--n] = 0;
	if (n > 0 && (size_t)n < size && buf[n - 1] == '.')
		buf[--n] = 0;
	return buf;
}

void prom_sample_ns(struct prom *p, const char *name, uint64_t ns, const char *const *labels)
{
	char buf[32];

	sample_name(p, name, labels);
	fprintf(p->f, " %s\n", prom_seconds(ns, buf, sizeof(buf)));
}

int prom_commit(struct prom *p)
{
	int ret = 0;

	if (fflush(p->f) || fsync(fileno(p->f)))
		ret = -errno;
	if (fclose(p->f) && !ret)
		ret = -errno;
	if (!ret)
		ret = target_ok(p->path);	/* it may have been replaced during the run */
	if (!ret && rename(p->tmp, p->path) < 0)
		ret = -errno;
	if (ret)
		unlink(p->tmp);
	free(p->tmp);
	free(p->path);
	free(p);
	return ret;
}

void prom_discard(struct prom *p)
{
	fclose(p->f);
	unlink(p->tmp);
	free(p->path);
	free(p->tmp);
	free(p);
}
