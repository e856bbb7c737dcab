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

void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Parsers for option values; return 0 or -EINVAL. */
int parse_u64(const char *s, uint64_t *v);
int parse_seconds(const char *s, double *v);

/* Read a small file into a NUL-terminated buffer; NULL with errno on failure. */
char *read_file(const char *path, size_t *len);

/*
 * Moves this process into a network namespace: a name under /run/netns (ip netns) or a PID.
 * 0, or -errno (-ENOENT: no such namespace).
 */
int netns_enter(const char *spec);

uint64_t mono_ns(void);
uint64_t wall_ns(void);

#endif
