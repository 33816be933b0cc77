/* test_lifecycle.c - the pure parsers of issue 8's lifecycle commands:
 * signal names, log sizes, restart policies, detach keys, k8s-file lines
 * and the times logs and events take. */
#include <signal.h>
#include <string.h>

#include "lib/signame.h"
#include "runtime/attach.h"
#include "runtime/ctrlog.h"
#include "runtime/runopts.h"
#include "unit.h"

UNIT_TEST(signal_names_and_numbers)
{
	CHECK(signal_parse("TERM") == SIGTERM);
	CHECK(signal_parse("sigkill") == SIGKILL);
	CHECK(signal_parse("SIGUSR1") == SIGUSR1);
	CHECK(signal_parse("15") == 15);
	CHECK(signal_parse("RTMIN+2") == SIGRTMIN + 2);
	CHECK(signal_parse("SIGRTMAX-1") == SIGRTMAX - 1);
	CHECK(signal_parse("0") == -1);
	CHECK(signal_parse("65") == -1);
	CHECK(signal_parse("NOPE") == -1);
	CHECK(signal_parse("RTMIN+99") == -1);
	CHECK(signal_parse("") == -1);
	CHECK(signal_parse("15x") == -1);
	CHECK_STR(signal_name(SIGTERM), "SIGTERM");
	CHECK(signal_name(0) == NULL);
}

UNIT_TEST(log_sizes_are_decimal_as_docker)
{
	long long n = 0;
	CHECK(runopts_parse_size("1024", &n) == 0 && n == 1024);
	CHECK(runopts_parse_size("10k", &n) == 0 && n == 10000);
	CHECK(runopts_parse_size("5MB", &n) == 0 && n == 5000000);
	CHECK(runopts_parse_size("1.5g", &n) == 0 && n == 1500000000LL);
	CHECK(runopts_parse_size("2KiB", &n) == 0 && n == 2000);
	CHECK(runopts_parse_size("lots", &n) == -1);
	CHECK(runopts_parse_size("-1", &n) == -1);
	CHECK(runopts_parse_size("10x", &n) == -1);
	CHECK(runopts_parse_size("", &n) == -1);
	CHECK(runopts_parse_size("99999999999t", &n) == -1);
}

UNIT_TEST(restart_policies)
{
	struct run_opts o;
	struct werr err = {0};

	runopts_init(&o);
	CHECK(runopts_set_restart(&o, "on-failure:3", &err) == 0);
	CHECK_STR(o.restart, "on-failure");
	CHECK(o.restart_max == 3);
	CHECK(runopts_set_restart(&o, "always", &err) == 0 && o.restart_max == 0);
	CHECK(runopts_set_restart(&o, "unless-stopped", &err) == 0);
	CHECK(runopts_set_restart(&o, "no", &err) == 0);
	CHECK(runopts_set_restart(&o, "always:3", &err) == -1);
	CHECK(runopts_set_restart(&o, "on-failure:x", &err) == -1);
	CHECK(runopts_set_restart(&o, "sometimes", &err) == -1);
	CHECK(strstr(err.msg, "invalid restart policy") != NULL);
	runopts_free(&o);
}

UNIT_TEST(detach_keys)
{
	unsigned char k[8];

	CHECK(attach_parse_keys("ctrl-p,ctrl-q", k, 8) == 2 && k[0] == 0x10 && k[1] == 0x11);
	CHECK(attach_parse_keys("a,ctrl-[", k, 8) == 2 && k[0] == 'a' && k[1] == 0x1b);
	CHECK(attach_parse_keys("", k, 8) == 0);
	CHECK(attach_parse_keys("ctrl-1", k, 8) == -1);
	CHECK(attach_parse_keys("ab", k, 8) == -1);
	CHECK(attach_parse_keys("a,", k, 8) == -1);
	CHECK(attach_parse_keys("a,b,c", k, 2) == -1);
}

UNIT_TEST(k8s_file_lines)
{
	static const char full[] = "2026-12-02T11:18:01.123456789+01:00 stdout F hello world";
	static const char part[] = "2026-12-02T11:18:01.5Z stderr P par";
	struct log_line l;

	CHECK(ctrlog_parse(full, strlen(full), &l) == 0);
	CHECK(!l.err && !l.partial && l.len == 11 && memcmp(l.data, "hello world", 11) == 0);
	CHECK(l.ts_len == 35);
	CHECK(ctrlog_parse(part, strlen(part), &l) == 0);
	CHECK(l.err && l.partial && l.len == 3);
	CHECK(ctrlog_parse("garbage", 7, &l) == -1);
	CHECK(ctrlog_parse("2026-12-02T11:18:01Z stdin F x", 30, &l) == -1);
	CHECK(ctrlog_parse("2026-12-02T11:18:01Z stdout X x", 31, &l) == -1);
	/* an empty line of output */
	CHECK(ctrlog_parse("2026-12-02T11:18:01Z stdout F ", 30, &l) == 0 && l.len == 0);
}

UNIT_TEST(log_and_event_times)
{
	int64_t t = 0, now = 2000000000LL * 1000000000LL;

	CHECK(ctrlog_parse_time("10m", now, &t) == 0 && t == now - 600LL * 1000000000LL);
	CHECK(ctrlog_parse_time("1h30m", now, &t) == 0 && t == now - 5400LL * 1000000000LL);
	CHECK(ctrlog_parse_time("1700000000", now, &t) == 0 && t == 1700000000LL * 1000000000LL);
	CHECK(ctrlog_parse_time("1700000000.5", now, &t) == 0 &&
	      t == 1700000000LL * 1000000000LL + 500000000LL);
	CHECK(ctrlog_parse_time("2000-01-01", now, &t) == 0 && t == 946684800LL * 1000000000LL);
	CHECK(ctrlog_parse_time("2000-01-01T00:00:01Z", now, &t) == 0 &&
	      t == 946684801LL * 1000000000LL);
	CHECK(ctrlog_parse_time("yesterday", now, &t) == -1);
	CHECK(ctrlog_parse_time("10", now, &t) == 0); /* Unix seconds */
	CHECK(ctrlog_parse_time("", now, &t) == -1);
	CHECK(ctrlog_parse_time("5q", now, &t) == -1);
	/* Go durations through lib/godur.c: exact, Go's units, no negative one */
	CHECK(ctrlog_parse_time("2.5s", now, &t) == 0 && t == now - 2500000000LL);
	CHECK(ctrlog_parse_time("300ms", now, &t) == 0 && t == now - 300000000LL);
	CHECK(ctrlog_parse_time("1.1s", now, &t) == 0 && t == now - 1100000000LL);
	CHECK(ctrlog_parse_time("-10m", now, &t) == -1);
	CHECK(ctrlog_parse_time("1e3s", now, &t) == -1);
	CHECK(ctrlog_parse_time("10d", now, &t) == -1);
	/* fuzz_specs: Unix seconds whose ns overflow an int64_t (UBSan) */
	CHECK(ctrlog_parse_time("44444444444", now, &t) == -1);
	CHECK(ctrlog_parse_time("8000000000", now, &t) == 0 && t == 8000000000LL * 1000000000LL);
}

UNIT_MAIN()
