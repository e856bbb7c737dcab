// SPDX-License-Identifier: GPL-2.0-or-later
/* Ownership of enabled groups and the reader lock, as small files under /run/ftnet. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/owner.h"
#include "base/util.h"

#define OWNERS_MAX 64

static int state_path(const char *instance, const char *ext, char *buf, size_t size)
{
	static const char *dirs[] = { "/run/ftnet", "/tmp/ftnet" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (mkdir(dirs[i], 0700) < 0 && errno != EEXIST)
			continue;
		if (access(dirs[i], W_OK) < 0)
			continue;
		snprintf(buf, size, "%s/%s.%s", dirs[i], instance, ext);
		return 0;
	}
	return -EACCES;
}

/* The start time of pid (field 22 of /proc/PID/stat), 0 when it does not exist. */
static uint64_t start_time(pid_t pid)
{
	char path[64], *s, *p;
	unsigned long long v = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = read_file(path, NULL);
	if (!s)
		return 0;
	p = strrchr(s, ')');	/* comm may hold spaces and parentheses */
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			"%*d %*d %*d %*d %llu", &v) != 1)
		v = 0;
	free(s);
	return v;
}

bool owner_is_me(const struct owner *o)
{
	return o->pid == getpid() && o->start == start_time(getpid());
}

bool owner_dead(const struct owner *o)
{
	return o->pid > 0 && start_time(o->pid) != o->start;
}

struct owners {
	char		group[OWNERS_MAX][32];
	struct owner	o[OWNERS_MAX];
	int		n;
};

/* Opens and locks the owners file, reading what it holds; fd or -errno. */
static int owners_open(const char *instance, struct owners *w)
{
	char path[256], line[128];
	FILE *f;
	int fd, ret = state_path(instance, "owners", path, sizeof(path));

	w->n = 0;
	if (ret < 0)
		return ret;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		return fd < 0 ? -errno : (close(fd), -EIO);
	f = fdopen(dup(fd), "r");
	while (f && w->n < OWNERS_MAX && fgets(line, sizeof(line), f)) {
		long long pid;
		unsigned long long start;

		if (sscanf(line, "%31s %lld %llu", w->group[w->n], &pid, &start) != 3)
			continue;
		w->o[w->n].pid = (pid_t)pid;
		w->o[w->n].start = start;
		w->n++;
	}
	if (f)
		fclose(f);
	return fd;
}

static int owners_close(int fd, const struct owners *w, bool write)
{
	char buf[OWNERS_MAX * 64];
	size_t n = 0;
	int ret = 0;

	for (int i = 0; write && i < w->n; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %d %" PRIu64 "\n", w->group[i],
				      (int)w->o[i].pid, w->o[i].start);
	if (write && (ftruncate(fd, 0) < 0 || pwrite(fd, buf, n, 0) != (ssize_t)n))
		ret = -errno;
	close(fd);
	return ret;
}

static int find(const struct owners *w, const char *group)
{
	for (int i = 0; i < w->n; i++)
		if (!strcmp(w->group[i], group))
			return i;
	return -1;
}

int owner_get(const char *instance, const char *group, struct owner *o)
{
	struct owners w;
	int fd = owners_open(instance, &w), i;

	if (fd < 0)
		return fd;
	i = find(&w, group);
	if (i >= 0)
		*o = w.o[i];
	owners_close(fd, &w, false);
	return i >= 0 ? 0 : -ENOENT;
}

int owner_set(const char *instance, const char *group, bool run)
{
	struct owners w;
	int fd = owners_open(instance, &w), i;

	if (fd < 0)
		return fd;
	i = find(&w, group);
	if (i < 0 && w.n < OWNERS_MAX)
		i = w.n++;
	if (i >= 0) {
		snprintf(w.group[i], sizeof(w.group[i]), "%s", group);
		w.o[i].pid = run ? getpid() : 0;
		w.o[i].start = run ? start_time(getpid()) : 0;
	}
	return owners_close(fd, &w, true);
}

int owner_clear(const char *instance, const char *group)
{
	struct owners w;
	int fd = owners_open(instance, &w), i;

	if (fd < 0)
		return fd;
	i = find(&w, group);
	if (i >= 0) {
		memmove(&w.group[i], &w.group[i + 1], sizeof(w.group[0]) * (size_t)(w.n - i - 1));
		memmove(&w.o[i], &w.o[i + 1], sizeof(w.o[0]) * (size_t)(w.n - i - 1));
		w.n--;
	}
	return owners_close(fd, &w, true);
}

void owner_clear_all(const char *instance)
{
	char path[256];

	if (!state_path(instance, "owners", path, sizeof(path)))
		unlink(path);
}

/* Removes the lock file of ext when no one holds it (a killed run's): never a live lock. */
static void forget_lock(const char *instance, const char *ext)
{
	char path[256];
	int fd;

	if (state_path(instance, ext, path, sizeof(path)) < 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!flock(fd, LOCK_EX | LOCK_NB))
		unlink(path);	/* held: a waiter that locked it too sees it gone and retries */
	close(fd);
}

void owner_forget(const char *instance)
{
	owner_clear_all(instance);
	forget_lock(instance, "lock");
	forget_lock(instance, "config");
}

bool owner_all_dead(const char *instance)
{
	struct owners w;
	int fd = owners_open(instance, &w), dead = 0;

	if (fd < 0)
		return false;
	owners_close(fd, &w, false);
	for (int i = 0; i < w.n; i++)
		dead += owner_dead(&w.o[i]);
	return w.n && dead == w.n;
}

/*
 * The lock files this process holds: a command that dies holding one (a filter the kernel
 * rejects) removes them at exit, still holding them, as unlock would have.
 */
static struct held {
	char	path[256];
	int	fd;
	pid_t	pid;	/* a child that exits holds nothing of its parent's */
} held[4];

static void release_held(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(held); i++)
		if (held[i].path[0] && held[i].pid == getpid())
			unlink(held[i].path);
}

static void hold(const char *path, int fd)
{
	static bool registered;

	if (!registered && !atexit(release_held))
		registered = true;
	for (size_t i = 0; i < ARRAY_SIZE(held); i++) {
		if (!held[i].path[0]) {
			snprintf(held[i].path, sizeof(held[i].path), "%s", path);
			held[i].fd = fd;
			held[i].pid = getpid();
			return;
		}
	}
}

static void unhold(int fd)
{
	for (size_t i = 0; i < ARRAY_SIZE(held); i++)
		if (held[i].path[0] && held[i].fd == fd)
			held[i].path[0] = 0;
}

/*
 * Locks the file at path (made if missing); fd, or -EBUSY when nonblock and held. Its holder
 * removes the file when done: a waiter that locked the removed file tries the new one.
 */
static int lock_file(const char *path, bool nonblock)
{
	for (int tries = 0; tries < 100; tries++) {
		struct stat a, b;
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | (nonblock ? LOCK_NB : 0)) < 0) {
			int e = errno;

			close(fd);
			return e == EWOULDBLOCK ? -EBUSY : -e;
		}
		if (!fstat(fd, &a) && !stat(path, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			hold(path, fd);
			return fd;
		}
		close(fd);
	}
	return -EAGAIN;
}

static void unlock_file(const char *instance, const char *ext, int fd)
{
	char path[256];

	if (fd < 0)
		return;
	unhold(fd);
	if (!state_path(instance, ext, path, sizeof(path)))
		unlink(path);	/* while still holding it: a waiter then locks a new file */
	close(fd);
}

int owner_reader_lock(const char *instance)
{
	char path[256];
	int ret = state_path(instance, "lock", path, sizeof(path));

	return ret < 0 ? ret : lock_file(path, true);
}

void owner_reader_unlock(const char *instance, int fd)
{
	unlock_file(instance, "lock", fd);
}

bool owner_reader_active(const char *instance)
{
	char path[256];
	bool active;
	int fd;

	if (state_path(instance, "lock", path, sizeof(path)) < 0)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	active = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return active;
}

int owner_config_lock(const char *instance)
{
	char path[256];
	int ret = state_path(instance, "config", path, sizeof(path));

	return ret < 0 ? ret : lock_file(path, false);
}

void owner_config_unlock(const char *instance, int fd)
{
	unlock_file(instance, "config", fd);
}

void owner_each_dead(void (*fn)(void *arg, const char *instance, const char *group,
				const struct owner *o), void *arg)
{
	static const char *dirs[] = { "/run/ftnet", "/tmp/ftnet" };

	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		while (dir && (e = readdir(dir))) {
			char inst[128];
			struct owners w;
			size_t n = strlen(e->d_name);
			int fd;

			if (n < 8 || n - 7 >= sizeof(inst) || strcmp(e->d_name + n - 7, ".owners"))
				continue;
			snprintf(inst, sizeof(inst), "%.*s", (int)(n - 7), e->d_name);
			fd = owners_open(inst, &w);
			if (fd < 0)
				continue;
			owners_close(fd, &w, false);
			for (int i = 0; i < w.n; i++)
				if (owner_dead(&w.o[i]))
					fn(arg, inst, w.group[i], &w.o[i]);
		}
		if (dir)
			closedir(dir);
	}
}
