/* fglog.c - a foreground container's k8s-file log (see fglog.h). */
#include "runtime/fglog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/detach.h"

static void close_end(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void on_output(void *arg, bool is_stderr, const char *buf, size_t n)
{
	struct ctr_fglog *l = arg;

	k8s_log_write(&l->log, is_stderr ? "stderr" : "stdout", buf, n);
}

struct ctr_fglog *fglog_begin(struct engine *e, const struct container_rec *c, struct exec_opts *xo)
{
	cleanup_free char *path = NULL;
	struct ctr_fglog *l;
	struct detach_opts d;

	if (c->autoremove)
		return NULL;
	detach_opts_from_container(c, &d);
	if (d.log_driver != LOG_K8S_FILE)
		return NULL;
	l = xcalloc(1, sizeof(*l));
	*l = (struct ctr_fglog){.out = {-1, -1}, .err = {-1, -1}};
	path = container_log_path(e, c->id);
	k8s_log_open(&l->log, path, d.log_max);
	if (l->log.fd < 0 ||
	    (!d.tty && (pipe2(l->out, O_CLOEXEC) < 0 || pipe2(l->err, O_CLOEXEC) < 0))) {
		log_warn("the log of %.12s: open '%s': %s", c->id, path, strerror(errno));
		fglog_free(l);
		return NULL;
	}
	l->tee = (struct exec_tee){
	    .out_pipe = l->out[0], .err_pipe = l->err[0], .on_output = on_output, .arg = l};
	if (!d.tty) {
		xo->stdout_fd = l->out[1];
		xo->stderr_fd = l->err[1];
	}
	return l;
}

void fglog_started(struct ctr_fglog *l)
{
	if (l == NULL)
		return;
	close_end(&l->out[1]);
	close_end(&l->err[1]);
}

void fglog_io(struct ctr_fglog *l, const struct exec_io *io, struct exec_io *out)
{
	*out = *io;
	out->tee = &l->tee;
	/* executor_wait closes them */
	l->out[0] = l->err[0] = -1;
}

void fglog_free(struct ctr_fglog *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		close_end(&l->out[i]);
		close_end(&l->err[i]);
	}
	k8s_log_close(&l->log);
	free(l);
}
