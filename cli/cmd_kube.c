/* warren kube generate (and `generate kube`): Kubernetes YAML from
 * containers and pods (runtime/kube.h), written by lib/yamljson.h. */
#include "cli/cli.h"
#include "cli/help_kube.h"
#include "cli/opts.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "lib/yamljson.h"
#include "runtime/kube.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kube_gen_cli {
	const char *file, *type, *replicas;
};

static const struct opt gen_tab[] = {
    OPT_STR("filename", 'f', struct kube_gen_cli, file),
    OPT_STR("replicas", 'r', struct kube_gen_cli, replicas),
    OPT_STR("type", 't', struct kube_gen_cli, type),
    OPT_TABLE_END,
};

static const struct optspec gen_opts = {gen_tab, sizeof(struct kube_gen_cli), false, NULL, NULL};

static int cmd_kube_generate(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct kube_gen_cli *c = opts;
	struct kube_gen_opts o = {0};
	cleanup_json struct json_object *docs = NULL;
	cleanup_free char *text = NULL;
	int64_t n;

	if (args[0] == NULL) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	if (c->type && strcmp(c->type, "pod") && strcmp(c->type, "deployment")) {
		werr_set(err, 0, "invalid type given, only supported types are pod and deployment");
		return werr_status(err, 125);
	}
	o.deployment = c->type && !strcmp(c->type, "deployment");
	if (c->replicas) {
		if (parse_int64(c->replicas, 0, 1000000, &n) < 0) {
			werr_set(err, 0, "invalid argument \"%s\" for \"-r, --replicas\" flag",
				 c->replicas);
			return werr_status(err, 125);
		}
		if (!o.deployment) {
			werr_set(err, 0,
				 "--replicas can only be set when --type is set to deployment");
			return werr_status(err, 125);
		}
		o.replicas = (int)n;
	}
	if (kube_generate(e, args, &o, &docs, err) < 0)
		return -1;
	text = kube_render(docs, WARREN_VERSION, err);
	if (text == NULL)
		return werr_status(err, 125);
	if (c->file) {
		/* Podman refuses to overwrite: the file may be a hand-edited
		 * manifest */
		cleanup_close int fd = open(c->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 && errno == EEXIST) {
			werr_set(err, 0, "cannot write to \"%s\"; file exists", c->file);
			return werr_status(err, 125);
		}
		if (fd < 0 || write_all(fd, text, strlen(text)) < 0) {
			werr_set(err, errno, "write '%s'", c->file);
			return werr_status(err, 125);
		}
		return 0;
	}
	fputs(text, stdout);
	return 0;
}

/* ---- play, down ---- */

struct kube_play_cli {
	bool replace, down, force, quiet;
	const char *start, *network;
	char **publish, **configmap;
};

static const struct opt play_tab[] = {
    OPT_STRV("configmap", 0, struct kube_play_cli, configmap),
    OPT_BOOL("down", 0, struct kube_play_cli, down),
    OPT_BOOL("force", 0, struct kube_play_cli, force),
    OPT_BOOL("quiet", 'q', struct kube_play_cli, quiet),
    OPT_STR("network", 0, struct kube_play_cli, network),
    OPT_STRV("publish", 0, struct kube_play_cli, publish),
    OPT_BOOL("replace", 0, struct kube_play_cli, replace),
    OPT_STR("start", 0, struct kube_play_cli, start),
    OPT_TABLE_END,
};

static void play_fini(void *opts)
{
	strv_free(((struct kube_play_cli *)opts)->publish);
	strv_free(((struct kube_play_cli *)opts)->configmap);
}

static const struct optspec play_opts = {play_tab, sizeof(struct kube_play_cli), false, NULL,
					 play_fini};

static int read_docs(char **args, struct json_object **docs, struct werr *err)
{
	if (strv_len(args) != 1) {
		werr_set(err, 0, "accepts 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (yaml_to_json_file(args[0], docs, err) < 0)
		return werr_status(err, 125);
	return 0;
}

struct play_pull {
	struct engine *e;
	bool quiet; /* -q: no pull progress */
};

/* kube play's images, pulled as run pulls them (progress on stderr) */
static int play_get_image(void *ud, const char *image, const char *policy, struct werr *err)
{
	const struct play_pull *pp = ud;
	struct run_opts ro = {.tls_verify = -1, .quiet = pp->quiet};
	cleanup_free char *use = NULL; /* a pod's image is a name: it stays */

	return cli_image_for_run(pp->e, image, policy, &ro, &use, err);
}

/* --configmap FILE[,FILE]: each file's documents, an array of arrays */
static int read_configmaps(char **files, struct json_object **out, struct werr *err)
{
	cleanup_json struct json_object *all = json_object_new_array();

	for (size_t i = 0; files && files[i]; i++) {
		cleanup_free char *dup = xstrdup(files[i]);
		char *save = NULL;
		for (char *f = strtok_r(dup, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
			struct json_object *d = NULL;
			if (yaml_to_json_file(f, &d, err) < 0)
				return werr_status(err, 125);
			json_object_array_add(all, d);
		}
	}
	*out = steal_pointer(&all);
	return 0;
}

static int cmd_kube_play(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct kube_play_cli *c = opts;
	struct play_pull pp = {e, c->quiet};
	struct kube_play_opts o = {.replace = c->replace,
				   .network = c->network,
				   .publish = c->publish,
				   .get_image = play_get_image,
				   .ud = &pp};
	cleanup_json struct json_object *docs = NULL, *cms = NULL, *played = NULL;
	cleanup_free char *report = NULL;
	bool start = true;

	if (c->start && opts_parse_bool(c->start, &start) < 0) {
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"--start\" flag: strconv.ParseBool: "
			 "parsing \"%s\": invalid syntax",
			 c->start, c->start);
		return werr_status(err, 125);
	}
	o.no_start = !start;
	if (c->force && !c->down) {
		werr_set(err, 0, "--force may be used only with --down");
		return werr_status(err, 125);
	}
	if (c->down) { /* Podman 4.3's spelling of kube down */
		if (read_docs(args, &docs, err) < 0 ||
		    kube_down(e, docs, c->force, &played, err) < 0)
			return -1;
		report = kube_down_text(played);
		fputs(report, stdout);
		return 0;
	}
	if (read_configmaps(c->configmap, &cms, err) < 0)
		return -1;
	o.configmaps = cms;
	if (read_docs(args, &docs, err) < 0 || kube_play(e, docs, &o, &played, err) < 0)
		return -1;
	report = kube_play_text(played);
	fputs(report, stdout);
	return 0;
}

struct kube_down_cli {
	bool force;
};

static const struct opt down_tab[] = {
    OPT_BOOL("force", 0, struct kube_down_cli, force),
    OPT_TABLE_END,
};

static const struct optspec down_opts = {down_tab, sizeof(struct kube_down_cli), false, NULL, NULL};

static int cmd_kube_down(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct kube_down_cli *c = opts;
	cleanup_json struct json_object *docs = NULL, *down = NULL;
	cleanup_free char *report = NULL;

	if (read_docs(args, &docs, err) < 0 || kube_down(e, docs, c->force, &down, err) < 0)
		return -1;
	report = kube_down_text(down);
	fputs(report, stdout);
	return 0;
}

const struct cmd cli_kube_commands[] = {
    {"down", cmd_kube_down, &down_opts, "remove the pods a Kubernetes YAML file made",
     KUBE_DOWN_HELP, NEEDS_STORE, NULL},
    {"generate", cmd_kube_generate, &gen_opts, "write Kubernetes YAML for containers and pods",
     KUBE_GENERATE_HELP, NEEDS_STORE, NULL},
    {"play", cmd_kube_play, &play_opts, "create pods from Kubernetes YAML", KUBE_PLAY_HELP,
     NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

/* Podman 4.3 has `generate kube` too (the older spelling) */
const struct cmd cli_generate_commands[] = {
    {"kube", cmd_kube_generate, &gen_opts, "write Kubernetes YAML for containers and pods",
     KUBE_GENERATE_HELP, NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};
