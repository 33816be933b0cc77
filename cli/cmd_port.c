/* warren port: the published ports of running containers (issue 9),
 * in Podman's lines and errors. */
#include "cli/cli.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PRIVATE_PORT[/PROTO] as a key "80/tcp"; Podman parses the number as a
 * uint16 and takes any protocol word (an unknown one is simply not found) */
static char *port_key(const char *arg, struct werr *err)
{
	const char *slash = strchr(arg, '/');
	cleanup_free char *num = slash ? xstrndup(arg, (size_t)(slash - arg)) : xstrdup(arg);
	char *end;
	unsigned long v;

	if (*num < '0' || *num > '9' || (v = strtoul(num, &end, 10), *end != '\0')) {
		werr_set(err, 0, "strconv.ParseUint: parsing \"%s\": invalid syntax", num);
		return NULL;
	}
	if (v > 65535) {
		werr_set(err, 0, "strconv.ParseUint: parsing \"%s\": value out of range", num);
		return NULL;
	}
	return xasprintf("%lu/%s", v, slash ? slash + 1 : "tcp");
}

/* The lines of one container; prefix for --all (its short id and a tab). */
static int port_one(const struct container_rec *c, const char *arg, const char *prefix,
		    struct werr *err)
{
	cleanup_free struct port_map *maps = NULL;
	cleanup_free char *key = NULL;
	cleanup_strv char **lines = NULL;
	size_t n;

	if (arg && (key = port_key(arg, err)) == NULL)
		return werr_status(err, 125);
	/* Podman lists the ports of running containers only */
	if (c->state != CTR_RUNNING)
		return 0;
	n = ports_of_config(c->config, &maps);
	lines = ports_port_lines(maps, n, key);
	if (key && lines == NULL) {
		werr_set(err, 0, "failed to find published port \"%s\"", arg);
		return werr_status(err, 125);
	}
	for (size_t i = 0; lines && lines[i]; i++)
		printf("%s%s\n", prefix, lines[i]);
	return 0;
}

static int port_all(struct engine *e, struct werr *err)
{
	struct container_rec *list = NULL;
	size_t n = 0;
	int rc = 0;

	if (container_list(e, false, &list, &n, err) < 0)
		return werr_status(err, 125);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char prefix[16];
		snprintf(prefix, sizeof(prefix), "%.12s\t", list[i].id);
		rc = port_one(&list[i], NULL, prefix, err);
	}
	for (size_t i = 0; i < n; i++)
		container_rec_free(&list[i]);
	free(list);
	return rc;
}

int cmd_port(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct all_opts *o = opts;
	struct container_rec c = {0};
	int r, rc;

	if (o->all && args[0]) {
		werr_set(err, 0, "no arguments are needed with --all");
		return werr_status(err, 125);
	}
	if (o->all)
		return port_all(e, err);
	if (args[0] == NULL) {
		werr_set(err, 0, "you must supply a running container name or id");
		return werr_status(err, 125);
	}
	if (args[1] && args[2]) {
		werr_set(err, 0, "`port` accepts at most 2 arguments");
		return werr_status(err, 125);
	}
	r = container_lookup(e, args[0], &c, err);
	if (r == 0)
		container_not_found(args[0], err);
	if (r <= 0)
		return werr_status(err, 125);
	rc = port_one(&c, args[1], "", err);
	container_rec_free(&c);
	return rc;
}
