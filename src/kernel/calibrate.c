// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Without BTF: sk_buff's offsets found by sending loopback packets ftnet knows and reading the
 * skbs back through a kprobe. At tcp_v4_rcv's entry an IPv4 SYN's skb has data at the TCP
 * header, transport_header = data - head, network_header 20 before, mac_header 14 before
 * that, and len = the TCP header's length: the candidates that hold in every record are then
 * verified by rebuilding a second SYN's flow from them. What cannot be verified is not used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <tracefs.h>
#include <unistd.h>

#include "kernel/owner.h"
#include "kernel/calibrate.h"
#include "net/pkt.h"
#include "kernel/kprobe.h"
#include "base/util.h"

#define SKB_BYTES 256	/* of struct sk_buff read (it is 224 to 232 bytes) */
#define SYNS 3

/* A closed loopback TCP port: one the kernel just gave us, released. */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* n SYNs to port, each answered by a RST (the skb is read at tcp_v4_rcv on the way). */
static void send_syns(int port, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		connect(fd, (struct sockaddr *)&a, sizeof(a));	/* refused: that is the point */
		close(fd);
	}
}

/* Parses "name={0x1,0x2,...}" from a line of the trace file into out; the count read. */
static int parse_array(const char *line, const char *name, uint8_t *out, int max)
{
	char key[16];
	const char *p;
	int n = 0;

	snprintf(key, sizeof(key), " %s={", name);
	p = strstr(line, key);
	if (!p)
		return 0;
	p += strlen(key);
	while (n < max && *p && *p != '}') {
		char *end;
		unsigned long v = strtoul(p, &end, 16);

		if (end == p)
			break;
		out[n++] = (uint8_t)v;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

static unsigned long long parse_num(const char *line, const char *name)
{
	char key[16];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(line, key);
	return p ? strtoull(p + strlen(key), NULL, 0) : 0;
}

/* fetch with its "$A1" written as this kernel names the first argument. */
static int first_arg(const char *fetch, char *out, size_t size)
{
	char arg[16];
	size_t o = 0;

	if (probe_arg(1, arg, sizeof(arg)) < 0)
		return -EINVAL;
	for (const char *p = fetch; *p; p++) {
		const char *rep = strncmp(p, "$A1", 3) ? NULL : arg;
		size_t l = rep ? strlen(rep) : 1;

		if (o + l >= size)
			return -ENOSPC;
		memcpy(out + o, rep ? rep : p, l);
		o += l;
		p += rep ? 2 : 0;
	}
	out[o] = '\0';
	return 0;
}

/* Registers ftnet/NAME on tcp_v4_rcv in a private instance, sends SYNs, returns the trace. */
static char *probe_run(const char *name, const char *fetch, int port, int syns, char *why,
		       size_t size)
{
	struct tracefs_instance *inst;
	char iname[64], err[512], *text = NULL, args[1024];
	int ret;

	snprintf(iname, sizeof(iname), "ftnet-calib-%d", (int)getpid());
	ret = first_arg(fetch, args, sizeof(args));
	if (ret < 0)
		snprintf(err, sizeof(err), "no $argN in this kernel and no register table for it");
	else if (!probe_exists(name))
		ret = probe_register(name, "tcp_v4_rcv", args, err, sizeof(err));
	if (ret < 0) {
		snprintf(why, size, "calibration: %s", err);
		return NULL;
	}
	inst = tracefs_instance_create(iname);
	if (inst)
		owner_set(iname, OWNER_INSTANCE, true);
	if (inst && !tracefs_event_enable(inst, PROBE_SYSTEM, name)) {
		send_syns(port, syns);
		text = tracefs_instance_file_read(inst, "trace", NULL);
		tracefs_event_disable(inst, PROBE_SYSTEM, name);
	}
	if (!text)
		snprintf(why, size, "calibration: cannot trace tcp_v4_rcv: %s", strerror(errno));
	if (inst) {
		if (!tracefs_instance_destroy(inst))
			owner_forget(iname);
		tracefs_instance_free(inst);
	}
	probe_remove_event(name);
	return text;
}

static const char *next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl ? nl + 1 : NULL;
}

static uint64_t u64_at(const uint8_t *b, int o)
{
	uint64_t v;

	memcpy(&v, b + o, 8);
	return v;
}

static unsigned u16_at(const uint8_t *b, int o)
{
	uint16_t v;

	memcpy(&v, b + o, 2);
	return v;
}

/* The 256 bytes of the skb a record holds (s0 to s3); false when cut. */
static bool skb_bytes(const char *line, uint8_t *b)
{
	static const char *const part[] = { "s0", "s1", "s2", "s3" };
	int n = 0;

	for (int i = 0; i < 4; i++)
		n += parse_array(line, part[i], b + 64 * i, 64);
	return n == SKB_BYTES;
}

/*
 * Where a 64-bit kernel's own addresses begin at the lowest: 0xffff... with 48-bit virtual
 * addresses, 0xfff0... with arm64's 52 (Debian 13's arm64 kernel: its skbs are at
 * 0xfff00000...), 0xff11... for x86-64's direct map with 5-level paging.
 */
#define KERNEL_ADDR_MIN 0xff00000000000000ull

/*
 * The offsets one skb of a SYN at tcp_v4_rcv allows: head and data adjacent pointers, then
 * transport, network and mac headers as three consecutive u16. 1 when exactly one fits.
 */
static int fit(const uint8_t *b, struct calib *c)
{
	int found = 0;

	for (int o = 0; o + 16 <= SKB_BYTES; o += 8) {
		uint64_t h = u64_at(b, o), d = u64_at(b, o + 8);

		if (h < KERNEL_ADDR_MIN || d <= h || d - h > 4096)
			continue;
		for (int q = 0; q + 6 <= SKB_BYTES; q += 2) {
			unsigned th = u16_at(b, q), nh = u16_at(b, q + 2), mh = u16_at(b, q + 4);

			if (th != d - h || nh + 20 != th || mh + 14 != nh)
				continue;
			*c = (struct calib){ .head = o, .data = o + 8, .transport_header = q,
					     .network_header = q + 2, .mac_header = q + 4 };
			found++;
		}
	}
	return found;
}

/* Phase one: the offsets every record of our SYNs agrees on. */
static int find(const char *text, struct calib *c, char *why, size_t size)
{
	uint8_t b[SKB_BYTES];
	struct calib one, first = { 0 };
	int records = 0, agree = 0;

	for (const char *line = text; line && *line; line = next_line(line)) {
		if (!strstr(line, "calib:") || !skb_bytes(line, b))
			continue;
		records++;
		if (fit(b, &one) != 1)
			continue;
		if (!agree++)
			first = one;
		else if (memcmp(&one, &first, sizeof(one)))
			agree = -1000;
	}
	if (records < SYNS || agree < SYNS) {
		snprintf(why, size, "calibration: %d skbs read at tcp_v4_rcv for ftnet's %d SYNs, %d agreeing on one layout of sk_buff",
			 records, SYNS, agree < 0 ? 0 : agree);
		return -ENOENT;
	}
	*c = first;
	return 0;
}

/* The TCP header's length in a SYN's bytes at data (its payload is empty). */
static int tcp_hdrlen(const uint8_t *win1)
{
	return (win1[12] >> 4) * 4;
}

/* len: a u32 that holds the TCP header's length, with data_len (0) after it, before head. */
static int find_len(const uint8_t *b, int hdrlen, int head)
{
	int at = -1, n = 0;

	for (int q = 0; q + 8 <= head; q += 4) {
		uint32_t v, next;

		memcpy(&v, b + q, 4);
		memcpy(&next, b + q + 4, 4);
		if (v == (uint32_t)hdrlen && next == 0) {
			at = q;
			n++;
		}
	}
	return n == 1 ? at : -1;
}

/* Phase two: a second port's SYNs rebuilt with the offsets found; 0 when every one fits. */
static int verify(const char *text, struct calib *c, int port, char *why, size_t size)
{
	uint8_t win[128], b[SKB_BYTES];
	int good = 0, len = -2;

	for (const char *line = text; line && *line; line = next_line(line)) {
		struct pkt_skb s = { 0 };
		struct pkt_info pi;
		int l;

		if (!strstr(line, "calibv:") || parse_array(line, "win0", win, 64) != 64 ||
		    parse_array(line, "win1", win + 64, 64) != 64 || !skb_bytes(line, b))
			continue;
		s.head = parse_num(line, "head");
		s.data = parse_num(line, "data");
		s.network_header = (uint16_t)parse_num(line, "nh");
		s.transport_header = (uint16_t)parse_num(line, "th");
		s.mac_header = PKT_UNSET;
		s.win = win;
		s.win_len = sizeof(win);
		s.win_addr = s.data - 64;
		if (pkt_rebuild(&s, &pi) < 0 || pi.family != AF_INET || pi.ipproto != 6 ||
		    pi.dport != port || memcmp(pi.daddr, "\x7f\0\0\x01", 4))
			continue;
		l = find_len(b, tcp_hdrlen(win + 64), c->head);
		len = len == -2 || len == l ? l : -1;
		good++;
	}
	if (good < SYNS) {
		snprintf(why, size, "calibration: the offsets found rebuilt %d of %d SYNs to port %d (not used)",
			 good, SYNS, port);
		return -ENOENT;
	}
	c->len = len;
	return 0;
}

#define SKB_FETCH "s0=+0($A1):x8[64] s1=+64($A1):x8[64] s2=+128($A1):x8[64] s3=+192($A1):x8[64]"

int calibrate_skb(struct calib *c, char *why, size_t size)
{
	char fetch[512], *text;
	int ret, port = closed_port(), port2 = closed_port();

	if (port < 0 || port2 < 0 || port == port2) {
		snprintf(why, size, "calibration: no free loopback port");
		return -EAGAIN;
	}
	text = probe_run("calib", SKB_FETCH, port, SYNS, why, size);
	if (!text)
		return -EIO;
	ret = find(text, c, why, size);
	free(text);
	if (ret < 0)
		return ret;
	snprintf(fetch, sizeof(fetch), "head=+%d($A1):x64 data=+%d($A1):x64 nh=+%d($A1):u16 "
		 "th=+%d($A1):u16 win0=-64(+%d($A1)):x8[64] win1=+0(+%d($A1)):x8[64] " SKB_FETCH,
		 c->head, c->data, c->network_header, c->transport_header, c->data, c->data);
	text = probe_run("calibv", fetch, port2, SYNS, why, size);
	if (!text)
		return -EIO;
	ret = verify(text, c, port2, why, size);
	free(text);
	return ret;
}
