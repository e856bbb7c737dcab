// SPDX-License-Identifier: GPL-2.0-or-later
/* ftrace:kernel_stack records -> EV_STACK: the frames stay in the record, read by decode_frame. */
#include <string.h>

#include "decode-int.h"

uint64_t decode_frame(const struct ftnet_event *ev, uint32_t i)
{
	const unsigned char *p = (const unsigned char *)ev->frames + (size_t)i * ev->frame_size;

	if (i >= ev->nframes)
		return 0;
	if (ev->frame_size == 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		return v;
	} else {
		uint64_t v;

		memcpy(&v, p, 8);
		return v;
	}
}

/* Old kernels end a short stack with ULONG_MAX; a zero frame ends it too. */
static bool frame_ends(const struct ftnet_event *ev, uint32_t i)
{
	uint64_t v = decode_frame(ev, i);

	return !v || v == (ev->frame_size == 4 ? UINT32_MAX : UINT64_MAX);
}

int decode_kernel_stack(const struct evdecoder *ed, struct tep_record *rec,
			struct ftnet_event *ev)
{
	const struct tep_format_field *caller = ed->f.caller;
	unsigned int esize, avail;
	long long n;

	if (!caller || !ed->f.size || rec->size < caller->offset)
		return 0;
	esize = caller->arraylen ? (unsigned int)caller->size / caller->arraylen : 8;
	if (esize != 4 && esize != 8)
		return 0;
	/* the format says caller[8]; the record holds size entries, as many as were taken */
	n = field_s64(ed->f.size, rec->data);
	avail = (unsigned int)(rec->size - caller->offset) / esize;
	ev->frames = (const char *)rec->data + caller->offset;
	ev->frame_size = esize;
	ev->nframes = n < 0 ? 0 : n > avail ? avail : (uint32_t)n;
	for (uint32_t i = 0; i < ev->nframes; i++) {
		if (frame_ends(ev, i)) {
			ev->nframes = i;
			break;
		}
	}
	return 1;
}
