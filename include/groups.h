/* The group catalogue: what each group traces and what it needs from the kernel. */
#ifndef FTNET_GROUPS_H
#define FTNET_GROUPS_H

#include <stdbool.h>
#include <tracefs.h>

#define GROUP_MAX_EVENTS 2

struct group_event {
	const char	*sys;
	const char	*name;
	const char	*since;		/* kernel version that added it */
	const char	*filter;	/* always applied (anded with the user's), or NULL */
};

struct group {
	const char		*name;
	const char		*desc;
	struct group_event	events[GROUP_MAX_EVENTS];
	const char		*alternative;	/* what to use where the kernel lacks the events */
	unsigned int		types;		/* bit mask of enum ftnet_type it produces */
};

extern const struct group groups[];
extern const int ngroups;

const struct group *group_find(const char *name);
/* "drops, resets, ..." for error messages. */
const char *group_names(void);
/* 0 when every event exists; -ENOENT with *missing set to the first absent one. */
int group_available(const struct group *g, const struct group_event **missing);
/* True when every event of the group is enabled in the instance. */
bool group_enabled(struct tracefs_instance *inst, const struct group *g);

#endif
