/* forward.c - the port forwarder hosted by warren-monitor (see forward.h).
 *
 * The listeners live in the host network namespace (warren bound them
 * before the container started, so a taken or privileged port failed that
 * command). Each accepted connection gets a peer socket created INSIDE the
 * container's network namespace, connected to 127.0.0.1:CTRPORT (::1 for
 * an IPv6 listener), and bytes move with splice() through a pipe per
 * direction: they never enter this process.
 *
 * Why a clone per peer socket: a socket belongs to the network namespace
 * its creator was in at socket() time, and setns(CLONE_NEWNET) applies to
 * the calling thread only. A rootless monitor that moved itself into the
 * container's namespace could never come back (the host's belongs to the
 * initial user namespace: EPERM). So a short-lived child that shares our
 * memory and fd table (CLONE_VM | CLONE_FILES | CLONE_VFORK) enters the
 * container's namespace, calls socket() and exits: the fd is ours. That
 * costs some 30 us per connection, and nothing while idle: no thread, no
 * second process. The namespace is opened once per monitor; a restart
 * (policy or `restart`) starts a new monitor with the new namespace.
 *
 * UDP: one peer socket per client address, closed after UDP_IDLE_S
 * without traffic; replies go back from the listener to the client.
 *
 * The client's address (issue 9): a peer socket is bound, with
 * IP_TRANSPARENT (IPV6_TRANSPARENT), to the client's own address (port 0)
 * before it connects, so the server in the container sees the real client, at the
 * same speed (the bytes take the same splice path). Two things make the
 * replies come back to that socket instead of being routed out (or
 * dropped: the container may have no route at all to the client): a rule
 * "from 127.0.0.1 lookup TPROXY_TABLE" and in that table "local 0.0.0.0/0
 * dev lo" (and the same from ::1 for IPv6). Only what a server bound to the loopback address sends
 * matches, and nothing from 127.0.0.1 may leave a host anyway. The monitor, root of the user
 * namespace that owns the container's network namespace, has the CAP_NET_ADMIN that IP_TRANSPARENT
 * and the routing need; when the routing cannot be set up, peers are not bound (the server sees
 * 127.0.0.1, as with Podman's rootlessport). */
#include "monitor/forward.h"
#include "monitor/params.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FWD_MAX	      512	/* listeners (runtime/ports.c: PORTS_MAX) */
#define PIPE_SIZE     (1 << 20) /* fewer splices per byte; kernel memory, not our RSS */
#define UDP_IDLE_S    60
#define UDP_FLOWS_MAX 256 /* per listener; the idlest goes when full */
#define DGRAM_MAX     65536
#define TPROXY_TABLE  119    /* a routing table of the container's namespace */
#define TPROXY_PREF   100    /* the rule's priority (main is 32766) */
#define PEER_CC	      "reno" /* the peer hop's congestion control (peer_socket) */

enum tag_kind { T_LISTEN, T_CONN_A, T_CONN_B, T_FLOW };

struct tag {
	enum tag_kind kind;
	void *p;
};

struct listener {
	struct tag tag;
	int fd;
	bool udp, v6;
	uint16_t ctr_port;
	int nflows;
};

/* one direction of a TCP connection: from -> pipe -> to */
struct dir {
	int from, to;
	int pipe[2];
	size_t pend; /* bytes in the pipe */
	bool eof;    /* from has no more */
	bool shut;   /* to got SHUT_WR */
};

struct conn {
	struct tag ta, tb;
	int a, b; /* client (host side), peer (container side) */
	struct dir ab, ba;
	bool connecting, dead;
	struct conn *prev, *next;
};

struct flow {
	struct tag tag;
	struct listener *l;
	struct sockaddr_storage client;
	socklen_t clen;
	int peer;
	bool dead;
	time_t last;
	struct flow *prev, *next;
};

static struct listener lst[FWD_MAX];
static int nlst;
static int ep = -1, netns = -1;
static bool transparent4, transparent6; /* peers take the client's address (top of file) */
static int reserve = -1;		/* an fd given up to refuse a client when out of fds */
static struct conn *conns;
static struct flow *flows;
static char dgram[DGRAM_MAX];
/* closed during one dispatch, freed at its end: a later event of the
 * same batch may still point at them */
static void *grave[4096];
static int ngrave;

static void bury(void *p)
{
	if (ngrave < (int)(sizeof(grave) / sizeof(grave[0])))
		grave[ngrave++] = p;
	/* else it leaks: one batch is 32 events of at most 64 closes each */
}

bool fwd_param(const char *key, const char *val)
{
	char proto[4];
	int fd, port, fam;

	if (strcmp(key, "fwd") != 0)
		return false;
	if (nlst < FWD_MAX && sscanf(val, "%3[a-z]:%d:%d:%d", proto, &fd, &port, &fam) == 4 &&
	    fd >= 0 && port > 0 && port < 65536) {
		lst[nlst] = (struct listener){.fd = fd,
					      .udp = strcmp(proto, "udp") == 0,
					      .v6 = fam == 6,
					      .ctr_port = (uint16_t)port};
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		nlst++;
	}
	return true;
}

/* ---- sockets inside the container's network namespace ---- */

struct mkreq {
	int domain, type, protocol;
	int fd, err;
};

static int mk_child(void *arg)
{
	struct mkreq *r = arg;

	if (setns(netns, CLONE_NEWNET) < 0) {
		r->err = errno;
		return 1;
	}
	r->fd = socket(r->domain, r->type, r->protocol);
	r->err = r->fd < 0 ? errno : 0;
	return 0;
}

/* A socket of the container's namespace (see the top of the file). */
static int ns_socket(int domain, int type, int protocol)
{
	static char stack[16384] __attribute__((aligned(16)));
	struct mkreq r = {.domain = domain, .type = type, .protocol = protocol, .fd = -1, .err = 0};
	pid_t c = clone(mk_child, stack + sizeof(stack), CLONE_VM | CLONE_FILES | CLONE_VFORK, &r);

	if (c < 0)
		return -1;
	while (waitpid(c, NULL, __WALL) < 0 && errno == EINTR)
		;
	errno = r.err;
	return r.fd;
}

/* Whether a v6 client address is an IPv4 one in disguise (::ffff:a.b.c.d),
 * which a v6 peer connecting to ::1 cannot take. */
static bool v4_mapped(const struct sockaddr_storage *from)
{
	const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;

	return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
}

/* A peer socket for a client at from (NULL: unknown): bound to the
 * client's address when the routing for its family is in place. */
static int peer_socket(bool v6, bool udp, const struct sockaddr_storage *from)
{
	int fd = ns_socket(v6 ? AF_INET6 : AF_INET,
			   (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_storage a;
	int one = 1;

	/* The peer hop never leaves the container's loopback: no loss, no
	 * queue to probe, so pacing only costs. The namespace inherits the
	 * host's default, and with BBR (a common one) its pacing and small
	 * cwnd at microsecond RTTs halved this hop's speed and cost 60% more
	 * CPU per byte (docs/rootless/ports.md). Reno is built into every
	 * kernel and always allowed; failing, the default stays. */
	if (fd >= 0 && !udp)
		setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, PEER_CC, strlen(PEER_CC));
	if (fd < 0 || from == NULL || from->ss_family != (v6 ? AF_INET6 : AF_INET) ||
	    !(v6 ? transparent6 && !v4_mapped(from) : transparent4))
		return fd;
	memcpy(&a, from, sizeof(a));
	if (v6)
		((struct sockaddr_in6 *)&a)->sin6_port = 0;
	else
		((struct sockaddr_in *)&a)->sin_port = 0;
	/* failing either, it connects from the loopback address as without */
	if (setsockopt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, &one,
		       sizeof(one)) == 0)
		bind(fd, (struct sockaddr *)&a,
		     v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	return fd;
}

/* ---- routing for the client's address (top of file) ---- */

static void nl_attr(struct nlmsghdr *h, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Sends one request and reads its ack: 0, or the error (EEXIST is fine:
 * a namespace shared with another container has it already). */
static int nl_talk(int fd, struct nlmsghdr *h)
{
	char buf[512];
	ssize_t n;
	struct nlmsghdr *r = (struct nlmsghdr *)buf;

	if (send(fd, h, h->nlmsg_len, 0) < 0)
		return errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || r->nlmsg_type != NLMSG_ERROR)
		return EIO;
	int e = -((struct nlmsgerr *)NLMSG_DATA(r))->error;
	return e == EEXIST ? 0 : e;
}

/* The rule and the route for one family (AF_INET: from 127.0.0.1,
 * AF_INET6: from ::1), on the netlink socket fd. */
static bool tproxy_family(int fd, int family)
{
	union {
		struct nlmsghdr h;
		char buf[256];
	} m;
	uint32_t table = TPROXY_TABLE, pref = TPROXY_PREF, lo = 1; /* lo is 1 in every netns */
	struct in_addr src4 = {htonl(INADDR_LOOPBACK)};
	struct in6_addr src6 = IN6ADDR_LOOPBACK_INIT;
	bool ok;

	memset(&m, 0, sizeof(m));
	m.h =
	    (struct nlmsghdr){.nlmsg_len = NLMSG_LENGTH(sizeof(struct fib_rule_hdr)),
			      .nlmsg_type = RTM_NEWRULE,
			      .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
			      .nlmsg_seq = 1};
	*(struct fib_rule_hdr *)NLMSG_DATA(&m.h) =
	    (struct fib_rule_hdr){.family = (unsigned char)family,
				  .src_len = family == AF_INET6 ? 128 : 32,
				  .table = TPROXY_TABLE,
				  .action = FR_ACT_TO_TBL};
	if (family == AF_INET6)
		nl_attr(&m.h, FRA_SRC, &src6, sizeof(src6));
	else
		nl_attr(&m.h, FRA_SRC, &src4, sizeof(src4));
	nl_attr(&m.h, FRA_PRIORITY, &pref, sizeof(pref));
	nl_attr(&m.h, FRA_TABLE, &table, sizeof(table));
	ok = nl_talk(fd, &m.h) == 0;
	memset(&m, 0, sizeof(m));
	m.h =
	    (struct nlmsghdr){.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			      .nlmsg_type = RTM_NEWROUTE,
			      .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
			      .nlmsg_seq = 2};
	*(struct rtmsg *)NLMSG_DATA(&m.h) = (struct rtmsg){.rtm_family = (unsigned char)family,
							   .rtm_table = TPROXY_TABLE,
							   .rtm_protocol = RTPROT_BOOT,
							   .rtm_scope = RT_SCOPE_HOST,
							   .rtm_type = RTN_LOCAL};
	nl_attr(&m.h, RTA_TABLE, &table, sizeof(table));
	nl_attr(&m.h, RTA_OIF, &lo, sizeof(lo));
	return ok && nl_talk(fd, &m.h) == 0;
}

/* Both families' routing; a namespace without IPv6 has IPv4's only. */
static void tproxy_setup(void)
{
	int fd = ns_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return;
	transparent4 = tproxy_family(fd, AF_INET);
	transparent6 = tproxy_family(fd, AF_INET6);
	close(fd);
}

static int connect_ctr(int fd, bool v6, uint16_t port)
{
	struct sockaddr_in6 a6 = {
	    .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	struct sockaddr_in a4 = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	if (v6)
		return connect(fd, (struct sockaddr *)&a6, sizeof(a6));
	return connect(fd, (struct sockaddr *)&a4, sizeof(a4));
}

/* ---- TCP ---- */

static void conn_close(struct conn *c)
{
	int fds[] = {c->a, c->b, c->ab.pipe[0], c->ab.pipe[1], c->ba.pipe[0], c->ba.pipe[1]};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]); /* also leaves the epoll set */
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->dead = true;
	bury(c);
}

/* Moves what can move from d->from to d->to until one of them would
 * block (the sockets are edge-triggered: the next edge comes only after
 * EAGAIN); -1 on an error. */
static int pump(struct dir *d)
{
	for (;;) {
		ssize_t n;
		if (d->pend > 0) {
			n = splice(d->pipe[0], NULL, d->to, NULL, d->pend,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n < 0)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
			d->pend -= (size_t)n;
			continue;
		}
		if (d->eof) {
			/* half-close: the other side sees our client's EOF */
			if (!d->shut && shutdown(d->to, SHUT_WR) < 0 && errno != ENOTCONN)
				return -1;
			d->shut = true;
			return 0;
		}
		n = splice(d->from, NULL, d->pipe[1], NULL, PIPE_SIZE,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n == 0)
			d->eof = true;
		else if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		else
			d->pend += (size_t)n;
	}
}

static void conn_event(struct conn *c, bool side_b, uint32_t events)
{
	bool connected = false;

	if (c->connecting) {
		int e = 0;
		socklen_t len = sizeof(e);
		if (!side_b)
			return;
		if (getsockopt(c->b, SOL_SOCKET, SO_ERROR, &e, &len) < 0 || e != 0) {
			conn_close(c);
			return;
		}
		c->connecting = false;
		connected = true;
	}
	/* only the directions this event can move (a syscall saved per
	 * event on a one-way stream); anything else: both */
	bool any = (events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) || connected;
	bool ab = any || (events & (side_b ? EPOLLOUT : EPOLLIN));
	bool ba = any || (events & (side_b ? EPOLLIN : EPOLLOUT));
	if ((ab && pump(&c->ab) < 0) || (ba && pump(&c->ba) < 0) ||
	    (events & (EPOLLERR | EPOLLHUP)) || (c->ab.shut && c->ba.shut))
		conn_close(c);
}

/* Both sockets watched for both directions, edge-triggered, for their
 * whole life: no epoll_ctl per transfer (pump drains to EAGAIN). Events
 * on the client before the peer is connected only find it connecting. */
static bool conn_add(struct conn *c, int fd, struct tag *t)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				 .data.ptr = t};

	(void)c;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
}

static void tcp_accept(struct listener *l)
{
	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		int a = accept4(l->fd, (struct sockaddr *)&from, &len,
				SOCK_NONBLOCK | SOCK_CLOEXEC),
		    b;
		struct conn *c;

		if (a < 0 && (errno == EMFILE || errno == ENFILE) && reserve >= 0) {
			/* out of fds: the listener would stay readable and spin
			 * us; refuse this client with the fd kept for it */
			close(reserve);
			a = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
			if (a >= 0)
				close(a);
			reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
			continue;
		}
		if (a < 0)
			return; /* EAGAIN: all taken */
		b = peer_socket(l->v6, false, &from);
		c = calloc(1, sizeof(*c));
		if (b < 0 || c == NULL ||
		    (connect_ctr(b, l->v6, l->ctr_port) < 0 && errno != EINPROGRESS)) {
			close(a);
			if (b >= 0)
				close(b);
			free(c);
			continue; /* the client sees its connection closed */
		}
		*c = (struct conn){.ta = {T_CONN_A, c},
				   .tb = {T_CONN_B, c},
				   .a = a,
				   .b = b,
				   .ab = {.from = a, .to = b, .pipe = {-1, -1}},
				   .ba = {.from = b, .to = a, .pipe = {-1, -1}},
				   .connecting = true,
				   .next = conns};
		if (conns)
			conns->prev = c;
		conns = c;
		if (pipe2(c->ab.pipe, O_NONBLOCK | O_CLOEXEC) < 0 ||
		    pipe2(c->ba.pipe, O_NONBLOCK | O_CLOEXEC) < 0 || !conn_add(c, a, &c->ta) ||
		    !conn_add(c, b, &c->tb)) {
			conn_close(c);
			continue;
		}
		/* over the user's pipe-user-pages-soft it stays 64 KiB: fine */
		fcntl(c->ab.pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
		fcntl(c->ba.pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	}
}

/* ---- UDP ---- */

static void flow_close(struct flow *f)
{
	close(f->peer);
	f->l->nflows--;
	if (f->prev)
		f->prev->next = f->next;
	else
		flows = f->next;
	if (f->next)
		f->next->prev = f->prev;
	f->dead = true;
	bury(f);
}

static struct flow *flow_find(struct listener *l, const struct sockaddr_storage *a, socklen_t len)
{
	struct flow *oldest = NULL;

	for (struct flow *f = flows; f; f = f->next) {
		if (f->l != l)
			continue;
		if (f->clen == len && memcmp(&f->client, a, len) == 0)
			return f;
		if (oldest == NULL || f->last < oldest->last)
			oldest = f;
	}
	if (l->nflows >= UDP_FLOWS_MAX && oldest)
		flow_close(oldest);
	return NULL;
}

static struct flow *flow_new(struct listener *l, const struct sockaddr_storage *a, socklen_t len)
{
	struct flow *f = calloc(1, sizeof(*f));
	struct epoll_event ev = {.events = EPOLLIN};
	int fd = peer_socket(l->v6, true, a);

	if (f == NULL || fd < 0 || connect_ctr(fd, l->v6, l->ctr_port) < 0) {
		free(f);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*f = (struct flow){
	    .tag = {T_FLOW, f}, .l = l, .client = *a, .clen = len, .peer = fd, .next = flows};
	ev.data.ptr = &f->tag;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(f);
		return NULL;
	}
	if (flows)
		flows->prev = f;
	flows = f;
	l->nflows++;
	return f;
}

static void udp_in(struct listener *l)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage a;
		socklen_t len = sizeof(a);
		ssize_t n = recvfrom(l->fd, dgram, sizeof(dgram), MSG_DONTWAIT,
				     (struct sockaddr *)&a, &len);
		struct flow *f;

		if (n < 0)
			return;
		f = flow_find(l, &a, len);
		if (f == NULL)
			f = flow_new(l, &a, len);
		if (f == NULL)
			continue; /* dropped, as a full queue would */
		f->last = time(NULL);
		send(f->peer, dgram, (size_t)n,
		     MSG_DONTWAIT); /* ECONNREFUSED: nobody listens yet */
	}
}

static void udp_back(struct flow *f)
{
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(f->peer, dgram, sizeof(dgram), MSG_DONTWAIT);

		if (n < 0)
			return;
		f->last = time(NULL);
		sendto(f->l->fd, dgram, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&f->client,
		       f->clen);
	}
}

static void udp_expire(void)
{
	time_t now = time(NULL);

	for (struct flow *f = flows, *next; f; f = next) {
		next = f->next;
		if (now - f->last >= UDP_IDLE_S) {
			flow_close(f);
			free(grave[--ngrave]);
		}
	}
}

/* ---- the loop's side ---- */

int fwd_start(pid_t pid)
{
	char path[64];

	if (nlst == 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	netns = open(path, O_RDONLY | O_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (netns < 0 || ep < 0) {
		fwd_stop();
		return -1;
	}
	tproxy_setup();
	/* 6 fds a connection: the soft limit (often 1024) up to the hard one */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (int i = 0; i < nlst; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &lst[i].tag};
		lst[i].tag = (struct tag){T_LISTEN, &lst[i]};
		epoll_ctl(ep, EPOLL_CTL_ADD, lst[i].fd, &ev);
	}
	return ep;
}

/* One batch of ready events. */
static int dispatch_batch(void)
{
	struct epoll_event evs[32];
	int n = epoll_wait(ep, evs, 32, 0);

	for (int i = 0; i < n; i++) {
		struct tag *t = evs[i].data.ptr;
		struct listener *l = t->p;
		switch (t->kind) {
		case T_LISTEN:
			if (l->udp)
				udp_in(l);
			else
				tcp_accept(l);
			break;
		case T_CONN_A:
		case T_CONN_B:
			if (!((struct conn *)t->p)->dead)
				conn_event(t->p, t->kind == T_CONN_B, evs[i].events);
			break;
		case T_FLOW:
			if (!((struct flow *)t->p)->dead)
				udp_back(t->p);
			break;
		}
	}
	while (ngrave > 0)
		free(grave[--ngrave]);
	return n;
}

void fwd_dispatch(void)
{
	/* a busy stream keeps giving events: a few batches per wakeup of
	 * the monitor's poll save its syscall */
	for (int i = 0; ep >= 0 && i < 8 && dispatch_batch() > 0; i++)
		;
	if (flows)
		udp_expire();
}

int fwd_timeout(void)
{
	return flows ? 1000 : -1;
}

void fwd_stop(void)
{
	while (conns) {
		conn_close(conns);
		free(grave[--ngrave]);
	}
	while (flows) {
		flow_close(flows);
		free(grave[--ngrave]);
	}
	for (int i = 0; i < nlst; i++)
		close(lst[i].fd);
	nlst = 0;
	if (ep >= 0)
		close(ep);
	if (netns >= 0)
		close(netns);
	if (reserve >= 0)
		close(reserve);
	ep = netns = reserve = -1;
}

/* ---- forwarder-only mode ---- */

int fwd_main(void)
{
	static char params[64 * 1024 + 1];
	char *cursor = params, *k, *v;
	pid_t pid = 0;
	sigset_t mask;
	int sfd;

	if (params_read(params, sizeof(params) - 1) < 0)
		return 125;
	while ((k = params_next(&cursor, &v)) != NULL) {
		if (strcmp(k, "pid") == 0)
			pid = (pid_t)atoi(v);
		else
			fwd_param(k, v);
	}
	prctl(PR_SET_NAME, "warren-forward", 0, 0, 0);
	/* only SIGTERM ends us (warren started us with all blocked) */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	/* the foreground warren ends us; should it die, we go too */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		return 0;
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (pid <= 0 || sfd < 0 || fwd_start(pid) < 0)
		return 125;
	for (;;) {
		struct pollfd p[2] = {{sfd, POLLIN, 0}, {ep, POLLIN, 0}};
		if (poll(p, 2, fwd_timeout()) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		fwd_dispatch();
	}
	fwd_stop();
	return 0;
}
