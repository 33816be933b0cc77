/* icmp_ping ADDR - one ICMP echo through an unprivileged ICMP socket
 * (SOCK_DGRAM, IPPROTO_ICMP or IPPROTO_ICMPV6), the way ping works without
 * CAP_NET_RAW when net.ipv4.ping_group_range lets the caller's group in.
 * Debian's busybox ping only tries a raw socket, so 190-network.bats
 * runs this one (static) inside the container. Exit 0 on a reply, 1 with
 * the failing call on stderr otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "icmp_ping: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	unsigned char pkt[64] = {0}, reply[1024];
	struct pollfd p;
	int fd, v6;

	if (argc != 2)
		return fprintf(stderr, "usage: icmp_ping ADDR\n"), 2;
	v6 = strchr(argv[1], ':') != NULL;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, argv[1], &a->sin6_addr) != 1)
			return fprintf(stderr, "icmp_ping: bad address\n"), 2;
		len = sizeof(*a);
		pkt[0] = ICMP6_ECHO_REQUEST;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[1], &a->sin_addr) != 1)
			return fprintf(stderr, "icmp_ping: bad address\n"), 2;
		len = sizeof(*a);
		pkt[0] = ICMP_ECHO;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0)
		return fail("socket");
	/* the kernel fills in the id and the checksum of a ping socket */
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len) < 0)
		return fail("sendto");
	p = (struct pollfd){fd, POLLIN, 0};
	if (poll(&p, 1, 3000) != 1)
		return errno = ETIMEDOUT, fail("no reply");
	if (recv(fd, reply, sizeof(reply), 0) < 0)
		return fail("recv");
	printf("reply from %s\n", argv[1]);
	return 0;
}
