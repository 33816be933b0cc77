#!/usr/bin/python3
"""fakereg.py - a fake OCI distribution registry for the pull tests (python3 stdlib only).

Serves, read-only, the OCI image layouts under --root (tests/fixtures/mkregimages.sh
makes them): repository NAME is the layout ROOT/NAME, its tags are the
org.opencontainers.image.ref.name annotations of its index.json. Answers
GET/HEAD /v2/, /v2/NAME/manifests/REF, /v2/NAME/blobs/DIGEST (with Range:
bytes=N-), /v2/NAME/tags/list, with the registry's error JSON for what is missing.

Faults: a repository "FAULT/NAME" serves NAME with FAULT (or every repository
with --fault FAULT):
  badlayer    layer blobs: one byte flipped (the bytes do not match the digest)
  badconfig   the config blob: one byte flipped
  missingblob layer blobs: 404 BLOB_UNKNOWN
  truncated   layer blobs: Content-Length is the full size, half is sent, then the
              connection is closed
  stall       layer blobs: half is sent, then nothing, forever
  slow        blobs sent at --rate bytes/s (default 262144): time to send SIGINT
  redirect    blob GETs: 307 to /_blobstore/NAME/sha256/HEX on this server (as a registry
              sends clients to its blob storage; that path needs no credentials), under
              another host name with --redirect-host HOST (e.g. localhost: a client must
              not send the registry's credentials there)
  deny        401 for every request of the repository, whatever the credentials
  toomany     manifests: 429 TOOMANYREQUESTS, Retry-After: 1
  unknownmt   manifests: media type (header and body) application/vnd.warren-test.unknown+json
  huge        manifests: the real one with a 4 MiB + 1 annotation (over 4 MiB)
  schema1     manifests: a Docker schema 1 manifest
              (application/vnd.docker.distribution.manifest.v1+prettyjws)
  badjson     manifests: not JSON
  unavailN    (N a digit) manifests: the first N requests of each path answer 503
              UNAVAILABLE (a registry that recovers: retries succeed when N <= 3)
  dropN       layer blobs: the first N requests of each path get no answer (the
              connection is closed)
Auth (for /v2/...; /_blobstore and /token excepted):
  --basic USER:PASS  HTTP Basic required: without or with wrong credentials, 401
  --token USER:PASS  Bearer required: 401 with WWW-Authenticate: Bearer realm=
                     "<this server>/token",service="fakereg",scope="repository:NAME:pull";
                     GET /token?service=fakereg&scope=... needs Basic USER:PASS and
                     answers {"token": ...} (an opaque token good for those scopes)
Search: with --search FILE (a JSON list of Docker Hub search results: name,
description, star_count, is_official, is_automated), GET /v1/search?q=Q&n=N answers
{"num_results", "query", "results"}: the entries whose name contains Q, at most N
(default 25); without --search it is 404, as in docker-registry. Its log line ends
with " query=Q n=N".
Other options: --root DIR (required), --port-file FILE (the port, written once
listening on 127.0.0.1; also printed), --log FILE (a line per request, written
when the answer starts: "METHOD PATH STATUS auth=none|basic|bearer[ range=RANGE]
[ accept=ACCEPT]", range when the request has one, accept for manifests, e.g.
"GET /v2/gzip/blobs/sha256:... 200 auth=none"), --tls CERT KEY (serve https),
--redirect-host HOST (see redirect).
"""

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = {"badlayer", "badconfig", "missingblob", "truncated", "stall", "slow", "redirect",
          "deny", "toomany", "unknownmt", "huge", "schema1", "badjson"}
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+prettyjws"
UNKNOWN_MT = "application/vnd.warren-test.unknown+json"
NAME_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
PATH_RE = re.compile(r"^/v2/(.+)/(manifests|blobs|tags)/([^/]+)$")
DIGEST_RE = re.compile(r"^sha256:([a-f0-9]{64})$")
COUNTED_RE = re.compile(r"^(unavail|drop)([0-9])$")


class Layout:
    """An OCI image layout: tags, blobs, and which blobs are layers or configs."""

    def __init__(self, path):
        self.path = path
        with open(os.path.join(path, "index.json"), encoding="utf-8") as f:
            self.index = json.load(f)
        self.layers, self.configs = set(), set()
        self._walk(self.index)

    def _walk(self, manifest):
        for d in manifest.get("manifests", []):
            self._walk(json.loads(self.blob(d["digest"])))
        if "config" in manifest:
            self.configs.add(manifest["config"]["digest"])
        self.layers.update(d["digest"] for d in manifest.get("layers", []))

    def blob_path(self, digest):
        m = DIGEST_RE.match(digest)
        return os.path.join(self.path, "blobs", "sha256", m.group(1)) if m else None

    def blob(self, digest):
        with open(self.blob_path(digest), "rb") as f:
            return f.read()

    def tags(self):
        return [d["annotations"]["org.opencontainers.image.ref.name"]
                for d in self.index["manifests"]
                if "org.opencontainers.image.ref.name" in d.get("annotations", {})]

    def resolve(self, ref):
        """The digest a tag or digest names, or None."""
        if DIGEST_RE.match(ref):
            p = self.blob_path(ref)
            return ref if os.path.exists(p) else None
        for d in self.index["manifests"]:
            if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
                return d["digest"]
        return None


def flip(data):
    return data[:-1] + bytes([data[-1] ^ 0x01]) if data else data


def schema1_manifest(name, tag, manifest):
    layers = [{"blobSum": d["digest"]} for d in reversed(manifest.get("layers", []))]
    history = [{"v1Compatibility": json.dumps({"id": f"{i:064x}"})} for i in range(len(layers))]
    body = {"schemaVersion": 1, "name": name, "tag": tag, "architecture": "amd64",
            "fsLayers": layers, "history": history,
            "signatures": [{"header": {"alg": "ES256"}, "signature": "AAAA", "protected": "e30"}]}
    return json.dumps(body, indent=3).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    opts = None          # parsed arguments, set in main
    tokens = {}          # token -> set of repositories it may pull
    seen = {}            # path -> requests so far (unavailN, dropN)
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    # ------------------------------------------------------------ replies
    def log_request_line(self, status):
        if self.opts.log:
            path = urllib.parse.urlsplit(self.path).path
            line = f"{self.command} {path} {status} auth="
            line += self.headers.get("Authorization", "").split(" ")[0].lower() or "none"
            if self.headers.get("Range"):
                line += f" range={self.headers['Range']}"
            if "/manifests/" in path:
                line += f" accept={','.join(self.headers.get_all('Accept', []))}"
            line += getattr(self, "search_log", "")
            with self.lock, open(self.opts.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def start(self, status, ctype, length, headers=()):
        self.log_request_line(status)
        self.send_response(status)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()

    def send(self, status, data, ctype="application/json", headers=()):
        self.start(status, ctype, len(data), headers)
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status, code, message, headers=()):
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.send(status, body, headers=headers)

    def challenge(self, repo):
        if self.opts.token:
            host = f"{'https' if self.opts.tls else 'http'}://127.0.0.1:{self.server.server_address[1]}"
            scope = f',scope="repository:{repo}:pull"' if repo else ""
            value = f'Bearer realm="{host}/token",service="fakereg"{scope}'
        else:
            value = 'Basic realm="fakereg"'
        self.error(401, "UNAUTHORIZED", "authentication required", [("WWW-Authenticate", value)])

    # ------------------------------------------------------------ auth
    def basic_ok(self, creds):
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return False
        try:
            return base64.b64decode(auth[6:]).decode() == creds
        except ValueError:
            return False

    def authorized(self, repo):
        if self.opts.basic:
            return self.basic_ok(self.opts.basic)
        if self.opts.token:
            auth = self.headers.get("Authorization", "")
            repos = self.tokens.get(auth[7:]) if auth.lower().startswith("bearer ") else None
            return repos is not None and (repo is None or repo in repos)
        return True

    def issue_token(self, query):
        if not self.basic_ok(self.opts.token):
            self.error(401, "UNAUTHORIZED", "wrong username or password",
                       [("WWW-Authenticate", 'Basic realm="fakereg-token"')])
            return
        repos = set()
        for scope in urllib.parse.parse_qs(query).get("scope", []):
            parts = scope.split(":")
            if len(parts) >= 3 and parts[0] == "repository" and "pull" in parts[-1].split(","):
                repos.add(":".join(parts[1:-1]))
        token = secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = repos
        self.send(200, json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode())

    # ------------------------------------------------------------ dispatch
    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.search_log = ""
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/token" and self.opts.token:
            return self.issue_token(url.query)
        if url.path.startswith("/_blobstore/"):
            return self.blobstore(url.path)
        if url.path == "/v1/search":
            return self.search(url.query)
        if url.path in ("/v2", "/v2/"):
            return self.send(200, b"{}") if self.authorized(None) else self.challenge(None)
        m = PATH_RE.match(url.path)
        if not m:
            return self.error(404, "NOT_FOUND", "no such endpoint")
        repo, kind, ref = m.groups()
        if not self.authorized(repo):
            return self.challenge(repo)
        fault, name = self.opts.fault, repo
        first, _, rest = repo.partition("/")
        if (first in FAULTS or COUNTED_RE.match(first)) and rest:
            fault, name = first, rest
        if fault == "deny":
            return self.challenge(repo)
        if self.counted_fault(fault, url.path, kind == "blobs" and ref in self.layers_of(name)):
            return None
        layout_dir = os.path.join(self.opts.root, name)
        if not NAME_RE.match(name) or not os.path.exists(os.path.join(layout_dir, "index.json")):
            return self.error(404, "NAME_UNKNOWN", f"repository {repo} not known to registry")
        layout = Layout(layout_dir)
        if kind == "tags":
            if ref != "list":
                return self.error(404, "NOT_FOUND", "no such endpoint")
            return self.send(200, json.dumps({"name": repo, "tags": layout.tags()}).encode())
        if kind == "manifests":
            return self.manifest(repo, layout, ref, fault)
        return self.blob(layout, ref, fault)

    def layers_of(self, name):
        path = os.path.join(self.opts.root, name)
        if not NAME_RE.match(name) or not os.path.exists(os.path.join(path, "index.json")):
            return set()
        return Layout(path).layers

    def counted_fault(self, fault, path, is_layer):
        """unavailN / dropN: True when this request got the fault (answered or dropped)."""
        m = COUNTED_RE.match(fault or "")
        if not m or (m.group(1) == "drop" and not is_layer) or \
                (m.group(1) == "unavail" and "/manifests/" not in path):
            return False
        with self.lock:
            n = self.seen[path] = self.seen.get(path, 0) + 1
        if n > int(m.group(2)):
            return False
        if m.group(1) == "unavail":
            self.error(503, "UNAVAILABLE", "service unavailable")
        else:
            self.log_request_line(0)
            self.close_connection = True
        return True

    def search(self, query):
        q = urllib.parse.parse_qs(query)
        term, n = q.get("q", [""])[0], q.get("n", ["25"])[0]
        self.search_log = f" query={term} n={n}"
        if not self.opts.search:
            return self.error(404, "NOT_FOUND", "no such endpoint")
        with open(self.opts.search, encoding="utf-8") as f:
            entries = json.load(f)
        hits = [e for e in entries if term in e.get("name", "")][:int(n) if n.isdigit() else 25]
        body = {"num_results": len(hits), "query": term, "results": hits}
        return self.send(200, json.dumps(body).encode())

    # ------------------------------------------------------------ manifests
    def manifest(self, repo, layout, ref, fault):
        digest = layout.resolve(ref)
        if digest is None:
            return self.error(404, "MANIFEST_UNKNOWN", f"manifest unknown: {ref}")
        if fault == "toomany":
            return self.error(429, "TOOMANYREQUESTS", "too many requests", [("Retry-After", "1")])
        data = layout.blob(digest)
        manifest = json.loads(data)
        ctype = manifest.get("mediaType") or (OCI_INDEX if "manifests" in manifest else OCI_MANIFEST)
        if fault == "unknownmt":
            manifest["mediaType"] = ctype = UNKNOWN_MT
            data = json.dumps(manifest).encode()
        elif fault == "huge":
            manifest["annotations"] = {"org.warren-test.padding": "x" * (4 * 1024 * 1024 + 1)}
            data = json.dumps(manifest).encode()
        elif fault == "schema1":
            data, ctype = schema1_manifest(repo, ref, manifest), SCHEMA1
        elif fault == "badjson":
            data = b'{"schemaVersion": 2, "mediaType": "' + ctype.encode() + b'", "layers": [{'
        dg = "sha256:" + hashlib.sha256(data).hexdigest()
        self.send(200, data, ctype, [("Docker-Content-Digest", dg)])

    # ------------------------------------------------------------ blobs
    def blob(self, layout, digest, fault):
        path = layout.blob_path(digest)
        if path is None:
            return self.error(400, "DIGEST_INVALID", f"invalid digest {digest}")
        if not os.path.exists(path):
            return self.error(404, "BLOB_UNKNOWN", f"blob unknown to registry: {digest}")
        is_layer = digest in layout.layers
        if fault == "missingblob" and is_layer:
            return self.error(404, "BLOB_UNKNOWN", f"blob unknown to registry: {digest}")
        if fault == "redirect" and self.command == "GET":
            loc = f"/_blobstore/{os.path.relpath(layout.path, self.opts.root)}/sha256/{digest[7:]}"
            if self.opts.redirect_host:
                scheme = "https" if self.opts.tls else "http"
                loc = f"{scheme}://{self.opts.redirect_host}:{self.server.server_address[1]}{loc}"
            return self.send(307, b"", "text/plain", [("Location", loc)])
        with open(path, "rb") as f:
            data = f.read()
        if (fault == "badlayer" and is_layer) or (fault == "badconfig" and digest in layout.configs):
            data = flip(data)
        cut = {"truncated": "close", "stall": "stall"}.get(fault) if is_layer else None
        self.send_blob(data, digest, cut, fault == "slow")

    def blobstore(self, path):
        m = re.match(r"^/_blobstore/(.+)/sha256/([a-f0-9]{64})$", path)
        blob = m and NAME_RE.match(m.group(1)) and os.path.join(self.opts.root, m.group(1), "blobs",
                                                                 "sha256", m.group(2))
        if not blob or not os.path.exists(blob):
            return self.error(404, "BLOB_UNKNOWN", "no such blob")
        with open(blob, "rb") as f:
            self.send_blob(f.read(), "sha256:" + m.group(2), None, False)

    def send_blob(self, data, digest, cut, slow):
        start, status, headers = 0, 200, [("Docker-Content-Digest", digest), ("Accept-Ranges", "bytes")]
        m = re.match(r"^bytes=(\d+)-$", self.headers.get("Range", ""))
        if m and int(m.group(1)) < len(data):
            start, status = int(m.group(1)), 206
            headers.append(("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}"))
        body = data[start:]
        self.start(status, "application/octet-stream", len(body), headers)
        if self.command == "HEAD":
            return
        if cut:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            if cut == "stall":
                while True:
                    time.sleep(3600)
            self.close_connection = True
            return
        if not slow:
            self.wfile.write(body)
            return
        step = max(1, self.opts.rate // 10)
        for i in range(0, len(body), step):
            self.wfile.write(body[i:i + step])
            self.wfile.flush()
            time.sleep(0.1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--fault", choices=sorted(FAULTS))
    p.add_argument("--basic", metavar="USER:PASS")
    p.add_argument("--token", metavar="USER:PASS")
    p.add_argument("--rate", type=int, default=262144)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--redirect-host", metavar="HOST")
    p.add_argument("--search", metavar="FILE")
    Handler.opts = opts = p.parse_args()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    if opts.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*opts.tls)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    with open(opts.port_file + ".tmp", "w", encoding="ascii") as f:
        f.write(f"{httpd.server_address[1]}\n")
    os.rename(opts.port_file + ".tmp", opts.port_file)
    print(f"fakereg: listening on 127.0.0.1:{httpd.server_address[1]}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
