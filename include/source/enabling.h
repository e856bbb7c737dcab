/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Groups turned on in an instance with their filters, and off again (src/source/enabling.c). */
#ifndef FTNET_ENABLING_H
#define FTNET_ENABLING_H

#include <stdbool.h>
#include <tracefs.h>

#include "base/ctx.h"
#include "kernel/groups.h"

/*
 * Registers the kprobes, applies filter and enables the events of the groups gs (backends[i]
 * each, or the one that runs here for NULL); changed[i] says whether group i was off before.
 * On failure it undoes what it did, frees inst (removed when created) and returns ERR_FAIL or
 * ERR_USAGE (a filter the kernel or its names refuse) after saying why.
 */
int groups_enable(struct ftnet_ctx *ctx, struct tracefs_instance *inst, bool created,
		  const struct group **gs, int n, const char *filter, bool *changed, int *backends);
/* Disables the events of the groups that no group in keep needs; clears their filters. */
void groups_disable(struct tracefs_instance *inst, const struct group **gs, int n,
		    const struct group **keep, int nkeep);

#endif
