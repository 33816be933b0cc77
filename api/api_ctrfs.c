/* api_ctrfs.c - the container endpoints over the engine calls of `warren
 * rename`, `top`, `diff`, `export` and `container prune`: POST
 * /containers/{id}/rename, GET .../top, GET .../changes, GET .../export,
 * POST /containers/prune; and GET .../stats over ctr_cgroup_stats (`warren
 * stats`'s reading); .../archive (HEAD, GET, PUT: docker cp) over `warren
 * cp`'s container_cp_out and container_cp_in, which resolve every path
 * inside the untrusted rootfs. */
#include "api/api_int.h"
#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrcgroup.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrfs.h"
#include "runtime/limits.h"
#include "runtime/runopts.h"
#include "runtime/ctrmanage.h"
#include "runtime/ctrtop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* POST /containers/{id}/rename?name=NEW: 204; 400 a bad name, 409 one in use */
int api_ctr_rename(struct api_ctx *c)
{
	cleanup_free char *name = http_query(c->req, "name");
	struct container_rec r = {0};
	struct werr err = {0};
	int rc;

	if (name == NULL || name[0] == '\0')
		return api_error(c, 400, "rename: the new name is missing (?name=)");
	if (!api_ctr_lookup(c, &r))
		return 0;
	rc = container_rename(c->e, &r, name[0] == '/' ? name + 1 : name, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, strstr(err.msg, "invalid argument") ? 400 : 500);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* GET /containers/{id}/top?ps_args=: {"Titles", "Processes"}; ps_args are
 * `warren top`'s descriptors (psgo's: "pid,comm", "-eo pid" is not ps) */
int api_ctr_top(struct api_ctx *c)
{
	cleanup_free char *args = http_query(c->req, "ps_args");
	cleanup_strv char **descs = NULL;
	struct container_rec r = {0};
	struct top_table t = {0};
	struct werr err = {0};
	struct json_object *o, *titles, *procs;
	int rc;

	if (!api_ctr_lookup(c, &r))
		return 0;
	if (args && args[0]) {
		/* "-ef" and other ps flags (docker top's default) mean the default */
		for (char *tok = strtok(args, " "); tok; tok = strtok(NULL, " "))
			if (tok[0] != '-')
				descs = strv_append(descs, tok);
	}
	rc = container_top(c->e, &r, descs, &t, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, strstr(err.msg, "running containers") ? 409 : 400);
	o = json_object_new_object();
	titles = json_object_new_array();
	procs = json_object_new_array();
	for (size_t j = 0; j < t.ncols; j++)
		json_object_array_add(titles, json_object_new_string(t.cells[j]));
	for (size_t i = 1; i < t.nrows; i++) {
		struct json_object *row = json_object_new_array();
		for (size_t j = 0; j < t.ncols; j++)
			json_object_array_add(row,
					      json_object_new_string(t.cells[i * t.ncols + j]));
		json_object_array_add(procs, row);
	}
	top_table_free(&t);
	jset(o, "Titles", titles);
	jset(o, "Processes", procs);
	return api_json(c, 200, o);
}

/* GET /containers/{id}/changes: [{"Path", "Kind"}], Kind 0 changed, 1
 * added, 2 deleted (Docker's numbers) */
int api_ctr_changes(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct ctr_change *v = NULL;
	struct werr err = {0};
	struct json_object *a;
	size_t n = 0;
	int rc;

	if (!api_ctr_lookup(c, &r))
		return 0;
	rc = container_diff(c->e, &r, &v, &n, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, 500);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		jset_str(o, "Path", v[i].path);
		jset(o, "Kind",
		     json_object_new_int(v[i].kind == 'A'   ? 1
					 : v[i].kind == 'D' ? 2
							    : 0));
		json_object_array_add(a, o);
	}
	ctr_changes_free(v, n);
	return api_json(c, 200, a);
}

/* GET /containers/{id}/export: the tar of `warren export`, its length
 * the connection's end (the tar is written as it is read) */
int api_ctr_export(struct api_ctx *c)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
				   "Connection: close\r\n\r\n";
	struct container_rec r = {0};
	struct werr err = {0};

	if (!api_ctr_lookup(c, &r))
		return 0;
	if (write_all(c->fd, head, sizeof(head) - 1) == 0)
		container_export(c->e, &r, c->fd, &err);
	container_rec_free(&r);
	return 1;
}

int api_ctr_pruned(struct api_ctx *c, char ***removed)
{
	cleanup_strv char **specs = NULL;
	struct ctr_filter f = {0};
	struct werr err = {0};
	bool ok;
	int rc;

	*removed = NULL;
	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (ctr_filter_parse(&f, specs, true, now_ns(), &err) < 0) {
		api_error(c, 400, "%s", err.msg);
		return 0;
	}
	rc = container_prune(c->e, &f, removed, &err);
	ctr_filter_free(&f);
	if (rc < 0 && *removed == NULL) {
		api_werr(c, &err, 500);
		return 0;
	}
	return 1;
}

/* POST /containers/prune?filters=: {"ContainersDeleted", "SpaceReclaimed"} */
int api_ctr_prune(struct api_ctx *c)
{
	cleanup_strv char **removed = NULL;
	struct json_object *o;

	if (!api_ctr_pruned(c, &removed))
		return 0;
	o = json_object_new_object();
	jset(o, "ContainersDeleted", jnew_strv(removed));
	jset(o, "SpaceReclaimed", json_object_new_int64(0));
	return api_json(c, 200, o);
}

/* One of Docker's stats objects from s (and the one before, prev: its
 * precpu_stats; NULL: zeros). */
static struct json_object *stats_json(const struct container_rec *r, const struct ctr_stats *s,
				      const struct ctr_stats *prev, long ncpu)
{
	struct json_object *o = json_object_new_object(), *cpu = json_object_new_object(),
			   *pre = json_object_new_object(), *mem = json_object_new_object(),
			   *pids = json_object_new_object(), *nets = json_object_new_object(),
			   *eth = json_object_new_object(), *blk = json_object_new_object();
	char now[64], before[64];
	cleanup_free char *name = xasprintf("/%s", r->name);
	/* the host's CPU time, in ns, as Docker's system_cpu_usage: wall
	 * time x CPUs is what the CLI's percentage divides by */
	struct {
		struct json_object *obj;
		const struct ctr_stats *st;
	} two[] = {{cpu, s}, {pre, prev}};

	format_rfc3339(s->at, now, sizeof(now));
	format_rfc3339(prev ? prev->at : 0, before, sizeof(before));
	jset_str(o, "read", now);
	jset_str(o, "preread", prev ? before : "0001-01-01T00:00:00Z");
	jset_str(o, "id", r->id);
	jset_str(o, "name", name);
	for (size_t i = 0; i < 2; i++) {
		struct json_object *u = json_object_new_object();
		const struct ctr_stats *st = two[i].st;
		jset(u, "total_usage", json_object_new_int64(st ? (int64_t)st->cg.cpu_ns : 0));
		jset(u, "usage_in_kernelmode", json_object_new_int64(0));
		jset(u, "usage_in_usermode", json_object_new_int64(0));
		jset(two[i].obj, "cpu_usage", u);
		jset(two[i].obj, "system_cpu_usage", json_object_new_int64(st ? st->at * ncpu : 0));
		jset(two[i].obj, "online_cpus", json_object_new_int64(ncpu));
		jset(two[i].obj, "throttling_data", json_object_new_object());
	}
	jset(o, "cpu_stats", cpu);
	jset(o, "precpu_stats", pre);
	jset(mem, "usage", json_object_new_int64((int64_t)s->cg.mem_usage));
	jset(mem, "limit", json_object_new_int64((int64_t)s->cg.mem_limit));
	jset(mem, "stats", json_object_new_object());
	jset(o, "memory_stats", mem);
	jset(pids, "current", json_object_new_int64((int64_t)s->cg.pids));
	jset(o, "pids_stats", pids);
	jset(eth, "rx_bytes", json_object_new_int64((int64_t)s->net_rx));
	jset(eth, "tx_bytes", json_object_new_int64((int64_t)s->net_tx));
	jset(nets, "eth0", eth);
	jset(o, "networks", nets);
	{
		struct json_object *a = json_object_new_array();
		const char *ops[] = {"read", "write"};
		uint64_t v[] = {s->cg.blk_read, s->cg.blk_write};
		for (size_t i = 0; i < 2; i++) {
			struct json_object *e = json_object_new_object();
			jset(e, "major", json_object_new_int(0));
			jset(e, "minor", json_object_new_int(0));
			jset_str(e, "op", ops[i]);
			jset(e, "value", json_object_new_int64((int64_t)v[i]));
			json_object_array_add(a, e);
		}
		jset(blk, "io_service_bytes_recursive", a);
	}
	jset(o, "blkio_stats", blk);
	return o;
}

/* GET /containers/{id}/stats?stream=&one-shot=: Docker's stats objects,
 * one a second while streaming (until the client leaves or the container
 * stops), one otherwise (with stream=false, read twice a moment apart
 * so that the CPU percentage has a base, unless one-shot). */
int api_ctr_stats(struct api_ctx *c)
{
	bool stream = http_query_bool(c->req, "stream", true);
	bool one_shot = http_query_bool(c->req, "one-shot", false);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct container_rec r = {0};
	struct ctr_stats prev = {0}, now = {0};
	struct werr err = {0};
	bool have_prev = false;

	if (!api_ctr_lookup(c, &r))
		return 0;
	if (ncpu < 1)
		ncpu = 1;
	if (ctr_cgroup_stats(c->e, &r, &now, &err) < 0) {
		container_rec_free(&r);
		return api_werr(c, &err, 409);
	}
	if (!stream) {
		struct json_object *o;
		if (!one_shot && r.state == CTR_RUNNING) {
			struct timespec ts = {0, 100 * 1000 * 1000};
			prev = now;
			have_prev = true;
			nanosleep(&ts, NULL);
			ctr_cgroup_stats(c->e, &r, &now, &err);
		}
		o = stats_json(&r, &now, have_prev ? &prev : NULL, ncpu);
		container_rec_free(&r);
		return api_json(c, 200, o);
	}
	if (http_chunked_begin(c->fd, 200, "application/json") < 0) {
		container_rec_free(&r);
		return 1;
	}
	for (;;) {
		struct json_object *o = stats_json(&r, &now, have_prev ? &prev : NULL, ncpu);
		cleanup_free char *line =
		    xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		struct pollfd p = {c->fd, POLLRDHUP, 0};
		json_object_put(o);
		if (http_chunk(c->fd, line, strlen(line)) < 0)
			break;
		if (poll(&p, 1, 1000) != 0)
			break; /* the client left */
		prev = now;
		have_prev = true;
		struct container_rec fresh = {0};
		if (container_lookup(c->e, r.id, &fresh, &err) <= 0 || fresh.state != CTR_RUNNING ||
		    ctr_cgroup_stats(c->e, &fresh, &now, &err) < 0) {
			container_rec_free(&fresh);
			http_chunked_end(c->fd);
			break;
		}
		container_rec_free(&r);
		r = fresh;
	}
	container_rec_free(&r);
	return 1;
}

/* ---- archive: docker cp ---- */

/* Go's os.FileMode of st_mode (what the CLI's IsDir() reads) */
static uint32_t go_mode(mode_t m)
{
	uint32_t g = m & 0777;

	if (S_ISDIR(m))
		g |= 1U << 31;
	else if (S_ISLNK(m))
		g |= 1U << 27;
	else if (S_ISFIFO(m))
		g |= 1U << 25;
	else if (S_ISSOCK(m))
		g |= 1U << 24;
	else if (S_ISCHR(m))
		g |= (1U << 26) | (1U << 21);
	else if (S_ISBLK(m))
		g |= 1U << 26;
	if (m & S_ISUID)
		g |= 1U << 23;
	if (m & S_ISGID)
		g |= 1U << 22;
	if (m & S_ISVTX)
		g |= 1U << 20;
	return g;
}

/* The container and the stat of ?path=; answered here (400, 404) when
 * not. 1 found. */
static int archive_stat(struct api_ctx *c, struct container_rec *r, char **path,
			struct ctr_path_stat *st)
{
	struct werr err = {0};

	*path = http_query(c->req, "path");
	if (*path == NULL || (*path)[0] == '\0')
		return api_error(c, 400, "archive: the path is missing (?path=)"), 0;
	if (!api_ctr_lookup(c, r))
		return 0;
	if (container_path_stat(c->e, r, *path, st, &err) < 0) {
		api_error(c, err.errnum == ENOENT || err.errnum == ENOTDIR ? 404 : 500, "%s",
			  err.msg);
		return 0;
	}
	/* Podman's client copies into linkTarget, which its server sets for
	 * every path (Docker's only for a symlink) */
	if (c->libpod && st->link[0] == '\0')
		snprintf(st->link, sizeof(st->link), "%s", *path);
	return 1;
}

/* The head of HEAD and GET: X-Docker-Container-Path-Stat, base64 of
 * {"name", "size", "mode", "mtime", "linkTarget"} */
static int archive_head(struct api_ctx *c, const struct ctr_path_stat *st, bool head)
{
	cleanup_json struct json_object *o = json_object_new_object();
	char mtime[64];
	const char *js;
	cleanup_free char *b64 = NULL, *h = NULL;

	format_rfc3339(st->mtime_ns, mtime, sizeof(mtime));
	jset_str(o, "name", st->name);
	jset(o, "size", json_object_new_int64(st->size));
	jset(o, "mode", json_object_new_int64(go_mode(st->mode)));
	jset_str(o, "mtime", mtime);
	jset_str(o, "linkTarget", st->link);
	if (c->libpod) /* Podman's client reads isDir, not the mode */
		jset(o, "isDir", json_object_new_boolean(S_ISDIR(st->mode)));
	js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
	b64 = base64_encode(js, strlen(js));
	/* and decodes it as URL-safe base64 (Docker's: the standard one) */
	for (char *p = b64; c->libpod && *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	h = xasprintf("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
		      "X-Docker-Container-Path-Stat: %s\r\n%s\r\n",
		      b64, head ? "Content-Length: 0\r\n" : "Connection: close\r\n");
	return write_all(c->fd, h, strlen(h));
}

/* HEAD /containers/{id}/archive?path=: the stat header only */
int api_ctr_archive_head(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct ctr_path_stat st;
	cleanup_free char *path = NULL;
	int rc;

	if (!archive_stat(c, &r, &path, &st)) {
		container_rec_free(&r);
		return 0;
	}
	container_rec_free(&r);
	rc = archive_head(c, &st, true);
	return rc < 0;
}

/* GET /containers/{id}/archive?path=: the stat header, then `cp CTR:PATH
 * -`'s tar (container_cp_out), the connection's end the body's */
int api_ctr_archive_get(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct ctr_path_stat st;
	struct werr err = {0};
	cleanup_free char *path = NULL;

	if (!archive_stat(c, &r, &path, &st)) {
		container_rec_free(&r);
		return 0;
	}
	if (archive_head(c, &st, false) == 0)
		container_cp_out(c->e, &r, path, NULL, c->fd, &err);
	container_rec_free(&r);
	return 1;
}

/* PUT /containers/{id}/archive?path=DIR: the body (a tar, spooled to a
 * file by api_spool, or in memory when that failed) extracted into DIR as `cp - CTR:DIR` does
 * (container_cp_in; copyUIDGID: the container user's ids, as --archive) */
/* container_cp_in of the body in memory (api_spool could not make a
 * file): through a pipe, from a writer of its own (it may be larger than
 * the pipe) */
static int cp_in_memory(struct api_ctx *c, const struct container_rec *r, const char *path,
			struct werr *err)
{
	int p[2], rc, st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		_exit(write_all(p[1], c->req->body ? c->req->body : "", c->req->body_len) < 0);
	}
	close(p[1]);
	rc = pid < 0 ? werr_set(err, errno, "fork")
		     : container_cp_in(c->e, r, NULL, p[0], path,
				       http_query_bool(c->req, "copyUIDGID", false), err);
	close(p[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return rc;
}

int api_ctr_archive_put(struct api_ctx *c)
{
	cleanup_free char *path = http_query(c->req, "path");
	struct container_rec r = {0};
	struct werr err = {0};
	struct ctr_path_stat pst;
	int rc;

	if (path == NULL || path[0] == '\0')
		return api_error(c, 400, "archive: the path is missing (?path=)");
	if (!api_ctr_lookup(c, &r))
		return 0;
	/* a missing destination is Docker's 404 */
	if (container_path_stat(c->e, &r, path, &pst, &err) < 0) {
		container_rec_free(&r);
		return api_error(c, err.errnum == ENOENT ? 404 : 400, "%s", err.msg);
	}
	if (c->req->body_fd >= 0) /* spooled (api_spool): read from its file */
		rc = container_cp_in(c->e, &r, NULL, c->req->body_fd, path,
				     http_query_bool(c->req, "copyUIDGID", false), &err);
	else
		rc = cp_in_memory(c, &r, path, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_error(c,
				 err.errnum == ENOENT || err.errnum == ENOTDIR ? 404
				 : strstr(err.msg, "read-only")		       ? 403
									       : 400,
				 "%s", err.msg);
	return http_send(c->fd, 200, NULL, NULL, 0, false) < 0;
}

/* ---- update ---- */

/* POST /containers/{id}/update: Docker's resources (Memory,
 * MemoryReservation, MemorySwap, NanoCpus, CpuShares, CpuQuota,
 * CpuPeriod, CpusetCpus, CpusetMems, PidsLimit, BlkioWeight) and
 * RestartPolicy, as `warren update` applies them; {"Warnings": []} */
int api_ctr_update(struct api_ctx *c)
{
	static const struct {
		const char *field, *flag;
		enum json_type type;
	} map[] = {
	    {"Memory", "memory", json_type_int},
	    {"MemoryReservation", "memory-reservation", json_type_int},
	    {"MemorySwap", "memory-swap", json_type_int},
	    {"NanoCpus", "cpus", json_type_int},
	    {"CpuShares", "cpu-shares", json_type_int},
	    {"CpuQuota", "cpu-quota", json_type_int},
	    {"CpuPeriod", "cpu-period", json_type_int},
	    {"CpusetCpus", "cpuset-cpus", json_type_string},
	    {"CpusetMems", "cpuset-mems", json_type_string},
	    {"PidsLimit", "pids-limit", json_type_int},
	    {"BlkioWeight", "blkio-weight", json_type_int},
	};
	cleanup_json struct json_object *b = NULL;
	struct json_object *rp;
	struct res_limits l;
	struct container_rec r = {0};
	struct werr err = {0};
	const char *bad = NULL;
	int rc = 0;

	if ((b = api_body(c)) == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!api_typed(b, map[i].field, map[i].type, &bad))
			return api_error(c, 400, "json: field %s has the wrong type", bad);
	if (!api_typed(b, "RestartPolicy", json_type_object, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	rp = jget(b, "RestartPolicy");
	/* as runopts_init leaves them: nothing set */
	l = (struct res_limits){.swappiness = -1};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && rc == 0; i++) {
		struct json_object *v = jget(b, map[i].field);
		cleanup_free char *s = NULL;
		/* Docker's zero is "unchanged" */
		if (v == NULL || json_object_is_type(v, json_type_null) ||
		    (map[i].type == json_type_int && json_object_get_int64(v) == 0) ||
		    (map[i].type == json_type_string && json_object_get_string(v)[0] == '\0'))
			continue;
		if (strcmp(map[i].flag, "cpus") == 0)
			s = xasprintf("%.9f", (double)json_object_get_int64(v) / 1e9);
		else
			s = xstrdup(json_object_get_string(v));
		rc = limits_parse(&l, map[i].flag, s, &err);
	}
	if (rc < 0) {
		limits_free(&l);
		return api_error(c, 400, "%s", err.msg);
	}
	if (!api_ctr_lookup(c, &r)) {
		limits_free(&l);
		return 0;
	}
	if (l.set)
		rc = container_update_limits(c->e, &r, &l, &err);
	limits_free(&l);
	if (rc == 0 && jstr(rp, "Name")) {
		/* checked as `update --restart NAME[:MAX]` checks it */
		int max = json_object_get_int(jget(rp, "MaximumRetryCount"));
		cleanup_free char *spec =
		    max > 0 ? xasprintf("%s:%d", jstr(rp, "Name"), max)
			    : xstrdup(jstr(rp, "Name")[0] ? jstr(rp, "Name") : "no");
		struct run_opts ro;
		runopts_init(&ro);
		rc = runopts_set_restart(&ro, spec, &err);
		container_rec_free(&r);
		if (rc == 0)
			rc = container_lookup(c->e, c->arg, &r, &err) > 0 ? 0 : -1;
		if (rc == 0)
			rc = container_update_restart(c->e, &r, ro.restart, ro.restart_max, &err);
		runopts_free(&ro);
	}
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, 400);
	struct json_object *o = json_object_new_object();
	jset(o, "Warnings", json_object_new_array());
	return api_json(c, 200, o);
}
