// SPDX-License-Identifier: GPL-2.0-or-later
/* source -> decode -> sink for the commands that read the instance: setup, rounds, restore. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "source/comm.h"
#include "source/conn.h"
#include "decode/decode.h"
#include "kernel/groups.h"
#include "kernel/owner.h"
#include "source/reader.h"
#include "source/enabling.h"
#include "source/ident.h"
#include "source/session.h"
#include "session-int.h"
#include "kernel/tfs.h"
#include "net/pkt.h"
#include "base/util.h"

volatile sig_atomic_t session_stop;

static void on_signal(int sig)
{
	session_stop = sig;
}

void session_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	/* every signal that would end us unhandled, so the kernel is restored (not SIGKILL) */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
				    SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ };

	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() and write() must return */
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Turns off what this run turned on and still owns (an `enable` meanwhile made it the user's). */
static void restore_groups(struct session *s)
{
	const struct group *undo[SESSION_MAX_GROUPS], *keep[SESSION_MAX_GROUPS * 2];
	int n = 0, nkeep = 0;

	for (int i = 0; i < s->nbefore; i++)
		keep[nkeep++] = s->before[i];
	for (int i = 0; i < s->nrun; i++) {
		struct owner o;

		if (!s->changed[i])
			continue;
		if (!owner_get(s->ctx->instance, s->run[i]->name, &o) && !owner_is_me(&o)) {
			keep[nkeep++] = s->run[i];	/* enabled for good while we ran */
			continue;
		}
		undo[n++] = s->run[i];
		owner_clear(s->ctx->instance, s->run[i]->name);
	}
	if (n)
		groups_disable(s->inst, undo, n, keep, nkeep);
}

void session_restore(struct session *s)
{
	restore_groups(s);
	for (int i = 0; i < s->nraw; i++) {
		tfs_event_set(s->inst, s->raw[i][0], s->raw[i][1], false);
		if (i < s->nuser && s->raw_filtered)
			tfs_filter_set(s->inst, s->raw[i][0], s->raw[i][1], NULL, NULL, 0);
	}
	free(s->raw);
	s->raw = NULL;
	s->nraw = 0;
	session_comm_events_off(s->inst);	/* a run killed with -9 may have left them */
	/* ours, or emptied while we ran (a disable --all waited for us to end) */
	if ((s->created || s->nbefore) && !tfs_any_enabled(s->inst)) {
		if (tfs_instance_remove(s->inst) < 0)
			warn("cannot remove the tracefs instance '%s': busy; remove it with 'ftnet -I %s disable --all'",
			     s->ctx->instance, s->ctx->instance);
		owner_clear_all(s->ctx->instance);
	} else {
		/* in use by others now (a user's enable): no longer ours to sweep */
		if (s->created)
			owner_clear(s->ctx->instance, OWNER_INSTANCE);
		tracefs_instance_free(s->inst);
	}
	s->inst = NULL;
}

/*
 * Where the instance is this run's own: the kernel's rename and fork events, so that a task
 * that exec'd or ended before its events were read still gets the name it had (comm.c).
 * Best effort: a kernel without them leaves the /proc and saved_cmdlines look-ups.
 */
static const char *const comm_events[][2] = { { "task", "task_rename" },
					       { "sched", "sched_process_fork" },
					       { "sched", "sched_process_exit" } };

void session_comm_events_on(struct session *s)
{
	if (!s->created)
		return;
	s->raw = xrealloc(s->raw, (s->nraw + ARRAY_SIZE(comm_events)) * sizeof(*s->raw));
	for (size_t i = 0; i < ARRAY_SIZE(comm_events); i++) {
		const char *sys = comm_events[i][0], *name = comm_events[i][1];

		if (!tracefs_event_file_exists(s->inst, sys, name, "enable"))
			continue;
		snprintf(s->raw[s->nraw][0], 64, "%s", sys);
		snprintf(s->raw[s->nraw][1], 64, "%s", name);
		s->nraw++;
		if (tfs_event_set(s->inst, sys, name, true) < 0 && verbose)
			note("no comm events from %s:%s: names come from /proc", sys, name);
	}
}

/*
 * The flow tracepoints of drops (groups.c), for this run where it reads drops without kprobes
 * reading the packets: the ones off now, turned off again at the end with the raw events.
 */
void session_ident_events_on(struct session *s)
{
	const struct group *drops = group_find("drops");
	const struct group_event *ev;
	bool run = false;
	int n = 0;

	for (int i = 0; i < s->nrun; i++)
		run |= s->run[i] == drops;
	if (!run || !group_ident_on(drops))
		return;
	for (ev = drops->ident; ev->sys; ev++)
		n++;
	s->raw = xrealloc(s->raw, (s->nraw + n) * sizeof(*s->raw));
	for (ev = drops->ident; ev->sys; ev++) {
		if (!tracefs_event_file_exists(s->inst, ev->sys, ev->name, "enable") ||
		    tfs_event_enabled(s->inst, ev->sys, ev->name) == 1)
			continue;	/* absent, or a group's of this instance: not ours */
		if (tfs_event_set(s->inst, ev->sys, ev->name, true) < 0) {
			warn("cannot turn on %s:%s: drops carry no flow from it", ev->sys, ev->name);
			continue;
		}
		snprintf(s->raw[s->nraw][0], 64, "%s", ev->sys);
		snprintf(s->raw[s->nraw][1], 64, "%s", ev->name);
		s->nraw++;
	}
}

void session_comm_events_off(struct tracefs_instance *inst)
{
	for (size_t i = 0; i < ARRAY_SIZE(comm_events); i++)
		if (tracefs_event_file_exists(inst, comm_events[i][0], comm_events[i][1], "enable"))
			tfs_event_set(inst, comm_events[i][0], comm_events[i][1], false);
}

/* A file's command names: the table it recorded (tep holds it). */
static void file_comm(struct session *s, int pid, int cpu, char *name)
{
	if (pid <= 0)
		snprintf(name, FTNET_COMM_LEN, "swapper/%d", cpu);
	else
		snprintf(name, FTNET_COMM_LEN, "%s", tep_data_comm_from_pid(s->tep, pid));
}

static void deliver(struct session *s, struct ftnet_event *ev)
{
	if (!(s->types & (1u << ev->type)))
		return;
	if (ev->type == EV_LOST || (s->comm_types && !(s->comm_types & (1u << ev->type))))
		;	/* no name shown */
	else if (s->file)
		file_comm(s, ev->pid, ev->cpu, ev->comm);
	else
		comm_lookup(s->comm, ev->pid, ev->cpu, ev->ts, ev->comm);
	s->delivered++;
	s->on_event(s->arg, ev);
}

/*
 * A drop's packet comes from a kprobe on the drop function, just before the kfree_skb
 * tracepoint of the same skb: kept here by skb address until the tracepoint's event takes it.
 */
#define PKT_SLOTS 64

struct pkt_slot {
	struct ftnet_event	ev;
	uint8_t			bytes[2 * DROP_PKT_WIN];
	bool			full;
};

static struct pkt_slot pkt_slots[PKT_SLOTS];

static struct pkt_slot *pkt_slot(uint64_t skbaddr)
{
	return &pkt_slots[(skbaddr >> 8 ^ skbaddr >> 16) % PKT_SLOTS];
}

static void pkt_keep(const struct ftnet_event *ev)
{
	struct pkt_slot *p = pkt_slot(ev->skbaddr);

	p->ev = *ev;
	p->full = true;
	if (ev->pkt && ev->pkt_len <= sizeof(p->bytes))
		memcpy(p->bytes, ev->pkt, ev->pkt_len);
	p->ev.pkt = ev->pkt && ev->pkt_len <= sizeof(p->bytes) ? p->bytes : NULL;
}

static void pkt_attach(struct ftnet_event *ev)
{
	struct pkt_slot *p = pkt_slot(ev->skbaddr);

	if (!p->full || p->ev.skbaddr != ev->skbaddr)
		return;
	p->full = false;
	ev->pkt_known = p->ev.pkt_known;
	ev->flow_from = p->ev.pkt_known ? FLOW_KPROBE : FLOW_NONE;
	ev->family = p->ev.family;
	ev->ipproto = p->ev.ipproto;
	memcpy(ev->saddr, p->ev.saddr, 16);
	memcpy(ev->daddr, p->ev.daddr, 16);
	ev->sport = p->ev.sport;
	ev->dport = p->ev.dport;
	ev->len = p->ev.len;
	ev->netns = p->ev.netns;
	memcpy(ev->dev, p->ev.dev, sizeof(ev->dev));
	ev->pkt = p->ev.pkt;
	ev->pkt_len = p->ev.pkt_len;
	ev->pkt_wirelen = p->ev.pkt_wirelen;
	/*
	 * A location inside the drop function itself is the kernel's mistake (Debian's arm64
	 * 5.10: kfree_skb+0x2c for every drop): the return address the probe read at the
	 * function's entry is where it was called from, what the location means.
	 */
	ev->location = decode_drop_location(ev->location, p->ev.probe_ip, p->ev.ret_ip);
}

void session_ident_start(struct session *s, bool owners)
{
	const struct group *drops = group_find("drops");
	bool run = false;

	for (int i = 0; i < s->nrun; i++)
		run |= s->run[i] == drops;
	if (!run || (!s->file && !group_ident_on(drops)))
		return;
	s->ident = ident_new(owners);
	/* kprobes read the packets, the tracepoints' flows are only compared with theirs */
	s->ident_compare = !s->file && groups_tp_ident > 0 && group_extra(drops);
}

/* Whether two flows agree on every field both know. */
static bool flows_agree(const struct ftnet_event *a, const struct ftnet_event *b)
{
	uint32_t both = a->pkt_known & b->pkt_known;
	size_t alen = a->family == AF_INET6 ? 16 : 4;

	if (a->family != b->family)
		return false;
	return (!(both & PKT_PROTO) || a->ipproto == b->ipproto) &&
	       (!(both & PKT_SADDR) || !memcmp(a->saddr, b->saddr, alen)) &&
	       (!(both & PKT_DADDR) || !memcmp(a->daddr, b->daddr, alen)) &&
	       (!(both & PKT_SPORT) || a->sport == b->sport) &&
	       (!(both & PKT_DPORT) || a->dport == b->dport) &&
	       (!a->dev[0] || !b->dev[0] || !strcmp(a->dev, b->dev));
}

/* A drop's flow from the tracepoints, or beside the kprobe's (compared, in tp_*). */
static void ident_attach(struct session *s, struct ftnet_event *ev)
{
	struct ftnet_event tp;

	if (!s->ident_compare) {
		if (!ev->pkt_known)
			ident_drop(s->ident, ev);
		return;
	}
	tp = *ev;
	tp.pkt_known = 0;
	tp.family = 0;
	tp.dev[0] = 0;
	ev->tp_flow_from = (uint8_t)ident_drop(s->ident, &tp);
	if (ev->pkt_known && tp.flow_from)
		ev->tp_agree = flows_agree(ev, &tp) ? 1 : -1;
}

static void sink_record(void *arg, struct tep_record *rec)
{
	struct session *s = arg;
	struct ftnet_event ev, conn;
	int ret;

	if (s->on_record) {
		s->on_record(s->arg, rec);
		return;
	}
	ret = decode_record(s->dec, rec, &ev);
	/* every record of the CPU counts for the pairs but the drop probe's own, read between */
	if (s->ident && (ret <= 0 || ev.internal != INTERNAL_DROP_PKT))
		ident_tick(s->ident, rec->cpu);

	if (ret <= 0) {
		s->undecoded++;
		return;
	}
	if (ev.internal == INTERNAL_COMM) {
		comm_note(s->comm, ev.pid, ev.comm, ev.ts);
		s->comm_notes++;
		return;
	}
	if (ev.internal == INTERNAL_DROP_PKT) {
		pkt_keep(&ev);
		return;
	}
	if (ev.type == EV_DROP)
		pkt_attach(&ev);
	if (s->ident && ev.type == EV_DROP && !ev.internal)
		ident_attach(s, &ev);
	else if (s->ident)
		ident_learn(s->ident, &ev);
	if (ev.internal == INTERNAL_IDENT)
		return;
	if (ev.internal == INTERNAL_PORT_NOTE) {
		pending_start(s->ports, ev.skaddr, ev.ts, ev.sport);
		return;
	}
	/* kprobe on an aborting socket: its port, released already, from the note above */
	if (ev.type == EV_RESET && ev.dir == DIR_SENT && !ev.sport && ev.skaddr) {
		uint64_t ts;
		int port;

		if (pending_take(s->ports, ev.skaddr, &ts, &port))
			ev.sport = port;
	}
	if (ev.type == EV_STATE && (s->types & (1u << EV_CONNECT)) &&
	    conn_feed(s->conn, &ev, &conn))
		deliver(s, &conn);
	if (ev.internal)
		return;
	if ((ev.type == EV_RX || ev.type == EV_COPY) && (s->types & (1u << EV_RXLAT)) &&
	    rxlat_feed(s->rxlat, &ev, &conn))
		deliver(s, &conn);
	deliver(s, &ev);
}

static void sink_lost(void *arg, int cpu, uint64_t count, uint64_t ts)
{
	struct session *s = arg;
	struct ftnet_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_LOST;
	ev.cpu = cpu;
	ev.count = count;
	ev.ts = ts;
	s->lost += count;
	deliver(s, &ev);
}

/*
 * A round this large means a flood: read every interval instead of waking per event. The
 * interval is READ_INTERVAL_MS at most, shorter while a round finds a buffer over FILL_HIGH
 * full (a 1.4 MB buffer fills in 30 ms under follow's events of a UDP flood), longer again
 * below FILL_LOW.
 */
#define BUSY_RECORDS 64
#define READ_INTERVAL_MS 50
#define READ_INTERVAL_MIN_NS 1000000ull
#define FILL_HIGH 0.25
#define FILL_LOW 0.1
/* records held back for the order across CPUs: handed on after this long without new ones */
#define HOLD_MS 10

/*
 * A command's own source beside the buffers: wait on its descriptor (bounded), then read the
 * buffers without waiting. The round is read even after a signal, so that the command's idle
 * that follows always comes after a complete round.
 */
static long wake_step(struct session *s, uint64_t left)
{
	struct pollfd p = { .fd = s->wake_fd, .events = POLLIN };
	uint64_t ms = (left + 999999) / 1000000;

	poll(&p, 1, ms < (uint64_t)s->wake_ms ? (int)ms : s->wake_ms);
	return session_round(s, 0);
}

/* The next busy interval, from how full the last round found the fullest buffer. */
static void pace(struct session *s)
{
	double fill = reader_fill(s->rd);

	if (!s->interval_ns || !s->busy)
		s->interval_ns = READ_INTERVAL_MS * 1000000ull;
	else if (fill > FILL_HIGH)
		s->interval_ns = (uint64_t)((double)s->interval_ns * FILL_HIGH / fill);
	else if (fill < FILL_LOW)
		s->interval_ns += s->interval_ns / 4;
	if (s->interval_ns < READ_INTERVAL_MIN_NS)
		s->interval_ns = READ_INTERVAL_MIN_NS;
	if (s->interval_ns > READ_INTERVAL_MS * 1000000ull)
		s->interval_ns = READ_INTERVAL_MS * 1000000ull;
}

long session_step(struct session *s, uint64_t until_ns)
{
	uint64_t now = mono_ns(), left = until_ns > now ? until_ns - now : 0;
	int timeout;
	long n;

	if (s->wake_ms > 0)
		return wake_step(s, left);
	/*
	 * Idle: wait in poll() for the first event. Busy: read at a fixed interval, since every
	 * poll() wait arms a wake-up that the writer's CPU pays for on its next event.
	 */
	if (s->busy) {
		uint64_t ns = s->interval_ns;
		struct timespec ts;

		if (left < ns)
			ns = left;
		ts.tv_sec = ns / 1000000000ull;
		ts.tv_nsec = ns % 1000000000ull;
		nanosleep(&ts, NULL);	/* a signal cuts it short */
		timeout = 0;
	} else {
		timeout = left / 1000000 > 1000 ? 1000 : (int)(left / 1000000) + (left ? 1 : 0);
		/* records held for the order across CPUs go out after a short quiet wait */
		if (reader_holding(s->rd) && timeout > HOLD_MS)
			timeout = HOLD_MS;
	}
	n = session_round(s, timeout);
	s->busy = n >= BUSY_RECORDS;
	pace(s);
	return n;
}

int session_wait(struct session *s, uint64_t deadline, uint64_t next)
{
	uint64_t until = mono_ns() + 1000000000ull;
	long n;

	if (deadline && deadline < until)
		until = deadline;
	if (next && next < until)
		until = next;
	n = session_step(s, until);
	if (n < 0 && n != -EINTR) {
		error("cannot read the trace buffers of instance '%s': %s", s->ctx->instance,
		      strerror((int)-n));
		return -1;
	}
	return deadline && mono_ns() >= deadline;
}

int session_check(struct session *s)
{
	int on = 0;

	for (int i = 0; i < s->nrun; i++) {
		if (group_enabled(s->inst, s->run[i])) {
			on++;
		} else if (!s->gone[i]) {
			s->gone[i] = true;
			warn("group '%s' was turned off in instance '%s' by another command: its events stop here",
			     s->run[i]->name, s->ctx->instance);
		}
	}
	return on || !s->nrun ? 1 : 0;
}

static void sink_page(void *arg, int cpu, const void *page, int size)
{
	struct session *s = arg;

	s->on_page(s->arg, cpu, page, size);
}

/*
 * A record just read: its task's name looked up now, while the task is most likely alive,
 * not when the record is handed on (a round later, when it is held for the order across CPUs).
 * Once per change of pid on a CPU: a flood from one task costs one look-up. A task's end is
 * noted at once too: its records read before it, and looked up when /proc no longer has it,
 * are handed on after this.
 */
static void sink_seen(void *arg, int cpu, uint64_t ts, void *data, int size)
{
	struct session *s = arg;
	struct tep_record rec = { .data = data, .size = size, .cpu = cpu, .ts = ts };
	int pid, type = tep_data_type(s->tep, &rec);
	char name[FTNET_COMM_LEN];
	struct ftnet_event ev;

	if (s->exit_id >= 0 && type == s->exit_id &&
	    decode_record(s->dec, &rec, &ev) > 0 && ev.internal == INTERNAL_COMM) {
		comm_note(s->comm, ev.pid, ev.comm, ts);
		return;
	}
	if (s->comm_types) {	/* only the types whose names are shown */
		int t = decoder_type(s->dec, type);

		if (t < 0 || !(s->comm_types & (1u << t)))
			return;
	}
	pid = tep_data_pid(s->tep, &rec);

	if (cpu >= 0 && cpu < SESSION_SEEN_CPUS && s->seen_pid[cpu] == pid + 1)
		return;
	if (cpu >= 0 && cpu < SESSION_SEEN_CPUS)
		s->seen_pid[cpu] = pid + 1;
	comm_lookup(s->comm, pid, cpu, ts, name);
}

void session_sink(struct session *s, struct reader_sink *sink)
{
	*sink = (struct reader_sink){ sink_record, sink_lost, s, s->on_page ? sink_page : NULL,
				      s->file ? NULL : sink_seen };
}

long session_round(struct session *s, int timeout_ms)
{
	struct reader_sink sink;

	session_sink(s, &sink);
	return reader_round(s->rd, timeout_ms, &sink);
}

void session_drain(struct session *s)
{
	struct reader_sink sink;

	session_sink(s, &sink);
	reader_finish(s->rd, &sink);
}

void session_end(struct session *s)
{
	if (s->rd)
		s->records = reader_records(s->rd) - s->comm_notes;	/* ours, not the groups' */
	reader_close(s->rd);
	s->rd = NULL;
	if (s->inst) {
		int cfg = owner_config_lock(s->ctx->instance);

		if (s->batching)	/* ftnet's readers wake at every event */
			tfs_buffer_percent(s->inst, 0);
		session_restore(s);
		owner_config_unlock(s->ctx->instance, cfg);
	}
	pending_free(s->conn);
	pending_free(s->rxlat);
	pending_free(s->ports);
	ident_free(s->ident);
	s->ident = NULL;
	comm_free(s->comm);
	decoder_free(s->dec);
	if (s->tep)
		tep_free(s->tep);
	owner_reader_unlock(s->ctx->instance, s->lockfd);
	s->conn = s->rxlat = s->ports = NULL;
	s->comm = NULL;
	s->dec = NULL;
	s->tep = NULL;
	s->lockfd = -1;
}
