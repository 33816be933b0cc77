/* portecho - a static network helper for the published-port tests and
 * bench/port-throughput (busybox's nc has no UDP, and iperf3 is not in
 * the test image). Bind-mounted into containers.
 *
 *   portecho udp PORT            echo every datagram back to its sender
 *   portecho sink PORT           accept TCP connections, read and discard
 *   portecho send HOST PORT SECS send zeros to HOST:PORT for SECS seconds,
 *                                print "BYTES bytes SECS s MBIT Mbit/s"
 *   portecho peer PORT           accept TCP, print the client's address, close
 *   portecho peer6 PORT          the same on [::] (IPv6, and IPv4 as ::ffff:a.b.c.d)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listen_on(int type, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, type, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		perror("portecho: bind");
		exit(1);
	}
	return fd;
}

static _Noreturn void udp_echo(int port)
{
	static char buf[65536];
	int fd = listen_on(SOCK_DGRAM, port);

	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		if (n >= 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
}

static _Noreturn void sink(int port)
{
	static char buf[1 << 17];
	int fd = listen_on(SOCK_STREAM, port);

	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			while (read(c, buf, sizeof(buf)) > 0)
				;
			_exit(0);
		}
		close(c);
	}
}

static _Noreturn void peer(int port)
{
	int fd = listen_on(SOCK_STREAM, port);

	for (;;) {
		struct sockaddr_in a;
		socklen_t len = sizeof(a);
		char line[64];
		int c = accept(fd, (struct sockaddr *)&a, &len);
		if (c < 0)
			continue;
		snprintf(line, sizeof(line), "%s\n", inet_ntoa(a.sin_addr));
		if (write(c, line, strlen(line)) < 0)
			perror("portecho: write");
		close(c);
	}
}

static _Noreturn void peer6(int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET6, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
		perror("portecho: bind");
		exit(1);
	}
	for (;;) {
		struct sockaddr_in6 from;
		socklen_t len = sizeof(from);
		char addr[INET6_ADDRSTRLEN], line[INET6_ADDRSTRLEN + 2];
		int c = accept(fd, (struct sockaddr *)&from, &len);
		if (c < 0)
			continue;
		inet_ntop(AF_INET6, &from.sin6_addr, addr, sizeof(addr));
		snprintf(line, sizeof(line), "%s\n", addr);
		if (write(c, line, strlen(line)) < 0)
			perror("portecho: write");
		close(c);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_for(const char *host, int port, double secs)
{
	static char buf[1 << 17];
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0, t;
	long long total = 0;

	inet_pton(AF_INET, host, &a.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("portecho: connect");
		return 1;
	}
	t0 = now();
	do {
		ssize_t n = write(fd, buf, sizeof(buf));
		if (n <= 0) {
			perror("portecho: write");
			return 1;
		}
		total += n;
		t = now() - t0;
	} while (t < secs);
	printf("%lld bytes %.2f s %.0f Mbit/s\n", total, t, (double)total * 8 / t / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "udp") == 0)
		udp_echo(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "sink") == 0)
		sink(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "peer") == 0)
		peer(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "peer6") == 0)
		peer6(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		return send_for(argv[2], atoi(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: portecho udp|sink|peer|peer6 PORT | send HOST PORT SECS\n");
	return 2;
}
