/* warren run */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli/attach.h"
#include "cli/cli.h"
#include "cli/runio.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/cgroup.h"
#include "net/net.h"
#include "runtime/container.h"
#include "runtime/detach.h"
#include "runtime/health.h"
#include "runtime/limits.h"
#include "runtime/pods.h"
#include "runtime/runopts.h"
#include "storage/sqsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* run_opts fields set by a runtime/runopts.c parser */
#define RUNOPTS_CALL(fn)                                                                           \
	static int fn##_opt(void *o, const char *v, struct werr *err)                              \
	{                                                                                          \
		return fn(o, v, err);                                                              \
	}
RUNOPTS_CALL(runopts_add_env)
RUNOPTS_CALL(runopts_add_env_file)
RUNOPTS_CALL(runopts_set_entrypoint)
RUNOPTS_CALL(runopts_add_volume)
RUNOPTS_CALL(runopts_add_device)
RUNOPTS_CALL(runopts_add_tmpfs)
RUNOPTS_CALL(runopts_add_mount)
RUNOPTS_CALL(runopts_add_volumes_from)
RUNOPTS_CALL(runopts_set_network)
RUNOPTS_CALL(runopts_set_image_volume)
RUNOPTS_CALL(runopts_security_opt)
RUNOPTS_CALL(runopts_set_stop_signal)
RUNOPTS_CALL(runopts_set_stop_timeout)
RUNOPTS_CALL(runopts_set_log_driver)
RUNOPTS_CALL(runopts_add_log_opt)
RUNOPTS_CALL(runopts_set_restart)
RUNOPTS_CALL(runopts_add_annotation)
RUNOPTS_CALL(runopts_add_label)
RUNOPTS_CALL(runopts_add_label_file)
RUNOPTS_CALL(runopts_add_secret)
RUNOPTS_CALL(runopts_add_ulimit)
RUNOPTS_CALL(runopts_add_publish)
RUNOPTS_CALL(runopts_add_expose)

/* the DNS, hosts and MAC flags (net/net.h validates them) */
#define NETOPTS_CALL(fn)                                                                           \
	static int fn##_opt(void *o, const char *v, struct werr *err)                              \
	{                                                                                          \
		return fn(&((struct run_opts *)o)->netopts, v, err);                               \
	}
NETOPTS_CALL(net_add_dns)
NETOPTS_CALL(net_add_dns_search)
NETOPTS_CALL(net_add_dns_option)
NETOPTS_CALL(net_add_host)
NETOPTS_CALL(net_set_mac)
NETOPTS_CALL(net_set_ip)
NETOPTS_CALL(net_set_ip6)
NETOPTS_CALL(net_add_alias)

/* the limits (runtime/limits.h), shared with update (cli.h) */
#define LIMIT_CALL(fn, flag, s)                                                                    \
	int cli_limit_##fn(void *o, const char *v, struct werr *err)                               \
	{                                                                                          \
		return limits_parse(&((struct run_opts *)o)->limits, flag, v, err);                \
	}
CLI_LIMIT_FLAGS(LIMIT_CALL)
#define RUN_LIMIT_CALL(fn, flag)                                                                   \
	static int run_##fn(void *o, const char *v, struct werr *err)                              \
	{                                                                                          \
		return limits_parse(&((struct run_opts *)o)->limits, flag, v, err);                \
	}
RUN_LIMIT_CALL(oom_score_adj, "oom-score-adj")
RUN_LIMIT_CALL(shm_size, "shm-size")
RUN_LIMIT_CALL(cgroup_parent, "cgroup-parent")
RUN_LIMIT_CALL(cgroupns, "cgroupns")

static int run_tls_verify(void *o, const char *v, struct werr *err)
{
	return cli_tls_verify(&((struct run_opts *)o)->tls_verify, v, err);
}

static int run_cgroups(void *o, const char *v, struct werr *err)
{
	enum cg_mode m;

	if (cgroup_mode_parse(v, &m, err) < 0)
		return -1;
	((struct run_opts *)o)->cgroups = (int)m;
	return 0;
}

/* --detach-keys: checked as Podman does; a foreground run cannot detach
 * (it owns its container), so they are not used */
static int run_detach_keys(void *o, const char *v, struct werr *err)
{
	struct attach_req r;

	(void)o;
	return cli_detach_keys(v, &r, err);
}

static const struct opt run_tab[] = {
    OPT_BOOL("rm", 0, struct run_opts, rm),
    OPT_BOOL("interactive", 'i', struct run_opts, interactive),
    OPT_BOOL("tty", 't', struct run_opts, tty),
    OPT_CALL("env", 'e', runopts_add_env_opt),
    OPT_CALL("env-file", 0, runopts_add_env_file_opt),
    OPT_CALL("secret", 0, runopts_add_secret_opt),
    OPT_DUP("workdir", 'w', struct run_opts, workdir),
    OPT_DUP("user", 'u', struct run_opts, user),
    OPT_DUP("name", 0, struct run_opts, name),
    OPT_DUP("cidfile", 0, struct run_opts, cidfile),
    OPT_DUP("hostname", 'h', struct run_opts, hostname), /* -h is not help, as in Podman */
    OPT_CALL("entrypoint", 0, runopts_set_entrypoint_opt),
    OPT_CALL("volume", 'v', runopts_add_volume_opt),
    OPT_CALL("tmpfs", 0, runopts_add_tmpfs_opt),
    OPT_CALL("image-volume", 0, runopts_set_image_volume_opt),
    OPT_CALL("device", 0, runopts_add_device_opt),
    OPT_CALL("mount", 0, runopts_add_mount_opt),
    OPT_CALL("volumes-from", 0, runopts_add_volumes_from_opt),
    OPT_BOOL("read-only", 0, struct run_opts, read_only),
    OPT_CALL("network", 0, runopts_set_network_opt),
    OPT_CALL("net", 0, runopts_set_network_opt),
    OPT_CALL("dns", 0, net_add_dns_opt),
    OPT_CALL("dns-search", 0, net_add_dns_search_opt),
    OPT_CALL("dns-option", 0, net_add_dns_option_opt),
    OPT_CALL("dns-opt", 0, net_add_dns_option_opt),
    OPT_CALL("add-host", 0, net_add_host_opt),
    OPT_CALL("mac-address", 0, net_set_mac_opt),
    OPT_CALL("ip", 0, net_set_ip_opt),
    OPT_CALL("ip6", 0, net_set_ip6_opt),
    OPT_CALL("ulimit", 0, runopts_add_ulimit_opt),
    OPT_CALL("network-alias", 0, net_add_alias_opt),
    OPT_BOOL("no-hosts", 0, struct run_opts, netopts.no_hosts),
    OPT_STRV("cap-add", 0, struct run_opts, cap_add),
    OPT_STRV("cap-drop", 0, struct run_opts, cap_drop),
    OPT_CALL("security-opt", 0, runopts_security_opt_opt),
    OPT_BOOL("privileged", 0, struct run_opts, privileged),
    OPT_BOOL("detach", 'd', struct run_opts, detach),
    OPT_BOOL("sig-proxy", 0, struct run_opts, sig_proxy),
    OPT_CALL("detach-keys", 0, run_detach_keys),
    OPT_STR("pull", 0, struct run_opts, pull),
    OPT_STR("authfile", 0, struct run_opts, authfile),
    OPT_STR("cert-dir", 0, struct run_opts, cert_dir),
    OPT_STR("creds", 0, struct run_opts, creds),
    OPT_STR("platform", 0, struct run_opts, platform),
    OPT_CALL("tls-verify", 0, run_tls_verify),
    OPT_BOOL("quiet", 'q', struct run_opts, quiet),
    OPT_CALL("stop-signal", 0, runopts_set_stop_signal_opt),
    OPT_CALL("stop-timeout", 0, runopts_set_stop_timeout_opt),
    OPT_CALL("log-driver", 0, runopts_set_log_driver_opt),
    OPT_CALL("log-opt", 0, runopts_add_log_opt_opt),
    OPT_CALL("restart", 0, runopts_set_restart_opt),
    OPT_BOOL("init", 0, struct run_opts, init),
    OPT_DUP("init-path", 0, struct run_opts, init_path),
    OPT_BOOL("rootfs", 0, struct run_opts, rootfs),
    OPT_CALL("annotation", 0, runopts_add_annotation_opt),
    OPT_STR("health-cmd", 0, struct run_opts, health.cmd),
    OPT_STR("health-interval", 0, struct run_opts, health.interval),
    OPT_UINT("health-retries", 0, struct run_opts, health.retries),
    OPT_STR("health-start-period", 0, struct run_opts, health.start_period),
    OPT_STR("health-timeout", 0, struct run_opts, health.timeout),
    OPT_STR("health-on-failure", 0, struct run_opts, health.on_failure),
    OPT_BOOL("no-healthcheck", 0, struct run_opts, health.none),
    OPT_CALL("label", 'l', runopts_add_label_opt),
    OPT_CALL("label-file", 0, runopts_add_label_file_opt),
    OPT_DUP("userns", 0, struct run_opts, userns),
    OPT_STRV("uidmap", 0, struct run_opts, uidmap),
    OPT_STRV("gidmap", 0, struct run_opts, gidmap),
    OPT_DUP("subuidname", 0, struct run_opts, subuidname),
    OPT_DUP("subgidname", 0, struct run_opts, subgidname),
    OPT_CALL("cgroups", 0, run_cgroups),
    CLI_LIMIT_FLAGS(CLI_LIMIT_OPT)
	OPT_BOOL("oom-kill-disable", 0, struct run_opts, limits.oom_kill_disable),
    OPT_CALL("oom-score-adj", 0, run_oom_score_adj),
    OPT_CALL("shm-size", 0, run_shm_size),
    OPT_CALL("cgroup-parent", 0, run_cgroup_parent),
    OPT_CALL("cgroupns", 0, run_cgroupns),
    OPT_CALL("publish", 'p', runopts_add_publish_opt),
    OPT_BOOL("publish-all", 'P', struct run_opts, publish_all),
    OPT_CALL("expose", 0, runopts_add_expose_opt),
    OPT_STR("pod", 0, struct run_opts, pod), /* a ref until run_args resolves it */
    OPT_TABLE_END,
};

int cli_cidfile_open(const char *path, int *fd, struct werr *err)
{
	*fd = -1;
	if (path == NULL)
		return 0;
	*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (*fd < 0 && errno == EEXIST)
		werr_set(err, 0,
			 "container id file exists. Ensure another container is not using it or "
			 "delete %s",
			 path);
	else if (*fd < 0)
		werr_set(err, 0, "opening cidfile %s", path); /* Podman's words, no reason */
	return *fd < 0 ? werr_status(err, 125) : 0;
}

/* The id into the cidfile, as Podman writes it (no newline). */
static int cidfile_write(int fd, const char *path, const char *id, struct werr *err)
{
	if (fd >= 0 && write_all(fd, id, strlen(id)) < 0)
		return werr_set(err, errno, "writing cidfile %s", path);
	return 0;
}

/* Done with the cidfile: one that got no id (no container was made)
 * goes. */
static void cidfile_close(int fd, const char *path)
{
	if (fd < 0)
		return;
	if (lseek(fd, 0, SEEK_CUR) == 0)
		unlink(path);
	close(fd);
}

/* Creates, starts and waits: the CLI owns the container's lifetime. */
static int run_foreground(struct engine *e, const char *image, const struct run_opts *o, int cidfd,
			  struct werr *err)
{
	struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
	struct run_io rio;
	int code = 0, rc = -1;

	run_io_check(o);
	if (container_create(e, image, o, &c, err) < 0)
		return -1;
	if (cidfile_write(cidfd, o->cidfile, c.rec.id, err) < 0) {
		container_owned_free(e, &c);
		return -1;
	}
	/* only now: a ^C while the rootfs is made stops warren itself */
	run_io_begin(&rio, o);
	if (container_start(e, &c, &rio.io, err) == 0 &&
	    container_wait(e, &c, &rio.io, &code, err) == 0)
		rc = code;
	run_io_end(&rio);
	container_owned_free(e, &c);
	return rc;
}

static void run_init(void *o)
{
	runopts_init(o);
}

static void run_fini(void *o)
{
	runopts_free(o);
}

/* run IMAGE [COMMAND...]: the flags end at the image */
const struct optspec cli_run_opts = {run_tab, sizeof(struct run_opts), true, run_init, run_fini};

/* run -d: created here, then handed to a monitor of its own */
static int run_detached(struct engine *e, const char *image, const struct run_opts *o, int cidfd,
			struct werr *err)
{
	struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
	struct detach_opts d;
	int rc = -1;

	if (detach_opts_from_run(o, &d, err) < 0 || container_create(e, image, o, &c, err) < 0)
		return -1;
	if (cidfile_write(cidfd, o->cidfile, c.rec.id, err) == 0 &&
	    container_detach(e, &c, &d, err) == 0) {
		printf("%s\n", c.rec.id);
		rc = 0;
	}
	container_owned_free(e, &c);
	return rc;
}

/* IMAGE [COMMAND...] into o; pulls the image when the policy says so
 * (--rootfs: IMAGE is the root filesystem's dir) */
static int run_args(struct engine *e, struct run_opts *o, char **args, char **pod_id, char **image,
		    struct werr *err)
{
	if (o->rm && o->restart && strcmp(o->restart, "no") != 0) {
		werr_set(err, 0,
			 "the --rm option conflicts with --restart, when the restartPolicy is not "
			 "\"\" and \"no\"");
		return werr_status(err, 125);
	}
	if (args[0] == NULL) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	if (limits_check(&o->limits, err) < 0)
		return -1;
	/* the flags alone, before any pull (create checks them with the image's) */
	struct json_object *hc = NULL;
	const char *action;
	if (health_config(&o->health, NULL, &hc, &action, err) < 0)
		return -1;
	json_object_put(hc);
	for (size_t i = 1; args[i]; i++)
		o->cmd = strv_append(o->cmd, args[i]);
	/* --pod REF: joins it (new:NAME makes it); o->pod becomes its id */
	if (o->pod && pod_join_opts(e, o->pod, o, pod_id, err) < 0)
		return -1;
	/* FILE.sqsh (issue 15): a single-file image, run as --rootfs FILE */
	if (!o->rootfs &&
	    (str_has_suffix(args[0], ".sqsh") || str_has_suffix(args[0], ".squashfs") ||
	     (strchr(args[0], '/') != NULL && sqsh_is_file(args[0]))))
		o->rootfs = true;
	if (o->rootfs) {
		*image = xstrdup(args[0]);
		return runopts_set_rootfs(o, args[0], err);
	}
	return cli_image_for_run(e, args[0], o->pull, o, image, err);
}

int cmd_run(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct run_opts *o = opts;
	cleanup_free char *pod_id = NULL, *image = NULL;
	int cidfd, rc = -1;

	if (cli_cidfile_open(o->cidfile, &cidfd, err) < 0)
		return -1;
	if (run_args(e, o, args, &pod_id, &image, err) == 0 &&
	    (pod_id == NULL || pod_infra_ensure(e, pod_id, err) == 0)) {
		o->net_early =
		    !o->detach; /* it starts at once: its network comes up while it is made */
		rc = o->detach ? run_detached(e, image, o, cidfd, err)
			       : run_foreground(e, image, o, cidfd, err);
	}
	/* a container that was made keeps its cidfile (even when --rm removed it) */
	cidfile_close(cidfd, o->cidfile);
	return rc;
}

int cmd_create(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct run_opts *o = opts;
	struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
	cleanup_free char *pod_id = NULL, *image = NULL;
	int cidfd, rc;

	if (cli_cidfile_open(o->cidfile, &cidfd, err) < 0)
		return -1;
	if (run_args(e, o, args, &pod_id, &image, err) < 0 ||
	    container_create(e, image, o, &c, err) < 0) {
		cidfile_close(cidfd, o->cidfile);
		return -1;
	}
	rc = cidfile_write(cidfd, o->cidfile, c.rec.id, err);
	cidfile_close(cidfd, o->cidfile);
	if (rc < 0) {
		container_owned_free(e, &c);
		return -1;
	}
	printf("%s\n", c.rec.id);
	/* created, and nobody's until a start takes it */
	container_owned_free(e, &c);
	return 0;
}
