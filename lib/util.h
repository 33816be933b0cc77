/* util.h - allocation that aborts on failure, I/O loops, files, strings. */
#ifndef WARREN_UTIL_H
#define WARREN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

/* The usual PATH of a Linux system: a container's default, and what a
 * helper gets when the caller has none */
#define STD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* v as 4 bytes at p, big-endian (the frames of the API's streams) */
static inline void be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* the 4 big-endian bytes at p */
static inline uint32_t be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure aborts: ENOMEM is never propagated. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loops over short writes/reads, retrying EINTR. read_all returns the
 * number of bytes read (less than n only at EOF) or -1. */
int write_all(int fd, const void *buf, size_t n);
ssize_t read_all(int fd, void *buf, size_t n);

/* Reads fd to its end into a NUL-terminated malloc'd buffer (caller
 * frees; *len, optional, gets its size), whatever size a stat said.
 * NULL with errno set: EFBIG past max bytes (SIZE_MAX: no limit). */
char *read_fd_max(int fd, size_t max, size_t *len);

/* Reads a whole file (relative to dirfd, AT_FDCWD for a path) into a
 * NUL-terminated malloc'd buffer; *len (optional) gets its size. Caller
 * frees. NULL on failure with err set. */
char *read_file_at(int dirfd, const char *path, size_t *len, struct werr *err);

/* read_file_at for configuration files: refuses files over max bytes
 * (EFBIG, "'PATH' is larger than N bytes") instead of reading them whole;
 * err->errnum is ENOENT for a missing file. */
char *read_file_max(const char *path, size_t max, size_t *len, struct werr *err);

/* Writes data to dir/name atomically: a temp file in the same directory,
 * fsync-free write, then rename over name. dirfd may be AT_FDCWD. */
int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
			 struct werr *err);

/* Writes data to dir/name in place (created, or truncated: no new inode
 * when it exists). Only for files nobody reads while they are written,
 * such as a container's bundle before it starts; else use the atomic one. */
int write_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		  struct werr *err);

/* mkdir -p with mode for each created component. Existing dirs are fine. */
int mkdir_p(const char *path, mode_t mode, struct werr *err);

/* rm -rf of dirfd/name, never following symlinks; ENOENT is success. */
int rm_rf_at(int dirfd, const char *name, struct werr *err);

/* Empties directory dfd (kept open), never following symlinks. */
int rm_rf_contents(int dfd, struct werr *err);

/* NULL-terminated string vectors. */
/* Removes the ".tmp-*" entries (files or dirs) of dir dfd that killed
 * commands left. The protocol: a creator holds a shared flock of dfd from
 * creating its entry until it has flocked the entry exclusively, and keeps
 * that lock until the entry is renamed or removed; so with dfd locked
 * exclusively (not blocking: busy means "next time"), an entry whose lock
 * can be taken has no live owner. At most 64 go per call; what names dfd in
 * debug messages. */
void tmp_gc_at(int dfd, const char *what);

size_t strv_len(char *const *v);
void strv_free(char **v);
char **strv_append(char **v, const char *s); /* copies s, returns new vector */
char **strv_copy(char *const *v);
bool strv_contains(char *const *v, const char *s);
char *strv_join(char *const *v, const char *sep);

/* 64-bit FNV-1a: a fast, non-cryptographic hash for names of cache and
 * pool entries (the content is checked or harmless on a collision). */
uint64_t fnv1a64(const void *data, size_t len);
/* FNV-1a of the strings of v, each followed by '\n'. */
uint64_t strv_hash(char *const *v);

/* Random lower-case hex string of n chars (n <= 128), from getrandom. */
void random_hex(char *out, size_t n);

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* Characters (UTF-8 code points: bytes that do not continue one) in s[0..n). */
size_t utf8_count(const char *s, size_t n);
bool str_is_hex(const char *s, size_t n);

/* Parse a decimal integer in [min, max]; returns 0 or -1 (no err: callers say what). */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Wall-clock time in nanoseconds since the epoch. */
int64_t now_ns(void);

/* RFC 3339 in UTC with nanoseconds, trailing zeros trimmed as Go's
 * RFC3339Nano does ("2023-11-14T22:13:20Z"), into buf (>= 40 bytes). */
void format_rfc3339(int64_t ns, char *buf, size_t len);

/* Go's time.Time String() in UTC, as Podman's templates print times:
 * "2023-11-14 22:13:20 +0000 UTC", fraction without trailing zeros. */
void format_gotime(int64_t ns, char *buf, size_t len);

/* "3 minutes ago", "About an hour ago" (Docker's go-units HumanDuration). */
void format_ago(int64_t ns, char *buf, size_t len);

/* Human size like Docker: "1.23MB", "512B" (decimal units). */
void format_size(int64_t bytes, char *buf, size_t len);

/* Go's units.HumanSizeWithPrecision(bytes, digits), decimal units, sep
 * between number and unit: (1980000, 3, "") is "1.98MB". */
void format_size_go(int64_t bytes, int digits, const char *sep, char *buf, size_t len);

/* Process start time (field 22 of /proc/pid/stat), 0 if the process is gone.
 * Used with the pid to detect pid reuse. */
uint64_t proc_start_time(pid_t pid);

/* The state letter (field 3: 'R', 'S', 'Z', ...) and start time (field 22)
 * of /proc/pid/stat. 0, or -1 when the process is gone. */
int proc_stat(pid_t pid, char *state, uint64_t *start);

/* True while the process pid with start time start lives (a zombie, dead
 * and waiting to be reaped, does not). */
bool proc_alive(pid_t pid, uint64_t start);

/* The kernel boot id (/proc/sys/kernel/random/boot_id), static buffer. */
const char *boot_id(void);

/* A helper program of warren's: dir/name where dir holds this binary (a
 * build tree), else dir/../libexec/warren/name (an install), whichever is
 * executable; NULL when neither is (malloc'd). */
char *helper_path(const char *name);

/* One fd over a unix socket (SCM_RIGHTS, with one byte); fd_recv's fd is
 * O_CLOEXEC. -1 with errno on failure. */
int fd_send(int sock, int fd);
int fd_recv(int sock);

/* The absolute path of program name on $PATH (/usr/local/bin:/usr/bin:/bin:
 * /usr/sbin:/sbin when PATH is unset or empty), NULL when no executable of
 * that name is there; malloc'd. */
char *path_lookup(const char *name);

/* A human size as Docker's go-units parses it: digits with an optional
 * fraction, an optional space, then k/m/g/t/p (any case), an optional "i"
 * and an optional "b": "512", "10k", "1.5g", "5MiB". unit is 1024 for
 * RAMInBytes (memory, shm) and 1000 for FromHumanSize (log sizes; the "i"
 * changes nothing there either). -1 when malformed or over 9e18. */
int64_t parse_human_size(const char *v, double unit);

/* The absolute path of tool (in $PATH), or NULL and an error naming its
 * Debian package pkg. malloc'd. */
char *find_tool(const char *tool, const char *pkg, struct werr *err);

/* Runs argv (argv[0] absolute) with stdin on /dev/null, in a session of
 * its own (no terminal to ask a passphrase on) and environment envp
 * (NULL: ours); out receives the last len-1 bytes of its stdout and
 * stderr. Its exit status (128+N when signal N killed it), or -1 when it
 * could not run. */
int run_tool(char *const *argv, char *const *envp, char *out, size_t len, struct werr *err);

/* The last non-empty line of out (trailing newlines and blanks cut, in
 * place). */
const char *text_last_line(char *out);

#endif
