/* mlist_push.c - manifest push; see manifest_list.h.
 *
 * Everything the push will send is checked first (each local instance's
 * image, config and layer blobs; each remote one's manifest; conversions
 * to --format), so that a list whose instance image was removed fails with
 * nothing sent. Then each instance's blobs and manifest go (pushed by
 * digest), then the list under its tag: a registry never holds a list
 * naming a manifest it does not have. Blobs the registry has are skipped
 * (HEAD); a remote instance's blobs are mounted from its repository when it
 * is on the same registry, else copied through a temp file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image.h"
#include "image/manifest.h"
#include "image/manifest_list.h"
#include "image/ref.h"
#include "image/regconf.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "storage/blobs.h"

/* One instance ready to go. */
struct item {
	struct mlist_entry *x;
	struct image_rec rec;	/* local instances: the image */
	struct manifest m;	/* the manifest sent (x->manifest) */
	struct reg_client *src; /* remote instances: their registry (owned) */
	struct image_ref src_ref;
};

struct push_ctx {
	struct engine *e;
	const struct mlist_push_opts *o;
	struct regconf *conf;
	struct mlist l;
	struct item *items;
	struct image_ref dest;
	struct reg_client *c;
	const char *name; /* the list, for messages */
};

static void note(const struct push_ctx *p, enum pull_ev kind, const char *line)
{
	struct pull_event ev = {.kind = kind, .name = line};

	if (p->o->push.event != NULL)
		p->o->push.event(p->o->push.ud, &ev);
}

static void ctx_free(struct push_ctx *p)
{
	for (size_t i = 0; p->items != NULL && i < p->l.n; i++) {
		image_rec_free(&p->items[i].rec);
		manifest_free(&p->items[i].m);
		reg_close(p->items[i].src);
		ref_free(&p->items[i].src_ref);
	}
	free(p->items);
	mlist_free(&p->l);
	ref_free(&p->dest);
	reg_close(p->c);
	regconf_free(p->conf);
}

/* Converts entry x's manifest to the --format type when it is the other. */
static int convert(struct mlist_entry *x, const char *format, struct werr *err)
{
	bool docker = strcmp(format, "v2s2") == 0;
	char *body = NULL, dg[DIGEST_STR_LEN];
	const char *mt;

	if (strcmp(x->media_type, docker ? MT_DOCKER_V2 : MT_OCI_MANIFEST) == 0)
		return 0;
	if (mlist_convert_manifest(x->manifest, strlen(x->manifest), docker, &body, &mt, err) < 0)
		return werr_wrap(err, "instance %s", x->digest);
	sha256_buf(body, strlen(body), dg);
	free(x->manifest);
	free(x->digest);
	free(x->media_type);
	x->manifest = body;
	x->digest = xstrdup(dg);
	x->media_type = xstrdup(mt);
	x->size = (int64_t)strlen(body);
	return 0;
}

/* A local instance: its image still there, with the config and every layer
 * blob its manifest names. */
static int check_local(struct push_ctx *p, struct item *it, struct werr *err)
{
	struct store *s = engine_store(p->e, err);
	int rc = s ? store_image_get(s, it->x->image_id, &it->rec, err) : -1;

	if (rc < 0)
		return -1;
	if (rc == 0 || it->rec.list)
		return werr_set(err, 0,
				"instance %s of manifest list %s: its image %.12s is not in local "
				"storage any more: add the image again or remove the instance "
				"(manifest remove)",
				it->x->digest, p->name, it->x->image_id);
	if (strcmp(digest_hex(it->m.config_digest), it->rec.id) != 0)
		return werr_set(err, 0,
				"instance %s of manifest list %s: its config is not image %.12s",
				it->x->digest, p->name, it->rec.id);
	for (size_t i = 0; i < it->m.nlayers; i++)
		if (!blob_exists(p->e, it->m.layers[i].digest))
			return werr_set(err, 0,
					"instance %s of manifest list %s: layer blob %s is not in "
					"local storage: pull or load image %.12s again",
					it->x->digest, p->name, it->m.layers[i].digest, it->rec.id);
	return 0;
}

/* A remote instance: a client of its registry (nothing is sent yet). */
static int check_remote(struct push_ctx *p, struct item *it, struct werr *err)
{
	if (ref_parse(it->x->source, &it->src_ref, err) < 0)
		return werr_wrap(err, "instance %s: source", it->x->digest);
	it->src = reg_open(it->src_ref.domain, it->src_ref.path,
			   regconf_insecure(p->conf, it->src_ref.domain), &p->o->push.reg, err);
	return it->src ? 0 : -1;
}

/* Checks every instance and readies what it sends; nothing is sent. */
static int prepare(struct push_ctx *p, struct werr *err)
{
	p->items = xcalloc(p->l.n + 1, sizeof(*p->items));
	for (size_t i = 0; i < p->l.n; i++) {
		struct item *it = &p->items[i];
		int rc = 0;
		it->x = &p->l.v[i];
		if (it->x->manifest == NULL)
			return werr_set(err, 0, "instance %s of manifest list %s has no manifest",
					it->x->digest, p->name);
		if (p->o->push.format != NULL && convert(it->x, p->o->push.format, err) < 0)
			return -1;
		if (!p->o->all)
			continue;
		if (manifest_parse(it->x->manifest, strlen(it->x->manifest), &it->m, err) < 0)
			return werr_wrap(err, "instance %s", it->x->digest);
		if (it->x->image_id != NULL)
			rc = check_local(p, it, err);
		else if (it->x->source != NULL)
			rc = check_remote(p, it, err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* push_src.open for a blob of another registry: into a temp file. */
static int fetch_open(void *ud, const char *digest, struct werr *err)
{
	struct push_ctx *p = ((void **)ud)[0];
	struct item *it = ((void **)ud)[1];
	int fd = image_tmp_file(p->e, err);
	struct reg_download d = {.digest = digest, .size = -1};

	if (fd < 0)
		return -1;
	d.fd = dup(fd);
	if (d.fd < 0 || reg_blobs_fetch(it->src, &d, 1, 1, NULL, NULL, err) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		if (d.fd < 0)
			werr_set(err, errno, "dup");
		close(fd);
		return werr_wrap(err, "copy blob %s from %s", digest, it->x->source);
	}
	return fd;
}

/* Sends the blobs and the manifest of one instance. */
static int send_item(struct push_ctx *p, struct item *it, struct werr *err)
{
	void *ud[2] = {p, it};
	bool same_registry = it->src && strcmp(it->src_ref.domain, p->dest.domain) == 0;
	const char *from = same_registry ? it->src_ref.path : NULL;
	struct push_src cfg = {
	    .digest = it->m.config_digest, .size = it->m.config_size, .config = true};

	note(p, PULL_EV_SIGNATURES, NULL);
	for (size_t i = 0; i < it->m.nlayers; i++) {
		struct push_src b = {.digest = it->m.layers[i].digest,
				     .size = it->m.layers[i].size,
				     .open = it->src ? fetch_open : NULL,
				     .ud = ud};
		if (push_blob(p->e, p->c, &b, from, &p->o->push, err) < 0)
			return -1;
	}
	if (it->src) {
		cfg.open = fetch_open;
		cfg.ud = ud;
	} else {
		cfg.body = it->rec.config;
	}
	if (push_blob(p->e, p->c, &cfg, from, &p->o->push, err) < 0)
		return -1;
	note(p, PULL_EV_WRITING, NULL);
	return reg_manifest_put(p->c, it->x->digest, it->x->media_type, it->x->manifest,
				strlen(it->x->manifest), err);
}

/* Sends every instance (--all), then the list. */
static int send_all(struct push_ctx *p, char digest_out[DIGEST_STR_LEN], struct werr *err)
{
	bool docker = p->o->push.format && strcmp(p->o->push.format, "v2s2") == 0;
	cleanup_free char *body = NULL;
	char line[160];

	note(p, PULL_EV_NOTE, "Getting image list signatures");
	snprintf(line, sizeof(line), "Copying %zu of %zu images in list", p->o->all ? p->l.n : 0,
		 p->l.n);
	note(p, PULL_EV_NOTE, line);
	for (size_t i = 0; p->o->all && i < p->l.n; i++) {
		snprintf(line, sizeof(line), "Copying image %s (%zu/%zu)", p->l.v[i].digest, i + 1,
			 p->l.n);
		note(p, PULL_EV_NOTE, line);
		if (send_item(p, &p->items[i], err) < 0)
			return werr_wrap(err, "instance %s", p->l.v[i].digest);
	}
	note(p, PULL_EV_NOTE, "Writing manifest list to image destination");
	body = mlist_index(&p->l, docker);
	if (reg_manifest_put(p->c, p->dest.tag, docker ? MT_DOCKER_LIST : MT_OCI_INDEX, body,
			     strlen(body), err) < 0)
		return -1;
	note(p, PULL_EV_NOTE, "Storing list signatures");
	sha256_buf(body, strlen(body), digest_out);
	return 0;
}

/* The destination: dest, else the list's first name. */
static int parse_dest(struct push_ctx *p, const struct image_rec *rec, const char *dest,
		      struct werr *err)
{
	const char *t = dest ? dest : rec->names && rec->names[0] ? rec->names[0] : NULL;

	if (t == NULL)
		return werr_set(err, 0, "manifest list %s has no name: give a destination",
				p->name);
	if (str_has_prefix(t, "docker://"))
		t += strlen("docker://");
	if (ref_parse(t, &p->dest, err) < 0)
		return -1;
	if (p->dest.digest != NULL)
		return werr_set(err, 0, "cannot push to a digest reference '%s': use a tag", t);
	return 0;
}

/* Pushes a list; see manifest_list.h. */
int mlist_push(struct engine *e, const char *list, const char *dest,
	       const struct mlist_push_opts *o, char digest_out[DIGEST_STR_LEN], struct werr *err)
{
	struct push_ctx p = {.e = e, .o = o, .name = list};
	struct image_rec rec = {0};
	int rc = mlist_lookup(e, list, &rec, &p.l, err);

	if (rc <= 0) {
		if (rc == 0)
			werr_set(err, 0, "%s: image not known", list);
		image_rec_free(&rec);
		return werr_wrap(err, "retrieving local image from image name %s", list);
	}
	if (parse_dest(&p, &rec, dest, err) < 0 ||
	    (p.conf = regconf_load(e->rootless, err)) == NULL || prepare(&p, err) < 0)
		rc = -1;
	if (rc > 0) {
		p.c = reg_open(p.dest.domain, p.dest.path, regconf_insecure(p.conf, p.dest.domain),
			       &o->push.reg, err);
		if (p.c != NULL)
			reg_want_push(p.c);
		rc = p.c != NULL && send_all(&p, digest_out, err) == 0 ? 1 : -1;
		if (rc < 0)
			werr_wrap(err, "pushing manifest list %s", list);
	}
	if (rc > 0 && o->rm && image_delete(e, rec.id, err) < 0)
		rc = -1;
	image_rec_free(&rec);
	ctx_free(&p);
	return rc < 0 ? -1 : 0;
}
