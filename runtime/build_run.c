/* build_run.c - RUN's options: build's --cap-add, --security-opt,
 * --ulimit, -v, --secret and --ssh, and RUN's own --mount (cache, bind,
 * tmpfs, secret, ssh) and --network flags; the mount points they leave
 * are taken out of the layer again. Env secrets are written to files and
 * ssh keys served by an ssh-agent of the build's own, before the first
 * stage and until the end. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/build_int.h"
#include "runtime/container_int.h"
#include "runtime/spec.h"

/* build's RUN options (see build.h) into ro. */
int bld_run_opts(const struct build_opts *o, struct run_opts *ro, struct werr *err)
{
	for (size_t i = 0; o->cap_add && o->cap_add[i]; i++)
		ro->cap_add = strv_append(ro->cap_add, o->cap_add[i]);
	for (size_t i = 0; o->cap_drop && o->cap_drop[i]; i++)
		ro->cap_drop = strv_append(ro->cap_drop, o->cap_drop[i]);
	for (size_t i = 0; o->security_opts && o->security_opts[i]; i++)
		if (runopts_security_opt(ro, o->security_opts[i], err) < 0)
			return werr_wrap(err, "--security-opt");
	for (size_t i = 0; o->ulimits && o->ulimits[i]; i++)
		if (runopts_add_ulimit(ro, o->ulimits[i], err) < 0)
			return werr_wrap(err, "--ulimit");
	for (size_t i = 0; o->volumes && o->volumes[i]; i++)
		if (runopts_add_volume(ro, o->volumes[i], err) < 0)
			return werr_wrap(err, "--volume");
	return 0;
}

/* The value of key k in "k1=v1,k2=v2" spec (malloc'd), or NULL. */
static char *spec_get(const char *spec, const char *k)
{
	size_t kl = strlen(k);

	for (const char *p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, k, kl) == 0 && p[kl] == '=')
			return xstrndup(p + kl + 1, strcspn(p + kl + 1, ","));
	return NULL;
}

/* A --secret spec: id=ID and where the value is: src=FILE (type=file),
 * or env=VAR / type=env,src=VAR (an environment variable; src defaults to
 * the id). With neither type nor env, an id alone names a variable. */
struct secret_spec {
	char *id, *src;
	bool env;
};

static void secret_spec_free(struct secret_spec *x)
{
	free(x->id);
	free(x->src);
}

static int secret_parse(const char *s, struct secret_spec *x, struct werr *err)
{
	cleanup_free char *type = spec_get(s, "type"), *env = spec_get(s, "env");

	*x = (struct secret_spec){.id = spec_get(s, "id"), .src = spec_get(s, "src")};
	if (x->src == NULL)
		x->src = spec_get(s, "source");
	if (type && strcmp(type, "file") != 0 && strcmp(type, "env") != 0)
		return werr_set(err, 0, "--secret %s: invalid secret type, must be file or env", s);
	if (x->id == NULL || x->id[0] == '\0')
		return werr_set(err, 0, "--secret %s: needs id=ID,src=FILE or id=ID,env=VAR", s);
	if (env && (x->src || (type && strcmp(type, "file") == 0)))
		return werr_set(err, 0, "--secret %s: env= names the value: no src= or type=file",
				s);
	x->env = env || (type && strcmp(type, "env") == 0) ||
		 (type == NULL && x->src == NULL && getenv(x->id) != NULL);
	if (env)
		x->src = steal_pointer(&env);
	else if (x->env && x->src == NULL)
		x->src = xstrdup(x->id);
	if (x->src == NULL || x->src[0] == '\0')
		return werr_set(err, 0, "--secret %s: needs id=ID,src=FILE or id=ID,env=VAR", s);
	if (x->env && getenv(x->src) == NULL)
		return werr_set(err, 0, "--secret %s: no variable %s in the environment", s,
				x->src);
	if (!x->env && access(x->src, R_OK) < 0)
		return werr_set(err, errno, "--secret %s: cannot read '%s'", s, x->src);
	return 0;
}

/* The file of secret id (malloc'd): a --secret src=FILE, or the file an
 * env secret was written to (bld_run_prepare); NULL when not given. */
static char *secret_src(const struct bld *b, const char *id)
{
	size_t n = strlen(id);

	for (size_t i = 0; b->secret_files && b->secret_files[i]; i++)
		if (strncmp(b->secret_files[i], id, n) == 0 && b->secret_files[i][n] == '=')
			return xstrdup(b->secret_files[i] + n + 1);
	for (size_t i = 0; b->o->secrets && b->o->secrets[i]; i++) {
		struct secret_spec x;
		struct werr e = {0};
		char *src = NULL;
		if (secret_parse(b->o->secrets[i], &x, &e) == 0 && !x.env && strcmp(x.id, id) == 0)
			src = steal_pointer(&x.src);
		secret_spec_free(&x);
		if (src)
			return src;
	}
	return NULL;
}

/* The paths of --ssh ID=P1[,P2...] (a strv). */
static char **ssh_paths(const char *spec)
{
	const char *eq = strchr(spec, '=');
	char **v = xcalloc(1, sizeof(char *));

	for (const char *p = eq ? eq + 1 : ""; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
		if (strcspn(p, ",") > 0) {
			cleanup_free char *one = xstrndup(p, strcspn(p, ","));
			v = strv_append(v, one);
		}
	return v;
}

/* --ssh ID=SOCKET or ID=KEY[,KEY...]: 1 for a socket, 0 for key files,
 * -1 (err) for anything else. */
static int ssh_kind(const char *spec, struct werr *err)
{
	const char *eq = strchr(spec, '=');
	cleanup_strv char **paths = ssh_paths(spec);
	struct stat st;

	if (eq == NULL || eq == spec || paths[0] == NULL)
		return werr_set(err, 0, "--ssh %s: needs ID=SOCKET or ID=KEY[,KEY...]", spec);
	for (size_t i = 0; paths[i]; i++) {
		if (stat(paths[i], &st) < 0)
			return werr_set(err, errno, "--ssh %s: stat '%s'", spec, paths[i]);
		if (S_ISSOCK(st.st_mode) && strv_len(paths) == 1)
			return 1;
		if (!S_ISREG(st.st_mode))
			return werr_set(err, 0,
					"--ssh %s: '%s' is not an agent socket or a key file", spec,
					paths[i]);
		if (access(paths[i], R_OK) < 0)
			return werr_set(err, errno, "--ssh %s: cannot read '%s'", spec, paths[i]);
	}
	return 0;
}

int build_run_opts_check(const struct build_opts *o, struct werr *err)
{
	struct run_opts ro;
	int rc;

	runopts_init(&ro);
	rc = bld_run_opts(o, &ro, err);
	if (rc == 0 && o->network && runopts_set_network(&ro, o->network, err) < 0)
		rc = werr_wrap(err, "--network");
	uint64_t caps;
	if (rc == 0)
		rc = spec_caps_compute(false, ro.cap_add, ro.cap_drop, &caps, err);
	runopts_free(&ro);
	for (size_t i = 0; rc == 0 && o->secrets && o->secrets[i]; i++) {
		struct secret_spec x;
		rc = secret_parse(o->secrets[i], &x, err);
		secret_spec_free(&x);
	}
	for (size_t i = 0; rc == 0 && o->ssh && o->ssh[i]; i++) {
		cleanup_free char *tool = NULL;
		int k = ssh_kind(o->ssh[i], err);
		if (k == 0 && (tool = find_tool("ssh-agent", "openssh-client", err)) == NULL)
			k = -1;
		rc = k < 0 ? -1 : 0;
	}
	return rc;
}

/* The target of a RUN --mount flag's spec (malloc'd): target=/dst=, or
 * for a secret /run/secrets/ID; NULL when none. */
static char *mount_target(const char *spec)
{
	char *t = spec_get(spec, "target");
	cleanup_free char *type = NULL, *id = NULL;

	if (t == NULL)
		t = spec_get(spec, "dst");
	if (t == NULL)
		t = spec_get(spec, "destination");
	if (t != NULL)
		return t;
	type = spec_get(spec, "type");
	id = spec_get(spec, "id");
	if (type && strcmp(type, "secret") == 0 && id && *id)
		return xasprintf("/run/secrets/%s", id);
	if (type && strcmp(type, "ssh") == 0)
		return xstrdup("/run/buildkit/ssh_agent.0");
	return NULL;
}

/* RUN --mount=type=secret,id=ID[,target=PATH][,required]: the file of
 * build --secret id=ID read-only at PATH (default /run/secrets/ID); a
 * secret not given is skipped unless required. */
static int secret_mount(struct bld *b, const char *spec, const char *id, const char *target,
			struct run_opts *ro, struct werr *err)
{
	cleanup_free char *src = NULL, *t = mount_target(spec), *v = NULL;
	cleanup_free char *req = spec_get(spec, "required");

	if (id == NULL || *id == '\0')
		return werr_set(err, 0, "RUN --mount=%s: a secret needs id=", spec);
	(void)target;
	if (t == NULL || t[0] != '/')
		return werr_set(err, 0, "RUN --mount=%s: needs an absolute target", spec);
	src = secret_src(b, id);
	if (src == NULL) {
		bool required =
		    strstr(spec, "required") && (req == NULL || strcmp(req, "true") == 0);
		if (required)
			return werr_set(
			    err, 0, "secret '%s' is required: give it with --secret id=%s,src=FILE",
			    id, id);
		return 0;
	}
	v = xasprintf("%s:%s:ro", src, t);
	return runopts_add_volume(ro, v, err);
}

/* RUN --mount=type=ssh[,id=ID][,target=PATH][,required]: the agent
 * socket of build --ssh ID (default "default") at PATH (default
 * /run/buildkit/ssh_agent.0), SSH_AUTH_SOCK set to it; skipped when not
 * given, unless required. */
static int ssh_mount(struct bld *b, const char *spec, const char *id, struct run_opts *ro,
		     struct werr *err)
{
	cleanup_free char *t = mount_target(spec), *req = spec_get(spec, "required");
	cleanup_free char *v = NULL, *env = NULL;
	const char *want = id && *id ? id : "default", *sock = NULL;
	size_t wl = strlen(want);

	if (t == NULL || t[0] != '/')
		return werr_set(err, 0, "RUN --mount=%s: needs an absolute target", spec);
	for (size_t i = 0; b->ssh && b->ssh[i] && !sock; i++)
		if (strncmp(b->ssh[i], want, wl) == 0 && b->ssh[i][wl] == '=')
			sock = b->ssh[i] + wl + 1;
	if (sock == NULL) {
		if (strstr(spec, "required") && (req == NULL || strcmp(req, "true") == 0))
			return werr_set(err, 0, "ssh '%s' is required: give it with --ssh %s", want,
					want);
		return 0;
	}
	v = xasprintf("%s:%s", sock, t);
	env = xasprintf("SSH_AUTH_SOCK=%s", t);
	ro->env = strv_append(ro->env, env);
	return runopts_add_volume(ro, v, err);
}

/* RUN --mount=type=cache|bind|tmpfs,...: a volume of the build cache
 * (<root>/build-mounts/<digest of its id>), a read-only bind of a context
 * path, or a tmpfs. */
static int run_mount(struct bld *b, const char *spec, struct run_opts *ro, struct werr *err)
{
	cleanup_free char *copy = xstrdup(spec);
	const char *type = "bind", *target = NULL, *source = NULL, *id = NULL;
	bool rw = false;
	char *save = NULL;

	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		const char *v = eq ? eq + 1 : "";
		if (eq)
			*eq = '\0';
		if (strcmp(kv, "type") == 0)
			type = v;
		else if (strcmp(kv, "target") == 0 || strcmp(kv, "dst") == 0 ||
			 strcmp(kv, "destination") == 0)
			target = v;
		else if (strcmp(kv, "source") == 0 || strcmp(kv, "src") == 0)
			source = v;
		else if (strcmp(kv, "id") == 0)
			id = v;
		else if (strcmp(kv, "rw") == 0 || strcmp(kv, "readwrite") == 0)
			rw = !eq || strcmp(v, "true") == 0;
		else if (strcmp(kv, "from") == 0)
			return werr_set(err, 0, "RUN --mount from=%s is not supported yet", v);
		/* sharing, mode, uid, gid, ro: accepted, as BuildKit's defaults */
	}
	if (strcmp(type, "secret") == 0)
		return secret_mount(b, spec, id, target, ro, err);
	if (strcmp(type, "ssh") == 0)
		return ssh_mount(b, spec, id, ro, err);
	if (strcmp(type, "cache") != 0 && strcmp(type, "bind") != 0 && strcmp(type, "tmpfs") != 0)
		return werr_set(err, 0, "RUN --mount type=%s is not supported yet", type);
	if (target == NULL || target[0] != '/')
		return werr_set(err, 0, "RUN --mount=%s: needs an absolute target", spec);
	if (strcmp(type, "tmpfs") == 0)
		return runopts_add_tmpfs(ro, target, err);
	if (strcmp(type, "cache") == 0) {
		char dg[DIGEST_STR_LEN];
		cleanup_free char *dir = NULL, *v = NULL;
		sha256_buf(id ? id : target, strlen(id ? id : target), dg);
		dir = xasprintf("%s/build-mounts/%.32s", b->e->root, digest_hex(dg));
		if (mkdir_p(dir, 0755, err) < 0)
			return -1;
		v = xasprintf("%s:%s", dir, target);
		return runopts_add_volume(ro, v, err);
	}
	/* bind: a context path, resolved and kept inside the context */
	cleanup_free char *base = realpath(b->ctx_path, NULL);
	cleanup_free char *want = xasprintf("%s/%s", b->ctx_path, source ? source : ".");
	cleanup_free char *real = realpath(want, NULL);
	cleanup_free char *v = NULL;
	size_t n = base ? strlen(base) : 0;
	if (real == NULL || base == NULL || strncmp(real, base, n) != 0 ||
	    (real[n] != '\0' && real[n] != '/'))
		return werr_set(err, 0, "RUN --mount: source '%s' is not in the context",
				source ? source : ".");
	v = xasprintf("%s:%s:%s", real, target, rw ? "rw" : "ro");
	return runopts_add_volume(ro, v, err);
}

/* The flags of RUN: --mount=..., --network=MODE. */
int bld_run_flags(struct bld *b, const struct cf_instr *in, struct run_opts *ro, struct werr *err)
{
	for (size_t i = 0; in->flags && in->flags[i]; i++) {
		const char *f = in->flags[i];
		if (str_has_prefix(f, "--mount=")) {
			if (run_mount(b, f + 8, ro, err) < 0)
				return -1;
		} else if (str_has_prefix(f, "--network=")) {
			if (runopts_set_network(ro, f + 10, err) < 0)
				return -1;
		} else {
			return werr_set(err, 0, "RUN %s is not supported yet", f);
		}
	}
	return 0;
}

/* Does RUN bind-mount from the context? Then its result depends on files
 * the cache key does not see: it always runs. */
bool bld_run_binds(const struct cf_instr *in)
{
	for (size_t i = 0; in->flags && in->flags[i]; i++)
		if (str_has_prefix(in->flags[i], "--mount=") &&
		    strstr(in->flags[i], "type=cache") == NULL &&
		    strstr(in->flags[i], "type=tmpfs") == NULL)
			return true;
	return false;
}

/* The targets of RUN's --mount flags that the rootfs (dir fd root) does
 * not have: the runtime makes them as mount points; they are taken out
 * of the layer again (BuildKit leaves none behind either). */
static void add_if_missing(char ***out, int root, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = sys_openat2(root, path[0] == '/' ? path + 1 : path, &how);

	if (fd >= 0)
		close(fd);
	else if (errno == ENOENT)
		*out = strv_append(*out, path);
}

char **bld_new_mountpoints(const struct bld *b, const struct cf_instr *in, int root)
{
	char **out = NULL;

	for (size_t i = 0; in->flags && in->flags[i]; i++) {
		if (!str_has_prefix(in->flags[i], "--mount="))
			continue;
		cleanup_free char *path = mount_target(in->flags[i] + 8);
		if (path != NULL)
			add_if_missing(&out, root, path);
	}
	/* build -v SRC:DST[:OPTS] (or a bare DST: an anonymous volume) */
	for (size_t i = 0; b->o->volumes && b->o->volumes[i]; i++) {
		const char *v = b->o->volumes[i], *c = strchr(v, ':');
		cleanup_free char *dst = c ? xstrndup(c + 1, strcspn(c + 1, ":")) : xstrdup(v);
		if (dst[0] == '/')
			add_if_missing(&out, root, dst);
	}
	return out;
}

/* Removes the empty mount points paths from the container's upper dir. */
void bld_drop_mountpoints(struct bld *b, const struct ctr_owned *c, char *const *paths)
{
	cleanup_free char *dir = container_dir(b->e, c->rec.id);
	cleanup_free char *upper = xasprintf("%s/upper", dir);
	cleanup_close int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; ufd >= 0 && paths && paths[i]; i++) {
		cleanup_free char *p = xstrdup(paths[i]);
		char *slash = strrchr(p, '/');
		struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
		struct stat st;
		cleanup_close int pfd = -1;
		*slash = '\0';
		pfd = sys_openat2(ufd, p[0] ? p + 1 : ".", &how);
		if (pfd < 0 || fstatat(pfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			unlinkat(pfd, slash + 1, AT_REMOVEDIR); /* fails unless empty */
		else if (S_ISREG(st.st_mode) && st.st_size == 0)
			unlinkat(pfd, slash + 1, 0);
	}
}

/* ---- env secrets and ssh keys, made ready before the stages ---- */

/* b->run_tmp, made on first use: a private dir for the files of env
 * secrets and the sockets of ssh agents (bld_run_cleanup removes it).
 * Under the runroot, not the data dir: a socket's path must be short. */
static const char *run_tmp(struct bld *b, struct werr *err)
{
	cleanup_free char *dir = NULL;

	if (b->run_tmp)
		return b->run_tmp;
	if (mkdir_p(b->e->runroot, 0700, err) < 0)
		return NULL;
	dir = xasprintf("%s/build-XXXXXX", b->e->runroot);
	if (mkdtemp(dir) == NULL)
		return werr_set(err, errno, "make a temp dir in '%s'", b->e->runroot), NULL;
	b->run_tmp = steal_pointer(&dir);
	return b->run_tmp;
}

/* An env secret: its value into a file (0600) that RUN --mount=type=secret
 * binds, as a --secret src=FILE. */
static int secret_env_file(struct bld *b, const struct secret_spec *x, size_t i, struct werr *err)
{
	const char *dir = run_tmp(b, err), *val = getenv(x->src);
	cleanup_free char *path = NULL, *kv = NULL;
	cleanup_close int fd = -1;

	if (dir == NULL)
		return -1;
	path = xasprintf("%s/secret-%zu", dir, i);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, val ? val : "", val ? strlen(val) : 0) < 0)
		return werr_set(err, errno, "write the secret '%s' to '%s'", x->id, path);
	kv = xasprintf("%s=%s", x->id, path);
	b->secret_files = strv_append(b->secret_files, kv);
	return 0;
}

/* Waits until the agent pid accepts connections on sock: 0, or -1 when it
 * ended or did not listen within 10 s. */
static int agent_wait(pid_t pid, const char *sock, struct werr *err)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct timespec tick = {0, 10 * 1000 * 1000};
	int st = 0;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	for (int i = 0; i < 1000; i++) {
		cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return werr_set(err, 0, "ssh-agent ended (status %d) before it listened",
					WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		nanosleep(&tick, NULL);
	}
	return werr_set(err, 0, "ssh-agent did not listen on '%s' within 10 s", sock);
}

/* Starts ssh-agent -D on sock, to die with us. Its pid, or -1. */
static pid_t agent_start(struct bld *b, const char *agent, const char *sock, struct werr *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return werr_set(err, errno, "fork ssh-agent");
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || null < 0 || dup2(null, 0) < 0 ||
		    dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		execl(agent, "ssh-agent", "-D", "-a", sock, (char *)NULL);
		_exit(127);
	}
	b->agents = xrealloc(b->agents, (b->nagents + 1) * sizeof(*b->agents));
	b->agents[b->nagents++] = pid;
	return pid;
}

/* --ssh ID=KEY[,KEY...] (the i-th --ssh): an ssh-agent of this build that
 * holds the keys (ssh-add; a key with a passphrase cannot be added); its
 * socket into *sock_out. 0 or -1. */
static int ssh_agent(struct bld *b, const char *spec, size_t i, char **sock_out, struct werr *err)
{
	cleanup_free char *agent = find_tool("ssh-agent", "openssh-client", err);
	cleanup_free char *add = agent ? find_tool("ssh-add", "openssh-client", err) : NULL;
	const char *dir = add ? run_tmp(b, err) : NULL;
	cleanup_free char *sock = NULL, *env = NULL;
	cleanup_strv char **paths = ssh_paths(spec);
	char **argv = NULL, out[1024];
	pid_t pid;
	int rc;

	if (dir == NULL)
		return -1;
	sock = xasprintf("%s/agent-%zu.sock", dir, i);
	if (strlen(sock) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return werr_set(err, ENAMETOOLONG, "--ssh %s: the agent socket '%s'", spec, sock);
	if ((pid = agent_start(b, agent, sock, err)) < 0 || agent_wait(pid, sock, err) < 0)
		return werr_wrap(err, "--ssh %s", spec);
	env = xasprintf("SSH_AUTH_SOCK=%s", sock);
	char *envp[] = {env, (char *)"SSH_ASKPASS_REQUIRE=never", (char *)"PATH=/usr/bin:/bin",
			NULL};
	argv = strv_append(NULL, add);
	for (size_t k = 0; paths[k]; k++)
		argv = strv_append(argv, paths[k]);
	rc = run_tool(argv, envp, out, sizeof(out), err);
	strv_free(argv);
	if (rc < 0)
		return werr_wrap(err, "--ssh %s", spec);
	if (rc != 0)
		return werr_set(err, 0, "--ssh %s: cannot parse ssh key: %s", spec,
				text_last_line(out));
	*sock_out = steal_pointer(&sock);
	return 0;
}

int bld_run_prepare(struct bld *b, struct werr *err)
{
	for (size_t i = 0; b->o->secrets && b->o->secrets[i]; i++) {
		struct secret_spec x;
		int rc = secret_parse(b->o->secrets[i], &x, err);
		if (rc == 0 && x.env)
			rc = secret_env_file(b, &x, i, err);
		secret_spec_free(&x);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; b->o->ssh && b->o->ssh[i]; i++) {
		const char *spec = b->o->ssh[i];
		cleanup_free char *sock = NULL, *kv = NULL;
		int k = ssh_kind(spec, err);
		if (k < 0 || (k == 0 && ssh_agent(b, spec, i, &sock, err) < 0))
			return -1;
		kv = sock ? xasprintf("%.*s=%s", (int)strcspn(spec, "="), spec, sock)
			  : xstrdup(spec);
		b->ssh = strv_append(b->ssh, kv);
	}
	return 0;
}

void bld_run_cleanup(struct bld *b)
{
	struct werr e = {0};

	for (size_t i = 0; i < b->nagents; i++) {
		int st;
		kill(b->agents[i], SIGTERM);
		while (waitpid(b->agents[i], &st, 0) < 0 && errno == EINTR)
			;
	}
	free(b->agents);
	b->agents = NULL;
	b->nagents = 0;
	if (b->run_tmp && rm_rf_at(AT_FDCWD, b->run_tmp, &e) < 0)
		log_warn("remove '%s': %s", b->run_tmp, e.msg);
	free(b->run_tmp);
	b->run_tmp = NULL;
	strv_free(b->secret_files);
	b->secret_files = NULL;
	strv_free(b->ssh);
	b->ssh = NULL;
}

/* ---- VOLUME paths during RUN ---- */

/* Does path (absolute) exist in rootfs root? */
static bool in_rootfs(int root, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = sys_openat2(root, path[0] == '/' ? path + 1 : path, &how);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

char **bld_volumes_before(struct bld *b, int root, struct werr *err)
{
	struct json_object *vols = jget(jget(b->cfg, "config"), "Volumes");
	char **out = xcalloc(1, sizeof(char *));

	if (vols == NULL || !json_object_is_type(vols, json_type_object))
		return out;
	json_object_object_foreach(vols, path, v)
	{
		(void)v;
		if (path[0] != '/' || strcmp(path, "/") == 0)
			continue;
		bool had = in_rootfs(root, path);
		cleanup_free char *kv = xasprintf("%c%s", had ? 'E' : 'N', path);
		if (!had) {
			int fd = build_mkdir_in(root, path, 0, 0, err);
			if (fd < 0) {
				strv_free(out);
				return werr_wrap(err, "VOLUME %s", path), NULL;
			}
			close(fd);
		}
		out = strv_append(out, kv);
	}
	return out;
}

/* Removes the entries of directory fd (never following a symlink). */
static void empty_dir(int fd)
{
	DIR *d = fdopendir(dup(fd));
	struct dirent *de;
	struct werr e = {0};

	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    rm_rf_at(fd, de->d_name, &e) < 0)
			log_debug("VOLUME: %s", e.msg);
	if (d)
		closedir(d);
}

void bld_volumes_after(struct bld *b, const struct ctr_owned *c, char *const *vols)
{
	cleanup_free char *dir = container_dir(b->e, c->rec.id);
	cleanup_free char *upper = xasprintf("%s/upper", dir);
	cleanup_close int ufd = -1;

	/* vfs: no upper dir, the changes cannot be told from the image's */
	if (vols == NULL || vols[0] == NULL || container_driver(&c->rec) == DRIVER_VFS ||
	    (ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	for (size_t i = 0; vols[i]; i++) {
		cleanup_free char *p = xstrdup(vols[i] + 1);
		char *slash = strrchr(p, '/');
		struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS};
		cleanup_close int pfd = -1, vfd = -1;
		struct werr e = {0};
		*slash = '\0';
		pfd = sys_openat2(ufd, p[0] ? p + 1 : ".", &how);
		if (pfd < 0)
			continue;	 /* the step made no change under it */
		if (vols[i][0] == 'E') { /* the image's own dir, as it was */
			if (rm_rf_at(pfd, slash + 1, &e) < 0)
				log_debug("VOLUME %s: %s", vols[i] + 1, e.msg);
			continue;
		}
		vfd = openat(pfd, slash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (vfd >= 0)
			empty_dir(vfd);
	}
}
