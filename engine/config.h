/* config.h - the configuration files users and admins already have:
 * containers.conf(5), storage.conf(5), and warren.conf for the keys only
 * warren has (same TOML, same places). Read in Podman's order and with its
 * precedence: built-in defaults, then the files (later files override
 * earlier ones key by key), then CONTAINERS_CONF / CONTAINERS_STORAGE_CONF
 * (which replace the search), then command-line flags. */
#ifndef WARREN_CONFIG_H
#define WARREN_CONFIG_H

#include <json-c/json.h>
#include <stdbool.h>

#include "lib/err.h"

struct engine;

struct config {
	/* each file kind merged: {"table": {"key": value}} (two levels: a
	 * later file's key replaces the earlier one's, tables merge) */
	struct json_object *containers, *storage, *warren;
	char **files;	   /* the files read, in order */
	bool storage_user; /* storage.conf came from the user's config dir
			      (rootless: only then graphroot/runroot count) */
};

/* Reads every configuration file for a user (rootless: is the caller not
 * root) whose config dir is $XDG_CONFIG_HOME or ~/.config. A malformed
 * file fails with "PATH: line N: ..."; a key of the wrong type with
 * "PATH: [table] key: must be ..."; a missing file is skipped (a missing
 * CONTAINERS_CONF / CONTAINERS_STORAGE_CONF is an error, as Podman's).
 * Keys warren does not implement are listed at --log-level debug. */
int config_load(struct config *c, bool rootless, struct werr *err);
void config_free(struct config *c);

/* A string value of table.key of one kind (c->containers, ...), NULL when
 * unset. Nested tables: "options.overlay" as table. */
const char *config_str(struct json_object *kind, const char *table, const char *key);

/* An array of strings (a new vector, NULL when unset or empty) and an
 * integer (-1 when unset) of table.key, as config_str. */
char **config_strv(struct json_object *kind, const char *table, const char *key);
long long config_int(struct json_object *kind, const char *table, const char *key);

/* Fills what flags left unset in e from the configuration: storage root,
 * runroot, driver and options. Call after the flags, before paths_init
 * (which supplies the built-in defaults for what is still unset). */
void config_apply_storage(const struct config *c, struct engine *e);

#endif
