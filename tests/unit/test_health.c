/* Unit tests for healthchecks (issue 8): Go durations (lib/godur.c), the
 * --health-cmd Test arrays, Config.Healthcheck from the flags and the
 * image's, and the health log's rules (runtime/healthcfg.c). Expected
 * values from podman 4.3.1 and Go's time package. */
#include "tests/unit/unit.h"

#include <stdlib.h>

#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/health.h"

static int64_t dur(const char *s)
{
	struct werr err = {0};
	int64_t v = -12345;

	return godur_parse(s, &v, &err) == 0 ? v : -12345;
}

static const char *dur_err(const char *s)
{
	static struct werr err;
	int64_t v;

	werr_clear(&err);
	return godur_parse(s, &v, &err) < 0 ? err.msg : "(parsed)";
}

UNIT_TEST(go_durations_parse)
{
	CHECK(dur("0") == 0);
	CHECK(dur("1s") == GODUR_SECOND);
	CHECK(dur("1.5s") == 1500000000LL);
	CHECK(dur("1.1s") == 1100000000LL);
	CHECK(dur("500ms") == 500000000LL);
	CHECK(dur("1h2m3.5s") == 3723500000000LL);
	CHECK(dur("1.5m") == 90 * GODUR_SECOND);
	CHECK(dur("10us") == 10000);
	CHECK(dur("10\xc2\xb5s") == 10000);
	CHECK(dur("7ns") == 7);
	CHECK(dur(".5s") == 500000000LL);
	CHECK(dur("5.s") == 5 * GODUR_SECOND);
	CHECK(dur("-1s") == -GODUR_SECOND);
	CHECK(dur("+2m") == 120 * GODUR_SECOND);
	CHECK(dur("2562047h") == 2562047LL * 3600 * GODUR_SECOND);
}

UNIT_TEST(go_durations_errors_in_go_words)
{
	CHECK_STR(dur_err("5"), "time: missing unit in duration \"5\"");
	CHECK_STR(dur_err("bogus"), "time: invalid duration \"bogus\"");
	CHECK_STR(dur_err(""), "time: invalid duration \"\"");
	CHECK_STR(dur_err("1d"), "time: unknown unit \"d\" in duration \"1d\"");
	CHECK_STR(dur_err("."), "time: invalid duration \".\"");
	CHECK_STR(dur_err("-"), "time: invalid duration \"-\"");
	CHECK_STR(dur_err("1s2"), "time: missing unit in duration \"1s2\"");
	CHECK_STR(dur_err("9999999999h"), "time: invalid duration \"9999999999h\"");
}

UNIT_TEST(go_durations_string)
{
	char b[32];

	godur_string(0, b, sizeof(b));
	CHECK_STR(b, "0s");
	godur_string(GODUR_SECOND, b, sizeof(b));
	CHECK_STR(b, "1s");
	godur_string(1500000000LL, b, sizeof(b));
	CHECK_STR(b, "1.5s");
	godur_string(90 * GODUR_SECOND, b, sizeof(b));
	CHECK_STR(b, "1m30s");
	godur_string(3600 * GODUR_SECOND, b, sizeof(b));
	CHECK_STR(b, "1h0m0s");
	godur_string(3723500000000LL, b, sizeof(b));
	CHECK_STR(b, "1h2m3.5s");
	godur_string(500000000LL, b, sizeof(b));
	CHECK_STR(b, "500ms");
	godur_string(1500, b, sizeof(b));
	CHECK_STR(b, "1.5\xc2\xb5s");
	godur_string(7, b, sizeof(b));
	CHECK_STR(b, "7ns");
	godur_string(-2 * GODUR_SECOND, b, sizeof(b));
	CHECK_STR(b, "-2s");
}

/* Test of a --health-cmd, as compact JSON */
static const char *test_of(const char *cmd)
{
	static char buf[WERR_MSG_MAX + 16];
	struct json_object *t = NULL;
	struct werr err = {0};

	if (health_test_parse(cmd, &t, &err) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	else
		snprintf(buf, sizeof(buf), "%s",
			 json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(t);
	return buf;
}

UNIT_TEST(health_cmd_into_test)
{
	CHECK_STR(test_of("true"), "[\"CMD-SHELL\",\"true\"]");
	CHECK_STR(test_of("echo a; exit 1"), "[\"CMD-SHELL\",\"echo a; exit 1\"]");
	CHECK_STR(test_of("CMD true x"), "[\"CMD\",\"true\",\"x\"]");
	CHECK_STR(test_of("CMD  a\tb"), "[\"CMD\",\"a\",\"b\"]");
	CHECK_STR(test_of("CMD-SHELL exit 3"), "[\"CMD-SHELL\",\"exit 3\"]");
	CHECK_STR(test_of("none"), "[\"NONE\"]");
	CHECK_STR(test_of("[\"CMD\",\"false\"]"), "[\"CMD\",\"false\"]");
	CHECK_STR(test_of("[\"CMD-SHELL\",\"a | b\"]"), "[\"CMD-SHELL\",\"a | b\"]");
	CHECK_STR(test_of("[\"true\",\"a\"]"), "[\"CMD\",\"true\",\"a\"]");
	CHECK_STR(test_of("[\"true\"]"), "[\"CMD-SHELL\",\"true\"]");
	CHECK_STR(test_of("[\"none\"]"), "[\"NONE\"]");
	/* not an array of strings: a shell command */
	CHECK_STR(test_of("[1,2]"), "[\"CMD-SHELL\",\"[1,2]\"]");
	CHECK_STR(test_of("[\"x\""), "[\"CMD-SHELL\",\"[\\\"x\\\"\"]");
	CHECK_STR(test_of("[]"), "error: must define a healthcheck command for all healthchecks");
}

/* Config.Healthcheck of flags over image (NULL), as compact JSON */
static const char *config_of(const struct health_flags *f, const char *image)
{
	static char buf[WERR_MSG_MAX + 16];
	struct json_object *hc = NULL;
	const char *action = NULL;
	struct werr err = {0};

	if (health_config(f, image, &hc, &action, &err) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	else
		snprintf(buf, sizeof(buf), "%s %s",
			 hc ? json_object_to_json_string_ext(hc, JSON_C_TO_STRING_PLAIN) : "null",
			 action);
	json_object_put(hc);
	return buf;
}

/* flags with --health-retries unset (-1) or given (r) */
#define FLAGS(...)     (&(struct health_flags){.retries = -1, __VA_ARGS__})
#define RFLAGS(r, ...) (&(struct health_flags){.retries = (r), __VA_ARGS__})

UNIT_TEST(health_config_like_podman)
{
	CHECK_STR(config_of(FLAGS(.cmd = "true"), NULL),
		  "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,"
		  "\"Timeout\":30000000000,\"Retries\":3} none");
	CHECK_STR(config_of(RFLAGS(5, .cmd = "true", .interval = "1s", .start_period = "1m",
				   .timeout = "2s", .on_failure = "kill"),
			    NULL),
		  "{\"Test\":[\"CMD-SHELL\",\"true\"],\"StartPeriod\":60000000000,"
		  "\"Interval\":1000000000,\"Timeout\":2000000000,\"Retries\":5} kill");
	CHECK_STR(config_of(FLAGS(.cmd = "CMD true a", .interval = "disable"), NULL),
		  "{\"Test\":[\"CMD\",\"true\",\"a\"],\"Timeout\":30000000000,\"Retries\":3} none");
	CHECK_STR(config_of(FLAGS(.none = true), NULL), "{\"Test\":[\"NONE\"]} none");
	CHECK_STR(config_of(FLAGS(.cmd = "none"), NULL),
		  "{\"Test\":[\"NONE\"],\"Interval\":30000000000,\"Timeout\":30000000000,"
		  "\"Retries\":3} none");
	/* no command anywhere: no check (the other flags are still checked) */
	CHECK_STR(config_of(FLAGS(.interval = "5s"), NULL), "null none");
	CHECK_STR(config_of(FLAGS(.cmd = ""), NULL), "null none");
}

UNIT_TEST(health_config_from_the_image)
{
	const char *img = "{\"Test\":[\"CMD-SHELL\",\"echo img; exit 1\"],"
			  "\"Interval\":2000000000,\"Retries\":2}";

	/* the image's, with Podman's defaults where it has none */
	CHECK_STR(config_of(FLAGS(0), img),
		  "{\"Test\":[\"CMD-SHELL\",\"echo img; exit 1\"],\"Interval\":2000000000,"
		  "\"Timeout\":30000000000,\"Retries\":2} none");
	/* the flags given override its values (Docker's rule) */
	CHECK_STR(config_of(RFLAGS(7, .interval = "5s"), img),
		  "{\"Test\":[\"CMD-SHELL\",\"echo img; exit 1\"],\"Interval\":5000000000,"
		  "\"Timeout\":30000000000,\"Retries\":7} none");
	CHECK_STR(config_of(FLAGS(.cmd = "true"), img),
		  "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,"
		  "\"Timeout\":30000000000,\"Retries\":3} none");
	CHECK_STR(config_of(FLAGS(.none = true), img), "{\"Test\":[\"NONE\"]} none");
	CHECK_STR(config_of(FLAGS(.cmd = "none"), img),
		  "{\"Test\":[\"NONE\"],\"Interval\":30000000000,\"Timeout\":30000000000,"
		  "\"Retries\":3} none");
	CHECK_STR(config_of(FLAGS(0), "{\"Test\":[\"NONE\"]}"), "null none");
	CHECK_STR(config_of(FLAGS(0), "{\"Test\":[]}"), "null none");
	CHECK_STR(config_of(FLAGS(0), "not json"), "null none");
}

UNIT_TEST(health_config_errors_in_podman_words)
{
	CHECK_STR(config_of(FLAGS(.cmd = "true", .interval = "5"), NULL),
		  "error: invalid healthcheck-interval: time: missing unit in duration \"5\"");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .interval = "bogus"), NULL),
		  "error: invalid healthcheck-interval: time: invalid duration \"bogus\"");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .timeout = "0s"), NULL),
		  "error: healthcheck-timeout must be at least 1 second");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .timeout = "-1s"), NULL),
		  "error: healthcheck-timeout must be at least 1 second");
	CHECK_STR(config_of(RFLAGS(0, .cmd = "true"), NULL),
		  "error: healthcheck-retries must be greater than 0");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .start_period = "-1s"), NULL),
		  "error: healthcheck-start-period must be 0 seconds or greater");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .start_period = "x"), NULL),
		  "error: invalid healthcheck-start-period: time: invalid duration \"x\"");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .on_failure = "bogus"), NULL),
		  "error: invalid on-failure action \"bogus\" for health check: supported "
		  "actions are none,kill,restart,stop");
	CHECK_STR(config_of(FLAGS(.cmd = "true", .none = true), NULL),
		  "error: cannot specify both --no-healthcheck and --health-cmd");
	CHECK_STR(config_of(FLAGS(.cmd = "[]"), NULL),
		  "error: must define a healthcheck command for all healthchecks");
	/* checked even without a command */
	CHECK_STR(
	    config_of(FLAGS(.timeout = "1x"), NULL),
	    "error: invalid healthcheck-timeout: time: unknown unit \"x\" in duration \"1x\"");
}

UNIT_TEST(health_check_of_create_options)
{
	struct health_check h;

	CHECK(health_check_of("{\"Config\":{}}", &h) == 0);
	CHECK(health_check_of(NULL, &h) == 0);
	CHECK(health_check_of("{\"Config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]}}}", &h) == 0);
	CHECK(health_check_of("{\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD\"]}}}", &h) == 0);
	CHECK(health_check_of("{\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"a\",\"b\"],"
			      "\"Interval\":1000000000,\"Retries\":2},"
			      "\"HealthcheckOnFailureAction\":\"restart\"}}",
			      &h) == 1);
	CHECK(strv_len(h.argv) == 3);
	CHECK_STR(h.argv[0], "/bin/sh");
	CHECK_STR(h.argv[1], "-c");
	CHECK_STR(h.argv[2], "a b");
	CHECK(h.interval == GODUR_SECOND && h.timeout == 30 * GODUR_SECOND && h.start == 0);
	CHECK(h.retries == 2 && h.action == HEALTH_RESTART);
	health_check_free(&h);
	CHECK(health_check_of("{\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"/bin/x\",\"y\"],"
			      "\"Timeout\":2000000000}}}",
			      &h) == 1);
	CHECK(strv_len(h.argv) == 2 && strcmp(h.argv[0], "/bin/x") == 0);
	CHECK(h.interval == 0 && h.timeout == 2 * GODUR_SECOND && h.retries == 3);
	CHECK(h.action == HEALTH_NONE);
	health_check_free(&h);
}

static struct json_object *fresh_log(const char *status)
{
	struct json_object *lg = json_object_new_object();

	jset_str(lg, "Status", status);
	jset(lg, "FailingStreak", json_object_new_int(0));
	jset(lg, "Log", NULL);
	return lg;
}

UNIT_TEST(health_log_rules)
{
	struct json_object *lg = fresh_log("starting");

	/* failures in the start period do not count */
	health_log_add(lg, 1, 2, 1, "bad\n", true, 2);
	CHECK_STR(jstr(lg, "Status"), "starting");
	CHECK(json_object_get_int(jget(lg, "FailingStreak")) == 0);
	CHECK_STR(jstr(json_object_array_get_idx(jget(lg, "Log"), 0), "Output"), "bad");
	/* then they do, and retries of them make it unhealthy */
	health_log_add(lg, 3, 4, 1, "", false, 2);
	CHECK_STR(jstr(lg, "Status"), "starting");
	CHECK(json_object_get_int(jget(lg, "FailingStreak")) == 1);
	health_log_add(lg, 5, 6, -1, "", false, 2);
	CHECK_STR(jstr(lg, "Status"), "unhealthy");
	CHECK(json_object_get_int(jget(lg, "FailingStreak")) == 2);
	/* one pass: healthy, the streak over */
	health_log_add(lg, 7, 8, 0, "ok\n\n", false, 2);
	CHECK_STR(jstr(lg, "Status"), "healthy");
	CHECK(json_object_get_int(jget(lg, "FailingStreak")) == 0);
	CHECK_STR(jstr(json_object_array_get_idx(jget(lg, "Log"), 3), "Output"), "ok\n");
	CHECK(json_object_get_int(
		  jget(json_object_array_get_idx(jget(lg, "Log"), 2), "ExitCode")) == -1);
	/* the last 5 runs are kept */
	for (int i = 0; i < 4; i++)
		health_log_add(lg, 10 + i, 11 + i, 0, "", false, 2);
	CHECK(jlen(jget(lg, "Log")) == HEALTH_LOG_MAX);
	CHECK_STR(jstr(json_object_array_get_idx(jget(lg, "Log"), 0), "Output"), "ok\n");
	json_object_put(lg);
}

UNIT_TEST(health_log_without_status_and_long_output)
{
	struct json_object *lg = fresh_log("");
	char big[HEALTH_OUTPUT_MAX + 100];

	/* no status yet (a log Podman did not start): a failure leaves it
	 * healthy until retries */
	health_log_add(lg, 1, 2, 1, "", false, 3);
	CHECK_STR(jstr(lg, "Status"), "healthy");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	health_log_add(lg, 1, 2, 1, big, false, 3);
	CHECK(strlen(jstr(json_object_array_get_idx(jget(lg, "Log"), 1), "Output")) ==
	      HEALTH_OUTPUT_MAX);
	CHECK_STR(jstr(json_object_array_get_idx(jget(lg, "Log"), 1), "Start"),
		  "1970-01-01T00:00:00.000000001Z");
	json_object_put(lg);
}

UNIT_TEST(health_filter_values)
{
	char cfg[] = "{\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"]}}}";
	struct container_rec c = {.state = CTR_RUNNING};

	CHECK(health_filter_valid("healthy") && health_filter_valid("unhealthy"));
	CHECK(health_filter_valid("starting") && health_filter_valid("none"));
	CHECK(!health_filter_valid("bogus") && !health_filter_valid(""));
	CHECK(container_health_matches(&c, "none"));
	CHECK(!container_health_matches(&c, "healthy"));
	c.config = cfg;
	snprintf(c.health, sizeof(c.health), "healthy");
	CHECK(container_health_matches(&c, "healthy"));
	CHECK(!container_health_matches(&c, "none"));
	CHECK(!container_health_matches(&c, "unhealthy"));
	c.state = CTR_EXITED;
	CHECK(!container_health_matches(&c, "healthy"));
	CHECK(!container_health_matches(&c, "none"));
}

UNIT_MAIN()
