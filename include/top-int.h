/* Shared by top's renderers (src/top-view.c, src/top-prom.c). */
#ifndef FTNET_TOP_INT_H
#define FTNET_TOP_INT_H

#include "agg.h"
#include "top.h"

#define TOP_LABEL_LEN 256	/* a label's value: a stack's functions are the longest */

/* The key columns of one row, also its Prometheus labels (pairs, NULL-terminated). */
void top_row_keys(const struct top *t, int v, const struct agg_row *r, const char **l,
		  char (*bufs)[TOP_LABEL_LEN]);

#endif
