// SPDX-License-Identifier: GPL-2.0-or-later
/* --filter's names (drop reasons, TCP states, AF_*, IPPROTO_*) as the numbers the kernel takes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/decode.h"
#include "base/util.h"

static bool is_field(struct tep_event *e, const char *name)
{
	if (tep_find_field(e, name) || tep_find_common_field(e, name))
		return true;
	return false;
}

static int name_value(struct tep_event *e, const char *name, long long *v)
{
	static const char *sym_fields[] = { "reason", "family", "protocol" };
	static const struct { const char *name; int v; } consts[] = {
		{ "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 },
		{ "IPPROTO_TCP", 6 }, { "IPPROTO_UDP", 17 },
	};
	const char *state = name;

	for (size_t i = 0; i < ARRAY_SIZE(sym_fields); i++)
		if (!decode_symbol_value(e, sym_fields[i], name, v))
			return 0;
	for (size_t i = 0; i < ARRAY_SIZE(consts); i++) {
		if (!strcasecmp(name, consts[i].name)) {
			*v = consts[i].v;
			return 0;
		}
	}
	/* our own TCP state table: some kernels' tables hold unresolved enum names */
	if (!strncasecmp(state, "TCP_", 4))
		state += 4;
	for (int s = 1; s < 14; s++) {
		if (!strcasecmp(state, tcp_state_name(s))) {
			*v = s;
			return 0;
		}
	}
	return -ENOENT;
}

/* Whether the operator characters before a word make it a value (reason == NAME). */
static bool compares(const char *op)
{
	return !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") || !strcmp(op, ">") ||
	       !strcmp(op, "<=") || !strcmp(op, ">=") || !strcmp(op, "&") || !strcmp(op, "~");
}

/* The next token: a quoted string or a number copied whole, or one other character. */
static size_t plain_token(const char *p)
{
	size_t len = 1;

	if (*p == '"' || *p == '\'') {
		const char *end = strchr(p + 1, *p);

		return end ? (size_t)(end - p + 1) : strlen(p);
	}
	if (isdigit((unsigned char)*p))
		while (isalnum((unsigned char)p[len]))
			len++;
	return len;
}

int filter_translate(struct tep_event *e, const char *expr, char *out, size_t size)
{
	char op[4] = "";
	size_t n = 0;

	for (const char *p = expr; *p;) {
		char word[128];
		size_t len = 0;

		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			len = plain_token(p);
			if (strchr("=!<>&~", *p) && strlen(op) < sizeof(op) - 1)
				strncat(op, p, 1);
			else if (!isspace((unsigned char)*p))
				op[0] = 0;
			if (n + len >= size)
				return -ENOSPC;
			memcpy(out + n, p, len);
			n += len;
			p += len;
			continue;
		}
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		if (len >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		if (!is_field(e, word)) {
			long long v;

			if (!name_value(e, word, &v)) {
				snprintf(word, sizeof(word), "%lld", v);
			} else if (compares(op)) {
				snprintf(out, size, "%s", word);	/* the name nothing knows */
				return -ENOENT;
			}
		}
		op[0] = 0;
		len = strlen(word);
		if (n + len >= size)
			return -ENOSPC;
		memcpy(out + n, word, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}
