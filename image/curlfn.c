/* curlfn.c - libcurl through dlopen(); see curlfn.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include "image/curlfn.h"

static struct curlfn fn;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* symbol name -> offset of its pointer in struct curlfn */
static const struct {
	const char *name;
	size_t off;
} symbols[] = {
#define SYM(field, sym)                                                                            \
	{                                                                                          \
		sym, offsetof(struct curlfn, field)                                                \
	}
    SYM(global_init, "curl_global_init"),
    SYM(easy_init, "curl_easy_init"),
    SYM(easy_setopt, "curl_easy_setopt"),
    SYM(easy_perform, "curl_easy_perform"),
    SYM(easy_getinfo, "curl_easy_getinfo"),
    SYM(easy_pause, "curl_easy_pause"),
    SYM(easy_cleanup, "curl_easy_cleanup"),
    SYM(easy_strerror, "curl_easy_strerror"),
    SYM(easy_escape, "curl_easy_escape"),
    SYM(free, "curl_free"),
    SYM(slist_append, "curl_slist_append"),
    SYM(slist_free_all, "curl_slist_free_all"),
    SYM(multi_init, "curl_multi_init"),
    SYM(multi_add_handle, "curl_multi_add_handle"),
    SYM(multi_remove_handle, "curl_multi_remove_handle"),
    SYM(multi_perform, "curl_multi_perform"),
    SYM(multi_poll, "curl_multi_poll"),
    SYM(multi_info_read, "curl_multi_info_read"),
    SYM(multi_cleanup, "curl_multi_cleanup"),
    SYM(multi_strerror, "curl_multi_strerror"),
#undef SYM
};

static void load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		load_error = "libcurl is not installed: install Debian's libcurl4 package "
			     "(apt-get install libcurl4) to reach registries";
		return;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *p = dlsym(h, symbols[i].name);
		if (p == NULL) {
			load_error = "libcurl is too old (7.66 or later needed for "
				     "curl_multi_poll): upgrade the libcurl4 package";
			return;
		}
		*(void **)((char *)&fn + symbols[i].off) = p;
	}
	if (fn.global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		load_error = "libcurl failed to initialise";
}

/* Loads and initialises libcurl once; see curlfn.h. */
const struct curlfn *curlfn_get(struct werr *err)
{
	pthread_once(&once, load);
	if (load_error != NULL) {
		werr_set(err, 0, "%s", load_error);
		return NULL;
	}
	return &fn;
}
