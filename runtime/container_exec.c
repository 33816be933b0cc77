/* container_exec.c - exec into a running container: find it and its init,
 * resolve the user inside it, and hand the rest to executor_exec. */
#include "runtime/container_exec.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrcgroup.h"
#include "runtime/execsess.h"
#include "runtime/spec.h"
#include "runtime/userlookup.h"

static int improper(struct werr *err)
{
	werr_set(err, 0,
		 "can only create exec sessions on running containers: container state improper");
	return werr_status(err, 125);
}

/* The container created last (podman's --latest). */
static int find_latest(struct engine *e, struct container_rec *out, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0, best = 0;

	if (container_list(e, true, &v, &n, err) < 0)
		return -1;
	if (n == 0) {
		container_recs_free(v, n);
		werr_set(err, 0, "no such container");
		return werr_status(err, 125);
	}
	for (size_t i = 1; i < n; i++)
		if (v[i].created > v[best].created)
			best = i;
	*out = v[best];
	v[best] = v[n - 1];
	container_recs_free(v, n - 1);
	return 0;
}

static int find(struct engine *e, const char *ref, struct container_rec *out, struct werr *err)
{
	int r;

	if (ref == NULL)
		return find_latest(e, out, err);
	r = container_lookup(e, ref, out, err);
	if (r == 0) {
		container_not_found(ref, err);
		return werr_status(err, 125);
	}
	return r < 0 ? -1 : 0;
}

/* -u: the user, its groups and HOME from the container's own files. */
static int exec_user(struct engine *e, const struct container_rec *c, const char *spec,
		     struct user_ids *u, struct exec_proc *x, char ***env, struct werr *err)
{
	cleanup_free char *dir = container_dir(e, c->id);
	cleanup_free char *rootfs = xasprintf("%s/merged", dir);
	cleanup_free char *home = NULL;

	if (spec_user_resolve(e, spec, rootfs, false, u, err) < 0)
		return werr_status(err, 125);
	x->set_user = true;
	x->uid = u->uid;
	x->gid = u->gid;
	x->groups = u->groups;
	x->ngroups = u->ngroups;
	/* as Podman: the user's HOME, unless -e sets one */
	home = xasprintf("HOME=%s", u->home ? u->home : "/");
	*env = strv_append(*env, home);
	return 0;
}

static int start(struct engine *e, const struct container_rec *c, const struct ctr_exec_opts *o,
		 const struct exec_io *io, struct ctr_proc *out, struct werr *err)
{
	cleanup_free char *bundle = container_bundle_dir(e, c);
	cleanup_strv char **env = NULL;
	struct user_ids u = {0};
	struct exec_proc x = {
	    .args = o->cmd, .cwd = o->workdir, .privileged = o->privileged, .detach = o->detach};
	struct exec_opts xo = {.tty = o->tty && !o->detach,
			       .stdin_fd = o->detach ? -1 : io->in_fd,
			       .stdout_fd = o->detach ? -1 : io->out_fd,
			       .stderr_fd = o->detach ? -1 : io->err_fd,
			       .rows = io->rows,
			       .cols = io->cols,
			       .cache_dir = e->runroot};
	int cgfds[CG_NKINDS], rc;

	if (o->user != NULL && exec_user(e, c, o->user, &u, &x, &env, err) < 0)
		return -1;
	for (char *const *p = o->env; p != NULL && *p != NULL; p++)
		env = strv_append(env, *p);
	x.env = env;
	/* in the container's cgroup: paused, counted and removed with it */
	xo.ncgroup_fds = ctr_cgroup_open(e, c, cgfds);
	xo.cgroup_fds = cgfds;
	rc = executor_exec(bundle, c->pid, c->pid_start, &x, &xo, out, err);
	for (int i = 0; i < xo.ncgroup_fds; i++)
		close(cgfds[i]);
	user_ids_free(&u);
	if (rc < 0 && err->errnum == ESRCH && err->status == 0)
		return improper(err);
	return rc;
}

int container_exec_rec(struct engine *e, const struct container_rec *c,
		       const struct ctr_exec_opts *o, const struct exec_io *io,
		       struct ctr_proc *out, struct werr *err)
{
	if (c->state != CTR_RUNNING || c->pid <= 0 || c->paused)
		return improper(err);
	return start(e, c, o, io, out, err);
}

int container_exec(struct engine *e, const char *ref, const struct ctr_exec_opts *o,
		   const struct exec_io *io, struct ctr_proc *out, struct werr *err)
{
	struct container_rec c = {0};
	int rc;

	if (o->cmd == NULL || o->cmd[0] == NULL || o->cmd[0][0] == '\0') {
		werr_set(err, 0,
			 "must provide a non-empty command to start an exec session: "
			 "invalid argument");
		return werr_status(err, 125);
	}
	if (find(e, ref, &c, err) < 0)
		return -1;
	rc = c.state == CTR_RUNNING && c.pid > 0 && !c.paused ? start(e, &c, o, io, out, err)
							      : improper(err);
	if (rc == 0 && o->session_id != NULL)
		exec_session_add(e, &c, out, o->detach, o->session_id);
	container_rec_free(&c);
	return rc;
}
