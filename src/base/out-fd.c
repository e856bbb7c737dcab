// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Standard output as ftnet writes it: a queue written with write(2) in whole records, whose
 * every failure is kept and reported at exit (as git's run_builtin does), and whose waits on
 * a blocked reader end at a signal or the run's deadline instead of holding the kernel state.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/out.h"
#include "base/util.h"

#define OUT_QUEUE_FLUSH (1 << 16)	/* write when this much is queued */

static char *queue;
static size_t qlen, qcap;
static int werr;			/* first write error (errno) */
static bool closed_at_start;		/* fd 1 was closed when ftnet started */
static uint64_t written, unwritten;	/* bytes */
static volatile sig_atomic_t *stop_flag;
static uint64_t deadline_ns;
static bool capturing;			/* out_capture: keep the queue, write nothing */

void out_guard_fds(void)
{
	/* a closed 0, 1 or 2 would be reused by the next open(): lock files, pcap files */
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == 1)
			closed_at_start = true;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(EXIT_FAIL);
	}
}

void out_set_abort(volatile sig_atomic_t *stop, uint64_t deadline)
{
	stop_flag = stop;
	deadline_ns = deadline;
}

static bool aborting(void)
{
	return (stop_flag && *stop_flag) || (deadline_ns && mono_ns() >= deadline_ns);
}

/* Waits until fd 1 takes more, or the run ends; false when it gave up. */
static bool wait_writable(bool give_up)
{
	struct pollfd p = { .fd = 1, .events = POLLOUT };

	for (;;) {
		int r = poll(&p, 1, give_up ? 0 : 100);

		if (r > 0 || (r < 0 && errno != EINTR))
			return true;	/* writable, or an error write() will report */
		if (give_up)
			return false;
		give_up = aborting();
	}
}

int out_flush(void)
{
	size_t done = 0;

	fflush(stdout);
	if (closed_at_start && qlen && !werr)
		werr = EBADF;
	while (done < qlen && !werr) {
		size_t n = qlen - done;
		ssize_t r;

		if (!wait_writable(aborting()))
			break;
		/* a pipe with room takes PIPE_BUF bytes without blocking */
		r = write(1, queue + done, n > 4096 ? 4096 : n);
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			werr = errno;
		else if (r > 0)
			done += (size_t)r;
	}
	written += done;
	unwritten += qlen - done;
	qlen = 0;
	return werr ? -werr : 0;
}

void out_write(const char *s, size_t n)
{
	if (qlen + n > qcap) {
		while (qlen + n > qcap)
			qcap = qcap ? qcap * 2 : OUT_QUEUE_FLUSH * 2;
		queue = xrealloc(queue, qcap);
	}
	memcpy(queue + qlen, s, n);
	qlen += n;
	if (qlen >= OUT_QUEUE_FLUSH && !capturing)
		out_flush();
}

void out_printf(const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	out_write(big ? big : small, (size_t)n);
	free(big);
}

char *out_capture(void (*fn)(void))
{
	char *s;

	out_flush();
	capturing = true;
	fn();
	capturing = false;
	s = xmalloc(qlen + 1);
	memcpy(s, queue, qlen);
	s[qlen] = '\0';
	qlen = 0;
	return s;
}

bool out_failed(void)
{
	return werr != 0;
}

uint64_t out_unwritten(void)
{
	return unwritten;
}

int out_close_stdout(void)
{
	int ret = out_flush();

	if (!ret && (fflush(stdout) || ferror(stdout)))
		ret = -(werr = errno ? errno : EIO);
	if (ret && werr != EPIPE) {
		fprintf(stderr, "%s: cannot write the output: %s\n", prog_name, strerror(werr));
		return -1;
	}
	if (ret)
		return -1;	/* the reader went away: nothing to tell it */
	if (unwritten) {
		fprintf(stderr, "%s: %" PRIu64 " bytes of output could not be written before the run ended (the reader of the output was not reading)\n",
			prog_name, unwritten);
		return -1;
	}
	return 0;
}
