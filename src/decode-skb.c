/* skb:kfree_skb -> drop events: location always, reason where the kernel has it (5.17+). */
#include "decode-int.h"

int decode_kfree_skb(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->location)
		ev->location = field_u64(f->location, data);
	if (f->protocol)
		ev->protocol = field_u64(f->protocol, data);
	if (f->reason) {
		ev->reason = field_s64(f->reason, data);
		ev->reason_name = symtab_name(&ed->reasons, ev->reason);
	}
	return 1;
}
