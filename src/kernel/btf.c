// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF reader: checks a raw BTF blob (the format of the kernel's Documentation/bpf/btf.rst),
 * indexes its types and answers member offsets and function parameters. Every read is bounded
 * by the blob: hostile files give -EINVAL, never a read out of it or an endless walk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/btf.h"
#include "base/util.h"

#define BTF_MAGIC	0xeb9f
#define BTF_HDR_MIN	24u		/* magic .. str_len: what version 1 defines */
#define BTF_TYPE_LEN	12u		/* name_off, info, size or type */
#define BTF_MAX_DEPTH	32		/* type chains, anonymous nesting: as the kernel */

enum {
	KIND_INT = 1, KIND_PTR, KIND_ARRAY, KIND_STRUCT, KIND_UNION, KIND_ENUM, KIND_FWD,
	KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_FUNC, KIND_FUNC_PROTO,
	KIND_VAR, KIND_DATASEC, KIND_FLOAT, KIND_DECL_TAG, KIND_TYPE_TAG, KIND_ENUM64,
	KIND_MAX = KIND_ENUM64
};

struct btf {
	uint8_t		*data;
	const uint8_t	*types;		/* the type section */
	const char	*strs;		/* the string section: starts and ends with NUL */
	uint32_t	*index;		/* offset in types of each id (0, void, unused) */
	uint32_t	types_len;
	uint32_t	strs_len;
	uint32_t	nr;		/* ids, void included */
	uint32_t	ptr_size;	/* the size of long, as libbpf guesses it */
};

/* A type's fixed part, read out of the blob. */
struct bt {
	uint32_t	name_off;
	uint32_t	kind;
	uint32_t	vlen;
	bool		kflag;
	uint32_t	size_type;	/* size, or the type it refers to */
	const uint8_t	*extra;		/* what follows, by kind */
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* The bytes following a type's fixed part, by kind; -EINVAL for an unknown kind. */
static int64_t kind_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case KIND_INT:
	case KIND_VAR:
	case KIND_DECL_TAG:
		return 4;
	case KIND_ARRAY:
		return 12;
	case KIND_STRUCT:
	case KIND_UNION:
	case KIND_DATASEC:
	case KIND_ENUM64:
		return (int64_t)vlen * 12;
	case KIND_ENUM:
	case KIND_FUNC_PROTO:
		return (int64_t)vlen * 8;
	case KIND_PTR:
	case KIND_FWD:
	case KIND_TYPEDEF:
	case KIND_VOLATILE:
	case KIND_CONST:
	case KIND_RESTRICT:
	case KIND_FUNC:
	case KIND_FLOAT:
	case KIND_TYPE_TAG:
		return 0;
	}
	return -EINVAL;
}

static const char *str_at(const struct btf *btf, uint32_t off)
{
	return off < btf->strs_len ? btf->strs + off : NULL;
}

static int get_type(const struct btf *btf, uint32_t id, struct bt *t)
{
	const uint8_t *p;
	uint32_t info;

	if (id == 0 || id >= btf->nr)
		return -EINVAL;
	p = btf->types + btf->index[id];
	info = rd32(p + 4);
	t->name_off = rd32(p);
	t->kind = (info >> 24) & 0x1f;
	t->vlen = info & 0xffff;
	t->kflag = info >> 31;
	t->size_type = rd32(p + 8);
	t->extra = p + BTF_TYPE_LEN;
	return 0;
}

/*
 * Walks the type section once: every type's kind known, its trailing records inside the
 * section, its name inside the string section. Fills index when given; counts the types.
 */
static int walk_types(struct btf *btf, uint32_t *index, uint32_t *count)
{
	uint32_t pos = 0, n = 0;

	while (pos < btf->types_len) {
		const uint8_t *p = btf->types + pos;
		uint32_t info, kind;
		int64_t extra;

		if (btf->types_len - pos < BTF_TYPE_LEN)
			return -EINVAL;
		info = rd32(p + 4);
		kind = (info >> 24) & 0x1f;
		if (info & 0x60ff0000u || rd32(p) >= btf->strs_len)
			return -EINVAL;	/* unused bits set, or a name outside the strings */
		extra = kind_extra(kind, info & 0xffff);
		if (extra < 0 || (uint64_t)extra > btf->types_len - pos - BTF_TYPE_LEN)
			return -EINVAL;
		if (index)
			index[n + 1] = pos;
		n++;
		pos += BTF_TYPE_LEN + (uint32_t)extra;
	}
	*count = n;
	return 0;
}

/* The header: magic, version, and both sections inside the blob. */
static int check_header(struct btf *btf, const uint8_t *d, size_t size)
{
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint64_t body;

	if (size < BTF_HDR_MIN || rd16(d) != BTF_MAGIC || d[2] != 1)
		return -EINVAL;	/* the other byte order (0x9feb) is not read either */
	hdr_len = rd32(d + 4);
	type_off = rd32(d + 8);
	type_len = rd32(d + 12);
	str_off = rd32(d + 16);
	str_len = rd32(d + 20);
	if (hdr_len < BTF_HDR_MIN || hdr_len > size)
		return -EINVAL;
	body = size - hdr_len;
	if ((uint64_t)type_off + type_len > body || (uint64_t)str_off + str_len > body)
		return -EINVAL;
	if (type_off % 4 || type_len % 4 || str_len == 0)
		return -EINVAL;
	btf->types = d + hdr_len + type_off;
	btf->types_len = type_len;
	btf->strs = (const char *)d + hdr_len + str_off;
	btf->strs_len = str_len;
	if (btf->strs[0] || btf->strs[str_len - 1])
		return -EINVAL;	/* every name is then NUL-terminated inside the section */
	return 0;
}

/* The size of long (pointers), from the int named so; 8 when the blob has none. */
static uint32_t guess_ptr_size(const struct btf *btf)
{
	for (uint32_t id = 1; id < btf->nr; id++) {
		struct bt t;
		const char *name;

		get_type(btf, id, &t);
		if (t.kind != KIND_INT)
			continue;
		name = str_at(btf, t.name_off);
		if ((!strcmp(name, "long int") || !strcmp(name, "long unsigned int")) &&
		    (t.size_type == 4 || t.size_type == 8))
			return t.size_type;
	}
	return 8;
}

int btf_parse(const void *data, size_t size, struct btf **out)
{
	struct btf *btf;
	uint32_t n;
	int r;

	*out = NULL;
	if (size > BTF_MAX_SIZE)
		return -EFBIG;
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return -ENOMEM;
	btf->data = malloc(size ? size : 1);
	if (!btf->data) {
		r = -ENOMEM;
		goto fail;
	}
	memcpy(btf->data, data, size);
	r = check_header(btf, btf->data, size);
	if (r < 0 || (r = walk_types(btf, NULL, &n)) < 0)
		goto fail;
	btf->nr = n + 1;
	btf->index = calloc(btf->nr, sizeof(*btf->index));
	if (!btf->index) {
		r = -ENOMEM;
		goto fail;
	}
	walk_types(btf, btf->index, &n);
	btf->ptr_size = guess_ptr_size(btf);
	*out = btf;
	return 0;
fail:
	btf_free(btf);
	return r;
}

/* Reads the whole file into memory: sysfs gives the blob's exact size in st_size. */
static int read_all(int fd, uint8_t **data, size_t *size)
{
	size_t cap, n = 0;
	struct stat st;
	uint8_t *buf;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > BTF_MAX_SIZE)
		return -EFBIG;
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 20;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *nb;

			if (cap >= BTF_MAX_SIZE) {
				free(buf);
				return -EFBIG;
			}
			cap = cap * 2 > BTF_MAX_SIZE ? BTF_MAX_SIZE : cap * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*data = buf;
	*size = n;
	return 0;
}

int btf_open(const char *path, struct btf **out)
{
	uint8_t *data = NULL;
	const char *what;
	size_t size = 0;
	int fd, r;

	*out = NULL;
	what = file_not_regular(path);	/* a FIFO would block, /dev/zero never end */
	if (what)
		return !strcmp(what, "it is a directory") ? -EISDIR : -ESPIPE;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = read_all(fd, &data, &size);
	close(fd);
	if (r < 0)
		return r;
	r = btf_parse(data, size, out);
	free(data);
	return r;
}

void btf_free(struct btf *btf)
{
	if (!btf)
		return;
	free(btf->index);
	free(btf->data);
	free(btf);
}

uint32_t btf_type_count(const struct btf *btf)
{
	return btf->nr;
}

static bool is_modifier(uint32_t kind)
{
	return kind == KIND_TYPEDEF || kind == KIND_VOLATILE || kind == KIND_CONST ||
	       kind == KIND_RESTRICT || kind == KIND_TYPE_TAG;
}

/* Follows typedef/const/volatile/restrict/type tags to the type they name: its id, or -EINVAL. */
static int64_t resolve(const struct btf *btf, uint32_t id, struct bt *t)
{
	for (int i = 0; i < BTF_MAX_DEPTH; i++) {
		if (get_type(btf, id, t) < 0)
			return -EINVAL;
		if (!is_modifier(t->kind))
			return id;
		id = t->size_type;
	}
	return -EINVAL;	/* a loop, or a chain longer than any kernel's */
}

static int type_size(const struct btf *btf, uint32_t id, uint32_t *size, int depth)
{
	uint32_t elem_size, nelems;
	struct bt t;

	if (depth > BTF_MAX_DEPTH || resolve(btf, id, &t) < 0)
		return -EINVAL;
	switch (t.kind) {
	case KIND_INT:
	case KIND_ENUM:
	case KIND_ENUM64:
	case KIND_STRUCT:
	case KIND_UNION:
	case KIND_FLOAT:
	case KIND_DATASEC:
		*size = t.size_type;
		return 0;
	case KIND_PTR:
		*size = btf->ptr_size;
		return 0;
	case KIND_ARRAY:
		nelems = rd32(t.extra + 8);
		if (type_size(btf, rd32(t.extra), &elem_size, depth + 1) < 0)
			return -EINVAL;
		if (elem_size && nelems > UINT32_MAX / elem_size)
			return -EINVAL;
		*size = elem_size * nelems;
		return 0;
	}
	return -EINVAL;
}

int btf_type_size(const struct btf *btf, uint32_t id, uint32_t *size)
{
	return type_size(btf, id, size, 0);
}

int btf_find_struct(const struct btf *btf, const char *name)
{
	for (uint32_t id = 1; id < btf->nr; id++) {
		struct bt t;

		get_type(btf, id, &t);
		if ((t.kind == KIND_STRUCT || t.kind == KIND_UNION) &&
		    !strcmp(str_at(btf, t.name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

/* A member's bit offset and bitfield size inside its own struct, both encodings of BTF. */
static void member_bits(const struct btf *btf, const struct bt *s, const uint8_t *mp,
			uint64_t *bit_off, uint32_t *bit_size)
{
	uint32_t off = rd32(mp + 8);
	struct bt mt;

	if (s->kflag) {
		*bit_off = off & 0xffffff;
		*bit_size = off >> 24;
		return;
	}
	*bit_off = off;
	*bit_size = 0;
	/* without kind_flag, a bitfield's int type carries its width and bit offset */
	if (get_type(btf, rd32(mp + 4), &mt) == 0 && mt.kind == KIND_INT) {
		uint32_t enc = rd32(mt.extra), bits = enc & 0xff, shift = (enc >> 16) & 0xff;

		if (shift || (bits && bits != mt.size_type * 8)) {
			*bit_off += shift;
			*bit_size = bits;
		}
	}
}

/* One member lookup: where it stands, and the work it may still do. */
struct lookup {
	const struct btf	*btf;
	const char		*name;
	uint64_t		bit_off;
	uint32_t		bit_size;
	uint32_t		type;
	uint32_t		budget;	/* members it may still visit: bounds cycles, DAGs */
};

/*
 * Looks for the name among the members of struct/union id, then inside its anonymous
 * members, in declaration order as C scopes them; adds the bit offset of where it was found.
 */
static int find_member(struct lookup *l, uint32_t id, int depth)
{
	const struct btf *btf = l->btf;
	struct bt s, mt;

	if (depth > BTF_MAX_DEPTH || resolve(btf, id, &s) < 0)
		return -EINVAL;
	if (s.kind != KIND_STRUCT && s.kind != KIND_UNION)
		return -ENOENT;
	for (uint32_t i = 0; i < s.vlen; i++) {
		const uint8_t *mp = s.extra + i * 12;
		const char *mname = str_at(btf, rd32(mp));
		uint64_t off;
		uint32_t bits;
		int r;

		if (!mname || l->budget-- == 0)
			return -EINVAL;
		member_bits(btf, &s, mp, &off, &bits);
		if (!strcmp(mname, l->name)) {
			l->bit_off += off;
			l->bit_size = bits;
			l->type = rd32(mp + 4);
			return 0;
		}
		if (*mname)
			continue;
		if (resolve(btf, rd32(mp + 4), &mt) < 0)
			return -EINVAL;
		if (mt.kind != KIND_STRUCT && mt.kind != KIND_UNION)
			continue;
		r = find_member(l, rd32(mp + 4), depth + 1);
		if (r != -ENOENT) {
			if (r == 0)
				l->bit_off += off;
			return r;
		}
	}
	return -ENOENT;
}

int btf_member(const struct btf *btf, uint32_t id, const char *path, struct btf_member *m)
{
	struct lookup l = { .btf = btf, .type = id };
	char name[128];
	int r;

	for (const char *p = path;; p++) {
		size_t len = strcspn(p, ".");

		if (len == 0 || len >= sizeof(name))
			return -ENOENT;
		memcpy(name, p, len);
		name[len] = '\0';
		l.name = name;
		/* anonymous members are each their parent's own: a lookup sees each once */
		l.budget = btf->types_len / 12 + 16;
		r = find_member(&l, l.type, 0);
		if (r < 0)
			return r;
		p += len;
		if (!*p)
			break;
	}
	if (l.bit_off > UINT32_MAX || type_size(btf, l.type, &m->size, 0) < 0)
		return -EINVAL;	/* no struct is 512 MB long */
	m->bit_offset = (uint32_t)l.bit_off;
	m->offset = m->bit_offset / 8;
	m->bit_size = l.bit_size;
	m->type = l.type;
	return 0;
}

int btf_struct_member(const struct btf *btf, const char *sname, const char *path,
		      struct btf_member *m)
{
	int id = btf_find_struct(btf, sname);

	return id < 0 ? id : btf_member(btf, (uint32_t)id, path, m);
}

/* True when type id is a pointer to struct (or union, or their forward) sname. */
static int is_struct_ptr(const struct btf *btf, uint32_t id, const char *sname)
{
	struct bt t;

	if (resolve(btf, id, &t) < 0)
		return -EINVAL;
	if (t.kind != KIND_PTR)
		return 0;
	if (t.size_type == 0)
		return 0;	/* void * */
	if (resolve(btf, t.size_type, &t) < 0)
		return -EINVAL;
	if (t.kind != KIND_STRUCT && t.kind != KIND_UNION && t.kind != KIND_FWD)
		return 0;
	return !strcmp(str_at(btf, t.name_off), sname);
}

/* The parameter of one FUNC's prototype: index, -ESRCH, or -EINVAL; counts the parameters. */
static int proto_arg(const struct btf *btf, const struct bt *f, const char *sname, int *nargs)
{
	struct bt p;
	int found = -ESRCH;

	if (get_type(btf, f->size_type, &p) < 0 || p.kind != KIND_FUNC_PROTO)
		return -EINVAL;
	*nargs = (int)p.vlen;
	for (uint32_t i = 0; i < p.vlen; i++) {
		uint32_t type = rd32(p.extra + i * 8 + 4);
		int r;

		if (type == 0 && i == p.vlen - 1) {
			(*nargs)--;	/* "...": the last, unnamed, of type void */
			break;
		}
		r = is_struct_ptr(btf, type, sname);
		if (r < 0)
			return r;
		if (r > 0 && found < 0)
			found = (int)i;
	}
	return found;
}

int btf_func_arg(const struct btf *btf, const char *func, const char *sname, int *nargs)
{
	int ret = -ENOENT;

	/* static functions of one name may have several prototypes: the first that has it */
	for (uint32_t id = 1; id < btf->nr; id++) {
		struct bt t;
		int n, r;

		get_type(btf, id, &t);
		if (t.kind != KIND_FUNC || strcmp(str_at(btf, t.name_off), func))
			continue;
		r = proto_arg(btf, &t, sname, &n);
		if (r == -EINVAL)
			return r;
		if (ret == -ENOENT || r >= 0) {
			*nargs = n;
			ret = r;
		}
		if (r >= 0)
			break;
	}
	return ret;
}
