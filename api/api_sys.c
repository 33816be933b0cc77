/* api_sys.c - GET/HEAD /_ping, GET /version, GET /info in Docker's shapes,
 * built from the same objects `warren version` and `info` print
 * (runtime/sys_json.h). */
#include "api/api_int.h"
#include "image/search.h"
#include "image/registry.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/sys_json.h"
#include "runtime/sysdf.h"
#include "storage/store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

int api_ping(struct api_ctx *c)
{
	/* Docker's clients read API-Version and Ostype off these headers */
	return http_send(c->fd, 200, "text/plain; charset=utf-8", "OK", 2,
			 strcmp(c->req->method, "HEAD") == 0) < 0;
}

static struct json_object *jstring(const char *s)
{
	return json_object_new_string(s ? s : "");
}

int api_version(struct api_ctx *c)
{
	struct json_object *v = sys_json_version(c->conn->o->version);
	struct json_object *o = json_object_new_object(), *comp = json_object_new_object(),
			   *comps = json_object_new_array(), *plat = json_object_new_object();
	struct utsname u;
	const char *osarch = jstr(v, "OsArch");
	const char *arch = osarch && strchr(osarch, '/') ? strchr(osarch, '/') + 1 : "";

	uname(&u);
	jset(plat, "Name", jstring("warren"));
	jset(o, "Platform", plat);
	jset(comp, "Name", jstring("Engine"));
	jset(comp, "Version", jstring(c->conn->o->version));
	struct json_object *det = json_object_new_object();
	jset(det, "ApiVersion", jstring(API_VERSION));
	jset(det, "MinAPIVersion", jstring(API_MIN_VERSION));
	jset(det, "Os", jstring("linux"));
	jset(det, "Arch", jstring(arch));
	jset(det, "KernelVersion", jstring(u.release));
	jset(det, "Experimental", jstring("false"));
	jset(comp, "Details", det);
	json_object_array_add(comps, comp);
	jset(o, "Components", comps);
	jset(o, "Version", jstring(c->conn->o->version));
	jset(o, "ApiVersion", jstring(API_VERSION));
	jset(o, "MinAPIVersion", jstring(API_MIN_VERSION));
	jset(o, "GitCommit", jstring(jstr(v, "GitCommit")));
	jset(o, "GoVersion", jstring(jstr(v, "GoVersion")));
	jset(o, "Os", jstring("linux"));
	jset(o, "Arch", jstring(arch));
	jset(o, "KernelVersion", jstring(u.release));
	jset(o, "BuildTime", jstring(jstr(v, "BuiltTime")));
	json_object_put(v);
	return api_json(c, 200, o);
}

/* how many containers in each state */
static int count_containers(struct engine *e, struct json_object *o, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0, running = 0, paused = 0;

	if (container_list(e, true, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		paused += v[i].state == CTR_RUNNING && v[i].paused;
		running += v[i].state == CTR_RUNNING && !v[i].paused;
	}
	container_recs_free(v, n);
	jset(o, "Containers", json_object_new_int64((int64_t)n));
	jset(o, "ContainersRunning", json_object_new_int64((int64_t)running));
	jset(o, "ContainersPaused", json_object_new_int64((int64_t)paused));
	jset(o, "ContainersStopped", json_object_new_int64((int64_t)(n - running - paused)));
	return 0;
}

/* Docker's /info keys whose values are the same for every warren: what
 * the Docker clients read, present as Docker's daemon has them (a key
 * missing is read as its zero value by Go, but not by every client). */
static const struct {
	const char *key, *json;
} info_fixed[] = {
    {"DriverStatus", "[]"},
    {"Plugins", "{\"Volume\":[\"local\"],\"Network\":[\"bridge\",\"host\",\"none\"],"
		"\"Authorization\":null,\"Log\":[\"k8s-file\",\"none\",\"passthrough\"]}"},
    {"MemoryLimit", "true"},
    {"SwapLimit", "true"},
    {"KernelMemory", "false"},
    {"KernelMemoryTCP", "false"},
    {"CpuCfsPeriod", "true"},
    {"CpuCfsQuota", "true"},
    {"CPUShares", "true"},
    {"CPUSet", "true"},
    {"CPURealtimePeriod", "false"},
    {"CPURealtimeRuntime", "false"},
    {"PidsLimit", "true"},
    {"OomKillDisable", "false"},
    {"BridgeNfIptables", "false"},
    {"BridgeNfIp6tables", "false"},
    {"NFd", "0"},
    {"NGoroutines", "0"},
    {"NEventsListener", "0"},
    {"CgroupDriver", "\"cgroupfs\""},
    {"IndexServerAddress", "\"https://index.docker.io/v1/\""},
    {"RegistryConfig",
     "{\"AllowNondistributableArtifactsCIDRs\":[],"
     "\"AllowNondistributableArtifactsHostnames\":[],\"InsecureRegistryCIDRs\":[],"
     "\"IndexConfigs\":{},\"Mirrors\":[]}"},
    {"GenericResources", "null"},
    {"ExperimentalBuild", "false"},
    {"Runtimes", "{\"warren\":{\"path\":\"warren\"}}"},
    {"DefaultRuntime", "\"warren\""},
    {"Swarm", "{\"NodeID\":\"\",\"NodeAddr\":\"\",\"LocalNodeState\":\"inactive\","
	      "\"ControlAvailable\":false,\"Error\":\"\",\"RemoteManagers\":null}"},
    {"LiveRestoreEnabled", "false"},
    {"Isolation", "\"\""},
    {"InitBinary", "\"catatonit\""},
    {"ContainerdCommit", "{\"ID\":\"\",\"Expected\":\"\"}"},
    {"RuncCommit", "{\"ID\":\"\",\"Expected\":\"\"}"},
    {"InitCommit", "{\"ID\":\"\",\"Expected\":\"\"}"},
    {"ProductLicense", "\"\""},
};

/* The keys of /info that depend on the host (sys_json_info's pi) */
static void info_host(struct json_object *o, struct json_object *pi, const struct engine *e)
{
	struct json_object *host = jget(pi, "host");
	const char *fwd = "";
	char now[64];
	cleanup_free char *ipf = read_file_max("/proc/sys/net/ipv4/ip_forward", 16, NULL, NULL);

	for (size_t i = 0; i < sizeof(info_fixed) / sizeof(info_fixed[0]); i++)
		jset(o, info_fixed[i].key, json_tokener_parse(info_fixed[i].json));
	fwd = ipf && ipf[0] == '1' ? "1" : "0";
	jset(o, "IPv4Forwarding", json_object_new_boolean(fwd[0] == '1'));
	jset(o, "Rootless", json_object_new_boolean(e->rootless));
	jset(o, "SwapTotal", json_object_get(jget(host, "swapTotal")));
	jset(o, "SwapFree", json_object_get(jget(host, "swapFree")));
	jset(o, "OSVersion", jstring(jstr(jget(host, "distribution"), "version")));
	format_rfc3339(now_ns(), now, sizeof(now));
	jset(o, "SystemTime", jstring(now));
	jset(o, "HttpProxy", jstring(getenv("HTTP_PROXY") ?: getenv("http_proxy")));
	jset(o, "HttpsProxy", jstring(getenv("HTTPS_PROXY") ?: getenv("https_proxy")));
	jset(o, "NoProxy", jstring(getenv("NO_PROXY") ?: getenv("no_proxy")));
}

int api_info(struct api_ctx *c)
{
	struct werr err = {0};
	cleanup_json struct json_object *pi = NULL;
	struct json_object *o, *host, *store, *sec;
	struct image_rec *imgs = NULL;
	size_t nimg = 0;

	if (api_ready(c) < 0)
		return 0;
	pi = sys_json_info(c->e, c->conn->o->version, &err);
	if (pi == NULL)
		return api_werr(c, &err, 500);
	o = json_object_new_object();
	if (count_containers(c->e, o, &err) < 0 ||
	    store_image_list(engine_store(c->e, &err), &imgs, &nimg, &err) < 0) {
		json_object_put(o);
		return api_werr(c, &err, 500);
	}
	image_recs_free(imgs, nimg);
	host = jget(pi, "host");
	store = jget(pi, "store");
	jset(o, "ID", jstring(jstr(host, "hostname")));
	jset(o, "Images", json_object_new_int64((int64_t)nimg));
	jset(o, "Driver", jstring(jstr(store, "graphDriverName")));
	jset(o, "DockerRootDir", jstring(c->e->root));
	jset(o, "Name", jstring(jstr(host, "hostname")));
	jset(o, "ServerVersion", jstring(c->conn->o->version));
	jset(o, "OperatingSystem", jstring(jstr(jget(host, "distribution"), "distribution")));
	jset(o, "OSType", jstring("linux"));
	jset(o, "Architecture", jstring(jstr(host, "arch")));
	jset(o, "KernelVersion", jstring(jstr(host, "kernel")));
	jset(o, "NCPU", json_object_get(jget(host, "cpus")));
	jset(o, "MemTotal", json_object_get(jget(host, "memTotal")));
	jset(o, "CgroupVersion",
	     jstring(strcmp(jstr(host, "cgroupVersion") ?: "", "v1") == 0 ? "1" : "2"));
	jset(o, "LoggingDriver", jstring("k8s-file"));
	jset(o, "Debug", json_object_new_boolean(0));
	sec = json_object_new_array();
	json_object_array_add(sec, jstring("name=seccomp,profile=default"));
	if (c->e->rootless)
		json_object_array_add(sec, jstring("name=rootless"));
	jset(o, "SecurityOptions", sec);
	jset(o, "Labels", json_object_new_array());
	jset(o, "Warnings", json_object_new_array());
	info_host(o, pi, c->e);
	return api_json(c, 200, o);
}

/* GET /system/df: `warren system df`'s measure (sys_df) as Docker's
 * {"LayersSize", "Images", "Containers", "Volumes", "BuildCache"}, the
 * entries in the shapes of the list endpoints with their sizes */
int api_system_df(struct api_ctx *c)
{
	struct sys_df d = {0};
	struct werr err = {0};
	struct json_object *o, *imgs, *ctrs, *vols;
	int64_t layers = 0;

	if (api_ready(c) < 0)
		return 0;
	if (sys_df(c->e, &d, &err) < 0)
		return api_werr(c, &err, 500);
	imgs = json_object_new_array();
	for (size_t i = 0; i < d.nimages; i++) {
		const struct df_image *im = &d.images[i];
		json_object_array_add(imgs, api_img_summary(&im->rec, im->containers, im->shared));
	}
	layers = d.rows[0].size;
	ctrs = json_object_new_array();
	for (size_t i = 0; i < d.nctrs; i++) {
		struct json_object *e = api_ctr_summary(&d.ctrs[i].rec);
		jset(e, "SizeRw", json_object_new_int64(d.ctrs[i].size));
		json_object_array_add(ctrs, e);
	}
	vols = json_object_new_array();
	for (size_t i = 0; i < d.nvols; i++) {
		struct json_object *v = api_vol_json(c->e, &d.vols[i].rec),
				   *u = json_object_new_object();
		jset(u, "Size", json_object_new_int64(d.vols[i].size));
		jset(u, "RefCount", json_object_new_int(d.vols[i].links));
		jset(v, "UsageData", u);
		json_object_array_add(vols, v);
	}
	sys_df_free(&d);
	o = json_object_new_object();
	jset(o, "LayersSize", json_object_new_int64(layers));
	jset(o, "Images", imgs);
	jset(o, "Containers", ctrs);
	jset(o, "Volumes", vols);
	jset(o, "BuildCache", json_object_new_array());
	return api_json(c, 200, o);
}

/* POST /auth {"username", "password", "serveraddress"}: the credentials
 * checked against the registry as `warren login` checks them (reg_ping;
 * TLS and certificates as registries.conf and certs.d say); nothing is
 * stored (the client keeps them, as with Docker). 200 {"Status": "Login
 * Succeeded"}, 401 refused, 400 bad input, 500 an unreachable registry */
int api_auth(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_free char *registry = NULL;
	struct reg_opts ro = {.tls_verify = -1};
	struct werr err = {0};
	const char *bad = NULL, *addr;
	int r;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, "username", json_type_string, &bad) ||
	    !api_typed(b, "password", json_type_string, &bad) ||
	    !api_typed(b, "serveraddress", json_type_string, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	if (jstr(b, "username") == NULL || jstr(b, "password") == NULL)
		return api_error(c, 400, "auth: username and password are required");
	addr = jstr(b, "serveraddress");
	if (addr == NULL || addr[0] == '\0')
		addr = "docker.io";
	if (str_has_prefix(addr, "https://"))
		addr += 8;
	else if (str_has_prefix(addr, "http://"))
		addr += 7;
	registry = xstrndup(addr, strcspn(addr, "/"));
	if (strcmp(registry, "index.docker.io") == 0) {
		free(registry);
		registry = xstrdup("docker.io");
	}
	/* insecure as registries.conf says, as a pull's or push's */
	r = reg_login_check(c->e->rootless, registry, &ro, jstr(b, "username"), jstr(b, "password"),
			    &err);
	if (r < 0)
		return strstr(err.msg, "unauthorized") || strstr(err.msg, "authentication")
			   ? api_error(c, 401, "login to %s: invalid username/password", registry)
			   : api_error(c, 500, "login to %s: %s", registry, err.msg);
	struct json_object *o = json_object_new_object();
	jset_str(o, "Status", "Login Succeeded");
	jset_str(o, "IdentityToken", "");
	return api_json(c, 200, o);
}
