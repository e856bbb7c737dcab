/* Text columns and JSON Lines: the only module that writes to stdout. */
#ifndef FTNET_OUT_H
#define FTNET_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct ksyms;

enum out_mode { OUT_TEXT, OUT_JSON };
enum out_time { TIME_MONO, TIME_WALL };

struct out_opts {
	enum out_mode		mode;
	enum out_time		time;
	bool			no_header;
	int64_t			wall_offset_ns;	/* wall clock minus trace clock */
	const struct ksyms	*ksyms;
};

void out_init(const struct out_opts *o);
/* Begins and ends one record; in text mode fields are separated by their formats. */
void out_begin(const char *type);
void out_end(void);
/* One call per field for both modes, like iproute2's print_uint(PRINT_ANY, ...). */
void out_str(const char *key, const char *fmt, const char *v);
void out_uint(const char *key, const char *fmt, uint64_t v);
void out_int(const char *key, const char *fmt, int64_t v);
void out_double(const char *key, const char *fmt, double v);
/* JSON nesting: an object or array under key (NULL inside an array); nothing in text. */
void out_open(const char *key, bool array);
void out_close(bool array);
bool out_is_json(void);
/* Text only (a label, a separator); nothing in JSON. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct packet;

void out_event_header(void);
/* One captured packet: wall time, interface, protocol, addresses, ports, flags, length. */
void out_packet(const struct packet *p);
void out_event(const struct ftnet_event *ev);
void out_flush(void);

/* Helpers shared with other views. */
void out_fmt_addr(const struct ftnet_event *ev, bool src, char *buf, size_t size);
const char *out_ethertype(uint16_t proto);
void out_fmt_time(uint64_t ts, char *buf, size_t size);

#endif
