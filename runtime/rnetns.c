/* rnetns.c - the rootless network namespace of bridge networks and the
 * kept netns of each container on them (see rnetns.h). */
#include "runtime/rnetns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "net/net.h"
#include "runtime/detach.h"

static char *netns_dir(struct engine *e)
{
	return xasprintf("%s/netns", e->runroot);
}

static char *holder_dir(struct engine *e)
{
	return xasprintf("%s/rootless-netns", e->runroot);
}

char *rnetns_ctr_path(struct engine *e, const char *id)
{
	return xasprintf("%s/netns/%s", e->runroot, id);
}

/* The holder file: "PID START SLIRP_PID SLIRP_START". */
struct holder {
	pid_t pid, slirp;
	uint64_t start, slirp_start;
};

static bool holder_read(struct engine *e, struct holder *h)
{
	cleanup_free char *dir = holder_dir(e);
	cleanup_free char *p = xasprintf("%s/holder", dir);
	cleanup_free char *t = read_file_max(p, 256, NULL, NULL);
	int pid, slirp;

	*h = (struct holder){0};
	if (t == NULL ||
	    sscanf(t, "%d %" SCNu64 " %d %" SCNu64, &pid, &h->start, &slirp, &h->slirp_start) != 4)
		return false;
	h->pid = pid;
	h->slirp = slirp;
	return pid > 0 && proc_alive(h->pid, h->start);
}

pid_t rnetns_holder(struct engine *e)
{
	struct holder h;

	return e->rootless && holder_read(e, &h) ? h.pid : 0;
}

/* In the holder-to-be (a child of ours): a new session, its own network
 * and mount namespaces, lo up, our resolv.conf on /etc/resolv.conf; then
 * it waits for slirp4netns's exit fd on sock and becomes warren-netns
 * with that fd as 3. Never returns. */
static void holder_child(int sock, const char *resolv, const char *mon)
{
	struct werr e = {0};
	char b = 0;
	int fd;

	setsid();
	sys_close_range(0, (unsigned)sock - 1, 0);
	sys_close_range((unsigned)sock + 1, ~0U, 0);
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || net_loopback_up(&e) < 0)
		_exit(1);
	/* best effort: without it aardvark-dns asks the host's servers */
	mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL);
	if (write(sock, &b, 1) != 1)
		_exit(1);
	fd = fd_recv(sock);
	if (fd < 0 || dup2(fd, 3) < 0)
		_exit(1);
	if (sock != 3)
		close(sock);
	if (fd != 3)
		close(fd);
	execve(mon, (char *[]){"warren-netns", NULL}, (char *[]){NULL});
	_exit(127);
}

static int holder_make(struct engine *e, struct werr *err)
{
	cleanup_free char *dir = holder_dir(e), *mon = monitor_path(err);
	cleanup_free char *resolv = xasprintf("%s/resolv.conf", dir);
	cleanup_free char *log = xasprintf("%s/slirp4netns.log", dir);
	cleanup_free char *text = NULL;
	struct net_opts no = {0};
	struct net_helper h = {.hold_fd = -1};
	char dns[16], ip[16], gw[16], b;
	int sv[2], r;
	pid_t pid;

	if (mon == NULL || net_helper_check(NET_SLIRP, err) < 0 || mkdir_p(dir, 0700, err) < 0)
		return -1;
	net_slirp_addrs(NULL, ip, gw, dns, NULL);
	text = xasprintf("nameserver %s\n", dns);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || write_file_atomic_at(dfd, "resolv.conf", text, strlen(text), 0644, err) < 0)
		return dfd < 0 ? werr_set(err, errno, "open '%s'", dir) : -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return werr_set(err, errno, "socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		holder_child(sv[1], resolv, mon);
	}
	close(sv[1]);
	if (pid < 0 || read(sv[0], &b, 1) != 1) {
		r = pid < 0 ? errno : EIO;
		close(sv[0]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return werr_set(err, r, "make the rootless network namespace");
	}
	/* slirp4netns gives it the way out; the holder keeps its exit fd,
	 * so it ends with the holder */
	if (net_helper_start(NET_SLIRP, &no, pid, -1, log, &h, err) < 0) {
		close(sv[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return werr_wrap(err, "start slirp4netns for the rootless network namespace");
	}
	r = fd_send(sv[0], h.hold_fd);
	close(sv[0]);
	close(h.hold_fd);
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return werr_set(err, errno, "hand slirp4netns to the rootless network namespace");
	}
	free(text);
	text = xasprintf("%d %" PRIu64 " %d %" PRIu64 "\n", (int)pid, proc_start_time(pid),
			 (int)h.pid, proc_start_time(h.pid));
	return write_file_atomic_at(dfd, "holder", text, strlen(text), 0600, err);
}

/* Is pid in our user namespace? */
static bool same_userns(pid_t pid)
{
	cleanup_free char *p = xasprintf("/proc/%d/ns/user", (int)pid);
	struct stat a, b;

	return stat(p, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

static void holder_stop(struct engine *e);

/* The holder and its slirp4netns come from a short-lived process of
 * their own (a new session, only stdio on /dev/null and the report pipe
 * open): they are nobody's children once it exits, and hold no fd of the
 * command that started them (a caller's pipe would stay open for as long
 * as the namespace lives). */
static int holder_start(struct engine *e, struct werr *err)
{
	int rep[2], st, r;
	pid_t x;

	if (pipe2(rep, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	x = fork();
	if (x < 0) {
		close(rep[0]);
		close(rep[1]);
		return werr_set(err, errno, "fork");
	}
	if (x == 0) {
		struct werr cerr = {0};
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		close(rep[0]);
		setsid();
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			dup2(null, fd);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != rep[1] && fd != null)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (holder_make(e, &cerr) < 0) {
			werr_send(rep[1], &cerr);
			_exit(1);
		}
		_exit(0);
	}
	close(rep[1]);
	while (waitpid(x, &st, 0) < 0 && errno == EINTR)
		;
	r = werr_recv(rep[0], err);
	close(rep[0]);
	if (r != 0)
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return werr_set(err, 0, "the rootless network namespace did not start");
	return 0;
}

int rnetns_enter(struct engine *e, bool start, struct rnetns *r, struct werr *err)
{
	cleanup_free char *dir = netns_dir(e), *lock = NULL;
	struct holder h;

	*r = (struct rnetns){.lock = -1, .netns_fd = -1, .mntns_fd = -1};
	/* root: the bridges, their firewall chains and aardvark-dns are the
	 * host's, whatever store a command uses: one lock and one netavark
	 * state for all of them */
	r->config_dir = xasprintf("%s/networks", e->rootless ? e->runroot : e->userrun);
	if (mkdir_p(dir, 0700, err) < 0 || mkdir_p(r->config_dir, 0700, err) < 0) {
		free(r->config_dir);
		r->config_dir = NULL;
		return -1;
	}
	lock = xasprintf("%s/.lock", e->rootless ? dir : r->config_dir);
	r->lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (r->lock < 0)
		return werr_set(err, errno, "open '%s'", lock);
	while (flock(r->lock, LOCK_EX) < 0)
		if (errno != EINTR) {
			werr_set(err, errno, "lock '%s'", lock);
			rnetns_leave(e, r);
			return -1;
		}
	if (!e->rootless)
		return 0;
	/* a holder of an earlier pause process (system migrate) is in a user
	 * namespace we have no say in: it goes, a new one comes */
	if (holder_read(e, &h) && !same_userns(h.pid)) {
		holder_stop(e);
		h.pid = 0;
	}
	if (h.pid == 0 || !holder_read(e, &h)) {
		if (!start)
			return 0;
		if (holder_start(e, err) < 0 || !holder_read(e, &h)) {
			if (err->msg[0] == '\0')
				werr_set(err, 0, "the rootless network namespace did not start");
			rnetns_leave(e, r);
			return -1;
		}
	}
	cleanup_free char *np = xasprintf("/proc/%d/ns/net", (int)h.pid);
	cleanup_free char *mp = xasprintf("/proc/%d/ns/mnt", (int)h.pid);
	r->netns_fd = open(np, O_RDONLY | O_CLOEXEC);
	r->mntns_fd = open(mp, O_RDONLY | O_CLOEXEC);
	if (r->netns_fd < 0 || r->mntns_fd < 0 || !proc_alive(h.pid, h.start)) {
		werr_set(err, errno, "open the rootless network namespace");
		rnetns_leave(e, r);
		return -1;
	}
	return 0;
}

/* Is any container's netns file left? */
static bool users_left(struct engine *e)
{
	cleanup_free char *dir = netns_dir(e);
	DIR *d = opendir(dir);
	struct dirent *de;
	bool any = false;

	if (d == NULL)
		return false;
	while (!any && (de = readdir(d)) != NULL)
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}

static void holder_stop(struct engine *e)
{
	struct holder h;
	cleanup_free char *dir = holder_dir(e);
	cleanup_free char *p = xasprintf("%s/holder", dir);

	if (!holder_read(e, &h))
		return;
	/* slirp4netns sees its exit fd close with the holder */
	kill(h.pid, SIGKILL);
	unlink(p);
}

void rnetns_leave(struct engine *e, struct rnetns *r)
{
	if (r->lock >= 0 && e->rootless && !users_left(e))
		holder_stop(e);
	if (r->netns_fd >= 0)
		close(r->netns_fd);
	if (r->mntns_fd >= 0)
		close(r->mntns_fd);
	if (r->lock >= 0)
		close(r->lock);
	free(r->config_dir);
	*r = (struct rnetns){.lock = -1, .netns_fd = -1, .mntns_fd = -1};
}

int rnetns_keep(struct engine *e, const char *id, int netns_fd, struct werr *err)
{
	cleanup_free char *path = rnetns_ctr_path(e, id);
	cleanup_free char *src = xasprintf("/proc/self/fd/%d", netns_fd);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return werr_set(err, errno, "create '%s'", path);
	close(fd);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0) {
		werr_set(err, errno, "bind mount the network namespace on '%s'", path);
		unlink(path);
		return -1;
	}
	return 0;
}

void rnetns_drop(struct engine *e, const char *id)
{
	cleanup_free char *path = rnetns_ctr_path(e, id);

	umount2(path, MNT_DETACH);
	unlink(path);
}
