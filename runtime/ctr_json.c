/* ctr_json.c - containers as Podman 4 prints them (see ctr_json.h).
 * Facts from `podman inspect` / `podman ps` 4.3 output; layout ours. */
#include "runtime/ctr_json.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/gotmpl.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrcgroup.h"
#include "runtime/execsess.h"
#include "runtime/health.h"
#include "runtime/limits.h"
#include "runtime/ports.h"
#include "runtime/ctrfilter.h"
#include "net/netconf.h"
#include "runtime/ctrbridge.h"

#define GO_ZERO_TIME   "0001-01-01T00:00:00Z"
#define GO_ZERO_STRING "0001-01-01 00:00:00 +0000 UTC" /* before int64 ns */

/* Podman's inspect object with its zero values, in its key order: the
 * fields warren knows are filled in over it, the rest stay as Podman
 * shows them when they do not apply. */
static const char inspect_skeleton[] =
    "{\"Id\":\"\",\"Created\":\"\",\"Path\":\"\",\"Args\":[],"
    "\"State\":{\"OciVersion\":\"\",\"Status\":\"\",\"Running\":false,\"Paused\":false,"
    "\"Restarting\":false,\"OOMKilled\":false,\"Dead\":false,\"Pid\":0,\"ExitCode\":0,"
    "\"Error\":\"\",\"StartedAt\":\"" GO_ZERO_TIME "\",\"FinishedAt\":\"" GO_ZERO_TIME "\","
    "\"Health\":{\"Status\":\"\",\"FailingStreak\":0,\"Log\":null},"
    "\"CheckpointedAt\":\"" GO_ZERO_TIME "\",\"RestoredAt\":\"" GO_ZERO_TIME "\"},"
    "\"Image\":\"\",\"ImageDigest\":\"\",\"ImageName\":\"\",\"Rootfs\":\"\",\"Pod\":\"\","
    "\"ResolvConfPath\":\"\",\"HostnamePath\":\"\",\"HostsPath\":\"\",\"StaticDir\":\"\","
    "\"OCIConfigPath\":\"\",\"OCIRuntime\":\"warren\",\"ConmonPidFile\":\"\",\"PidFile\":\"\","
    "\"Name\":\"\",\"RestartCount\":0,\"Driver\":\"\",\"MountLabel\":\"\",\"ProcessLabel\":\"\","
    "\"AppArmorProfile\":\"\",\"EffectiveCaps\":[],\"BoundingCaps\":[],\"ExecIDs\":[],"
    "\"GraphDriver\":{\"Name\":\"\",\"Data\":null},\"Mounts\":[],\"Dependencies\":[],"
    "\"NetworkSettings\":{\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\","
    "\"IPPrefixLen\":0,\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\","
    "\"GlobalIPv6PrefixLen\":0,\"MacAddress\":\"\",\"Bridge\":\"\",\"SandboxID\":\"\","
    "\"HairpinMode\":false,\"LinkLocalIPv6Address\":\"\",\"LinkLocalIPv6PrefixLen\":0,"
    "\"Ports\":{},\"SandboxKey\":\"\"},"
    "\"Namespace\":\"\",\"IsInfra\":false,\"IsService\":false,"
    "\"Config\":{\"Hostname\":\"\",\"Domainname\":\"\",\"User\":\"\",\"AttachStdin\":false,"
    "\"AttachStdout\":false,\"AttachStderr\":false,\"Tty\":false,\"OpenStdin\":false,"
    "\"StdinOnce\":false,\"Env\":[],\"Cmd\":[],\"Image\":\"\",\"Volumes\":null,"
    "\"WorkingDir\":\"/\",\"Entrypoint\":\"\",\"OnBuild\":null,\"Labels\":null,"
    "\"Annotations\":{},\"StopSignal\":15,\"HealthcheckOnFailureAction\":\"none\","
    "\"CreateCommand\":[],\"Umask\":\"0022\",\"Timeout\":0,\"StopTimeout\":10,"
    "\"Passwd\":true,\"sdNotifyMode\":\"container\"},"
    "\"HostConfig\":{\"Binds\":[],\"CgroupManager\":\"cgroupfs\",\"CgroupMode\":\"host\","
    "\"ContainerIDFile\":\"\",\"LogConfig\":{\"Type\":\"passthrough\",\"Config\":null,"
    "\"Path\":\"\",\"Tag\":\"\",\"Size\":\"0B\"},\"NetworkMode\":\"\",\"PortBindings\":{},"
    "\"RestartPolicy\":{\"Name\":\"\",\"MaximumRetryCount\":0},\"AutoRemove\":false,"
    "\"VolumeDriver\":\"\",\"VolumesFrom\":null,\"CapAdd\":[],\"CapDrop\":[],\"Dns\":[],"
    "\"DnsOptions\":[],\"DnsSearch\":[],\"ExtraHosts\":[],\"GroupAdd\":[],"
    "\"IpcMode\":\"private\",\"Cgroup\":\"\",\"Cgroups\":\"disabled\",\"Links\":null,"
    "\"OomScoreAdj\":0,\"PidMode\":\"private\",\"Privileged\":false,"
    "\"PublishAllPorts\":false,\"ReadonlyRootfs\":false,\"SecurityOpt\":[],\"Tmpfs\":{},"
    "\"UTSMode\":\"private\",\"UsernsMode\":\"\",\"ShmSize\":65536000,\"Runtime\":\"oci\","
    "\"ConsoleSize\":[0,0],\"Isolation\":\"\",\"CpuShares\":0,\"Memory\":0,\"NanoCpus\":0,"
    "\"CgroupParent\":\"\",\"BlkioWeight\":0,\"BlkioWeightDevice\":null,"
    "\"BlkioDeviceReadBps\":null,\"BlkioDeviceWriteBps\":null,"
    "\"BlkioDeviceReadIOps\":null,\"BlkioDeviceWriteIOps\":null,\"CpuPeriod\":0,"
    "\"CpuQuota\":0,\"CpuRealtimePeriod\":0,\"CpuRealtimeRuntime\":0,\"CpusetCpus\":\"\","
    "\"CpusetMems\":\"\",\"Devices\":[],\"DiskQuota\":0,\"KernelMemory\":0,"
    "\"MemoryReservation\":0,\"MemorySwap\":0,\"MemorySwappiness\":0,"
    "\"OomKillDisable\":false,\"PidsLimit\":0,\"Ulimits\":[],\"CpuCount\":0,"
    "\"CpuPercent\":0,\"IOMaximumIOps\":0,\"IOMaximumBandwidth\":0,\"CgroupConf\":null}}";

/* A time as Podman's JSON has it (RFC 3339) or, go_time, as its
 * templates print a time.Time (Go's String()); 0 is Go's zero time. */
static void set_time(struct json_object *o, const char *key, int64_t ns, bool go_time)
{
	char ts[64];

	if (ns == 0) {
		jset_str(o, key, go_time ? GO_ZERO_STRING : GO_ZERO_TIME);
		return;
	}
	if (go_time)
		format_gotime(ns, ts, sizeof(ts));
	else
		format_rfc3339(ns, ts, sizeof(ts));
	jset_str(o, key, ts);
}

/* Copies key of src (the stored create options) into dst when present. */
static void copy_key(struct json_object *dst, struct json_object *src, const char *key)
{
	struct json_object *v = jget(src, key);

	if (v != NULL)
		jset(dst, key, json_object_get(v));
}

/* Adds key: v to o just before the key before (json-c keeps the order
 * of insertion: the keys from before on are added again after it). */
static void insert_before(struct json_object *o, const char *before, const char *key,
			  struct json_object *v)
{
	cleanup_strv char **tail = NULL;
	bool found = false;

	json_object_object_foreach(o, k, val)
	{
		(void)val;
		found = found || strcmp(k, before) == 0;
		if (found)
			tail = strv_append(tail, k);
	}
	jset(o, key, v); /* last, then the tail goes behind it */
	for (size_t i = 0; tail && tail[i]; i++) {
		struct json_object *t = json_object_get(jget(o, tail[i]));
		json_object_object_del(o, tail[i]);
		jset(o, tail[i], t);
	}
}

static void fill_state(struct json_object *st, const struct container_rec *c,
		       struct json_object *spec, bool go_time)
{
	jset_str(st, "OciVersion", jstr(spec, "ociVersion"));
	/* Podman: a paused container is not Running */
	jset_str(st, "Status", c->paused ? "paused" : ctr_state_name(c->state));
	jset(st, "Running", json_object_new_boolean(c->state == CTR_RUNNING && !c->paused));
	jset(st, "Paused", json_object_new_boolean(c->paused));
	jset(st, "Pid", json_object_new_int(c->pid));
	jset(st, "ExitCode", json_object_new_int(c->exit_code));
	set_time(st, "StartedAt", c->started, go_time);
	set_time(st, "FinishedAt", c->finished, go_time);
	set_time(st, "CheckpointedAt", 0, go_time);
	set_time(st, "RestoredAt", 0, go_time);
}

/* env (the spec's "K=V" array) without the variables type=env secrets set
 * (their names in hide): a secret never shows in inspect. */
static struct json_object *env_without_secrets(struct json_object *env, struct json_object *hide)
{
	struct json_object *out;

	if (!json_object_is_type(hide, json_type_array) ||
	    !json_object_is_type(env, json_type_array))
		return json_object_get(env);
	out = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));
		size_t klen = strcspn(kv ? kv : "", "=");
		bool secret = false;
		for (size_t k = 0; kv && k < json_object_array_length(hide); k++) {
			const char *h = json_object_get_string(json_object_array_get_idx(hide, k));
			secret |= h != NULL && strlen(h) == klen && strncmp(kv, h, klen) == 0;
		}
		if (kv != NULL && !secret)
			json_object_array_add(out, json_object_new_string(kv));
	}
	return out;
}

/* Config: the stored create options over the zero values; Env and
 * Annotations from the OCI spec the process ran with (the image's env
 * merged with -e), Entrypoint a string as Podman 4.3 prints it. */
static void fill_config(struct json_object *cfg, struct json_object *opts, struct json_object *spec)
{
	static const char *const keys[] = {"Hostname",	 "User",	"Env",	     "Cmd",
					   "Image",	 "Tty",		"OpenStdin", "WorkingDir",
					   "StopSignal", "StopTimeout", "Labels"};
	struct json_object *proc = jget(spec, "process"), *ep = jget(opts, "Entrypoint");
	cleanup_strv char **epv = jstrv(ep);
	cleanup_free char *epstr = strv_join(epv, " ");

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		copy_key(cfg, opts, keys[i]);
	jset_str(cfg, "Entrypoint", epstr);
	copy_key(cfg, opts, "HealthcheckOnFailureAction");
	/* present only when set (Podman's omitempty), in Podman's place */
	if (jget(opts, "Healthcheck") != NULL) {
		struct json_object *hc = jget(opts, "Healthcheck");
		static const char *const durs[] = {"Interval", "Timeout", "StartPeriod",
						   "StartInterval"};
		for (size_t i = 0; i < ARRAY_SIZE(durs); i++)
			gotmpl_mark_duration(hc, durs[i]);
		insert_before(cfg, "HealthcheckOnFailureAction", "Healthcheck",
			      json_object_get(hc));
	}
	if (jget(proc, "env") != NULL)
		jset(cfg, "Env", env_without_secrets(jget(proc, "env"), jget(opts, "EnvSecrets")));
	if (jget(spec, "annotations") != NULL)
		jset(cfg, "Annotations", json_object_get(jget(spec, "annotations")));
}

/* Podman's Ulimits entries from the spec's rlimits. */
static struct json_object *ulimits(struct json_object *spec)
{
	struct json_object *out = json_object_new_array();
	struct json_object *rl = jget(jget(spec, "process"), "rlimits");

	for (size_t i = 0; i < jlen(rl); i++) {
		struct json_object *r = json_object_array_get_idx(rl, i), *u;
		u = json_object_new_object();
		jset_str(u, "Name", jstr(r, "type"));
		jset(u, "Soft", json_object_get(jget(r, "soft")));
		jset(u, "Hard", json_object_get(jget(r, "hard")));
		json_object_array_add(out, u);
	}
	return out;
}

/* Podman reports CapAdd/CapDrop against Docker's classic default set,
 * not against its own smaller default: a default container "drops"
 * AUDIT_WRITE, MKNOD and NET_RAW. */
static const char *const docker_default_caps[] = {
    "CAP_AUDIT_WRITE", "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",	"CAP_FSETID",
    "CAP_KILL",	       "CAP_MKNOD",   "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",	"CAP_SETFCAP",
    "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID",	      "CAP_SYS_CHROOT",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* CapAdd (add=true) or CapDrop of the bounding set, sorted. */
static struct json_object *cap_delta(struct json_object *spec, bool add)
{
	cleanup_strv char **bound =
	    jstrv(jget(jget(jget(spec, "process"), "capabilities"), "bounding"));
	cleanup_strv char **out = NULL;

	if (spec == NULL)
		return json_object_new_array();
	for (size_t i = 0; !add && i < ARRAY_SIZE(docker_default_caps); i++)
		if (!strv_contains(bound, docker_default_caps[i]))
			out = strv_append(out, docker_default_caps[i]);
	for (size_t i = 0; add && bound && bound[i]; i++) {
		bool dflt = false;
		for (size_t k = 0; k < ARRAY_SIZE(docker_default_caps); k++)
			dflt = dflt || strcmp(bound[i], docker_default_caps[k]) == 0;
		if (!dflt)
			out = strv_append(out, bound[i]);
	}
	if (out)
		qsort(out, strv_len(out), sizeof(char *), cmp_str);
	return jnew_strv(out);
}

/* Binds as Podman lists them: "SRC:DST:ro,rprivate,rbind". */
static struct json_object *binds(struct json_object *stored)
{
	struct json_object *out = json_object_new_array();

	for (size_t i = 0; i < jlen(stored); i++) {
		const char *b = json_object_get_string(json_object_array_get_idx(stored, i));
		bool ro = str_has_suffix(b, ":ro");
		size_t n = strlen(b) - (ro ? 3 : 0);
		cleanup_free char *s =
		    xasprintf("%.*s:%s,rprivate,rbind", (int)n, b, ro ? "ro" : "rw");
		json_object_array_add(out, json_object_new_string(s));
	}
	return out;
}

/* HostConfig: stored options over the zero values; Tmpfs as Podman's map
 * (path -> options, Podman's defaults appended); caps and Ulimits from
 * the spec. */
static void fill_hostconfig(struct json_object *hc, struct json_object *opts,
			    struct json_object *spec, bool final_binds)
{
	static const char *const keys[] = {
	    "NetworkMode",   "AutoRemove", "Privileged",   "ReadonlyRootfs",
	    "RestartPolicy", "LogConfig",  "Init",	   "UsernsMode",
	    "IDMappings",    "Cgroups",	   "PortBindings", "PublishAllPorts",
	    "Dns",	     "DnsSearch",  "DnsOptions",   "ExtraHosts",
	    "Devices"};
	struct json_object *tmpfs = json_object_new_object(), *t = jget(opts, "Tmpfs");

	/* without a user namespace of its own Podman omits IDMappings
	 * (tests/bats/100-podman-compat.bats compares the keys) */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		copy_key(hc, opts, keys[i]);
	if (final_binds) /* stored in Podman's form since volumes (issue 8) */
		copy_key(hc, opts, "Binds");
	else
		jset(hc, "Binds", binds(jget(opts, "Binds")));
	for (size_t i = 0; i < jlen(t); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(t, i));
		const char *colon = strchr(s, ':');
		cleanup_free char *path = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
		cleanup_free char *o = xasprintf("%s%srw,rprivate,nosuid,nodev,tmpcopyup",
						 colon ? colon + 1 : "", colon ? "," : "");
		jset_str(tmpfs, path, o);
	}
	jset(hc, "Tmpfs", tmpfs);
	jset(hc, "CapAdd", cap_delta(spec, true));
	jset(hc, "CapDrop", cap_delta(spec, false));
	jset(hc, "Ulimits", ulimits(spec));
}

/* The limits in HostConfig (runtime/limits.h), its cgroup namespace, and
 * State.OOMKilled */
static void fill_limits(struct json_object *o, struct engine *e, const struct container_rec *c,
			struct json_object *rec, struct json_object *spec)
{
	struct json_object *hc = jget(o, "HostConfig"),
			   *ns = jget(jget(spec, "linux"), "namespaces");
	struct res_limits l;

	limits_from_json(rec, &l);
	limits_to_hostconfig(&l, hc);
	limits_free(&l);
	for (size_t i = 0; i < jlen(ns); i++) {
		const char *t = jstr(json_object_array_get_idx(ns, i), "type");
		if (t && strcmp(t, "cgroup") == 0)
			jset_str(hc, "CgroupMode", "private");
	}
	jset(jget(o, "State"), "OOMKilled", json_object_new_boolean(ctr_oom_killed(e, c)));
}

/* Mounts of a container stored before volumes: one Podman bind entry per
 * -v SRC:DST[:ro]. */
static struct json_object *mounts(struct json_object *opts)
{
	struct json_object *out = json_object_new_array(), *binds = jget(opts, "Binds");

	for (size_t i = 0; i < jlen(binds); i++) {
		const char *b = json_object_get_string(json_object_array_get_idx(binds, i));
		const char *c1 = strchr(b, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		struct json_object *m = json_object_new_object(), *op = json_object_new_array();
		cleanup_free char *src = c1 ? xstrndup(b, (size_t)(c1 - b)) : xstrdup(b);
		cleanup_free char *dst =
		    c1 ? (c2 ? xstrndup(c1 + 1, (size_t)(c2 - c1 - 1)) : xstrdup(c1 + 1)) : NULL;
		bool ro = c2 && strcmp(c2 + 1, "ro") == 0;
		jset_str(m, "Type", "bind");
		jset_str(m, "Source", src);
		jset_str(m, "Destination", dst ? dst : src);
		jset_str(m, "Driver", "");
		jset_str(m, "Mode", "");
		json_object_array_add(op, json_object_new_string("rbind"));
		jset(m, "Options", op);
		jset(m, "RW", json_object_new_boolean(!ro));
		jset_str(m, "Propagation", "rprivate");
		json_object_array_add(out, m);
	}
	return out;
}

static void fill_paths(struct json_object *o, struct engine *e, const struct container_rec *c)
{
	cleanup_free char *bundle = container_bundle_dir(e, c);
	cleanup_free char *dir = container_dir(e, c->id);
	static const char *const files[][2] = {{"ResolvConfPath", "resolv.conf"},
					       {"HostnamePath", "hostname"},
					       {"HostsPath", "hosts"},
					       {"OCIConfigPath", "config.json"}};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/%s", bundle, files[i][1]);
		jset_str(o, files[i][0], p);
	}
	jset_str(o, "StaticDir", dir);
}

/* The image's manifest digest, "" when the image is gone. */
static void fill_image(struct json_object *o, struct engine *e, const struct container_rec *c)
{
	struct image_rec img = {0};
	struct werr err = {0};

	jset_str(o, "Image", c->image_id);
	jset_str(o, "ImageName", c->image_name);
	if (e->store && c->image_id[0] && store_image_get(e->store, c->image_id, &img, &err) > 0)
		jset_str(o, "ImageDigest", img.digest);
	image_rec_free(&img);
}

static struct json_object *caps(struct json_object *spec, const char *set_name)
{
	struct json_object *v = jget(jget(jget(spec, "process"), "capabilities"), set_name);

	return v ? json_object_get(v) : json_object_new_array();
}

/* LogConfig.Path: where the monitor writes the k8s-file log */
static void log_path(struct engine *e, const struct container_rec *c, struct json_object *lc)
{
	const char *type = jstr(lc, "Type");

	if (lc == NULL || (type && strcmp(type, "k8s-file") != 0))
		return;
	cleanup_free char *p = xasprintf("%s/containers/%s/ctr.log", e->root, c->id);
	jset_str(lc, "Path", p);
}

/* State.CgroupPath: its JSON has it only while there is one (Podman's
 * omitempty), its templates always (a Go struct field) */
static void cgroup_path(struct json_object *o, struct engine *e, const struct container_rec *c,
			bool go_time)
{
	char *p = ctr_cgroup_path(e, c);

	if (*p != '\0' || go_time)
		insert_before(jget(o, "State"), "CheckpointedAt", "CgroupPath",
			      json_object_new_string(p));
	free(p);
}

/* NetworkSettings.Networks.NAME of a container on bridge networks, as
 * Podman fills it: the address, gateway and MAC while it runs (netavark's
 * reply), empty otherwise; aliases with its short id. */
static struct json_object *bridge_entry(const struct net_attach *a, const char *id,
					struct json_object *status, bool running)
{
	struct json_object *x = json_object_new_object(), *aliases = json_object_new_array();
	struct json_object *iface = jget(jget(jget(status, a->name), "interfaces"), a->ifname);
	const char *mac = jstr(iface, "mac_address");
	char shortid[13];

	snprintf(shortid, sizeof(shortid), "%.12s", id);
	jset_str(x, "EndpointID", "");
	jset_str(x, "Gateway", running && a->gateway ? a->gateway : "");
	jset_str(x, "IPAddress", running && a->ip ? a->ip : "");
	jset(x, "IPPrefixLen", json_object_new_int(running ? a->prefix : 0));
	jset_str(x, "IPv6Gateway", running && a->gateway6 ? a->gateway6 : "");
	jset_str(x, "GlobalIPv6Address", running && a->ip6 ? a->ip6 : "");
	jset(x, "GlobalIPv6PrefixLen", json_object_new_int(running && a->ip6 ? a->prefix6 : 0));
	jset_str(x, "MacAddress", running && mac ? mac : "");
	jset_str(x, "NetworkID", a->name);
	jset(x, "DriverOpts", NULL);
	jset(x, "IPAMConfig", NULL);
	jset(x, "Links", NULL);
	json_object_array_add(aliases, json_object_new_string(shortid));
	for (char **s = a->aliases; s && *s; s++)
		json_object_array_add(aliases, json_object_new_string(*s));
	jset(x, "Aliases", aliases);
	return x;
}

/* NetworkSettings: slirp4netns's addresses (the container .100 of its
 * cidr, the gateway .2; Podman 4.3 leaves them empty for slirp4netns,
 * Docker's clients read them), a bridge network's (the top-level fields
 * for the default network only, as Podman), and the netns. */
static void fill_network(struct engine *e, struct json_object *ns, const struct container_rec *c)
{
	enum net_mode mode;
	struct net_opts n;
	char ip[16], gw[16];
	int prefix;
	bool running = c->state == CTR_RUNNING && c->pid > 0;

	ctrnet_from_config(c->config, &mode, &n);
	if (mode == NET_BRIDGE) {
		cleanup_json struct json_object *st = running ? ctrbridge_status(e, c->id) : NULL;
		struct json_object *nets = json_object_new_object();
		for (size_t i = 0; i < n.nnets; i++) {
			struct json_object *x = bridge_entry(&n.nets[i], c->id, st, running);
			if (n.nnets == 1 && strcmp(n.nets[i].name, netconf_default_name()) == 0) {
				static const char *const keys[] = {"Gateway", "IPAddress",
								   "IPPrefixLen", "MacAddress"};
				for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
					jset(ns, keys[k], json_object_get(jget(x, keys[k])));
			}
			jset(nets, n.nets[i].name, x);
		}
		jset(ns, "Networks", nets);
	}
	if (!running) {
		net_opts_free(&n);
		return;
	}
	if (mode == NET_SLIRP && net_slirp_addrs(n.cidr, ip, gw, NULL, &prefix) == 0) {
		jset_str(ns, "IPAddress", ip);
		jset_str(ns, "Gateway", gw);
		jset(ns, "IPPrefixLen", json_object_new_int(prefix));
		if (n.mac)
			jset_str(ns, "MacAddress", n.mac);
	}
	if (mode != NET_HOST) {
		cleanup_free char *key = xasprintf("/proc/%d/ns/net", (int)c->pid);
		jset_str(ns, "SandboxKey", key);
	}
	net_opts_free(&n);
}

/* The bridge networks of a container by name (ps's Networks), from its
 * parsed config j. */
static struct json_object *network_names(struct json_object *j)
{
	struct json_object *a = json_object_new_array();
	enum net_mode mode;
	struct net_opts n;

	ctrnet_from_json(j, &mode, &n);
	for (size_t i = 0; mode == NET_BRIDGE && i < n.nnets; i++)
		json_object_array_add(a, json_object_new_string(n.nets[i].name));
	net_opts_free(&n);
	return a;
}

struct json_object *ctr_json_inspect(struct engine *e, const struct container_rec *c, bool go_time)
{
	struct json_object *o = json_tokener_parse(inspect_skeleton), *args;
	cleanup_json struct json_object *opts = c->config ? json_tokener_parse(c->config) : NULL;
	cleanup_free char *bundle = container_bundle_dir(e, c);
	cleanup_free char *spec_path = xasprintf("%s/config.json", bundle);
	cleanup_free char *spec_text = read_file_at(AT_FDCWD, spec_path, NULL, NULL);
	cleanup_json struct json_object *spec = spec_text ? json_tokener_parse(spec_text) : NULL;

	jset_str(o, "Id", c->id);
	set_time(o, "Created", c->created, go_time);
	jset_str(o, "Path", c->command && c->command[0] ? c->command[0] : "");
	args = json_object_new_array();
	for (size_t i = 1; c->command && c->command[0] && c->command[i]; i++)
		json_object_array_add(args, json_object_new_string(c->command[i]));
	jset(o, "Args", args);
	fill_state(jget(o, "State"), c, spec, go_time);
	jset(jget(o, "State"), "Health", health_state_json(e, c));
	cgroup_path(o, e, c, go_time);
	fill_image(o, e, c);
	jset_str(o, "Rootfs", jstr(opts, "Rootfs"));			/* --rootfs DIR, else "" */
	jset_str(o, "Pod", jstr(opts, "Pod") ? jstr(opts, "Pod") : ""); /* runtime/pods.h */
	jset(o, "IsInfra", json_object_new_boolean(json_object_get_boolean(jget(opts, "IsInfra"))));
	fill_paths(o, e, c);
	jset_str(o, "Name", c->name);
	jset(o, "RestartCount", json_object_new_int(container_restart_count(e, c->id)));
	jset(o, "ExecIDs", exec_session_ids(e, c));
	jset_str(o, "Driver", c->driver);
	jset(o, "EffectiveCaps", caps(spec, "effective"));
	jset(o, "BoundingCaps", caps(spec, "bounding"));
	jset_str(jget(o, "GraphDriver"), "Name", c->driver);
	if (jget(opts, "Mounts") != NULL) /* the stored Podman shape (volumes.h) */
		jset(o, "Mounts", json_object_get(jget(opts, "Mounts")));
	else
		jset(o, "Mounts", mounts(jget(opts, "HostConfig")));
	fill_config(jget(o, "Config"), jget(opts, "Config"), spec);
	fill_hostconfig(jget(o, "HostConfig"), jget(opts, "HostConfig"), spec,
			jget(opts, "Mounts") != NULL);
	fill_limits(o, e, c, jget(opts, "Resources"), spec);
	/* Podman shows the bindings there too, running or not */
	if (jget(jget(opts, "HostConfig"), "PortBindings"))
		jset(jget(o, "NetworkSettings"), "Ports",
		     json_object_get(jget(jget(opts, "HostConfig"), "PortBindings")));
	fill_network(e, jget(o, "NetworkSettings"), c);
	jset(jget(o, "HostConfig"), "AutoRemove", json_object_new_boolean(c->autoremove));
	log_path(e, c, jget(jget(o, "HostConfig"), "LogConfig"));
	/* a template sees Podman's struct, whose nil IDMappings prints null;
	 * its JSON omits the key */
	if (go_time && jget(jget(o, "HostConfig"), "IDMappings") == NULL)
		jset(jget(o, "HostConfig"), "IDMappings", NULL);
	return o;
}

static struct json_object *names_list(const struct container_rec *c)
{
	struct json_object *names = json_object_new_array();

	json_object_array_add(names, json_object_new_string(c->name));
	return names;
}

/* Go's %v of a map[string]string: "map[a:1 b:]", keys sorted. */
static char *labels_go(struct json_object *labels)
{
	cleanup_strv char **keys = NULL;
	char *out = xstrdup("map[");

	if (labels && json_object_is_type(labels, json_type_object)) {
		json_object_object_foreach(labels, k, v)
		{
			(void)v;
			keys = strv_append(keys, k);
		}
	}
	if (keys)
		qsort(keys, strv_len(keys), sizeof(char *), cmp_str);
	for (size_t i = 0; keys && keys[i]; i++) {
		char *n = xasprintf("%s%s%s:%s", out, i ? " " : "", keys[i],
				    json_object_get_string(jget(labels, keys[i])));
		free(out);
		out = n;
	}
	char *n = xasprintf("%s]", out);
	free(out);
	return n;
}

/* Go's units.HumanSizeWithPrecision(size, 3): "12B", "1.98MB". */
static void human_size(int64_t bytes, char *buf, size_t len)
{
	format_size_go(bytes, 3, "", buf, len);
}

void ctr_size_string(const struct ctr_size *size, char *buf, size_t len)
{
	char rw[32], root[32];

	human_size(size->rw, rw, sizeof(rw));
	human_size(size->rootfs, root, sizeof(root));
	snprintf(buf, len, "%s (virtual %s)", rw, root);
}

/* ps --format json's Ports: the stored maps (Podman's PortMapping
 * objects) of the parsed config j, null without any */
static struct json_object *ps_ports(struct json_object *j)
{
	struct json_object *p = jget(j, "PortMappings");

	return jlen(p) ? json_object_get(p) : NULL;
}

/* The labels of the parsed config j (as ctr_labels), a new reference or NULL */
static struct json_object *config_labels(struct json_object *j)
{
	struct json_object *l = jget(jget(j, "Config"), "Labels");

	return l && json_object_is_type(l, json_type_object) ? json_object_get(l) : NULL;
}

void ctr_ps_config(const struct container_rec *c, struct ctr_ps_config *out)
{
	/* parsed once: a listing of many containers spent most of its time here */
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;

	out->labels = config_labels(j);
	out->networks = network_names(j);
	out->ports = ps_ports(j);
}

void ctr_ps_config_free(struct ctr_ps_config *p)
{
	json_object_put(p->labels);
	json_object_put(p->networks);
	json_object_put(p->ports);
}

struct json_object *ctr_json_ps(const struct container_rec *c, const struct ctr_size *size)
{
	struct json_object *o = json_object_new_object();
	struct ctr_ps_config pc;
	char ago[64], status[128];

	container_status_string(c, status, sizeof(status));
	format_ago(c->created, ago, sizeof(ago));
	jset(o, "AutoRemove", json_object_new_boolean(c->autoremove));
	jset(o, "Command", jnew_strv(c->command));
	jset_str(o, "CreatedAt", ago); /* Podman 4.3 puts the human time here */
	jset(o, "Exited", json_object_new_boolean(c->state == CTR_EXITED));
	jset(o, "ExitedAt", json_object_new_int64(c->finished / 1000000000LL));
	jset(o, "ExitCode", json_object_new_int(c->exit_code));
	jset_str(o, "Id", c->id);
	jset_str(o, "Image", c->image_name);
	jset_str(o, "ImageID", c->image_id);
	jset(o, "IsInfra", json_object_new_boolean(false));
	ctr_ps_config(c, &pc);
	jset(o, "Labels", pc.labels);
	jset(o, "Mounts", json_object_new_array());
	jset(o, "Names", names_list(c));
	jset(o, "Namespaces", json_object_new_object());
	jset(o, "Networks", pc.networks);
	jset(o, "Pid", json_object_new_int(c->pid));
	jset_str(o, "Pod", "");
	jset_str(o, "PodName", "");
	jset(o, "Ports", pc.ports);
	if (size) {
		struct json_object *sz = json_object_new_object();
		jset(sz, "rootFsSize", json_object_new_int64(size->rootfs));
		jset(sz, "rwSize", json_object_new_int64(size->rw));
		jset(o, "Size", sz);
	} else {
		jset(o, "Size", NULL);
	}
	jset(o, "StartedAt", json_object_new_int64(c->started / 1000000000LL));
	jset_str(o, "State", c->paused ? "paused" : ctr_state_name(c->state));
	jset_str(o, "Status", status);
	jset(o, "Created", json_object_new_int64(c->created / 1000000000LL));
	return o;
}

/* The template view: what Podman's ps reporter methods print for each
 * field (Go's %v of empty maps and lists where warren has none). */
struct json_object *ctr_json_ps_view(const struct container_rec *c, bool notrunc,
				     const struct ctr_size *size)
{
	struct json_object *o = json_object_new_object();
	cleanup_free char *cmd = strv_join(c->command, " ");
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	cleanup_json struct json_object *labels = config_labels(j);
	cleanup_free char *lstr = labels_go(labels);
	cleanup_free struct port_map *maps = NULL;
	size_t nmaps = ports_from_json(jget(j, "PortMappings"), &maps);
	cleanup_free char *pstr = ports_ps_string(maps, nmaps);
	char id[65], img[65], ago[64], status[128], t[64], sz[80] = "";

	if (!notrunc && strlen(cmd) > 17) { /* Podman: 17 characters and "..." */
		char *shortened = xasprintf("%.17s...", cmd);
		free(cmd);
		cmd = shortened;
	}

	snprintf(id, sizeof(id), "%.*s", notrunc ? 64 : 12, c->id);
	snprintf(img, sizeof(img), "%.*s", notrunc ? 64 : 12, c->image_id);
	container_status_string(c, status, sizeof(status));
	format_ago(c->created, ago, sizeof(ago));
	format_gotime(c->created, t, sizeof(t));
	jset_str(o, "ID", id);
	jset_str(o, "Image", c->image_name);
	jset_str(o, "ImageID", img);
	jset_str(o, "Command", cmd);
	jset_str(o, "Created", t);
	jset_str(o, "CreatedAt", t);
	jset_str(o, "CreatedHuman", ago);
	jset_str(o, "RunningFor", ago);
	jset_str(o, "Status", status);
	jset_str(o, "State", status); /* Podman 4.3's template State is the status text */
	jset_str(o, "Ports", pstr);
	jset_str(o, "Names", c->name);
	jset_str(o, "Labels", lstr);
	jset_str(o, "Mounts", "[]");
	jset_str(o, "Pod", "");
	jset_str(o, "PodName", "");
	jset_str(o, "Networks", "");
	if (size)
		ctr_size_string(size, sz, sizeof(sz));
	jset_str(o, "Size", sz);
	jset(o, "Exited", json_object_new_boolean(c->state == CTR_EXITED));
	jset(o, "ExitedAt", json_object_new_int64(c->finished / 1000000000LL));
	jset(o, "ExitCode", json_object_new_int(c->exit_code));
	jset(o, "Pid", json_object_new_int(c->pid));
	jset(o, "StartedAt", json_object_new_int64(c->started / 1000000000LL));
	jset(o, "AutoRemove", json_object_new_boolean(c->autoremove));
	jset(o, "IsInfra", json_object_new_boolean(false));
	jset_str(o, "Namespaces", "{      }");
	return o;
}

/* Podman's column titles for each ps template field. */
struct json_object *ctr_json_ps_headers(void)
{
	static const char *const titles[][2] = {
	    {"ID", "CONTAINER ID"},	 {"Image", "IMAGE"},
	    {"ImageID", "IMAGE ID"},	 {"Command", "COMMAND"},
	    {"Created", "CREATED"},	 {"CreatedAt", "CREATED AT"},
	    {"CreatedHuman", "CREATED"}, {"RunningFor", "RUNNING FOR"},
	    {"Status", "STATUS"},	 {"State", "STATE"},
	    {"Ports", "PORTS"},		 {"Names", "NAMES"},
	    {"Labels", "LABELS"},	 {"Mounts", "MOUNTS"},
	    {"Pod", "POD ID"},		 {"PodName", "PODNAME"},
	    {"Networks", "NETWORKS"},	 {"Size", "SIZE"},
	    {"Exited", "EXITED"},	 {"ExitedAt", "EXITED AT"},
	    {"ExitCode", "EXIT CODE"},	 {"Pid", "PID"},
	    {"StartedAt", "STARTED AT"}, {"AutoRemove", "AUTO REMOVE"},
	    {"IsInfra", "IS INFRA"},	 {"Namespaces", "NAMESPACES"},
	};
	struct json_object *h = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
		jset_str(h, titles[i][0], titles[i][1]);
	return h;
}
