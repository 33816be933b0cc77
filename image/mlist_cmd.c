/* mlist_cmd.c - manifest create, add, annotate, remove, exists, inspect;
 * see manifest_list.h. What an added image brings (its manifest, config
 * platform, origin) is gathered first, network included, outside any
 * transaction; the list is then read again, changed and written in one
 * write transaction, so two commands adding to one list both land. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/manifest.h"
#include "image/manifest_list.h"
#include "image/ref.h"
#include "image/regconf.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define CONFIG_MAX (8 << 20)

/* Finds list ref; see manifest_list.h. */
int mlist_lookup(struct engine *e, const char *ref, struct image_rec *rec, struct mlist *l,
		 struct werr *err)
{
	struct image_rec r = {0};
	int rc = image_lookup_list(e, ref, &r, err);

	if (rc <= 0)
		return rc;
	if (!r.list) {
		image_rec_free(&r);
		return werr_set(err, 0, "%s: image is not a manifest list", ref);
	}
	if (l != NULL && mlist_parse(r.instances, l, err) < 0) {
		image_rec_free(&r);
		return werr_wrap(err, "manifest list %s", ref);
	}
	*rec = r;
	return 1;
}

/* Fills the stored fields of list rec from l: its index, digest, size, record. */
static void list_fill(struct image_rec *rec, const struct mlist *l)
{
	char dg[DIGEST_STR_LEN];

	free(rec->manifest);
	free(rec->digest);
	free(rec->instances);
	rec->manifest = mlist_index(l, false);
	rec->size = (int64_t)strlen(rec->manifest);
	sha256_buf(rec->manifest, strlen(rec->manifest), dg);
	rec->digest = xstrdup(dg);
	rec->instances = mlist_record(l);
}

/* --arch, --os, ... and --annotation applied to entry x. */
static int apply_opts(struct mlist_entry *x, const struct mlist_add_opts *o, struct werr *err)
{
	const char *const set[] = {o->os, o->arch, o->variant, o->os_version};
	char **const slots[] = {&x->os, &x->arch, &x->variant, &x->os_version};

	for (size_t i = 0; i < ARRAY_SIZE(set); i++)
		if (set[i] != NULL) {
			free(*slots[i]);
			*slots[i] = xstrdup(set[i]);
		}
	if (o->features != NULL) {
		strv_free(x->features);
		x->features = strv_copy(o->features);
	}
	if (o->os_features != NULL) {
		strv_free(x->os_features);
		x->os_features = strv_copy(o->os_features);
	}
	for (size_t i = 0; o->annotations && o->annotations[i]; i++)
		if (mlist_annotation_set(&x->annotations, o->annotations[i], err) < 0)
			return -1;
	return 0;
}

/* The entry for local image rec: the manifest a push would send. */
static int local_entry(struct engine *e, const struct image_rec *rec, struct mlist *out,
		       struct werr *err)
{
	struct mlist_entry x = {0};
	char dg[DIGEST_STR_LEN];
	const char *mt = NULL;

	if (image_push_manifest(e, rec, NULL, &x.manifest, &mt, err) < 0)
		return -1;
	sha256_buf(x.manifest, strlen(x.manifest), dg);
	x.digest = xstrdup(dg);
	x.media_type = xstrdup(mt);
	x.size = (int64_t)strlen(x.manifest);
	x.image_id = xstrdup(rec->id);
	if (mlist_entry_platform(&x, rec->config, err) < 0) {
		mlist_entry_free(&x);
		return -1;
	}
	mlist_put(out, &x);
	return 0;
}

/* Keeps only entry i of l. */
static void keep_one(struct mlist *l, int i)
{
	struct mlist_entry x = l->v[i];

	l->v[i] = (struct mlist_entry){0};
	mlist_free(l);
	mlist_put(l, &x);
}

/* The entries of another local list: all, or this platform's. */
static int list_entries(const struct image_rec *rec, const char *list_id, bool all,
			struct mlist *out, struct werr *err)
{
	int i;

	if (list_id != NULL && strcmp(rec->id, list_id) == 0)
		return werr_set(err, 0, "cannot add manifest list %.12s to itself", rec->id);
	if (mlist_parse(rec->instances, out, err) < 0)
		return -1;
	if (all)
		return 0;
	i = mlist_pick(out, err);
	if (i < 0) {
		mlist_free(out);
		return -1;
	}
	keep_one(out, i);
	return 0;
}

/* A registry client for ref (a short name resolves as for pull: its first
 * candidate); *r the parsed full reference. */
static struct reg_client *remote_open(struct engine *e, const char *ref, const struct reg_opts *o,
				      struct image_ref *r, struct werr *err)
{
	struct regconf *conf = regconf_load(e->rootless, err);
	struct regconf_resolved res = {0};
	struct reg_client *c = NULL;

	if (conf == NULL || regconf_resolve_short(conf, ref, false, &res, err) < 0 ||
	    ref_parse(res.candidates[0], r, err) < 0)
		goto out;
	c = reg_open(r->domain, r->path, regconf_insecure(conf, r->domain), o, err);
	if (c == NULL)
		ref_free(r);
out:
	regconf_resolved_free(&res);
	regconf_free(conf);
	return c;
}

/* Fetches the manifest of each entry of l (by digest: verified); each must
 * be an image manifest warren can use. */
static int fetch_manifests(struct reg_client *c, struct mlist *l, struct werr *err)
{
	for (size_t i = 0; i < l->n; i++) {
		struct reg_blob b = {0};
		struct manifest m = {0};
		int rc = reg_manifest_get(c, l->v[i].digest, &b, err);
		if (rc == 0 && manifest_kind(b.body, b.len, b.media_type, err) != 1)
			rc = err->msg[0] ? -1
					 : werr_set(err, 0, "%s is an index, not an image manifest",
						    l->v[i].digest);
		if (rc == 0)
			rc = manifest_parse(b.body, b.len, &m, err);
		manifest_free(&m);
		if (rc == 0)
			l->v[i].manifest = steal_pointer(&b.body);
		reg_blob_free(&b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The entry of a registry's image manifest b: its platform from the config. */
static int remote_image_entry(struct reg_client *c, struct reg_blob *b, const char *source,
			      struct mlist *out, struct werr *err)
{
	struct mlist_entry x = {0};
	struct manifest m = {0};
	struct reg_blob cfg = {0};
	int rc = manifest_parse(b->body, b->len, &m, err);

	if (rc == 0 && m.config_size > CONFIG_MAX)
		rc = werr_set(err, 0, "image config is larger than %d bytes", CONFIG_MAX);
	if (rc == 0)
		rc = reg_blob_get(c, m.config_digest, CONFIG_MAX, &cfg, err);
	if (rc == 0)
		rc = mlist_entry_platform(&x, cfg.body, err);
	if (rc == 0) {
		x.digest = xstrdup(b->digest);
		x.media_type = xstrdup(m.media_type    ? m.media_type
				       : b->media_type ? b->media_type
						       : MT_OCI_MANIFEST);
		x.size = (int64_t)b->len;
		x.source = xstrdup(source);
		x.manifest = steal_pointer(&b->body);
		mlist_put(out, &x);
	}
	mlist_entry_free(&x);
	manifest_free(&m);
	reg_blob_free(&cfg);
	return rc;
}

/* The entries a registry image brings: manifest and config only. */
static int remote_entries(struct engine *e, const char *ref, bool all, const struct reg_opts *ro,
			  struct mlist *out, struct werr *err)
{
	struct image_ref r = {0};
	struct reg_blob b = {0};
	struct reg_client *c = remote_open(e, ref, ro, &r, err);
	cleanup_free char *source = c ? ref_repo(&r) : NULL;
	int kind = -1, i;

	if (c != NULL && reg_manifest_get(c, r.digest ? r.digest : r.tag, &b, err) == 0)
		kind = manifest_kind(b.body, b.len, b.media_type, err);
	if (kind == 1)
		kind = remote_image_entry(c, &b, source, out, err) < 0 ? -1 : 1;
	else if (kind == 2 && mlist_from_index(b.body, b.len, source, out, err) < 0)
		kind = -1;
	if (kind == 2 && !all && (i = mlist_pick(out, err)) >= 0)
		keep_one(out, i);
	else if (kind == 2 && !all)
		kind = -1;
	if (kind == 2 && fetch_manifests(c, out, err) < 0)
		kind = -1;
	reg_blob_free(&b);
	reg_close(c);
	ref_free(&r);
	if (kind < 0) {
		mlist_free(out);
		return werr_wrap(
		    err, "setting up to read manifest and configuration from \"docker://%s\"", ref);
	}
	return 0;
}

/* The entries image (an argument of add or create) brings to list list_id
 * (NULL: a new list); the options applied to each. */
static int entries_for(struct engine *e, const char *image, const char *list_id,
		       const struct mlist_add_opts *o, struct mlist *out, struct werr *err)
{
	bool local_only = str_has_prefix(image, "containers-storage:");
	const char *name = local_only ? image + strlen("containers-storage:") : image;
	struct image_rec rec = {0};
	int rc = 0;

	*out = (struct mlist){0};
	if (str_has_prefix(image, "docker://"))
		rc = remote_entries(e, image + strlen("docker://"), o->all, &o->reg, out, err);
	else if ((rc = image_lookup_list(e, name, &rec, err)) == 0 && local_only)
		rc = werr_set(err, 0, "%s: image not known", name);
	else if (rc == 0)
		rc = remote_entries(e, image, o->all, &o->reg, out, err);
	else if (rc > 0)
		rc = rec.list ? list_entries(&rec, list_id, o->all, out, err)
			      : local_entry(e, &rec, out, err);
	image_rec_free(&rec);
	for (size_t i = 0; rc >= 0 && i < out->n; i++)
		rc = apply_opts(&out->v[i], o, err);
	if (rc < 0)
		mlist_free(out);
	return rc < 0 ? -1 : 0;
}

/* Bad --annotation values fail before anything is looked up. */
static int check_opts(const struct mlist_add_opts *o, struct werr *err)
{
	char **probe = NULL;
	int rc = 0;

	for (size_t i = 0; rc == 0 && o->annotations && o->annotations[i]; i++)
		rc = mlist_annotation_set(&probe, o->annotations[i], err);
	strv_free(probe);
	return rc;
}

/* Moves every entry of add into l. */
static void put_all(struct mlist *l, struct mlist *add)
{
	for (size_t i = 0; i < add->n; i++)
		mlist_put(l, &add->v[i]);
	mlist_free(add);
}

typedef int (*list_edit)(struct mlist *l, void *ud, struct werr *err);

/* Reads list ref, edits it with fn and writes it back, in one write
 * transaction. */
static int list_change(struct engine *e, const char *ref, list_edit fn, void *ud,
		       char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct store *s = engine_store(e, err);
	struct image_rec rec = {0};
	struct mlist l = {0};
	int rc;

	if (s == NULL || store_begin(s, err) < 0)
		return -1;
	rc = mlist_lookup(e, ref, &rec, &l, err);
	if (rc == 0)
		rc = werr_set(err, 0, "%s: image not known", ref);
	if (rc > 0)
		rc = fn(&l, ud, err);
	if (rc >= 0) {
		list_fill(&rec, &l);
		rc = store_list_update(s, &rec, err);
	}
	if (rc >= 0)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc >= 0)
		memcpy(id_out, rec.id, DIGEST_HEX_LEN + 1);
	image_rec_free(&rec);
	mlist_free(&l);
	return rc < 0 ? -1 : 0;
}

static int edit_put(struct mlist *l, void *ud, struct werr *err)
{
	put_all(l, ud);
	return 0;
}

/* Adds an image to a list; see manifest_list.h. */
int mlist_add(struct engine *e, const char *list, const char *image, const struct mlist_add_opts *o,
	      char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct image_rec rec = {0};
	struct mlist add = {0};
	int rc = check_opts(o, err) < 0 ? -1 : mlist_lookup(e, list, &rec, NULL, err);

	if (rc == 0)
		rc = werr_set(err, 0, "%s: image not known", list);
	if (rc > 0)
		rc = entries_for(e, image, rec.id, o, &add, err);
	image_rec_free(&rec);
	if (rc < 0)
		return -1;
	rc = list_change(e, list, edit_put, &add, id_out, err);
	mlist_free(&add);
	return rc;
}

/* Creates a list (in the open transaction): Podman's error when the name is
 * taken, unless amend and it is a list. */
static int create_in_txn(struct store *s, const char *name, bool amend, struct mlist *add,
			 char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct image_rec rec = {0};
	struct mlist l = {0};
	int found = store_image_get(s, name, &rec, err), rc = found < 0 ? -1 : 0;

	if (found > 0 && !(amend && rec.list))
		rc = amend ? werr_set(err, 0, "%s: image is not a manifest list", name)
			   : werr_set(err, EEXIST,
				      "creating image to hold manifest list: image name \"%s\" is "
				      "already associated with image \"%s\": that name is already "
				      "in use",
				      name, rec.id);
	else if (found > 0)
		rc = mlist_parse(rec.instances, &l, err);
	else if (found == 0) {
		random_hex(rec.id, DIGEST_HEX_LEN);
		rec.id[DIGEST_HEX_LEN] = '\0';
		rec.names = strv_append(NULL, name);
		rec.created = rec.stored = now_ns();
		rec.list = true;
	}
	if (rc == 0) {
		put_all(&l, add);
		list_fill(&rec, &l);
		rc = found ? store_list_update(s, &rec, err) : store_image_add(s, &rec, err);
	}
	if (rc == 0)
		memcpy(id_out, rec.id, DIGEST_HEX_LEN + 1);
	image_rec_free(&rec);
	mlist_free(&l);
	return rc;
}

/* Creates a list; see manifest_list.h. */
int mlist_create(struct engine *e, const char *name, char *const *images, bool amend,
		 const struct mlist_add_opts *o, char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	cleanup_free char *full = image_local_name(name, err);
	struct store *s = engine_store(e, err);
	struct image_rec old = {0};
	struct mlist add = {0};
	int rc;

	if (full == NULL)
		return werr_wrap(err, "normalizing name \"%s\"", name);
	if (check_opts(o, err) < 0 || s == NULL || store_image_get(s, full, &old, err) < 0)
		return -1;
	for (size_t i = 0; images && images[i]; i++) {
		struct mlist one;
		if (entries_for(e, images[i], old.list ? old.id : NULL, o, &one, err) < 0) {
			image_rec_free(&old);
			mlist_free(&add);
			return -1;
		}
		put_all(&add, &one);
	}
	image_rec_free(&old);
	if (store_begin(s, err) < 0) {
		mlist_free(&add);
		return -1;
	}
	rc = create_in_txn(s, full, amend, &add, id_out, err);
	mlist_free(&add);
	if (rc < 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, err);
}

struct annotate_ctx {
	const char *digest;
	const struct mlist_add_opts *o;
};

static int edit_annotate(struct mlist *l, void *ud, struct werr *err)
{
	const struct annotate_ctx *a = ud;
	int i = mlist_find(l, a->digest);

	if (i < 0)
		return werr_set(err, ENOENT,
				"no instance matching digest \"%s\" found in manifest list: file "
				"does not exist",
				a->digest);
	return apply_opts(&l->v[i], a->o, err);
}

/* Changes an entry's platform and annotations; see manifest_list.h. */
int mlist_annotate(struct engine *e, const char *list, const char *digest,
		   const struct mlist_add_opts *o, char id_out[DIGEST_HEX_LEN + 1],
		   struct werr *err)
{
	struct annotate_ctx a = {digest, o};

	if (check_opts(o, err) < 0)
		return -1;
	if (mlist_check_digest(digest, err) < 0)
		return -1;
	return list_change(e, list, edit_annotate, &a, id_out, err);
}

static int edit_drop(struct mlist *l, void *ud, struct werr *err)
{
	return mlist_drop(l, ud, err);
}

/* Removes an entry; see manifest_list.h. Errors in Podman's words. */
int mlist_remove(struct engine *e, const char *list, const char *digest,
		 char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	if (mlist_check_digest(digest, err) < 0 ||
	    list_change(e, list, edit_drop, (void *)digest, id_out, err) < 0)
		return werr_wrap(err, "removing from manifest list %s", list);
	return 0;
}

/* 1 when ref is a list, 0 when unknown; see manifest_list.h. */
int mlist_exists(struct engine *e, const char *ref, struct werr *err)
{
	struct image_rec rec = {0};
	int rc = mlist_lookup(e, ref, &rec, NULL, err);

	image_rec_free(&rec);
	return rc;
}

/* A registry's manifest for inspect: an index in the list shape, an image
 * manifest as it is. */
static int remote_inspect(struct engine *e, const char *ref, const struct reg_opts *ro,
			  struct json_object **out, struct werr *err)
{
	struct image_ref r = {0};
	struct reg_blob b = {0};
	struct mlist l = {0};
	struct reg_client *c = remote_open(e, ref, ro, &r, err);
	int kind = -1;

	if (c != NULL && reg_manifest_get(c, r.digest ? r.digest : r.tag, &b, err) == 0)
		kind = manifest_kind(b.body, b.len, b.media_type, err);
	if (kind == 2 && mlist_from_index(b.body, b.len, NULL, &l, err) == 0)
		*out = mlist_inspect_json(&l);
	else if (kind == 1 && (*out = jparse(b.body, "image manifest", err)) == NULL)
		kind = -1;
	else if (kind == 2)
		kind = -1;
	mlist_free(&l);
	reg_blob_free(&b);
	reg_close(c);
	ref_free(&r);
	return kind < 0 ? werr_wrap(err, "reading image \"docker://%s\"", ref) : 0;
}

/* A local list, else the registry's manifest; see manifest_list.h. */
int mlist_inspect(struct engine *e, const char *ref, const struct reg_opts *reg,
		  struct json_object **out, struct werr *err)
{
	struct image_rec rec = {0};
	struct mlist l = {0};
	const char *name = ref;
	int rc = 0;

	if (str_has_prefix(ref, "docker://"))
		name = ref + strlen("docker://");
	else
		rc = mlist_lookup(e, ref, &rec, &l, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return remote_inspect(e, name, reg, out, err);
	*out = mlist_inspect_json(&l);
	mlist_free(&l);
	image_rec_free(&rec);
	return 0;
}
