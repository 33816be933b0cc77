/* attach_proto.h - the attach socket of warren-monitor, shared by the
 * monitor and `warren attach` (runtime/attach.c). Plain definitions only:
 * the monitor links libc alone.
 *
 * The socket is <runroot>/attach/<id>, SOCK_SEQPACKET, mode 0600; one
 * message a packet, its first byte the kind:
 *   monitor -> client: ATTACH_STDOUT or ATTACH_STDERR, then the bytes the
 *                      container wrote (with a pty all of it is stdout);
 *                      last ATTACH_EXIT, then its exit code (an int, host
 *                      order: 128+N after signal N)
 *   client -> monitor: ATTACH_STDIN then bytes for the container's stdin;
 *                      ATTACH_RESIZE then rows and cols (2 x uint16, host
 *                      order) for its pty; ATTACH_EOF closes its stdin
 * The monitor closes every client when the container exits. */
#ifndef WARREN_ATTACH_PROTO_H
#define WARREN_ATTACH_PROTO_H

#define ATTACH_STDOUT 1
#define ATTACH_STDERR 2
#define ATTACH_STDIN  3
#define ATTACH_RESIZE 4
#define ATTACH_EOF    5
#define ATTACH_EXIT   6

/* the largest packet either side sends: a kind byte and 32 KiB */
#define ATTACH_PACKET_MAX (1 + 32 * 1024)

/* clients at once; one more is refused (closed at once) */
#define ATTACH_CLIENTS_MAX 16

#endif
