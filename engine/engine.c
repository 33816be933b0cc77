#include "engine/engine.h"
#include "engine/config.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void engine_free(struct engine *e)
{
	if (e->store)
		store_close(e->store);
	e->store = NULL;
	if (e->conf != NULL)
		config_free(e->conf);
	free(e->conf);
	e->conf = NULL;
	free(e->user);
	free(e->root);
	free(e->root_netfs);
	free(e->runroot);
	free(e->userrun);
	free(e->storage_driver);
	strv_free(e->storage_opts);
	strv_free(e->hooks_dirs);
	e->hooks_dirs = NULL;
	e->user = e->root = e->runroot = e->userrun = e->storage_driver = NULL;
	e->storage_opts = NULL;
}

/* The storage opts "additionalimagestore=DIR" (storage.conf's
 * additionalimagestores): each usable one is added to the store; one that
 * is not gets a warning and is skipped, so that the user's own images
 * still work. */
static void add_readonly_stores(struct engine *e)
{
	for (size_t i = 0; e->storage_opts != NULL && e->storage_opts[i] != NULL; i++) {
		const char *o = e->storage_opts[i];
		struct werr err = {0};

		if (!str_has_prefix(o, "additionalimagestore="))
			continue;
		o += strlen("additionalimagestore=");
		if (strcmp(o, e->root) == 0)
			continue;
		if (store_add_readonly(e->store, o, &err) < 0)
			log_warn("%s; ignored", err.msg);
	}
}

struct store *engine_store(struct engine *e, struct werr *err)
{
	if (e->store == NULL) {
		/* again, now that the namespace is joined: a --root on a mount
		 * made in it (`warren unshare mount ...`) was hidden from
		 * paths_init, which runs before the join */
		const char *dirs[] = {e->root, e->runroot};
		for (size_t i = 0; i < 2; i++)
			if (dirs[i] && mkdir(dirs[i], 0700) < 0 && errno == ENOENT &&
			    mkdir_p(dirs[i], 0700, err) < 0)
				return NULL;
		e->store = store_open(e->root, err);
		if (e->store == NULL)
			werr_wrap(err, "open the state database in '%s'", e->root);
		else
			add_readonly_stores(e);
	}
	return e->store;
}
