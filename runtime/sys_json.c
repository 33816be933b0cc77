/* sys_json.c - `info` and `version` objects (see sys_json.h). Facts from
 * `podman info` / `podman version` 4.3 output; layout ours. */
#include "runtime/sys_json.h"
#include "runtime/ctrbridge.h"
#include "engine/config.h"

#include <archive.h>
#include <fcntl.h>
#include <json-c/json_c_version.h>
#include <seccomp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "runtime/container.h"
#include "runtime/spec.h"
#include "storage/driver.h"
#include "userns/idmap.h"

#if defined(__x86_64__)
#define GOARCH "amd64"
#elif defined(__aarch64__)
#define GOARCH "arm64"
#else
#define GOARCH "unknown"
#endif

/* Podman's info object with its zero values, in its key order. */
static const char info_skeleton[] =
    "{\"host\":{\"arch\":\"" GOARCH "\",\"buildahVersion\":\"\",\"cgroupManager\":\"\","
    "\"cgroupVersion\":\"\",\"cgroupControllers\":[],"
    "\"conmon\":{\"package\":\"\",\"path\":\"\",\"version\":\"\"},\"cpus\":0,"
    "\"cpuUtilization\":{\"userPercent\":0,\"systemPercent\":0,\"idlePercent\":0},"
    "\"distribution\":{\"distribution\":\"\",\"version\":\"\",\"codename\":\"\"},"
    "\"eventLogger\":\"none\",\"hostname\":\"\",\"idMappings\":{\"gidmap\":[],\"uidmap\":[]},"
    "\"kernel\":\"\",\"logDriver\":\"passthrough\",\"memFree\":0,\"memTotal\":0,"
    "\"networkBackend\":\"\",\"ociRuntime\":{\"name\":\"warren\",\"package\":\"\","
    "\"path\":\"\",\"version\":\"\"},\"os\":\"linux\",\"remoteSocket\":{\"path\":\"\"},"
    "\"serviceIsRemote\":false,\"security\":{\"apparmorEnabled\":false,"
    "\"capabilities\":\"\",\"rootless\":false,\"seccompEnabled\":true,"
    "\"seccompProfilePath\":\"\",\"selinuxEnabled\":false},"
    "\"slirp4netns\":{\"executable\":\"\",\"package\":\"\",\"version\":\"\"},"
    "\"swapFree\":0,\"swapTotal\":0,\"uptime\":\"\",\"linkmode\":\"dynamic\"},"
    "\"store\":{\"configFile\":\"\",\"containerStore\":{\"number\":0,\"paused\":0,"
    "\"running\":0,\"stopped\":0},\"graphDriverName\":\"\",\"graphOptions\":{},"
    "\"graphRoot\":\"\",\"graphRootAllocated\":0,\"graphRootUsed\":0,\"graphStatus\":{},"
    "\"imageCopyTmpDir\":\"\",\"imageStore\":{\"number\":0},\"runRoot\":\"\","
    "\"volumePath\":\"\"},"
    "\"registries\":{},"
    "\"plugins\":{\"volume\":[],\"network\":[],\"log\":[\"passthrough\"],"
    "\"authorization\":null}}";

static void set_i64(struct json_object *o, const char *key, int64_t v)
{
	jset(o, key, json_object_new_int64(v));
}

static struct json_object *idmap_json(const char *file)
{
	struct json_object *a = json_object_new_array();
	struct idmap m[64];
	cleanup_free char *text = read_file_at(AT_FDCWD, file, NULL, NULL);
	int n = text ? idmap_parse(text, m, 64) : 0;

	for (int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		set_i64(o, "container_id", m[i].inner);
		set_i64(o, "host_id", m[i].outer);
		set_i64(o, "size", m[i].count);
		json_object_array_add(a, o);
	}
	return a;
}

/* KEY=value of /etc/os-release (quotes removed), malloc'd or NULL. */
static char *os_release(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t n = strcspn(v, "\n");
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
				v++, n -= 2;
			return xstrndup(v, n);
		}
	}
	return NULL;
}

static void fill_distribution(struct json_object *d)
{
	cleanup_free char *t = read_file_at(AT_FDCWD, "/etc/os-release", NULL, NULL);
	static const char *const keys[][2] = {
	    {"distribution", "ID"}, {"version", "VERSION_ID"}, {"codename", "VERSION_CODENAME"}};

	for (size_t i = 0; t && i < ARRAY_SIZE(keys); i++) {
		cleanup_free char *v = os_release(t, keys[i][1]);
		jset_str(d, keys[i][0], v);
	}
}

/* part/total in percent with two decimals, printed as Podman does ("45.5") */
static struct json_object *percent(unsigned long long part, unsigned long long total)
{
	double v = (double)(long long)(10000.0 * (double)part / (double)total + 0.5) / 100.0;
	char text[32];

	snprintf(text, sizeof(text), "%.15g", v);
	return json_object_new_double_s(v, text);
}

/* Shares of CPU time since boot, as Podman's cpuUtilization. */
static void fill_cpu(struct json_object *c)
{
	cleanup_free char *t = read_file_at(AT_FDCWD, "/proc/stat", NULL, NULL);
	unsigned long long v[8] = {0}, total = 0;

	if (t == NULL || sscanf(t, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
				&v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return;
	for (int i = 0; i < 8; i++)
		total += v[i];
	if (total == 0)
		return;
	jset(c, "userPercent", percent(v[0] + v[1], total));
	jset(c, "systemPercent", percent(v[2] + v[5] + v[6], total));
	jset(c, "idlePercent", percent(v[3] + v[4], total));
}

/* Memory, swap, cpus, uptime ("0h 53m 36.00s" as Podman prints it). */
static void fill_machine(struct json_object *h)
{
	struct sysinfo si;
	char up[64];

	set_i64(h, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
	if (sysinfo(&si) == 0) {
		set_i64(h, "memFree", (int64_t)si.freeram * si.mem_unit);
		set_i64(h, "memTotal", (int64_t)si.totalram * si.mem_unit);
		set_i64(h, "swapFree", (int64_t)si.freeswap * si.mem_unit);
		set_i64(h, "swapTotal", (int64_t)si.totalswap * si.mem_unit);
		snprintf(up, sizeof(up), "%ldh %ldm %ld.00s", si.uptime / 3600, si.uptime / 60 % 60,
			 si.uptime % 60);
		jset_str(h, "uptime", up);
	}
}

static void fill_security(struct json_object *sec, struct engine *e)
{
	cleanup_strv char **caps = strv_copy((char *const *)spec_default_caps);
	cleanup_free char *capstr = strv_join(caps, ",");

	jset_str(sec, "capabilities", capstr);
	jset(sec, "rootless", json_object_new_boolean(e->rootless));
	/* warren's own: the userns maps one id only (no /etc/subuid range) */
	jset(sec, "singleUidMapping", json_object_new_boolean(e->single_uid));
}

/* The built-in runtime's version in runc's style: the name and version
 * line, then the libraries it was linked with. */
static char *runtime_version(const char *version)
{
	const struct scmp_version *sv = seccomp_version();

	return xasprintf("warren version %s\nsqlite: %s\njson-c: %s\n%s\nlibseccomp: %u.%u.%u",
			 version, sqlite3_libversion(), json_c_version(), archive_version_string(),
			 sv->major, sv->minor, sv->micro);
}

static void set_owned(struct json_object *o, const char *key, char *s)
{
	jset_str(o, key, s);
	free(s);
}

static void fill_host(struct json_object *h, struct engine *e, const char *version)
{
	struct json_object *ids = jget(h, "idMappings"), *rt = jget(h, "ociRuntime");
	cleanup_free char *exe = realpath("/proc/self/exe", NULL);
	struct utsname u;

	uname(&u);
	jset_str(h, "cgroupVersion",
		 access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "v2" : "v1");
	fill_cpu(jget(h, "cpuUtilization"));
	fill_distribution(jget(h, "distribution"));
	jset_str(h, "hostname", u.nodename);
	jset(ids, "gidmap", idmap_json("/proc/self/gid_map"));
	jset(ids, "uidmap", idmap_json("/proc/self/uid_map"));
	jset_str(h, "kernel", u.release);
	fill_machine(h);
	jset_str(rt, "path", exe);
	set_owned(rt, "version", runtime_version(version));
	fill_security(jget(h, "security"), e);
	/* warren's own: where the pause process keeps its pid, and its pid */
	jset_str(h, "runtimeDir", e->userrun);
	jset(h, "pausePid", json_object_new_int(pause_pid(e)));
}

static int fill_store(struct json_object *s, struct engine *e, struct werr *err)
{
	struct json_object *cs = jget(s, "containerStore");
	struct container_rec *ctrs = NULL;
	struct image_rec *imgs = NULL;
	size_t ni = 0, nc = 0, running = 0;
	enum storage_driver d;
	struct statvfs fs;
	cleanup_free char *tmp = xasprintf("%s/tmp", e->root);
	cleanup_free char *vols = xasprintf("%s/volumes", e->root);

	if (driver_choose(e, &d, err) < 0)
		return -1;
	if (store_image_list(e->store, &imgs, &ni, err) == 0)
		image_recs_free(imgs, ni);
	if (container_list(e, true, &ctrs, &nc, err) == 0) {
		for (size_t i = 0; i < nc; i++)
			running += ctrs[i].state == CTR_RUNNING;
		container_recs_free(ctrs, nc);
	}
	set_i64(cs, "number", (int64_t)nc);
	set_i64(cs, "running", (int64_t)running);
	set_i64(cs, "stopped", (int64_t)(nc - running));
	jset_str(s, "graphDriverName", driver_name(d));
	jset_str(s, "graphRoot", e->root);
	if (statvfs(e->root, &fs) == 0) {
		set_i64(s, "graphRootAllocated", (int64_t)(fs.f_blocks * fs.f_frsize));
		set_i64(s, "graphRootUsed", (int64_t)((fs.f_blocks - fs.f_bfree) * fs.f_frsize));
	}
	jset_str(s, "imageCopyTmpDir", tmp);
	set_i64(jget(s, "imageStore"), "number", (int64_t)ni);
	jset_str(s, "runRoot", e->runroot);
	jset_str(s, "volumePath", vols);
	/* the storage.conf that was read (one at most, as Podman reads one) */
	for (char **f = e->conf ? e->conf->files : NULL; f && *f; f++)
		if (str_has_suffix(*f, "/storage.conf") ||
		    (getenv("CONTAINERS_STORAGE_CONF") &&
		     strcmp(*f, getenv("CONTAINERS_STORAGE_CONF")) == 0))
			jset_str(s, "configFile", *f);
	return 0;
}

/* Every configuration file read, in the order read (later ones win):
 * host.configFiles, a key of warren's own. */
static void fill_config_files(struct json_object *host, const struct engine *e)
{
	struct json_object *a = json_object_new_array();

	for (char **f = e->conf ? e->conf->files : NULL; f && *f; f++)
		json_object_array_add(a, json_object_new_string(*f));
	json_object_object_add(host, "configFiles", a);
}

struct json_object *sys_json_version(const char *version)
{
	struct json_object *v = json_object_new_object();

	jset_str(v, "APIVersion", version);
	jset_str(v, "Version", version);
	jset_str(v, "GoVersion", ""); /* not a Go program */
	jset_str(v, "GitCommit", "");
	jset_str(v, "BuiltTime", "Thu Jan  1 00:00:00 1970"); /* Podman's when unknown */
	set_i64(v, "Built", 0);
	jset_str(v, "OsArch", "linux/" GOARCH);
	jset_str(v, "Os", "linux");
	return v;
}

struct json_object *sys_json_info(struct engine *e, const char *version, struct werr *err)
{
	struct json_object *o = json_tokener_parse(info_skeleton);

	if (fill_store(jget(o, "store"), e, err) < 0) {
		json_object_put(o);
		return NULL;
	}
	fill_host(jget(o, "host"), e, version);
	fill_config_files(jget(o, "host"), e);
	/* the socket `system service` serves by default: what the remote
	 * client's `connection add` asks for over ssh (Podman's field) */
	{
		struct json_object *rs = jget(jget(o, "host"), "remoteSocket");
		cleanup_free char *sock = xasprintf("%s/warren.sock", e->userrun);
		struct stat st;
		jset_str(rs, "path", sock);
		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			jset(rs, "exists", json_object_new_boolean(true));
	}
	/* bridge networks: netavark, as Podman's (empty when not installed) */
	jset_str(jget(o, "host"), "networkBackend", ctrbridge_available(e) ? "netavark" : "");
	jset(o, "version", sys_json_version(version));
	return o;
}
