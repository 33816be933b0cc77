/* ports.h - published ports (issue 9): the -p/--publish, -P and --expose
 * values of run and create, their JSON (inspect's PortBindings and
 * NetworkSettings.Ports, ps's PORTS column, `port`), and the host-side
 * listening sockets that a start binds before the container runs and
 * hands to the forwarder (monitor/forward.c). */
#ifndef WARREN_PORTS_H
#define WARREN_PORTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* A bound on the host ports of one container: each is an fd of its
 * monitor (and a line of its parameters). */
#define PORTS_MAX 512

/* One -p: range consecutive ports host_port.. -> ctr_port.. */
struct port_map {
	char host_ip[48]; /* "" all addresses (0.0.0.0), else an IPv4 or IPv6 literal */
	uint16_t host_port;
	uint16_t ctr_port;
	uint16_t range; /* >= 1 */
	char proto[4];	/* "tcp" or "udp" */
};

/* The listening sockets of a container's published ports, bound in the
 * host network namespace; one per host port. */
struct port_listener {
	int fd;
	bool udp;
	bool v6;
	uint16_t ctr_port;
};

/* Parses one -p value [IP:][HOSTPORT:]CTRPORT[/PROTO] (ports or ranges
 * A-B; IPv6 in brackets) into *out. A missing HOSTPORT is 0 (a random
 * one, ports_assign_random). One-line errors, status 125. */
int ports_parse(const char *spec, struct port_map *out, struct werr *err);

/* Parses one --expose value PORT[-PORT][/PROTO] into "PORT/PROTO" strings
 * appended to *out. Status 125 on error. */
int ports_parse_expose(const char *spec, char ***out, struct werr *err);

/* Picks free host ports for the maps whose host_port is 0 (the kernel's
 * choice, as Podman does at create time). */
int ports_assign_random(struct port_map *maps, size_t n, struct werr *err);

/* Appends to *maps (and *n) a map with a random host port for each
 * "PORT/PROTO" in exposed not published already (-P). */
void ports_publish_all(char *const *exposed, struct port_map **maps, size_t *n);

/* The stored form (the create options' "PortMappings" array) and back. */
struct json_object *ports_to_json(const struct port_map *maps, size_t n);
size_t ports_from_json(struct json_object *arr, struct port_map **out);

/* Podman's HostConfig.PortBindings (and NetworkSettings.Ports):
 * {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], ...}; exposed ports
 * without a binding are null in NetworkSettings.Ports (with_exposed). */
struct json_object *ports_bindings_json(const struct port_map *maps, size_t n,
					struct json_object *exposed);

/* `port`'s lines for maps, one per port, in ps's order: "80/tcp ->
 * 0.0.0.0:8080" (only, when not NULL, those of private "80" or "80/udp":
 * then just "0.0.0.0:8080"); malloc'd strv, NULL when none. */
char **ports_port_lines(const struct port_map *maps, size_t n, const char *only);

/* ps's PORTS text: "0.0.0.0:8080->80/tcp, 0.0.0.0:9000-9001->90-91/udp";
 * malloc'd, "" without ports. */
char *ports_ps_string(const struct port_map *maps, size_t n);

/* Binds and listens (TCP) on every host port of maps. A port below
 * net.ipv4.ip_unprivileged_port_start or one that is taken is an error
 * that says so (the sysctl for the former). *out malloc'd, *nout set;
 * nothing is left open on error. */
int ports_listen(const struct port_map *maps, size_t n, struct port_listener **out, size_t *nout,
		 struct werr *err);

/* Closes the listeners and frees the array. */
void ports_listeners_free(struct port_listener *l, size_t n);

/* The monitor's "fwd=" parameter lines for the listeners (monitor/forward.c
 * says their form); fd numbers as given in fds. malloc'd. */
char *ports_fwd_params(const struct port_listener *l, size_t n, const int *fds);

struct run_opts;
/* Adds the port keys to the create options j (whose "Config" and
 * "HostConfig" exist): "PortMappings" (the stored maps: -p, then -P's
 * random ones for the image's and --expose's ports), "ExposedPorts",
 * HostConfig.PortBindings and PublishAllPorts. --network host and none
 * discard the maps with Podman's warning. */
void ports_create_config(const struct run_opts *o, const char *image_config, struct json_object *j);

/* The maps stored in a container's create options (its record's config
 * text); *out malloc'd (may be NULL when 0). */
size_t ports_of_config(const char *config, struct port_map **out);

#endif
