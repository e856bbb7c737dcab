// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The settings that decide a finding, read from /proc/sys: per device (rp_filter, forwarding,
 * disable_ipv6, ...) and of the whole machine (netdev_max_backlog), those read before
 * diagnose enters another network namespace, which does not show them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diag.h"
#include "base/util.h"

/* Settings of the whole machine that a namespace does not show, read before entering it. */
static struct { const char *name; char val[32]; } global[] = {
	{ "net.core.netdev_max_backlog", "" },
};

void diag_sysctl_preload(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(global); i++) {
		global[i].val[0] = '\0';
		diag_sysctl(global[i].name, global[i].val, sizeof(global[i].val));
	}
}

bool diag_sysctl_global(const char *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(global); i++)
		if (strstr(cmd, global[i].name))
			return true;
	return false;
}

void diag_sysctl(const char *name, char *val, size_t len)
{
	char path[256], *s;
	size_t o = snprintf(path, sizeof(path), "/proc/sys/");

	for (size_t i = 0; i < ARRAY_SIZE(global); i++)
		if (!strcmp(name, global[i].name) && global[i].val[0]) {
			snprintf(val, len, "%s", global[i].val);
			return;
		}

	/* dots separate levels; a device name's own dots are written '/' (as sysctl(8) does) */
	for (const char *p = name; *p && o + 1 < sizeof(path); p++)
		path[o++] = *p == '.' ? '/' : *p == '/' ? '.' : *p;
	path[o] = '\0';
	s = read_file(path, NULL);
	snprintf(val, len, "%s", s ? s : "");
	val[strcspn(val, "\n")] = '\0';
	for (char *t = val; *t; t++)
		if (*t == '\t')
			*t = ' ';
	free(s);
}
