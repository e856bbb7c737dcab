/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every module: messages, allocation, parsing. */
#ifndef FTNET_UTIL_H
#define FTNET_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes (DESIGN.md): 0 ok, 1 runtime failure, 2 usage error. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

extern const char *prog_name;
extern int verbose;

/*
 * The library never exits: it says what failed with error() and returns what error() returns,
 * ERR_FAIL (-1), or ERR_USAGE (-2) for what the user asked wrongly; error_errno() adds errno's
 * message. Only main and the commands die(), or exit_if_error() with such a return.
 */
#define ERR_FAIL	(-1)
#define ERR_USAGE	(-2)

void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exits with EXIT_USAGE for ERR_USAGE, EXIT_FAIL for any other negative ret; else returns. */
void exit_if_error(int ret);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "ftnet: PREFIX MSG SUFFIX" on stderr, MSG escaped (base/esc.h): always one line. */
void msg_line(const char *prefix, const char *msg, const char *suffix);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/*
 * Read a small file into a NUL-terminated buffer; NULL with errno on failure. Only a regular
 * file is read (a FIFO would block, a device never end): EISDIR for a directory, ESPIPE for
 * the rest, before anything waits.
 */
char *read_file(const char *path, size_t *len);
/* What path is when it is not a regular file ("it is a pipe (FIFO)"); NULL when it is one. */
const char *file_not_regular(const char *path);
/* A field of /proc/meminfo in kB ("MemAvailable"), 0 when it cannot be read. */
unsigned long meminfo_kb(const char *field);

/*
 * Moves this process into a network namespace: a name under /run/netns (ip netns) or a PID.
 * 0, or -errno (-ENOENT: no such namespace).
 */
int netns_enter(const char *spec);

uint64_t mono_ns(void);
uint64_t wall_ns(void);

#endif
