/* registry.c - the registry HTTP client; see registry.h.
 *
 * Every request goes through do_request(): it adds the Authorization the
 * last challenge asked for, and on a 401 with a new challenge fetches a
 * token (Bearer) or switches to Basic, then tries once more. Layer
 * downloads run in one curl multi handle; each transfer writes into its
 * own pipe with non-blocking writes, and a transfer whose pipe is full is
 * paused until the pipe drains, so one slow extraction never stalls the
 * others. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/auth.h"
#include "image/certsd.h"
#include "image/curlfn.h"
#include "image/registry.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

#define ERRBODY_MAX	  4096
#define CONNECT_TIMEOUT_S 30L
#define DEFAULT_STALL_S	  60L

struct reg_client {
	const struct curlfn *cf;
	char *registry; /* as named: "docker.io" */
	char *host;	/* what we connect to: "registry-1.docker.io" */
	char *repo;
	char *base; /* "https://host" once the handshake chose a scheme */
	bool insecure;
	bool push;
	bool pinged;
	char *user, *pass;    /* credentials, NULL: anonymous */
	char *identity_token; /* auth.json "identitytoken": OAuth2 refresh token */
	char *scheme;	      /* the registry's challenge: "Bearer", "Basic" or NULL */
	char *realm, *service;
	char *token;	   /* Bearer token for the scope below */
	char *token_scope; /* the scopes it was asked for, space-separated */
	char *scope;	   /* a scope other than this repository's (the catalog) */
	char *mount_from;  /* a repository blobs are mounted from: pull on it too */
	char *ca_pem;	   /* certs.d CAs, NULL: system only */
	char *client_cert, *client_key;
	long stall_s;
	void (*sent)(void *ud, int64_t n); /* reg_on_upload's */
	void *sent_ud;
};

struct resp {
	long status;
	char *body;
	size_t len, max;
	bool too_big;
	char *content_type, *digest, *location, *www_auth, *link;
	int64_t content_length;
};

static void resp_free(struct resp *r)
{
	free(r->body);
	free(r->content_type);
	free(r->digest);
	free(r->location);
	free(r->www_auth);
	free(r->link);
	memset(r, 0, sizeof(*r));
}

void reg_blob_free(struct reg_blob *b)
{
	free(b->body);
	free(b->media_type);
	memset(b, 0, sizeof(*b));
}

/* ---------------------------------------------------------- challenge */

/* Skips a quoted-string or token value starting at *p into out. */
static char *challenge_value(const char **p)
{
	const char *s = *p;
	char *out, *o;

	if (*s != '"') {
		size_t n = strcspn(s, ", \t");
		*p = s + n;
		return xstrndup(s, n);
	}
	o = out = xmalloc(strlen(s) + 1);
	for (s++; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s;
	}
	*o = '\0';
	if (*s != '"') {
		free(out);
		return NULL;
	}
	*p = s + 1;
	return out;
}

/* Parses a WWW-Authenticate header; see registry.h. */
int reg_parse_challenge(const char *hdr, char **scheme, char **realm, char **service)
{
	const char *p = hdr;
	size_t n;

	*scheme = *realm = *service = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (n == 0 || n > 32)
		return -1;
	*scheme = xstrndup(p, n);
	p += n;
	while (*p) {
		char *key, *val;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, "= \t,");
		if (n == 0 || p[n] != '=')
			goto bad;
		key = xstrndup(p, n);
		p += n + 1;
		val = challenge_value(&p);
		if (val == NULL) {
			free(key);
			goto bad;
		}
		if (strcasecmp(key, "realm") == 0 && *realm == NULL)
			*realm = val;
		else if (strcasecmp(key, "service") == 0 && *service == NULL)
			*service = val;
		else
			free(val);
		free(key);
	}
	return 0;
bad:
	free(*scheme);
	free(*realm);
	free(*service);
	*scheme = *realm = *service = NULL;
	return -1;
}

/* ---------------------------------------------------------- requests */

static size_t header_cb(char *buf, size_t size, size_t n, void *ud)
{
	struct resp *r = ud;
	size_t len = size * n, klen;
	const char *colon = memchr(buf, ':', len);
	char **slot = NULL;

	if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		/* a new response (after a redirect or 100): forget the last */
		free(r->content_type);
		free(r->digest);
		free(r->location);
		free(r->www_auth);
		free(r->link);
		r->content_type = r->digest = r->location = r->www_auth = r->link = NULL;
		return len;
	}
	if (colon == NULL)
		return len;
	klen = (size_t)(colon - buf);
	if (klen == 12 && strncasecmp(buf, "content-type", 12) == 0)
		slot = &r->content_type;
	else if (klen == 21 && strncasecmp(buf, "docker-content-digest", 21) == 0)
		slot = &r->digest;
	else if (klen == 8 && strncasecmp(buf, "location", 8) == 0)
		slot = &r->location;
	else if (klen == 16 && strncasecmp(buf, "www-authenticate", 16) == 0)
		slot = &r->www_auth;
	else if (klen == 4 && strncasecmp(buf, "link", 4) == 0)
		slot = &r->link;
	if (slot != NULL) {
		const char *v = colon + 1, *end = buf + len;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && isspace((unsigned char)end[-1]))
			end--;
		free(*slot);
		*slot = xstrndup(v, (size_t)(end - v));
		text_scrub(*slot);
	}
	return len;
}

static size_t body_cb(char *buf, size_t size, size_t n, void *ud)
{
	struct resp *r = ud;
	size_t len = size * n;

	if (r->len + len > r->max) {
		r->too_big = true;
		return 0; /* aborts the transfer */
	}
	r->body = xrealloc(r->body, r->len + len + 1);
	memcpy(r->body + r->len, buf, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* The options every handle of this client gets: TLS, timeouts, no signals. */
static void setup_handle(struct reg_client *c, CURL *h)
{
	const struct curlfn *cf = c->cf;

	cf->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cf->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	cf->easy_setopt(h, CURLOPT_MAXREDIRS, 8L);
	cf->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cf->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, c->insecure ? "http,https" : "https");
	cf->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	cf->easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cf->easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->stall_s);
	cf->easy_setopt(h, CURLOPT_USERAGENT, "warren/0.1 (containers)");
	cf->easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
	if (c->insecure) {
		cf->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		cf->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->ca_pem != NULL) {
		struct curl_blob blob = {
		    .data = c->ca_pem, .len = strlen(c->ca_pem), .flags = CURL_BLOB_COPY};
		cf->easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
		cf->easy_setopt(h, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	if (c->client_cert != NULL) {
		cf->easy_setopt(h, CURLOPT_SSLCERT, c->client_cert);
		cf->easy_setopt(h, CURLOPT_SSLKEY, c->client_key);
	}
}

/* The Authorization header for the current challenge, or NULL. */
static struct curl_slist *auth_header(struct reg_client *c, struct curl_slist *l)
{
	if (c->token != NULL) {
		cleanup_free char *h = xasprintf("Authorization: Bearer %s", c->token);
		return c->cf->slist_append(l, h);
	}
	return l;
}

static void basic_auth(struct reg_client *c, CURL *h)
{
	if (c->user == NULL)
		return;
	c->cf->easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	c->cf->easy_setopt(h, CURLOPT_USERNAME, c->user);
	c->cf->easy_setopt(h, CURLOPT_PASSWORD, c->pass ? c->pass : "");
}

struct req {
	const char *method; /* "GET" (default), "HEAD", "PUT", "POST", "PATCH" */
	const char *path;   /* "/v2/..." or an absolute URL (upload locations) */
	const char *accept;
	const char *content_type;
	const char *body; /* in memory */
	size_t body_len;
	int body_fd; /* or streamed from an fd (body_len bytes); -1 none */
	size_t max;  /* largest body accepted */
	bool no_redirect;
};

struct fd_src {
	int fd;
	int64_t left;
	const struct reg_client *c; /* whose sent() hears of the bytes read */
};

static size_t fd_read_cb(char *buf, size_t size, size_t n, void *ud)
{
	struct fd_src *s = ud;
	size_t want = size * n;
	ssize_t r;

	if (s->left <= 0)
		return 0;
	if ((int64_t)want > s->left)
		want = (size_t)s->left;
	do
		r = read(s->fd, buf, want);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return CURL_READFUNC_ABORT;
	s->left -= r;
	if (s->c && s->c->sent)
		s->c->sent(s->c->sent_ud, r);
	return (size_t)r;
}

static char *full_url(struct reg_client *c, const char *path)
{
	if (str_has_prefix(path, "https://") || str_has_prefix(path, "http://"))
		return xstrdup(path);
	return xasprintf("%s%s", c->base, path);
}

/* The errno that marks a transfer failure worth retrying (see
 * reg_err_transient): the network failures containers/common retries
 * (refused, reset, nothing received, timeouts); 0 for the others (a
 * truncated body, a stall, TLS, DNS), which Podman does not retry either. */
static int transient_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return ECONNREFUSED;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return ECONNRESET;
	case CURLE_OPERATION_TIMEDOUT:
		return ETIMEDOUT;
	default:
		return 0;
	}
}

/* A failed transfer's error: curl's words, except for a stall (the
 * low-speed limit), which names its limit and where it is set. */
static int curl_fail(struct reg_client *c, CURLcode rc, const char *errbuf, struct werr *err)
{
	const char *msg = errbuf[0] ? errbuf : c->cf->easy_strerror(rc);

	if (rc == CURLE_OPERATION_TIMEDOUT && strstr(msg, "too slow") != NULL)
		return werr_set(err, 0,
				"the registry sent no data for %ld seconds "
				"(WARREN_REGISTRY_STALL_TIMEOUT)",
				c->stall_s);
	werr_set(err, 0, "%s", msg);
	text_scrub(err->msg);
	err->errnum = transient_errno(rc); /* (the message stays curl's) */
	return -1;
}

/* Whether err is worth another try; see registry.h. */
bool reg_err_transient(const struct werr *err)
{
	switch (err->errnum) {
	case EREMOTEIO:
	case ECONNREFUSED:
	case ECONNRESET:
	case ETIMEDOUT:
		return true;
	default:
		return false;
	}
}

/* One HTTP exchange, no authentication retry. */
static int perform(struct reg_client *c, const struct req *q, struct resp *r, struct werr *err)
{
	const struct curlfn *cf = c->cf;
	CURL *h = cf->easy_init();
	struct curl_slist *hdrs = NULL;
	cleanup_free char *url = full_url(c, q->path);
	struct fd_src src = {.fd = q->body_fd, .left = (int64_t)q->body_len, .c = c};
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	if (h == NULL)
		return werr_set(err, ENOMEM, "curl_easy_init");
	memset(r, 0, sizeof(*r));
	r->max = q->max ? q->max : ERRBODY_MAX;
	setup_handle(c, h);
	if (q->no_redirect)
		cf->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cf->easy_setopt(h, CURLOPT_URL, url);
	cf->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cf->easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	cf->easy_setopt(h, CURLOPT_HEADERDATA, r);
	cf->easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	cf->easy_setopt(h, CURLOPT_WRITEDATA, r);
	if (q->accept != NULL) {
		cleanup_free char *a = xasprintf("Accept: %s", q->accept);
		hdrs = cf->slist_append(hdrs, a);
	}
	if (q->content_type != NULL) {
		cleanup_free char *t = xasprintf("Content-Type: %s", q->content_type);
		hdrs = cf->slist_append(hdrs, t);
	}
	if (c->token != NULL)
		hdrs = auth_header(c, hdrs);
	else if (c->scheme != NULL && strcasecmp(c->scheme, "basic") == 0)
		basic_auth(c, h);
	if (q->method != NULL && strcmp(q->method, "HEAD") == 0)
		cf->easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (q->method != NULL && strcmp(q->method, "GET") != 0)
		cf->easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
	if (q->body_fd >= 0) {
		cf->easy_setopt(h, CURLOPT_UPLOAD, 1L);
		cf->easy_setopt(h, CURLOPT_READFUNCTION, fd_read_cb);
		cf->easy_setopt(h, CURLOPT_READDATA, &src);
		cf->easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->body_len);
		hdrs = cf->slist_append(hdrs, "Expect:");
	} else if (q->body != NULL || (q->method && (strcmp(q->method, "PUT") == 0 ||
						     strcmp(q->method, "POST") == 0))) {
		cf->easy_setopt(h, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		cf->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
	}
	cf->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	rc = cf->easy_perform(h);
	cf->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	cf->slist_free_all(hdrs);
	cf->easy_cleanup(h);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r->too_big))
		return curl_fail(c, rc, errbuf, err);
	return 0;
}

/* "code: message" from a registry's error JSON body, else the status. */
static void error_from(const struct resp *r, struct werr *err)
{
	cleanup_json struct json_object *j = r->body ? json_tokener_parse(r->body) : NULL;
	struct json_object *errs = jarr(j, "errors");
	/* (json-c asserts on a NULL array: a HEAD or a proxy's page has none) */
	struct json_object *e0 = errs ? json_object_array_get_idx(errs, 0) : NULL;
	const char *code = jstr(e0, "code"), *msg = jstr(e0, "message");

	if (code != NULL) {
		cleanup_free char *lc = xstrdup(code);
		for (char *p = lc; *p; p++)
			*p = (char)(*p == '_' ? ' ' : tolower((unsigned char)*p));
		werr_set(err, 0, "%s: %s", lc, msg ? msg : lc);
	} else if (r->status == 401) {
		werr_set(err, 0, "unauthorized: authentication required");
	} else if (r->status == 404) {
		werr_set(err, 0, "not found");
	} else {
		werr_set(err, 0, "unexpected HTTP status %ld", r->status);
	}
	text_scrub(err->msg);
	/* the registry is overloaded or failing: worth another try (as
	 * containers/common's retry); 401, 403 and 404 never are */
	if (r->status == 429 || r->status >= 500)
		err->errnum = EREMOTEIO;
	/* a token without the right (read-only user, anonymous): say so first, as Docker */
	if (r->status == 401 && r->www_auth != NULL &&
	    strstr(r->www_auth, "error=\"insufficient_scope\"") != NULL)
		werr_wrap(err, "denied: requested access to the resource is denied");
}

/* The scopes a token is asked for now (new vector): none for login. */
static char **wanted_scopes(struct reg_client *c)
{
	char **v = xcalloc(1, sizeof(char *));
	cleanup_free char *own = NULL, *from = NULL;

	if (c->scope != NULL)
		return strv_append(v, c->scope);
	if (c->repo[0] == '\0')
		return v;
	own = xasprintf("repository:%s:%s", c->repo, c->push ? "pull,push" : "pull");
	v = strv_append(v, own);
	if (c->mount_from != NULL) {
		from = xasprintf("repository:%s:pull", c->mount_from);
		v = strv_append(v, from);
	}
	return v;
}

/* realm?scope=A&scope=B&service=S (one scope= per scope, as Docker's clients). */
static char *token_url(struct reg_client *c, CURL *h, char *const *scopes)
{
	const struct curlfn *cf = c->cf;
	char *url = xasprintf("%s%s", c->realm, strchr(c->realm, '?') ? "&" : "?");
	const char *sep = "";

	for (size_t i = 0; scopes[i]; i++, sep = "&") {
		char *esc = cf->easy_escape(h, scopes[i], 0), *next;
		next = xasprintf("%s%sscope=%s", url, sep, esc ? esc : "");
		cf->free(esc);
		free(url);
		url = next;
	}
	if (c->service != NULL) {
		char *esc = cf->easy_escape(h, c->service, 0), *next;
		next = xasprintf("%s%sservice=%s", url, sep, esc ? esc : "");
		cf->free(esc);
		free(url);
		url = next;
	}
	return url;
}

/* The OAuth2 refresh-token form an identity token is traded with (the
 * fields containers/image sends: service, one scope= per scope,
 * grant_type, refresh_token, client_id). */
static char *token_form(struct reg_client *c, CURL *h, char *const *scopes)
{
	const struct curlfn *cf = c->cf;
	char *esc, *form = xstrdup("");

#define FORM_ADD(k, v)                                                                             \
	do {                                                                                       \
		char *next_;                                                                       \
		esc = cf->easy_escape(h, (v), 0);                                                  \
		next_ = xasprintf("%s%s%s=%s", form, form[0] ? "&" : "", (k), esc ? esc : "");     \
		cf->free(esc);                                                                     \
		explicit_bzero(form, strlen(form));                                                \
		free(form);                                                                        \
		form = next_;                                                                      \
	} while (0)
	if (c->service != NULL && c->service[0] != '\0')
		FORM_ADD("service", c->service);
	for (size_t i = 0; scopes[i]; i++)
		FORM_ADD("scope", scopes[i]);
	FORM_ADD("grant_type", "refresh_token");
	FORM_ADD("refresh_token", c->identity_token);
	FORM_ADD("client_id", "containers/image");
#undef FORM_ADD
	return form;
}

/* Sets h up to ask the realm for a token: GET with Basic credentials, or
 * with an identity token the OAuth2 POST. */
static void token_request(struct reg_client *c, CURL *h, char *const *scopes)
{
	if (c->identity_token != NULL) {
		cleanup_free char *form = token_form(c, h, scopes);
		c->cf->easy_setopt(h, CURLOPT_URL, c->realm);
		c->cf->easy_setopt(h, CURLOPT_COPYPOSTFIELDS, form);
		explicit_bzero(form, strlen(form));
		return;
	}
	cleanup_free char *url = token_url(c, h, scopes);
	basic_auth(c, h);
	c->cf->easy_setopt(h, CURLOPT_URL, url);
}

/* Fetches a Bearer token for this repository from the challenge's realm. */
static int fetch_token(struct reg_client *c, struct werr *err)
{
	const struct curlfn *cf = c->cf;
	CURL *h = cf->easy_init();
	struct resp r = {.max = 1 << 20};
	cleanup_strv char **scopes = wanted_scopes(c);
	cleanup_json struct json_object *j = NULL;
	const char *tok;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	if (h == NULL)
		return werr_set(err, ENOMEM, "curl_easy_init");
	if (!str_has_prefix(c->realm, "https://") &&
	    !(c->insecure && str_has_prefix(c->realm, "http://"))) {
		cf->easy_cleanup(h);
		return werr_set(err, 0, "token realm '%s' is not an https URL", c->realm);
	}
	/* login asks for a token with no scope: it checks the credentials only */
	setup_handle(c, h);
	token_request(c, h, scopes);
	cf->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cf->easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	cf->easy_setopt(h, CURLOPT_WRITEDATA, &r);
	rc = cf->easy_perform(h);
	cf->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	cf->easy_cleanup(h);
	if (rc != CURLE_OK) {
		resp_free(&r);
		werr_set(err, 0, "get token from '%s': %s", c->realm,
			 errbuf[0] ? errbuf : cf->easy_strerror(rc));
		text_scrub(err->msg);
		return -1;
	}
	if (r.status != 200) {
		error_from(&r, err);
		if (r.status == 401) /* Podman's words, which scripts look for */
			werr_wrap(err, "unable to retrieve auth token: invalid username/password");
		else
			werr_wrap(err, "get token from '%s'", c->realm);
		resp_free(&r);
		return -1;
	}
	j = json_tokener_parse(r.body ? r.body : "");
	resp_free(&r);
	tok = jstr(j, "token");
	if (tok == NULL || *tok == '\0')
		tok = jstr(j, "access_token");
	if (tok == NULL || *tok == '\0' || strpbrk(tok, "\r\n") != NULL)
		return werr_set(err, 0, "token server '%s' sent no valid token", c->realm);
	free(c->token);
	c->token = xstrdup(tok);
	free(c->token_scope);
	c->token_scope = strv_join(scopes, " ");
	return 0;
}

/* Takes a 401's challenge: Bearer gets a token, Basic switches to it.
 * Returns 1 when a retry may succeed, 0 when not, -1 on error. */
static int answer_challenge(struct reg_client *c, const struct resp *r, struct werr *err)
{
	char *scheme, *realm, *service;

	if (r->www_auth == NULL || reg_parse_challenge(r->www_auth, &scheme, &realm, &service) < 0)
		return 0;
	if (strcasecmp(scheme, "bearer") == 0 && realm != NULL) {
		cleanup_strv char **want = wanted_scopes(c);
		cleanup_free char *joined = strv_join(want, " ");
		bool same = c->token != NULL && c->scheme && strcasecmp(c->scheme, "bearer") == 0 &&
			    strcmp(c->token_scope, joined) == 0;
		free(c->scheme);
		free(c->realm);
		free(c->service);
		c->scheme = scheme;
		c->realm = realm;
		c->service = service;
		if (same)
			return 0; /* a fresh token was refused already */
		return fetch_token(c, err) < 0 ? -1 : 1;
	}
	free(realm);
	free(service);
	if (strcasecmp(scheme, "basic") == 0 && c->user != NULL &&
	    !(c->scheme && strcasecmp(c->scheme, "basic") == 0)) {
		free(c->scheme);
		c->scheme = scheme;
		return 1;
	}
	free(scheme);
	return 0;
}

/* The handshake: GET /v2/ over https, or http when insecure and https
 * fails to connect; records the challenge for later requests. */
static int ping(struct reg_client *c, struct werr *err)
{
	static const char *const schemes[] = {"https", "http"};
	struct werr first = {0};

	for (size_t i = 0; i < (c->insecure ? 2u : 1u); i++) {
		struct req q = {.path = "/v2/", .body_fd = -1};
		struct resp r;
		free(c->base);
		c->base = xasprintf("%s://%s", schemes[i], c->host);
		if (perform(c, &q, &r, i == 0 ? &first : err) < 0)
			continue;
		if (r.status == 401 && answer_challenge(c, &r, err) < 0) {
			resp_free(&r);
			return -1;
		}
		resp_free(&r);
		c->pinged = true;
		return 0;
	}
	if (!c->insecure)
		*err = first;
	if (strstr(err->msg, "wrong version number") != NULL)
		werr_set(
		    err, 0,
		    "Get \"https://%s/v2/\": the server answered plain HTTP, not HTTPS: if "
		    "that is intended, use --tls-verify=false or mark the registry insecure in "
		    "registries.conf",
		    c->host);
	else if (strstr(err->msg, "certificate") != NULL)
		werr_wrap(err,
			  "Get \"https://%s/v2/\": TLS certificate not trusted (put its CA in "
			  "/etc/containers/certs.d/%s/ca.crt or ~/.config/containers/certs.d/%s/"
			  "ca.crt, or use --cert-dir)",
			  c->host, c->registry, c->registry);
	else
		werr_wrap(err, "Get \"%s/v2/\"", c->base);
	return werr_wrap(err, "pinging container registry %s", c->registry);
}

/* A request with authentication: on a 401 answers the challenge once. */
static int do_request(struct reg_client *c, const struct req *q, struct resp *r, struct werr *err)
{
	if (!c->pinged && ping(c, err) < 0)
		return -1;
	for (int attempt = 0;; attempt++) {
		int a;
		if (perform(c, q, r, err) < 0)
			return -1;
		if (r->status != 401 || attempt > 0)
			return 0;
		a = answer_challenge(c, r, err);
		if (a <= 0)
			return a;
		if (q->body_fd >= 0 && lseek(q->body_fd, 0, SEEK_SET) < 0)
			return 0; /* cannot send the body again: report the 401 */
		resp_free(r);
	}
}

/* ---------------------------------------------------------- client */

static char *resolve_docker_host(const char *registry)
{
	if (strcmp(registry, "docker.io") == 0 || strcmp(registry, "index.docker.io") == 0)
		return xstrdup("registry-1.docker.io");
	return xstrdup(registry);
}

static long stall_timeout(void)
{
	const char *s = getenv("WARREN_REGISTRY_STALL_TIMEOUT");
	int64_t v;

	if (s != NULL && parse_int64(s, 1, 3600, &v) == 0)
		return (long)v;
	return DEFAULT_STALL_S;
}

static int load_creds(struct reg_client *c, const struct reg_opts *o, struct werr *err)
{
	if (o != NULL && o->creds != NULL) {
		const char *colon = strchr(o->creds, ':');
		if (o->creds[0] == '\0' || colon == o->creds)
			return werr_set(err, 0, "--creds: user name must not be empty");
		c->user =
		    colon ? xstrndup(o->creds, (size_t)(colon - o->creds)) : xstrdup(o->creds);
		c->pass = xstrdup(colon ? colon + 1 : "");
		return 0;
	}
	struct auth_creds ac = {0};
	if (auth_lookup(o ? o->authfile : NULL, c->registry, c->repo, &ac, err) < 0)
		return -1;
	c->user = ac.user;
	c->pass = ac.pass;
	c->identity_token = ac.identity_token;
	return 0;
}

/* Creates a client; see registry.h. */
struct reg_client *reg_open(const char *registry, const char *repo, bool insecure,
			    const struct reg_opts *o, struct werr *err)
{
	const struct curlfn *cf = curlfn_get(err);
	struct certsd cd = {0};
	struct reg_client *c;

	if (cf == NULL)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->cf = cf;
	c->registry = xstrdup(registry);
	c->host = resolve_docker_host(registry);
	c->repo = xstrdup(repo);
	c->insecure = o && o->tls_verify == 0 ? true : o && o->tls_verify == 1 ? false : insecure;
	c->stall_s = stall_timeout();
	if (load_creds(c, o, err) < 0 ||
	    certsd_lookup(o ? o->cert_dir : NULL, registry, &cd, err) < 0) {
		reg_close(c);
		return NULL;
	}
	c->ca_pem = steal_pointer(&cd.ca_pem);
	c->client_cert = steal_pointer(&cd.client_cert);
	c->client_key = steal_pointer(&cd.client_key);
	certsd_free(&cd);
	return c;
}

void reg_close(struct reg_client *c)
{
	if (c == NULL)
		return;
	free(c->registry);
	free(c->host);
	free(c->repo);
	free(c->base);
	free(c->user);
	free(c->pass);
	free(c->identity_token);
	free(c->scheme);
	free(c->realm);
	free(c->service);
	free(c->token);
	free(c->token_scope);
	free(c->scope);
	free(c->mount_from);
	free(c->ca_pem);
	free(c->client_cert);
	free(c->client_key);
	free(c);
}

void reg_want_push(struct reg_client *c)
{
	c->push = true;
}

void reg_on_upload(struct reg_client *c, void (*sent)(void *ud, int64_t n), void *ud)
{
	c->sent = sent;
	c->sent_ud = ud;
}

/* Checks the credentials (login); see registry.h. */
int reg_ping(struct reg_client *c, const char *user, const char *pass, struct werr *err)
{
	struct req q = {.path = "/v2/", .body_fd = -1};
	struct resp r;

	free(c->user);
	free(c->pass);
	free(c->identity_token);
	c->identity_token = NULL; /* login checks the password given */
	c->user = xstrdup(user);
	c->pass = xstrdup(pass);
	if (do_request(c, &q, &r, err) < 0)
		return -1;
	if (r.status != 200) {
		error_from(&r, err);
		resp_free(&r);
		return -1;
	}
	resp_free(&r);
	return 0;
}

static const char manifest_accept[] =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v1+prettyjws, "
    "application/vnd.docker.distribution.manifest.v1+json";

static int get_into(struct reg_client *c, const char *path, const char *accept, size_t max,
		    const char *want_digest, struct reg_blob *out, struct werr *err)
{
	struct req q = {.path = path, .accept = accept, .max = max, .body_fd = -1};
	struct resp r;
	struct reg_blob b = {0};

	if (do_request(c, &q, &r, err) < 0)
		return -1;
	if (r.too_big) {
		resp_free(&r);
		return werr_set(err, 0, "answer is larger than %zu bytes", max);
	}
	if (r.status != 200) {
		error_from(&r, err);
		/* (the message stays the registry's; callers that expect a 404, as
		 * the sigstore attachments lookup, tell it by errnum) */
		if (err != NULL && r.status == 404)
			err->errnum = ENOENT;
		resp_free(&r);
		return -1;
	}
	sha256_buf(r.body ? r.body : "", r.len, b.digest);
	if (want_digest != NULL && strcmp(b.digest, want_digest) != 0) {
		resp_free(&r);
		return werr_set(err, 0, "digest mismatch: expected %s, got %s", want_digest,
				b.digest);
	}
	b.body = r.body ? r.body : xstrdup("");
	b.len = r.len;
	b.media_type = r.content_type;
	r.body = r.content_type = NULL;
	/* "application/json; charset=utf-8" -> "application/json" */
	if (b.media_type != NULL)
		b.media_type[strcspn(b.media_type, "; ")] = '\0';
	resp_free(&r);
	*out = b;
	return 0;
}

/* GETs a manifest; see registry.h. */
int reg_manifest_get(struct reg_client *c, const char *ref, struct reg_blob *out, struct werr *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", c->repo, ref);
	bool by_digest = str_has_prefix(ref, "sha256:");

	if (!c->pinged && ping(c, err) < 0)
		return -1;
	if (get_into(c, path, manifest_accept, REG_MANIFEST_MAX, by_digest ? ref : NULL, out, err) <
	    0)
		return werr_wrap(err, "reading manifest %s in %s/%s", ref, c->registry, c->repo);
	return 0;
}

/* GETs a small blob; see registry.h. */
int reg_blob_get(struct reg_client *c, const char *digest, size_t max, struct reg_blob *out,
		 struct werr *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", c->repo, digest);

	if (get_into(c, path, NULL, max, digest, out, err) < 0)
		return werr_wrap(err, "reading blob %s", digest);
	return 0;
}

/* The next page of a paginated answer: Link: </v2/...?last=x&n=y>; rel="next". */
static char *next_page(const char *link)
{
	const char *lt, *gt;

	if (link == NULL || strstr(link, "rel=\"next\"") == NULL ||
	    (lt = strchr(link, '<')) == NULL || (gt = strchr(lt, '>')) == NULL || lt[1] != '/')
		return NULL;
	return xstrndup(lt + 1, (size_t)(gt - lt - 1));
}

/* GETs a JSON list that may come in pages, appending jstr array KEY of each. */
static int get_list(struct reg_client *c, const char *first, const char *key, char ***out,
		    struct werr *err)
{
	cleanup_free char *path = xstrdup(first);
	cleanup_strv char **all = xcalloc(1, sizeof(char *));

	for (int page = 0; path != NULL; page++) {
		struct req q = {.path = path, .max = REG_MANIFEST_MAX, .body_fd = -1};
		struct resp r;
		cleanup_json struct json_object *j = NULL;
		cleanup_strv char **v = NULL;
		if (page > 1000)
			return werr_set(err, 0, "more than 1000 pages of %s", key);
		if (do_request(c, &q, &r, err) < 0)
			return -1;
		if (r.status != 200 || r.too_big) {
			if (r.too_big)
				werr_set(err, 0, "answer larger than %d bytes", REG_MANIFEST_MAX);
			else
				error_from(&r, err);
			resp_free(&r);
			return -1;
		}
		j = jparse(r.body ? r.body : "", key, err);
		if (j == NULL) {
			resp_free(&r);
			return -1;
		}
		v = jstrv(jarr(j, key));
		for (size_t i = 0; v[i]; i++)
			all = strv_append(all, v[i]);
		free(path);
		path = next_page(r.link);
		resp_free(&r);
	}
	*out = steal_pointer(&all);
	return 0;
}

/* Lists a repository's tags; see registry.h. */
int reg_tags_list(struct reg_client *c, char ***tags, struct werr *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/tags/list", c->repo);

	if (!c->pinged && ping(c, err) < 0)
		return -1;
	if (get_list(c, path, "tags", tags, err) < 0)
		return werr_wrap(err, "listing tags of %s/%s", c->registry, c->repo);
	return 0;
}

/* Lists a registry's repositories; see registry.h. */
int reg_catalog(struct reg_client *c, int limit, char ***repos, struct werr *err)
{
	cleanup_free char *path = xasprintf("/v2/_catalog?n=%d", limit > 0 ? limit : 100);

	free(c->scope);
	c->scope = xstrdup("registry:catalog:*");
	if (!c->pinged && ping(c, err) < 0)
		return -1;
	if (get_list(c, path, "repositories", repos, err) < 0)
		return werr_wrap(err, "listing the catalog of %s", c->registry);
	return 0;
}

/* s percent-encoded for a query string (malloc'd): unreserved bytes kept. */
static char *query_escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			*o++ = (char)ch;
		else
			o += sprintf(o, "%%%02X", ch);
	}
	*o = '\0';
	return out;
}

/* Docker Hub's search API; see registry.h. */
int reg_v1_search(struct reg_client *c, const char *query, int limit, struct json_object **results,
		  struct werr *err)
{
	cleanup_free char *q = query_escape(query), *path = NULL;
	cleanup_json struct json_object *j = NULL;
	struct werr why = {0};
	struct resp r;

	/* Docker Hub answers it on its v1 host, as containers/image asks */
	if (strcmp(c->registry, "docker.io") == 0)
		path = xasprintf("https://index.docker.io/v1/search?q=%s&n=%d", q, limit);
	else if (!c->pinged && ping(c, err) < 0)
		return -1;
	else
		path = xasprintf("/v1/search?q=%s&n=%d", q, limit);
	struct req rq = {.path = path, .max = REG_MANIFEST_MAX, .body_fd = -1};
	if (perform(c, &rq, &r, &why) < 0) {
		log_debug("v1 search on %s: %s", c->registry, why.msg);
		return 0;
	}
	if (r.status != 200 || r.too_big) {
		log_debug("v1 search on %s: HTTP status %ld", c->registry, r.status);
		resp_free(&r);
		return 0; /* no such API here: the caller lists the catalog */
	}
	j = json_tokener_parse(r.body ? r.body : "");
	resp_free(&r);
	if (!json_object_is_type(jget(j, "results"), json_type_array))
		return werr_set(err, 0, "search answer of %s has no \"results\" list", c->registry);
	*results = json_object_get(jget(j, "results"));
	return 1;
}

/* ---------------------------------------------------------- parallel downloads */

struct xfer {
	struct reg_client *c;
	struct reg_download *d;
	CURL *h;
	struct curl_slist *hdrs;
	bool checked, failed_status, paused, finished;
	bool reader_gone; /* the pipe's reader closed it (EPIPE) */
	long status;
	char *pend; /* bytes the pipe did not take yet */
	size_t pend_len, pend_off;
	struct resp errbody;
	char errbuf[CURL_ERROR_SIZE];
};

static void xfer_close_fd(struct xfer *x)
{
	if (x->d->fd >= 0) {
		close(x->d->fd);
		x->d->fd = -1;
	}
}

static int flush_pending(struct xfer *x)
{
	while (x->pend_off < x->pend_len) {
		ssize_t w = write(x->d->fd, x->pend + x->pend_off, x->pend_len - x->pend_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w < 0)
			return -1;
		x->pend_off += (size_t)w;
	}
	x->pend_len = x->pend_off = 0;
	return 1;
}

static size_t xfer_write(char *buf, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	ssize_t w;

	if (!x->checked) {
		x->checked = true;
		x->c->cf->easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
		x->failed_status = x->status != 200;
		x->errbody.max = ERRBODY_MAX;
	}
	if (x->failed_status)
		return body_cb(buf, size, n, &x->errbody) ? len : len;
	if (x->reader_gone)
		return 0;
	if (x->pend_len > x->pend_off) {
		x->paused = true;
		return CURL_WRITEFUNC_PAUSE;
	}
	do
		w = write(x->d->fd, buf, len);
	while (w < 0 && errno == EINTR);
	if (w < 0 && errno == EAGAIN)
		w = 0;
	if (w < 0) {
		x->reader_gone = errno == EPIPE;
		return 0; /* abort this transfer */
	}
	if ((size_t)w < len) {
		x->pend = xrealloc(x->pend, len - (size_t)w);
		memcpy(x->pend, buf + w, len - (size_t)w);
		x->pend_len = len - (size_t)w;
		x->pend_off = 0;
	}
	x->d->done += (int64_t)len;
	return len;
}

static int xfer_start(struct reg_client *c, CURLM *m, struct xfer *x, struct werr *err)
{
	const struct curlfn *cf = c->cf;
	cleanup_free char *url = xasprintf("%s/v2/%s/blobs/%s", c->base, c->repo, x->d->digest);

	x->h = cf->easy_init();
	if (x->h == NULL)
		return werr_set(err, ENOMEM, "curl_easy_init");
	setup_handle(c, x->h);
	cf->easy_setopt(x->h, CURLOPT_URL, url);
	cf->easy_setopt(x->h, CURLOPT_ERRORBUFFER, x->errbuf);
	cf->easy_setopt(x->h, CURLOPT_WRITEFUNCTION, xfer_write);
	cf->easy_setopt(x->h, CURLOPT_WRITEDATA, x);
	cf->easy_setopt(x->h, CURLOPT_PRIVATE, x);
	x->hdrs = auth_header(c, NULL);
	if (c->token == NULL && c->scheme && strcasecmp(c->scheme, "basic") == 0)
		basic_auth(c, x->h);
	cf->easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
	fcntl(x->d->fd, F_SETFL, fcntl(x->d->fd, F_GETFL) | O_NONBLOCK);
	if (cf->multi_add_handle(m, x->h) != CURLM_OK)
		return werr_set(err, 0, "curl_multi_add_handle failed");
	return 0;
}

/* A finished transfer: its result into d->result/d->err. */
static void xfer_done(struct reg_client *c, struct xfer *x, CURLcode rc)
{
	struct reg_download *d = x->d;

	x->finished = true;
	if (x->failed_status) {
		x->errbody.status = x->status;
		error_from(&x->errbody, &d->err);
		d->result = -1;
	} else if (x->reader_gone) {
		/* the extraction stopped reading: its own error tells why */
		werr_set(&d->err, EPIPE, "layer reader stopped");
		d->result = -1;
	} else if (rc != CURLE_OK) {
		d->result = curl_fail(c, rc, x->errbuf, &d->err);
	} else if (d->size >= 0 && d->done + (int64_t)(x->pend_len - x->pend_off) < d->size) {
		werr_set(&d->err, 0, "download is truncated");
		d->result = -1;
	}
	if (d->result < 0) {
		werr_wrap(&d->err, "fetching blob %s", d->digest);
		free(x->pend);
		x->pend = NULL;
		x->pend_len = x->pend_off = 0;
	}
}

static void xfer_free(struct reg_client *c, CURLM *m, struct xfer *x)
{
	if (x->h != NULL) {
		c->cf->multi_remove_handle(m, x->h);
		c->cf->easy_cleanup(x->h);
		x->h = NULL;
	}
	c->cf->slist_free_all(x->hdrs);
	x->hdrs = NULL;
	free(x->pend);
	x->pend = NULL;
	resp_free(&x->errbody);
	xfer_close_fd(x);
}

/* One round of the loop: poll, perform, collect finished transfers,
 * flush paused ones. Returns the number still active. */
static size_t fetch_round(struct reg_client *c, CURLM *m, struct xfer *xs, size_t n,
			  reg_progress_fn progress, void *ud)
{
	const struct curlfn *cf = c->cf;
	struct curl_waitfd wfd[64];
	unsigned nw = 0;
	size_t active = 0;
	int running, left;
	CURLMsg *msg;

	for (size_t i = 0; i < n; i++)
		if (xs[i].h != NULL && xs[i].pend_len > xs[i].pend_off && nw < 64)
			wfd[nw++] =
			    (struct curl_waitfd){.fd = xs[i].d->fd, .events = CURL_WAIT_POLLOUT};
	cf->multi_poll(m, wfd, nw, 200, NULL);
	cf->multi_perform(m, &running);
	while ((msg = cf->multi_info_read(m, &left)) != NULL) {
		struct xfer *x = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		cf->easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		xfer_done(c, x, msg->data.result);
	}
	for (size_t i = 0; i < n; i++) {
		struct xfer *x = &xs[i];
		int64_t before = x->d->done;
		if (x->h == NULL)
			continue;
		if (x->pend_len > x->pend_off) {
			int f = flush_pending(x);
			if (f < 0) {
				/* the reader is gone: drop the rest; a paused transfer
				 * resumes only to be aborted by xfer_write */
				x->reader_gone = true;
				x->pend_len = x->pend_off = 0;
				if (x->finished) {
					werr_set(&x->d->err, EPIPE, "layer reader stopped");
					werr_wrap(&x->d->err, "fetching blob %s", x->d->digest);
					x->d->result = -1;
				}
			}
			if (f != 0 && x->paused && !x->finished) {
				x->paused = false;
				cf->easy_pause(x->h, CURLPAUSE_CONT);
			}
		}
		if (progress && x->d->done != before)
			progress(ud, x->d, 1);
		if (x->finished && x->pend_len == x->pend_off) {
			xfer_free(c, m, x);
			if (progress)
				progress(ud, x->d, 2);
			continue;
		}
		active++;
	}
	return active;
}

/* Parallel streamed downloads; see registry.h. */
int reg_blobs_fetch(struct reg_client *c, struct reg_download *d, size_t n, size_t parallel,
		    reg_progress_fn progress, void *ud, struct werr *err)
{
	const struct curlfn *cf = c->cf;
	CURLM *m;
	struct xfer *xs = xcalloc(n ? n : 1, sizeof(*xs));
	size_t next = 0, active = 0;
	int rc = 0;

	if (!c->pinged && ping(c, err) < 0)
		goto out_fds;
	m = cf->multi_init();
	if (m == NULL) {
		werr_set(err, ENOMEM, "curl_multi_init");
		goto out_fds;
	}
	for (;;) {
		while (active < parallel && next < n) {
			xs[next].c = c;
			xs[next].d = &d[next];
			if (xfer_start(c, m, &xs[next], &d[next].err) < 0) {
				d[next].result = -1;
				xfer_free(c, m, &xs[next]);
			} else if (progress) {
				progress(ud, &d[next], 0);
			}
			next++;
			active++;
		}
		if (active == 0 && next == n)
			break;
		active = fetch_round(c, m, xs, next, progress, ud);
	}
	cf->multi_cleanup(m);
	for (size_t i = 0; i < n; i++)
		if (d[i].result < 0 && rc == 0) {
			*err = d[i].err;
			rc = -1;
		}
	free(xs);
	return rc;
out_fds:
	for (size_t i = 0; i < n; i++)
		if (d[i].fd >= 0) {
			close(d[i].fd);
			d[i].fd = -1;
		}
	free(xs);
	return -1;
}

/* ---------------------------------------------------------- push */

/* HEADs a blob; see registry.h. */
int reg_blob_exists(struct reg_client *c, const char *digest, int64_t *size, struct werr *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", c->repo, digest);
	struct req q = {.method = "HEAD", .path = path, .body_fd = -1};
	struct resp r;
	int rc;

	if (do_request(c, &q, &r, err) < 0)
		return -1;
	rc = r.status == 200 ? 1 : r.status == 404 ? 0 : -1;
	if (rc < 0)
		error_from(&r, err);
	(void)size;
	resp_free(&r);
	return rc < 0 ? werr_wrap(err, "checking blob %s", digest) : rc;
}

/* Starts an upload session, or mounts from from_repo: returns 1 mounted
 * (201), 0 with *location set (202), -1 error. */
static int upload_start(struct reg_client *c, const char *digest, const char *from_repo,
			char **location, struct werr *err)
{
	cleanup_free char *path = from_repo ? xasprintf("/v2/%s/blobs/uploads/?mount=%s&from=%s",
							c->repo, digest, from_repo)
					    : xasprintf("/v2/%s/blobs/uploads/", c->repo);
	struct req q = {.method = "POST", .path = path, .body_fd = -1, .no_redirect = true};
	struct resp r;

	if (do_request(c, &q, &r, err) < 0)
		return -1;
	if (r.status == 201 && from_repo != NULL) {
		resp_free(&r);
		return 1;
	}
	if (from_repo != NULL && (r.status == 401 || r.status == 403 || r.status == 404)) {
		/* no pull right on from_repo (or no such repository): upload instead */
		resp_free(&r);
		return 0;
	}
	if (r.status != 202 || r.location == NULL) {
		error_from(&r, err);
		resp_free(&r);
		return -1;
	}
	*location = steal_pointer(&r.location);
	resp_free(&r);
	return 0;
}

/* Mounts a blob from another repository; see registry.h. */
int reg_blob_mount(struct reg_client *c, const char *digest, const char *from_repo,
		   struct werr *err)
{
	cleanup_free char *loc = NULL;
	int rc;

	/* the token must cover pull on from_repo too: the next 401 asks for it */
	if (c->mount_from == NULL || strcmp(c->mount_from, from_repo) != 0) {
		free(c->mount_from);
		c->mount_from = xstrdup(from_repo);
	}
	rc = upload_start(c, digest, from_repo, &loc, err);

	/* a 202 opened an upload session we do not use; it expires */
	return rc < 0 ? werr_wrap(err, "mounting blob %s", digest) : rc;
}

/* The upload URL with "digest=" added (the location may have a query). */
static char *with_query(struct reg_client *c, const char *location, const char *key,
			const char *value)
{
	cleanup_free char *url = full_url(c, location);
	return xasprintf("%s%s%s=%s", url, strchr(url, '?') ? "&" : "?", key, value);
}

/* Uploads a blob; see registry.h. */
int reg_blob_upload(struct reg_client *c, const char *digest, int fd, int64_t size, int64_t chunk,
		    struct werr *err)
{
	cleanup_free char *loc = NULL, *url = NULL;
	struct resp r;
	int64_t off = 0;

	if (upload_start(c, digest, NULL, &loc, err) < 0)
		return werr_wrap(err, "uploading blob %s", digest);
	while (chunk > 0 && off < size) {
		int64_t len = size - off < chunk ? size - off : chunk;
		struct req q = {.method = "PATCH",
				.path = loc,
				.body_fd = fd,
				.body_len = (size_t)len,
				.content_type = "application/octet-stream",
				.no_redirect = true};
		if (do_request(c, &q, &r, err) < 0)
			return werr_wrap(err, "uploading blob %s", digest);
		if (r.status != 202 || r.location == NULL) {
			error_from(&r, err);
			resp_free(&r);
			return werr_wrap(err, "uploading blob %s", digest);
		}
		free(loc);
		loc = steal_pointer(&r.location);
		resp_free(&r);
		off += len;
	}
	url = with_query(c, loc, "digest", digest);
	struct req put = {.method = "PUT",
			  .path = url,
			  .body_fd = off < size ? fd : -1,
			  .body_len = (size_t)(size - off),
			  .content_type = "application/octet-stream",
			  .no_redirect = true};
	if (do_request(c, &put, &r, err) < 0)
		return werr_wrap(err, "uploading blob %s", digest);
	if (r.status != 201) {
		error_from(&r, err);
		resp_free(&r);
		return werr_wrap(err, "uploading blob %s", digest);
	}
	resp_free(&r);
	return 0;
}

/* PUTs a manifest; see registry.h. */
int reg_manifest_put(struct reg_client *c, const char *ref, const char *media_type,
		     const char *body, size_t len, struct werr *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", c->repo, ref);
	struct req q = {.method = "PUT",
			.path = path,
			.content_type = media_type,
			.body = body,
			.body_len = len,
			.body_fd = -1};
	struct resp r;

	if (do_request(c, &q, &r, err) < 0)
		return werr_wrap(err, "writing manifest %s", ref);
	if (r.status != 201) {
		error_from(&r, err);
		resp_free(&r);
		return werr_wrap(err, "writing manifest %s", ref);
	}
	resp_free(&r);
	return 0;
}
