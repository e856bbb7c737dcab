/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The recorded format files under tests/data, loaded into a tep handle (unit tests, fuzzing). */
#ifndef FTNET_TEST_FIXTURES_H
#define FTNET_TEST_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

struct tep_handle;
struct tep_event;

/* What fn(arg) writes on stdout through out.c (at most 8 KB; static, overwritten each call). */
char *fixture_stdout(void (*fn)(const void *arg), const void *arg);

/* A raw record laid out as the kernel writes it, built field by field from a format. */
struct raw {
	struct tep_event	*e;
	unsigned char		data[512];
	int			size;
};

/* Starts a record of sys:name (exits when the format lacks it); pid in common_pid. */
void raw_init(struct raw *r, struct tep_handle *tep, const char *sys, const char *name, int pid);
/* Sets a numeric field (little endian); exits when there is none. */
void raw_set(struct raw *r, const char *field, uint64_t v);
/* Copies n bytes into an array field. */
void raw_bytes(struct raw *r, const char *field, const void *p, size_t n);
/* A __data_loc string appended after the fixed fields. */
void raw_str(struct raw *r, const char *field, const char *s);

/*
 * A little-endian 64-bit tep handle with every format tests/data/linux-KERNEL has of the
 * events ftnet decodes; NULL (and a message on stderr) when it has none or one is unparsable.
 */
struct tep_handle *fixture_load(const char *datadir, const char *kernel);

#endif
