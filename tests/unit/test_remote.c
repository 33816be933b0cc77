/* Unit tests: the remote client's URIs and the connections kept in the
 * user's containers.conf (cli/remote.c, cli/connection.c; issue 12
 * "Remote client"). Links the whole front end, as test_help does. */
#include "tests/unit/unit.h"

#include "cli/cli.h"
#include "cli/remote.h"
#include "lib/util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static int uri(const char *s, struct remote_uri *u)
{
	struct werr err = {0};

	return remote_uri_parse(s, u, &err);
}

UNIT_TEST(uri_forms)
{
	struct remote_uri u;
	char *s;

	CHECK(uri("ssh://alice@host:2222/run/user/1000/warren/warren.sock", &u) == 0);
	CHECK_STR(u.scheme, "ssh");
	CHECK_STR(u.user, "alice");
	CHECK_STR(u.host, "host");
	CHECK_STR(u.port, "2222");
	CHECK_STR(u.path, "/run/user/1000/warren/warren.sock");
	s = remote_uri_string(&u);
	CHECK_STR(s, "ssh://alice@host:2222/run/user/1000/warren/warren.sock");
	free(s);
	remote_uri_free(&u);
	CHECK(uri("ssh://host", &u) == 0);
	CHECK(u.user == NULL && u.port == NULL && u.path == NULL);
	remote_uri_free(&u);
	CHECK(uri("unix:///tmp/x.sock", &u) == 0);
	CHECK_STR(u.path, "/tmp/x.sock");
	remote_uri_free(&u);
	CHECK(uri("tcp://127.0.0.1:8080", &u) == 0);
	CHECK_STR(u.port, "8080");
	remote_uri_free(&u);
}

UNIT_TEST(uri_refused)
{
	struct remote_uri u;
	struct werr err = {0};

	CHECK(remote_uri_parse("http://x", &u, &err) < 0);
	CHECK_STR(err.msg, "unable to create connection. \"http\" is not a supported schema");
	CHECK(uri("x", &u) < 0);
	CHECK(uri("unix://rel", &u) < 0);
	CHECK(uri("tcp://h", &u) < 0);
	CHECK(uri("tcp://h:1/p", &u) < 0);
	CHECK(uri("ssh://", &u) < 0);
	CHECK(uri("ssh://u@:22", &u) < 0);
	CHECK(uri("ssh://h:0", &u) < 0);
	CHECK(uri("ssh://h:65536", &u) < 0);
	CHECK(uri("ssh://h:2x", &u) < 0);
}

/* add then remove: the user's file comes back byte for byte */
UNIT_TEST(conf_edit_keeps_the_rest)
{
	char dir[] = "/tmp/warren-unit-XXXXXX", path[256];
	const char orig[] = "# mine\n[containers]\nlog_size_max = 10000\n\n[engine]\n# keep me\n"
			    "events_logger = \"file\"\n[network]\ndefault_network = \"x\"\n";
	struct werr err = {0};
	struct engine e = {0};
	bool all = true;
	char *text, *u = NULL, *id = NULL;
	char *add[] = {"a", "unix:///tmp/a.sock", NULL};

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/containers", dir);
	CHECK(mkdir_p(path, 0700, &err) == 0);
	snprintf(path, sizeof(path), "%s/containers/containers.conf", dir);
	/* the file Podman (and warren) edit when CONTAINERS_CONF is set: never
	 * the user's or /etc's from a unit test */
	setenv("CONTAINERS_CONF", path, 1);
	CHECK(write_file_atomic_at(AT_FDCWD, path, orig, strlen(orig), 0644, &err) == 0);
	{
		struct {
			const char *identity, *socket_path;
			int port;
			bool is_default;
		} o = {0};
		CHECK(cmd_connection_add(&e, &o, add, &err) == 0);
	}
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	CHECK(text && strstr(text, "# keep me\n") && strstr(text, "active_service = \"a\""));
	CHECK(text &&
	      strstr(text, "[engine.service_destinations.a]\n  uri = \"unix:///tmp/a.sock\""));
	free(text);
	CHECK(remote_lookup_connection(NULL, &u, &id, &err) == 1);
	CHECK_STR(u, "unix:///tmp/a.sock");
	CHECK(id == NULL);
	free(u);
	CHECK(remote_lookup_connection("b", &u, &id, &err) < 0);
	CHECK_STR(err.msg,
		  "failed to resolve active destination: \"b\" service destination not found");
	err = (struct werr){0};
	char *none[] = {NULL};
	CHECK(cmd_connection_rm(&e, &all, none, &err) == 0);
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	CHECK_STR(text, orig);
	free(text);
	/* connections as an inline table: refused, the file untouched */
	const char inl[] = "[engine]\nservice_destinations = { x = { uri = \"unix:///x\" } }\n";
	CHECK(write_file_atomic_at(AT_FDCWD, path, inl, strlen(inl), 0644, &err) == 0);
	CHECK(cmd_connection_rm(&e, &all, none, &err) < 0);
	CHECK(strstr(err.msg, "cannot edit") != NULL);
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	CHECK_STR(text, inl);
	free(text);
	unlink(path);
	unsetenv("CONTAINERS_CONF");
	snprintf(path, sizeof(path), "%s/containers", dir);
	rmdir(path);
	rmdir(dir);
}

UNIT_MAIN()
