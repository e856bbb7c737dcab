/* Loads the format files recorded from real kernels (tests/data/README says which). */
#include <event-parse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "util.h"

static const char *const events[] = {
	"skb/kfree_skb", "tcp/tcp_send_reset", "tcp/tcp_receive_reset", "tcp/tcp_retransmit_skb",
	"sock/inet_sock_set_state", "net/netif_receive_skb", "net/net_dev_xmit",
	"ftnet/retrans", "ftnet/send_reset", "ftnet/send_active_reset", "ftnet/recv_reset",
	"ftnet/reset_close", "ftnet/set_state", "ftnet/connect", "ftnet/finish_connect",
	"ftnet/connect_failed", "ftnet/udp_sendmsg", "ftnet/send_reset6",
};

struct tep_handle *fixture_load(const char *datadir, const char *kernel)
{
	struct tep_handle *tep = tep_alloc();
	char path[1024];
	int loaded = 0;

	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (size_t i = 0; i < ARRAY_SIZE(events); i++) {
		char sys[16], *text;
		size_t len;
		int bad;

		snprintf(path, sizeof(path), "%s/linux-%s/%s/format", datadir, kernel, events[i]);
		text = read_file(path, &len);
		if (!text)
			continue;	/* older kernels lack some; the tests ask for what they need */
		snprintf(sys, sizeof(sys), "%.*s", (int)strcspn(events[i], "/"), events[i]);
		bad = tep_parse_event(tep, text, len, sys);
		free(text);
		if (bad) {
			fprintf(stderr, "cannot parse %s\n", path);
			tep_free(tep);
			return NULL;
		}
		loaded++;
	}
	if (!loaded) {
		fprintf(stderr, "no format files under %s/linux-%s\n", datadir, kernel);
		tep_free(tep);
		return NULL;
	}
	return tep;
}
