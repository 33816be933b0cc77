/* portfwd.c - listeners and the foreground forwarder (see portfwd.h).
 *
 * Why a forwarder process for a foreground run rather than forwarding in
 * the CLI: the CLI's wait (executor_wait) is a synchronous relay of the
 * container's stdio and signals; folding a splice/epoll loop into it
 * would give the foreground path a second forwarder implementation to
 * keep in step with monitor/forward.c. The forwarder-only monitor is the
 * same code as a detached container's, costs one small static process for
 * the run's lifetime only, and `run` without -p starts nothing. */
#include "runtime/portfwd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/ctrnet.h"
#include "runtime/detach.h"

#define FWD_HIGH_FD 64

int portfwd_listen(const struct container_rec *c, struct port_listener **l, size_t *n,
		   struct werr *err)
{
	cleanup_free struct port_map *maps = NULL;
	size_t nmaps = ports_of_config(c->config, &maps);

	enum net_mode mode;
	struct net_opts no;
	bool slirp_handler;

	*l = NULL;
	*n = 0;
	if (nmaps == 0)
		return 0;
	/* port_handler=slirp4netns: slirp4netns listens (runtime/ctrnet.c) */
	ctrnet_from_config(c->config, &mode, &no);
	slirp_handler = mode == NET_SLIRP && no.slirp_port_handler &&
			strcmp(no.slirp_port_handler, "slirp4netns") == 0;
	net_opts_free(&no);
	if (slirp_handler)
		return 0;
	return ports_listen(maps, nmaps, l, n, err);
}

/* In the forked child: fds up, parameters on fd 3, exec. Never returns. */
static void exec_forwarder(const char *mon, pid_t ctr_pid, const struct port_listener *l, size_t n)
{
	cleanup_free int *fds = xcalloc(n, sizeof(int));
	char *argv[] = {"warren-forward", NULL}, *envp[] = {NULL};
	int p[2], devnull;
	char *params, *pid_line;

	for (size_t i = 0; i < n; i++)
		if ((fds[i] = fcntl(l[i].fd, F_DUPFD, FWD_HIGH_FD)) < 0)
			_exit(127);
	params = ports_fwd_params(l, n, fds);
	pid_line = xasprintf("pid=%d\n%s", (int)ctr_pid, params);
	/* a pipe takes 64 KiB; 512 lines of ~20 bytes fit */
	if (pipe2(p, O_CLOEXEC) < 0 || write_all(p[1], pid_line, strlen(pid_line)) < 0 ||
	    close(p[1]) < 0 || (p[0] == 3 ? fcntl(3, F_SETFD, 0) : dup2(p[0], 3)) < 0)
		_exit(127);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(127);
	/* a session of its own: the terminal's ^C is the container's */
	setsid();
	execve(mon, argv, envp);
	_exit(127);
}

pid_t portfwd_spawn(pid_t ctr_pid, const struct port_listener *l, size_t n, struct werr *err)
{
	cleanup_free char *mon = NULL;
	sigset_t all, old;
	pid_t pid;

	if (n == 0)
		return 0;
	mon = monitor_path(err);
	if (mon == NULL)
		return -1;
	/* the child starts with every signal blocked: the forwarder blocks
	 * what it waits for itself */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		exec_forwarder(mon, ctr_pid, l, n);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return werr_set(err, errno, "fork the port forwarder");
	return pid;
}

void portfwd_end(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = 0;
}
