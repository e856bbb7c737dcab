// SPDX-License-Identifier: GPL-2.0-or-later
/* Decoder registry and the field helpers every event family uses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "decode-int.h"
#include "kernel/groups.h"
#include "kernel/probe.h"
#include "base/util.h"

struct decoder {
	struct tep_handle	*tep;
	struct evdecoder	eds[96];
	int			n;
	int			last;	/* index of the last match: floods are one event */
	/* tracepoints named as SYSTEM:EVENT: decoded by their format, before the catalogue's */
	struct tep_event	**tps;
	int			ntps, tpcap;
};

static const struct {
	decode_fn	fn;
	enum ftnet_type	type;
	enum ftnet_dir	dir;
	int		variant;
} kinds[DK_NKINDS] = {
	[DK_DROP] = { decode_kfree_skb, EV_DROP, DIR_NONE, 0 },
	[DK_RESET_SENT] = { decode_tcp_sk, EV_RESET, DIR_SENT, 0 },
	[DK_RESET_RECEIVED] = { decode_tcp_sk, EV_RESET, DIR_RECEIVED, 0 },
	[DK_RETRANS] = { decode_tcp_sk, EV_RETRANS, DIR_NONE, 0 },
	[DK_STATE] = { decode_set_state, EV_STATE, DIR_NONE, 0 },
	[DK_RX] = { decode_netdev, EV_RX, DIR_RECEIVED, 0 },
	[DK_TX] = { decode_netdev, EV_TX, DIR_SENT, 0 },
	[DK_SOCK_LENGTH] = { decode_sock_length, EV_UDP, DIR_SENT, 0 },
	[DK_COPY] = { decode_netdev, EV_COPY, DIR_RECEIVED, 0 },
	[DK_KP_RESET_SENT] = { decode_kprobe_sk, EV_RESET, DIR_SENT, 0 },
	[DK_KP_RESET_RECEIVED] = { decode_kprobe_sk, EV_RESET, DIR_RECEIVED, 0 },
	[DK_KP_PORT_NOTE] = { decode_kprobe_sk, EV_STATE, DIR_NONE, KP_PORT_NOTE },
	[DK_KP_RETRANS] = { decode_kprobe_sk, EV_RETRANS, DIR_NONE, 0 },
	[DK_KP_SET_STATE] = { decode_kprobe_sk, EV_STATE, DIR_NONE, KP_SET_STATE },
	[DK_KP_CONNECT] = { decode_kprobe_sk, EV_STATE, DIR_NONE, KP_CONNECT },
	[DK_KP_FINISH] = { decode_kprobe_sk, EV_STATE, DIR_NONE, KP_FINISH },
	[DK_KP_FAILED] = { decode_kprobe_sk, EV_STATE, DIR_NONE, KP_FAILED },
	[DK_KP_UDP] = { decode_kprobe_sk, EV_UDP, DIR_SENT, 0 },
	[DK_KP_DROP_PKT] = { decode_drop_pkt, EV_DROP, DIR_NONE, 0 },
	[DK_KP_PKT_STEP] = { decode_drop_pkt, EV_SKB, DIR_NONE, KP_PKT_STEP },
	[DK_SKB_RX] = { decode_netdev, EV_SKB, DIR_RECEIVED, 0 },
	[DK_SKB_TX] = { decode_netdev, EV_SKB, DIR_SENT, 0 },
	[DK_CONSUME] = { decode_kfree_skb, EV_CONSUME, DIR_NONE, 0 },
	[DK_STACK] = { decode_kernel_stack, EV_STACK, DIR_NONE, 0 },
	[DK_DATA_READY] = { decode_data_ready, EV_DATA_READY, DIR_RECEIVED, 0 },
	[DK_ICMP_SEND] = { decode_icmp_send, EV_ICMP, DIR_SENT, 0 },
	[DK_COMM_RENAME] = { decode_comm, EV_STATE, DIR_NONE, 0 },
	[DK_COMM_FORK] = { decode_comm, EV_STATE, DIR_NONE, 0 },
	[DK_COMM_EXIT] = { decode_comm, EV_STATE, DIR_NONE, 0 },
	[DK_ID_SOCK] = { decode_ident, EV_STATE, DIR_NONE, ID_SOCK },
	[DK_ID_SOCK_GONE] = { decode_ident, EV_STATE, DIR_NONE, ID_SOCK_GONE },
	[DK_ID_UDP_FAIL] = { decode_ident, EV_DROP, DIR_RECEIVED, ID_UDP_FAIL },
	[DK_ID_BAD_CSUM] = { decode_ident, EV_DROP, DIR_RECEIVED, ID_BAD_CSUM },
};

static const char *type_names[EV_NTYPES] = {
	[EV_DROP] = "drop", [EV_RESET] = "reset", [EV_RETRANS] = "retransmit",
	[EV_STATE] = "state", [EV_CONNECT] = "connect", [EV_RX] = "rx", [EV_TX] = "tx",
	[EV_LOST] = "lost", [EV_UDP] = "udp_send", [EV_COPY] = "copy", [EV_RXLAT] = "rxlat",
	[EV_SKB] = "skb", [EV_CONSUME] = "consume", [EV_STACK] = "stack",
	[EV_DATA_READY] = "data_ready", [EV_ICMP] = "icmp", [EV_TRACEPOINT] = "tracepoint",
};

const char *flow_from_name(int from)
{
	static const char *names[] = { "none", "kprobe", "rx_sk", "udp_fail_queue", "tcp_event" };

	return from >= 0 && from < (int)ARRAY_SIZE(names) ? names[from] : "none";
}

const char *event_type_name(enum ftnet_type t)
{
	return t < EV_NTYPES ? type_names[t] : "unknown";
}

/* Our own table: some kernels print unresolved enum names in the state symbol tables. */
const char *tcp_state_name(int state)
{
	static const char *names[] = {
		NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
		"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
		"NEW_SYN_RECV", "BOUND_INACTIVE",
	};

	if (state <= 0 || state >= (int)ARRAY_SIZE(names))
		return "UNKNOWN";
	return names[state];
}

static struct tep_print_arg *find_symbol_arg(struct tep_print_arg *arg, const char *field)
{
	struct tep_print_arg *r;

	for (; arg; arg = arg->next) {
		switch (arg->type) {
		case TEP_PRINT_SYMBOL:
			if (arg->symbol.field && arg->symbol.field->type == TEP_PRINT_FIELD &&
			    !strcmp(arg->symbol.field->field.name, field))
				return arg;
			break;
		case TEP_PRINT_OP:
			/* e.g. "REC->state ? __print_symbolic(...) : ..." */
			if ((r = find_symbol_arg(arg->op.left, field)))
				return r;
			if ((r = find_symbol_arg(arg->op.right, field)))
				return r;
			break;
		case TEP_PRINT_TYPE:
			if ((r = find_symbol_arg(arg->typecast.item, field)))
				return r;
			break;
		default:
			break;
		}
	}
	return NULL;
}

static int sym_value(const struct tep_print_flag_sym *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s->value, &end, 0);
	return errno || end == s->value || *end ? -EINVAL : 0;
}

const char *decode_symbol(struct tep_event *event, const char *field, long long value)
{
	struct tep_print_arg *arg = find_symbol_arg(event->print_fmt.args, field);
	struct tep_print_flag_sym *s;
	long long v;

	if (!arg)
		return NULL;
	for (s = arg->symbol.symbols; s; s = s->next)
		if (!sym_value(s, &v) && v == value)
			return s->str;
	return NULL;
}

bool decode_has_symbols(struct tep_event *event, const char *field)
{
	return find_symbol_arg(event->print_fmt.args, field) != NULL;
}

int decode_symbol_value(struct tep_event *event, const char *field, const char *name,
			long long *value)
{
	struct tep_print_arg *arg = find_symbol_arg(event->print_fmt.args, field);
	struct tep_print_flag_sym *s;
	static const char *prefixes[] = { "", "SKB_DROP_REASON_" };

	if (!arg)
		return -ENOENT;
	for (s = arg->symbol.symbols; s; s = s->next) {
		for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
			size_t pl = strlen(prefixes[i]);

			if (!strncasecmp(name, prefixes[i], pl) && !strcasecmp(name + pl, s->str))
				return sym_value(s, value);
		}
	}
	return -ENOENT;
}

static void symtab_build(struct symtab *t, struct tep_event *event, const char *field)
{
	struct tep_print_arg *arg = find_symbol_arg(event->print_fmt.args, field);
	struct tep_print_flag_sym *s;
	long long v;

	t->by_value = NULL;
	t->max = -1;
	if (!arg)
		return;
	for (s = arg->symbol.symbols; s; s = s->next)
		if (!sym_value(s, &v) && v >= 0 && v < 65536 && v > t->max)
			t->max = v;
	if (t->max < 0)
		return;
	t->by_value = xcalloc(t->max + 1, sizeof(*t->by_value));
	for (s = arg->symbol.symbols; s; s = s->next)
		if (!sym_value(s, &v) && v >= 0 && v <= t->max && !t->by_value[v])
			t->by_value[v] = s->str;
}

static void fields_resolve(struct evfields *f, struct tep_event *e)
{
#define F(x) f->x = tep_find_field(e, #x)
	F(skbaddr); F(skaddr); F(location); F(protocol); F(reason);
	F(state); F(oldstate); F(newstate); F(sport); F(dport); F(family);
	F(saddr); F(daddr); F(saddr_v6); F(daddr_v6); F(len); F(rc); F(name); F(sk); F(ret);
	F(saddr6a); F(saddr6b); F(daddr6a); F(daddr6b); F(size); F(caller); F(ip);
	F(head); F(data); F(nh); F(th); F(mh); F(dev); F(netns); F(win0); F(win1); F(proto);
	F(pid); F(newcomm); F(child_pid); F(child_comm); F(comm);
	F(hook); F(pf); F(__probe_ip); F(ret_ip); F(type); F(code); F(rx_sk); F(sock_cookie);
#undef F
}

static void decoder_add(struct decoder *d, const char *sys, const char *name, int kind)
{
	struct tep_event *e = tep_find_event_by_name(d->tep, sys, name);
	struct evdecoder *ed;

	if (!e || kind <= DK_NONE || kind >= DK_NKINDS || d->n >= (int)ARRAY_SIZE(d->eds))
		return;
	for (int i = 0; i < d->n; i++)
		if (d->eds[i].event == e)
			return;	/* shared by two groups (states and connect, rx and rxlat) */
	ed = &d->eds[d->n++];
	ed->event = e;
	ed->fn = kinds[kind].fn;
	ed->type = kinds[kind].type;
	ed->dir = kinds[kind].dir;
	ed->variant = kinds[kind].variant;
	fields_resolve(&ed->f, e);
	for (struct tep_format_field *fl = e->format.fields; fl; fl = fl->next) {
		if (!(fl->flags & TEP_FIELD_IS_DYNAMIC) && fl->offset + fl->size > ed->min_size)
			ed->min_size = fl->offset + fl->size;
	}
	if (kind == DK_STACK && ed->f.caller)	/* caller[8] in the format, as many as taken */
		ed->min_size = ed->f.caller->offset;
	if (ed->f.reason)
		symtab_build(&ed->reasons, e, "reason");
}

bool decoder_add_stacks(struct decoder *d)
{
	decoder_add(d, "ftrace", "kernel_stack", DK_STACK);
	return decoder_has(d, "ftrace", "kernel_stack");
}

struct decoder *decoder_new(struct tep_handle *tep)
{
	struct decoder *d = xcalloc(1, sizeof(*d));

	d->tep = tep;
	for (int i = 0; i < ngroups; i++) {
		const struct group *g = &groups[i];

		for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++)
			decoder_add(d, g->events[j].sys, g->events[j].name, g->events[j].decode);
		for (int j = 0; g->probes && g->probes[j].event; j++)
			decoder_add(d, PROBE_SYSTEM, g->probes[j].event, g->probes[j].decode);
		for (int j = 0; g->extras && g->extras[j].event; j++)
			decoder_add(d, PROBE_SYSTEM, g->extras[j].event, g->extras[j].decode);
		for (int j = 0; g->ident && g->ident[j].sys; j++)
			decoder_add(d, g->ident[j].sys, g->ident[j].name, g->ident[j].decode);
	}
	decoder_add_stacks(d);
	decoder_add(d, "task", "task_rename", DK_COMM_RENAME);
	decoder_add(d, "sched", "sched_process_fork", DK_COMM_FORK);
	decoder_add(d, "sched", "sched_process_exit", DK_COMM_EXIT);
	return d;
}

/*
 * The name a task took, for the comm cache (the session enables these where the instance is
 * its own): the new name of a rename (exec sets it too), the inherited one of a new task, the
 * last one of a task that ends.
 */
int decode_comm(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct tep_format_field *pid = ed->f.child_pid ? ed->f.child_pid : ed->f.pid;
	const struct tep_format_field *name = ed->f.child_comm ? ed->f.child_comm :
					      ed->f.newcomm ? ed->f.newcomm : ed->f.comm;

	if (!name)
		return 0;
	if (pid)	/* without it (6.13+ task_rename) the task renamed itself */
		ev->pid = (int)field_s64(pid, rec->data);
	field_str(name, rec, ev->comm, sizeof(ev->comm));
	ev->internal = INTERNAL_COMM;
	return ev->pid > 0 && ev->comm[0] ? 1 : 0;
}

bool decoder_has(const struct decoder *d, const char *sys, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->eds[i].event->system, sys) && !strcmp(d->eds[i].event->name, name))
			return true;
	return false;
}

bool decoder_has_packets(const struct decoder *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->eds[i].fn == decode_drop_pkt)
			return true;
	return false;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n; i++)
		free(d->eds[i].reasons.by_value);
	free(d->tps);
	free(d);
}

static const struct evdecoder *decoder_of(struct decoder *d, int id)
{
	if (d->eds[d->last].event && d->eds[d->last].event->id == id)
		return &d->eds[d->last];
	for (int i = 0; i < d->n; i++) {
		if (d->eds[i].event->id == id) {
			d->last = i;
			return &d->eds[i];
		}
	}
	return NULL;
}

int decoder_type(struct decoder *d, int id)
{
	const struct evdecoder *ed = decoder_of(d, id);

	return ed ? (int)ed->type : -1;
}

bool decoder_add_tracepoint(struct decoder *d, const char *sys, const char *name)
{
	struct tep_event *e = tep_find_event_by_name(d->tep, sys, name);

	if (!e)
		return false;
	for (int i = 0; i < d->ntps; i++)
		if (d->tps[i] == e)
			return true;
	if (d->ntps == d->tpcap) {
		d->tpcap = d->tpcap ? d->tpcap * 2 : 16;
		d->tps = xrealloc(d->tps, (size_t)d->tpcap * sizeof(*d->tps));
	}
	d->tps[d->ntps++] = e;
	return true;
}

int decoder_tracepoints(const struct decoder *d)
{
	return d->ntps;
}

struct tep_event *decoder_tracepoint(const struct decoder *d, int i)
{
	return i >= 0 && i < d->ntps ? d->tps[i] : NULL;
}

/* A tracepoint named as SYSTEM:EVENT: its format and bytes, read when it is shown. */
static int decode_tracepoint(struct decoder *d, struct tep_record *rec, uint16_t id,
			     struct ftnet_event *ev)
{
	struct tep_event *e = NULL;

	for (int i = 0; i < d->ntps && !e; i++)
		if (d->tps[i]->id == id)
			e = d->tps[i];
	if (!e)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->type = EV_TRACEPOINT;
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->pid = tep_data_pid(d->tep, rec);
	ev->reason = -1;
	ev->state = ev->oldstate = ev->newstate = -1;
	ev->event = e->name;
	ev->tp = e;
	ev->data = rec->data;
	ev->size = (uint32_t)rec->size;
	return 1;
}

int decode_record(struct decoder *d, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evdecoder *ed;
	uint16_t id;

	if (rec->size < 8)
		return -1;
	memcpy(&id, rec->data, 2);	/* common_type is the first field of every event */
	if (d->ntps && decode_tracepoint(d, rec, id, ev))
		return 1;
	ed = decoder_of(d, id);
	if (!ed)
		return 0;
	if (rec->size < ed->min_size)
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->type = ed->type;
	ev->dir = ed->dir;
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->pid = tep_data_pid(d->tep, rec);
	ev->reason = -1;
	ev->state = ev->oldstate = ev->newstate = -1;
	ev->event = ed->event->name;
	return ed->fn(ed, rec, ev);
}

bool decode_has_reason(const struct decoder *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->eds[i].type == EV_DROP)
			return d->eds[i].f.reason != NULL;
	return false;
}

bool decode_traces_nosock_reset(const struct decoder *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->eds[i].type == EV_RESET && d->eds[i].dir == DIR_SENT)
			return d->eds[i].f.saddr && d->eds[i].f.saddr->size >= 16;
	return false;
}
