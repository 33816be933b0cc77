/* netavark.c - runs netavark for a container's bridge networks (see
 * netavark.h). */
#include "net/netavark.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
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

/* In the child: into netavark's namespaces, the pipes on 0-2, exec. */
static void child(const struct netavark_run *r, char **argv, int in, int out, int errp)
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
		child(r, argv, pin[0], pout[1], perr[1]);
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

int netavark_setup(const struct netavark_run *r, struct json_object *opts,
		   struct json_object **status, struct werr *err)
{
	cleanup_free char *out = NULL;
	struct json_object *j;

	if (run(r, "setup", opts, &out, err) < 0)
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
