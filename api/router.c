/* router.c - from a request to its handler: the /v1.xx and /libpod
 * prefixes, the route table, 404 and 405, the version check, and the
 * helpers the handlers share (errors, JSON in and out). */
#include "api/api_int.h"
#include "api/api_libpod.h"
#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "storage/store.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A pattern's "*" is one path segment, "**" one or more (image names
 * hold slashes: /images/docker.io/library/busybox:latest/json). */
static const struct route {
	const char *method, *pattern;
	int (*fn)(struct api_ctx *c);
	bool libpod; /* also under /libpod/ (the shapes match) */
} routes[] = {
    {"GET", "/_ping", api_ping, true},
    {"HEAD", "/_ping", api_ping, true},
    {"GET", "/version", api_version, true},
    {"GET", "/info", api_info, false},
    {"GET", "/events", api_events, true},
    {"GET", "/system/df", api_system_df, false},
    {"POST", "/auth", api_auth, false},
    {"POST", "/warren/cli", api_cli, false},
    {"GET", "/containers/json", api_ctr_list, false},
    {"POST", "/containers/create", api_ctr_create, false},
    {"POST", "/containers/prune", api_ctr_prune, false},
    {"GET", "/containers/*/json", api_ctr_inspect, false},
    {"POST", "/containers/*/rename", api_ctr_rename, false},
    {"GET", "/containers/*/top", api_ctr_top, false},
    {"GET", "/containers/*/changes", api_ctr_changes, false},
    {"GET", "/containers/*/export", api_ctr_export, false},
    {"GET", "/containers/*/stats", api_ctr_stats, false},
    {"POST", "/containers/*/update", api_ctr_update, false},
    {"HEAD", "/containers/*/archive", api_ctr_archive_head, false},
    {"GET", "/containers/*/archive", api_ctr_archive_get, false},
    {"PUT", "/containers/*/archive", api_ctr_archive_put, false},
    {"POST", "/containers/*/start", api_ctr_start, true},
    {"POST", "/containers/*/stop", api_ctr_stop, true},
    {"POST", "/containers/*/restart", api_ctr_restart, true},
    {"POST", "/containers/*/kill", api_ctr_kill, true},
    {"POST", "/containers/*/wait", api_ctr_wait, true},
    {"GET", "/containers/*/logs", api_ctr_logs, true},
    {"POST", "/containers/*/attach", api_ctr_attach, true},
    {"POST", "/containers/*/resize", api_ctr_resize, true},
    {"POST", "/containers/*/exec", api_exec_create, true},
    {"POST", "/exec/*/start", api_exec_start, true},
    {"POST", "/exec/*/resize", api_exec_resize, true},
    {"GET", "/exec/*/json", api_exec_inspect, true},
    {"POST", "/containers/*/pause", api_ctr_pause, true},
    {"POST", "/containers/*/unpause", api_ctr_unpause, true},
    {"DELETE", "/containers/*", api_ctr_remove, false},
    {"GET", "/networks", api_net_list, false},
    {"POST", "/networks/create", api_net_create, false},
    {"POST", "/networks/prune", api_net_prune, false},
    {"GET", "/networks/*", api_net_inspect, false},
    {"DELETE", "/networks/*", api_net_remove, false},
    {"POST", "/networks/*/connect", api_net_connect, false},
    {"POST", "/networks/*/disconnect", api_net_disconnect, false},
    {"GET", "/volumes", api_vol_list, false},
    {"POST", "/volumes/create", api_vol_create, false},
    {"POST", "/volumes/prune", api_vol_prune, false},
    {"GET", "/volumes/*", api_vol_inspect, false},
    {"DELETE", "/volumes/*", api_vol_remove, false},
    {"GET", "/images/json", api_img_list, false},
    {"POST", "/images/create", api_img_pull, false},
    {"POST", "/images/prune", api_img_prune, false},
    {"GET", "/images/get", api_img_save, false},
    {"GET", "/images/search", api_img_search, false},
    {"POST", "/images/load", api_img_load, false},
    {"POST", "/build", api_build, false},
    {"GET", "/images/**/get", api_img_save, false},
    {"GET", "/images/**/json", api_img_inspect, false},
    {"GET", "/images/**/history", api_img_history, false},
    {"POST", "/images/**/tag", api_img_tag, false},
    {"POST", "/images/**/push", api_img_push, false},
    {"DELETE", "/images/**", api_img_remove, false},
};

/* Paths only under /libpod/, whose shapes are Podman's own (api_libpod.c);
 * looked at before the table above. */
static const struct route libpod_routes[] = {
    {"GET", "/info", api_libpod_info, true},
    {"GET", "/containers/json", api_libpod_ctr_list, true},
    {"POST", "/containers/create", api_libpod_ctr_create, true},
    {"GET", "/containers/*/json", api_libpod_ctr_inspect, true},
    {"DELETE", "/containers/*", api_libpod_ctr_remove, true},
    {"GET", "/images/json", api_libpod_img_list, true},
    {"DELETE", "/images/remove", api_libpod_img_remove, true},
    {"POST", "/images/pull", api_libpod_img_pull, true},
    {"GET", "/pods/json", api_libpod_pod_list, true},
    /* api_libpod_pod.c */
    {"POST", "/pods/create", api_libpod_pod_create, true},
    {"POST", "/pods/prune", api_libpod_pod_prune, true},
    {"GET", "/pods/stats", api_libpod_pod_stats, true}, /* api_libpod_stats.c */
    {"GET", "/containers/stats", api_libpod_ctr_stats, true},
    {"GET", "/pods/*/json", api_libpod_pod_inspect, true},
    {"GET", "/pods/*/exists", api_libpod_pod_exists, true},
    {"GET", "/pods/*/top", api_libpod_pod_top, true},
    {"POST", "/pods/*/start", api_libpod_pod_start, true},
    {"POST", "/pods/*/stop", api_libpod_pod_stop, true},
    {"POST", "/pods/*/restart", api_libpod_pod_restart, true},
    {"POST", "/pods/*/kill", api_libpod_pod_kill, true},
    {"POST", "/pods/*/pause", api_libpod_pod_pause, true},
    {"POST", "/pods/*/unpause", api_libpod_pod_unpause, true},
    {"DELETE", "/pods/*", api_libpod_pod_remove, true},
    /* api_libpod_vol.c */
    {"POST", "/volumes/create", api_libpod_vol_create, true},
    {"GET", "/volumes/json", api_libpod_vol_list, true},
    {"POST", "/volumes/prune", api_libpod_vol_prune, true},
    {"GET", "/volumes/*/json", api_libpod_vol_inspect, true},
    {"GET", "/volumes/*/exists", api_libpod_vol_exists, true},
    {"DELETE", "/volumes/*", api_libpod_vol_remove, true},
    /* api_libpod_net.c */
    {"POST", "/networks/create", api_libpod_net_create, true},
    {"GET", "/networks/json", api_libpod_net_list, true},
    {"POST", "/networks/prune", api_libpod_net_prune, true},
    {"GET", "/networks/*/json", api_libpod_net_inspect, true},
    {"GET", "/networks/*/exists", api_libpod_net_exists, true},
    {"POST", "/networks/*/connect", api_libpod_net_connect, true},
    {"POST", "/networks/*/disconnect", api_libpod_net_disconnect, true},
    {"DELETE", "/networks/*", api_libpod_net_remove, true},
    /* api_libpod_sys.c */
    {"GET", "/version", api_libpod_version, true},
    {"GET", "/system/df", api_libpod_system_df, true},
    {"POST", "/system/prune", api_libpod_system_prune, true},
    {"GET", "/containers/*/exists", api_libpod_ctr_exists, true},
    {"GET", "/containers/*/logs", api_libpod_ctr_logs, true},
    {"POST", "/containers/prune", api_libpod_ctr_prune, true},
    {"POST", "/images/prune", api_libpod_img_prune, true},
    {"GET", "/images/**/exists", api_libpod_img_exists, true},
    {"GET", "/images/**/json", api_libpod_img_inspect, true},
    {"POST", "/images/**/untag", api_libpod_img_untag, true},
    {"POST", "/images/**/push", api_libpod_img_push, true}, /* api_pull.c */
    /* api_libpod_kube.c */
    {"POST", "/play/kube", api_libpod_kube_play, true},
    {"DELETE", "/play/kube", api_libpod_kube_down, true},
    {"GET", "/generate/kube", api_libpod_kube_generate, true},
    /* Docker's handlers where the libpod shapes are the same */
    {"POST", "/images/**/tag", api_img_tag, true},
    {"GET", "/images/**/history", api_img_history, true},
    {"GET", "/containers/*/top", api_ctr_top, true},
    {"POST", "/containers/*/rename", api_ctr_rename, true},
    {"HEAD", "/containers/*/archive", api_ctr_archive_head, true},
    {"GET", "/containers/*/archive", api_ctr_archive_get, true},
    {"PUT", "/containers/*/archive", api_ctr_archive_put, true},
};

static char server_headers[256];

void api_server_headers(const struct api_opts *o)
{
	snprintf(server_headers, sizeof(server_headers),
		 "Api-Version: %s\r\nLibpod-Api-Version: %s\r\nDocker-Experimental: "
		 "false\r\nOstype: linux\r\nServer: warren/%s (linux)\r\nCache-Control: "
		 "no-cache, no-store, must-revalidate\r\n",
		 API_VERSION, LIBPOD_VERSION, o->version);
	http_set_server_headers(server_headers);
}

/* Does path match pattern? *arg gets the "*" or "**" part (malloc'd). */
static bool match(const char *pattern, const char *path, char **arg)
{
	const char *star = strchr(pattern, '*');
	size_t pre, post;
	const char *rest;

	if (star == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(star - pattern);
	if (strncmp(pattern, path, pre) != 0)
		return false;
	rest = star[1] == '*' ? star + 2 : star + 1;
	post = strlen(rest);
	if (strlen(path) < pre + post + 1 || strcmp(path + strlen(path) - post, rest) != 0)
		return false;
	size_t n = strlen(path) - pre - post;
	if (star[1] != '*' && memchr(path + pre, '/', n))
		return false;
	if (memchr(path + pre, '\0', n) || path[pre] == '/')
		return false;
	*arg = xstrndup(path + pre, n);
	return true;
}

/* "/v1.41/x" -> "/x" (*version "1.41"); "/v4.0.0/libpod/x" -> "/x" with
 * *libpod; a path without a prefix stays. */
static const char *strip_prefix(const char *path, char *version, size_t vlen, bool *libpod)
{
	const char *p = path;

	version[0] = '\0';
	if (p[0] == '/' && p[1] == 'v' && isdigit((unsigned char)p[2])) {
		size_t n = strspn(p + 2, "0123456789.");
		if (p[2 + n] == '/') {
			snprintf(version, vlen, "%.*s", (int)(n < vlen - 1 ? n : vlen - 1), p + 2);
			p += 2 + n;
		}
	}
	*libpod = str_has_prefix(p, "/libpod/");
	return *libpod ? p + 7 : p;
}

/* major.minor as one number (1.41 -> 1041), -1 when malformed */
static long version_num(const char *v)
{
	char *end;
	long major = strtol(v, &end, 10), minor;

	if (end == v || *end != '.')
		return -1;
	minor = strtol(end + 1, &end, 10);
	return *end ? -1 : major * 1000 + minor;
}

static int check_version(struct api_ctx *c, const char *v)
{
	long n = version_num(v);

	if (v[0] == '\0' || c->libpod)
		return 0;
	if (n < 0) {
		api_error(c, 400, "malformed version: %s", v);
		return -1;
	}
	if (n > version_num(API_VERSION)) {
		api_error(c, 400,
			  "client version %s is too new. Maximum supported API version is %s", v,
			  API_VERSION);
		return -1;
	}
	if (n < version_num(API_MIN_VERSION)) {
		api_error(c, 400,
			  "client version %s is too old. Minimum supported API version is %s, "
			  "please upgrade your client to a newer version",
			  v, API_MIN_VERSION);
		return -1;
	}
	return 0;
}

int api_handle(struct api_conn *conn, const struct http_req *r)
{
	struct api_ctx c = {.conn = conn, .e = conn->e, .fd = conn->fd, .req = r, .arg = ""};
	char version[32];
	const char *path = strip_prefix(r->path, version, sizeof(version), &c.libpod);
	bool other_method = false;

	if (check_version(&c, version) < 0)
		return 0;
	for (size_t t = c.libpod ? 0 : 1; t < 2; t++) {
		const struct route *tab = t == 0 ? libpod_routes : routes;
		size_t n = t == 0 ? ARRAY_SIZE(libpod_routes) : ARRAY_SIZE(routes);
		for (size_t i = 0; i < n; i++) {
			cleanup_free char *arg = NULL;
			if ((c.libpod && !tab[i].libpod) || !match(tab[i].pattern, path, &arg))
				continue;
			if (strcmp(tab[i].method, r->method) != 0) {
				other_method = true;
				continue;
			}
			c.arg = arg ? arg : "";
			return tab[i].fn(&c);
		}
	}
	if (other_method) {
		api_error(&c, 405, "method %s not allowed on %s", r->method, r->path);
		return 0;
	}
	api_error(&c, 404, "page not found");
	return 0;
}

int api_spool(void *arg, const struct http_req *r)
{
	struct api_conn *conn = arg;
	char version[32];
	bool libpod;
	const char *path = strip_prefix(r->path, version, sizeof(version), &libpod);
	cleanup_free char *id = NULL;
	struct werr err = {0};

	if (!(strcmp(r->method, "PUT") == 0 && match("/containers/*/archive", path, &id)) &&
	    !(strcmp(r->method, "POST") == 0 && strcmp(path, "/images/load") == 0) &&
	    !(strcmp(r->method, "POST") == 0 && strcmp(path, "/build") == 0))
		return -1;
	/* no file (no space, no root yet): memory, with its limit */
	return image_tmp_file(conn->e, &err);
}

bool api_reusable(const struct http_req *r)
{
	static const char *const lists[] = {"/_ping",	    "/version",	 "/containers/json",
					    "/images/json", "/networks", "/volumes",
					    "/pods/json"};
	char version[32];
	bool libpod;
	const char *path = strip_prefix(r->path, version, sizeof(version), &libpod);

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (strcmp(path, lists[i]) == 0)
			return true;
	return false;
}

/* The store's database and run dir, seen from here: 0 when both exist
 * (*st the database's), else -1. */
static int store_seen(const struct engine *e, struct stat *st)
{
	cleanup_free char *db = xasprintf("%s/warren.db", e->root);
	struct stat rr;

	return stat(db, st) == 0 && stat(e->runroot, &rr) == 0 ? 0 : -1;
}

/* Ahead, rootless: the store is opened, the namespace not joined yet (a
 * connection may run POST /warren/cli, which starts warren from outside
 * it); only a store that is there already, so that nothing is made
 * outside the namespace. */
static void open_ahead(struct api_conn *conn)
{
	struct stat st;
	struct werr ignore = {0};

	if (store_seen(conn->e, &st) == 0 && engine_store(conn->e, &ignore) != NULL) {
		conn->db_dev = st.st_dev;
		conn->db_ino = st.st_ino;
		conn->store_ahead = true;
	}
}

/* After the join: a store opened ahead that is not the one the namespace
 * sees (a --root on a mount made in it) is opened again. */
static void check_ahead(struct api_conn *conn)
{
	struct engine *e = conn->e;
	struct stat st;

	if (!conn->store_ahead)
		return;
	conn->store_ahead = false;
	if (store_seen(e, &st) == 0 && st.st_dev == conn->db_dev && st.st_ino == conn->db_ino)
		return;
	store_close(e->store);
	e->store = NULL;
}

void api_conn_prepare(struct api_conn *conn, bool ahead)
{
	struct engine *e = conn->e;
	bool join = e->rootless && !e->in_userns;

	if (conn->ready || conn->ready_err.msg[0] != '\0')
		return;
	if (ahead && join) {
		open_ahead(conn);
		return;
	}
	if (join && pause_join(e, &conn->ready_err) < 0)
		goto fail;
	check_ahead(conn);
	if (engine_store(e, &conn->ready_err) == NULL)
		goto fail;
	conn->ready = true;
	return;
fail:
	if (conn->ready_err.msg[0] == '\0')
		werr_set(&conn->ready_err, 0, "cannot open the store");
}

int api_ready(struct api_ctx *c)
{
	api_conn_prepare(c->conn, false);
	if (c->conn->ready)
		return 0;
	api_error(c, 500, "%s", c->conn->ready_err.msg);
	return -1;
}

int api_error(struct api_ctx *c, int status, const char *fmt, ...)
{
	char msg[WERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->req && strcmp(c->req->method, "HEAD") == 0) {
		/* the head only (its length included): a body after a HEAD's
		 * answer is read as the next response (Go: "Unsolicited
		 * response received on idle HTTP channel", docker cp's stat) */
		cleanup_json struct json_object *o = json_object_new_object();
		json_object_object_add(o, "message", json_object_new_string(msg));
		const char *j = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		cleanup_free char *line = xasprintf("%s\n", j);
		http_send(c->fd, status, "application/json", line, strlen(line), true);
		return 0;
	}
	if (c->libpod) {
		/* Podman's ErrorModel: its client reads the status from
		 * "response" (a 404 of inspect is "no such X" only then) and
		 * "cause" is the innermost error, after the last ": " */
		cleanup_json struct json_object *o = json_object_new_object();
		const char *cause = strrchr(msg, ':');
		jset_str(o, "cause", cause && cause[1] == ' ' ? cause + 2 : msg);
		jset_str(o, "message", msg);
		jset(o, "response", json_object_new_int(status));
		http_send_json(c->fd, status, o);
		return 0;
	}
	http_send_error(c->fd, status, msg);
	return 0;
}

int api_werr(struct api_ctx *c, const struct werr *err, int fallback)
{
	static const struct {
		const char *text;
		int status;
	} map[] = {
	    {"no such container", 404}, {"image not known", 404}, {"no such image", 404},
	    {"not found", 404},		{"already in use", 409},  {"is running", 409},
	    {"in use by", 409},		{"cannot remove", 409},	  {"can only kill running", 409},
	    {"is not running", 409},	{"image is in use", 409}, {"no such pod", 404},
	};
	int status = fallback;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strstr(err->msg, map[i].text)) {
			status = map[i].status;
			break;
		}
	}
	return api_error(c, status, "%s", err->msg);
}

int api_json(struct api_ctx *c, int status, struct json_object *json)
{
	int r = http_send_json(c->fd, status, json);

	json_object_put(json);
	return r < 0 ? 1 : 0;
}

struct json_object *api_body(struct api_ctx *c)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (c->req->body == NULL || c->req->body_len == 0)
		return json_object_new_object();
	if (strlen(c->req->body) != c->req->body_len) {
		api_error(c, 400, "invalid JSON: NUL byte in the body");
		return NULL;
	}
	tok = json_tokener_new_ex(64);
	o = json_tokener_parse_ex(tok, c->req->body, (int)c->req->body_len);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		api_error(c, 400, "invalid JSON body: %s",
			  o ? "not an object"
			    : json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(o);
		o = NULL;
	} else if ((size_t)json_tokener_get_parse_end(tok) < c->req->body_len &&
		   strspn(c->req->body + json_tokener_get_parse_end(tok), " \t\r\n") !=
		       c->req->body_len - json_tokener_get_parse_end(tok)) {
		api_error(c, 400, "invalid JSON body: trailing data");
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

char **api_filters(struct api_ctx *c, bool *ok)
{
	cleanup_free char *q = http_query(c->req, "filters");
	cleanup_json struct json_object *f = NULL;
	char **specs = NULL;

	*ok = true;
	if (q == NULL || q[0] == '\0')
		return NULL;
	f = json_tokener_parse(q);
	if (f == NULL || !json_object_is_type(f, json_type_object)) {
		*ok = false;
		api_error(c, 400, "invalid filter: filters must be a JSON object");
		return NULL;
	}
	json_object_object_foreach(f, key, vals)
	{
		if (json_object_is_type(vals, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(vals); i++) {
				const char *v =
				    json_object_get_string(json_object_array_get_idx(vals, i));
				cleanup_free char *s = xasprintf("%s=%s", key, v ? v : "");
				specs = strv_append(specs, s);
			}
		} else if (json_object_is_type(vals, json_type_object)) {
			json_object_object_foreach(vals, v, on)
			{
				cleanup_free char *s = xasprintf("%s=%s", key, v);
				if (json_object_get_boolean(on))
					specs = strv_append(specs, s);
			}
		} else {
			*ok = false;
			strv_free(specs);
			api_error(c, 400, "invalid filter: the values of '%s' must be a list", key);
			return NULL;
		}
	}
	return specs;
}

pid_t api_fork(struct api_ctx *c)
{
	pid_t pid = fork();

	/* an SQLite connection must not be used across fork(): the helper
	 * opens its own when it needs the store (the inherited one is left
	 * alone, not closed: it is the parent's) */
	if (pid == 0)
		c->e->store = NULL;
	return pid;
}

void api_kv_append(struct json_object *o, char ***v)
{
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, val)
	{
		cleanup_free char *s = xasprintf("%s=%s", k, json_object_get_string(val));
		*v = strv_append(*v, s);
	}
}
