/* tcp:tcp_send_reset, tcp_receive_reset, tcp_retransmit_skb and sock:inet_sock_set_state. */
#include <netinet/in.h>

#include "decode-int.h"

int decode_tcp_sk(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->state)
		ev->state = field_s64(f->state, data);
	if (f->reason) {
		ev->reason = field_s64(f->reason, data);
		ev->reason_name = symtab_name(&ed->reasons, ev->reason);
	}
	decode_addrs(f, data, ev);
	return 1;
}

int decode_set_state(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->oldstate)
		ev->oldstate = field_s64(f->oldstate, data);
	if (f->newstate)
		ev->newstate = field_s64(f->newstate, data);
	/* protocol was one byte before 5.x and two bytes since; read by size */
	ev->protocol = f->protocol ? field_u64(f->protocol, data) : IPPROTO_TCP;
	decode_addrs(f, data, ev);
	return 1;
}
