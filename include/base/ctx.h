/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every layer may know of the run: the instance, the tracefs mount, the backend asked for. */
#ifndef FTNET_CTX_H
#define FTNET_CTX_H

#include <stdbool.h>

struct pkt_kfilter;

struct ftnet_ctx {
	const char	*instance;	/* -I NAME, FTNET_INSTANCE, or "ftnet" */
	bool		instance_given;	/* by -I or FTNET_INSTANCE */
	const char	*tracefs;	/* mount point, when the command needs it */
	int		backend;	/* enum backend: --backend, default auto */
	/* follow's packet filter as conditions the kprobe steps' kernel filters check, or NULL */
	const struct pkt_kfilter *step_filter;
};

#endif
