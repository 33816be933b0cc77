/* cmd_registry.c - pull, push, login, logout. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/progress.h"
#include "image/auth.h"
#include "image/manifest.h"
#include "image/image.h"
#include "image/pull.h"
#include "image/push.h"
#include "image/ref.h"
#include "image/registry.h"
#include "image/search.h"
#include "cli/format.h"
#include "lib/json.h"
#include "runtime/spec.h"
#include "lib/cleanup.h"
#include "lib/util.h"

/* --tls-verify: unset (-1), true, false; see cli.h */
int cli_tls_verify(int *field, const char *val, struct werr *err)
{
	if (val == NULL || strcmp(val, "true") == 0 || strcmp(val, "1") == 0)
		*field = 1;
	else if (strcmp(val, "false") == 0 || strcmp(val, "0") == 0)
		*field = 0;
	else
		return werr_set(err, 0, "invalid argument \"%s\" for \"--tls-verify\" flag", val);
	return 0;
}

/* The registry flags every command here has (--authfile, --creds, --cert-dir,
 * --tls-verify): a struct reg_opts at the start of its option struct; see cli.h. */
int cli_reg_tls_opt(void *opts, const char *val, struct werr *err)
{
	return cli_tls_verify(&((struct reg_opts *)opts)->tls_verify, val, err);
}

/* --tls-verify unset; see cli.h. */
void cli_reg_opts_init(void *opts)
{
	((struct reg_opts *)opts)->tls_verify = -1;
}

struct pull_cli {
	struct reg_opts reg; /* first: reg_tls_opt and reg_opts_init take the struct */
	const char *platform, *arch, *os, *variant, *policy;
	bool quiet, all_tags;
};

static const struct opt pull_tab[] = {
    OPT_STR("authfile", 0, struct pull_cli, reg.authfile),
    OPT_STR("creds", 0, struct pull_cli, reg.creds),
    OPT_STR("cert-dir", 0, struct pull_cli, reg.cert_dir),
    OPT_STR("platform", 0, struct pull_cli, platform),
    OPT_STR("arch", 0, struct pull_cli, arch),
    OPT_STR("os", 0, struct pull_cli, os),
    OPT_STR("variant", 0, struct pull_cli, variant),
    OPT_STR("signature-policy", 0, struct pull_cli, policy),
    OPT_CALL("tls-verify", 0, cli_reg_tls_opt),
    OPT_BOOL("quiet", 'q', struct pull_cli, quiet),
    OPT_BOOL("all-tags", 'a', struct pull_cli, all_tags),
    OPT_TABLE_END,
};
const struct optspec cli_pull_opts = {pull_tab, sizeof(struct pull_cli), false, cli_reg_opts_init,
				      NULL};

/* --platform, or --os/--arch/--variant pieced together (malloc'd or NULL). */
static char *pull_platform(const struct pull_cli *o)
{
	if (o->platform != NULL)
		return xstrdup(o->platform);
	if (o->arch == NULL && o->os == NULL && o->variant == NULL)
		return NULL;
	return xasprintf("%s/%s%s%s", o->os ? o->os : "linux", o->arch ? o->arch : platform_arch(),
			 o->variant ? "/" : "", o->variant ? o->variant : "");
}

/* --all-tags: each tag in turn, the ids printed at the end as Podman does. */
static int pull_all_tags(struct engine *e, const char *ref, const struct pull_opts *po,
			 struct werr *err)
{
	cleanup_strv char **refs = NULL;
	cleanup_strv char **ids = NULL;
	char id[DIGEST_HEX_LEN + 1];

	if (image_remote_tags(e, ref, po, &refs, err) < 0)
		return -1;
	for (size_t i = 0; refs[i]; i++) {
		cleanup_free char *name = NULL;
		if (image_pull(e, refs[i], po, id, &name, err) < 0)
			return -1;
		if (!strv_contains(ids, id))
			ids = strv_append(ids, id);
	}
	for (size_t i = 0; ids && ids[i]; i++)
		printf("%s\n", ids[i]);
	return 0;
}

static char *read_line(FILE *f);

/* The short-name chooser on the terminal (Podman shows an arrow-key list;
 * this is a numbered one): the prompt on stdout, the answer from stdin. */
static int choose_image(void *ud, char *const *cands, struct werr *err)
{
	size_t n = strv_len(cands);

	(void)ud;
	for (int tries = 0; tries < 3; tries++) {
		cleanup_free char *line = NULL;
		int64_t pick;
		printf("? Please select an image:\n");
		for (size_t i = 0; i < n; i++)
			printf("  %zu) %s\n", i + 1, cands[i]);
		printf("Enter a number [1-%zu]: ", n);
		fflush(stdout);
		if ((line = read_line(stdin)) == NULL)
			return werr_set(err, 0, "short-name resolution aborted: no image selected");
		if (parse_int64(line, 1, (int64_t)n, &pick) == 0)
			return (int)pick - 1;
		printf("invalid choice \"%s\"\n", line);
	}
	return werr_set(err, 0, "short-name resolution aborted: no valid choice");
}

/* Terminal state for pulls: Podman prompts when stdin and stdout are one. */
static void pull_tty(struct pull_opts *po)
{
	po->have_tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	po->choose = po->have_tty ? choose_image : NULL;
}

int cmd_pull(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct pull_cli *o = opts;
	cleanup_free char *platform = pull_platform(o), *name = NULL;
	struct progress *prog;
	struct pull_opts po = {
	    .reg = o->reg,
	    .platform = platform,
	    .policy_path = o->policy,
	};
	char id[DIGEST_HEX_LEN + 1];
	int rc;

	pull_tty(&po);
	if (strv_len(args) != 1) {
		werr_set(err, 0, "pull requires exactly one image name: pull [OPTIONS] IMAGE");
		return werr_status(err, 125);
	}
	prog = progress_new(stderr, isatty(STDERR_FILENO), o->quiet);
	po.event = progress_event;
	po.ud = prog;
	if (o->all_tags) {
		rc = pull_all_tags(e, args[0], &po, err);
		progress_free(prog);
		return rc;
	}
	rc = image_pull(e, args[0], &po, id, &name, err);
	progress_free(prog);
	if (rc < 0)
		return -1;
	printf("%s\n", id);
	return 0;
}

/* What a container is made from when its image came through a transport:
 * docker://NAME is NAME, an archive's image its first name (else its id). */
static char *image_for_transport(struct engine *e, const char *image, const char *id)
{
	struct image_rec rec = {0};
	struct werr err = {0};
	char *path = NULL, *name = NULL, *use;
	enum ref_transport t;

	if (ref_transport_split(image, &t, &path, &name, &err) < 0 || t == TRANSPORT_NONE) {
		use = xstrdup(image);
	} else if (t == TRANSPORT_DOCKER) {
		use = xstrdup(path);
	} else {
		int found = image_lookup(e, id, &rec, &err);
		use = xstrdup(found > 0 && rec.names && rec.names[0] ? rec.names[0] : id);
		image_rec_free(&rec);
	}
	free(path);
	free(name);
	return use;
}

/* The image of run/create, pulled as --pull says; see cli.h. */
int cli_image_for_run(struct engine *e, const char *image, const char *policy_name,
		      const struct run_opts *o, char **use, struct werr *err)
{
	enum pull_policy policy = PULL_MISSING;
	struct progress *prog;
	struct pull_opts po = {
	    .reg = {.authfile = o->authfile,
		    .creds = o->creds,
		    .cert_dir = o->cert_dir,
		    .tls_verify = o->tls_verify},
	    .platform = o->platform,
	};
	char id[DIGEST_HEX_LEN + 1];
	int rc;

	pull_tty(&po);
	if (policy_name != NULL && pull_policy_parse(policy_name, &policy, err) < 0)
		return werr_status(err, 125);
	prog = progress_new(stderr, isatty(STDERR_FILENO), o->quiet);
	po.event = progress_event;
	po.ud = prog;
	rc = image_get_or_pull(e, image, policy, &po, id, err);
	progress_free(prog);
	if (rc == 0)
		*use = image_for_transport(e, image, id);
	return rc;
}

/* ---------------------------------------------------------- login, logout */

struct login_cli {
	struct reg_opts reg; /* first */
	const char *user, *pass;
	bool password_stdin, get_login;
};

static const struct opt login_tab[] = {
    OPT_STR("authfile", 0, struct login_cli, reg.authfile),
    OPT_STR("cert-dir", 0, struct login_cli, reg.cert_dir),
    OPT_STR("username", 'u', struct login_cli, user),
    OPT_STR("password", 'p', struct login_cli, pass),
    OPT_BOOL("password-stdin", 0, struct login_cli, password_stdin),
    OPT_BOOL("get-login", 0, struct login_cli, get_login),
    OPT_CALL("tls-verify", 0, cli_reg_tls_opt),
    OPT_TABLE_END,
};
const struct optspec cli_login_opts = {login_tab, sizeof(struct login_cli), false,
				       cli_reg_opts_init, NULL};

/* One line from fd (no newline), at most 4 KiB; NULL at EOF. */
static char *read_line(FILE *f)
{
	char buf[4096];
	size_t n;

	if (fgets(buf, sizeof(buf), f) == NULL)
		return NULL;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return xstrdup(buf);
}

/* Asks on the terminal; echo off for a password. NULL when there is none. */
static char *prompt(const char *what, bool secret)
{
	cleanup_file FILE *tty = fopen("/dev/tty", "r+e");
	struct termios old, quiet;
	bool restore = false;
	char *line;

	if (tty == NULL)
		return NULL;
	fprintf(tty, "%s: ", what);
	fflush(tty);
	if (secret && tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	line = read_line(tty);
	if (restore) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	return line;
}

/* "quay.io/ns/repo" -> key "quay.io/ns/repo", registry "quay.io"; a
 * scheme or a trailing slash is dropped as Podman does. */
static int login_target(const char *arg, char **key, char **registry, struct werr *err)
{
	const char *s = arg;
	size_t n;

	if (str_has_prefix(s, "https://"))
		s += 8;
	else if (str_has_prefix(s, "http://"))
		s += 7;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (n == 0 || memchr(s, '@', n) || memchr(s, ' ', n)) {
		werr_set(err, 0, "invalid registry \"%s\"", arg);
		return werr_status(err, 125);
	}
	*key = xstrndup(s, n);
	*registry = xstrndup(s, strcspn(*key, "/"));
	return 0;
}

static int login_credentials(const struct login_cli *o, char **user, char **pass, struct werr *err)
{
	if (o->password_stdin && o->pass != NULL)
		return werr_set(err, 0, "can't specify both --password-stdin and --password");
	if (o->password_stdin && o->user == NULL)
		return werr_set(err, 0, "must provide --username with --password-stdin");
	*user = o->user ? xstrdup(o->user) : prompt("Username", false);
	if (*user == NULL || **user == '\0')
		return werr_set(err, 0,
				"username is required: use -u USER (no terminal to ask on)");
	if (o->password_stdin)
		*pass = read_line(stdin);
	else
		*pass = o->pass ? xstrdup(o->pass) : prompt("Password", true);
	if (*pass == NULL || **pass == '\0')
		return werr_set(err, 0,
				"password is required: use -p, --password-stdin or a terminal");
	return 0;
}

int cmd_login(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct login_cli *o = opts;
	cleanup_free char *key = NULL, *registry = NULL, *user = NULL, *pass = NULL;
	struct reg_opts ro = o->reg;
	int rc;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "login requires exactly one registry: login [OPTIONS] REGISTRY");
		return werr_status(err, 125);
	}
	if (login_target(args[0], &key, &registry, err) < 0)
		return -1;
	if (o->get_login) {
		struct auth_creds ac = {0};
		rc = auth_lookup(o->reg.authfile, registry, "", &ac, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return werr_set(err, 0, "not logged into %s", key);
		printf("%s\n", ac.user ? ac.user : "");
		auth_creds_free(&ac);
		return 0;
	}
	if (login_credentials(o, &user, &pass, err) < 0)
		return werr_status(err, 125);
	rc = reg_login_check(e->rootless, registry, &ro, user, pass, err);
	if (rc < 0) {
		if (strstr(err->msg, "unauthorized") || strstr(err->msg, "authentication"))
			return werr_set(err, 0, "logging into \"%s\": invalid username/password",
					key);
		return werr_wrap(err, "logging into \"%s\"", key);
	}
	if (auth_store(o->reg.authfile, key, user, pass, err) < 0)
		return -1;
	printf("Login Succeeded!\n");
	return 0;
}

struct logout_cli {
	const char *authfile;
	bool all;
};

static const struct opt logout_tab[] = {
    OPT_STR("authfile", 0, struct logout_cli, authfile),
    OPT_BOOL("all", 'a', struct logout_cli, all),
    OPT_TABLE_END,
};
const struct optspec cli_logout_opts = {logout_tab, sizeof(struct logout_cli), false, NULL, NULL};

int cmd_logout(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct logout_cli *o = opts;
	cleanup_free char *key = NULL, *registry = NULL;
	int rc;

	if (o->all ? strv_len(args) != 0 : strv_len(args) != 1) {
		werr_set(err, 0,
			 o->all ? "--all takes no registry"
				: "logout requires exactly one registry (or --all)");
		return werr_status(err, 125);
	}
	if (o->all) {
		if (auth_remove(o->authfile, NULL, err) < 0)
			return -1;
		printf("Removed login credentials for all registries\n");
		return 0;
	}
	if (login_target(args[0], &key, &registry, err) < 0)
		return -1;
	rc = auth_remove(o->authfile, key, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return werr_set(err, 0, "not logged into %s", key);
	printf("Removed login credentials for %s\n", key);
	return 0;
}

/* ---------------------------------------------------------- search */

struct search_cli {
	struct reg_opts reg; /* first */
	const char *format;
	char **filters;
	int limit;
	bool list_tags, no_trunc;
};

static void search_fini(void *opts)
{
	strv_free(((struct search_cli *)opts)->filters);
}

static const struct opt search_tab[] = {
    OPT_STR("authfile", 0, struct search_cli, reg.authfile),
    OPT_STR("creds", 0, struct search_cli, reg.creds),
    OPT_STR("cert-dir", 0, struct search_cli, reg.cert_dir),
    OPT_STR("format", 0, struct search_cli, format),
    OPT_STRV("filter", 'f', struct search_cli, filters),
    OPT_UINT("limit", 0, struct search_cli, limit),
    OPT_BOOL("list-tags", 0, struct search_cli, list_tags),
    OPT_BOOL("no-trunc", 0, struct search_cli, no_trunc),
    OPT_CALL("tls-verify", 0, cli_reg_tls_opt),
    OPT_TABLE_END,
};
const struct optspec cli_search_opts = {search_tab, sizeof(struct search_cli), false,
					cli_reg_opts_init, search_fini};

static int search_filters(char *const *filters, struct search_opts *so, struct werr *err)
{
	for (size_t i = 0; filters && filters[i]; i++) {
		const char *f = filters[i], *eq = strchr(f, '=');
		int64_t v;
		if (eq == NULL)
			return werr_set(err, 0, "invalid filter syntax \"%s\"", f);
		if (str_has_prefix(f, "stars=") && parse_int64(eq + 1, 0, 1 << 30, &v) == 0)
			so->min_stars = (int)v;
		else if (str_has_prefix(f, "is-official=") || str_has_prefix(f, "is-automated=")) {
			int *slot = f[3] == 'o' ? &so->official : &so->automated;
			if (strcmp(eq + 1, "true") != 0 && strcmp(eq + 1, "false") != 0)
				return werr_set(err, 0, "invalid filter value \"%s\"", f);
			*slot = strcmp(eq + 1, "true") == 0;
		} else
			return werr_set(err, 0, "invalid filter \"%s\"", f);
	}
	return 0;
}

static struct json_object *search_obj(const struct search_result *r, bool no_trunc)
{
	struct json_object *o = json_object_new_object();
	size_t dl = strlen(r->description);
	cleanup_free char *desc =
	    !no_trunc && dl > 44 ? xasprintf("%.44s...", r->description) : xstrdup(r->description);

	jset_str(o, "Index", r->index);
	jset_str(o, "Name", r->name);
	jset_str(o, "Description", desc);
	jset(o, "Stars", json_object_new_int(r->stars));
	jset_str(o, "Official", r->official ? "[OK]" : "");
	jset_str(o, "Automated", r->automated ? "[OK]" : "");
	jset_str(o, "Tag", r->tag);
	return o;
}

int cmd_search(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct search_cli *o = opts;
	struct search_opts so = {.reg = o->reg,
				 .limit = o->limit,
				 .list_tags = o->list_tags,
				 .official = -1,
				 .automated = -1};
	cleanup_json struct json_object *hdr = json_object_new_object();
	struct search_result *res = NULL;
	struct json_object **objs;
	size_t n = 0;
	int rc;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "search requires exactly one term: search [OPTIONS] TERM");
		return werr_status(err, 125);
	}
	if (search_filters(o->filters, &so, err) < 0)
		return werr_status(err, 125);
	rc = image_search(e, args[0], &so, &res, &n, err);
	if (rc < 0)
		return -1;
	objs = xcalloc(n ? n : 1, sizeof(*objs));
	for (size_t i = 0; i < n; i++)
		objs[i] = search_obj(&res[i], o->no_trunc);
	search_results_free(res, n);
	rc = format_print_owned(stdout,
				o->format      ? o->format
				: o->list_tags ? "table {{.Name}}\t{{.Tag}}"
					       : "table {{.Name}}\t{{.Description}}",
				objs, n, hdr, err);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---------------------------------------------------------- push */

struct push_cli {
	struct reg_opts reg; /* first */
	const char *format, *digestfile;
	bool quiet;
};

static const struct opt push_tab[] = {
    OPT_STR("authfile", 0, struct push_cli, reg.authfile),
    OPT_STR("creds", 0, struct push_cli, reg.creds),
    OPT_STR("cert-dir", 0, struct push_cli, reg.cert_dir),
    OPT_STR("format", 'f', struct push_cli, format),
    OPT_STR("digestfile", 0, struct push_cli, digestfile),
    OPT_CALL("tls-verify", 0, cli_reg_tls_opt),
    OPT_BOOL("quiet", 'q', struct push_cli, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_push_opts = {push_tab, sizeof(struct push_cli), false, cli_reg_opts_init,
				      NULL};

int cli_digestfile(const char *path, const char *digest, struct werr *err)
{
	if (path != NULL && write_file_at(AT_FDCWD, path, digest, strlen(digest), 0644, err) < 0)
		return werr_wrap(err, "write digest file '%s'", path);
	return 0;
}

/* push IMAGE docker-archive:PATH[:NAME] (oci-archive:, oci:): a save.
 * 1 when dest is a registry's, else 0 or -1. */
static int push_archive(struct engine *e, const char *image, const char *dest, struct werr *err)
{
	cleanup_free char *path = NULL, *name = NULL;
	enum ref_transport t;
	char *refs[] = {(char *)image, NULL};
	struct save_opts so = {.out_fd = -1};

	if (ref_transport_split(dest, &t, &path, &name, err) < 0)
		return werr_status(err, 125);
	if (t == TRANSPORT_NONE || t == TRANSPORT_DOCKER)
		return 1;
	so.format = t == TRANSPORT_DOCKER_ARCHIVE ? SAVE_DOCKER_ARCHIVE
		    : t == TRANSPORT_OCI_ARCHIVE  ? SAVE_OCI_ARCHIVE
						  : SAVE_OCI_DIR;
	so.path = path;
	so.name = name;
	if (name != NULL && t == TRANSPORT_DOCKER_ARCHIVE) {
		/* a docker-archive's tags are Docker-normalized (docker.io/...) */
		struct image_ref r = {0};
		int bad = ref_parse(name, &r, err) < 0;
		if (bad || r.digest != NULL) {
			if (!bad)
				ref_free(&r);
			werr_set(err, 0, "push to %s: '%s' is not a tag", dest, name);
			return werr_status(err, 125);
		}
		free(name);
		so.name = name = ref_string(&r);
		ref_free(&r);
	}
	if (image_save(e, refs, &so, err) < 0)
		return werr_wrap(err, "push %s to %s", image, dest);
	return 0;
}

int cmd_push(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct push_cli *o = opts;
	struct push_opts po = {
	    .reg = o->reg,
	};
	char digest[DIGEST_STR_LEN];
	struct progress *prog;
	int rc;

	if (strv_len(args) < 1 || strv_len(args) > 2) {
		werr_set(err, 0,
			 "push requires an image and an optional destination: push IMAGE "
			 "[DESTINATION]");
		return werr_status(err, 125);
	}
	if (o->format != NULL && (po.format = push_format(o->format, err)) == NULL)
		return werr_status(err, 125);
	if (args[1] != NULL) {
		rc = push_archive(e, args[0], args[1], err);
		if (rc != 1)
			return rc;
	}
	prog = progress_new(stderr, isatty(STDERR_FILENO), o->quiet);
	po.event = progress_event;
	po.ud = prog;
	rc = image_push(e, args[0], args[1], &po, digest, err);
	progress_free(prog);
	return rc < 0 ? -1 : cli_digestfile(o->digestfile, digest, err);
}
