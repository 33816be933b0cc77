/* healthcfg.c - the pure part of healthchecks (see health.h): flags into
 * Config.Healthcheck, Test into argv, and the health log's rules. Facts
 * from podman 4.3.1 runs; code ours. */
#include "runtime/health.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"
#include "storage/store.h"

#define DEFAULT_INTERVAL (30 * GODUR_SECOND)
#define DEFAULT_TIMEOUT	 (30 * GODUR_SECOND)
#define DEFAULT_RETRIES	 3

static const char *const action_names[] = {[HEALTH_NONE] = "none",
					   [HEALTH_KILL] = "kill",
					   [HEALTH_RESTART] = "restart",
					   [HEALTH_STOP] = "stop"};

static struct json_object *str_array(const char *a, const char *b)
{
	struct json_object *v = json_object_new_array();

	json_object_array_add(v, json_object_new_string(a));
	if (b != NULL)
		json_object_array_add(v, json_object_new_string(b));
	return v;
}

/* A JSON array of strings, else NULL (then cmd is a plain string). */
static struct json_object *json_words(const char *cmd)
{
	struct json_object *v = json_tokener_parse(cmd);

	if (v == NULL || !json_object_is_type(v, json_type_array))
		goto no;
	for (size_t i = 0; i < jlen(v); i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			goto no;
	return v;
no:
	json_object_put(v);
	return NULL;
}

static bool is_keyword(const char *w)
{
	return strcmp(w, "CMD") == 0 || strcmp(w, "CMD-SHELL") == 0 || strcmp(w, "NONE") == 0;
}

/* A plain string: "CMD a b", "CMD-SHELL x", "none", or a shell command. */
static struct json_object *string_test(const char *cmd)
{
	size_t n = strcspn(cmd, " ");
	struct json_object *v;

	if (n == 4 && strncmp(cmd, "none", 4) == 0)
		return str_array("NONE", NULL);
	if (n == 9 && strncmp(cmd, "CMD-SHELL", 9) == 0)
		return str_array("CMD-SHELL", cmd[n] ? cmd + n + 1 : NULL);
	if (n != 3 || strncmp(cmd, "CMD", 3) != 0)
		return str_array("CMD-SHELL", cmd);
	/* Go's strings.Fields */
	v = json_object_new_array();
	for (const char *p = cmd; *p;) {
		size_t len;
		while (isspace((unsigned char)*p))
			p++;
		len = strcspn(p, " \t\n\v\f\r");
		if (len > 0) {
			cleanup_free char *w = xstrndup(p, len);
			json_object_array_add(v, json_object_new_string(w));
		}
		p += len;
	}
	return v;
}

int health_test_parse(const char *cmd, struct json_object **test, struct werr *err)
{
	struct json_object *v = json_words(cmd), *out;
	const char *first;

	if (v == NULL) {
		*test = string_test(cmd);
		return 0;
	}
	if (jlen(v) == 0) {
		json_object_put(v);
		werr_set(err, 0, "must define a healthcheck command for all healthchecks");
		return werr_status(err, 125);
	}
	first = json_object_get_string(json_object_array_get_idx(v, 0));
	if (strcmp(first, "none") == 0) {
		out = str_array("NONE", NULL);
	} else if (is_keyword(first)) {
		/* Podman 4.3 splits ["CMD", ...] at blanks as a string: a bug;
		 * Docker's meaning is kept here */
		out = json_object_get(v);
	} else if (jlen(v) > 1) {
		out = str_array("CMD", NULL);
		for (size_t i = 0; i < jlen(v); i++)
			json_object_array_add(out,
					      json_object_get(json_object_array_get_idx(v, i)));
	} else {
		out = str_array("CMD-SHELL", first);
	}
	json_object_put(v);
	*test = out;
	return 0;
}

/* A duration flag: Go's syntax (interval also "disable"); below min: the
 * error below_msg. */
static int duration_flag(const char *name, const char *v, int64_t min, const char *below_msg,
			 int64_t *out, struct werr *err)
{
	struct werr why = {0};

	if (v == NULL)
		return 0;
	if (strcmp(name, "interval") == 0 && strcmp(v, "disable") == 0)
		v = "0";
	if (godur_parse(v, out, &why) < 0) {
		werr_set(err, 0, "invalid healthcheck-%s: %s", name, why.msg);
		return werr_status(err, 125);
	}
	if (*out < min) {
		werr_set(err, 0, "%s", below_msg);
		return werr_status(err, 125);
	}
	return 0;
}

/* The values of the flags (those unset stay as the caller set them). */
static int flag_values(const struct health_flags *f, int64_t v[3], int *retries, struct werr *err)
{
	if (duration_flag("interval", f->interval, 0,
			  "healthcheck-interval must be 0 seconds or greater (\"disable\": no "
			  "timer)",
			  &v[0], err) < 0 ||
	    duration_flag("timeout", f->timeout, 1, "healthcheck-timeout must be at least 1 second",
			  &v[1], err) < 0 ||
	    duration_flag("start-period", f->start_period, 0,
			  "healthcheck-start-period must be 0 seconds or greater", &v[2], err) < 0)
		return -1;
	if (f->retries == 0) {
		werr_set(err, 0, "healthcheck-retries must be greater than 0");
		return werr_status(err, 125);
	}
	if (f->retries > 0)
		*retries = f->retries;
	return 0;
}

static enum health_action action_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (strcmp(s, action_names[i]) == 0)
			return (enum health_action)i;
	return (enum health_action) - 1;
}

/* Podman's JSON: zero values left out, in its key order. */
static struct json_object *config_json(struct json_object *test, const int64_t v[3], int retries)
{
	struct json_object *hc = json_object_new_object();

	jset(hc, "Test", test);
	if (v[2] != 0)
		jset(hc, "StartPeriod", json_object_new_int64(v[2]));
	if (v[0] != 0)
		jset(hc, "Interval", json_object_new_int64(v[0]));
	if (v[1] != 0)
		jset(hc, "Timeout", json_object_new_int64(v[1]));
	if (retries != 0)
		jset(hc, "Retries", json_object_new_int(retries));
	return hc;
}

static int64_t jint64(struct json_object *o, const char *key, int64_t def)
{
	struct json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0
		   ? json_object_get_int64(v)
		   : def;
}

/* The image's check as the base: its Test and its values, where set. */
static struct json_object *image_base(const char *image_hc, int64_t v[3], int *retries)
{
	cleanup_json struct json_object *img = image_hc ? json_tokener_parse(image_hc) : NULL;
	struct json_object *test = jget(img, "Test");
	const char *first;

	if (test == NULL || !json_object_is_type(test, json_type_array) || jlen(test) == 0)
		return NULL;
	first = json_object_get_string(json_object_array_get_idx(test, 0));
	if (first == NULL || strcmp(first, "NONE") == 0)
		return NULL;
	v[0] = jint64(img, "Interval", v[0]);
	v[1] = jint64(img, "Timeout", v[1]);
	v[2] = jint64(img, "StartPeriod", v[2]);
	*retries = (int)jint64(img, "Retries", *retries);
	return json_object_get(test);
}

int health_config(const struct health_flags *f, const char *image_hc, struct json_object **hc,
		  const char **action, struct werr *err)
{
	int64_t v[3] = {DEFAULT_INTERVAL, DEFAULT_TIMEOUT, 0}; /* interval, timeout, start */
	int retries = DEFAULT_RETRIES;
	struct json_object *test = NULL;
	bool cmd = f->cmd != NULL && f->cmd[0] != '\0';
	int a = (int)action_parse(f->on_failure ? f->on_failure : "none");

	if (a < 0) {
		werr_set(err, 0,
			 "invalid on-failure action \"%s\" for health check: supported actions are "
			 "none,kill,restart,stop",
			 f->on_failure);
		return werr_status(err, 125);
	}
	if (cmd && f->none) {
		werr_set(err, 0, "cannot specify both --no-healthcheck and --health-cmd");
		return werr_status(err, 125);
	}
	if (cmd && health_test_parse(f->cmd, &test, err) < 0)
		return -1;
	if (!cmd && !f->none)
		test = image_base(image_hc, v, &retries);
	if (flag_values(f, v, &retries, err) < 0) {
		json_object_put(test);
		return -1;
	}
	*action = action_names[a];
	if (f->none) {
		*hc = json_object_new_object();
		jset(*hc, "Test", str_array("NONE", NULL));
	} else {
		*hc = test ? config_json(test, v, retries) : NULL;
	}
	return 0;
}

/* Test into what runs: CMD's words, CMD-SHELL's through /bin/sh -c
 * (Docker's default shell), anything else as it is. */
static char **test_argv(struct json_object *test)
{
	cleanup_strv char **t = jstrv(test);
	cleanup_free char *joined = NULL;
	char **argv = NULL;

	if (t == NULL || t[0] == NULL || strcmp(t[0], "NONE") == 0 || t[0][0] == '\0')
		return NULL;
	if (strcmp(t[0], "CMD") == 0)
		return t[1] ? strv_copy(t + 1) : NULL;
	if (strcmp(t[0], "CMD-SHELL") != 0)
		return strv_copy(t);
	joined = strv_join(t + 1, " ");
	argv = strv_append(strv_append(NULL, "/bin/sh"), "-c");
	return strv_append(argv, joined ? joined : "");
}

int health_check_of(const char *config, struct health_check *h)
{
	cleanup_json struct json_object *j = config ? json_tokener_parse(config) : NULL;
	struct json_object *cfg = jget(j, "Config"), *hc = jget(cfg, "Healthcheck");
	const char *act = jstr(cfg, "HealthcheckOnFailureAction");
	int a = (int)action_parse(act ? act : "none");

	*h = (struct health_check){0};
	h->argv = test_argv(jget(hc, "Test"));
	if (h->argv == NULL)
		return 0;
	h->interval = jint64(hc, "Interval", 0);
	h->timeout = jint64(hc, "Timeout", DEFAULT_TIMEOUT);
	h->start = jint64(hc, "StartPeriod", 0);
	h->retries = (int)jint64(hc, "Retries", DEFAULT_RETRIES);
	h->action = a < 0 ? HEALTH_NONE : (enum health_action)a;
	return 1;
}

void health_check_free(struct health_check *h)
{
	strv_free(h->argv);
	*h = (struct health_check){0};
}

static struct json_object *run_entry(int64_t start, int64_t end, int exit_code, const char *output)
{
	struct json_object *r = json_object_new_object();
	size_t n = output ? strlen(output) : 0;
	char ts[64];

	if (n > HEALTH_OUTPUT_MAX)
		n = HEALTH_OUTPUT_MAX;
	else if (n > 0 && output[n - 1] == '\n')
		n--;
	format_rfc3339(start, ts, sizeof(ts));
	jset_str(r, "Start", ts);
	format_rfc3339(end, ts, sizeof(ts));
	jset_str(r, "End", ts);
	jset(r, "ExitCode", json_object_new_int(exit_code));
	jset(r, "Output", json_object_new_string_len(output ? output : "", (int)n));
	return r;
}

void health_log_add(struct json_object *lg, int64_t start, int64_t end, int exit_code,
		    const char *output, bool in_start_period, int retries)
{
	struct json_object *log = jget(lg, "Log"), *keep = json_object_new_array();
	const char *status = jstr(lg, "Status");
	int streak = (int)json_object_get_int(jget(lg, "FailingStreak"));
	size_t n = jlen(log);

	if (exit_code == 0) {
		status = "healthy";
		streak = 0;
	} else {
		if (status == NULL || status[0] == '\0')
			status = "healthy";
		if (!in_start_period && ++streak >= retries)
			status = "unhealthy";
	}
	for (size_t i = n >= HEALTH_LOG_MAX ? n - HEALTH_LOG_MAX + 1 : 0; i < n; i++)
		json_object_array_add(keep, json_object_get(json_object_array_get_idx(log, i)));
	json_object_array_add(keep, run_entry(start, end, exit_code, output));
	jset_str(lg, "Status", status); /* copied before the old value goes */
	jset(lg, "FailingStreak", json_object_new_int(streak));
	jset(lg, "Log", keep);
}

bool health_filter_valid(const char *v)
{
	static const char *const ok[] = {"healthy", "unhealthy", "starting", "none"};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (strcmp(v, ok[i]) == 0)
			return true;
	return false;
}

bool container_health_matches(const struct container_rec *c, const char *want)
{
	struct health_check h;
	bool has = health_check_of(c->config, &h) == 1;

	health_check_free(&h);
	if (strcmp(want, "none") == 0)
		return !has;
	/* as Podman: only a running container has a health to match */
	return has && c->state == CTR_RUNNING && strcmp(c->health, want) == 0;
}
