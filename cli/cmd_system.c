/* warren info, version, unshare, system migrate */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "runtime/container.h"
#include "storage/driver.h"
#include "storage/store.h"
#include "userns/idmap.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json_c_version.h>
#include <seccomp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct json_object *idmap_json(const char *file)
{
	struct json_object *a = json_object_new_array();
	struct idmap m[64];
	cleanup_free char *text = read_file_at(AT_FDCWD, file, NULL, NULL);
	int n = text ? idmap_parse(text, m, 64) : 0;

	for (int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "container_id", json_object_new_int64(m[i].inner));
		json_object_object_add(o, "host_id", json_object_new_int64(m[i].outer));
		json_object_object_add(o, "size", json_object_new_int64(m[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *info_host(struct engine *e)
{
	struct json_object *h = json_object_new_object(), *ids = json_object_new_object();
	struct json_object *sec = json_object_new_object();
	struct utsname u;
	const struct scmp_version *sv = seccomp_version();

	uname(&u);
	json_object_object_add(h, "arch", json_object_new_string(u.machine));
	json_object_object_add(h, "os", json_object_new_string("linux"));
	json_object_object_add(h, "kernel", json_object_new_string(u.release));
	json_object_object_add(h, "hostname", json_object_new_string(u.nodename));
	json_object_object_add(ids, "uidmap", idmap_json("/proc/self/uid_map"));
	json_object_object_add(ids, "gidmap", idmap_json("/proc/self/gid_map"));
	json_object_object_add(h, "idMappings", ids);
	json_object_object_add(sec, "rootless", json_object_new_boolean(e->rootless));
	json_object_object_add(sec, "singleUidMapping", json_object_new_boolean(e->single_uid));
	json_object_object_add(sec, "seccompEnabled", json_object_new_boolean(true));
	{
		char v[32];
		snprintf(v, sizeof(v), "%u.%u.%u", sv->major, sv->minor, sv->micro);
		json_object_object_add(sec, "libseccompVersion", json_object_new_string(v));
	}
	json_object_object_add(h, "security", sec);
	json_object_object_add(h, "runtimeDir", json_object_new_string(e->userrun));
	json_object_object_add(h, "pausePid", json_object_new_int(pause_pid(e)));
	{
		struct json_object *rt = json_object_new_object();
		json_object_object_add(rt, "name", json_object_new_string("warren (built-in)"));
		json_object_object_add(rt, "version", json_object_new_string(WARREN_VERSION));
		json_object_object_add(h, "ociRuntime", rt);
	}
	return h;
}

static struct json_object *info_store(struct engine *e, struct werr *err)
{
	struct json_object *s = json_object_new_object(), *is = json_object_new_object();
	struct json_object *cs = json_object_new_object();
	enum storage_driver d;
	struct image_rec *imgs = NULL;
	struct container_rec *ctrs = NULL;
	size_t ni = 0, nc = 0, running = 0;

	if (driver_choose(e, &d, err) < 0) {
		json_object_put(s);
		return NULL;
	}
	json_object_object_add(s, "graphDriverName", json_object_new_string(driver_name(d)));
	json_object_object_add(s, "graphRoot", json_object_new_string(e->root));
	json_object_object_add(s, "runRoot", json_object_new_string(e->runroot));
	if (store_image_list(e->store, &imgs, &ni, err) == 0)
		image_recs_free(imgs, ni);
	if (container_list(e, true, &ctrs, &nc, err) == 0) {
		for (size_t i = 0; i < nc; i++)
			running += ctrs[i].state == CTR_RUNNING;
		container_recs_free(ctrs, nc);
	}
	json_object_object_add(is, "number", json_object_new_int64((int64_t)ni));
	json_object_object_add(s, "imageStore", is);
	json_object_object_add(cs, "number", json_object_new_int64((int64_t)nc));
	json_object_object_add(cs, "running", json_object_new_int64((int64_t)running));
	json_object_object_add(cs, "stopped", json_object_new_int64((int64_t)(nc - running)));
	json_object_object_add(s, "containerStore", cs);
	return s;
}

static struct json_object *info_version(void)
{
	struct json_object *v = json_object_new_object();

	json_object_object_add(v, "Version", json_object_new_string(WARREN_VERSION));
	json_object_object_add(v, "SQLite", json_object_new_string(sqlite3_libversion()));
	json_object_object_add(v, "JSONC", json_object_new_string(json_c_version()));
	json_object_object_add(v, "Libarchive", json_object_new_string(archive_version_string()));
	json_object_object_add(v, "OsArch",
			       json_object_new_string("linux/"
#if defined(__x86_64__)
						      "amd64"
#elif defined(__aarch64__)
						      "arm64"
#else
						      "unknown"
#endif
						      ));
	return v;
}

static void print_info_text(struct json_object *info)
{
	struct json_object *h, *s, *v, *x, *y;

	json_object_object_get_ex(info, "host", &h);
	json_object_object_get_ex(info, "store", &s);
	json_object_object_get_ex(info, "version", &v);
	printf("host:\n");
	json_object_object_foreach(h, k, val)
	{
		if (strcmp(k, "idMappings") == 0) {
			printf("  idMappings:\n");
			json_object_object_foreach(val, mk, mv)
			{
				printf("    %s:\n", mk);
				for (size_t i = 0; i < json_object_array_length(mv); i++) {
					struct json_object *m = json_object_array_get_idx(mv, i);
					json_object_object_get_ex(m, "container_id", &x);
					json_object_object_get_ex(m, "host_id", &y);
					printf("    - container_id: %s\n      host_id: %s\n",
					       json_object_get_string(x),
					       json_object_get_string(y));
					json_object_object_get_ex(m, "size", &x);
					printf("      size: %s\n", json_object_get_string(x));
				}
			}
		} else if (json_object_is_type(val, json_type_object)) {
			printf("  %s:\n", k);
			json_object_object_foreach(val, sk, sv)
			    printf("    %s: %s\n", sk, json_object_get_string(sv));
		} else {
			printf("  %s: %s\n", k, json_object_get_string(val));
		}
	}
	printf("store:\n");
	json_object_object_foreach(s, sk2, sv2)
	{
		if (json_object_is_type(sv2, json_type_object)) {
			printf("  %s:\n", sk2);
			json_object_object_foreach(sv2, k3, v3)
			    printf("    %s: %s\n", k3, json_object_get_string(v3));
		} else {
			printf("  %s: %s\n", sk2, json_object_get_string(sv2));
		}
	}
	printf("version:\n");
	json_object_object_foreach(v, vk, vv) printf("  %s: %s\n", vk, json_object_get_string(vv));
}

static const struct opt format_tab[] = {
    OPT_STR("format", 'f', struct format_opts, format),
    OPT_TABLE_END,
};
const struct optspec cli_format_opts = {format_tab, sizeof(struct format_opts), false, NULL, NULL};

int cmd_info(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_json struct json_object *info = json_object_new_object();
	struct json_object *store;
	const char *fmt = ((const struct format_opts *)opts)->format;

	store = info_store(e, err);
	if (store == NULL)
		return -1;
	json_object_object_add(info, "host", info_host(e));
	json_object_object_add(info, "store", store);
	json_object_object_add(info, "version", info_version());
	if (fmt && strcmp(fmt, "json") == 0) {
		print_json(stdout, info);
	} else if (fmt) {
		cleanup_free char *s = template_render(fmt, info, err);
		if (s == NULL)
			return werr_status(err, 125);
		printf("%s\n", s);
	} else {
		print_info_text(info);
	}
	return 0;
}

int cmd_version(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_json struct json_object *v = info_version();
	const char *fmt = ((const struct format_opts *)opts)->format;

	if (fmt && strcmp(fmt, "json") == 0) {
		cleanup_json struct json_object *w = json_object_new_object();
		json_object_object_add(w, "Client", json_object_get(v));
		print_json(stdout, w);
		return 0;
	}
	if (fmt) {
		cleanup_json struct json_object *w = json_object_new_object();
		cleanup_free char *s = NULL;
		json_object_object_add(w, "Client", json_object_get(v));
		s = template_render(fmt, w, err);
		if (s == NULL)
			return werr_status(err, 125);
		printf("%s\n", s);
		return 0;
	}
	printf("Version:      %s\n", WARREN_VERSION);
	printf("SQLite:       %s\n", sqlite3_libversion());
	printf("Built:        %s %s\n", __DATE__, __TIME__);
	printf("OS/Arch:      %s\n", json_object_get_string(json_object_object_get(v, "OsArch")));
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
