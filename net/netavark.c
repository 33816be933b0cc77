/* netavark.c - runs netavark for a container's bridge networks (see
 * netavark.h). */
#include "net/netavark.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

/* netavark's reply and its errors are small; a bigger one is not its */
#define OUT_MAX (1024 * 1024)

static const char *const default_dirs[] = {"/usr/local/libexec/podman", "/usr/local/lib/podman",
					   "/usr/libexec/podman", "/usr/lib/podman", NULL};

char *netavark_find(const char *prog, char *const *dirs)
{
	char *const *d = dirs && dirs[0] ? dirs : (char *const *)default_dirs;

	for (; *d; d++) {
		char *p = xasprintf("%s/%s", *d, prog);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return path_lookup(prog);
}

int netavark_check(char *const *dirs, struct werr *err)
{
	cleanup_free char *nv = netavark_find("netavark", dirs);

	if (nv != NULL)
		return 0;
	werr_set(err, 0,
		 "netavark not found (bridge networks need it): install the netavark and "
		 "aardvark-dns packages (apt-get install netavark aardvark-dns), or use "
		 "--network slirp4netns, pasta, host or none");
	return werr_status(err, 125);
}

struct json_object *netavark_options(const char *id, const char *name,
				     const struct net_attach *nets, const struct network *defs,
				     size_t n)
{
	struct json_object *o = json_object_new_object();
	struct json_object *opts = json_object_new_object(), *info = json_object_new_object();
	char shortid[13];

	snprintf(shortid, sizeof(shortid), "%.12s", id);
	jset_str(o, "container_id", id);
	jset_str(o, "container_name", name);
	for (size_t i = 0; i < n; i++) {
		const struct net_attach *a = &nets[i];
		struct json_object *x = json_object_new_object();
		struct json_object *aliases = json_object_new_array();
		char ifname[32];

		if (a->ip || a->ip6) {
			char *ips[3] = {NULL};
			size_t k = 0;
			if (a->ip)
				ips[k++] = a->ip;
			if (a->ip6)
				ips[k++] = a->ip6;
			jset(x, "static_ips", jnew_strv(ips));
		}
		if (a->mac)
			jset_str(x, "static_mac", a->mac);
		/* others find the container by its name, short id and aliases */
		if (defs[i].dns) {
			json_object_array_add(aliases, json_object_new_string(name));
			json_object_array_add(aliases, json_object_new_string(shortid));
			for (char **s = a->aliases; s && *s; s++)
				json_object_array_add(aliases, json_object_new_string(*s));
		}
		jset(x, "aliases", aliases);
		snprintf(ifname, sizeof(ifname), "eth%zu", i);
		jset_str(x, "interface_name", a->ifname ? a->ifname : ifname);
		jset(opts, a->name, x);
		jset(info, a->name, network_to_json(&defs[i]));
	}
	jset(o, "networks", opts);
	jset(o, "network_info", info);
	return o;
}

/* Reads fd to the end (at most OUT_MAX). */
static char *read_all_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	ssize_t r;

	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= OUT_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	return buf;
}

/* whether the ':'-separated list path holds dir */
static bool path_has(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	for (const char *p = path;; p++) {
		if (strncmp(p, dir, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, ':')) == NULL)
			return false;
	}
}

char *netavark_path(const char *path)
{
	static const char *const sbins[] = {"/usr/sbin", "/sbin"};
	char *out;

	if (path == NULL || *path == '\0')
		return xstrdup(STD_PATH);
	out = xstrdup(path);
	for (size_t i = 0; i < ARRAY_SIZE(sbins); i++) {
		if (!path_has(out, sbins[i])) {
			char *more = xasprintf("%s:%s", out, sbins[i]);
			free(out);
			out = more;
		}
	}
	return out;
}

/* In the child: into netavark's namespaces, the pipes on 0-2, exec (with
 * path as PATH: netavark finds iptables through it). */
static void child(const struct netavark_run *r, char **argv, const char *path, int in, int out,
		  int errp)
{
	if ((r->netns_fd >= 0 && setns(r->netns_fd, CLONE_NEWNET) < 0) ||
	    (r->mntns_fd >= 0 && setns(r->mntns_fd, CLONE_NEWNS) < 0)) {
		dprintf(errp, "{\"error\": \"join the rootless network namespace: %s\"}",
			strerror(errno));
		_exit(126);
	}
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errp, 2) < 0)
		_exit(126);
	/* the container's netns fd must survive the exec */
	if (r->ctr_netns_fd >= 0)
		fcntl(r->ctr_netns_fd, F_SETFD, 0);
	setenv("PATH", path, 1);
	execv(argv[0], argv);
	dprintf(2, "{\"error\": \"exec %s: %s\"}", argv[0], strerror(errno));
	_exit(127);
}

/* netavark's message from its stderr: {"error": "..."} or plain text. */
static void set_error(const char *what, const char *text, int status, struct werr *err)
{
	cleanup_json struct json_object *j = json_tokener_parse(text);
	const char *msg = jstr(j, "error");
	cleanup_free char *plain = xstrdup(text);
	size_t l = strlen(plain);

	while (l > 0 && (plain[l - 1] == '\n' || plain[l - 1] == ' '))
		plain[--l] = '\0';
	if (msg == NULL)
		msg = *plain ? plain : "no message";
	werr_set(err, 0, "netavark %s: %s (exit status %d)", what, msg, status);
}

static int run(const struct netavark_run *r, const char *what, struct json_object *opts,
	       char **out_text, struct werr *err)
{
	cleanup_free char *nv = netavark_find("netavark", r->dirs);
	cleanup_free char *av = netavark_find("aardvark-dns", r->dirs);
	cleanup_free char *ns = NULL;
	cleanup_free char *path = netavark_path(getenv("PATH"));
	const char *in_text = json_object_to_json_string_ext(opts, JSON_C_TO_STRING_PLAIN);
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	char *argv[12];
	int argc = 0, st = 0;
	pid_t pid;
	cleanup_free char *out = NULL, *errtext = NULL;

	if (nv == NULL)
		return netavark_check(r->dirs, err);
	ns = r->ctr_netns_fd >= 0 ? xasprintf("/proc/self/fd/%d", r->ctr_netns_fd)
				  : xstrdup(r->ctr_netns_path);
	argv[argc++] = nv;
	argv[argc++] = "--config";
	argv[argc++] = (char *)r->config_dir;
	argv[argc++] = "--rootless";
	argv[argc++] = r->rootless ? "true" : "false";
	if (av) {
		argv[argc++] = "--aardvark-binary";
		argv[argc++] = av;
	}
	argv[argc++] = (char *)what;
	argv[argc++] = ns;
	argv[argc] = NULL;
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		werr_set(err, errno, "pipe");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		werr_set(err, errno, "fork netavark");
		goto fail;
	}
	if (pid == 0)
		child(r, argv, path, pin[0], pout[1], perr[1]);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	/* the options are a few KiB: the pipe holds them, netavark reads
	 * them all before it writes */
	write_all(pin[1], in_text, strlen(in_text));
	close(pin[1]);
	pin[1] = -1;
	out = read_all_fd(pout[0]);
	errtext = read_all_fd(perr[0]);
	close(pout[0]);
	close(perr[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		/* netavark 1.4 writes its error JSON to stdout */
		set_error(what, *errtext ? errtext : out, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			  err);
		return werr_status(err, 125);
	}
	if (out_text)
		*out_text = steal_pointer(&out);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	return -1;
}

/* ---- aardvark-dns's readiness ----
 * netavark setup sends aardvark-dns a SIGHUP for the new container's
 * names and returns. aardvark-dns before 1.11 (Debian 12 has 1.4) then
 * closes every listening socket and opens new ones, so a container that
 * asks a name at once can find nobody on the gateway's port 53 (its query
 * is refused). So after a setup on networks with DNS we wait (at most
 * DNS_WAIT_MS) until each gateway has a port-53 UDP socket again, and,
 * where aardvark-dns reopens them, one that did not exist before. */

#define DNS_WAIT_MS 2000
#define DNS_MAX	    16

struct dns_watch {
	char *gw[DNS_MAX]; /* the gateways as /proc/net/udp{,6} print them */
	bool v6[DNS_MAX];
	size_t n;
	unsigned long before[64]; /* inodes of port-53 sockets before the setup */
	size_t nbefore;
	bool reopens; /* aardvark-dns reopens its sockets on SIGHUP */
	char *pidfile;
};

/* addr (text) as the kernel prints a local address in /proc/net/udp{,6}:
 * the 32-bit words of the network-order address, each as %08X */
static char *proc_addr(const char *addr, bool *v6)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1) {
		*v6 = false;
		return xasprintf("%08X", a4.s_addr);
	}
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return NULL;
	*v6 = true;
	return xasprintf("%08X%08X%08X%08X", a6.s6_addr32[0], a6.s6_addr32[1], a6.s6_addr32[2],
			 a6.s6_addr32[3]);
}

/* The port-53 UDP sockets of aardvark-dns's network namespace: calls fn
 * for each with its local address and inode. */
static void each_dns_socket(pid_t pid, void (*fn)(void *, const char *, bool, unsigned long),
			    void *ud)
{
	for (int v6 = 0; v6 < 2; v6++) {
		cleanup_free char *path = xasprintf("/proc/%d/net/udp%s", (int)pid, v6 ? "6" : "");
		FILE *f = fopen(path, "re");
		char line[512], local[64];
		unsigned long ino;

		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *colon;
			/* sl local rem st tx:rx tr:when retr uid timeout inode */
			if (sscanf(line, " %*s %63s %*s %*s %*s %*s %*s %*s %*s %lu", local,
				   &ino) != 2)
				continue;
			colon = strchr(local, ':');
			if (colon == NULL || strcmp(colon + 1, "0035") != 0)
				continue;
			*colon = '\0';
			fn(ud, local, v6, ino);
		}
		fclose(f);
	}
}

static pid_t aardvark_pid(const char *pidfile)
{
	struct werr ignore = {0};
	cleanup_free char *t = read_file_at(AT_FDCWD, pidfile, NULL, &ignore);
	long pid = t ? strtol(t, NULL, 10) : 0;

	return pid > 0 && kill((pid_t)pid, 0) == 0 ? (pid_t)pid : 0;
}

static void note_before(void *ud, const char *local, bool v6, unsigned long ino)
{
	struct dns_watch *w = ud;

	(void)local, (void)v6;
	if (w->nbefore < sizeof(w->before) / sizeof(w->before[0]))
		w->before[w->nbefore++] = ino;
}

/* What `av --version` prints (NULL when it does not run). */
static char *version_of(const char *av)
{
	int p[2];
	pid_t pid;
	char *out;

	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (dup2(p[1], STDOUT_FILENO) < 0 || (null >= 0 && dup2(null, STDERR_FILENO) < 0))
			_exit(127);
		execl(av, av, "--version", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	out = pid > 0 ? read_all_fd(p[0]) : NULL;
	close(p[0]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return out;
}

/* Does aardvark-dns av reopen its sockets on SIGHUP (before 1.11)? Its
 * version is asked once per binary (size and mtime) and kept in dir. */
static bool aardvark_reopens(const char *av, const char *dir)
{
	cleanup_free char *cache = xasprintf("%s/.warren-aardvark-version", dir);
	cleanup_free char *key = NULL, *text = NULL, *out = NULL;
	struct stat st;
	int major = 0, minor = 0;

	if (av == NULL || stat(av, &st) < 0)
		return false;
	key = xasprintf("%lld %lld ", (long long)st.st_size, (long long)st.st_mtime);
	struct werr ignore = {0};
	text = read_file_at(AT_FDCWD, cache, NULL, &ignore);
	if (text && str_has_prefix(text, key)) {
		out = xstrdup(text + strlen(key));
	} else {
		out = version_of(av);
		if (out == NULL)
			return false;
		cleanup_free char *line = xasprintf("%s%s", key, out);
		write_file_atomic_at(AT_FDCWD, cache, line, strlen(line), 0644, &ignore);
	}
	/* "aardvark-dns 1.4.0" */
	const char *v = strpbrk(out, "0123456789");
	if (v == NULL || sscanf(v, "%d.%d", &major, &minor) != 2)
		return false;
	return major < 1 || (major == 1 && minor < 11);
}

/* Before a setup: the gateways of opts' networks with DNS, and the
 * sockets aardvark-dns has now. */
static void dns_watch_begin(const struct netavark_run *r, struct json_object *opts,
			    struct dns_watch *w)
{
	struct json_object *info = jget(opts, "network_info");
	pid_t pid;

	memset(w, 0, sizeof(*w));
	if (!json_object_is_type(info, json_type_object))
		return;
	json_object_object_foreach(info, name, net)
	{
		struct json_object *subs = jget(net, "subnets");
		(void)name;
		if (!json_object_get_boolean(jget(net, "dns_enabled")) ||
		    !json_object_is_type(subs, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(subs) && w->n < DNS_MAX; i++) {
			const char *gw = jstr(json_object_array_get_idx(subs, i), "gateway");
			char *p = gw ? proc_addr(gw, &w->v6[w->n]) : NULL;
			if (p)
				w->gw[w->n++] = p;
		}
	}
	if (w->n == 0)
		return;
	w->pidfile = xasprintf("%s/aardvark-dns/aardvark.pid", r->config_dir);
	{
		/* (not in aardvark-dns/: it reads every file there as a network) */
		cleanup_free char *av = netavark_find("aardvark-dns", r->dirs);
		w->reopens = aardvark_reopens(av, r->config_dir);
	}
	pid = aardvark_pid(w->pidfile);
	if (pid > 0 && w->reopens)
		each_dns_socket(pid, note_before, w);
}

struct dns_seen {
	const struct dns_watch *w;
	bool ok[DNS_MAX];
};

static void note_after(void *ud, const char *local, bool v6, unsigned long ino)
{
	struct dns_seen *s = ud;

	for (size_t i = 0; i < s->w->nbefore; i++)
		if (s->w->before[i] == ino)
			return; /* a socket aardvark-dns is about to close */
	for (size_t i = 0; i < s->w->n; i++)
		if (s->w->v6[i] == v6 && strcmp(s->w->gw[i], local) == 0)
			s->ok[i] = true;
}

static void dns_watch_free(struct dns_watch *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->gw[i]);
	free(w->pidfile);
}

/* After the setup: waits until every gateway has its new socket. */
static void dns_watch_wait(struct dns_watch *w)
{
	int64_t deadline = now_ns() + (int64_t)DNS_WAIT_MS * 1000000;
	struct timespec ts = {0, 2 * 1000 * 1000};

	while (w->n > 0) {
		struct dns_seen s = {.w = w};
		pid_t pid = aardvark_pid(w->pidfile);
		bool all = pid > 0;

		if (pid > 0)
			each_dns_socket(pid, note_after, &s);
		for (size_t i = 0; i < w->n; i++)
			all = all && s.ok[i];
		if (all)
			break;
		if (now_ns() > deadline) {
			log_debug("aardvark-dns did not answer on every gateway within %d ms",
				  DNS_WAIT_MS);
			break;
		}
		nanosleep(&ts, NULL);
	}
}

int netavark_setup(const struct netavark_run *r, struct json_object *opts,
		   struct json_object **status, struct werr *err)
{
	cleanup_free char *out = NULL;
	struct json_object *j;
	struct dns_watch w;
	int rc;

	dns_watch_begin(r, opts, &w);
	rc = run(r, "setup", opts, &out, err);
	if (rc == 0)
		dns_watch_wait(&w);
	dns_watch_free(&w);
	if (rc < 0)
		return -1;
	j = json_tokener_parse(out);
	if (!json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		return werr_set(err, 0, "netavark setup: its reply is not a JSON object");
	}
	*status = j;
	return 0;
}

int netavark_teardown(const struct netavark_run *r, struct json_object *opts, struct werr *err)
{
	return run(r, "teardown", opts, NULL, err);
}
