/* api_int.h - inside api/: the connection, the router and the handlers. */
#ifndef WARREN_API_INT_H
#define WARREN_API_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "api/api.h"
#include "api/http.h"
#include "runtime/netfilter.h"

#define API_VERSION	"1.41"
#define API_MIN_VERSION "1.24"
#define LIBPOD_VERSION	"4.3.1" /* the libpod API whose shapes are served */

/* One connection, served by its own process. */
struct api_conn {
	struct engine *e;
	const struct api_opts *o;
	int fd;
	bool ready; /* joined the user namespace and opened the store */
	struct werr ready_err;
	bool store_ahead; /* opened before the join (api_conn_prepare) */
	dev_t db_dev;	  /* its database then */
	ino_t db_ino;
};

/* One request being handled. */
struct api_ctx {
	struct api_conn *conn;
	struct engine *e;
	int fd;
	const struct http_req *req;
	const char *arg; /* the {id} or {name} of the path (percent-decoded), "" when none */
	bool libpod;	 /* came by a /libpod/ path */
};

/* The headers every response carries (built from o's version). */
void api_server_headers(const struct api_opts *o);

/* Handles one request. 0: the connection may serve another one; 1: it
 * must close (a stream, a hijack, an error mid-response). */
int api_handle(struct api_conn *c, const struct http_req *r);

/* http_conn's spool (arg: the api_conn): the uploads (PUT
 * /containers/{id}/archive, POST /images/load) go to an unlinked file
 * under <root>/tmp rather than memory, so that they may be larger than
 * HTTP_BODY_MAX. */
int api_spool(void *arg, const struct http_req *r);

/* Whether r only reads (the ping, the version, the lists), so that the
 * process that served it can serve another connection. */
bool api_reusable(const struct http_req *r);

/* Joins the user namespace and opens the store, once per connection; a
 * failure is kept in ready_err. ahead: a ready process before its
 * connection comes, which opens a store that is there already and, as
 * root, is then ready; rootless, the join waits for the first request
 * that needs the store (POST /warren/cli starts warren from outside the
 * namespace; a pause process is made only when a request needs it). */
void api_conn_prepare(struct api_conn *conn, bool ahead);

/* api_conn_prepare, with a failure answered with 500 here. 0 or -1. */
int api_ready(struct api_ctx *c);

/* Sends {"message": ...} with status; returns 0 (the connection goes on). */
int api_error(struct api_ctx *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An engine error as Docker's status: 404 for what does not exist, 409
 * for conflicts (in use, running), else fallback. Returns 0. */
int api_werr(struct api_ctx *c, const struct werr *err, int fallback);
/* Sends json (consumed) with status; returns 0 or 1 when the peer left. */
int api_json(struct api_ctx *c, int status, struct json_object *json);
/* The request body as a JSON object (NULL body: an empty object); a
 * malformed one is answered with 400 here and NULL returned. */
struct json_object *api_body(struct api_ctx *c);

/* Docker's ?filters={"status":["running"],"label":["a=b"]} (also the old
 * {"status":{"running":true}} that the docker CLI still sends) as
 * "key=value" specs (the CLI's --filter), NULL-terminated, malloc'd;
 * NULL when there are none. *ok false (a 400 sent) when malformed. */
char **api_filters(struct api_ctx *c, bool *ok);

/* fork() for a handler's helper process (a wait, a log reader): the
 * helper gets a store connection of its own. */
pid_t api_fork(struct api_ctx *c);

struct container_rec;
/* The container the path names ({id}), looked up; a missing one is
 * answered (404) here. 1 found, 0 answered. */
int api_ctr_lookup(struct api_ctx *c, struct container_rec *out);
/* The members of JSON object o (labels, options) appended to *v as
 * "K=V"; o NULL or no object: nothing. */
void api_kv_append(struct json_object *o, char ***v);

/* POST /build (api_build.c) */
int api_build(struct api_ctx *c);

/* Runs `warren ARGS` (with the service's storage flags) in a child with
 * in as its stdin and out as its stdout and stderr: its pid, or -1. */
pid_t api_cli_spawn(const struct engine *e, char **args, int in, int out);

/* The volume the path names (c->arg): 1 found, 0 answered (404 in
 * Docker's or Podman's words, 500). */
struct volume_rec;
int api_vol_lookup(struct api_ctx *c, struct volume_rec *v);
/* volume prune: the unused volumes the request's filters pick removed:
 * 1 with *removed (their names, strv_free), 0 answered (400). */
int api_vol_pruned(struct api_ctx *c, char ***removed);
/* The network the path names (c->arg): 1 found, 0 answered (404 in
 * Docker's or Podman's words, 500). */
int api_net_lookup(struct api_ctx *c, struct network *n);
/* container prune: the stopped containers the request's filters pick
 * removed: 1 with *removed (their ids, strv_free), 0 answered (400, 500). */
int api_ctr_pruned(struct api_ctx *c, char ***removed);
/* The networks the request's filters (filters=) pick for kind (Docker's
 * list, ls's or prune's keys): 1 with *v (networks_free) of *n, 0
 * answered (400 with Podman's error, 500). api_ready is called first. */
int api_net_select(struct api_ctx *c, enum net_filter_kind kind, struct network **v, size_t *n);
/* prune: the networks that prune's filters pick and no container uses
 * removed: 1 with *removed (their names, strv_free), 0 answered. */
int api_net_pruned(struct api_ctx *c, char ***removed);

/* Removes the request's container (c->arg; Docker's and libpod's DELETE):
 * 1 removed, *id its full id (free it); 0 answered already (404, 409 in
 * Docker's or Podman's words for a running one without force, or 500).
 * timeout: the stop's, -1 the container's own. */
int api_ctr_remove_one(struct api_ctx *c, bool force, int timeout, char **id);

/* Shared by the handlers' body checks (api_ctr.c): a string or a list
 * of strings (NULL, *bad false, for null or absent); is o's field of type
 * t (or absent, or null)? *bad gets the field when not. */
char **api_str_or_list(struct json_object *v, bool *bad);
bool api_typed(struct json_object *o, const char *field, enum json_type t, const char **bad);

/* api_ctrio.c: the marker file of an attach waiting for the start
 * (malloc'd; suffix "" or ".size"), Docker's stream framing (raw: none),
 * and the ?h=&w= of resize (400 answered here, -1). */
char *api_attach_marker(struct engine *e, const char *id, const char *suffix);
int api_write_frame(int fd, bool raw, int stream, const void *buf, size_t n);
int api_size_query(struct api_ctx *c, unsigned *rows, unsigned *cols);
/* The end of a hijacked stream: our side shut for writing, and what the
 * client still sends (stdin the container did not read) drained until
 * it closes (at most 2 s), so that close() sends no reset the client
 * would report as an error. */
void api_hijack_end(int fd);
/* Keeps a size for container id's start or attach (api_take_size). */
void api_put_size(struct engine *e, const char *id, unsigned rows, unsigned cols);
/* The size a resize (or create's ConsoleSize) left for container id
 * before its start or attach, taken (the file removed): 1, or 0 when none. */
int api_take_size(struct engine *e, const char *id, unsigned short *rows, unsigned short *cols);

struct container_rec;
struct image_rec;
/* Docker's list entries: a container's (GET /containers/json), an
 * image's (GET /images/json; users: its containers, shared: SharedSize,
 * -1 unknown). New references. */
struct json_object *api_ctr_summary(const struct container_rec *r);
struct json_object *api_img_summary(const struct image_rec *img, int users, int64_t shared);
struct volume_rec;
/* Docker's volume object (api_vol.c) */
struct json_object *api_vol_json(struct engine *e, const struct volume_rec *v);

/* handlers (api_sys.c, api_ctr.c, api_ctrio.c, api_img.c); each returns as
 * api_handle does */
int api_ping(struct api_ctx *c);
int api_version(struct api_ctx *c);
int api_info(struct api_ctx *c);
int api_ctr_list(struct api_ctx *c);
int api_ctr_create(struct api_ctx *c);
int api_ctr_inspect(struct api_ctx *c);
int api_ctr_start(struct api_ctx *c);
int api_ctr_stop(struct api_ctx *c);
int api_ctr_restart(struct api_ctx *c);
int api_ctr_kill(struct api_ctx *c);
int api_ctr_wait(struct api_ctx *c);
int api_ctr_remove(struct api_ctx *c);
int api_ctr_logs(struct api_ctx *c);
int api_ctr_attach(struct api_ctx *c);
int api_ctr_pause(struct api_ctx *c);
int api_ctr_resize(struct api_ctx *c);
int api_ctr_rename(struct api_ctx *c); /* api_ctrfs.c */
int api_ctr_top(struct api_ctx *c);
int api_ctr_changes(struct api_ctx *c);
int api_ctr_export(struct api_ctx *c);
int api_ctr_prune(struct api_ctx *c);
int api_ctr_stats(struct api_ctx *c);
int api_ctr_archive_head(struct api_ctx *c);
int api_ctr_archive_get(struct api_ctx *c);
int api_ctr_archive_put(struct api_ctx *c);
int api_ctr_update(struct api_ctx *c);
int api_vol_create(struct api_ctx *c); /* api_vol.c */
int api_vol_list(struct api_ctx *c);
int api_vol_inspect(struct api_ctx *c);
int api_vol_remove(struct api_ctx *c);
int api_vol_prune(struct api_ctx *c);
int api_net_create(struct api_ctx *c); /* api_net.c */
int api_net_list(struct api_ctx *c);
int api_net_inspect(struct api_ctx *c);
int api_net_remove(struct api_ctx *c);
int api_net_prune(struct api_ctx *c);
int api_net_connect(struct api_ctx *c);
int api_net_disconnect(struct api_ctx *c);
/* api_exec.c: the exec records a previous service left for containers
 * that are gone or stopped, or whose process ended unrecorded: removed
 * at the service's start (in a helper process, waited for). */
void api_exec_sweep(struct engine *e);
int api_exec_create(struct api_ctx *c); /* api_exec.c */
int api_exec_start(struct api_ctx *c);
int api_exec_resize(struct api_ctx *c);
int api_exec_inspect(struct api_ctx *c);
int api_ctr_unpause(struct api_ctx *c);
int api_img_list(struct api_ctx *c);
int api_img_inspect(struct api_ctx *c);
int api_img_remove(struct api_ctx *c);
int api_img_tag(struct api_ctx *c);
int api_img_history(struct api_ctx *c);
int api_img_prune(struct api_ctx *c);
int api_img_save(struct api_ctx *c);
int api_img_load(struct api_ctx *c);
int api_img_search(struct api_ctx *c);
int api_img_pull(struct api_ctx *c); /* api_pull.c */
int api_img_push(struct api_ctx *c);
int api_events(struct api_ctx *c); /* api_events.c */
int api_system_df(struct api_ctx *c);
int api_auth(struct api_ctx *c);
int api_cli(struct api_ctx *c); /* api_cli.c */
/* api_libpod.c: the /libpod/ shapes that differ from Docker's */
int api_libpod_info(struct api_ctx *c);
int api_libpod_ctr_list(struct api_ctx *c);
int api_libpod_ctr_create(struct api_ctx *c);
int api_libpod_ctr_inspect(struct api_ctx *c);
int api_libpod_ctr_remove(struct api_ctx *c);
int api_libpod_img_list(struct api_ctx *c);
int api_libpod_img_remove(struct api_ctx *c);
int api_libpod_img_pull(struct api_ctx *c);
int api_libpod_pod_list(struct api_ctx *c);

#endif
