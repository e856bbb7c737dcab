/* A small open-addressing cache pid -> comm; misses read /proc/PID/comm, then saved_cmdlines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "comm.h"
#include "event.h"
#include "util.h"

#define COMM_SLOTS 4096		/* power of two */
#define COMM_TTL_NS (5ull * 1000000000ull)	/* pids get reused: look again after this */

struct comm_slot {
	uint64_t	seen_ns;
	int		pid;	/* 0: empty (pid 0 is answered without the table) */
	bool		noted;	/* from a kernel event: no ageing */
	char		name[FTNET_COMM_LEN];
};

struct comm_cache {
	struct comm_slot	slots[COMM_SLOTS];
	uint64_t		cmdlines_ns;	/* last saved_cmdlines read */
};

struct comm_cache *comm_new(void)
{
	return xcalloc(1, sizeof(struct comm_cache));
}

void comm_free(struct comm_cache *c)
{
	free(c);
}

static struct comm_slot *slot_for(struct comm_cache *c, int pid)
{
	unsigned int h = ((unsigned int)pid * 2654435761u) & (COMM_SLOTS - 1);

	/* short probe; on a full window the first slot is recycled */
	for (int i = 0; i < 8; i++) {
		struct comm_slot *s = &c->slots[(h + i) & (COMM_SLOTS - 1)];

		if (s->pid == pid || s->pid == 0)
			return s;
	}
	return &c->slots[h];
}

static void comm_store(struct comm_cache *c, int pid, const char *name, uint64_t now_ns)
{
	struct comm_slot *s = slot_for(c, pid);

	s->pid = pid;
	s->seen_ns = now_ns;
	s->noted = false;
	snprintf(s->name, sizeof(s->name), "%s", name);
}

void comm_note(struct comm_cache *c, int pid, const char *name, uint64_t ts)
{
	if (pid <= 0)
		return;
	comm_store(c, pid, name, ts);
	slot_for(c, pid)->noted = true;
}

void comm_parse_cmdlines(struct comm_cache *c, const char *text, uint64_t now_ns)
{
	const char *p = text;

	while (p && *p) {
		char name[FTNET_COMM_LEN + 1];
		int pid;

		if (sscanf(p, "%d %16[^\n]", &pid, name) == 2 && pid > 0)
			comm_store(c, pid, name, now_ns);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

static int proc_comm(int pid, char *name)
{
	char path[64], buf[64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		return -1;
	snprintf(name, FTNET_COMM_LEN, "%s", buf);
	return 0;
}

void comm_lookup(struct comm_cache *c, int pid, int cpu, uint64_t now_ns, char *name)
{
	struct comm_slot *s;

	if (pid <= 0) {
		snprintf(name, FTNET_COMM_LEN, "swapper/%d", cpu);
		return;
	}
	s = slot_for(c, pid);
	if (s->pid == pid && (s->noted || now_ns - s->seen_ns < COMM_TTL_NS)) {
		memcpy(name, s->name, FTNET_COMM_LEN);
		return;
	}
	if (!proc_comm(pid, name)) {
		comm_store(c, pid, name, now_ns);
		return;
	}
	/* gone already: the kernel saved the name when it recorded the event */
	if (now_ns - c->cmdlines_ns > 100000000ull || !c->cmdlines_ns) {
		char *text = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);

		c->cmdlines_ns = now_ns ? now_ns : 1;
		if (text)
			comm_parse_cmdlines(c, text, now_ns);
		free(text);
	}
	s = slot_for(c, pid);
	if (s->pid == pid) {
		s->seen_ns = now_ns;
		memcpy(name, s->name, FTNET_COMM_LEN);
		return;
	}
	snprintf(name, FTNET_COMM_LEN, "<...>");
	comm_store(c, pid, name, now_ns);
}
