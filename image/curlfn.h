/* curlfn.h - libcurl, loaded with dlopen() when a command first talks to a
 * registry. `run --rm` of a local image never pays for loading libcurl and
 * its TLS stack (start-up time is a feature: see the Makefile), and a
 * machine without libcurl still runs local images; only pull/push/login
 * then fail, with the package to install. */
#ifndef WARREN_CURLFN_H
#define WARREN_CURLFN_H

#include <curl/curl.h>

#include "lib/err.h"

struct curlfn {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	CURLcode (*easy_pause)(CURL *h, int bitmask);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	char *(*easy_escape)(CURL *h, const char *s, int len);
	void (*free)(void *p);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[], unsigned n, int timeout_ms,
				int *numfds);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_cleanup)(CURLM *m);
	const char *(*multi_strerror)(CURLMcode code);
};

/* Loads libcurl once (thread-safe after the first call returns) and
 * initialises it. NULL with err naming the Debian package when it is
 * missing or too old (curl_multi_poll needs 7.66). */
const struct curlfn *curlfn_get(struct werr *err);

#endif
