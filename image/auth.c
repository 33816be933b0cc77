/* auth.c - containers-auth.json(5) (see auth.h). */
#include "image/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/credhelper.h"
#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

#define AUTH_MAX_SIZE (1024 * 1024)

static const char *env_abs(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] == '/' ? v : NULL;
}

static char *config_home(void)
{
	const char *x = env_abs("XDG_CONFIG_HOME"), *home = env_abs("HOME");

	if (x != NULL)
		return xstrdup(x);
	return home != NULL ? xasprintf("%s/.config", home) : NULL;
}

/* The runtime auth.json (Podman's primary file). */
static char *runtime_path(void)
{
	const char *r = env_abs("XDG_RUNTIME_DIR");
	struct stat st;

	if (r != NULL)
		return xasprintf("%s/containers/auth.json", r);
	if (getuid() == 0)
		return xstrdup("/run/containers/0/auth.json");
	cleanup_free char *run = xasprintf("/run/user/%u", (unsigned)getuid());
	if (stat(run, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/containers/auth.json", run);
	return NULL;
}

char *auth_write_path(const char *authfile)
{
	const char *env = getenv("REGISTRY_AUTH_FILE");
	char *p;

	if (authfile != NULL && authfile[0] != '\0')
		return xstrdup(authfile);
	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	if ((p = runtime_path()) != NULL)
		return p;
	cleanup_free char *home = config_home();
	return xasprintf("%s/containers/auth.json", home ? home : "");
}

/* The files read, in order (new vector). */
static char **read_paths(const char *authfile)
{
	const char *env = getenv("REGISTRY_AUTH_FILE"), *dc = env_abs("DOCKER_CONFIG");
	const char *home = env_abs("HOME");
	cleanup_free char *rt = NULL, *ch = NULL;
	char **v = xcalloc(1, sizeof(char *));

	if ((authfile != NULL && authfile[0] != '\0') || (env != NULL && env[0] != '\0'))
		return strv_append(v, authfile && authfile[0] ? authfile : env);
	if ((rt = runtime_path()) != NULL)
		v = strv_append(v, rt);
	if ((ch = config_home()) != NULL) {
		cleanup_free char *p = xasprintf("%s/containers/auth.json", ch);
		v = strv_append(v, p);
	}
	if (dc != NULL || home != NULL) {
		cleanup_free char *p = dc ? xasprintf("%s/config.json", dc)
					  : xasprintf("%s/.docker/config.json", home);
		v = strv_append(v, p);
	}
	return v;
}

/* Reads path as a JSON object; *root NULL (and 0) when it does not exist. */
static int read_json(const char *path, struct json_object **root, struct werr *err)
{
	size_t len = 0;
	cleanup_free char *text = read_file_max(path, AUTH_MAX_SIZE, &len, err);

	*root = NULL;
	if (text == NULL)
		return err != NULL && err->errnum == ENOENT ? 0 : -1;
	if (strlen(text) != len)
		return werr_set(err, 0, "%s: invalid JSON", path);
	*root = jparse(text, path, err);
	if (*root == NULL)
		return -1;
	if (!json_object_is_type(*root, json_type_object) ||
	    (jget(*root, "auths") != NULL &&
	     !json_object_is_type(jget(*root, "auths"), json_type_object))) {
		json_object_put(*root);
		*root = NULL;
		return werr_set(err, 0, "%s: invalid auth file: \"auths\" must be an object", path);
	}
	if ((jget(*root, "credHelpers") != NULL &&
	     !json_object_is_type(jget(*root, "credHelpers"), json_type_object)) ||
	    (jget(*root, "credsStore") != NULL &&
	     !json_object_is_type(jget(*root, "credsStore"), json_type_string))) {
		json_object_put(*root);
		*root = NULL;
		return werr_set(err, 0,
				"%s: invalid auth file: \"credHelpers\" must be an object, "
				"\"credsStore\" a string",
				path);
	}
	return 0;
}

/* "https://index.docker.io/v1/" -> "docker.io"; "quay.io" stays (malloc'd). */
static char *normalize_host(const char *key)
{
	static const char *const hub[] = {"index.docker.io", "registry-1.docker.io"};
	const char *s = strstr(key, "://") ? strstr(key, "://") + 3 : key;
	char *h = xstrndup(s, strcspn(s, "/"));

	for (size_t i = 0; i < ARRAY_SIZE(hub); i++) {
		if (strcmp(h, hub[i]) == 0) {
			free(h);
			return xstrdup("docker.io");
		}
	}
	return h;
}

void auth_creds_free(struct auth_creds *c)
{
	if (c->pass != NULL)
		explicit_bzero(c->pass, strlen(c->pass));
	if (c->identity_token != NULL)
		explicit_bzero(c->identity_token, strlen(c->identity_token));
	free(c->user);
	free(c->pass);
	free(c->identity_token);
	*c = (struct auth_creds){0};
}

/* Decodes entry's "auth" (and "identitytoken") into out. 0 when the entry
 * has neither (Docker writes {} for a registry kept in a helper). */
static int decode_entry(const char *path, const char *key, struct json_object *entry,
			struct auth_creds *out, struct werr *err)
{
	const char *a = jstr(entry, "auth"), *tok = jstr(entry, "identitytoken");
	cleanup_free char *plain = NULL;
	size_t len = 0;
	char *colon;

	if (tok != NULL && tok[0] == '\0')
		tok = NULL;
	if ((a == NULL || a[0] == '\0') && tok == NULL)
		return 0;
	*out = (struct auth_creds){0};
	if (tok != NULL)
		out->identity_token = xstrdup(tok);
	if (a == NULL || a[0] == '\0')
		return 1; /* a token alone */
	if (base64_decode(a, &plain, &len) < 0 || strlen(plain) != len ||
	    (colon = strchr(plain, ':')) == NULL || (colon == plain && tok == NULL)) {
		if (plain != NULL)
			explicit_bzero(plain, len);
		auth_creds_free(out);
		return werr_set(err, 0, "%s: invalid \"auth\" for \"%s\"", path, key);
	}
	out->user = xstrndup(plain, (size_t)(colon - plain));
	out->pass = xstrdup(colon + 1);
	explicit_bzero(plain, len);
	return 1;
}

/* Looks registry/repo up in one file's "auths". */
static int lookup_in(const char *path, struct json_object *auths, const char *registry,
		     const char *repo, struct auth_creds *out, struct werr *err)
{
	cleanup_free char *want = normalize_host(registry);
	cleanup_free char *key = repo ? xasprintf("%s/%s", registry, repo) : xstrdup(registry);
	int r;

	if (auths == NULL)
		return 0;
	/* "host/ns/repo", "host/ns", "host" */
	for (;;) {
		struct json_object *e = jget(auths, key);
		if (e != NULL && (r = decode_entry(path, key, e, out, err)) != 0)
			return r;
		char *slash = strrchr(key, '/');
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	/* legacy spellings of the host */
	json_object_object_foreach(auths, k, e)
	{
		if (strchr(k, '/') != NULL && strstr(k, "://") == NULL)
			continue; /* a repository key of some registry */
		cleanup_free char *h = normalize_host(k);
		if (strcmp(h, want) == 0 && (r = decode_entry(path, k, e, out, err)) != 0)
			return r;
	}
	return 0;
}

/* The helper credHelpers names for registry (also under a legacy spelling
 * of the host, "https://index.docker.io/v1/"), or NULL. */
static const char *helper_for(struct json_object *root, const char *registry)
{
	struct json_object *ch = jget(root, "credHelpers");
	cleanup_free char *want = normalize_host(registry);
	const char *name = jstr(ch, registry);

	if (name != NULL || ch == NULL)
		return name;
	json_object_object_foreach(ch, k, v)
	{
		cleanup_free char *h = normalize_host(k);
		if (strcmp(h, want) == 0 && json_object_is_type(v, json_type_string))
			return json_object_get_string(v);
	}
	return NULL;
}

/* Asks helper name for registry's credentials. lenient: a helper that is
 * not installed counts as "none" (a credsStore copied from another machine,
 * which Podman does not read either). */
static int ask_helper(const char *path, const char *name, const char *registry, bool lenient,
		      struct auth_creds *out, struct werr *err)
{
	struct credhelper_creds hc = {0};
	bool missing = false;
	int r = credhelper_get(name, registry, &hc, &missing, err);

	if (r < 0 && lenient && missing) {
		log_debug("%s: credsStore \"%s\" is not installed: skipped", path, name);
		werr_clear(err);
		return 0;
	}
	if (r < 0)
		return werr_wrap(err, "getting credentials for %s (%s)", registry, path);
	if (r == 1) {
		*out = (struct auth_creds){.user = steal_pointer(&hc.user),
					   .pass = steal_pointer(&hc.secret),
					   .identity_token = steal_pointer(&hc.identity_token)};
	}
	return r;
}

/* One file: credHelpers for the registry (decides alone, as Podman),
 * else "auths", else credsStore (Docker's default helper). */
static int lookup_file(const char *path, struct json_object *root, const char *registry,
		       const char *repo, struct auth_creds *out, struct werr *err)
{
	const char *helper = helper_for(root, registry), *store = jstr(root, "credsStore");
	int r;

	if (helper != NULL)
		return ask_helper(path, helper, registry, false, out, err);
	r = lookup_in(path, jget(root, "auths"), registry, repo, out, err);
	if (r != 0 || store == NULL || store[0] == '\0')
		return r;
	return ask_helper(path, store, registry, true, out, err);
}

int auth_lookup(const char *authfile, const char *registry, const char *repo,
		struct auth_creds *out, struct werr *err)
{
	cleanup_strv char **paths = read_paths(authfile);
	size_t rl = strlen(registry);

	if (repo != NULL && strncmp(repo, registry, rl) == 0 && repo[rl] == '/')
		repo += rl + 1;
	if (repo != NULL && repo[0] == '\0')
		repo = NULL;
	for (size_t i = 0; paths[i]; i++) {
		cleanup_json struct json_object *root = NULL;
		int r;
		if (read_json(paths[i], &root, err) < 0)
			return -1;
		if (root == NULL)
			continue;
		r = lookup_file(paths[i], root, registry, repo, out, err);
		if (r != 0)
			return r;
	}
	return 0;
}

/* ---- writing ---- */

static int lock_path(const char *path, struct werr *err)
{
	cleanup_free char *lock = xasprintf("%s.lock", path);
	cleanup_close int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return werr_set(err, errno, "open '%s'", lock);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return werr_set(err, errno, "lock '%s'", lock);
	return steal_fd(&fd);
}

static int write_json(const char *path, struct json_object *root, struct werr *err)
{
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_PRETTY_TAB |
								 JSON_C_TO_STRING_NOSLASHESCAPE);

	return write_file_atomic_at(AT_FDCWD, path, s, strlen(s), 0600, err);
}

/* Opens the write file for a change: directory made, lock taken, content
 * read (a new object when missing). Returns the lock fd. */
static int open_for_change(const char *path, struct json_object **root, struct werr *err)
{
	cleanup_free char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0700, err) < 0)
			return -1;
	}
	if ((fd = lock_path(path, err)) < 0)
		return -1;
	if (read_json(path, root, err) < 0) {
		close(fd);
		return -1;
	}
	if (*root == NULL)
		*root = json_object_new_object();
	return fd;
}

/* The helper that keeps key's credentials in the write file's root:
 * credHelpers for its host, else credsStore; NULL: the file itself. A
 * namespaced key ("quay.io/ns") cannot go to a helper (as Podman). */
static int store_helper(struct json_object *root, const char *key, const char **name,
			struct werr *err)
{
	cleanup_free char *host = xstrndup(key, strcspn(key, "/"));
	const char *h = helper_for(root, host), *store = jstr(root, "credsStore");

	*name = h != NULL ? h : store != NULL && store[0] != '\0' ? store : NULL;
	if (*name != NULL && strchr(key, '/') != NULL)
		return werr_set(err, 0, "namespaced key is not supported for credential helper %s",
				*name);
	return 0;
}

int auth_store(const char *authfile, const char *key, const char *user, const char *pass,
	       struct werr *err)
{
	cleanup_free char *path = auth_write_path(authfile);
	cleanup_json struct json_object *root = NULL;
	cleanup_close int lock = -1;
	cleanup_free char *plain = NULL, *b64 = NULL;
	struct json_object *auths, *entry;
	const char *helper;

	if (key == NULL || key[0] == '\0' || strpbrk(key, " \t\r\n") != NULL)
		return werr_set(err, 0, "invalid registry \"%s\"", key ? key : "");
	if (user == NULL || user[0] == '\0' || strchr(user, ':') != NULL)
		return werr_set(err, 0, "invalid username: empty or contains ':'");
	if ((lock = open_for_change(path, &root, err)) < 0)
		return -1;
	if (store_helper(root, key, &helper, err) < 0)
		return -1;
	if (helper != NULL)
		return credhelper_store(helper, key, user, pass ? pass : "", err);
	auths = jget(root, "auths");
	if (auths == NULL) {
		auths = json_object_new_object();
		jset(root, "auths", auths);
	}
	entry = jget(auths, key);
	if (!json_object_is_type(entry, json_type_object)) {
		entry = json_object_new_object();
		jset(auths, key, entry);
	}
	plain = xasprintf("%s:%s", user, pass ? pass : "");
	b64 = base64_encode(plain, strlen(plain));
	explicit_bzero(plain, strlen(plain));
	jset_str(entry, "auth", b64);
	explicit_bzero(b64, strlen(b64));
	return write_json(path, root, err);
}

/* Keys key stands for: itself, and for a bare host its legacy spellings. */
static bool key_matches(const char *k, const char *key)
{
	if (strcmp(k, key) == 0)
		return true;
	if (strchr(key, '/') != NULL || strstr(k, "://") == NULL)
		return false;
	cleanup_free char *a = normalize_host(k), *b = normalize_host(key);
	return strcmp(a, b) == 0;
}

/* Erases in the helpers of root: key's (credHelpers or credsStore), or
 * with key NULL every credHelpers registry (a helper not installed is
 * skipped with a warning). 1 when one had credentials. */
static int erase_helpers(struct json_object *root, const char *key, struct werr *err)
{
	struct json_object *ch = jget(root, "credHelpers");
	const char *helper;
	int any = 0, r;

	if (key != NULL) {
		if (store_helper(root, key, &helper, err) < 0)
			return -1;
		return helper != NULL ? credhelper_erase(helper, key, NULL, err) : 0;
	}
	if (ch == NULL)
		return 0;
	json_object_object_foreach(ch, k, v)
	{
		if (!json_object_is_type(v, json_type_string))
			continue;
		bool missing = false;
		r = credhelper_erase(json_object_get_string(v), k, &missing, err);
		if (r < 0 && missing) {
			/* logout --all still empties the file */
			log_warn("%s", err->msg);
			werr_clear(err);
			continue;
		}
		if (r < 0)
			return -1;
		any |= r;
	}
	return any;
}

int auth_remove(const char *authfile, const char *key, struct werr *err)
{
	cleanup_free char *path = auth_write_path(authfile);
	cleanup_json struct json_object *root = NULL;
	cleanup_close int lock = -1;
	cleanup_strv char **gone = xcalloc(1, sizeof(char *));
	struct json_object *auths;
	int helped;

	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if ((lock = open_for_change(path, &root, err)) < 0)
		return -1;
	if ((helped = erase_helpers(root, key, err)) < 0)
		return -1;
	if ((auths = jget(root, "auths")) == NULL)
		return helped;
	json_object_object_foreach(auths, k, v)
	{
		(void)v;
		if (key == NULL || key_matches(k, key))
			gone = strv_append(gone, k);
	}
	if (gone[0] == NULL)
		return helped;
	for (size_t i = 0; gone[i]; i++)
		json_object_object_del(auths, gone[i]);
	return write_json(path, root, err) < 0 ? -1 : 1;
}
