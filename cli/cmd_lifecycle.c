/* warren start, stop, kill, restart, wait, container cleanup */
#include "cli/attach.h"
#include "cli/cli.h"
#include "lib/cleanup.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrcgroup.h"
#include "runtime/detach.h"
#include "runtime/runopts.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each ref, or every container (all: running ones only when running),
 * through fn; a failure is printed and the rest go on, as Podman does.
 * fn prints what it did. Returns the exit status. */
typedef int (*ctr_fn)(struct engine *e, const struct container_rec *c, const char *ref,
		      const void *opts, struct werr *err);

static int for_each(struct engine *e, char **refs, bool all, bool running, bool ignore, ctr_fn fn,
		    const void *opts, struct werr *err)
{
	int rc = 0;

	if (all && refs[0]) {
		werr_set(err, 0, "when using the --all switch, you may not pass any container IDs");
		return werr_status(err, 125);
	}
	if (!all && refs[0] == NULL) {
		werr_set(err, 0, "you must provide at least one container name or ID");
		return werr_status(err, 125);
	}
	if (all) {
		struct container_rec *v = NULL;
		size_t n = 0;
		if (container_list(e, !running, &v, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct werr e2 = {0};
			if (fn(e, &v[i], v[i].id, opts, &e2) < 0) {
				cli_error("%s", e2.msg);
				rc = e2.status ? e2.status : 125;
			}
		}
		container_recs_free(v, n);
		return rc;
	}
	for (size_t i = 0; refs[i]; i++) {
		struct container_rec c = {0};
		struct werr e2 = {0};
		int r = container_lookup(e, refs[i], &c, &e2);

		if (r == 0 && ignore)
			continue;
		if (r == 0)
			container_not_found(refs[i], &e2);
		if (r <= 0 || fn(e, &c, refs[i], opts, &e2) < 0) {
			if (refs[i + 1] == NULL && rc == 0) {
				/* the last error is main()'s to print */
				*err = e2;
				container_rec_free(&c);
				return -1;
			}
			cli_error("%s", e2.msg);
			rc = e2.status ? e2.status : 125;
		}
		container_rec_free(&c);
	}
	return rc;
}

/* ---- stop, restart ---- */

struct stop_opts {
	bool all, ignore, latest;
	int time; /* -1: the container's --stop-timeout */
	bool time_set;
};

static int stop_time(void *o, const char *v, struct werr *err)
{
	int64_t n;
	if (parse_int64(v, 0, INT32_MAX, &n) < 0)
		return werr_set(
		    err, 0,
		    "invalid argument \"%s\" for \"-t, --time\" flag: strconv.ParseUint: "
		    "parsing \"%s\": invalid syntax",
		    v, v);
	((struct stop_opts *)o)->time = (int)n;
	return 0;
}

static const struct opt stop_tab[] = {
    OPT_BOOL("all", 'a', struct stop_opts, all),
    OPT_BOOL("ignore", 'i', struct stop_opts, ignore),
    OPT_CALL("time", 't', stop_time),
    OPT_CALL("timeout", 0, stop_time),
    OPT_TABLE_END,
};

static void stop_init(void *o)
{
	((struct stop_opts *)o)->time = -1;
}

const struct optspec cli_stop_opts = {stop_tab, sizeof(struct stop_opts), false, stop_init, NULL};

static int stop_one(struct engine *e, const struct container_rec *c, const char *ref,
		    const void *opts, struct werr *err)
{
	const struct stop_opts *o = opts;

	if (container_stop(e, c, o->time, err) < 0)
		return -1;
	printf("%s\n", ref);
	fflush(stdout);
	return 0;
}

int cmd_stop(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct stop_opts *o = opts;
	return for_each(e, args, o->all, true, o->ignore, stop_one, o, err);
}

/* Starts a prepared container under a monitor. */
static int start_detached(struct engine *e, struct ctr_owned *c, struct werr *err)
{
	struct detach_opts d;

	detach_opts_from_container(&c->rec, &d);
	return container_detach(e, c, &d, err);
}

static int restart_one(struct engine *e, const struct container_rec *c, const char *ref,
		       const void *opts, struct werr *err)
{
	const struct stop_opts *o = opts;
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	int r, rc = 0;

	if (container_stop(e, c, o->time, err) < 0)
		return -1;
	r = container_prepare_start(e, c->id, -1, &oc, err);
	if (r < 0)
		return -1;
	if (r > 0)
		rc = start_detached(e, &oc, err);
	container_owned_free(e, &oc);
	if (rc == 0)
		printf("%s\n", c->id);
	return rc;
}

int cmd_restart(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct stop_opts *o = opts;
	return for_each(e, args, o->all, false, false, restart_one, o, err);
}

/* ---- start ---- */

struct start_opts {
	bool attach, interactive, sig_proxy;
	const char *detach_keys;
	int lock_fd; /* a restart by policy: the lock the monitor hands on */
};

static int start_lock_fd(void *o, const char *v, struct werr *err)
{
	int64_t n;
	if (parse_int64(v, 0, 65535, &n) < 0)
		return werr_set(err, 0, "invalid number \"%s\"", v);
	((struct start_opts *)o)->lock_fd = (int)n;
	return 0;
}

static const struct opt start_tab[] = {
    OPT_BOOL("attach", 'a', struct start_opts, attach),
    OPT_BOOL("interactive", 'i', struct start_opts, interactive),
    OPT_BOOL("sig-proxy", 0, struct start_opts, sig_proxy),
    OPT_STR("detach-keys", 0, struct start_opts, detach_keys),
    OPT_CALL("lock-fd", 0, start_lock_fd),
    OPT_TABLE_END,
};

static void start_init(void *o)
{
	((struct start_opts *)o)->sig_proxy = true;
	((struct start_opts *)o)->lock_fd = -1;
}

const struct optspec cli_start_opts = {start_tab, sizeof(struct start_opts), false, start_init,
				       NULL};

/* start -a: started under its monitor as any start, which holds its
 * output until we have attached to it (as Podman's attaches before the
 * start); the detach keys leave it running. With -i, a container created
 * without -i gets a stdin too. r > 0: c is ours to start; 0: it runs
 * already (then we only attach). */
static int start_attached(struct engine *e, const char *ref, struct ctr_owned *c, int r,
			  const struct attach_req *req, struct werr *err)
{
	struct attach_req now = *req;
	struct detach_opts d;

	if (r == 0 && (r = container_lookup(e, ref, &c->rec, err)) <= 0)
		return r == 0 ? container_not_found(ref, err) : -1;
	now.just_started = c->lock >= 0;
	if (now.just_started) {
		detach_opts_from_container(&c->rec, &d);
		d.interactive |= req->use_stdin;
		d.attach_hold = true;
		d.hold_pid = getpid();
		d.hold_start = proc_start_time(d.hold_pid);
		if (container_detach(e, c, &d, err) < 0)
			return -1;
	}
	return cli_attach(e, &c->rec, &now, err);
}

/* Bad --detach-keys (err says so): Podman adds which container it could
 * not start, unless it runs already. */
static int bad_keys(struct engine *e, const char *ref, struct werr *err)
{
	struct container_rec c = {0};
	struct werr ignore = {0};

	if (container_lookup(e, ref, &c, &ignore) == 1 && c.state != CTR_RUNNING)
		werr_wrap(err, "unable to start container %s", c.id);
	container_rec_free(&c);
	return -1;
}

int cmd_start(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct start_opts *o = opts;
	struct attach_req req = {.use_stdin = o->interactive, .sig_proxy = o->sig_proxy};
	int rc = 0;

	if (args[0] == NULL) {
		werr_set(err, 0, "start requires at least one argument");
		return werr_status(err, 125);
	}
	if (o->lock_fd >= 0 && (o->attach || args[1])) {
		werr_set(err, 0, "--lock-fd takes one container and no --attach");
		return werr_status(err, 125);
	}
	if (o->attach && args[1]) {
		werr_set(err, 0, "you cannot start and attach multiple containers at once");
		return werr_status(err, 125);
	}
	if (o->attach && cli_detach_keys(o->detach_keys, &req, err) < 0)
		return bad_keys(e, args[0], err);
	for (size_t i = 0; args[i]; i++) {
		struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
		struct werr e2 = {0};
		int r = container_prepare_start(e, args[i], o->lock_fd, &c, &e2);

		if (r >= 0 && o->attach)
			r = start_attached(e, args[i], &c, r, &req, &e2);
		else if (r > 0)
			r = start_detached(e, &c, &e2) < 0 ? -1 : 0;
		container_owned_free(e, &c);
		if (o->attach && r >= 0)
			return r;
		if (r < 0) {
			if (args[i + 1] == NULL && rc == 0) {
				*err = e2;
				return -1;
			}
			cli_error("%s", e2.msg);
			rc = e2.status ? e2.status : 125;
			continue;
		}
		printf("%s\n", args[i]);
		fflush(stdout);
	}
	return rc;
}

/* ---- kill ---- */

struct kill_opts {
	bool all;
	const char *signal;
};

static const struct opt kill_tab[] = {
    OPT_BOOL("all", 'a', struct kill_opts, all),
    OPT_STR("signal", 's', struct kill_opts, signal),
    OPT_TABLE_END,
};

const struct optspec cli_kill_opts = {kill_tab, sizeof(struct kill_opts), false, NULL, NULL};

static int kill_one(struct engine *e, const struct container_rec *c, const char *ref,
		    const void *opts, struct werr *err)
{
	if (container_kill(e, c, *(const int *)opts, err) < 0)
		return -1;
	printf("%s\n", ref);
	fflush(stdout);
	return 0;
}

int cmd_kill(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct kill_opts *o = opts;
	int sig = o->signal ? signal_parse(o->signal) : SIGKILL;

	if (sig <= 0) {
		werr_set(err, 0, "invalid signal: %s", o->signal);
		return werr_status(err, 125);
	}
	return for_each(e, args, o->all, true, false, kill_one, &sig, err);
}

/* ---- pause, unpause ---- */

static const struct opt all_tab[] = {
    OPT_BOOL("all", 'a', struct all_opts, all),
    OPT_TABLE_END,
};

/* pause, unpause and port: -a, --all alone */
const struct optspec cli_all_opts = {all_tab, sizeof(struct all_opts), false, NULL, NULL};

/* What pause_one does: pause or unpause, every container (-a) or those named */
struct pause_what {
	bool pause, all;
};

static int pause_one(struct engine *e, const struct container_rec *c, const char *ref,
		     const void *opts, struct werr *err)
{
	const struct pause_what *w = opts;

	/* as Podman's: --all pauses the running ones, unpauses the paused ones */
	if (w->all && c->paused == w->pause)
		return 0;
	if (container_pause(e, c, w->pause, err) < 0)
		return -1;
	printf("%s\n", ref);
	fflush(stdout);
	return 0;
}

int cmd_pause(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct pause_what w = {true, ((struct all_opts *)opts)->all};
	return for_each(e, args, w.all, true, false, pause_one, &w, err);
}

int cmd_unpause(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct pause_what w = {false, ((struct all_opts *)opts)->all};
	return for_each(e, args, w.all, true, false, pause_one, &w, err);
}

/* ---- update ---- */

struct update_opts {
	struct run_opts ro; /* --restart and the limits parsed as run's (first: the
			       cli_limit_* callbacks take it for a run_opts) */
	bool restart_set;
};

static int update_restart(void *o, const char *v, struct werr *err)
{
	((struct update_opts *)o)->restart_set = true;
	return runopts_set_restart(&((struct update_opts *)o)->ro, v, err);
}

static const struct opt update_tab[] = {
    OPT_CALL("restart", 0, update_restart),
    CLI_LIMIT_FLAGS(CLI_LIMIT_OPT) OPT_TABLE_END,
};

static void update_init(void *o)
{
	runopts_init(&((struct update_opts *)o)->ro);
}

static void update_fini(void *o)
{
	runopts_free(&((struct update_opts *)o)->ro);
}

const struct optspec cli_update_opts = {update_tab, sizeof(struct update_opts), false, update_init,
					update_fini};

int cmd_update(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct update_opts *o = opts;
	struct container_rec c = {0};
	int r;

	if (args[0] == NULL || args[1] != NULL) {
		werr_set(err, 0, "update requires exactly one container");
		return werr_status(err, 125);
	}
	r = container_lookup(e, args[0], &c, err);
	if (r == 0)
		container_not_found(args[0], err);
	if (r <= 0)
		return werr_status(err, 125);
	if (!o->restart_set && o->ro.limits.set == 0)
		r = werr_set(err, 0, "no changes: give --restart or a resource limit");
	else
		r = o->ro.limits.set ? container_update_limits(e, &c, &o->ro.limits, err) : 0;
	/* the limits first: refused ones leave the policy as it was; the
	 * policy then goes into the record they changed */
	if (r == 0 && o->restart_set && o->ro.limits.set) {
		container_rec_free(&c);
		r = container_lookup(e, args[0], &c, err) > 0 ? 0 : -1;
	}
	if (r == 0 && o->restart_set)
		r = container_update_restart(e, &c, o->ro.restart, o->ro.restart_max, err);
	if (r == 0)
		printf("%s\n", c.id);
	container_rec_free(&c);
	return r < 0 ? werr_status(err, 125) : 0;
}

/* ---- wait ---- */

int cmd_wait(struct engine *e, void *opts, char **args, struct werr *err)
{
	int rc = 0;

	if (args[0] == NULL) {
		werr_set(err, 0, "you must provide at least one container name or id");
		return werr_status(err, 125);
	}
	for (size_t i = 0; args[i]; i++) {
		struct werr e2 = {0};
		int code;

		if (container_wait_exit(e, args[i], &code, &e2) < 0) {
			if (args[i + 1] == NULL && rc == 0) {
				*err = e2;
				return -1;
			}
			cli_error("%s", e2.msg);
			rc = 125;
			continue;
		}
		printf("%d\n", code);
		fflush(stdout);
	}
	return rc;
}

/* ---- container cleanup (the monitor's exit command) ---- */

struct cleanup_opts {
	int exit_code;
	int lock_fd;
};

static int int_opt(const char *v, int *out, struct werr *err)
{
	int64_t n;
	if (parse_int64(v, -1, 65535, &n) < 0)
		return werr_set(err, 0, "invalid number \"%s\"", v);
	*out = (int)n;
	return 0;
}

static int cleanup_exit_code(void *o, const char *v, struct werr *err)
{
	return int_opt(v, &((struct cleanup_opts *)o)->exit_code, err);
}

static int cleanup_lock_fd(void *o, const char *v, struct werr *err)
{
	return int_opt(v, &((struct cleanup_opts *)o)->lock_fd, err);
}

static const struct opt cleanup_tab[] = {
    OPT_CALL("exit-code", 0, cleanup_exit_code),
    OPT_CALL("lock-fd", 0, cleanup_lock_fd),
    OPT_TABLE_END,
};

static void cleanup_init(void *o)
{
	((struct cleanup_opts *)o)->lock_fd = -1;
}

const struct optspec cli_cleanup_opts = {cleanup_tab, sizeof(struct cleanup_opts), false,
					 cleanup_init, NULL};

int cmd_container_cleanup(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct cleanup_opts *o = opts;

	if (args[0] == NULL || (o->lock_fd >= 0 && args[1])) {
		werr_set(err, 0, "cleanup needs one container (or more without --lock-fd)");
		return werr_status(err, 125);
	}
	for (size_t i = 0; args[i]; i++) {
		int r = container_cleanup(e, args[i], o->exit_code, o->lock_fd, err);
		if (r < 0)
			return -1;
		if (r == 1)
			return 3; /* the monitor starts it again (monitor/monitor.c) */
	}
	return 0;
}
