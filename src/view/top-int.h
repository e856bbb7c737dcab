/* Shared by top's renderers (src/view/top.c, src/view/top-prom.c). */
#ifndef FTNET_TOP_INT_H
#define FTNET_TOP_INT_H

#include "view/agg.h"
#include "view/top.h"

#define TOP_LABEL_LEN 256	/* a label's value: a stack's functions are the longest */

/* The key columns of one row, also its Prometheus labels (pairs, NULL-terminated). */
void top_row_keys(const struct top *t, int v, const struct agg_row *r, const char **l,
		  char (*bufs)[TOP_LABEL_LEN]);

#endif
