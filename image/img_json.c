/* img_json.c - images as Podman 4 prints them (see img_json.h). Facts
 * from `podman image inspect` / `podman images` 4.3 output; layout ours. */
#include "image/img_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

/* Podman's image inspect object with its zero values, in its key order. */
static const char inspect_skeleton[] =
    "{\"Id\":\"\",\"Digest\":\"\",\"RepoTags\":[],\"RepoDigests\":[],\"Parent\":\"\","
    "\"Comment\":\"\",\"Created\":\"\",\"Config\":{},\"Version\":\"\",\"Author\":\"\","
    "\"Architecture\":\"\",\"Os\":\"\",\"Size\":0,\"VirtualSize\":0,"
    "\"GraphDriver\":{\"Name\":\"\",\"Data\":null},"
    "\"RootFS\":{\"Type\":\"layers\",\"Layers\":[]},\"Labels\":null,\"Annotations\":{},"
    "\"ManifestType\":\"\",\"User\":\"\",\"History\":[],\"NamesHistory\":[]}";

/* Copies src[skey] to dst[dkey] when present (keeps the zero value). */
static void copy_as(struct json_object *dst, const char *dkey, struct json_object *src,
		    const char *skey)
{
	struct json_object *v = jget(src, skey);

	if (v != NULL)
		jset(dst, dkey, json_object_get(v));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "repo@digest" for each distinct repository the image is named in and
 * each manifest digest it is known by, sorted (Podman's RepoDigests). */
static struct json_object *repo_digests(const struct image_rec *img)
{
	struct json_object *out = json_object_new_array();
	cleanup_strv char **seen = NULL;

	for (size_t i = 0; img->digests && img->names && img->names[i]; i++) {
		cleanup_free char *repo = NULL, *tag = NULL;
		ref_split_name(img->names[i], &repo, &tag);
		for (size_t d = 0; img->digests[d]; d++) {
			cleanup_free char *rd = xasprintf("%s@%s", repo, img->digests[d]);
			if (!strv_contains(seen, rd))
				seen = strv_append(seen, rd);
		}
	}
	if (seen != NULL)
		qsort(seen, strv_len(seen), sizeof(*seen), cmp_str);
	for (size_t i = 0; seen && seen[i]; i++)
		json_object_array_add(out, json_object_new_string(seen[i]));
	return out;
}

/* The manifest's media type; a docker-archive's manifest.json has none. */
static const char *manifest_type(struct json_object *manifest)
{
	const char *mt = jstr(manifest, "mediaType");

	if (mt != NULL)
		return mt;
	if (jget(manifest, "schemaVersion") != NULL && jget(manifest, "config") != NULL &&
	    jstr(jget(manifest, "config"), "mediaType") != NULL &&
	    strstr(jstr(jget(manifest, "config"), "mediaType"), "oci") != NULL)
		return "application/vnd.oci.image.manifest.v1+json";
	return "application/vnd.docker.distribution.manifest.v2+json";
}

static char *store_driver(struct engine *e)
{
	char *d = NULL;

	if (e == NULL || e->store == NULL || store_meta_get(e->store, "driver", &d, NULL) < 0)
		return NULL;
	return d;
}

struct json_object *img_json_inspect(struct engine *e, const struct image_rec *img, bool go_time)
{
	struct json_object *o = json_tokener_parse(inspect_skeleton);
	cleanup_json struct json_object *cfg = img->config ? json_tokener_parse(img->config) : NULL;
	cleanup_json struct json_object *man =
	    img->manifest ? json_tokener_parse(img->manifest) : NULL;
	cleanup_free char *driver = store_driver(e);
	struct json_object *config = jget(cfg, "config");
	char ts[64];

	jset_str(o, "Id", img->id);
	jset_str(o, "Digest", img->digest);
	jset(o, "RepoTags", jnew_strv(img->names));
	jset(o, "RepoDigests", repo_digests(img));
	copy_as(o, "Comment", cfg, "comment");
	if (go_time)
		format_gotime(img->created, ts, sizeof(ts));
	else
		format_rfc3339(img->created, ts, sizeof(ts));
	jset_str(o, "Created", ts);
	copy_as(o, "Config", cfg, "config");
	copy_as(o, "Version", cfg, "docker_version");
	copy_as(o, "Author", cfg, "author");
	copy_as(o, "Architecture", cfg, "architecture");
	copy_as(o, "Os", cfg, "os");
	jset(o, "Size", json_object_new_int64(img->size));
	jset(o, "VirtualSize", json_object_new_int64(img->size));
	jset_str(jget(o, "GraphDriver"), "Name", driver);
	jset(jget(o, "RootFS"), "Layers", jnew_strv(img->layers));
	copy_as(o, "Labels", config, "Labels");
	copy_as(o, "Annotations", man, "annotations");
	jset_str(o, "ManifestType", manifest_type(man));
	copy_as(o, "User", config, "User");
	copy_as(o, "History", cfg, "history");
	jset(o, "NamesHistory", jnew_strv(img->names));
	return o;
}

struct json_object *img_json_list(const struct image_rec *img, int containers)
{
	struct json_object *o = json_object_new_object();
	cleanup_json struct json_object *cfg = img->config ? json_tokener_parse(img->config) : NULL;
	struct json_object *labels = jget(jget(cfg, "config"), "Labels");
	char ts[64];

	jset_str(o, "Id", img->id);
	jset_str(o, "ParentId", "");
	jset(o, "RepoTags", NULL); /* Podman 4's list has the names in Names only */
	jset(o, "RepoDigests", repo_digests(img));
	jset(o, "Size", json_object_new_int64(img->size));
	jset(o, "SharedSize", json_object_new_int(0));
	jset(o, "VirtualSize", json_object_new_int64(img->size));
	jset(o, "Labels", labels ? json_object_get(labels) : NULL);
	jset(o, "Containers", json_object_new_int(containers));
	if (img->ro_store != NULL) /* omitempty in Podman's ImageSummary */
		jset(o, "ReadOnly", json_object_new_boolean(true));
	jset(o, "Names", strv_len(img->names) ? jnew_strv(img->names) : NULL);
	jset_str(o, "Digest", img->digest);
	jset(o, "History", strv_len(img->names) ? jnew_strv(img->names) : NULL);
	jset(o, "Created", json_object_new_int64(img->created / 1000000000LL));
	format_rfc3339(img->created, ts, sizeof(ts));
	jset_str(o, "CreatedAt", ts);
	return o;
}

/* Go's %v of a string list: "[a b]". */
static char *go_list(char *const *v)
{
	cleanup_free char *j = strv_join(v, " ");

	return xasprintf("[%s]", j ? j : "");
}

static void set_owned(struct json_object *o, const char *key, char *s)
{
	jset_str(o, key, s);
	free(s);
}

struct json_object *img_json_view(const struct image_rec *img, const char *name, int containers,
				  bool notrunc, const char *own_root)
{
	struct json_object *o = json_object_new_object(), *rd = repo_digests(img);
	cleanup_free char *repo = NULL, *tag = NULL;
	cleanup_strv char **rdv = jstrv(rd);
	char id[80], ago[64], t[64], size[32];

	json_object_put(rd);
	if (notrunc)
		snprintf(id, sizeof(id), "sha256:%s", img->id);
	else
		snprintf(id, sizeof(id), "%.12s", img->id);
	if (name)
		ref_split_name(name, &repo, &tag);
	format_ago(img->created, ago, sizeof(ago));
	format_gotime(img->created, t, sizeof(t));
	format_size(img->size, size, sizeof(size));
	jset_str(o, "ID", id);
	jset_str(o, "Id", img->id);
	jset_str(o, "Repository", repo ? repo : "<none>");
	jset_str(o, "Tag", tag ? tag : "<none>");
	jset_str(o, "Digest", img->digest);
	jset_str(o, "Created", ago);
	jset_str(o, "CreatedSince", ago);
	jset_str(o, "CreatedAt", t);
	jset_str(o, "CreatedTime", t);
	jset_str(o, "Size", size);
	jset(o, "ReadOnly", json_object_new_boolean(img->ro_store != NULL));
	set_owned(o, "History", strv_join(img->names, ", "));
	jset_str(o, "Labels", "map[]");
	set_owned(o, "Names", go_list(img->names));
	set_owned(o, "RepoTags", go_list(img->names));
	set_owned(o, "RepoDigests", go_list(rdv));
	jset_str(o, "ParentId", "");
	jset(o, "SharedSize", json_object_new_int(0));
	jset(o, "VirtualSize", json_object_new_int64(img->size));
	jset(o, "Containers", json_object_new_int(containers));
	jset(o, "Dangling", json_object_new_boolean(strv_len(img->names) == 0));
	jset(o, "IsReadOnly", json_object_new_boolean(img->ro_store != NULL));
	/* warren's own field (issue 15): the store the image comes from */
	jset_str(o, "Store", img->ro_store ? img->ro_store : own_root);
	return o;
}

/* Podman's column titles; the fields that are methods in Podman have no
 * title there and print "<no value>". */
struct json_object *img_json_headers(void)
{
	static const char *const titles[][2] = {
	    {"ID", "IMAGE ID"},
	    {"Id", "<no value>"},
	    {"Repository", "REPOSITORY"},
	    {"Tag", "TAG"},
	    {"Digest", "DIGEST"},
	    {"Created", "CREATED"},
	    {"CreatedSince", "<no value>"},
	    {"CreatedAt", "<no value>"},
	    {"CreatedTime", "<no value>"},
	    {"Size", "SIZE"},
	    {"ReadOnly", "R/O"},
	    {"History", "HISTORY"},
	    {"Labels", "LABELS"},
	    {"Names", "NAMES"},
	    {"RepoTags", "REPO TAGS"},
	    {"RepoDigests", "REPO DIGESTS"},
	    {"ParentId", "PARENT ID"},
	    {"SharedSize", "SHARED SIZE"},
	    {"VirtualSize", "VIRTUAL SIZE"},
	    {"Containers", "CONTAINERS"},
	    {"Dangling", "DANGLING"},
	    {"IsReadOnly", "<no value>"},
	    {"Store", "STORE"},
	};
	struct json_object *h = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
		jset_str(h, titles[i][0], titles[i][1]);
	return h;
}

/* A history time as Go's time.Format(RFC3339[Nano]) prints it in the zone
 * the config wrote it in; Go's zero time when it had none. */
static void history_time(const struct image_history *h, bool nano, char *buf, size_t len)
{
	int64_t ns = h->created + (int64_t)h->tzoff * 1000000000LL;
	size_t n;

	if (!h->has_created) {
		snprintf(buf, len, "0001-01-01T00:00:00Z");
		return;
	}
	if (!nano)
		ns -= ((ns % 1000000000LL) + 1000000000LL) % 1000000000LL;
	format_rfc3339(ns, buf, len);
	n = strlen(buf);
	if (h->tzoff != 0 && n > 0 && n + 6 < len)
		snprintf(buf + n - 1, len - n + 1, "%c%02d:%02d", h->tzoff < 0 ? '-' : '+',
			 abs(h->tzoff) / 3600, abs(h->tzoff) % 3600 / 60);
}

struct json_object *img_json_history(const struct image_history *h)
{
	struct json_object *o = json_object_new_object();
	char t[64];

	jset_str(o, "id", h->id[0] ? h->id : "<missing>");
	history_time(h, true, t, sizeof(t));
	jset_str(o, "created", t);
	if (h->created_by && h->created_by[0])
		jset_str(o, "CreatedBy", h->created_by);
	jset(o, "size", json_object_new_int64(h->size));
	if (h->comment && h->comment[0])
		jset_str(o, "comment", h->comment);
	history_time(h, false, t, sizeof(t));
	jset_str(o, "Created", t);
	return o;
}

struct json_object *img_json_history_view(const struct image_history *h, bool notrunc, bool human)
{
	struct json_object *o = json_object_new_object();
	const char *by = h->created_by ? h->created_by : "";
	char t[64], ago[64], at[64], size[32];

	if (h->has_created) {
		format_ago(h->created, ago, sizeof(ago));
		format_gotime(h->created, at, sizeof(at));
	} else { /* Go's zero time: as long ago as a time.Duration reaches */
		snprintf(ago, sizeof(ago), "292 years ago");
		snprintf(at, sizeof(at), "0001-01-01 00:00:00 +0000 UTC");
	}
	history_time(h, false, t, sizeof(t));
	format_size(h->size, size, sizeof(size));
	if (!h->id[0])
		jset_str(o, "ID", "<missing>");
	else
		set_owned(o, "ID", xstrndup(h->id, notrunc ? DIGEST_HEX_LEN : 12));
	jset_str(o, "Created", human ? ago : t);
	if (!notrunc && strlen(by) > 45) /* Podman cuts bytes, as here */
		set_owned(o, "CreatedBy", xasprintf("%.42s...", by));
	else
		jset_str(o, "CreatedBy", by);
	jset_str(o, "Size", size);
	jset_str(o, "Comment", h->comment);
	jset_str(o, "CreatedAt", at);
	jset_str(o, "CreatedSince", ago);
	jset_str(o, "Tags", "[]");
	return o;
}

struct json_object *img_json_history_headers(void)
{
	static const char *const titles[][2] = {
	    {"ID", "ID"},
	    {"Created", "CREATED"},
	    {"CreatedBy", "CREATED BY"},
	    {"Size", "SIZE"},
	    {"Comment", "COMMENT"},
	    {"CreatedAt", "<no value>"},
	    {"CreatedSince", "<no value>"},
	    {"Tags", "TAGS"},
	};
	struct json_object *h = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
		jset_str(h, titles[i][0], titles[i][1]);
	return h;
}
