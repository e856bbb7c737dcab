// SPDX-License-Identifier: GPL-2.0-or-later
/* Loads the format files recorded from real kernels (tests/data/README says which). */
#include <dirent.h>
#include <event-parse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "base/out.h"
#include "base/util.h"

/* Parses one SYS/NAME/format; -1 when it exists and cannot be parsed. */
static int load_one(struct tep_handle *tep, const char *dir, const char *sys, const char *name,
		    int *loaded)
{
	char path[1024], *text;
	size_t len;
	int bad;

	snprintf(path, sizeof(path), "%s/%s/%s/format", dir, sys, name);
	text = read_file(path, &len);
	if (!text)
		return 0;
	bad = tep_parse_event(tep, text, len, sys);
	free(text);
	if (bad) {
		fprintf(stderr, "cannot parse %s\n", path);
		return -1;
	}
	(*loaded)++;
	return 0;
}

/* Every SYS/NAME/format recorded for the kernel (older kernels lack some events). */
static int load_all(struct tep_handle *tep, const char *dir, int *loaded)
{
	struct dirent *s, *e;
	DIR *sd = opendir(dir), *ed;
	char path[1024];
	int ret = 0;

	if (!sd)
		return 0;
	while (!ret && (s = readdir(sd))) {
		if (s->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, s->d_name);
		ed = opendir(path);
		while (ed && !ret && (e = readdir(ed)))
			if (e->d_name[0] != '.')
				ret = load_one(tep, dir, s->d_name, e->d_name, loaded);
		if (ed)
			closedir(ed);
	}
	closedir(sd);
	return ret;
}

struct tep_handle *fixture_load(const char *datadir, const char *kernel)
{
	struct tep_handle *tep = tep_alloc();
	char dir[1024];
	int loaded = 0;

	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	snprintf(dir, sizeof(dir), "%s/linux-%s", datadir, kernel);
	if (load_all(tep, dir, &loaded) < 0) {
		tep_free(tep);
		return NULL;
	}
	if (!loaded) {
		fprintf(stderr, "no format files under %s\n", dir);
		tep_free(tep);
		return NULL;
	}
	return tep;
}

void raw_init(struct raw *r, struct tep_handle *tep, const char *sys, const char *name, int pid)
{
	uint16_t id;

	memset(r, 0, sizeof(*r));
	r->e = tep_find_event_by_name(tep, sys, name);
	if (!r->e) {
		fprintf(stderr, "no event %s:%s\n", sys, name);
		exit(99);
	}
	id = r->e->id;
	memcpy(r->data, &id, 2);
	memcpy(r->data + 4, &pid, 4);	/* common_pid */
	for (struct tep_format_field *f = r->e->format.fields; f; f = f->next)
		if (f->offset + f->size > r->size)
			r->size = f->offset + f->size;
}

void raw_set(struct raw *r, const char *field, uint64_t v)
{
	struct tep_format_field *f = tep_find_field(r->e, field);

	if (!f) {
		fprintf(stderr, "no field %s in %s\n", field, r->e->name);
		exit(99);
	}
	memcpy(r->data + f->offset, &v, f->size > 8 ? 8 : f->size);	/* little endian */
}

void raw_bytes(struct raw *r, const char *field, const void *p, size_t n)
{
	struct tep_format_field *f = tep_find_field(r->e, field);

	if (!f || (size_t)f->size < n) {
		fprintf(stderr, "no field %s[%zu] in %s\n", field, n, r->e->name);
		exit(99);
	}
	memcpy(r->data + f->offset, p, n);
}

void raw_str(struct raw *r, const char *field, const char *s)
{
	struct tep_format_field *f = tep_find_field(r->e, field);
	uint32_t loc = (uint32_t)(strlen(s) + 1) << 16 | (uint32_t)r->size;

	memcpy(r->data + f->offset, &loc, 4);
	memcpy(r->data + r->size, s, strlen(s) + 1);
	r->size += strlen(s) + 1;
}

char *fixture_stdout(void (*fn)(const void *arg), const void *arg)
{
	static char text[8192];
	char path[] = "/tmp/ftnet-out-XXXXXX";
	int fd = mkstemp(path), saved = dup(1);
	ssize_t n;

	fflush(stdout);
	dup2(fd, 1);
	fn(arg);
	out_flush();
	dup2(saved, 1);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return text;
}
