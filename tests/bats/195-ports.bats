#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 9, published ports: -p/--publish, -P, --expose, `warren port`, the
# forwarder in warren-monitor (TCP by splice, UDP datagrams), the taken-port
# and low-port errors before the container starts, restart, foreground run,
# and Podman's output for the same flags.

load helpers

setup_file() {
    pm_init
}

teardown_file() {
    pm_cleanup
}

# peer_seen PORT FROM: connects to 127.0.0.1:PORT from address FROM
# (retrying while the server starts) and prints what the server answers:
# the client address it sees (portecho peer)
peer_seen() {
    python3 - "$1" "$2" <<'PY'
import socket, sys, time
for _ in range(50):
    s = socket.socket(); s.bind((sys.argv[2], 0)); s.settimeout(3)
    try:
        s.connect(("127.0.0.1", int(sys.argv[1]))); data = s.recv(100)
        if data:
            print(data.decode().strip()); break
    except OSError:
        pass
    time.sleep(0.1)
PY
}

# free_ports N: the first of N consecutive ports (20000-40000) that TCP and
# UDP can bind on 0.0.0.0 now
free_ports() {
    local n=${1:-1} p i
    for i in $(seq 50); do
        p=$((20000 + RANDOM % 20000))
        python3 - "$p" "$n" <<'PY' 2>/dev/null && { echo "$p"; return 0; }
import socket, sys
p, n = int(sys.argv[1]), int(sys.argv[2])
held = []
for q in range(p, p + n):
    for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, t)
        s.bind(("0.0.0.0", q))
        held.append(s)
PY
    done
    fail "no $n free consecutive ports found"
}

# fetch PORT: the page of the httpd behind 127.0.0.1:PORT (retried for 5 s
# while the server starts)
fetch() {
    local i
    for i in $(seq 50); do
        curl -sS -m 5 "http://127.0.0.1:$1/" 2>/dev/null && return 0
        sleep 0.1
    done
    curl -sS -m 5 "http://127.0.0.1:$1/"
}

# can_listen PORT: a new server can listen on TCP PORT (SO_REUSEADDR, as
# servers do: the connections the test made may linger in TIME_WAIT)
can_listen() {
    python3 -c "import socket;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('0.0.0.0',$1));s.listen()"
}

# port_free PORT: nothing listens on TCP PORT of 127.0.0.1 (a connect is refused)
port_free() {
    ! curl -sS -m 2 "http://127.0.0.1:$1/" >/dev/null 2>&1
}

# httpd serving TEXT on container port 8080 (and 8081 with a second TEXT)
HTTPD='mkdir -p /w /v && echo "$0" > /w/index.html && echo "$1" > /v/index.html && httpd -p 8081 -h /v && exec httpd -f -p 8080 -h /w'

@test "ports: run -d -p serves busybox httpd on the host; ps, inspect and port show it" {
    # guards: issue 9 "busybox httpd in a container, fetched from the host through -p"
    local name id port mon rss
    name=$(wt_name)
    port=$(free_ports 1)
    run_warren 0 run -d --name "$name" -p "$port:8080" "$IMAGE" sh -c "$HTTPD" page-one page-two
    id=$output
    run fetch "$port"
    assert_output page-one
    run_warren 0 ps --format '{{.Ports}}' --filter "name=$name"
    assert_output "0.0.0.0:$port->8080/tcp"
    run_warren 0 inspect --format '{{json .HostConfig.PortBindings}} {{json .NetworkSettings.Ports}}' "$name"
    assert_output "{\"8080/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$port\"}]} {\"8080/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$port\"}]}"
    run_warren 0 port "$name"
    assert_output "8080/tcp -> 0.0.0.0:$port"
    run_warren 0 port "$name" 8080
    assert_output "0.0.0.0:$port"
    # the forwarder lives in the monitor: no other process, under 1 MiB
    mon=$(monitor_of "$id")
    [ -n "$mon" ] || fail "no monitor for $id"
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$mon/status")
    [ "$rss" -lt 1024 ] || fail "the monitor with -p uses $rss kB RSS (issue 9: under 1 MiB)"
    run_warren 0 rm -f -t 0 "$name"
    port_free "$port" || fail "port $port still answers after rm"
}

@test "ports: UDP echo through -p, one peer per client" {
    # guards: issue 9 "UDP echo through -p"
    local name port
    name=$(wt_name)
    port=$(free_ports 1)
    run_warren 0 run -d --name "$name" -v "$WT_TOOLS/portecho:/portecho:ro" \
        -p "127.0.0.1:$port:9999/udp" "$IMAGE" /portecho udp 9999
    run python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
socks[1].bind(("127.0.0.2", 0))  # its peer takes 127.0.0.2 in the container
for i, s in enumerate(socks):
    s.settimeout(0.3)
    for _ in range(30):  # until the echo server listens
        s.sendto(b"client-%d" % i, ("127.0.0.1", port))
        try:
            data = s.recv(100)
            break
        except socket.timeout:
            continue
    else:
        sys.exit("no reply for client %d" % i)
    print(data.decode())
PY
    assert_success
    assert_output $'client-0\nclient-1'
    run_warren 0 port "$name" 9999/udp
    assert_output "127.0.0.1:$port"
    run_warren 0 rm -f -t 0 "$name"
}

@test "ports: -P publishes --expose and the image's EXPOSE ports on random host ports" {
    # guards: issue 9 "-P for the image's EXPOSE ports"
    local name name2 hp img d
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --expose 8080 -P "$IMAGE" sh -c "$HTTPD" exposed x
    run_warren 0 port "$name" 8080
    [[ $output =~ ^0\.0\.0\.0:([0-9]+)$ ]] || fail "port printed '$output'"
    hp=${BASH_REMATCH[1]}
    run fetch "$hp"
    assert_output exposed
    run_warren 0 inspect --format '{{.HostConfig.PublishAllPorts}}' "$name"
    assert_output true
    # chosen at create time, as Podman: a restart keeps the host port
    run_warren 0 restart -t 0 "$name"
    run_warren 0 port "$name" 8080
    assert_output "0.0.0.0:$hp"
    run fetch "$hp"
    assert_output exposed
    run_warren 0 rm -f -t 0 "$name"
    # an image whose config has ExposedPorts 8081/tcp (the fixture, rewritten)
    d=$(mktemp -d "$WT_TMP/expose.XXXXXX")
    img=localhost/warren-test/busybox-expose:latest
    python3 - "$WT_FIXTURES/busybox.docker.tar" "$d/img.tar" "$img" <<'PY'
import hashlib, io, json, sys, tarfile
src, dst, tag = sys.argv[1:]
with tarfile.open(src) as t:
    files = {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}
man = json.loads(files["manifest.json"])
cfg = json.loads(files.pop(man[0]["Config"]))
cfg.setdefault("config", {})["ExposedPorts"] = {"8081/tcp": {}}
raw = json.dumps(cfg).encode()
name = hashlib.sha256(raw).hexdigest() + ".json"
files[name] = raw
man[0]["Config"], man[0]["RepoTags"] = name, [tag]
files["manifest.json"] = json.dumps(man).encode()
files.pop("repositories", None)
with tarfile.open(dst, "w") as t:
    for n, b in files.items():
        i = tarfile.TarInfo(n); i.size = len(b); t.addfile(i, io.BytesIO(b))
PY
    run_warren 0 load -i "$d/img.tar"
    track_image "$img"
    name2=$(wt_name)
    run_warren 0 run -d --name "$name2" -P "$img" sh -c "$HTTPD" x from-image
    run_warren 0 port "$name2"
    [[ $output =~ ^8081/tcp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]] || fail "port printed '$output'"
    run fetch "${BASH_REMATCH[1]}"
    assert_output from-image
    run_warren 0 rm -f -t 0 "$name2"
}

@test "ports: the server in the container sees the client's real address" {
    # guards: issue 9 "the real client address visible to the server" (IP_TRANSPARENT
    # peers, monitor/forward.c); Podman's rootlessport shows 127.0.0.1 instead
    local name port ip
    name=$(wt_name)
    port=$(free_ports 1)
    run_warren 0 run -d --name "$name" -v "$WT_TOOLS/portecho:/portecho:ro" -p "$port:7000" \
        "$IMAGE" /portecho peer 7000
    # a client on the host from 127.0.0.2 (any 127/8 address is the host's)
    run peer_seen "$port" 127.0.0.2
    assert_output 127.0.0.2
    # and through a non-loopback address of the host, when it has one
    ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -n1) || true
    if [ -n "$ip" ]; then
        run python3 -c "import socket;s=socket.socket();s.settimeout(3);s.connect(('$ip',$port));print(s.recv(100).decode().strip())"
        assert_output "$ip"
    fi
    run_warren 0 rm -f -t 0 "$name"
}

@test "ports: an IPv6 client's real address too (-p [::1]:PORT, a host address other than ::1)" {
    # guards: issue 9 "the real client address" for IPv6 listeners (IPV6_TRANSPARENT,
    # the rule from ::1 in the container's namespace)
    local name port ip6
    ip6=$(ip -6 -o addr show scope global 2>/dev/null | awk '{sub("/.*", "", $4); print $4; exit}')
    [ -n "$ip6" ] || skip "the host has no global IPv6 address to connect from"
    name=$(wt_name)
    port=$(free_ports 1)
    run_warren 0 run -d --name "$name" -v "$WT_TOOLS/portecho:/portecho:ro" -p "[::1]:$port:7000" \
        "$IMAGE" /portecho peer6 7000
    run python3 - "$port" "$ip6" <<'PY'
import socket, sys, time
for _ in range(50):
    s = socket.socket(socket.AF_INET6); s.bind((sys.argv[2], 0)); s.settimeout(3)
    try:
        s.connect(("::1", int(sys.argv[1]))); data = s.recv(100)
        if data:
            print(data.decode().strip()); break
    except OSError:
        pass
    time.sleep(0.1)
PY
    assert_output "$ip6"
    run_warren 0 exec "$name" ip -6 rule
    assert_output --partial "from ::1 lookup 119"
    run_warren 0 rm -f -t 0 "$name"
}

@test "ports: half-close and large transfers pass through, many connections at once" {
    # guards: issue 9 "half-close handled (shutdown SHUT_WR on EOF)"
    local name port
    name=$(wt_name)
    port=$(free_ports 1)
    # the server counts what it reads until EOF, then answers: only a
    # forwarded half-close lets it answer
    run_warren 0 run -d --name "$name" -p "$port:7000" "$IMAGE" nc -ll -p 7000 -e wc -c
    run python3 - "$port" <<'PY'
import socket, sys, threading, time
port = int(sys.argv[1])
def one(n, out, i):
    for _ in range(50):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"x" * n)
            s.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
            if data.strip():
                out[i] = data.decode().strip()
                return
        except OSError:
            pass
        time.sleep(0.1)
out = {}
one(8 << 20, out, "big")  # 8 MiB one way, then the answer back
print(out.get("big"))
ts = [threading.Thread(target=one, args=(1000 + i, out, i)) for i in range(40)]
[t.start() for t in ts]
[t.join() for t in ts]
bad = [i for i in range(40) if out.get(i) != str(1000 + i)]
print("parallel ok" if not bad else "parallel failed: %r" % bad)
PY
    assert_success
    assert_output $'8388608\nparallel ok'
    run_warren 0 rm -f -t 0 "$name"
}

@test "ports: a range, several -p, and 127.0.0.1::PORT (a random host port shown by port)" {
    # guards: issue 9 "port ranges"; Podman's ps PORTS format for ranges
    local name p hp
    name=$(wt_name)
    p=$(free_ports 2)
    run_warren 0 run -d --name "$name" -p "$p-$((p + 1)):8080-8081" -p 127.0.0.1::8080 "$IMAGE" \
        sh -c "$HTTPD" first second
    run fetch "$p"
    assert_output first
    run fetch "$((p + 1))"
    assert_output second
    run_warren 0 port "$name"
    assert_line "8080/tcp -> 0.0.0.0:$p"
    assert_line --regexp "^8080/tcp -> 127\.0\.0\.1:[0-9]+$"
    assert_line "8081/tcp -> 0.0.0.0:$((p + 1))"
    [ "${#lines[@]}" = 3 ] || fail "port printed ${#lines[@]} lines"
    hp=$(sed -n 's/^8080\/tcp -> 127\.0\.0\.1://p' <<<"$output")
    run fetch "$hp"
    assert_output first
    run_warren 0 ps --format '{{.Ports}}' --filter "name=$name"
    assert_output --regexp "^0\.0\.0\.0:$p-$((p + 1))->8080-8081/tcp, 127\.0\.0\.1:$hp->8080/tcp$|^127\.0\.0\.1:$hp->8080/tcp, 0\.0\.0\.0:$p-$((p + 1))->8080-8081/tcp$"
    run_warren 0 rm -f -t 0 "$name"
}

@test "ports: a taken host port fails the run before the container starts" {
    # guards: issue 9 "a host port that is taken ... fails before the container starts"
    local name port holder
    name=$(wt_name)
    port=$(free_ports 1)
    python3 -c "import socket,time;s=socket.socket();s.bind(('0.0.0.0',$port));s.listen();open('$BATS_TEST_TMPDIR/ready','w');time.sleep(60)" &
    holder=$!
    WT_BG_PIDS+=("$holder")
    wait_for_file "$BATS_TEST_TMPDIR/ready" 10
    run_warren 126 run -d --name "$name" -p "$port:8080" "$IMAGE" sh -c "touch /ran; sleep 100"
    assert_stderr_contains "listen tcp 0.0.0.0:$port: bind: address already in use"
    run_warren 0 ps --format '{{.Names}}'
    refute_output --partial "$name"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.Pid}}' "$name"
    refute_output --partial running
}

@test "ports: a host port below ip_unprivileged_port_start fails with the sysctl to change" {
    # guards: issue 9 "below net.ipv4.ip_unprivileged_port_start, with the sysctl to change in the message"
    local name start
    start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
    [ "$(id -u)" != 0 ] || skip "root may bind any port"
    [ "$start" -gt 80 ] || skip "net.ipv4.ip_unprivileged_port_start is $start: port 80 is not privileged here"
    name=$(wt_name)
    run_warren 126 run --rm --name "$name" -p 80:8080 "$IMAGE" true
    assert_stderr_contains "cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently $start)"
    run_warren 126 run -d --name "$name" -p 80:8080 "$IMAGE" sleep 100
    run_warren 0 ps --format '{{.Names}}'
    refute_output --partial "$name"
}

@test "ports: the forwarder follows restart, a restart policy, and stop releases the port" {
    # guards: issue 9 "the container's netns can change on restart"
    local name port pid
    name=$(wt_name)
    port=$(free_ports 1)
    run_warren 0 run -d --name "$name" --restart always -p "$port:8080" "$IMAGE" sh -c "$HTTPD" alive x
    run fetch "$port"
    assert_output alive
    run_warren 0 restart -t 0 "$name"
    run fetch "$port"
    assert_output alive
    # the policy's restart: a new init in a new network namespace
    pid=$(w inspect --format '{{.State.Pid}}' "$name")
    [ "$pid" -gt 1 ] || fail "no pid for $name"
    kill -KILL "$pid"
    for _ in $(seq 100); do
        [ "$(w inspect --format '{{.State.Pid}}' "$name")" != "$pid" ] && [ "$(w inspect --format '{{.State.Status}}' "$name")" = running ] && break
        sleep 0.05
    done
    run fetch "$port"
    assert_output alive
    run_warren 0 stop -t 0 "$name"
    port_free "$port" || fail "port $port still answers after stop"
    can_listen "$port" || fail "port $port not released by stop"
    run_warren 0 start "$name"
    run fetch "$port"
    assert_output alive
    run_warren 0 rm -f -t 0 "$name"
    can_listen "$port" || fail "port $port not released by rm"
}

@test "ports: a foreground run -p forwards while it runs and frees the port when it returns" {
    # guards: issue 9 item "foreground run -p works"
    local name port out
    name=$(wt_name)
    port=$(free_ports 1)
    out=$BATS_TEST_TMPDIR/out
    start_warren "$out" run --rm --name "$name" -p "$port:8080" "$IMAGE" \
        sh -c 'mkdir -p /w && echo fg > /w/index.html && httpd -p 8080 -h /w && sleep 3'
    run fetch "$port"
    assert_output fg
    wait_for_exit "$BG_PID" 30 || fail "the foreground run did not end"
    [ "$(bg_status "$BG_PID")" = 0 ] || fail "run -p exited non-zero: $(cat "$out")"
    port_free "$port" || fail "port $port still answers after the run returned"
    can_listen "$port" || fail "port $port not released"
    # start -a: the same foreground forwarder
    run_warren 0 create --name "$name" -p "$port:8080" "$IMAGE" \
        sh -c 'mkdir -p /w && echo attached > /w/index.html && httpd -p 8080 -h /w && sleep 3'
    start_warren "$out" start -a "$name"
    run fetch "$port"
    assert_output attached
    wait_for_exit "$BG_PID" 30 || fail "start -a did not end"
    can_listen "$port" || fail "port $port not released after start -a"
    run_warren 0 rm "$name"
}

@test "ports: bad -p and --expose values are one-line errors with status 125" {
    # guards: issue 9 (hostile input: every parser of user input)
    local spec
    while IFS='|' read -r spec msg; do
        run_warren 125 create -p "$spec" "$IMAGE" true
        assert_output ""
        [ "${#stderr_lines[@]}" = 1 ] || fail "-p '$spec': ${#stderr_lines[@]} lines: $stderr"
        assert_stderr_contains "$msg"
    done <<'EOF'
0|parsing container port: port numbers must be between 1 and 65535 (inclusive), got 0
65536|port numbers must be between 1 and 65535 (inclusive), got 65536
65536:8080|parsing host port: port numbers must be between 1 and 65535 (inclusive), got 65536
abc|invalid port number: strconv.Atoi: parsing "abc": invalid syntax
1-2-3|invalid port format - port ranges are formatted as startPort-stopPort
8080-8081:80|host and container port ranges have different lengths: 2 vs 1
5-3|the end port of a range must be higher than the start port - 3 is not higher than 5
1.2.3:80:80|cannot parse "1.2.3" as an IP address
80/foo|unrecognized protocol "foo" in port mapping
80/sctp|sctp
80/tcp/udp|invalid port format - protocol can only be specified once
1:2:3:4|invalid port format - format is [[hostIP:]hostPort:]containerPort
|must provide a non-empty container port to publish
::80|must provide a non-empty container host IP to publish
65535-65536|port numbers must be between 1 and 65535 (inclusive), got 65536
EOF
    run_warren 125 create --expose abc "$IMAGE" true
    assert_stderr_contains 'invalid range format for --expose: abc'
    run_warren 125 create --expose 0 "$IMAGE" true
    assert_stderr_contains 'port numbers must be between 1 and 65535 (inclusive), got 0'
    run_warren 125 create --expose 80/icmp "$IMAGE" true
    run_warren 125 port
    assert_stderr_contains 'you must supply a running container name or id'
    run_warren 125 port -a somename
    assert_stderr_contains 'no arguments are needed with --all'
    run_warren 125 port "no-such-ctr-$RANDOM"
    assert_stderr_contains 'no such container'
    run_warren 0 ps -a --format '{{.Names}}'
}

@test "ports: --network host and none discard -p with Podman's warning" {
    # guards: issue 9 (Podman: "Port mappings have been discarded ...")
    local name
    name=$(wt_name)
    run_warren 0 create --name "$name" --network none -p 8080:80 "$IMAGE" true
    assert_stderr_contains "Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use"
    run_warren 0 inspect --format '{{json .HostConfig.PortBindings}}' "$name"
    assert_output '{}'
    run_warren 0 rm "$name"
}

# port_lines_sorted TEXT: the inspect line as it is, the ps PORTS entries
# sorted, then the other lines sorted
port_lines_sorted() {
    sed -n 1p <<<"$1"
    sed -n 2p <<<"$1" | sed 's/, /\n/g' | sort | paste -sd, -
    sed -n '3,$p' <<<"$1" | sort
}

@test "ports: podman compat: the same -p flags give the same PortBindings, ps PORTS and port lines" {
    # guards: issue 9 "Podman's output"; podman 4.3 is the oracle (--runtime runc)
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local p name args pm_out wr_out pm_json wr_json
    p=$(free_ports 4)
    name=$(wt_name)
    args=(-p "$p:80" -p "127.0.0.1:$((p + 1)):81/udp" -p "$((p + 2))-$((p + 3)):9000-9001" --expose 99)
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm run -d --name "$name" "${args[@]}" "$IMAGE" sleep 100 >/dev/null
    pm_out=$(pm inspect --format '{{json .HostConfig.PortBindings}} {{json .NetworkSettings.Ports}} {{.HostConfig.PublishAllPorts}}' "$name"
        pm ps --format '{{.Ports}}' --filter "name=$name"
        pm port "$name"
        pm port "$name" 81/udp
        pm port "$name" 99 2>&1 || true)
    pm_json=$(pm ps --format json --filter "name=$name" | jq -c '.[0].Ports | sort_by(.protocol, .container_port)')
    pm rm -f -t 0 "$name" >/dev/null
    run_warren 0 run -d --name "$name" "${args[@]}" "$IMAGE" sleep 100
    wr_out=$(w inspect --format '{{json .HostConfig.PortBindings}} {{json .NetworkSettings.Ports}} {{.HostConfig.PublishAllPorts}}' "$name"
        w ps --format '{{.Ports}}' --filter "name=$name"
        w port "$name"
        w port "$name" 81/udp
        w port "$name" 99 2>&1 || true)
    wr_json=$(w ps --format json --filter "name=$name" | jq -c '.[0].Ports | sort_by(.protocol, .container_port)')
    run_warren 0 rm -f -t 0 "$name"
    [ "$wr_json" = "$pm_json" ] || fail "ps --format json Ports differ: podman $pm_json, warren $wr_json"
    # podman lists the PORTS entries and the port lines in its Go map's
    # order, which changes from run to run: the same entries, in any order
    pm_out=$(port_lines_sorted "$pm_out")
    wr_out=$(port_lines_sorted "$wr_out")
    [ "$wr_out" = "$pm_out" ] || fail "differs:"$'\n'"podman:"$'\n'"$pm_out"$'\n'"warren:"$'\n'"$wr_out"
}

@test "ports: podman compat: bad -p values fail with Podman's messages" {
    # guards: issue 9 "Podman's wording where cheap"
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local spec a b
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    for spec in 0 65536 abc 1-2-3 8080-8081:80 5-3 1.2.3:80:80 80/foo 80/tcp/udp 1:2:3:4 ::80; do
        a=$(pm create -p "$spec" "$IMAGE" true 2>&1 >/dev/null) || true
        b=$(w create -p "$spec" "$IMAGE" true 2>&1 >/dev/null) || true
        [ "$a" = "$b" ] || fail "-p '$spec': podman says '$a', warren '$b'"
    done
}

@test "ports: port_handler=slirp4netns forwards through slirp4netns itself; a taken port fails the start (126)" {
    # guards: issue 9 "port_handler=slirp4netns ... forward with the client's source address visible"
    local name port ip
    name=$(wt_name)
    port=$(free_ports 1)
    run_warren 0 run -d --name "$name" --network slirp4netns:port_handler=slirp4netns \
        -v "$WT_TOOLS/portecho:/portecho:ro" -p "$port:7000" "$IMAGE" /portecho peer 7000
    # no listener of warren's: slirp4netns holds the port
    run_warren 0 port "$name"
    assert_output "7000/tcp -> 0.0.0.0:$port"
    run peer_seen "$port" 127.0.0.1
    # slirp4netns shows a loopback client as its gateway, another as itself
    assert_output 10.0.2.2
    ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -n1) || true
    if [ -n "$ip" ]; then
        run python3 -c "import socket;s=socket.socket();s.settimeout(3);s.connect(('$ip',$port));print(s.recv(100).decode().strip())"
        assert_output "$ip"
    fi
    run_warren 126 run --rm --network slirp4netns:port_handler=slirp4netns -p "$port:7000" "$IMAGE" true
    assert_error "slirp4netns cannot forward tcp port 0.0.0.0:$port"
    run_warren 0 rm -f -t 0 "$name"
    [ -z "$(ls "$WT_RUNROOT/slirp" 2>/dev/null)" ] || fail "API sockets left: $(ls "$WT_RUNROOT/slirp")"
}
