/* Unit tests: auth.json credentials (image/auth.c) and base64 (lib/base64.c). */
#include "tests/unit/unit.h"

#include "image/auth.h"
#include "lib/base64.h"
#include "lib/json.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

UNIT_TEST(base64_round_trip_and_garbage)
{
	static const char *const good[][2] = {
	    {"", ""},	     {"f", "Zg=="},	   {"fo", "Zm8="},
	    {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"user:p@ss:w0rd", "dXNlcjpwQHNzOncwcmQ="},
	};
	static const char *const bad[] = {"Zg=",   "Zg",       "Z===",	   "Zm9v\n",
					  " Zm9v", "Zm9v====", "Zh==",	   "Zm8>",
					  "Zm=v",  "=Zm9",     "Zm9vYg=a", "\xc3\xa9QQQ"};
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char *e = base64_encode(good[i][0], strlen(good[i][0]));
		CHECK_STR(e, good[i][1]);
		free(e);
		CHECK(base64_decode(good[i][1], &out, &len) == 0);
		CHECK(len == strlen(good[i][0]) && memcmp(out, good[i][0], len) == 0);
		free(out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (base64_decode(bad[i], &out, &len) == 0) {
			printf("  accepted '%s'\n", bad[i]);
			free(out);
			CHECK(0);
		}
	}
}

static char tmp[64];

static void setup(void)
{
	struct werr err = {0};
	char *p;

	if (tmp[0])
		rm_rf_at(AT_FDCWD, tmp, &err);
	strcpy(tmp, "/tmp/warren-auth-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		abort();
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	p = xasprintf("%s/run", tmp);
	mkdir(p, 0700);
	setenv("XDG_RUNTIME_DIR", p, 1);
	free(p);
	p = xasprintf("%s/cfg", tmp);
	setenv("XDG_CONFIG_HOME", p, 1);
	free(p);
	p = xasprintf("%s/home", tmp);
	setenv("HOME", p, 1);
	free(p);
}

static void put(const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", tmp, rel), *d = xstrdup(p);
	struct werr err = {0};

	*strrchr(d, '/') = '\0';
	mkdir_p(d, 0700, &err);
	write_file_at(AT_FDCWD, p, text, strlen(text), 0600, &err);
	free(p);
	free(d);
}

/* "user/pass", "none" or "ERR: msg". */
static const char *look(const char *authfile, const char *reg, const char *repo)
{
	static char out[4096];
	struct werr err = {0};
	struct auth_creds ac = {0};
	int r = auth_lookup(authfile, reg, repo, &ac, &err);

	if (r < 0)
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
	else if (r == 0)
		snprintf(out, sizeof(out), "none");
	else if (ac.identity_token != NULL)
		snprintf(out, sizeof(out), "%s/token:%s", ac.user ? ac.user : "",
			 ac.identity_token);
	else
		snprintf(out, sizeof(out), "%s/%s", ac.user, ac.pass);
	auth_creds_free(&ac);
	return out;
}

/* base64("user:pass") entries: a=alice:1 b=bob:2 c=carol:3 d=dave:4 */
#define A "\"YWxpY2U6MQ==\""
#define B "\"Ym9iOjI=\""
#define C "\"Y2Fyb2w6Mw==\""
#define D "\"ZGF2ZTo0\""

UNIT_TEST(auth_lookup_order_and_specificity)
{
	setup();
	put("run/containers/auth.json", "{\"auths\":{\"quay.io\":{\"auth\":" A "},"
					"\"quay.io/team\":{\"auth\":" B "},"
					"\"quay.io/team/app\":{\"auth\":" C "}}}");
	put("cfg/containers/auth.json", "{\"auths\":{\"ghcr.io\":{\"auth\":" D "},"
					"\"quay.io\":{\"auth\":" D "}}}");
	put("home/.docker/config.json", "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":" B
					"},\"docker.example\":{},\"old.io\":{\"auth\":" C "}},"
					"\"credsStore\":\"desktop\"}");
	CHECK_STR(look(NULL, "quay.io", "team/app"), "carol/3");
	CHECK_STR(look(NULL, "quay.io", "quay.io/team/app"), "carol/3"); /* full repo works too */
	CHECK_STR(look(NULL, "quay.io", "team/other"), "bob/2");
	CHECK_STR(look(NULL, "quay.io", "solo/x"), "alice/1");
	CHECK_STR(look(NULL, "quay.io", NULL), "alice/1");
	CHECK_STR(look(NULL, "quay.io", "teamx/y"), "alice/1"); /* "quay.io/team" is no prefix */
	CHECK_STR(look(NULL, "ghcr.io", "a/b"), "dave/4");	/* second file */
	CHECK_STR(look(NULL, "docker.io", "library/busybox"), "bob/2"); /* legacy key */
	CHECK_STR(look(NULL, "old.io", NULL), "carol/3");
	CHECK_STR(look(NULL, "docker.example", NULL), "none"); /* an entry without auth */
	CHECK_STR(look(NULL, "nowhere.io", "x"), "none");

	/* DOCKER_CONFIG replaces ~/.docker */
	put("dc/config.json", "{\"auths\":{\"old.io\":{\"auth\":" A "}}}");
	{
		char *p = xasprintf("%s/dc", tmp);
		setenv("DOCKER_CONFIG", p, 1);
		free(p);
	}
	CHECK_STR(look(NULL, "old.io", NULL), "alice/1");
	CHECK_STR(look(NULL, "docker.io", NULL), "none");
	unsetenv("DOCKER_CONFIG");

	/* an explicit file, or $REGISTRY_AUTH_FILE, is the only one read */
	put("only.json", "{\"auths\":{\"ghcr.io\":{\"auth\":" C "}}}");
	{
		char *p = xasprintf("%s/only.json", tmp);
		CHECK_STR(look(p, "ghcr.io", NULL), "carol/3");
		CHECK_STR(look(p, "quay.io", NULL), "none");
		setenv("REGISTRY_AUTH_FILE", p, 1);
		CHECK_STR(look(NULL, "quay.io", NULL), "none");
		CHECK_STR(look(NULL, "ghcr.io", NULL), "carol/3");
		unsetenv("REGISTRY_AUTH_FILE");
		free(p);
	}
}

UNIT_TEST(auth_hostile_files)
{
	const char *r;

	setup();
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":\"!!notbase64\"}}}");
	r = look(NULL, "q.io", NULL);
	CHECK(strstr(r, "ERR: ") == r && strstr(r, "invalid \"auth\" for \"q.io\"") != NULL);
	/* base64 of "nocolon", of ":pw" (empty user), of "a\0b:c" */
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	CHECK(strstr(look(NULL, "q.io", NULL), "invalid \"auth\"") != NULL);
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":\"OnB3\"}}}");
	CHECK(strstr(look(NULL, "q.io", NULL), "invalid \"auth\"") != NULL);
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":\"YQBiOmM=\"}}}");
	CHECK(strstr(look(NULL, "q.io", NULL), "invalid \"auth\"") != NULL);
	/* the secret never shows in the message */
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":\"c2VjcmV0\"}}}");
	r = look(NULL, "q.io", NULL);
	CHECK(strstr(r, "c2VjcmV0") == NULL && strstr(r, "secret") == NULL);
	put("run/containers/auth.json", "{\"auths\":");
	CHECK(strstr(look(NULL, "q.io", NULL), "auth.json: invalid JSON") != NULL);
	put("run/containers/auth.json", "[1,2]");
	CHECK(strstr(look(NULL, "q.io", NULL), "invalid auth file") != NULL);
	put("run/containers/auth.json", "{\"auths\":[]}");
	CHECK(strstr(look(NULL, "q.io", NULL), "\"auths\" must be an object") != NULL);
	/* a credHelpers entry decides: a helper that is not installed is an error */
	put("run/containers/auth.json", "{\"credHelpers\":{\"q.io\":\"warren-none-such\"}}");
	CHECK(strstr(look(NULL, "q.io", NULL),
		     "\"docker-credential-warren-none-such\": executable file not found") != NULL);
	put("run/containers/auth.json", "{\"credHelpers\":{\"q.io\":\"../x\"}}");
	CHECK(strstr(look(NULL, "q.io", NULL), "invalid credential helper name") != NULL);
	put("run/containers/auth.json", "{\"credHelpers\":[]}");
	CHECK(strstr(look(NULL, "q.io", NULL), "\"credHelpers\" must be an object") != NULL);
	/* a credsStore that is not installed is skipped (Podman ignores it) */
	put("run/containers/auth.json", "{\"credsStore\":\"warren-none-such\"}");
	CHECK_STR(look(NULL, "q.io", NULL), "none");
	/* identity tokens: with "auth" (user kept) or alone */
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":\"YWNyOg==\","
					"\"identitytoken\":\"rt-1\"},"
					"\"t.io\":{\"identitytoken\":\"rt-2\"}}}");
	CHECK_STR(look(NULL, "q.io", NULL), "acr/token:rt-1");
	CHECK_STR(look(NULL, "t.io", NULL), "/token:rt-2");
	put("run/containers/auth.json", "{\"auths\":{\"q.io\":{\"auth\":42}}}");
	CHECK_STR(look(NULL, "q.io", NULL), "none");
}

UNIT_TEST(auth_store_and_remove)
{
	struct werr err = {0};
	struct json_object *o;
	char *path, *text, *dir;
	struct stat st;

	setup();
	path = auth_write_path(NULL);
	CHECK(strstr(path, "/run/containers/auth.json") != NULL);
	put("run/containers/auth.json", "{\"auths\":{\"keep.io\":{\"auth\":" A ",\"email\":\"x\"}},"
					"\"credHelpers\":{\"h.io\":\"pass\"},\"unknown\":[1]}");
	CHECK(auth_store(NULL, "quay.io", "u", "p:with:colons", &err) == 0);
	CHECK(auth_store(NULL, "keep.io", "bob", "2", &err) == 0);
	CHECK_STR(look(NULL, "quay.io", NULL), "u/p:with:colons");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	o = jparse(text, "t", &err);
	CHECK(o != NULL);
	CHECK_STR(jstr(jget(jget(o, "auths"), "keep.io"), "email"), "x"); /* unknown fields kept */
	CHECK_STR(jstr(jget(jget(o, "auths"), "keep.io"), "auth"), "Ym9iOjI=");
	CHECK_STR(jstr(jget(o, "credHelpers"), "h.io"), "pass");
	CHECK(jlen(jget(o, "unknown")) == 1);
	json_object_put(o);
	free(text);

	CHECK(auth_store(NULL, "q.io", "a:b", "p", &err) < 0);
	CHECK(strstr(err.msg, "invalid username") != NULL);
	CHECK(auth_store(NULL, "q.io", "", "p", &err) < 0);
	CHECK(auth_store(NULL, "bad key", "u", "p", &err) < 0);

	CHECK(auth_remove(NULL, "nope.io", &err) == 0);
	CHECK(auth_remove(NULL, "quay.io", &err) == 1);
	CHECK_STR(look(NULL, "quay.io", NULL), "none");
	CHECK_STR(look(NULL, "keep.io", NULL), "bob/2");
	CHECK(auth_remove(NULL, NULL, &err) == 1);
	CHECK_STR(look(NULL, "keep.io", NULL), "none");
	CHECK(auth_remove(NULL, NULL, &err) == 0);
	free(path);

	/* a new file in a new directory: 0700 directory, 0600 file */
	path = xasprintf("%s/new/dir/auth.json", tmp);
	CHECK(auth_store(path, "docker.io", "me", "pw", &err) == 0);
	dir = xasprintf("%s/new/dir", tmp);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK_STR(look(path, "docker.io", "library/x"), "me/pw");
	/* logout of docker.io also drops the legacy spelling */
	put("new/dir/auth.json", "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":" A "}}}");
	CHECK(auth_remove(path, "docker.io", &err) == 1);
	CHECK_STR(look(path, "docker.io", NULL), "none");
	/* logout with no file at all: not logged in, nothing created */
	free(path);
	path = xasprintf("%s/absent/auth.json", tmp);
	CHECK(auth_remove(path, "x.io", &err) == 0);
	CHECK(access(path, F_OK) < 0);
	/* a corrupt file is not overwritten */
	put("bad.json", "{oops");
	free(path);
	path = xasprintf("%s/bad.json", tmp);
	CHECK(auth_store(path, "x.io", "u", "p", &err) < 0);
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	CHECK_STR(text, "{oops");
	free(text);
	free(path);
	free(dir);
	rm_rf_at(AT_FDCWD, tmp, &err);
}

UNIT_TEST(auth_write_path_choices)
{
	char *p;

	setup();
	p = auth_write_path("/x/a.json");
	CHECK_STR(p, "/x/a.json");
	free(p);
	setenv("REGISTRY_AUTH_FILE", "/y/b.json", 1);
	p = auth_write_path(NULL);
	CHECK_STR(p, "/y/b.json");
	free(p);
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("XDG_RUNTIME_DIR");
	p = auth_write_path(NULL);
	CHECK(strstr(p, "auth.json") != NULL && p[0] == '/');
	free(p);
}

UNIT_MAIN()
