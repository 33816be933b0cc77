/* regconf_int.h - what regconf.c (loading) and regconf_resolve.c (using)
 * share; not for other modules. */
#ifndef WARREN_REGCONF_INT_H
#define WARREN_REGCONF_INT_H

#include "image/ref.h"
#include "image/regconf.h"

enum pull_from { PULL_ALL, PULL_DIGEST_ONLY, PULL_TAG_ONLY };

struct reg_mirror {
	char *location;
	bool insecure;
	enum pull_from pull;
};

struct reg_entry {
	char *prefix;	/* "quay.io/ns", "*.example.com"; never NULL */
	char *location; /* NULL only with a wildcard prefix: no rewriting */
	bool insecure, blocked;
	struct reg_mirror *mirrors;
	size_t nmirrors;
};

struct reg_alias {
	char *name;   /* "fedora" */
	char *value;  /* "registry.fedoraproject.org/fedora"; "" resets */
	char *origin; /* the file that set it */
};

struct regconf {
	struct reg_entry *regs;
	size_t nregs;
	char **search; /* never NULL once loaded */
	char *search_origin;
	bool search_set;
	enum shortname_mode mode;
	bool mode_set;
	struct reg_alias *aliases; /* from registries.conf files */
	size_t naliases;
	struct reg_alias *cached; /* from short-name-aliases.conf: they win */
	size_t ncached;
	char *main_path; /* for messages */
	char *dir_path;	 /* NULL when no drop-in directory was read */
	bool found;	 /* some file existed */
};

int regconf_check_short(const char *name, struct werr *err);
int regconf_check_alias_value(const char *value, struct werr *err);
void regconf_alias_set(struct reg_alias **a, size_t *n, const char *name, const char *value,
		       const char *origin);
char *regconf_alias_path_root(const char *sysroot, bool rootless);
char *regconf_config_home(void);

#endif
