/* Loads the format files recorded from real kernels (tests/data/README says which). */
#include <dirent.h>
#include <event-parse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "util.h"

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
