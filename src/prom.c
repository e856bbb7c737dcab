/* A Prometheus text file built in a temporary file next to the target and renamed over it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"
#include "util.h"

struct prom {
	FILE	*f;
	char	*path;
	char	*tmp;
};

struct prom *prom_open(const char *path)
{
	struct prom *p = xcalloc(1, sizeof(*p));
	size_t n = strlen(path) + 32;

	p->path = xstrdup(path);
	p->tmp = xmalloc(n);
	/* same directory: rename() is atomic only within one file system */
	snprintf(p->tmp, n, "%s.tmp.%d", path, (int)getpid());
	p->f = fopen(p->tmp, "we");
	if (!p->f) {
		int e = errno;

		free(p->path);
		free(p->tmp);
		free(p);
		errno = e;
		return NULL;
	}
	return p;
}

void prom_family(struct prom *p, const char *name, const char *type, const char *help)
{
	fprintf(p->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

void prom_sample(struct prom *p, const char *name, uint64_t value, const char *const *labels)
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
	fprintf(p->f, " %" PRIu64 "\n", value);
}

int prom_commit(struct prom *p)
{
	int ret = 0;

	if (fflush(p->f) || fsync(fileno(p->f)))
		ret = -errno;
	if (fclose(p->f) && !ret)
		ret = -errno;
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
