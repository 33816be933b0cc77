/* mountopts.c - the mount options of `run`: -v, --mount and --volumes-from
 * parsed into struct volume_spec (pure logic, unit-tested in test_cli.c).
 * Podman's syntax and error wording (podman 4.3 runs); code ours. */
#include "runtime/runopts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

/* A usage error: exit status 125, as Podman's. */
#define fail(err, ...) (werr_set((err), 0, __VA_ARGS__), werr_status((err), 125))

/* An absolute path cleaned lexically as Go's filepath.Clean does ("//a/./b/"
 * and "/a/c/../b" are "/a/b"), so that two spellings of one mount
 * destination compare equal. Caller frees. */
char *runopts_path_clean(const char *path)
{
	char *out = xmalloc(strlen(path) + 2);
	size_t n = 0;

	for (const char *p = path; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[--n] != '/')
				;
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len + (p[len] == '/');
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* A mount destination must not be the container's root, nor one that an
 * earlier mount already took (Podman refuses both with 125; the executor
 * would otherwise ignore "/" and stack the duplicates). */
const char *runopts_dest_conflict(const struct run_opts *o, const char *dst)
{
	cleanup_free char *d = runopts_path_clean(dst);

	if (strcmp(d, "/") == 0)
		return "the destination cannot be '/', the container's root";
	for (size_t i = 0; i < o->nvolumes; i++) {
		cleanup_free char *v = runopts_path_clean(o->volumes[i].dst);
		if (strcmp(v, d) == 0)
			return "duplicate mount destination";
	}
	for (size_t i = 0; o->tmpfs && o->tmpfs[i]; i++) {
		cleanup_free char *t = xstrndup(o->tmpfs[i], strcspn(o->tmpfs[i], ":"));
		cleanup_free char *c = runopts_path_clean(t);
		if (strcmp(c, d) == 0)
			return "duplicate mount destination";
	}
	return NULL;
}

bool runopts_volume_name_ok(const char *name)
{
	static const char tail[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";

	if (name == NULL || name[0] == '\0' || strchr("_.-", name[0]) != NULL)
		return false;
	return strspn(name, tail) == strlen(name);
}

void volume_spec_free(struct volume_spec *v)
{
	free(v->src);
	free(v->name);
	free(v->dst);
	free(v->mode);
	free(v->propagation);
	strv_free(v->opts);
	free(v->vol_type);
	free(v->vol_device);
	free(v->vol_o);
	memset(v, 0, sizeof(*v));
}

static const char *const propagations[] = {"shared",  "rshared",  "slave",	"rslave",
					   "private", "rprivate", "unbindable", "runbindable"};

/* Option words kept as given: the spec passes them to mount(2). */
static const char *const kept_words[] = {"suid",   "nosuid", "dev",    "nodev", "exec",
					 "noexec", "copy",   "nocopy", "U"};

static bool is_propagation(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(w, propagations[i]) == 0)
			return true;
	return false;
}

static bool is_kept(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(kept_words); i++)
		if (strcmp(w, kept_words[i]) == 0)
			return true;
	return false;
}

/* One option word of -v (or a --mount key spelled as one) into v; every
 * accepted word but bind/rbind is kept in v->opts in the user's order
 * (inspect shows them as Podman does). */
static int volume_word(struct volume_spec *v, const char *w, const char **rw_seen, struct werr *err)
{
	if (strcmp(w, "ro") == 0 || strcmp(w, "rw") == 0) {
		if (*rw_seen != NULL)
			return fail(err,
				    "invalid options \"%s, %s\", can only specify 1 'rw' or 'ro' "
				    "option",
				    *rw_seen, w);
		*rw_seen = w;
		v->ro = w[1] == 'o';
	} else if (strcmp(w, "z") == 0 || strcmp(w, "Z") == 0) {
		free(v->mode);
		v->mode = xstrdup(w);
	} else if (is_propagation(w)) {
		free(v->propagation);
		v->propagation = xstrdup(w);
	} else if (is_kept(w)) {
		v->chown |= strcmp(w, "U") == 0;
		if (strcmp(w, "nocopy") == 0 || strcmp(w, "copy") == 0)
			v->nocopy = w[0] == 'n';
	} else if (strcmp(w, "O") == 0 || strcmp(w, "idmap") == 0) {
		return fail(err, "volume option '%s' is not supported by warren yet", w);
	} else if (strcmp(w, "bind") == 0 || strcmp(w, "rbind") == 0) {
		return 0;
	} else {
		return fail(err, "invalid option type \"%s\"", w);
	}
	v->opts = strv_append(v->opts, w);
	return 0;
}

/* Adds v (owned by o from now on) after the destination checks. */
static int add_spec(struct run_opts *o, struct volume_spec *v, const char *spec, struct werr *err)
{
	const char *why;

	if (v->dst[0] != '/') {
		int r =
		    fail(err, "invalid container path \"%s\", must be an absolute path", v->dst);
		volume_spec_free(v);
		return r;
	}
	if ((why = runopts_dest_conflict(o, v->dst)) != NULL) {
		int r = strcmp(why, "duplicate mount destination") == 0
			    ? fail(err, "%s: duplicate mount destination", v->dst)
			    : fail(err, "invalid volume spec '%s': %s", spec, why);
		volume_spec_free(v);
		return r;
	}
	o->volumes = xrealloc(o->volumes, (o->nvolumes + 1) * sizeof(*o->volumes));
	o->volumes[o->nvolumes++] = *v;
	return 0;
}

/* A host path ("/x", "./x", "../x"): absolute against the cwd. */
static char *host_path(const char *src)
{
	char cwd[4096];

	if (src[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(src);
	return xasprintf("%s/%s", cwd, src);
}

/* The source of a -v or --mount: a host path or a volume name. */
static int set_source(struct volume_spec *v, const char *src, struct werr *err)
{
	if (src[0] == '/' || src[0] == '.') {
		v->kind = MOUNT_BIND;
		v->src = host_path(src);
		return 0;
	}
	v->kind = MOUNT_VOLUME;
	if (!runopts_volume_name_ok(src))
		return fail(
		    err,
		    "creating named volume \"%s\": running volume create option: names must "
		    "match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument",
		    src);
	v->name = xstrdup(src);
	return 0;
}

static char **split(const char *s, const char *sep)
{
	char **parts = xcalloc(1, sizeof(char *));

	while (1) {
		size_t n = strcspn(s, sep);
		cleanup_free char *part = xstrndup(s, n);
		parts = strv_append(parts, part);
		if (s[n] == '\0')
			return parts;
		s += n + 1;
	}
}

int runopts_add_volume(struct run_opts *o, const char *spec, struct werr *err)
{
	cleanup_strv char **parts = split(spec, ":");
	struct volume_spec v = {0};
	size_t np = strv_len(parts);
	const char *rw_seen = NULL;
	cleanup_strv char **words = NULL;

	if (np > 3)
		return fail(err,
			    "%s: incorrect volume format, should be [host-dir:]ctr-dir[:option]",
			    spec);
	if (parts[0][0] == '\0' || (np > 1 && parts[1][0] == '\0'))
		return fail(err, "%s directory cannot be empty",
			    parts[0][0] == '\0' && np > 1 ? "host" : "container");
	if (np == 1) { /* -v /path: an anonymous volume */
		v.kind = MOUNT_VOLUME;
		v.anonymous = true;
		v.dst = xstrdup(parts[0]);
		return add_spec(o, &v, spec, err);
	}
	v.dst = xstrdup(parts[1]);
	if (set_source(&v, parts[0], err) < 0)
		goto bad;
	words = np == 3 ? split(parts[2], ",") : NULL;
	for (size_t i = 0; words && words[i]; i++)
		if (words[i][0] != '\0' && volume_word(&v, words[i], &rw_seen, err) < 0)
			goto bad;
	return add_spec(o, &v, spec, err);
bad:
	volume_spec_free(&v);
	return -1;
}

/* ---- --mount ---- */

struct mount_parse {
	struct volume_spec v;
	const char *type; /* "bind", "volume", "tmpfs" */
	char *src;
	char *tmpfs_opts; /* "size=...,mode=..." */
	const char *rw_seen;
};

/* Go's strconv.ParseBool, as Podman parses --mount booleans. */
static int go_bool(const char *s, bool *out)
{
	static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *const f[] = {"0", "f", "F", "false", "FALSE", "False"};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (strcmp(s, t[i]) == 0 || strcmp(s, f[i]) == 0) {
			*out = strcmp(s, t[i]) == 0;
			return 0;
		}
	}
	return -1;
}

static int parse_bool(const char *key, const char *val, bool *out, struct werr *err)
{
	if (val == NULL) {
		*out = true;
		return 0;
	}
	if (go_bool(val, out) == 0)
		return 0;
	return fail(err,
		    "%s must be set to true or false, instead received \"%s\": must provide an "
		    "argument for option",
		    key, val);
}

static void tmpfs_add(struct mount_parse *m, const char *kv)
{
	char *n = m->tmpfs_opts ? xasprintf("%s,%s", m->tmpfs_opts, kv) : xstrdup(kv);

	free(m->tmpfs_opts);
	m->tmpfs_opts = n;
}

/* The keys that take a boolean (Docker's and Podman's spellings). */
static int mount_bool_key(struct mount_parse *m, const char *key, const char *val, struct werr *err)
{
	bool ro_key =
	    strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0 || strcmp(key, "rw") == 0;
	cleanup_free char *quoted = xasprintf("'%s'", key);
	bool b = false;

	if (parse_bool(ro_key ? "'readonly', 'ro', or 'rw'" : quoted, val, &b, err) < 0)
		return -1;
	if (ro_key) {
		b = strcmp(key, "rw") == 0 ? !b : b;
		if (b)
			tmpfs_add(m, "ro");
		return volume_word(&m->v, b ? "ro" : "rw", &m->rw_seen, err);
	}
	if (!b)
		return 0;
	return volume_word(&m->v,
			   strcmp(key, "U") == 0 || strcmp(key, "chown") == 0 ? "U" : "nocopy",
			   &m->rw_seen, err);
}

static const char *const bool_keys[] = {"readonly", "ro",     "rw",	      "U",
					"chown",    "nocopy", "volume-nocopy"};

/* One key[=value] of --mount. */
static int mount_key(struct mount_parse *m, const char *key, const char *val, struct werr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(bool_keys); i++)
		if (strcmp(key, bool_keys[i]) == 0)
			return mount_bool_key(m, key, val, err);
	if (val == NULL && strcmp(key, "bind-nonrecursive") != 0)
		return fail(err, "%s: invalid mount option", key);
	if (strcmp(key, "type") == 0) {
		m->type = val;
	} else if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0) {
		free(m->src);
		m->src = xstrdup(val);
	} else if (strcmp(key, "target") == 0 || strcmp(key, "destination") == 0 ||
		   strcmp(key, "dst") == 0) {
		free(m->v.dst);
		m->v.dst = xstrdup(val);
	} else if (strcmp(key, "bind-propagation") == 0) {
		if (!is_propagation(val))
			return fail(err, "invalid option type \"%s\"", val);
		return volume_word(&m->v, val, &m->rw_seen, err);
	} else if (strcmp(key, "relabel") == 0) {
		if (strcmp(val, "shared") != 0 && strcmp(val, "private") != 0)
			return fail(err, "%s mount option must be 'private' or 'shared'", key);
		return volume_word(&m->v, val[0] == 's' ? "z" : "Z", &m->rw_seen, err);
	} else if (strcmp(key, "tmpfs-size") == 0 || strcmp(key, "tmpfs-mode") == 0) {
		cleanup_free char *kv = xasprintf("%s=%s", key + 6, val);
		tmpfs_add(m, kv);
	} else if (strcmp(key, "volume-opt") == 0 || strcmp(key, "consistency") == 0 ||
		   strcmp(key, "bind-nonrecursive") == 0 || strcmp(key, "volume-label") == 0) {
		/* accepted: no effect on a local volume or a bind here */
	} else {
		return fail(err, "%s: invalid mount option", key);
	}
	return 0;
}

/* The parsed --mount as a tmpfs (joins o->tmpfs) or a volume_spec. */
static int mount_finish(struct run_opts *o, struct mount_parse *m, const char *spec,
			struct werr *err)
{
	const char *why;

	if (m->v.dst == NULL)
		return fail(err, "must set volume destination");
	if (strcmp(m->type, "tmpfs") == 0) {
		cleanup_free char *t = NULL;
		if (m->v.dst[0] != '/')
			return fail(err, "invalid container path \"%s\", must be an absolute path",
				    m->v.dst);
		if ((why = runopts_dest_conflict(o, m->v.dst)) != NULL)
			return fail(err, "%s: %s", m->v.dst, why);
		t = m->tmpfs_opts ? xasprintf("%s:%s", m->v.dst, m->tmpfs_opts) : xstrdup(m->v.dst);
		o->tmpfs = strv_append(o->tmpfs, t);
		return 0;
	}
	if (strcmp(m->type, "volume") == 0 && m->src == NULL) {
		m->v.kind = MOUNT_VOLUME;
		m->v.anonymous = true;
	} else {
		/* Podman: a bind without a source binds the target's host path */
		const char *src = m->src ? m->src : m->v.dst;
		if (strcmp(m->type, "bind") == 0 && src[0] != '/' && src[0] != '.') {
			m->v.kind = MOUNT_BIND;
			m->v.src = host_path(src);
		} else if (set_source(&m->v, src, err) < 0) {
			return -1;
		}
		if ((strcmp(m->type, "bind") == 0) != (m->v.kind == MOUNT_BIND))
			return fail(err, "invalid %s mount source '%s'", m->type, src);
	}
	if (add_spec(o, &m->v, spec, err) < 0)
		return -1;
	memset(&m->v, 0, sizeof(m->v)); /* o owns it now */
	return 0;
}

int runopts_add_mount(struct run_opts *o, const char *spec, struct werr *err)
{
	cleanup_strv char **kvs = split(spec, ",");
	struct mount_parse m = {0};
	int rc = 0;

	for (size_t i = 0; kvs[i] && rc == 0; i++) {
		char *eq = strchr(kvs[i], '=');
		if (kvs[i][0] == '\0')
			continue;
		if (eq != NULL)
			*eq = '\0';
		rc = mount_key(&m, kvs[i], eq ? eq + 1 : NULL, err);
	}
	if (rc == 0 && m.type == NULL)
		rc = fail(err,
			  "incorrect mount format: should be --mount "
			  "type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,"
			  "options]");
	else if (rc == 0 && strcmp(m.type, "bind") != 0 && strcmp(m.type, "volume") != 0 &&
		 strcmp(m.type, "tmpfs") != 0)
		rc = fail(err, "invalid filesystem type \"%s\"", m.type);
	if (rc == 0)
		rc = mount_finish(o, &m, spec, err);
	volume_spec_free(&m.v);
	free(m.src);
	free(m.tmpfs_opts);
	return rc;
}

int runopts_add_volumes_from(struct run_opts *o, const char *spec, struct werr *err)
{
	const char *colon = strchr(spec, ':');

	if (spec[0] == '\0' || colon == spec)
		return fail(err, "invalid --volumes-from '%s': no container given", spec);
	if (colon != NULL) {
		cleanup_strv char **words = split(colon + 1, ",");
		for (size_t i = 0; words[i]; i++)
			if (strcmp(words[i], "ro") != 0 && strcmp(words[i], "rw") != 0 &&
			    strcmp(words[i], "z") != 0 && strcmp(words[i], "Z") != 0)
				return fail(err, "invalid option \"%s\" in --volumes-from '%s'",
					    words[i], spec);
	}
	o->volumes_from = strv_append(o->volumes_from, spec);
	return 0;
}
