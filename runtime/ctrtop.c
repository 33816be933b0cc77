/* ctrtop.c - the processes of a container (see ctrtop.h). Facts (the
 * columns, their titles and formats) from podman 4.3.1 runs; code ours. */
#include "runtime/ctrtop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/util.h"
#include "runtime/userlookup.h"

/* What /proc says about one process. */
struct proc_info {
	pid_t hpid, pid, ppid_host, pgid_host; /* pid: in the container's namespace */
	char state;
	unsigned long long utime, stime, start; /* clock ticks */
	long nice;
	unsigned long long vsize, rss_pages;
	int tty;
	uid_t ruid, euid;
	gid_t rgid, egid;
	char *comm, *args;
};

struct top_ctx {
	struct proc_info *p;
	size_t n;
	char *passwd, *group; /* the container's, NULL when unreadable */
	int64_t boot_ns;      /* CLOCK_BOOTTIME now */
	long hz;
};

typedef char *(*col_fn)(const struct top_ctx *t, const struct proc_info *p);

/* The pid of host pid h inside the container, 0 when it is outside. */
static pid_t ns_pid(const struct top_ctx *t, pid_t h)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->p[i].hpid == h)
			return t->p[i].pid;
	return 0;
}

/* The name of id in a passwd or group text (field 3 is the id), or the
 * number. */
static char *id_name(const char *text, unsigned id)
{
	const char *p = text;

	while (p && *p) {
		size_t n = strcspn(p, "\n");
		cleanup_free char *line = xstrndup(p, n);
		char *f1 = strchr(line, ':'), *f2 = f1 ? strchr(f1 + 1, ':') : NULL;
		if (f2 && (unsigned)strtoul(f2 + 1, NULL, 10) == id && f2[1] >= '0' &&
		    f2[1] <= '9') {
			*f1 = '\0';
			return xstrdup(line);
		}
		p += n + (p[n] == '\n');
	}
	return xasprintf("%u", id);
}

static char *c_user(const struct top_ctx *t, const struct proc_info *p)
{
	return id_name(t->passwd, p->euid);
}
static char *c_ruser(const struct top_ctx *t, const struct proc_info *p)
{
	return id_name(t->passwd, p->ruid);
}
static char *c_group(const struct top_ctx *t, const struct proc_info *p)
{
	return id_name(t->group, p->egid);
}
static char *c_rgroup(const struct top_ctx *t, const struct proc_info *p)
{
	return id_name(t->group, p->rgid);
}
static char *c_pid(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xasprintf("%d", (int)p->pid);
}
static char *c_hpid(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xasprintf("%d", (int)p->hpid);
}
static char *c_ppid(const struct top_ctx *t, const struct proc_info *p)
{
	return xasprintf("%d", (int)ns_pid(t, p->ppid_host));
}
static char *c_pgid(const struct top_ctx *t, const struct proc_info *p)
{
	return xasprintf("%d", (int)ns_pid(t, p->pgid_host));
}
static int64_t elapsed_ns(const struct top_ctx *t, const struct proc_info *p)
{
	return t->boot_ns - (int64_t)(p->start * 1000000000ULL / (unsigned long long)t->hz);
}
static char *c_etime(const struct top_ctx *t, const struct proc_info *p)
{
	char b[64];
	godur_string(elapsed_ns(t, p), b, sizeof(b));
	return xstrdup(b);
}
static char *c_time(const struct top_ctx *t, const struct proc_info *p)
{
	char b[64];
	godur_string((int64_t)((p->utime + p->stime) * 1000000000ULL / (unsigned long long)t->hz),
		     b, sizeof(b));
	return xstrdup(b);
}
static char *c_pcpu(const struct top_ctx *t, const struct proc_info *p)
{
	double cpu = (double)(p->utime + p->stime) / (double)t->hz;
	double el = (double)elapsed_ns(t, p) / 1e9;
	return xasprintf("%.3f", el > 0 ? cpu / el * 100.0 : 0.0);
}
static char *c_tty(const struct top_ctx *t, const struct proc_info *p)
{
	unsigned maj = major((dev_t)p->tty), min = minor((dev_t)p->tty);
	(void)t;
	if (p->tty == 0)
		return xstrdup("?");
	if (maj >= 136 && maj <= 143)
		return xasprintf("pts/%u", (maj - 136) * 256 + min);
	if (maj == 4)
		return xasprintf("tty%u", min);
	return xasprintf("%u:%u", maj, min);
}
static char *c_args(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return p->args[0] ? xstrdup(p->args) : xasprintf("[%s]", p->comm);
}
static char *c_comm(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xstrdup(p->comm);
}
static char *c_nice(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xasprintf("%ld", p->nice);
}
static char *c_vsz(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xasprintf("%llu", p->vsize / 1024);
}
static char *c_rss(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xasprintf("%llu", p->rss_pages * (unsigned long long)sysconf(_SC_PAGESIZE) / 1024);
}
static char *c_state(const struct top_ctx *t, const struct proc_info *p)
{
	(void)t;
	return xasprintf("%c", p->state);
}

/* psgo's descriptors: name, AIX form, header */
static const struct {
	const char *name, *aix, *header;
	col_fn fn;
} cols[] = {
    {"args", "%a", "COMMAND", c_args},	  {"comm", "%c", "COMMAND", c_comm},
    {"etime", "%t", "ELAPSED", c_etime},  {"group", "%G", "GROUP", c_group},
    {"hpid", NULL, "HPID", c_hpid},	  {"nice", "%n", "NI", c_nice},
    {"pcpu", "%C", "%CPU", c_pcpu},	  {"pgid", "%r", "PGID", c_pgid},
    {"pid", "%p", "PID", c_pid},	  {"ppid", "%P", "PPID", c_ppid},
    {"rgroup", "%g", "RGROUP", c_rgroup}, {"rss", NULL, "RSS", c_rss},
    {"ruser", "%u", "RUSER", c_ruser},	  {"state", NULL, "STATE", c_state},
    {"time", "%x", "TIME", c_time},	  {"tty", "%y", "TTY", c_tty},
    {"user", "%U", "USER", c_user},	  {"vsz", "%z", "VSZ", c_vsz},
};

static const char *const default_cols[] = {"user",  "pid", "ppid", "pcpu",
					   "etime", "tty", "time", "args"};

void top_table_free(struct top_table *t)
{
	for (size_t i = 0; t->cells && i < t->ncols * t->nrows; i++)
		free(t->cells[i]);
	free(t->cells);
	*t = (struct top_table){0};
}

/* Fills p from /proc/<hpid>/{stat,status,cmdline,comm}; -1 when it is gone. */
static int read_proc(pid_t hpid, struct proc_info *p)
{
	char path[64];
	cleanup_free char *stat = NULL, *status = NULL, *cmd = NULL;
	size_t cmdlen = 0;
	char *s;
	const char *l;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)hpid);
	stat = read_file_at(AT_FDCWD, path, NULL, NULL);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)hpid);
	status = read_file_at(AT_FDCWD, path, NULL, NULL);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)hpid);
	cmd = read_file_at(AT_FDCWD, path, &cmdlen, NULL);
	if (stat == NULL || status == NULL || (s = strrchr(stat, ')')) == NULL)
		return -1;
	*p = (struct proc_info){.hpid = hpid, .pid = hpid};
	*s = '\0';
	p->comm = xstrdup(strchr(stat, '(') ? strchr(stat, '(') + 1 : "");
	if (sscanf(s + 2,
		   "%c %d %d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %ld %*d %*d "
		   "%llu %llu %llu",
		   &p->state, &p->ppid_host, &p->pgid_host, &p->tty, &p->utime, &p->stime, &p->nice,
		   &p->start, &p->vsize, &p->rss_pages) != 10) {
		free(p->comm);
		return -1;
	}
	if ((l = strstr(status, "\nUid:")) != NULL)
		sscanf(l + 5, "%u %u", &p->ruid, &p->euid);
	if ((l = strstr(status, "\nGid:")) != NULL)
		sscanf(l + 5, "%u %u", &p->rgid, &p->egid);
	if ((l = strstr(status, "\nNSpid:")) != NULL) {
		/* the last one is the innermost namespace: the container's */
		size_t n = strcspn(l + 7, "\n");
		cleanup_free char *f = xstrndup(l + 7, n);
		char *last = strrchr(f, '\t') ? strrchr(f, '\t') + 1 : f;
		p->pid = (pid_t)strtol(last, NULL, 10);
	}
	/* psgo joins the arguments with spaces: the final NUL becomes one too */
	for (size_t i = 0; cmd && i < cmdlen; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	p->args = cmd ? steal_pointer(&cmd) : xstrdup("");
	return 0;
}

/* The processes in the pid namespace of init. */
static int collect(struct top_ctx *t, pid_t init, struct werr *err)
{
	char path[64], ns[128], other[128];
	ssize_t n;
	cleanup_dir DIR *d = opendir("/proc");
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	n = readlink(path, ns, sizeof(ns) - 1);
	if (n < 0 || d == NULL)
		return werr_set(err, errno, "read '%s'", path);
	ns[n] = '\0';
	while ((de = readdir(d)) != NULL) {
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);
		struct proc_info pi;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
		n = readlink(path, other, sizeof(other) - 1);
		if (n < 0 || (size_t)n != strlen(ns) || memcmp(ns, other, (size_t)n) != 0)
			continue;
		if (read_proc(pid, &pi) < 0)
			continue;
		t->p = xrealloc(t->p, (t->n + 1) * sizeof(*t->p));
		t->p[t->n++] = pi;
	}
	return 0;
}

static int cmp_proc(const void *a, const void *b)
{
	return ((const struct proc_info *)a)->pid - ((const struct proc_info *)b)->pid;
}

/* The column indexes descs name (psgo's default when none). */
static int pick_cols(char *const *descs, size_t **out, size_t *n, struct werr *err)
{
	cleanup_strv char **names = NULL;

	for (size_t i = 0; descs && descs[i]; i++) {
		cleanup_free char *copy = xstrdup(descs[i]);
		char *save = NULL;
		for (char *tok = strtok_r(copy, ", ", &save); tok;
		     tok = strtok_r(NULL, ", ", &save))
			names = strv_append(names, tok);
	}
	if (names == NULL)
		for (size_t i = 0; i < ARRAY_SIZE(default_cols); i++)
			names = strv_append(names, default_cols[i]);
	*n = strv_len(names);
	*out = xcalloc(*n, sizeof(size_t));
	for (size_t i = 0; i < *n; i++) {
		size_t k = 0;
		while (k < ARRAY_SIZE(cols) && strcmp(cols[k].name, names[i]) != 0 &&
		       !(cols[k].aix && strcmp(cols[k].aix, names[i]) == 0))
			k++;
		if (k == ARRAY_SIZE(cols)) {
			werr_set(err, 0, "'%s': unknown descriptor", names[i]);
			free(*out);
			*out = NULL;
			return werr_status(err, 125);
		}
		(*out)[i] = k;
	}
	return 0;
}

int container_top(struct engine *e, const struct container_rec *c, char *const *descs,
		  struct top_table *out, struct werr *err)
{
	struct top_ctx t = {.hz = sysconf(_SC_CLK_TCK)};
	cleanup_free size_t *ci = NULL;
	struct timespec ts;
	size_t nc = 0;
	char root[64];
	int rc;

	(void)e;
	if (c->state != CTR_RUNNING || !proc_alive(c->pid, c->pid_start)) {
		werr_set(err, 0, "top can only be used on running containers");
		return werr_status(err, 125);
	}
	if (pick_cols(descs, &ci, &nc, err) < 0)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	t.boot_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	rc = collect(&t, c->pid, err);
	snprintf(root, sizeof(root), "/proc/%d/root", (int)c->pid);
	cleanup_close int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd >= 0) { /* names from the container's own files (untrusted: in root) */
		t.passwd = rootfs_read_file(rfd, "etc/passwd", USERLOOKUP_MAX_FILE, NULL);
		t.group = rootfs_read_file(rfd, "etc/group", USERLOOKUP_MAX_FILE, NULL);
	}
	if (t.n)
		qsort(t.p, t.n, sizeof(*t.p), cmp_proc);
	out->ncols = nc;
	out->nrows = rc == 0 ? t.n + 1 : 0;
	out->cells = rc == 0 ? xcalloc(out->nrows * nc, sizeof(char *)) : NULL;
	for (size_t j = 0; rc == 0 && j < nc; j++) {
		out->cells[j] = xstrdup(cols[ci[j]].header);
		for (size_t i = 0; i < t.n; i++)
			out->cells[(i + 1) * nc + j] = cols[ci[j]].fn(&t, &t.p[i]);
	}
	for (size_t i = 0; i < t.n; i++) {
		free(t.p[i].comm);
		free(t.p[i].args);
	}
	free(t.p);
	free(t.passwd);
	free(t.group);
	return rc;
}
