/* warren info, version, unshare, system migrate */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "rootless/syscheck.h"
#include "runtime/ctrbridge.h"
#include "runtime/storecheck.h"
#include "runtime/container.h"
#include "runtime/ctr_sqsh.h"
#include "runtime/sys_json.h"
#include "lib/json.h"
#include "storage/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- `info` as Podman prints it: YAML, keys sorted ---- */

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A string as a YAML plain scalar when it reads back as the same string,
 * else quoted ("12" and "" double, text with ": " or " #" single). */
static void yaml_string(FILE *out, const char *s)
{
	char *end;
	bool word = strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "null") == 0;

	(void)!strtod(s, &end);
	if (*s == '\0' || word || (*end == '\0' && end != s)) {
		fprintf(out, "\"%s\"", s);
	} else if (strstr(s, ": ") || strstr(s, " #") || strchr("'\"{}[]&*!|>%@`-?:,#", *s) ||
		   s[strlen(s) - 1] == ':' || s[strlen(s) - 1] == ' ') {
		fputc('\'', out);
		for (; *s; s++)
			fprintf(out, *s == '\'' ? "''" : "%c", *s);
		fputc('\'', out);
	} else {
		fputs(s, out);
	}
}

static void yaml_map(FILE *out, struct json_object *o, int indent, bool list_item);

/* The value after "key:" (the key already printed at indent). */
static void yaml_value(FILE *out, struct json_object *v, int indent)
{
	enum json_type t = json_object_get_type(v);

	if (t == json_type_null) {
		fputs(" null\n", out);
	} else if (t == json_type_object && json_object_object_length(v) == 0) {
		fputs(" {}\n", out);
	} else if (t == json_type_array && json_object_array_length(v) == 0) {
		fputs(" []\n", out);
	} else if (t == json_type_object) {
		fputs("\n", out);
		yaml_map(out, v, indent + 2, false);
	} else if (t == json_type_array) {
		fputs("\n", out);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *it = json_object_array_get_idx(v, i);
			if (json_object_is_type(it, json_type_object) &&
			    json_object_object_length(it) > 0) {
				fprintf(out, "%*s- ", indent, "");
				yaml_map(out, it, indent + 2, true);
			} else {
				fprintf(out, "%*s-", indent, "");
				yaml_value(out, it, indent + 2);
			}
		}
	} else if (t == json_type_string && strchr(json_object_get_string(v), '\n')) {
		const char *s = json_object_get_string(v);
		fputs(" |-\n", out);
		while (*s) {
			size_t n = strcspn(s, "\n");
			fprintf(out, "%*s%.*s\n", indent + 2, "", (int)n, s);
			s += n + (s[n] == '\n');
		}
	} else if (t == json_type_string) {
		fputc(' ', out);
		yaml_string(out, json_object_get_string(v));
		fputc('\n', out);
	} else {
		fprintf(out, " %s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
}

/* A map's keys sorted; a list item's first key follows its "- ". */
static void yaml_map(FILE *out, struct json_object *o, int indent, bool list_item)
{
	size_t n = 0, len = (size_t)json_object_object_length(o);
	cleanup_free const char **keys = xcalloc(len + 1, sizeof(char *));

	json_object_object_foreach(o, k, val)
	{
		(void)val;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(char *), cmp_key);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%*s%s:", list_item && i == 0 ? 0 : indent, "", keys[i]);
		yaml_value(out, json_object_object_get(o, keys[i]), indent);
	}
}

static const struct opt format_tab[] = {
    OPT_STR("format", 'f', struct format_opts, format),
    OPT_TABLE_END,
};
const struct optspec cli_format_opts = {format_tab, sizeof(struct format_opts), false, NULL, NULL};

int cmd_info(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_json struct json_object *info = sys_json_info(e, WARREN_VERSION, err);
	const char *fmt = ((const struct format_opts *)opts)->format;

	if (info == NULL)
		return -1;
	if (fmt == NULL) {
		yaml_map(stdout, info, 0, false);
		return 0;
	}
	if (strcmp(fmt, "json") == 0) {
		print_json(stdout, info);
		return 0;
	}
	return format_print(stdout, fmt, &info, 1, NULL, err) < 0 ? werr_status(err, 125) : 0;
}

/* Podman: `--format json` prints {"Client": VERSION}, a template sees
 * VERSION itself ({{.Version}}), the default is its text block. */
int cmd_version(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_json struct json_object *v = sys_json_version(WARREN_VERSION);
	const char *fmt = ((const struct format_opts *)opts)->format;
	cleanup_free char *out = NULL;

	if (fmt && strcmp(fmt, "json") == 0) {
		cleanup_json struct json_object *w = json_object_new_object();
		json_object_object_add(w, "Client", json_object_get(v));
		print_json(stdout, w);
		return 0;
	}
	if (fmt) {
		/* Podman's template sees the client's fields both at the top
		 * ({{.Version}}) and under Client ({{.Client.Version}}) */
		cleanup_json struct json_object *t = json_object_new_object();
		json_object_object_foreach(v, k, val)
		{
			json_object_object_add(t, k, json_object_get(val));
		}
		json_object_object_add(t, "Client", json_object_get(v));
		out = template_render(fmt, t, err); /* one object, no range: Podman's columns */
		if (out == NULL)
			return werr_status(err, 125);
		printf("%s%s", out, str_has_suffix(out, "\n") ? "" : "\n");
		return 0;
	}
	printf("Client:       warren\n");
	printf("Version:      %s\n", jstr(v, "Version"));
	printf("API Version:  %s\n", jstr(v, "APIVersion"));
	printf("Built:        %s\n", jstr(v, "BuiltTime"));
	printf("OS/Arch:      %s\n", jstr(v, "OsArch"));
	return 0;
}

/* unshare [--] [COMMAND...]: everything after the flags is the command */
const struct optspec cli_unshare_opts = {NULL, 0, true, NULL, NULL};

int cmd_unshare(struct engine *e, void *opts, char **args, struct werr *err)
{
	char **cmd = args;
	char *shell[] = {getenv("SHELL") ? getenv("SHELL") : "/bin/sh", NULL};

	if (!e->rootless) {
		werr_set(err, 0,
			 "please use unshare with rootless: as root there is no user namespace to "
			 "enter");
		return werr_status(err, 125);
	}
	if (*cmd == NULL)
		cmd = shell;
	setenv("CONTAINERS_GRAPHROOT", e->root, 1);
	setenv("CONTAINERS_RUNROOT", e->runroot, 1);
	setenv("WARREN_UNSHARE", "1", 1);
	engine_free(e);
	fflush(stdout);
	execvp(cmd[0], cmd);
	werr_set(err, errno, "exec '%s'", cmd[0]);
	return werr_status(err, errno == ENOENT ? 127 : 126);
}

/* True once the process of c is gone (reaped by the command that runs the
 * container, its owner, which records the exit), waiting until deadline. */
static bool ctr_gone(const struct container_rec *c, int64_t deadline)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	while (c->pid > 0 && proc_start_time(c->pid) == c->pid_start) {
		if (now_ns() >= deadline)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

/* Stops the n running containers of v and keeps their records, as `podman
 * stop` does: SIGTERM to all, SIGKILL to those still running after
 * timeout seconds. */
static int stop_containers(const struct container_rec *v, size_t n, int timeout, struct werr *err)
{
	int64_t deadline = now_ns() + timeout * 1000000000LL;

	for (size_t i = 0; i < n; i++) {
		if (!ctr_gone(&v[i], 0) && kill(v[i].pid, SIGTERM) < 0 && errno != ESRCH)
			return werr_set(err, errno, "stop container %s", v[i].name);
	}
	for (size_t i = 0; i < n; i++) {
		if (!ctr_gone(&v[i], deadline))
			kill(v[i].pid, SIGKILL);
	}
	deadline = now_ns() + 5 * 1000000000LL;
	for (size_t i = 0; i < n; i++) {
		if (!ctr_gone(&v[i], deadline))
			return werr_set(err, EBUSY, "stop container %s", v[i].name);
	}
	return 0;
}

/* Runs in a child of `system migrate`: joins the pause process (when one
 * runs) and stops the running containers of this store. */
static int migrate_stop_all(struct engine *e, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0;
	int rc = pause_enter(e, err);

	if (rc <= 0)
		return rc;
	if (engine_store(e, err) == NULL || container_list(e, false, &v, &n, err) < 0)
		return -1;
	rc = stop_containers(v, n, 10, err); /* Podman's default stop timeout */
	container_recs_free(v, n);
	/* shared squashfuse mounts: their processes live in the namespace */
	ctr_sqsh_reap(e, true);
	return rc;
}

/* Containers keep running after their pause process is gone, but their
 * mounts and ids are then out of every later command's reach (issue 5 item
 * 11): stop them first, as Podman's `system migrate` does. A child does it
 * inside the namespace, so that this process stays outside to stop the
 * pause process (pause_stop). Containers of other stores are not known
 * here: pause_stop refuses while they run. */
int cmd_migrate(struct engine *e, void *opts, char **args, struct werr *err)
{
	int sp[2], status = 0, rc;
	pid_t pid;

	if (!e->rootless)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return werr_set(err, errno, "socketpair");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return werr_set(err, errno, "fork");
	}
	if (pid == 0) {
		struct werr cerr = {0};
		close(sp[0]);
		if (migrate_stop_all(e, &cerr) < 0) {
			werr_send(sp[1], &cerr);
			_exit(1);
		}
		_exit(0);
	}
	close(sp[1]);
	rc = werr_recv(sp[0], err);
	close(sp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc != 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return werr_set(err, 0, "stop the running containers: the process doing it failed");
	return pause_stop(e, err);
}

/* ---- system check ---- */

static void print_checks_json(const struct checks *c, const int count[3])
{
	cleanup_json struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct check_result *r = &c->v[i];
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "name", json_object_new_string(r->name));
		json_object_object_add(j, "status",
				       json_object_new_string(check_status_name(r->status)));
		json_object_object_add(j, "message", json_object_new_string(r->msg));
		json_object_object_add(j, "fix", r->fix ? json_object_new_string(r->fix) : NULL);
		json_object_array_add(list, j);
	}
	json_object_object_add(o, "checks", list);
	json_object_object_add(o, "ok", json_object_new_int(count[CHECK_OK]));
	json_object_object_add(o, "warn", json_object_new_int(count[CHECK_WARN]));
	json_object_object_add(o, "fail", json_object_new_int(count[CHECK_FAIL]));
	print_json(stdout, o);
}

struct syscheck_opts {
	char *format;
	bool repair, host_only;
};

static const struct opt syscheck_tab[] = {
    OPT_STR("format", 'f', struct syscheck_opts, format),
    OPT_BOOL("repair", 'r', struct syscheck_opts, repair),
    OPT_BOOL("host", 0, struct syscheck_opts, host_only),
    OPT_TABLE_END,
};
const struct optspec cli_syscheck_opts = {syscheck_tab, sizeof(struct syscheck_opts), false, NULL,
					  NULL};

/* The host checks first (outside the user namespace), then, unless one
 * of them failed in a way that keeps warren from joining or opening the
 * store, the store's. */
int cmd_syscheck(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct syscheck_opts *o = opts;
	struct checks c = {.e = e, .repair = o->repair};
	int count[3] = {0, 0, 0};

	if (o->format != NULL && strcmp(o->format, "json") != 0) {
		werr_set(err, 0, "unsupported format '%s': use json", o->format);
		return werr_status(err, 125);
	}
	if (args[0] != NULL) {
		werr_set(err, 0, "`warren system check` takes no arguments");
		return werr_status(err, 125);
	}
	syscheck_host(&c);
	ctrbridge_check(e, &c);
	if (!o->host_only) {
		struct werr serr = {0};
		if (paths_create(e, &serr) < 0 || cli_ready(e, &serr) < 0) {
			struct check_result *r = check_add(&c, "store");
			check_set(r, CHECK_FAIL, "cannot open the store in %s: %s", e->root,
				  serr.msg);
			check_fix(r, "fix what the checks above say, or use another --root");
		} else {
			storecheck_run(&c);
		}
	}
	for (size_t i = 0; i < c.n; i++)
		count[c.v[i].status]++;
	if (o->format != NULL) {
		print_checks_json(&c, count);
	} else {
		for (size_t i = 0; i < c.n; i++) {
			printf("%-5s %-20s %s\n", check_status_name(c.v[i].status), c.v[i].name,
			       c.v[i].msg);
			if (c.v[i].fix != NULL)
				printf("%-26s fix: %s\n", "", c.v[i].fix);
		}
		printf("%d ok, %d warn, %d fail\n", count[CHECK_OK], count[CHECK_WARN],
		       count[CHECK_FAIL]);
	}
	checks_free(&c);
	return count[CHECK_FAIL] ? 1 : 0;
}
