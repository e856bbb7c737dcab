// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Any tracepoint named as SYSTEM:EVENT: records laid out by real format files (tests/data)
 * decoded by their format, each field's value and kind, and the event as text and JSON.
 */
#include <arpa/inet.h>
#include <event-parse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/out.h"
#include "decode/decode.h"
#include "fixtures.h"
#include "tap.h"
#include "view/print.h"

static const char *datadir;

static struct tep_handle *load_kernel(const char *kernel)
{
	struct tep_handle *tep = fixture_load(datadir, kernel);

	if (!tep)
		exit(99);
	return tep;
}

static void print_one(const void *arg)
{
	out_event(arg);
	out_flush();
}

/* The value of field name of ev as the printer shows it in text ("?" when there is none). */
static const char *shown(const struct ftnet_event *ev, const char *name)
{
	static char buf[300];
	const struct tep_format_field *f = tp_find(ev, name);
	struct tp_value v;

	if (!f)
		return "?";
	tp_value(ev, f, &v);
	if (v.kind == TP_INT)
		snprintf(buf, sizeof(buf), "int %lld", (long long)v.i);
	else if (v.kind == TP_UINT)
		snprintf(buf, sizeof(buf), "uint %llu", (unsigned long long)v.u);
	else
		snprintf(buf, sizeof(buf), "%s %s", v.kind == TP_STR ? "str" : "array", v.str);
	return buf;
}

/* sock:inet_sock_set_state of 6.18: states and family by name, addresses, hex pointer. */
static void test_set_state(void)
{
	struct tep_handle *tep = load_kernel("6.18");
	struct decoder *d = decoder_new(tep);
	struct out_opts o = { .mode = OUT_JSON };
	struct ftnet_event ev;
	struct tep_record rec;
	uint8_t a[16];
	struct raw r;

	raw_init(&r, tep, "sock", "inet_sock_set_state", 11);
	raw_set(&r, "skaddr", 0xffff888100003000ull);
	raw_set(&r, "oldstate", 2);
	raw_set(&r, "newstate", 1);
	raw_set(&r, "sport", 45678);
	raw_set(&r, "dport", 22);
	raw_set(&r, "family", AF_INET);
	raw_set(&r, "protocol", 6);
	inet_pton(AF_INET, "127.0.0.1", a);
	raw_bytes(&r, "saddr", a, 4);
	inet_pton(AF_INET, "10.1.2.3", a);
	raw_bytes(&r, "daddr", a, 4);
	inet_pton(AF_INET6, "fd00::1", a);
	raw_bytes(&r, "saddr_v6", a, 16);
	rec = (struct tep_record){ .ts = 5, .cpu = 1, .data = r.data, .size = r.size };

	/* the catalogue's decoder (states) until the tracepoint is named */
	CHECK_INT(decode_record(d, &rec, &ev), 1);
	CHECK_INT(ev.type, EV_STATE);
	CHECK(decoder_add_tracepoint(d, "sock", "inet_sock_set_state"));
	CHECK(!decoder_add_tracepoint(d, "sock", "no_such_event"));
	CHECK_INT(decoder_tracepoints(d), 1);
	CHECK_INT(decode_record(d, &rec, &ev), 1);
	CHECK_INT(ev.type, EV_TRACEPOINT);
	CHECK_INT(ev.pid, 11);
	CHECK_STR(shown(&ev, "skaddr"), "str 0xffff888100003000");
	CHECK_STR(shown(&ev, "oldstate"), "str TCP_SYN_SENT");
	CHECK_STR(shown(&ev, "newstate"), "str TCP_ESTABLISHED");
	CHECK_STR(shown(&ev, "sport"), "uint 45678");
	CHECK_STR(shown(&ev, "family"), "str AF_INET");
	CHECK_STR(shown(&ev, "protocol"), "str IPPROTO_TCP");
	CHECK_STR(shown(&ev, "saddr"), "str 127.0.0.1");
	CHECK_STR(shown(&ev, "daddr"), "str 10.1.2.3");
	CHECK_STR(shown(&ev, "saddr_v6"), "str fd00::1");
	CHECK_STR(shown(&ev, "common_pid"), "?");	/* the columns, not fields */
	CHECK(tp_find(&ev, "nosuchfield") == NULL);

	strcpy(ev.comm, "sshd");
	out_init(&o);
	CHECK_STR(fixture_stdout(print_one, &ev),
		  "{\"type\":\"tracepoint\",\"ts_ns\":5,\"cpu\":1,\"comm\":\"sshd\",\"pid\":11,"
		  "\"event\":\"sock:inet_sock_set_state\",\"fields\":{\"skaddr\":"
		  "\"0xffff888100003000\",\"oldstate\":\"TCP_SYN_SENT\",\"newstate\":"
		  "\"TCP_ESTABLISHED\",\"sport\":45678,\"dport\":22,\"family\":\"AF_INET\","
		  "\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"127.0.0.1\",\"daddr\":\"10.1.2.3\","
		  "\"saddr_v6\":\"fd00::1\",\"daddr_v6\":\"::\"}}\n");
	o.mode = OUT_TEXT;
	out_init(&o);
	CHECK_STR(fixture_stdout(print_one, &ev),
		  "0.000000005          1 sshd                  11 sock:inet_sock_set_state "
		  "skaddr=0xffff888100003000 oldstate=TCP_SYN_SENT newstate=TCP_ESTABLISHED "
		  "sport=45678 dport=22 family=AF_INET protocol=IPPROTO_TCP saddr=127.0.0.1 "
		  "daddr=10.1.2.3 saddr_v6=fd00::1 daddr_v6=::\n");
	decoder_free(d);
	tep_free(tep);
}

/* tcp:tcp_send_reset of 6.18: sockaddr arrays with the port; net:netif_receive_skb: a string. */
static void test_sockaddr_and_string(void)
{
	struct tep_handle *tep = load_kernel("6.18");
	struct decoder *d = decoder_new(tep);
	uint8_t sa[28] = { 0 };
	uint16_t fam = AF_INET6, port = htons(443);
	struct ftnet_event ev;
	struct tep_record rec;
	struct raw r;

	CHECK(decoder_add_tracepoint(d, "tcp", "tcp_send_reset"));
	CHECK(decoder_add_tracepoint(d, "net", "netif_receive_skb"));
	raw_init(&r, tep, "tcp", "tcp_send_reset", 7);
	memcpy(sa, &fam, 2);
	memcpy(sa + 2, &port, 2);
	inet_pton(AF_INET6, "fd00::2", sa + 8);
	raw_bytes(&r, "saddr", sa, 28);
	raw_set(&r, "state", 7);
	rec = (struct tep_record){ .data = r.data, .size = r.size };
	CHECK_INT(decode_record(d, &rec, &ev), 1);
	CHECK_INT(ev.type, EV_TRACEPOINT);
	CHECK_STR(shown(&ev, "saddr"), "str [fd00::2]:443");
	CHECK_STR(shown(&ev, "daddr"), "array [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]");
	/* its __print_symbolic names enum constants the kernel left unresolved: the number */
	CHECK_STR(shown(&ev, "state"), "int 7");

	raw_init(&r, tep, "net", "netif_receive_skb", 0);
	raw_set(&r, "len", 84);
	raw_str(&r, "name", "veth0");
	rec = (struct tep_record){ .data = r.data, .size = r.size };
	CHECK_INT(decode_record(d, &rec, &ev), 1);
	CHECK_STR(shown(&ev, "name"), "str veth0");
	CHECK_STR(shown(&ev, "len"), "uint 84");
	/* a record cut short: the string past its end is shown as unknown, never read */
	rec.size = r.size - 4;
	CHECK_INT(decode_record(d, &rec, &ev), 1);
	CHECK_STR(shown(&ev, "name"), "str ?");
	decoder_free(d);
	tep_free(tep);
}

int main(void)
{
	datadir = getenv("TESTDATA");
	if (!datadir)
		datadir = "tests/data";
	test_set_state();
	test_sockaddr_and_string();
	printf("tracepoint: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
