// SPDX-License-Identifier: GPL-2.0-or-later
/* libnl (route, idiag) and the /proc files that count what the network stack did. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nl.h"
#include "base/util.h"

int nl_links(struct link_stats **out, size_t *n)
{
	struct nl_cache *cache = NULL;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_object *obj;
	size_t k = 0;
	int ret;

	*out = NULL;
	*n = 0;
	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (!ret)
		ret = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
	if (ret < 0) {
		nl_socket_free(sk);
		return -EIO;
	}
	*out = xcalloc(nl_cache_nitems(cache) + 1, sizeof(**out));
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_link *l = (struct rtnl_link *)obj;
		struct link_stats *s = &(*out)[k++];

		snprintf(s->name, sizeof(s->name), "%s", rtnl_link_get_name(l));
		s->rx_packets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
		s->tx_packets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
		s->rx_bytes = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
		s->tx_bytes = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
		s->rx_errors = rtnl_link_get_stat(l, RTNL_LINK_RX_ERRORS);
		s->tx_errors = rtnl_link_get_stat(l, RTNL_LINK_TX_ERRORS);
		s->rx_dropped = rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED);
		s->tx_dropped = rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED);
		s->mtu = rtnl_link_get_mtu(l);
		s->ifindex = rtnl_link_get_ifindex(l);
		s->peer = rtnl_link_get_link(l);
		s->peer_nsid = -1;
		rtnl_link_get_link_netnsid(l, &s->peer_nsid);
		snprintf(s->kind, sizeof(s->kind), "%s",
			 rtnl_link_get_type(l) ? rtnl_link_get_type(l) : "");
	}
	*n = k;
	nl_cache_free(cache);
	nl_socket_free(sk);
	return 0;
}

/* inode -> owning process, from the socket links in /proc/PID/fd */
static void owners(struct sock_row *rows, size_t n)
{
	struct dirent *pe;
	DIR *proc = opendir("/proc");

	if (!proc || !n) {
		if (proc)
			closedir(proc);
		return;
	}
	while ((pe = readdir(proc))) {
		char path[300], link[64];
		struct dirent *fe;
		DIR *fds;
		int pid = atoi(pe->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fe = readdir(fds))) {
			unsigned int inode;
			ssize_t l;

			snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, fe->d_name);
			l = readlink(path, link, sizeof(link) - 1);
			if (l <= 0)
				continue;
			link[l] = '\0';
			if (sscanf(link, "socket:[%u]", &inode) != 1)
				continue;
			for (size_t i = 0; i < n; i++) {
				if (rows[i].inode == inode && !rows[i].pid) {
					char *comm;

					rows[i].pid = pid;
					snprintf(path, sizeof(path), "/proc/%d/comm", pid);
					comm = read_file(path, NULL);
					if (comm) {
						comm[strcspn(comm, "\n")] = '\0';
						snprintf(rows[i].comm, sizeof(rows[i].comm), "%s", comm);
						free(comm);
					}
				}
			}
		}
		closedir(fds);
	}
	closedir(proc);
}

static void push_row(struct sock_row **rows, size_t *n, size_t *cap, const struct sock_row *r)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*rows = xrealloc(*rows, *cap * sizeof(**rows));
	}
	(*rows)[(*n)++] = *r;
}

static void tcp_rows(int family, struct sock_row **rows, size_t *n, size_t *cap)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	struct nl_object *obj;

	if (!sk)
		return;
	if (idiagnl_connect(sk) < 0 ||
	    idiagnl_msg_alloc_cache(sk, family, IDIAGNL_SS_ALL, &cache) < 0) {
		nl_socket_free(sk);
		return;
	}
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct idiagnl_msg *m = (struct idiagnl_msg *)obj;
		struct nl_addr *a;
		struct sock_row r;

		/* a dump may hold the other family too: each socket once, under its own */
		if (idiagnl_msg_get_family(m) != family)
			continue;
		memset(&r, 0, sizeof(r));
		r.family = family;
		r.proto = IPPROTO_TCP;
		r.state = idiagnl_msg_get_state(m);
		r.rq = idiagnl_msg_get_rqueue(m);
		r.wq = idiagnl_msg_get_wqueue(m);
		r.inode = idiagnl_msg_get_inode(m);
		/* libnl-idiag hands the ports over in network byte order */
		r.sport = ntohs(idiagnl_msg_get_sport(m));
		r.dport = ntohs(idiagnl_msg_get_dport(m));
		if ((a = idiagnl_msg_get_src(m)) && nl_addr_get_len(a) <= 16)
			memcpy(r.saddr, nl_addr_get_binary_addr(a), nl_addr_get_len(a));
		if ((a = idiagnl_msg_get_dst(m)) && nl_addr_get_len(a) <= 16)
			memcpy(r.daddr, nl_addr_get_binary_addr(a), nl_addr_get_len(a));
		push_row(rows, n, cap, &r);
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
}

/* /proc/net/udp: "sl local_address rem_address st tx_queue:rx_queue ... inode ref ptr drops" */
static void udp_rows(const char *path, int family, struct sock_row **rows, size_t *n, size_t *cap)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char local[64], rem[64];
		unsigned int st, tx, rx, inode, drops, lport, rport;
		struct sock_row r;

		if (sscanf(line, " %*u: %63[0-9A-Fa-f:] %63[0-9A-Fa-f:] %x %x:%x %*x:%*x %*x %*u %*u %u "
			   "%*u %*x %u", local, rem, &st, &tx, &rx, &inode, &drops) != 7)
			continue;
		memset(&r, 0, sizeof(r));
		r.family = family;
		r.proto = IPPROTO_UDP;
		r.state = st;
		r.rq = rx;
		r.wq = tx;
		r.inode = inode;
		r.drops = drops;
		/* addresses are the kernel's words in host order, printed as hex */
		if (family == AF_INET) {
			uint32_t la, ra;

			sscanf(local, "%x:%x", &la, &lport);
			sscanf(rem, "%x:%x", &ra, &rport);
			memcpy(r.saddr, &la, 4);
			memcpy(r.daddr, &ra, 4);
		} else {
			for (int w = 0; w < 4; w++) {
				uint32_t lw, rw;

				sscanf(local + 8 * w, "%8x", &lw);
				sscanf(rem + 8 * w, "%8x", &rw);
				memcpy(r.saddr + 4 * w, &lw, 4);
				memcpy(r.daddr + 4 * w, &rw, 4);
			}
			sscanf(local + 33, "%x", &lport);
			sscanf(rem + 33, "%x", &rport);
		}
		r.sport = lport;
		r.dport = rport;
		push_row(rows, n, cap, &r);
	}
	fclose(f);
}

/* One inet_diag dump of family's TCP sockets, every state, with cookies; -errno. */
static int diag_dump(int fd, int family, struct sock_row **rows, size_t *n, size_t *cap)
{
	struct {
		struct nlmsghdr		nh;
		struct inet_diag_req_v2	r;
	} req = { .nh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			  .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		  .r = { .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP,
			 .idiag_states = ~0u } };
	static char buf[32768];

	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0)
			return errno == EINTR ? 0 : -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			struct sock_row r = { 0 };

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return 0;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_family != family)
				continue;
			r.family = family;
			r.proto = IPPROTO_TCP;
			r.state = m->idiag_state;
			r.inode = m->idiag_inode;
			r.sport = ntohs(m->id.idiag_sport);
			r.dport = ntohs(m->id.idiag_dport);
			memcpy(r.saddr, m->id.idiag_src, family == AF_INET ? 4 : 16);
			memcpy(r.daddr, m->id.idiag_dst, family == AF_INET ? 4 : 16);
			r.cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
			push_row(rows, n, cap, &r);
		}
	}
}

int nl_tcp_cookies(struct sock_row **out, size_t *n)
{
	size_t cap = 0;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), ret;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return -errno;
	ret = diag_dump(fd, AF_INET, out, n, &cap);
	if (!ret)
		ret = diag_dump(fd, AF_INET6, out, n, &cap);
	close(fd);
	owners(*out, *n);
	return ret;
}

int nl_sockets(struct sock_row **out, size_t *n)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	tcp_rows(AF_INET, out, n, &cap);
	tcp_rows(AF_INET6, out, n, &cap);
	udp_rows("/proc/net/udp", AF_INET, out, n, &cap);
	udp_rows("/proc/net/udp6", AF_INET6, out, n, &cap);
	owners(*out, *n);
	return 0;
}

/* Two-line tables: "Udp: InDatagrams NoPorts ..." then "Udp: 12 3 ..." */
static void kv_file(const char *path, struct counter_kv **out, size_t *n, size_t *cap)
{
	char *text = read_file(path, NULL), *save = NULL, *hdr, *val;

	if (!text)
		return;
	for (hdr = strtok_r(text, "\n", &save); hdr && (val = strtok_r(NULL, "\n", &save));
	     hdr = strtok_r(NULL, "\n", &save)) {
		char *hs = NULL, *vs = NULL, *h, *v, proto[24];

		h = strtok_r(hdr, " ", &hs);
		v = strtok_r(val, " ", &vs);
		if (!h || !v || strcmp(h, v))
			continue;
		snprintf(proto, sizeof(proto), "%.*s", (int)strcspn(h, ":"), h);
		while ((h = strtok_r(NULL, " ", &hs)) && (v = strtok_r(NULL, " ", &vs))) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 256;
				*out = xrealloc(*out, *cap * sizeof(**out));
			}
			snprintf((*out)[*n].name, sizeof((*out)[*n].name), "%s%s", proto, h);
			(*out)[*n].value = strtoull(v, NULL, 10);
			(*n)++;
		}
	}
	free(text);
}

int proc_counters(struct counter_kv **out, size_t *n)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	kv_file("/proc/net/snmp", out, n, &cap);
	kv_file("/proc/net/netstat", out, n, &cap);
	return *n ? 0 : -ENOENT;
}

int proc_softnet(struct softnet **out, size_t *ncpu)
{
	char line[512];
	size_t k = 0, cap = 0;
	FILE *f = fopen("/proc/net/softnet_stat", "re");

	*out = NULL;
	*ncpu = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned int p, d, sq;

		if (sscanf(line, "%x %x %x", &p, &d, &sq) != 3)
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[k].processed = p;
		(*out)[k].dropped = d;
		(*out)[k].time_squeeze = sq;
		k++;
	}
	fclose(f);
	*ncpu = k;
	return 0;
}

static uint64_t read_u64(const char *path)
{
	char *s = read_file(path, NULL);
	uint64_t v = s ? strtoull(s, NULL, 10) : 0;

	free(s);
	return v;
}

int proc_conntrack(struct conntrack_stats *st)
{
	char *text = read_file("/proc/net/stat/nf_conntrack", NULL), *save = NULL, *line;
	char *names[32];
	int ncol = 0;

	memset(st, 0, sizeof(*st));
	if (!text)
		return -ENOENT;
	st->present = 1;
	st->count = read_u64("/proc/sys/net/netfilter/nf_conntrack_count");
	st->max = read_u64("/proc/sys/net/netfilter/nf_conntrack_max");
	line = strtok_r(text, "\n", &save);
	for (char *hs = NULL, *h = strtok_r(line, " ", &hs); h && ncol < 32;
	     h = strtok_r(NULL, " ", &hs))
		names[ncol++] = h;
	/* one line per CPU, in hex: the columns are summed */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *vs = NULL, *v = strtok_r(line, " ", &vs);

		for (int c = 0; v && c < ncol; c++, v = strtok_r(NULL, " ", &vs)) {
			uint64_t x = strtoull(v, NULL, 16);

			if (!strcmp(names[c], "found")) st->found += x;
			else if (!strcmp(names[c], "invalid")) st->invalid += x;
			else if (!strcmp(names[c], "insert")) st->insert += x;
			else if (!strcmp(names[c], "insert_failed")) st->insert_failed += x;
			else if (!strcmp(names[c], "drop")) st->drop += x;
			else if (!strcmp(names[c], "early_drop")) st->early_drop += x;
			else if (!strcmp(names[c], "icmp_error")) st->error += x;
			else if (!strcmp(names[c], "search_restart")) st->search_restart += x;
			else if (!strcmp(names[c], "clashres")) st->clash_resolve += x;
		}
	}
	free(text);
	return 0;
}
