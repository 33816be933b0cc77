/* netfilter.c - the network filters (see netfilter.h): moved here from
 * cli/cmd_network.c so that `network ls` and the REST API share one
 * implementation. */
#include "runtime/netfilter.h"
#include "image/filter.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/ctrfilter.h"
#include "runtime/netusers.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

void net_filter_free(struct net_filter *f)
{
	strv_free(f->name);
	strv_free(f->id);
	strv_free(f->driver);
	strv_free(f->label);
	strv_free(f->nlabel);
	strv_free(f->dangling);
	strv_free(f->until);
	strv_free(f->type);
	strv_free(f->scope);
	*f = (struct net_filter){0};
}

/* Go's strconv.ParseBool: -1 when s is none of its spellings. */
static int parse_bool(const char *s)
{
	static const char *yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Checks a regular expression of name= or id= (POSIX extended, which
 * covers what people write in Go's syntax). */
static int check_regex(const char *re, struct werr *err)
{
	regex_t r;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0) {
		werr_set(err, 0, "invalid regular expression \"%s\" in filter", re);
		return werr_status(err, 125);
	}
	regfree(&r);
	return 0;
}

/* The slot of key k in f for filters of kind, NULL when not taken. */
static char ***filter_slot(struct net_filter *f, const char *k, enum net_filter_kind kind)
{
	static const struct {
		const char *key;
		size_t off;
		unsigned kinds; /* 1 << enum net_filter_kind */
	} keys[] = {
#define LS     (1u << NET_FILTER_LS | 1u << NET_FILTER_DOCKER)
#define ALL    (LS | 1u << NET_FILTER_PRUNE)
#define DOCKER (1u << NET_FILTER_DOCKER)
	    {"label", offsetof(struct net_filter, label), ALL},
	    {"until", offsetof(struct net_filter, until), ALL},
	    {"label!", offsetof(struct net_filter, nlabel), 1u << NET_FILTER_PRUNE},
	    {"name", offsetof(struct net_filter, name), LS},
	    {"id", offsetof(struct net_filter, id), LS},
	    {"driver", offsetof(struct net_filter, driver), LS},
	    {"dangling", offsetof(struct net_filter, dangling), LS},
	    {"type", offsetof(struct net_filter, type), DOCKER},
	    {"scope", offsetof(struct net_filter, scope), DOCKER},
#undef LS
#undef ALL
#undef DOCKER
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].key, k) == 0 && (keys[i].kinds & (1u << kind)))
			return (char ***)((char *)f + keys[i].off);
	return NULL;
}

/* A value of key slot that cannot match anything: Podman's (and
 * Docker's) error. 0 when fine. */
static int check_value(struct net_filter *f, char ***slot, const char *v, struct werr *err)
{
	int64_t t;

	if (slot == &f->dangling && parse_bool(v) < 0) {
		werr_set(err, 0, "invalid dangling filter value \"%s\"", v);
		return werr_status(err, 125);
	}
	if (slot == &f->type && strcmp(v, "custom") != 0 && strcmp(v, "builtin") != 0) {
		werr_set(err, 0, "invalid filter: 'type'='%s'", v);
		return werr_status(err, 125);
	}
	if (slot == &f->until && image_parse_until(v, now_ns(), &t, err) < 0)
		return werr_status(err, 125);
	if ((slot == &f->name || slot == &f->id) && check_regex(v, err) < 0)
		return -1;
	return 0;
}

int net_filter_parse(char *const *specs, enum net_filter_kind kind, struct net_filter *f,
		     struct werr *err)
{
	for (size_t i = 0; specs && specs[i]; i++) {
		const char *eq = strchr(specs[i], '=');
		cleanup_free char *k =
		    eq ? xstrndup(specs[i], (size_t)(eq - specs[i])) : xstrdup(specs[i]);
		const char *v = eq ? eq + 1 : "";
		char ***slot = filter_slot(f, k, kind);

		if (slot == NULL || eq == NULL) {
			werr_set(err, 0, "invalid filter \"%s\"", eq ? k : specs[i]);
			return werr_status(err, 125);
		}
		if (check_value(f, slot, v, err) < 0)
			return -1;
		*slot = strv_append(*slot, v);
	}
	return 0;
}

/* "2024-01-02T03:04:05.123Z" as ns since the epoch (0 when unreadable). */
static int64_t created_ns(const char *rfc)
{
	int64_t t = 0;

	if (rfc == NULL || image_parse_until(rfc, now_ns(), &t, NULL) < 0)
		return 0;
	return t;
}

/* Podman's rules: one key's values OR, keys AND, every label (and no
 * label!) must match. used: the networks containers use. */
static bool filter_match(const struct net_filter *f, const struct network *n, char *const *used)
{
	cleanup_json struct json_object *labels = netconf_kv_json(n->labels);
	bool builtin = strcmp(n->name, netconf_default_name()) == 0;

	if (f->name && !ctr_regex_any(f->name, n->name))
		return false;
	if (f->id && !ctr_regex_any(f->id, n->id))
		return false;
	if (f->driver && !strv_contains(f->driver, n->driver))
		return false;
	if (f->type && !strv_contains(f->type, builtin ? "builtin" : "custom"))
		return false;
	if (f->scope && !strv_contains(f->scope, "local"))
		return false;
	for (size_t i = 0; f->label && f->label[i]; i++)
		if (!ctr_label_matches(f->label[i], labels))
			return false;
	for (size_t i = 0; f->nlabel && f->nlabel[i]; i++)
		if (ctr_label_matches(f->nlabel[i], labels))
			return false;
	for (size_t i = 0; f->dangling && f->dangling[i]; i++)
		if (parse_bool(f->dangling[i]) == strv_contains(used, n->name))
			return false;
	for (size_t i = 0; f->until && f->until[i]; i++) {
		int64_t t = 0;
		image_parse_until(f->until[i], now_ns(), &t, NULL);
		if (created_ns(n->created) >= t)
			return false;
	}
	return true;
}

int network_select(struct engine *e, const struct net_filter *f, struct network **out, size_t *nout,
		   struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	cleanup_strv char **used = NULL;
	struct network *v = NULL;
	size_t n = 0, k = 0;

	if ((f->dangling && network_used_names(e, &used, err) < 0) ||
	    netconf_list(dir, &v, &n, err) < 0)
		return werr_status(err, 125);
	for (size_t i = 0; i < n; i++) {
		if (filter_match(f, &v[i], used))
			v[k++] = v[i];
		else
			network_free(&v[i]);
	}
	/* Podman sorts by name, the default network (listed first) among the others */
	networks_sort(v, k);
	*out = v;
	*nout = k;
	return 0;
}
