/* Unit tests for published ports (issue 9, runtime/ports.c): -p and
 * --expose parsing with Podman 4.3's errors, the stored form, and the
 * PortBindings, ps PORTS and `port` renderings. Expected values from
 * podman 4.3.1 on the same flags. */
#include "tests/unit/unit.h"

#include <stdlib.h>

#include "lib/json.h"
#include "lib/util.h"
#include "runtime/ports.h"

static struct port_map parse_ok(const char *spec, int *ok)
{
	struct port_map m = {0};
	struct werr err = {0};

	*ok = ports_parse(spec, &m, &err) == 0;
	return m;
}

static const char *parse_err(const char *spec)
{
	static struct werr err;
	struct port_map m;

	werr_clear(&err);
	if (ports_parse(spec, &m, &err) == 0)
		return "(parsed)";
	return err.status == 125 ? err.msg : "(status not 125)";
}

UNIT_TEST(parse_forms)
{
	int ok;
	struct port_map m = parse_ok("80", &ok);

	CHECK(ok && m.ctr_port == 80 && m.host_port == 0 && m.range == 1);
	CHECK_STR(m.proto, "tcp");
	CHECK_STR(m.host_ip, "");
	m = parse_ok("8080:80/udp", &ok);
	CHECK(ok && m.host_port == 8080 && m.ctr_port == 80);
	CHECK_STR(m.proto, "udp");
	m = parse_ok("127.0.0.1::80", &ok);
	CHECK(ok && m.host_port == 0 && m.ctr_port == 80);
	CHECK_STR(m.host_ip, "127.0.0.1");
	m = parse_ok("[::1]:8080:80", &ok);
	CHECK(ok && m.host_port == 8080);
	CHECK_STR(m.host_ip, "::1");
	m = parse_ok("8080-8085:80-85", &ok);
	CHECK(ok && m.host_port == 8080 && m.ctr_port == 80 && m.range == 6);
	m = parse_ok(":80", &ok); /* Podman: an empty host port is a random one */
	CHECK(ok && m.host_port == 0);
	m = parse_ok("65535", &ok);
	CHECK(ok && m.ctr_port == 65535);
}

UNIT_TEST(parse_errors_are_podmans)
{
	CHECK_STR(parse_err("0"), "parsing container port: port numbers must be between 1 and "
				  "65535 (inclusive), got 0");
	CHECK_STR(parse_err("abc"),
		  "parsing container port: invalid port number: strconv.Atoi: parsing \"abc\": "
		  "invalid syntax");
	CHECK_STR(parse_err("1-2-3"), "parsing container port: invalid port format - port ranges "
				      "are formatted as startPort-stopPort");
	CHECK_STR(parse_err("8080-8081:80"),
		  "host and container port ranges have different lengths: 2 vs 1");
	CHECK_STR(parse_err("5-3"), "parsing container port: the end port of a range must be "
				    "higher than the start port - 3 is not higher than 5");
	CHECK_STR(parse_err("1.2.3:80:80"), "cannot parse \"1.2.3\" as an IP address");
	CHECK_STR(parse_err("80/foo"), "unrecognized protocol \"foo\" in port mapping");
	CHECK_STR(parse_err("80/tcp/udp"),
		  "invalid port format - protocol can only be specified once");
	CHECK_STR(parse_err("1:2:3:4"),
		  "invalid port format - format is [[hostIP:]hostPort:]containerPort");
	CHECK_STR(parse_err("::80"), "must provide a non-empty container host IP to publish");
	CHECK_STR(parse_err(""), "must provide a non-empty container port to publish");
	CHECK(strcmp(parse_err("+80"), "(parsed)") != 0);
	CHECK(strcmp(parse_err("80 "), "(parsed)") != 0);
	CHECK(strcmp(parse_err("[::1:80:80"), "(parsed)") != 0);
	CHECK(strcmp(parse_err("65535-65536"), "(parsed)") != 0);
	CHECK(strcmp(parse_err("65530-65535:1-6"), "(parsed)") == 0);
	CHECK(strcmp(parse_err("99999999999999999999"), "(parsed)") != 0);
}

UNIT_TEST(expose)
{
	char **v = NULL;
	struct werr err = {0};

	CHECK(ports_parse_expose("80", &v, &err) == 0);
	CHECK(ports_parse_expose("7000-7001/udp", &v, &err) == 0);
	CHECK(ports_parse_expose("80/tcp", &v, &err) == 0); /* once */
	CHECK(strv_len(v) == 3);
	CHECK_STR(v[0], "80/tcp");
	CHECK_STR(v[2], "7001/udp");
	CHECK(ports_parse_expose("abc", &v, &err) < 0 && err.status == 125);
	werr_clear(&err);
	CHECK(ports_parse_expose("0", &v, &err) < 0);
	CHECK_STR(err.msg, "port numbers must be between 1 and 65535 (inclusive), got 0");
	werr_clear(&err);
	CHECK(ports_parse_expose("1-100000", &v, &err) < 0);
	strv_free(v);
}

UNIT_TEST(renderings)
{
	struct port_map m[3];
	struct werr err = {0};
	struct json_object *b, *back;
	struct port_map *r = NULL;
	char *s, **lines;

	CHECK(ports_parse("18080:80", &m[0], &err) == 0);
	CHECK(ports_parse("127.0.0.1:34311:81/udp", &m[1], &err) == 0);
	CHECK(ports_parse("18090-18091:9000-9001", &m[2], &err) == 0);
	s = ports_ps_string(m, 3);
	CHECK_STR(s, "0.0.0.0:18080->80/tcp, 0.0.0.0:18090-18091->9000-9001/tcp, "
		     "127.0.0.1:34311->81/udp");
	free(s);
	lines = ports_port_lines(m, 3, NULL);
	CHECK(strv_len(lines) == 4);
	CHECK_STR(lines[0], "80/tcp -> 0.0.0.0:18080");
	CHECK_STR(lines[2], "9001/tcp -> 0.0.0.0:18091");
	CHECK_STR(lines[3], "81/udp -> 127.0.0.1:34311");
	strv_free(lines);
	lines = ports_port_lines(m, 3, "81/udp");
	CHECK(strv_len(lines) == 1);
	CHECK_STR(lines[0], "127.0.0.1:34311");
	strv_free(lines);
	CHECK(ports_port_lines(m, 3, "81/tcp") == NULL);
	b = ports_bindings_json(m, 3, NULL);
	CHECK_STR(json_object_to_json_string_ext(jget(b, "9001/tcp"), JSON_C_TO_STRING_PLAIN),
		  "[{\"HostIp\":\"\",\"HostPort\":\"18091\"}]");
	json_object_put(b);
	back = ports_to_json(m, 3);
	CHECK(ports_from_json(back, &r) == 3);
	CHECK(r[2].range == 2 && r[2].host_port == 18090 && r[1].ctr_port == 81);
	CHECK_STR(r[1].host_ip, "127.0.0.1");
	json_object_put(back);
	free(r);
	s = ports_ps_string(NULL, 0);
	CHECK_STR(s, "");
	free(s);
}

UNIT_MAIN()
