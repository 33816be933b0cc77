/* connection.c - `warren system connection add|list|remove|default|rename`
 * and the lookup of --connection NAME (issue 12, "Remote client"). The
 * connections live where Podman 4.x keeps them, in the user's
 * containers.conf: [engine] active_service = "NAME" and one
 * [engine.service_destinations.NAME] table (uri, identity) each, so that
 * podman and warren read each other's. The file is edited in place: the
 * rest of it (other tables, comments) stays as the user wrote it, and an
 * edit that would change anything else is refused. */
#include "cli/cli.h"
#include "cli/format.h"
#include "cli/remote.h"
#include "engine/config.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/toml.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The file Podman writes connections to: CONTAINERS_CONF, else the
 * user's ($XDG_CONFIG_HOME or ~/.config)/containers/containers.conf,
 * /etc/containers/containers.conf for root. malloc'd. */
static char *conn_file(void)
{
	const char *env = getenv("CONTAINERS_CONF"), *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (env && *env)
		return xstrdup(env);
	if (geteuid() == 0)
		return xstrdup("/etc/containers/containers.conf");
	if (x && x[0] == '/')
		return xasprintf("%s/containers/containers.conf", x);
	if ((home == NULL || home[0] != '/') && (pw = getpwuid(geteuid())) != NULL)
		home = pw->pw_dir;
	return xasprintf("%s/.config/containers/containers.conf", home ? home : "");
}

struct conns {
	char *path;
	char *text;		   /* the file as read ("" when missing) */
	struct json_object *doc;   /* all of it, parsed */
	struct json_object *dests; /* engine.service_destinations (borrowed; may be NULL) */
	const char *active;	   /* engine.active_service, NULL when unset */
};

static void conns_free(struct conns *c)
{
	free(c->path);
	free(c->text);
	json_object_put(c->doc);
}

static int conns_load(struct conns *c, struct werr *err)
{
	struct json_object *engine;

	*c = (struct conns){.path = conn_file()};
	c->text = read_file_at(AT_FDCWD, c->path, NULL, err);
	if (c->text == NULL && err->errnum != ENOENT)
		return -1;
	if (c->text == NULL) {
		*err = (struct werr){0};
		c->text = xstrdup("");
	}
	if (toml_parse(c->text, strlen(c->text), &c->doc, err) < 0)
		return werr_wrap(err, "%s", c->path);
	engine = jget(c->doc, "engine");
	c->dests = jget(engine, "service_destinations");
	if (!json_object_is_type(c->dests, json_type_object))
		c->dests = NULL;
	c->active = jstr(engine, "active_service");
	return 0;
}

/* The header of a table line ("[a.b]" -> "a.b", quotes kept), NULL when
 * the line is no table header. */
static char *header_of(const char *line)
{
	const char *p = line + strspn(line, " \t");
	size_t n;

	if (*p != '[')
		return NULL;
	p += p[1] == '[' ? 2 : 1;
	n = strcspn(p, "]");
	if (p[n] != ']')
		return NULL;
	char *h = xstrndup(p, n), *o = h;
	for (char *s = h; *s; s++) /* "a . b" -> "a.b" */
		if (!isspace((unsigned char)*s))
			*o++ = *s;
	*o = '\0';
	return h;
}

static bool is_dest_table(const char *h)
{
	return strcmp(h, "engine.service_destinations") == 0 ||
	       str_has_prefix(h, "engine.service_destinations.");
}

/* text without active_service and the service_destinations tables; *engine_at
 * gets the offset just past the [engine] header line (-1 when none). */
static char *strip_conns(const char *text, long *engine_at)
{
	struct sbuf_lite {
		char *s;
		size_t n;
	} out = {xstrdup(""), 0};
	bool skip = false, in_engine = false;

	*engine_at = -1;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		cleanup_free char *line = xstrndup(l, len);
		cleanup_free char *h = header_of(line);
		const char *k = line + strspn(line, " \t");
		bool drop;

		if (h) {
			skip = is_dest_table(h);
			in_engine = strcmp(h, "engine") == 0;
		}
		drop = skip || (in_engine && !h && str_has_prefix(k, "active_service") &&
				strchr(" \t=", k[14]));
		if (!drop) {
			out.s = xrealloc(out.s, out.n + len + 2);
			memcpy(out.s + out.n, l, len);
			out.n += len;
			out.s[out.n++] = '\n';
			out.s[out.n] = '\0';
			if (h && in_engine && *engine_at < 0)
				*engine_at = (long)out.n;
		}
		l += len + (l[len] == '\n');
	}
	return out.s;
}

/* A key as TOML wants it: bare when it can be, else quoted. */
static char *toml_key(const char *k)
{
	if (*k && strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
		      strlen(k))
		return xstrdup(k);
	return toml_quote(k);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the destinations, sorted (a new vector; NULL when none). */
static char **dest_names(struct json_object *dests)
{
	char **v = NULL;

	if (!json_object_is_type(dests, json_type_object))
		return NULL;
	json_object_object_foreach(dests, k, val)
	{
		(void)val;
		v = strv_append(v, k);
	}
	if (v)
		qsort(v, strv_len(v), sizeof(*v), cmp_str);
	return v;
}

/* A copy of doc without the connection keys (to compare the rest). */
static struct json_object *without_conns(struct json_object *doc)
{
	struct json_object *d = NULL, *engine;

	json_object_deep_copy(doc, &d, NULL);
	engine = jget(d, "engine");
	if (engine) {
		json_object_object_del(engine, "active_service");
		json_object_object_del(engine, "service_destinations");
		if (json_object_object_length(engine) == 0)
			json_object_object_del(d, "engine");
	}
	return d;
}

/* Does doc hold the connections meant (their names and the default)?
 * Not when the file had them somewhere the edit does not reach. */
static bool conns_as_meant(struct json_object *doc, struct json_object *dests, const char *active)
{
	struct json_object *engine = jget(doc, "engine");
	const char *now = jstr(engine, "active_service");
	cleanup_strv char **want = dest_names(dests),
			  **have = dest_names(jget(engine, "service_destinations"));
	size_t n = strv_len(want);

	if ((now == NULL) != (active == NULL) || (now && strcmp(now, active) != 0) ||
	    strv_len(have) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(want[i], have[i]) != 0)
			return false;
	return true;
}

/* Writes c's file with dests and active (NULL: unset) as its connections. */
static int conns_save(struct conns *c, struct json_object *dests, const char *active,
		      struct werr *err)
{
	long at;
	cleanup_free char *base = strip_conns(c->text, &at), *tables = xstrdup("");
	cleanup_free char *text = NULL, *act = NULL, *dir = xstrdup(c->path);
	cleanup_strv char **names = dest_names(dests);
	cleanup_json struct json_object *doc = NULL, *a = NULL, *b = NULL;
	char *slash;

	for (size_t i = 0; names && names[i]; i++) {
		struct json_object *d = jget(dests, names[i]);
		const char *ident = jstr(d, "identity");
		cleanup_free char *k = toml_key(names[i]), *u = toml_quote(jstr(d, "uri"));
		cleanup_free char *id = ident && *ident ? toml_quote(ident) : NULL;
		cleanup_free char *idl = id ? xasprintf("  identity = %s\n", id) : NULL;
		char *t = xasprintf(
		    "%s[engine.service_destinations.%s]\n  uri = %s\n%s%s", tables, k, u,
		    idl ? idl : "",
		    json_object_get_boolean(jget(d, "is_machine")) ? "  is_machine = true\n" : "");
		free(tables);
		tables = t;
	}
	if (active) {
		cleanup_free char *q = toml_quote(active);
		act = xasprintf("  active_service = %s\n", q);
	}
	if (at >= 0)
		text = xasprintf("%.*s%s%s%s", (int)at, base, act ? act : "", base + at, tables);
	else
		text = xasprintf("%s%s%s%s%s", base, act ? "[engine]\n" : "", act ? act : "",
				 *base && *tables ? "\n" : "", tables);
	/* nothing but the connections may change */
	if (toml_parse(text, strlen(text), &doc, err) < 0)
		return werr_wrap(err, "cannot edit '%s' safely", c->path);
	a = without_conns(c->doc);
	b = without_conns(doc);
	if (!json_object_equal(a, b) || !conns_as_meant(doc, dests, active))
		return werr_set(err, 0,
				"cannot edit '%s' safely: its connections are not in "
				"[engine.service_destinations.NAME] tables",
				c->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0755, err) < 0)
			return -1;
	}
	return write_file_atomic_at(AT_FDCWD, c->path, text, strlen(text), 0644, err);
}

int remote_lookup_connection(const char *name, char **uri, char **identity, struct werr *err)
{
	struct conns c;
	struct json_object *d;

	if (conns_load(&c, err) < 0)
		return werr_status(err, 125);
	if (name == NULL)
		name = c.active;
	d = name ? jget(c.dests, name) : NULL;
	if (name == NULL) {
		conns_free(&c);
		return 0;
	}
	if (d == NULL || jstr(d, "uri") == NULL) {
		werr_set(
		    err, 0,
		    "failed to resolve active destination: \"%s\" service destination not found",
		    name);
		conns_free(&c);
		return werr_status(err, 125);
	}
	*uri = xstrdup(jstr(d, "uri"));
	*identity =
	    jstr(d, "identity") && *jstr(d, "identity") ? xstrdup(jstr(d, "identity")) : NULL;
	conns_free(&c);
	return 1;
}

/* ---- the commands ---- */

struct conn_add_opts {
	const char *identity, *socket_path;
	int port;
	bool is_default;
};

static const struct opt conn_add_tab[] = {
    OPT_STR("identity", 0, struct conn_add_opts, identity),
    OPT_STR("socket-path", 0, struct conn_add_opts, socket_path),
    OPT_UINT("port", 'p', struct conn_add_opts, port),
    OPT_BOOL("default", 'd', struct conn_add_opts, is_default),
    OPT_TABLE_END,
};
const struct optspec cli_conn_add_opts = {conn_add_tab, sizeof(struct conn_add_opts), false, NULL,
					  NULL};

static int want_args(char **args, size_t n, struct werr *err)
{
	if (strv_len(args) == n)
		return 0;
	werr_set(err, 0, "accepts %zu arg(s), received %zu", n, strv_len(args));
	return werr_status(err, 125);
}

/* The URI to store for DESTINATION: user@host means ssh://user@host; an
 * ssh one without a path asks the remote warren for its socket. */
static char *add_uri(const char *dest, const struct conn_add_opts *o, const char *identity,
		     struct werr *err)
{
	cleanup_free char *full = strstr(dest, "://") ? xstrdup(dest) : xasprintf("ssh://%s", dest);
	struct remote_uri u;
	char *out = NULL;

	if (remote_uri_parse(full, &u, err) < 0)
		return NULL;
	if (strcmp(u.scheme, "ssh") == 0) {
		if (u.port == NULL && o->port && o->port != 22)
			u.port = xasprintf("%d", o->port);
		if (u.path == NULL && o->socket_path)
			u.path = xstrdup(o->socket_path);
		if (u.path == NULL && remote_ssh_socket(&u, identity, &u.path, err) < 0) {
			remote_uri_free(&u);
			return NULL;
		}
		out = remote_uri_string(&u);
	} else {
		out = xstrdup(full);
	}
	remote_uri_free(&u);
	return out;
}

/* system connection add [--identity KEY] [-p PORT] [--socket-path P] [-d] NAME DESTINATION */
int cmd_connection_add(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct conn_add_opts *o = opts;
	cleanup_free char *uri = NULL, *ident = NULL;
	struct json_object *dests, *d;
	struct conns c;
	int rc;

	if (want_args(args, 2, err) < 0)
		return -1;
	if (o->identity) {
		ident = realpath(o->identity, NULL);
		if (ident == NULL)
			return werr_set(err, errno, "identity '%s'", o->identity),
			       werr_status(err, 125);
	}
	if ((uri = add_uri(args[1], o, ident, err)) == NULL || conns_load(&c, err) < 0)
		return werr_status(err, 125);
	dests = c.dests ? json_object_get(c.dests) : json_object_new_object();
	d = json_object_new_object();
	jset_str(d, "uri", uri);
	if (ident)
		jset_str(d, "identity", ident);
	json_object_object_add(dests, args[0], d);
	/* the first connection becomes the default, as Podman's */
	rc = conns_save(&c, dests, o->is_default || c.active == NULL ? args[0] : c.active, err);
	json_object_put(dests);
	conns_free(&c);
	return rc < 0 ? werr_status(err, 125) : 0;
}

struct conn_ls_opts {
	const char *format;
	bool quiet;
};

static const struct opt conn_ls_tab[] = {
    OPT_STR("format", 'f', struct conn_ls_opts, format),
    OPT_BOOL("quiet", 'q', struct conn_ls_opts, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_conn_ls_opts = {conn_ls_tab, sizeof(struct conn_ls_opts), false, NULL,
					 NULL};

/* system connection list [--format F] [-q]: Podman's columns and JSON */
int cmd_connection_ls(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct conn_ls_opts *o = opts;
	struct conns c;
	cleanup_strv char **names = NULL;
	struct json_object **objs;
	size_t n;

	if (want_args(args, 0, err) < 0 || conns_load(&c, err) < 0)
		return werr_status(err, 125);
	names = dest_names(c.dests);
	n = strv_len(names);
	objs = xcalloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = jget(c.dests, names[i]), *j = json_object_new_object();
		jset_str(j, "Name", names[i]);
		jset_str(j, "URI", jstr(d, "uri") ? jstr(d, "uri") : "");
		jset_str(j, "Identity", jstr(d, "identity") ? jstr(d, "identity") : "");
		jset(j, "IsMachine",
		     json_object_new_boolean(json_object_get_boolean(jget(d, "is_machine"))));
		jset(j, "Default",
		     json_object_new_boolean(c.active && strcmp(c.active, names[i]) == 0));
		objs[i] = j;
	}
	conns_free(&c);
	if (o->quiet || o->format) {
		const char *f = o->quiet ? "{{.Name}}" : o->format;
		return format_print_owned(stdout, f, objs, n, NULL, err) < 0 ? werr_status(err, 125)
									     : 0;
	}
	struct table *t = table_new(4);
	table_add(t, (const char *const[]){"Name", "URI", "Identity", "Default"});
	for (size_t i = 0; i < n; i++)
		table_add(
		    t, (const char *const[]){
			   jstr(objs[i], "Name"), jstr(objs[i], "URI"), jstr(objs[i], "Identity"),
			   json_object_get_boolean(jget(objs[i], "Default")) ? "true" : "false"});
	table_print(t, stdout);
	table_free(t);
	for (size_t i = 0; i < n; i++)
		json_object_put(objs[i]);
	free(objs);
	return 0;
}

struct conn_rm_opts {
	bool all;
};

static const struct opt conn_rm_tab[] = {
    OPT_BOOL("all", 'a', struct conn_rm_opts, all),
    OPT_TABLE_END,
};
const struct optspec cli_conn_rm_opts = {conn_rm_tab, sizeof(struct conn_rm_opts), false, NULL,
					 NULL};

/* system connection remove [-a] NAME: a name that is not there is no
 * error (Podman's); the default moves to the first one left */
int cmd_connection_rm(struct engine *e, void *opts, char **args, struct werr *err)
{
	bool all = ((const struct conn_rm_opts *)opts)->all;
	cleanup_json struct json_object *dests = NULL;
	cleanup_strv char **left = NULL;
	const char *active;
	struct conns c;
	int rc;

	if (!all && want_args(args, 1, err) < 0)
		return -1;
	if (all && want_args(args, 0, err) < 0)
		return -1;
	if (conns_load(&c, err) < 0)
		return werr_status(err, 125);
	dests = c.dests && !all ? json_object_get(c.dests) : json_object_new_object();
	if (!all)
		json_object_object_del(dests, args[0]);
	left = dest_names(dests);
	active = c.active && jget(dests, c.active) ? c.active : left ? left[0] : NULL;
	rc = conns_save(&c, dests, active, err);
	conns_free(&c);
	return rc < 0 ? werr_status(err, 125) : 0;
}

static int undefined(const char *name, struct werr *err)
{
	werr_set(err, 0,
		 "\"%s\" destination is not defined. See \"warren system connection add ...\" to "
		 "create a connection",
		 name);
	return werr_status(err, 125);
}

/* system connection default NAME */
int cmd_connection_default(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct conns c;
	int rc;

	if (want_args(args, 1, err) < 0 || conns_load(&c, err) < 0)
		return werr_status(err, 125);
	if (jget(c.dests, args[0]) == NULL) {
		conns_free(&c);
		return undefined(args[0], err);
	}
	rc = conns_save(&c, c.dests, args[0], err);
	conns_free(&c);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* system connection rename OLD NEW (the default follows) */
int cmd_connection_rename(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct json_object *d;
	struct conns c;
	int rc;

	if (want_args(args, 2, err) < 0 || conns_load(&c, err) < 0)
		return werr_status(err, 125);
	if ((d = jget(c.dests, args[0])) == NULL) {
		conns_free(&c);
		return undefined(args[0], err);
	}
	json_object_object_add(c.dests, args[1], json_object_get(d));
	if (strcmp(args[0], args[1]) != 0)
		json_object_object_del(c.dests, args[0]);
	rc = conns_save(&c, c.dests,
			c.active && strcmp(c.active, args[0]) == 0 ? args[1] : c.active, err);
	conns_free(&c);
	return rc < 0 ? werr_status(err, 125) : 0;
}
