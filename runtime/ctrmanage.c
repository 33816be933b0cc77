/* ctrmanage.c - rename and prune (see ctrmanage.h). */
#include "runtime/pods.h"
#include "runtime/ctrmanage.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "runtime/container.h"

bool container_name_valid(const char *n)
{
	static const char alnum[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	if (n[0] == '\0' || strchr(alnum, n[0]) == NULL)
		return false;
	return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       strlen(n);
}

int container_rename(struct engine *e, const struct container_rec *c, const char *name,
		     struct werr *err)
{
	if (!container_name_valid(name)) {
		werr_set(err, 0, "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
		return werr_status(err, 125);
	}
	if (engine_store(e, err) == NULL)
		return -1;
	if (store_container_rename(e->store, c->id, name, err) < 0)
		return werr_status(err, 125);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int container_prune(struct engine *e, const struct ctr_filter *f, char ***removed, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0;
	char **ids = xcalloc(1, sizeof(char *));
	int rc = 0;

	if (container_list(e, true, &v, &n, err) < 0) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct werr e2 = {0};
		/* an infra goes with its pod (pod rm, pod prune), as Podman's */
		if (v[i].state == CTR_RUNNING || v[i].state == CTR_REMOVING ||
		    (f && !ctr_filter_match(f, &v[i])) || pod_is_infra(e, &v[i]))
			continue;
		if (container_remove(e, &v[i], false, 0, &e2) < 0) {
			*err = e2;
			rc = -1;
			continue;
		}
		ids = strv_append(ids, v[i].id);
	}
	container_recs_free(v, n);
	qsort(ids, strv_len(ids), sizeof(char *), cmp_str);
	*removed = ids;
	return rc;
}
