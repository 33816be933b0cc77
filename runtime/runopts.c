#include "runtime/runopts.h"
#include "runtime/devices.h"
#include "runtime/ulimits.h"
#include "runtime/secrets.h"
#include "lib/cleanup.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "storage/sqsh.h"
#include "runtime/ports.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int env_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

int runopts_env_add(char ***env, const char *spec, struct werr *err)
{
	const char *eq = strchr(spec, '=');
	size_t n = eq ? (size_t)(eq - spec) : strlen(spec);

	if (!env_name_ok(spec, n)) {
		werr_set(err, 0, "invalid environment variable '%s'", spec);
		return werr_status(err, 125);
	}
	if (eq) {
		*env = strv_append(*env, spec);
	} else if (n > 0 && spec[n - 1] == '*') {
		/* NAME*: every variable of warren's environment whose name
		 * starts with NAME, as Podman's -e 'OMPI_*' (MPI launchers pass
		 * their ranks' settings so) */
		for (char **v = environ; *v; v++)
			if (strncmp(*v, spec, n - 1) == 0 && strchr(*v, '=') != NULL)
				*env = strv_append(*env, *v);
	} else {
		const char *val = getenv(spec);
		if (val) {
			cleanup_free char *kv = xasprintf("%s=%s", spec, val);
			*env = strv_append(*env, kv);
		}
	}
	return 0;
}

int runopts_add_env(struct run_opts *o, const char *spec, struct werr *err)
{
	return runopts_env_add(&o->env, spec, err);
}

int runopts_env_text(char ***env, const char *text, const char *path, struct werr *err)
{
	const char *p = text;
	int lineno = 0;

	while (*p) {
		size_t n = strcspn(p, "\n");
		cleanup_free char *line = xstrndup(p, n);
		char *s = line;
		size_t l;

		lineno++;
		p += n + (p[n] == '\n');
		l = strlen(s);
		while (l > 0 && (s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
			s[--l] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (runopts_env_add(env, s, err) < 0)
			return werr_wrap(err, "env file '%s' line %d", path, lineno);
	}
	return 0;
}

int runopts_parse_env_text(struct run_opts *o, const char *text, const char *path, struct werr *err)
{
	return runopts_env_text(&o->env, text, path, err);
}

int runopts_env_file(char ***env, const char *path, struct werr *err)
{
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, err);

	if (text == NULL)
		return werr_status(err, 125);
	return runopts_env_text(env, text, path, err);
}

int runopts_add_env_file(struct run_opts *o, const char *path, struct werr *err)
{
	return runopts_env_file(&o->env, path, err);
}

void runopts_init(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sig_proxy = true;
	o->tls_verify = -1;
	o->stop_timeout = -1;
	o->health.retries = -1;
	o->limits.swappiness = -1;
}

int runopts_set_stop_signal(struct run_opts *o, const char *v, struct werr *err)
{
	int sig = signal_parse(v);

	if (sig <= 0)
		return werr_set(err, 0, "invalid signal: %s", v);
	o->stop_signal = sig;
	return 0;
}

int runopts_set_stop_timeout(struct run_opts *o, const char *v, struct werr *err)
{
	int64_t n;

	if (parse_int64(v, 0, INT32_MAX, &n) < 0)
		return werr_set(err, 0,
				"invalid argument \"%s\" for \"--stop-timeout\" flag: "
				"strconv.ParseUint: parsing \"%s\": invalid syntax",
				v, v);
	o->stop_timeout = (int)n;
	return 0;
}

int runopts_set_restart(struct run_opts *o, const char *v, struct werr *err)
{
	static const char *const names[] = {"no", "on-failure", "always", "unless-stopped", ""};
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	int64_t max = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) != n || strncmp(v, names[i], n) != 0)
			continue;
		if (colon && (i != 1 || parse_int64(colon + 1, 0, INT32_MAX, &max) < 0))
			break;
		free(o->restart);
		o->restart = n ? xstrndup(v, n) : NULL;
		o->restart_max = (int)max;
		return 0;
	}
	if (colon && n == strlen("on-failure") && strncmp(v, "on-failure", n) == 0)
		return werr_set(err, 0, "restart count must be a non-negative integer: \"%s\"", v);
	return werr_set(
	    err, 0,
	    "invalid restart policy \"%s\": use no, on-failure[:max-retries], always or "
	    "unless-stopped: invalid argument",
	    v);
}

int runopts_set_log_driver(struct run_opts *o, const char *v, struct werr *err)
{
	if (strcmp(v, "k8s-file") != 0 && strcmp(v, "none") != 0 && strcmp(v, "passthrough") != 0)
		return werr_set(err, 0,
				"invalid log driver \"%s\": use k8s-file, none or passthrough: "
				"invalid argument",
				v);
	free(o->log_driver);
	o->log_driver = xstrdup(v);
	return 0;
}

/* Docker's units.FromHumanSize, which log options use: "1024", "10k",
 * "5MB", "1.5g", "2KiB" (decimal: k is 1000, an "i" changes nothing) */
int runopts_parse_size(const char *v, long long *out)
{
	int64_t n = parse_human_size(v, 1000.0);

	if (n < 0)
		return -1;
	*out = n;
	return 0;
}

int runopts_add_log_opt(struct run_opts *o, const char *v, struct werr *err)
{
	const char *eq = strchr(v, '=');

	if (eq == NULL)
		return werr_set(err, 0, "invalid log option \"%s\": use KEY=VALUE", v);
	if (str_has_prefix(v, "max-size=")) {
		if (runopts_parse_size(eq + 1, &o->log_max) < 0)
			return werr_set(err, 0, "invalid log option \"%s\": bad size", v);
		return 0;
	}
	/* Podman's other keys (path, tag, max-file) are not kept yet */
	if (str_has_prefix(v, "tag=") || str_has_prefix(v, "max-file="))
		return 0;
	return werr_set(err, 0, "invalid log option \"%s\": unknown key", v);
}

int runopts_add_tmpfs(struct run_opts *o, const char *spec, struct werr *err)
{
	cleanup_free char *dst = xstrndup(spec, strcspn(spec, ":"));
	const char *why;

	if (spec[0] != '/') {
		werr_set(err, 0, "invalid tmpfs '%s': the destination must be an absolute path",
			 spec);
		return werr_status(err, 125);
	}
	if ((why = runopts_dest_conflict(o, dst)) != NULL) {
		werr_set(err, 0, "invalid tmpfs '%s': %s", spec, why);
		return werr_status(err, 125);
	}
	o->tmpfs = strv_append(o->tmpfs, spec);
	return 0;
}

int runopts_set_network(struct run_opts *o, const char *mode, struct werr *err)
{
	return net_parse_mode(mode, &o->net, &o->netopts, err);
}

int runopts_add_publish(struct run_opts *o, const char *spec, struct werr *err)
{
	struct port_map m;

	size_t total = 0;

	if (ports_parse(spec, &m, err) < 0)
		return -1;
	for (size_t i = 0; i < o->nports; i++)
		total += o->ports[i].range;
	if (total + m.range > PORTS_MAX) {
		werr_set(err, 0, "-p %s: more than %d published ports: warren forwards at most %d",
			 spec, PORTS_MAX, PORTS_MAX);
		return werr_status(err, 125);
	}
	o->ports = xrealloc(o->ports, (o->nports + 1) * sizeof(*o->ports));
	o->ports[o->nports++] = m;
	return 0;
}

int runopts_add_expose(struct run_opts *o, const char *spec, struct werr *err)
{
	return ports_parse_expose(spec, &o->expose, err);
}

int runopts_set_entrypoint(struct run_opts *o, const char *v, struct werr *err)
{
	strv_free(o->entrypoint);
	o->entrypoint = NULL;
	o->entrypoint_set = true;
	if (v[0] == '[') {
		cleanup_json struct json_object *j = json_tokener_parse(v);
		if (j == NULL || !json_object_is_type(j, json_type_array)) {
			werr_set(err, 0, "invalid --entrypoint '%s': not a JSON array of strings",
				 v);
			return werr_status(err, 125);
		}
		for (size_t i = 0; i < json_object_array_length(j); i++) {
			struct json_object *s = json_object_array_get_idx(j, i);
			if (!json_object_is_type(s, json_type_string)) {
				werr_set(err, 0,
					 "invalid --entrypoint '%s': not a JSON array of strings",
					 v);
				return werr_status(err, 125);
			}
			o->entrypoint = strv_append(o->entrypoint, json_object_get_string(s));
		}
	} else if (v[0] != '\0') {
		o->entrypoint = strv_append(o->entrypoint, v);
	}
	return 0;
}

int runopts_security_opt(struct run_opts *o, const char *v, struct werr *err)
{
	if (str_has_prefix(v, "seccomp=") || str_has_prefix(v, "seccomp:")) {
		free(o->seccomp);
		o->seccomp = xstrdup(v + 8);
		if (o->seccomp[0] == '\0') {
			werr_set(err, 0, "invalid --security-opt '%s': seccomp needs a value", v);
			return werr_status(err, 125);
		}
		return 0;
	}
	if (strcmp(v, "no-new-privileges") == 0 || strcmp(v, "no-new-privileges=true") == 0 ||
	    str_has_prefix(v, "label=") || str_has_prefix(v, "label:"))
		return 0; /* no_new_privs is always on; no SELinux labels here */
	werr_set(err, 0, "unsupported --security-opt '%s': use seccomp=unconfined|FILE", v);
	return werr_status(err, 125);
}

int runopts_set_rootfs(struct run_opts *o, const char *arg, struct werr *err)
{
	size_t n = strlen(arg);
	cleanup_free char *dir = NULL;
	char real[PATH_MAX];
	struct stat st;

	o->rootfs_overlay = n >= 2 && strcmp(arg + n - 2, ":O") == 0;
	dir = xstrndup(arg, o->rootfs_overlay ? n - 2 : n);
	if (dir[0] == '\0') {
		werr_set(err, 0, "--rootfs: the root filesystem path is empty");
		return werr_status(err, 125);
	}
	/* Podman 4.3 keeps a relative path as it is and fails at the start
	 * (the runtime resolves it against the bundle): we take it against
	 * the working directory, as for --root */
	if (realpath(dir, real) == NULL || stat(real, &st) < 0) {
		werr_set(err, errno, "running container create option: stat %s", dir);
		return werr_status(err, 125);
	}
	/* a squashfs file (by its name or its superblock), mounted with an
	 * overlay for the writes; any other file is no root filesystem */
	o->rootfs_sqsh =
	    S_ISREG(st.st_mode) && (str_has_suffix(real, ".sqsh") ||
				    str_has_suffix(real, ".squashfs") || sqsh_is_file(real));
	if (o->rootfs_sqsh) {
		if (sqsh_check(real, err) < 0)
			return werr_status(err, 125);
		o->rootfs_overlay = true;
	} else if (!S_ISDIR(st.st_mode)) {
		werr_set(err, ENOTDIR, "--rootfs '%s'", dir);
		return werr_status(err, 125);
	}
	free(o->rootfs_path);
	o->rootfs_path = xstrdup(real);
	return 0;
}

int runopts_add_annotation(struct run_opts *o, const char *v, struct werr *err)
{
	const char *eq = strchr(v, '=');

	if (eq == NULL || eq == v) {
		werr_set(err, 0, "annotation \"%s\" must be in KEY=VALUE form", v);
		return werr_status(err, 125);
	}
	o->annotations = strv_append(o->annotations, v);
	return 0;
}

int runopts_add_label(struct run_opts *o, const char *v, struct werr *err)
{
	if (v[0] == '\0' || v[0] == '=') {
		werr_set(err, 0, "invalid label \"%s\": no key", v);
		return werr_status(err, 125);
	}
	o->labels = strv_append(o->labels, v);
	return 0;
}

int runopts_add_label_file(struct run_opts *o, const char *path, struct werr *err)
{
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, err);
	char *save = NULL;

	if (text == NULL)
		return werr_status(err, 125);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(l);
		while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '\0' || *l == '#')
			continue;
		if (runopts_add_label(o, l, err) < 0)
			return werr_wrap(err, "label file '%s'", path);
	}
	return 0;
}

int runopts_add_secret(struct run_opts *o, const char *spec, struct werr *err)
{
	if (secret_spec_check(spec, err) < 0)
		return -1;
	o->secrets = strv_append(o->secrets, spec);
	return 0;
}

void runopts_free(struct run_opts *o)
{
	strv_free(o->secrets);
	strv_free(o->labels);
	free(o->ports);
	strv_free(o->expose);
	free(o->name);
	free(o->cidfile);
	free(o->hostname);
	free(o->workdir);
	free(o->user);
	strv_free(o->entrypoint);
	strv_free(o->cmd);
	strv_free(o->env);
	for (size_t i = 0; i < o->nvolumes; i++)
		volume_spec_free(&o->volumes[i]);
	free(o->volumes);
	free(o->log_driver);
	free(o->restart);
	strv_free(o->volumes_from);
	strv_free(o->tmpfs);
	strv_free(o->devices);
	net_opts_free(&o->netopts);
	strv_free(o->cap_add);
	strv_free(o->cap_drop);
	strv_free(o->ulimits);
	limits_free(&o->limits);
	free(o->seccomp);
	free(o->init_path);
	free(o->rootfs_path);
	strv_free(o->annotations);
	free(o->userns);
	strv_free(o->uidmap);
	strv_free(o->gidmap);
	free(o->subuidname);
	free(o->subgidname);
	memset(o, 0, sizeof(*o));
}

int runopts_add_ulimit(struct run_opts *o, const char *spec, struct werr *err)
{
	if (ulimit_check(spec, err) < 0)
		return -1;
	o->ulimits = strv_append(o->ulimits, spec);
	return 0;
}

int runopts_add_device(struct run_opts *o, const char *spec, struct werr *err)
{
	if (devices_check_arg(spec, err) < 0)
		return -1;
	o->devices = strv_append(o->devices, spec);
	return 0;
}
