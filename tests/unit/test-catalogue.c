// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drop-reason catalogue against what the kernels say: every reason of every recorded
 * kfree_skb format has an entry, every counter an entry names exists in the recorded /proc
 * files, every command's blanks are ones diagnose fills. With --markdown it prints
 * doc/drop-reasons.md, which must be what the table says now.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/catalogue.h"
#include "diagnose/diag.h"
#include "tap.h"
#include "base/util.h"

static const char *datadir;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *s = NULL;
	size_t len = 0, n;
	char buf[4096];

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		s = realloc(s, len + n + 1);
		memcpy(s + len, buf, n);
		len += n;
		s[len] = '\0';
	}
	fclose(f);
	return s;
}

/* Each { N, "NAME" } of a kfree_skb format's __print_symbolic has an entry. */
static void reasons_of(const char *kernel)
{
	char path[1024], *fmt, *p;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s/skb/kfree_skb/format", datadir, kernel);
	fmt = slurp(path);
	if (!fmt)
		return;
	for (p = strstr(fmt, "__print_symbolic"); p && (p = strstr(p, "\"")); ) {
		char name[64];
		int l = (int)strcspn(p + 1, "\"");

		snprintf(name, sizeof(name), "%.*s", l, p + 1);
		if (!catalogue_find(name))
			fprintf(stderr, "%s: reason %s has no catalogue entry\n", kernel, name);
		CHECK(catalogue_find(name) != NULL);
		n++;
		p += l + 2;
	}
	printf("# %s: %d reasons\n", kernel, n);
	free(fmt);
}

static void every_kernel(void)
{
	DIR *d = opendir(datadir);
	struct dirent *e;
	int kernels = 0;

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "linux-", 6))
			continue;
		reasons_of(e->d_name);
		kernels++;
	}
	if (d)
		closedir(d);
	CHECK(kernels >= 2);
}

/* "Udp: InDatagrams NoPorts" -> "UdpNoPorts" is in the recorded files */
static bool counter_known(const char *snmp, const char *netstat, const char *snmp6,
			  const char *name)
{
	const char *files[] = { snmp, netstat };

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		for (const char *l = files[f]; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 :
								 l + strlen(l)) {
			size_t pl = strcspn(l, ":");
			char word[64];
			const char *w = l + pl + 1;

			if (strncmp(l, name, pl) || l[pl] != ':')
				continue;
			while (sscanf(w, " %63s", word) == 1) {
				if (!strcmp(word, name + pl))
					return true;
				w = strstr(w, word) + strlen(word);
			}
		}
	}
	for (const char *l = snmp6; l && (l = strstr(l, name)); l += strlen(name))
		if ((l == snmp6 || l[-1] == '\n') && isspace((unsigned char)l[strlen(name)]))
			return true;
	return false;
}

static void counters_of(const struct drop_entry *e, const char *list, const char *snmp,
			const char *netstat, const char *snmp6)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (!counter_known(snmp, netstat, snmp6, c))
			fprintf(stderr, "%s: counter %s is not in the recorded /proc files\n",
				e->reason, c);
		CHECK(counter_known(snmp, netstat, snmp6, c));
	}
}

/* {dev} {port} {proto} {addr} only, each closed */
static bool blanks_known(const char *next)
{
	for (const char *p = strchr(next, '{'); p; p = strchr(p + 1, '{')) {
		if (strncmp(p, "{dev}", 5) && strncmp(p, "{port}", 6) && strncmp(p, "{proto}", 7) &&
		    strncmp(p, "{addr}", 6))
			return false;
	}
	return true;
}

static void check_entry(const struct drop_entry *e, const char *snmp, const char *netstat,
			const char *snmp6)
{
	size_t ml = strlen(e->meaning);

	if (ml < 10 || e->meaning[ml - 1] != '.' || !isupper((unsigned char)e->meaning[0]))
		fprintf(stderr, "%s: the meaning is not one sentence\n", e->reason);
	CHECK(ml > 10 && e->meaning[ml - 1] == '.' && isupper((unsigned char)e->meaning[0]));
	CHECK(strlen(e->fix) > 3 && e->fix[strlen(e->fix) - 1] != '.');
	/* a finding's title is its object, the meaning and a count: never cut, whatever the object */
	CHECK(sizeof(((struct finding *)0)->object) + ml + 64 < sizeof(((struct finding *)0)->title));
	CHECK(strlen(e->fix) < sizeof(((struct finding *)0)->fix));
	CHECK(*e->next && e->next[strlen(e->next) - 1] != '|');
	CHECK(blanks_known(e->next));
	CHECK(e->object < OBJ_NKINDS);
	CHECK(!e->sysctl || !strncmp(e->sysctl, "net.", 4));
	CHECK(e->object != OBJ_SYSCTL || e->sysctl);
	counters_of(e, e->counters, snmp, netstat, snmp6);
	counters_of(e, e->explains, snmp, netstat, snmp6);
}

static void every_entry(void)
{
	char path[1024], *snmp, *netstat, *snmp6;
	const struct drop_entry *all, *e;
	const char *fn;
	size_t n;

	snprintf(path, sizeof(path), "%s/proc/linux-6.18/snmp", datadir);
	snmp = slurp(path);
	snprintf(path, sizeof(path), "%s/proc/linux-6.18/netstat", datadir);
	netstat = slurp(path);
	snprintf(path, sizeof(path), "%s/proc/linux-6.18/snmp6", datadir);
	snmp6 = slurp(path);
	CHECK(snmp && netstat && snmp6);
	all = catalogue_all(&n);
	for (size_t i = 0; i < n; i++) {
		check_entry(&all[i], snmp, netstat, snmp6);
		/* one entry per reason */
		CHECK(catalogue_find(all[i].reason) == &all[i]);
	}
	for (size_t i = 0; (e = catalogue_site_at(i, &fn)); i++) {
		check_entry(e, snmp, netstat, snmp6);
		CHECK(catalogue_site(fn, e->harmless ? e->reason : NULL) == e);
	}
	for (size_t i = 0; (e = catalogue_counted_at(i)); i++) {
		check_entry(e, snmp, netstat, snmp6);
		CHECK(catalogue_counted(e->reason) == e);
		CHECK(*e->counters);
	}
	CHECK(catalogue_find("NO_SUCH_REASON") == NULL);
	free(snmp);
	free(netstat);
	free(snmp6);
}

static void entry_md(FILE *o, const char *title, const struct drop_entry *e)
{
	fprintf(o, "### %s\n\n%s\n\n", title, e->meaning);
	fprintf(o, "- object: %s\n", obj_kind_name(e->object));
	if (*e->counters)
		fprintf(o, "- counters: %s\n", e->counters);
	if (*e->explains)
		fprintf(o, "- explains: %s\n", e->explains);
	if (e->sysctl)
		fprintf(o, "- setting: `%s`\n", e->sysctl);
	fprintf(o, "- fix: %s\n- next:", e->fix);
	for (const char *p = e->next; *p; ) {
		size_t l = strcspn(p, "|");

		fprintf(o, " `%.*s`%s", (int)l, p, p[l] ? "," : "\n");
		p += l + (p[l] ? 1 : 0);
	}
	fprintf(o, "\n");
}

static void markdown(FILE *o)
{
	const struct drop_entry *all, *e;
	const char *fn;
	size_t n;

	all = catalogue_all(&n);
	fprintf(o, "# Drop reasons\n\n"
	       "Generated from ftnet's catalogue (src/diagnose/catalogue.c) by\n"
	       "`tests/unit/test-catalogue --markdown`; `make check` fails when it is not current.\n"
	       "`ftnet diagnose` turns each reason the kernel gives into a finding: its meaning,\n"
	       "the object it names, the counters that count the same packets (evidence), those\n"
	       "it explains (absorbed), the setting that decides it, the usual fix, and the\n"
	       "commands that look further, with `{dev}`, `{port}`, `{proto}`, `{addr}` filled\n"
	       "from the object found (a command whose blank cannot be filled is left out).\n\n"
	       "## Reasons (Linux 6.18, which holds those of older kernels)\n\n");
	for (size_t i = 0; i < n; i++)
		entry_md(o, all[i].reason, &all[i]);
	fprintf(o, "## Causes counted without a drop event\n\n");
	for (size_t i = 0; (e = catalogue_counted_at(i)); i++)
		entry_md(o, e->reason, e);
	fprintf(o, "## Drop sites that say more than their reason\n\n");
	for (size_t i = 0; (e = catalogue_site_at(i, &fn)); i++) {
		char t[128];

		snprintf(t, sizeof(t), "%s at %s", e->reason, fn);
		entry_md(o, t, e);
	}
}

/* The page in the source tree is what --markdown prints now. */
static void doc_current(const char *srcdir)
{
	char path[1024], *doc, *now = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&now, &len);

	snprintf(path, sizeof(path), "%s/doc/drop-reasons.md", srcdir);
	doc = slurp(path);
	if (o) {
		markdown(o);
		fclose(o);
	}
	if (!doc || !now || strcmp(doc, now))
		fprintf(stderr, "%s is not current: run 'tests/unit/test-catalogue --markdown "
			">%s'\n", path, path);
	CHECK(doc && now && !strcmp(doc, now));
	free(doc);
	free(now);
}

int main(int argc, char **argv)
{
	const char *srcdir;

	if (argc > 1 && !strcmp(argv[1], "--markdown")) {
		markdown(stdout);
		return 0;
	}
	datadir = getenv("TESTDATA");
	if (!datadir)
		datadir = "tests/data";
	srcdir = getenv("TESTSRC");
	every_kernel();
	every_entry();
	doc_current(srcdir ? srcdir : ".");
	printf("catalogue: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
