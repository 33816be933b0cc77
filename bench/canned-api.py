#!/usr/bin/python3
"""canned-api.py SOCKET BODY - the docker CLI's own floor for `docker ps -a`.

Serves SOCKET (a unix socket) until killed: HEAD/GET /_ping answer "OK",
/version a small version object, and GET .../containers/json the bytes of
the file BODY (a real service's answer, saved by bench/api-speed), each at
once and from memory. `docker ps -a` against it costs what the CLI itself
does (start, /_ping, decode and print the list): no service can answer
faster, so it bounds the ratio any service can reach.
"""
import os
import socket
import sys
import threading

HEAD = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
VERSION = b'{"Version":"0","ApiVersion":"1.41","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64","Components":[]}'


def answer(line, body):
    method, path = (line.split(b" ") + [b"", b""])[:2]
    if path.split(b"?")[0].endswith(b"/containers/json"):
        kind, data = b"application/json", body
    elif path.split(b"?")[0].endswith(b"/version"):
        kind, data = b"application/json", VERSION
    else:
        kind, data = b"text/plain", b"OK"
    return HEAD % (kind, len(data)) + (b"" if method == b"HEAD" else data)


def serve(conn, body):
    buf = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            head, buf = buf.split(b"\r\n\r\n", 1)
            conn.sendall(answer(head.split(b"\r\n")[0], body))


def main():
    path, body = sys.argv[1], open(sys.argv[2], "rb").read()
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, body), daemon=True).start()


main()
