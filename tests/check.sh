#!/bin/bash
# check.sh - `make check`: everything the test suite needs, on a fresh Debian 12
# machine, as root:
#   1. installs missing packages (tests/deps.sh)
#   2. makes /dev/fuse and /dev/net/tun 0666 (as a distribution's udev rules do)
#   3. creates the test users: warren-test (with /etc/subuid and /etc/subgid
#      ranges that overlap no other) and warren-nosubid (without)
#   4. runs `make lint`, `make check-format`, `make check-layers` and
#      `make check-clang`, builds with `make -j2` (-Werror), runs
#      `make check-unit` and checks `make install` (each check counts as one test)
#   5. copies the binary, the bats files, the fixtures and tests/tools (the
#      registry servers) to a temp dir the test user can read (the clone may
#      live under /root), builds the fixture images there
#   6. runs tests/bats as warren-test (rootless) and tests/bats/root as root
#   7. prints as its LAST line "N passed, N failed, N skipped" (unit + bats),
#      exits 1 when anything failed
# Knobs: WARREN_TEST_USER, WARREN_TEST_NOSUBID_USER,
# BATS_FILTER (passed to bats --filter), WARREN_CHECK_KEEP=1 (keep the temp dir),
# WARREN_CHECK_SKIP_BUILD=1 (test the existing bin/warren: no make, no unit tests),
# WARREN_CHECK_ENOSYS=1 (run both bats suites with the syscalls an old kernel
# lacks failing with ENOSYS: tests/tools/enosys, installed here as root so that
# it needs no no_new_privs and covers every process, the pause process included;
# a comma-separated list instead of 1 picks the syscalls).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TUSER=${WARREN_TEST_USER:-warren-test}
NUSER=${WARREN_TEST_NOSUBID_USER-warren-nosubid}   # set to "" to create no such user
SUBID_COUNT=65536
T0=$(date +%s)

log() { printf '# check: %s\n' "$*"; }
die() { printf '# check: ERROR: %s\n' "$*"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (make check as root, or sudo make check): it installs packages and creates test users"
cd "$REPO" || die "cannot cd to $REPO"

# ------------------------------------------------------------- 1. packages
"$REPO/tests/deps.sh" --check || die "tests/deps.sh failed"

# ------------------------------------------------------------- 2. devices
modprobe -q fuse 2>/dev/null || true
modprobe -q tun 2>/dev/null || true
[ -e /dev/fuse ] || mknod -m 0666 /dev/fuse c 10 229 || true
[ -e /dev/net/tun ] || { mkdir -p /dev/net && mknod -m 0666 /dev/net/tun c 10 200; } || true
chmod 0666 /dev/fuse /dev/net/tun 2>/dev/null || true

# ------------------------------------------------------------- 3. users
# free_subid_start: first multiple of 65536 (>= 100000) above every range in use
free_subid_start() {
    awk -F: 'NF>=3 && $2 ~ /^[0-9]+$/ {e = $2 + $3; if (e > m) m = e}
             END {s = (m < 100000 ? 100000 : m); s = int((s + 65535) / 65536) * 65536; print s}' \
        /etc/subuid /etc/subgid
}
# overlaps FILE USER START: true when another entry of FILE overlaps USER's range
overlaps() {
    awk -F: -v u="$2" -v s="$3" -v c="$SUBID_COUNT" \
        '$1 != u && NF >= 3 && $2 < s + c && s < $2 + $3 {bad = 1} END {exit !bad}' "$1"
}
touch /etc/subuid /etc/subgid
for u in "$TUSER" $NUSER; do
    id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u" || die "useradd $u failed"
done
# no ranges for the no-subid user (useradd may have allocated some)
[ -z "$NUSER" ] || sed -i "/^$NUSER:/d" /etc/subuid /etc/subgid
# one non-overlapping range for the test user, the same in both files
start=$(awk -F: -v u="$TUSER" '$1 == u {print $2; exit}' /etc/subuid)
if [ -z "$start" ] || overlaps /etc/subuid "$TUSER" "$start" || overlaps /etc/subgid "$TUSER" "$start" ||
    ! grep -qx "$TUSER:$start:$SUBID_COUNT" /etc/subuid || ! grep -qx "$TUSER:$start:$SUBID_COUNT" /etc/subgid; then
    sed -i "/^$TUSER:/d" /etc/subuid /etc/subgid
    start=$(free_subid_start)
    echo "$TUSER:$start:$SUBID_COUNT" >> /etc/subuid
    echo "$TUSER:$start:$SUBID_COUNT" >> /etc/subgid
fi
log "users: $TUSER (sub-ids $start:$SUBID_COUNT)${NUSER:+, $NUSER (none)}"
TUID=$(id -u "$TUSER")
THOME=$(getent passwd "$TUSER" | cut -d: -f6)
TRUN=/run/user/$TUID
install -d -m 0700 -o "$TUSER" -g "$(id -g "$TUSER")" "$TRUN"

# ------------------------------------------------------------- 4. build + unit tests
FAILED=0
FAILED_WHAT=()
EXTRA_P=0
# extra_check WHAT CMD...: one more test, counted with the unit tests
extra_check() {
    local what=$1 out
    shift
    if out=$("$@" 2>&1); then
        log "ok: $what"
        EXTRA_P=$((EXTRA_P + 1))
    else
        printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
        log "not ok: $what ($*)"
        FAILED=$((FAILED + 1))
        FAILED_WHAT+=("$what")
    fi
}
# install_check: `make install PREFIX=... DESTDIR=...` puts bin/warren there (issue #2 §1)
install_check() {
    local dd rc=1
    dd=$(mktemp -d)
    make -s install DESTDIR="$dd" PREFIX=/opt/warren-check >/dev/null &&
        [ -x "$dd/opt/warren-check/bin/warren" ] &&
        [ -x "$dd/opt/warren-check/libexec/warren/warren-monitor" ] && rc=0
    rm -rf "$dd"
    return "$rc"
}
# static checks (issue 5 items 16, 19): cppcheck, clang-format, the folder layering, clang
extra_check "make lint (cppcheck) is clean" make -s lint
extra_check "make check-format: clang-format would change nothing" make -s check-format
extra_check "make check-layers: folders include each other only downwards" make -s check-layers
extra_check "make check-clang: every file compiles with clang -Werror too" make -s check-clang
if [ "${WARREN_CHECK_SKIP_BUILD:-}" = 1 ]; then
    log "WARREN_CHECK_SKIP_BUILD=1: testing the existing bin/warren, no unit tests"
    [ -x "$REPO/bin/warren" ] || die "no bin/warren"
    make -s test-tools || die "make test-tools failed"
    UNIT_OUT="unit: 0 passed, 0 failed"
else
    log "make -j2 all test-tools"
    make -j2 all test-tools || die "build failed"
    log "make check-unit"
    UNIT_OUT=$(make -s check-unit 2>&1)
    extra_check "make install honours DESTDIR and PREFIX" install_check
    extra_check "docs/reference.md is the --help of every command (make reference)" \
        make -s check-reference
fi
printf '%s\n' "$UNIT_OUT"
UNIT_LINE=$(printf '%s\n' "$UNIT_OUT" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' | tail -1)
if [ -n "$UNIT_LINE" ]; then
    UP=$(sed -E 's/^unit: ([0-9]+) passed.*/\1/' <<<"$UNIT_LINE")
    UF=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$UNIT_LINE")
else
    log "no 'unit: N passed, N failed' line: counting the unit tests as one failure"
    UP=0; UF=1
fi

# ------------------------------------------------------------- 5. a tree the test user can read
T=$(mktemp -d /tmp/warren-check.XXXXXX)
chmod 0755 "$T"
cleanup() {
    runuser -u "$TUSER" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$TRUN" \
        "$T/bin/warren" system migrate >/dev/null 2>&1 || true
    [ "${WARREN_CHECK_KEEP:-}" = 1 ] || rm -rf --one-file-system "$T"
}
trap cleanup EXIT
install -D -m 0755 "$REPO/bin/warren" "$T/bin/warren"
# detached containers exec their monitor from beside the warren binary
install -D -m 0755 "$REPO/bin/warren-monitor" "$T/bin/warren-monitor"
install -D -m 0755 -t "$T/tools" "$REPO/build/tools/enosys" "$REPO/build/tools/uring_probe" \
    "$REPO/build/tools/portecho" "$REPO/build/tools/icmp_ping"
mkdir -p "$T/tests"
cp -r "$REPO/tests/bats" "$REPO/tests/fixtures" "$REPO/tests/tools" "$T/tests/"
# the doc-message tests compare warren's messages with docs/rootless (docmsg.bash)
cp -r "$REPO/docs" "$T/"
chmod -R a+rX "$T/tests" "$T/docs"
log "fixtures (tests/fixtures/mkimages.sh)"
"$T/tests/fixtures/mkimages.sh" "$T/fixtures" || die "mkimages.sh failed"
"$T/tests/fixtures/mkhostile.sh" "$T/fixtures" || die "mkhostile.sh failed"
"$T/tests/fixtures/mkregimages.sh" "$T/fixtures" || die "mkregimages.sh failed"
chmod -R a+rX "$T/fixtures"

# ------------------------------------------------------------- 6. bats
BATS_ARGS=(--tap --timing) # --timing: "in N ms" on each line, for the slowest list below
[ -n "${BATS_FILTER:-}" ] && BATS_ARGS+=(--filter "$BATS_FILTER")
WRAP=()
case "${WARREN_CHECK_ENOSYS:-}" in
"" | 0) ;;
1) WRAP=("$T/tools/enosys" @new) ;;
*) WRAP=("$T/tools/enosys" "$WARREN_CHECK_ENOSYS") ;;
esac
[ ${#WRAP[@]} = 0 ] || log "every bats command runs with ENOSYS from: ${WRAP[1]}"
# a stale pause process of an earlier binary would be joined by the new one
runuser -u "$TUSER" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$TRUN" \
    "$T/bin/warren" system migrate >/dev/null 2>&1 || true

log "bats (rootless, as $TUSER): tests/bats"
(cd "$T" && "${WRAP[@]}" runuser -u "$TUSER" -- env -i HOME="$THOME" USER="$TUSER" LOGNAME="$TUSER" \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 SHELL=/bin/bash \
    XDG_RUNTIME_DIR="$TRUN" WARREN="$T/bin/warren" WT_FIXTURES="$T/fixtures" WT_TOOLS="$T/tools" \
    BATS_TEST_TIMEOUT=300 CI="${CI:-}" \
    bats "${BATS_ARGS[@]}" "$T/tests/bats") 2>&1 | tee "$T/rootless.tap"

log "bats (root mode, as root): tests/bats/root"
(cd "$T" && "${WRAP[@]}" env WARREN="$T/bin/warren" WT_FIXTURES="$T/fixtures" WT_TOOLS="$T/tools" \
    WARREN_TEST_NOSUBID_USER="$NUSER" BATS_TEST_TIMEOUT=300 \
    bats "${BATS_ARGS[@]}" "$T/tests/bats/root") 2>&1 | tee "$T/root.tap"

# ------------------------------------------------------------- 7. summary
# tap_count FILE: "passed failed skipped"; a plan without its results counts the rest as failed
tap_count() {
    awk '
        /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; seen_plan = 1; next }
        /^ok [0-9]+/ { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) s++; else p++; next }
        /^not ok [0-9]+/ { f++; next }
        END {
            if (!seen_plan) { f++ }
            else if (p + f + s < plan) f += plan - (p + f + s)
            printf "%d %d %d\n", p, f, s
        }' "$1"
}
read -r RP RF RS < <(tap_count "$T/rootless.tap")
read -r OP OF OS < <(tap_count "$T/root.tap")
log "unit: $UP passed, $UF failed; other checks: $EXTRA_P passed, $FAILED failed"
log "bats rootless: $RP passed, $RF failed, $RS skipped"
log "bats root:     $OP passed, $OF failed, $OS skipped"
for w in "${FAILED_WHAT[@]}"; do log "FAILED (check) $w"; done
grep -h '^not ok' "$T/rootless.tap" | sed 's/^/# check: FAILED (rootless) /'
grep -h '^not ok' "$T/root.tap" | sed 's/^/# check: FAILED (root) /'
# where the time goes (the 30-minute CI budget): the ten slowest tests
cat "$T/rootless.tap" "$T/root.tap" | sed -n 's/^\(not \)\{0,1\}ok [0-9]* \(.*\) in \([0-9]*\)ms.*/\3 \2/p' |
    sort -rn | head -10 | while read -r ms name; do log "slow: $((ms / 1000)) s  $name"; done
log "took $(($(date +%s) - T0)) s"
P=$((UP + RP + OP + EXTRA_P)); F=$((UF + RF + OF + FAILED)); S=$((RS + OS))
echo "$P passed, $F failed, $S skipped"
[ "$F" -eq 0 ]
