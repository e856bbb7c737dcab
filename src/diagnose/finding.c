// SPDX-License-Identifier: GPL-2.0-or-later
/* One finding of diagnose: made, its items added, its next steps written out. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diag.h"
#include "base/util.h"

struct finding *diag_add(struct diag *d, uint64_t packets, enum finding_class cls)
{
	struct finding *f;

	if (d->n == MAX_FINDINGS)
		return NULL;
	f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	f->packets = packets;
	f->cls = cls;
	return f;
}

void diag_not_checked(struct diag *d, const char *what, const char *why)
{
	if (d->nnc < MAX_NOT_CHECKED)
		snprintf(d->not_checked[d->nnc++], sizeof(d->not_checked[0]), "%s: %s", what, why);
}

void diag_item(struct item *it, int *n, const char *source, const char *name, int64_t value,
	       const char *fmt, ...)
{
	va_list ap;

	if (*n == MAX_ITEMS)
		return;
	it += (*n)++;
	snprintf(it->source, sizeof(it->source), "%s", source);
	snprintf(it->name, sizeof(it->name), "%s", name);
	it->value = value;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
}

/* A blank's value, or NULL when the finding did not fill it. */
static const char *blank(const struct finding *f, const char *name, size_t len)
{
	static const struct { const char *name; size_t off; } blanks[] = {
		{ "dev", offsetof(struct finding, dev) },
		{ "port", offsetof(struct finding, port) },
		{ "proto", offsetof(struct finding, proto) },
		{ "addr", offsetof(struct finding, addr) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(blanks); i++) {
		const char *v = (const char *)f + blanks[i].off;

		if (strlen(blanks[i].name) == len && !strncmp(blanks[i].name, name, len))
			return *v ? v : NULL;
	}
	return NULL;
}

/* cmd with its blanks filled into out; false when one cannot be */
static bool fill(const struct finding *f, const char *cmd, size_t cmdlen, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < cmdlen && o + 1 < len; i++) {
		const char *end, *v;

		if (cmd[i] != '{' || !(end = memchr(cmd + i, '}', cmdlen - i))) {
			out[o++] = cmd[i];
			continue;
		}
		v = blank(f, cmd + i + 1, end - cmd - i - 1);
		if (!v)
			return false;
		o += snprintf(out + o, len - o, "%s", v);
		i = end - cmd;
	}
	out[o < len ? o : len - 1] = '\0';
	return true;
}

static bool netns_cmd(const char *name, int len)
{
	static const char *const cmds[] = { "capture", "counters", "sockets", "conntrack",
					     "nftrace", "diagnose" };

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if ((int)strlen(cmds[i]) == len && !strncmp(cmds[i], name, len))
			return true;
	return false;
}

/* In another namespace: ftnet's own --netns, anything else through ip netns exec (or
 * nsenter for a PID), so that each step runs as printed. */
void diag_next1(const struct diag *d, struct finding *f, const char *cmd)
{
	char *out;
	size_t len;
	bool pid;

	if (f->nnext == MAX_NEXT)
		return;
	for (int i = 0; i < f->nnext; i++)
		if (strstr(f->next[i], cmd))
			return;
	out = f->next[f->nnext++];
	len = sizeof(f->next[0]);
	if (!d->netns || diag_sysctl_global(cmd)) {
		snprintf(out, len, "%s", cmd);
		return;
	}
	if (!strncmp(cmd, "ftnet ", 6)) {
		const char *sp = strchr(cmd + 6, ' ');
		int w = sp ? (int)(sp - cmd) : (int)strlen(cmd);

		/* tracing sees every namespace: only the commands that read one take --netns */
		if (!netns_cmd(cmd + 6, w - 6))
			snprintf(out, len, "%s", cmd);
		else
			snprintf(out, len, "%.*s --netns %s%s", w, cmd, d->netns, sp ? sp : "");
		return;
	}
	pid = strspn(d->netns, "0123456789") == strlen(d->netns);
	snprintf(out, len, pid ? "nsenter -t %s -n %s" : "ip netns exec %s %s", d->netns, cmd);
}

void diag_next(const struct diag *d, struct finding *f, const char *templates)
{
	const char *p = templates;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		char cmd[200];

		if (fill(f, p, l, cmd, sizeof(cmd)))
			diag_next1(d, f, cmd);
		p = bar ? bar + 1 : NULL;
	}
}
