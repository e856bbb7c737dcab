// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcpdump filters on rebuilt packets: compiled by libpcap for raw IP (and Ethernet, for ARP)
 * and interpreted in this process, and the few simple expressions a kernel event filter can
 * check beforehand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt.h"

struct pkt_filter {
	struct bpf_program	ip, eth;	/* for raw IP, and for Ethernet frames (ARP) */
	bool			has_ip, has_eth;
};

/* expr compiled for linktype into prog; libpcap's message in err when it cannot be. */
static bool compile(int linktype, const char *expr, struct bpf_program *prog, char *err,
		    size_t errsize)
{
	pcap_t *pc = pcap_open_dead(linktype, 65535);
	bool ok;

	if (!pc) {
		snprintf(err, errsize, "out of memory");
		return false;
	}
	ok = pcap_compile(pc, prog, expr ? expr : "", 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!ok)
		snprintf(err, errsize, "%s", pcap_geterr(pc));
	pcap_close(pc);
	return ok;
}

struct pkt_filter *pkt_filter_new(const char *expr, char *err, size_t errsize)
{
	char ip_err[PCAP_ERRBUF_SIZE], eth_err[PCAP_ERRBUF_SIZE];
	struct pkt_filter *f;

	if (errsize)
		err[0] = '\0';
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->has_ip = compile(DLT_RAW, expr, &f->ip, ip_err, sizeof(ip_err));
	/*
	 * Ethernet's only for what raw IP cannot hold at all (arp, rarp): a filter on IP packets
	 * by their MAC addresses is refused as before (ftnet has no Ethernet header for them)
	 */
	if (f->has_ip || strstr(ip_err, "rejects all packets"))
		f->has_eth = compile(DLT_EN10MB, expr, &f->eth, eth_err, sizeof(eth_err));
	if (f->has_ip || f->has_eth)
		return f;
	if (errsize)
		snprintf(err, errsize, "%s",
			 strstr(ip_err, "rejects all packets") ? eth_err : ip_err);
	free(f);
	errno = EINVAL;
	return NULL;
}

void pkt_filter_free(struct pkt_filter *f)
{
	if (!f)
		return;
	if (f->has_ip)
		pcap_freecode(&f->ip);
	if (f->has_eth)
		pcap_freecode(&f->eth);
	free(f);
}

static bool run(const struct bpf_program *prog, const uint8_t *pkt, uint32_t caplen,
		uint32_t wirelen)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = wirelen < caplen ? caplen : wirelen };

	return pcap_offline_filter(prog, &h, pkt) != 0;
}

bool pkt_filter_match(const struct pkt_filter *f, const uint8_t *pkt, uint32_t caplen,
		      uint32_t wirelen)
{
	return f->has_ip && run(&f->ip, pkt, caplen, wirelen);
}

bool pkt_filter_match_frame(const struct pkt_filter *f, const uint8_t *frame, uint32_t caplen,
			    uint32_t wirelen)
{
	return f->has_eth && run(&f->eth, frame, caplen, wirelen);
}

bool pkt_filter_match_skb(const struct pkt_filter *f, const struct pkt_skb *s,
			  const struct pkt_info *pi)
{
	uint8_t buf[256];
	uint32_t n = 0, len;

	if (pi->family == AF_PACKET) {
		n = pkt_layout_frame(s, pi, buf, sizeof(buf), &len);
		return n && pkt_filter_match_frame(f, buf, n, len);
	}
	if (s)
		n = pkt_layout_raw(s, pi, buf, sizeof(buf), &len);
	if (!n)
		n = pkt_layout_rebuilt(pi, buf, sizeof(buf), &len);
	return n && pkt_filter_match(f, buf, n, len);
}

/* A decimal port: digits only, as opt.c reads numbers. */
static int port_parse(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	/* libpcap reads 0NN as octal and 0xNN as hex: take plain decimal only */
	if (!*s || strlen(s) > 5 || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* A numeric address; both addresses of one filter must be of one family. */
static int addr_parse(struct pkt_kfilter *kf, const char *s, uint8_t *addr)
{
	uint16_t family = strchr(s, ':') ? AF_INET6 : AF_INET;

	/* no leading zeros in IPv4 parts, whose base readers disagree on */
	if (family == AF_INET)
		for (const char *c = s; *c; c++)
			if (*c == '0' && (c == s || c[-1] == '.') && c[1] >= '0' && c[1] <= '9')
				return -EINVAL;
	if (inet_pton(family, s, addr) != 1 || (kf->family && kf->family != family))
		return -EINVAL;
	kf->family = family;
	return 0;
}

enum dir { DIR_ANY, DIR_SRC, DIR_DST };

/* One primitive at w[0]: the words it used, or -EINVAL. */
static int primitive(struct pkt_kfilter *kf, char **w, int n)
{
	static const struct { const char *name; uint8_t proto; } protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 },
	};
	static const uint32_t ports[] = { PKT_KF_PORT, PKT_KF_SPORT, PKT_KF_DPORT };
	static const uint32_t addrs[] = { PKT_KF_ADDR, PKT_KF_SADDR, PKT_KF_DADDR };
	enum dir dir = DIR_ANY;
	int i = 0;

	for (size_t p = 0; p < sizeof(protos) / sizeof(protos[0]); p++) {
		if (strcmp(w[0], protos[p].name))
			continue;
		if (kf->fields & PKT_KF_PROTO)
			return -EINVAL;
		kf->fields |= PKT_KF_PROTO;
		kf->proto = protos[p].proto;
		return 1;
	}
	if (!strcmp(w[0], "src") || !strcmp(w[0], "dst")) {
		dir = w[0][0] == 's' ? DIR_SRC : DIR_DST;
		i++;
	}
	if (i + 2 > n)
		return -EINVAL;
	if (!strcmp(w[i], "port")) {
		uint16_t *v = dir == DIR_SRC ? &kf->sport : dir == DIR_DST ? &kf->dport : &kf->port;

		if ((kf->fields & ports[dir]) || port_parse(w[i + 1], v) < 0)
			return -EINVAL;
		kf->fields |= ports[dir];
		return i + 2;
	}
	if (!strcmp(w[i], "host")) {
		uint8_t *a = dir == DIR_SRC ? kf->saddr : dir == DIR_DST ? kf->daddr : kf->addr;

		if ((kf->fields & addrs[dir]) || addr_parse(kf, w[i + 1], a) < 0)
			return -EINVAL;
		kf->fields |= addrs[dir];
		return i + 2;
	}
	return -EINVAL;
}

struct pkt_kfilter *pkt_kfilter_parse(const char *expr, struct pkt_kfilter *kf)
{
	char buf[256], *w[32], *save = NULL;
	int n = 0, i = 0;

	memset(kf, 0, sizeof(*kf));
	if (!expr || strlen(expr) >= sizeof(buf))
		return NULL;
	strcpy(buf, expr);
	for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		if (n == (int)(sizeof(w) / sizeof(w[0])))
			return NULL;
		w[n++] = t;
	}
	while (i < n) {
		int used = primitive(kf, w + i, n - i);

		if (used < 0)
			return NULL;
		i += used;
		if (i == n)
			break;
		if (strcmp(w[i], "and") && strcmp(w[i], "&&"))
			return NULL;
		if (++i == n)
			return NULL;
	}
	return kf->fields ? kf : NULL;
}

/* The value a u16 or u32 fetch reads from these bytes (network order) on this machine. */
static unsigned long native(const uint8_t *b, int n)
{
	uint16_t v16;
	uint32_t v32;

	if (n == 2) {
		memcpy(&v16, b, 2);
		return v16;
	}
	memcpy(&v32, b, 4);
	return v32;
}

static unsigned long port_native(uint16_t port)
{
	uint8_t b[2] = { (uint8_t)(port >> 8), (uint8_t)port };

	return native(b, 2);
}

struct kexpr {
	char	*buf;
	size_t	size, n;
	bool	overflow;
};

static void kadd(struct kexpr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kadd(struct kexpr *e, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (e->overflow)
		return;
	va_start(ap, fmt);
	r = vsnprintf(e->buf + e->n, e->size - e->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= e->size - e->n)
		e->overflow = true;
	else
		e->n += (size_t)r;
}

/* The ports' conditions on ksp and kdp, each "&& (...)". */
static void kports(struct kexpr *e, const struct pkt_kfilter *kf)
{
	if (kf->fields & PKT_KF_SPORT)
		kadd(e, " && ksp == %lu", port_native(kf->sport));
	if (kf->fields & PKT_KF_DPORT)
		kadd(e, " && kdp == %lu", port_native(kf->dport));
	if (kf->fields & PKT_KF_PORT)
		kadd(e, " && (ksp == %lu || kdp == %lu)", port_native(kf->port),
		     port_native(kf->port));
}

#define KF_PORTS (PKT_KF_SPORT | PKT_KF_DPORT | PKT_KF_PORT)
#define KF_ADDRS (PKT_KF_SADDR | PKT_KF_DADDR | PKT_KF_ADDR)

/* At the transport header of proto: the ports, or nothing passes where kf wants another. */
static int kexpr_l4(struct kexpr *e, const struct pkt_kfilter *kf, uint8_t proto)
{
	bool ports = proto == 6 || proto == 17;

	if (((kf->fields & PKT_KF_PROTO) && kf->proto != proto) ||
	    ((kf->fields & KF_PORTS) && !ports)) {
		kadd(e, "skbaddr == 0");	/* never: no packet here can match */
		return 1;
	}
	if (!(kf->fields & KF_PORTS))
		return 0;
	kadd(e, "skbaddr != 0");
	kports(e, kf);
	return 1;
}

/* At the network header: IPv4 without options is checked, anything else passes. */
static int kexpr_net(struct kexpr *e, const struct pkt_kfilter *kf)
{
	if (!(kf->fields & (PKT_KF_PROTO | KF_PORTS | KF_ADDRS)))
		return 0;
	kadd(e, "kv != 69 || (kv == 69");
	if (kf->family == AF_INET6 && (kf->fields & KF_ADDRS))
		kadd(e, " && kv != 69");	/* an IPv6 address: no IPv4 packet */
	if (kf->fields & PKT_KF_PROTO)
		kadd(e, " && kp == %u", kf->proto);
	else if (kf->fields & KF_PORTS)	/* as tcpdump's 'port': TCP, UDP or SCTP */
		kadd(e, " && (kp == 6 || kp == 17 || kp == 132)");
	if (kf->family == AF_INET) {
		if (kf->fields & PKT_KF_SADDR)
			kadd(e, " && ks == %lu", native(kf->saddr, 4));
		if (kf->fields & PKT_KF_DADDR)
			kadd(e, " && kd == %lu", native(kf->daddr, 4));
		if (kf->fields & PKT_KF_ADDR)
			kadd(e, " && (ks == %lu || kd == %lu)", native(kf->addr, 4),
			     native(kf->addr, 4));
	}
	kports(e, kf);
	kadd(e, ")");
	return 1;
}

int pkt_kfilter_expr(const struct pkt_kfilter *kf, enum pkt_kat at, uint8_t proto, char *buf,
		     size_t size)
{
	struct kexpr e = { .buf = buf, .size = size };
	int ret = 0;

	if (size)
		buf[0] = '\0';
	if (!kf || !kf->fields || !size)
		return 0;
	if (at == PKT_KAT_NET)
		ret = kexpr_net(&e, kf);
	else if (at == PKT_KAT_L4)
		ret = kexpr_l4(&e, kf, proto);
	if (e.overflow) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return ret;
}
