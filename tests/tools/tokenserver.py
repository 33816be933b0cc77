#!/usr/bin/python3
"""tokenserver.py - a Docker registry token server for the tests (python3 stdlib only).

The registry (docker-registry with `auth: token:`) sends a client without a token
to this server's realm; the client asks

    GET /token?service=SVC&scope=repository:NAME:pull,push[&scope=...]
    (HTTP Basic credentials, or none for an anonymous token)

or POSTs the OAuth2 password form (grant_type=password, username, password,
service, scope: space-separated), or the refresh-token form a client sends
with an identity token (grant_type=refresh_token, refresh_token, client_id,
service, scope: space-separated or one scope= each; the tokens --refresh
names). Unknown user, wrong password or unknown refresh token: 401. Otherwise
the answer is a JWT signed RS256 (`openssl dgst -sha256 -sign`), with the
signing certificate in its x5c header (the registry's rootcertbundle holds that
certificate), granting for each scope the requested actions that the ACL allows.

ACL file, one rule a line: USER PASSWORD REPOSITORY-GLOB ACTIONS
    wtuser secret * pull,push
    reader secret2 * pull
    - - public/* pull          (USER "-": anonymous)
    wtuser secret registry:catalog *    (a scope of another type: TYPE:NAME)
A user's password is the one of its first line; actions "*" grant every action.

Usage: tokenserver.py --acl FILE --sign-key KEY --sign-cert CERT --issuer ISS
       --service SVC --port-file FILE [--port N] [--tls CERT KEY] [--log FILE]
       [--refresh TOKEN:USER]...
It listens on 127.0.0.1, port N (default: one the kernel picks), and writes the
port to --port-file once it listens. Every request is logged: "METHOD PATH STATUS user=U granted=SCOPES",
with " grant=refresh_token client_id=ID" added for a refresh-token request.
"""

import argparse
import base64
import fnmatch
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_LIFETIME = 300


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load_acl(path):
    rules, passwords = [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) != 4:
                sys.exit(f"tokenserver: bad ACL line: {line.strip()}")
            user, password, glob, actions = fields
            passwords.setdefault(user, password)
            rules.append((user, glob, actions.split(",")))
    return rules, passwords


def cert_der_b64(path):
    """The base64 DER of a PEM certificate (what x5c holds)."""
    with open(path, encoding="ascii") as f:
        lines = [line.strip() for line in f if not line.startswith("-----")]
    return "".join(lines)


class Server:
    def __init__(self, args):
        self.args = args
        self.rules, self.passwords = load_acl(args.acl)
        self.x5c = [cert_der_b64(args.sign_cert)]
        self.refresh = dict(r.split(":", 1) for r in args.refresh)
        self.log_lock = threading.Lock()

    def allowed(self, user, name, wanted):
        """The actions of `wanted` that the rules give USER on repository NAME."""
        ok = set()
        for u, glob, actions in self.rules:
            if u == user and fnmatch.fnmatchcase(name, glob):
                ok |= set(wanted) if "*" in actions else set(actions) & set(wanted)
        return [a for a in wanted if a in ok]

    def access(self, user, scopes):
        out = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) < 3:
                continue
            typ, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1].split(",")
            # repository scopes match the glob by name, others by TYPE:NAME (registry:catalog)
            target = name if typ == "repository" else f"{typ}:{name}"
            granted = self.allowed(user, target, actions)
            out.append({"type": typ, "name": name, "actions": granted})
        return out

    def sign(self, user, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        claims = {
            "iss": self.args.issuer, "sub": user, "aud": self.args.service,
            "exp": now + TOKEN_LIFETIME, "nbf": now - 10, "iat": now,
            "jti": b64url(os.urandom(12)), "access": access,
        }
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.args.sign_key],
                             input=signing_input, capture_output=True, check=True).stdout
        return signing_input.decode() + "." + b64url(sig)

    def log(self, line):
        if self.args.log:
            with self.log_lock, open(self.args.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    srv = None  # the Server, set in main

    def log_message(self, *args):
        pass

    def reply(self, status, body, user="", granted="", extra=""):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="warren-test-tokens"')
        self.end_headers()
        self.wfile.write(data)
        path = self.path.split("?")[0]
        self.srv.log(f"{self.command} {path} {status} user={user or '-'} granted={granted or '-'}{extra}")

    def basic_user(self):
        """(user, ok): the Basic credentials' user ("-" without), ok when they are right."""
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return "-", True
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return "?", False
        return user, user != "-" and self.srv.passwords.get(user) == password

    def issue(self, user, ok, service, scopes, oauth, extra=""):
        if not ok:
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "wrong username or password"}]},
                       user, extra=extra)
            return
        if service and service != self.srv.args.service:
            self.reply(400, {"errors": [{"code": "DENIED", "message": f"unknown service {service}"}]}, user)
            return
        access = self.srv.access(user, scopes)
        token = self.srv.sign("" if user == "-" else user, access)
        granted = " ".join(f"{a['type']}:{a['name']}:{','.join(a['actions'])}" for a in access)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        body = {"access_token": token, "expires_in": TOKEN_LIFETIME, "issued_at": now}
        if not oauth:
            body["token"] = token
        self.reply(200, body, user, granted, extra)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
            return
        q = urllib.parse.parse_qs(url.query)
        user, ok = self.basic_user()
        self.issue(user, ok, q.get("service", [""])[0], q.get("scope", []), False)

    def body(self):
        """The request body, Content-Length or chunked (Go's client sends a form of
        unknown length chunked)."""
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))
        data = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass  # trailers
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def do_POST(self):
        form = urllib.parse.parse_qs(self.body().decode())
        field = lambda k: form.get(k, [""])[0]  # noqa: E731
        grant = field("grant_type")
        if urllib.parse.urlsplit(self.path).path != "/token" or grant not in ("password", "refresh_token"):
            self.reply(400, {"error": "unsupported_grant_type"})
            return
        scopes = [s for v in form.get("scope", []) for s in v.split()]
        if grant == "refresh_token":
            user = self.srv.refresh.get(field("refresh_token"), "?")
            extra = f" grant=refresh_token client_id={field('client_id') or '-'}"
            self.issue(user, user != "?", field("service"), scopes, True, extra)
            return
        user = field("username")
        ok = user != "-" and self.srv.passwords.get(user) == field("password")
        self.issue(user, ok, field("service"), scopes, True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--acl", required=True)
    p.add_argument("--sign-key", required=True)
    p.add_argument("--sign-cert", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--log")
    p.add_argument("--refresh", action="append", default=[], metavar="TOKEN:USER")
    args = p.parse_args()
    Handler.srv = Server(args)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*args.tls)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    with open(args.port_file + ".tmp", "w", encoding="ascii") as f:
        f.write(f"{httpd.server_address[1]}\n")
    os.rename(args.port_file + ".tmp", args.port_file)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
