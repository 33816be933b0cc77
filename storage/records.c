/* records.c - the in-memory image and container records of store.h:
 * freeing them and naming a container's state (no database here). */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "storage/store.h"

/* Frees the members of r (not r itself). */
void image_rec_free(struct image_rec *r)
{
	if (r == NULL)
		return;
	free(r->digest);
	strv_free(r->digests);
	strv_free(r->names);
	strv_free(r->layers);
	free(r->config);
	free(r->manifest);
	free(r->instances);
	free(r->ro_store);
	memset(r, 0, sizeof(*r));
}

/* Frees an array of n records and the array. */
void image_recs_free(struct image_rec *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		image_rec_free(&v[i]);
	free(v);
}

static const char *const state_names[] = {
    [CTR_CREATED] = "created", [CTR_RUNNING] = "running",   [CTR_EXITED] = "exited",
    [CTR_STOPPED] = "stopped", [CTR_REMOVING] = "removing",
};

/* Lower-case name of a container state ("unknown" if out of range). */
const char *ctr_state_name(enum ctr_state st)
{
	if ((unsigned)st >= ARRAY_SIZE(state_names))
		return "unknown";
	return state_names[st];
}

/* Frees the members of c (not c itself). */
void container_rec_free(struct container_rec *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->image_id);
	free(c->image_name);
	strv_free(c->command);
	free(c->driver);
	free(c->config);
	memset(c, 0, sizeof(*c));
}

/* Frees an array of n records and the array. */
void container_recs_free(struct container_rec *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		container_rec_free(&v[i]);
	free(v);
}
