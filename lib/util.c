#include "lib/util.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/walk.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
	static const char msg[] = "Error: out of memory\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to do */
	}
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (p == NULL)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (p == NULL)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	va_end(ap);
	return p;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

char *read_fd_max(int fd, size_t max, size_t *len)
{
	cleanup_free char *buf = NULL;
	size_t used = 0, cap = 4096;

	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	if (cap > max + 2)
		cap = max + 2;
	buf = xmalloc(cap);
	/* read to the end, one byte more than allowed telling a file that
	 * is too large */
	while (used < max + 1) {
		ssize_t r;
		if (used + 1 >= cap) {
			cap = cap > (max + 2) / 2 ? max + 2 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + used, cap - 1 - used); /* cap <= max + 2 */
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return NULL;
		if (r == 0)
			break;
		used += (size_t)r;
	}
	if (used > max) {
		errno = EFBIG;
		return NULL;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	return steal_pointer(&buf);
}

char *read_file_at(int dirfd, const char *path, size_t *len, struct werr *err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0) {
		werr_set(err, errno, "open '%s'", path);
		return NULL;
	}
	buf = read_fd_max(fd, SIZE_MAX, len);
	if (buf == NULL)
		werr_set(err, errno, "read '%s'", path);
	return buf;
}

char *read_file_max(const char *path, size_t max, size_t *len, struct werr *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0) {
		werr_set(err, errno, "open '%s'", path);
		return NULL;
	}
	buf = read_fd_max(fd, max, len);
	if (buf == NULL && errno == EFBIG) {
		werr_set(err, 0, "'%s' is larger than %zu bytes", path, max);
		if (err)
			err->errnum = EFBIG;
	} else if (buf == NULL) {
		werr_set(err, errno, "read '%s'", path);
	}
	return buf;
}

int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
			 struct werr *err)
{
	char rnd[13];
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;

	random_hex(rnd, 12);
	tmp = xasprintf("%s.tmp-%s", name, rnd);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return werr_set(err, errno, "create '%s'", tmp);
	if (write_all(fd, data, len) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return werr_set(err, e, "write '%s'", tmp);
	}
	if (fchmod(fd, mode) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return werr_set(err, e, "rename '%s' to '%s'", tmp, name);
	}
	return 0;
}

int write_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		  struct werr *err)
{
	cleanup_close int fd =
	    openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0)
		return werr_set(err, errno, "create '%s'", name);
	if (write_all(fd, data, len) < 0)
		return werr_set(err, errno, "write '%s'", name);
	return 0;
}

int mkdir_p(const char *path, mode_t mode, struct werr *err)
{
	cleanup_free char *p = xstrdup(path);
	char *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return werr_set(err, errno, "mkdir '%s'", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", p);
	return 0;
}

/* A dir about to be emptied: made searchable and writable (u+rwx) when it
 * is not, so that its entries can be listed and removed. */
static void rm_prepare_dir(int dirfd, const char *name, const struct stat *st)
{
	if ((st->st_mode & 0700) != 0700)
		fchmodat(dirfd, name, (st->st_mode & 07777) | 0700, 0);
}

/* rm's walk: unlink each entry; walk into dirs, removed when left. */
static int rm_entry(void *data, const struct walk_dir *d, const char *name, int type,
		    struct werr *err)
{
	struct stat st;
	int e = EISDIR;

	/* readdir said dir: no unlink that would fail */
	if (type != DT_DIR) {
		if (unlinkat(d->fd, name, 0) == 0 || errno == ENOENT)
			return WALK_NEXT;
		e = errno;
		if (e != EISDIR && e != EPERM)
			return werr_set(err, e, "remove '%s'", name);
	}
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? WALK_NEXT : werr_set(err, errno, "stat '%s'", name);
	if (!S_ISDIR(st.st_mode)) {
		if (type == DT_DIR && unlinkat(d->fd, name, 0) == 0) /* replaced meanwhile */
			return WALK_NEXT;
		return werr_set(err, e, "remove '%s'", name);
	}
	rm_prepare_dir(d->fd, name, &st);
	return WALK_DESCEND;
}

static int rm_leave(void *data, const struct walk_dir *parent, const struct walk_dir *d,
		    struct werr *err)
{
	if (unlinkat(parent->fd, d->name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove directory '%s'", d->name);
	return 0;
}

static const struct walk_ops rm_ops = {.entry = rm_entry, .leave = rm_leave};

/* Empties directory dfd (kept open), never following symlinks. */
int rm_rf_contents(int dfd, struct werr *err)
{
	return walk_tree(dfd, -1, &rm_ops, NULL, err);
}

/* The last component of a path: "a/b/" -> "b/" (its trailing slashes kept). */
static const char *last_component(const char *path)
{
	const char *end = path + strlen(path), *p;

	while (end > path && end[-1] == '/')
		end--;
	for (p = end; p > path && p[-1] != '/'; p--)
		;
	return p;
}

/* rm -rf of dirfd/name, never following symlinks; ENOENT is success. As
 * rm(1) does, a name ending in "." or ".." is refused: it would remove the
 * dir it names from inside, or a parent (issue 5 item 1). */
int rm_rf_at(int dirfd, const char *name, struct werr *err)
{
	cleanup_close int dfd = -1;
	const char *last = last_component(name);
	struct stat st;
	size_t n = strcspn(last, "/");

	if (n == 0 || (n == 1 && last[0] == '.') || (n == 2 && last[0] == '.' && last[1] == '.'))
		return werr_set(err, EINVAL, "refusing to remove '%s'", name);
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return werr_set(err, errno, "remove '%s'", name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		rm_prepare_dir(dirfd, name, &st);
	dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "open '%s'", name);
	if (walk_tree(dfd, -1, &rm_ops, NULL, err) < 0)
		return werr_wrap(err, "remove '%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove directory '%s'", name);
	return 0;
}

size_t strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char **strv_append(char **v, const char *s)
{
	size_t n = strv_len(v);
	v = xrealloc(v, (n + 2) * sizeof(char *));
	v[n] = xstrdup(s);
	v[n + 1] = NULL;
	return v;
}

char **strv_copy(char *const *v)
{
	size_t n = strv_len(v);
	char **c = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t n = 0, sl = strlen(sep);
	char *out, *p;

	for (size_t i = 0; v && v[i]; i++)
		n += strlen(v[i]) + sl;
	out = p = xmalloc(n + 1);
	for (size_t i = 0; v && v[i]; i++) {
		if (i > 0) {
			memcpy(p, sep, sl);
			p += sl;
		}
		p = stpcpy(p, v[i]);
	}
	*p = '\0';
	return out;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

static uint64_t fnv_add(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t fnv1a64(const void *data, size_t len)
{
	return fnv_add(FNV_OFFSET, data, len);
}

uint64_t strv_hash(char *const *v)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; v && v[i]; i++) {
		h = fnv_add(h, v[i], strlen(v[i]));
		h = fnv_add(h, "\n", 1);
	}
	return h;
}

void random_hex(char *out, size_t n)
{
	unsigned char b[64];
	static const char hex[] = "0123456789abcdef";
	size_t need = (n + 1) / 2;

	if (need > sizeof(b))
		need = sizeof(b);
	while (getrandom(b, need, 0) < 0) {
		if (errno != EINTR)
			abort();
	}
	for (size_t i = 0; i < n && i / 2 < need; i++)
		out[i] = hex[(i & 1) ? (b[i / 2] & 15) : (b[i / 2] >> 4)];
	out[n] = '\0';
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool str_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ".919789309" without trailing zeros, "" for a whole second (Go's
 * RFC3339Nano and time.String do this). */
static const char *frac_trimmed(int64_t ns, char *buf, size_t len)
{
	long long f = ns % 1000000000LL;
	size_t n;

	buf[0] = '\0';
	if (f == 0)
		return buf;
	n = (size_t)snprintf(buf, len, ".%09lld", f);
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

void format_rfc3339(int64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char base[32], frac[16];

	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s%sZ", base, frac_trimmed(ns, frac, sizeof(frac)));
}

void format_gotime(int64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000LL);
	char base[32], frac[16];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s%s +0000 UTC", base, frac_trimmed(ns, frac, sizeof(frac)));
}

void format_ago(int64_t ns, char *buf, size_t len)
{
	int64_t s = (now_ns() - ns) / 1000000000LL;
	int64_t h;

	if (s < 1)
		snprintf(buf, len, "Less than a second ago");
	else if (s == 1)
		snprintf(buf, len, "1 second ago");
	else if (s < 60)
		snprintf(buf, len, "%lld seconds ago", (long long)s);
	else if (s / 60 == 1)
		snprintf(buf, len, "About a minute ago");
	else if (s < 3600)
		snprintf(buf, len, "%lld minutes ago", (long long)(s / 60));
	else if ((h = (s + 1800) / 3600) == 1)
		snprintf(buf, len, "About an hour ago");
	else if (h < 48)
		snprintf(buf, len, "%lld hours ago", (long long)h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, len, "%lld days ago", (long long)(h / 24));
	else if (h < 24 * 30 * 2)
		snprintf(buf, len, "%lld weeks ago", (long long)(h / 24 / 7));
	else if (h < 24 * 365 * 2)
		snprintf(buf, len, "%lld months ago", (long long)(h / 24 / 30));
	else
		snprintf(buf, len, "%lld years ago", (long long)(h / 24 / 365));
}

void format_size_go(int64_t bytes, int digits, const char *sep, char *buf, size_t len)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1000.0 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.*g%s%s", digits, v, sep, units[u]);
}

void format_size(int64_t bytes, char *buf, size_t len)
{
	/* Podman: 3 significant digits and a space ("1.98 MB") */
	format_size_go(bytes, 3, " ", buf, len);
}

int proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;
	unsigned long long st = 0;
	char c = 0;
	ssize_t n;
	char *p;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parens */
	/* after ") " come the state (field 3) and, at field 22, the start time */
	if (p == NULL || sscanf(p + 2,
				"%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				"%*d %*d %*d %llu",
				&c, &st) != 2)
		return -1;
	*state = c;
	*start = st;
	return 0;
}

uint64_t proc_start_time(pid_t pid)
{
	uint64_t st;
	char state;

	return proc_stat(pid, &state, &st) == 0 ? st : 0;
}

bool proc_alive(pid_t pid, uint64_t start)
{
	uint64_t st;
	char state;

	if (start == 0 || proc_stat(pid, &state, &st) < 0)
		return false;
	return st == start && state != 'Z' && state != 'X';
}

const char *boot_id(void)
{
	static char id[64];
	cleanup_close int fd = -1;
	ssize_t n;

	if (id[0])
		return id;
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "unknown";
	n = read_all(fd, id, sizeof(id) - 1);
	if (n <= 0)
		return "unknown";
	while (n > 0 && (id[n - 1] == '\n' || id[n - 1] == ' '))
		n--;
	id[n] = '\0';
	return id;
}

size_t utf8_count(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

#define TMP_GC_MAX 64 /* leftovers removed per call; the rest the next time */

/* Removes the leftovers of killed commands in dfd; see util.h. */
void tmp_gc_at(int dfd, const char *what)
{
	cleanup_close int guard = -1;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	char *names[TMP_GC_MAX];
	int held[TMP_GC_MAX], fd;
	size_t n = 0;

	/* busy: a command is between creating its temp entry and locking it */
	if (dfd < 0 || (guard = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    flock(guard, LOCK_EX | LOCK_NB) < 0)
		return;
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (d = fdopendir(fd)) == NULL)
		close(fd);
	while (d != NULL && n < TMP_GC_MAX && (de = readdir(d)) != NULL) {
		if (!str_has_prefix(de->d_name, ".tmp-"))
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
			held[n] = fd;
			names[n++] = xstrdup(de->d_name);
		} else if (fd >= 0) {
			close(fd);
		}
	}
	close(steal_fd(&guard)); /* held now: remove them without blocking creators */
	for (size_t i = 0; i < n; i++) {
		struct werr err = {0};

		if (rm_rf_at(dfd, names[i], &err) == 0)
			log_debug("removed '%s/%s', left by a killed command", what, names[i]);
		else
			log_debug("remove leftover: %s", err.msg);
		close(held[i]);
		free(names[i]);
	}
}

char *helper_path(const char *name)
{
	char exe[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	p = xasprintf("%s/%s", exe, name);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	p = xasprintf("%s/../libexec/warren/%s", exe, name);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *path_lookup(const char *name)
{
	const char *path = getenv("PATH");

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		char *f = xasprintf("%.*s/%s", (int)len, p, name);
		if (len > 0 && access(f, X_OK) == 0)
			return f;
		free(f);
		p += len + (p[len] == ':');
	}
	return NULL;
}

int fd_send(int sock, int fd)
{
	char byte = 'T';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int fd_recv(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int64_t parse_human_size(const char *v, double unit)
{
	static const char units[] = "bkmgtp";
	const char *p = v, *u = units;
	char *end;
	double n;

	/* digits, at most one '.' and digits: no sign, hex, exponents, inf */
	while (isdigit((unsigned char)*p))
		p++;
	if (p == v)
		return -1;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -1;
		for (p++; isdigit((unsigned char)*p); p++)
			;
	}
	errno = 0;
	n = strtod(v, &end);
	if (errno || end != p)
		return -1;
	if (*end == ' ')
		end++;
	if (*end && strchr(units + 1, tolower((unsigned char)*end))) {
		u = strchr(units, tolower((unsigned char)*end));
		end++;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0')
		return -1;
	for (long k = 0; k < u - units; k++)
		n *= unit;
	if (n > 9e18)
		return -1;
	return (int64_t)n;
}

/* find_tool, run_tool, text_last_line: see util.h. */
char *find_tool(const char *tool, const char *pkg, struct werr *err)
{
	char *p = path_lookup(tool);

	if (p == NULL)
		werr_set(err, 0, "%s not found: install the Debian package %s", tool, pkg);
	return p;
}

int run_tool(char *const *argv, char *const *envp, char *out, size_t len, struct werr *err)
{
	int p[2], status = -1;
	size_t used = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0 ||
		    setsid() < 0)
			_exit(127);
		execve(argv[0], argv, envp ? envp : environ);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return werr_set(err, errno, "fork");
	}
	for (;;) {
		char tmp[4096];
		ssize_t n = read(p[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) { /* keep the tail */
			if (used + 1 >= len) {
				memmove(out, out + len / 2, used - len / 2);
				used -= len / 2;
			}
			out[used++] = tmp[i];
		}
	}
	out[used] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *text_last_line(char *out)
{
	char *end = out + strlen(out);

	while (end > out && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	char *nl = strrchr(out, '\n');
	return nl ? nl + 1 : out;
}
