/* net:netif_receive_skb and net:net_dev_xmit -> rx and tx events. */
#include "decode-int.h"

int decode_netdev(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->len)
		ev->len = field_u64(f->len, data);
	if (f->rc)
		ev->rc = field_s64(f->rc, data);
	if (f->name)
		field_str(f->name, rec, ev->dev, sizeof(ev->dev));
	return 1;
}
