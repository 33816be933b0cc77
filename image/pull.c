/* pull.c - registry pulls; see pull.h.
 *
 * The layers of an image download at once (at most PULL_PARALLEL), each
 * through a pipe into its own extraction thread: layer_extract() hashes the
 * compressed bytes and the tar stream as they pass, so a layer is on disk
 * and verified the moment its last byte arrives, with no temporary file
 * and no second pass. The store is written by this thread only. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/config.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/policy.h"
#include "image/pull.h"
#include "image/regconf.h"
#include "image/regsd.h"
#include "image/search.h"
#include "image/sigfetch.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/layer.h"

#define PULL_PARALLEL 6
#define CONFIG_MAX    (8 << 20)
#define PIPE_BYTES    (1 << 20)
#define PULL_RETRIES  3 /* containers.conf's default "retry" */

static const struct {
	const char *name;
	enum pull_policy p;
} policies[] = {
    {"missing", PULL_MISSING}, {"always", PULL_ALWAYS}, {"never", PULL_NEVER},
    {"newer", PULL_NEWER},     {"true", PULL_ALWAYS},	{"false", PULL_MISSING},
};

/* Parses a --pull value; see pull.h. */
int pull_policy_parse(const char *s, enum pull_policy *out, struct werr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
		if (strcasecmp(s, policies[i].name) == 0) {
			*out = policies[i].p;
			return 0;
		}
	return werr_set(err, 0, "invalid pull policy \"%s\": want missing, always, never or newer",
			s);
}

static void emit(const struct pull_opts *o, const struct pull_event *ev)
{
	if (o != NULL && o->event != NULL)
		o->event(o->ud, ev);
}

/* ---------------------------------------------------------- extraction threads */

struct lx {
	struct engine *e;
	const struct pull_opts *o;
	const char *digest, *diff_id, *media_type;
	size_t index, count;
	int rfd;
	bool started, joined, recorded;
	pthread_t th;
	int rc;
	struct layer_info info;
	struct werr err;
};

static void *lx_main(void *p)
{
	struct lx *x = p;
	struct layer_src src = {
	    .fd = x->rfd, .offset = 0, .length = -1, .stream = true, .keep_blob = true};

	x->rc = layer_extract_info(x->e, &src, x->digest, x->diff_id, &x->info, &x->err);
	close(x->rfd);
	x->rfd = -1;
	return NULL;
}

/* A pipe for layer i: the thread reads it, the download writes it. */
static int lx_start(struct lx *x, int *wfd, struct werr *err)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* fewer wake-ups; best effort */
	x->rfd = fds[0];
	if (pthread_create(&x->th, NULL, lx_main, x) != 0) {
		close(fds[0]);
		close(fds[1]);
		x->rfd = -1;
		return werr_set(err, EAGAIN, "start layer thread");
	}
	x->started = true;
	*wfd = fds[1];
	return 0;
}

/* Records layer x, whole and verified. */
static int record_layer(struct store *s, const struct lx *x, struct werr *err)
{
	struct layer_blob b = {.size = x->info.blob_size};
	int have;

	if (x->info.size < 0) {
		/* another command stored it while we downloaded: its record stands,
		 * or comes with that command's transaction; ours only if it died */
		have = store_layer_exists(s, x->diff_id, err);
		return have < 0 ? -1 : have ? 0 : store_layer_add(s, x->diff_id, 0, err);
	}
	snprintf(b.digest, sizeof(b.digest), "%s", x->digest);
	snprintf(b.media_type, sizeof(b.media_type), "%s", x->media_type);
	return store_layer_add_blob(s, x->diff_id, x->info.size, x->info.blob_kept ? &b : NULL,
				    err);
}

/* Waits for layer x's thread (its pipe is closed: it ends soon) and
 * records the layer if it is whole; a record that fails fails the layer. */
static void lx_finish(struct store *s, struct lx *x)
{
	if (x->started && !x->joined) {
		pthread_join(x->th, NULL);
		x->joined = true;
	}
	if (x->started && x->rc == 0 && !x->recorded) {
		x->recorded = true;
		if (record_layer(s, x, &x->err) < 0)
			x->rc = -1;
	}
}

struct progress_ctx {
	const struct pull_opts *o;
	struct store *s;
};

static void on_progress(void *ud, struct reg_download *d, int event)
{
	struct progress_ctx *pc = ud;
	struct lx *x = d->user;
	struct pull_event ev = {.digest = d->digest,
				.size = d->size,
				.done = d->done,
				.index = x->index,
				.count = x->count};

	ev.kind = event == 0   ? PULL_EV_BLOB_START
		  : event == 1 ? PULL_EV_BLOB_PROGRESS
			       : PULL_EV_BLOB_DONE;
	/* recorded now, not when every layer is in: a pull interrupted
	 * later resumes from here */
	if (event == 2)
		lx_finish(pc->s, x);
	if (event == 2 && (d->result < 0 || x->rc < 0))
		return;
	emit(pc->o, &ev);
}

/* ---------------------------------------------------------- one image */

struct pull_ctx {
	struct engine *e;
	const struct pull_opts *o;
	struct reg_client *c;
	struct image_ref ref;
	char *name; /* full name stored */
	struct manifest m;
	struct reg_blob manifest_blob, config;
	char *list_digest; /* the index the manifest was picked from, or NULL */
	char **diff_ids;
	int64_t created;
};

static void pull_ctx_free(struct pull_ctx *p)
{
	reg_close(p->c);
	ref_free(&p->ref);
	free(p->name);
	free(p->list_digest);
	manifest_free(&p->m);
	reg_blob_free(&p->manifest_blob);
	reg_blob_free(&p->config);
	strv_free(p->diff_ids);
}

/* The manifest for our platform: an index is resolved to one entry. */
static int fetch_manifest(struct pull_ctx *p, struct werr *err)
{
	const char *ref = p->ref.digest ? p->ref.digest : p->ref.tag;
	cleanup_free char *pbuf = NULL, *pick = NULL;
	struct platform plat = {0};
	int kind;

	if (reg_manifest_get(p->c, ref, &p->manifest_blob, err) < 0)
		return -1;
	kind = manifest_kind(p->manifest_blob.body, p->manifest_blob.len,
			     p->manifest_blob.media_type, err);
	if (kind < 0)
		return -1;
	if (kind == 2) {
		if (p->o->platform && platform_parse(p->o->platform, &plat, &pbuf, err) < 0)
			return -1;
		if (manifest_pick(p->manifest_blob.body, p->manifest_blob.len,
				  p->o->platform ? &plat : NULL, &pick, err) < 0)
			return -1;
		p->list_digest = xstrdup(p->manifest_blob.digest);
		reg_blob_free(&p->manifest_blob);
		if (reg_manifest_get(p->c, pick, &p->manifest_blob, err) < 0)
			return -1;
		kind = manifest_kind(p->manifest_blob.body, p->manifest_blob.len,
				     p->manifest_blob.media_type, err);
		if (kind < 0)
			return -1;
		if (kind != 1)
			return werr_set(err, 0, "image index %s points to another index", pick);
	}
	return manifest_parse(p->manifest_blob.body, p->manifest_blob.len, &p->m, err);
}

static int fetch_config(struct pull_ctx *p, struct werr *err)
{
	if (p->m.config_size > CONFIG_MAX)
		return werr_set(err, 0, "image config is larger than %d bytes", CONFIG_MAX);
	if (reg_blob_get(p->c, p->m.config_digest, CONFIG_MAX, &p->config, err) < 0)
		return -1;
	if (image_config_info(p->config.body, &p->diff_ids, &p->created, err) < 0)
		return -1;
	if (strv_len(p->diff_ids) != p->m.nlayers)
		return werr_set(err, 0, "image config names %zu layers, the manifest %zu",
				strv_len(p->diff_ids), p->m.nlayers);
	return 0;
}

/* Whether layer x failed, its error into err: the extraction's, unless
 * the download failed first (a truncated or stalled transfer: the
 * extraction then only saw the end of its input). A download whose reader
 * stopped (EPIPE) failed only if the extraction did: another command may
 * have stored the layer meanwhile, and the extraction took that one. */
static bool layer_failed(const struct lx *x, const struct reg_download *d, struct werr *err)
{
	bool dl_failed = d->result < 0 && d->err.errnum != EPIPE;

	if (!dl_failed && x->rc == 0)
		return false;
	*err = dl_failed ? d->err : x->err;
	if (!dl_failed)
		werr_wrap(err, "layer %s", x->digest);
	return true;
}

/* A layer that a read-only image store (additionalimagestores) has is
 * not fetched again, as Podman's pull does not: the store records it with
 * the read-only store's size and no dir of its own, and mounts read it
 * from there (storage/driver.c). 1 so recorded, 0 none has it, -1. */
static int from_ro_store(struct engine *e, struct store *s, const char *diff_id, struct werr *err)
{
	cleanup_free char *dir = layer_ro_path(e, diff_id, NULL);
	int64_t size = 0;
	int rc;

	if (dir == NULL)
		return 0;
	rc = store_layer_size(s, diff_id, &size, err);
	if (rc <= 0)
		return rc;
	return store_layer_add(s, diff_id, size, err) < 0 ? -1 : 1;
}

/* Downloads and extracts the layers the store lacks; records each. */
static int fetch_layers(struct pull_ctx *p, int64_t *total, struct werr *err)
{
	struct store *s = engine_store(p->e, err);
	size_t n = p->m.nlayers, nd = 0;
	struct lx *lx = xcalloc(n ? n : 1, sizeof(*lx));
	struct reg_download *d = xcalloc(n ? n : 1, sizeof(*d));
	struct progress_ctx pc = {.o = p->o, .s = s};
	int rc = 0;

	*total = 0;
	for (size_t i = 0; s != NULL && i < n; i++) {
		int have = store_layer_exists(s, p->diff_ids[i], err);
		struct pull_event ev = {.kind = PULL_EV_BLOB_SKIPPED,
					.digest = p->m.layers[i].digest,
					.size = p->m.layers[i].size,
					.index = i,
					.count = n};
		if (have == 0)
			have = from_ro_store(p->e, s, p->diff_ids[i], err);
		if (have < 0) {
			rc = -1;
			break;
		}
		if (have) {
			emit(p->o, &ev);
			continue;
		}
		lx[nd] = (struct lx){.e = p->e,
				     .o = p->o,
				     .digest = p->m.layers[i].digest,
				     .diff_id = p->diff_ids[i],
				     .media_type = p->m.layers[i].media_type,
				     .index = i,
				     .count = n,
				     .rfd = -1};
		d[nd] = (struct reg_download){.digest = p->m.layers[i].digest,
					      .size = p->m.layers[i].size,
					      .fd = -1,
					      .user = &lx[nd]};
		if (lx_start(&lx[nd], &d[nd].fd, err) < 0) {
			rc = -1;
			break;
		}
		nd++;
	}
	if (s == NULL)
		rc = -1;
	if (rc == 0 && nd > 0) {
		struct werr ignore = {0}; /* each download has its own error */
		reg_blobs_fetch(p->c, d, nd, PULL_PARALLEL, on_progress, &pc, &ignore);
	}
	for (size_t i = 0; i < nd; i++)
		if (d[i].fd >= 0)
			close(d[i].fd);
	for (size_t i = 0; i < nd; i++) {
		lx_finish(s, &lx[i]);
		if (rc == 0 && layer_failed(&lx[i], &d[i], err))
			rc = -1;
		else if (lx[i].rc == 0)
			*total += lx[i].info.size > 0 ? lx[i].info.size : 0;
	}
	free(lx);
	free(d);
	return rc;
}

/* Records the image: id (config digest), names, manifest, config. */
static int record_image(struct pull_ctx *p, char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct store *s = engine_store(p->e, err);
	struct image_rec r = {0};
	struct pull_event ev = {.kind = PULL_EV_WRITING};
	int rc;

	if (s == NULL)
		return -1;
	emit(p->o, &ev);
	memcpy(r.id, digest_hex(p->m.config_digest), DIGEST_HEX_LEN + 1);
	r.digest = xstrdup(p->manifest_blob.digest);
	r.names = strv_append(NULL, p->name);
	r.layers = strv_copy(p->diff_ids);
	r.created = p->created;
	r.stored = now_ns();
	for (size_t i = 0; p->diff_ids[i]; i++) {
		int64_t sz = 0;
		if (store_layer_size(s, p->diff_ids[i], &sz, err) < 0)
			return -1;
		r.size += sz;
	}
	r.config = xstrdup(p->config.body);
	r.manifest = xstrdup(p->manifest_blob.body);
	rc = store_image_add(s, &r, err);
	/* name@digest of the index finds it too, as Podman's Digests */
	if (rc == 0 && p->list_digest != NULL) {
		struct image_rec l = {.digest = p->list_digest};
		memcpy(l.id, r.id, sizeof(l.id));
		rc = store_image_add(s, &l, err);
	}
	if (rc == 0)
		memcpy(id_out, r.id, DIGEST_HEX_LEN + 1);
	image_rec_free(&r);
	return rc;
}

/* The signature requirements of pol for name, checked against what the
 * endpoint offers for the manifest just fetched: before anything is
 * stored. -1 with Podman's "Source image rejected: ..." */
static int check_signatures(struct pull_ctx *p, const struct policy *pol,
			    const struct reg_endpoint *ep, struct werr *err)
{
	struct regsd *conf = regsd_load(NULL, err);
	struct sigfetch *f = NULL;
	struct sig_source src;
	int rc = -1;

	if (conf != NULL)
		f = sigfetch_new(conf, p->e->rootless, p->c, ep->ref, p->manifest_blob.digest, err);
	if (f != NULL) {
		sigfetch_source(f, &src);
		rc = policy_check_signatures(pol, "docker", p->name, &src, err);
	}
	sigfetch_free(f);
	regsd_free(conf);
	return rc;
}

/* Pulls endpoint ep (a mirror or the registry itself), storing the image
 * under name. verify: pol wants signatures checked (policy_check said 1).
 * -2 when the policy refuses the image (final: no other mirror is tried). */
static int pull_endpoint(struct engine *e, const struct reg_endpoint *ep, const char *name,
			 const struct policy *pol, bool verify, const struct pull_opts *o,
			 char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct pull_ctx p = {.e = e, .o = o};
	struct pull_event ev;
	cleanup_close int lock = -1;
	int64_t total;
	int rc = -1;

	if (ref_parse(ep->ref, &p.ref, err) < 0)
		return -1;
	p.name = xstrdup(name);
	p.c = reg_open(ep->registry, ep->repo, ep->insecure, &o->reg, err);
	if (p.c == NULL || fetch_manifest(&p, err) < 0)
		goto out;
	if (verify && check_signatures(&p, pol, ep, err) < 0) {
		pull_ctx_free(&p);
		return -2;
	}
	ev = (struct pull_event){.kind = PULL_EV_SIGNATURES};
	emit(o, &ev);
	if (fetch_config(&p, err) < 0)
		goto out;
	lock = image_layers_lock(e, false, err);
	if (lock < 0 || fetch_layers(&p, &total, err) < 0)
		goto out;
	ev = (struct pull_event){.kind = PULL_EV_CONFIG, .digest = p.m.config_digest};
	emit(o, &ev);
	if (record_image(&p, id_out, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		werr_wrap(err, "initializing source docker://%s", ep->ref);
	pull_ctx_free(&p);
	return rc;
}

/* The delay before retry attempt (0-based), in ms: 1 s doubling, as
 * containers/common's retry; WARREN_RETRY_BASE_MS replaces the 1 s (for
 * the tests, which cannot wait 7 s per failing pull). */
static int64_t retry_delay_ms(int attempt)
{
	const char *s = getenv("WARREN_RETRY_BASE_MS");
	int64_t base = 1000;

	if (s != NULL && parse_int64(s, 0, 60000, &base) < 0)
		base = 1000;
	return base << attempt;
}

/* pull_endpoint, tried again on a transient failure (a 429/5xx answer, a
 * dropped connection) up to PULL_RETRIES times with backoff, each retry
 * announced as Podman does; layers stored by a failed try stay stored. */
static int pull_endpoint_retry(struct engine *e, const struct reg_endpoint *ep, const char *name,
			       const struct policy *pol, bool verify, const struct pull_opts *o,
			       char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	for (int attempt = 0;; attempt++) {
		int64_t ms = retry_delay_ms(attempt);
		char d[32];
		int rc = pull_endpoint(e, ep, name, pol, verify, o, id_out, err);
		if (rc == 0 || rc == -2)
			return rc; /* done, or refused by the policy: never retried */
		if (attempt >= PULL_RETRIES || !reg_err_transient(err))
			return -1;
		if (ms % 1000 == 0)
			snprintf(d, sizeof(d), "%llds", (long long)(ms / 1000));
		else
			snprintf(d, sizeof(d), "%lldms", (long long)ms);
		log_warn("Failed, retrying in %s ... (%d/%d). Error: %s", d, attempt + 1,
			 PULL_RETRIES, err->msg);
		struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		werr_clear(err);
	}
}

/* Pulls one fully qualified candidate: the policy first, then its mirrors
 * and its registry (registries.conf) until one delivers. */
static int pull_candidate(struct engine *e, const struct regconf *conf, const struct policy *pol,
			  const char *full, const struct pull_opts *o,
			  char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct reg_endpoint *eps = NULL;
	struct pull_event ev = {.kind = PULL_EV_TRYING, .name = full};
	size_t n = 0;
	int rc = -1, verify = policy_check(pol, "docker", full, err);

	if (verify < 0)
		return -2; /* refused: final */
	if (regconf_endpoints(conf, full, strchr(full, '@') != NULL, &eps, &n, err) < 0)
		return -1;
	emit(o, &ev);
	for (size_t i = 0; i < n && rc == -1; i++) {
		struct werr one = {0};
		rc = pull_endpoint_retry(e, &eps[i], full, pol, verify == 1, o, id_out, &one);
		if (rc < 0 && (i + 1 == n || !eps[i].mirror || rc == -2))
			*err = one;
		else if (rc < 0)
			log_debug("mirror %s: %s", eps[i].registry, one.msg);
	}
	reg_endpoints_free(eps, n);
	return rc;
}

/* Tries each candidate of a short name in order; the errors of all when none works. */
static int pull_resolved(struct engine *e, const struct regconf *conf, const struct policy *pol,
			 const struct regconf_resolved *res, const struct pull_opts *o,
			 char id_out[DIGEST_HEX_LEN + 1], char **name_out, struct werr *err)
{
	size_t n = strv_len(res->candidates);
	char *all = NULL;

	for (size_t i = 0; i < n; i++) {
		struct werr one = {0};
		int rc = pull_candidate(e, conf, pol, res->candidates[i], o, id_out, &one);
		if (rc == 0) {
			*name_out = xstrdup(res->candidates[i]);
			free(all);
			return 0;
		}
		if (n == 1 || rc == -2) {
			*err = one; /* a policy refusal stops here: no other registry is tried */
			free(all);
			return -1;
		}
		char *next = xasprintf("%s\n * %s", all ? all : "", one.msg);
		free(all);
		all = next;
	}
	werr_set(err, 0, "%zu errors occurred while pulling:%s", n, all ? all : "");
	free(all);
	return -1;
}

/* An ambiguous short name on a terminal: the user picks one candidate
 * (containers/image's prompt), which alone is pulled and then recorded as
 * the alias of the short name. */
static int choose_candidate(const struct pull_opts *o, struct regconf_resolved *res,
			    struct werr *err)
{
	int i = o->choose(o->ud, res->candidates, err);
	char **one;

	if (i < 0)
		return -1;
	if ((size_t)i >= strv_len(res->candidates))
		return werr_set(err, 0, "short-name resolution: no such choice %d", i + 1);
	one = strv_append(NULL, res->candidates[i]);
	strv_free(res->candidates);
	res->candidates = one;
	free(res->description);
	res->description = NULL;
	return 0;
}

/* Pulls an image; see pull.h. */
/* The transport of ref: its own prefix, else containers.conf's
 * [engine] image_default_transport (a registry when unset or docker://). */
static int pull_split(struct engine *e, const char *ref, enum ref_transport *t, char **path,
		      char **name, struct werr *err)
{
	const char *def =
	    e->conf ? config_str(e->conf->containers, "engine", "image_default_transport") : NULL;
	cleanup_free char *full = NULL;

	if (ref_transport_split(ref, t, path, name, err) < 0)
		return -1;
	if (*t != TRANSPORT_NONE || def == NULL || *def == '\0')
		return 0;
	free(*path);
	*path = NULL;
	full = xasprintf("%s%s", def, ref);
	if (ref_transport_split(full, t, path, name, err) < 0)
		return werr_wrap(err, "containers.conf [engine] image_default_transport \"%s\"",
				 def);
	if (*t == TRANSPORT_NONE)
		return werr_set(err, 0,
				"containers.conf [engine] image_default_transport \"%s\" is not a "
				"transport: use docker://, docker-archive:, oci-archive: or oci:",
				def);
	return 0;
}

/* A pull from docker-archive:, oci-archive: or oci: (image/image.h's load
 * of one image, or of all when no name is given). */
static int pull_archive(struct engine *e, enum ref_transport t, const char *ref, const char *path,
			const char *want, char id_out[DIGEST_HEX_LEN + 1], char **name_out,
			struct werr *err)
{
	cleanup_strv char **names = NULL;
	struct image_rec rec = {0};
	struct stat st;
	bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	int found;

	if (t == TRANSPORT_OCI_DIR && !dir)
		return werr_set(err, 0, "%s: %s is not an OCI layout directory", ref, path);
	if (t != TRANSPORT_OCI_DIR && dir)
		return werr_set(err, 0, "%s: %s is a directory (oci:%s reads an OCI layout dir)",
				ref, path, path);
	if (image_load_ref(e, path, want, &names, err) < 0)
		return werr_wrap(err, "pulling %s", ref);
	found = names[0] ? image_lookup(e, names[0], &rec, err) : 0;
	if (found <= 0)
		return found < 0 ? -1 : werr_set(err, 0, "%s: no image was loaded", ref);
	memcpy(id_out, rec.id, DIGEST_HEX_LEN + 1);
	image_rec_free(&rec);
	*name_out = xstrdup(names[0]);
	image_event(e, "pull", id_out, *name_out);
	return 0;
}

int image_pull(struct engine *e, const char *ref_in, const struct pull_opts *o,
	       char id_out[DIGEST_HEX_LEN + 1], char **name_out, struct werr *err)
{
	struct regconf *conf = NULL;
	struct policy *pol = NULL;
	struct regconf_resolved res = {0};
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	cleanup_free char *path = NULL, *want = NULL;
	enum ref_transport t;
	const char *ref;
	int rc = -1;

	if (engine_store(e, err) == NULL || pull_split(e, ref_in, &t, &path, &want, err) < 0)
		return -1;
	if (t != TRANSPORT_NONE && t != TRANSPORT_DOCKER)
		return pull_archive(e, t, ref_in, path, want, id_out, name_out, err);
	ref = path; /* the name, without docker:// */
	conf = regconf_load(e->rootless, err);
	if (conf == NULL || (pol = policy_load(o->policy_path, err)) == NULL ||
	    regconf_resolve_short(conf, ref, o->have_tty, &res, err) < 0)
		goto out;
	if (res.prompt && o->choose != NULL && choose_candidate(o, &res, err) < 0)
		goto out;
	if (res.description != NULL) {
		struct pull_event ev = {.kind = PULL_EV_RESOLVING, .name = res.description};
		emit(o, &ev);
	}
	/* a layer thread that fails closes its pipe: the writer gets EPIPE */
	sigaction(SIGPIPE, &ign, &old);
	rc = pull_resolved(e, conf, pol, &res, o, id_out, name_out, err);
	sigaction(SIGPIPE, &old, NULL);
	if (rc == 0)
		image_event(e, "pull", id_out, *name_out);
	if (rc == 0 && res.prompt && !res.from_alias) {
		/* no prompt was shown: the first candidate that worked is recorded,
		 * so the next pull of this short name goes straight there */
		struct image_ref r;
		struct werr aerr = {0};
		if (ref_parse(*name_out, &r, &aerr) == 0) {
			cleanup_free char *repo = ref_repo(&r);
			if (regconf_record_alias(e->rootless, ref, repo, &aerr) < 0)
				log_warn("%s", aerr.msg);
			ref_free(&r);
		}
	}
out:
	regconf_resolved_free(&res);
	policy_free(pol);
	regconf_free(conf);
	return rc;
}

/* Looks up or pulls; see pull.h. */
int image_get_or_pull(struct engine *e, const char *ref, enum pull_policy policy,
		      const struct pull_opts *o, char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct image_rec rec = {0};
	cleanup_free char *name = NULL;
	int found = 0;

	cleanup_free char *path = NULL, *want = NULL;
	enum ref_transport t;

	if (ref_transport_split(ref, &t, &path, &want, err) < 0)
		return werr_status(err, 125);
	/* docker://NAME is NAME in the store; an archive is always read */
	if (policy != PULL_ALWAYS && (t == TRANSPORT_NONE || t == TRANSPORT_DOCKER)) {
		found = image_lookup(e, path, &rec, err);
		if (found < 0)
			return -1;
		if (found) {
			memcpy(id_out, rec.id, DIGEST_HEX_LEN + 1);
			image_rec_free(&rec);
			if (policy != PULL_NEWER)
				return 0;
		}
	}
	if (policy == PULL_NEVER) {
		werr_set(err, 0, "%s: image not known", ref);
		return werr_status(err, 125);
	}
	if (image_pull(e, ref, o, id_out, &name, err) < 0) {
		/* newer: a registry that cannot be reached keeps the local image */
		if (found && policy == PULL_NEWER) {
			log_warn("%s", err->msg);
			werr_clear(err);
			return 0;
		}
		return -1;
	}
	return 0;
}

/* Every tag of ref's repository as full references; see pull.h. */
int image_remote_tags(struct engine *e, const char *ref, const struct pull_opts *o, char ***refs,
		      struct werr *err)
{
	struct image_ref r;
	struct regconf *conf = regconf_load(e->rootless, err);
	cleanup_strv char **tags = NULL;
	char **out;
	int rc = conf ? image_repo_tags(conf, ref, &o->reg, &r, &tags, err) : -1;

	regconf_free(conf);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return werr_set(err, 0, "tag or digest can't be used with --all-tags flag");
	out = xcalloc(1, sizeof(char *));
	for (size_t i = 0; tags[i]; i++) {
		char *full = xasprintf("%s/%s:%s", r.domain, r.path, tags[i]);
		out = strv_append(out, full);
		free(full);
	}
	ref_free(&r);
	*refs = out;
	return 0;
}
